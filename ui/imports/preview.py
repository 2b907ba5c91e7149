"""An import's preview as a table: every good row (新增 or 更新) and every bad row with its reason.

The clerk sees what will be written before anything is, then chooses: import all (when no row
is bad), import only the good rows, or import nothing. The write itself is the importer's job
in one transaction. Every row import of the program (units, grids, staff, the publicity plan) goes
through `run_previewed_import`; the household roster adds its column-mapping pages in front.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.privacy import mask_phone
from app.core.validation import ValidationError
from app.core.vocab import UNIT_KINDS
from ui.imports.flow import Inform
from ui.jobs import RunningJob, run_job
from ui.screen_fit import fit_to_screen

# A column of the preview: its header and how a planned row shows it.
PreviewColumn = tuple[str, Callable[[Any], Any]]
Decide = Callable[["ImportPreviewDialog"], str | None]
ERROR_COLOR = "#c0392b"
MAX_SHOWN_ROWS = 2000


def _cell(value: Any) -> QTableWidgetItem:
    text = "" if value is None else str(value)
    item = QTableWidgetItem(text)
    item.setToolTip(text if len(text) > 20 else "")
    return item


class ImportPreviewDialog(QDialog):
    """The rows an import would write and the rows it refuses; `mode` is the clerk's choice."""

    def __init__(
        self,
        preview: Any,
        noun: str,
        columns: Sequence[PreviewColumn],
        title: str,
        parent: QWidget | None = None,
        row_number: Callable[[Any], int] = lambda row: row.row_number,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(900, 560)
        fit_to_screen(self)
        self.preview = preview
        self.mode: str | None = None
        planned = [("新增", row) for row in preview.creates] + [
            ("更新", row) for row in getattr(preview, "updates", [])
        ]
        planned.sort(key=lambda pair: row_number(pair[1]))
        summary = f"可导入 {preview.good_rows} 条{noun}：新增 {len(preview.creates)} 条"
        if getattr(preview, "updates", None):
            summary += f"，更新 {len(preview.updates)} 条"
        if preview.errors:
            rows_with_errors = len({e.row_number for e in preview.errors})
            summary += (
                f"；{rows_with_errors} 行有错误（共 {len(preview.errors)} 处），见“有错误的行”。"
            )
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        headers = ["行号", "操作", *[label for label, _ in columns]]
        self.rows = QTableWidget(min(len(planned), MAX_SHOWN_ROWS), len(headers))
        self.rows.setHorizontalHeaderLabels(headers)
        for r, (action, row) in enumerate(planned[:MAX_SHOWN_ROWS]):
            values = [row_number(row), action, *[get(row) for _, get in columns]]
            for c, value in enumerate(values):
                self.rows.setItem(r, c, _cell(value))
        self.errors = QTableWidget(len(preview.errors), 3)
        self.errors.setHorizontalHeaderLabels(("行号", "列", "错误"))
        for r, error in enumerate(preview.errors):
            for c, value in enumerate((error.row_number, error.column_label, error.message)):
                item = _cell(value)
                item.setForeground(QColor(ERROR_COLOR))
                self.errors.setItem(r, c, item)
        for table in (self.rows, self.errors):
            table.verticalHeader().hide()
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setAlternatingRowColors(True)
            table.horizontalHeader().setStretchLastSection(True)
            table.resizeColumnsToContents()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.rows, f"将导入的行（{preview.good_rows}）")
        self.tabs.addTab(self.errors, f"有错误的行（{len(preview.errors)}）")
        if preview.errors:
            self.tabs.setCurrentWidget(self.errors)
        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton(
            f"只导入正确的 {preview.good_rows} 条"
            if preview.errors
            else f"导入 {preview.good_rows} 条"
        )
        self.import_button.setEnabled(preview.good_rows > 0)
        self.cancel_button = QPushButton("不导入" if preview.errors else "取消")
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.clicked.connect(self.choose_import)
        self.cancel_button.clicked.connect(self.reject)
        note = QLabel(
            "有错误时：可以只导入正确的行（错误的行不写入，改好后再导入一次），"
            "或者不导入，改好文件后整份重新导入。导入在一次操作中完成，不会只写入一半。"
            if preview.errors
            else "导入在一次操作中完成，不会只写入一半。"
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.cancel_button.setDefault(True)

    def choose_import(self) -> None:
        """Import: every row when none is bad, else only the good ones."""
        self.mode = "good_rows" if self.preview.errors else "all_or_nothing"
        self.accept()

    def shown_rows(self) -> list[list[str]]:
        """The planned rows' cells as shown (for tests and checks)."""
        return [
            [self.rows.item(r, c).text() for c in range(self.rows.columnCount())]
            for r in range(self.rows.rowCount())
        ]


def decide_with_dialog(dialog: ImportPreviewDialog) -> str | None:
    """Show the preview modally; the chosen mode, or None for no import."""
    dialog.exec()
    return dialog.mode


def run_previewed_import(
    parent: QWidget,
    title: str,
    noun: str,
    path: str | None,
    preview: Callable[[str], Any],
    job: Callable[[str, str], Any],
    columns: Sequence[PreviewColumn],
    inform: Inform,
    on_done: Callable[[Any], None],
    decide: Decide = decide_with_dialog,
    row_number: Callable[[Any], int] = lambda row: row.row_number,
) -> RunningJob | None:
    """Read `path`, show its rows and errors, and run the import the clerk chose."""
    if not path:
        return None
    try:
        planned = preview(path)
    except ValidationError as exc:
        inform(parent, title, "\n".join(exc.errors.values()))
        return None
    dialog = ImportPreviewDialog(planned, noun, columns, title, parent, row_number)
    try:
        mode = decide(dialog)
    finally:
        dialog.deleteLater()
    if mode is None:
        return None
    return run_job(parent, title, lambda: job(path, mode), on_done)


def role_names(row: Any, role: str) -> str:
    """The names a units import row gives for one role (lecturers joined with 、)."""
    return "、".join(p.name for p in row.people if p.role == role)


def masked(value: Any) -> str:
    """A phone as the preview shows it (masked: the file is the clerk's, the screen is shared)."""
    return mask_phone(value) if value else ""


UNIT_PREVIEW: tuple[PreviewColumn, ...] = (
    ("单位名称", lambda r: r.values.get("name")),
    ("类别", lambda r: _kind_label(r.values.get("kind"))),
    ("第一责任人", lambda r: role_names(r, "first_responsible")),
    ("具体责任人", lambda r: role_names(r, "specific_responsible")),
    ("联络员", lambda r: role_names(r, "liaison")),
    ("宣讲员", lambda r: role_names(r, "lecturer")),
    ("联系电话", lambda r: r.values.get("phone")),
)
STAFF_PREVIEW: tuple[PreviewColumn, ...] = (
    ("姓名", lambda r: r.values.get("name")),
    ("职务", lambda r: r.values.get("post")),
    ("手机", lambda r: masked(r.values.get("mobile"))),
    ("签订承诺书", lambda r: r.values.get("commitment_signed_on")),
    ("安装反诈APP", lambda r: r.values.get("app_installed_on")),
)
GRID_PREVIEW: tuple[PreviewColumn, ...] = (
    ("村居", lambda r: r.village),
    ("网格名称", lambda r: r.values.get("name")),
    ("网格编号", lambda r: r.values.get("code")),
    ("网格员", lambda r: r.values.get("worker_name")),
    ("民警/辅警", lambda r: r.values.get("police_name")),
)


def _kind_label(kind: Any) -> str:
    return UNIT_KINDS.get(kind, kind or "")
