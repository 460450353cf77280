"""Crash safety: a writer killed with SIGKILL at random moments never loses a returned save."""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop.register.service import Register
from sync.lifecycle import Status
from tests.conftest import FixedClock, cli_env, open_register

WRITER = Path(__file__).resolve().parents[1] / "support" / "crash_writer.py"
KILLS = 32
TIMEOUT = 300  # generous: a killed writer may sit in fsync on a loaded CI disk

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
                                reason="needs fork and SIGKILL (POSIX)")


class Writers:
    """The crash_writer process: forks a writer on demand; its output arrives on a queue."""

    def __init__(self, path: Path, home: Path):
        # stderr goes to a file: a pipe nobody reads could fill up and block the writers.
        self.log = home / "writers.log"
        with open(self.log, "w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(WRITER), str(path)], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, text=True, encoding="utf-8",
                env=cli_env(home), cwd=WRITER.parent)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        assert self._next() == "ZYGOTE\n"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _next(self) -> str:
        try:
            line = self.lines.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError("the writer process is stuck: " + self._stderr()) from None
        if line is None:
            raise AssertionError("the writer process died: " + self._stderr())
        return line

    def _stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]

    def run_and_kill(self, start: int, delay: float) -> list[str]:
        """Fork a writer, let it write `delay` s after its first save, SIGKILL it; its lines."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"START {start}\n")
        self.proc.stdin.flush()
        out: list[str] = []
        pid = ready = None
        while ready is None:
            line = self._next()
            if line.startswith("PID "):
                pid = int(line.split()[1])
            elif line.startswith("READY "):
                ready = line.split()
            elif line.startswith("DONE "):
                raise AssertionError("the writer died before its first save: " + self._stderr())
            else:
                out.append(line)
        assert ready[2] == "2", "the writer must run with synchronous = FULL"
        time.sleep(delay)
        os.kill(int(ready[1]), signal.SIGKILL)
        while True:
            line = self._next()
            if line.startswith("PID "):
                pid = int(line.split()[1])
            elif "DONE " in line:
                cut, done = line.split("DONE ")
                assert not cut, f"a line was cut by the kill: {cut!r}"  # one write(2) each
                done_pid, status = done.split()
                break
            else:
                out.append(line)
        assert int(done_pid) == int(ready[1]) == pid
        assert os.WIFSIGNALED(int(status)) and os.WTERMSIG(int(status)) == signal.SIGKILL, \
            "the writer stopped by itself: " + self._stderr()
        return [line.rstrip("\n") for line in out]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=TIMEOUT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stdout:
                self.proc.stdout.close()


def test_a_writer_killed_at_random_moments_never_loses_a_save_that_returned(
        home: Path, clock: FixedClock) -> None:
    path = home / "register.sqlite3"
    open_register(path, clock).close()  # the office is set up before the first start
    writers = Writers(path, home)
    try:
        _kill_again_and_again(writers, path, clock)
    finally:
        writers.close()


def _kill_again_and_again(writers: Writers, path: Path, clock: FixedClock) -> None:
    rng = random.Random(20261123)
    reported: dict[str, tuple[str, str, int]] = {}  # code -> name, phone, last status seen
    writes = 0
    for kill in range(KILLS):
        lines = writers.run_and_kill(start=kill * 100_000, delay=rng.uniform(0.05, 0.6))
        fresh: dict[str, tuple[str, str, int]] = {}
        for line in lines:
            code, name, phone, status = line.split("\t")
            fresh[code] = (name, phone, int(status))
        reported.update(fresh)
        writes += len(lines)

        reg = Register.open(path, clock=clock, auto_backup=False)
        try:
            report = reg.check()
            assert report.ok, f"after kill {kill + 1}: {report.text()}"
            last = kill == KILLS - 1
            for code, (name, phone, status) in (reported if last else fresh).items():
                _assert_whole(reg, code, name, phone, status)
            stored = _stored(path)
            for code, (name, phone, _) in reported.items():
                assert stored[code] == (name, phone), code
            # At most one save per kill had committed without being reported yet.
            assert len(reported) <= len(stored) <= len(reported) + kill + 1
        finally:
            reg.close()
    assert writes > KILLS * 3, "the writers barely wrote: the kills hit nothing"


def _assert_whole(reg: Register, code: str, name: str, phone: str, status: int) -> None:
    v = reg.get(code)
    assert (v.applicant_name, v.applicant_phone) == (name, phone)
    # The step after the last one reported may have committed before the kill.
    assert v.status in (status, Status.PROCESSING) and v.status >= status
    assert reg.entry(v.tracking_entry).data["code"] == code
    assert reg.history(code)[0].kind == "dossier.received"
    assert [r.uid for r in reg.search(phone)] == [v.uid]


def _stored(path: Path) -> dict[str, tuple[str, str]]:
    con = sqlite3.connect(path)
    try:
        return {c: (n, p) for c, n, p in con.execute(
            "SELECT code, applicant_name, applicant_phone FROM dossiers")}
    finally:
        con.close()


FIRST_START_KILLED = {
    "after-creating-the-file": (
        "from desktop.register import db\n"
        "engine = db.make_engine(path)\n"
        "with engine.connect():\n"
        "    pass\n"),
    "in-the-middle-of-the-first-migration": (
        "import sqlite3\n"
        "con = sqlite3.connect(path, isolation_level=None)\n"
        "con.execute('PRAGMA journal_mode = WAL')\n"
        "con.execute('BEGIN IMMEDIATE')\n"
        "con.execute('PRAGMA application_id = 1296258369')\n"
        "con.execute('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)')\n"),
}


@pytest.mark.parametrize("moment", sorted(FIRST_START_KILLED))
def test_a_first_start_killed_before_its_first_commit_does_not_lock_the_office_out(
        home: Path, clock: FixedClock, moment: str) -> None:
    path = home / "register.sqlite3"
    script = f"import os, sys\npath = sys.argv[1]\n{FIRST_START_KILLED[moment]}os._exit(0)\n"
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=TIMEOUT,
                   env=cli_env(home))
    assert path.stat().st_size > 0  # the file is there, with nothing committed in it
    reg = open_register(path, clock)
    try:
        assert reg.office().agency_id == "000.00.01.H29"
        assert reg.check().ok
    finally:
        reg.close()
