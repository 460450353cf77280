"""The one writer: every write tells what it changed; the shared fold rebuilds what it wrote;
the single write worker runs writes in order, and in place when already on it."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from desktop.register.events import EventRecord
from desktop.register.service import Register
from desktop.register.syncstore import RegisterSyncStore, SerialSyncStore
from desktop.register.writequeue import WriteQueue
from desktop.register.writer import NO_CHANGES, Changes, fold_dossier, fold_volume
from sync.errors import KnownError
from tests.conftest import FixedClock, open_register, valid_input


def _heard(reg: Register) -> list[Changes]:
    heard: list[Changes] = []
    reg.add_listener(heard.append)
    return heard


def test_every_local_write_reports_what_it_changed(register: Register) -> None:
    heard = _heard(register)
    view = register.receive(valid_input(register, "marital_status_confirmation"), "canbo1")
    (received,) = heard
    assert received.dossiers == {view.uid}
    assert view.tracking_entry is not None
    tracking = register.entry(view.tracking_entry)
    assert received.volumes == {tracking.volume_uid}  # its tracking-book entry
    assert not (received.accounts or received.rules or received.settings)

    heard.clear()
    register.hand_over(view.code or "", "Công chức Tư pháp - Hộ tịch", "canbo1")
    assert heard == [Changes(dossiers=frozenset({view.uid}))]

    heard.clear()
    register.create_account("admin", "Nguyễn Văn An", "admin", "mat-khau-dai-1")
    register.set_cutoff_hour(16)
    register.set_calendar_override(date(2026, 12, 24), "off", "Nghỉ bù", "UBND tỉnh", "admin")
    register.set_head_name("Trần Văn Bình")
    assert [c.accounts for c in heard] == [True, False, False, False]
    assert heard[1].settings and heard[1].calendar and heard[1].rules
    assert heard[2].calendar and heard[2].rules and not heard[2].settings
    assert heard[3].settings and not heard[3].rules
    assert register.settings().head_name == "Trần Văn Bình"  # the cached meta was dropped


def test_a_failed_write_reports_nothing_and_a_broken_listener_loses_nothing(
        register: Register) -> None:
    heard = _heard(register)

    def broken(_changes: Changes) -> None:
        raise RuntimeError("a listener's bug")

    register.add_listener(broken)
    view = register.receive(valid_input(register, "marital_status_confirmation"), "canbo1")
    assert register.get(view.uid).code == view.code  # committed despite the listener
    heard.clear()
    with pytest.raises(KnownError):  # a refusal needs its reasons: nothing is written
        register.refuse(view.uid, [], "canbo1")
    assert heard == []
    register.remove_listener(broken)


def test_ingest_reports_its_changes_and_the_shared_fold_rebuilds_them(
        home: Path, clock: FixedClock) -> None:
    a = open_register(home / "a.sqlite3", clock, slot=1)
    b = open_register(home / "b.sqlite3", clock, slot=2)
    try:
        view = a.receive(valid_input(a, "marital_status_confirmation"), "canbo1")
        a.hand_over(view.uid, "Công chức Tư pháp - Hộ tịch", "canbo1")
        records = RegisterSyncStore(a).pending_events(1000)
        heard = _heard(b)
        result = RegisterSyncStore(b).ingest(records, "cursor", "c1")
        assert result.inserted == len(records) and result.duplicates == 0
        assert view.uid in result.changes.dossiers and result.changes.volumes
        assert heard == [result.changes]
        assert b.get(view.uid).status == a.get(view.uid).status
        # The same fold, over the same events, gives the projection both registers hold.
        dossier_events = [r for r in records if r.stream == view.uid]
        state = fold_dossier(sorted(dossier_events, key=EventRecord.order_key))
        assert state is not None and state["status"] == b.get(view.uid).status
        volume_events = [r for r in records if r.stream_type == "volume"]
        volume, entries = fold_volume(sorted(volume_events, key=EventRecord.order_key))
        assert volume is not None and view.tracking_entry in entries
        again = RegisterSyncStore(b).ingest(records)
        assert (again.inserted, again.duplicates, again.changes) == (0, len(records),
                                                                    NO_CHANGES)
        assert b.check().ok
    finally:
        a.close()
        b.close()


def test_the_write_queue_runs_in_order_on_one_thread_and_in_place_when_on_it() -> None:
    queue = WriteQueue("test-write")
    seen: list[tuple[int, str]] = []

    def work(i: int) -> int:
        seen.append((i, threading.current_thread().name))
        return i * 2

    futures = [queue.submit(work, i) for i in range(20)]
    assert [f.result() for f in futures] == [i * 2 for i in range(20)]
    assert [i for i, _ in seen] == list(range(20))
    assert len({name for _, name in seen}) == 1 and seen[0][1].startswith("test-write")
    # A write that waits for another write on the same worker runs it in place.
    assert queue.submit(lambda: queue.call(work, 99)).result(timeout=5) == 198
    assert queue.wait_idle(5) and queue.busy() == 0


def test_the_serial_store_writes_on_the_worker_and_reads_in_place(register: Register) -> None:
    queue = WriteQueue("test-sync-write")
    store = SerialSyncStore(RegisterSyncStore(register), queue)
    threads: list[str] = []
    register.add_listener(lambda _c: threads.append(threading.current_thread().name))
    view = register.receive(valid_input(register, "marital_status_confirmation"), "canbo1")
    store.set_state("server_url", "https://tinh.example")
    assert store.get_state("server_url") == "https://tinh.example"
    events = store.pending_events(100)
    store.mark_acked([e.uid for e in events], "2026-11-16T02:00:00.000000Z")
    assert store.pending_count() == 0
    assert threads[0] == threading.current_thread().name  # the receipt, written here
    assert threads[1].startswith("test-sync-write")  # the acknowledgement, on the worker
    assert register.get(view.uid).uid == view.uid
