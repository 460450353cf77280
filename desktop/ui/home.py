"""The home screen: today's counts (received, due today, overdue, awaiting supplement, not
synced) and, under them, the list behind the chosen count."""

from __future__ import annotations

from desktop.register.queries import HOME_KEYS, HomeCounts
from desktop.ui import settings as opts
from desktop.ui.context import AppContext
from desktop.ui.dossier_list import DossierTable, DossierTableModel
from desktop.ui.i18n import N_, _
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.widgets import heading, hint

HOME_LABELS = {
    "received_today": N_("Tiếp nhận hôm nay"),
    "due_today": N_("Đến hạn trả hôm nay"),
    "overdue": N_("Quá hạn"),
    "awaiting_supplement": N_("Chờ bổ sung"),
    "not_synced": N_("Chưa đồng bộ"),
}
EMPTY_TEXT = {
    "received_today": N_("Hôm nay chưa tiếp nhận hồ sơ nào."),
    "due_today": N_("Không có hồ sơ nào đến hạn trả hôm nay."),
    "overdue": N_("Không có hồ sơ quá hạn."),
    "awaiting_supplement": N_("Không có hồ sơ chờ bổ sung."),
    "not_synced": N_("Mọi thay đổi đã được đồng bộ."),
}
HOME_COLOURS = {"received_today": "#1a4a85", "due_today": "#8a5a00", "overdue": "#8a1c12",
                "awaiting_supplement": "#5b3b8c", "not_synced": "#3c4043"}

class CountTile(QPushButton):
    """A count of the home screen: a big number over its label; a click shows its list."""

    def __init__(self, key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"tile_{key}")
        self.setCheckable(True)
        self.setMinimumSize(170, 92)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        colour = HOME_COLOURS[key]
        self.setStyleSheet(
            "QPushButton { border: 1px solid #c8ccd0; border-radius: 6px; background: #ffffff; }"
            f"QPushButton:checked {{ border: 3px solid {colour}; background: #f4f7fb; }}"
            "QPushButton:focus { border: 2px solid #1a73e8; }")
        inner = QVBoxLayout(self)
        inner.setContentsMargins(14, 8, 14, 8)
        self.number = QLabel()
        self.number.setObjectName("tileNumber")
        self.number.setStyleSheet(f"color: {colour}; font-size: 24pt; font-weight: bold; "
                                  "background: transparent; border: none;")
        self.caption = QLabel(_(HOME_LABELS[key]))
        self.caption.setStyleSheet("font-size: 11pt; background: transparent; border: none;")
        for label in (self.number, self.caption):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            inner.addWidget(label)
        self.count: int | None = None
        self.set_count(None)

    def set_count(self, count: int | None) -> None:
        self.count = count
        self.number.setText("…" if count is None else f"{count:,}".replace(",", "."))
        self.setAccessibleName(f"{self.number.text()} {self.caption.text()}")


class HomePage(QWidget):
    """Today's figures; a click on one shows its list below."""

    counts_shown = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("homePage")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = heading(_("Hôm nay"), 15)
        top.addWidget(self.title)
        top.addStretch(1)
        self.receive_button = QPushButton(_("Tiếp nhận hồ sơ mới (F2)"))
        self.receive_button.setObjectName("homeReceive")
        self.receive_button.setMinimumHeight(40)
        self.receive_button.setStyleSheet(
            "QPushButton { background: #1a73e8; color: white; font-weight: bold; "
            "padding: 6px 18px; border-radius: 5px; } QPushButton:disabled { background: #9bb8e6; }")
        self.receive_button.setVisible(ctx.can("receive"))
        top.addWidget(self.receive_button)
        layout.addLayout(top)
        grid = QGridLayout()
        self.tiles: dict[str, CountTile] = {}
        for i, key in enumerate(HOME_KEYS):
            tile = CountTile(key)
            tile.clicked.connect(lambda _c=False, k=key: self.show_list(k))
            grid.addWidget(tile, 0, i)
            self.tiles[key] = tile
        layout.addLayout(grid)
        self.list_title = heading("", 12)
        layout.addWidget(self.list_title)
        self.model = DossierTableModel(ctx.register, ctx.procedure_name,
                                       page_size=ctx.settings.get(opts.LIST_PAGE_SIZE),
                                       parent=self)
        self.table = DossierTable(self.model)
        self.table.setObjectName("homeTable")
        self.table.open_requested.connect(ctx.bus.open_dossier.emit)
        layout.addWidget(self.table, 1)
        self.empty = QLabel()
        self.empty.setObjectName("emptyList")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #5f6368; font-size: 11pt; padding: 12px;")
        self.empty.setVisible(False)
        layout.addWidget(self.empty)
        self.model.page_arrived.connect(self._rows_arrived)
        self.hint = hint(_("Nhấp đúp hoặc Enter để mở hồ sơ. Màu vàng: đến hạn hôm nay; màu "
                           "đỏ: quá hạn."))
        layout.addWidget(self.hint)
        self.current = "due_today"
        self.counts: HomeCounts | None = None

    def refresh(self) -> None:
        run_op(lambda c: self.ctx.register.home_counts(), on_success=self._counts, parent=self)
        self.model.refresh()

    def _counts(self, counts: HomeCounts) -> None:
        self.counts = counts
        values = {"received_today": counts.received_today, "due_today": counts.due_today,
                  "overdue": counts.overdue, "awaiting_supplement": counts.awaiting_supplement,
                  "not_synced": counts.not_synced}
        for key, tile in self.tiles.items():
            tile.set_count(values[key])
        self.counts_shown.emit()

    def _rows_arrived(self, rows: int) -> None:
        self.empty.setVisible(rows == 0)
        self.empty.setText(_(EMPTY_TEXT[self.current]) if rows == 0 else "")

    def show_list(self, key: str) -> None:
        from desktop.register.queries import home_filter

        self.current = key
        for k, tile in self.tiles.items():
            tile.setChecked(k == key)
        self.list_title.setText(_(HOME_LABELS[key]))
        sort = "due" if key in ("due_today", "overdue") else "newest"
        self.model.set_query(home_filter(key, self.ctx.now()), sort, count=False)
