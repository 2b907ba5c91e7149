"""领导小组: the group's seats in order, a change of members that keeps the former one, and the
roster PDF in the format of the plans' 附件."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.org.leading_group import (
    GroupService,
    MemberRegister,
    MemberService,
    group_choices,
    move_member,
)
from app.org.people import contacts
from ui.jobs import run_job
from ui.register.form_dialog import FormDialog
from ui.register.register_view import inform_with_message_box
from ui.tabs.org.registers import OrgRegisterView

if TYPE_CHECKING:
    from sqlalchemy import Engine

HOW_TO_CHANGE = (
    "成员变动：选中该成员点“编辑”，改为接任者的姓名并填写任职日期，原成员自动转入“已离任”；"
    "成员离开且无人接任时，填写离任日期。打印的名单只列在任成员。"
)


class LeadingGroupPanel(QWidget):
    """The leading group: its facts, its seats (current or former), reorder and print."""

    recordsChanged = Signal()

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        ask_pdf: Callable[[QWidget, str, str], str | None],
        open_file: Callable[[str], None],
        **options: Any,
    ) -> None:
        super().__init__()
        self.engine, self.user = engine, user
        self.ask_pdf, self.open_file = ask_pdf, open_file
        self.inform = options.get("inform", inform_with_message_box)
        self.group_service = GroupService(engine, user)
        self.group_box = QComboBox()
        self.group_box.currentIndexChanged.connect(self._group_chosen)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.new_group_button = QPushButton("建立领导小组…")
        self.new_group_button.clicked.connect(self.new_group)
        self.edit_group_button = QPushButton("编辑小组信息…")
        self.edit_group_button.clicked.connect(self.edit_group)
        self.print_button = QPushButton("打印名单…")
        self.print_button.setToolTip("按实施方案附件的格式生成领导小组名单（PDF）")
        self.print_button.clicked.connect(self.print_roster)
        self.register = MemberRegister(engine)
        self.service = MemberService(engine, None, user)
        self.members = OrgRegisterView(
            self.register, self.service, contacts_of=lambda: contacts(engine), **options
        )
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.members.add_action(self.down_button)
        self.members.add_action(self.up_button)
        top = QHBoxLayout()
        top.addWidget(self.group_box)
        top.addWidget(self.facts, 1)
        for button in (self.new_group_button, self.edit_group_button, self.print_button):
            top.addWidget(button)
        hint = QLabel(HOW_TO_CHANGE)
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.members, 1)
        layout.addWidget(hint)
        self.members.recordsChanged.connect(self.recordsChanged)
        self.members.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.members.model.modelReset.connect(self._update_buttons)
        self.print_job = None
        self.dialog: FormDialog | None = None
        self.reload_groups()
        self.members.filter_bar.set_values({"state": "current"})

    @property
    def group_id(self) -> int | None:
        """The group shown."""
        return self.group_box.currentData()

    def reload_groups(self, select: int | None = None) -> None:
        """Read the groups again, showing `select` (or the one shown, or the first)."""
        wanted = select if select is not None else self.group_id
        self.group_box.blockSignals(True)
        self.group_box.clear()
        for group_id, name in group_choices(self.engine):
            self.group_box.addItem(name, group_id)
        index = self.group_box.findData(wanted)
        self.group_box.setCurrentIndex(max(index, 0))
        self.group_box.blockSignals(False)
        self._group_chosen()

    def _group_chosen(self) -> None:
        group_id = self.group_id
        self.register.group_id = group_id
        self.service.group_id = group_id
        self.members.refresh()
        has_group = group_id is not None
        self.group_box.setVisible(self.group_box.count() > 1)
        self.new_group_button.setVisible(not has_group or self.group_box.count() > 1)
        self.edit_group_button.setEnabled(has_group)
        self.print_button.setEnabled(has_group)
        self.members.add_button.setEnabled(has_group)
        self.facts.setText(self._facts_text(group_id))
        self._update_buttons()

    def _facts_text(self, group_id: int | None) -> str:
        if group_id is None:
            return (
                "还没有领导小组。点“建立领导小组…”填写名称和办公室所在，再添加组长、副组长和成员。"
            )
        values = self.group_service.load(group_id)
        parts = [f"<b>{values['name']}</b>"]
        if values.get("office_location"):
            parts.append(f"办公室设在{values['office_location']}")
        if values.get("office_director"):
            parts.append(f"办公室主任：{values['office_director']}")
        if values.get("document_number"):
            parts.append(f"文号：{values['document_number']}")
        if values.get("established_on"):
            parts.append(f"成立于{values['established_on']:%Y年%m月%d日}")
        return "　".join(parts)

    def _update_buttons(self) -> None:
        selected = self.members.selected_id() is not None
        self.up_button.setEnabled(selected)
        self.down_button.setEnabled(selected)

    def _group_form(self, title: str, save: Callable[[dict], None], values: Any) -> None:
        dialog = FormDialog(
            self.group_service.fields, save, title=title, values=values, parent=self,
            ask_discard=self.members.ask,
        )  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def new_group(self) -> None:
        """Open an empty group form; saving creates and shows it."""

        def save(values: dict) -> None:
            group_id = self.group_service.create(values)
            self.reload_groups(group_id)
            self.recordsChanged.emit()

        self._group_form("建立领导小组", save, None)

    def edit_group(self) -> None:
        """Edit the group's name, office and document number."""
        group_id = self.group_id
        if group_id is None:
            return

        def save(values: dict) -> None:
            self.group_service.update(group_id, values)
            self.reload_groups(group_id)
            self.recordsChanged.emit()

        self._group_form("编辑领导小组", save, self.group_service.load(group_id))

    def move(self, step: int) -> None:
        """Move the selected seat up or down within its role."""
        seat_id = self.members.selected_id()
        if seat_id is None:
            return
        try:
            moved = move_member(self.engine, seat_id, step, self.user)
        except ValidationError as exc:
            self.inform(self, "调整顺序", "\n".join(exc.errors.values()))
            return
        if moved:
            self.members.refresh()
            self.members.select_id(seat_id)

    def print_roster(self) -> None:
        """Ask where, write the roster of today off the GUI thread, then open it."""
        from app.documents import render_pdf_job
        from app.org.leading_roster import read_roster, roster_document, roster_title

        if self.group_id is None:
            return
        try:
            roster = read_roster(self.engine, self.group_id)
        except ValidationError as exc:
            self.inform(self, "打印名单", "\n".join(exc.errors.values()))
            return
        path = self.ask_pdf(
            self, "打印领导小组名单", str(Path.home() / f"{roster_title(roster)}.pdf")
        )
        if not path:
            return
        doc = roster_document(roster)
        self.print_job = run_job(
            self, "生成领导小组名单", lambda: render_pdf_job([doc], path, 1),
            lambda _pages: self.open_file(path),
        )  # fmt: skip
