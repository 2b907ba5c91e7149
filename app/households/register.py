"""The household register (入户走访 tab, left side): search, filters, and the household form.

Search and filters run in SQL at 300,000 households: any part of the head of household's name,
the address, the phone, the ID number or another resident's name, through the trigram index of
db/household_index.py; the letter and APP filters read columns that index keeps.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    column,
    exists,
    func,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from app.core.privacy import mask_phone
from app.core.registers import (
    RegisterColumn,
    RegisterFilter,
    RegisterQuery,
    SqlRegister,
    contains,
)
from app.core.vocab import RESIDENT_TAGS
from db import household_index
from db.models import Grid, Household, Resident, Unit, Visit

# Filter values of the state filters (their keys are the filter keys).
VISITED_CHOICES = [("not_this_year", "今年未走访"), ("this_year", "今年已走访")]
NOTICE_CHOICES = [("missing", "告知书未送达"), ("done", "告知书已送达")]
COMMITMENT_CHOICES = [("missing", "承诺书未签"), ("done", "承诺书已签")]
APP_CHOICES = [("missing", "有人未装APP"), ("done", "全部已装APP")]
FOLLOW_UP_CHOICES = [("needed", "需跟进")]


def village_choices(session: Session) -> list[tuple[int, str]]:
    """Live villages in the township's order."""
    return [
        (v.id, v.name)
        for v in session.execute(
            select(Unit.id, Unit.name)
            .where(Unit.kind == "village", Unit.deleted_at.is_(None))
            .order_by(Unit.sort_order, Unit.id)
        )
    ]


def grid_choices(session: Session, village_id: int | None = None) -> list[tuple[int, str]]:
    """Live grids as `白鹤村 / 第一网格`, village by village (or of one village)."""
    stmt = (
        select(Grid.id, Grid.name, Unit.name.label("village"))
        .join(Unit, Grid.village_id == Unit.id)
        .where(Grid.deleted_at.is_(None), Unit.deleted_at.is_(None))
        .order_by(Unit.sort_order, Unit.id, Grid.sort_order, Grid.id)
    )
    if village_id is not None:
        stmt = stmt.where(Grid.village_id == village_id)
    return [(g.id, f"{g.village} / {g.name}") for g in session.execute(stmt)]


def normalize_search_word(word: str) -> str:
    """What a clerk means by a typed word: full-width digits and letters as ASCII."""
    return unicodedata.normalize("NFKC", word).strip()


def not_visited_since(day: date) -> ColumnElement:
    """Households with no visit (someone met) on or after `day`: 今年未走访 from 1 January."""
    return or_(Household.last_visited_on.is_(None), Household.last_visited_on < day)


# The search index's tables, for building queries (each word gets its own bound values).
_TERMS = table(household_index.TERMS_TABLE, column("term"), column("doc"))
_FTS = table(household_index.FTS_TABLE, column("rowid"), column(household_index.FTS_TABLE))


class HouseholdRegister(SqlRegister):
    """Every live household with its village, grid, letter and APP state; ID and phone masked."""

    title = "住户"
    columns = (
        RegisterColumn("village", "村居", 10),
        RegisterColumn("grid", "网格", 10),
        RegisterColumn("address", "地址", 24),
        RegisterColumn("head_name", "户主", 8),
        RegisterColumn("head_id_number", "身份证号码", 20, personal="id_number"),
        RegisterColumn("phone", "联系电话", 14, personal="phone"),
        RegisterColumn("size", "人数", 5, numeric=True),
        RegisterColumn("tags", "重点人群", 16),
        RegisterColumn("last_visited_on", "最近走访", 11),
        RegisterColumn("notice_delivered_on", "告知书送达", 11),
        RegisterColumn("commitment_signed_on", "承诺书签订", 11),
        RegisterColumn("residents_without_app", "未装APP", 7, numeric=True),
    )
    default_sort = "id"

    def __init__(self, engine, today: date | None = None) -> None:
        super().__init__(engine)
        self.today = today
        # the village whose grids the 网格 filter offers (None: every village's grids)
        self.grid_village_id: int | None = None
        with engine.connect() as conn:
            self.indexed = household_index.has_search_index(conn)

    def _today(self) -> date:
        return self.today or date.today()

    def select_rows(self) -> Select:
        """Households joined to their village and grid names."""
        return (
            select(
                Household.id.label("id"),
                Unit.name.label("village"),
                Grid.name.label("grid"),
                Household.address.label("address"),
                Household.head_name.label("head_name"),
                Household.head_id_number.label("head_id_number"),
                Household.phone.label("phone"),
                Household.size.label("size"),
                Household.tags.label("tags"),
                Household.last_visited_on.label("last_visited_on"),
                Household.notice_delivered_on.label("notice_delivered_on"),
                Household.commitment_signed_on.label("commitment_signed_on"),
                Household.residents_without_app.label("residents_without_app"),
            )
            .join(Unit, Household.village_id == Unit.id)
            .outerjoin(Grid, Household.grid_id == Grid.id)
            .where(Household.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Head of household, address, phone and ID number."""
        return (Household.head_name, Household.address, Household.phone, Household.head_id_number)

    def word_clause(self, word: str) -> ColumnElement:
        """Households containing the word in a searched column or a resident's name."""
        word = normalize_search_word(word)
        resident_named = exists().where(
            Resident.household_id == Household.id,
            Resident.deleted_at.is_(None),
            contains(Resident.name, word),
        )
        exact = or_(*(contains(col, word) for col in self.search_columns()), resident_named)
        if not self.indexed:
            return exact
        folded = word.lower()  # the trigram index folds ASCII case (x in an ID number)
        if len(folded) < 3:
            # every indexed trigram starting with the word marks a household containing it
            starts = select(_TERMS.c.doc).where(
                _TERMS.c.term >= folded, _TERMS.c.term < folded + "\U0010ffff"
            )
            return Household.id.in_(starts)
        trigrams = " AND ".join(
            '"' + folded[i : i + 3].replace('"', '""') + '"' for i in range(len(folded) - 2)
        )
        candidates = select(_FTS.c.rowid).where(
            _FTS.c[household_index.FTS_TABLE].op("MATCH")(trigrams)
        )
        # the trigrams may all occur without the word itself: check the candidates exactly
        return and_(Household.id.in_(candidates), exact)

    def filters(self) -> Sequence[RegisterFilter]:
        """村居, 网格 (only `grid_village_id`'s, if set), 重点人群, 走访/告知书/承诺书/APP."""
        with self.engine.connect() as conn:
            session = Session(bind=conn)
            villages = village_choices(session)
            grids = grid_choices(session, self.grid_village_id)
        return (
            RegisterFilter("village", "村居", villages),
            RegisterFilter("grid", "网格", grids),
            RegisterFilter("tag", "重点人群", [(t, t) for t in RESIDENT_TAGS]),
            RegisterFilter("visited", "走访情况", VISITED_CHOICES),
            RegisterFilter("notice", "告知书", NOTICE_CHOICES),
            RegisterFilter("commitment", "承诺书", COMMITMENT_CHOICES),
            RegisterFilter("app", "反诈APP", APP_CHOICES),
            RegisterFilter("follow_up", "跟进", FOLLOW_UP_CHOICES),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of one filter value."""
        if key == "village":
            return Household.village_id == value
        if key == "grid":
            return Household.grid_id == value
        if key == "tag":
            # the household's own tags or a resident's, kept as bits by db/household_index
            return Household.key_group_mask.op("&")(household_index.key_group_bit(value)) != 0
        if key == "visited":
            since = date(self._today().year, 1, 1)
            if value == "this_year":
                return Household.last_visited_on >= since
            return not_visited_since(since)
        if key in ("notice", "commitment"):
            column = (
                Household.notice_delivered_on if key == "notice" else Household.commitment_signed_on
            )
            return column.is_not(None) if value == "done" else column.is_(None)
        if key == "app":
            return (
                Household.residents_without_app == 0
                if value == "done"
                else Household.residents_without_app > 0
            )
        if key == "follow_up":
            return exists().where(
                Visit.household_id == Household.id,
                Visit.deleted_at.is_(None),
                Visit.follow_up_needed.is_(True),
            )
        return None

    def sort_column(self, stmt: Select, key: str) -> ColumnElement:
        """Village and grid sort by their indexed ids: grouped alike, without sorting names."""
        if key == "village":
            return Household.village_id
        if key == "grid":
            return Household.grid_id
        return super().sort_column(stmt, key)

    def count(self, query: RegisterQuery) -> int:
        """How many households match; counted without the village and grid joins, and from the
        search index alone for a search of short words without filters."""
        words = [normalize_search_word(w).lower() for w in query.text.split()]
        filtered = any(v not in (None, "") for v in query.filters.values())
        if self.indexed and words and not filtered and all(len(w) < 3 for w in words):
            sets = " INTERSECT ".join(
                f"SELECT doc FROM {household_index.TERMS_TABLE} "
                f"WHERE term >= :lo{n} AND term < :hi{n}"
                for n in range(len(words))
            )
            bounds = {f"lo{n}": w for n, w in enumerate(words)}
            bounds |= {f"hi{n}": w + "\U0010ffff" for n, w in enumerate(words)}
            with self.engine.connect() as conn:
                return conn.execute(
                    text(f"SELECT count(DISTINCT doc) FROM ({sets})"), bounds
                ).scalar_one()
        stmt = self._where(select(Household.id).where(Household.deleted_at.is_(None)), query)
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()


def household_summary(engine: Engine, household_id: int) -> str:
    """Two lines about one household for the top of its panel (phone masked)."""
    with Session(engine) as session:
        row = session.execute(
            select(Household, Unit.name.label("village"), Grid.name.label("grid"))
            .join(Unit, Household.village_id == Unit.id)
            .outerjoin(Grid, Household.grid_id == Grid.id)
            .where(Household.id == household_id)
        ).first()
    if row is None or row.Household.deleted_at is not None:
        return "该户不存在或已被删除"
    h = row.Household
    place = f"{row.village} / {row.grid}" if row.grid else row.village
    tags = f"　重点人群：{h.tags.replace(',', '、')}" if h.tags else ""
    phone = f"　{mask_phone(h.phone)}" if h.phone else ""
    first = f"{h.head_name}　{place}　{h.address}　{h.resident_count}人{phone}{tags}"

    def when(day: date | None, missing: str) -> str:
        return f"{day:%Y-%m-%d}" if day else missing

    second = (
        f"最近走访：{when(h.last_visited_on, '无')}　"
        f"告知书：{when(h.notice_delivered_on, '未送达')}　"
        f"承诺书：{when(h.commitment_signed_on, '未签')}　"
        f"未装APP：{h.residents_without_app}人"
    )
    return f"{first}\n{second}"
