"""Security of the province server: office isolation on every endpoint, tokens, bad bodies.

A real server process (SQLite and PostgreSQL); every refusal is checked for its status, its
error body, and that nothing was stored.
"""

# ruff: noqa: F811  (fixtures imported from server_fixtures are test arguments)

from __future__ import annotations

import gzip
import json
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, inspect, text

from sync import protocol
from tests.support.server_fixtures import (  # noqa: F401  (fixtures)
    Device,
    DeviceChain,
    ServerProcess,
    module_server,
    pull_all,
    push,
)


def status_of(server: ServerProcess, device: Device) -> protocol.StatusResponse:
    answer = requests.get(server.api("/status"), headers=device.headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return protocol.parse_status_response(answer.json())


def error_code(answer: requests.Response) -> str:
    body = answer.json()
    assert set(body["error"]) == {"code", "message_vi", "message_en"}
    return str(body["error"]["code"])


@pytest.fixture
def two_offices(module_server: ServerProcess) -> tuple[Device, Device, Device]:
    """Office A (phường Hoàn Kiếm, Hà Nội) with one device, office B (another ward) with two."""
    office_a = module_server.add_office(1, 70)
    office_b = module_server.add_office(1, 4)
    return (module_server.enroll(office_a), module_server.enroll(office_b),
            module_server.enroll(office_b))


def test_a_device_of_office_a_cannot_write_office_b_dossiers(
        module_server: ServerProcess, two_offices: tuple[Device, Device, Device]) -> None:
    a, b, b2 = two_offices
    chain_a, chain_b = DeviceChain(a.device_id), DeviceChain(b.device_id)
    sent_b = chain_b.batch(3)
    assert push(module_server, b, sent_b).status_code == 200
    head_b = status_of(module_server, b2).head

    # A's own event on B's dossier stream.
    intrusion = chain_a.event(stream=sent_b[0]["stream"], kind="dossier.processed",
                              payload={"outcome": "rejected", "note": ""})
    answer = protocol.parse_push_response(push(module_server, a, [intrusion]).json())
    assert [(r.uid, r.code) for r in answer.rejected] == [(intrusion["uid"], "forbidden")]
    assert answer.accepted == [] and answer.device_head == 0
    # B's device's event, carried by A (a copied register, a stolen event).
    forged = DeviceChain(b.device_id, seq=3, prev_hash=sent_b[-1]["hash"]).event()
    answer = protocol.parse_push_response(push(module_server, a, [forged]).json())
    assert [r.code for r in answer.rejected] == ["forbidden"]
    # A request in B's device's name with A's token.
    answer_raw = push(module_server, a, [forged], device_id=b.device_id)
    assert answer_raw.status_code == 403 and error_code(answer_raw) == "forbidden"
    # Re-sending B's own events with A's token does not acknowledge them to A either.
    answer = protocol.parse_push_response(push(module_server, a, sent_b[:1]).json())
    assert answer.duplicates == [] and [r.code for r in answer.rejected] == ["forbidden"]

    got_b2, _ = pull_all(module_server, b2)
    assert got_b2 == sent_b  # nothing of A reached office B
    assert status_of(module_server, b2).head == head_b
    assert status_of(module_server, a).device_head == 0


def test_a_device_of_office_a_cannot_read_office_b_data(
        module_server: ServerProcess, two_offices: tuple[Device, Device, Device]) -> None:
    a, b, b2 = two_offices
    sent_b = DeviceChain(b.device_id).batch(4)
    push(module_server, b, sent_b)
    sent_a = DeviceChain(a.device_id).batch(2)
    push(module_server, a, sent_a)

    got_a, _ = pull_all(module_server, a)
    assert got_a == []  # A's only device: nothing but office B's events exist for others
    # B's cursor, replayed by A, starts A over in its own office: never B's events.
    _, cursor_b = pull_all(module_server, b2)
    got, _ = pull_all(module_server, a, cursor=cursor_b)
    assert got == []
    status_a = status_of(module_server, a)
    assert status_a.office_id != status_of(module_server, b).office_id
    assert status_a.device_head == 2
    # The office head of A counts only A's events: a fresh device of A sees exactly them.
    a2 = module_server.enroll(status_a.office_id)
    got_a2, _ = pull_all(module_server, a2)
    assert got_a2 == sent_a
    # A device of A cannot move itself into office B with B's code.
    move = requests.post(module_server.api("/enroll"), json={
        "code": module_server.enroll_code(status_of(module_server, b).office_id),
        "device_id": a.device_id, "device_name": "x", "app_version": "1"}, timeout=10)
    assert move.status_code == 409 and error_code(move) == "conflict"


def test_the_agency_command_cannot_touch_another_office_dossier(
        module_server: ServerProcess, two_offices: tuple[Device, Device, Device]) -> None:
    a, b, _ = two_offices
    sent_b = DeviceChain(b.device_id).batch(1)
    push(module_server, b, sent_b)
    result = module_server.admin("agency-event", sent_b[0]["stream"], "--office", a.office_id,
                                 "--kind", "processed", "--unit", "Công an xã", "--outcome",
                                 "approved", check=False)
    assert result.returncode == 1 and "another office" in result.stderr


ENDPOINTS = [("get", "/status", {}), ("get", "/pull", {}), ("get", "/rules", {}),
             ("post", "/push", {"data": b'{"device_id": "x", "events": []}',
                                "headers": {"Content-Type": "application/json"}})]


def call(server: ServerProcess, method: str, path: str, kwargs: dict, headers: dict
         ) -> requests.Response:
    all_headers = {**kwargs.get("headers", {}), **headers}
    return requests.request(method, server.api(path), data=kwargs.get("data"),
                            headers=all_headers, timeout=10)


def test_every_endpoint_refuses_a_missing_or_wrong_token(module_server: ServerProcess) -> None:
    for method, path, kwargs in ENDPOINTS:
        for headers in ({}, {"Authorization": "Bearer " + "x" * 43},
                        {"Authorization": "Basic dXNlcjpwYXNz"}):
            answer = call(module_server, method, path, kwargs, headers)
            assert answer.status_code == 401, (path, headers)
            assert error_code(answer) == "unauthorized", (path, headers)


def test_a_revoked_token_is_refused_everywhere(module_server: ServerProcess) -> None:
    office = module_server.add_office(1, 70)
    device = module_server.enroll(office)
    assert status_of(module_server, device).device_id == device.device_id
    result = module_server.admin("revoke", device.device_id)
    assert "revoked" in result.stdout
    for method, path, kwargs in ENDPOINTS:
        answer = call(module_server, method, path, kwargs, device.headers)
        assert answer.status_code == 401, path
        assert error_code(answer) == "revoked", path
    again = requests.post(module_server.api("/enroll"), json={
        "code": module_server.enroll_code(office), "device_id": device.device_id,
        "device_name": "x", "app_version": "1"}, timeout=10)
    assert again.status_code == 401 and error_code(again) == "revoked"
    # Its slot is not handed to the next PC: codes numbered under it stay unique.
    assert module_server.enroll(office).slot == device.slot + 1


def _all_text(db_url: str) -> str:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            parts = []
            for table in inspect(conn).get_table_names():
                for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                    parts.append(" ".join(str(v) for v in row))
            return "\n".join(parts)
    finally:
        engine.dispose()


def test_tokens_and_enrollment_codes_are_stored_only_hashed(module_server: ServerProcess
                                                            ) -> None:
    office = module_server.add_office(1, 70)
    code = module_server.admin("enroll-code", office).stdout.strip()
    answer = requests.post(module_server.api("/enroll"), json={
        "code": code, "device_id": str(uuid.uuid4()), "device_name": "x", "app_version": "1"},
        timeout=10)
    token = answer.json()["token"]
    device = Device(token, answer.json()["device_id"], 1, office)
    push(module_server, device, DeviceChain(device.device_id).batch(2))
    stored = _all_text(module_server.db_url)
    raw_code = code.replace("-", "")
    assert token not in stored and raw_code not in stored and code not in stored
    import hashlib

    assert hashlib.sha256(token.encode()).hexdigest() in stored  # what is kept instead
    if module_server.db_url.startswith("sqlite:///"):
        path = Path(module_server.db_url.removeprefix("sqlite:///"))
        for file in (path, Path(f"{path}-wal")):
            if file.exists():
                data = file.read_bytes()
                assert token.encode() not in data and raw_code.encode() not in data
    log = module_server.log_text()
    assert token not in log and raw_code not in log and code not in log


def _post_push(server: ServerProcess, device: Device, body: bytes,
               headers: dict[str, str] | None = None) -> requests.Response:
    base = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    return requests.post(server.api("/push"), data=body, timeout=30,
                         headers={**device.headers, **base, **(headers or {})})


def test_malformed_push_bodies_are_refused_and_store_nothing(module_server: ServerProcess
                                                             ) -> None:
    office = module_server.add_office(1, 70)
    device, other = module_server.enroll(office), module_server.enroll(office)
    chain = DeviceChain(device.device_id)
    events = chain.batch(50)
    good = json.dumps({"device_id": device.device_id, "events": events}).encode()
    packed = gzip.compress(good)
    bad_hash = [dict(e) for e in events]
    bad_hash[7]["payload"] = {"changed": True}
    too_many = chain.batch(protocol.MAX_PUSH_EVENTS + 1)
    huge_json = json.dumps({"device_id": device.device_id, "events": events,
                            "padding": "x" * (protocol.MAX_PUSH_BYTES + 10)}).encode()

    def gz(obj: object) -> bytes:
        return gzip.compress(json.dumps(obj).encode())

    def resealed(**changes: object) -> list[dict]:
        event = {**events[0], **changes}
        event["hash"] = protocol.event_hash(event)
        return [event]

    cases = [
        ("truncated gzip", packed[: len(packed) // 2], {}, 400, "bad_request"),
        ("gzip cut before its trailer", packed[:-4], {}, 400, "bad_request"),
        ("not gzip at all", good, {}, 400, "bad_request"),
        ("bad JSON", gzip.compress(good[:-10]), {}, 400, "bad_request"),
        ("not UTF-8", gzip.compress(b'{"device_id": "\xff\xfe"}'), {}, 400, "bad_request"),
        ("wrong content type", packed, {"Content-Type": "text/plain"}, 400, "bad_request"),
        ("form content type", packed, {"Content-Type": "application/x-www-form-urlencoded"},
         400, "bad_request"),
        ("unknown encoding", packed, {"Content-Encoding": "br"}, 400, "bad_request"),
        ("a list, not an object", gz(events), {}, 400, "bad_request"),
        ("an event failing its hash", gz({"device_id": device.device_id, "events": bad_hash}),
         {}, 400, "bad_request"),
        ("an event lacking fields", gz({"device_id": device.device_id,
                                        "events": [{"uid": "x"}]}), {}, 400, "bad_request"),
        ("a device_seq no column holds", gz({"device_id": device.device_id,
                                             "events": resealed(device_seq=2**63)}), {}, 400,
         "bad_request"),
        ("a NUL in a text field", gz({"device_id": device.device_id,
                                      "events": resealed(actor="can\x00bo")}), {}, 400,
         "bad_request"),
        ("unsupported protocol", gz({"device_id": device.device_id, "events": events,
                                     "protocol": 2}), {}, 400, "unsupported_protocol"),
        ("too many events", gz({"device_id": device.device_id, "events": too_many}), {}, 413,
         "too_large"),
        ("over the size limit once inflated", gzip.compress(huge_json), {}, 413, "too_large"),
        ("over the size limit as sent", huge_json, {"Content-Encoding": "identity"}, 413,
         "too_large"),
    ]
    for name, body, headers, status, code in cases:
        answer = _post_push(module_server, device, body, headers)
        assert answer.status_code == status, (name, answer.status_code, answer.text[:200])
        assert error_code(answer) == code, name
    assert status_of(module_server, device).device_head == 0
    assert status_of(module_server, device).head == status_of(module_server, other).head
    got, _ = pull_all(module_server, other)
    assert got == []
    # The same batch, well formed, goes through: the refusals left no trace behind.
    answer = _post_push(module_server, device, packed)
    assert answer.status_code == 200 and len(answer.json()["accepted"]) == 50
