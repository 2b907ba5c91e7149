"""The fonts a printout uses: the office's own fonts when installed, the bundled one always.

Each typographic role of a 公文 (title 小标宋, body 仿宋, headings 黑体 and 楷体, page numbers 宋体)
has a chain of candidate faces. System fonts are found by the font's own name (its `name`
table), not by the file name, and only TrueType outlines count (ReportLab cannot embed CFF).
The bundled Noto Serif SC Wuzha ends every chain, and text falls back to it glyph by glyph:
ReportLab would silently print a blank for a glyph a font lacks, so every character is checked
and a character no font has raises `MissingGlyphError` naming it and the record.
"""

from __future__ import annotations

import logging
import os
import struct
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from app.core.paths import font_path

log = logging.getLogger(__name__)


def to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """The ToUnicode CMap of a font subset, with every code point written as UTF-16BE.

    ReportLab's own writes `<%04X>`, which turns a character beyond the BMP (𬣡 U+2C8E1 of
    通用规范汉字表, in names) into five hex digits: the glyph prints, but copying or
    searching the PDF finds another character. Installed in place of ReportLab's below.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
        "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ]  # fmt: skip
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = to_unicode_cmap

BUNDLED = "WuzhaSerif"

# Role → family names as fonts name themselves (Chinese and English), best first.
ROLE_FAMILIES: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong"),
    "body": ("仿宋", "仿宋_GB2312", "FangSong", "FangSong_GB2312", "华文仿宋", "STFangsong"),
    "heading": ("黑体", "SimHei", "华文黑体", "STHeiti"),
    "heading2": ("楷体", "楷体_GB2312", "KaiTi", "KaiTi_GB2312", "华文楷体", "STKaiti"),
    "song": ("宋体", "SimSun", "新宋体", "NSimSun", "华文宋体", "STSong"),
}
# What each role's face is called in a 公文, for saying what the bundled serif stands in for.
ROLE_FACES = {
    "title": "小标宋", "body": "仿宋", "heading": "黑体", "heading2": "楷体", "song": "宋体",
}  # fmt: skip
# Roles whose own face is bold-looking: drawn with a thin stroke when the serif stands in.
BOLD_ROLES = frozenset(("title", "heading"))
FONT_SUFFIXES = (".ttf", ".ttc", ".otf")


class MissingGlyphError(ValueError):
    """A character that no available font can draw; nothing is printed."""

    def __init__(self, char: str, where: str = "") -> None:
        self.char = char
        self.where = where
        place = f"（{where}）" if where else ""
        super().__init__(
            f"字符“{char}”（U+{ord(char):04X}）{place}在所有可用字体中都没有字形，无法打印。"
            "请安装含有该字的字体，或改用同音的常用字并在备注中说明。"
        )


@dataclass(frozen=True)
class Face:
    """A registered ReportLab font: its registered name and the characters it can draw."""

    name: str
    chars: frozenset[int]
    widths: dict[int, int]
    default_width: int
    # True when this face stands in for a bold role it does not look like (fake bold)
    synthetic_bold: bool = False

    def width(self, char: str, size: float) -> float:
        """The advance of one character at `size` points."""
        return self.widths.get(ord(char), self.default_width) * size / 1000.0


def font_dirs() -> list[Path]:
    """Folders where this system keeps fonts (Windows, macOS, Linux)."""
    dirs: list[Path] = []
    if sys.platform == "win32":
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs += [
            Path("/Library/Fonts"),
            Path("/System/Library/Fonts"),
            Path.home() / "Library/Fonts",
        ]
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]
        dirs += [Path.home() / ".local/share/fonts", Path.home() / ".fonts"]
    return [d for d in dirs if d.is_dir()]


def font_names(path: Path) -> list[tuple[int, set[str]]]:
    """(sub-font index, family and full names) of a .ttf/.ttc/.otf, read from its `name` table.

    Only faces with TrueType outlines (`glyf`) are listed: ReportLab cannot embed CFF ones.
    Only the headers and the name table are read: a Windows font folder holds gigabytes.
    """
    try:
        with path.open("rb") as file:
            head = file.read(12)
            offsets = [0]
            if head[:4] == b"ttcf":
                (count,) = struct.unpack(">I", head[8:12])
                offsets = list(struct.unpack(f">{count}I", file.read(4 * min(count, 64))))
            found = []
            for index, offset in enumerate(offsets):
                try:
                    names = _names_at(file, offset)
                except (struct.error, UnicodeDecodeError, IndexError, ValueError):
                    continue
                if names is not None:
                    found.append((index, names))
            return found
    except (OSError, struct.error):
        return []


def _read(file: BinaryIO, offset: int, length: int) -> bytes:
    file.seek(offset)
    data = file.read(length)
    if len(data) != length:
        raise ValueError("truncated font file")
    return data


def _names_at(file: BinaryIO, offset: int) -> set[str] | None:
    (num_tables,) = struct.unpack(">H", _read(file, offset + 4, 2))
    directory = _read(file, offset + 12, 16 * num_tables)
    tables = {}
    for i in range(num_tables):
        entry = directory[16 * i : 16 * i + 16]
        table_offset, length = struct.unpack(">II", entry[8:16])
        tables[entry[:4]] = (table_offset, length)
    if b"glyf" not in tables or b"name" not in tables:
        return None
    base, length = tables[b"name"]
    data = _read(file, base, min(length, 1 << 20))
    _fmt, count, string_offset = struct.unpack(">HHH", data[:6])
    names: set[str] = set()
    for i in range(count):
        platform, _encoding, _language, name_id, size, at = struct.unpack(
            ">HHHHHH", data[6 + 12 * i : 18 + 12 * i]
        )
        if name_id not in (1, 4, 16):  # family, full name, typographic family
            continue
        raw = data[string_offset + at : string_offset + at + size]
        if platform in (0, 3):
            names.add(raw.decode("utf-16-be", errors="ignore").strip())
        elif platform == 1:
            names.add(raw.decode("latin-1").strip())
    return names


def find_system_fonts(dirs: Sequence[Path] | None = None) -> dict[str, tuple[Path, int]]:
    """Family name → (file, sub-font index) of the office fonts installed on this system."""
    wanted = {name for names in ROLE_FAMILIES.values() for name in names}
    found: dict[str, tuple[Path, int]] = {}
    for folder in font_dirs() if dirs is None else dirs:
        for path in _font_files(folder):
            for index, names in font_names(path):
                for name in names & wanted:
                    found.setdefault(name, (path, index))
    return found


def _font_files(folder: Path) -> Iterator[Path]:
    try:
        for root, _dirs, files in os.walk(folder):
            for file in files:
                if file.lower().endswith(FONT_SUFFIXES):
                    yield Path(root) / file
    except OSError:
        return


class FontSet:
    """The face chain of every role; built once per process (see `default_fonts`)."""

    def __init__(self, system_fonts: dict[str, tuple[Path, int]] | None = None) -> None:
        self._lock = threading.Lock()
        self.bundled = _register(BUNDLED, font_path(), 0)
        self.families: dict[str, str] = {BUNDLED: "Noto Serif SC Wuzha（程序自带）"}
        system_fonts = {} if system_fonts is None else system_fonts
        self.chains: dict[str, tuple[Face, ...]] = {}
        registered: dict[tuple[Path, int], Face] = {}
        for role, families in ROLE_FAMILIES.items():
            chain: list[Face] = []
            for family in families:
                if family not in system_fonts:
                    continue
                key = system_fonts[family]
                if key not in registered:
                    face = _try_register(f"Wuzha-{len(registered)}", *key)
                    if face is None:
                        continue
                    registered[key] = face
                    self.families[face.name] = family
                if registered[key] not in chain:
                    chain.append(registered[key])
            fallback = self.bundled
            if role in BOLD_ROLES:
                fallback = Face(
                    BUNDLED, self.bundled.chars, self.bundled.widths, self.bundled.default_width,
                    synthetic_bold=True,
                )  # fmt: skip
            chain.append(fallback)
            self.chains[role] = tuple(chain)
        self._choice: dict[tuple[str, str], Face | None] = {}

    def face_for(self, role: str, char: str) -> Face | None:
        """The first face of the role's chain that has `char`, or None if none has it."""
        key = (role, char)
        try:
            return self._choice[key]
        except KeyError:
            pass
        code = ord(char)
        face = next((f for f in self.chains[role] if code in f.chars), None)
        with self._lock:
            self._choice[key] = face
        return face

    def describe(self) -> dict[str, list[str]]:
        """Role → the family names of its faces, for the 关于 box and the log. The bundled
        serif says which face it stands in for, and that a bold role is drawn thickened."""
        described = {}
        for role, chain in self.chains.items():
            names = []
            for face in chain:
                name = self.families.get(face.name, face.name)
                if face.name == BUNDLED and role != "song":
                    how = "笔画加粗" if face.synthetic_bold else "宋体字形"
                    name = f"Noto Serif SC Wuzha（程序自带，代替{ROLE_FACES[role]}，{how}）"
                names.append(name)
            described[role] = names
        return described


def _register(name: str, path: Path, index: int) -> Face:
    font = TTFont(name, str(path), subfontIndex=index)
    pdfmetrics.registerFont(font)
    face = font.face
    return Face(
        name=name,
        chars=frozenset(face.charToGlyph),
        widths={int(code): int(width) for code, width in face.charWidths.items()},
        default_width=int(face.defaultWidth),
    )  # fmt: skip


def _try_register(name: str, path: Path, index: int) -> Face | None:
    try:
        return _register(name, path, index)
    except (TTFError, OSError, KeyError, struct.error) as exc:
        log.warning("system font %s not usable: %s", path.name, exc)
        return None


_default: FontSet | None = None
_default_lock = threading.Lock()


def default_fonts() -> FontSet:
    """The process's font set: installed office fonts first, the bundled font always.

    `WUZHA_SYSTEM_FONTS=0` uses the bundled font alone (reproducible output in tests).
    """
    global _default
    with _default_lock:
        if _default is None:
            use_system = os.environ.get("WUZHA_SYSTEM_FONTS", "1") != "0"
            _default = FontSet(find_system_fonts() if use_system else None)
            log.info("fonts: %s", _default.describe())
        return _default
