"""Child process of test_crash.py: writers that open the register and write until killed.

Usage: python crash_writer.py REGISTER

Importing the register takes most of a second, so this process imports it once and then
forks one writer per line "START <n>" read on stdin (POSIX only, like SIGKILL). It prints
"PID <pid>" for each writer and, once that writer is dead, "DONE <pid> <wait status>". A writer
opens the register itself and prints one line per write *after* the call returned:
    <code>\t<applicant name>\t<phone>\t<status>
and, after its first write, "READY <pid> <PRAGMA synchronous>".
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop.register.service import Register
from desktop.register.views import ApplicantInput, DossierInput

NAMES = ("Nguyễn Văn Dũng", "Trần Thị Mai", "Đặng Quốc Huy", "Lê Thị Ánh Tuyết",
         "Phạm Ngọc Ẩn", "Hoàng Văn Thụ", "Vũ Thị Hường", "Bùi Đức Mạnh")


def emit(line: str) -> None:
    """One line in one write(2), so a kill never cuts it: print() may take two writes (with
    PYTHONUNBUFFERED, text then newline) and a cut line would glue onto the next one."""
    os.write(1, (line + "\n").encode("utf-8"))


def write_until_killed(path: Path, start: int) -> None:
    reg = Register.open(path, auto_backup=False)
    with reg.engine.connect() as conn:
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    documents = tuple(d.code for d in reg.catalogue().procedure("certified_copy").documents
                      if d.required)
    i, previous = start, None
    while True:
        name, phone = NAMES[i % len(NAMES)], f"09{i:08d}"
        v = reg.receive(DossierInput(
            procedure_code="certified_copy", documents=documents, pages=1 + i % 3,
            applicant=ApplicantInput(full_name=name, phone=phone, id_number="001098012345")),
            actor="canbo1")
        emit(f"{v.code}\t{name}\t{phone}\t{v.status}")
        if i == start:  # warmed up (catalogue and calendar loaded): the kills may start
            emit(f"READY {os.getpid()} {synchronous}")
        if previous is not None and i % 2:
            # An update too: the projection row and the search index change in place.
            w = reg.hand_over(previous[0], "Công chức chứng thực", "canbo1")
            emit(f"{w.code}\t{previous[1]}\t{previous[2]}\t{w.status}")
        previous = (v.code, name, phone)
        i += 1


def main() -> None:
    path = Path(sys.argv[1])
    emit("ZYGOTE")
    for command in sys.stdin:
        start = int(command.split()[1])
        pid = os.fork()
        if pid == 0:
            try:
                write_until_killed(path, start)
            finally:
                os._exit(1)  # never falls back into the loop of the parent
        emit(f"PID {pid}")
        _, status = os.waitpid(pid, 0)
        emit(f"DONE {pid} {status}")


if __name__ == "__main__":
    main()
