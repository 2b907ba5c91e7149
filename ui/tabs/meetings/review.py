"""A meeting's review of earlier decisions (审议以前议定事项): each one's progress and a note."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.core.vocab import DECISION_STATUSES
from app.meetings.decisions import ReviewItem, review_items, save_reviews
from ui.register.form_dialog import ERROR_STYLE

if TYPE_CHECKING:
    from sqlalchemy import Engine

HEADERS = ("会议", "序号", "议定事项", "责任单位", "完成期限", "进展", "跟进情况")
STATUS, NOTE = 5, 6


class ReviewEditor(QWidget):
    """The earlier decisions the selected meeting reviews; 保存 writes the changed ones."""

    def __init__(self, engine: Engine, user: str | None, on_saved: Callable[[], None]) -> None:
        super().__init__()
        self.engine = engine
        self.user = user
        self.on_saved = on_saved
        self.meeting_id: int | None = None
        self.items: list[ReviewItem] = []
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((200, 50, 320, 150, 90, 90)):
            self.table.setColumnWidth(column, width)
        self.hint = QLabel("以前会议尚未完成的议定事项，由本次会议审议进展；保存后写入会议纪要。")
        self.save_button = QPushButton("保存审议结果")
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint)
        buttons.addStretch(1)
        buttons.addWidget(self.message)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.set_meeting(None)

    def set_meeting(self, meeting_id: int | None) -> None:
        """Show what a meeting reviews (None: nothing selected)."""
        self.meeting_id = meeting_id
        self.items = review_items(self.engine, meeting_id) if meeting_id is not None else []
        self.table.setRowCount(len(self.items))
        for number, item in enumerate(self.items):
            due = item.due_on.isoformat() if item.due_on else ""
            for column, text in enumerate(
                (item.meeting_title, str(item.seq), item.text, item.owner, due)
            ):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(number, column, cell)
            status = QComboBox()
            for code, label in DECISION_STATUSES.items():
                status.addItem(label, code)
            status.setCurrentIndex(max(status.findData(item.status), 0))
            self.table.setCellWidget(number, STATUS, status)
            note = QLineEdit(item.note)
            note.setPlaceholderText("落实情况")
            self.table.setCellWidget(number, NOTE, note)
        self.save_button.setEnabled(bool(self.items))
        self.message.clear()
        if meeting_id is not None and not self.items:
            self.message.setText("以前会议的议定事项均已完成")

    def status_box(self, number: int) -> QComboBox:
        """The 进展 drop-down of a row."""
        return self.table.cellWidget(number, STATUS)

    def note_edit(self, number: int) -> QLineEdit:
        """The 跟进情况 field of a row."""
        return self.table.cellWidget(number, NOTE)

    def changed(self) -> list[tuple[int, str, str]]:
        """(decision, status, note) of each row changed here, or reviewed here before."""
        result = []
        for number, item in enumerate(self.items):
            status = self.status_box(number).currentData()
            note = self.note_edit(number).text().strip()
            if item.reviewed_here or status != item.status or note != item.note:
                result.append((item.decision_id, status, note))
        return result

    def save(self) -> None:
        """Store the review in one transaction; a refusal is shown beside the button."""
        if self.meeting_id is None:
            return
        try:
            save_reviews(self.engine, self.meeting_id, self.changed(), self.user)
        except ValidationError as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText("；".join(exc.errors.values()))
            return
        self.set_meeting(self.meeting_id)
        self.message.setStyleSheet("")
        self.message.setText("已保存")
        self.on_saved()
