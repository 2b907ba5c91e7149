"""A row of widgets that wraps onto more lines when the window is narrow (Qt's flow layout
example), so a register's buttons and filters never make a tab wider than a 1024-pixel screen.

Widgets added after `add_trailing_space()` keep to the right end of their line, as after the
stretch of a QHBoxLayout (导出Excel and 刷新, the row count).
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem

SPACING = 6


class FlowLayout(QLayout):
    """Widgets left to right, wrapping; height follows width (`heightForWidth`)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = SPACING) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        # index of the first right-aligned item (None: all flow from the left)
        self._trailing_from: int | None = None
        if parent is None:
            self.setContentsMargins(QMargins(0, 0, 0, 0))

    # -- QLayout ----------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def insertWidget(self, index: int, widget: QWidget) -> None:
        """Put `widget` at `index` (before the right-aligned ones if it is among the left)."""
        self.addChildWidget(widget)
        self._items.insert(index, QWidgetItem(widget))
        if self._trailing_from is not None and index <= self._trailing_from:
            self._trailing_from += 1
        self.invalidate()

    def add_trailing_space(self) -> None:
        """Widgets added from now on keep to the right end of their line."""
        self._trailing_from = len(self._items)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        if self._trailing_from is not None and index < self._trailing_from:
            self._trailing_from -= 1
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown) + self._gap * max(len(shown) - 1, 0)
        height = max((item.sizeHint().height() for item in shown), default=0)
        return QSize(width, height) + self._margin_size()

    def minimumSize(self) -> QSize:
        """As narrow as the widest widget: the rest wraps."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return size + self._margin_size()

    # -- arranging --------------------------------------------------------------------------
    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _margin_size(self) -> QSize:
        m = self.contentsMargins()
        return QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Place the items in lines within `rect`; the height they take."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        lines: list[list[tuple[QLayoutItem, QSize, bool]]] = [[]]
        x = 0
        for index, item in enumerate(self._items):
            if item.isEmpty():
                continue
            size = item.sizeHint().boundedTo(QSize(area.width(), 1 << 20))
            size = size.expandedTo(item.minimumSize())
            if lines[-1] and x + size.width() > area.width():
                lines.append([])
                x = 0
            trailing = self._trailing_from is not None and index >= self._trailing_from
            lines[-1].append((item, size, trailing))
            x += size.width() + self._gap
        y = area.y()
        for line in lines:
            if not line:
                continue
            height = max(size.height() for _, size, _ in line)
            if move:
                used = sum(size.width() for _, size, _ in line) + self._gap * (len(line) - 1)
                free = max(area.width() - used, 0)
                left = area.x()
                for item, size, trailing in line:
                    # trailing items are pushed right by the line's free space
                    shift = free if trailing else 0
                    top = y + (height - size.height()) // 2
                    item.setGeometry(QRect(QPoint(left + shift, top), size))
                    left += size.width() + self._gap
            y += height + self._gap
        return y - self._gap - area.y() + m.top() + m.bottom() if y > area.y() else 0
