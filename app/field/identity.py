"""The township's identity and key, made once at the office and kept in the `setting` table.

The township key signs every check-out package (HMAC-SHA256). It never leaves the office: a
laptop gets only the key of its own package (`return_key`), derived from the township key and
the package id, with which it signs its return package; the office derives it again to check.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import Setting

TOWNSHIP_ID_KEY = "township_uuid"
TOWNSHIP_KEY_KEY = "field_township_key"
# Settings that never go into a package: the office's secret, and the letter-number prefix
# (each laptop gets its own, so no two databases hand out the same number).
OFFICE_ONLY_SETTINGS = frozenset({TOWNSHIP_KEY_KEY, "letter_number_prefix"})


@dataclass(frozen=True)
class Township:
    """Who the office is: its id (in every package header), name and signing key."""

    id: str
    name: str
    key: bytes


def _setting(session: Session, key: str, make) -> str:
    row = session.get(Setting, key)
    if row is None or not row.value:
        row = row or Setting(key=key)
        row.value = make()
        session.add(row)
        session.flush()
    return row.value


def township(session: Session, create: bool) -> Township | None:
    """This office's identity; made on first use when `create` (None if not made yet)."""
    if not create:
        id_row, key_row = (
            session.get(Setting, TOWNSHIP_ID_KEY),
            session.get(Setting, TOWNSHIP_KEY_KEY),
        )
        if id_row is None or key_row is None or not id_row.value or not key_row.value:
            return None
    township_id = _setting(session, TOWNSHIP_ID_KEY, lambda: str(uuid.uuid4()))
    key = _setting(session, TOWNSHIP_KEY_KEY, lambda: secrets.token_hex(32))
    name_row = session.get(Setting, "township_name")
    return Township(township_id, (name_row.value if name_row else None) or "", bytes.fromhex(key))


def return_key(township_key: bytes, package_id: str) -> bytes:
    """The key that signs the return package of one check-out."""
    return hmac.new(township_key, f"field-return:{package_id}".encode(), hashlib.sha256).digest()
