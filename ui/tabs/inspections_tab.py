"""A tab still to be built: it says what is coming."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.tabs.placeholder_tab import PlaceholderTab

if TYPE_CHECKING:
    from sqlalchemy import Engine


class InspectionsTab(PlaceholderTab):
    """Placeholder until its issue lands."""

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__("督导检查、电话回访抽查、月度通报、双降与年度考核。")
