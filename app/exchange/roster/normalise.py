"""Cell by cell, what a clerk would fix by hand in a roster, and what he would refuse.

Each cleaner takes a raw cell (a string, or a float as Excel stores numbers) and returns the
value to store, the notes saying what was changed (shown in the per-row report), and an error
when the value is wrong. The final verdict on an ID number or a phone is the rule every form
uses (`id_number_error`, `phone_error`), so a number refused in a form is refused here too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from app.core.idnumber import id_number_error, upgrade_old_id_number
from app.core.validation import MOBILE_RE, normalize_phone, phone_error
from app.core.vocab import RELATIONS, RESIDENT_TAGS

OldIds = Literal["convert", "keep"]
_CLEAN_ID = re.compile(r"[0-9]{17}[0-9X]")
_CLEAN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_PLACEHOLDERS = frozenset(("无", "暂无", "没有", "/", "-", "--", "—", "空", "不详", "null", "NULL"))
_SPACES = re.compile(r"[\s\u3000]+")
_PHONE_SEPARATORS = re.compile(r"[/、,，;；|]+")
_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?E\+?[0-9]+", re.IGNORECASE)
_TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")
_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003ffff]")
_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
TAG_SYNONYMS = {
    "老人": "老年人",
    "老年": "老年人",
    "留守老人": "老年人",
    "空巢老人": "老年人",
    "在校学生": "学生",
    "大学生": "学生",
    "中学生": "学生",
    "小学生": "学生",
    "退休": "退休人员",
    "退休职工": "退休人员",
    "个体户": "个体工商户",
    "个体": "个体工商户",
    "财会人员": "财务人员",
    "会计": "财务人员",
    "出纳": "财务人员",
    "企业主": "企业负责人",
    "企业法人": "企业负责人",
    "无业": "待业人员",
    "失业人员": "待业人员",
    "待业": "待业人员",
}
RELATION_WORDS = {
    "head": ("户主", "本人"),
    "spouse": ("配偶", "妻", "妻子", "夫", "丈夫", "爱人", "老伴"),
    "child": (
        "子女",
        "子",
        "女",
        "儿子",
        "女儿",
        "长子",
        "次子",
        "三子",
        "长女",
        "次女",
        "三女",
        "独子",
        "独女",
        "养子",
        "养女",
        "继子",
        "继女",
    ),
    "parent": ("父母", "父亲", "母亲", "父", "母", "岳父", "岳母", "公公", "婆婆", "继父", "继母"),
    "grandchild": ("孙子女", "孙子", "孙女", "外孙", "外孙子", "外孙女", "孙"),
    "sibling": ("兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"),
    "other": (
        "其他",
        "儿媳",
        "女婿",
        "祖父",
        "祖母",
        "外祖父",
        "外祖母",
        "侄子",
        "侄女",
        "亲属",
        "保姆",
    ),
}
_RELATION_BY_WORD = {word: code for code, words in RELATION_WORDS.items() for word in words}
RELATION_CHOICES = tuple(RELATIONS.values())


_DIGITS = re.compile(r"\d")
_TAG_SET = frozenset(RESIDENT_TAGS)


def _clean_word(text: str) -> bool:
    """Non-empty, no spaces anywhere, already in NFKC form: nothing for a cleaner to change."""
    return bool(text) and unicodedata.is_normalized("NFKC", text) and not _SPACES.search(text)


@dataclass(slots=True)
class Cell:
    """A cleaned cell: the value to store, what was changed, and what is wrong."""

    value: Any = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    extra: str | None = None  # text to keep in the notes (a second phone number)


def is_empty(raw: Any) -> bool:
    """A cell with nothing meant in it: blank, or a placeholder such as 无 or /."""
    if raw is None:
        return True
    if isinstance(raw, str):
        text = raw.strip()
        return not text or text in _PLACEHOLDERS
    return False


def _text(raw: Any, label: str, notes: list[str]) -> str:
    """Raw cell as text; an Excel number 13812345678.0 as its digits, with a note."""
    if isinstance(raw, float) and raw.is_integer():
        notes.append(f"{label}：Excel数字格式改为文本")
        return str(int(raw))
    if isinstance(raw, int) and not isinstance(raw, bool):
        notes.append(f"{label}：Excel数字格式改为文本")
        return str(raw)
    return str(raw).strip()


def _ascii_digits(text: str, label: str, notes: list[str]) -> str:
    """Full-width characters to ASCII, spaces out, lower-case x to X; a note for each."""
    if not text.isascii():
        folded = unicodedata.normalize("NFKC", text)
        if folded != text:
            notes.append(f"{label}：全角字符改为半角")
            text = folded
    spaced = _SPACES.sub("", text)
    if spaced != text:
        notes.append(f"{label}：去掉空格")
        text = spaced
    if "x" in text:
        notes.append(f"{label}：小写x改为X")
        text = text.replace("x", "X")
    if text[:1] in ("'", "`", "‘"):
        notes.append(f"{label}：去掉开头的单引号")
        text = text[1:]
    return text


def clean_id_number(raw: Any, old_ids: OldIds = "convert", label: str = "身份证号码") -> Cell:
    """An ID number as a person would fix it; 15-digit numbers converted or kept by option."""
    if type(raw) is str and _CLEAN_ID.fullmatch(raw):  # the common case, quickly
        return Cell(raw, error=id_number_error(raw))
    if is_empty(raw):
        return Cell()
    cell = Cell()
    if isinstance(raw, float | int) and not isinstance(raw, bool) and abs(raw) >= 1e15:
        cell.error = "被Excel存成了数字，末几位已经丢失。请把这一列设为文本格式，重新填写后再导入"
        return cell
    text = _ascii_digits(_text(raw, label, cell.notes), label, cell.notes)
    if _SCIENTIFIC.fullmatch(text):
        cell.error = (
            "显示成了科学计数法（如3.30122E+17），末几位已经丢失。请把这一列设为文本格式后重新填写"
        )
        return cell
    if len(text) == 15 and text.isascii() and text.isdigit():
        upgraded = upgrade_old_id_number(text)
        if upgraded is None:
            cell.error = "15位旧号码中的出生日期不存在"
        elif old_ids == "convert":
            cell.value = upgraded
            cell.notes.append(f"{label}：15位旧号码升级为18位")
            cell.error = id_number_error(upgraded)
        else:
            cell.value = text
            cell.notes.append(f"{label}：15位旧号码，按原样保留")
        return cell
    cell.value = text
    cell.error = id_number_error(text)
    return cell


def _one_phone(text: str, label: str, notes: list[str]) -> tuple[str, str | None]:
    folded = _ascii_digits(text, label, []) if not text.isascii() else text
    if _SCIENTIFIC.fullmatch(folded.replace(" ", "")):
        try:
            number = Decimal(folded.replace(" ", ""))
        except InvalidOperation:
            number = Decimal(0)
        if number == number.to_integral_value() and MOBILE_RE.match(str(int(number))):
            notes.append(f"{label}：科学计数法改为数字")
            return str(int(number)), None
        return folded, "显示成了科学计数法，末几位已经丢失，请改为文本格式后重新填写"
    value = normalize_phone(text)
    if value != text:
        notes.append(f"{label}：整理为{'手机号' if MOBILE_RE.match(value) else '“区号-号码”'}格式")
    error = phone_error(value)
    if error and value.isdigit() and len(value) in (7, 8) and value[0] != "0":
        error = "固定电话缺少区号，应写成如0571-88881234"
    return value, error


def clean_phone(raw: Any, label: str = "联系电话") -> Cell:
    """A mobile or a landline with area code; of several numbers the first, the rest kept."""
    if type(raw) is str and _CLEAN_MOBILE.fullmatch(raw):
        return Cell(raw)
    if type(raw) is float and 1.3e10 <= raw < 2e10 and raw.is_integer():
        return Cell(str(int(raw)), [f"{label}：Excel数字格式改为文本"])  # a mobile, quickly
    if is_empty(raw):
        return Cell()
    cell = Cell()
    text = _text(raw, label, cell.notes)
    parts = [p for p in _PHONE_SEPARATORS.split(text) if p.strip()]
    if len(parts) == 1:
        spaced = text.split()
        if len(spaced) > 1 and all(phone_error(normalize_phone(p)) is None for p in spaced):
            parts = spaced  # "13812345678 13912345678": two numbers, not one with spaces
    value, error = _one_phone(parts[0] if parts else text, label, cell.notes)
    if error and isinstance(raw, float | int) and phone_error(normalize_phone("0" + text)) is None:
        value, error = normalize_phone("0" + text), None  # Excel dropped the area code's 0
        cell.notes.append(f"{label}：补上被Excel去掉的区号开头的0")
    cell.value, cell.error = value, error
    if len(parts) > 1 and error is None:
        cell.extra = f"其他电话：{'、'.join(normalize_phone(p) for p in parts[1:])}"
        cell.notes.append(f"{label}：有{len(parts)}个号码，第一个作联系电话，其余记入备注")
    return cell


def clean_name(raw: Any, label: str = "姓名") -> Cell:
    """A person's name: required, spaces inside a Chinese name removed, no digits."""
    if type(raw) is str and _clean_word(raw) and len(raw) <= 64 and not _DIGITS.search(raw):
        return Cell(raw)  # the common case, quickly
    if is_empty(raw):
        return Cell(error="不能为空")
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        return Cell(error=f"“{raw}”不是姓名")
    cell = Cell()
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if _HAN.search(text):
        compact = _SPACES.sub("", text)
        if compact != text:
            cell.notes.append(f"{label}：去掉空格")
            text = compact
    else:
        text = _SPACES.sub(" ", text)
    if any(c.isdigit() for c in text):
        cell.error = f"“{text}”含有数字，不像姓名"
    elif len(text) > 64:
        cell.error = "不能超过64个字"
    cell.value = text
    return cell


def clean_size(raw: Any) -> Cell:
    """家庭人口: an integer from 1 to 50 ("3人" and 3.0 accepted)."""
    if type(raw) is float and raw.is_integer() and 1 <= raw <= 50:
        return Cell(int(raw))
    if is_empty(raw):
        return Cell()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip().removesuffix("人").removesuffix("口")
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 50:
        return Cell(error=f"“{raw}”应为1到50之间的整数")
    return Cell(int(text))


def clean_tags(raw: Any, label: str = "重点人群") -> Cell:
    """Key-group tags, common synonyms mapped to the list's words, comma-separated."""
    if raw in _TAG_SET:
        return Cell(raw)
    if is_empty(raw):
        return Cell()
    cell = Cell()
    words = [w for w in _TAG_SEPARATORS.split(unicodedata.normalize("NFKC", str(raw))) if w]
    tags: list[str] = []
    for word in words:
        tag = TAG_SYNONYMS.get(word, word)
        if tag != word:
            cell.notes.append(f"{label}：“{word}”记为“{tag}”")
        elif tag not in RESIDENT_TAGS:
            cell.notes.append(f"{label}：“{tag}”不在常用重点人群中，按原样保留")
        if tag not in tags:
            tags.append(tag)
    ordered = [t for t in RESIDENT_TAGS if t in tags] + [t for t in tags if t not in RESIDENT_TAGS]
    cell.value = ",".join(ordered)
    if len(cell.value) > 200:
        cell.error = "不能超过200个字"
    return cell


def clean_relation(raw: Any) -> Cell:
    """与户主关系 as a stored code; an unknown word is kept as 其他 with a note."""
    if is_empty(raw):
        return Cell()
    text = _SPACES.sub("", unicodedata.normalize("NFKC", str(raw)))
    code = _RELATION_BY_WORD.get(text)
    if code is None:
        return Cell("other", [f"与户主关系：“{text}”记为“其他”"])
    return Cell(code)


def clean_text(raw: Any, label: str, max_length: int) -> Cell:
    """Free text (address, notes): trimmed; spaces between Chinese characters kept."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Cell()
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    if len(text) > max_length:
        return Cell(text, error=f"不能超过{max_length}个字")
    return Cell(text)


def clean_place(raw: Any) -> str | None:
    """A village or grid name as compared and stored: no spaces, full-width folded."""
    if type(raw) is str and _clean_word(raw):
        return raw if raw not in _PLACEHOLDERS else None
    if is_empty(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(raw))) or None


def grid_number(name: str) -> int | None:
    """The number in a grid's name (第3网格, 3号网格, 网格3, 第三网格, 3), None if it has none."""
    core = name.removeprefix("第").removesuffix("网格").removesuffix("号").removeprefix("网格")
    core = core.removesuffix("号")
    if core.isascii() and core.isdigit():
        return int(core)
    if core and all(c in _CHINESE_DIGITS or c == "十" for c in core):
        if core == "十":
            return 10
        if "十" in core:
            tens, _, ones = core.partition("十")
            return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0)
        if len(core) == 1:
            return _CHINESE_DIGITS[core]
    return None


def grid_name_for(cell: str) -> str:
    """The name a grid cell stands for: one with a number is 第n网格 (3, 3号网格, 第三网格)."""
    number = grid_number(cell)
    return f"第{number}网格" if number is not None else cell
