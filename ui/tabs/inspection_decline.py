"""双降: this year's cases and losses against the same months of last year, per village."""

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
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.dual_decline import STATUSES, DualDecline, dual_decline, load_caps, percent, save_caps
from app.validation import ValidationError
from ui.jobs import BackgroundCall

if TYPE_CHECKING:
    from sqlalchemy import Engine

HEADERS = ("村居", "发案数", "去年同期", "增幅", "案损（元）", "去年同期（元）", "增幅", "状态")
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
        self.cap.setToolTip("发案数同比增幅不得超过的百分比；要求同比下降时填0")
        self.save_cap = QPushButton("保存控制目标")
        self.save_cap.clicked.connect(self._save_cap)
        self.message = QLabel()
        self.summary = QLabel()
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        for widget in (QLabel("年份"), self.year, QLabel("发案增幅上限（%）"), self.cap,
                       self.save_cap):  # fmt: skip
            top.addWidget(widget)
        top.addWidget(self.message)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
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
                f"（{percent(total.case_change)}），案损 {total.loss_fen / 100:,.2f} 元"
                f"（{percent(total.loss_change)}），全镇{STATUSES[total.status]}。"
            )
        rows = (*result.villages, result.total) if result.villages else ()
        self.table.setRowCount(len(rows))
        for row, c in enumerate(rows):
            cells = (
                c.name, c.cases, c.cases_last, percent(c.case_change),
                f"{c.loss_fen / 100:,.2f}", f"{c.loss_last_fen / 100:,.2f}",
                percent(c.loss_change), STATUSES[c.status],
            )  # fmt: skip
            for column, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if 0 < column < len(cells) - 1:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == len(cells) - 1 and c.status in STATUS_COLOURS:
                    item.setForeground(QColor(STATUS_COLOURS[c.status]))
                self.table.setItem(row, column, item)

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
