"""四员报送情况: "截至今日未报送四员名单的单位", printable and exportable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.vocab import UNIT_KINDS
from app.org.deadlines import FIELDS as DEADLINE_FIELDS
from app.org.deadlines import deadlines_of, save_deadlines
from app.org.unit_roles import (
    MissingRoles,
    missing_roles_document,
    report_title,
    units_missing_roles,
    write_missing_roles_xlsx,
)
from ui.jobs import run_job
from ui.register.form_dialog import FormDialog

if TYPE_CHECKING:
    from sqlalchemy import Engine

AskPath = Callable[[QWidget, str, str], str | None]
Inform = Callable[[QWidget, str, str], None]


class MissingRolesView(QWidget):
    """The units that have not named all four people; double-click edits one."""

    unitActivated = Signal(int)
    HEADERS = ("单位名称", "类别", "未报送")

    def __init__(
        self,
        engine: Engine,
        *,
        ask_pdf: AskPath,
        ask_save_path: AskPath,
        open_file: Callable[[str], None],
        inform: Inform,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.ask_pdf, self.ask_save_path = ask_pdf, ask_save_path
        self.open_file, self.inform = open_file, inform
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 300)
        self.table.setColumnWidth(1, 110)
        self.table.cellDoubleClicked.connect(self._activated)
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.print_report)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.clicked.connect(self.export)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        # the year's dates (app.org.deadlines): after them, what is missing is overdue
        self.deadline = QLabel()
        self.deadline_button = QPushButton("报送时限…")
        self.deadline_button.setToolTip("设置各年度四员报送、二级宣传群建成的截止日期")
        self.deadline_button.clicked.connect(self.edit_deadlines)
        self.dialog: FormDialog | None = None
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.deadline)
        for button in (
            self.deadline_button,
            self.print_button,
            self.export_button,
            self.refresh_button,
        ):
            top.addWidget(button)
        hint = QLabel("双击一个单位，填写它的四员。")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        self.rows: list[MissingRoles] = []
        self.print_job = None
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        """Read the list again (as of `today`)."""
        self.today = today or date.today()
        self.rows = units_missing_roles(self.engine)
        self.title.setText(f"{report_title(self.today)}（{len(self.rows)}个）")
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, text in enumerate(
                (row.name, UNIT_KINDS.get(row.kind, row.kind), row.missing_text)
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.unit_id)
                self.table.setItem(r, c, item)
        self.print_button.setEnabled(True)
        self.export_button.setEnabled(bool(self.rows))
        due = deadlines_of(self.engine, self.today.year).roles_by
        if due is None:
            self.deadline.setText(f"{self.today.year}年未设报送时限")
        else:
            late = "，已逾期" if self.today > due and self.rows else ""
            self.deadline.setText(f"报送截止：{due.year}年{due.month}月{due.day}日{late}")
        self.deadline.setStyleSheet("color: #c0392b;" if "逾期" in self.deadline.text() else "")

    def edit_deadlines(self) -> None:
        """The form of this year's dates; saving stores them and shows them."""
        current = deadlines_of(self.engine, self.today.year)
        values = {"year": current.year, "roles_by": current.roles_by,
                  "groups_by": current.groups_by}  # fmt: skip

        def save(raw: dict) -> None:
            save_deadlines(self.engine, raw)
            self.refresh(self.today)

        self.dialog = FormDialog(
            DEADLINE_FIELDS, save, title="报送时限", values=values, parent=self
        )
        self.dialog.open()

    def names(self) -> list[str]:
        """The units listed, in order."""
        return [row.name for row in self.rows]

    def _activated(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.rows):
            self.unitActivated.emit(self.rows[row].unit_id)

    def print_report(self) -> None:
        """Ask where, write the PDF off the GUI thread, then open it."""
        from app.core.settings import load_profile
        from app.documents import render_pdf_job

        title = report_title(self.today)
        path = self.ask_pdf(self, "打印", str(Path.home() / f"{title}.pdf"))
        if not path:
            return
        issuer = load_profile(self.engine).get("issuing_office") or ""
        doc = missing_roles_document(self.rows, self.today, issuer)
        self.print_job = run_job(
            self, "生成名单", lambda: render_pdf_job([doc], path, 1),
            lambda _pages: self.open_file(path),
        )  # fmt: skip

    def export(self) -> None:
        """Ask where and write the list as an .xlsx."""
        suggested = str(Path.home() / f"未报送四员名单的单位-{self.today:%Y%m%d}.xlsx")
        path = self.ask_save_path(self, "导出Excel", suggested)
        if not path:
            return
        try:
            write_missing_roles_xlsx(self.rows, path, self.today)
        except OSError as exc:
            self.inform(self, "无法导出", f"无法写入“{path}”：{exc.strerror or exc}")
            return
        self.inform(self, "导出完成", f"已导出 {len(self.rows)} 个单位到：\n{path}")
