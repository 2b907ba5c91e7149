"""Where the program finds its resources and keeps the user's data, logs and backups."""

from __future__ import annotations

import sys
from pathlib import Path

from app import APP_NAME


def resources_dir() -> Path:
    """The bundled `resources/` folder, from a checkout or from a PyInstaller build."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def font_path() -> Path:
    """The CJK font the UI and every printout use (Noto Serif CJK SC, subset, TrueType)."""
    return resources_dir() / "fonts" / "NotoSerifSC-Wuzha.ttf"


def data_dir() -> Path:
    """The user's data folder (platformdirs), e.g. ~/.local/share/wuzha on Linux."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    """The database used when neither `--db` nor WUZHA_DATABASE_URL is given."""
    return data_dir() / "wuzha.sqlite"


def log_dir() -> Path:
    """The folder of the rotating log file."""
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))
