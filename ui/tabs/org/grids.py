"""村居与网格: the villages with their grid and household counts, and the grids with their
grid worker and police officer; grids are moved between villages or merged, households and
visits going along, and exchanged with Excel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.exchange.grids import (
    export_grids_xlsx,
    grid_ids_of,
    import_grids,
    preview_grids_import,
    write_grids_template,
)
from app.org.grid_moves import merge_grids, merge_question, move_grid, village_summary
from app.org.grids import GridRegister, GridService, village_choices
from app.org.people import contacts
from ui.imports.flow import ask_xlsx_to_open
from ui.imports.preview import GRID_PREVIEW, Decide, decide_with_dialog, run_previewed_import
from ui.jobs import run_job
from ui.register.register_view import (
    ask_with_message_box,
    ask_xlsx_path,
    inform_with_message_box,
)
from ui.tabs.org.registers import OrgRegisterView

if TYPE_CHECKING:
    from sqlalchemy import Engine

Choose = Callable[[QWidget, str, str, list[str]], int | None]
AskText = Callable[[QWidget, str, str, str], str | None]


def choose_with_dialog(parent: QWidget, title: str, label: str, items: list[str]) -> int | None:
    """Pick one of `items` in a list dialog; the index, or None when cancelled."""
    text, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
    return items.index(text) if ok and text in items else None


def ask_text_with_dialog(parent: QWidget, title: str, label: str, text: str) -> str | None:
    """Ask for one line of text; None when cancelled."""
    answer, ok = QInputDialog.getText(parent, title, label, text=text)
    return answer if ok else None


class GridsPanel(QWidget):
    """Villages on the left (click one to see its grids), grids on the right."""

    recordsChanged = Signal()
    VILLAGE_HEADERS = ("村居", "网格", "住户", "未分网格")

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        ask_open_xlsx: Callable[[QWidget, str], str | None] = ask_xlsx_to_open,
        choose: Choose = choose_with_dialog,
        ask_text: AskText = ask_text_with_dialog,
        decide_import: Decide = decide_with_dialog,
        **options: Any,
    ) -> None:
        super().__init__()
        self.decide_import = decide_import
        self.engine, self.user = engine, user
        self.ask_open_xlsx, self.choose, self.ask_text = ask_open_xlsx, choose, ask_text
        self.ask = options.get("ask", ask_with_message_box)
        self.inform = options.get("inform", inform_with_message_box)
        self.ask_save_path = options.get("ask_save_path", ask_xlsx_path)
        self.villages = QTableWidget(0, len(self.VILLAGE_HEADERS))
        self.villages.setHorizontalHeaderLabels(self.VILLAGE_HEADERS)
        self.villages.verticalHeader().hide()
        self.villages.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.villages.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.villages.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.villages.setColumnWidth(0, 110)
        for column in (1, 2, 3):
            self.villages.setColumnWidth(column, 56)
        self.villages.horizontalHeader().setStretchLastSection(True)
        self.villages.itemSelectionChanged.connect(self._village_chosen)
        self.all_button = QPushButton("显示全部网格")
        self.all_button.clicked.connect(lambda: self.grids.filter_bar.set_values({}))
        self.grids = OrgRegisterView(
            GridRegister(engine), GridService(engine, user),
            contacts_of=lambda: contacts(engine), **options,
        )  # fmt: skip
        self.move_button = QPushButton("移到其他村居…")
        self.move_button.clicked.connect(self.move_selected)
        self.merge_button = QPushButton("合并到…")
        self.merge_button.setToolTip("把选中的网格并入另一个网格：住户和走访记录全部转过去")
        self.merge_button.clicked.connect(self.merge_selected)
        self.import_button = QPushButton("导入…")
        self.import_button.clicked.connect(self.import_grids)
        self.template_button = QPushButton("下载导入模板…")
        self.template_button.clicked.connect(self.save_template)
        for button in (
            self.template_button,
            self.import_button,
            self.merge_button,
            self.move_button,
        ):
            self.grids.add_action(button)
        self.grids.export_button.clicked.disconnect()
        self.grids.export_button.clicked.connect(self.export_grids)
        self.grids.export_button.setToolTip(
            "把当前显示的网格连同网格员、民警导出为Excel（可再导入）"
        )
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("村居（点击查看其网格）"))
        left_layout.addWidget(self.villages, 1)
        left_layout.addWidget(self.all_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.grids)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([320, 960])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.grids.recordsChanged.connect(self._changed)
        self.grids.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.grids.model.modelReset.connect(self._update_buttons)
        self.import_job = None
        self.export_job = None
        self.refresh_villages()
        self._update_buttons()

    def refresh_villages(self) -> None:
        """Recount the villages."""
        self.summary = village_summary(self.engine)
        self.villages.blockSignals(True)
        self.villages.setRowCount(len(self.summary))
        for r, v in enumerate(self.summary):
            for c, value in enumerate((v.name, v.grids, v.households, v.without_grid)):
                item = QTableWidgetItem(str(value))
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.villages.setItem(r, c, item)
        self.villages.blockSignals(False)

    def _village_chosen(self) -> None:
        rows = self.villages.selectionModel().selectedRows()
        if rows:
            village = self.summary[rows[0].row()]
            self.grids.filter_bar.set_values({"village": village.village_id})

    def _changed(self) -> None:
        self.refresh_villages()
        self.recordsChanged.emit()

    def _update_buttons(self) -> None:
        selected = self.grids.selected_id() is not None
        self.move_button.setEnabled(selected)
        self.merge_button.setEnabled(selected and self.grids.model.count > 0)

    def refresh(self) -> None:
        """Read grids and villages again."""
        self.grids.refresh()
        self.refresh_villages()

    def move_selected(self) -> None:
        """Move the selected grid, with its households, to a village chosen from a list."""
        grid_id = self.grids.selected_id()
        if grid_id is None:
            return
        current = self.grids.service.load(grid_id)
        villages = [(i, n) for i, n in village_choices(self.engine) if i != current["village_id"]]
        if not villages:
            self.inform(self, "移到其他村居", "没有其他村居可以移入。")
            return
        index = self.choose(self, "移到其他村居", "移到哪个村居：", [n for _, n in villages])
        if index is None:
            return
        village_id, village = villages[index]
        name = current["name"]
        for _attempt in range(3):
            try:
                moved = move_grid(self.engine, grid_id, village_id, self.user, name)
                break
            except ValidationError as exc:
                if "name" not in exc.errors:
                    self.inform(self, "无法移动", "\n".join(exc.errors.values()))
                    return
                name = self.ask_text(self, "网格重名", exc.errors["name"], name)
                if not name:
                    return
        else:
            return
        self.grids.refresh()
        self._changed()
        self.inform(
            self, "已移动", f"“{name}”已移到{village}，{moved.households}户住户随之改属{village}。"
        )

    def merge_selected(self) -> None:
        """Merge the selected grid into another one chosen from a list, after a question."""
        grid_id = self.grids.selected_id()
        if grid_id is None:
            return
        register, everything = self.grids.register, RegisterQuery()
        everyone = register.fetch(everything, 0, max(register.count(everything), 1))
        others = [(r.id, f"{r.values[0]} {r.values[1]}") for r in everyone if r.id != grid_id]
        if not others:
            self.inform(self, "合并网格", "没有其他网格可以合并进去。")
            return
        index = self.choose(self, "合并网格", "合并到哪个网格（保留它）：", [t for _, t in others])
        if index is None:
            return
        keep_id = others[index][0]
        try:
            if not self.ask(self, "合并网格", merge_question(self.engine, keep_id, grid_id)):
                return
            moved = merge_grids(self.engine, keep_id, grid_id, self.user)
        except ValidationError as exc:
            self.inform(self, "无法合并", "\n".join(exc.errors.values()))
            return
        self.grids.refresh()
        self.grids.select_id(keep_id)
        self._changed()
        self.inform(
            self, "已合并",
            f"已转入{moved.households}户住户、{moved.visits}条走访记录到“{others[index][1]}”。",
        )  # fmt: skip

    def import_grids(self) -> None:
        """Choose a workbook, preview, confirm, import."""
        path = self.ask_open_xlsx(self, "导入网格")

        def done(result: Any) -> None:
            self.refresh()
            self.recordsChanged.emit()
            self.inform(self, "导入完成", f"新增 {result.created} 个、更新 {result.updated} 个网格")

        self.import_job = run_previewed_import(
            self, "导入网格", "网格", path,
            lambda p: preview_grids_import(self.engine, p),
            lambda p, mode: import_grids(self.engine, p, self.user, mode),
            GRID_PREVIEW, self.inform, done, self.decide_import,
        )  # fmt: skip

    def export_grids(self) -> None:
        """Export the grids shown, with their people."""
        suggested = str(Path.home() / f"网格及网格员-{date.today():%Y%m%d}.xlsx")
        path = self.ask_save_path(self, "导出Excel", suggested)
        if not path:
            return
        ids = grid_ids_of(self.grids.register, self.grids.model.query)

        def done(count: int) -> None:
            self.inform(self, "导出完成", f"已导出 {count} 个网格到：\n{path}")

        self.export_job = run_job(
            self, "导出网格", lambda: export_grids_xlsx(self.engine, path, ids), done
        )

    def save_template(self) -> None:
        """Ask where, and write the grid template."""
        path = self.ask_save_path(self, "下载导入模板", str(Path.home() / "网格导入模板.xlsx"))
        if not path:
            return
        try:
            write_grids_template(path)
        except OSError as exc:
            self.inform(self, "无法保存", f"无法写入“{path}”：{exc.strerror or exc}")
            return
        self.inform(self, "已保存", f"网格导入模板已保存到：\n{path}")
