"""The organisation of the demo township: units, villages, people, grids, groups and staff."""

from __future__ import annotations

import math

from app.core.idnumber import gender
from app.core.vocab import LETTER_KINDS, UNIT_ROLES
from app.demo.context import WINDOW_DAYS, DemoContext, GridRef, UnitRef, VillageRef
from app.demo.names import (
    EMPLOYEE_POSTS,
    EMPLOYEES_PER_KIND,
    MEMBER_UNITS,
    REGION_CODE,
    ROLE_POSTS,
    TOWNSHIP,
    UNIT_DUTIES,
    VILLAGE_DUTIES,
    VILLAGES,
    landline,
    mobile,
    person_name,
)
from app.letters.templates import default_text, split_text
from db.models import (
    Employee,
    Grid,
    LeadingGroup,
    LeadingGroupMember,
    Letter,
    LetterTemplate,
    Person,
    PublicityGroup,
    Unit,
    UnitRole,
)

HOUSEHOLDS_PER_VILLAGE = 150
MAX_VILLAGES = len(VILLAGES)
MIN_VILLAGES = 3
HOUSEHOLDS_PER_GRID = 275
STATIONS = ("清溪派出所", "溪口派出所")


def add_person(
    ctx: DemoContext,
    category: str,
    unit_id: int | None,
    post: str,
    *,
    age: int | None = None,
    male: bool | None = None,
) -> tuple[int, str]:
    """A Person with a valid ID number and a mobile; returns (id, name)."""
    rng = ctx.rng
    male = rng.random() < 0.6 if male is None else male
    age = age if age is not None else 25 + int(rng.random() * 30)
    name = person_name(rng, male, age)
    birth = ctx.today.toordinal() - int((age + rng.random()) * 365.2425)
    id_number = ctx.ids.make(REGION_CODE, birth, male)
    person_id = ctx.add(
        Person,
        ctx.moment(ctx.random_day(0, 30)),
        name=name,
        gender=gender(id_number),
        id_number=id_number,
        mobile=mobile(rng),
        unit_id=unit_id,
        post=post,
        category=category,
    )
    return person_id, name


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, summing exactly to `total`."""
    shares = [int(total * w / sum(weights)) for w in weights]
    for i in range(total - sum(shares)):
        shares[i % len(shares)] += 1
    return shares


def _add_unit(
    ctx: DemoContext, name: str, short: str, kind: str, duties: str, order: int, address: str
) -> UnitRef:
    unit_id = ctx.add(
        Unit,
        ctx.moment(ctx.random_day(0, 10)),
        name=name,
        short_name=short,
        kind=kind,
        duties=duties,
        address=address,
        phone=landline(ctx.rng),
        sort_order=order,
    )
    ref = UnitRef(unit_id, name, short, kind)
    ctx.units.append(ref)
    ctx.by_short[short] = ref
    return ref


def _add_roles(ctx: DemoContext, unit: UnitRef, missing: set[str]) -> None:
    """Name the unit's four people (several lecturers sometimes), except the `missing` roles."""
    rng = ctx.rng
    special = "社区" if unit.kind == "village" and unit.name.endswith("社区") else unit.short_name
    posts = ROLE_POSTS.get(special) or ROLE_POSTS[unit.kind]
    roles = list(UNIT_ROLES)
    if rng.random() < 0.3:
        roles.append("lecturer")
    category = "police_officer" if unit.kind == "police" else "cadre"
    for order, role in enumerate(roles):
        if role in missing:
            continue
        post = posts[min(order, len(posts) - 1)]
        person_id, name = add_person(ctx, category, unit.id, post, age=30 + int(rng.random() * 25))
        ctx.add(
            UnitRole,
            ctx.moment(ctx.random_day(5, 20)),
            unit_id=unit.id,
            role=role,
            person_id=person_id,
            post=post,
            reported_on=ctx.day(ctx.random_day(5, 20)),
            sort_order=order,
        )
        unit.people.setdefault(role, (person_id, name, post))


def build_units(ctx: DemoContext, households: int) -> None:
    """Member units, villages with grids, and the people each of them names."""
    rng = ctx.rng
    for order, (name, short, kind) in enumerate(MEMBER_UNITS, start=1):
        address = f"{TOWNSHIP}人民路{order * 6 + 2}号"
        _add_unit(ctx, name, short, kind, UNIT_DUTIES[short], order, address)
    village_count = min(MAX_VILLAGES, max(MIN_VILLAGES, households // HOUSEHOLDS_PER_VILLAGE))
    shares = _split(households, [0.6 + 0.8 * rng.random() for _ in range(village_count)])
    for i, (name, share) in enumerate(zip(VILLAGES, shares, strict=False)):
        is_community = name.endswith("社区")
        committee = "居民委员会" if is_community else "村民委员会"
        unit = _add_unit(
            ctx, name, name, "village", VILLAGE_DUTIES, 100 + i, f"{TOWNSHIP}{name}{committee}"
        )
        station = STATIONS[0] if i < (village_count + 1) // 2 else STATIONS[1]
        ctx.villages.append(VillageRef(unit, is_community, share, station))
    # About one unit in ten has not reported all four people, so that filter shows something.
    lacking = set(rng.sample(range(len(ctx.units)), max(2, round(len(ctx.units) / 10))))
    optional = ["specific_responsible", "liaison", "lecturer"]
    for i, unit in enumerate(ctx.units):
        missing = set(rng.sample(optional, 1 + (rng.random() < 0.4))) if i in lacking else set()
        _add_roles(ctx, unit, missing)
    _build_grids(ctx)


def _grid_count(households: int) -> int:
    return max(2, round(households / HOUSEHOLDS_PER_GRID))


def _build_grids(ctx: DemoContext) -> None:
    """Grids with a grid worker and a police officer (民警 or 辅警, a few grids each)."""
    rng = ctx.rng
    for station in STATIONS:
        villages = [v for v in ctx.villages if v.station == station]
        grid_count = sum(_grid_count(v.households) for v in villages)
        unit_id = ctx.by_short[station].id
        officers = [
            add_person(
                ctx,
                "police_officer" if k % 3 else "auxiliary_police",
                unit_id,
                "社区民警" if k % 3 else "辅警",
            )[0]
            for k in range(max(2, math.ceil(grid_count / 5)))
        ]
        serial = 0
        for village in villages:
            count = _grid_count(village.households)
            for k, share in enumerate(_split(village.households, [1.0] * count), start=1):
                worker_id, _ = add_person(ctx, "grid_worker", village.unit.id, "专职网格员")
                police_id = officers[serial // 5 % len(officers)]
                serial += 1
                grid_name = f"第{k}网格"
                grid_id = ctx.add(
                    Grid,
                    ctx.moment(ctx.random_day(0, 10)),
                    village_id=village.unit.id,
                    name=grid_name,
                    code=f"QX{ctx.villages.index(village) + 1:02d}{k:02d}",
                    grid_worker_id=worker_id,
                    police_officer_id=police_id,
                    sort_order=k,
                )
                village.grids.append(
                    GridRef(grid_id, village.unit.id, grid_name, worker_id, police_id, share)
                )
            village.volunteer_ids = [
                add_person(ctx, "volunteer", village.unit.id, "反诈志愿者", age=age)[0]
                for age in (35 + int(rng.random() * 30) for _ in range(2 + (rng.random() < 0.5)))
            ]
            cadre = village.unit.people.get("specific_responsible") or village.unit.people.get(
                "first_responsible"
            )
            village.companion = f"{cadre[1]}（村干部）" if cadre else "村干部"


def build_leading_group(ctx: DemoContext) -> None:
    """The leading group with its office, and one former member who moved on."""
    leader = add_person(ctx, "cadre", None, "党委副书记、镇长", age=48)
    chair = add_person(ctx, "cadre", None, "党委副书记（政法委员）、分中心主任", age=45)
    ping_an = ctx.by_short["平安办"]
    director = ping_an.people["first_responsible"][:2]
    clerk = ping_an.people.get("liaison") or add_person(ctx, "cadre", ping_an.id, "科员")
    ctx.people.update(leader=leader, chair=chair, director=director, clerk=clerk[:2])
    established = ctx.day(-30)
    group_id = ctx.add(
        LeadingGroup,
        ctx.moment(0),
        name=f"{TOWNSHIP}打击治理电信网络新型违法犯罪工作领导小组",
        office_location="镇平安办",
        office_director=director[1],
        document_number=f"清委〔{established.year}〕21号",
        established_on=established,
    )
    # The second station's chief changed during the window: the old seat ends, a new one starts.
    changed = ctx.random_day(120, 400)
    seats = [
        ("leader", leader[0], "党委副书记、镇长", 0),
        ("executive_deputy", chair[0], "党委副书记（政法委员）", 0),
        ("deputy", director[0], "平安办主任", 0),
    ]
    for k, station in enumerate(STATIONS):
        chief = ctx.by_short[station].people.get("first_responsible")
        if chief:
            seats.append(("deputy", chief[0], f"{station}所长", changed if k else 0))
    for short in ("党群办", "经发办", "社发办", "司法所", "市场监管所", "财政所", "妇联", "团委"):
        person = ctx.by_short[short].people.get("first_responsible")
        if person:
            seats.append(("member", person[0], f"{short}{person[2]}", 0))
    seats.append(("office_director", director[0], "平安办主任（兼）", 0))
    for order, (role, person_id, post, started) in enumerate(seats, start=1):
        ctx.add(
            LeadingGroupMember,
            ctx.moment(started),
            group_id=group_id,
            person_id=person_id,
            group_role=role,
            post=post,
            sort_order=order,
            started_on=ctx.day(started) if started else established,
        )
    former, _ = add_person(ctx, "cadre", None, f"原{STATIONS[1]}所长", age=50)
    ctx.add(
        LeadingGroupMember,
        ctx.moment(changed),
        group_id=group_id,
        person_id=former,
        group_role="deputy",
        post=f"{STATIONS[1]}所长（已调离）",
        sort_order=len(seats) + 1,
        started_on=established,
        ended_on=ctx.day(changed),
        created_at=ctx.moment(0),
    )


def build_publicity_groups(ctx: DemoContext) -> None:
    """Three tiers of WeChat groups: the township, one per village, one per grid."""
    rng = ctx.rng
    ping_an = ctx.by_short["平安办"]
    pusher = ping_an.people.get("specific_responsible") or ping_an.people["first_responsible"]
    top = ctx.add(
        PublicityGroup,
        ctx.moment(ctx.random_day(0, 10)),
        name=f"{TOWNSHIP}反诈宣传指挥群",
        tier=1,
        owner_unit_id=ping_an.id,
        pusher_id=pusher[0],
        supervisor_id=ctx.people["chair"][0],
        member_count=len(ctx.units) + 12,
        last_push_on=ctx.day(ctx.random_day(720)),
    )
    for village in ctx.villages:
        head = village.unit.people.get("first_responsible")
        police = village.grids[0].police_id
        middle = ctx.add(
            PublicityGroup,
            ctx.moment(ctx.random_day(5, 20)),
            name=f"{village.unit.name}反诈宣传群",
            tier=2,
            parent_id=top,
            owner_unit_id=village.unit.id,
            pusher_id=head[0] if head else None,
            supervisor_id=police,
            member_count=15 + int(rng.random() * 25),
            last_push_on=ctx.day(ctx.random_day(715)),
        )
        for grid in village.grids:
            ctx.add(
                PublicityGroup,
                ctx.moment(ctx.random_day(10, 40)),
                name=f"{village.unit.name}{grid.name}反诈群",
                tier=3,
                parent_id=middle,
                owner_unit_id=village.unit.id,
                pusher_id=grid.worker_id,
                supervisor_id=grid.police_id,
                member_count=min(500, int(grid.households * (0.9 + 0.6 * rng.random()))),
                last_push_on=ctx.day(ctx.random_day(700)),
            )


def build_letter_templates(ctx: DemoContext, existing: dict[str, int]) -> None:
    """Version 1 of each letter (the program's own text), unless the database has one already."""
    ctx.templates.update(existing)
    for kind in LETTER_KINDS:
        if kind not in ctx.templates:
            title, body = split_text(default_text(kind))
            ctx.templates[kind] = ctx.add(
                LetterTemplate,
                ctx.moment(0),
                kind=kind,
                version=1,
                title=title,
                body=body,
                is_current=True,
            )


def build_employees(ctx: DemoContext) -> None:
    """The staff lists of the member units, with their commitment letters and APP installs."""
    rng = ctx.rng
    for unit in ctx.units:
        if unit.kind == "village":
            continue
        low, high = EMPLOYEES_PER_KIND[unit.kind]
        posts = EMPLOYEE_POSTS[unit.kind]
        for _ in range(low + int(rng.random() * (high - low + 1))):
            male = rng.random() < 0.55
            age = 22 + int(rng.random() * 38)
            born = ctx.today.toordinal() - int((age + rng.random()) * 365.2425)
            id_number = ctx.ids.make(REGION_CODE, born, male) if rng.random() < 0.9 else None
            signed = ctx.random_day(20, WINDOW_DAYS) if rng.random() < 0.75 else None
            installed = ctx.random_day(20, WINDOW_DAYS) if rng.random() < 0.65 else None
            name = person_name(rng, male, age)
            listed = ctx.random_day(0, 20)
            latest = max(d for d in (listed, signed, installed) if d is not None)
            employee_id = ctx.add(
                Employee,
                ctx.moment(listed),
                updated_at=ctx.moment(latest, 960),
                unit_id=unit.id,
                name=name,
                post=posts[int(rng.random() * len(posts))],
                mobile=mobile(rng),
                id_number=id_number,
                commitment_signed_on=None if signed is None else ctx.day(signed),
                app_installed_on=None if installed is None else ctx.day(installed),
            )
            _employee_letter(ctx, employee_id, name, signed)


def _employee_letter(ctx: DemoContext, employee_id: int, name: str, signed: int | None) -> None:
    """The staff commitment letter: signed, or printed and perhaps handed out, or none yet."""
    rng = ctx.rng
    if signed is None and rng.random() < 0.7:
        return
    printed = max(0, (ctx.random_day(600) if signed is None else signed) - 3)
    status = "signed" if signed is not None else rng.choice(("printed", "delivered"))
    delivered = printed + 1 if status != "printed" else None
    ctx.add(
        Letter,
        ctx.moment(printed, 600),
        kind="commitment_employee",
        number=ctx.letter_number("commitment_employee", ctx.day_iso[printed][:4]),
        employee_id=employee_id,
        template_id=ctx.templates["commitment_employee"],
        status=status,
        printed_at=ctx.moment(printed, 600),
        delivered_on=ctx.day(delivered) if delivered is not None else None,
        signed_on=ctx.day(signed) if signed is not None else None,
        signer_name=name if signed is not None else None,
        updated_at=ctx.moment(signed or delivered or printed, 960),
    )
