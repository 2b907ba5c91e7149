"""The unit form with its four people, and the township set-up from a plan's template.

The unit form is the shared `FormDialog` with a 四员 grid below it: one row per role (more
宣讲员 rows on demand) of name, post and phone; names offer the contacts as one types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.core.vocab import UNIT_ROLES
from app.org.people import Contact
from app.org.township_template import (
    TownshipPlan,
    available_templates,
    clean_villages,
)
from ui.register.form_dialog import ERROR_STYLE, FormDialog, GuardedDialog, confirm_buttons
from ui.tabs.org.registers import ContactPicker

BAD_CELL_STYLE = "border: 1px solid #c0392b;"
PEOPLE_COLUMNS = ("name", "post", "mobile")
PLACEHOLDERS = {"name": "姓名", "post": "职务", "mobile": "手机（11位）或带区号的电话"}


class PeopleRow:
    """One person's line in the 四员 grid: role, and name, post and phone editors."""

    def __init__(self, role: str, contacts: Sequence[Contact]) -> None:
        self.role = role
        self.edits = {key: QLineEdit() for key in PEOPLE_COLUMNS}
        for key, edit in self.edits.items():
            edit.setPlaceholderText(PLACEHOLDERS[key])
        self.picker = ContactPicker(self.edits["name"], contacts, self._picked)
        self.edits["name"].setPlaceholderText("姓名")
        self.edits["name"].setToolTip("输入姓名；已有的联系人会列出来供选择")

    def _picked(self, contact: Contact) -> None:
        if contact.mobile:
            self.edits["mobile"].setText(contact.mobile)
        if contact.post and not self.edits["post"].text().strip():
            self.edits["post"].setText(contact.post)

    def value(self) -> dict[str, Any]:
        """The row as the service reads it."""
        row: dict[str, Any] = {k: e.text() for k, e in self.edits.items()}
        row["role"] = self.role
        row["person_id"] = self.picker.person_id()
        return row

    def fill(self, person: Mapping[str, Any]) -> None:
        """Show a stored person."""
        for key, edit in self.edits.items():
            edit.setText(person.get(key) or "")
            edit.setCursorPosition(0)
        self.picker.remember(person.get("person_id"), person.get("name"))


class UnitFormDialog(FormDialog):
    """The unit's fields, then its four people (names picked from the contacts)."""

    def __init__(
        self,
        fields: Sequence,
        save: Callable[[dict[str, Any]], None],
        *,
        contacts: Sequence[Contact] = (),
        values: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(fields, save, **options)
        self.contacts = contacts
        self.rows: list[PeopleRow] = []
        box = QGroupBox("四员（第一责任人、具体责任人、联络员、至少一名宣讲员）")
        self.grid = QGridLayout(box)
        for column, text in enumerate(("", "姓名", "职务", "手机")):
            self.grid.addWidget(QLabel(text), 0, column)
        self.add_lecturer_button = QPushButton("再加一名宣讲员")
        self.add_lecturer_button.clicked.connect(lambda: self.add_row("lecturer"))
        self.people_error = QLabel()
        self.people_error.setStyleSheet(ERROR_STYLE)
        self.people_error.setWordWrap(True)
        self.people_error.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_lecturer_button)
        buttons.addStretch(1)
        outer = QVBoxLayout()
        outer.addWidget(box)
        outer.addLayout(buttons)
        outer.addWidget(self.people_error)
        # below the unit's fields, before the stretch: it scrolls with them
        self.body_layout.insertLayout(self.body_layout.count() - 1, outer)
        people = list((values or {}).get("people") or [])
        for role in UNIT_ROLES:
            held = [p for p in people if p.get("role") == role] or [{}]
            for person in held:
                self.add_row(role).fill(person)
        if values:
            self.set_values(values)
        self.setMinimumWidth(720)

    def add_row(self, role: str) -> PeopleRow:
        """Add a line for one more person of `role` (lecturers may be several)."""
        row = PeopleRow(role, self.contacts)
        number = len(self.rows) + 1
        label = UNIT_ROLES[role]
        if role == "lecturer" and any(r.role == "lecturer" for r in self.rows):
            label += str(sum(r.role == "lecturer" for r in self.rows) + 1)
        self.grid.addWidget(QLabel(label), number, 0)
        for column, key in enumerate(PEOPLE_COLUMNS, start=1):
            self.grid.addWidget(row.edits[key], number, column)
        for column in (1, 2, 3):
            self.grid.setColumnStretch(column, 1)
        self.rows.append(row)
        return row

    def row_of(self, role: str, number: int = 0) -> PeopleRow:
        """The `number`th line of a role (tests and callers fill it)."""
        return [r for r in self.rows if r.role == role][number]

    def values(self) -> dict[str, Any]:
        """The unit's raw values and its people rows."""
        values = super().values()
        values["people"] = [row.value() for row in getattr(self, "rows", [])]
        return values

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Unit errors under their fields; people errors on their cells and listed under."""
        unit_errors = {k: v for k, v in errors.items() if not k.startswith("people.")}
        super().show_errors(unit_errors)
        people = [(k, v) for k, v in errors.items() if k.startswith("people.")]
        for row in self.rows:
            for edit in row.edits.values():
                edit.setStyleSheet("")
        if not people:
            self.people_error.hide()
            return
        lines = []
        first = None
        for key, message in people:
            _, number, column = key.split(".")
            edit = self.rows[int(number)].edits[column]
            edit.setStyleSheet(BAD_CELL_STYLE)
            first = first or edit
            lines.append(message)
        self.people_error.setText("\n".join(lines))
        self.people_error.show()
        if not unit_errors and first is not None:
            first.setFocus()

    def clear_errors(self) -> None:
        """Hide every message, people's too."""
        super().clear_errors()
        if hasattr(self, "people_error"):
            self.people_error.hide()
            for row in self.rows:
                for edit in row.edits.values():
                    edit.setStyleSheet("")


class TownshipDialog(GuardedDialog):
    """Set up the member units from a plan's template: township name, template, villages."""

    def __init__(
        self,
        plan: Callable[[str, str, list[str]], TownshipPlan],
        apply: Callable[[str, str, list[str]], TownshipPlan],
        township: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("从实施方案模板建立成员单位")
        self.setMinimumWidth(560)
        self._plan, self._apply = plan, apply
        self.result_plan: TownshipPlan | None = None
        self.township = QLineEdit(township)
        self.township.setPlaceholderText("如：白鹤镇")
        self.template = QComboBox()
        for template in available_templates():
            self.template.addItem(template.title, template.key)
            self.template.setItemData(self.template.count() - 1, template.source, 3)
        self.villages = QPlainTextEdit()
        self.villages.setPlaceholderText("每行一个村（居），如：\n东山村\n西山村\n南湖社区")
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("乡镇（街道）名称", self.township)
        form.addRow("模板", self.template)
        form.addRow("村（居）名单", self.villages)
        note = QLabel(
            "按模板新增成员单位及其职责分工（已有同名单位的保持不变），并为每个村居写入模板中"
            "“各村居”的职责。建立后可以像手工录入的单位一样修改、删除。"
        )
        note.setWordWrap(True)
        self.buttons, self.ok_button = confirm_buttons("建立", self.accept_plan, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for signal in (self.township.textChanged, self.villages.textChanged):
            signal.connect(self.update_preview)
        self.template.currentIndexChanged.connect(self.update_preview)
        self.update_preview()

    def snapshot(self) -> tuple:
        """The township, the template and the villages typed."""
        return self.township.text(), self.template.currentIndex(), self.villages.toPlainText()

    def _args(self) -> tuple[str, str, list[str]]:
        return (
            self.template.currentData() or "",
            self.township.text(),
            clean_villages(self.villages.toPlainText()),
        )

    def update_preview(self) -> None:
        """Say what 建立 would add."""
        try:
            self.preview.setText(self._plan(*self._args()).describe())
            self.error.clear()
            self.ok_button.setEnabled(True)
        except ValidationError as exc:
            self.preview.clear()
            self.error.setText("\n".join(exc.errors.values()))
            self.ok_button.setEnabled(False)

    def accept_plan(self) -> None:
        """Add the units and close; a refusal stays in the dialog."""
        try:
            self.result_plan = self._apply(*self._args())
        except ValidationError as exc:
            self.error.setText("\n".join(exc.errors.values()))
            return
        self.accept()
