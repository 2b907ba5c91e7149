"""Numbers as a printed 公文 writes them in words (一、二、… 十二、二十)."""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (decision numbers)."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else DIGITS[tens]) + "十" if tens else ""
    return text + (DIGITS[ones] if ones else "")
