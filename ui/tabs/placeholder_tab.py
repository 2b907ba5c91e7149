"""A tab whose register arrives in a later version: it says what is coming."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderTab(QWidget):
    """Tells the clerk what this tab will hold."""

    def __init__(self, coming: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        label = QLabel(f"即将推出：{coming}")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName("placeholder")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
