"""What a laid-out page holds: lines of text in runs of one face, rules, pictures, QR codes and
cut lines, at their places in PDF points (origin at the bottom left). `render` draws them into
the PDF and `ui.document_preview` onto the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.documents.fonts import Face


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
    """A straight line (table rules, the 版记's rules), `width` points thick."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.6


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
