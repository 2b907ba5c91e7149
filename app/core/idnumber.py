"""Resident ID numbers (居民身份证号码, GB 11643-1999): check character, birth date, gender."""

from __future__ import annotations

import re
from datetime import date
from operator import mul

# ASCII only: str.isdigit() and a plain \d also accept ² or Arabic-Indic digits
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
OLDEST_BIRTH_YEAR = 1900
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def check_character(first17: str) -> str:
    """The 18th character computed from the first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != len(_WEIGHTS):
        raise ValueError("an ID number's check covers exactly 17 digits")
    total = sum(map(mul, map(int, first17), _WEIGHTS))  # twice the speed of a generator
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
    if not _SHAPE.fullmatch(value):
        return "前17位应为数字，末位为数字或X"
    born = birth_date(value)
    if born is None:
        return "出生日期不存在"
    if born > date.today() or born.year < OLDEST_BIRTH_YEAR:
        return f"出生日期{born:%Y-%m-%d}不可能"
    expected = check_character(value[:17])
    if value[17] != expected:
        return f"校验位错误（应为{expected}）"
    return None


def birth_date(value: str) -> date | None:
    """The birth date encoded in an 18-character number, or None if it is not a real date."""
    if not value[6:14].isascii():
        return None
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def gender(value: str) -> str:
    """ "男" or "女" from the sequence digit (the 17th character)."""
    return "男" if int(value[16]) % 2 else "女"


def upgrade_old_id_number(value: str) -> str | None:
    """The 18-character number of an old 15-digit one (born 19yy, check character added).

    None when `value` is not 15 ASCII digits with a real birth date.
    """
    if len(value) != 15 or not value.isascii() or not value.isdigit():
        return None
    first17 = value[:6] + "19" + value[6:]
    try:
        date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    except ValueError:
        return None
    return first17 + check_character(first17)
