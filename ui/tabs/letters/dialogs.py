"""Dialogs of the letters tab: the signing pad, attaching a scan, and the template editor.

What to print is asked in `ui.tabs.letters.print_dialog`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QIODevice, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.core.vocab import LETTER_KINDS
from app.documents import MissingGlyphError, default_fonts
from app.documents.layout import layout_document
from app.letters.templates import current_template, sample_letter
from ui.document_preview import PagePreview
from ui.register.form_dialog import (
    DISCARD_TEXT,
    DISCARD_TITLE,
    ERROR_STYLE,
    DateEdit,
    GuardedDialog,
    ask_discard_with_message_box,
    confirm_buttons,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

PREVIEW_DELAY_MS = 150


class SignaturePad(QWidget):
    """Draw a signature with the mouse, a pen or a finger; `png()` is the picture."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(420, 160)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.strokes: list[QPainterPath] = []
        self._drawing = False

    def is_empty(self) -> bool:
        """Whether nothing has been drawn."""
        return not any(path.length() > 3 for path in self.strokes)

    def clear(self) -> None:
        """Start again."""
        self.strokes = []
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A stroke starts (a pen or a touch arrives as mouse events too)."""
        path = QPainterPath(event.position())
        self.strokes.append(path)
        self._drawing = True

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """The stroke goes on."""
        if self._drawing and self.strokes:
            self.strokes[-1].lineTo(event.position())
            self.update()

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        """The stroke ends."""
        self._drawing = False

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("black"), 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for path in self.strokes:
            painter.drawPath(path)

    def paintEvent(self, _event) -> None:
        """White paper, a baseline, and the strokes."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#bdc3c7"), 1, Qt.PenStyle.DashLine))
        y = self.height() * 3 // 4
        painter.drawLine(10, y, self.width() - 10, y)
        self._paint(painter)
        painter.end()

    def png(self) -> bytes:
        """The signature on a transparent background, as PNG bytes."""
        image = QImage(self.size(), QImage.Format.Format_ARGB32)
        image.fill(QColor(0, 0, 0, 0))
        painter = QPainter(image)
        self._paint(painter)
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(buffer.data())


class SignatureDialog(GuardedDialog):
    """The signer signs on the pad; 保存 hands (name, date, png) to `save`."""

    def __init__(
        self,
        number: str,
        signer: str,
        save: Callable[[str, date, bytes], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"签名：{number}")
        self._save = save
        self.pad = SignaturePad()
        self.signer = QLineEdit(signer)
        self.signed_on = DateEdit()
        self.signed_on.set_value(date.today())
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        clear = QPushButton("重签")
        clear.clicked.connect(self.pad.clear)
        buttons, self.save_button = confirm_buttons("保存签名", self.save, self.reject)
        form = QFormLayout()
        form.addRow("签名人", self.signer)
        form.addRow("签回日期", self.signed_on)
        row = QHBoxLayout()
        row.addWidget(QLabel("请在下面的白框内签名："))
        row.addStretch(1)
        row.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.pad, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def snapshot(self) -> tuple:
        """Signer, date and whether anything is drawn: a signature is not thrown away unasked."""
        return self.signer.text(), self.signed_on.value(), self.pad.is_empty()

    def save(self) -> None:
        """Refuse an empty pad; otherwise save and close."""
        if self.pad.is_empty():
            self._show("签名板上还没有签名")
            return
        try:
            self._save(self.signer.text(), self.signed_on.value() or date.today(), self.pad.png())
        except ValidationError as exc:
            self._show("\n".join(exc.errors.values()))
            return
        self.accept()

    def _show(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class ScanDialog(GuardedDialog):
    """Attach a scan or photo of the signed paper: who signed, when, and the file; 保存 hands
    (name, date, path) to `save`, which may refuse it (not an image, over 20 MB)."""

    def __init__(
        self,
        number: str,
        signer: str,
        save: Callable[[str, date, Path], None],
        choose_file: Callable[[QWidget], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"附签字件：{number}")
        self.setMinimumWidth(480)
        self._save = save
        self._choose_file = choose_file
        self.signer = QLineEdit(signer)
        self.signed_on = DateEdit()
        self.signed_on.set_value(date.today())
        self.file = QLineEdit()
        self.file.setReadOnly(True)
        self.file.setPlaceholderText("扫描件或照片：PNG、JPEG或PDF，不超过20 MB")
        browse = QPushButton("选择文件…")
        browse.clicked.connect(self.browse)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons, self.save_button = confirm_buttons("保存", self.save, self.reject)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("签名人", self.signer)
        form.addRow("签回日期", self.signed_on)
        form.addRow("签字件", row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def snapshot(self) -> tuple:
        """Signer, date and the chosen file."""
        return self.signer.text(), self.signed_on.value(), self.file.text()

    def browse(self) -> None:
        """Choose the file."""
        path = self._choose_file(self)
        if path:
            self.file.setText(path)

    def save(self) -> None:
        """Refuse a missing file; otherwise save and close."""
        if not self.file.text():
            self._show("请选择签字后的扫描件或照片")
            return
        try:
            self._save(
                self.signer.text(), self.signed_on.value() or date.today(), Path(self.file.text())
            )
        except ValidationError as exc:
            self._show("\n".join(exc.errors.values()))
            return
        self.accept()

    def _show(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class TemplateEditor(GuardedDialog):
    """Edit a letter's text on the left, see the letter on the right as you type."""

    def __init__(self, engine: Engine, user: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.letters.templates import save_template

        self.setWindowTitle("编辑文书模板")
        self.resize(1100, 760)
        self.engine = engine
        self.user = user
        self._save_template = save_template
        self.kind = QComboBox()
        for code, label in LETTER_KINDS.items():
            self.kind.addItem(label, code)
        self.shown_kind = 0
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.version = QLabel()
        self.text = QPlainTextEdit()
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.help = QLabel(
            "第一行“标题：……”；“# ”开头为小标题，“> ”开头不缩进；{户主姓名}等为占位符；"
            "[落款] [签名] [二维码] [回执] 为版式标记。"
            "保存后生成新版本，已打印的文书重印时仍用原版本。"
        )
        self.help.setWordWrap(True)
        self.preview = PagePreview()
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.refresh_preview)
        self.text.textChanged.connect(self.timer.start)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存为新版本")
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("文书"))
        top.addWidget(self.kind)
        top.addWidget(self.version)
        top.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.text, 1)
        left.addWidget(self.help)
        left.addWidget(self.error)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(self.preview, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.load()

    def snapshot(self) -> str:
        """The text being edited."""
        return self.text.toPlainText()

    def _kind_changed(self, index: int) -> None:
        """Another kind of letter: edited text of this one is not replaced without asking."""
        ask = self.ask_discard or ask_discard_with_message_box
        if self.has_changes() and not ask(self, DISCARD_TITLE, DISCARD_TEXT):
            self.kind.blockSignals(True)
            self.kind.setCurrentIndex(self.shown_kind)
            self.kind.blockSignals(False)
            return
        self.load()

    def load(self) -> None:
        """Show the current version of the chosen kind."""
        template = current_template(self.engine, self.kind.currentData())
        self.shown_kind = self.kind.currentIndex()
        self.version.setText(f"当前为第{template.version}版")
        self.text.setPlainText(template.text)
        self.refresh_preview()
        self.mark_saved()

    def refresh_preview(self) -> None:
        """Lay out the letter with sample values and show its first page, or what is wrong."""
        self.timer.stop()
        try:
            doc = sample_letter(self.engine, self.kind.currentData(), self.text.toPlainText())
            pages = layout_document(doc, default_fonts())
        except (ValidationError, MissingGlyphError) as exc:
            message = (
                "\n".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
            )
            self.error.setText(message)
            self.preview.show_page(None, None, message)
            self.save_button.setEnabled(False)
            return
        self.error.setText("" if len(pages) == 1 else f"注意：这份文书有{len(pages)}页，超过一页。")
        self.preview.show_page(pages[0], doc.page_style)
        self.save_button.setEnabled(True)

    def save(self) -> None:
        """Store the text as the kind's new version."""
        try:
            saved = self._save_template(
                self.engine, self.kind.currentData(), self.text.toPlainText(), self.user
            )
        except ValidationError as exc:
            self.error.setText("\n".join(exc.errors.values()))
            return
        self.version.setText(f"已保存为第{saved.version}版")
        self.mark_saved()
