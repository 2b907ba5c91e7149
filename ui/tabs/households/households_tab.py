"""入户走访: households (left) with the chosen one's residents, visits and letters (right);
every visit in one register; the coverage of the year. The grid worker's tab."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
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

from app.core import audit
from app.households.records import HouseholdService
from app.households.register import HouseholdRegister
from app.households.visit_registers import VisitRegister
from app.households.visits import VisitService
from ui.register.register_view import RegisterView, inform_with_message_box
from ui.tabs.households.coverage_view import CoverageView
from ui.tabs.households.detail import HouseholdDetail
from ui.tabs.households.visit_dialog import VisitDialog, ask_photo_paths

if TYPE_CHECKING:
    from sqlalchemy import Engine


def _run_import(parent: QWidget, engine: Engine, user: str | None) -> bool:
    from ui.imports.roster_dialog import run_household_import

    return run_household_import(parent, engine, user)


class HouseholdsTab(QWidget):
    """The household register, the visit entry, the visits register and the coverage."""

    def __init__(self, engine: Engine, user: str | None = None, **options: Any) -> None:
        super().__init__()
        self.engine, self.user = engine, user
        self.inform = options.get("inform", inform_with_message_box)
        self.ask_photos = options.pop("ask_photos", ask_photo_paths)
        self.run_import = options.pop("run_import", _run_import)
        self.ask_pdf = options.pop("ask_pdf", None)
        self.open_file = options.pop("open_file", None)
        self.visit_dialog: VisitDialog | None = None
        self.last_saved: int | None = None
        self.print_job = None

        self.households = RegisterView(
            HouseholdRegister(engine), HouseholdService(engine, user), **options
        )
        self.detail = HouseholdDetail(engine, user, **options)
        self.visit_button = QPushButton("走访（F2）")
        self.visit_button.setToolTip("登记选中住户的走访；回车保存并转到本网格下一户未走访的住户")
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
        household_id = self.households.selected_id()
        if household_id != self.detail.household_id:
            self.detail.show_household(household_id)
        self.visit_button.setEnabled(household_id is not None)
        self.print_button.setEnabled(self.households.model.count > 0)

    def _household_changed(self) -> None:
        """A resident or visit changed: the list's columns (人数, 未装APP, 最近走访) too."""
        self.households.refresh()
        self.detail.show_household(self.households.selected_id())

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
        dialog = VisitDialog(self.engine, self.user, household_id, inform=self.inform,
                             ask_photos=self.ask_photos, parent=self)  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.visitSaved.connect(self._visit_saved)
        dialog.finished.connect(self._visits_done)
        self.visit_dialog = dialog
        dialog.open()

    def _visit_saved(self, household_id: int) -> None:
        self.last_saved = household_id

    def _visits_done(self) -> None:
        """Show the last household visited, with its new state."""
        last = self.last_saved
        self.visit_dialog = None
        self.households.model.refresh()
        if last is not None:
            self.households.select_id(last)
        self.detail.show_household(self.households.selected_id())
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
