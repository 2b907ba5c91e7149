"""覆盖情况: this year's coverage per village or grid, as a table and a bar chart, exportable."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.households.coverage import HEADERS, Coverage, coverage, export_coverage_xlsx, table_rows
from ui.charts import BarChart, Series
from ui.jobs import BackgroundCall, run_job
from ui.register.register_view import ask_xlsx_path, inform_with_message_box
from ui.register.table_model import display_text

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class CoverageView(QWidget):
    """Figures read off the GUI thread; 按村居 or 按网格; 导出Excel."""

    def __init__(self, engine: Engine, **options: Any) -> None:
        super().__init__()
        self.engine = engine
        self.inform = options.get("inform", inform_with_message_box)
        self.ask_save_path = options.get("ask_save_path", ask_xlsx_path)
        self.job_pool = options.get("job_pool")
        self.data: Coverage | None = None
        self.level = QComboBox()
        self.level.addItem("按村居", "villages")
        self.level.addItem("按网格", "grids")
        self.level.currentIndexChanged.connect(self._show)
        self.title = QLabel()
        self.export_button = QPushButton("导出Excel")
        self.refresh_button = QPushButton("刷新")
        self.export_button.clicked.connect(self.export)
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.level)
        top.addWidget(self.export_button)
        top.addWidget(self.refresh_button)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.chart = BarChart("覆盖率（%）")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setSizes([300, 260])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._call: BackgroundCall | None = None  # read when the page is first shown

    def refresh(self) -> None:
        """Read the figures again, off the GUI thread."""
        self.title.setText("正在统计……")
        self._call = BackgroundCall(self, lambda: coverage(self.engine), self._loaded)

    def _loaded(self, data: Coverage) -> None:
        self.data = data
        self._show()

    def _rows(self):
        assert self.data is not None
        if self.level.currentData() == "grids":
            return self.data.grids
        return [*self.data.villages, self.data.total]

    def _show(self) -> None:
        if self.data is None:
            return
        total = self.data.total
        self.title.setText(
            f"{self.data.year}年：{total.households:,}户，今年已走访{total.visited:,}户，"
            f"告知书送达{total.notice_delivered:,}户，承诺书签订{total.commitment_signed:,}户，"
            f"{total.app_installed:,}名居民已装APP"
        )
        rows = self._rows()
        cells = table_rows(rows)
        self.table.setColumnHidden(1, self.level.currentData() == "villages")
        self.table.setRowCount(len(cells))
        for n, row in enumerate(cells):
            for column, value in enumerate(row):
                item = QTableWidgetItem(display_text(value))
                if column >= 2:
                    item.setTextAlignment(RIGHT)
                self.table.setItem(n, column, item)
        shown = [r for r in rows if r.village is not None]
        shares = [r.shares() for r in shown]

        def values(key: str) -> list[float]:
            return [float(s[key] or 0) for s in shares]

        self.chart.set_data(
            [r.grid or r.village for r in shown],
            [Series("走访率", values("visited")),
             Series("告知书送达率", values("notice_delivered")),
             Series("承诺书签订率", values("commitment_signed")),
             Series("APP安装率", values("app_installed"))],
        )  # fmt: skip
        self.export_button.setEnabled(bool(rows))

    def export(self) -> None:
        """Both levels into one workbook."""
        if self.data is None:
            return
        suggested = str(Path.home() / f"走访覆盖情况-{date.today():%Y%m%d}.xlsx")
        path = self.ask_save_path(self, "导出Excel", suggested)
        if not path:
            return
        run_job(self, "导出Excel", lambda: export_coverage_xlsx(self.data, path),
                lambda _n: self.inform(self, "导出完成", f"已导出到：\n{path}"),
                pool=self.job_pool)  # fmt: skip
