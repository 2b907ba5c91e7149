"""奖励与表彰: awards and their approval and payment, clues with their protected reporter,
commendations and criticism."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.cases.award_reports import export_award_list, print_award_list, totals
from app.cases.awards import AwardRegister, AwardService, advance
from app.cases.clue_handovers import HandoverRegister, HandoverService
from app.cases.clues import (
    REPORTER_FIELDS,
    ClueRegister,
    ClueService,
    reveal_reporter,
    set_reporter,
)
from app.cases.commendations import CommendationRegister, CommendationService
from app.cases.interviews import InterviewRegister, InterviewService, print_interview
from app.core.validation import ValidationError
from ui.document_preview import ask_pdf_path, open_in_viewer
from ui.jobs import run_job
from ui.register.form_dialog import FormDialog, GuardedDialog, confirm_buttons
from ui.register.register_view import (
    RegisterView,
    ask_with_message_box,
    ask_xlsx_path,
    inform_with_message_box,
)
from ui.tabs.cases.cases_tab import newest_first

if TYPE_CHECKING:
    from sqlalchemy import Engine


class StepDialog(GuardedDialog):
    """Who approves (or pays) an award, and on which day (today unless changed)."""

    def __init__(self, verb: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{verb}奖励")
        self.who = QLineEdit()
        example = "镇党委副书记 张某" if verb == "审批" else "财政所 李某"
        self.who.setPlaceholderText(f"如：{example}")
        today = date.today()
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))
        buttons, self.ok_button = confirm_buttons(verb, self.accept, self.reject)
        self.ok_button.setEnabled(False)
        self.who.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))
        form = QFormLayout(self)
        form.addRow(f"{verb}人", self.who)
        form.addRow(f"{verb}日期", self.day)
        form.addRow(buttons)

    def snapshot(self) -> tuple:
        """Who and when."""
        return self.who.text(), self.day.date()


def ask_step(parent: QWidget, verb: str) -> tuple[str, date] | None:
    """Ask who approves or pays, and when."""
    dialog = StepDialog(verb, parent)
    if not dialog.exec():
        return None
    return dialog.who.text().strip(), dialog.day.date().toPython()


class AwardsView(QWidget):
    """The awards register with 审批/发放, the award list, and totals."""

    def __init__(self, engine: Engine, user: str | None, ask_step, ask_pdf, open_file,
                 **options: Any) -> None:  # fmt: skip
        super().__init__()
        self.engine, self.user = engine, user
        self.ask_step, self.ask_pdf, self.open_file = ask_step, ask_pdf, open_file
        self.inform = options.get("inform", inform_with_message_box)
        self.ask_save_path = options.get("ask_save_path", ask_xlsx_path)
        self.awards = RegisterView(AwardRegister(engine), AwardService(engine, user), **options)
        newest_first(self.awards, "proposed_on")
        self.buttons = {}
        for key, text, slot in (
            ("approve", "审批…", lambda: self.advance("approved")),
            ("pay", "发放…", lambda: self.advance("paid")),
            ("list_pdf", "奖励名单PDF…", self.print_list),
            ("list_xlsx", "奖励名单Excel…", self.export_list),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
        for button in reversed(list(self.buttons.values())):
            self.awards.add_action(button)
        self.by = QComboBox()
        for code, label in (("person", "按获奖人"), ("unit", "按获奖单位"), ("quarter", "按季度")):
            self.by.addItem(label, code)
        self.by.currentIndexChanged.connect(self.refresh_totals)
        self.totals = QTableWidget(0, 4)
        self.totals.setHorizontalHeaderLabels(("名称", "笔数", "金额（元）", "已发放（元）"))
        self.totals.verticalHeader().hide()
        self.totals.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.totals.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.totals_title = QLabel()
        row.addWidget(self.totals_title)
        row.addStretch(1)
        row.addWidget(self.by)
        box_layout.addLayout(row)
        box_layout.addWidget(self.totals)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.awards)
        splitter.addWidget(box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.awards.recordsChanged.connect(self.refresh_totals)
        self.awards.filter_bar.queryChanged.connect(lambda _query: self.refresh_totals())
        self.awards.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.awards.model.modelReset.connect(self._update_buttons)
        self.job = None
        self.refresh_totals()
        self._update_buttons()

    def _year(self) -> tuple[date, date]:
        year = int(self.awards.filter_bar.query().filters.get("year") or date.today().year)
        return date(year, 1, 1), date(year, 12, 31)

    def _update_buttons(self) -> None:
        row = self.awards.selected_row()
        status = self.awards.model.row(row).values[6] if row is not None else None
        self.buttons["approve"].setEnabled(status == "拟奖励")
        self.buttons["pay"].setEnabled(status == "已审批")

    def refresh_totals(self) -> None:
        """Totals of the filtered year (or this year) by the chosen grouping."""
        start, end = self._year()
        self.totals_title.setText(f"{start.year}年已审批、已发放的奖励合计")
        rows = totals(self.engine, start, end, self.by.currentData())
        self.totals.setRowCount(len(rows))
        for r, t in enumerate(rows):
            for c, value in enumerate((t.name, t.count, f"{t.amount:,.2f}", f"{t.paid:,.2f}")):
                item = QTableWidgetItem(str(value))
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.totals.setItem(r, c, item)

    def advance(self, to: str) -> None:
        """Approve or pay the selected award, asking who does it and when."""
        award_id = self.awards.selected_id()
        if award_id is None:
            self.inform(self, "奖励", "请先选择一笔奖励")
            return
        verb = "审批" if to == "approved" else "发放"
        answer = self.ask_step(self, verb)
        if not answer:
            return
        who, on = answer
        try:
            advance(self.engine, [award_id], to, who, on, user=self.user)
        except ValidationError as exc:
            self.inform(self, f"无法{verb}", "\n".join(exc.errors.values()))
            return
        self.awards.refresh()
        self.refresh_totals()

    def print_list(self) -> None:
        """The 奖励名单 of the filtered year as a PDF."""
        start, end = self._year()
        path = self.ask_pdf(self, "奖励名单", str(Path.home() / f"{start.year}年奖励名单.pdf"))
        if not path:
            return
        try:
            print_award_list(self.engine, start, end, path)
        except ValidationError as exc:
            self.inform(self, "奖励名单", "\n".join(exc.errors.values()))
            return
        except OSError as exc:
            self.inform(self, "奖励名单", f"无法写入“{path}”：{exc.strerror or exc}")
            return
        self.open_file(path)

    def export_list(self) -> None:
        """The 奖励名单 of the filtered year as an .xlsx."""
        start, end = self._year()
        path = self.ask_save_path(
            self, "导出奖励名单", str(Path.home() / f"{start.year}年奖励名单.xlsx")
        )
        if not path:
            return
        self.job = run_job(
            self, "导出奖励名单", lambda: export_award_list(self.engine, start, end, path),
            lambda count: self.inform(self, "导出完成", f"已导出 {count} 笔奖励到：\n{path}"),
        )  # fmt: skip


class CluesView(QWidget):
    """The clue register; the reporter is entered and seen only through its own buttons."""

    def __init__(self, engine: Engine, user: str | None, **options: Any) -> None:
        super().__init__()
        self.engine, self.user = engine, user
        self.ask = options.get("ask", ask_with_message_box)
        self.inform = options.get("inform", inform_with_message_box)
        self.clues = RegisterView(ClueRegister(engine), ClueService(engine, user), **options)
        newest_first(self.clues, "received_on")
        self.reporter_button = QPushButton("登记举报人…")
        self.reveal_button = QPushButton("查看举报人…")
        self.reporter_button.clicked.connect(self.edit_reporter)
        self.reveal_button.clicked.connect(self.reveal)
        self.clues.add_action(self.reveal_button)
        self.clues.add_action(self.reporter_button)
        self.dialog: FormDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(
            QLabel("举报人信息严格保密：只在“查看举报人”中显示，每次查看都记入操作日志。")
        )
        layout.addWidget(self.clues)

    def _clue(self) -> int | None:
        clue_id = self.clues.selected_id()
        if clue_id is None:
            self.inform(self, "举报线索", "请先选择一条线索")
        return clue_id

    def edit_reporter(self) -> None:
        """Enter or replace the reporter of the selected clue."""
        clue_id = self._clue()
        if clue_id is None:
            return

        def save(values: dict[str, Any]) -> None:
            set_reporter(self.engine, clue_id, values, self.user)

        self.dialog = FormDialog(
            REPORTER_FIELDS, save, title="登记举报人（保密）", parent=self, ask_discard=self.ask
        )
        self.dialog.open()

    def reveal(self) -> None:
        """Show the reporter after a warning; the look is audited."""
        clue_id = self._clue()
        if clue_id is None:
            return
        if not self.ask(self, "查看举报人", "举报人信息保密，查看将记入操作日志。确定查看吗？"):
            return
        reporter = reveal_reporter(self.engine, clue_id, self.user)
        if reporter is None:
            self.inform(self, "举报人", "这条线索没有登记举报人。")
            return
        self.inform(
            self, "举报人（保密）",
            f"姓名：{reporter.name}\n身份证号码：{reporter.id_number or '未登记'}\n"
            f"电话：{reporter.phone or '未登记'}",
        )  # fmt: skip


class InterviewsView(QWidget):
    """The 约谈 records, each printable as the 约谈记录 for both sides to sign."""

    def __init__(
        self, engine: Engine, user: str | None, ask_pdf, open_file, **options: Any
    ) -> None:
        super().__init__()
        self.engine, self.ask_pdf, self.open_file = engine, ask_pdf, open_file
        self.inform = options.get("inform", inform_with_message_box)
        self.records = RegisterView(
            InterviewRegister(engine), InterviewService(engine, user), **options
        )
        self.print_button = QPushButton("打印约谈记录…")
        self.print_button.clicked.connect(self.print_record)
        self.records.add_action(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("先在“表彰与批评”中登记类别为“约谈”的一条，再在这里记录约谈经过。"))
        layout.addWidget(self.records)

    def print_record(self) -> None:
        """Print the selected record and open it."""
        record_id = self.records.selected_id()
        if record_id is None:
            self.inform(self, "约谈记录", "请先选择一条约谈记录")
            return
        path = self.ask_pdf(self, "打印约谈记录", str(Path.home() / f"约谈记录{record_id}.pdf"))
        if not path:
            return
        try:
            print_interview(self.engine, record_id, path)
        except (ValidationError, OSError) as exc:
            self.inform(self, "约谈记录", str(exc))
            return
        self.open_file(path)


class AwardsTab(QWidget):
    """Sub-tabs 奖励, 举报线索, 线索移交 (to the police), 表彰与批评, 约谈记录."""

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        ask_step: Callable[[QWidget, str], tuple[str, date] | None] = ask_step,
        ask_pdf: Callable[[QWidget, str, str], str | None] = ask_pdf_path,
        open_file: Callable[[str], None] = open_in_viewer,
        **options: Any,
    ) -> None:
        super().__init__()
        self.awards = AwardsView(engine, user, ask_step, ask_pdf, open_file, **options)
        self.clues = CluesView(engine, user, **options)
        self.handovers = RegisterView(
            HandoverRegister(engine), HandoverService(engine, user), **options
        )
        self.clues.clues.recordsChanged.connect(self.handovers.refresh)
        self.commendations = RegisterView(
            CommendationRegister(engine), CommendationService(engine, user), **options
        )
        newest_first(self.commendations, "issued_on")
        self.interviews = InterviewsView(engine, user, ask_pdf, open_file, **options)
        self.commendations.recordsChanged.connect(self.interviews.records.refresh)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.awards, "奖励")
        self.tabs.addTab(self.clues, "举报线索")
        self.tabs.addTab(self.handovers, "线索移交")
        self.tabs.addTab(self.commendations, "表彰与批评")
        self.tabs.addTab(self.interviews, "约谈记录")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def show_target(self, subtab: str | None, filters: dict[str, Any]) -> None:
        """An overview link: overdue rectifications of criticism, or clues without feedback."""
        if subtab == "约谈记录":
            self.tabs.setCurrentWidget(self.interviews)
        if subtab == "线索移交":
            self.tabs.setCurrentWidget(self.handovers)
            self.handovers.filter_bar.set_values(filters)
        if subtab == "表彰与批评":
            self.tabs.setCurrentWidget(self.commendations)
            self.commendations.filter_bar.set_values(filters)
