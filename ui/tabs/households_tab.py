"""入户走访: the household register; the visit form and history come with the households issue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.households import HouseholdRegister
from ui.register.register_view import RegisterView

if TYPE_CHECKING:
    from sqlalchemy import Engine


class HouseholdsTab(RegisterView):
    """Households of every village, searched and sorted; personal columns masked."""

    def __init__(self, engine: Engine, user: str | None = None, **options: Any) -> None:
        super().__init__(HouseholdRegister(engine), None, **options)
