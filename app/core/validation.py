"""Field definitions and validation shared by every form and every import.

A register declares its fields once; forms are built from them and imports check rows
with the same rules, so a clerk gets the same Chinese message wherever a value goes in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.core.idnumber import id_number_error

CENT = Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** 12
# ASCII digits only, and \Z: "$" would also accept a trailing newline
MOBILE_RE = re.compile(r"\A1[3-9]\d{9}\Z", re.ASCII)
LANDLINE_RE = re.compile(r"\A0\d{2,3}-[1-9]\d{6,7}\Z", re.ASCII)
_AREA_IN_BRACKETS = re.compile(r"\A[(（](0\d{2,3})[)）]-?")


@dataclass(frozen=True)
class FormField:
    """One field of a form: its key on the record, its Chinese label and its rules.

    kind: text, multiline, choice, tags (several of the choices, stored as "老年人,学生"), date,
    datetime, int, bool, phone, id_number, money (typed in yuan, stored as integer fen;
    `minimum`/`maximum` in yuan).
    `choices` is a list of (value, label) or a callable giving one (looked up when a form opens).
    """

    key: str
    label: str
    kind: str = "text"
    required: bool = False
    max_length: int | None = None
    choices: Sequence[tuple[Any, str]] | Callable[[], Sequence[tuple[Any, str]]] | None = None
    placeholder: str = ""
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def choice_list(self) -> list[tuple[Any, str]]:
        """The choices, calling the lookup if they are computed."""
        if self.choices is None:
            return []
        return list(self.choices() if callable(self.choices) else self.choices)


class ValidationError(Exception):
    """Values that cannot be saved: `errors` maps a field key to its Chinese message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = dict(errors)


def normalize_digits(value: str) -> str:
    """Full-width digits and letters to ASCII, spaces removed, lower-case x to X."""
    text = unicodedata.normalize("NFKC", value)
    return re.sub(r"\s+", "", text).replace("x", "X")


def normalize_phone(value: str) -> str:
    """Normalise a typed phone: ASCII digits, no spaces; `0571 8888 1234` → `0571-88881234`.

    Also `(0571)88881234` → `0571-88881234`, `+86 138 1234 5678` and `138-1234-5678` →
    `13812345678`.
    """
    text = normalize_digits(value).replace("—", "-").replace("－", "-")
    if text.endswith(".0"):  # Excel stores phones as numbers
        text = text[:-2]
    text = _AREA_IN_BRACKETS.sub(r"\1-", text).removeprefix("+86").removeprefix("0086")
    if MOBILE_RE.match(text.replace("-", "")):  # 138-1234-5678
        return text.replace("-", "")
    if "-" not in text and text.startswith("0") and len(text) in (11, 12):
        area = 3 if text[:2] in ("01", "02") else 4
        text = text[:area] + "-" + text[area:]
    return text


def phone_error(value: str) -> str | None:
    """Why a normalised phone is not a mobile (11 digits from 1) or a landline with area code."""
    if MOBILE_RE.match(value) or LANDLINE_RE.match(value):
        return None
    return "应为11位手机号，或带区号的固定电话（如0571-88881234）"


def clean_value(f: FormField, raw: Any) -> tuple[Any, str | None]:
    """Turn a raw form or cell value into the stored value, with an error message if invalid."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw in (None, "") or (isinstance(raw, list | tuple) and not raw):
        if f.required:
            return None, f"{f.label}不能为空"
        return None, None
    if f.kind in ("text", "multiline"):
        value = str(raw)
        if f.max_length and len(value) > f.max_length:
            return value, f"{f.label}不能超过{f.max_length}个字"
        return value, None
    if f.kind == "phone":
        value = normalize_phone(str(raw))
        error = phone_error(value)
        return value, f"{f.label}{error}" if error else None
    if f.kind == "id_number":
        value = normalize_digits(str(raw))
        error = id_number_error(value)
        return value, f"{f.label}{error}" if error else None
    if f.kind == "int":
        try:
            value = int(str(raw))
        except ValueError:
            return raw, f"{f.label}应为整数"
        if f.minimum is not None and value < f.minimum:
            return value, f"{f.label}不能小于{f.minimum}"
        if f.maximum is not None and value > f.maximum:
            return value, f"{f.label}不能大于{f.maximum}"
        return value, None
    if f.kind == "datetime":
        if isinstance(raw, datetime):
            return raw.replace(second=0, microsecond=0), None
        try:
            return datetime.fromisoformat(str(raw)).replace(second=0, microsecond=0), None
        except ValueError:
            return raw, f"{f.label}应为日期和时间，如2024-03-05 09:30"
    if f.kind == "date":
        if isinstance(raw, datetime):
            return raw.date(), None
        if isinstance(raw, date):
            return raw, None
        try:
            return date.fromisoformat(str(raw)), None
        except ValueError:
            return raw, f"{f.label}应为日期，如2024-03-05"
    if f.kind == "bool":
        return bool(raw), None
    if f.kind == "money":
        return _clean_money(f, raw)
    if f.kind == "tags":
        return clean_tags(f, raw)
    if f.kind == "choice":
        allowed = {value for value, _ in f.choice_list()}
        if raw not in allowed:
            return raw, f"{f.label}的取值“{raw}”不在可选范围内"
        return raw, None
    raise ValueError(f"unknown field kind {f.kind}")


TAG_SEPARATORS = re.compile(r"[,，、;；/\s]+")


def split_tags(raw: Any) -> list[str]:
    """Tags typed or read as `老年人、学生` (split at , ， 、 ; ； / or spaces), or a list."""
    items = raw if isinstance(raw, list | tuple | set) else TAG_SEPARATORS.split(str(raw))
    return [str(item).strip() for item in items if str(item).strip()]


def clean_tags(f: FormField, raw: Any) -> tuple[Any, str | None]:
    """Several choices as one stored text in the choices' order (`老年人,学生`), or None."""
    allowed = [value for value, _ in f.choice_list()]
    tags = split_tags(raw)
    unknown = [t for t in tags if t not in allowed]
    if unknown:
        return raw, f"{f.label}“{unknown[0]}”不在可选范围内（可选：{'、'.join(allowed)}）"
    chosen = [t for t in allowed if t in tags]
    return (",".join(chosen) or None), None


def parse_yuan(raw: Any) -> Decimal | None:
    """An amount typed or read in yuan (`1,234.5`, `１２３４.５０元`, 1234.5) as exact Decimal.

    None when it is not a number with at most two decimals. Floats (Excel) go through their
    shortest text, so 0.1 stays 0.1.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal | int | float):
        text = repr(raw) if isinstance(raw, float) else str(raw)
    else:
        text = normalize_digits(str(raw)).replace(",", "").replace("，", "")
        text = text.removesuffix("元").removeprefix("¥").removeprefix("￥")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    # beyond a trillion yuan is a typing slip, and too large to quantize exactly
    if not value.is_finite() or abs(value) >= MONEY_LIMIT or value != value.quantize(CENT):
        return None
    return value.quantize(CENT)


def fen_to_yuan(fen: int | None) -> Decimal | None:
    """Stored fen as yuan with two decimals (12345 → Decimal("123.45"))."""
    return None if fen is None else (Decimal(fen) / 100).quantize(CENT)


def _clean_money(f: FormField, raw: Any) -> tuple[Any, str | None]:
    """A money field is entered in yuan and stored as integer fen."""
    value = parse_yuan(raw)
    if value is None:
        return raw, f"{f.label}应为金额（元），最多两位小数，如1234.50"
    fen = int(value * 100)
    if f.minimum is not None and fen < f.minimum * 100:
        return fen, f"{f.label}不能小于{f.minimum}元" if f.minimum else f"{f.label}不能为负数"
    if f.maximum is not None and fen > f.maximum * 100:
        return fen, f"{f.label}不能大于{f.maximum}元"
    return fen, None


def clean_values(fields: Sequence[FormField], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Clean every field of a form; raise `ValidationError` listing every bad field at once."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in fields:
        value, error = clean_value(f, raw.get(f.key))
        values[f.key] = value
        if error:
            errors[f.key] = error
    if errors:
        raise ValidationError(errors)
    return values
