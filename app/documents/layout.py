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

from app.documents.breaking import (  # noqa: F401 - NO_END, NO_START, clusters: re-exported
    EPSILON,
    NO_END,
    NO_START,
    OPENING_SQUEEZE,
    Measurer,
    break_lines,
    clusters,
    squeeze,
)
from app.documents.fonts import Face, FontSet
from app.documents.imprint import place_imprint
from app.documents.items import (  # noqa: F401 - Rule: re-exported, pages are read from here
    Code,
    Dashed,
    Item,
    Page,
    Picture,
    Rule,
    Run,
    TextLine,
)
from app.documents.model import (
    Block,
    Centered,
    CutLine,
    Document,
    Heading,
    Image,
    Imprint,
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
from app.documents.tables import TableLayout
from app.documents.titles import title_lines

# A signature takes a blank line, the issuer and the date.
SIGNATURE_LINES = 3
# Remembered runs of a line (see Layout._parts); cleared whole when this many accumulate.
CACHE_SIZE = 20_000
_RUNS: dict[tuple, tuple[tuple[tuple[float, int, str, Face], ...], float]] = {}
_SQUEEZED: dict[tuple, tuple[tuple[Run, ...], float]] = {}


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
        key = (id(self.m.fonts), role, text, size, space, round(overflow, 6))
        found = _SQUEEZED.get(key)
        if found is None:
            found = self._squeeze(role, text, size, space, overflow)
            if len(_SQUEEZED) > CACHE_SIZE:
                _SQUEEZED.clear()
            _SQUEEZED[key] = found
        runs, char_space = found
        return tuple(Run(x + r.x, r.text, r.face) for r in runs), char_space

    def _squeeze(
        self, role: str, text: str, size: float, space: float, overflow: float
    ) -> tuple[tuple[Run, ...], float]:
        x = 0.0
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
        keep_with: float = 0.0,
    ) -> None:
        """A wrapped paragraph: first line indented by `indent`, the others by `hang`; its
        last lines stay on the page of the `keep_with` points that follow it."""
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
        carry = self._carry_from(len(lines), height, keep_with)
        for number, line in enumerate(lines):
            if number == carry and self.y < self.top - EPSILON:
                self._new_page()
            offset = indent if number == 0 else hang
            last = number == len(lines) - 1
            line_align = "left" if align == "justify" and last else align
            self._line(role, line, size, space, s.left + offset, width - offset, line_align, height)

    def _carry_from(self, count: int, height: float, keep_with: float) -> int | None:
        """Where `count` lines `height` high, placed from the cursor, must start a new page so
        that the `keep_with` points after them (a signature) do not stand alone at the top of
        the next one: the index of the first line carried over, or None.

        Two lines go with what follows (the whole paragraph when only one would stay behind);
        GB/T 9704 wants the signature and the text on one page, never "此页无正文"."""
        if not keep_with or not count:
            return None
        y, on_page = self.y, 0
        for _ in range(count):
            if y - height < self.bottom - EPSILON and y < self.top - EPSILON:
                y, on_page = self.top, 0
            y -= height
            on_page += 1
        carried = min(2, count)
        if y - keep_with >= self.bottom - EPSILON and on_page >= carried:
            return None  # what follows fits under the last lines
        if on_page == count and count - carried == 1:
            carried = count
        return count - carried

    # -- blocks ----------------------------------------------------------------------------------
    def place(self, block: Block, keep_with: float = 0.0) -> None:
        """Lay out one block below the previous one; `keep_with` is the height of what must
        follow it on the same page (a signature), which takes its last lines along."""
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
            self._wrapped(
                block.role, block.text, indent=indent, align=block.align, keep_with=keep_with
            )
        elif isinstance(block, Labelled):
            self._labelled(block, keep_with)
        elif isinstance(block, Table):
            TableLayout(self, block).place(keep_with)
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
        elif isinstance(block, Imprint):
            place_imprint(self, block)
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

    def _labelled(self, block: Labelled, keep_with: float = 0.0) -> None:
        s = self.style
        space = s.pitch_x - s.body_size
        label_width = self.m.width("heading", block.label, s.body_size, space)
        lines = break_lines(
            self.m, "body", block.text, s.body_size, space,
            s.text_width - label_width, s.text_width - label_width,
        )  # fmt: skip
        carry = self._carry_from(len(lines), s.pitch_y, keep_with)
        for number, line in enumerate(lines):
            if number == carry and self.y < self.top - EPSILON:
                self._new_page()
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
        self._room(s.pitch_y * SIGNATURE_LINES)
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


def layout_document(doc: Document, fonts: FontSet) -> list[Page]:
    """Every page of a document, laid out; raises MissingGlyphError before anything is drawn."""
    lay = Layout(doc, fonts)
    for block, keep_with in zip(doc.blocks, _kept_with(doc.blocks, doc.page_style), strict=True):
        lay.place(block, keep_with)
    return lay.pages


def _kept_with(blocks: list[Block], style: PageStyle) -> list[float]:
    """For each block, the height that must stay on its page: a signature after it (and the
    blank lines between), or nothing."""
    heights = []
    after = 0.0  # what the block after this one needs kept with it
    for block in reversed(blocks):
        heights.append(after)
        if isinstance(block, Signature):
            after = SIGNATURE_LINES * style.pitch_y
        elif isinstance(block, Spacer):
            after = after + style.pitch_y * block.lines if after else 0.0
        else:
            after = 0.0
    return heights[::-1]
