"""Small shared pieces: keyboard flow (Enter moves forward), dates, confirmations, labels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from desktop.ui.i18n import _
from desktop.ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QColor,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFrame,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QObject,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

# Table colours, made on first use (module __getattr__): the first QColor builds every Qt.*
# enum (~10 ms), which the login shown at start-up does without.
_COLOURS = {"DUE_TODAY_BG": "#fff3c4", "OVERDUE_BG": "#ffd9d6", "OVERDUE_FG": "#8a1c12",
            "OK_FG": "#1d6b2f", "MUTED_FG": "#5f6368"}


def __getattr__(name: str) -> QColor:
    if name not in _COLOURS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    colour = globals()[name] = QColor(_COLOURS[name])
    return colour


def fmt_dt(value: datetime | None) -> str:
    # Imported here, not with this module: the login shown at start-up needs none of the
    # register's lifecycle (nor the event hashing it imports).
    from sync.lifecycle import LOCAL_TZ

    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def fmt_date(value: datetime | None) -> str:
    from sync.lifecycle import LOCAL_TZ

    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y")


def fmt_money(amount: int | None) -> str:
    return f"{amount or 0:,}".replace(",", ".") + " đ"


class EnterMovesForward(QObject):
    """Enter in a field moves to the next field, as Tab does; on a button it presses it.

    Installed on a dialog's fields, it lets an officer fill a form with the keyboard alone.
    Multi-line fields keep Enter for new lines (Ctrl+Enter moves on).
    """

    def eventFilter(self, obj: QObject | None, event: QEvent | None) -> bool:
        if event is None or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return False
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False  # Ctrl+Enter: the dialog's shortcut (save)
        if obj.property("ownEnter"):
            return False  # the widget handles Enter itself (FilterList)
        if isinstance(obj, QPushButton):
            obj.click()
            return True
        if isinstance(obj, QComboBox) and obj.view() is not None and obj.view().isVisible():
            return False  # choosing in an open drop-down
        if isinstance(obj, (QLineEdit, QComboBox, QSpinBox, QDateEdit, QDateTimeEdit, QCheckBox,
                            QAbstractItemView)):
            widget = obj if isinstance(obj, QWidget) else None
            if widget is not None:
                widget.focusNextChild()
                return True
        return False


def install_enter_navigation(root: QWidget, mover: EnterMovesForward) -> None:
    for child in root.findChildren(QWidget):
        if isinstance(child, (QLineEdit, QComboBox, QSpinBox, QDateEdit, QDateTimeEdit,
                              QCheckBox, QPushButton)):
            child.installEventFilter(mover)


def confirm(parent: QWidget | None, text: str, yes: str, no: str,
            title: str = "motcua") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def info(parent: QWidget | None, text: str, title: str = "motcua") -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.NoButton, parent)
    box.addButton(_("Đóng"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def heading(text: str, size: int = 13) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSize(size)
    font.setBold(True)
    label.setFont(font)
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5f6368;")
    return label


def button_row(dialog: QDialog, layout: QVBoxLayout, ok_text: str, on_ok: Callable[[], None],
               *, name: str, cancel_text: str | None = None) -> QPushButton:
    """A dialog's buttons: one that runs `on_ok` and one that cancels (as Esc does).
    Returns the first; its object name is `name`."""
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    assert ok is not None
    ok.setObjectName(name)
    cancel = buttons.addButton(cancel_text or _("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
    assert cancel is not None
    ok.clicked.connect(on_ok)
    cancel.clicked.connect(dialog.reject)
    layout.addWidget(buttons)
    return ok


def banner(kind: str = "warning") -> QLabel:
    """A coloured message strip (hidden until it has text)."""
    label = QLabel()
    label.setWordWrap(True)
    colours = {"warning": ("#fff3c4", "#6b4e00", "#e6c65c"),
               "error": ("#ffd9d6", "#8a1c12", "#e8a39c"),
               "ok": ("#dff3e3", "#1d6b2f", "#9fd3ab"),
               "info": ("#e3eefc", "#1a4a85", "#a9c6ee")}[kind]
    # Plain text (messages may quote what was typed), set through the style sheet so that the
    # login shown at start-up builds no Qt.* enums (see MainWindow's placeholder).
    label.setStyleSheet(f"QLabel {{ background: {colours[0]}; color: {colours[1]}; "
                        f"border: 1px solid {colours[2]}; border-radius: 4px; padding: 6px; "
                        "qproperty-textFormat: PlainText; }")
    label.setVisible(False)
    return label


def show_banner(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def hline() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


class FilterList(QWidget):
    """A type-to-filter list: words match as prefixes, accents ignored ("ha noi" → Hà Nội).

    Up/Down in the text move the selection; Enter (or a double click) chooses.
    """

    chosen = Signal(object)

    def __init__(self, placeholder: str = "", parent: QWidget | None = None,
                 visible_rows: int = 6):
        super().__init__(parent)
        from desktop.register.textnorm import fold

        self._fold = fold
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.edit.setProperty("ownEnter", True)
        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setMaximumHeight(22 * visible_rows + 6)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self._items: list[tuple[str, object, list[str]]] = []
        self._selected: object = None
        self.edit.textEdited.connect(self._filter)
        self.edit.installEventFilter(self)
        self.list.itemDoubleClicked.connect(lambda item: self._choose(item))
        self.list.itemClicked.connect(lambda item: self._choose(item, keep_focus=True))

    def set_items(self, items: list[tuple[str, object]], extra_words: dict | None = None) -> None:
        self._items = [(label, data, self._fold(label + " " + (extra_words or {}).get(
            data, "")).split()) for label, data in items]
        self._selected = None
        self._filter(self.edit.text())

    def _filter(self, text: str) -> None:
        tokens = self._fold(text).split()
        self.list.clear()
        for label, data, words in self._items:
            if all(any(w.startswith(t) for w in words) for t in tokens):
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, data)
                self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def eventFilter(self, obj: QObject | None, event: QEvent | None) -> bool:
        if obj is self.edit and event is not None and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.list.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                if 0 <= row < self.list.count():
                    self.list.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                    event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                item = self.list.currentItem()
                if item is not None:
                    if self._selected is None or item.text() != self.edit.text():
                        self._choose(item)
                    self.edit.focusNextChild()
                return True
        return super().eventFilter(obj, event)

    def _choose(self, item: QListWidgetItem, keep_focus: bool = False) -> None:
        self._selected = item.data(Qt.ItemDataRole.UserRole)
        self.edit.setText(item.text())
        self.chosen.emit(self._selected)
        if keep_focus:
            self.edit.setFocus()

    def select(self, data: object) -> bool:
        for label, value, _words in self._items:
            if value == data:
                self.edit.setText(label)
                self._filter("")
                for row in range(self.list.count()):
                    if self.list.item(row).data(Qt.ItemDataRole.UserRole) == data:
                        self.list.setCurrentRow(row)
                self._selected = data
                self.chosen.emit(data)
                return True
        return False

    def selected(self) -> object:
        return self._selected
