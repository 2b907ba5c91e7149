"""What a printout says: a `Document` is a page style and a list of blocks, in reading order.

Callers describe content (title, headings, paragraphs, labelled lines, tables, a signature);
`app.documents.layout` decides where each character goes and `render` draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm


@dataclass(frozen=True)
class PageStyle:
    """Page geometry and the character grid of the body text."""

    name: str
    top: float
    left: float
    text_width: float
    text_height: float
    body_size: float
    chars_per_line: int
    lines_per_page: int
    title_size: float
    table_size: float
    page_numbers: bool
    page_number_size: float = 14.0
    page_width: float = A4[0]
    page_height: float = A4[1]

    @property
    def pitch_x(self) -> float:
        """The advance of one body character: the grid, not the font, sets it."""
        return self.text_width / self.chars_per_line

    @property
    def pitch_y(self) -> float:
        """The distance between two body lines."""
        return self.text_height / self.lines_per_page


# GB/T 9704-2012: A4, top 37 mm, left 28 mm, text block 156 × 225 mm, body 3号 (16 pt),
# 22 lines of 28 characters, title 2号 (22 pt), page numbers 4号 (14 pt).
OFFICIAL = PageStyle(
    name="official",
    top=37 * mm,
    left=28 * mm,
    text_width=156 * mm,
    text_height=225 * mm,
    body_size=16.0,
    chars_per_line=28,
    lines_per_page=22,
    title_size=22.0,
    table_size=12.0,
    page_numbers=True,
)
# Letters to households: the same engine, a roomier 4号 (14 pt) page without page numbers.
LETTER = PageStyle(
    name="letter",
    top=22 * mm,
    left=22 * mm,
    text_width=166 * mm,
    text_height=253 * mm,
    body_size=14.0,
    chars_per_line=33,
    lines_per_page=32,
    title_size=20.0,
    table_size=11.0,
    page_numbers=False,
)
STYLES = {"official": OFFICIAL, "letter": LETTER}


@dataclass(frozen=True)
class Title:
    """The document's title, centred, in the title face: "\n" breaks it where the caller
    wants (GB/T 9704: 回行时要做到词意完整); a long line wraps with its words whole."""

    text: str


@dataclass(frozen=True)
class Centered:
    """A centred line in the body face (document number, subtitle)."""

    text: str
    role: str = "body"


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 in 黑体, level 2 in 楷体; indented two characters like the body."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """Body text; the first line indented two characters unless `indent` is False."""

    text: str
    indent: bool = True
    role: str = "body"
    align: str = "justify"  # justify, left, right, center


@dataclass(frozen=True)
class Labelled:
    """A label in 黑体 and its text, wrapped lines aligned after the label (出席：…)."""

    label: str
    text: str


@dataclass(frozen=True)
class Table:
    """A ruled table; the header row repeats on every page it spans."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    align: tuple[str, ...]


@dataclass(frozen=True)
class Signature:
    """The issuer centred over the date; the date four characters from the right edge."""

    issuer: str
    signed_on: date | None


@dataclass(frozen=True)
class Imprint:
    """The 版记 at the foot of the last page (GB/T 9704 7.4): the issuing office and the
    印发 date between two thick rules, and the 抄送 line above a thin one when given."""

    issuer: str
    issued_on: date
    copies_to: str = ""


@dataclass(frozen=True)
class Spacer:
    """Blank body lines."""

    lines: float = 1.0


@dataclass(frozen=True)
class PageBreak:
    """Continue on a new page."""


@dataclass(frozen=True)
class Image:
    """A picture (a signature, a QR code) of a given size in millimetres."""

    data: bytes
    width_mm: float
    height_mm: float
    align: str = "left"  # left, center, right
    caption: str = ""


@dataclass(frozen=True)
class QRCode:
    """A QR code of `text` (a letter's number), `size_mm` square, with the text under it."""

    text: str
    size_mm: float = 22.0
    align: str = "right"
    # a floating code sits beside the lines that follow it instead of above them
    floating: bool = False


@dataclass(frozen=True)
class MarginNote:
    """A small line in the top margin of the current page, at the right (a letter's number);
    it takes none of the text block's lines."""

    text: str


@dataclass(frozen=True)
class CutLine:
    """A dashed line across the page with a note (the tear-off receipt's 沿此线剪下)."""

    note: str = "（请沿此线剪下）"


Block = (
    Title
    | Centered
    | Heading
    | Paragraph
    | Labelled
    | Table
    | Signature
    | Spacer
    | PageBreak
    | Image
    | QRCode
    | CutLine
    | MarginNote
    | Imprint
)


def chinese_date(day: date) -> str:
    """A date as GB/T 9704 writes it: 2024年3月5日 (Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Document:
    """A printout being described. `where` names the record in error messages.

    Build it with the methods below, then `render_pdf(doc, path)`.
    """

    style: str = "official"
    where: str = ""
    blocks: list[Block] = field(default_factory=list)
    page_numbers: bool | None = None

    @property
    def page_style(self) -> PageStyle:
        """The page geometry of this document's style."""
        return STYLES[self.style]

    def title(self, text: str) -> Document:
        """The title: 2号, centred; "\n" in `text` breaks it there."""
        self.blocks.append(Title(text))
        return self

    def centered(self, text: str) -> Document:
        """A centred body line (document number 〔2024〕17号, a subtitle)."""
        self.blocks.append(Centered(text))
        return self

    def heading(self, text: str, level: int = 1) -> Document:
        """A level-1 (黑体) or level-2 (楷体) heading."""
        self.blocks.append(Heading(text, level))
        return self

    def paragraph(self, text: str, indent: bool = True, align: str = "justify") -> Document:
        """A body paragraph; line breaks in `text` start new paragraphs."""
        for part in text.split("\n"):
            self.blocks.append(Paragraph(part, indent, "body", align))
        return self

    def labelled(self, label: str, text: str) -> Document:
        """`label` in 黑体 with `text` after it; wrapped lines align under the text."""
        self.blocks.append(Labelled(label, text))
        return self

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        widths: Sequence[float] | None = None,
        align: Sequence[str] | None = None,
    ) -> Document:
        """A ruled table; `widths` are relative, `align` is left/center/right per column."""
        count = len(headers)
        widths = tuple(widths) if widths else (1.0,) * count
        align = tuple(align) if align else ("center",) * count
        if len(widths) != count or len(align) != count:
            raise ValueError("widths and align need one entry per column")
        cells = tuple(tuple("" if v is None else str(v) for v in row) for row in rows)
        if any(len(row) != count for row in cells):
            raise ValueError("every row needs one cell per column")
        self.blocks.append(Table(tuple(headers), cells, widths, align))
        return self

    def signature(self, issuer: str, signed_on: date | None) -> Document:
        """The issuer and the date at the end of a 公文 or letter."""
        self.blocks.append(Signature(issuer, signed_on))
        return self

    def imprint(self, issuer: str, issued_on: date, copies_to: str = "") -> Document:
        """The 版记 (GB/T 9704 7.4) at the foot of the last page: `issuer` and
        "2024年3月5日印发" between rules, with "抄送：`copies_to`" above when given. It ends the
        document: anything after it starts a new page."""
        self.blocks.append(Imprint(issuer, issued_on, copies_to))
        return self

    def spacer(self, lines: float = 1.0) -> Document:
        """Blank lines."""
        self.blocks.append(Spacer(lines))
        return self

    def page_break(self) -> Document:
        """Continue on a new page."""
        self.blocks.append(PageBreak())
        return self

    def qr_code(
        self, text: str, size_mm: float = 22.0, align: str = "right", floating: bool = False
    ) -> Document:
        """A QR code of `text` (vectors: sharp on any printer). A floating code sits at the right
        beside the next short lines (a receipt's), taking no height of its own."""
        self.blocks.append(QRCode(text, size_mm, align, floating))
        return self

    def cut_line(self, note: str = "（请沿此线剪下）") -> Document:
        """A dashed cut line across the page, e.g. above a tear-off receipt."""
        self.blocks.append(CutLine(note))
        return self

    def margin_note(self, text: str) -> Document:
        """A small line in the top margin at the right, e.g. 编号：GZ2026-7F3A-000123."""
        self.blocks.append(MarginNote(text))
        return self

    def image(
        self, data: bytes, width_mm: float, height_mm: float, align: str = "left", caption: str = ""
    ) -> Document:
        """A PNG or JPEG picture (signature, QR code) of the given size."""
        self.blocks.append(Image(data, width_mm, height_mm, align, caption))
        return self
