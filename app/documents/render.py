"""Draw laid-out documents into one PDF, written under a temporary name and renamed at the end.

Every document is laid out (and so checked for missing glyphs) before any of its pages is
drawn; a cancelled or failed job leaves no file behind. Fonts are subset once per PDF, so
1,000 letters share one copy of each glyph.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from pathlib import Path

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app import APP_TITLE
from app.core.files import replacing
from app.core.progress import Job, Progress
from app.documents.fonts import FontSet, default_fonts
from app.documents.layout import Code, Dashed, Page, Picture, Rule, TextLine, layout_document
from app.documents.model import Document, PageStyle

# Fake bold for a 黑体/小标宋 role drawn with the serif: fill and stroke, this share of the size.
SYNTHETIC_BOLD_STROKE = 0.035


def _draw_text(canvas: Canvas, lines: list[TextLine]) -> None:
    """All text of a page as one text object: the font, spacing and mode are written only when
    they change, which keeps 1,000 letters small. Fake bold strokes the glyphs (mode 2) with a
    line width set for the page, inside q … Q so the mode never leaks into later drawing."""
    bold_sizes = [line.size for line in lines for run in line.runs if run.face.synthetic_bold]
    canvas.saveState()
    if bold_sizes:
        canvas.setLineWidth(max(bold_sizes) * SYNTHETIC_BOLD_STROKE)
    text = canvas.beginText()
    for line in lines:
        for run in line.runs:
            text.setTextOrigin(run.x, line.y)
            text.setFont(run.face.name, line.size)
            text.setCharSpace(line.char_space)
            text.setTextRenderMode(2 if run.face.synthetic_bold else 0)
            text.textOut(run.text)
    canvas.drawText(text)
    canvas.restoreState()


def _draw_page(
    canvas: Canvas, page: Page, style: PageStyle, page_numbers: bool, fonts: FontSet
) -> None:
    lines = [item for item in page.items if isinstance(item, TextLine)]
    if lines:
        _draw_text(canvas, lines)
    for item in page.items:
        if isinstance(item, TextLine):
            continue
        elif isinstance(item, Rule):
            canvas.setLineWidth(item.width)
            canvas.line(item.x1, item.y1, item.x2, item.y2)
        elif isinstance(item, Code):
            _draw_qr(canvas, item)
        elif isinstance(item, Dashed):
            canvas.saveState()
            canvas.setDash(4, 3)
            canvas.setLineWidth(0.5)
            canvas.line(item.x1, item.y, item.x2, item.y)
            canvas.restoreState()
        elif isinstance(item, Picture):
            canvas.drawImage(
                ImageReader(io.BytesIO(item.data)), item.x, item.y, item.width, item.height,
                mask="auto", preserveAspectRatio=True, anchor="sw",
            )  # fmt: skip
    if page_numbers:
        _page_number(canvas, page.number, style, fonts)


@functools.lru_cache(maxsize=256)
def _qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules of `text` (level M, mask 0: any mask is valid, and trying all eight to
    pick the prettiest is most of the encoding time, 1.8 ms of 2.1 ms per letter)."""
    from reportlab.graphics.barcode import qrencoder

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.version = code.calculate_version()
    code.makeImpl(False, 0)
    count = code.getModuleCount()
    return tuple(tuple(code.isDark(r, c) for c in range(count)) for r in range(count))


@functools.lru_cache(maxsize=256)
def _qr_runs(text: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The module count of a QR code of `text`, and its dark runs as (column, row from the
    bottom, length) in whole modules."""
    matrix = _qr_matrix(text)
    count = len(matrix)
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            runs.append((start, count - 1 - r, c - start))
    return count, tuple(runs)


def qr_modules(text: str, size: float) -> list[tuple[float, float, float, float]]:
    """The dark runs of a QR code of `text`, `size` points wide: (x, y, w, h) from the
    bottom-left corner, one rectangle per run of a row (for the on-screen preview)."""
    count, runs = _qr_runs(text)
    step = size / count
    return [(c * step, r * step, n * step, step) for c, r, n in runs]


def _draw_qr(canvas: Canvas, item: Code) -> None:
    """Draw the code's modules as filled rectangles (renderPDF would add an unembedded font),
    in a coordinate system of one unit per module: whole numbers keep 1,000 codes small."""
    count, runs = _qr_runs(item.text)
    step = item.size / count
    path = canvas.beginPath()
    for c, r, n in runs:
        path.rect(c, r, n, 1)
    canvas.saveState()
    canvas.translate(round(item.x, 2), round(item.y, 2))
    canvas.scale(step, step)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _page_number(canvas: Canvas, number: int, style: PageStyle, fonts: FontSet) -> None:
    """GB/T 9704: "— 1 —" in 4号 宋体 7 mm below the text block; odd pages right, even left."""
    from reportlab.lib.units import mm

    label = f"— {number} —"
    size = style.page_number_size
    face = fonts.face_for("song", "—")
    if face is None:  # pragma: no cover - the bundled font has the dash
        return
    width = sum(face.width(c, size) for c in label)
    y = style.page_height - style.top - style.text_height - 7 * mm - size * 0.76
    odd = number % 2 == 1
    x = style.left + style.text_width - size - width if odd else style.left + size
    canvas.setFont(face.name, size)
    canvas.drawString(x, y, label)


def render_pdf_job(
    docs: Iterable[Document], path: Path | str, total: int, fonts: FontSet | None = None
) -> Job[int]:
    """Draw `docs` (one after another, each from a new page) into one PDF; returns the pages.

    A generator job: yields Progress after each document; closing it (cancel) leaves no file.
    """
    fonts = fonts or default_fonts()
    target = Path(path)
    pages_drawn = 0
    with replacing(target) as temp:
        canvas = Canvas(
            str(temp), invariant=True, pageCompression=1, initialFontName=fonts.bundled.name
        )
        canvas.setCreator(APP_TITLE)
        title_set = False
        for done, doc in enumerate(docs, start=1):
            pages = layout_document(doc, fonts)
            if not title_set:
                canvas.setTitle(_title_of(doc))
                title_set = True
            numbers = doc.page_style.page_numbers if doc.page_numbers is None else doc.page_numbers
            for page in pages:
                _draw_page(canvas, page, doc.page_style, numbers, fonts)
                canvas.showPage()
                pages_drawn += 1
            yield Progress(done, total, f"已生成 {done}/{total} 份")
        if pages_drawn == 0:
            raise ValueError("没有可打印的内容")
        canvas.save()
    return pages_drawn


def _title_of(doc: Document) -> str:
    from app.documents.model import Title

    title = next((b.text for b in doc.blocks if isinstance(b, Title)), APP_TITLE)
    return title.replace("\n", "")


def render_pdf(docs: Document | Iterable[Document], path: Path | str) -> int:
    """Draw one document, or several into one PDF, at `path`; returns the number of pages."""
    from app.core.progress import run_to_end

    items = [docs] if isinstance(docs, Document) else list(docs)
    return run_to_end(render_pdf_job(items, path, len(items)))
