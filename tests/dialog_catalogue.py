"""Every window the program can open, each made as the program makes it, on the demo township.

Used by tests/test_dialogs_fit.py (every dialog and tab fits 1366×768 and 1024×700) and by
scripts/screenshots.py (the pictures of the user guide). A dialog class added to ui/ without an
entry in `DIALOGS` fails test_every_dialog_class_is_in_the_catalogue.

The record forms of the registers (新增劝阻案例, 新增成员单位, …) are the shared FormDialog with
each register's fields: `register_forms` opens the 新增 form of every register the tabs show.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QTabWidget, QWidget
from sqlalchemy import Engine, text

from app.core.progress import run_to_end
from app.demo.township import build_demo
from app.storage.database import Database

ROOT = Path(__file__).resolve().parents[1]
DEMO_HOUSEHOLDS = 60
# a fixed day, so the demo (and the pictures) are the same on every run
DEMO_TODAY = date(2026, 11, 20)
USER = "clerk"


def build_demo_database(database: Database) -> None:
    """The demo township 清溪镇, small: every register has records, every dialog something."""
    run_to_end(build_demo(database.engine, DEMO_HOUSEHOLDS, 1, DEMO_TODAY))


@dataclass
class Context:
    """What the dialogs are opened with: the demo database, the main window, a folder."""

    engine: Engine
    window: Any  # ui.main_window.MainWindow, every tab built
    folder: Path

    def scalar(self, sql: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql)).scalar()

    def rows(self, sql: str) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql)))


def _ignore(*_args: Any) -> None:
    return None


def _no(*_args: Any) -> bool:
    return False


# -- one factory per dialog class -------------------------------------------------------------
def _settings(ctx: Context) -> QWidget:
    from ui.settings_dialog import settings_dialog

    return settings_dialog(ctx.window, ctx.engine, USER)


def _unit_form(ctx: Context) -> QWidget:
    units = ctx.window.tab_widget("成员单位")
    units.units.add_record()
    return units.units.dialog


def _contact_form(ctx: Context) -> QWidget:
    from ui.tabs.org.registers import ContactFormDialog

    for view in register_views(ctx.window):
        if getattr(view, "contacts_of", None) and getattr(view, "dialog_factory", 1) is None:
            view.add_record()
            assert isinstance(view.dialog, ContactFormDialog)
            return view.dialog
    raise AssertionError("no register with a contact form")


def _township(ctx: Context) -> QWidget:
    from app.org.township_template import apply_township, load_template, plan_township
    from ui.tabs.org.unit_dialogs import TownshipDialog

    return TownshipDialog(
        lambda key, name, villages: plan_township(ctx.engine, load_template(key), name, villages),
        lambda key, name, villages: apply_township(
            ctx.engine, load_template(key), name, villages, USER
        ),
        "清溪镇",
        ctx.window,
    )


def _visit(ctx: Context) -> QWidget:
    from ui.tabs.households.visit_dialog import VisitDialog

    household_id = ctx.scalar(
        "SELECT household_id FROM resident GROUP BY household_id ORDER BY count(*) DESC, "
        "household_id LIMIT 1"
    )
    return VisitDialog(ctx.engine, USER, household_id, inform=_ignore, parent=ctx.window)


def _print_choice(ctx: Context) -> QWidget:
    from app.letters.addressees import print_places
    from ui.tabs.letters.print_dialog import PrintChoice

    villages, grids, units = print_places(ctx.engine)
    return PrintChoice(villages, grids, ctx.window, units)


def _signature(ctx: Context) -> QWidget:
    from ui.tabs.letters.dialogs import SignatureDialog

    return SignatureDialog("CN2026-7F3A-000123", "张建国", _ignore, ctx.window)


def _scan(ctx: Context) -> QWidget:
    from ui.tabs.letters.dialogs import ScanDialog

    return ScanDialog("CN2026-7F3A-000123", "张建国", _ignore, lambda _p: None, ctx.window)


def _template_editor(ctx: Context) -> QWidget:
    from ui.tabs.letters.dialogs import TemplateEditor

    return TemplateEditor(ctx.engine, USER, ctx.window)


def _letter_preview(ctx: Context) -> QWidget:
    from app.documents import default_fonts
    from app.documents.layout import layout_document
    from app.letters.templates import current_template, sample_letter
    from ui.document_preview import PreviewDialog

    doc = sample_letter(ctx.engine, "notice", current_template(ctx.engine, "notice").text)
    pages = [(page, doc.page_style) for page in layout_document(doc, default_fonts())]
    return PreviewDialog(
        "预览：告知书", pages, ctx.window, pdf_path="letters.pdf", open_file=_ignore,
        note="共 1 份，已保存为 PDF。",
    )  # fmt: skip


def _resident_picker(ctx: Context) -> QWidget:
    from ui.tabs.cases.person import ResidentPicker

    return ResidentPicker(ctx.engine, ctx.window)


def _proposal(ctx: Context) -> QWidget:
    from ui.tabs.cases.panels import ProposalDialog

    people = [(row[0], row[1]) for row in ctx.rows("SELECT id, name FROM person LIMIT 12")]
    return ProposalDialog(people, ctx.window)


def _step(ctx: Context) -> QWidget:
    from ui.tabs.cases.awards_tab import StepDialog

    return StepDialog("审批", ctx.window)


def _reporter(ctx: Context) -> QWidget:
    from app.cases.clues import REPORTER_FIELDS
    from ui.register.form_dialog import FormDialog

    return FormDialog(REPORTER_FIELDS, _ignore, title="登记举报人（保密）", parent=ctx.window)


def _title(ctx: Context) -> QWidget:
    from app.oversight.inspections import unit_choices
    from app.oversight.titles import blank_title
    from ui.tabs.oversight.titles import TitleDialog

    return TitleDialog(blank_title(), unit_choices(ctx.engine), _ignore, ctx.window)


def _photos(ctx: Context) -> QWidget:
    from ui.tabs.publicity.photos import PhotosDialog

    activity_id = ctx.scalar("SELECT min(id) FROM publicity_activity")
    return PhotosDialog(ctx.engine, activity_id, "反诈宣传进村居", USER, _no, ctx.window)


def _import_preview(ctx: Context) -> QWidget:
    from app.exchange.units import export_units_xlsx, preview_units_import
    from ui.imports.preview import UNIT_PREVIEW, ImportPreviewDialog

    path = ctx.folder / "units.xlsx"
    run_to_end(export_units_xlsx(ctx.engine, path))
    planned = preview_units_import(ctx.engine, path)
    return ImportPreviewDialog(planned, "成员单位", UNIT_PREVIEW, "导入成员单位", ctx.window)


def _household_import(ctx: Context) -> QWidget:
    from ui.imports.roster_dialog import HouseholdImportDialog

    return HouseholdImportDialog(ctx.engine, USER, ctx.window)


# Class name → how the program opens one. Each QDialog subclass of ui/ (and each window of its
# own, like the print preview) must be here.
def _field_export(ctx: Context) -> QWidget:
    from ui.field_dialogs import ExportDialog

    return ExportDialog(ctx.engine, USER, ctx.window, inform=_ignore)


def _field_checkin(ctx: Context) -> QWidget:
    from ui.field_dialogs import CheckinDialog

    return CheckinDialog(ctx.engine, USER, ctx.window, inform=_ignore)


def _field_open(ctx: Context) -> QWidget:
    from ui.field_dialogs import OpenPackageDialog

    return OpenPackageDialog(ctx.window, inform=_ignore)


def _field_return(ctx: Context) -> QWidget:
    from ui.field_dialogs import ReturnDialog

    return ReturnDialog(ctx.engine, ctx.window, inform=_ignore)


def _scan_import(ctx: Context) -> QWidget:
    """The preview of a scanned stack: one page of a printed letter, read as the scanner's."""
    from app.core.progress import run_to_end
    from app.letters.scan_filing import look_up_letters, page_numbers
    from app.letters.scans import read_scans_job
    from ui.tabs.letters.scan_import_dialog import ScanImportDialog

    number = ctx.scalar("SELECT number FROM letter WHERE status = 'printed' ORDER BY id LIMIT 1")
    page = ctx.folder / "扫描.png"
    _qr_page(number, page)
    pages = run_to_end(read_scans_job([page]))
    return ScanImportDialog(
        ctx.engine,
        USER,
        pages,
        look_up_letters(ctx.engine, page_numbers(pages, {})),
        _ignore,
        ctx.window,
    )


def _qr_page(text: str, path: Path) -> None:
    """A white A4 page at 100 dpi with the letter's QR code in its corner."""
    from PIL import Image

    from app.documents.render import qr_modules

    page = Image.new("L", (827, 1169), 255)
    for x, y, w, h in qr_modules(text, 200):
        page.paste(0, (int(600 + x), int(900 + 200 - y - h), int(600 + x + w), int(900 + 200 - y)))
    page.save(path)


DIALOGS: dict[str, Callable[[Context], QWidget]] = {
    "FormDialog": _settings,
    "UnitFormDialog": _unit_form,
    "ContactFormDialog": _contact_form,
    "TownshipDialog": _township,
    "VisitDialog": _visit,
    "PrintChoice": _print_choice,
    "SignatureDialog": _signature,
    "ScanDialog": _scan,
    "TemplateEditor": _template_editor,
    "PreviewDialog": _letter_preview,
    "ResidentPicker": _resident_picker,
    "ProposalDialog": _proposal,
    "StepDialog": _step,
    "TitleDialog": _title,
    "PhotosDialog": _photos,
    "ImportPreviewDialog": _import_preview,
    "HouseholdImportDialog": _household_import,
    "ExportDialog": _field_export,
    "CheckinDialog": _field_checkin,
    "OpenPackageDialog": _field_open,
    "ReturnDialog": _field_return,
    "ScanImportDialog": _scan_import,
}
# More than one dialog of a class, each opened on its own (the other FormDialogs: registers').
EXTRA_DIALOGS: dict[str, Callable[[Context], QWidget]] = {
    "FormDialog-reporter": _reporter,
}
# Classes that only serve as bases: never opened themselves.
BASES = {"GuardedDialog", "_PackageDialog"}
WINDOW_BASES = {"QDialog", "QWizard", "QMessageBox"}


def dialog_classes_in_ui() -> set[str]:
    """The dialog classes ui/ defines: subclasses of QDialog (directly or through another dialog
    class of ui/) and widgets made as windows of their own (`Qt.WindowType.Window`)."""
    bases_of: dict[str, set[str]] = {}
    windows: set[str] = set()
    for path in (ROOT / "ui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            bases_of[node.name] = {
                base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
                for base in node.bases
            }
            if "WindowType.Window" in ast.unparse(node):
                windows.add(node.name)

    def is_dialog(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name in WINDOW_BASES:
            return True
        if name in seen or name not in bases_of:
            return False
        return any(is_dialog(base, seen | {name}) for base in bases_of[name])

    found = {name for name in bases_of if is_dialog(name)} | windows
    return found - BASES


# -- the registers' forms and the tabs -------------------------------------------------------
def build_every_tab(window: Any) -> None:
    """Build every tab of the main window (they are built when first shown)."""
    from ui.main_window import TABS

    for title, _factory in TABS:
        window.tab_widget(title)


def register_views(window: Any) -> list[Any]:
    """Every register view of every (built) tab that has a record form."""
    from ui.register.register_view import RegisterView

    return [view for view in window.findChildren(RegisterView) if view.service is not None]


def register_forms(window: Any) -> Iterator[tuple[str, Callable[[], QWidget]]]:
    """(name, open) of each register's 新增 form: name is the tab and the form's title."""
    from ui.main_window import TABS

    tabs = {window.tab_widget(title): title for title, _ in TABS}
    seen: dict[str, int] = {}
    for view in register_views(window):
        owner = view
        while owner is not None and owner not in tabs:
            owner = owner.parentWidget()
        tab = tabs.get(owner, "?")

        def open_form(view: Any = view) -> QWidget:
            view.add_record()
            return view.dialog

        name = f"{tab}-新增{view.noun}"
        seen[name] = seen.get(name, 0) + 1
        # the same register shown twice in a tab (走访记录 of a household and of all)
        yield (name if seen[name] == 1 else f"{name}（{seen[name]}）"), open_form


def tab_pages(window: Any) -> Iterator[tuple[str, list[tuple[QTabWidget, int]]]]:
    """(name, path) of every tab and sub-tab: the path is the tab widgets and indexes to click."""
    from ui.main_window import TABS

    def walk(
        prefix: str, tabs: QTabWidget, path: list[tuple[QTabWidget, int]]
    ) -> Iterator[tuple[str, list[tuple[QTabWidget, int]]]]:
        for index in range(tabs.count()):
            name = f"{prefix}-{tabs.tabText(index)}" if prefix else tabs.tabText(index)
            here = [*path, (tabs, index)]
            yield name, here
            page = tabs.widget(index)
            for inner in page.findChildren(QTabWidget):
                # only the tab widgets directly inside this page (not inside a deeper tab)
                parent = inner.parentWidget()
                while parent is not None and not isinstance(parent, QTabWidget):
                    parent = parent.parentWidget()
                if parent is tabs:
                    yield from walk(name, inner, here)

    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [t for t, _ in TABS]
    yield from walk("", window.tabs, [])
