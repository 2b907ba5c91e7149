"""A tab still to be built: it says what is coming."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.tabs.placeholder_tab import PlaceholderTab

if TYPE_CHECKING:
    from sqlalchemy import Engine


class AwardsTab(PlaceholderTab):
    """Placeholder until its issue lands."""

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__("一事一奖、一案一奖、举报奖励的审批与发放，表彰与通报批评。")
