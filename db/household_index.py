"""What the database keeps up to date about each household, by SQLite triggers.

Two things, both needed for the 入户走访 tab to answer at 300,000 households:

- A search index. `household_search` holds one line of text per household (head of household,
  address, phone, ID number and the names of the other residents, separated by a character
  nobody types), and `household_fts` is an FTS5 trigram index over it. Trigrams find any part of
  3 or more characters; for the 1- and 2-character queries clerks type most (张, 白鹤), the index's
  vocabulary answers instead: every trigram that *starts* with the query names a household that
  contains it (the text ends with two separators so that the last characters start trigrams
  too). Never use `LIKE` on the FTS table: SQLite 3.40 answers `LIKE '%建国%'` there with nothing.
- The letter and APP state of each household, as columns of `household`
  (`notice_delivered_on`, `commitment_signed_on`, `resident_count`, `residents_without_app`,
  `key_group_mask`), so the filters "告知书未送达", "承诺书未签", "有人未装APP" and 重点人群 read an
  index instead of probing the letter and resident tables for every household (290–670 ms at
  300,000 households, measured), and the township's coverage reads one covering index.

Deleted households have no search line, so a search counts its matches from the index alone.

Triggers keep both right whoever writes: the visit form, the letters tab, an import, the demo.
A bulk writer may drop them for speed with `suspended_triggers`, which rebuilds everything at
the end. Note for migrations: rebuilding `household`, `resident` or `letter` in Alembic batch
mode drops their triggers; such a migration must call `create_triggers` again.

SQLite only: on another database the search falls back to LIKE and the columns are kept by
`rebuild` alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

# ASCII unit separator: never typed, so no query matches across two fields.
SEPARATOR = "\x1f"
SEARCH_TABLE = "household_search"
FTS_TABLE = "household_fts"
TERMS_TABLE = "household_fts_terms"
# Tables the ORM does not map (Alembic's autogenerate must leave them alone).
UNMAPPED_TABLES = frozenset({SEARCH_TABLE, FTS_TABLE, TERMS_TABLE})
UNMAPPED_PREFIX = FTS_TABLE  # FTS5 keeps household_fts_data, _idx, _docsize, _config

# Columns of `household` written by the triggers alone: whatever a writer puts there is replaced.
DERIVED_COLUMNS = frozenset({
    "notice_delivered_on", "commitment_signed_on", "resident_count", "residents_without_app",
    "key_group_mask",
})  # fmt: skip

_SEP = "char(31)"


def search_text_sql(household: str) -> str:
    """The SQL expression of one household's search text; `household` is the id expression."""
    s = _SEP
    return (
        f"(SELECT h.head_name || {s} || h.address || {s} || coalesce(h.phone, '') || {s} "
        f"|| coalesce(h.head_id_number, '') || {s} "
        f"|| coalesce((SELECT group_concat(r.name, {s}) FROM resident r "
        "WHERE r.household_id = h.id AND r.deleted_at IS NULL AND r.name != h.head_name), '') "
        f"|| {s} || {s} FROM household h WHERE h.id = {household})"
    )


# The key groups (重点人群) in bit order: the same list as app.core.vocab.RESIDENT_TAGS (a test
# checks
# that). Append only: a bit's meaning is stored in every household's key_group_mask.
KEY_GROUPS = (
    "老年人", "学生", "留守妇女", "陪读妈妈", "待业人员", "财务人员", "企业负责人", "退休人员",
    "个体工商户", "涉诈高危人员",
)  # fmt: skip


def key_group_bit(tag: str) -> int:
    """The bit of a key group in `household.key_group_mask`."""
    return 1 << KEY_GROUPS.index(tag)


def _mask_sql(household: str) -> str:
    """The key groups of a household and of its live residents, as a bit mask."""
    tags = (
        f"coalesce((SELECT hh.tags FROM household hh WHERE hh.id = {household}), '') || ',' || "
        f"coalesce((SELECT group_concat(r.tags, ',') FROM resident r "
        f"WHERE r.household_id = {household} AND r.deleted_at IS NULL), '')"
    )
    bits = " + ".join(f"(instr(t, '{tag}') > 0) * {1 << n}" for n, tag in enumerate(KEY_GROUPS))
    return f"(SELECT {bits} FROM (SELECT {tags} AS t))"


def _state_sql(household: str) -> str:
    """SET clause recomputing a household's letter, resident, APP and key-group columns."""
    return f"""
        key_group_mask = {_mask_sql(household)},
        notice_delivered_on = (
            SELECT max(coalesce(l.delivered_on, l.signed_on, date(l.updated_at))) FROM letter l
            WHERE l.household_id = {household} AND l.kind = 'notice'
              AND l.status IN ('delivered', 'signed') AND l.deleted_at IS NULL),
        commitment_signed_on = (
            SELECT max(coalesce(l.signed_on, date(l.updated_at))) FROM letter l
            WHERE l.household_id = {household} AND l.kind = 'commitment_household'
              AND l.status = 'signed' AND l.deleted_at IS NULL),
        resident_count = (
            SELECT count(*) FROM resident r
            WHERE r.household_id = {household} AND r.deleted_at IS NULL),
        residents_without_app = (
            SELECT count(*) FROM resident r
            WHERE r.household_id = {household} AND r.deleted_at IS NULL
              AND r.app_installed_on IS NULL)"""


def _state(household: str) -> str:
    """The statement refreshing one household's state columns."""
    return f"UPDATE household SET {_state_sql(household)} WHERE id = {household};"


def _line(household: str) -> str:
    """Statements putting one household's search line in again (none once it is deleted)."""
    return f"""
        DELETE FROM {SEARCH_TABLE} WHERE id = {household};
        INSERT INTO {SEARCH_TABLE}(id, text)
            SELECT id, {search_text_sql("household.id")} FROM household
            WHERE id = {household} AND deleted_at IS NULL;"""


TRIGGERS: dict[str, str] = {
    # a household's own search line and state (its key groups, from its tags)
    "household_index_ai": f"""
        AFTER INSERT ON household BEGIN {_line("new.id")} {_state("new.id")} END""",
    "household_index_au": f"""
        AFTER UPDATE OF head_name, address, phone, head_id_number, deleted_at ON household
        BEGIN {_line("new.id")} END""",
    "household_tags_au": f"""
        AFTER UPDATE OF tags ON household BEGIN {_state("new.id")} END""",
    "household_index_ad": f"""
        AFTER DELETE ON household BEGIN DELETE FROM {SEARCH_TABLE} WHERE id = old.id; END""",
    # the FTS index follows the search lines (external content: the old text must be given)
    "household_fts_ai": f"""
        AFTER INSERT ON {SEARCH_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text);
        END""",
    "household_fts_au": f"""
        AFTER UPDATE ON {SEARCH_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text);
        END""",
    "household_fts_ad": f"""
        AFTER DELETE ON {SEARCH_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text);
        END""",
    # residents: their names are searched; they count for 人数, 有人未装APP and 重点人群
    "resident_index_ai": f"""
        AFTER INSERT ON resident BEGIN
            UPDATE {SEARCH_TABLE} SET text = {search_text_sql("new.household_id")}
                WHERE id = new.household_id;
            {_state("new.household_id")}
        END""",
    "resident_index_au": f"""
        AFTER UPDATE OF name, tags, app_installed_on, deleted_at, household_id ON resident BEGIN
            UPDATE {SEARCH_TABLE} SET text = {search_text_sql("new.household_id")}
                WHERE id = new.household_id;
            {_state("new.household_id")}
            UPDATE {SEARCH_TABLE} SET text = {search_text_sql("old.household_id")}
                WHERE id = old.household_id AND old.household_id != new.household_id;
            {_state("old.household_id")}
        END""",
    "resident_index_ad": f"""
        AFTER DELETE ON resident BEGIN
            UPDATE {SEARCH_TABLE} SET text = {search_text_sql("old.household_id")}
                WHERE id = old.household_id;
            {_state("old.household_id")}
        END""",
    # letters: 告知书已送达 and 承诺书已签
    "letter_state_ai": f"""
        AFTER INSERT ON letter WHEN new.household_id IS NOT NULL
        BEGIN {_state("new.household_id")} END""",
    "letter_state_au": f"""
        AFTER UPDATE OF status, deleted_at, delivered_on, signed_on, household_id, kind ON letter
        BEGIN {_state("new.household_id")} {_state("old.household_id")} END""",
    "letter_state_ad": f"""
        AFTER DELETE ON letter WHEN old.household_id IS NOT NULL
        BEGIN {_state("old.household_id")} END""",
}


def create_tables(conn: Connection) -> None:
    """Create the search line table, its FTS5 trigram index and the index's vocabulary."""
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"
    )
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(text, "
        f"content='{SEARCH_TABLE}', content_rowid='id', tokenize='trigram', detail='none')"
    )
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TERMS_TABLE} USING fts5vocab({FTS_TABLE}, 'instance')"
    )


def create_triggers(conn: Connection) -> None:
    """(Re)create every trigger of this module."""
    for name, body in TRIGGERS.items():
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE TRIGGER {name} {body}")


def drop_triggers(conn: Connection) -> None:
    """Drop every trigger of this module (a bulk writer rebuilds afterwards)."""
    for name in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def rebuild(conn: Connection, since_id: int | None = None) -> None:
    """Recompute the state columns and search lines, set-based: of every household, or only
    of those with `id >= since_id` (what a bulk writer appended)."""
    where = "" if since_id is None else f" WHERE id >= {int(since_id)}"
    conn.exec_driver_sql(f"UPDATE household SET {_state_sql('household.id')}{where}")
    if conn.dialect.name != "sqlite":
        return
    if since_id is None:
        conn.exec_driver_sql(f"DELETE FROM {SEARCH_TABLE}")
    else:
        # external content: the index forgets a line only when told its old text
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) "
            f"SELECT 'delete', id, text FROM {SEARCH_TABLE}{where}"
        )
        conn.exec_driver_sql(f"DELETE FROM {SEARCH_TABLE}{where}")
    live = f"{where} AND deleted_at IS NULL" if where else " WHERE deleted_at IS NULL"
    conn.exec_driver_sql(
        f"INSERT INTO {SEARCH_TABLE}(id, text) SELECT id, {search_text_sql('household.id')} "
        f"FROM household{live}"
    )
    if since_id is None:
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    else:
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, text) SELECT id, text FROM {SEARCH_TABLE}{where}"
        )


def install(conn: Connection) -> None:
    """Tables, triggers and a full rebuild: what a migration calls once."""
    if conn.dialect.name == "sqlite":
        create_tables(conn)
        drop_triggers(conn)
        rebuild(conn)
        create_triggers(conn)
    else:
        rebuild(conn)


@contextmanager
def suspended_triggers(conn: Connection, since_id: int | None = None) -> Iterator[None]:
    """Bulk-write without the per-row triggers (about 40 times faster); rebuild at the end.

    `since_id`: the block only appends households with ids from there on (and residents and
    letters of those), so only they are rebuilt; None rebuilds every household. Runs inside
    the caller's transaction: if the block fails, the dropped triggers come back with the
    rollback. Nothing else may write households while the block runs.
    """
    if conn.dialect.name != "sqlite":
        yield
        rebuild(conn, since_id)
        return
    drop_triggers(conn)
    yield
    rebuild(conn, since_id)
    create_triggers(conn)


def has_search_index(conn: Connection) -> bool:
    """Whether this database has the FTS index (SQLite with the migration applied)."""
    if conn.dialect.name != "sqlite":
        return False
    return (
        conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,)
        ).first()
        is not None
    )


def refresh_statistics(conn: Connection) -> bool:
    """ANALYZE when the query planner's statistics are missing or the number of households
    has changed more than twofold since they were taken; returns whether it ran.

    Without them SQLite drives a search from the `deleted_at` index through every household
    (18–50 ms) instead of from the matches (under 1 ms when they are few).
    """
    if conn.dialect.name != "sqlite":
        return False
    households = conn.exec_driver_sql("SELECT count(*) FROM household").scalar() or 0
    has_stats = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).first()
    recorded = None
    if has_stats:
        stat = conn.exec_driver_sql(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = 'household' LIMIT 1"
        ).scalar()
        recorded = int(stat.split()[0]) if stat else None
    if recorded is None and households < 1000:
        return False
    if recorded is not None and recorded / 2 <= households <= recorded * 2:
        return False
    conn.exec_driver_sql("ANALYZE")
    return True


def include_name(name: str | None, type_: str, _parent_names: object = None) -> bool:
    """For Alembic: leave the search tables, which the ORM does not map, out of comparisons."""
    return not (
        type_ == "table" and name is not None and
        (name in UNMAPPED_TABLES or name.startswith(UNMAPPED_PREFIX))
    )  # fmt: skip
