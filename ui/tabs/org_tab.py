"""A tab still to be built: it says what is coming."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.tabs.placeholder_tab import PlaceholderTab

if TYPE_CHECKING:
    from sqlalchemy import Engine


class OrgTab(PlaceholderTab):
    """Placeholder until its issue lands."""

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(
            "领导小组（组长、副组长、成员及历史）、村居与网格（网格员、民警）、三级宣传群。"
        )
