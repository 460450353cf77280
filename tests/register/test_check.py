"""`motcua check`: integrity, per-device hash chains and projections rebuilt from the events."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

from desktop.register.events import GENESIS_HASH, EventRecord
from desktop.register.service import Register
from tests.conftest import (
    FixedClock,
    cli_env,
    fill_busy,
    motcua_command,
    open_register,
    table_counts,
)


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """Someone editing the file behind the program's back (commits on exit)."""
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        with con:
            yield con
    finally:
        con.close()


def _problems(reg: Register) -> list[str]:
    report = reg.check()
    assert not report.ok
    return [vi for vi, _ in report.problems]


def _event(con: sqlite3.Connection, where: str, *args: object) -> sqlite3.Row:
    row = con.execute(f"SELECT * FROM events WHERE {where} ORDER BY device_seq LIMIT 1",
                      args).fetchone()
    assert row is not None
    return row


def _record(row: sqlite3.Row) -> EventRecord:
    return EventRecord.from_row(SimpleNamespace(**dict(row)))


def test_check_passes_on_a_fresh_busy_register(busy_register: Register) -> None:
    report = busy_register.check()
    assert report.ok, report.text()
    counts = table_counts(busy_register.path)
    assert report.stats["events"] == counts["events"]
    assert report.stats["dossiers"] == counts["dossiers"] == 24
    assert report.stats["entries"] == counts["logbook_entries"]
    assert report.stats["devices"] == 1
    assert report.text().startswith("Sổ đăng ký nguyên vẹn.")


def test_check_finds_an_edited_event_payload(busy_register: Register) -> None:
    with raw(busy_register.path) as con:
        ev = _event(con, "kind = 'dossier.received' AND payload LIKE '%Trần Thị Mai%'")
        con.execute("UPDATE events SET payload = replace(payload, 'Trần Thị Mai', "
                    "'Trần Thị Mây') WHERE uid = ?", (ev["uid"],))
    problems = _problems(busy_register)
    assert f"Sự kiện {ev['uid']}: nội dung đã bị sửa sau khi ghi." in problems
    # The rebuilt dossier no longer matches the stored one either.
    assert any("dữ liệu khác với lịch sử sự kiện (applicant_name" in p for p in problems)


def test_an_event_rewritten_with_a_fresh_hash_breaks_the_chain_at_the_next_one(
        busy_register: Register) -> None:
    with raw(busy_register.path) as con:
        ev = _event(con, "kind = 'dossier.processed'")
        rec = _record(ev)
        forged = EventRecord(**{**rec.__dict__, "payload": {**rec.payload,
                                                           "outcome": "rejected"}})
        forged = EventRecord(**{**forged.__dict__, "hash": forged.compute_hash()})
        con.execute("UPDATE events SET payload = ?, hash = ? WHERE uid = ?",
                    (forged.to_row()["payload"], forged.hash, rec.uid))
        following = _event(con, "device_id = ? AND device_seq = ?", rec.device_id,
                           rec.device_seq + 1)
    problems = _problems(busy_register)
    assert f"Sự kiện {following['uid']}: chuỗi băm bị đứt (sự kiện trước bị sửa hoặc xóa)." \
        in problems
    assert not any(rec.uid in p for p in problems)  # the forged one hashes fine on its own


def test_check_finds_a_deleted_event(busy_register: Register) -> None:
    with raw(busy_register.path) as con:
        ev = _event(con, "kind = 'dossier.withdrawn'")
        con.execute("DELETE FROM events WHERE uid = ?", (ev["uid"],))
        following = _event(con, "device_seq = ?", ev["device_seq"] + 1)
    problems = _problems(busy_register)
    device = ev["device_id"][-12:]
    assert (f"Máy {device}: thiếu sự kiện số {ev['device_seq']} "
            f"(gặp số {ev['device_seq'] + 1}).") in problems
    assert f"Sự kiện {following['uid']}: chuỗi băm bị đứt (sự kiện trước bị sửa hoặc xóa)." \
        in problems


def test_check_finds_the_newest_event_deleted(busy_register: Register) -> None:
    code = next(r.code for r in busy_register.list_dossiers() if r.status == 2)
    busy_register.hand_over(code, "Văn phòng", "canbo1")
    with raw(busy_register.path) as con:
        last = con.execute("SELECT * FROM events ORDER BY device_seq DESC LIMIT 1").fetchone()
        assert last["kind"] == "dossier.handed_over"
        con.execute("DELETE FROM events WHERE uid = ?", (last["uid"],))
    problems = _problems(busy_register)
    assert any(p.startswith(f"Hồ sơ {code}: dữ liệu khác với lịch sử sự kiện") for p in problems)


def test_check_finds_an_edited_dossier_row(busy_register: Register) -> None:
    code = next(r.code for r in busy_register.list_dossiers() if r.status == 4)
    with raw(busy_register.path) as con:
        con.execute("UPDATE dossiers SET status = 10 WHERE code = ?", (code,))
    assert _problems(busy_register) == [
        f"Hồ sơ {code}: dữ liệu khác với lịch sử sự kiện (status)."]


def test_check_finds_a_dossier_row_removed_from_the_table(busy_register: Register) -> None:
    code = busy_register.list_dossiers()[5].code
    with raw(busy_register.path) as con:
        con.execute("DELETE FROM dossiers WHERE code = ?", (code,))
    assert _problems(busy_register) == [f"Hồ sơ {code} thiếu trong bảng hồ sơ."]


def test_check_finds_an_edited_logbook_entry(busy_register: Register) -> None:
    with raw(busy_register.path) as con:
        entry = con.execute(
            "SELECT e.uid, v.book_kind, v.year, v.volume_no FROM logbook_entries e JOIN "
            "logbook_volumes v ON v.uid = e.volume_uid WHERE v.book_kind = 'KS'").fetchone()
        con.execute("UPDATE logbook_entries SET data = ? WHERE uid = ?",
                    (json.dumps({"ho_ten": "Bé Nga"}, ensure_ascii=False), entry["uid"]))
    assert _problems(busy_register) == [
        f"Quyển sổ KS {entry['year']}/{entry['volume_no']}: 1 mục khác với lịch sử sự kiện."]


def test_check_finds_a_void_erased_from_a_logbook(busy_register: Register) -> None:
    with raw(busy_register.path) as con:
        con.execute("UPDATE logbook_entries SET voided_at = NULL, void_reason = NULL "
                    "WHERE voided_at IS NOT NULL")
    [problem] = _problems(busy_register)
    assert problem.startswith("Quyển sổ XNHN 2026/1: 1 mục khác")


def test_check_finds_edited_closing_totals(busy_register: Register, clock: FixedClock) -> None:
    clock.advance(days=45)  # 31 December: the last working day, when books may be closed
    [volume] = busy_register.close_year("SCT_BS", 2026, "chungthuc")
    assert busy_register.check().ok
    with raw(busy_register.path) as con:
        con.execute("UPDATE logbook_volumes SET closing = ? WHERE uid = ?",
                    (json.dumps({**volume.closing, "entries": 1}), volume.uid))
    assert _problems(busy_register) == [
        f"Quyển sổ {volume.uid}: dữ liệu khác với lịch sử sự kiện."]


def test_check_finds_a_code_counter_behind_the_codes_issued(busy_register: Register) -> None:
    with raw(busy_register.path) as con:
        con.execute("UPDATE counters SET value = 1")
    assert _problems(busy_register) == ["Bộ đếm mã hồ sơ ngày 261116 thấp hơn mã đã cấp."]


# --- two devices -----------------------------------------------------------------------------


def _merge(into: Path, other: Path) -> None:
    """Bring another PC's events and projections in, as sync will (events marked remote)."""
    with raw(into) as con:
        con.execute("ATTACH DATABASE ? AS other", (str(other),))
        cols = ("uid, stream, stream_type, kind, payload, actor, channel, occurred_at, hlc, "
                "device_id, device_seq, prev_hash, hash")
        con.execute(f"INSERT INTO events ({cols}, origin) SELECT {cols}, 'remote' "
                    "FROM other.events ORDER BY hlc")
        dcols = [r[1] for r in con.execute("PRAGMA other.table_info(dossiers)") if r[1] != "id"]
        con.execute(f"INSERT INTO dossiers ({', '.join(dcols)}) "
                    f"SELECT {', '.join(dcols)} FROM other.dossiers")
        con.execute("INSERT INTO logbook_volumes SELECT * FROM other.logbook_volumes")
        ecols = [r[1] for r in con.execute("PRAGMA other.table_info(logbook_entries)")
                 if r[1] != "id"]
        con.execute(f"INSERT INTO logbook_entries ({', '.join(ecols)}) "
                    f"SELECT {', '.join(ecols)} FROM other.logbook_entries")


def test_hash_chains_link_each_device_across_a_shared_register(
        home: Path, clock: FixedClock) -> None:
    a = open_register(home / "pc1.sqlite3", clock, slot=1)
    b = open_register(home / "pc2.sqlite3", clock, slot=2)
    try:
        for _ in range(2):  # the two PCs work at the same time: their clocks interleave
            fill_busy(a, clock, n=8)
            fill_busy(b, clock, n=8)
        devices = (a.device_id, b.device_id)
        b.close()
        _merge(a.path, b.path)
        report = a.check()
        assert report.ok, report.text()
        assert report.stats["devices"] == 2
        with raw(a.path) as con:
            rows = con.execute("SELECT * FROM events ORDER BY hlc, device_id, uid").fetchall()
        assert {r["device_id"] for r in rows} == set(devices)
        order = [r["device_id"] for r in rows]
        assert any(x != y for x, y in pairwise(order))
        switches = sum(x != y for x, y in pairwise(order))
        assert switches >= 3  # interleaved in time, not one device after the other
        for device in devices:
            chain = sorted((_record(r) for r in rows if r["device_id"] == device),
                           key=lambda e: e.device_seq)
            assert [e.device_seq for e in chain] == list(range(1, len(chain) + 1))
            assert chain[0].prev_hash == GENESIS_HASH
            for prev, cur in pairwise(chain):
                assert cur.prev_hash == prev.hash
            assert all(e.compute_hash() == e.hash for e in chain)
        # A hole in the other PC's chain is reported against that PC.
        with raw(a.path) as con:
            con.execute("DELETE FROM events WHERE device_id = ? AND device_seq = 5",
                        (devices[1],))
        problems = _problems(a)
        assert f"Máy {devices[1][-12:]}: thiếu sự kiện số 5 (gặp số 6)." in problems
        assert not any(devices[0][-12:] in p for p in problems)
    finally:
        a.close()
        b.close()


# --- the command ------------------------------------------------------------------------------


def test_the_check_command_exits_0_on_a_sound_register(busy_register: Register,
                                                         home: Path) -> None:
    busy_register.close()
    done = subprocess.run(motcua_command() + ["check"], env=cli_env(home),
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Sổ đăng ký nguyên vẹn.")
    assert "hồ sơ: 24" in done.stdout


def test_the_check_command_exits_1_with_a_readable_report_on_a_tampered_register(
        busy_register: Register, home: Path) -> None:
    busy_register.close()
    with raw(busy_register.path) as con:
        ev = _event(con, "kind = 'dossier.returned'")
        con.execute("UPDATE events SET actor = 'nguoila' WHERE uid = ?", (ev["uid"],))
    done = subprocess.run(motcua_command() + ["check"], env=cli_env(home),
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Phát hiện 1 vấn đề:"
    assert lines[1] == f"  - Sự kiện {ev['uid']}: nội dung đã bị sửa sau khi ghi."
    assert "Traceback" not in done.stderr
    english = subprocess.run(motcua_command() + ["--lang", "en", "check"], env=cli_env(home),
                             capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert english.returncode == 1
    assert english.stdout.splitlines()[:2] == [
        "1 problem(s) found:", f"  - Event {ev['uid']}: content was edited after it was written."]
