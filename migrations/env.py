"""Alembic environment: runs on the program's own connection, or on a URL from the CLI.

The program passes its connection in `config.attributes["connection"]`. From a developer's
shell, `alembic -x db=path/to/file.sqlite upgrade head` (or WUZHA_DATABASE_URL) names the database.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

import db.models  # noqa: F401 - registers every table on the metadata
from db.base import Base
from db.engine import DATABASE_URL_ENV, make_engine, sqlite_url
from db.household_index import include_name

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies the table
        compare_type=True,
        include_name=include_name,  # the search tables are not mapped
    )
    with context.begin_transaction():
        context.run_migrations()


def _url_from_command_line() -> str:
    db_arg = context.get_x_argument(as_dictionary=True).get("db")
    if db_arg:
        return sqlite_url(db_arg)
    url = os.environ.get(DATABASE_URL_ENV) or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the database with -x db=FILE or WUZHA_DATABASE_URL")
    return url


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(_url_from_command_line())
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
