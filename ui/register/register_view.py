"""A register on screen: filter bar, lazily paged table, and 新增/编辑/删除/导出 buttons.

Every tab that lists records is one of these with its register and service declared. Questions
and messages go through injectable callables (`ask`, `inform`, `ask_save_path`), so tests answer
them without a modal box, the way Vorta's tests replace QMessageBox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QThreadPool, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.records import RecordNotFound, RecordService
from app.core.registers import RegisterQuery, SqlRegister
from app.core.validation import ValidationError
from app.sheets.register_export import export_register_xlsx
from ui.flow_layout import FlowLayout
from ui.jobs import RunningJob, ShowError, run_job
from ui.register.filter_bar import FilterBar
from ui.register.form_dialog import FormDialog
from ui.register.table_model import RegisterTableModel

Ask = Callable[[QWidget, str, str], bool]
Inform = Callable[[QWidget, str, str], None]
AskSavePath = Callable[[QWidget, str, str], str | None]

CELL_PADDING_PX = 16


def ask_with_message_box(parent: QWidget, title: str, text: str) -> bool:
    """A 是/否 question; 否 is the default so a stray Enter does not delete."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton("是", QMessageBox.ButtonRole.YesRole)
    no = box.addButton("否", QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


def inform_with_message_box(parent: QWidget, title: str, text: str) -> None:
    """A plain message with a 确定 button."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def ask_xlsx_path(parent: QWidget, title: str, suggested: str) -> str | None:
    """Ask where to save an Excel workbook; the .xlsx suffix is added if left out."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, "Excel 工作簿 (*.xlsx)")
    if not path:
        return None
    return path if path.lower().endswith(".xlsx") else path + ".xlsx"


def _message_of(error: ValidationError) -> str:
    return error.errors.get("") or "\n".join(error.errors.values()) or str(error)


class RegisterView(QWidget):
    """A register's list with search, filters, sorting, the record form, delete and export.

    `service` is optional: without it the register is read-only (no 新增/编辑/删除).
    Emits `recordsChanged()` after every successful write.
    """

    recordsChanged = Signal()

    def __init__(
        self,
        register: SqlRegister,
        service: RecordService | None = None,
        *,
        ask: Ask = ask_with_message_box,
        inform: Inform = inform_with_message_box,
        ask_save_path: AskSavePath = ask_xlsx_path,
        show_error: ShowError | None = None,
        reveal: bool = False,
        job_pool: QThreadPool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.register = register
        self.service = service
        self.ask = ask
        self.inform = inform
        self.ask_save_path = ask_save_path
        self.show_error = show_error
        self.job_pool = job_pool
        self.noun = service.noun if service is not None else register.title
        # the open form, if any, and the last export (kept so tests and callers can reach them)
        self.dialog: FormDialog | None = None
        self.export_job: RunningJob | None = None

        self.model = RegisterTableModel(register, RegisterQuery(), reveal=reveal, parent=self)
        self.filter_bar = FilterBar(register.filters())
        self.table = QTableView()
        self._build_buttons()
        self._build_table()

        layout = QVBoxLayout(self)
        layout.addLayout(self._button_row)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table, 1)

        self.filter_bar.queryChanged.connect(self._on_query_changed)
        self.model.countChanged.connect(self.filter_bar.set_count)
        self.model.modelReset.connect(self._update_actions)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.filter_bar.set_count(self.model.count)
        self._update_actions()

    # -- building ---------------------------------------------------------------------------
    def _build_buttons(self) -> None:
        self.add_button = QPushButton("新增")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        self.export_button = QPushButton("导出Excel")
        self.refresh_button = QPushButton("刷新")
        self.add_button.clicked.connect(self.add_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button.clicked.connect(self.export)
        self.refresh_button.clicked.connect(self.refresh)
        self.edit_button.setToolTip("编辑选中的一条（双击或回车）")
        self.export_button.setToolTip("把当前搜索和筛选出的全部记录导出为 Excel 文件")
        self.refresh_button.setToolTip("重新读取数据库（F5）")
        writable = self.service is not None
        # wraps onto a second line in a narrow window rather than widening the tab
        row = FlowLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            button.setVisible(writable)
            row.addWidget(button)
        row.add_trailing_space()
        row.addWidget(self.export_button)
        row.addWidget(self.refresh_button)
        self._button_row = row

    def _build_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        # fixed row heights: Qt never measures 300,000 rows
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # no sort indicator at first: the register's default order, not column 0
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._keep_sort_indicator_honest)
        metrics = table.fontMetrics()
        # a digit, not the average letter, is the unit: phone numbers must fit their width
        # (it is also Excel's column-width unit, so screen and export agree)
        char_width = max(metrics.averageCharWidth(), metrics.horizontalAdvance("0"))
        for number, column in enumerate(self.model.columns):
            table.setColumnWidth(number, column.width * char_width + CELL_PADDING_PX)
        table.doubleClicked.connect(lambda _index: self.edit_selected())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(
                QKeySequence(key), table, self.edit_selected,
                context=Qt.ShortcutContext.WidgetShortcut,
            )  # fmt: skip
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete), table, self.delete_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )  # fmt: skip
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )  # fmt: skip

    def add_action(self, button: QPushButton) -> None:
        """Put a register's own button after 删除 (e.g. 打印会议纪要…)."""
        self._button_row.insertWidget(3, button)

    # -- selection --------------------------------------------------------------------------
    def selected_row(self) -> int | None:
        """The selected row number, or None."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def selected_id(self) -> int | None:
        """The id of the selected record, or None."""
        row = self.selected_row()
        if row is None:
            return None
        found = self.model.row(row)
        return found.id if found is not None else None

    def select_id(
        self, record_id: int | None, near: int | None = None, fallback_row: int | None = None
    ) -> bool:
        """Select a record (scrolling to it); else the row at `fallback_row`, if there is one.

        `near` is the row it was on, where it is looked for first (a cheap guess after an edit).
        """
        row = self.model.row_of_id(record_id, near=near) if record_id is not None else None
        if row is None and fallback_row is not None and self.model.count:
            row = min(fallback_row, self.model.count - 1)
        if row is None:
            self.table.clearSelection()
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _update_actions(self) -> None:
        has_row = self.selected_row() is not None
        writable = self.service is not None
        self.add_button.setEnabled(writable)
        self.edit_button.setEnabled(writable and has_row)
        self.delete_button.setEnabled(writable and has_row)
        self.export_button.setEnabled(self.model.count > 0)

    # -- query ------------------------------------------------------------------------------
    def _on_query_changed(self, query: RegisterQuery) -> None:
        current = self.model.query
        selected, row = self.selected_id(), self.selected_row()
        self.model.set_query(
            replace(query, sort_key=current.sort_key, descending=current.descending)
        )
        if selected is not None:
            self.select_id(selected, near=row)

    def _keep_sort_indicator_honest(self, column: int, _order: Qt.SortOrder) -> None:
        """A click on a column that cannot sort leaves the indicator on the real sort column."""
        query = self.model.query
        if column < 0 or self.model.columns[column].sortable:
            return
        header = self.table.horizontalHeader()
        keys = [c.key for c in self.model.columns]
        real = keys.index(query.sort_key) if query.sort_key in keys else -1
        order = Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder
        header.blockSignals(True)
        header.setSortIndicator(real, order)
        header.blockSignals(False)

    def set_reveal(self, reveal: bool) -> None:
        """Show ID numbers and phones in full (True) or masked (False)."""
        selected, row = self.selected_id(), self.selected_row()
        self.model.set_reveal(reveal)
        self.select_id(selected, near=row)

    def refresh(self) -> None:
        """Read the register again, keeping the selected record selected if it is still there."""
        selected, row = self.selected_id(), self.selected_row()
        self.model.refresh()
        self.filter_bar.set_filters(self.register.filters())
        self.select_id(selected, near=row, fallback_row=row)

    # -- writes -----------------------------------------------------------------------------
    def _open_form(self, title: str, save: Callable[[dict[str, Any]], None], values: Any) -> None:
        assert self.service is not None
        dialog = FormDialog(
            self.service.fields, save, title=title, values=values, parent=self,
            ask_discard=self.ask,
        )  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._form_closed)
        self.dialog = dialog
        dialog.open()

    def _form_closed(self) -> None:
        self.dialog = None

    def add_record(self) -> None:
        """Open an empty form; saving creates the record and selects it."""
        if self.service is None:
            return
        service = self.service

        def save(values: dict[str, Any]) -> None:
            self._confirm(values, None)
            record_id = service.create(values)
            self._after_write(record_id, None)

        self._open_form(f"新增{self.noun}", save, None)

    def edit_selected(self) -> None:
        """Open the selected record in the form; saving updates it and keeps it selected."""
        record_id, row = self.selected_id(), self.selected_row()
        if self.service is None or record_id is None:
            return
        service = self.service
        try:
            values = service.load(record_id)
        except RecordNotFound as exc:
            self._gone(exc)
            return

        def save(new_values: dict[str, Any]) -> None:
            self._confirm(new_values, record_id)
            try:
                service.update(record_id, new_values)
            except RecordNotFound as exc:
                raise ValidationError({"": str(exc)}) from exc
            self._after_write(record_id, row)

        self._open_form(f"编辑{self.noun}", save, values)

    def _confirm(self, values: dict[str, Any], record_id: int | None) -> None:
        """Ask the service's question, if it has one; 否 keeps the form open, unsaved."""
        assert self.service is not None
        question = self.service.question(values, record_id)
        if question and not self.ask(self, f"保存{self.noun}", question):
            raise ValidationError({"": "未保存。"})

    def delete_selected(self) -> None:
        """Ask, then soft-delete the selected record; a refusal is shown with its reason."""
        record_id, row = self.selected_id(), self.selected_row()
        if self.service is None or record_id is None:
            return
        try:
            name = self.service.describe(record_id)
            if not self.ask(self, f"删除{self.noun}", f"确定删除{self.noun}“{name}”吗？"):
                return
            self.service.delete(record_id)
        except ValidationError as exc:
            self.inform(self, "无法删除", _message_of(exc))
            return
        except RecordNotFound as exc:
            self._gone(exc)
            return
        self._after_write(None, row)

    def _gone(self, exc: RecordNotFound) -> None:
        """Someone else deleted the record meanwhile: say so and show the list as it is now."""
        self.inform(self, self.noun, str(exc))
        self.refresh()

    def _after_write(self, record_id: int | None, row: int | None) -> None:
        """Show the write: the record (or, if it left the list, whatever took its row) selected."""
        self.model.refresh()
        self.filter_bar.set_filters(self.register.filters())
        self.select_id(record_id, near=row, fallback_row=row)
        self.recordsChanged.emit()

    # -- export -----------------------------------------------------------------------------
    def export(self) -> None:
        """Ask for a file and export every row of the current search, filters and sort."""
        stem = self.register.title or "导出"
        suggested = str(Path.home() / f"{stem}-{date.today():%Y%m%d}.xlsx")
        path = self.ask_save_path(self, "导出Excel", suggested)
        if not path:
            return
        register, query, reveal = self.register, self.model.query, self.model.reveal

        def done(count: int) -> None:
            self.inform(self, "导出完成", f"已导出 {count:,} 条记录到：\n{path}")

        self.export_job = run_job(
            self,
            "导出Excel",
            lambda: export_register_xlsx(register, query, path, reveal=reveal),
            done,
            show_error=self.show_error,
            pool=self.job_pool,
        )
