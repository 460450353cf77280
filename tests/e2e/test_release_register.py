"""A register written by the last release before the redesign opens, passes `motcua check`, and
prints every book with what that release recorded: nothing an officer entered is lost."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import cli_env, motcua_command

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "register-0006-release.sqlite3"


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*motcua_command(), *args], env=cli_env(home), capture_output=True,
                          text=True, timeout=180, check=False)


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", " ".join(out.split()))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    shutil.copy(FIXTURE, tmp_path / "register.sqlite3")
    return tmp_path


def _old_entries() -> dict[str, list[str]]:
    """The values the release's entry dialog wrote, by book kind (each names book and field)."""
    with sqlite3.connect(FIXTURE) as conn:
        rows = conn.execute(
            "SELECT v.book_kind, e.data FROM logbook_entries e "
            "JOIN logbook_volumes v ON v.uid = e.volume_uid WHERE e.data LIKE '%cũ%'").fetchall()
    import json

    found: dict[str, list[str]] = {}
    for kind, data in rows:
        found.setdefault(kind, []).extend(str(v) for v in json.loads(data).values())
    return found


def test_the_release_register_migrates_and_passes_check(home: Path) -> None:
    result = run(home, "check")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("kind", sorted(_old_entries()))
def test_every_value_the_release_dialog_recorded_is_printed(home: Path, kind: str) -> None:
    out = home / f"{kind}.pdf"
    result = run(home, "print-book", kind, "--year", "2026", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    text = pdf_text(out)
    missing = [v for v in _old_entries()[kind] if " ".join(v.split()) not in text]
    assert missing == []
