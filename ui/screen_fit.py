"""Windows that fit a township laptop's screen (1366×768, and still usable at 1024×700).

A dialog taller than the screen hides its 保存/取消 below the bottom edge, and a window manager
cannot shrink it below its layout's minimum. So long forms put their fields in a `FitScrollArea`
(the buttons stay outside it, always visible), and `fit_to_screen` sizes a window when it is
first shown: as big as its contents want, never bigger than the available screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

# Room left for the window manager's title bar and borders, which Qt does not count in a
# widget's size (the available screen already leaves out the taskbar).
FRAME_ALLOWANCE = QSize(16, 40)
# The smallest height a scrolling form body asks for: a few rows, so the buttons below it
# always fit on the screen.
SCROLL_MIN_HEIGHT = 160


def available_rect(widget: QWidget | None = None) -> QRect:
    """The part of the widget's screen (or the primary screen) that windows may cover."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def window_limit(widget: QWidget | None = None) -> QSize:
    """The largest size of a window's contents that fits the available screen with its frame."""
    return available_rect(widget).size() - FRAME_ALLOWANCE


class FitScrollArea(QScrollArea):
    """A frameless vertical scroll area that asks for all of its contents' height.

    QScrollArea's own size hint stops at 24 lines whatever the screen; this one lets the window
    grow to show the whole form when the screen has room, and scroll when it has not.
    """

    def __init__(self, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def _chrome(self) -> QSize:
        bar = self.verticalScrollBar().sizeHint().width()
        margins = self.contentsMargins()
        return QSize(bar + margins.left() + margins.right(), margins.top() + margins.bottom())

    def sizeHint(self) -> QSize:
        """The contents' whole size, with room for the scroll bar."""
        return self.widget().sizeHint() + self._chrome()

    def minimumSizeHint(self) -> QSize:
        """As narrow as the contents allow (no horizontal scrolling), a few rows high."""
        body = self.widget().minimumSizeHint()
        height = min(body.height(), SCROLL_MIN_HEIGHT)
        return QSize(body.width(), height) + self._chrome()


def scrolling(body: QWidget) -> FitScrollArea:
    """`body` in a `FitScrollArea`: put a long form's fields in it, its buttons outside."""
    return FitScrollArea(body)


def fitted_size(window: QWidget) -> QSize:
    """The size a window is shown at: what it asked for (its size hint, or a size it was given
    before being shown), within the available screen and never below its minimum."""
    wanted = window.size() if window.testAttribute(Qt.WidgetAttribute.WA_Resized) else None
    wanted = wanted or window.sizeHint()
    wanted = wanted.expandedTo(window.minimumSizeHint()).expandedTo(window.minimumSize())
    return wanted.boundedTo(window_limit(window))


class _FitOnShow(QObject):
    """Sizes its window on the window's first Show, before a dialog centres itself."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            watched.removeEventFilter(self)
            fit_now(watched)
            self.deleteLater()
        return False


def fit_now(window: QWidget) -> None:
    """Resize a window to `fitted_size` and keep it inside the available screen."""
    window.resize(fitted_size(window))
    area = available_rect(window)
    frame = window.frameGeometry()
    if window.testAttribute(Qt.WidgetAttribute.WA_Moved) and not area.contains(frame):
        left = max(area.left(), min(frame.left(), area.right() - frame.width()))
        top = max(area.top(), min(frame.top(), area.bottom() - frame.height()))
        window.move(left, top)


def fit_to_screen(window: QWidget) -> QWidget:
    """Size `window` to fit the screen when it is first shown (see `fitted_size`); returns it."""
    window.installEventFilter(_FitOnShow(window))
    return window
