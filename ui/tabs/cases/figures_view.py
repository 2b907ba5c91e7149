"""统计: the figures of the dissuasion cases over a period, with a chart and a table per
breakdown (by month, quarter or year; by village, fraud type, alert source)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.cases.stats import (
    FIGURE_HEADERS,
    Breakdown,
    CaseStatistics,
    case_statistics,
    export_statistics_xlsx,
    figure_row,
    percent_text,
)
from app.core.validation import fen_to_yuan
from ui.charts import BarChart, Series
from ui.jobs import BackgroundCall

if TYPE_CHECKING:
    from sqlalchemy import Engine

PERIODS = (("by_month", "按月"), ("by_quarter", "按季度"), ("by_year", "按年"))
GOOD, BAD = "#1e8449", "#c0392b"


def _money(fen: int) -> str:
    return f"{fen_to_yuan(fen):,.2f}"


def _table() -> QTableWidget:
    table = QTableWidget(0, len(FIGURE_HEADERS))
    table.setHorizontalHeaderLabels(FIGURE_HEADERS)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(table.fontMetrics().horizontalAdvance("预警后再转账率") + 12)
    return table


class Card(QLabel):
    """One headline figure: a small caption over a large number."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.caption = caption
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet(
            "QLabel { background: #f4f6f7; border: 1px solid #d5dbdb; border-radius: 4px;"
            " padding: 6px 10px; }"
        )
        self.show_value("—")

    def show_value(self, value: str, note: str = "", colour: str = "#2c3e50") -> None:
        """Show a value, with an optional note under it."""
        small = f"<br><span style='color:#7f8c8d;'>{note}</span>" if note else ""
        self.setText(
            f"<span style='color:#7f8c8d;'>{self.caption}</span><br>"
            f"<span style='font-size:16pt; color:{colour};'><b>{value}</b></span>{small}"
        )


class CaseFiguresView(QWidget):
    """A period's figures: headline cards, a chart by period, and a table per breakdown."""

    def __init__(
        self, engine: Engine, inform, ask_save_path: Callable[[QWidget, str, str], str | None]
    ) -> None:
        super().__init__()
        self.engine, self.inform, self.ask_save_path = engine, inform, ask_save_path
        today = date.today()
        self.start = QDateEdit(QDate(today.year, 1, 1))
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self.refresh)
        self.quick = QComboBox()
        for label in ("今年", "本季度", "本月", "去年", "近三年"):
            self.quick.addItem(label)
        self.quick.setCurrentIndex(-1)
        self.quick.setPlaceholderText("快速选择…")
        self.quick.activated.connect(self._quick_period)
        self.period = QComboBox()
        for key, label in PERIODS:
            self.period.addItem(label, key)
        self.period.currentIndexChanged.connect(lambda _i: self._show_periods())
        self.export_button = QPushButton("导出Excel…")
        self.export_button.clicked.connect(self.export)
        self.cards = {key: Card(caption) for key, caption in (
            ("cases", "劝阻案例"), ("success", "成功劝阻"), ("saved", "止损（元）"),
            ("lost", "损失（元）"), ("rate", "预警后再转账率（目标低于2%）"),
        )}  # fmt: skip
        self.chart = BarChart("案例数")
        self.tables = {key: _table() for key in ("period", "village", "fraud_type", "source")}
        self.breakdowns = QTabWidget()
        for key, title in (("period", "按期间"), ("village", "按村居"),
                           ("fraud_type", "按诈骗类型"), ("source", "按线索来源")):  # fmt: skip
            self.breakdowns.addTab(self.tables[key], title)
        top = QHBoxLayout()
        for widget in (QLabel("从"), self.start, QLabel("到"), self.end, self.quick,
                       QLabel("  图表与期间表"), self.period):  # fmt: skip
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.export_button)
        cards = QGridLayout()
        for n, card in enumerate(self.cards.values()):
            cards.addWidget(card, 0, n)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addWidget(self.chart, 2)
        layout.addWidget(self.breakdowns, 3)
        self.stats: CaseStatistics | None = None

    def showEvent(self, event) -> None:
        """Recompute when shown (cases may have changed on the other sub-tab)."""
        super().showEvent(event)
        self.refresh()

    def _quick_period(self, index: int) -> None:
        today = date.today()
        quarter_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        start, end = {
            0: (date(today.year, 1, 1), today),
            1: (quarter_start, today),
            2: (today.replace(day=1), today),
            3: (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
            4: (date(today.year - 2, 1, 1), today),
        }[index]
        for edit, day in ((self.start, start), (self.end, end)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        self.refresh()

    def period_bounds(self) -> tuple[date, date]:
        """The chosen period."""
        return self.start.date().toPython(), self.end.date().toPython()

    def refresh(self) -> None:
        """Compute the figures off the GUI thread."""
        start, end = self.period_bounds()
        if start > end:
            self.cards["cases"].show_value("—", "开始日期晚于结束日期", BAD)
            return
        engine = self.engine
        BackgroundCall(self, lambda: case_statistics(engine, start, end), self.show_stats)

    def show_stats(self, stats: CaseStatistics) -> None:
        """Put the figures on screen."""
        self.stats = stats
        s = stats.summary
        self.cards["cases"].show_value(str(s.cases), f"部分止损{s.partial}　劝阻无效{s.failed}")
        self.cards["success"].show_value(str(s.success), f"成功率 {percent_text(s.success_share)}")
        self.cards["saved"].show_value(_money(s.saved_fen))
        late = s.transferred_after_warning
        self.cards["lost"].show_value(_money(s.lost_fen), f"预警后仍转账{late}起")
        note = f"预警{s.warned_people}人，仍转账{s.transferred_people}人"
        if s.transfer_rate is None:
            self.cards["rate"].show_value("—", "期间内没有预警对象")
        else:
            verdict = "达标" if s.meets_target else "未达标"
            colour = GOOD if s.meets_target else BAD
            rate = f"{percent_text(s.transfer_rate)} {verdict}"
            self.cards["rate"].show_value(rate, note, colour)
        self._show_periods()
        for key, rows in (("village", stats.by_village), ("fraud_type", stats.by_fraud_type),
                          ("source", stats.by_source)):  # fmt: skip
            self._fill(self.tables[key], rows)

    def _show_periods(self) -> None:
        if self.stats is None:
            return
        key = self.period.currentData()
        rows: tuple[Breakdown, ...] = getattr(self.stats, key)
        short = {"by_month": lambda b: f"{int(b.key[5:7])}月" if self._one_year() else (
                     f"{b.key[2:4]}.{int(b.key[5:7])}"),
                 "by_quarter": lambda b: b.key.replace("-", " "),
                 "by_year": lambda b: b.key}[key]  # fmt: skip
        self.chart.title = f"{self.period.currentText()}案例数"
        self.chart.set_data(
            [short(b) for b in rows],
            [Series("案例数", [b.cases for b in rows]),
             Series("成功劝阻", [b.success for b in rows])],
        )  # fmt: skip
        self._fill(self.tables["period"], rows)

    def _one_year(self) -> bool:
        start, end = self.period_bounds()
        return start.year == end.year

    def _fill(self, table: QTableWidget, rows: tuple[Breakdown, ...]) -> None:
        table.setRowCount(len(rows))
        for r, b in enumerate(rows):
            cells = figure_row(b.label, b.figures)
            cells[7], cells[8] = _money(b.saved_fen), _money(b.lost_fen)
            for c, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if c == 11 and b.figures.meets_target is False:
                    item.setForeground(Qt.GlobalColor.red)
                table.setItem(r, c, item)

    def export(self) -> None:
        """The figures on screen to an .xlsx, a sheet per breakdown."""
        if self.stats is None:
            return
        stats = self.stats
        suggested = str(Path.home() / f"劝阻案例统计{stats.start:%Y%m%d}-{stats.end:%Y%m%d}.xlsx")
        path = self.ask_save_path(self, "导出统计", suggested)
        if not path:
            return
        try:
            export_statistics_xlsx(stats, path)
        except OSError as exc:
            self.inform(self, "无法导出", f"无法写入“{path}”：{exc.strerror or exc}")
            return
        self.inform(self, "导出完成", f"已导出统计到：\n{path}")
