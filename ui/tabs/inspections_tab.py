"""督导考核: inspections, callback sampling, monthly case figures and the 双降 view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.case_stats_monthly import CaseStatRegister, CaseStatService
from app.inspections import InspectionRegister, InspectionService
from ui.register.register_view import RegisterView
from ui.tabs.inspection_assessment import AssessmentView
from ui.tabs.inspection_callbacks import CallbacksView
from ui.tabs.inspection_decline import DualDeclineView
from ui.tabs.inspection_titles import TitlesView

if TYPE_CHECKING:
    from sqlalchemy import Engine


class InspectionsTab(QWidget):
    """Sub-tabs 督导检查, 电话回访抽查, 月度发案, 双降, 无诈创建, 年度考核 (`options`: to each)."""

    def __init__(self, engine: Engine, user: str | None = None, **options: Any) -> None:
        super().__init__()
        self.inspections = RegisterView(
            InspectionRegister(engine), InspectionService(engine, user), **options
        )
        self.callbacks = CallbacksView(engine, user, **options)
        self.case_stats = RegisterView(
            CaseStatRegister(engine), CaseStatService(engine, user), **options
        )
        self.dual_decline = DualDeclineView(engine, user)
        self.titles = TitlesView(engine, user, **options)
        self.assessment = AssessmentView(engine, user, **options)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.inspections, "督导检查")
        self.tabs.addTab(self.callbacks, "电话回访抽查")
        self.tabs.addTab(self.case_stats, "月度发案")
        self.tabs.addTab(self.dual_decline, "双降")
        self.tabs.addTab(self.titles, "无诈创建")
        self.tabs.addTab(self.assessment, "年度考核")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        # a write in one register can change the figures of another
        self.inspections.recordsChanged.connect(self.callbacks.refresh_rates)
        self.case_stats.recordsChanged.connect(self.dual_decline.refresh)

    def show_target(self, subtab: str | None, filters: dict[str, Any]) -> None:
        """Open a sub-tab by its title with its register filtered (a link from the overview)."""
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index) == subtab:
                self.tabs.setCurrentIndex(index)
                widget = self.tabs.widget(index)
                view = getattr(widget, "calls", widget)
                if isinstance(view, RegisterView):
                    view.filter_bar.set_values(filters)
                return
