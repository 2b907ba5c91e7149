"""The values a letter was printed with, kept in `Letter.printed_values` (JSON).

The signed paper is the record of truth: a reprint or a signed copy must say what the paper
said, even after the fraud-type list, the township's name, the issuing office or the
household changed. So the placeholders' values are stored as printed (an ID number masked if
the letter printed it masked) and a reprint fills its template from them. Letters printed
before the column existed (NULL) are filled anew from the records.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from app.letters.addressees import Addressee

# The printed date as a date (for the signature block), beside its text 日期
DATE_KEY = "日期_date"


def encode_values(values: dict[str, Any]) -> str:
    """The values a letter is filled with, as the JSON stored with it (dates as ISO text)."""
    stored = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}
    return json.dumps(stored, ensure_ascii=False, sort_keys=True)


def decode_values(text: str) -> dict[str, Any]:
    """The values stored with a letter, as `encode_values` wrote them (the date a date)."""
    values = json.loads(text)
    if not isinstance(values, dict):
        raise ValueError("printed values are not an object")
    if isinstance(values.get(DATE_KEY), str):
        values[DATE_KEY] = date.fromisoformat(values[DATE_KEY])
    return values


def stored_addressee(
    household_id: int | None, employee_id: int | None, values: dict[str, Any]
) -> Addressee:
    """The addressee as the letter printed it (for naming the record in an error)."""
    name = str(values.get("户主姓名") or values.get("姓名") or "")
    return Addressee(household_id, employee_id, name, values)
