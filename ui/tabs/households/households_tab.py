"""入户走访: households (left) with the chosen one's residents, visits and letters (right);
every visit in one register; the coverage of the year. The grid worker's tab.

The list and the visit form move together: the form's next household is the list's next row
(its order and filters as shown), and the list selects whatever the form shows. The chosen
village and grid are kept in QSettings (per database file) for the next launch.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.core import audit
from app.households.records import HouseholdService
from app.households.register import HouseholdRegister
from app.households.visit_registers import VisitRegister
from app.households.visits import VisitService
from ui.register.register_view import RegisterView, inform_with_message_box
from ui.tabs.households.coverage_view import CoverageView
from ui.tabs.households.detail import HouseholdDetail
from ui.tabs.households.visit_dialog import VisitDialog, ask_photo_paths
from ui.tabs.households.visit_keys import shortcuts_text

if TYPE_CHECKING:
    from sqlalchemy import Engine


# The filters kept between launches (村居 and 网格: where a worker works).
REMEMBERED_FILTERS = ("village", "grid")


def _run_import(parent: QWidget, engine: Engine, user: str | None) -> bool:
    from ui.imports.roster_dialog import run_household_import

    return run_household_import(parent, engine, user)


class HouseholdsTab(QWidget):
    """The household register, the visit entry, the visits register and the coverage."""

    def __init__(self, engine: Engine, user: str | None = None, **options: Any) -> None:
        super().__init__()
        self.engine, self.user = engine, user
        self.inform = options.get("inform", inform_with_message_box)
        self.ask_discard = options.get("ask")  # the visit form's 放弃修改？ (a message box if None)
        self.ask_photos = options.pop("ask_photos", ask_photo_paths)
        self.run_import = options.pop("run_import", _run_import)
        self.ask_pdf = options.pop("ask_pdf", None)
        self.open_file = options.pop("open_file", None)
        # the user's settings (~/.config/wuzha/wuzha.conf, the registry on Windows)
        self.settings: QSettings = options.pop("settings", None) or QSettings(APP_NAME, APP_NAME)
        self.visit_dialog: VisitDialog | None = None
        self.shown_in_form: int | None = None  # the household the visit form shows
        self.list_stale = False  # a visit was saved since the list was read
        self.print_job = None
        self._shown_before = False
        self._holding = False

        register = HouseholdRegister(engine)
        remembered = self._remembered_filters()
        register.grid_village_id = remembered.get("village")
        self.households = RegisterView(register, HouseholdService(engine, user), **options)
        bar = self.households.filter_bar
        if remembered:
            bar.set_values(remembered)
            self._offer_grids_of(bar.query().filters.get("village"))  # a village since deleted
        bar.queryChanged.connect(self._filters_changed)
        self.detail = HouseholdDetail(engine, user, **options)
        self.visit_button = QPushButton("走访（F2）")
        self.visit_button.setToolTip(
            "登记选中住户的走访；回车保存并转到列表中的下一户（F1：快捷键）"
        )
        self.visit_button.clicked.connect(self.start_visits)
        self.import_button = QPushButton("导入…")
        self.import_button.setToolTip("导入村居花名册或网格系统导出的住户名单（Excel、CSV）")
        self.import_button.clicked.connect(self.import_roster)
        self.print_button = QPushButton("打印文书")
        self.print_button.setToolTip("为当前搜索和筛选出的全部住户打印告知书或承诺书，每户一页")
        menu = QMenu(self.print_button)
        self.notice_action = menu.addAction("告知书…", lambda: self.print_filtered("notice"))
        self.commitment_action = menu.addAction(
            "承诺书…", lambda: self.print_filtered("commitment_household")
        )
        self.print_button.setMenu(menu)
        self.reveal = QCheckBox("显示完整号码")
        self.reveal.setToolTip("身份证号码和电话默认隐去中间几位；显示完整号码会记入操作日志")
        self.reveal.toggled.connect(self.set_reveal)
        for button in (self.reveal, self.print_button, self.import_button, self.visit_button):
            self.households.add_action(button)
        QShortcut(QKeySequence("F2"), self.households, self.start_visits,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        QShortcut(QKeySequence("F1"), self, self.show_shortcuts,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        self.households.table.selectionModel().selectionChanged.connect(self._selected)
        self.households.model.modelReset.connect(self._selected)
        self.households.recordsChanged.connect(self._selected)
        self.detail.residents.recordsChanged.connect(self._household_changed)
        self.detail.visits.recordsChanged.connect(self._household_changed)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.households)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.visits = RegisterView(VisitRegister(engine), VisitService(engine, user), **options)
        self.visits.add_button.hide()
        self.coverage = CoverageView(engine, **options)
        self.tabs = QTabWidget()
        self.tabs.addTab(split, "住户")
        self.tabs.addTab(self.visits, "走访记录")
        self.tabs.addTab(self.coverage, "覆盖情况")
        self.tabs.currentChanged.connect(self._tab_shown)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._selected()

    # -- selection ----------------------------------------------------------------------------
    def _selected(self, *_args: Any) -> None:
        if self._holding:
            return  # the list is being re-read to select a household: show that one only
        household_id = self.households.selected_id()
        if household_id != self.detail.household_id:
            self.detail.show_household(household_id)
        self.visit_button.setEnabled(household_id is not None)
        self.print_button.setEnabled(self.households.model.count > 0)

    def _household_changed(self) -> None:
        """A resident or visit changed: the list's columns (人数, 未装APP, 最近走访) too."""
        self.households.refresh()
        self.detail.show_household(self.households.selected_id())

    def showEvent(self, event) -> None:
        """Back from another tab: read the list and the panel again, since a letter signed or a
        resident added there changes what this tab shows."""
        super().showEvent(event)
        if self._shown_before and self.visit_dialog is None and not event.spontaneous():
            self.households.refresh()
            self.detail.show_household(self.households.selected_id())
            self._tab_shown(self.tabs.currentIndex())
        self._shown_before = True

    # -- filters kept between launches --------------------------------------------------------
    def _settings_key(self) -> str:
        # per database file: another file's village 3 is another village
        where = self.engine.url.render_as_string(hide_password=True)
        return "households/filters/" + hashlib.sha1(where.encode()).hexdigest()[:16]

    def _remembered_filters(self) -> dict[str, int]:
        self.settings.beginGroup(self._settings_key())
        try:
            return {
                key: int(self.settings.value(key))
                for key in REMEMBERED_FILTERS
                if str(self.settings.value(key, "")).isdigit()
            }
        finally:
            self.settings.endGroup()

    def _filters_changed(self, query) -> None:
        """Keep the village and grid for the next launch; offer only the village's grids."""
        village = query.filters.get("village")
        self.settings.beginGroup(self._settings_key())
        for key in REMEMBERED_FILTERS:
            value = query.filters.get(key)
            if value is None:
                self.settings.remove(key)
            else:
                self.settings.setValue(key, int(value))
        self.settings.endGroup()
        self._offer_grids_of(village)

    def _offer_grids_of(self, village: int | None) -> None:
        register = self.households.register
        if village != register.grid_village_id:
            register.grid_village_id = village
            # a grid of another village falls back to 全部网格 (and queries again)
            self.households.filter_bar.set_filters(register.filters())

    def focus_search(self) -> None:
        """Ctrl+F: the cursor in the household search, its text selected."""
        self.tabs.setCurrentIndex(0)
        search = self.households.filter_bar.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def show_shortcuts(self) -> None:
        """F1: the keys of the household visits."""
        self.inform(self, "快捷键", shortcuts_text())

    def _tab_shown(self, index: int) -> None:
        if self.tabs.widget(index) is self.visits:
            self.visits.refresh()
        elif self.tabs.widget(index) is self.coverage:
            self.coverage.refresh()

    # -- actions ------------------------------------------------------------------------------
    def start_visits(self) -> None:
        """Open the visit form on the selected household."""
        household_id = self.households.selected_id()
        if household_id is None:
            return
        self.shown_in_form = household_id
        dialog = VisitDialog(self.engine, self.user, household_id, inform=self.inform,
                             ask_photos=self.ask_photos, next_household=self.next_in_list,
                             parent=self, ask_discard=self.ask_discard)  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.householdShown.connect(self._follow_form)
        dialog.visitSaved.connect(self._visit_saved)
        dialog.finished.connect(self._visits_done)
        self.visit_dialog = dialog
        dialog.open()

    def next_in_list(self, household_id: int) -> int | None:
        """The household on the row after `household_id` in the list as shown, or None."""
        model = self.households.model
        row = model.row_of_id(household_id, near=self.households.selected_row())
        following = model.row(row + 1) if row is not None else None
        return following.id if following is not None else None

    def _visit_saved(self, _household_id: int) -> None:
        self.list_stale = True  # read again when the form moves on or closes

    def _follow_form(self, household_id: int) -> None:
        """The list selects the household the form shows (and shows saved visits)."""
        self.shown_in_form = household_id
        row = self.households.selected_row()
        self._holding = True
        try:
            if self.list_stale:
                self.list_stale = False
                self.households.model.refresh()
            self.households.select_id(household_id, near=row)
        finally:
            self._holding = False
        self._selected()

    def _visits_done(self) -> None:
        """Back to the list at the form's last household, with its new state and the cursor."""
        last, row = self.shown_in_form, self.households.selected_row()
        self.visit_dialog = None
        self.list_stale = False
        self._holding = True
        try:
            self.households.model.refresh()
            self.households.select_id(last, near=row, fallback_row=row)
        finally:
            self._holding = False
        self.detail.show_household(self.households.selected_id())  # its visits changed
        self._selected()
        self.households.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.window().activateWindow()  # the keyboard back to the list: F2 works at once
        self.households.recordsChanged.emit()

    def import_roster(self) -> None:
        """The roster import; the register is read again if anything was written."""
        if self.run_import(self, self.engine, self.user):
            self.households.refresh()
            self.households.recordsChanged.emit()

    def print_filtered(self, kind: str) -> None:
        """Letters for every household of the current search and filters."""
        from ui.document_preview import ask_pdf_path, open_in_viewer
        from ui.tabs.letters.print_dialog import print_letter_batch

        ids = self.households.register.all_ids(self.households.model.query)
        self.print_job = print_letter_batch(
            self, self.engine, self.user, kind, ids, ask_pdf=self.ask_pdf or ask_pdf_path,
            inform=self.inform, open_file=self.open_file or open_in_viewer,
            on_done=lambda _r: self._household_changed(),
        )  # fmt: skip

    def set_reveal(self, reveal: bool) -> None:
        """Full ID numbers and phones; who revealed them is written to the audit log."""
        if reveal:
            audit.record_reveal(self.engine, self.user, "household", "入户走访住户列表")
        self.households.set_reveal(reveal)
        self.detail.residents.set_reveal(reveal)
