"""The reference province server over HTTP: enrollment, push/pull, cursors, rules, OpenAPI.

Every test talks to a real `motcua-server run` process (SQLite, and PostgreSQL when
MOTCUA_TEST_PG_URL is set) with requests; events are sealed as the register seals them.
"""

# ruff: noqa: F811  (fixtures imported from server_fixtures are test arguments)

from __future__ import annotations

import time
import uuid
from pathlib import Path

import requests

from sync import protocol
from tests.support.server_fixtures import (  # noqa: F401  (fixtures)
    DeviceChain,
    ServerProcess,
    module_server,
    pull_all,
    push,
)

ROOT = Path(__file__).resolve().parents[2]


def enroll_with(server: ServerProcess, code: str, device_id: str | None = None,
                retry_key: str | None = None) -> requests.Response:
    body = {"code": code, "device_id": device_id or str(uuid.uuid4()), "device_name": "Máy 1",
            "app_version": "0.1.0", "protocol": 1}
    if retry_key is not None:
        body["retry_key"] = retry_key
    return requests.post(server.api("/enroll"), json=body, timeout=10)


def test_a_one_time_code_enrolls_one_device_and_only_once(module_server: ServerProcess
                                                           ) -> None:
    office = module_server.admin("add-office", 1, 70, "--agency-id", "000.00.01.h29"
                                 ).stdout.strip()
    code = module_server.admin("enroll-code", office).stdout.strip()
    first = enroll_with(module_server, code)
    assert first.status_code == 200, first.text
    answer = protocol.parse_enroll_response(first.json())
    assert answer.device_slot == 1
    assert answer.office.office_id == office
    assert (answer.office.province_code, answer.office.commune_code) == (1, 70)
    assert answer.office.agency_id == "000.00.01.H29"
    assert answer.office.name == "Bộ phận một cửa phường Hoàn Kiếm"
    assert len(answer.token) >= 40

    again = enroll_with(module_server, code)
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "enroll_code_invalid"
    wrong = enroll_with(module_server, "AAAA-BBBB-CCCC")
    assert wrong.json()["error"]["code"] == "enroll_code_invalid"

    # Typed by a person: case and dashes do not matter. A second PC gets the next slot.
    second = enroll_with(module_server, module_server.enroll_code(office).lower().replace("-", ""))
    assert second.status_code == 200, second.text
    assert second.json()["device_slot"] == 2


def test_a_used_code_answers_again_only_to_its_device_with_its_retry_key(
        module_server: ServerProcess) -> None:
    office = module_server.admin("add-office", 1, 70).stdout.strip()
    code = module_server.enroll_code(office)
    device = str(uuid.uuid4())
    first = enroll_with(module_server, code, device, retry_key="k" * 43)
    assert first.status_code == 200, first.text
    for other_device, key in ((device, "x" * 43), (device, None), (str(uuid.uuid4()), "k" * 43)):
        refused = enroll_with(module_server, code, other_device, retry_key=key)
        assert refused.json()["error"]["code"] == "enroll_code_invalid", (other_device, key)
    again = enroll_with(module_server, code, device, retry_key="k" * 43)
    assert again.status_code == 200, again.text
    assert again.json()["device_slot"] == first.json()["device_slot"]
    assert again.json()["token"] != first.json()["token"]
    old = requests.get(module_server.api("/status"), timeout=10,
                       headers={"Authorization": f"Bearer {first.json()['token']}"})
    new = requests.get(module_server.api("/status"), timeout=10,
                       headers={"Authorization": f"Bearer {again.json()['token']}"})
    assert (old.status_code, new.status_code) == (401, 200)
    assert enroll_with(module_server, code, device, retry_key="k" * 200).status_code == 400


def test_an_expired_code_is_refused(module_server: ServerProcess) -> None:
    office = module_server.add_office(1, 70)
    code = module_server.enroll_code(office, ttl_hours=0.0003)  # about one second
    time.sleep(1.3)
    answer = enroll_with(module_server, code)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "enroll_code_invalid"


def test_the_same_pc_enrolling_again_keeps_its_slot_and_loses_its_old_token(
        module_server: ServerProcess) -> None:
    office = module_server.add_office(1, 70)
    device = module_server.enroll(office)
    again = enroll_with(module_server, module_server.enroll_code(office), device.device_id)
    assert again.status_code == 200
    assert again.json()["device_slot"] == device.slot
    old = requests.get(module_server.api("/status"), headers=device.headers, timeout=10)
    assert old.status_code == 401
    new = requests.get(module_server.api("/status"),
                       headers={"Authorization": f"Bearer {again.json()['token']}"}, timeout=10)
    assert new.status_code == 200


def test_status_tells_the_office_the_epoch_and_both_heads(module_server: ServerProcess) -> None:
    office = module_server.add_office(1, 70)
    device = module_server.enroll(office)
    status = protocol.parse_status_response(requests.get(
        module_server.api("/status"), headers=device.headers, timeout=10).json())
    assert (status.office_id, status.device_id) == (office, device.device_id)
    assert (status.device_head, status.head, status.protocol) == (0, 0, 1)
    assert len(status.epoch) == 16
    chain = DeviceChain(device.device_id)
    assert push(module_server, device, chain.batch(5)).status_code == 200
    after = protocol.parse_status_response(requests.get(
        module_server.api("/status"), headers=device.headers, timeout=10).json())
    assert after.device_head == 5
    assert after.head > 0
    assert after.epoch == status.epoch


def test_pushed_events_reach_the_other_devices_of_the_office_unchanged(
        module_server: ServerProcess) -> None:
    office = module_server.add_office(1, 70)
    a, b = module_server.enroll(office), module_server.enroll(office)
    chain_a, chain_b = DeviceChain(a.device_id), DeviceChain(b.device_id)
    sent_a = chain_a.batch(30)
    # A logbook volume stream and an event with channel null travel as well.
    sent_a.append(chain_a.event(stream_type="volume", kind="volume.opened",
                                payload={"book_kind": "KS", "year": 2026, "number": 1},
                                channel=None))
    answer = push(module_server, a, sent_a)
    assert answer.status_code == 200, answer.text
    result = protocol.parse_push_response(answer.json())
    assert sorted(result.accepted) == sorted(e["uid"] for e in sent_a)
    assert (result.duplicates, result.rejected, result.device_head) == ([], [], 31)
    sent_b = chain_b.batch(4)
    assert push(module_server, b, sent_b).status_code == 200

    got_b, _ = pull_all(module_server, b, limit=7)  # several pages
    assert got_b == sent_a  # in arrival order, every field as sealed, none of b's own
    got_a, cursor_a = pull_all(module_server, a)
    assert got_a == sent_b
    for event in got_a + got_b:
        protocol.validate_event(event)

    # Nothing new: the same cursor gives nothing, and it does not move.
    again = requests.get(module_server.api("/pull"), params={"cursor": cursor_a},
                         headers=a.headers, timeout=10).json()
    assert again["events"] == [] and again["more"] is False and again["cursor"] == cursor_a
    more = chain_b.batch(3)
    push(module_server, b, more)
    later = protocol.parse_pull_response(requests.get(
        module_server.api("/pull"), params={"cursor": cursor_a}, headers=a.headers,
        timeout=10).json())
    assert later.events == more


def test_pushing_the_same_events_again_stores_nothing_twice(module_server: ServerProcess
                                                             ) -> None:
    office = module_server.add_office(1, 70)
    a, b = module_server.enroll(office), module_server.enroll(office)
    chain = DeviceChain(a.device_id)
    first = chain.batch(20)
    push(module_server, a, first[:12])
    # The answer to the first push was lost: the client sends an overlapping batch again.
    answer = protocol.parse_push_response(push(module_server, a, first).json())
    assert sorted(answer.duplicates) == sorted(e["uid"] for e in first[:12])
    assert sorted(answer.accepted) == sorted(e["uid"] for e in first[12:])
    assert answer.device_head == 20
    replay = protocol.parse_push_response(push(module_server, a, first).json())
    assert (replay.accepted, len(replay.duplicates), replay.device_head) == ([], 20, 20)
    got, _ = pull_all(module_server, b)
    assert [e["uid"] for e in got] == [e["uid"] for e in first]


def test_an_event_that_breaks_the_device_chain_is_rejected_as_conflict(
        module_server: ServerProcess) -> None:
    office = module_server.add_office(1, 70)
    a = module_server.enroll(office)
    chain = DeviceChain(a.device_id)
    push(module_server, a, chain.batch(3))
    # A register restored from an old backup seals a different event under seq 3.
    fork = DeviceChain(a.device_id, seq=2, prev_hash="1" * 64)
    answer = protocol.parse_push_response(push(module_server, a, [fork.event()]).json())
    assert [r.code for r in answer.rejected] == ["conflict"]
    # A same-uid event with different content is not a duplicate either.
    tampered = dict(chain.event())
    push(module_server, a, [tampered])
    tampered["payload"] = {**tampered["payload"], "fee_amount": 1}
    tampered["hash"] = protocol.event_hash(tampered)
    answer = protocol.parse_push_response(push(module_server, a, [tampered]).json())
    assert [r.code for r in answer.rejected] == ["conflict"]
    assert answer.device_head == 4


def test_a_gap_in_the_device_chain_holds_device_head_back(module_server: ServerProcess) -> None:
    office = module_server.add_office(1, 70)
    a = module_server.enroll(office)
    events = DeviceChain(a.device_id).batch(6)
    answer = protocol.parse_push_response(push(module_server, a, events[:2] + events[3:]).json())
    assert answer.device_head == 2
    answer = protocol.parse_push_response(push(module_server, a, [events[2]]).json())
    assert answer.device_head == 6


def test_a_cursor_from_another_history_starts_the_pull_over(module_server: ServerProcess
                                                            ) -> None:
    office = module_server.add_office(1, 70)
    a, b = module_server.enroll(office), module_server.enroll(office)
    sent = DeviceChain(a.device_id).batch(5)
    push(module_server, a, sent)
    _, cursor = pull_all(module_server, b)
    epoch, seq, check = cursor.split(":")
    for foreign in (f"0123456789abcdef:{seq}:{check}",  # another server's epoch
                    f"{epoch}:{seq}:ffffffffffff",  # the event at seq is not the same one
                    f"{epoch}:{int(seq) + 10_000}:{check}"):  # beyond the head (restored)
        got, _ = pull_all(module_server, b, cursor=foreign)
        assert got == sent, foreign
    bad = requests.get(module_server.api("/pull"), params={"cursor": "not a cursor"},
                       headers=b.headers, timeout=10)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_request"


def test_published_catalogue_and_calendar_come_with_rules(module_server: ServerProcess) -> None:
    office = module_server.add_office(1, 70)
    device = module_server.enroll(office)
    before = requests.get(module_server.api("/rules"), headers=device.headers, timeout=10).json()
    module_server.admin("publish-catalogue", ROOT / "resources/catalogue/catalogue-2026.1.json")
    module_server.admin("publish-calendar", ROOT / "resources/calendar/vn-2026.json")
    rules = protocol.parse_rules_response(requests.get(
        module_server.api("/rules"), params={"since": before["since"]}, headers=device.headers,
        timeout=10).json())
    assert [c["version"] for c in rules.catalogues] == ["2026.1"]
    assert len(rules.catalogues[0]["procedures"]) > 5
    assert {"date": "2026-01-02", "kind": "off"}.items() <= rules.calendars[0].items()
    assert set(rules.calendars[0]) == {"date", "kind", "reason", "source"}
    assert len(rules.calendars) == 3
    assert int(rules.since) > int(before["since"])
    nothing = requests.get(module_server.api("/rules"), params={"since": rules.since},
                           headers=device.headers, timeout=10).json()
    assert (nothing["catalogues"], nothing["calendars"]) == ([], [])


def test_a_bad_publication_is_refused_by_the_admin_command(module_server: ServerProcess,
                                                           tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"overrides": [{"date": "2026-13-01", "kind": "off", "reason": "x"}]}')
    result = module_server.admin("publish-calendar", bad, check=False)
    assert result.returncode == 1 and "overrides[0].date" in result.stderr
    result = module_server.admin("publish-catalogue", bad, check=False)
    assert result.returncode == 1 and "format" in result.stderr


def test_the_openapi_schema_describes_every_endpoint(module_server: ServerProcess) -> None:
    schema = requests.get(f"{module_server.url}/openapi.json", timeout=10).json()
    paths = schema["paths"]
    for path, method in (("enroll", "post"), ("status", "get"), ("push", "post"),
                         ("pull", "get"), ("rules", "get")):
        assert method in paths[f"{protocol.API_PREFIX}/{path}"], path
    push_doc = paths[f"{protocol.API_PREFIX}/push"]["post"]
    assert "application/json" in push_doc["requestBody"]["content"]
    assert {"HTTPBearer"} <= set(schema["components"]["securitySchemes"])
    assert "PullResponse" in schema["components"]["schemas"]


def test_unknown_paths_answer_with_the_error_body(module_server: ServerProcess) -> None:
    answer = requests.get(module_server.api("/nothing"), timeout=10)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "bad_request"


def test_enroll_refuses_malformed_requests(module_server: ServerProcess) -> None:
    office = module_server.add_office(1, 70)
    code = module_server.enroll_code(office)
    cases = [
        ({"code": code, "device_id": "x" * 65, "device_name": "a", "app_version": "1"},
         "bad_request"),
        ({"code": code, "device_id": "agency:00070", "device_name": "a", "app_version": "1"},
         "bad_request"),
        ({"code": code, "device_id": "d1", "device_name": "a", "app_version": "1",
          "protocol": 99}, "unsupported_protocol"),
        (["not", "an", "object"], "bad_request"),
    ]
    for body, error in cases:
        answer = requests.post(module_server.api("/enroll"), json=body, timeout=10)
        assert answer.status_code == 400, body
        assert answer.json()["error"]["code"] == error, body
    # None of them used the code up.
    assert enroll_with(module_server, code).status_code == 200

