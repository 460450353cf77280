"""SIGKILL the server in the middle of a large push, again and again: each batch is whole or absent.

The server half of the kill tests: after each kill the server restarts on the same database;
the batch must be stored completely or not at all, and pushing it again completes it.
"""

# ruff: noqa: F811  (fixtures imported from server_fixtures are test arguments)

from __future__ import annotations

import gzip
import json
import random
import threading
import time
from collections import Counter
from typing import Any

import pytest
import requests
from sqlalchemy import bindparam, create_engine, text

from sync import protocol
from tests.support.server_fixtures import (  # noqa: F401  (fixtures)
    Device,
    DeviceChain,
    ServerProcess,
    pull_all,
    push,
    server,
)

KILLS = 20
BATCH = protocol.MAX_PUSH_EVENTS


def stored_count(db_url: str, uids: list[str]) -> tuple[int, int]:
    """(events of `uids` in the database, the device head column), read beside the server."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            count = conn.execute(
                text("SELECT count(*) FROM events WHERE uid IN :uids")
                .bindparams(bindparam("uids", expanding=True)), {"uids": uids}).scalar()
            heads = conn.execute(text("SELECT max(head_seq) FROM devices")).scalar()
            return int(count or 0), int(heads or 0)
    finally:
        engine.dispose()


def gzip_body(device: Device, events: list[dict[str, Any]]) -> bytes:
    return gzip.compress(json.dumps({"device_id": device.device_id, "events": events,
                                     "protocol": 1}).encode("utf-8"))


def post_body(server: ServerProcess, device: Device, body: bytes, outcome: dict[str, Any]
              ) -> None:
    try:
        answer = requests.post(server.api("/push"), data=body, timeout=60, headers={
            **device.headers, "Content-Type": "application/json", "Content-Encoding": "gzip"})
        outcome["status"] = answer.status_code
    except requests.RequestException as exc:
        outcome["error"] = type(exc).__name__


@pytest.mark.slow
def test_a_server_killed_during_a_push_keeps_the_whole_batch_or_none_of_it(
        server: ServerProcess) -> None:
    office = server.add_office(1, 70)
    device, reader = server.enroll(office), server.enroll(office)
    chain = DeviceChain(device.device_id)
    pushed = chain.batch(BATCH)
    started = time.monotonic()
    assert push(server, device, pushed).status_code == 200
    duration = time.monotonic() - started
    rng = random.Random(20261123)
    outcomes: Counter[str] = Counter()
    for round_ in range(KILLS):
        batch = chain.batch(BATCH)
        body = gzip_body(device, batch)
        outcome: dict[str, Any] = {}
        sender = threading.Thread(target=post_body, args=(server, device, body, outcome))
        sender.start()
        time.sleep(rng.uniform(0.05, 1.1) * duration)
        server.kill()
        sender.join(60)
        count, head = stored_count(server.db_url, [e["uid"] for e in batch])
        assert count in (0, BATCH), f"round {round_}: {count} of {BATCH} events stored"
        assert head == len(pushed) + count, f"round {round_}: head {head} disagrees"
        if outcome.get("status") == 200:
            assert count == BATCH, f"round {round_}: acknowledged but not stored"
        outcomes["whole" if count else "none"] += 1

        server.start()
        answer = push(server, device, batch)
        assert answer.status_code == 200, answer.text
        result = protocol.parse_push_response(answer.json())
        assert result.rejected == []
        assert len(result.accepted) == BATCH - count and len(result.duplicates) == count
        pushed += batch
        assert result.device_head == len(pushed)

    got, _ = pull_all(server, reader)
    assert [e["uid"] for e in got] == [e["uid"] for e in pushed]  # all, once, in order
    assert got == pushed
    print(f"{server.db_url.split(':')[0]}: after {KILLS} kills, batches found "
          f"{dict(outcomes)}; a push of {BATCH} events took {duration:.2f}s")
