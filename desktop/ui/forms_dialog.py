"""A small declarative dialog for the steps of a dossier (reason, items, dates, choices)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from desktop.register.textnorm import nfc
from desktop.ui.i18n import _
from desktop.ui.qt import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QShortcut,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.widgets import (
    EnterMovesForward,
    banner,
    button_row,
    heading,
    hint,
    install_enter_navigation,
    show_banner,
)
from sync.lifecycle import LOCAL_TZ


@dataclass
class Field:
    key: str
    label: str
    kind: str = "text"  # text | lines | multiline | choice | radio | datetime | money | check
    required: bool = False
    default: Any = None
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    help: str = ""
    visible_when: tuple[str, Any] | None = None  # (other key, value) shows this field


class StepDialog(QDialog):
    """Ask for the values of one step; `values()` gives them back, cleaned."""

    def __init__(self, title: str, fields: list[Field], parent: QWidget | None = None,
                 intro: str = "", warning: str = "", ok_text: str | None = None):
        super().__init__(parent)
        self.setObjectName("stepDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.fields = fields
        self.widgets: dict[str, QWidget] = {}
        self.rows: dict[str, tuple[QWidget, QWidget]] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title, 13))
        if intro:
            layout.addWidget(hint(intro))
        self.warning = banner("warning")
        layout.addWidget(self.warning)
        show_banner(self.warning, warning)
        form = QFormLayout()
        for f in fields:
            widget = self._make(f)
            widget.setObjectName(f"field_{f.key}")
            self.widgets[f.key] = widget
            label = QLabel(f.label + (" *" if f.required else ""))
            form.addRow(label, widget)
            self.rows[f.key] = (label, widget)
            if f.help:
                form.addRow("", hint(f.help))
        layout.addLayout(form)
        self.error = banner("error")
        layout.addWidget(self.error)
        self.ok = button_row(self, layout, ok_text or _("Ghi nhận"), self._accept,
                             name="okButton")
        self.mover = EnterMovesForward(self)
        install_enter_navigation(self, self.mover)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self._accept)
        for f in fields:
            if f.visible_when:
                self._connect_visibility(f)
        self._refresh_visibility()

    def _make(self, f: Field) -> QWidget:
        if f.kind == "text":
            w = QLineEdit(str(f.default or ""))
            return w
        if f.kind in ("lines", "multiline"):
            w = QPlainTextEdit(str(f.default or ""))
            w.setTabChangesFocus(True)
            w.setMaximumHeight(110)
            if f.kind == "lines":
                w.setPlaceholderText(_("Mỗi dòng một mục"))
            return w
        if f.kind == "choice":
            w = QComboBox()
            for value, label in f.options:
                w.addItem(label, value)
            if f.default is not None:
                w.setCurrentIndex(max(0, w.findData(f.default)))
            return w
        if f.kind == "radio":
            box = QWidget()
            row = QVBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            group = QButtonGroup(box)
            for i, (value, label) in enumerate(f.options):
                button = QRadioButton(label)
                button.setProperty("value", value)
                button.setObjectName(f"radio_{value}")
                group.addButton(button, i)
                row.addWidget(button)
                if value == f.default:
                    button.setChecked(True)
            box.setProperty("group", group)
            self._groups = getattr(self, "_groups", {})
            self._groups[f.key] = group
            return box
        if f.kind == "datetime":
            w = QDateTimeEdit()
            w.setDisplayFormat("dd/MM/yyyy HH:mm")
            w.setCalendarPopup(True)
            value: datetime | None = f.default
            if value is not None:
                local = value.astimezone(LOCAL_TZ)
                w.setDateTime(QDateTime(local.date(), local.time().replace(microsecond=0)))
            else:
                w.setDateTime(QDateTime.currentDateTime())
            return w
        if f.kind == "money":
            w = QSpinBox()
            w.setRange(0, 1_000_000_000)
            w.setSingleStep(1000)
            w.setSuffix(" đ")
            w.setValue(int(f.default or 0))
            return w
        if f.kind == "check":
            w = QCheckBox()
            w.setChecked(bool(f.default))
            return w
        raise ValueError(f.kind)

    def _connect_visibility(self, f: Field) -> None:
        assert f.visible_when is not None
        other = self.widgets[f.visible_when[0]]
        if isinstance(other, QComboBox):
            other.currentIndexChanged.connect(lambda *_a: self._refresh_visibility())
        elif isinstance(other, QCheckBox):
            other.toggled.connect(lambda *_a: self._refresh_visibility())

    def _refresh_visibility(self) -> None:
        for f in self.fields:
            if f.visible_when:
                shown = self.value(f.visible_when[0]) == f.visible_when[1]
                for w in self.rows[f.key]:
                    w.setVisible(shown)

    def is_shown(self, key: str) -> bool:
        f = next(x for x in self.fields if x.key == key)
        return not f.visible_when or self.value(f.visible_when[0]) == f.visible_when[1]

    def value(self, key: str) -> Any:
        w = self.widgets[key]
        f = next(x for x in self.fields if x.key == key)
        if f.kind == "text":
            assert isinstance(w, QLineEdit)
            return nfc(w.text()).strip()
        if f.kind == "multiline":
            assert isinstance(w, QPlainTextEdit)
            return nfc(w.toPlainText()).strip()
        if f.kind == "lines":
            assert isinstance(w, QPlainTextEdit)
            return [nfc(line).strip() for line in w.toPlainText().splitlines() if line.strip()]
        if f.kind == "choice":
            assert isinstance(w, QComboBox)
            return w.currentData()
        if f.kind == "radio":
            button = self._groups[key].checkedButton()
            return button.property("value") if button is not None else None
        if f.kind == "datetime":
            assert isinstance(w, QDateTimeEdit)
            return w.dateTime().toPyDateTime().replace(tzinfo=LOCAL_TZ).astimezone(UTC)
        if f.kind == "money":
            assert isinstance(w, QSpinBox)
            return w.value()
        if f.kind == "check":
            assert isinstance(w, QCheckBox)
            return w.isChecked()
        return None

    def set_value(self, key: str, value: Any) -> None:
        w = self.widgets[key]
        f = next(x for x in self.fields if x.key == key)
        if f.kind == "text" and isinstance(w, QLineEdit):
            w.setText(str(value))
        elif f.kind in ("lines", "multiline") and isinstance(w, QPlainTextEdit):
            w.setPlainText("\n".join(value) if isinstance(value, list) else str(value))
        elif f.kind == "choice" and isinstance(w, QComboBox):
            w.setCurrentIndex(max(0, w.findData(value)))
        elif f.kind == "radio":
            for button in self._groups[key].buttons():
                button.setChecked(button.property("value") == value)
        elif f.kind == "money" and isinstance(w, QSpinBox):
            w.setValue(int(value))
        elif f.kind == "check" and isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif f.kind == "datetime" and isinstance(w, QDateTimeEdit):
            local = value.astimezone(LOCAL_TZ)
            w.setDateTime(QDateTime(local.date(), local.time().replace(microsecond=0)))

    def values(self) -> dict[str, Any]:
        return {f.key: self.value(f.key) for f in self.fields if self.is_shown(f.key)}

    def _accept(self) -> None:
        for f in self.fields:
            if f.required and self.is_shown(f.key) and self.value(f.key) in ("", [], None):
                show_banner(self.error, _("Hãy điền «{label}».").format(label=f.label))
                self.widgets[f.key].setFocus()
                return
        self.accept()
