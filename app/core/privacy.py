"""Masking of personal data (个人信息保护法): ID numbers and phones are masked by default."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """`330122199001011234` → `330122********1234`; short or empty values are masked whole."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """`13812345678` → `138****5678`; landlines keep the area code and the last 2 digits."""
    if not value:
        return ""
    if len(value) == 11 and value.startswith("1"):
        return value[:3] + "****" + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    head = value.split("-")[0] + "-" if "-" in value else value[:3]
    return head + "*" * max(len(value) - len(head) - 2, 1) + value[-2:]


def mask_name(value: str | None) -> str:
    """`欧阳娜娜` → `欧***`: the first character and one star for each of the others."""
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


MASKERS = {"id_number": mask_id_number, "phone": mask_phone, "name": mask_name}


def mask(kind: str, value: str | None) -> str:
    """Mask `value` as personal data of `kind` ("id_number", "phone" or "name")."""
    return MASKERS[kind](value)
