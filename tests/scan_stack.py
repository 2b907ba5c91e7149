"""A stack of signed letters as the office scanner returns it, made from the program's own
letters: printed by the document engine, rasterised with PDFium, with scanner noise, skewed,
turned upside down, a blank page, a receipt torn off, a receipt alone, and the troubles a real
stack brings (the same letter twice, a letter of another database, a void letter, a letter
already signed with another scan)."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops
from sqlalchemy import func, select

from app.core.progress import run_to_end
from app.letters.printing import change_status, print_letters_job, sign_letter
from db.engine import make_engine, sqlite_url, unit_of_work
from db.models import Attachment, AuditLog, Household, Letter, Unit
from db.schema import prepare_database

# Where the receipt's cut line is on an A4 letter page, as a share of its height (measured on
# the printed notice and commitment: the dashed line sits at 72 % and 52 %).
CUT = {"notice": 0.715, "commitment_household": 0.515}


@dataclass
class Stack:
    """The scanned stack and what each of its pages is."""

    pages: list[Image.Image]  # grey page images as the scanner took them
    expected: list[str | None]  # per page: the letter's number, None for blank/torn pages
    numbers: dict[str, str]  # name → letter number
    letter_ids: dict[str, int]  # name → letter id
    dpi: int

    def save_pdf(self, path: Path) -> Path:
        """The stack as one multi-page PDF, each page a JPEG (as scanners write them)."""
        self.pages[0].save(
            path, "PDF", save_all=True, append_images=self.pages[1:], resolution=self.dpi
        )
        return path

    def save_images(self, folder: Path, fmt: str = "PNG") -> list[Path]:
        """The stack as one image file a page."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for i, page in enumerate(self.pages):
            path = folder / f"scan-{i + 1:02d}.{fmt.lower()}"
            page.save(path, fmt, dpi=(self.dpi, self.dpi))
            paths.append(path)
        return paths


def households(engine, names: list[str]) -> list[int]:
    with unit_of_work(engine) as s:
        village = s.scalars(select(Unit).where(Unit.name == "白鹤村")).first()
        if village is None:
            village = Unit(name="白鹤村", kind="village")
            s.add(village)
            s.flush()
        homes = [
            Household(village_id=village.id, address=f"白鹤村{i + 1}号", head_name=name)
            for i, name in enumerate(names)
        ]
        s.add_all(homes)
        s.flush()
        return [h.id for h in homes]


def printed_pages(engine, kind: str, ids: list[int], out: Path, dpi: int) -> list[Image.Image]:
    """Print letters with the program and rasterise each page, grey, at `dpi`."""
    run_to_end(print_letters_job(engine, kind, ids, out))
    pdf = pdfium.PdfDocument(str(out))
    try:
        return [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(pdf))]
    finally:
        pdf.close()


def scanned(page: Image.Image, angle: float, rng: random.Random) -> Image.Image:
    """A page as the scanner sees it: turned by `angle`, on a slightly grey paper, with noise."""
    page = page.convert("L")
    if angle:
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    noise = Image.effect_noise(page.size, 30 + rng.random() * 10)
    paper = Image.eval(noise, lambda v: max(0, min(255, v + 110)))
    return ImageChops.darker(page, paper)


def blank(size: tuple[int, int], rng: random.Random) -> Image.Image:
    return scanned(Image.new("L", size, 255), 0, rng)


def torn_off(page: Image.Image, kind: str) -> Image.Image:
    """The letter with its receipt (and the code on it) torn off along the cut line."""
    page = page.copy()
    top = int(page.height * CUT[kind])
    page.paste(255, (0, top, page.width, page.height))
    return page


def receipt_alone(page: Image.Image, kind: str) -> Image.Image:
    """The torn-off receipt laid at the top of the scanner's glass."""
    top = int(page.height * CUT[kind])
    sheet = Image.new("L", page.size, 255)
    sheet.paste(page.crop((0, top, page.width, page.height)), (0, 0))
    return sheet


def build_stack(engine, folder: Path, dpi: int = 150, seed: int = 7) -> Stack:
    """Twelve scanned pages of letters printed in `engine`'s database (and one of another
    database), with every trouble of a real stack. See the module's docstring."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = ["王喆", "李堃", "张昇", "赵犇", "钱淼", "孙䶮", "周七", "吴八", "郑九"]
    ids = households(engine, names)
    notices = printed_pages(engine, "notice", ids[:7], folder / "notices.pdf", dpi)
    commitments = printed_pages(
        engine, "commitment_household", ids[7:], folder / "commitments.pdf", dpi
    )
    with unit_of_work(engine) as s:
        rows = s.execute(select(Letter.id, Letter.number, Letter.household_id)).all()
    by_home = {home: (letter_id, number) for letter_id, number, home in rows}
    keys = ["A", "B", "C", "E", "F", "G", "H", "D", "I"]  # in the order they were printed
    letter_ids = {k: by_home[h][0] for k, h in zip(keys, ids, strict=True)}
    numbers = {k: by_home[h][1] for k, h in zip(keys, ids, strict=True)}
    # G is void; H came back signed earlier, with a photo of its paper
    change_status(engine, [letter_ids["G"]], "void")
    photo = folder / "h-photo.png"
    Image.new("L", (60, 40), 200).save(photo)
    sign_letter(engine, letter_ids["H"], "周七", date.today(), scan=photo)

    prepare_database(sqlite_url(folder / "other.sqlite"))
    other = make_engine(sqlite_url(folder / "other.sqlite"))
    other_page = printed_pages(
        other, "notice", households(other, ["外镇户"]), folder / "o.pdf", dpi
    )
    with unit_of_work(other) as s:
        numbers["other"] = s.scalars(select(Letter.number)).one()
    other.dispose()

    n = dict(zip(["A", "B", "C", "E", "F", "G", "H"], notices, strict=True))
    c = dict(zip(["D", "I"], commitments, strict=True))
    plan: list[tuple[Image.Image, float, str | None]] = [
        (n["A"], 0, "A"),
        (n["B"], 5, "B"),
        (n["C"], 180, "C"),
        (None, 0, None),  # blank
        (c["D"], -5, "D"),
        (torn_off(n["E"], "notice"), 3, None),  # its code went with the receipt
        (receipt_alone(n["F"], "notice"), -2, "F"),
        (n["A"], 183, "A"),  # the same letter again
        (other_page[0], 4, "other"),
        (n["G"], -4, "G"),
        (n["H"], 2, "H"),
        (c["I"], 185, "I"),
    ]
    pages, expected = [], []
    for image, angle, key in plan:
        pages.append(blank(notices[0].size, rng) if image is None else scanned(image, angle, rng))
        expected.append(numbers[key] if key else None)
    return Stack(pages, expected, numbers, letter_ids, dpi)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Stack, Path]:
    """A database with printed letters and a twelve-page scan of them (built once)."""
    folder = tmp_path_factory.mktemp("stack")
    url = sqlite_url(folder / "ledger.sqlite")
    prepare_database(url)
    engine = make_engine(url)
    stack = build_stack(engine, folder)
    engine.dispose()
    return folder / "ledger.sqlite", stack, stack.save_pdf(folder / "扫描件.pdf")


@pytest.fixture
def ledger(built, tmp_path):
    """The database of `built`, copied for one test, its engine, the stack and its PDF."""
    source, stack, pdf = built
    path = tmp_path / "ledger.sqlite"
    shutil.copy(source, path)
    engine = make_engine(sqlite_url(path))
    yield engine, stack, pdf, path
    engine.dispose()


def snapshot(engine) -> tuple:
    """Everything a filing could change: letters, attachments and the audit trail."""
    with unit_of_work(engine) as s:
        letters = s.execute(
            select(Letter.id, Letter.status, Letter.signed_on, Letter.signer_name,
                   Letter.scan_attachment_id, Letter.updated_at).order_by(Letter.id)
        ).all()  # fmt: skip
        attachments = s.scalar(select(func.count()).select_from(Attachment))
        audit = s.scalar(select(func.count()).select_from(AuditLog))
    return tuple(letters), attachments, audit
