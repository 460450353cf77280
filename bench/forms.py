"""`python -m bench.forms`: render timings of the forms package, printed as one JSON object.

- receipt_ms: median time to render Mẫu 01 (two copies on one A4, QR, fee in words);
- book_1000_s: median time to render a 1,000-entry birth register volume (A4 landscape);
- receipt_vs_bare_canvas: receipt time over the time a bare reportlab canvas takes to draw
  the same strings in the same embedded faces and sizes (no layout engine, no QR).

Each receipt timed has its own dossier code (nothing is reused between renders). Wall-clock
medians are the headline figures; CPU-time medians are given too, since a loaded machine
stretches wall-clock time.

Targets: receipt ≤ 25 ms, book ≤ 2 s, ratio ≤ 3.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table

from forms import samples
from forms.fonts import register_fonts
from forms.records import Receipt
from forms.render import render, renderer_for

TARGETS = {"receipt_ms": 25.0, "book_1000_s": 2.0, "receipt_vs_bare_canvas": 3.0}


def timed(fn: Callable[[], object], runs: int, warmup: int = 2) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of `runs` calls (CPU time is what a busy
    shared machine distorts least)."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def _texts(flowables: list[Flowable]) -> Iterator[tuple[str, str, float]]:
    """(text, font, size) of every paragraph, table cells included."""
    for f in flowables:
        if isinstance(f, Paragraph):
            yield f.getPlainText(), f.style.fontName, f.style.fontSize
        elif isinstance(f, Table):
            for row in f._cellvalues:
                for cell in row:
                    if isinstance(cell, (list, tuple)):
                        yield from _texts(list(cell))
                    elif isinstance(cell, Flowable):
                        yield from _texts([cell])
        elif hasattr(f, "_content"):
            yield from _texts(f._content)


def receipt_lines(receipt: Receipt | None = None) -> list[tuple[str, str, float]]:
    """Every string the receipt prints (both copies), with its face and size."""
    renderer = renderer_for(receipt or samples.receipt())
    return [t for t in _texts(renderer.story()) if t[0].strip()]


def bare_canvas(lines: list[tuple[str, str, float]]) -> bytes:
    """The baseline: the same strings in the same faces, one drawString per line, no layout."""
    fonts = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=fonts.regular)
    y = A4[1] - 10 * mm
    for text, font, size in lines:
        if y < 15 * mm:
            canvas.showPage()
            y = A4[1] - 10 * mm
        canvas.setFont(font, size)
        canvas.drawString(15 * mm, y, text)
        y -= size * 1.2
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def receipts(n: int) -> list[Receipt]:
    """Distinct receipts (each its own dossier code, so no QR is encoded twice)."""
    base = samples.receipt()
    return [replace(base, dossier_code=f"000.00.01.H29-261123-{1000 + i:04d}") for i in range(n)]


def run(receipt_runs: int = 40, book_runs: int = 3) -> dict[str, object]:
    register_fonts()
    batch = iter(receipts(receipt_runs + 2))
    book = samples.birth_book(1000)
    lines = receipt_lines()
    receipt_wall, receipt_cpu = timed(lambda: render(next(batch)), receipt_runs)
    bare_wall, bare_cpu = timed(lambda: bare_canvas(lines), receipt_runs)
    book_wall, book_cpu = timed(lambda: render(book), book_runs, warmup=1)
    figures: dict[str, object] = {
        "receipt_ms": round(receipt_wall * 1000, 2),
        "book_1000_s": round(book_wall, 3),
        "receipt_vs_bare_canvas": round(receipt_wall / bare_wall, 2),
        "cpu": {"receipt_ms": round(receipt_cpu * 1000, 2), "book_1000_s": round(book_cpu, 3),
                "bare_canvas_ms": round(bare_cpu * 1000, 2),
                "receipt_vs_bare_canvas": round(receipt_cpu / bare_cpu, 2)},
        "bare_canvas_ms": round(bare_wall * 1000, 2),
        "book_1000_pages": len(book.pages(10)) + 1,
        "receipt_strings": len(lines),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    figures["targets"] = TARGETS
    figures["met"] = {key: float(figures[key]) <= target  # type: ignore[arg-type]
                      for key, target in TARGETS.items()}
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.forms", description=__doc__)
    parser.add_argument("--receipt-runs", type=int, default=40)
    parser.add_argument("--book-runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.receipt_runs, args.book_runs), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
