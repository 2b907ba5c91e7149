"""The rows of one household: the household, its residents, visits and letters.

This is the hot path of a 300,000-household build (about two million rows), so rows are
tuples in the column order below, dates are precomputed ISO strings, and random choices
index into tuples with `random()` instead of calling `choice`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from app.core.vocab import RESIDENT_TAGS
from app.demo.context import WINDOW_DAYS, DemoContext, GridRef, VillageRef
from app.demo.names import (
    GIVEN_ELDER_FEMALE,
    GIVEN_ELDER_MALE,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MOBILE_PREFIXES,
    OTHER_REGION_CODES,
    RARE_CHARS,
    RARE_NAME_SHARE,
    REGION_CODE,
    SURNAMES,
)
from app.demo.texts import VISIT_RISKS, VISIT_TOPICS
from db.models import Household, Letter, Resident, Visit

BASE = ("id", "uuid", "created_at", "updated_at", "changed_by")
# fmt: off
HOUSEHOLD_COLUMNS = (*BASE, "village_id", "grid_id", "address", "head_name", "head_id_number",
                     "phone", "size", "tags", "last_visited_on")
RESIDENT_COLUMNS = (*BASE, "household_id", "name", "id_number", "gender", "birth_date", "phone",
                    "relation", "tags", "app_installed_on", "app_installed_visit_id")
VISIT_COLUMNS = (*BASE, "household_id", "grid_id", "visited_on", "mode", "grid_worker_id",
                 "police_officer_id", "other_visitors", "outcome", "topics", "notice_delivered",
                 "commitment_result", "risks_found", "follow_up_needed")
LETTER_COLUMNS = (*BASE, "kind", "number", "household_id", "template_id", "status", "printed_at",
                  "delivered_on", "delivered_by_id", "signed_on", "signer_name", "visit_id")
# fmt: on

# Weighted pools: an entry repeated n times is n times as likely.
SIZES = (1,) * 25 + (2,) * 32 + (3,) * 22 + (4,) * 13 + (5,) * 6 + (6,) * 2  # mean 2.5
VISIT_COUNTS = (0,) * 12 + (1,) * 38 + (2,) * 38 + (3,) * 12  # mean 1.5
OLDEST = 95
HEAD_AGES = tuple(age for age in range(22, 93) for _ in range(3 if 35 <= age <= 70 else 1))
RECENT_VISIT_SHARE = 0.65  # of visits in the last 12 months: about 70% of households visited
REGISTERED_WITHIN = 45  # households were entered from the rosters in the first weeks
ME, FE = "男", "女"
STAMP_SLOTS = 96  # ten-minute slots from 08:00 to 23:50
OFFICE_SLOTS = 54  # 08:00-16:50: printing and registering
EVENING = 54  # 17:00 on: visits are entered after the day's round


class VisitInfo(NamedTuple):
    """What the residents and letters of a household need to know about one of its visits."""

    id: int
    day: int
    outcome: str
    commitment: str | None


class HouseholdFactory:
    """Makes the rows of one household after another; `rows` hold the current chunk."""

    def __init__(self, ctx: DemoContext, sample_every: int) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.random = ctx.rng.random
        self.uuid = ctx.uuid
        # Every ten minutes from 08:00 of every day, as stored: formatting once saves a lot.
        self.stamps = [
            tuple(f"{iso} {8 + k // 6:02d}:{k % 6 * 10:02d}:00.000000" for k in range(STAMP_SLOTS))
            for iso in ctx.day_iso
        ]
        self.sample_every = sample_every
        self.today_ordinal = ctx.today.toordinal()
        self.household_ids = ctx.id_counter(Household.__table__)
        self.visit_ids = ctx.id_counter(Visit.__table__)
        self.resident_ids = ctx.id_counter(Resident.__table__)
        self.letter_ids = ctx.id_counter(Letter.__table__)
        self.templates = {kind: ctx.templates[kind] for kind in ("notice", "commitment_household")}
        rng = self.rng
        self.topics = tuple(
            "、".join(rng.sample(VISIT_TOPICS, 2 + (rng.random() < 0.5))) for _ in range(60)
        )
        # the rows of the current chunk, by table name
        self.rows: dict[str, list[tuple[Any, ...]]] = {
            model.__tablename__: [] for model in (Household, Visit, Resident, Letter)
        }

    # --- people --------------------------------------------------------------------------
    def members(self) -> list[tuple[str, int, bool]]:
        """(relation, age, is_male) of everyone in a household, head first; ages 0-95."""
        r = self.random
        size = SIZES[int(r() * len(SIZES))]
        head_age = HEAD_AGES[int(r() * len(HEAD_AGES))]
        head_male = r() < 0.72
        people = [("head", head_age, head_male)]
        if size >= 2:
            if r() < 0.88:
                spouse_age = min(OLDEST, max(20, head_age + int(r() * 9) - 4))
                people.append(("spouse", spouse_age, not head_male))
            elif head_age + 22 <= OLDEST:
                people.append(("parent", min(OLDEST, head_age + 22 + int(r() * 8)), r() < 0.4))
            else:
                people.append(("sibling", min(OLDEST, head_age + int(r() * 7) - 5), r() < 0.5))
        while len(people) < size:
            child_age = head_age - 22 - int(r() * 14)
            if child_age >= 0 and (head_age < 62 or r() < 0.5):
                people.append(("child", child_age, r() < 0.52))
            elif head_age >= 45:
                people.append(("grandchild", int(r() * min(20, head_age - 44)), r() < 0.52))
            elif head_age + 24 <= OLDEST and r() < 0.8:
                people.append(("parent", min(OLDEST, head_age + 24 + int(r() * 8)), r() < 0.4))
            else:
                people.append(("other", 18 + int(r() * 50), r() < 0.5))
        return people

    def tags(self, age: int, male: bool, pupil_at_home: bool) -> str | None:
        """Key-group tags consistent with age and sex."""
        x = self.random()
        if age >= 60:
            return "老年人,退休人员" if x < 0.45 else "老年人"
        if 6 <= age <= 18 or (19 <= age <= 22 and x < 0.55):
            return "学生"
        if age < 18:
            return None
        if x < 0.04:
            return "待业人员"
        if x < 0.065:
            return "财务人员"
        if x < 0.08 and age >= 25:
            return "企业负责人"
        if x < 0.14:
            return "个体工商户"
        if x < 0.15 and age <= 45:
            return "涉诈高危人员"
        if not male and 28 <= age <= 48 and pupil_at_home and x < 0.22:
            return "陪读妈妈"
        if not male and 20 <= age <= 60 and x < 0.27:
            return "留守妇女"
        if age >= 55 and x < 0.4:
            return "退休人员"
        return None

    # --- one household ------------------------------------------------------------------
    def household(self, village: VillageRef, grid: GridRef, address: str, serial: int) -> None:
        """Append the rows of one household, its residents, visits and letters."""
        ctx, r, stamps = self.ctx, self.random, self.stamps
        household_id = next(self.household_ids)
        registered = int(r() * REGISTERED_WITHIN)
        created = stamps[registered][int(r() * OFFICE_SLOTS)]
        visits = self.visits(household_id, grid, village, registered)
        success = None
        for visit in visits:
            if visit.outcome == "visited":
                success = visit
                break
        people = self.members()
        head, tags = self.residents(household_id, people, village, registered, created, success)
        last = visits[-1] if visits else None
        # 最近走访 as the visit form keeps it: a visit that found nobody home does not count
        met = None
        for visit in visits:
            if visit.outcome != "nobody_home":
                met = visit
        self.rows["household"].append(
            (  # HOUSEHOLD_COLUMNS
                household_id,
                self.uuid(),
                created,
                stamps[last.day][EVENING + 30] if last else created,
                "demo",
                village.unit.id,
                grid.id,
                address,
                head[0],
                head[1],
                head[2],
                len(people),
                ",".join([t for t in RESIDENT_TAGS if t in tags]) if tags else None,
                ctx.day_iso[met.day] if met else None,
            )
        )
        self.letters(household_id, registered, visits, success, head[0], grid, serial)

    def residents(
        self,
        household_id: int,
        people: list[tuple[str, int, bool]],
        village: VillageRef,
        registered: int,
        created: str,
        success: VisitInfo | None,
    ) -> tuple[tuple[str, str, str | None], set[str]]:
        """Append the residents; returns the head's (name, ID number, phone) and all tags."""
        ctx, r, uuid, stamps = self.ctx, self.random, self.uuid, self.stamps
        pupil = False
        for _, age, _ in people:
            if 6 <= age <= 18:
                pupil = True
        head_male = people[0][2]
        family_name = SURNAMES[int(r() * len(SURNAMES))]
        spouse_name = SURNAMES[int(r() * len(SURNAMES))]
        rows = self.rows["resident"]
        tag_set: set[str] = set()
        head: tuple[str, str, str | None] = ("", "", None)
        for relation, age, male in people:
            if relation == "spouse":
                surname = spouse_name
            elif relation in ("child", "grandchild"):
                surname = family_name if head_male else spouse_name
            elif relation in ("parent", "other") and not male:
                surname = SURNAMES[int(r() * len(SURNAMES))]
            else:
                surname = family_name
            if age >= 60:
                pool = GIVEN_ELDER_MALE if male else GIVEN_ELDER_FEMALE
            else:
                pool = GIVEN_MALE if male else GIVEN_FEMALE
            name = surname + pool[int(r() * len(pool))]
            if r() < RARE_NAME_SHARE:
                name = name[:-1] + RARE_CHARS[int(r() * len(RARE_CHARS))]
            region = REGION_CODE
            if relation == "spouse" and r() < 0.12:  # married in from another county
                region = OTHER_REGION_CODES[int(r() * len(OTHER_REGION_CODES))]
            born = self.today_ordinal - int((age + r()) * 365.2425)
            id_number = ctx.ids.make(region, born, male)
            phone = None
            if age >= 16 and (age < 80 or r() < 0.5):
                phone = f"{MOBILE_PREFIXES[int(r() * len(MOBILE_PREFIXES))]}{int(r() * 1e8):08d}"
            tags = self.tags(age, male, pupil)
            if tags:
                tag_set.update(tags.split(","))
            installed, install_visit, updated = None, None, created
            if phone and age <= 75:
                if success is not None and r() < 0.5:  # installed with the visitors' help
                    installed, install_visit = ctx.day_iso[success.day], success.id
                    updated = stamps[success.day][EVENING + 12]
                elif r() < 0.2:
                    day = registered + 1 + int(r() * (WINDOW_DAYS - registered))
                    installed, updated = ctx.day_iso[day], stamps[day][EVENING + int(r() * 30)]
            resident_id = next(self.resident_ids)
            rows.append(
                (  # RESIDENT_COLUMNS
                    resident_id,
                    uuid(),
                    created,
                    updated,
                    "demo",
                    household_id,
                    name,
                    id_number,
                    ME if male else FE,
                    f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}",
                    phone,
                    relation,
                    tags,
                    installed,
                    install_visit,
                )
            )
            if relation == "head":
                head = (name, id_number, phone)
            if age >= 18 and resident_id % self.sample_every == 0:
                ctx.resident_samples.append(
                    (resident_id, name, ME if male else FE, age, id_number, phone, village.unit.id)
                )
        return head, tag_set

    def visits(
        self, household_id: int, grid: GridRef, village: VillageRef, registered: int
    ) -> list[VisitInfo]:
        """Append the household's visits; the first that finds someone home delivers the letters."""
        ctx, r, uuid = self.ctx, self.random, self.uuid
        count = VISIT_COUNTS[int(r() * len(VISIT_COUNTS))]
        if not count:
            return []
        recent_from = WINDOW_DAYS - 365
        days = sorted(
            {
                recent_from + int(r() * 366)
                if r() < RECENT_VISIT_SHARE
                else registered + 1 + int(r() * (recent_from - registered - 1))
                for _ in range(count)
            }
        )
        infos: list[VisitInfo] = []
        rows = self.rows["visit"]
        commitment_done = found_home = False
        for day in days:
            x = r()
            first_success = not found_home
            if first_success:
                outcome = "visited" if x < 0.85 else "nobody_home" if x < 0.96 else "refused"
                mode = "group_session" if outcome == "visited" and r() < 0.08 else "in_person"
            else:
                mode = "phone_callback" if r() < 0.45 else "in_person"
                outcome = "nobody_home" if mode == "in_person" and x < 0.08 else "visited"
            commitment = None
            if outcome == "refused":
                commitment = "refused"
            elif outcome == "visited" and first_success:
                y = r()
                commitment = "signed" if y < 0.85 else "refused" if y < 0.89 else "not_offered"
            elif outcome == "visited" and mode == "in_person":  # a letter is signed on paper
                commitment = "signed" if not commitment_done and r() < 0.6 else "not_offered"
            elif outcome == "visited":
                commitment = "not_offered"
            commitment_done = commitment_done or commitment == "signed"
            found_home = found_home or outcome == "visited"
            risk = (
                VISIT_RISKS[int(r() * len(VISIT_RISKS))]
                if outcome == "visited" and r() < 0.03
                else None
            )
            visit_id = next(self.visit_ids)
            stamp = self.stamps[day][EVENING + int(r() * 24)]
            rows.append(
                (  # VISIT_COLUMNS
                    visit_id,
                    uuid(),
                    stamp,
                    stamp,
                    "demo",
                    household_id,
                    grid.id,
                    ctx.day_iso[day],
                    mode,
                    grid.worker_id,
                    None if mode == "phone_callback" else grid.police_id,
                    village.companion if mode == "in_person" and r() < 0.2 else None,
                    outcome,
                    self.topics[int(r() * len(self.topics))] if outcome == "visited" else None,
                    int(outcome == "visited" and first_success),
                    commitment,
                    risk,
                    int(risk is not None or outcome != "visited"),
                )
            )
            infos.append(VisitInfo(visit_id, day, outcome, commitment))
        return infos

    def letters(
        self,
        household_id: int,
        registered: int,
        visits: list[VisitInfo],
        success: VisitInfo | None,
        signer: str,
        grid: GridRef,
        serial: int,
    ) -> None:
        """The notice and the commitment letter, in the status the visits left them in."""
        ctx, r, uuid, stamps = self.ctx, self.random, self.uuid, self.stamps
        rows = self.rows["letter"]
        if success is not None:
            printed = max(registered, success.day - 1 - int(r() * 10))
            signed_visit = next((v for v in visits if v.commitment == "signed"), None)
            notice = ("signed" if r() < 0.3 else "delivered", success, success.day)
            if signed_visit is not None:
                commitment = ("signed", signed_visit, signed_visit.day)
            elif success.commitment == "refused":
                commitment = ("refused", success, success.day)
            else:
                commitment = ("delivered" if r() < 0.7 else "printed", success, success.day)
        elif visits:  # nobody was ever home, or the household turned the visitors away
            printed = max(registered, visits[0].day - 2)
            notice = ("printed", None, printed)
            refusal = visits[-1] if visits[-1].outcome == "refused" else None
            commitment = ("refused", refusal, refusal.day) if refusal else notice
        else:
            printed = WINDOW_DAYS - int(r() * 30)
            status = "printed" if r() < 0.3 else "pending_print"
            notice = commitment = (status, None, printed)
        year = ctx.day_iso[printed][:4]
        printed_at = stamps[printed][12 + int(r() * 40)]
        letters = [("notice", notice), ("commitment_household", commitment)]
        if serial % 97 == 13:  # a misprinted notice, voided and printed again
            letters.insert(0, ("notice", ("void", None, printed)))
        for kind, (status, visit, day) in letters:
            template = self.templates[kind]
            created = printed_at if status != "pending_print" else stamps[day][6]
            handed = visit is not None and status != "printed"
            rows.append(
                (  # LETTER_COLUMNS
                    next(self.letter_ids),
                    uuid(),
                    created,
                    stamps[day][EVENING + 36] if handed else created,
                    "demo",
                    kind,
                    ctx.letter_number(kind, year),
                    household_id,
                    template,
                    status,
                    None if status == "pending_print" else printed_at,
                    ctx.day_iso[day] if handed else None,
                    grid.worker_id if handed else None,
                    ctx.day_iso[day] if status == "signed" else None,
                    signer if status == "signed" else None,
                    visit.id if handed else None,
                )
            )
