"""设置: the township profile that printouts use, edited with the shared form dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.core.settings import PROFILE_FIELDS, load_profile, save_profile
from ui.register.form_dialog import FormDialog

if TYPE_CHECKING:
    from sqlalchemy import Engine


def settings_dialog(parent: QWidget | None, engine: Engine, user: str | None) -> FormDialog:
    """The 设置 dialog filled with the stored profile; 保存 validates and stores it."""
    return FormDialog(
        PROFILE_FIELDS,
        lambda values: save_profile(engine, values, user),
        title="设置：乡镇信息（用于打印的文书）",
        values=load_profile(engine),
        parent=parent,
    )


def open_settings(parent: QWidget | None, engine: Engine, user: str | None) -> bool:
    """Show the dialog; True when the clerk saved."""
    return bool(settings_dialog(parent, engine, user).exec())
