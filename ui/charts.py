"""A small bar chart drawn with QPainter (QtCharts is not in PySide6-Essentials)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ("#2e86c1", "#f0b27a", "#28b463", "#c0392b", "#8e44ad")
TEXT = QColor("#2c3e50")
MUTED = QColor("#7f8c8d")
GRID = QColor("#e5e8e8")


@dataclass(frozen=True)
class Series:
    """One set of bars: its name in the legend and a value per label."""

    name: str
    values: Sequence[float]


# the tops a scale may have (× 10ⁿ) and how many gridline steps divide each evenly
STEPS = {1: 5, 2: 4, 2.5: 5, 5: 5, 10: 5}


def nice_scale(peak: float) -> tuple[float, int]:
    """The top of the scale, the smallest 1, 2, 2.5 or 5 × 10ⁿ not below `peak`, and into how
    many steps it divides so that every gridline is a round number (250: 50, 100, …)."""
    if peak <= 0:
        return 1.0, 5
    power = 10 ** math.floor(math.log10(peak))
    step = next(step for step in STEPS if step * power >= peak)
    return step * power, STEPS[step]


def nice_top(peak: float) -> float:
    """The top of the scale for `peak` (see `nice_scale`)."""
    return nice_scale(peak)[0]


def value_text(value: float) -> str:
    """12 → "12", 3.25 → "3.25", 72.4 → "72.4": as few decimals as the value has (at most 2)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


class BarChart(QWidget):
    """Grouped vertical bars with labels under them, a scale, values on the bars and a legend."""

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
        """Title, legend, scale, bars with their values, and the labels under them."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = painter.fontMetrics()
        line = metrics.height()
        painter.setPen(TEXT)
        painter.drawText(8, line, self.title)
        # the legend at the right of the title line
        x = self.width() - 8
        for n, s in reversed(list(enumerate(self.series))):
            x -= metrics.horizontalAdvance(s.name)
            painter.setPen(TEXT)
            painter.drawText(int(x), line, s.name)
            x -= line
            painter.fillRect(QRectF(x, line * 0.25, line * 0.8, line * 0.8), QColor(PALETTE[n % 5]))
            x -= 12
        values = [v for s in self.series for v in s.values]
        if not self.labels or not self.series or not any(values):
            painter.setPen(MUTED)
            painter.drawText(QRectF(0, line * 1.5, self.width(), self.height() - line * 1.5),
                             Qt.AlignmentFlag.AlignCenter, "暂无数据")  # fmt: skip
            painter.end()
            return
        top_value, steps = nice_scale(max(values))
        ticks = [top_value * k / steps for k in range(steps + 1)]
        scale_width = max(metrics.horizontalAdvance(value_text(t)) for t in ticks)
        left, right = scale_width + 12, self.width() - 10
        top, bottom = line * 2.6, self.height() - line * 1.6
        for k, tick in enumerate(ticks):  # gridlines at round numbers
            y = bottom - (bottom - top) * k / steps
            painter.setPen(GRID if k else MUTED)
            painter.drawLine(int(left), int(y), int(right), int(y))
            painter.setPen(MUTED)
            painter.drawText(QRectF(2, y - line / 2, scale_width + 4, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             value_text(tick))  # fmt: skip
        slot = (right - left) / len(self.labels)
        bar = max(slot * 0.8 / len(self.series), 1.0)
        widest = max(metrics.horizontalAdvance(value_text(v)) for v in values)
        show_values = widest <= bar + 6  # a value is written on its bar only if it fits
        # labels that do not fit their slot: every n-th one whole, rather than all cut to "202…"
        label_width = max(metrics.horizontalAdvance(label) for label in self.labels) + 6
        every = max(1, math.ceil(label_width / slot))
        for i, label in enumerate(self.labels):
            for n, s in enumerate(self.series):
                value = s.values[i] if i < len(s.values) else 0
                height = (bottom - top) * max(value, 0) / top_value
                bx = left + i * slot + slot * 0.1 + n * bar
                painter.fillRect(
                    QRectF(bx, bottom - height, bar - 1, height), QColor(PALETTE[n % 5])
                )
                if show_values and value:
                    painter.setPen(TEXT)
                    painter.drawText(QRectF(bx - 3, bottom - height - line, bar + 6, line),
                                     Qt.AlignmentFlag.AlignCenter, value_text(value))  # fmt: skip
            if i % every:
                continue
            painter.setPen(TEXT)
            width = slot * every
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(width))
            where = QRectF(left + (i + 0.5) * slot - width / 2, bottom + 2, width, line)
            painter.drawText(where, Qt.AlignmentFlag.AlignHCenter, text)
        painter.end()
