"""Sync over a weak link: a real register pushes its events to a real `motcua-server` process
through the fault-injecting proxy set to 256 kbit/s and 300 ms round trip.

Figures (JSON on stdout):
- clean link: wall time, compressed bytes per event, bytes each way, and the ratio of the wall
  time to the link-limited time of the bytes the client sent (target ≤ 1.3×);
- the same link cut every 64 KiB: does it finish, how many runs it took, and how many push
  batches were sent again after the client had their acknowledgement (must be 0), beside
  the batches sent again because their answer was lost to a cut (expected, answered as
  duplicates by the server);
- the server's ingest rate on SQLite and PostgreSQL (bench.sync_server), unless --no-ingest.

Run: ``python -m bench.sync [--events 10000] [--no-ingest]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

LINK_BITS_PER_S = 256_000
RTT_S = 0.300
CUT_EVERY = 64 * 1024
EVENTS_PER_DEMO_DOSSIER = 6.7


class CountingStore:
    """Wraps the register's sync store: records what the server acknowledged, and when."""

    def __init__(self, store: Any):
        self.store = store
        self.acked: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def mark_acked(self, uids: Sequence[str], at: str) -> None:
        self.store.mark_acked(uids, at)
        self.acked.update(uids)


class CountingTransport:
    """Wraps the HTTP transport: counts push batches, and re-sends of acknowledged events."""

    def __init__(self, transport: Any, store: CountingStore):
        self.transport = transport
        self.store = store
        self.batches = 0
        self.resent_after_ack = 0  # batches holding an event the client had an ack for
        self.sent: set[str] = set()
        self.resent_unacked = 0  # batches sent again because their answer was lost

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)

    def push(self, token: str, device_id: str, events: Sequence[dict[str, Any]]) -> Any:
        uids = {e["uid"] for e in events}
        self.batches += 1
        if uids & self.store.acked:
            self.resent_after_ack += 1
        elif uids & self.sent:
            self.resent_unacked += 1
        self.sent |= uids
        return self.transport.push(token, device_id, events)


def fill(reg: Any, events: int) -> None:
    """At least `events` pending events (deterministic demo dossiers) in an enrolled register."""
    from desktop.demo import fill_demo

    # Demo dossiers carry about 6.7 events each (receipt, book entries, lifecycle steps);
    # one call, because the demo closes past years' books when it is done.
    fill_demo(reg, max(10, round(events / EVENTS_PER_DEMO_DOSSIER)), seed=2026)


def run_case(name: str, server_url: str, admin: Any, folder: Path, events: int,
             cut_every: int | None) -> dict[str, Any]:
    """One device of a new office pushes `events` through the proxy; figures as a dict."""
    from keyrings.alt.file import PlaintextKeyring  # type: ignore[import-untyped]

    from desktop.register.syncstore import RegisterSyncStore
    from sync.client import HttpTransport, SyncEngine, enroll
    from sync.credentials import CredentialStore
    from tests.support.faultproxy import FaultProxy

    folder.mkdir(parents=True, exist_ok=True)
    os.environ["MOTCUA_HOME"] = str(folder)
    keyring = PlaintextKeyring()
    keyring.file_path = str(folder / "keyring.cfg")
    credentials = CredentialStore(keyring)
    from desktop.register.service import Register

    reg = Register.open(folder / "register.sqlite3", auto_backup=False)
    office = admin.add_office(1, 70, "000.00.01.H29").office_id
    rate = LINK_BITS_PER_S / 8
    proxy = FaultProxy(server_url, latency_s=RTT_S / 2, bandwidth=rate).start()
    try:
        base = RegisterSyncStore(reg)
        t = HttpTransport(proxy.url)
        enroll(base, t, credentials, admin.make_enroll_code(office)[0])
        t.close()
        fill(reg, events)  # after enrollment: the server's device slot numbers the volumes
        store = CountingStore(base)
        pending = store.pending_count()
        proxy.reset_counters()
        if cut_every:
            proxy.set(cut_every=cut_every)
        transport = CountingTransport(HttpTransport(proxy.url), store)
        engine = SyncEngine(store, transport, credentials, rng=random.Random(1))
        started = time.monotonic()
        runs, results = 0, []
        while runs < 50:
            runs += 1
            result = engine.run_once()
            results.append(result)
            if result.ok and store.pending_count() == 0:
                break
            # The periodic worker would wait next_delay(); a bench keeps that short.
            time.sleep(min(engine.next_delay(result), 5.0))
        wall = time.monotonic() - started
        stats = proxy.stats()
        transport.transport.close()
        link_s = stats.bytes_up / rate
        out: dict[str, Any] = {
            "case": name,
            "events": pending,
            "finished": store.pending_count() == 0,
            "runs": runs,
            "wall_s": round(wall, 1),
            "push_body_bytes": transport.bytes_sent,
            "compressed_bytes_per_event": round(transport.bytes_sent / max(1, pending), 1),
            "bytes_up": stats.bytes_up,
            "bytes_down": stats.bytes_down,
            "link_limited_s": round(link_s, 1),
            "wall_to_link_ratio": round(wall / link_s, 3) if link_s else None,
            "push_batches": transport.batches,
            "batches_resent_after_ack": transport.resent_after_ack,
            "batches_resent_answer_lost": transport.resent_unacked,
            "server_duplicates": sum(r.duplicates for r in results),
            "retries": sum(r.retries for r in results),
            "cuts": stats.cuts,
            "errors": sorted({r.error.code for r in results if r.error}),
        }
        return out
    finally:
        proxy.stop()
        reg.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync", description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--no-ingest", action="store_true",
                        help="skip the server ingest rates (bench.sync_server)")
    parser.add_argument("--cases", default="clean,cut",
                        help="which cases to run: clean, cut (comma-separated)")
    args = parser.parse_args(argv)

    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    from bench.sync_server import _open_store, database, server_process

    report: dict[str, Any] = {
        "benchmark": "sync over a weak link",
        "link": {"bits_per_s": LINK_BITS_PER_S, "rtt_s": RTT_S},
        "target_wall_to_link_ratio": 1.3,
        "cpu_count": os.cpu_count(),
        "cases": [],
    }
    with tempfile.TemporaryDirectory(prefix="motcua-bench-sync-") as tmp, \
            database("sqlite") as db_url:
        admin = _open_store(db_url)
        with server_process(db_url) as url:
            cases = args.cases.split(",")
            if "clean" in cases:
                report["cases"].append(run_case("clean link", url, admin, Path(tmp) / "clean",
                                                args.events, None))
                print(json.dumps(report["cases"][-1]), file=sys.stderr, flush=True)
            if "cut" in cases:
                report["cases"].append(run_case(f"cut every {CUT_EVERY} bytes", url, admin,
                                                Path(tmp) / "cut", args.events, CUT_EVERY))
                print(json.dumps(report["cases"][-1]), file=sys.stderr, flush=True)
    if not args.no_ingest:
        from bench.sync_server import ingest_rates

        report["server_ingest"] = ingest_rates(args.events, batches=(100, 500), devices=(1,))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
