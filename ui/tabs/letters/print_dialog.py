"""Printing a batch of letters from the GUI: what to print, a check before anything starts, the
batch off the GUI thread with progress and cancel, then the batch in the program's preview.

`print_letter_batch` is what any tab calls with the ids it has (the households register's
filtered rows, a unit's staff list); the letters tab uses it with its own 打印… dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from app.core.progress import Job
from app.core.validation import ValidationError
from app.core.vocab import LETTER_KINDS
from app.documents import MissingGlyphError, default_fonts
from app.documents.layout import Page, layout_document
from app.documents.model import PageStyle
from app.letters.printing import PrintResult, check_letters, letter_documents, print_letters_job
from app.letters.templates import LetterOptions
from ui.document_preview import PreviewDialog
from ui.jobs import run_job
from ui.register.form_dialog import confirm_buttons
from ui.screen_fit import fit_to_screen

if TYPE_CHECKING:
    from sqlalchemy import Engine

Inform = Callable[[QWidget, str, str], None]


class PrintChoice(QDialog):
    """Which letters to print: kind, village and grid (or a unit for staff letters), only the
    unsigned, receipt, QR code, full numbers."""

    def __init__(
        self,
        villages: list[str],
        grids: list[str],
        parent: QWidget | None = None,
        units: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("打印告知书、承诺书")
        fit_to_screen(self)
        self.kind = QComboBox()
        for code, label in LETTER_KINDS.items():
            if code != "commitment_employee" or units:
                self.kind.addItem(label, code)
        self.village = self._combo("全部村居", villages)
        self.grid = self._combo("全部网格", grids)
        self.unit = self._combo("请选择成员单位", units)
        self.unsigned = QCheckBox("只打印尚未送达（告知书）/尚未签回（承诺书）的")
        self.unsigned.setChecked(True)
        self.receipt = QCheckBox("附回执（沿虚线剪下）")
        self.receipt.setChecked(True)
        self.qr = QCheckBox("印编号二维码")
        self.qr.setChecked(True)
        self.full = QCheckBox("身份证号、电话不打码（仅在确有需要时）")
        form = QFormLayout()
        form.addRow("文书", self.kind)
        form.addRow("村居", self.village)
        form.addRow("网格", self.grid)
        form.addRow("单位", self.unit)
        for box in (self.unsigned, self.receipt, self.qr, self.full):
            form.addRow("", box)
        buttons, self.ok = confirm_buttons("下一步：选择保存位置", self.accept, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.unit.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    @staticmethod
    def _combo(everything: str, names: Sequence[str]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(everything, None)
        for name in names:
            combo.addItem(name, name)
        return combo

    def _kind_changed(self) -> None:
        staff = self.kind.currentData() == "commitment_employee"
        for widget in (self.village, self.grid, self.full):
            widget.setEnabled(not staff)
        self.unit.setEnabled(staff)
        self.ok.setEnabled(not staff or self.unit.currentData() is not None)


class LetterPages(Sequence):
    """The pages of printed letters, laid out only when shown (a batch of 1,000 opens at once).

    Every letter of a batch is one page when the batch has as many pages as letters; otherwise
    all are laid out up front so that page numbers stay right.
    """

    def __init__(self, engine: Engine, letter_ids: Sequence[int], pages: int) -> None:
        self.engine = engine
        self.letter_ids = list(letter_ids)
        self._pages: list[tuple[Page, PageStyle]] | None = None
        if pages != len(self.letter_ids):
            self._pages = [p for i in self.letter_ids for p in self._letter(i)]

    def _letter(self, letter_id: int) -> list[tuple[Page, PageStyle]]:
        (doc,) = letter_documents(self.engine, [letter_id])
        return [(page, doc.page_style) for page in layout_document(doc, default_fonts())]

    def __len__(self) -> int:
        return len(self._pages) if self._pages is not None else len(self.letter_ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if self._pages is not None:
            return self._pages[index]
        return self._letter(self.letter_ids[index])[0]


def _expected_errors(job: Job[PrintResult]) -> Job[PrintResult | Exception]:
    """The batch, with bad input (a name no font has, a record gone meanwhile) returned as the
    result to show plainly; the batch's transaction has rolled back by then."""
    try:
        return (yield from job)
    except (ValidationError, MissingGlyphError) as exc:
        return exc


def message_of(exc: Exception) -> str:
    """The Chinese text of a ValidationError or any other expected error."""
    if isinstance(exc, ValidationError):
        return "\n".join(exc.errors.values())
    return str(exc)


def print_letter_batch(
    parent: QWidget,
    engine: Engine,
    user: str | None,
    kind: str,
    ids: Sequence[int],
    *,
    ask_pdf: Callable[[QWidget, str, str], str | None],
    inform: Inform,
    open_file: Callable[[str], None],
    options: LetterOptions | None = None,
    full_numbers: bool = False,
    on_done: Callable[[PrintResult], None] | None = None,
    **job_options: Any,
):
    """Check the addressees, ask where to save, print the batch off the GUI thread (progress,
    cancel: a cancelled batch leaves no file and no letter record), then show it in the
    program's preview with 打印… and 用系统程序打开. Returns the running job, or None."""
    name = LETTER_KINDS[kind]
    try:
        count = check_letters(engine, kind, ids, full_numbers)
    except ValidationError as exc:
        inform(parent, "无法打印", message_of(exc))
        return None
    suggested = str(Path.home() / f"{name}-{date.today():%Y%m%d}.pdf")
    path = ask_pdf(parent, f"打印{count}份{name}", suggested)
    if not path:
        return None
    options = options or LetterOptions()

    def done(result: PrintResult | Exception) -> None:
        if isinstance(result, Exception):
            inform(parent, "无法打印", message_of(result))
            return
        if on_done is not None:
            on_done(result)
        numbers = sorted(result.numbers)
        span = numbers[0] if len(numbers) == 1 else f"{numbers[0]} 至 {numbers[-1]}"
        parent.preview_window = PreviewDialog(
            f"{name}：{Path(path).name}",
            LetterPages(engine, result.letter_ids, result.pages),
            parent,
            pdf_path=path,
            open_file=open_file,
            note=f"已打印{result.letters}份{name}（{result.pages}页），编号 {span}，"
            f"已保存到：{path}",
        )
        parent.preview_window.show()

    return run_job(
        parent,
        f"打印{count}份{name}",
        lambda: _expected_errors(
            print_letters_job(engine, kind, ids, path, user, options, full_numbers)
        ),
        done,
        **job_options,
    )
