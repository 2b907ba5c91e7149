"""Resident ID numbers (居民身份证号码, GB 11643-1999): check character, birth date, gender."""

from __future__ import annotations

from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def check_character(first17: str) -> str:
    """The 18th character computed from the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def make_id_number(region: str, birth: date, sequence: int) -> str:
    """Build a valid 18-character number: 6-digit region, birth date, 3-digit sequence, check.

    An odd sequence means a man, an even one a woman.
    """
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_character(first17)


def id_number_error(value: str) -> str | None:
    """Why `value` is not a valid 18-character ID number, in Chinese; None when it is valid."""
    if len(value) != 18:
        return f"应为18位，实际{len(value)}位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "前17位应为数字，末位为数字或X"
    if birth_date(value) is None:
        return "出生日期不存在"
    expected = check_character(value[:17])
    if value[17] != expected:
        return f"校验位错误（应为{expected}）"
    return None


def birth_date(value: str) -> date | None:
    """The birth date encoded in an 18-character number, or None if it is not a real date."""
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def gender(value: str) -> str:
    """ "男" or "女" from the sequence digit (the 17th character)."""
    return "男" if int(value[16]) % 2 else "女"
