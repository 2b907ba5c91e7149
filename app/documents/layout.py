"""Where every character goes: Chinese line breaking on an exact character grid, and pages.

Platypus is not used for text: its CJK wrapping lets 。，、 start a line, it collapses the
ideographic space U+3000 (so `日期：　　年　　月　　日` loses its blanks), and 16 pt characters
do not come out 28 to a 156 mm line. Here each body character advances by the grid pitch
(the font size plus a small negative character spacing), lines break between clusters that
keep Chinese rules (see `breaking`: no closing punctuation at a line start, no opening one at
a line end, no break inside a number with its unit, a date or a Latin word), and a full line
is justified by spreading the slack, or squeezed when a number was pushed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.documents.breaking import (  # noqa: F401 - NO_END, NO_START, clusters: re-exported
    NO_END,
    NO_START,
    OPENING_SQUEEZE,
    Measurer,
    break_lines,
    clusters,
    squeeze,
)
from app.documents.fonts import Face, FontSet
from app.documents.model import (
    Block,
    Centered,
    CutLine,
    Document,
    Heading,
    Image,
    Labelled,
    MarginNote,
    PageBreak,
    PageStyle,
    Paragraph,
    QRCode,
    Signature,
    Spacer,
    Table,
    Title,
    chinese_date,
)
from app.documents.titles import title_lines

EPSILON = 0.01
# Remembered runs of a line (see Layout._parts); cleared whole when this many accumulate.
CACHE_SIZE = 20_000
_RUNS: dict[tuple, tuple[tuple[tuple[float, int, str, Face], ...], float]] = {}


@dataclass(frozen=True)
class Run:
    """Consecutive characters of one face, starting at `x`."""

    x: float
    text: str
    face: Face


@dataclass(frozen=True)
class TextLine:
    """A line of text: its baseline, size, character spacing and runs."""

    y: float
    size: float
    char_space: float
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        """The characters of the line, in order."""
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Rule:
    """A straight line (table rules)."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Picture:
    """An image placed at (x, y) bottom-left, of width × height points."""

    x: float
    y: float
    width: float
    height: float
    data: bytes


@dataclass(frozen=True)
class Code:
    """A QR code of `text`, `size` points square, bottom-left at (x, y)."""

    x: float
    y: float
    size: float
    text: str


@dataclass(frozen=True)
class Dashed:
    """A dashed line (a cut line)."""

    x1: float
    y: float
    x2: float


Item = TextLine | Rule | Picture | Code | Dashed


@dataclass
class Page:
    """One laid-out page and its number within its document."""

    number: int
    items: list[Item] = field(default_factory=list)


class Layout:
    """Lays out one document into pages, top to bottom, keeping the grid."""

    def __init__(self, doc: Document, fonts: FontSet) -> None:
        self.doc = doc
        self.style: PageStyle = doc.page_style
        self.m = Measurer(fonts, doc.where)
        self.pages: list[Page] = []
        self.y = 0.0  # the top of the next line, in PDF coordinates
        # a floating QR code at the right: paragraphs that start beside it keep clear of it
        self.float_bottom = 0.0
        self.float_width = 0.0
        self._new_page()

    # -- pages -----------------------------------------------------------------------------------
    @property
    def top(self) -> float:
        return self.style.page_height - self.style.top

    @property
    def bottom(self) -> float:
        return self.top - self.style.text_height

    def _new_page(self) -> None:
        self.pages.append(Page(len(self.pages) + 1))
        self.y = self.top
        self.float_bottom = self.float_width = 0.0

    def _room(self, height: float) -> None:
        """Start a new page unless `height` fits below the cursor (an empty page always fits)."""
        if self.y - height < self.bottom - EPSILON and self.y < self.top - EPSILON:
            self._new_page()

    def _add(self, item: Item) -> None:
        self.pages[-1].items.append(item)

    # -- text lines ------------------------------------------------------------------------------
    def _line(
        self,
        role: str,
        text: str,
        size: float,
        space: float,
        x: float,
        width: float,
        align: str,
        height: float,
    ) -> None:
        """Place one line of text in a row `height` high, starting a page if needed."""
        self._room(height)
        # the baseline sits where a full-size character's face would sit in the row
        baseline = self.y - (height + size * 0.76) / 2
        parts, natural = self._parts(role, text, size, space)
        if natural > width + EPSILON and len(text) > 1:  # a number pushed in: squeeze
            runs, char_space = self._squeezed(role, text, size, space, x, natural - width)
            self._add(TextLine(baseline, size, char_space, runs))
            self.y -= height
            return
        extra = 0.0
        if align == "justify" and len(text) > 1:
            extra = (width - natural) / len(text)
            natural = width
        if align == "center":
            x += (width - natural) / 2
        elif align == "right":
            x += width - natural
        # a justified line spreads its slack after every character: a run moves by the slack
        # of the characters before it
        runs = tuple(
            Run(x + offset + extra * before, part, face) for offset, before, part, face in parts
        )
        self._add(TextLine(baseline, size, space + extra, runs))
        self.y -= height

    def _squeezed(
        self, role: str, text: str, size: float, space: float, x: float, overflow: float
    ) -> tuple[tuple[Run, ...], float]:
        """The runs of a line `overflow` points too long, squeezed: punctuation gives up its
        empty half (an opening mark moves left into it), then every character a little. A
        run ends wherever a character does not follow the one before it by its width."""
        cuts, less = squeeze(self.m, role, text, size, overflow)
        char_space = space - less
        runs: list[Run] = []
        start_x = x
        run_text, run_face, expected = "", None, None
        for char, face, cut in zip(text, self.m.faces(role, text), cuts, strict=True):
            glyph_x = x - cut if char in OPENING_SQUEEZE else x
            if run_text and (face is not run_face or abs(glyph_x - expected) > 1e-6):
                runs.append(Run(start_x, run_text, run_face))
                run_text = ""
            if not run_text:
                start_x, run_face = glyph_x, face
            run_text += char
            expected = glyph_x + face.width(char, size) + char_space
            x += face.width(char, size) + char_space - cut
        runs.append(Run(start_x, run_text, run_face))
        return tuple(runs), char_space

    def _parts(
        self, role: str, text: str, size: float, space: float
    ) -> tuple[tuple[tuple[float, int, str, Face], ...], float]:
        """The runs of one face in a line, as (offset, characters before, text, face), and the
        line's natural width; remembered, since letters repeat their lines."""
        key = (id(self.m.fonts), role, text, size, space)
        found = _RUNS.get(key)
        if found is None:
            faces = self.m.faces(role, text)
            parts, start, x = [], 0, 0.0
            for i in range(1, len(text) + 1):
                if i == len(text) or faces[i] is not faces[start]:
                    parts.append((x, start, text[start:i], faces[start]))
                    x += sum(faces[start].width(c, size) + space for c in text[start:i])
                    start = i
            found = (tuple(parts), x)
            if len(_RUNS) > CACHE_SIZE:
                _RUNS.clear()
            _RUNS[key] = found
        return found

    def _wrapped(
        self,
        role: str,
        text: str,
        *,
        size: float | None = None,
        indent: float = 0.0,
        hang: float = 0.0,
        align: str = "justify",
        height: float | None = None,
        grid: bool = True,
    ) -> None:
        """A wrapped paragraph: first line indented by `indent`, the others by `hang`."""
        s = self.style
        size = size or s.body_size
        space = s.pitch_x - size if grid else 0.0
        height = height or s.pitch_y
        self._room(height)
        width = s.text_width
        if self.float_width and self.y <= self.float_bottom + EPSILON:
            self.float_width = 0.0  # below the floating code: full width again
        width -= self.float_width
        lines = break_lines(self.m, role, text, size, space, width - indent, width - hang)
        for number, line in enumerate(lines):
            offset = indent if number == 0 else hang
            last = number == len(lines) - 1
            line_align = "left" if align == "justify" and last else align
            self._line(role, line, size, space, s.left + offset, width - offset, line_align, height)

    # -- blocks ----------------------------------------------------------------------------------
    def place(self, block: Block) -> None:
        """Lay out one block below the previous one."""
        s = self.style
        if isinstance(block, Title):
            lines = title_lines(self.m, block.text, s.title_size, s.text_width)
            for line in lines:
                self._line(
                    "title",
                    line,
                    s.title_size,
                    0.0,
                    s.left,
                    s.text_width,
                    "center",
                    s.pitch_y * 1.25,
                )
            self.y -= s.pitch_y * 0.5
        elif isinstance(block, Centered):
            self._wrapped(block.role, block.text, align="center")
        elif isinstance(block, Heading):
            role = "heading" if block.level == 1 else "heading2"
            self._room(s.pitch_y * 2)  # never a heading alone at the foot of a page
            self._wrapped(role, block.text, indent=2 * s.pitch_x)
        elif isinstance(block, Paragraph):
            indent = 2 * s.pitch_x if block.indent else 0.0
            self._wrapped(block.role, block.text, indent=indent, align=block.align)
        elif isinstance(block, Labelled):
            self._labelled(block)
        elif isinstance(block, Table):
            TableLayout(self, block).place()
        elif isinstance(block, Signature):
            self._signature(block)
        elif isinstance(block, Spacer):
            self.y -= s.pitch_y * block.lines
            if self.y < self.bottom - EPSILON:
                self._new_page()
        elif isinstance(block, PageBreak):
            if self.y < self.top - EPSILON:
                self._new_page()
        elif isinstance(block, Image):
            self._image(block)
        elif isinstance(block, QRCode):
            self._qr(block)
        elif isinstance(block, MarginNote):
            size = s.table_size
            width = self.m.width("body", block.text, size, 0.0)
            parts, _natural = self._parts("body", block.text, size, 0.0)
            x = s.left + s.text_width - width
            runs = tuple(Run(x + offset, part, face) for offset, _before, part, face in parts)
            self._add(TextLine(self.top + size, size, 0.0, runs))
        elif isinstance(block, CutLine):
            self._room(s.pitch_y * 4)  # a cut line never ends a page: its receipt follows it
            self.y -= s.pitch_y * 0.5
            self._add(Dashed(s.left - 10, self.y, s.left + s.text_width + 10))
            self._wrapped(
                "body",
                block.note,
                size=s.table_size,
                align="center",
                grid=False,
                height=s.table_size * 1.6,
            )
        else:  # pragma: no cover - a new block kind without a layout is a programming error
            raise TypeError(type(block))

    def _labelled(self, block: Labelled) -> None:
        s = self.style
        space = s.pitch_x - s.body_size
        label_width = self.m.width("heading", block.label, s.body_size, space)
        lines = break_lines(
            self.m, "body", block.text, s.body_size, space,
            s.text_width - label_width, s.text_width - label_width,
        )  # fmt: skip
        for number, line in enumerate(lines):
            self._room(s.pitch_y)
            if number == 0:
                y = self.y
                self._line(
                    "heading",
                    block.label,
                    s.body_size,
                    space,
                    s.left,
                    label_width,
                    "left",
                    s.pitch_y,
                )
                self.y = y
            align = "left" if number == len(lines) - 1 else "justify"
            self._line(
                "body", line, s.body_size, space, s.left + label_width,
                s.text_width - label_width, align, s.pitch_y,
            )  # fmt: skip

    def _signature(self, block: Signature) -> None:
        s = self.style
        space = s.pitch_x - s.body_size
        date_text = chinese_date(block.signed_on) if block.signed_on else "　　年　　月　　日"
        date_width = self.m.width("body", date_text, s.body_size, space)
        right = s.left + s.text_width - 4 * s.pitch_x
        self._room(s.pitch_y * 3)
        self.y -= s.pitch_y
        centre = right - date_width / 2
        issuer_width = self.m.width("body", block.issuer, s.body_size, space)
        x = min(centre - issuer_width / 2, s.left + s.text_width - issuer_width)
        if block.issuer:
            self._line(
                "body",
                block.issuer,
                s.body_size,
                space,
                max(x, s.left),
                issuer_width,
                "left",
                s.pitch_y,
            )
        self._line(
            "body", date_text, s.body_size, space, right - date_width, date_width, "left", s.pitch_y
        )

    def _qr(self, block: QRCode) -> None:
        from reportlab.lib.units import mm

        s = self.style
        size = block.size_mm * mm
        if block.floating:
            self._room(size)
            self._add(Code(s.left + s.text_width - size, self.y - size, size, block.text))
            self.float_bottom, self.float_width = self.y - size, size + s.pitch_x / 2
            return
        label = s.table_size * 1.4
        self._room(size + label)
        x = s.left
        if block.align == "center":
            x += (s.text_width - size) / 2
        elif block.align == "right":
            x += s.text_width - size
        top = self.y
        self._add(Code(x, self.y - size, size, block.text))
        self.y -= size
        # the number under the code, kept inside the text block on the code's side
        span = {"left": (x, "left"), "right": (x - 2 * size, "right")}
        left, align = span.get(block.align, (x - size, "center"))
        self._line("body", block.text, s.table_size * 0.8, 0.0, left, size * 3, align, label)
        self.y = min(self.y, top - size - label)

    def _image(self, block: Image) -> None:
        from reportlab.lib.units import mm

        s = self.style
        width, height = block.width_mm * mm, block.height_mm * mm
        caption_height = s.pitch_y if block.caption else 0.0
        self._room(height + caption_height)
        x = s.left
        if block.align == "center":
            x += (s.text_width - width) / 2
        elif block.align == "right":
            x += s.text_width - width
        self._add(Picture(x, self.y - height, width, height, block.data))
        self.y -= height
        if block.caption:
            self._wrapped("body", block.caption, size=s.table_size, align=block.align, grid=False)


class TableLayout:
    """A ruled table: rows never split, the header repeats on every page."""

    PAD = 3.0

    def __init__(self, layout: Layout, table: Table) -> None:
        self.layout = layout
        self.table = table
        s = layout.style
        total = sum(table.widths)
        self.widths = [w * s.text_width / total for w in table.widths]
        self.size = s.table_size
        self.leading = self.size * 1.45

    def _cell_lines(self, role: str, text: str, width: float) -> list[str]:
        inner = width - 2 * self.PAD
        lines: list[str] = []
        for part in text.split("\n"):
            lines += break_lines(self.layout.m, role, part, self.size, 0.0, inner, inner)
        return lines

    def _row(self, role: str, cells: tuple[str, ...]) -> tuple[float, list[list[str]]]:
        wrapped = [self._cell_lines(role, c, w) for c, w in zip(cells, self.widths, strict=True)]
        height = max(len(lines) for lines in wrapped) * self.leading + 2 * self.PAD
        return height, wrapped

    def _draw_row(self, role: str, height: float, wrapped: list[list[str]], header: bool) -> None:
        lay = self.layout
        s = lay.style
        top = lay.y
        x = s.left
        lay._add(Rule(s.left, top, s.left + s.text_width, top))
        lay._add(Rule(s.left, top - height, s.left + s.text_width, top - height))
        for lines, width, align in zip(wrapped, self.widths, self.table.align, strict=True):
            lay._add(Rule(x, top, x, top - height))
            lay.y = top - self.PAD
            cell_align = "center" if header else align
            for line in lines:
                lay._line(
                    role,
                    line,
                    self.size,
                    0.0,
                    x + self.PAD,
                    width - 2 * self.PAD,
                    cell_align,
                    self.leading,
                )
            x += width
        lay._add(Rule(x, top, x, top - height))
        lay.y = top - height

    def place(self) -> None:
        """Lay out the header and every row, breaking pages between rows."""
        lay = self.layout
        header_height, header = self._row("heading", self.table.headers)
        rows = [self._row("body", r) for r in self.table.rows]
        first = rows[0][0] if rows else 0.0
        lay._room(header_height + first)
        self._draw_row("heading", header_height, header, True)
        for height, wrapped in rows:
            if lay.y - height < lay.bottom - EPSILON:
                lay._new_page()
                self._draw_row("heading", header_height, header, True)
            self._draw_row("body", height, wrapped, False)
        lay.y -= lay.style.pitch_y * 0.5


def layout_document(doc: Document, fonts: FontSet) -> list[Page]:
    """Every page of a document, laid out; raises MissingGlyphError before anything is drawn."""
    lay = Layout(doc, fonts)
    for block in doc.blocks:
        lay.place(block)
    return lay.pages
