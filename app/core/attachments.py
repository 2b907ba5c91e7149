"""Files kept inside the database (photos of a visit or an activity, scans of signed papers,
a case's evidence): checked before they are read, stored as attachments of their record.

A clerk's photo can be 200 MB or not a photo at all: the size is read from the file system
first and the type from the file's first bytes (not its name), so neither is loaded into
memory to be refused, and no more than the limit is ever read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.validation import ValidationError
from db.models import Attachment

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
PHOTO_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
IMAGE_TYPES = {
    **PHOTO_TYPES,
    b"BM": "image/bmp",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
}
PDF_TYPES = {b"%PDF-": "application/pdf"}
PHOTOS_TEXT = "图片（PNG、JPEG或GIF）"


@dataclass(frozen=True)
class FileToAttach:
    """A checked file, read, ready to be stored."""

    name: str
    mime_type: str
    content: bytes


def file_type(head: bytes, kinds: Mapping[bytes, str] = PHOTO_TYPES) -> str | None:
    """The MIME type of a file by its first bytes, among `kinds` (WebP when images are)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and "image/tiff" in kinds.values():
        return "image/webp"
    return next((mime for magic, mime in kinds.items() if head.startswith(magic)), None)


def read_checked(
    path: Path | str, kinds: Mapping[bytes, str] = PHOTO_TYPES, what: str = PHOTOS_TEXT
) -> FileToAttach:
    """Read a file that is one of `kinds` and at most 20 MB; ValidationError saying why not
    (missing, empty, too big: before it is read; not `what`: from its first bytes)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {"": f"“{path.name}”有{size / 1024 / 1024:.0f} MB，超过20 MB，请压缩后再添加"}
            )
        if size == 0:
            raise ValidationError({"": f"“{path.name}”是空文件"})
        with path.open("rb") as f:
            head = f.read(16)
            mime = file_type(head, kinds)
            if mime is None:
                raise ValidationError({"": f"“{path.name}”不是{what}"})
            # no more than the limit, even if the file grew since it was measured
            content = head + f.read(MAX_ATTACHMENT_BYTES + 1 - len(head))
    except OSError as exc:
        raise ValidationError({"": f"无法读取“{path.name}”：{exc.strerror or exc}"}) from exc
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"": f"“{path.name}”超过20 MB，请压缩后再添加"})
    return FileToAttach(path.name[:255], mime, content)


def attach(
    session: Session,
    owner_table: str,
    owner_uuid: str,
    file: FileToAttach,
    caption: str | None = None,
) -> Attachment:
    """Store a checked file as an attachment of a record, in the caller's transaction."""
    attachment = Attachment(
        owner_table=owner_table,
        owner_uuid=owner_uuid,
        file_name=file.name,
        mime_type=file.mime_type,
        size=len(file.content),
        sha256=hashlib.sha256(file.content).hexdigest(),
        content=file.content,
        caption=caption,
    )
    session.add(attachment)
    session.flush()
    return attachment
