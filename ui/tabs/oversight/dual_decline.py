"""双降: this year's cases and losses against the same months of last year, per village and
per month, with the year's growth cap and a chart of the months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.oversight.dual_decline import (
    STATUSES,
    Comparison,
    DualDecline,
    dual_decline,
    load_caps,
    percent,
    save_caps,
)
from ui.charts import BarChart, Series
from ui.jobs import BackgroundCall

if TYPE_CHECKING:
    from sqlalchemy import Engine

HEADERS = ("村居", "发案数", "去年同期", "增幅", "案损（元）", "去年同期（元）", "增幅", "状态")
MONTH_HEADERS = ("月份", *HEADERS[1:])
CAP_HELP = (
    "发案数同比增幅不得超过的百分比。方案示例（种子003）：2021年控制在6%—8%（填8），"
    "2022年控制在5%（填5），2023年起实现同比下降（填0）"
)
STATUS_COLOURS = {"both": "#1e8449", "one": "#b9770e", "none": "#c0392b", "over_cap": "#c0392b"}


class DualDeclineView(QWidget):
    """A year selector, the growth cap of that year, and the comparison table."""

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__()
        self.engine = engine
        self.user = user
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.year.valueChanged.connect(self.refresh)
        self.cap = QLineEdit()
        self.cap.setPlaceholderText("未设置")
        self.cap.setMaximumWidth(80)
        self.cap.setToolTip(CAP_HELP)
        self.save_cap = QPushButton("保存控制目标")
        self.save_cap.clicked.connect(self._save_cap)
        self.message = QLabel()
        self.summary = QLabel()
        self.table = _table(HEADERS)
        self.months = _table(MONTH_HEADERS)
        self.chart = BarChart("按月发案数（起）")
        self.chart.setMinimumHeight(160)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.months)
        right.addWidget(self.chart)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setSizes([480, 300])  # twelve months readable without scrolling
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        top = QHBoxLayout()
        for widget in (QLabel("年份"), self.year, QLabel("发案增幅上限（%）"), self.cap,
                       self.save_cap):  # fmt: skip
            top.addWidget(widget)
        top.addWidget(self.message)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.result: DualDecline | None = None

    def showEvent(self, event) -> None:
        """Recompute on every visit: the figures may have changed elsewhere."""
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Compute the year's comparison off the GUI thread."""
        engine, year = self.engine, self.year.value()

        def compute() -> tuple[DualDecline, Decimal | None]:
            return dual_decline(engine, year), load_caps(engine).get(year)

        BackgroundCall(self, compute, self.show_result)

    def show_result(self, computed: tuple[DualDecline, Decimal | None]) -> None:
        """Fill the table and the summary line."""
        result, cap = computed
        if result.year != self.year.value():
            return  # an older answer arriving after the year was changed
        self.result = result
        self.cap.setText("" if cap is None else str(cap))
        if not result.through_month:
            self.summary.setText(f"{result.year}年还没有录入月度发案数据。")
        else:
            total = result.total
            self.summary.setText(
                f"{result.year}年1—{result.through_month}月与上年同期相比：发案 {total.cases} 起"
                f"（{percent(total.case_change)}），案损 {Decimal(total.loss_fen) / 100:,.2f} 元"
                f"（{percent(total.loss_change)}），全镇{STATUSES[total.status]}。"
            )
        rows = (*result.villages, result.total) if result.villages else ()
        _fill(self.table, rows)
        _fill(self.months, result.month_comparisons)
        self.chart.set_data(
            [m.name for m in result.month_comparisons],
            [Series(f"{result.year}年", [m.cases for m in result.months]),
             Series(f"{result.year - 1}年", [m.cases_last for m in result.months])],
        )  # fmt: skip

    def _save_cap(self) -> None:
        text = self.cap.text().strip().rstrip("%")
        caps = load_caps(self.engine)
        year = self.year.value()
        try:
            if text:
                caps[year] = Decimal(text)
            else:
                caps.pop(year, None)
            save_caps(self.engine, caps, self.user)
        except (InvalidOperation, ValidationError) as exc:
            message = "\n".join(exc.errors.values()) if isinstance(exc, ValidationError) else ""
            self.message.setText(message or "增幅上限应为数字，如 5 或 -3")
            return
        self.message.setText("已保存")
        self.refresh()


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    # figures as wide as they need (a county's losses run to ten digits); the name takes the rest
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: tuple[Comparison, ...]) -> None:
    """One comparison a row: figures right-aligned, the status in its colour."""
    table.setRowCount(len(rows))
    for row, c in enumerate(rows):
        cells = (
            c.name, c.cases, c.cases_last, percent(c.case_change),
            f"{Decimal(c.loss_fen) / 100:,.2f}", f"{Decimal(c.loss_last_fen) / 100:,.2f}",
            percent(c.loss_change), STATUSES[c.status],
        )  # fmt: skip
        for column, value in enumerate(cells):
            item = QTableWidgetItem(str(value))
            if 0 < column < len(cells) - 1:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == len(cells) - 1 and c.status in STATUS_COLOURS:
                item.setForeground(QColor(STATUS_COLOURS[c.status]))
            table.setItem(row, column, item)
