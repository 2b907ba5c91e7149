"""批量导入签字件: the preview of a scanned stack of signed letters, page by page.

Each page shows its letter (household, number, status now), the page itself and what is wrong
with it. The clerk types a number for a page whose code could not be read, skips a page, sets
the signing date, then 导入 files the batch in one transaction off the GUI thread (取消 in its
progress dialog writes nothing). Closing the preview writes nothing either.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.letters.scan_filing import (
    OUTCOMES,
    SKIP,
    FilingResult,
    LetterBook,
    PageDecision,
    decide,
    default_signed_on,
    file_scans_job,
    look_up_letters,
    normalise_number,
    summarize,
)
from app.letters.scans import ScannedPage, read_scans_job
from ui.jobs import run_job
from ui.register.form_dialog import ERROR_STYLE, DateEdit, confirm_buttons
from ui.screen_fit import fit_to_screen

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.core.progress import Job

COLUMNS = ("页", "编号", "文书", "现在状态", "处理")
PROBLEM_COLOUR = QColor("#c0392b")
QUIET_COLOUR = QColor("#7f8c8d")


def read_batch_job(engine: Engine, paths: list[str]) -> Job[Any]:
    """Read the scans and look up their letters; returns (pages, book), or the
    ValidationError that refused the files (shown as a plain message, not as a crash)."""
    try:
        pages = yield from read_scans_job(paths)
    except ValidationError as exc:
        return exc
    numbers = {code for page in pages for code in page.codes}
    return pages, look_up_letters(engine, numbers)


class ScanImportDialog(QDialog):
    """The preview of a scanned batch; `filed(result)` is called once it has been filed."""

    def __init__(
        self,
        engine: Engine,
        user: str | None,
        pages: list[ScannedPage],
        book: LetterBook,
        filed: Callable[[FilingResult], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("批量导入签字件")
        self.resize(1360, 800)
        fit_to_screen(self)  # on a 1366×768 laptop: the screen, not 1360×800
        self.engine, self.user, self.pages, self.book = engine, user, pages, book
        self._filed = filed
        self.typed: dict[int, str] = {}
        self.skipped: set[int] = set()
        self.decisions: list[PageDecision] = []
        self.job = None

        self.table = QTableWidget(len(pages), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self.show_page)

        self.picture = QLabel("选择左侧的一页查看")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumWidth(340)
        self.number = QLineEdit()
        self.number.setPlaceholderText("看不清二维码时，输入页面右上角印的编号")
        self.number.returnPressed.connect(self.use_number)
        self.use_button = QPushButton("使用此编号")
        self.use_button.clicked.connect(self.use_number)
        self.skip_button = QPushButton("跳过此页")
        self.skip_button.clicked.connect(self.toggle_skip)
        self.signed_on = DateEdit()
        self.signed_on.set_value(default_signed_on(pages))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons, self.apply_button = confirm_buttons("导入", self.apply, self.reject)

        number_row = QHBoxLayout()
        number_row.addWidget(self.number, 1)
        number_row.addWidget(self.use_button)
        number_row.addWidget(self.skip_button)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.picture, 1)
        side_layout.addLayout(number_row)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([940, 400])  # the problems are read in the list, the page beside it
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("签回日期"))
        bottom.addWidget(self.signed_on)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.refresh()
        if pages:
            self.table.selectRow(0)

    def refresh(self) -> None:
        """Decide every page again and show the decisions and their counts."""
        self.decisions = decide(self.pages, self.book, self.typed, self.skipped)
        for row, d in enumerate(self.decisions):
            letter = d.letter
            cells = (
                d.page.label,
                (d.number or "") + ("（手输）" if d.typed else ""),
                letter.label if letter else "",
                letter.status_label if letter else "",
                d.problem or OUTCOMES[d.outcome],
            )
            colour = None
            if d.outcome == SKIP:
                colour = QUIET_COLOUR if d.reason in ("blank", "skipped") else PROBLEM_COLOUR
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if colour is not None:
                    item.setForeground(colour)
                self.table.setItem(row, column, item)
        summary = summarize(self.decisions)
        self.summary.setText(
            summary.text + "。导入后，匹配的文书标记为已签回，这一页存为其签字件。"
        )
        self.apply_button.setEnabled(summary.matched > 0)
        self._show_buttons()

    def selected(self) -> PageDecision | None:
        """The decision of the page selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        return self.decisions[rows[0].row()] if rows else None

    def _show_buttons(self) -> None:
        decision = self.selected()
        self.skip_button.setText(
            "不跳过" if decision and decision.page.index in self.skipped else "跳过此页"
        )
        for widget in (self.number, self.use_button, self.skip_button):
            widget.setEnabled(decision is not None)

    def show_page(self) -> None:
        """Show the selected page as it was scanned (upright) and its number."""
        decision = self.selected()
        self._show_buttons()
        if decision is None:
            return
        pixmap = QPixmap()
        pixmap.loadFromData(decision.page.thumbnail, "JPEG")
        size = self.picture.size()
        self.picture.setPixmap(
            pixmap.scaled(
                max(size.width(), 200), max(size.height(), 280),
                Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation,
            )
        )  # fmt: skip
        self.number.setText(self.typed.get(decision.page.index, ""))
        self.error.hide()

    def use_number(self) -> None:
        """Match the selected page to the number typed (empty: back to what its code says)."""
        decision = self.selected()
        if decision is None:
            return
        number = normalise_number(self.number.text())
        index = decision.page.index
        if number:
            self.typed[index] = number
            if number not in self.book.letters:
                found = look_up_letters(self.engine, [number])
                self.book = LetterBook(found.prefix, {**self.book.letters, **found.letters})
        else:
            self.typed.pop(index, None)
        self.skipped.discard(index)
        self.refresh()
        self.table.selectRow(index)

    def toggle_skip(self) -> None:
        """Skip the selected page, or take it back."""
        decision = self.selected()
        if decision is None:
            return
        self.skipped ^= {decision.page.index}
        self.refresh()
        self.table.selectRow(decision.page.index)

    def apply(self) -> None:
        """File the batch off the GUI thread; 取消 in the progress dialog writes nothing."""
        signed_on = self.signed_on.value() or date.today()
        if signed_on > date.today():
            self.error.setText("签回日期不能晚于今天")
            self.error.show()
            return
        self.error.hide()
        self.apply_button.setEnabled(False)
        pages, typed, skipped = self.pages, dict(self.typed), set(self.skipped)
        self.job = run_job(
            self, "导入签字件",
            lambda: file_scans_job(self.engine, pages, typed, skipped, signed_on, self.user),
            self._done, on_cancelled=self._cancelled,
        )  # fmt: skip
        self.job.failed.connect(lambda _message: self.apply_button.setEnabled(True))

    def _done(self, result: FilingResult) -> None:
        self.accept()
        self._filed(result)

    def _cancelled(self) -> None:
        self.apply_button.setEnabled(True)
        self.error.setText("已取消，没有导入任何签字件。")
        self.error.show()
