"""1,000 household letters into one PDF, against bare ReportLab drawing the same text; and the
template editor's preview after an edit.

Usage: python bench/bench_letters.py [--letters 1000] [--rounds 3]
The bare script draws, with the same font and size, every line the engine laid out (the same
characters at the same places), one canvas.drawString per line: the floor any engine pays.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import machine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from reportlab.pdfgen.canvas import Canvas

    from app.core.progress import run_to_end
    from app.documents import default_fonts
    from app.documents.layout import TextLine, layout_document
    from app.letters.printing import print_letters_job
    from app.letters.templates import LetterOptions
    from app.storage.database import open_database
    from db.engine import unit_of_work
    from db.models import Household, Unit

    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        database = open_database(folder / "letters.sqlite")
        engine = database.engine
        with unit_of_work(engine) as s:
            village = Unit(name="白鹤村", kind="village")
            s.add(village)
            s.flush()
            s.add_all(
                Household(village_id=village.id, address=f"白鹤村{n % 9 + 1}组{n}号",
                          head_name=("王喆", "李堃", "张昇", "赵犇")[n % 4] + str(n), size=3)
                for n in range(args.letters)
            )  # fmt: skip
        with unit_of_work(engine) as s:
            ids = [h.id for h in s.query(Household.id).order_by(Household.id)]
        default_fonts()  # the fonts load once per process, before either timing
        from app.letters.templates import current_template, sample_letter

        # the same lines, drawn bare: layout is reused, only drawing is timed
        template = current_template(engine, "notice")
        doc = sample_letter(engine, "notice", template.text)
        pages = layout_document(doc, default_fonts())
        lines = [i for page in pages for i in page.items if isinstance(i, TextLine)]

        def bare() -> None:
            canvas = Canvas(str(folder / "bare.pdf"), pageCompression=1)
            for _ in range(args.letters):
                for line in lines:
                    canvas.setFont(line.runs[0].face.name, line.size)
                    canvas.drawString(line.runs[0].x, line.y, line.text, charSpace=line.char_space)
                canvas.showPage()
            canvas.save()

        out = folder / "letters.pdf"
        # text only, as the bare script draws it: no QR codes (and the records still written)
        plain = LetterOptions(qr_code=False)
        runs: dict[str, list[float]] = {"engine": [], "plain": [], "bare": []}
        # interleaved rounds, best of each: the machine is shared, and a busy moment should not
        # land on one side of the ratio only
        for _ in range(args.rounds):
            for name, work in (
                ("engine", lambda: run_to_end(print_letters_job(engine, "notice", ids, out))),
                ("plain", lambda: run_to_end(print_letters_job(
                    engine, "notice", ids, folder / "plain.pdf", options=plain))),
                ("bare", bare),
            ):  # fmt: skip
                start = time.perf_counter()
                result = work()
                runs[name].append(time.perf_counter() - start)
                if name == "engine":
                    letters_result = result
        result = letters_result
        engine_seconds, plain_seconds, bare_seconds = (min(runs[k]) for k in runs)
        size = out.stat().st_size
        spread = "; ".join(f"{k} " + "/".join(f"{t:.2f}" for t in v) for k, v in runs.items())

        print(
            f"{result.letters} letters, {result.pages} pages: {engine_seconds:.2f} s with records, "
            f"{size / 1e6:.2f} MB ({size / 1e6 * 1000 / result.pages:.2f} MB per 1,000 pages)"
        )
        print(
            f"bare ReportLab, same lines and font: {bare_seconds:.2f} s; the same letters as text "
            f"only (no QR): {plain_seconds:.2f} s, ratio {plain_seconds / bare_seconds:.2f}; "
            f"with QR codes, ratio {engine_seconds / bare_seconds:.2f} "
            f"(best of {args.rounds} interleaved rounds: {spread} s)"
        )

        from PySide6.QtWidgets import QApplication

        from ui.tabs.letters.dialogs import TemplateEditor

        app = QApplication.instance() or QApplication([])
        editor = TemplateEditor(engine, None)
        times = []
        for n in range(10):
            editor.text.setPlainText(template.text + f"\n第{n}次修改。")
            start = time.perf_counter()
            editor.refresh_preview()
            editor.preview.grab()  # painted, as the clerk sees it
            times.append(time.perf_counter() - start)
        print(f"preview after an edit: median {statistics.median(times) * 1000:.0f} ms")
        editor.deleteLater()
        app.processEvents()
        database.close()


if __name__ == "__main__":
    main()
