"""Child process of test_crash.py: writes dossiers until it is killed.

Usage: python crash_writer.py REGISTER START. Prints "READY <synchronous>" once the register
is open, then one line per write *after* the call returned:
    <code>\t<applicant name>\t<phone>\t<status>
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.register.service import Register
from desktop.register.views import ApplicantInput, DossierInput

NAMES = ("Nguyễn Văn Dũng", "Trần Thị Mai", "Đặng Quốc Huy", "Lê Thị Ánh Tuyết",
         "Phạm Ngọc Ẩn", "Hoàng Văn Thụ", "Vũ Thị Hường", "Bùi Đức Mạnh")


def main() -> None:
    path, start = Path(sys.argv[1]), int(sys.argv[2])
    reg = Register.open(path, auto_backup=False)
    with reg.engine.connect() as conn:
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    print(f"READY {synchronous}", flush=True)
    documents = tuple(d.code for d in reg.catalogue().procedure("certified_copy").documents
                      if d.required)
    i = start
    previous = None
    while True:
        name, phone = NAMES[i % len(NAMES)], f"09{i:08d}"
        v = reg.receive(DossierInput(
            procedure_code="certified_copy", documents=documents, pages=1 + i % 3,
            applicant=ApplicantInput(full_name=name, phone=phone, id_number="001098012345")),
            actor="canbo1")
        print(f"{v.code}\t{name}\t{phone}\t{v.status}", flush=True)
        if previous is not None and i % 2:
            # An update too: the projection row and the search index change in place.
            w = reg.hand_over(previous[0], "Công chức chứng thực", "canbo1")
            print(f"{w.code}\t{previous[1]}\t{previous[2]}\t{w.status}", flush=True)
        previous = (v.code, name, phone)
        i += 1


if __name__ == "__main__":
    main()
