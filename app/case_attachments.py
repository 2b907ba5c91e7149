"""Attachments of a dissuasion case: photos and scans (transfer slips, chat screenshots, the
signed 劝阻告知单), kept inside the database with the case.

Only images (PNG, JPEG, GIF, BMP, TIFF, WebP) and PDFs are taken, recognised by their first
bytes, not their name; a file over 20 MB is refused before a byte of it is read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from app import audit
from app.validation import ValidationError
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Attachment, DissuasionCase

OWNER_TABLE = "dissuasion_case"
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_CAPTION = 200
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"%PDF-", "application/pdf"),
)
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


def file_type(head: bytes) -> str | None:
    """The MIME type of an image or PDF by its first bytes, or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return next((mime for magic, mime in MAGIC if head.startswith(magic)), None)


def _live_case(session, case_id: int) -> DissuasionCase:
    case_row = session.get(DissuasionCase, case_id)
    if case_row is None or case_row.deleted_at is not None:
        raise ValidationError({"": "案例不存在或已被删除"})
    return case_row


def add_attachment(
    engine: Engine, case_id: int, path: Path | str, caption: str = "", user: str | None = None
) -> int:
    """Attach an image or PDF to a case; returns the attachment's id."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError({"": f"无法读取“{path.name}”：{exc.strerror or exc}"}) from exc
    if size > MAX_ATTACHMENT_BYTES:
        megabytes = f"{size / 1024 / 1024:.0f}"
        raise ValidationError(
            {"": f"“{path.name}”有{megabytes} MB，超过20 MB，请压缩或分页扫描后再添加。"}
        )
    if size == 0:
        raise ValidationError({"": f"“{path.name}”是空文件"})
    if len(caption.strip()) > MAX_CAPTION:
        raise ValidationError({"caption": f"说明不能超过{MAX_CAPTION}个字"})
    with path.open("rb") as handle:
        head = handle.read(16)
        mime = file_type(head)
        if mime is None:
            raise ValidationError({"": f"“{path.name}”不是{KINDS_TEXT}，不能作为案例附件。"})
        # read no more than the limit, even if the file grew since stat()
        data = head + handle.read(MAX_ATTACHMENT_BYTES + 1 - len(head))
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"": f"“{path.name}”超过20 MB，请压缩后再添加。"})
    with unit_of_work(engine, user) as session:
        case_row = _live_case(session, case_id)
        row = Attachment(
            owner_table=OWNER_TABLE, owner_uuid=case_row.uuid, file_name=path.name[:255],
            mime_type=mime, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            content=data, caption=caption.strip() or None,
        )  # fmt: skip
        session.add(row)
        session.flush()
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
