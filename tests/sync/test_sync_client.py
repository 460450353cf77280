"""The sync engine's stages, retries and values, on real register files and a real keyring
backend in a temporary folder, against an in-memory server that speaks sync.protocol."""

# ruff: noqa: F811  (fixtures imported from other test modules are test arguments)

from __future__ import annotations

import base64
import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop.register.syncstore import RegisterSyncStore
from sync.client import (
    HttpTransport,
    Progress,
    RetryPolicy,
    Stage,
    SyncEngine,
    SyncError,
    _retry_after,
    enroll,
    normalise_url,
    user_agent,
)
from sync.credentials import CredentialStore
from tests.conftest import FixedClock
from tests.sync.test_sync_client_support import (  # noqa: F401 (fixtures)
    FakeServer,
    FakeTransport,
    add_dossiers,
    credentials,
    enrolled_store,
    keyring_backend,
    make_register,
    register_uids,
)

FAST = RetryPolicy(attempts=4, base_s=0.01, cap_s=0.05)


class Sleeps(list):
    """Records the delays the engine asked for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def transport(server: FakeServer) -> FakeTransport:
    return FakeTransport(server)


@pytest.fixture
def reg(home: Path, clock: FixedClock) -> Any:
    r = make_register(home / "a.sqlite3", clock)
    yield r
    r.close()


@pytest.fixture
def store(reg: Any, server: FakeServer, transport: FakeTransport,
          credentials: CredentialStore) -> RegisterSyncStore:
    return enrolled_store(reg, server, transport, credentials)


def engine(store: RegisterSyncStore, transport: FakeTransport, credentials: CredentialStore,
           sleeps: Sleeps | None = None, **kw: Any) -> SyncEngine:
    kw.setdefault("policy", FAST)
    return SyncEngine(store, transport, credentials, sleep=sleeps if sleeps is not None
                      else Sleeps(), rng=random.Random(7), **kw)


def test_a_run_pushes_every_pending_event_in_batches_and_only_the_answer_acknowledges(
        reg: Any, clock: FixedClock, store: RegisterSyncStore, server: FakeServer,
        transport: FakeTransport, credentials: CredentialStore) -> None:
    add_dossiers(reg, clock, 60)
    pending = store.pending_count()
    assert pending >= 120
    progress: list[Progress] = []
    eng = engine(store, transport, credentials, on_progress=progress.append, push_batch=50)
    result = eng.run_once()
    assert result.ok and result.stage is Stage.DONE and result.error is None
    assert result.pushed == pending and result.pending == 0 and store.pending_count() == 0
    assert sorted(server.uids()) == sorted(register_uids(reg.path))
    assert server.pushes >= 2  # in batches, the first of 50
    stages = [p.stage for p in progress]
    for a, b in zip([Stage.STATUS, Stage.CLOCK, Stage.CHECK, Stage.PUSH, Stage.PULL,
                     Stage.RULES, Stage.FINISH], [Stage.CLOCK, Stage.CHECK, Stage.PUSH,
                                                  Stage.PULL, Stage.RULES, Stage.FINISH,
                                                  Stage.DONE]):
        assert stages.index(a) < stages.index(b)
    assert store.get_state("last_success") == result.server_time
    assert store.get_state("last_error") is None


def test_an_answer_lost_after_the_server_stored_the_batch_is_sent_again_as_duplicates(
        reg: Any, clock: FixedClock, store: RegisterSyncStore, server: FakeServer,
        transport: FakeTransport, credentials: CredentialStore) -> None:
    add_dossiers(reg, clock, 10)
    pending = store.pending_count()
    transport.fail_only = "push"
    transport.fail_after = [SyncError("connection_lost", transient=True)] * 10
    result = engine(store, transport, credentials).run_once()
    assert not result.ok and result.stage is Stage.PUSH
    assert result.error and result.error.code == "connection_lost" and result.error.transient
    assert store.pending_count() == pending  # nothing acknowledged without an answer
    assert len(server.log) == pending  # but the server has them
    transport.fail_after = []
    again = engine(store, transport, credentials).run_once()
    assert again.ok and again.pushed == pending and again.duplicates == pending
    assert len(server.log) == len(set(server.uids())) == pending


def test_transient_errors_are_retried_with_jittered_backoff_within_a_bounded_count(
        reg: Any, clock: FixedClock, store: RegisterSyncStore, transport: FakeTransport,
        credentials: CredentialStore) -> None:
    add_dossiers(reg, clock, 2)
    sleeps = Sleeps()
    policy = RetryPolicy(attempts=5, base_s=1.0, cap_s=3.0)
    transport.fail_only = "status"
    transport.fail_before = [SyncError("server_error", transient=True, status=500)] * 3
    result = engine(store, transport, credentials, sleeps, policy=policy).run_once()
    assert result.ok and result.retries == 3
    assert len(sleeps) == 3
    for n, delay in enumerate(sleeps):
        assert 0 <= delay <= min(3.0, 1.0 * 2 ** n)
    transport.fail_before = [SyncError("stall", transient=True)] * 5
    sleeps.clear()
    failed = engine(store, transport, credentials, sleeps, policy=policy).run_once()
    assert not failed.ok and failed.error and failed.error.code == "stall"
    assert failed.stage is Stage.STATUS and len(sleeps) == 4  # 5 tries, 4 waits
    assert "treo" in failed.message("vi") and "stalled" in failed.message("en")
    saved = json.loads(store.get_state("last_error") or "{}")
    assert saved["code"] == "stall" and saved["stage"] == "status"


def test_retry_after_is_honoured_and_a_long_one_is_left_to_the_next_run(
        reg: Any, clock: FixedClock, store: RegisterSyncStore, transport: FakeTransport,
        credentials: CredentialStore) -> None:
    add_dossiers(reg, clock, 2)
    sleeps = Sleeps()
    transport.fail_only = "push"
    transport.fail_before = [SyncError("rate_limited", transient=True, status=429,
                                       retry_after=7.0)]
    eng = engine(store, transport, credentials, sleeps)
    assert eng.run_once().ok
    assert sleeps == [7.0]
    transport.fail_before = [SyncError("unavailable", transient=True, status=503,
                                       retry_after=900.0)]
    add_dossiers(reg, clock, 1)
    result = eng.run_once()
    assert not result.ok and result.error and result.error.retry_after == 900.0
    assert eng.next_delay(result) >= 900.0


def test_next_delay_backs_off_exponentially_with_full_jitter_up_to_a_cap(
        store: RegisterSyncStore, transport: FakeTransport,
        credentials: CredentialStore) -> None:
    policy = RetryPolicy(attempts=1, base_s=2.0, cap_s=240.0, periodic_s=300.0)
    eng = engine(store, transport, credentials, policy=policy)
    transport.fail_only = "status"
    delays = []
    for _ in range(12):
        transport.fail_before = [SyncError("unreachable", transient=True)]
        result = eng.run_once()
        assert not result.ok
        delays.append(eng.next_delay(result))
    assert all(0 <= d <= 240.0 for d in delays)
    assert all(d <= 2.0 * 2 ** n for n, d in enumerate(delays, start=1))
    assert max(delays) > 20  # it does grow
    ok = eng.run_once()
    assert ok.ok and eng.failures == 0 and eng.next_delay(ok) == 300.0
    transport.fail_before = [SyncError("revoked", transient=False, status=401)]
    revoked = eng.run_once()
    assert revoked.error and not revoked.error.transient
    assert eng.next_delay(revoked) == policy.permanent_s


def test_a_server_restored_from_an_older_backup_gets_what_it_lost_pushed_again(
        reg: Any, clock: FixedClock, store: RegisterSyncStore, server: FakeServer,
        transport: FakeTransport, credentials: CredentialStore) -> None:
    add_dossiers(reg, clock, 20)
    assert engine(store, transport, credentials).run_once().ok
    total = len(server.log)
    server.restore(keep=11)
    result = engine(store, transport, credentials).run_once()
    assert result.ok and result.regression
    assert result.pushed == total - 11
    assert any(w.code == "server_regression" for w in result.warnings)
    assert sorted(server.uids()) == sorted(register_uids(reg.path))
    assert len(server.log) == total


def test_a_cursor_from_another_history_pulls_again_from_the_start(
        home: Path, clock: FixedClock, reg: Any, store: RegisterSyncStore,
        server: FakeServer, transport: FakeTransport, credentials: CredentialStore) -> None:
    other = make_register(home / "b.sqlite3", clock, slot=2)
    try:
        other_store = enrolled_store(other, server, transport, credentials)
        add_dossiers(other, clock, 10)
        assert engine(other_store, transport, credentials).run_once().ok
        first = engine(store, transport, credentials).run_once()
        assert first.ok and first.pulled == len(server.log)
        saved = json.loads(store.get_state("cursor") or "{}")
        assert saved["epoch"] == server.epoch and saved["head"] == len(server.log)
        server.restore(keep=4, new_epoch="epoch-2")  # the other device's later events lost
        add_dossiers(other, clock, 2, start=10)
        again = engine(store, transport, credentials).run_once()
        assert again.ok and again.regression
        # The other device has not re-pushed yet: only its new events arrive (the rest is
        # already here), and the cursor now belongs to the new history.
        assert json.loads(store.get_state("cursor") or "{}")["epoch"] == "epoch-2"
        assert engine(other_store, transport, credentials).run_once().ok
        assert engine(store, transport, credentials).run_once().ok
        assert set(register_uids(reg.path)) == set(register_uids(other.path))
    finally:
        other.close()


def test_a_pc_clock_days_off_is_reported_and_sync_goes_on(
        home: Path, server: FakeServer, transport: FakeTransport,
        credentials: CredentialStore, clock: FixedClock) -> None:
    wrong = FixedClock(clock.now - timedelta(days=3, hours=2))
    server.clock = lambda: clock.now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    reg = make_register(home / "wrong.sqlite3", wrong)
    try:
        store = enrolled_store(reg, server, transport, credentials)
        add_dossiers(reg, wrong, 3)
        result = engine(store, transport, credentials, clock=reg.clock).run_once()
        assert result.ok and result.pushed == store.acked_head()
        expected = (wrong.now - clock.now).total_seconds()  # about -3 days 2 hours
        assert result.clock_skew_s == pytest.approx(expected, abs=5)
        warning = next(w for w in result.warnings if w.code == "clock_skew")
        assert "chậm 3.1 ngày" in warning.message_vi and "behind" in warning.message_en
    finally:
        reg.close()


def test_without_a_token_the_run_says_the_pc_is_not_enrolled(
        reg: Any, transport: FakeTransport, credentials: CredentialStore) -> None:
    store = RegisterSyncStore(reg)
    result = engine(store, transport, credentials).run_once()
    assert not result.ok and result.error and result.error.code == "not_enrolled"
    assert "motcua enroll" in result.message("vi")
    assert transport.calls == []


def test_cancel_stops_a_run_between_requests(
        reg: Any, clock: FixedClock, store: RegisterSyncStore, transport: FakeTransport,
        credentials: CredentialStore) -> None:
    add_dossiers(reg, clock, 30)
    eng = engine(store, transport, credentials, push_batch=10)
    eng.on_progress = lambda p: eng.cancel() if p.stage is Stage.PUSH and p.pushed else None
    result = eng.run_once()
    assert not result.ok and result.error and result.error.code == "cancelled"
    assert 0 < result.pushed < store.pending_count() + result.pushed
    eng.on_progress = None
    assert eng.run_once().ok  # the next run starts afresh


def test_a_batch_too_large_for_the_server_is_split(
        reg: Any, clock: FixedClock, store: RegisterSyncStore, server: FakeServer,
        transport: FakeTransport, credentials: CredentialStore) -> None:
    add_dossiers(reg, clock, 20)
    transport.fail_only = "push"
    transport.fail_before = [SyncError("too_large", transient=False, status=413)]
    eng = engine(store, transport, credentials, push_batch=40)
    result = eng.run_once()
    assert result.ok and store.pending_count() == 0
    # The refused batch went again as a quarter of its size, then batches grew again.
    assert 10 in server.push_sizes and max(server.push_sizes) <= 80


def test_enrollment_keeps_the_token_in_the_keyring_and_the_office_in_the_register(
        reg: Any, server: FakeServer, transport: FakeTransport,
        credentials: CredentialStore, keyring_backend: Any) -> None:
    store = RegisterSyncStore(reg)
    with pytest.raises(SyncError) as bad:
        enroll(store, transport, credentials, "WRONG", sleep=lambda s: None)
    assert bad.value.code == "enroll_code_invalid"
    result = enroll(store, transport, credentials, " GOOD-CODE ", device_name="PC 1")
    token = credentials.get_token(transport.base_url, store.device_id())
    assert token and token in server.tokens
    assert result.device_slot == 2 and reg.office().device_slot == 2
    assert reg.office().agency_id == result.office.agency_id
    assert store.get_state("server_url") == transport.base_url
    assert token.encode() not in Path(reg.path).read_bytes()
    wal = Path(str(reg.path) + "-wal")
    assert not wal.exists() or token.encode() not in wal.read_bytes()
    # The test backend keeps it, base64-encoded, in its file in tmp_path.
    assert base64.b64encode(token.encode()).decode() in Path(keyring_backend.file_path
                                                             ).read_text()
    assert result.keyring_warning is not None  # a plaintext file is not a secure store
    assert "keyring_pass.cfg" in result.token_where


def test_the_credential_store_says_where_the_secret_is_and_warns_when_insecure(
        credentials: CredentialStore, keyring_backend: Any) -> None:
    from keyring.backends.fail import Keyring as FailKeyring

    info = credentials.info()
    assert info.name == "keyrings.alt.file.PlaintextKeyring" and not info.secure
    assert keyring_backend.file_path in credentials.where()
    credentials.set_token("https://a.example/", "dev-1", "s3cret")
    assert credentials.get_token("https://a.example", "dev-1") == "s3cret"
    assert credentials.get_token("https://b.example", "dev-1") is None
    assert credentials.delete_token("https://a.example", "dev-1")
    assert credentials.get_token("https://a.example", "dev-1") is None
    none = CredentialStore(FailKeyring())
    vi, en = none.warning() or ("", "")
    assert "không có kho khóa" in vi and "No secure keyring" in en
    from sync.credentials import CredentialError

    with pytest.raises(CredentialError):
        none.set_token("https://a.example", "dev-1", "x")


def test_the_transport_has_timeouts_a_versioned_user_agent_and_verifies_tls() -> None:
    t = HttpTransport("https://province.example/", ca_bundle=None, connect_timeout_s=4,
                      stall_timeout_s=9)
    assert t.base_url == "https://province.example"
    assert t.session.default_timeout == (4, 9)
    assert t.session.verify is True
    assert t.session.headers["User-Agent"] == user_agent()
    assert user_agent().startswith("motcua/") and "sync protocol 1" in user_agent()
    t.close()
    t = HttpTransport("https://province.example", ca_bundle="/etc/ca.pem")
    assert t.session.verify == "/etc/ca.pem"
    t.close()
    with pytest.raises(SyncError) as exc:
        normalise_url("http://province.example")
    assert exc.value.code == "insecure_url"
    assert normalise_url("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert _retry_after("5") == 5.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_a_failed_batch_in_the_pipeline_is_sent_again_and_the_one_behind_it_is_kept(
        reg: Any, clock: FixedClock, store: RegisterSyncStore, server: FakeServer,
        transport: FakeTransport, credentials: CredentialStore) -> None:
    add_dossiers(reg, clock, 40)
    pending = store.pending_count()
    transport.fail_only = "push"
    transport.fail_before = [SyncError("connection_lost", transient=True)]
    acked_before_send: list[str] = []
    real_push = server.push

    def push(token: str, device_id: str, events: Any) -> Any:
        done = {r for r in register_uids(reg.path)} - {e["uid"] for e in
                                                       store.pending_wire_events(10_000)}
        acked_before_send.extend(e["uid"] for e in events if e["uid"] in done)
        return real_push(token, device_id, events)

    server.push = push  # type: ignore[method-assign]
    result = engine(store, transport, credentials, push_batch=10, push_pipeline=2).run_once()
    assert result.ok and result.retries == 1 and result.pushed == pending
    assert result.duplicates == 0 and len(server.log) == len(set(server.uids())) == pending
    assert acked_before_send == []  # nothing the client had an answer for went again


def test_enrollment_refuses_a_slot_that_would_clash_with_numbers_already_given(
        reg: Any, clock: FixedClock, server: FakeServer, transport: FakeTransport,
        credentials: CredentialStore) -> None:
    add_dossiers(reg, clock, 1)  # numbered as device 1 before enrollment
    store = RegisterSyncStore(reg)
    with pytest.raises(SyncError) as refused:
        enroll(store, transport, credentials, "GOOD-CODE")  # the fake server gives slot 2
    assert refused.value.code == "enroll_conflict" and not refused.value.transient
    assert "máy số 1" in refused.value.message_vi and "sổ đăng ký mới" in refused.value.message_vi
    assert reg.office().device_slot == 1
    assert credentials.get_token(transport.base_url, store.device_id()) is None
    assert store.get_state("server_url") is None


def test_rules_from_the_province_are_installed_and_refused_ones_only_warn(
        reg: Any, store: RegisterSyncStore, server: FakeServer, transport: FakeTransport,
        credentials: CredentialStore) -> None:
    from datetime import date

    server.publications.append(("calendar", [{"date": "2026-12-31", "kind": "off",
                                              "reason": "Nghỉ bù Tết Dương lịch",
                                              "source": "UBND tỉnh"}]))
    first = engine(store, transport, credentials).run_once()
    assert first.ok and first.rules_installed == 1
    assert any(d.day == date(2026, 12, 31) and d.kind == "off"
               for d in reg.calendar_overrides())
    assert store.get_state("rules_since") == "1"
    server.publications.append(("catalogue", {"format": 1, "version": "broken"}))
    second = engine(store, transport, credentials).run_once()
    assert second.ok and [w.code for w in second.warnings] == ["bad_rules"]
    assert store.get_state("rules_since") == "1"  # asked again next time


def test_a_run_with_nothing_to_do_costs_only_the_cheap_requests(
        reg: Any, clock: FixedClock, store: RegisterSyncStore, transport: FakeTransport,
        credentials: CredentialStore) -> None:
    add_dossiers(reg, clock, 2)
    assert engine(store, transport, credentials).run_once().ok
    transport.calls.clear()
    idle = engine(store, transport, credentials).run_once()
    assert idle.ok and idle.pushed == idle.pulled == 0
    assert transport.calls == ["status", "rules"]
