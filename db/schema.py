"""Bring a database to the program's schema revision at start, safely.

The common case (already at head) is decided with one plain query and never imports Alembic,
which alone costs about 0.35 s of start-up. Before an upgrade the SQLite file is copied to a
timestamped backup; a revision this program does not know (a newer program wrote it) is refused
and the file is left exactly as it was.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from db.engine import make_engine
from db.errors import DatabaseOpenError, DatabaseTooNewError, NotWuzhaDatabaseError
from db.sqlite_file import backup_copy, check_file

log = logging.getLogger(__name__)

# The newest revision in migrations/versions; tests/test_migrations.py checks they agree.
HEAD_REVISION = "0012_plan_registers"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def sqlite_path(url: str) -> Path | None:
    """Return the file of a SQLite URL, or None for a server database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _revision_of_sqlite_file(path: Path) -> str | None:
    """Read the revision without writing anything, not even the WAL switch of our engine."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            if tables:
                raise NotWuzhaDatabaseError(path)
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise
        raise NotWuzhaDatabaseError(path) from exc
    finally:
        conn.close()
    return row[0] if row else None


def _revision_of_server(engine: Engine) -> str | None:
    tables = inspect(engine).get_table_names()
    if "alembic_version" not in tables:
        if tables:
            raise DatabaseOpenError(
                "该数据库中已有其他程序的表，不是无诈台账的数据库，未做任何修改。"
            )
        return None
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def current_revision(url: str) -> str | None:
    """Return the schema revision stored in the database, None for a new, empty one."""
    path = sqlite_path(url)
    if path is not None:
        return _revision_of_sqlite_file(path)
    engine = make_engine(url)
    try:
        return _revision_of_server(engine)
    finally:
        engine.dispose()


def alembic_config():
    """Return an Alembic `Config` pointing at this program's migration history."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _migration_engine(url: str) -> Engine:
    """An engine for upgrades: SQLite foreign keys off while batch mode rebuilds tables."""
    return make_engine(url) if sqlite_path(url) is None else _sqlite_migration_engine(url)


def _sqlite_migration_engine(url: str) -> Engine:
    from sqlalchemy import create_engine

    engine = create_engine(url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = OFF")
        dbapi_connection.execute("PRAGMA journal_mode = WAL")

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def upgrade(url: str, revision: str = "head") -> None:
    """Run the migrations up to `revision` in one transaction; foreign keys are checked after."""
    from alembic import command

    engine = _migration_engine(url)
    try:
        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            if engine.dialect.name == "sqlite":
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseOpenError(
                        f"数据库升级后外键检查未通过（{len(broken)} 处），已撤销升级，文件未改变。"
                    )
    finally:
        engine.dispose()


def known_revisions() -> set[str]:
    """Every revision id of this program's history."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def backup_name(path: Path, revision: str | None, now: datetime | None = None) -> str:
    """The name of the copy made before an upgrade, named after the time and old revision."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{path.stem}-{stamp}-before-upgrade-from-{revision}{path.suffix or '.sqlite'}"


def prepare_database(url: str, backup_dir: Path | None = None) -> Path | None:
    """Check the database, back it up if an upgrade is pending, and bring it to head.

    Returns the path of the backup made, if any. Raises a `DatabaseOpenError` with a message
    for the user when the file is not ours, not writable, or newer than the program.
    """
    path = sqlite_path(url)
    if path is not None:
        check_file(path)
    revision = current_revision(url)
    if revision == HEAD_REVISION:
        return None
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNewError(path or Path(make_url(url).render_as_string()), revision)
    backup = None
    if revision is not None and path is not None:
        folder = backup_dir or path.parent / "backups"
        backup = backup_copy(path, folder / backup_name(path, revision))
        log.info("backed up the database before upgrading from revision %s", revision)
    upgrade(url)
    log.info("database upgraded from %s to %s", revision, HEAD_REVISION)
    return backup
