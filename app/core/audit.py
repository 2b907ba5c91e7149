"""The audit log: who created, changed, deleted, revealed or exported what."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import AuditLog


def record(
    session: Session,
    action: str,
    table_name: str | None = None,
    record_uuid: str | None = None,
    detail: str | None = None,
) -> None:
    """Add an audit entry in the caller's transaction; `detail` must hold no personal data."""
    session.add(
        AuditLog(
            username=session.info.get("user"),
            action=action,
            table_name=table_name,
            record_uuid=record_uuid,
            detail=detail,
        )
    )


def record_reveal(engine, user: str | None, table_name: str, where: str) -> None:
    """Write that `user` showed full ID numbers and phones of `table_name` (in `where`)."""
    from db.engine import unit_of_work

    with unit_of_work(engine, user) as session:
        record(session, "reveal", table_name, None, where)
