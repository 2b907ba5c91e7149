"""成员单位: the member units with their four people and staff lists, and who has not reported.

Three pages: the unit list (with the selected unit's 四员 and 职工名单 below), the list of units
that have not reported all four people, and every unit's signed/installed shares. The unit
list imports and exports the 成员单位及四员 workbook and can be filled from a plan's template.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.privacy import mask_phone
from app.core.settings import load_profile
from app.core.vocab import UNIT_ROLES
from app.exchange.units import (
    export_units_xlsx,
    import_units,
    preview_units_import,
    write_template_xlsx,
)
from app.org.people import contacts
from app.org.township_template import apply_township, load_template, plan_township
from app.org.units import UnitRegister, UnitService
from ui.document_preview import ask_pdf_path, open_in_viewer
from ui.imports.flow import ask_xlsx_to_open
from ui.imports.preview import UNIT_PREVIEW, Decide, decide_with_dialog, run_previewed_import
from ui.jobs import run_job
from ui.register.register_view import (
    ask_with_message_box,
    ask_xlsx_path,
    inform_with_message_box,
)
from ui.register.table_model import RegisterTableModel
from ui.tabs.org.registers import OrgRegisterView
from ui.tabs.org.staff import StaffPanel, StaffSharesView
from ui.tabs.org.unit_dialogs import TownshipDialog, UnitFormDialog
from ui.tabs.org.units_report import MissingRolesView

if TYPE_CHECKING:
    from sqlalchemy import Engine

NOT_REPORTED = "（未报送）"
WARNING_COLOR = "#c0392b"
EMPTY_HINT = (
    "还没有成员单位。点“从方案模板建立…”可按实施方案的成员单位和职责分工一次建立，"
    "也可以“导入…”Excel名单，或点“新增”逐个录入。"
)


def open_township_dialog(dialog: TownshipDialog) -> bool:
    """Show the set-up dialog modally; True when it added units."""
    return dialog.exec() == TownshipDialog.DialogCode.Accepted


class UnitsTab(QWidget):
    """The 成员单位 tab (see the module docstring)."""

    recordsChanged = Signal()

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        ask_open_xlsx: Callable[[QWidget, str], str | None] = ask_xlsx_to_open,
        ask_pdf: Callable[[QWidget, str, str], str | None] = ask_pdf_path,
        open_file: Callable[[str], None] = open_in_viewer,
        run_township_dialog: Callable[[TownshipDialog], bool] = open_township_dialog,
        decide_import: Decide = decide_with_dialog,
        **options: Any,
    ) -> None:
        super().__init__()
        self.engine, self.user = engine, user
        self.decide_import = decide_import
        self.ask_open_xlsx = ask_open_xlsx
        self.run_township_dialog = run_township_dialog
        self.ask = options.get("ask", ask_with_message_box)
        self.inform = options.get("inform", inform_with_message_box)
        self.ask_save_path = options.get("ask_save_path", ask_xlsx_path)
        self.units = OrgRegisterView(
            UnitRegister(engine), UnitService(engine, user),
            contacts_of=lambda: contacts(engine), dialog_factory=UnitFormDialog, **options,
        )  # fmt: skip
        self._add_unit_actions()
        self.hint = QLabel(EMPTY_HINT)
        self.hint.setWordWrap(True)
        self.people = self._people_table()
        self.staff = StaffPanel(
            engine, user, ask_open_xlsx=ask_open_xlsx, decide_import=decide_import, **options
        )
        self.detail = QTabWidget()
        self.detail.addTab(self.people, "四员")
        self.detail.addTab(self.staff, "职工名单")
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.hint)
        upper_layout.addWidget(self.units, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.report = MissingRolesView(
            engine, ask_pdf=ask_pdf, ask_save_path=self.ask_save_path,
            open_file=open_file, inform=self.inform,
        )  # fmt: skip
        self.shares = StaffSharesView(engine)
        self.tabs = QTabWidget()
        self.tabs.addTab(splitter, "成员单位")
        self.tabs.addTab(self.report, "四员报送情况")
        self.tabs.addTab(self.shares, "职工签订情况")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.units.table.selectionModel().selectionChanged.connect(self._unit_selected)
        self.units.recordsChanged.connect(self._units_changed)
        self.units.model.modelReset.connect(self._unit_selected)
        self.units.model.countChanged.connect(lambda n: self.hint.setVisible(n == 0))
        self.staff.recordsChanged.connect(self.shares.refresh)
        self.staff.recordsChanged.connect(self.recordsChanged)
        self.report.unitActivated.connect(self.edit_unit)
        self.shares.unitActivated.connect(self.show_staff_of)
        self.hint.setVisible(self.units.model.count == 0)
        self.import_job = None
        self.export_job = None
        self._shown_unit: int | None = None
        self._unit_selected()

    @property
    def model(self) -> RegisterTableModel:
        """The unit list's table model (what the 成员单位 list shows)."""
        return self.units.model

    @property
    def service(self) -> UnitService:
        """The unit list's service (adds, edits and deletes units)."""
        return self.units.service

    # -- building ---------------------------------------------------------------------------
    def _add_unit_actions(self) -> None:
        self.import_button = QPushButton("导入…")
        self.import_button.setToolTip("从Excel导入成员单位及四员（按单位名称新增或更新）")
        self.import_button.clicked.connect(self.import_units)
        self.template_button = QPushButton("下载导入模板…")
        self.template_button.clicked.connect(self.save_template)
        self.setup_button = QPushButton("从方案模板建立…")
        self.setup_button.setToolTip("按实施方案（如白鹤镇分中心组建方案）的成员单位及职责分工建立")
        self.setup_button.clicked.connect(self.set_up_township)
        for button in (self.setup_button, self.template_button, self.import_button):
            self.units.add_action(button)
        # the list's export is the exchange workbook: the units shown, with their four people
        self.units.export_button.clicked.disconnect()
        self.units.export_button.clicked.connect(self.export_units)
        self.units.export_button.setToolTip(
            "把当前搜索和筛选出的成员单位连同四员导出为Excel（可再导入）"
        )

    @staticmethod
    def _people_table() -> QTableWidget:
        table = QTableWidget(0, 5)
        table.setHorizontalHeaderLabels(("角色", "姓名", "职务", "手机", "报送日期"))
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return table

    # -- selection --------------------------------------------------------------------------
    def _unit_selected(self) -> None:
        unit_id = self.units.selected_id()
        if unit_id == self._shown_unit and unit_id is not None:
            self._show_people(unit_id)
            return
        self._shown_unit = unit_id
        name = ""
        if unit_id is not None:
            row = self.units.model.row(self.units.selected_row() or 0)
            name = row.values[0] if row is not None else ""
        self._show_people(unit_id)
        self.staff.set_unit(unit_id, name)

    def _show_people(self, unit_id: int | None) -> None:
        people = self.units.service.load(unit_id)["people"] if unit_id is not None else []
        rows: list[tuple[str, ...]] = []
        for role, label in UNIT_ROLES.items():
            held = [p for p in people if p["role"] == role]
            rows += [
                (label, p["name"], p["post"] or "", mask_phone(p["mobile"]),
                 p["reported_on"].isoformat() if p["reported_on"] else "")
                for p in held
            ] or [(label, NOT_REPORTED, "", "", "")]  # fmt: skip
        self.people.setRowCount(len(rows) if unit_id is not None else 0)
        for r, row in enumerate(rows if unit_id is not None else []):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if text == NOT_REPORTED:
                    item.setForeground(QColor(WARNING_COLOR))
                self.people.setItem(r, c, item)

    def _units_changed(self) -> None:
        self.report.refresh()
        self.shares.refresh()
        self._shown_unit = None
        self._unit_selected()
        self.recordsChanged.emit()

    def refresh(self) -> None:
        """Read everything again."""
        self.units.refresh()
        self._units_changed()

    def edit_unit(self, unit_id: int) -> None:
        """Show a unit in the list (search and filters cleared) and open its form."""
        self.tabs.setCurrentIndex(0)
        self.units.filter_bar.clear()
        if self.units.select_id(unit_id):
            self.units.edit_selected()

    def show_staff_of(self, unit_id: int) -> None:
        """Show a unit's staff list."""
        self.tabs.setCurrentIndex(0)
        self.units.filter_bar.clear()
        self.units.select_id(unit_id)
        self.detail.setCurrentWidget(self.staff)

    def show_target(self, subtab: str | None, filters: dict[str, Any]) -> None:
        """An overview link: the unit list with its filters (e.g. 未报齐四员)."""
        self.tabs.setCurrentIndex(0)
        if filters:
            self.units.filter_bar.set_values(filters)

    # -- exchange ---------------------------------------------------------------------------
    def import_units(self) -> None:
        """Choose a workbook, preview it, confirm, import."""
        path = self.ask_open_xlsx(self, "导入成员单位及四员")

        def done(result: Any) -> None:
            self.refresh()
            self.inform(
                self, "导入完成", f"新增 {result.created} 个、更新 {result.updated} 个成员单位"
            )

        self.import_job = run_previewed_import(
            self, "导入成员单位", "成员单位", path,
            lambda p: preview_units_import(self.engine, p),
            lambda p, mode: import_units(self.engine, p, self.user, mode),
            UNIT_PREVIEW, self.inform, done, self.decide_import,
        )  # fmt: skip

    def export_units(self) -> None:
        """Export the units shown (search and filters), with their four people."""
        suggested = str(Path.home() / f"成员单位及四员-{date.today():%Y%m%d}.xlsx")
        path = self.ask_save_path(self, "导出Excel", suggested)
        if not path:
            return
        register, query = self.units.register, self.units.model.query
        ids = [row.id for row in register.fetch(query, 0, max(register.count(query), 1))]

        def done(count: int) -> None:
            self.inform(self, "导出完成", f"已导出 {count} 个成员单位（含四员）到：\n{path}")

        self.export_job = run_job(
            self, "导出成员单位", lambda: export_units_xlsx(self.engine, path, ids), done
        )

    def save_template(self) -> None:
        """Ask where, and write the import template."""
        path = self.ask_save_path(self, "下载导入模板", str(Path.home() / "成员单位导入模板.xlsx"))
        if not path:
            return
        try:
            write_template_xlsx(path)
        except OSError as exc:
            self.inform(self, "无法保存", f"无法写入“{path}”：{exc.strerror or exc}")
            return
        self.inform(self, "已保存", f"导入模板已保存到：\n{path}")

    def set_up_township(self) -> None:
        """Fill the unit list from a plan's template (asked in a dialog)."""
        township = load_profile(self.engine).get("township_name") or ""
        dialog = TownshipDialog(
            lambda key, name, villages: plan_township(
                self.engine, load_template(key), name, villages
            ),
            lambda key, name, villages: apply_township(
                self.engine, load_template(key), name, villages, self.user
            ),
            township,
            self,
        )
        self.township_dialog = dialog
        if self.run_township_dialog(dialog) and dialog.result_plan is not None:
            self.refresh()
            self.inform(self, "已建立", dialog.result_plan.describe().replace("将新增", "已新增"))
