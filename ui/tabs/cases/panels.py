"""Panels under the case register: the dissuaders (with their proposed awards) and the
attachments, and the dialog of the amounts to propose."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.cases.attachments import (
    KINDS_TEXT,
    add_attachment,
    attachments,
    remove_attachment,
    save_attachment,
)
from app.cases.awards import proposals_for_case, propose_for_case
from app.cases.people import add_dissuader, dissuaders, remove_dissuader
from app.core.validation import ValidationError, parse_yuan
from app.org.people import person_choices
from ui.register.form_dialog import GuardedDialog, confirm_buttons
from ui.screen_fit import scrolling

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEFAULT_AWARD_YUAN = "200.00"
HINT_STYLE = "color: #7f8c8d;"


def _message(exc: ValidationError) -> str:
    return "\n".join(exc.errors.values()) or str(exc)


class ProposalDialog(GuardedDialog):
    """The awards a successful case proposes: one amount per dissuader, confirmed by the clerk."""

    def __init__(self, people: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("提出奖励（一案一奖）")
        self.amounts: dict[int, QLineEdit] = {}
        body = QWidget()
        form = QFormLayout(body)
        form.setContentsMargins(0, 0, 0, 0)
        for person_id, name in people:
            edit = QLineEdit(DEFAULT_AWARD_YUAN)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.amounts[person_id] = edit
            form.addRow(f"{name}（元）", edit)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        buttons, self.ok_button = confirm_buttons("提出奖励", self._check, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("金额为空的人员不提出奖励。确认后为“拟奖励”，审批后发放。"))
        layout.addWidget(scrolling(body), 1)  # a case with many dissuaders scrolls
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def snapshot(self) -> tuple:
        """The amounts typed."""
        return tuple(edit.text() for edit in self.amounts.values())

    def values(self) -> dict[int, int]:
        """Person id → amount in fen (empty amounts left out); ValueError on a bad amount."""
        chosen = {}
        for person_id, edit in self.amounts.items():
            if not edit.text().strip():
                continue
            yuan = parse_yuan(edit.text())
            if yuan is None or yuan <= 0:
                raise ValueError(edit.text())
            chosen[person_id] = int(yuan * 100)
        return chosen

    def _check(self) -> None:
        try:
            self.values()
        except ValueError as exc:
            self.error.setText(f"金额“{exc}”不正确，应为大于0的金额，最多两位小数，如200.00")
            return
        self.accept()


def ask_amounts(parent: QWidget, people: list[tuple[int, str]]) -> dict[int, int] | None:
    """Ask the award amount of each dissuader."""
    dialog = ProposalDialog(people, parent)
    return dialog.values() if dialog.exec() else None


class DissuadersPanel(QWidget):
    """The people who dissuaded in the selected case: add, remove, propose their awards."""

    def __init__(self, engine: Engine, user: str | None, inform, ask_amounts) -> None:
        super().__init__()
        self.engine, self.user, self.inform, self.ask_amounts = engine, user, inform, ask_amounts
        self.case_id: int | None = None
        self.list = QListWidget()
        self.person = QComboBox()
        self.person.setEditable(True)  # type to find a name among hundreds
        self.person.setMinimumContentsLength(8)
        self.role = QLineEdit()
        self.role.setPlaceholderText("角色，如：民警、网格员、志愿者")
        self.add_button = QPushButton("添加")
        self.remove_button = QPushButton("移除")
        self.propose_button = QPushButton("提出奖励…")
        self.propose_button.setToolTip("为尚未奖励的参与劝阻人员提出一案一奖（成功劝阻、部分止损）")
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.propose_button.clicked.connect(self.propose)
        self.hint = QLabel()
        self.hint.setStyleSheet(HINT_STYLE)
        row = QHBoxLayout()
        for widget in (self.person, self.role, self.add_button):
            row.addWidget(widget)
        actions = QHBoxLayout()
        actions.addWidget(self.hint, 1)
        actions.addWidget(self.remove_button)
        actions.addWidget(self.propose_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>参与劝阻人员</b>"))
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        layout.addLayout(actions)
        self.reload_people()
        self.set_case(None)

    def reload_people(self) -> None:
        """Offer every contact."""
        self.person.clear()
        for person_id, name in person_choices(self.engine):
            self.person.addItem(name, person_id)
        self.person.setCurrentIndex(-1)

    def set_case(self, case_id: int | None) -> None:
        """Show the dissuaders of a case, and who still waits for an award proposal."""
        self.case_id = case_id
        self.list.clear()
        waiting: list[tuple[int, str]] = []
        if case_id is not None:
            for row_id, _person_id, name, role in dissuaders(self.engine, case_id):
                item = QListWidgetItem(f"{name}（{role}）" if role else name)
                item.setData(Qt.ItemDataRole.UserRole, row_id)
                self.list.addItem(item)
            try:
                waiting = proposals_for_case(self.engine, case_id)
            except ValidationError:
                waiting = []  # not a successful case: nothing to propose
        if case_id is None:
            self.hint.setText("请先在上方选择一个案例")
        elif waiting:
            self.hint.setText(f"{len(waiting)}人待提出奖励")
        else:
            self.hint.setText("")
        for button in (self.add_button, self.remove_button):
            button.setEnabled(case_id is not None)
        self.propose_button.setEnabled(bool(waiting))

    def add(self) -> None:
        """Add the chosen person."""
        person_id = self.person.currentData()
        if self.case_id is None:
            return
        typed_over = self.person.currentText() != self.person.itemText(self.person.currentIndex())
        if person_id is None or typed_over:
            message = "请从列表中选择参与劝阻的人员（新人员请先在“组织架构”页登记）"
            self.inform(self, "无法添加", message)
            return
        try:
            add_dissuader(self.engine, self.case_id, person_id, self.role.text(), self.user)
        except ValidationError as exc:
            self.inform(self, "无法添加", _message(exc))
            return
        self.role.clear()
        self.person.setCurrentIndex(-1)
        self.set_case(self.case_id)

    def remove(self) -> None:
        """Remove the selected person."""
        item = self.list.currentItem()
        if item is None:
            self.inform(self, "移除", "请先在列表中选择要移除的人员")
            return
        try:
            remove_dissuader(self.engine, item.data(Qt.ItemDataRole.UserRole), self.user)
        except ValidationError as exc:
            self.inform(self, "无法移除", _message(exc))
            return
        self.set_case(self.case_id)

    def propose(self) -> None:
        """Propose awards for the dissuaders without one, with the amounts the clerk confirms."""
        if self.case_id is None:
            return
        try:
            people = proposals_for_case(self.engine, self.case_id)
        except ValidationError as exc:
            self.inform(self, "提出奖励", _message(exc))
            return
        if not people:
            self.inform(self, "提出奖励", "本案参与劝阻的人员都已提出奖励。")
            return
        amounts = self.ask_amounts(self, people)
        if not amounts:
            return
        try:
            ids = propose_for_case(self.engine, self.case_id, amounts, user=self.user)
        except ValidationError as exc:
            self.inform(self, "提出奖励", _message(exc))
            return
        self.set_case(self.case_id)
        self.inform(self, "提出奖励", f"已提出{len(ids)}笔奖励，请在“奖励与表彰”页审批。")


_opened_folder: list[Path] = []


def opened_attachments_folder() -> Path:
    """A private temp folder for attachments opened in a viewer; removed when the program ends
    (not before: the viewer may still be reading a file)."""
    if not _opened_folder:
        folder = Path(tempfile.mkdtemp(prefix="wuzha-attachments-"))
        atexit.register(shutil.rmtree, folder, True)
        _opened_folder.append(folder)
    return _opened_folder[0]


def ask_attachment_files(parent: QWidget) -> list[str]:
    """Ask for photos or scans to attach."""
    paths, _ = QFileDialog.getOpenFileNames(
        parent, "添加附件", str(Path.home()),
        "图片或PDF (*.png *.jpg *.jpeg *.gif *.bmp *.tif *.tiff *.webp *.pdf);;所有文件 (*)",
    )  # fmt: skip
    return paths


class AttachmentsPanel(QWidget):
    """Photos and scans of the selected case: add, open, delete."""

    def __init__(self, engine: Engine, user: str | None, inform, ask, ask_files,
                 open_file: Callable[[str], None]) -> None:  # fmt: skip
        super().__init__()
        self.engine, self.user = engine, user
        self.inform, self.ask, self.ask_files, self.open_file = inform, ask, ask_files, open_file
        self.case_id: int | None = None
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda _item: self.open_selected())
        self.add_button = QPushButton("添加…")
        self.add_button.setToolTip(f"{KINDS_TEXT}，每个不超过20 MB")
        self.open_button = QPushButton("打开")
        self.delete_button = QPushButton("删除")
        self.add_button.clicked.connect(self.add)
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.add_button, self.open_button, self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>附件</b>（照片、扫描件）"))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.set_case(None)

    def set_case(self, case_id: int | None) -> None:
        """Show the attachments of a case."""
        self.case_id = case_id
        self.list.clear()
        if case_id is not None:
            for found in attachments(self.engine, case_id):
                item = QListWidgetItem(found.label)
                item.setData(Qt.ItemDataRole.UserRole, found.id)
                self.list.addItem(item)
        for button in (self.add_button, self.open_button, self.delete_button):
            button.setEnabled(case_id is not None)

    def add(self) -> None:
        """Attach the chosen files, each on its own; refusals are listed together."""
        if self.case_id is None:
            return
        refused = []
        for path in self.ask_files(self):
            try:
                add_attachment(self.engine, self.case_id, path, user=self.user)
            except ValidationError as exc:
                refused.append(_message(exc))
        self.set_case(self.case_id)
        if refused:
            self.inform(self, "未添加的附件", "\n".join(refused))

    def _selected(self) -> int | None:
        item = self.list.currentItem()
        if item is None:
            self.inform(self, "附件", "请先在列表中选择一个附件")
            return None
        return item.data(Qt.ItemDataRole.UserRole)

    def open_selected(self) -> None:
        """Open the selected attachment in the system's viewer (from a private temp folder)."""
        attachment_id = self._selected()
        if attachment_id is None:
            return
        folder = opened_attachments_folder() / str(attachment_id)
        folder.mkdir(exist_ok=True)
        try:
            path = save_attachment(self.engine, attachment_id, folder)
        except (ValidationError, OSError) as exc:
            self.inform(self, "无法打开附件", str(exc))
            return
        self.open_file(str(path))

    def delete_selected(self) -> None:
        """Delete the selected attachment after asking."""
        attachment_id = self._selected()
        if attachment_id is None:
            return
        name = self.list.currentItem().text()
        if not self.ask(self, "删除附件", f"确定删除附件“{name}”吗？"):
            return
        try:
            remove_attachment(self.engine, attachment_id, self.user)
        except ValidationError as exc:
            self.inform(self, "无法删除", _message(exc))
        self.set_case(self.case_id)
