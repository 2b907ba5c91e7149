"""Chinese line breaking: where a line may end, measured on the character grid.

A line breaks between clusters, pieces that must stay on one line:
- closing punctuation (。，、 …) sticks to the piece before it and opening punctuation (（《“ …)
  to the piece after it, so neither starts nor ends a line the wrong way;
- a Latin word or a number stays whole, with its thousands separators and decimals
  (30,172.00), its sign, its range (1—10月) and its percent sign (2.5%);
- a number stays with its unit or the character that belongs to it (29日, 17号, 30余人,
  12.25万元), and a date or a time stays whole (2024年3月5日, 9时30分), as does a document
  number (〔2024〕17号): GB/T 15835 keeps a number on one line, and the minutes must not print
  "8月29" at a line's end and "日" at the next one's start.
The ideographic space U+3000 is an ordinary character here: blanks like `　　年　　月　　日`
keep their width.
"""

from __future__ import annotations

import re

from app.documents.fonts import Face, FontSet, MissingGlyphError

# A line may not start with these (they close something or follow a word)...
NO_START = frozenset("。，、；：？！）》」』】〕〉〗”’…—%‰·．,.;:?!)]}>")
# ...nor end with these (they open something).
NO_END = frozenset("（《「『【〔〈〖“‘([{<")
EPSILON = 0.01
# When a number, a date or an amount would leave a line far short if it went to the next
# line, it stays and the line is squeezed (push-in, 推入) instead: first the empty half of
# full-width punctuation (，。、 and closing brackets have their ink at the left, opening ones
# at the right; ；： may be centred in an office font, so a quarter), then every character a
# little. Only where that is the smaller change: the grid is otherwise kept as it is.
CLOSING_SQUEEZE = dict.fromkeys("，。、）》」』】〕〉”’", 0.5) | dict.fromkeys("；：", 0.25)
OPENING_SQUEEZE = dict.fromkeys("（《「『【〔〈“‘", 0.5)
UNIFORM_SQUEEZE = 0.05
# Remembered line breaks (see break_lines); cleared whole when this many accumulate.
CACHE_SIZE = 20_000
_BREAKS: dict[tuple, tuple[str, ...]] = {}
# Characters of a Latin word, an identifier or a masked number (GZ2026-7F3A-000123,
# 330122********1234, 9:30, www.12321.cn): a line never breaks inside one.
WORD_CHARS = "._-/:@*"

_D = "0-9０-９"
_NUMBER = rf"[+\-±＋－]?[{_D}]+(?:[,.．][{_D}]+)*"
_RANGE = rf"{_NUMBER}(?:(?:——|—|–|～|~){_NUMBER})?"
# Measure words and units that belong to the number before them; longest first.
_UNIT_WORDS = (
    "个百分点",
    "百分点",
    "平方米",
    "个月",
    "季度",
    "小时",
    "分钟",
    "公里",
    "周岁",
    "周年",
)
_UNIT_CHARS = (
    "年月日号时分秒点周天元角人户名位个起次件条项场期份页岁届批家所张部台辆套间组栋层座室"
    "米克斤吨倍例笔类种支队村宗处篇幅册本块枚只片班轮遍单%‰℃°"
)
_UNIT = "|".join([*_UNIT_WORDS, f"[{_UNIT_CHARS}]"])
# 余, 多, 万 … between a number and its unit: 30余人, 100多户, 12.25万元, 1.2万
_QUANTITY = rf"{_RANGE}(?:百分点|[余多]?[万亿千百]?(?:{_UNIT})?)"
# a date or time runs on: 2024年3月5日, 3月5日, 9时30分
_CHAINED = re.compile(
    rf"〔[{_D}]{{4}}〕[{_D}]+号|［[{_D}]{{4}}］[{_D}]+号"
    rf"|{_NUMBER}年(?:{_NUMBER}月(?:{_NUMBER}[日号])?)?"
    rf"|{_NUMBER}月{_NUMBER}[日号]"
    rf"|{_NUMBER}[时点](?:{_NUMBER}分(?:{_NUMBER}秒)?)?"
    rf"|{_QUANTITY}"
)


def _word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in WORD_CHARS)


def _pieces(text: str) -> list[str]:
    """Characters, with Latin words and numbers whole and ……/—— in pairs."""
    pieces: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        j = i + 1
        if _word_char(ch):
            while j < len(text) and _word_char(text[j]):
                j += 1
        elif ch in "…—" and j < len(text) and text[j] == ch:
            j += 1
        pieces.append(text[i:j])
        i = j
    return pieces


def _bound(text: str) -> set[int]:
    """Positions a line may not break before: inside a number with its unit, a date, a
    document number."""
    inside: set[int] = set()
    for match in _CHAINED.finditer(text):
        inside.update(range(match.start() + 1, match.end()))
    return inside


def clusters(text: str) -> list[str]:
    """Split text into pieces a line may not break inside (see the module's docstring)."""
    inside = _bound(text)
    pieces: list[str] = []
    at = 0
    for piece in _pieces(text):
        if pieces and at in inside:
            pieces[-1] += piece
        else:
            pieces.append(piece)
        at += len(piece)
    glued: list[str] = []
    pending_open = ""
    for piece in pieces:
        if pending_open:
            piece, pending_open = pending_open + piece, ""
        if piece[0] in NO_END and len(piece) == 1:
            pending_open = piece
            continue
        if glued and piece[0] in NO_START:
            glued[-1] += piece
        else:
            glued.append(piece)
    if pending_open:
        glued.append(pending_open)
    return glued


class Measurer:
    """Measures and assigns faces to text of one role and size; raises on a missing glyph."""

    def __init__(self, fonts: FontSet, where: str) -> None:
        self.fonts = fonts
        self.where = where

    def faces(self, role: str, text: str) -> list[Face]:
        """The face of each character of `text`."""
        result = []
        for char in text:
            face = self.fonts.face_for(role, char)
            if face is None:
                raise MissingGlyphError(char, self.where)
            result.append(face)
        return result

    def width(self, role: str, text: str, size: float, space: float) -> float:
        """The advance of `text` with `space` added after every character."""
        faces = self.faces(role, text)
        return sum(f.width(c, size) + space for f, c in zip(faces, text, strict=True))


def _punctuation_room(m: Measurer, role: str, text: str, size: float) -> list[float]:
    """What each character of a line can give up when it is squeezed: a punctuation mark's
    empty half (see CLOSING_SQUEEZE), nothing for the others."""
    room = []
    for face, char in zip(m.faces(role, text), text, strict=True):
        share = CLOSING_SQUEEZE.get(char) or OPENING_SQUEEZE.get(char) or 0.0
        room.append(min(share * size, max(0.0, face.width(char, size) - size / 2)))
    return room


def squeeze(
    m: Measurer, role: str, text: str, size: float, overflow: float
) -> tuple[list[float], float]:
    """How to take `overflow` points out of a line: what each character gives up (punctuation
    first), and what every character gives up besides."""
    room = _punctuation_room(m, role, text, size)
    total = sum(room)
    if overflow <= total:
        return [r * overflow / total for r in room], 0.0
    return room, (overflow - total) / len(text)


def squeeze_room(m: Measurer, role: str, text: str, size: float) -> float:
    """The most a line may be squeezed: its punctuation's empty halves and a little of every
    character (UNIFORM_SQUEEZE)."""
    return sum(_punctuation_room(m, role, text, size)) + UNIFORM_SQUEEZE * size * len(text)


def _pushes_in(piece: str) -> bool:
    """A number with what belongs to it: worth squeezing a line for."""
    return len(piece) > 1 and any(c.isdigit() for c in piece)


def break_lines(
    m: Measurer, role: str, text: str, size: float, space: float, first: float, rest: float
) -> list[str]:
    """Break `text` into lines: the first `first` points wide, the others `rest` wide.

    1,000 letters repeat the same paragraphs: the result is remembered per font set (a text
    with a missing glyph raises before anything is remembered, naming its own record).
    """
    key = (id(m.fonts), role, text, size, space, first, rest)
    lines = _BREAKS.get(key)
    if lines is None:
        lines = _break_lines(m, role, text, size, space, first, rest)
        if len(_BREAKS) > CACHE_SIZE:
            _BREAKS.clear()
        _BREAKS[key] = lines
    return list(lines)


def _break_lines(
    m: Measurer, role: str, text: str, size: float, space: float, first: float, rest: float
) -> tuple[str, ...]:
    lines: list[str] = []
    line, used = "", 0.0
    limit = first
    for piece in clusters(text):
        w = m.width(role, piece, size, space)
        if line and used + w > limit + EPSILON:
            overflow = used + w - limit
            if (
                _pushes_in(piece)
                and overflow < limit - used
                and overflow <= squeeze_room(m, role, line + piece, size) + EPSILON
            ):
                line += piece  # pushed in: the line is squeezed when it is placed
                used += w
                continue
            lines.append(line)
            line, used, limit = "", 0.0, rest
        if not line and w > limit + EPSILON:
            # a piece longer than a line (a long number): split it by characters
            for char in piece:
                cw = m.width(role, char, size, space)
                if line and used + cw > limit + EPSILON:
                    lines.append(line)
                    line, used, limit = "", 0.0, rest
                line += char
                used += cw
            continue
        line += piece
        used += w
    if line or not lines:
        lines.append(line)
    return tuple(lines)
