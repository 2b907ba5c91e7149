"""The person a case is about, in the case form: a resident picked from the register (which
fills the person's fields) or, if not linked, whoever the clerk types in."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.cases.people import find_residents, resident_label, resident_values
from app.core.validation import ValidationError
from ui.register.form_dialog import confirm_buttons
from ui.screen_fit import fit_to_screen

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ui.register.form_dialog import FormDialog

HINT_STYLE = "color: #7f8c8d;"

NOT_LINKED = "未关联：名册外的人员直接填写下面的姓名等"


class ResidentLink(QWidget):
    """Stands in the case form for the hidden `resident_id` field: who is linked, and buttons
    to pick a resident from the register (filling the person's fields) or to clear the link."""

    def __init__(self, engine: Engine, dialog: FormDialog, pick) -> None:
        super().__init__()
        self.engine, self.dialog, self.pick = engine, dialog, pick
        self.editor: QLineEdit = dialog.editors["resident_id"]
        self.editor.hide()
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.pick_button = QPushButton("从住户名册选择…")
        self.clear_button = QPushButton("清除关联")
        self.pick_button.clicked.connect(self.choose)
        self.clear_button.clicked.connect(self.clear)
        # who is linked on a line of its own, the buttons below: beside the buttons the text
        # wrapped into a narrow column (and a form row too low for it)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.label)
        row = QHBoxLayout()
        row.addWidget(self.pick_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        column.addLayout(row)
        self.editor.parentWidget().layout().insertWidget(0, self)
        self._show()

    def resident_id(self) -> int | None:
        """The linked resident, or None."""
        text = self.editor.text().strip()
        return int(text) if text.isdigit() else None

    def _show(self) -> None:
        resident_id = self.resident_id()
        self.label.setText(resident_label(self.engine, resident_id) or NOT_LINKED)
        self.clear_button.setEnabled(resident_id is not None)

    def choose(self) -> None:
        """Pick a resident and fill the person's fields from the register."""
        resident_id = self.pick(self.dialog, self.engine)
        if resident_id is None:
            return
        when = self.dialog.values().get("occurred_at")
        on = when.date() if isinstance(when, datetime) else date.today()
        try:
            values = resident_values(self.engine, resident_id, on)
        except ValidationError as exc:
            self.dialog.show_errors(exc.errors)
            return
        if values["village_id"] is None:
            values.pop("village_id")
        self.dialog.set_values(values)
        self._show()

    def clear(self) -> None:
        """Unlink the resident; the typed fields stay for the clerk to change."""
        self.editor.clear()
        self._show()


class ResidentPicker(QDialog):
    """Find a resident of the register by name, ID number or mobile, and pick one."""

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle("从住户名册选择当事人")
        self.setMinimumSize(560, 380)
        fit_to_screen(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("输入姓名、身份证号码开头或11位手机号")
        self.search.textChanged.connect(self.refresh)
        self.results = QListWidget()
        self.results.itemDoubleClicked.connect(lambda _item: self.accept())
        self.results.currentRowChanged.connect(lambda _row: self._update())
        self.status = QLabel()
        self.status.setStyleSheet(HINT_STYLE)
        buttons, self.ok_button = confirm_buttons("选择", self.accept, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.refresh("")

    def refresh(self, text: str) -> None:
        """List the residents that match what is typed (the first 50)."""
        self.results.clear()
        found = find_residents(self.engine, text)
        for match in found:
            item = QListWidgetItem(match.label)
            item.setData(Qt.ItemDataRole.UserRole, match.id)
            self.results.addItem(item)
        if not text.strip():
            self.status.setText("身份证号码、电话只显示部分数字。")
        elif not found:
            self.status.setText("名册中没有找到；名册外的人员请关闭此窗口，直接在表单中填写。")
        else:
            more = "（只列出前50位，请输入更多字缩小范围）" if len(found) >= 50 else ""
            self.status.setText(f"找到{len(found)}位{more}")
        if found:
            self.results.setCurrentRow(0)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(self.results.currentItem() is not None)

    def chosen(self) -> int | None:
        """The picked resident's id."""
        item = self.results.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)


def pick_resident(parent: QWidget, engine: Engine) -> int | None:
    """Ask which resident of the register a case is about."""
    dialog = ResidentPicker(engine, parent)
    return dialog.chosen() if dialog.exec() else None
