"""组织架构: the leading group, villages and grids, the three-tier publicity groups, the
sub-centre's people (分中心), the units' 治理员, contacts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.core.records import RecordNotFound
from app.org.centre import (
    CentreStaffRegister,
    CentreStaffService,
    GovernorRegister,
    GovernorService,
)
from app.org.people import PersonRegister, PersonService
from ui.document_preview import ask_pdf_path, open_in_viewer
from ui.register.register_view import RegisterView
from ui.tabs.org.grids import GridsPanel
from ui.tabs.org.leading_group import LeadingGroupPanel
from ui.tabs.org.publicity_groups import PublicityGroupsPanel

if TYPE_CHECKING:
    from sqlalchemy import Engine

CONTACTS_NOTE = (
    "联系人是四员、网格员、民警、领导小组成员和宣传群推送员、监督员共用的人员记录："
    "在这里改手机号，所有担任的职责一起更新。仍担任职责的联系人不能删除。"
)


class OrgTab(QWidget):
    """Sub-tabs 领导小组, 村居与网格, 三级宣传群, 分中心, 治理员, 联系人."""

    recordsChanged = Signal()

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
        grid_options = {
            k: options.pop(k)
            for k in ("choose", "ask_text", "ask_open_xlsx", "decide_import")
            if k in options
        }
        self.leading_group = LeadingGroupPanel(
            engine, user, ask_pdf=ask_pdf, open_file=open_file, **options
        )
        self.grids = GridsPanel(engine, user, **grid_options, **options)
        self.publicity_groups = PublicityGroupsPanel(engine, user, **options)
        self.contacts = RegisterView(PersonRegister(engine), PersonService(engine, user), **options)
        self.centre = RegisterView(
            CentreStaffRegister(engine), CentreStaffService(engine, user), **options
        )
        self.governors = RegisterView(
            GovernorRegister(engine), GovernorService(engine, user), **options
        )
        contacts_page = QWidget()
        contacts_layout = QVBoxLayout(contacts_page)
        contacts_layout.setContentsMargins(9, 6, 0, 0)
        note = QLabel(CONTACTS_NOTE)
        note.setWordWrap(True)
        self.holdings = QLabel()
        self.holdings.setWordWrap(True)
        contacts_layout.addWidget(note)
        contacts_layout.addWidget(self.contacts, 1)
        contacts_layout.addWidget(self.holdings)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.leading_group, "领导小组")
        self.tabs.addTab(self.grids, "村居与网格")
        self.tabs.addTab(self.publicity_groups, "三级宣传群")
        self.tabs.addTab(self.centre, "分中心")
        self.tabs.addTab(self.governors, "治理员")
        self.tabs.addTab(contacts_page, "联系人")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        for panel in (self.leading_group, self.grids, self.publicity_groups, self.contacts):
            panel.recordsChanged.connect(self.recordsChanged)
            panel.recordsChanged.connect(self._refresh_others)
        self.tabs.currentChanged.connect(self._refresh_others)
        self.contacts.table.selectionModel().selectionChanged.connect(self._show_holdings)
        self.contacts.model.modelReset.connect(self._show_holdings)
        self._show_holdings()

    def _show_holdings(self) -> None:
        person_id = self.contacts.selected_id()
        service = self.contacts.service
        if person_id is None or not isinstance(service, PersonService):
            self.holdings.setText("选中一位联系人，查看他担任的职责。")
            return
        try:
            self.holdings.setText(service.holdings_text(person_id))
        except RecordNotFound:
            self.holdings.clear()

    def _refresh_others(self) -> None:
        # a contact edited in one place shows everywhere; counts follow moves and merges
        self.contacts.refresh()
        self.publicity_groups.refresh_tree()

    def show_target(self, subtab: str | None, filters: dict[str, Any]) -> None:
        """An overview link: a sub-tab by its title, with its filters."""
        titles = [self.tabs.tabText(i) for i in range(self.tabs.count())]
        if subtab in titles:
            self.tabs.setCurrentIndex(titles.index(subtab))
        if subtab == "村居与网格" and filters:
            self.grids.grids.filter_bar.set_values(filters)
        views = {"分中心": self.centre, "治理员": self.governors}
        if subtab in views:
            views[subtab].filter_bar.set_values(filters)
