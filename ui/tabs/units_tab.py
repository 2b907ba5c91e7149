"""成员单位: the member units of the joint meeting, listed, searched, edited and exported."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.units import UnitRegister, UnitService
from ui.register.register_view import RegisterView

if TYPE_CHECKING:  # the UI passes the engine through to app/ and never uses SQLAlchemy itself
    from sqlalchemy import Engine


class UnitsTab(RegisterView):
    """The 成员单位 register; everything else is the shared register machinery."""

    def __init__(self, engine: Engine, user: str | None = None, **options: Any) -> None:
        super().__init__(UnitRegister(engine), UnitService(engine, user), **options)
