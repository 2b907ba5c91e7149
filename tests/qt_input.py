"""Typing and clicking as a clerk does, for tests that drive real widgets."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type like a clerk: Latin letters and digits as key clicks, Chinese as an input method does.

    QTest can only click keys of the ASCII range (anything else fails an assertion inside
    qasciikey.cpp); Chinese never arrives as key presses anyway, but as the commit string of
    the Pinyin input method, which is what is sent here.
    """
    for run in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if run.isascii():
            qtbot.keyClicks(widget, run)
        else:
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)


def click(qtbot, widget) -> None:
    """Click an enabled button."""
    assert widget.isEnabled(), widget.text()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
