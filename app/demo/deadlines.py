"""The demo's plan dates (报送时限): 四员 by the end of March, village groups by April's."""

from __future__ import annotations

import json

from app.demo.context import WINDOW_DAYS, DemoContext
from app.org.deadlines import DEADLINES_KEY
from db.models import Setting


def build_deadlines(ctx: DemoContext, existing_settings: set[str]) -> None:
    """This year's and last year's dates, unless the database already has its own."""
    if DEADLINES_KEY in existing_settings:
        return
    year = ctx.today.year
    dates = {
        str(y): {"roles_by": f"{y}-03-31", "groups_by": f"{y}-04-30", "staff_by": f"{y}-03-31"}
        for y in (year - 1, year)
    }
    ctx.add(Setting, ctx.moment(WINDOW_DAYS), key=DEADLINES_KEY, value=json.dumps(dates))
