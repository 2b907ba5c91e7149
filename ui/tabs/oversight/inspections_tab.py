"""督导考核: inspections, callback sampling, instructions and their receipt, monthly case figures
and the 双降 view."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QInputDialog, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.cases.monthly_stats import CaseStatRegister, CaseStatService
from app.oversight.inspections import InspectionRegister, InspectionService
from ui.document_preview import ask_pdf_path, open_in_viewer
from ui.jobs import run_job
from ui.register.register_view import RegisterView
from ui.tabs.oversight.assessment import AssessmentView
from ui.tabs.oversight.callbacks import CallbacksView
from ui.tabs.oversight.dual_decline import DualDeclineView
from ui.tabs.oversight.instructions import InstructionsView
from ui.tabs.oversight.titles import TitlesView

if TYPE_CHECKING:
    from sqlalchemy import Engine


def ask_year_month(parent: QWidget) -> tuple[int, int] | None:
    """Ask for a month as 2024-10 (last month is offered)."""
    last = date.today().replace(day=1) - timedelta(days=1)
    text, ok = QInputDialog.getText(parent, "月度通报", "通报月份（年-月）：", text=f"{last:%Y-%m}")
    found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not ok or not found or not 1 <= int(found.group(2)) <= 12:
        return None
    return int(found.group(1)), int(found.group(2))


class InspectionsTab(QWidget):
    """Sub-tabs 督导检查, 电话回访抽查, 指令签收, 月度发案, 双降, 无诈创建, 年度考核 (`options`: to
    each)."""

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        ask_month: Callable[[QWidget], tuple[int, int] | None] = ask_year_month,
        ask_pdf: Callable[[QWidget, str, str], str | None] = ask_pdf_path,
        open_file: Callable[[str], None] = open_in_viewer,
        **options: Any,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.inspections = RegisterView(
            InspectionRegister(engine), InspectionService(engine, user), **options
        )
        self.callbacks = CallbacksView(engine, user, **options)
        self.instructions = InstructionsView(engine, user, **options)
        self.case_stats = RegisterView(
            CaseStatRegister(engine), CaseStatService(engine, user), **options
        )
        self.notice_button = QPushButton("打印月度通报…")
        self.notice_button.clicked.connect(self.print_notice)
        self.case_stats.add_action(self.notice_button)
        self.ask_month = ask_month
        self.ask_pdf = ask_pdf
        self.open_file = open_file
        self.notice_job = None
        self.dual_decline = DualDeclineView(engine, user)
        self.titles = TitlesView(engine, user, **options)
        self.assessment = AssessmentView(engine, user, **options)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.inspections, "督导检查")
        self.tabs.addTab(self.callbacks, "电话回访抽查")
        self.tabs.addTab(self.instructions, "指令签收")
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

    def print_notice(self) -> None:
        """Ask for a month and where to save, then write its 月度通报 and open it."""
        from app.documents import render_pdf_job
        from app.oversight.monthly_notice import monthly_notice

        chosen = self.ask_month(self)
        if chosen is None:
            return
        year, month = chosen
        path = self.ask_pdf(self, "打印月度通报", str(Path.home() / f"{year}年{month}月通报.pdf"))
        if not path:
            return
        engine = self.engine

        def job():
            doc = monthly_notice(engine, year, month)
            return (yield from render_pdf_job([doc], path, 1))

        self.notice_job = run_job(self, "生成月度通报", job, lambda _p: self.open_file(path))

    def show_target(self, subtab: str | None, filters: dict[str, Any]) -> None:
        """Open a sub-tab by its title with its register filtered (a link from the overview)."""
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index) == subtab:
                self.tabs.setCurrentIndex(index)
                widget = self.tabs.widget(index)
                if hasattr(widget, "show_filters"):
                    widget.show_filters(filters)
                    return
                view = getattr(widget, "calls", widget)
                if isinstance(view, RegisterView):
                    view.filter_bar.set_values(filters)
                return
