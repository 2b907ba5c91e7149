"""工作例会: meetings, their attendance and decisions, and the minutes as a PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.meetings.decisions import DecisionRegister, DecisionService
from app.meetings.register import MeetingRegister, MeetingService
from app.oversight.overdue import DECISIONS_SUBTAB, overdue_items
from ui.document_preview import ask_pdf_path, open_in_viewer
from ui.jobs import run_job
from ui.register.register_view import RegisterView, inform_with_message_box
from ui.tabs.meetings.attendance import AttendanceEditor
from ui.tabs.meetings.review import ReviewEditor

if TYPE_CHECKING:
    from sqlalchemy import Engine

WARNING_STYLE = "color: #c0392b; font-weight: bold;"


class MeetingsTab(QWidget):
    """Meetings on top; the selected meeting's attendance and decisions below."""

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        ask_pdf: Callable[[QWidget, str, str], str | None] = ask_pdf_path,
        open_file: Callable[[str], None] = open_in_viewer,
        **options: Any,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.user = user
        self.ask_pdf = ask_pdf
        self.open_file = open_file
        self.inform = options.get("inform", inform_with_message_box)
        self.warning = QLabel()
        self.warning.setStyleSheet(WARNING_STYLE)
        self.meetings = RegisterView(
            MeetingRegister(engine), MeetingService(engine, user), **options
        )
        self.print_button = QPushButton("打印会议纪要…")
        self.print_button.clicked.connect(self.print_minutes)
        self.meetings.add_action(self.print_button)
        self.decision_register = DecisionRegister(engine, meeting_id=-1)
        self.decision_service = DecisionService(engine, None, user)
        self.decisions = RegisterView(self.decision_register, self.decision_service, **options)
        self.attendance = AttendanceEditor(engine, user, self.meetings.refresh)
        self.review = ReviewEditor(engine, user, self._reviewed)
        self.all_decisions = RegisterView(
            DecisionRegister(engine), DecisionService(engine, None, user), **options
        )
        self.all_decisions.add_button.hide()  # a decision belongs to a meeting: add it there
        self.detail = QTabWidget()
        self.detail.addTab(self.attendance, "出席情况")
        self.detail.addTab(self.decisions, "本次议定事项")
        self.detail.addTab(self.review, "审议以前事项")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.meetings)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(splitter, "会议")
        self.tabs.addTab(self.all_decisions, DECISIONS_SUBTAB)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.tabs, 1)
        self.meetings.table.selectionModel().selectionChanged.connect(self._meeting_selected)
        # after a write the selection has settled (a deleted meeting may leave none selected)
        self.meetings.recordsChanged.connect(self._meeting_selected)
        self.meetings.recordsChanged.connect(self.refresh_warning)  # a new 季度例会 answers it
        self.decisions.recordsChanged.connect(self.meetings.refresh)
        self.decisions.recordsChanged.connect(self.all_decisions.refresh)
        self.all_decisions.recordsChanged.connect(self.decisions.refresh)
        self.all_decisions.recordsChanged.connect(
            lambda: self.review.set_meeting(self._shown_meeting)
        )
        self.print_job = None
        self._shown_meeting: int | None = None
        self._meeting_selected()
        self.refresh_warning()

    def refresh_warning(self, today: date | None = None) -> None:
        """Say when the quarter is ending, or has ended, without its 季度例会."""
        keys = ("quarter_meeting", "previous_quarter_meeting")
        texts = [i.text for i in overdue_items(self.engine, today) if i.key in keys]
        self.warning.setText("；".join(texts))
        self.warning.setVisible(bool(texts))

    def _meeting_selected(self) -> None:
        meeting_id = self.meetings.selected_id()
        if meeting_id == self._shown_meeting and meeting_id is not None:
            return  # the list was refreshed, the meeting is the same: keep its edits
        self._shown_meeting = meeting_id
        self.decision_register.meeting_id = -1 if meeting_id is None else meeting_id
        self.decision_service.meeting_id = meeting_id
        self.decisions.refresh()
        self.decisions.add_button.setEnabled(meeting_id is not None)
        self.attendance.set_meeting(meeting_id)
        self.review.set_meeting(meeting_id)
        self.print_button.setEnabled(meeting_id is not None)

    def _reviewed(self) -> None:
        self.all_decisions.refresh()

    def _refresh_review(self) -> None:
        self.review.set_meeting(self._shown_meeting)

    def show_target(self, subtab: str | None, filters: dict[str, Any]) -> None:
        """An overview link: overdue decisions in the follow-up list, or the quarterly
        meetings of a year (a quarter without one)."""
        view = self.all_decisions if subtab == DECISIONS_SUBTAB else self.meetings
        self.tabs.setCurrentIndex(1 if view is self.all_decisions else 0)
        view.filter_bar.set_values(filters)

    def print_minutes(self) -> None:
        """Ask where, write the selected meeting's minutes off the GUI thread, then open them."""
        from app.core.settings import load_profile
        from app.documents import render_pdf_job
        from app.meetings.minutes import minutes_document, read_minutes

        meeting_id = self.meetings.selected_id()
        if meeting_id is None:
            return
        facts = read_minutes(self.engine, meeting_id)
        path = self.ask_pdf(self, "打印会议纪要", str(Path.home() / f"{facts.title}.pdf"))
        if not path:
            return
        issuer = load_profile(self.engine).get("issuing_office") or ""
        doc = minutes_document(facts, issuer)
        self.print_job = run_job(
            self, "生成会议纪要", lambda: render_pdf_job([doc], path, 1),
            lambda _pages: self.open_file(path),
        )  # fmt: skip
