"""劝阻案例: the case register (the person picked from the resident register or typed in), each
case's dissuaders and attachments, the register of fraud cases that happened (发案登记, 逐案倒查),
the figures with a chart, and the fraud-type list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.cases.dissuasion import CaseRegister, CaseService
from app.cases.fraud_types import FraudTypeRegister, FraudTypeService
from app.cases.incidents import IncidentRegister, IncidentService
from app.core.validation import ValidationError
from ui.document_preview import ask_pdf_path, open_in_viewer
from ui.register.register_view import RegisterView, ask_xlsx_path, inform_with_message_box
from ui.tabs.cases.figures_view import CaseFiguresView
from ui.tabs.cases.panels import (
    AttachmentsPanel,
    DissuadersPanel,
    ask_amounts,
    ask_attachment_files,
)
from ui.tabs.cases.person import ResidentLink, pick_resident

if TYPE_CHECKING:
    from sqlalchemy import Engine


def newest_first(view: RegisterView, key: str) -> None:
    """Sort a register by a date column, newest on top (what a clerk opens a register for)."""
    view.table.sortByColumn(view.register.column_index(key), Qt.SortOrder.DescendingOrder)


class CaseRegisterView(RegisterView):
    """The case register, newest first; its form gets the resident picker."""

    def __init__(self, engine: Engine, user: str | None, pick, **options: Any) -> None:
        super().__init__(CaseRegister(engine), CaseService(engine, user), **options)
        self.engine, self.pick = engine, pick
        self.resident_link: ResidentLink | None = None
        newest_first(self, "occurred_at")

    def _open_form(self, title: str, save: Callable[[dict[str, Any]], None], values: Any) -> None:
        super()._open_form(title, save, values)
        assert self.dialog is not None
        self.resident_link = ResidentLink(self.engine, self.dialog, self.pick)


class CasesTab(QWidget):
    """Sub-tabs 劝阻案例 (with dissuaders and attachments), 发案登记 (逐案倒查), 统计, 诈骗类型."""

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        ask_amounts: Callable[
            [QWidget, list[tuple[int, str]]], dict[int, int] | None
        ] = ask_amounts,
        ask_pdf: Callable[[QWidget, str, str], str | None] = ask_pdf_path,
        open_file: Callable[[str], None] = open_in_viewer,
        pick_resident: Callable[[QWidget, Engine], int | None] = pick_resident,
        ask_files: Callable[[QWidget], list[str]] = ask_attachment_files,
        **options: Any,
    ) -> None:
        super().__init__()
        self.engine, self.user = engine, user
        self.inform = options.get("inform", inform_with_message_box)
        self.ask_pdf, self.open_file = ask_pdf, open_file
        self.cases = CaseRegisterView(engine, user, pick_resident, **options)
        self.typical_button = QPushButton("典型案例汇编…")
        self.typical_button.setToolTip(
            "把所选年份（或今年）列为典型的案例打印为一份PDF，当事人姓名已隐去"
        )
        self.typical_button.clicked.connect(self.print_typical)
        self.cases.add_action(self.typical_button)
        ask = options.get("ask", self.cases.ask)
        self.dissuaders = DissuadersPanel(engine, user, self.inform, ask_amounts)
        self.attachments = AttachmentsPanel(engine, user, self.inform, ask, ask_files, open_file)
        panels = QSplitter(Qt.Orientation.Horizontal)
        panels.addWidget(self.dissuaders)
        panels.addWidget(self.attachments)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.cases)
        splitter.addWidget(panels)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.figures = CaseFiguresView(
            engine, self.inform, options.get("ask_save_path", ask_xlsx_path)
        )
        self.fraud_types = RegisterView(
            FraudTypeRegister(engine), FraudTypeService(engine, user), **options
        )
        self.incidents = RegisterView(
            IncidentRegister(engine), IncidentService(engine, user), **options
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(splitter, "劝阻案例")
        self.tabs.addTab(self.incidents, "发案登记")
        self.tabs.addTab(self.figures, "统计")
        self.tabs.addTab(self.fraud_types, "诈骗类型")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.cases.table.selectionModel().selectionChanged.connect(self._case_selected)
        self.cases.model.modelReset.connect(self._case_selected)
        self.cases.recordsChanged.connect(self._case_selected)
        self.fraud_types.recordsChanged.connect(self.cases.refresh)
        self.fraud_types.recordsChanged.connect(self.incidents.refresh)

    def _case_selected(self) -> None:
        case_id = self.cases.selected_id()
        self.dissuaders.set_case(case_id)
        self.attachments.set_case(case_id)

    def show_target(self, subtab: str | None, filters: dict[str, Any]) -> None:
        """An overview link: the cases, filtered (e.g. those awaiting award proposals)."""
        if subtab == "统计":
            self.tabs.setCurrentWidget(self.figures)
            return
        if subtab == "发案登记":
            self.tabs.setCurrentWidget(self.incidents)
            self.incidents.filter_bar.set_values(filters)
            return
        self.tabs.setCurrentIndex(0)
        if filters:
            self.cases.filter_bar.set_values(filters)

    def print_typical(self) -> None:
        """Print the typical cases of the filtered year (or this year)."""
        from app.cases.typical_cases import print_typical_cases

        year = int(self.cases.filter_bar.query().filters.get("year") or date.today().year)
        path = self.ask_pdf(self, "典型案例汇编", str(Path.home() / f"{year}年典型案例汇编.pdf"))
        if not path:
            return
        try:
            print_typical_cases(self.engine, date(year, 1, 1), date(year, 12, 31), path)
        except (ValidationError, OSError) as exc:
            message = (
                "\n".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
            )
            self.inform(self, "典型案例汇编", message)
            return
        self.open_file(path)
