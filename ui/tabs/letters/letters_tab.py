"""承诺书与告知书: every letter from printing to the signed copy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QPushButton, QVBoxLayout, QWidget

from app.core.validation import ValidationError
from app.documents import MissingGlyphError
from app.letters.printing import (
    LetterRegister,
    change_status,
    export_signed_copy,
    letter_documents,
    print_places,
    select_employees,
    select_households,
    sign_letter,
)
from app.letters.templates import LetterOptions
from ui.document_preview import ask_pdf_path, open_in_viewer
from ui.jobs import run_job
from ui.register.register_view import (
    RegisterView,
    ask_with_message_box,
    inform_with_message_box,
)
from ui.tabs.letters.dialogs import ScanDialog, SignatureDialog, TemplateEditor
from ui.tabs.letters.print_dialog import PrintChoice, message_of, print_letter_batch
from ui.tabs.letters.scan_import_dialog import ScanImportDialog, read_batch_job

if TYPE_CHECKING:
    from sqlalchemy import Engine


def ask_scan_files(parent: QWidget) -> list[str]:
    """Ask for the scanner's files of a stack of signed letters (several may be chosen)."""
    paths, _ = QFileDialog.getOpenFileNames(
        parent, "批量导入签字件：选择扫描件", "",
        "扫描件 (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.bmp);;所有文件 (*)",
    )  # fmt: skip
    return paths


def ask_scan(parent: QWidget) -> str | None:
    """Ask for a scan or photo of the signed paper."""
    path, _ = QFileDialog.getOpenFileName(
        parent, "签字件扫描件或照片", "", "图片或PDF (*.png *.jpg *.jpeg *.pdf)"
    )
    return path or None


class LettersTab(QWidget):
    """The letter register with 打印, 送达, 签回 (pad or scan), 拒签, 作废, 重印, 模板."""

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        choose_print: Callable[..., PrintChoice | None] | None = None,
        ask_pdf: Callable[[QWidget, str, str], str | None] = ask_pdf_path,
        open_file: Callable[[str], None] = open_in_viewer,
        ask_scan_file: Callable[[QWidget], str | None] = ask_scan,
        ask_batch_files: Callable[[QWidget], list[str]] = ask_scan_files,
        **options: Any,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.user = user
        self.ask = options.get("ask", ask_with_message_box)
        self.inform = options.get("inform", inform_with_message_box)
        self.choose_print = choose_print or self._choose_print
        self.ask_pdf = ask_pdf
        self.open_file = open_file
        self.ask_scan_file = ask_scan_file
        self.ask_batch_files = ask_batch_files
        self.letters = RegisterView(LetterRegister(engine), None, **options)
        self.dialog: SignatureDialog | ScanDialog | TemplateEditor | ScanImportDialog | None = None
        self.preview_window = None
        self.job = None
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("print", "打印…", self.print_batch),
            ("delivered", "标记送达", lambda: self.change("delivered")),
            ("sign", "签名签回…", self.sign_on_pad),
            ("scan", "附签字件…", self.attach_scan),
            ("scan_batch", "批量导入签字件…", self.import_scans),
            ("refused", "拒签", lambda: self.change("refused")),
            ("void", "作废", lambda: self.change("void")),
            ("preview", "预览/直接打印", self.preview),
            ("reprint", "重印/签字件", self.reprint),
            ("templates", "编辑模板…", self.edit_templates),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
        for button in reversed(list(self.buttons.values())):
            self.letters.add_action(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.letters)

    def show_target(self, _subtab: str | None, filters: dict[str, Any]) -> None:
        """An overview link: e.g. letters printed 30 days ago and not signed."""
        self.letters.filter_bar.set_values(filters)

    def _choose_print(
        self, parent: QWidget, villages: list[str], grids: list[str], units: list[str]
    ) -> PrintChoice | None:
        dialog = PrintChoice(villages, grids, parent, units)
        return dialog if dialog.exec() else None

    def print_batch(self) -> None:
        """Choose what to print, check it, print it off the GUI thread, then preview it."""
        villages, grids, units = print_places(self.engine)
        choice = self.choose_print(self, villages, grids, units)
        if choice is None:
            return
        kind = choice.kind.currentData()
        try:
            if kind == "commitment_employee":
                ids = select_employees(
                    self.engine, choice.unit.currentData() or "", choice.unsigned.isChecked()
                )
            else:
                ids = select_households(
                    self.engine, kind, choice.village.currentData(), choice.grid.currentData(),
                    choice.unsigned.isChecked(),
                )  # fmt: skip
        except ValidationError as exc:
            self.inform(self, "打印", message_of(exc))
            return
        if not ids:
            self.inform(self, "打印", "没有符合条件的住户。")
            return
        options = LetterOptions(receipt=choice.receipt.isChecked(), qr_code=choice.qr.isChecked())
        self.job = print_letter_batch(
            self, self.engine, self.user, kind, ids,
            ask_pdf=self.ask_pdf, inform=self.inform, open_file=self.open_file,
            options=options, full_numbers=choice.full.isChecked(),
            on_done=lambda _result: self.letters.refresh(),
        )  # fmt: skip

    def _selected(self) -> int | None:
        letter_id = self.letters.selected_id()
        if letter_id is None:
            self.inform(self, "文书", "请先选择一份文书")
        return letter_id

    def change(self, status: str) -> None:
        """Mark the selected letter 已送达, 拒签 or 作废 (作废 is asked first)."""
        letter_id = self._selected()
        if letter_id is None:
            return
        if status == "void" and not self.ask(
            self, "作废", "作废后这份文书不再计入统计。确定作废吗？"
        ):
            return
        try:
            change_status(self.engine, [letter_id], status, user=self.user)
        except ValidationError as exc:
            self.inform(self, "无法修改", "\n".join(exc.errors.values()))
            return
        self.letters.refresh()

    def sign_on_pad(self) -> None:
        """Open the signing pad for the selected letter."""
        letter_id = self._selected()
        if letter_id is None:
            return
        row = self.letters.model.row(self.letters.selected_row())
        number = row.values[0]
        signer = row.values[2] or ""

        def save(name: str, signed_on: date, png: bytes) -> None:
            sign_letter(self.engine, letter_id, name, signed_on, signature_png=png, user=self.user)
            self.letters.refresh()

        self.dialog = SignatureDialog(number, signer, save, self)
        self.dialog.open()

    def attach_scan(self) -> None:
        """Record the selected letter as signed with a scan or photo of the paper: who signed,
        when, and the file (not an image or PDF, or over 20 MB, is refused)."""
        letter_id = self._selected()
        if letter_id is None:
            return
        row = self.letters.model.row(self.letters.selected_row())

        def save(name: str, signed_on: date, path: Path) -> None:
            sign_letter(self.engine, letter_id, name, signed_on, scan=path, user=self.user)
            self.letters.refresh()

        self.dialog = ScanDialog(row.values[0], row.values[2] or "", save, self.ask_scan_file, self)
        self.dialog.open()

    def import_scans(self) -> None:
        """Read a stack of scanned signed letters off the GUI thread, then preview it: every
        page, its letter and its problem, before anything is filed."""
        paths = self.ask_batch_files(self)
        if not paths:
            return

        def preview(result: Any) -> None:
            if isinstance(result, ValidationError):
                self.inform(self, "批量导入签字件", message_of(result))
                return
            pages, book = result
            self.dialog = ScanImportDialog(self.engine, self.user, pages, book, filed, self)
            self.dialog.open()

        def filed(result: Any) -> None:
            self.letters.refresh()
            self.inform(self, "批量导入签字件", f"{result.summary.text}。")

        self.job = run_job(self, "识别签字件", lambda: read_batch_job(self.engine, paths), preview)

    def reprint(self) -> None:
        """Save the selected letter again: with the text it was printed with and its pad
        signature, or, when a scan was attached, the scan itself."""
        letter_id = self._selected()
        if letter_id is None:
            return
        number = self.letters.model.row(self.letters.selected_row()).values[0]
        path = self.ask_pdf(self, "重印/签字件", str(Path.home() / f"{number}.pdf"))
        if not path:
            return
        try:
            export_signed_copy(self.engine, letter_id, path)
        except (ValidationError, MissingGlyphError, OSError) as exc:
            self.inform(self, "无法重印", message_of(exc))
            return
        self.open_file(path)

    def preview(self) -> None:
        """Show the selected letter as it prints (with its signature once signed)."""
        from app.documents import default_fonts
        from app.documents.layout import layout_document
        from ui.document_preview import PreviewDialog

        letter_id = self._selected()
        if letter_id is None:
            return
        try:
            docs = letter_documents(self.engine, [letter_id])
            pages = [(p, d.page_style) for d in docs for p in layout_document(d, default_fonts())]
        except (ValidationError, MissingGlyphError) as exc:
            self.inform(self, "无法预览", message_of(exc))
            return
        number = self.letters.model.row(self.letters.selected_row()).values[0]
        self.preview_window = PreviewDialog(f"预览：{number}", pages, self)
        self.preview_window.show()

    def edit_templates(self) -> None:
        """Open the template editor with its live preview."""
        self.dialog = TemplateEditor(self.engine, self.user, self)
        self.dialog.open()
