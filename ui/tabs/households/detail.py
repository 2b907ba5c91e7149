"""The right side of the 入户走访 tab: the selected household, its residents, visits and letters."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.core.vocab import LETTER_KINDS, LETTER_STATUSES
from app.households.records import ResidentRegister, ResidentService, letters_of
from app.households.register import household_summary
from app.households.visit_registers import VisitRegister
from app.households.visits import VisitService
from ui.register.register_view import RegisterView
from ui.register.table_model import display_text

LETTER_HEADERS = ("文书", "编号", "状态", "打印时间", "送达日期", "签回日期")


class HouseholdDetail(QWidget):
    """One household at a time; empty until one is chosen."""

    def __init__(self, engine: Engine, user: str | None, **options: Any) -> None:
        super().__init__()
        self.engine, self.user = engine, user
        self.household_id: int | None = None
        self.summary = QLabel("请在左侧选择一户")
        self.summary.setWordWrap(True)
        self.summary.setMinimumHeight(48)
        self.residents = RegisterView(
            ResidentRegister(engine), ResidentService(engine, user, 0), **options
        )
        self.visits = RegisterView(
            VisitRegister(engine, household_id=0), VisitService(engine, user), **options
        )
        self.visits.add_button.hide()  # a new visit is 登记走访, with everything it changes
        self.letters = QTableWidget(0, len(LETTER_HEADERS))
        self.letters.setHorizontalHeaderLabels(LETTER_HEADERS)
        self.letters.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.letters.verticalHeader().hide()
        self.letters.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.residents, "居民")
        self.tabs.addTab(self.visits, "走访记录")
        self.tabs.addTab(self.letters, "告知书/承诺书")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self.show_household(None)

    def show_household(self, household_id: int | None) -> None:
        """Show a household (None: nothing chosen)."""
        self.household_id = household_id
        target = household_id or 0
        self.residents.register.household_id = target
        self.residents.service.household_id = target
        self.visits.register.household_id = target
        self.residents.refresh()
        self.visits.refresh()
        self.residents.add_button.setEnabled(household_id is not None)
        self._show_letters()
        if household_id is None:
            self.summary.setText("请在左侧选择一户")
            return
        self.summary.setText(household_summary(self.engine, household_id))

    def _show_letters(self) -> None:
        rows = letters_of(self.engine, self.household_id) if self.household_id else []
        self.letters.setRowCount(len(rows))
        for n, letter in enumerate(rows):
            cells = (LETTER_KINDS[letter.kind], letter.number, LETTER_STATUSES[letter.status],
                     letter.printed_at, letter.delivered_on, letter.signed_on)  # fmt: skip
            for column, value in enumerate(cells):
                self.letters.setItem(n, column, QTableWidgetItem(display_text(value)))
        self.tabs.setTabText(2, f"告知书/承诺书（{len(rows)}）")
