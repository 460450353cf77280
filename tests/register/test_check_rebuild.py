"""`motcua check` on tampering the other check tests leave out, and on a damaged file."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.register.service import Register
from tests.register.test_check import _problems, raw


def _respelled(text: str) -> str:
    """The same JSON value in another spelling: keys reversed, spaces, non-ASCII escaped."""
    def reverse(value: object) -> object:
        if isinstance(value, dict):
            return {k: reverse(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [reverse(v) for v in value]
        return value
    respelled = json.dumps(reverse(json.loads(text)), indent=1)
    assert respelled != text and json.loads(respelled) == json.loads(text)
    return respelled


def test_json_stored_in_another_spelling_is_no_difference(busy_register: Register) -> None:
    """Events hash, and projections compare, as JSON values, not as the text stored."""
    with raw(busy_register.path) as con:
        for table, column, key in (("events", "payload", "uid"), ("dossiers", "details", "uid"),
                                   ("logbook_entries", "data", "uid"),
                                   ("logbook_volumes", "closing", "uid")):
            for row in con.execute(f"SELECT {key}, {column} FROM {table} "
                                   f"WHERE {column} IS NOT NULL").fetchall():
                con.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?",
                            (_respelled(row[column]), row[key]))
    report = busy_register.check()
    assert report.ok, report.text()


def test_check_finds_two_events_of_a_dossier_swapped_in_order(
        busy_register: Register) -> None:
    with raw(busy_register.path) as con:
        first, second = con.execute(
            "SELECT uid, hlc FROM events WHERE stream = (SELECT stream FROM events "
            "WHERE kind = 'dossier.rated' LIMIT 1) ORDER BY hlc DESC LIMIT 2").fetchall()
        con.execute("UPDATE events SET hlc = ? WHERE uid = ?", (second["hlc"], first["uid"]))
        con.execute("UPDATE events SET hlc = ? WHERE uid = ?", (first["hlc"], second["uid"]))
    problems = _problems(busy_register)
    for ev in (first, second):
        assert f"Sự kiện {ev['uid']}: nội dung đã bị sửa sau khi ghi." in problems


def test_check_finds_dossier_rows_that_no_event_made(busy_register: Register) -> None:
    """One row sorts before every dossier made by events, one after them all."""
    forged = (("00000000-0000-7000-8000-000000000000", "X-261116-9001"),
              ("ffffffff-0000-7000-8000-000000000000", "X-261116-9002"))
    with raw(busy_register.path) as con:
        cols = [r[1] for r in con.execute("PRAGMA table_info(dossiers)")
                if r[1] not in ("id", "uid", "code")]
        for uid, code in forged:
            con.execute(f"INSERT INTO dossiers (uid, code, {', '.join(cols)}) "
                        f"SELECT ?, ?, {', '.join(cols)} FROM dossiers LIMIT 1", (uid, code))
    assert _problems(busy_register) == [
        f"Hồ sơ {code} không có sự kiện nào." for _, code in forged]


def test_check_finds_a_logbook_entry_removed_from_its_volume(busy_register: Register) -> None:
    with raw(busy_register.path) as con:
        entry = con.execute(
            "SELECT e.uid, v.year, v.volume_no FROM logbook_entries e JOIN logbook_volumes v "
            "ON v.uid = e.volume_uid WHERE v.book_kind = 'KS'").fetchone()
        con.execute("DELETE FROM logbook_entries WHERE uid = ?", (entry["uid"],))
    assert _problems(busy_register) == [
        f"Quyển sổ KS {entry['year']}/{entry['volume_no']}: 1 mục khác với lịch sử sự kiện."]


def test_check_finds_a_volume_row_removed_or_added(busy_register: Register) -> None:
    with raw(busy_register.path) as con:
        volume = con.execute("SELECT * FROM logbook_volumes WHERE book_kind = 'KS'").fetchone()
        con.execute("DELETE FROM logbook_volumes WHERE uid = ?", (volume["uid"],))
        forged = {**dict(volume), "uid": "ffffffff-0000-7000-8000-00000000000f",
                  "volume_no": 99}
        con.execute(f"INSERT INTO logbook_volumes ({', '.join(forged)}) "
                    f"VALUES ({', '.join('?' * len(forged))})", tuple(forged.values()))
    assert _problems(busy_register) == [
        f"Quyển sổ {volume['uid']}: dữ liệu khác với lịch sử sự kiện.",
        f"Quyển sổ {forged['uid']} không có sự kiện nào."]


def _point_last_cell_nowhere(path: Path, index: str) -> None:
    """The last cell of an index's root page ends with a row id: make it 127, no such row."""
    with raw(path) as con:
        assert con.execute("SELECT max(seq) FROM events").fetchone()[0] < 127
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                           (index,)).fetchone()[0]
    with open(path, "r+b") as fh:
        fh.seek(root * page_size - 1)
        fh.write(bytes([0x7F]))


def test_a_damaged_file_is_reported_by_sqlite_alone(busy_register: Register) -> None:
    """The rebuild reads events through the damaged index and fails ("database disk image
    is malformed"); the report holds SQLite's findings and nothing else."""
    path = busy_register.path
    busy_register.close()
    _point_last_cell_nowhere(path, "ix_events_stream_order")
    reg = Register.open(path, quick_check=False, auto_backup=False)
    try:
        report = reg.check()
    finally:
        reg.close()
    assert not report.ok
    assert report.problems == [(p, p) for p, _ in report.problems]
    assert all(p.startswith("SQLite: ") for p, _ in report.problems)
    assert any("missing from index ix_events_stream_order" in p for p, _ in report.problems)
