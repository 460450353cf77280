"""`python -m forms.preview OUTDIR`: every form and book page from sample data, as PDF and PNG.

PNGs come from poppler's `pdftoppm -r 60 -png` (one file per page), for a person to look at.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from forms import samples
from forms.config import CIRCULAR_01_2018, FormConfig
from forms.render import render


def previews() -> dict[str, tuple[object, FormConfig]]:
    """File stem -> (record, config) for everything worth looking at."""
    out: dict[str, tuple[object, FormConfig]] = {
        stem: (record, FormConfig()) for stem, record in samples.all_samples().items()}
    out["01-giay-tiep-nhan-a5"] = (samples.receipt(), FormConfig(receipt_layout="a5"))
    out["06-phieu-kiem-soat-mau-cu"] = (samples.control_slip(),
                                        FormConfig(numbering=CIRCULAR_01_2018))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m forms.preview",
                                     description="Render sample forms to PDF and PNG.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--resolution", type=int, default=60, help="PNG dots per inch")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm not found (install poppler-utils); writing PDFs only.", file=sys.stderr)
    for stem, (record, config) in previews().items():
        pdf = args.outdir / f"{stem}.pdf"
        pdf.write_bytes(render(record, config))  # type: ignore[arg-type]
        if pdftoppm:
            subprocess.run([pdftoppm, "-r", str(args.resolution), "-png", str(pdf),
                            str(args.outdir / stem)], check=True)
        print(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
