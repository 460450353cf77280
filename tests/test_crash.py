"""Crash safety: a writer killed with SIGKILL at random moments never loses a returned save."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop.register.lifecycle import Status
from desktop.register.service import Register

from conftest import FixedClock, cli_env, open_register

WRITER = Path(__file__).with_name("crash_writer.py")
KILLS = 32

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


def _read_lines(stream: object, into: list[str], ready: threading.Event) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.append(line)
        if line.startswith("READY"):
            ready.set()


def _run_and_kill(path: Path, home: Path, start: int, delay: float) -> list[str]:
    """Start the writer, let it write for `delay` seconds, SIGKILL it; return whole lines."""
    child = subprocess.Popen([sys.executable, str(WRITER), str(path), str(start)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             encoding="utf-8", env=cli_env(home), cwd=Path(__file__).parent)
    lines: list[str] = []
    ready = threading.Event()
    reader = threading.Thread(target=_read_lines, args=(child.stdout, lines, ready))
    reader.start()
    try:
        if not ready.wait(timeout=60):
            child.kill()
            raise AssertionError("the writer did not start: " + child.stderr.read())
        time.sleep(delay)
        assert child.poll() is None, "the writer stopped by itself: " + child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        reader.join(timeout=60)
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    assert lines and lines[0] == "READY 2\n"  # synchronous = FULL in the writer
    # A line cut by the kill has no newline: that save had not been reported yet.
    return [line.rstrip("\n") for line in lines[1:] if line.endswith("\n")]


def test_a_writer_killed_at_random_moments_never_loses_a_save_that_returned(
        home: Path, clock: FixedClock) -> None:
    path = home / "register.sqlite3"
    open_register(path, clock).close()  # the office is set up before the first start
    rng = random.Random(20261123)
    reported: dict[str, tuple[str, str, int]] = {}  # code -> name, phone, last status seen
    writes = 0
    for kill in range(KILLS):
        lines = _run_and_kill(path, home, start=kill * 100_000, delay=rng.uniform(0.05, 0.6))
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
    assert writes > KILLS * 5, "the writer barely wrote: the kills hit nothing"


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
