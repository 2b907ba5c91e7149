"""The on-screen preview of a printout: the engine's laid-out page painted with QPainter.

PySide6-Essentials (6.12 here) ships no QtPdf or QtPdfWidgets (they are in PySide6-Addons),
and rendering a PDF only to show it would be slow. The layout (app/documents/layout.py)
already says where every run of characters, rule, picture and QR module goes; painting the
same items here, each run in the face the PDF uses, shows what the PDF has in a few
milliseconds. The same painter prints through Qt's print dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QFontDatabase,
    QImage,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import QFileDialog, QSizePolicy, QWidget

from app.core.paths import font_path
from app.documents.fonts import BUNDLED, default_fonts
from app.documents.layout import Code, Dashed, Page, Picture, Rule, TextLine
from app.documents.model import PageStyle
from app.documents.render import qr_modules
from ui.screen_fit import fit_to_screen

_family: str | None = None


def bundled_family() -> str:
    """The Qt family name of the bundled font, registered on first use."""
    global _family
    if _family is None:
        font_id = QFontDatabase.addApplicationFont(str(font_path()))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        _family = families[0] if families else QFont().family()
    return _family


def paint_page(painter: QPainter, page: Page, style: PageStyle, target: QRectF) -> None:
    """Paint one laid-out page into `target` (points scaled to fit, y turned downwards)."""
    scale = min(target.width() / style.page_width, target.height() / style.page_height)
    painter.save()
    painter.translate(target.topLeft())
    painter.scale(scale, scale)
    painter.fillRect(QRectF(0, 0, style.page_width, style.page_height), QColor("white"))
    height = style.page_height
    bundled = bundled_family()
    families = default_fonts().families
    # the page is in PDF points (1/72 inch); a QFont point follows the device's DPI
    points = 72.0 / (painter.device().logicalDpiY() or 72)
    for item in page.items:
        if isinstance(item, TextLine):
            for run in item.runs:
                # an office font (仿宋, 黑体) is asked for by its family name; Qt finds it
                family = bundled if run.face.name == BUNDLED else families.get(run.face.name)
                font = QFont(family or bundled)
                font.setPointSizeF(item.size * points)
                font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, item.char_space)
                font.setBold(run.face.synthetic_bold)
                painter.setFont(font)
                painter.setPen(QColor("black"))
                painter.drawText(QPointF(run.x, height - item.y), run.text)
        elif isinstance(item, Rule):
            painter.setPen(QPen(QColor("black"), item.width))
            painter.drawLine(QPointF(item.x1, height - item.y1), QPointF(item.x2, height - item.y2))
        elif isinstance(item, Dashed):
            painter.setPen(QPen(QColor("black"), 0.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(item.x1, height - item.y), QPointF(item.x2, height - item.y))
        elif isinstance(item, Picture):
            image = QImage.fromData(item.data)
            painter.drawImage(
                QRectF(item.x, height - item.y - item.height, item.width, item.height), image
            )
        elif isinstance(item, Code):
            for x, y, w, h in qr_modules(item.text, item.size):
                painter.fillRect(QRectF(item.x + x, height - item.y - y - h, w, h), QColor("black"))
    painter.restore()


class PagePreview(QWidget):
    """Shows the first page of a laid-out document, scaled to the widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page: Page | None = None
        self.style: PageStyle | None = None
        self.message = ""
        self.setMinimumSize(300, 424)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_page(self, page: Page | None, style: PageStyle | None, message: str = "") -> None:
        """Show a page (None with a message: what is wrong instead of a page)."""
        self.page, self.style, self.message = page, style, message
        self.update()

    def paintEvent(self, _event) -> None:
        """A grey desk with the page on it, or the message."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#d0d3d4"))
        if self.page is None or self.style is None:
            painter.setPen(QColor("#c0392b"))
            painter.drawText(
                self.rect().adjusted(12, 12, -12, -12), Qt.TextFlag.TextWordWrap, self.message
            )
            return
        margin = 10
        area = QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)
        ratio = self.style.page_width / self.style.page_height
        width = min(area.width(), area.height() * ratio)
        target = QRectF(area.left() + (area.width() - width) / 2, area.top(), width, width / ratio)
        paint_page(painter, self.page, self.style, target)
        painter.end()


Pages = Sequence[tuple[Page, PageStyle]]


def print_documents(parent: QWidget, pages: Pages) -> bool:
    """Print laid-out pages through Qt's print dialog; False when the clerk cancels."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    dialog = QPrintDialog(printer, parent)
    dialog.setMinMax(1, len(pages))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    first, last = printer.fromPage(), printer.toPage()
    chosen = range(first - 1, last) if first and last else range(len(pages))
    paint_to_printer(printer, (pages[i] for i in chosen))
    return True


def paint_to_printer(printer, pages: Iterable[tuple[Page, PageStyle]]) -> None:
    """Paint pages on a QPrinter (or any paged device), one sheet each."""
    painter = QPainter(printer)
    try:
        for number, (page, style) in enumerate(pages):
            if number:
                printer.newPage()
            area = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
            paint_page(painter, page, style, area)
    finally:
        painter.end()


class PreviewDialog(QWidget):
    """A window showing laid-out pages one at a time, with 上一页/下一页, 打印… and, for a
    produced PDF, 用系统程序打开.

    `pages` is any sequence (a list, or pages laid out only when shown: a 1,000-letter batch).
    PySide6-Essentials ships no QtPdf, so the PDF itself is not rendered here: these are the
    engine's own laid-out pages, the very items the PDF was drawn from.
    """

    def __init__(
        self,
        title: str,
        pages: Pages,
        parent=None,
        *,
        pdf_path: str | None = None,
        open_file: Callable[[str], None] | None = None,
        note: str = "",
    ) -> None:
        from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout

        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(title)
        self.resize(720, 960)  # an A4 page, as much of it as the screen allows
        fit_to_screen(self)
        self.pages = pages
        self.index = 0
        self.preview = PagePreview()
        self.label = QLabel()
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.previous = QPushButton("上一页")
        self.next = QPushButton("下一页")
        self.print_button = QPushButton("打印…")
        self.open_button = QPushButton("用系统程序打开")
        self.previous.clicked.connect(lambda: self.go(self.index - 1))
        self.next.clicked.connect(lambda: self.go(self.index + 1))
        self.print_button.clicked.connect(lambda: print_documents(self, self.pages))
        self.open_button.clicked.connect(lambda: open_file(pdf_path))
        self.open_button.setVisible(bool(pdf_path and open_file))
        row = QHBoxLayout()
        for widget in (self.previous, self.next, self.label):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.open_button)
        row.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        if note:
            layout.addWidget(self.note)
        layout.addLayout(row)
        layout.addWidget(self.preview, 1)
        self.go(0)

    def go(self, index: int) -> None:
        """Show page `index` (kept within the pages)."""
        self.index = max(0, min(index, len(self.pages) - 1))
        page, style = self.pages[self.index]
        self.preview.show_page(page, style)
        self.label.setText(f"第 {self.index + 1} / {len(self.pages)} 页")
        self.previous.setEnabled(self.index > 0)
        self.next.setEnabled(self.index < len(self.pages) - 1)


def ask_pdf_path(parent: QWidget, title: str, suggested: str) -> str | None:
    """Ask where to save a PDF; the .pdf suffix is added if left out."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, "PDF 文件 (*.pdf)")
    if not path:
        return None
    return path if path.lower().endswith(".pdf") else path + ".pdf"


def open_in_viewer(path: str) -> None:
    """Open a file in the system's viewer."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(path))
