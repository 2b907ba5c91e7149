"""劝阻案例: cases with their dissuaders, the figures with a chart, and the fraud-type list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.awards import proposals_for_case, propose_for_case
from app.case_people import add_dissuader, dissuaders, remove_dissuader
from app.case_stats import CaseStatistics, case_statistics
from app.cases import CaseRegister, CaseService, FraudTypeRegister, FraudTypeService
from app.meetings import person_choices
from app.validation import ValidationError, parse_yuan
from ui.charts import BarChart, Series
from ui.jobs import BackgroundCall
from ui.register.register_view import RegisterView, inform_with_message_box
from ui.tabs.meetings_tab import ask_pdf_path, open_in_viewer

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEFAULT_AWARD_YUAN = "200.00"


class ProposalDialog(QDialog):
    """The awards a successful case proposes: one amount per dissuader, confirmed by the clerk."""

    def __init__(self, people: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("提出奖励（一案一奖）")
        self.amounts: dict[int, QLineEdit] = {}
        form = QFormLayout()
        for person_id, name in people:
            edit = QLineEdit(DEFAULT_AWARD_YUAN)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.amounts[person_id] = edit
            form.addRow(f"{name}（元）", edit)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("提出奖励")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("金额为空的人员不提出奖励。确认后为“拟奖励”，审批后发放。"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

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
            self.error.setText(f"金额“{exc}”不正确，应为大于0的金额，如200.00")
            return
        self.accept()


class DissuadersPanel(QWidget):
    """The people who dissuaded in the selected case: add, remove, propose their awards."""

    def __init__(self, engine: Engine, user: str | None, inform, ask_amounts) -> None:
        super().__init__()
        self.engine, self.user, self.inform, self.ask_amounts = engine, user, inform, ask_amounts
        self.case_id: int | None = None
        self.list = QListWidget()
        self.person = QComboBox()
        self.person.setEditable(True)  # type to find a name among hundreds
        self.role = QLineEdit()
        self.role.setPlaceholderText("角色，如：网格员、民警、志愿者")
        self.add_button = QPushButton("添加")
        self.remove_button = QPushButton("移除")
        self.propose_button = QPushButton("提出奖励…")
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.propose_button.clicked.connect(self.propose)
        row = QHBoxLayout()
        for widget in (self.person, self.role, self.add_button, self.remove_button,
                       self.propose_button):  # fmt: skip
            row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("参与劝阻人员"))
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        self.reload_people()
        self.set_case(None)

    def reload_people(self) -> None:
        """Offer every contact."""
        self.person.clear()
        for person_id, name in person_choices(self.engine):
            self.person.addItem(name, person_id)

    def set_case(self, case_id: int | None) -> None:
        """Show the dissuaders of a case."""
        self.case_id = case_id
        self.list.clear()
        if case_id is not None:
            for row_id, _person_id, name, role in dissuaders(self.engine, case_id):
                item = QListWidgetItem(f"{name}（{role}）" if role else name)
                item.setData(Qt.ItemDataRole.UserRole, row_id)
                self.list.addItem(item)
        for button in (self.add_button, self.remove_button, self.propose_button):
            button.setEnabled(case_id is not None)

    def add(self) -> None:
        """Add the chosen person."""
        if self.case_id is None or self.person.currentData() is None:
            return
        try:
            add_dissuader(self.engine, self.case_id, self.person.currentData(), self.role.text(),
                          self.user)  # fmt: skip
        except ValidationError as exc:
            self.inform(self, "无法添加", "\n".join(exc.errors.values()))
            return
        self.role.clear()
        self.set_case(self.case_id)

    def remove(self) -> None:
        """Remove the selected person."""
        item = self.list.currentItem()
        if item is None:
            return
        remove_dissuader(self.engine, item.data(Qt.ItemDataRole.UserRole), self.user)
        self.set_case(self.case_id)

    def propose(self) -> None:
        """Propose awards for the dissuaders without one, with the amounts the clerk confirms."""
        if self.case_id is None:
            return
        try:
            people = proposals_for_case(self.engine, self.case_id)
        except ValidationError as exc:
            self.inform(self, "提出奖励", "\n".join(exc.errors.values()))
            return
        if not people:
            self.inform(
                self, "提出奖励", "本案参与劝阻的人员都已提出奖励，或还没有登记参与劝阻人员。"
            )
            return
        amounts = self.ask_amounts(self, people)
        if not amounts:
            return
        try:
            ids = propose_for_case(self.engine, self.case_id, amounts, user=self.user)
        except ValidationError as exc:
            self.inform(self, "提出奖励", "\n".join(exc.errors.values()))
            return
        self.inform(self, "提出奖励", f"已提出{len(ids)}笔奖励，请在“奖励与表彰”页审批。")


def ask_amounts(parent: QWidget, people: list[tuple[int, str]]) -> dict[int, int] | None:
    """Ask the award amount of each dissuader."""
    dialog = ProposalDialog(people, parent)
    return dialog.values() if dialog.exec() else None


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


class CaseFiguresView(QWidget):
    """A period's figures: the summary, a chart by month, and tables by village, type, source."""

    HEADERS = ("", "案例数", "成功劝阻", "成功率", "止损（元）", "损失（元）")

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        today = date.today()
        self.start = QDateEdit(QDate(today.year, 1, 1))
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self.refresh)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.chart = BarChart("按月案例数")
        groups = (("village", "村居"), ("fraud_type", "诈骗类型"), ("source", "线索来源"))
        self.tables = {key: _table((title, *self.HEADERS[1:])) for key, title in groups}
        top = QHBoxLayout()
        for widget in (QLabel("从"), self.start, QLabel("到"), self.end):
            top.addWidget(widget)
        top.addStretch(1)
        tables = QHBoxLayout()
        for table in self.tables.values():
            tables.addWidget(table)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart, 1)
        layout.addLayout(tables, 1)
        self.stats: CaseStatistics | None = None

    def showEvent(self, event) -> None:
        """Recompute when shown."""
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Compute the figures off the GUI thread."""
        start, end = self.start.date().toPython(), self.end.date().toPython()
        engine = self.engine
        BackgroundCall(self, lambda: case_statistics(engine, start, end), self.show_stats)

    def show_stats(self, stats: CaseStatistics) -> None:
        """Put the figures on screen."""
        self.stats = stats
        s = stats.summary
        rate = s.transfer_rate
        rate_text = "无预警对象" if rate is None else (
            f"{float(rate) * 100:.2f}%（{'达标' if s.meets_target else '未达标'}，目标低于2%）"
        )  # fmt: skip
        self.summary.setText(
            f"劝阻案例 {s.cases} 起：成功劝阻 {s.success}、部分止损 {s.partial}、"
            f"劝阻无效 {s.failed}、"
            f"预警后仍转账 {s.transferred_after_warning}；止损 {s.saved_fen / 100:,.2f} 元，"
            f"损失 {s.lost_fen / 100:,.2f} 元；预警 {s.warned_people} 人，仍转账 "
            f"{s.transferred_people} 人，预警后再转账率 {rate_text}。"
        )
        self.chart.set_data(
            [b.key[2:] for b in stats.by_month],
            [Series("案例数", [b.cases for b in stats.by_month]),
             Series("成功劝阻", [b.success for b in stats.by_month])],
        )  # fmt: skip
        for key, rows in (("village", stats.by_village), ("fraud_type", stats.by_fraud_type),
                          ("source", stats.by_source)):  # fmt: skip
            table = self.tables[key]
            table.setRowCount(len(rows))
            for r, b in enumerate(rows):
                share = "—" if b.success_share is None else f"{b.success_share * 100:.1f}%"
                cells = (b.key, b.cases, b.success, share, f"{b.saved_fen / 100:,.2f}",
                         f"{b.lost_fen / 100:,.2f}")  # fmt: skip
                for c, value in enumerate(cells):
                    item = QTableWidgetItem(str(value))
                    if c:
                        item.setTextAlignment(
                            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                        )
                    table.setItem(r, c, item)


class CasesTab(QWidget):
    """Sub-tabs 劝阻案例, 统计, 诈骗类型."""

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        ask_amounts: Callable[
            [QWidget, list[tuple[int, str]]], dict[int, int] | None
        ] = ask_amounts,
        ask_pdf: Callable[[QWidget, str, str], str | None] = ask_pdf_path,
        open_file: Callable[[str], None] = open_in_viewer,
        **options: Any,
    ) -> None:
        super().__init__()
        self.engine, self.user = engine, user
        self.inform = options.get("inform", inform_with_message_box)
        self.ask_pdf, self.open_file = ask_pdf, open_file
        self.cases = RegisterView(CaseRegister(engine), CaseService(engine, user), **options)
        self.typical_button = QPushButton("典型案例汇编…")
        self.typical_button.setToolTip(
            "把所选年份（或今年）列为典型的案例打印为一份PDF，当事人姓名已隐去"
        )
        self.typical_button.clicked.connect(self.print_typical)
        self.cases.add_action(self.typical_button)
        self.dissuaders = DissuadersPanel(engine, user, self.inform, ask_amounts)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.cases)
        splitter.addWidget(self.dissuaders)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.figures = CaseFiguresView(engine)
        self.fraud_types = RegisterView(
            FraudTypeRegister(engine), FraudTypeService(engine, user), **options
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(splitter, "劝阻案例")
        self.tabs.addTab(self.figures, "统计")
        self.tabs.addTab(self.fraud_types, "诈骗类型")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.cases.table.selectionModel().selectionChanged.connect(self._case_selected)
        self.cases.recordsChanged.connect(self._case_selected)
        self.fraud_types.recordsChanged.connect(self.cases.refresh)

    def _case_selected(self) -> None:
        self.dissuaders.set_case(self.cases.selected_id())

    def print_typical(self) -> None:
        """Print the typical cases of the filtered year (or this year)."""
        from app.typical_cases import print_typical_cases

        year = int(self.cases.filter_bar.query().filters.get("year") or date.today().year)
        path = self.ask_pdf(self, "典型案例汇编", str(Path.home() / f"{year}年典型案例汇编.pdf"))
        if not path:
            return
        try:
            print_typical_cases(self.engine, date(year, 1, 1), date(year, 12, 31), path)
        except (ValidationError, OSError) as exc:
            message = (
                "\n".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
            )
            self.inform(self, "典型案例汇编", message)
            return
        self.open_file(path)
