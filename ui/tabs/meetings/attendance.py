"""A meeting's attendance: every member unit with 出席/请假/列席/缺席 and who came."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
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
from app.core.vocab import ATTENDANCE_STATUSES
from app.meetings.register import AttendanceRow, attendance, save_attendance
from ui.register.form_dialog import ERROR_STYLE

if TYPE_CHECKING:
    from sqlalchemy import Engine

HEADERS = ("成员单位", "出席情况", "参会人", "职务", "代为参会")
NOT_RECORDED = "未登记"


class AttendanceEditor(QWidget):
    """Edits the attendance of one meeting; 保存 writes it all in one transaction."""

    def __init__(self, engine: Engine, user: str | None, on_saved: Callable[[], None]) -> None:
        super().__init__()
        self.engine = engine
        self.user = user
        self.on_saved = on_saved
        self.meeting_id: int | None = None
        self.rows: list[AttendanceRow] = []
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.all_present = QPushButton("未登记的全部设为出席")
        self.all_present.clicked.connect(self.mark_rest_present)
        self.save_button = QPushButton("保存出席情况")
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_present)
        buttons.addStretch(1)
        buttons.addWidget(self.message)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.set_meeting(None)

    def set_meeting(self, meeting_id: int | None) -> None:
        """Show the attendance of a meeting (None: nothing selected)."""
        self.meeting_id = meeting_id
        self.rows = attendance(self.engine, meeting_id) if meeting_id is not None else []
        self.table.setRowCount(len(self.rows))
        for number, row in enumerate(self.rows):
            name = QTableWidgetItem(row.unit_name)
            self.table.setItem(number, 0, name)
            status = QComboBox()
            status.addItem(NOT_RECORDED, None)
            for code, label in ATTENDANCE_STATUSES.items():
                status.addItem(label, code)
            status.setCurrentIndex(max(status.findData(row.status), 0))
            self.table.setCellWidget(number, 1, status)
            self.table.setCellWidget(number, 2, QLineEdit(row.attendee_name))
            self.table.setCellWidget(number, 3, QLineEdit(row.attendee_post))
            substitute = QCheckBox()
            substitute.setChecked(row.is_substitute)
            self.table.setCellWidget(number, 4, substitute)
        enabled = meeting_id is not None
        self.save_button.setEnabled(enabled)
        self.all_present.setEnabled(enabled)
        self.message.clear()

    def status_box(self, number: int) -> QComboBox:
        """The 出席情况 drop-down of a row."""
        return self.table.cellWidget(number, 1)

    def mark_rest_present(self) -> None:
        """Every unit not yet recorded becomes 出席 (the usual case, one click)."""
        for number in range(self.table.rowCount()):
            box = self.status_box(number)
            if box.currentData() is None:
                box.setCurrentIndex(box.findData("present"))

    def edited_rows(self) -> list[AttendanceRow]:
        """The rows as the table shows them."""
        result = []
        for number, row in enumerate(self.rows):
            cell = self.table.cellWidget
            result.append(
                AttendanceRow(
                    row.unit_id, row.unit_name, self.status_box(number).currentData(),
                    cell(number, 2).text(), cell(number, 3).text(), cell(number, 4).isChecked(),
                )
            )  # fmt: skip
        return result

    def save(self) -> None:
        """Store the attendance; a refusal is shown beside the button."""
        if self.meeting_id is None:
            return
        try:
            save_attendance(self.engine, self.meeting_id, self.edited_rows(), self.user)
        except ValidationError as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText("；".join(exc.errors.values()))
            return
        self.message.setStyleSheet("")
        self.message.setText("已保存")
        self.on_saved()
