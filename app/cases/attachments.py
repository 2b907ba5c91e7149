"""Attachments of a dissuasion case: photos and scans (transfer slips, chat screenshots, the
signed 劝阻告知单), kept inside the database with the case.

Only images (PNG, JPEG, GIF, BMP, TIFF, WebP) and PDFs are taken, recognised by their first
bytes, not their name; a file over 20 MB is refused before a byte of it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from app.core import audit
from app.core.attachments import IMAGE_TYPES, PDF_TYPES, attach, read_checked
from app.core.validation import ValidationError
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Attachment, DissuasionCase

OWNER_TABLE = "dissuasion_case"
MAX_CAPTION = 200
CASE_TYPES = {**IMAGE_TYPES, **PDF_TYPES}
KINDS_TEXT = "图片（PNG、JPEG、GIF、BMP、TIFF、WebP）或PDF"


@dataclass(frozen=True)
class CaseAttachment:
    """One attachment as a list shows it."""

    id: int
    file_name: str
    mime_type: str
    size: int
    caption: str

    @property
    def label(self) -> str:
        """现场照片.jpg（1.2 MB）转账凭证."""
        size = f"{self.size / 1024 / 1024:.1f} MB" if self.size >= 1024 * 1024 else (
            f"{max(1, self.size // 1024)} KB"
        )  # fmt: skip
        return f"{self.file_name}（{size}）" + (f" {self.caption}" if self.caption else "")


def _live_case(session, case_id: int) -> DissuasionCase:
    case_row = session.get(DissuasionCase, case_id)
    if case_row is None or case_row.deleted_at is not None:
        raise ValidationError({"": "案例不存在或已被删除"})
    return case_row


def add_attachment(
    engine: Engine, case_id: int, path: Path | str, caption: str = "", user: str | None = None
) -> int:
    """Attach an image or PDF to a case; returns the attachment's id."""
    if len(caption.strip()) > MAX_CAPTION:
        raise ValidationError({"caption": f"说明不能超过{MAX_CAPTION}个字"})
    file = read_checked(path, CASE_TYPES, f"{KINDS_TEXT}，不能作为案例附件")
    with unit_of_work(engine, user) as session:
        case_row = _live_case(session, case_id)
        row = attach(session, OWNER_TABLE, case_row.uuid, file, caption.strip() or None)
        audit.record(session, "create", "attachment", row.uuid, OWNER_TABLE)
        return row.id


def attachments(engine: Engine, case_id: int) -> list[CaseAttachment]:
    """The live attachments of a case, oldest first (without their content)."""
    with unit_of_work(engine) as session:
        case_row = session.get(DissuasionCase, case_id)
        if case_row is None:
            return []
        rows = session.execute(
            select(
                Attachment.id, Attachment.file_name, Attachment.mime_type, Attachment.size,
                Attachment.caption,
            )
            .where(
                Attachment.owner_table == OWNER_TABLE, Attachment.owner_uuid == case_row.uuid,
                Attachment.deleted_at.is_(None),
            )
            .order_by(Attachment.id)
        ).all()  # fmt: skip
    return [CaseAttachment(r[0], r[1], r[2], r[3], r[4] or "") for r in rows]


def _attachment(session, attachment_id: int) -> Attachment:
    row = session.get(Attachment, attachment_id)
    if row is None or row.deleted_at is not None or row.owner_table != OWNER_TABLE:
        raise ValidationError({"": "附件不存在或已被删除"})
    return row


def attachment_content(engine: Engine, attachment_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of an attachment, to open or save it."""
    with unit_of_work(engine) as session:
        row = _attachment(session, attachment_id)
        return row.file_name, row.content


def save_attachment(engine: Engine, attachment_id: int, folder: Path | str) -> Path:
    """Write an attachment into `folder` under its own name; returns the file's path."""
    name, data = attachment_content(engine, attachment_id)
    target = Path(folder) / Path(name).name
    target.write_bytes(data)
    return target


def remove_attachment(engine: Engine, attachment_id: int, user: str | None = None) -> None:
    """Delete an attachment (soft: it stays in the database, marked deleted)."""
    with unit_of_work(engine, user) as session:
        row = _attachment(session, attachment_id)
        row.deleted_at = utcnow()
        audit.record(session, "delete", "attachment", row.uuid, OWNER_TABLE)


def retire_attachments(session, case_row: DissuasionCase) -> None:
    """Mark a deleted case's attachments deleted with it (in the delete's transaction)."""
    for row in session.scalars(
        select(Attachment).where(
            Attachment.owner_table == OWNER_TABLE, Attachment.owner_uuid == case_row.uuid,
            Attachment.deleted_at.is_(None),
        )
    ):  # fmt: skip
        row.deleted_at = case_row.deleted_at
