"""A scanned stack of signed letters read and matched: how long, and how many pages matched.

Usage: python bench/bench_scans.py [--pages 200] [--dpi 300] [--skew 10] [--noise 20] [--colour]
                                  [--quality 60]

Letters are printed by the program into a new database, each page rasterised at `--dpi` with
scanner noise, skewed by a random angle up to `--skew` degrees, every fifth page turned upside
down, and saved as one PDF of JPEG pages (as a scanner writes it; cached between runs). The
figures: reading and matching the stack (`read_scans_job` + the look-up + `decide`), the share
of pages matched to their own letter, and filing the batch (`file_scans_job`).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import CACHE, machine


def build(
    folder: Path, pages: int, dpi: int, skew: float, noise: float, colour: bool, quality: int
) -> list:
    """Write the database and the scanned PDF into `folder`; each page's letter number."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageChops
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    from app.core.progress import run_to_end
    from app.letters.printing import print_letters_job
    from db.engine import make_engine, sqlite_url, unit_of_work
    from db.models import Household, Unit
    from db.schema import prepare_database

    url = sqlite_url(folder / "ledger.sqlite")
    prepare_database(url)
    engine = make_engine(url)
    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        s.add(village)
        s.flush()
        homes = [
            Household(village_id=village.id, address=f"白鹤村{i + 1}号", head_name=f"王{i + 1}")
            for i in range(pages)
        ]
        s.add_all(homes)
        s.flush()
        ids = [h.id for h in homes]
    half = pages // 2
    numbers: list[str] = []
    rng = random.Random(1)
    white = (255, 255, 255) if colour else 255
    # one page at a time, kept as its JPEG: 200 pages at 300 dpi would not fit in memory
    rl_config.useA85 = 0  # the JPEGs as a scanner writes them, not a quarter bigger in ASCII85
    canvas = Canvas(str(folder / "stack.pdf"))
    for kind, chunk in (("notice", ids[:half]), ("commitment_household", ids[half:])):
        out = folder / f"{kind}.pdf"
        numbers += run_to_end(print_letters_job(engine, kind, chunk, out)).numbers
        pdf = pdfium.PdfDocument(str(out))
        for i in range(len(pdf)):
            page = pdf[i].render(scale=dpi / 72, grayscale=not colour).to_pil()
            page = page.convert("RGB" if colour else "L")
            angle = rng.uniform(-skew, skew) + (
                180 if (len(numbers) - len(pdf) + i) % 5 == 4 else 0
            )
            page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=white)
            speckle = Image.eval(Image.effect_noise(page.size, noise), lambda v: min(255, v + 110))
            page = ImageChops.darker(page, speckle.convert(page.mode))
            jpeg = folder / f"page-{len(numbers) - len(pdf) + i + 1:04d}.jpg"  # a name each
            page.save(jpeg, "JPEG", quality=quality)
            width, height = page.width * 72 / dpi, page.height * 72 / dpi
            canvas.setPageSize((width, height))
            canvas.drawImage(str(jpeg), 0, 0, width, height)
            canvas.showPage()
        pdf.close()
    canvas.save()
    for jpeg in folder.glob("page-*.jpg"):
        jpeg.unlink()
    engine.dispose()
    (folder / "numbers.txt").write_text("\n".join(numbers))
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--skew", type=float, default=10)
    parser.add_argument("--noise", type=float, default=20, help="the speckle's sigma, 0-255")
    parser.add_argument("--colour", action="store_true")
    parser.add_argument("--quality", type=int, default=60, help="JPEG quality of the scan")
    args = parser.parse_args()

    import shutil

    from app.core.progress import run_to_end
    from app.letters.scan_filing import decide, file_scans_job, look_up_letters, summarize
    from app.letters.scans import read_scans_job
    from db.engine import make_engine, sqlite_url

    print(machine())
    mode = "colour" if args.colour else "grey"
    folder = CACHE / (
        f"scans-{args.pages}-{args.dpi}-{args.skew:g}-{args.noise:g}-{mode}-q{args.quality}"
    )
    if not (folder / "numbers.txt").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        build(folder, args.pages, args.dpi, args.skew, args.noise, args.colour, args.quality)
        print(f"stack built in {time.perf_counter() - started:.0f} s (cached in {folder})")
    numbers = (folder / "numbers.txt").read_text().split("\n")
    stack = folder / "stack.pdf"
    size = stack.stat().st_size / 1024 / 1024
    print(f"stack: {len(numbers)} pages, {args.dpi} dpi {mode}, skew up to {args.skew:g}°, "
          f"noise σ {args.noise:g}, every fifth page upside down, {size:.0f} MB")  # fmt: skip

    with tempfile.TemporaryDirectory() as temp:
        db = Path(temp) / "ledger.sqlite"
        shutil.copy(folder / "ledger.sqlite", db)
        engine = make_engine(sqlite_url(db))
        started, cpu = time.perf_counter(), time.process_time()
        pages = run_to_end(read_scans_job([stack]))
        book = look_up_letters(engine, {c for p in pages for c in p.codes})
        decisions = decide(pages, book)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        right = sum(d.number == n for d, n in zip(decisions, numbers, strict=True))
        print(f"read and matched: {wall:.1f} s (CPU {cpu:.1f} s), {wall / len(pages) * 1000:.0f} "
              f"ms a page; {right}/{len(pages)} pages matched to their letter "
              f"({right / len(pages):.1%})")  # fmt: skip
        wrong = [d.page.page_no for d, n in zip(decisions, numbers, strict=True) if d.number != n]
        if wrong:
            print(f"not matched: pages {wrong}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory after reading: {peak:.0f} MB (with the build when it was not cached)")
        started = time.perf_counter()
        result = run_to_end(file_scans_job(engine, pages))
        print(f"filed: {time.perf_counter() - started:.1f} s; {summarize(result.decisions).text}")
        engine.dispose()


if __name__ == "__main__":
    main()
