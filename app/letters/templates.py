"""Letter templates: the text of 告知书 and 承诺书, versioned, with placeholders and a small markup.

A template is text. Its first line is `标题：…`; then one paragraph per line, where
- `# 一、…` is a heading, `> …` a paragraph without the first-line indent;
- `{户主姓名}` and the other placeholders below are filled in for each letter;
- `[落款]` puts the issuing office and the date, `[签名]` the signer's line (or the captured
  signature), `[二维码]` a QR code of the letter's number, and everything after `[回执]` is a
  tear-off receipt below a cut line.
Editing a template stores a new version; a letter remembers the version it was printed with,
so a reprint says what the signed paper said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select

from app.core import audit
from app.core.paths import resources_dir
from app.core.validation import ValidationError
from app.core.vocab import LETTER_KINDS
from app.documents import Document, chinese_date
from db.engine import unit_of_work
from db.models import LetterTemplate

COMMON_FIELDS = ("编号", "日期", "乡镇", "发文机关", "诈骗类型")
HOUSEHOLD_FIELDS = ("户主姓名", "地址", "村居", "网格", "身份证号", "电话", "家庭人数")
EMPLOYEE_FIELDS = ("姓名", "单位", "职务", "电话")
FIELDS = {
    "notice": HOUSEHOLD_FIELDS + COMMON_FIELDS,
    "commitment_household": HOUSEHOLD_FIELDS + COMMON_FIELDS,
    "commitment_employee": EMPLOYEE_FIELDS + COMMON_FIELDS,
}
MARKS = ("落款", "签名", "二维码", "回执")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_MARK = re.compile(r"^\[([^\[\]]+)\]$")
TITLE_PREFIX = "标题："


@dataclass(frozen=True)
class Template:
    """One version of a letter's text."""

    id: int | None
    kind: str
    version: int
    title: str
    body: str

    @property
    def text(self) -> str:
        """The template as the clerk edits it (title line, then the body)."""
        return f"{TITLE_PREFIX}{self.title}\n{self.body}"


def default_text(kind: str) -> str:
    """The program's own text of a kind, from resources/templates/."""
    return (resources_dir() / "templates" / f"{kind}.txt").read_text(encoding="utf-8").strip()


def split_text(text: str) -> tuple[str, str]:
    """(title, body) of an edited template; ValidationError without a title line."""
    lines = text.strip().splitlines()
    if (
        not lines
        or not lines[0].startswith(TITLE_PREFIX)
        or not lines[0][len(TITLE_PREFIX) :].strip()
    ):
        raise ValidationError({"text": "模板第一行应为“标题：……”"})
    return lines[0][len(TITLE_PREFIX) :].strip(), "\n".join(lines[1:]).strip()


def template_errors(kind: str, text: str) -> list[str]:
    """Every problem of a template's text, in Chinese with its line number; empty when fine."""
    errors = []
    allowed = FIELDS[kind]
    lines = text.splitlines()
    if not lines or not lines[0].startswith(TITLE_PREFIX):
        errors.append("第1行应为“标题：……”")
    receipts = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if _unbalanced(stripped, "{", "}"):
            errors.append(f"第{number}行的花括号{{}}不成对")
            continue
        for name in _PLACEHOLDER.findall(stripped):
            if name not in allowed:
                errors.append(
                    f"第{number}行有未知的占位符“{{{name}}}”，可用的有：{'、'.join(allowed)}"
                )
        if stripped.startswith("["):
            mark = _MARK.match(stripped)
            if mark is None or _unbalanced(stripped, "[", "]"):
                errors.append(f"第{number}行的方括号[]不成对")
            elif mark.group(1) not in MARKS:
                errors.append(
                    f"第{number}行有未知的标记“[{mark.group(1)}]”，可用的有：{'、'.join(MARKS)}"
                )
            elif mark.group(1) == "回执":
                receipts += 1
        missing = _unprintable(stripped)
        if missing:
            errors.append(
                f"第{number}行的字符“{missing}”（U+{ord(missing):04X}）在所有可用字体中都没有字形"
            )
    if receipts > 1:
        errors.append("[回执]只能有一个")
    return errors


def _unprintable(text: str) -> str | None:
    """The first character of `text` that no font can draw, or None."""
    from app.documents import default_fonts

    fonts = default_fonts()
    return next((c for c in text if fonts.face_for("body", c) is None), None)


def _unbalanced(text: str, opening: str, closing: str) -> bool:
    depth = 0
    for char in text:
        if char == opening:
            depth += 1
            if depth > 1:
                return True
        elif char == closing:
            depth -= 1
            if depth < 0:
                return True
    return depth != 0


def ensure_default_templates(engine: Engine) -> None:
    """Store version 1 of every kind that has no template yet (the program's own text)."""
    with unit_of_work(engine) as session:
        have = set(
            session.scalars(select(LetterTemplate.kind).where(LetterTemplate.deleted_at.is_(None)))
        )
        for kind in LETTER_KINDS:
            if kind in have:
                continue
            title, body = split_text(default_text(kind))
            session.add(
                LetterTemplate(kind=kind, version=1, title=title, body=body, is_current=True)
            )


def current_template(engine: Engine, kind: str) -> Template:
    """The version of a kind that new letters are printed with."""
    ensure_default_templates(engine)
    with unit_of_work(engine) as session:
        row = session.scalars(
            select(LetterTemplate)
            .where(LetterTemplate.kind == kind, LetterTemplate.deleted_at.is_(None))
            .order_by(LetterTemplate.is_current.desc(), LetterTemplate.version.desc())
        ).first()
        return Template(row.id, row.kind, row.version, row.title, row.body)


def template_by_id(engine: Engine, template_id: int) -> Template:
    """A stored version (for reprinting a letter with the text it was printed with)."""
    with unit_of_work(engine) as session:
        row = session.get(LetterTemplate, template_id)
        if row is None:
            raise ValidationError({"": "模板不存在"})
        return Template(row.id, row.kind, row.version, row.title, row.body)


def save_template(engine: Engine, kind: str, text: str, user: str | None = None) -> Template:
    """Check and store an edited template as the kind's new current version."""
    errors = template_errors(kind, text)
    if errors:
        raise ValidationError({"text": "\n".join(errors)})
    title, body = split_text(text)
    ensure_default_templates(engine)
    with unit_of_work(engine, user) as session:
        version = (
            session.scalar(
                select(func.max(LetterTemplate.version)).where(LetterTemplate.kind == kind)
            )
            or 0
        ) + 1
        for old in session.scalars(select(LetterTemplate).where(LetterTemplate.kind == kind)):
            old.is_current = False
        row = LetterTemplate(kind=kind, version=version, title=title, body=body, is_current=True)
        session.add(row)
        session.flush()
        audit.record(session, "update", "letter_template", row.uuid, f"version {version}")
        return Template(row.id, kind, version, title, body)


def fill(text: str, values: dict[str, Any]) -> str:
    """Replace every placeholder by its value (an empty value leaves a blank line to write on)."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1)) or "＿＿＿＿"), text)


@dataclass(frozen=True)
class LetterOptions:
    """How a letter is printed: with a receipt and a QR code, and a signature image if signed."""

    receipt: bool = True
    qr_code: bool = True
    signature_png: bytes | None = None
    signer: str = ""
    signed_on: date | None = None


def build_letter(
    template: Template, values: dict[str, Any], issuer: str, options: LetterOptions, where: str
) -> Document:
    """One letter as a document, from a template version and the addressee's values.

    The letter's number is printed in the top margin, right, so it is on the paper even
    without a receipt or a QR code.
    """
    doc = Document(style="letter", where=where)
    if values.get("编号"):
        doc.margin_note(f"编号：{values['编号']}")
    doc.title(fill(template.title, values))
    in_receipt = False
    for raw in template.body.splitlines():
        line = raw.strip()
        if not line:
            continue
        mark = _MARK.match(line)
        if mark:
            name = mark.group(1)
            if name == "回执":
                if not options.receipt:
                    # the receipt's QR code is still wanted: it goes under the letter
                    receipt = template.body.split("[回执]", 1)[1]
                    if "[二维码]" in receipt and options.qr_code and values.get("编号"):
                        doc.qr_code(str(values["编号"]), size_mm=20)
                    break
                doc.cut_line()
                in_receipt = True
            elif name == "落款":
                doc.signature(issuer, values.get("日期_date"))
            elif name == "签名":
                _signature_block(doc, template.kind, options)
            elif name == "二维码" and options.qr_code and values.get("编号"):
                # in a receipt the code sits beside its first lines, keeping the letter one page
                doc.qr_code(
                    str(values["编号"]), size_mm=16 if in_receipt else 20, floating=in_receipt
                )
            continue
        text = fill(line, values)
        if line.startswith("# "):
            doc.heading(fill(line[2:], values))
        elif line.startswith("> "):
            doc.paragraph(text[2:], indent=False, align="left")
        else:
            doc.paragraph(text)
    return doc


def _signature_block(doc: Document, kind: str, options: LetterOptions) -> None:
    who = "承诺人" if kind == "commitment_employee" else "户主"
    if options.signature_png:
        doc.spacer(0.5)
        doc.image(
            options.signature_png, 45, 18, align="right", caption=f"{who}签名：{options.signer}"
        )
        when = chinese_date(options.signed_on) if options.signed_on else "　　　　年　　月　　日"
        doc.paragraph(f"日期：{when}", indent=False, align="right")
    else:
        doc.spacer(0.5)
        doc.paragraph(f"{who}（签名）：＿＿＿＿＿＿＿＿", indent=False, align="right")
        doc.paragraph("日期：　　　　年　　月　　日", indent=False, align="right")


SAMPLE_VALUES = {
    "户主姓名": "王喆", "地址": "白鹤村3组12号", "村居": "白鹤村", "网格": "第一网格",
    "身份证号": "330122********1234", "电话": "138****5678", "家庭人数": 4, "姓名": "李堃",
    "单位": "镇中心小学", "职务": "教师", "编号": "GZ2026-0000-000001",
}  # fmt: skip


def sample_letter(engine: Engine, kind: str, text: str) -> Document:
    """An edited template filled with sample values (for the live preview); ValidationError
    lists what is wrong with the text."""
    from app.core.settings import load_profile

    errors = template_errors(kind, text)
    if errors:
        raise ValidationError({"text": "\n".join(errors)})
    title, body = split_text(text)
    profile = load_profile(engine)
    issuer = profile.get("issuing_office") or "××镇反电信网络诈骗分中心"
    today = date.today()
    values = {
        **SAMPLE_VALUES, "日期": chinese_date(today), "日期_date": today,
        "乡镇": profile.get("township_name") or "××镇", "发文机关": issuer,
        "诈骗类型": "刷单返利、虚假网络投资理财、冒充公检法及政府机关",
    }  # fmt: skip
    return build_letter(
        Template(None, kind, 0, title, body), values, issuer, LetterOptions(), "模板预览"
    )
