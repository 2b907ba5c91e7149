"""年度考核: the score sheet of every village and unit, with the weights the office sets."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.core.vocab import COMMENDATION_KINDS
from app.oversight.assessment import (
    INDICATORS,
    ScoreSheet,
    Weights,
    assess,
    export_assessment_xlsx,
    load_weights,
    save_weights,
)
from ui.jobs import BackgroundCall, run_job
from ui.register.register_view import ask_xlsx_path, inform_with_message_box

if TYPE_CHECKING:
    from sqlalchemy import Engine

HEADERS = ("名次", "单位", "类别", *INDICATORS.values(), "加减分", "得分")
RECTIFICATION_COLUMN = 3 + list(INDICATORS).index("rectification")


class AssessmentView(QWidget):
    """Year, weights and points on top; the ranked score sheets below."""

    def __init__(self, engine: Engine, user: str | None = None, **options: Any) -> None:
        super().__init__()
        self.engine = engine
        self.user = user
        self.inform = options.get("inform", inform_with_message_box)
        self.ask_save_path = options.get("ask_save_path", ask_xlsx_path)
        self.sheets: list[ScoreSheet] = []
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.year.valueChanged.connect(self.refresh)
        weights = load_weights(engine)
        self.weight_boxes = {k: self._spin(0, 100, v) for k, v in weights.indicators.items()}
        self.point_boxes = {k: self._spin(-100, 100, v) for k, v in weights.points.items()}
        box = QGroupBox("权重与加减分")
        grid = QGridLayout(box)
        for column, (key, spin) in enumerate(self.weight_boxes.items()):
            grid.addWidget(QLabel(INDICATORS[key]), 0, column)
            grid.addWidget(spin, 1, column)
        for column, (key, spin) in enumerate(self.point_boxes.items()):
            grid.addWidget(QLabel(COMMENDATION_KINDS[key]), 2, column)
            grid.addWidget(spin, 3, column)
        self.save_button = QPushButton("保存权重并重新计算")
        self.save_button.clicked.connect(self.save_weights)
        grid.addWidget(self.save_button, 3, len(self.weight_boxes))
        self.export_button = QPushButton("导出Excel")
        self.export_button.clicked.connect(self.export)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # the unit's name takes the room it needs; the figures share what is left
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        top = QHBoxLayout()
        top.addWidget(QLabel("考核年度"))
        top.addWidget(self.year)
        top.addWidget(QLabel("得分 = 适用指标的加权平均 × 100 ＋ 加减分；不适用的指标不计入"))
        top.addStretch(1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(box)
        layout.addWidget(self.table, 1)
        self.export_job = None

    @staticmethod
    def _spin(low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        return spin

    def showEvent(self, event) -> None:
        """Recompute on every visit."""
        super().showEvent(event)
        self.refresh()

    def weights(self) -> Weights:
        """The weights as the boxes show them."""
        return Weights(
            {k: s.value() for k, s in self.weight_boxes.items()},
            {k: s.value() for k, s in self.point_boxes.items()},
        )

    def save_weights(self) -> None:
        """Store the weights and recompute."""
        try:
            save_weights(self.engine, self.weights(), self.user)
        except ValidationError as exc:
            self.inform(self, "无法保存", "\n".join(exc.errors.values()))
            return
        self.refresh()

    def refresh(self) -> None:
        """Score every unit off the GUI thread."""
        engine, year = self.engine, self.year.value()
        BackgroundCall(self, lambda: (year, assess(engine, year)), self.show_sheets)

    def show_sheets(self, computed: tuple[int, list[ScoreSheet]]) -> None:
        """Fill the table with the ranked sheets."""
        year, sheets = computed
        if year != self.year.value():
            return
        self.sheets = sheets
        self.table.setRowCount(len(sheets))
        for row, sheet in enumerate(sheets):
            shares = ["—" if v is None else f"{v * 100:.1f}%" for v in sheet.indicators.values()]
            cells = (sheet.rank, sheet.name, sheet.kind, *shares, sheet.points, sheet.score)
            for column, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if column not in (1, 2):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
            record = sheet.rectifications
            if record is not None:
                self.table.item(row, RECTIFICATION_COLUMN).setToolTip(
                    f"按期整改 {record.on_time} 项，逾期整改 {record.late} 项，"
                    f"逾期未整改 {record.overdue} 项，整改中 {record.open} 项"
                )

    def export(self) -> None:
        """Export the shown sheets to an .xlsx."""
        if not self.sheets:
            self.inform(self, "导出", "没有可导出的考核结果")
            return
        year = self.year.value()
        path = self.ask_save_path(self, "导出年度考核", str(Path.home() / f"{year}年度考核.xlsx"))
        if not path:
            return
        sheets = list(self.sheets)
        self.export_job = run_job(
            self, "导出年度考核", lambda: export_assessment_xlsx(sheets, year, path),
            lambda count: self.inform(self, "导出完成", f"已导出 {count} 个单位到：\n{path}"),
        )  # fmt: skip
