"""The staff list of the selected unit (and its import), and each unit's signed shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.exchange.staff import import_staff, preview_staff_import, write_staff_template
from app.org.staff import EmployeeRegister, EmployeeService, StaffShare, missing_staff, staff_shares
from ui.imports.flow import ask_xlsx_to_open
from ui.imports.preview import STAFF_PREVIEW, Decide, decide_with_dialog, run_previewed_import
from ui.register.register_view import (
    RegisterView,
    ask_with_message_box,
    ask_xlsx_path,
    inform_with_message_box,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

MAX_NAMES = 12


def names_of(people: list[str]) -> str:
    """`张三、李四…等15人`: a short list of names."""
    if len(people) <= MAX_NAMES:
        return "、".join(people)
    return "、".join(people[:MAX_NAMES]) + f"等{len(people)}人"


def summary_text(share: StaffShare | None, unsigned: list[str], uninstalled: list[str]) -> str:
    """The staff list of a unit in one paragraph: shares, then who is missing."""
    if share is None or share.staff == 0:
        return "尚未登记职工名单。可以点“新增”逐个录入，或“导入职工名单…”从Excel导入。"
    text = (
        f"职工 {share.staff} 人；已签订承诺书 {share.signed} 人（{share.signed_share}），"
        f"已安装国家反诈中心APP {share.installed} 人（{share.installed_share}）。"
    )
    if unsigned:
        text += f"\n未签订承诺书：{names_of(unsigned)}"
    if uninstalled:
        text += f"\n未安装APP：{names_of(uninstalled)}"
    return text


class StaffPanel(QWidget):
    """The staff list of one unit: the register, its figures, and import from Excel."""

    recordsChanged = Signal()

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        ask_open_xlsx: Callable[[QWidget, str], str | None] = ask_xlsx_to_open,
        decide_import: Decide = decide_with_dialog,
        **options: Any,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.decide_import = decide_import
        self.user = user
        self.ask_open_xlsx = ask_open_xlsx
        self.ask = options.get("ask", ask_with_message_box)
        self.inform = options.get("inform", inform_with_message_box)
        self.ask_save_path = options.get("ask_save_path", ask_xlsx_path)
        self.unit_id: int | None = None
        self.unit_name = ""
        self.register = EmployeeRegister(engine, unit_id=-1)
        self.service = EmployeeService(engine, None, user)
        self.view = RegisterView(self.register, self.service, **options)
        self.import_button = QPushButton("导入职工名单…")
        self.import_button.setToolTip(
            "从Excel导入本单位职工（姓名、职务、手机、签订承诺书、安装APP）"
        )
        self.import_button.clicked.connect(self.import_staff)
        self.template_button = QPushButton("下载职工名单模板…")
        self.template_button.clicked.connect(self.save_template)
        self.view.add_action(self.template_button)
        self.view.add_action(self.import_button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.summary.setContentsMargins(9, 0, 9, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        self.view.recordsChanged.connect(self._changed)
        self.import_job = None
        self.set_unit(None)

    def set_unit(self, unit_id: int | None, name: str = "") -> None:
        """Show the staff of another unit (None: no unit selected)."""
        self.unit_id, self.unit_name = unit_id, name
        self.register.unit_id = -1 if unit_id is None else unit_id
        self.service.unit_id = unit_id
        self.view.refresh()
        for button in (self.view.add_button, self.import_button):
            button.setEnabled(unit_id is not None)
        self.refresh_summary()

    def refresh_summary(self) -> None:
        """Recount the shares and who is missing."""
        if self.unit_id is None:
            self.summary.setText("在上方选择一个成员单位，查看和维护它的职工名单。")
            return
        share = next(
            (s for s in staff_shares(self.engine, True) if s.unit_id == self.unit_id), None
        )
        missing = missing_staff(self.engine, self.unit_id)
        self.summary.setText(
            summary_text(
                share,
                [m.name for m in missing if not m.signed],
                [m.name for m in missing if not m.installed],
            )
        )

    def _changed(self) -> None:
        self.refresh_summary()
        self.recordsChanged.emit()

    def import_staff(self) -> None:
        """Choose a file, preview, confirm, import into this unit."""
        unit_id = self.unit_id
        if unit_id is None:
            return
        path = self.ask_open_xlsx(self, f"导入{self.unit_name}职工名单")

        def done(result: Any) -> None:
            self.view.refresh()
            self._changed()
            self.inform(
                self,
                "导入完成",
                f"{self.unit_name}：新增 {result.created} 名，更新 {result.updated} 名职工",
            )

        self.import_job = run_previewed_import(
            self, f"导入{self.unit_name}职工名单", "职工", path,
            lambda p: preview_staff_import(self.engine, unit_id, p),
            lambda p, mode: import_staff(self.engine, unit_id, p, self.user, mode),
            STAFF_PREVIEW, self.inform, done, self.decide_import,
        )  # fmt: skip

    def save_template(self) -> None:
        """Ask where, and write the staff list template."""
        path = self.ask_save_path(self, "下载职工名单模板", f"{self.unit_name}职工名单模板.xlsx")
        if not path:
            return
        try:
            write_staff_template(path, self.unit_name)
        except OSError as exc:
            self.inform(self, "无法保存", f"无法写入“{path}”：{exc.strerror or exc}")
            return
        self.inform(self, "已保存", f"职工名单模板已保存到：\n{path}")


class StaffSharesView(QWidget):
    """Every unit's staff count and the shares signed and installed; double-click opens it."""

    unitActivated = Signal(int)
    HEADERS = (
        "成员单位",
        "职工人数",
        "已签订",
        "签订率",
        "已安装APP",
        "安装率",
        "未签订承诺书",
        "未安装APP",
    )
    NUMBER_WIDTH = 84

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self.label = QLabel()
        self.label.setWordWrap(True)  # one long sentence: it wraps in a narrow window
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 220)
        for column in range(1, 6):
            self.table.setColumnWidth(column, self.NUMBER_WIDTH)
        self.table.setColumnWidth(6, 260)
        self.table.setWordWrap(False)
        self.table.cellDoubleClicked.connect(self._activated)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.label, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.shares: list[StaffShare] = []
        self.refresh()

    def refresh(self) -> None:
        """Recount every unit."""
        self.shares = staff_shares(self.engine)
        unsigned: dict[int, list[str]] = {}
        uninstalled: dict[int, list[str]] = {}
        for m in missing_staff(self.engine):
            if not m.signed:
                unsigned.setdefault(m.unit_id, []).append(m.name)
            if not m.installed:
                uninstalled.setdefault(m.unit_id, []).append(m.name)
        listed = [s for s in self.shares if s.staff]
        staff = sum(s.staff for s in listed)
        signed = sum(s.signed for s in listed)
        installed = sum(s.installed for s in listed)
        self.label.setText(
            f"{len(listed)}个单位登记了职工名单，共 {staff} 人：签订承诺书 {signed} 人"
            f"（{StaffShare.percent(signed, staff)}），安装APP {installed} 人"
            f"（{StaffShare.percent(installed, staff)}）；"
            f"{len(self.shares) - len(listed)}个单位尚未登记。双击一行查看该单位名单。"
        )
        self.table.setRowCount(len(self.shares))
        for r, s in enumerate(self.shares):
            cells = (
                s.name,
                s.staff if s.staff else "未登记",
                s.signed,
                s.signed_share,
                s.installed,
                s.installed_share,
                names_of(unsigned.get(s.unit_id, [])),
                names_of(uninstalled.get(s.unit_id, [])),
            )
            for c, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if c >= 6:
                    item.setToolTip(
                        "、".join((unsigned if c == 6 else uninstalled).get(s.unit_id, []))
                    )
                elif c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)

    def _activated(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.shares):
            self.unitActivated.emit(self.shares[row].unit_id)
