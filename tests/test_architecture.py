"""The floors and the packages: ui → app → db, and each app package knows only what it needs.

Imports are read from the source (every `import` and `from … import`, also inside functions),
so a lazy import inside a function cannot slip past.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DOMAIN = {"org", "households", "letters", "cases", "meetings", "publicity"}
BASE = {"core", "documents", "sheets"}
# What each package of app/ may import from the other packages of app/. A package not listed
# here is a new one: the test asks for a line of its own.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "documents": {"core"},
    "sheets": {"core"},
    "storage": {"core"},
    "org": BASE,
    "letters": BASE,
    "households": BASE | {"org", "letters"},
    "cases": BASE | {"org"},
    "meetings": BASE | {"org"},
    "publicity": BASE | {"org"},
    "exchange": BASE | {"org", "households"},
    "oversight": BASE | DOMAIN,
    "demo": BASE | DOMAIN | {"oversight", "exchange", "storage"},
    "field": BASE | {"storage"},
    "cli": BASE | DOMAIN | {"oversight", "exchange", "storage", "demo", "field"},
}


def imported_modules(path: Path) -> set[str]:
    """Every module name a source file imports, absolute as written."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def sources(top: str) -> list[Path]:
    return sorted((ROOT / top).rglob("*.py"))


def floor_of(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize("top", ["app", "db"])
def test_app_and_db_import_no_qt(top):
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sources(top)
        for module in imported_modules(path)
        if floor_of(module) in {"PySide6", "shiboken6"}
    ]
    assert offenders == []


def test_floors_point_down():
    forbidden = {"db": {"app", "ui"}, "app": {"ui"}}
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for top, above in forbidden.items()
        for path in sources(top)
        for module in imported_modules(path)
        if floor_of(module) in above
    ]
    assert offenders == []


def test_every_app_package_has_its_rule_and_a_docstring():
    packages = {p.parent.name for p in (ROOT / "app").glob("*/__init__.py")}
    assert packages == set(ALLOWED)
    for init in (ROOT / "app").rglob("__init__.py"):
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), init
    assert sorted(p.name for p in (ROOT / "app").glob("*.py")) == ["__init__.py"]


def test_app_packages_import_only_what_they_may_know():
    offenders = []
    for package, allowed in ALLOWED.items():
        for path in sources(f"app/{package}"):
            for module in imported_modules(path):
                parts = module.split(".")
                if parts[0] != "app" or len(parts) < 2 or parts[1] not in ALLOWED:
                    continue
                if parts[1] != package and parts[1] not in allowed:
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_tab_packages_know_each_other_as_their_app_packages_do():
    """ui/tabs mirrors app/: the 入户走访 tab may print letters as app.households knows letters."""
    tabs = ROOT / "ui" / "tabs"
    domains = {p.parent.name for p in tabs.glob("*/__init__.py")}
    offenders = []
    for domain in domains:
        for path in sources(f"ui/tabs/{domain}"):
            for module in imported_modules(path):
                parts = module.split(".")
                other = parts[2] if parts[:2] == ["ui", "tabs"] and len(parts) > 2 else None
                if other in domains and other != domain and other not in ALLOWED[domain]:
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_rules_can_fail(tmp_path):
    """The reader finds a lazy import inside a function, so the rules above can fail."""
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from PySide6.QtWidgets import QWidget\n", encoding="utf-8")
    assert "PySide6.QtWidgets" in imported_modules(source)
