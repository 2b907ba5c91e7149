"""Files kept inside the database (photos of a visit, scans): checked before they are read.

A clerk's photo can be 200 MB or not a photo at all: the size is read from the file system
first and the type from the file's first bytes, so neither is loaded into memory to be refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.validation import ValidationError
from db.models import Attachment

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
PDF_TYPES = {b"%PDF-": "application/pdf"}


@dataclass(frozen=True)
class FileToAttach:
    """A checked file, read, ready to be stored."""

    name: str
    mime_type: str
    content: bytes


def file_type(head: bytes, kinds: dict[bytes, str]) -> str | None:
    """The MIME type of a file by its first bytes, among `kinds`, or None."""
    return next((mime for magic, mime in kinds.items() if head.startswith(magic)), None)


def read_checked(
    path: Path | str, kinds: dict[bytes, str] = IMAGE_TYPES, what: str = "图片（PNG、JPEG或GIF）"
) -> FileToAttach:
    """Read a file that is one of `kinds` and at most 20 MB; ValidationError saying why not."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {"": f"“{path.name}”有{size / 1024 / 1024:.0f} MB，超过20 MB，请压缩后再添加"}
            )
        with path.open("rb") as f:
            mime = file_type(f.read(16), kinds)
            if mime is None:
                raise ValidationError({"": f"“{path.name}”不是{what}"})
            f.seek(0)
            content = f.read()
    except OSError as exc:
        raise ValidationError({"": f"无法读取“{path.name}”：{exc.strerror or exc}"}) from exc
    return FileToAttach(path.name, mime, content)


def attach(session: Session, owner_table: str, owner_uuid: str, file: FileToAttach) -> Attachment:
    """Store a checked file as an attachment of a record, in the caller's transaction."""
    attachment = Attachment(
        owner_table=owner_table,
        owner_uuid=owner_uuid,
        file_name=file.name,
        mime_type=file.mime_type,
        size=len(file.content),
        sha256=hashlib.sha256(file.content).hexdigest(),
        content=file.content,
    )
    session.add(attachment)
    return attachment
