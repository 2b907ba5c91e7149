"""Build the bundled CJK font: Noto Serif CJK SC, subset, with TrueType outlines, renamed.

ReportLab embeds only TrueType (`glyf`) fonts, and Debian ships Noto CJK with CFF outlines in a
collection, so this script picks the SC face, keeps the characters a township office
prints (the 8,105 of 通用规范汉字表, GB 2312, rare name characters, official-document
punctuation), converts the cubic outlines to quadratic ones and renames the family (the
OFL's Reserved Font Name rule for modified fonts).

通用规范汉字表 (2013) is read from the Unihan database's kTGH field, as Debian's unicode-data
ships it, so the list is derived, not typed in, and the same packages give the same bytes.

    apt-get install fonts-noto-cjk unicode-data
    python scripts/build_font.py            # writes resources/fonts/NotoSerifSC-Wuzha.ttf
"""

from __future__ import annotations

import argparse
import bz2
import time
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
UNIHAN = Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")
OUT = ROOT / "resources" / "fonts" / "NotoSerifSC-Wuzha.ttf"
TONGYONG_COUNT = 8105
FAMILY = "Noto Serif SC Wuzha"
FACE = "Noto Serif CJK SC"

# Characters of personal names outside GB 2312 that rosters really contain.
RARE_NAME_CHARACTERS = (
    "喆堃昇犇淼䶮玥珺婧琇旻昉晗暐炜烜焜煜燚玮琛瑄瑀璟祎禛翀赟镕钰铖锃垚壵奭嫣彧溦沄泓浛淏"
    "湉滢瀚芃茆荛菁萱蒨蕤薏鑫陞雯霈靓頔颀飚馨骞鹍鹏麟骉昕晔玙珈珩琪琬瑾璐皓睿祺禹"
    "筠綦缇翊翾聿蓥蔚彦梓桢棻楠樑橦歆沐洺涵淇渲溱滕澍濛炅焱熠燊玘珅珏琮琰瑛璇甯祐"
    "秾稷翛舣芮苒荟莜菡萩蓁蔺薇藜蘅衎袆觐谞贇赑轶逯邴郗酆铂锴锶镛闫阚陉隽雎霁靖韪頫"
    "颢飏馥骏魁鲲鸿鹓黉昶晞晟暄曦柘栩桐梵棠楷槿樾檀沛泫洵浚涓淦渊湛溥漪潆澄濠灏炤"
    "烨焓煊熹燏珂珲琨瑭瑶璠璞璨瓒甄皞睢砚祉禧稹筱篪纮绾缙罡翎翚芊芷苡茜荃莘菀萦蒽"
    "旸昀晏晖曜朗杼枫柃栎桉梧棣椿榕樨"
    "琍琤珣玹瑢璘璿瑨暻晅昺炘焌煐熤珝瑆瑈堉崟彣晧楙沨淯湜溋滈炟烺玓玗珖珮琎琡瑒璆璈媞婳"
    "嬿妘媖禤曌昳昪晙晳曈玚琸琻瑅瑱璂瑧渟滉漋澔澐濬燿龑浥汭涴渼湲澂澴"
)
# Punctuation and symbols of official documents that must never be a blank.
DOCUMENT_SYMBOLS = "·、。〔〕【】《》〈〉「」『』“”‘’—…　！（），：；？￥№℃※×÷√"


def gb2312_characters() -> str:
    """Every character of GB 2312, enumerated from Python's codec."""
    chars = []
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def tongyong_characters(unihan: Path = UNIHAN) -> str:
    """The 8,105 characters of 通用规范汉字表, in the table's order, from Unihan's kTGH field
    (`U+4E00<TAB>kTGH<TAB>2013:1`); stops if the file does not give exactly 8,105."""
    if not unihan.exists():
        raise SystemExit(f"{unihan} not found: apt-get install unicode-data")
    found: dict[int, int] = {}
    opener = bz2.open if unihan.suffix == ".bz2" else open
    with opener(unihan, "rt", encoding="utf-8") as lines:
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 3 and fields[1] == "kTGH":
                for entry in fields[2].split():
                    found[int(entry.split(":")[1])] = int(fields[0][2:], 16)
    if len(found) != TONGYONG_COUNT or sorted(found) != list(range(1, TONGYONG_COUNT + 1)):
        raise SystemExit(f"{unihan}: {len(found)} kTGH entries, expected {TONGYONG_COUNT}")
    return "".join(chr(found[n]) for n in sorted(found))


def wanted_codepoints(unihan: Path = UNIHAN) -> set[int]:
    """The characters the subset keeps."""
    points: set[int] = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for start, end in (
        (0x2000, 0x206F),
        (0x3000, 0x303F),
        (0xFF00, 0xFFEF),
        (0x2460, 0x24FF),
        (0x2160, 0x217F),
        (0x2190, 0x21FF),
        (0x2500, 0x257F),
        (0x25A0, 0x25FF),
    ):
        points |= set(range(start, end + 1))
    promised = gb2312_characters() + tongyong_characters(unihan)
    points |= {ord(c) for c in promised + RARE_NAME_CHARACTERS + DOCUMENT_SYMBOLS}
    return points


def check_source(font: TTFont, unihan: Path = UNIHAN) -> None:
    """Stop if the source lacks a character the lists promise (it would silently be a blank)."""
    cmap = font.getBestCmap()
    promised = tongyong_characters(unihan) + RARE_NAME_CHARACTERS + DOCUMENT_SYMBOLS
    missing = sorted({c for c in promised if ord(c) not in cmap})
    if missing:
        raise SystemExit(f"not in the source font: {' '.join(missing)}")


def open_sc_face(source: Path) -> TTFont:
    """The Simplified Chinese face of the collection, found by its family name."""
    for font in TTCollection(str(source)).fonts:
        if FACE in font["name"].getDebugName(1):
            return font
    raise SystemExit(f"no face named {FACE!r} in {source}")


def to_truetype(font: TTFont, max_err: float = 1.0) -> None:
    """Replace CFF outlines with quadratic `glyf` outlines, in place."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    glyf.compile(font)  # computes each glyph's bounds
    hmtx = font["hmtx"]
    for name in glyph_order:  # TrueType wants left side bearing == xMin
        glyph = glyf.glyphs[name]
        if glyph.numberOfContours:
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    if "VORG" in font:
        del font["VORG"]
    font["maxp"].tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(font["maxp"], attr, 0)
    font["maxp"].maxZones = 1
    font["maxp"].maxComponentElements = max(
        len(getattr(glyph, "components", ())) for glyph in glyf.glyphs.values()
    )
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: smaller, and ReportLab does not need them
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    """Give the modified font its own family name (OFL: Reserved Font Names)."""
    ps_name = FAMILY.replace(" ", "") + "-Regular"
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 4:
            record.string = f"{FAMILY} Regular"
        elif record.nameID == 6:
            record.string = ps_name
        elif record.nameID == 3:
            record.string = f"{ps_name};wuzha"


def build(source: Path, out: Path, unihan: Path = UNIHAN) -> tuple[int, int]:
    """Write the font; returns (bytes, glyphs)."""
    font = open_sc_face(source)
    check_source(font, unihan)
    options = subset.Options()
    options.layout_features = []  # no vertical or regional alternates: horizontal text only
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted_codepoints(unihan))
    subsetter.subset(font)
    to_truetype(font)
    rename(font)
    font.recalcTimestamp = False  # keep the source's head.modified: same input, same bytes
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    return out.stat().st_size, len(font.getGlyphOrder())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument(
        "--unihan", type=Path, default=UNIHAN, help="Unihan_OtherMappings.txt(.bz2) with kTGH"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    start = time.perf_counter()
    size, glyphs = build(args.source, args.out, args.unihan)
    print(f"{args.out}: {size / 1e6:.2f} MB, {glyphs} glyphs, {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
