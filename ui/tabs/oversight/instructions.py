"""指令签收: the instructions from above, and below them each unit's 签收 and 推送."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from app.oversight.instructions import (
    InstructionRegister,
    InstructionService,
    ReceiptRegister,
    ReceiptService,
)
from ui.register.register_view import RegisterView

if TYPE_CHECKING:
    from sqlalchemy import Engine


class InstructionsView(QWidget):
    """Instructions on top; the receipts of the selected one (or all, filtered) below."""

    def __init__(self, engine: Engine, user: str | None, **options: Any) -> None:
        super().__init__()
        self.instructions = RegisterView(
            InstructionRegister(engine), InstructionService(engine, user), **options
        )
        self.receipts = RegisterView(
            ReceiptRegister(engine), ReceiptService(engine, user), **options
        )
        # receipts come with their instruction: they are edited, never added or deleted
        self.receipts.add_button.setVisible(False)
        self.receipts.delete_button.setVisible(False)
        below = QWidget()
        box = QVBoxLayout(below)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(
            QLabel(
                "各单位（村居）签收、推送情况：选中上面的指令只看它的，双击一行填写签收和推送时间"
            )
        )
        box.addWidget(self.receipts)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.instructions)
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.instructions.table.selectionModel().selectionChanged.connect(self._selected)
        self.instructions.recordsChanged.connect(self.receipts.refresh)
        self.receipts.recordsChanged.connect(self.instructions.refresh)

    def _selected(self) -> None:
        instruction = self.instructions.selected_id()
        query = self.receipts.filter_bar.query()
        self.receipts.filter_bar.set_values(
            {**query.filters, "instruction": instruction}, query.text
        )

    def show_filters(self, filters: dict[str, Any]) -> None:
        """An overview link: every receipt in a state (e.g. overdue), of any instruction."""
        self.instructions.table.clearSelection()
        self.receipts.filter_bar.set_values(filters)
