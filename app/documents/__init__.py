"""The one document engine every printout goes through (letters, rosters, minutes, notices).

    doc = Document(style="official").title("…").paragraph("…").signature("…", date.today())
    render_pdf(doc, "out.pdf")

See `model` for the blocks, `layout` for Chinese line breaking on the 公文 grid, `fonts` for
the font chains with glyph-by-glyph fallback to the bundled font.
"""

from app.documents.fonts import FontSet, MissingGlyphError, default_fonts
from app.documents.model import LETTER, OFFICIAL, Document, PageStyle, chinese_date
from app.documents.render import render_pdf, render_pdf_job

__all__ = [
    "LETTER",
    "OFFICIAL",
    "Document",
    "FontSet",
    "MissingGlyphError",
    "PageStyle",
    "chinese_date",
    "default_fonts",
    "render_pdf",
    "render_pdf_job",
]
