"""The 版记 at the foot of a 公文's last page (GB/T 9704-2012 7.4).

From the bottom up: the last rule, thick (0.35 mm), on the text block's lower edge; the 印发
line in 4号 仿宋, the issuing office one character in from the left and "2024年3月5日印发" one
character in from the right; when there is a 抄送 line, a thin rule (0.25 mm) and "抄送：…"
above it, one character in from each side, wrapped lines aligned after the colon; the first
rule, thick, over the first element. A 版记 that does not fit under the text starts a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib.units import mm

from app.documents.breaking import break_lines
from app.documents.items import Rule
from app.documents.model import Imprint, chinese_date

if TYPE_CHECKING:
    from app.documents.layout import Layout

THICK = 0.35 * mm
THIN = 0.25 * mm
SIZE = 14.0  # 4号
COPIES_LABEL = "抄送："


def place_imprint(lay: Layout, block: Imprint) -> None:
    """Lay out the 版记 at the foot of the current page (or of a new one if it does not fit)
    and end the page there."""
    s = lay.style
    row = s.pitch_y
    inner = s.text_width - 2 * SIZE  # one character in from each side
    copies: list[str] = []
    label = 0.0
    if block.copies_to:
        label = lay.m.width("body", COPIES_LABEL, SIZE, 0.0)
        rest = inner - label
        copies = break_lines(lay.m, "body", block.copies_to, SIZE, 0.0, rest, rest)
    height = row * (1 + len(copies))
    lay._room(height)
    left, right = s.left, s.left + s.text_width
    top = lay.bottom + height
    lay._add(Rule(left, top, right, top, THICK))
    lay.y = top
    for number, line in enumerate(copies):
        if number == 0:
            y = lay.y
            lay._line("body", COPIES_LABEL, SIZE, 0.0, left + SIZE, label, "left", row)
            lay.y = y
        lay._line("body", line, SIZE, 0.0, left + SIZE + label, inner - label, "left", row)
    if copies:
        lay._add(Rule(left, lay.y, right, lay.y, THIN))
    y = lay.y
    lay._line("body", block.issuer, SIZE, 0.0, left + SIZE, inner, "left", row)
    lay.y = y
    lay._line("body", f"{chinese_date(block.issued_on)}印发", SIZE, 0.0, left + SIZE, inner,
              "right", row)  # fmt: skip
    lay._add(Rule(left, lay.bottom, right, lay.bottom, THICK))
    lay.y = lay.bottom  # the 版记 ends the page: whatever follows starts a new one
