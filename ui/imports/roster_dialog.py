"""导入住户花名册: choose a file, map its columns, see every row's fate, confirm, run, report.

The households tab calls `run_household_import(parent, engine, user)`. Everything that decides
lives in app/exchange/roster/importer.py; this dialog only shows and asks. Previews and the import
run as background jobs (ui/jobs.py) with progress and 取消; a cancelled import writes nothing.
Questions and file choices go through injectable callables, so tests answer them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.core.progress import Job
from app.core.validation import ValidationError
from app.exchange.roster.columns import ROSTER_COLUMNS, RosterLayout, not_a_roster, remember_mapping
from app.exchange.roster.importer import (
    RosterOptions,
    import_households,
    inspect_roster,
    known_villages,
    preview_household_import,
)
from app.exchange.roster.plan import RosterPlan, RosterResult
from app.exchange.roster.report import write_report_xlsx, write_template_xlsx
from ui.imports.roster_pages import ColumnsPage, FilePage, RowsPage
from ui.jobs import RunningJob, run_job
from ui.register.register_view import ask_with_message_box, ask_xlsx_path, inform_with_message_box
from ui.screen_fit import fit_to_screen

TITLE = "导入住户花名册"
FILE_FILTER = "花名册 (*.xlsx *.xlsm *.xls *.csv);;所有文件 (*)"
Ask = Callable[[QWidget, str, str], bool]
Inform = Callable[[QWidget, str, str], None]
AskPath = Callable[[QWidget, str, str], str | None]
PAGE_FILE, PAGE_COLUMNS, PAGE_PREVIEW, PAGE_RESULT = range(4)


def ask_roster_to_open(parent: QWidget, title: str, _suggested: str) -> str | None:
    """Ask for the roster file (.xlsx, .xls or .csv)."""
    path, _ = QFileDialog.getOpenFileName(parent, title, str(Path.home()), FILE_FILTER)
    return path or None


def _catching(job: Job[Any]) -> Job[Any]:
    """The job's result, or the `ValidationError` it raised (a file that cannot be read)."""
    try:
        return (yield from job)
    except ValidationError as exc:
        return exc


def _message(exc: ValidationError) -> str:
    return "\n".join(v for v in exc.errors.values() if v) or str(exc)


class HouseholdImportDialog(QDialog):
    """The four steps of a roster import; `wrote` tells whether anything was written."""

    def __init__(
        self,
        engine: Engine,
        user: str | None,
        parent: QWidget | None = None,
        *,
        ask: Ask = ask_with_message_box,
        inform: Inform = inform_with_message_box,
        ask_open_path: AskPath = ask_roster_to_open,
        ask_save_path: AskPath = ask_xlsx_path,
    ) -> None:
        super().__init__(parent)
        self.engine, self.user = engine, user
        self.ask, self.inform = ask, inform
        self.ask_open_path, self.ask_save_path = ask_open_path, ask_save_path
        self.layout_found: RosterLayout | None = None
        self.plan: RosterPlan | None = None
        self.result: RosterResult | None = None
        self.job: RunningJob | None = None
        self.wrote = False
        self.setWindowTitle(TITLE)
        self.resize(980, 620)
        fit_to_screen(self)

        self.file_page = FilePage()
        self.columns_page = ColumnsPage()
        self.preview_page = RowsPage("导出预览…")
        self.result_page = RowsPage("保存逐行结果…")
        self.pages = QStackedWidget()
        for page in (self.file_page, self.columns_page, self.preview_page, self.result_page):
            self.pages.addWidget(page)
        self.file_page.browse_button.clicked.connect(self.choose_file)
        self.file_page.template_button.clicked.connect(self.save_template)
        self.preview_page.save_button.clicked.connect(self.save_report)
        self.result_page.save_button.clicked.connect(self.save_report)
        # the widgets the steps read
        self.path_edit = self.file_page.path_edit
        self.columns_table = self.columns_page.table
        self.village_box = self.columns_page.village_box
        self.header_label = self.columns_page.header_label
        self.preview_summary = self.preview_page.summary
        self.preview_model = self.preview_page.model
        self.preview_status = self.preview_page.status
        self.result_summary = self.result_page.summary
        self.back_button = QPushButton("上一步")
        self.next_button = QPushButton("下一步")
        self.close_button = QPushButton("取消")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(button)
        self.step_label = QLabel()
        self.step_label.setStyleSheet("font-weight: bold;")
        main = QVBoxLayout(self)
        main.addWidget(self.step_label)
        main.addWidget(self.pages, 1)
        main.addLayout(buttons)
        self._show_page(PAGE_FILE)

    # --- pages ------------------------------------------------------------------------------
    def _show_page(self, number: int) -> None:
        self.pages.setCurrentIndex(number)
        steps = ("第1步：选择文件", "第2步：对应各列", "第3步：预览每一行", "第4步：导入结果")
        self.step_label.setText(f"{TITLE} — {steps[number]}")
        self.back_button.setVisible(number in (PAGE_COLUMNS, PAGE_PREVIEW))
        self.next_button.setVisible(number != PAGE_RESULT)
        self.next_button.setText("导入…" if number == PAGE_PREVIEW else "下一步")
        self.close_button.setText("完成" if number == PAGE_RESULT else "取消")
        self.next_button.setDefault(True)

    # --- navigation -------------------------------------------------------------------------
    def go_back(self) -> None:
        """The previous step."""
        self._show_page(max(self.pages.currentIndex() - 1, PAGE_FILE))

    def go_next(self) -> None:
        """The next step: read the columns, preview, or import."""
        page = self.pages.currentIndex()
        if page == PAGE_FILE:
            self.read_columns()
        elif page == PAGE_COLUMNS:
            self.start_preview()
        elif page == PAGE_PREVIEW:
            self.confirm_and_import()

    def choose_file(self) -> None:
        """Pick the roster with a file dialog."""
        path = self.ask_open_path(self, "选择花名册文件", "")
        if path:
            self.path_edit.setText(path)

    def save_template(self) -> None:
        """Write the import template where the clerk says."""
        path = self.ask_save_path(self, "保存导入模板", "住户花名册导入模板.xlsx")
        if not path:
            return
        try:
            write_template_xlsx(path)
        except OSError as exc:
            self.inform(self, "无法保存模板", f"无法写入“{path}”：{exc.strerror or exc}")
            return
        self.inform(self, "已保存模板", f"导入模板已保存到：{path}")

    def read_columns(self) -> None:
        """Find the header row and fill the column table from it and the remembered choices."""
        path = self.path_edit.text().strip()
        if not path:
            self.inform(self, TITLE, "请先选择花名册文件。")
            return
        try:
            self.layout_found = inspect_roster(self.engine, path)
        except ValidationError as exc:
            self.inform(self, TITLE, _message(exc))
            return
        self.columns_page.fill(self.layout_found, known_villages(self.engine))
        self._show_page(PAGE_COLUMNS)

    def chosen_layout(self) -> RosterLayout:
        """The layout with the column choices made in the table."""
        found = self.layout_found
        assert found is not None
        return replace(found, mapping=self.columns_page.mapping())

    def options(self, create_missing: bool = True) -> RosterOptions:
        """The import's options as chosen on the columns page."""
        village = self.village_box.currentText().strip() or None
        return RosterOptions(
            village=village,
            duplicates=self.columns_page.duplicates_box.currentData(),
            old_ids=self.columns_page.old_ids_box.currentData(),
            create_missing=create_missing,
            layout=self.chosen_layout(),
        )

    def _mapping_problem(self, layout: RosterLayout) -> str | None:
        keys = [k for k in layout.mapping.values() if k]
        doubled = {k for k in keys if keys.count(k) > 1}
        if doubled:
            labels = "、".join(c.label for c in ROSTER_COLUMNS if c.key in doubled)
            return f"“{labels}”对应了不止一列，请只保留一列。"
        problem = not_a_roster(Path(self.path_edit.text()).name, layout)
        if problem:
            return "请指定哪一列是“姓名”（或户主姓名）。"
        if "village" not in layout.keys and not self.village_box.currentText().strip():
            return "文件中没有村居列：请在“村居”中选择或填写这份名单所属的村居。"
        return None

    def start_preview(self) -> None:
        """Remember the column choices and preview every row in the background."""
        options = self.options()
        assert options.layout is not None
        problem = self._mapping_problem(options.layout)
        if problem:
            self.inform(self, TITLE, problem)
            return
        remember_mapping(self.engine, options.layout, self.user)
        path = self.path_edit.text().strip()
        self._run(
            "检查花名册",
            lambda: preview_household_import(self.engine, path, options),
            self._show_preview,
        )

    def _run(
        self, title: str, factory: Callable[[], Job[Any]], done: Callable[[Any], None]
    ) -> None:
        self.next_button.setEnabled(False)
        self.job = run_job(
            self,
            title,
            lambda: _catching(factory()),
            lambda value: self._finished(done, value),
            show_error=self._show_job_error,
            on_cancelled=self._cancelled,
        )
        self.job.failed.connect(lambda _m: self.next_button.setEnabled(True))

    def _finished(self, done: Callable[[Any], None], value: Any) -> None:
        self.job = None
        self.next_button.setEnabled(True)
        if isinstance(value, ValidationError):
            self.inform(self, TITLE, _message(value))
        else:
            done(value)

    def _show_job_error(self, _parent: QWidget | None, message: str, _details: str) -> None:
        self.job = None  # the job runner has logged the details
        self.next_button.setEnabled(True)
        self.inform(self, TITLE, message)

    def _cancelled(self) -> None:
        self.job = None
        self.next_button.setEnabled(True)
        self.inform(self, TITLE, "已取消，没有写入任何数据。")

    def _show_preview(self, plan: RosterPlan) -> None:
        self.plan = plan
        self.preview_page.show_plan(plan)
        lines = [f"预览（尚未写入）：{plan.summary()}。"]
        if plan.missing:
            lines.append(f"系统中还没有的{plan.missing.describe()}，导入前会询问是否新建。")
        self.preview_summary.setText("\n".join(lines))
        self._show_page(PAGE_PREVIEW)
        good = plan.count("imported") + plan.count("updated")
        self.next_button.setEnabled(good > 0)

    def confirm_and_import(self) -> None:
        """Ask about new villages and grids, confirm, and run the import."""
        plan = self.plan
        assert plan is not None
        create = False
        if plan.missing:
            create = self.ask(
                self,
                "新建村居和网格",
                f"文件中的这些在系统中还没有：\n{plan.missing.describe()}\n\n"
                "导入时新建它们吗？选“否”则这些村居、网格的住户不导入。",
            )
        households = len(plan.writes)
        if not self.ask(self, TITLE, f"确定导入吗？将写入约 {households} 户；有错的行不导入。"):
            return
        options = self.options(create_missing=create)
        path = self.path_edit.text().strip()
        self._run(
            TITLE,
            lambda: import_households(self.engine, path, self.user, options),
            self._show_result,
        )

    def _show_result(self, result: RosterResult) -> None:
        self.result = result
        self.plan = result.plan
        self.wrote = bool(
            result.households_created or result.households_updated or result.residents_created
        )
        self.result_page.show_plan(result.plan)
        text = (
            f"已导入：新增 {result.households_created} 户，更新 {result.households_updated} 户，"
            f"居民新增 {result.residents_created} 人。\n{result.plan.summary()}。"
        )
        if result.villages_created or result.grids_created:
            text += f"\n新建村居 {result.villages_created} 个、网格 {result.grids_created} 个。"
        self.result_summary.setText(text)
        self._show_page(PAGE_RESULT)

    def save_report(self) -> None:
        """Save the per-row report (of the preview or of the import) as .xlsx."""
        if self.plan is None:
            return
        path = self.ask_save_path(self, "保存逐行结果", "花名册导入结果.xlsx")
        if not path:
            return
        try:
            write_report_xlsx(self.plan, path)
        except OSError as exc:
            self.inform(self, "无法保存", f"无法写入“{path}”：{exc.strerror or exc}")
            return
        self.inform(self, "已保存", f"逐行结果已保存到：{path}")

    def reject(self) -> None:
        """Closing while a job runs cancels it first."""
        if self.job is not None:
            self.job.cancel()
            return
        super().reject()


def run_household_import(parent: QWidget | None, engine: Engine, user: str | None) -> bool:
    """Show the import dialog; True when anything was written (refresh the register then)."""
    dialog = HouseholdImportDialog(engine, user, parent)
    dialog.exec()
    return dialog.wrote
