"""Server ingest rate: events per second stored by a real `motcua-server run`, SQLite and PostgreSQL.

Each configuration starts a server process on 127.0.0.1 with an empty database, enrolls the
devices of one office, and pushes sealed events (register-like dossier payloads, gzip bodies)
as fast as the server acknowledges them, each device from its own thread. The rate is
acknowledged events / wall time. "store" rows call the same push code in-process (no HTTP),
to show what the database alone allows.

PostgreSQL: $MOTCUA_BENCH_PG_URL or $MOTCUA_TEST_PG_URL (tests/run.sh starts one); the bench
creates and drops a database of its own beside it. Without one, PostgreSQL is reported skipped.

Run: ``python -m bench.sync_server [--events 10000] [--batch 100 500] [--devices 1 4]``
Prints JSON. ``ingest_rates()`` gives the same figures to bench.sync.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from sync.protocol import API_PREFIX, GENESIS_HASH, PushRequest, event_hash

PG_ENVS = ("MOTCUA_BENCH_PG_URL", "MOTCUA_TEST_PG_URL")


def make_chain(device_id: str, n: int) -> list[dict[str, Any]]:
    """n sealed events of one device: dossier receipts shaped like the register's."""
    at = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
    prev = GENESIS_HASH
    out = []
    for seq in range(1, n + 1):
        at += timedelta(seconds=13)
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        event: dict[str, Any] = {
            "uid": str(uuid.uuid4()), "stream": str(uuid.uuid4()), "stream_type": "dossier",
            "kind": "dossier.received",
            "payload": {
                "code": f"000.00.01.H29-261116-{seq:04d}",
                "procedure_code": "marital_status_confirmation", "field_code": "hotich",
                "catalogue_version": "2026.1",
                "applicant": {"full_name": "Nguyễn Thị Ánh Tuyết", "id_number": "001198012345",
                              "phone": "0912345678", "address": f"Số {seq} phố Huế"},
                "documents": ["to_khai", "cccd", "giay_xac_nhan"],
                "received_at": stamp, "appointment_at": stamp, "fee_amount": 0,
                "fee_paid": False, "holder": "Bộ phận một cửa phường Hoàn Kiếm",
                "tracking_entry": str(uuid.uuid4()),
            },
            "actor": "canbo1", "channel": 1, "occurred_at": stamp,
            "hlc": f"{int(at.timestamp() * 1000):013d}.00000", "device_id": device_id,
            "device_seq": seq, "prev_hash": prev,
        }
        event["hash"] = prev = event_hash(event)
        out.append(event)
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_base() -> str | None:
    return next((os.environ[k] for k in PG_ENVS if os.environ.get(k)), None)


@contextmanager
def database(backend: str) -> Iterator[str]:
    """An empty database URL for one run (a temp SQLite file, or a new PostgreSQL database)."""
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
        try:
            yield f"sqlite:///{folder / 'server.sqlite3'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    base = _pg_base()
    assert base is not None
    conninfo = base.replace("postgresql+psycopg://", "postgresql://", 1)
    name = f"motcua_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def server_process(db_url: str) -> Iterator[str]:
    """A `motcua-server run` process on a free loopback port; yields its base URL."""
    exe = shutil.which("motcua-server", path=str(Path(sys.executable).parent))
    assert exe, "motcua-server is not installed (pip install -e .)"
    port = _free_port()
    home = Path(tempfile.mkdtemp(prefix="motcua-bench-home-"))
    env = {**os.environ, "MOTCUA_SERVER_HOME": str(home)}
    proc = subprocess.Popen([exe, "--log-level", "WARNING", "run", "--db", db_url, "--host",
                             "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("motcua-server did not start")
            try:
                requests.get(f"{url}{API_PREFIX}/status", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(home, ignore_errors=True)


def _open_store(db_url: str) -> Any:
    from sync.server.db import make_engine, migrate
    from sync.server.store import ServerStore

    engine = make_engine(db_url)
    migrate(engine)
    return ServerStore(engine)


def _enroll(store: Any, devices: int) -> list[tuple[str, Any]]:
    office = store.add_office(1, 70).office_id
    out = []
    for i in range(devices):
        code, _ = store.make_enroll_code(office, 1)
        answer = store.enroll({"code": code, "device_id": f"bench-{i}-{uuid.uuid4().hex[:8]}",
                               "device_name": "bench", "app_version": "bench"})
        out.append((answer.token, answer.device_id))
    return out


def _run_http(url: str, devices: list[tuple[str, str]], chains: list[list[dict[str, Any]]],
              batch: int) -> tuple[float, list[float], int]:
    bodies = [[gzip.compress(json.dumps({"device_id": dev, "events": chain[i:i + batch],
                                         "protocol": 1}, ensure_ascii=False).encode("utf-8"), 6)
               for i in range(0, len(chain), batch)]
              for (_, dev), chain in zip(devices, chains)]
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def work(token: str, device_bodies: list[bytes]) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                   "Content-Encoding": "gzip"}
        for body in device_bodies:
            started = time.perf_counter()
            answer = session.post(f"{url}{API_PREFIX}/push", data=body, headers=headers,
                                  timeout=120)
            spent = time.perf_counter() - started
            if answer.status_code != 200 or answer.json()["rejected"]:
                failures.append(answer.text[:200])
            with lock:
                latencies.append(spent)

    threads = [threading.Thread(target=work, args=(token, device_bodies))
               for (token, _), device_bodies in zip(devices, bodies)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"pushes failed: {failures[:3]}")
    return wall, latencies, sum(len(b) for bs in bodies for b in bs)


def measure(backend: str, events: int, batch: int, devices: int, *, http: bool = True
            ) -> dict[str, Any]:
    """One configuration: `events` in all, split over `devices` pushing at once."""
    per_device = events // devices
    with database(backend) as db_url:
        store = _open_store(db_url)
        enrolled = _enroll(store, devices)
        chains = [make_chain(dev, per_device) for _, dev in enrolled]
        total = per_device * devices
        row: dict[str, Any] = {"backend": backend, "mode": "http" if http else "store",
                               "devices": devices, "batch": batch, "events": total}
        if http:
            store.engine.dispose()
            with server_process(db_url) as url:
                wall, latencies, sent = _run_http(url, enrolled, chains, batch)
            latencies.sort()
            row.update(
                compressed_bytes_per_event=round(sent / total, 1),
                request_ms_p50=round(statistics.median(latencies) * 1000, 1),
                request_ms_p95=round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1))
        else:
            from sync.server.store import DeviceAuth

            office = store.devices()[0].office_id
            started = time.perf_counter()
            for (_, dev), chain in zip(enrolled, chains):
                auth = DeviceAuth(dev, office)
                for i in range(0, len(chain), batch):
                    result = store.push(auth, PushRequest(dev, chain[i:i + batch]))
                    assert not result.rejected
            wall = time.perf_counter() - started
            store.engine.dispose()
        row.update(seconds=round(wall, 2), events_per_s=round(total / wall))
        return row


def ingest_rates(events: int = 10_000, batches: Sequence[int] = (100, 500),
                 devices: Sequence[int] = (1, 4),
                 backends: Sequence[str] = ("sqlite", "postgresql")) -> dict[str, Any]:
    """The server's ingest figures as a JSON-ready dict (used by bench.sync as well)."""
    results: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for backend in backends:
        if backend == "postgresql" and _pg_base() is None:
            skipped[backend] = f"no PostgreSQL: set {' or '.join(PG_ENVS)}"
            continue
        for batch in batches:
            for n in devices:
                results.append(measure(backend, events, batch, n))
        results.append(measure(backend, events, max(batches), 1, http=False))
    summary = {
        backend: max((r["events_per_s"] for r in results
                      if r["backend"] == backend and r["mode"] == "http"), default=None)
        for backend in backends if backend not in skipped
    }
    return {"benchmark": "server ingest", "cpu_count": os.cpu_count(),
            "best_http_events_per_s": summary, "runs": results, "skipped": skipped}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--batch", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--devices", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    print(json.dumps(ingest_rates(args.events, args.batch, args.devices, args.backends),
                     ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
