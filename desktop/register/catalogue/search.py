"""A diacritic-insensitive procedure finder over one catalogue version."""

from __future__ import annotations

from desktop.register.catalogue.model import Catalogue, Procedure
from desktop.register.textnorm import fold


def find_procedures(catalogue: Catalogue, query: str, limit: int = 50) -> list[Procedure]:
    """Procedures whose name, code or field match every typed word as a prefix, accents ignored.

    "xac nhan hon" finds "Cấp Giấy xác nhận tình trạng hôn nhân"; an empty query lists all.
    """
    tokens = fold(query).split()
    fields = {f.code: f.name for f in catalogue.fields}
    out = []
    for proc in catalogue.procedures:
        words = fold(" ".join((proc.name, proc.code.replace("_", " "),
                               proc.national_code or "", fields.get(proc.field, "")))).split()
        if all(any(w.startswith(t) for w in words) for t in tokens):
            out.append(proc)
            if len(out) >= limit:
                break
    return out
