"""Links between the screens: where a figure's or a reminder's records are.

Kept apart from the queries (no models imported) so the window can hold links before the
database layer has loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    """Where records are: a main tab, optionally a sub-tab, and register filters."""

    tab: str
    subtab: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)
