"""A small bar chart drawn with QPainter (QtCharts is not in PySide6-Essentials)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ("#2e86c1", "#28b463", "#e67e22", "#c0392b", "#8e44ad")


@dataclass(frozen=True)
class Series:
    """One set of bars: its name in the legend and a value per label."""

    name: str
    values: Sequence[float]


class BarChart(QWidget):
    """Grouped vertical bars with labels under them, a scale and a legend."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.labels: list[str] = []
        self.series: list[Series] = []
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, labels: Sequence[str], series: Sequence[Series]) -> None:
        """Show new figures."""
        self.labels, self.series = list(labels), list(series)
        self.update()

    def paintEvent(self, _event) -> None:
        """Title, legend, bars, and the labels under them."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = painter.fontMetrics()
        line = metrics.height()
        painter.setPen(QColor("#2c3e50"))
        painter.drawText(8, line, self.title)
        x = 8 + metrics.horizontalAdvance(self.title) + 24
        for n, s in enumerate(self.series):
            painter.fillRect(QRectF(x, line * 0.25, line * 0.8, line * 0.8), QColor(PALETTE[n % 5]))
            x += line
            painter.drawText(int(x), line, s.name)
            x += metrics.horizontalAdvance(s.name) + 16
        top, bottom, left = line * 2, self.height() - line * 2, 40
        right = self.width() - 10
        if not self.labels or not self.series:
            painter.drawText(QRectF(left, top, right - left, bottom - top),
                             Qt.AlignmentFlag.AlignCenter, "没有数据")  # fmt: skip
            return
        peak = max((v for s in self.series for v in s.values), default=0) or 1
        painter.setPen(QColor("#bdc3c7"))
        painter.drawLine(left, int(bottom), right, int(bottom))
        painter.setPen(QColor("#7f8c8d"))
        painter.drawText(2, int(top + line / 2), f"{peak:g}")
        slot = (right - left) / len(self.labels)
        bar = max(slot * 0.8 / len(self.series), 1.0)
        for i, label in enumerate(self.labels):
            for n, s in enumerate(self.series):
                value = s.values[i] if i < len(s.values) else 0
                height = (bottom - top) * value / peak
                bx = left + i * slot + slot * 0.1 + n * bar
                painter.fillRect(
                    QRectF(bx, bottom - height, bar - 1, height), QColor(PALETTE[n % 5])
                )
            painter.setPen(QColor("#2c3e50"))
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(slot))
            painter.drawText(QRectF(left + i * slot, bottom + 2, slot, line),
                             Qt.AlignmentFlag.AlignHCenter, text)  # fmt: skip
        painter.end()
