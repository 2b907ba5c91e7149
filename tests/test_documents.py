"""The document engine: the 公文 grid, Chinese line breaking, fonts, and real PDFs."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from app.core.paths import font_path
from app.documents import Document, MissingGlyphError, render_pdf, render_pdf_job
from app.documents.fonts import default_fonts, font_names
from app.documents.layout import NO_END, NO_START, TextLine, break_lines, clusters, layout_document

RARE = "王喆堃昇犇淼䶮"
# 200 characters with no punctuation, so the grid alone decides where lines break
PLAIN = "镇反电信网络诈骗分中心组织网格员和民警逐户走访宣传" * 8


def lines_of(doc: Document) -> list[list[TextLine]]:
    pages = layout_document(doc, default_fonts())
    return [[i for i in page.items if isinstance(i, TextLine)] for page in pages]


def drawn_characters(page) -> dict[str, bool]:
    """Each character a page draws, and whether the embedded font that draws it has an outline
    for it (a glyph that is not .notdef and not empty). Reads the PDF's ToUnicode maps and the
    embedded TrueType subsets (their format 6 cmap, loca and glyf) directly."""
    import re
    import struct

    drawn: dict[str, bool] = {}
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        if "/ToUnicode" not in font:  # a standard font ReportLab lists but nothing draws with
            continue
        cmap = font["/ToUnicode"].get_object().get_data().decode()
        body = cmap.split("beginbfchar")[1].split("endbfchar")[0]
        codes = {
            int(code, 16): bytes.fromhex(uni).decode("utf-16-be")
            for code, uni in re.findall(r"<([0-9A-F]+)> <([0-9A-F]+)>", body)
        }
        data = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        tables = {}
        for i in range(struct.unpack(">H", data[4:6])[0]):
            tag, _sum, offset, length = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
            tables[tag] = (offset, length)
        at = tables[b"cmap"][0]
        sub = at + struct.unpack(">I", data[at + 8 : at + 12])[0]
        fmt, _len, _lang, first, count = struct.unpack(">HHHHH", data[sub : sub + 10])
        assert fmt == 6
        glyphs = struct.unpack(f">{count}H", data[sub + 10 : sub + 10 + 2 * count])
        long_loca = struct.unpack(">h", data[tables[b"head"][0] + 50 : tables[b"head"][0] + 52])[0]
        loca_at, loca_len = tables[b"loca"]
        loca = struct.unpack(
            f">{loca_len // (4 if long_loca else 2)}{'I' if long_loca else 'H'}",
            data[loca_at : loca_at + loca_len],
        )
        scale = 1 if long_loca else 2
        for code, char in codes.items():
            glyph = glyphs[code - first]
            drawn[char] = drawn.get(char, False) or (
                glyph != 0 and (loca[glyph + 1] - loca[glyph]) * scale > 0
            )
    return drawn


def test_official_body_is_28_characters_by_22_lines():
    doc = Document(style="official").paragraph(PLAIN * 4, indent=False)
    pages = lines_of(doc)
    first = pages[0]
    assert len(first) == 22
    assert all(len(line.text) == 28 for line in first)
    # every character advances by the grid pitch: 156 mm / 28
    style = doc.page_style
    assert abs(first[0].size + first[0].char_space - style.pitch_x) < 1e-6
    assert abs((first[0].y - first[1].y) - style.pitch_y) < 1e-6


def test_indented_first_line_leaves_two_characters():
    pages = lines_of(Document().paragraph(PLAIN))
    assert len(pages[0][0].text) == 26
    assert len(pages[0][1].text) == 28


def test_no_closing_punctuation_starts_a_line_and_no_opening_one_ends_it():
    text = ("会议要求，各村（社区）要做到“逐户走访、逐人告知”。" * 20) + "（完）"
    for width in (150.0, 200.0, 233.0, 300.0, 442.2):
        lines = break_lines(_measurer(), "body", text, 16.0, -0.2, width, width)
        assert "".join(lines) == text
        for line in lines[1:]:
            assert line[0] not in NO_START, line
        for line in lines[:-1]:
            assert line[-1] not in NO_END, line


def _measurer():
    from app.documents.layout import Measurer

    return Measurer(default_fonts(), "测试")


def test_numbers_and_words_are_not_split():
    assert clusters("拨打96110或下载APP。") == ["拨", "打", "96110", "或", "下", "载", "APP。"]
    assert clusters("（一）宣传……") == ["（一）", "宣", "传……"]


def test_ideographic_spaces_are_kept():
    pages = lines_of(Document().paragraph("日期：　　年　　月　　日", indent=False))
    assert pages[0][0].text == "日期：　　年　　月　　日"


def test_pdf_has_every_rare_character_as_text_in_an_embedded_font(tmp_path):
    out = tmp_path / "名单.pdf"
    doc = Document(where="测试名单").title("领导小组成员名单").labelled("组　　长：", RARE)
    doc.table(["序号", "姓名"], [["1", name] for name in RARE], widths=[1, 3])
    doc.signature("清溪镇反电信网络诈骗分中心", date(2024, 3, 5))
    pages = render_pdf(doc, out)
    reader = PdfReader(out)
    assert pages == len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for char in RARE:
        assert char in text
    drawn = drawn_characters(reader.pages[0])
    assert {char: drawn.get(char) for char in RARE} == dict.fromkeys(RARE, True)
    assert "2024年3月5日" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        descriptor = ref.get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # TrueType program embedded (and subset)


def test_page_numbers_alternate_sides(tmp_path):
    out = tmp_path / "长文.pdf"
    doc = Document()
    for _ in range(6):
        doc.paragraph(PLAIN)
    pages = render_pdf(doc, out)
    assert pages >= 2
    reader = PdfReader(out)
    assert "— 1 —" in reader.pages[0].extract_text()
    assert "— 2 —" in reader.pages[1].extract_text()


def test_a_character_no_font_has_is_refused_and_nothing_is_written(tmp_path):
    out = tmp_path / "坏.pdf"
    doc = Document(where="住户 张𰻞 的承诺书").paragraph("户主：张\U00030ede")
    with pytest.raises(MissingGlyphError) as caught:
        render_pdf(doc, out)
    assert "U+30EDE" in str(caught.value) and "住户 张𰻞 的承诺书" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_cancelled_batch_leaves_no_file(tmp_path):
    out = tmp_path / "批量.pdf"
    docs = (Document(style="letter").title(f"告知书{i}").paragraph(PLAIN) for i in range(50))
    job = render_pdf_job(docs, out, 50)
    next(job)
    next(job)
    job.close()
    assert list(tmp_path.iterdir()) == []


def test_many_documents_make_one_pdf_with_a_page_each(tmp_path):
    out = tmp_path / "告知书.pdf"
    docs = [Document(style="letter").title("告知书").paragraph(f"户主：{n}") for n in RARE]
    assert render_pdf(docs, out) == len(RARE)
    reader = PdfReader(out)
    assert [n in reader.pages[i].extract_text() for i, n in enumerate(RARE)] == [True] * 7


def test_font_names_come_from_the_font_itself(tmp_path):
    renamed = tmp_path / "whatever.ttf"
    renamed.write_bytes(font_path().read_bytes())
    names = font_names(renamed)
    assert names and "Noto Serif SC Wuzha" in names[0][1]


def test_office_fonts_are_found_by_their_own_name_and_chained(tmp_path):
    from app.documents.fonts import FontSet, find_system_fonts

    # a font file named like nothing, whose name table says 仿宋 would be found; the bundled
    # font names itself "Noto Serif SC Wuzha", which is no office font: nothing is found
    (tmp_path / "simfang.ttf").write_bytes(font_path().read_bytes())
    assert find_system_fonts([tmp_path]) == {}
    fonts = FontSet({"仿宋": (tmp_path / "simfang.ttf", 0)})
    body = fonts.describe()["body"]
    assert body[0] == "仿宋" and body[-1].startswith("Noto Serif SC Wuzha")
    assert fonts.face_for("body", "喆").name != fonts.bundled.name  # the office font has it
    assert fonts.face_for("heading", "喆").synthetic_bold


# 通用规范汉字表 characters outside GB 2312 (some beyond the BMP), taken every 120th from the
# 1,358 the bundled font gained when the table was added; plus the table's last characters.
TONGYONG_SAMPLE = "啰嫚𬣡挓埗琀婫焞阘墡𤩽𬶮鳤亹籥鼷𫚭玃醾齇觿蠼"


def test_the_bundled_font_covers_tongyong_guifan_hanzi(tmp_path):
    fonts = default_fonts()
    assert len(fonts.bundled.chars) > 9400
    missing = [c for c in TONGYONG_SAMPLE if ord(c) not in fonts.bundled.chars]
    assert missing == []
    out = tmp_path / "通用规范.pdf"
    render_pdf(Document(style="letter").paragraph(TONGYONG_SAMPLE), out)
    text = PdfReader(out).pages[0].extract_text()
    assert all(c in text for c in TONGYONG_SAMPLE)


def _as_collection(font: bytes, faces: int) -> bytes:
    """A .ttc holding `faces` copies of one TrueType font (table offsets moved past the
    collection header), as Windows ships 宋体 in simsun.ttc."""
    import struct

    header = 12 + 4 * faces
    tables = struct.unpack(">H", font[4:6])[0]
    out = bytearray(b"ttcf" + struct.pack(">HHI", 1, 0, faces))
    out += b"".join(struct.pack(">I", header) for _ in range(faces))
    body = bytearray(font)
    for i in range(tables):
        entry = 12 + 16 * i
        (offset,) = struct.unpack(">I", body[entry + 8 : entry + 12])
        body[entry + 8 : entry + 12] = struct.pack(">I", offset + header)
    return bytes(out + body)


def test_a_font_collection_is_read_face_by_face(tmp_path):
    ttc = tmp_path / "simsun.ttc"
    ttc.write_bytes(_as_collection(font_path().read_bytes(), 2))
    names = font_names(ttc)
    assert [index for index, _ in names] == [0, 1]
    assert all("Noto Serif SC Wuzha" in found for _, found in names)
    (tmp_path / "broken.ttf").write_bytes(b"\x00\x01\x00\x00\x00\x09")
    assert font_names(tmp_path / "broken.ttf") == []


def test_the_about_box_says_what_the_bundled_font_stands_in_for():
    from app.documents.fonts import FontSet

    described = FontSet().describe()  # the bundled font alone, as on a bare machine
    assert described["title"][-1] == "Noto Serif SC Wuzha（程序自带，代替小标宋，笔画加粗）"
    assert described["heading"][-1].endswith("代替黑体，笔画加粗）")
    assert described["body"][-1].endswith("代替仿宋，宋体字形）")


def test_bare_reportlab_prints_a_blank_for_a_missing_glyph_and_the_check_sees_it(tmp_path):
    """Why the engine checks every character: ReportLab alone draws 𰻞 as .notdef (a blank)."""
    from reportlab.pdfgen.canvas import Canvas

    fonts = default_fonts()
    out = tmp_path / "bare.pdf"
    canvas = Canvas(str(out))
    canvas.setFont(fonts.bundled.name, 16)
    canvas.drawString(72, 700, "王喆\U00030ede")
    canvas.save()
    drawn = drawn_characters(PdfReader(out).pages[0])
    assert [drawn.get(c, False) for c in "王喆\U00030ede"] == [True, True, False]


def test_a_printed_official_page_has_22_lines_of_28_characters(tmp_path):
    out = tmp_path / "通报.pdf"
    render_pdf(Document(style="official").paragraph(PLAIN * 4, indent=False), out)
    lines = PdfReader(out).pages[0].extract_text().splitlines()
    body = [line for line in lines if not line.startswith("—")]
    assert len(body) == 22 and {len(line) for line in body} == {28}
    assert "— 1 —" in lines


def test_lines_beside_a_floating_code_keep_clear_of_it():
    from app.documents.layout import Code

    doc = Document(style="letter").qr_code("GZ2026-0000-000001", size_mm=16, floating=True)
    doc.paragraph("住址：" + PLAIN[:60], indent=False).paragraph(PLAIN, indent=False)
    (page,) = layout_document(doc, default_fonts())
    code = next(i for i in page.items if isinstance(i, Code))
    for line in (i for i in page.items if isinstance(i, TextLine)):
        last = line.runs[-1]
        right = last.x + sum(last.face.width(c, line.size) + line.char_space for c in last.text)
        beside = line.y < code.y + code.size and line.y + line.size > code.y
        assert not beside or right <= code.x + 0.01, line.text
    widths = {len(i.text) for i in page.items if isinstance(i, TextLine)}
    assert max(widths) == doc.page_style.chars_per_line  # full width again below the code
