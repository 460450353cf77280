"""Faults are the normal case: a real server process, real register files, and the
fault-injecting proxy (tests/support/faultproxy.py) between them.

- a full sync cut at many byte offsets in both directions, then synced again: the register
  and the server hold exactly the same events, none twice;
- stalls in both directions are detected and retried;
- HTTP 500/503/429 (Retry-After), malformed JSON, a truncated gzip body, a wrong content
  type: a clear error, a retry, nothing lost;
- `motcua sync` killed with SIGKILL at random moments during a sync, again and again: a
  clean sync afterwards converges.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from desktop.register.service import Register
from desktop.register.syncstore import RegisterSyncStore
from sync.client import HttpTransport, RetryPolicy, SyncEngine, SyncResult, enroll
from sync.credentials import CredentialStore
from tests.conftest import FixedClock, local_time, motcua_command
from tests.support.faultproxy import FaultProxy, HttpFault, HttpFaultInjector
from tests.support.server_fixtures import ServerProcess
from tests.sync.test_sync_client_support import (
    add_dossiers,
    cli_env_with_keyring,
    keyring_in,
    make_register,
    register_uids,
    server_uids,
)

FAST = RetryPolicy(attempts=3, base_s=0.005, cap_s=0.02)
CUTS_PER_DIRECTION = 50


@dataclass
class Net:
    """One server, one office, and registers enrolled through the proxy or directly."""

    srv: ServerProcess
    db: Path
    office: str
    admin: Any
    proxy: FaultProxy
    credentials: CredentialStore
    clock: FixedClock
    home: Path
    a: Register  # behind the proxy
    b: Register  # straight to the server: makes events for A to pull
    span_up: int = 0
    span_down: int = 0

    def store(self, reg: Register) -> RegisterSyncStore:
        return RegisterSyncStore(reg)

    def sync(self, reg: Register, *, stall_s: float = 5.0, policy: RetryPolicy = FAST,
             sleeps: list[float] | None = None) -> SyncResult:
        store = RegisterSyncStore(reg)
        transport = HttpTransport(store.get_state("server_url") or "", connect_timeout_s=2,
                                  stall_timeout_s=stall_s)
        sleep = sleeps.append if sleeps is not None else (lambda s: time.sleep(min(s, 0.05)))
        try:
            return SyncEngine(store, transport, self.credentials, policy=policy,
                              rng=random.Random(3), sleep=sleep).run_once()
        finally:
            transport.close()

    def enroll(self, reg: Register, url: str, office: str | None = None) -> None:
        transport = HttpTransport(url)
        try:
            enroll(RegisterSyncStore(reg), transport, self.credentials,
                   self.admin.make_enroll_code(office or self.office)[0])
        finally:
            transport.close()

    def server_uids(self, office: str | None = None) -> list[str]:
        return server_uids(self.db, office or self.office)

    def assert_same_events(self, reg: Register, office: str | None = None) -> None:
        local = register_uids(reg.path)
        remote = self.server_uids(office)
        assert len(local) == len(set(local)), "an event twice in the register"
        assert len(remote) == len(set(remote)), "an event twice on the server"
        assert set(local) == set(remote)
        assert RegisterSyncStore(reg).pending_count() == 0


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    from sync.server.db import make_engine
    from sync.server.store import ServerStore

    root = tmp_path_factory.mktemp("faults")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTCUA_HOME", str(root / "home"))
        srv = ServerProcess(f"sqlite:///{root / 'server' / 'server.sqlite3'}", root / "server")
        srv.start()
        admin = ServerStore(make_engine(srv.db_url))
        office = admin.add_office(1, 70, "000.00.01.H29").office_id
        proxy = FaultProxy(srv.url).start()
        clock = FixedClock(local_time(2026, 11, 16, 8, 0))
        a = make_register(root / "a.sqlite3", clock, set_up=False)
        b = make_register(root / "b.sqlite3", clock, set_up=False)
        n = Net(srv, Path(srv.db_url.removeprefix("sqlite:///")), office, admin, proxy,
                CredentialStore(keyring_in(root / "xdg")), clock, root, a, b)
        n.enroll(a, proxy.url)
        n.enroll(b, srv.url)
        # Calibrate: the bytes of one typical round through the proxy.
        prepare_round(n)
        proxy.reset_counters()
        assert n.sync(a).ok
        stats = proxy.stats()
        n.span_up, n.span_down = stats.bytes_up, stats.bytes_down
        n.assert_same_events(a)
        try:
            yield n
        finally:
            proxy.stop()
            a.close()
            b.close()
            srv.stop()


def prepare_round(n: Net) -> None:
    """60 new events: 20 to push from A, 10 dossiers' worth from B for A to pull."""
    add_dossiers(n.b, n.clock, 5)
    assert n.sync(n.b).ok
    add_dossiers(n.a, n.clock, 10)


@pytest.mark.parametrize("direction", ["up", "down"])
@pytest.mark.parametrize("index", range(CUTS_PER_DIRECTION))
def test_a_sync_cut_at_any_byte_offset_converges_once_the_network_returns(
        net: Net, direction: str, index: int) -> None:
    span = net.span_up if direction == "up" else net.span_down
    # Spread over the first 90% of a typical round's bytes (rounds differ a little).
    offset = int(0.9 * span * (index + 0.5) / CUTS_PER_DIRECTION)
    prepare_round(net)
    net.proxy.reset_counters()
    net.proxy.set(**{f"cut_{direction}_at": offset}, down_after_cut=True,
                  cut_mode="reset" if index % 2 else "close")
    try:
        cut = net.sync(net.a)
        assert net.proxy.stats().cuts == 1, "the cut did not happen"
        if not cut.ok:
            assert cut.error is not None and cut.error.transient
            assert cut.error.code in ("connection_lost", "unreachable", "stall", "timeout",
                                      "bad_response"), cut.error
    finally:
        net.proxy.heal()
    again = net.sync(net.a)
    assert again.ok, again.error
    net.assert_same_events(net.a)


@pytest.mark.parametrize("direction", ["up", "down"])
def test_a_stalled_transfer_is_detected_and_retried(net: Net, direction: str) -> None:
    prepare_round(net)
    net.proxy.reset_counters()
    span = net.span_up if direction == "up" else net.span_down
    net.proxy.set(**{f"stall_{direction}_at": span // 2})
    try:
        result = net.sync(net.a, stall_s=0.5)
    finally:
        net.proxy.heal()
    assert net.proxy.stats().stalls == 1
    assert result.ok and result.retries >= 1
    net.assert_same_events(net.a)


def test_a_slow_link_with_latency_and_a_bandwidth_cap_still_syncs(net: Net) -> None:
    prepare_round(net)
    net.proxy.set(latency_s=0.03, bandwidth=40_000)
    try:
        result = net.sync(net.a)
    finally:
        net.proxy.set(latency_s=0.0, bandwidth=None)
    assert result.ok and result.retries == 0
    net.assert_same_events(net.a)


# --- HTTP-level faults ---------------------------------------------------------------------

HTTP_FAULTS = {
    "500 on push": HttpFault("status", 500, path="/push"),
    "500 after the push was stored": HttpFault("status_after", 500, path="/push"),
    "503 with Retry-After": HttpFault("status", 503, retry_after="3", path="/status"),
    "429 with Retry-After": HttpFault("status", 429, retry_after="2", path="/pull"),
    "malformed JSON after the push was stored": HttpFault("malformed_json", path="/push"),
    "truncated gzip pull": HttpFault("truncated_gzip", path="/pull"),
    "wrong content type": HttpFault("wrong_content_type", path="/push"),
}
EXPECTED_CODE = {"status": "server_error", "status_after": "server_error",
                 "malformed_json": "bad_response", "truncated_gzip": "bad_response",
                 "wrong_content_type": "bad_response"}


@pytest.fixture(scope="module")
def injector(net: Net) -> Iterator[tuple[HttpFaultInjector, Register]]:
    """A reverse proxy that spoils answers, and a register enrolled through it."""
    with HttpFaultInjector(net.srv.url) as inj:
        c = make_register(net.home / "c.sqlite3", net.clock, set_up=False)
        net.enroll(c, inj.url)
        assert net.sync(c).ok
        yield inj, c
        c.close()


@pytest.mark.parametrize("name", list(HTTP_FAULTS))
def test_a_spoiled_answer_is_retried_and_nothing_is_lost(
        net: Net, injector: tuple[HttpFaultInjector, Register], name: str) -> None:
    inj, c = injector
    fault = HTTP_FAULTS[name]
    add_dossiers(c, net.clock, 3)
    add_dossiers(net.b, net.clock, 2)
    assert net.sync(net.b).ok
    inj.add(fault)
    sleeps: list[float] = []
    result = net.sync(c, sleeps=sleeps)
    assert [k for _, p, k in inj.log if k] and not inj.faults, "the fault was not served"
    inj.log.clear()
    assert result.ok and result.retries == 1, result.error
    if fault.retry_after is not None:
        assert sleeps == [float(fault.retry_after)]  # Retry-After honoured
    net.assert_same_events(c)


@pytest.mark.parametrize("name", list(HTTP_FAULTS))
def test_a_fault_that_persists_ends_the_run_with_a_clear_error_and_loses_nothing(
        net: Net, injector: tuple[HttpFaultInjector, Register], name: str) -> None:
    inj, c = injector
    fault = HTTP_FAULTS[name]
    add_dossiers(c, net.clock, 2)
    add_dossiers(net.b, net.clock, 2)
    assert net.sync(net.b).ok
    inj.add(*[fault] * FAST.attempts)
    failed = net.sync(c, sleeps=[])
    inj.faults.clear()
    inj.log.clear()
    assert not failed.ok and failed.error is not None
    expected = {503: "unavailable", 429: "rate_limited"}.get(fault.status) \
        if fault.kind == "status" else None
    assert failed.error.code == (expected or EXPECTED_CODE[fault.kind])
    assert failed.error.transient and failed.retries == FAST.attempts - 1
    assert failed.error.message_vi and failed.error.message_en
    again = net.sync(c)
    assert again.ok, again.error
    net.assert_same_events(c)


# --- SIGKILL of the client during sync -----------------------------------------------------

KILLS = 20


def _wait_for_connection(proxy: FaultProxy, before: int, proc: subprocess.Popen[Any],
                         limit: float = 10.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if proxy.stats().connections > before:
            return True
        time.sleep(0.005)
    return False


def _enroll_cli(home: Path, xdg: Path, url: str, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*motcua_command(), "enroll", url, code],
                          env=cli_env_with_keyring(home, xdg), capture_output=True, text=True,
                          encoding="utf-8", timeout=90, check=False)


def test_an_enrollment_whose_answer_was_lost_is_asked_again_with_the_same_code(net: Net
                                                                            ) -> None:
    office = net.admin.add_office(1, 70, "000.00.01.H29").office_id
    home, xdg = net.home / "lost-answer", net.home / "xdg-lost-answer"
    code = net.admin.make_enroll_code(office)[0]
    # The server uses the code, then its answer is cut after 20 bytes and the link stays down.
    net.proxy.set(cut_down_at=net.proxy.stats().bytes_down + 20, down_after_cut=True)
    try:
        lost = _enroll_cli(home, xdg, net.proxy.url, code)
    finally:
        net.proxy.set(down_after_cut=False)
        net.proxy.heal()
    assert lost.returncode != 0 and "Traceback" not in lost.stderr
    assert len(net.admin.devices(office)) == 1  # the server did enroll it

    # Another PC cannot take the used code; the PC whose answer was lost can, once.
    other = _enroll_cli(net.home / "lost-answer-other", xdg, net.srv.url, code)
    assert other.returncode == 3 and "Mã đăng ký máy không đúng" in other.stderr
    again = _enroll_cli(home, xdg, net.proxy.url, code)
    assert again.returncode == 0, again.stderr
    assert "máy số 1" in again.stdout
    keyring_file = (xdg / "python_keyring" / "keyring_pass.cfg").read_text()
    assert " enroll" not in keyring_file  # the retry key is forgotten once the token is kept
    with Register.open(home / "register.sqlite3", clock=net.clock, auto_backup=False) as reg:
        add_dossiers(reg, net.clock, 3)
    synced = subprocess.run([*motcua_command(), "sync"], env=cli_env_with_keyring(home, xdg),
                            capture_output=True, text=True, encoding="utf-8", timeout=90,
                            check=False)
    assert synced.returncode == 0, synced.stderr
    assert len(net.server_uids(office)) == len(register_uids(home / "register.sqlite3"))


@pytest.mark.slow
def test_motcua_sync_killed_at_random_moments_converges_on_a_clean_sync(net: Net) -> None:
    # An office of its own: a PC of it syncs through the proxy with `motcua sync`, another
    # (in this process, straight to the server) gives it events to pull.
    office = net.admin.add_office(1, 70, "000.00.01.H29").office_id
    home, xdg = net.home / "killed", net.home / "xdg"
    env = cli_env_with_keyring(home, xdg)
    code = net.admin.make_enroll_code(office)[0]
    enrolled = subprocess.run([*motcua_command(), "enroll", net.proxy.url, code], env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=60,
                              check=False)
    assert enrolled.returncode == 0, enrolled.stderr
    path = home / "register.sqlite3"
    other = make_register(net.home / "killed-other.sqlite3", net.clock, set_up=False)
    net.enroll(other, net.srv.url, office)

    def add_work(i: int) -> None:
        with Register.open(path, clock=net.clock, auto_backup=False) as reg:
            add_dossiers(reg, net.clock, 15, start=i)
        add_dossiers(other, net.clock, 4, start=i)
        assert net.sync(other).ok

    def start_sync() -> tuple[subprocess.Popen[bytes], bool]:
        before = net.proxy.stats().connections
        proc = subprocess.Popen([*motcua_command(), "sync"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return proc, _wait_for_connection(net.proxy, before, proc)

    # A slow link, so that a sync lasts long enough to be killed in the middle of it.
    net.proxy.set(latency_s=0.02, bandwidth=60_000)
    rng = random.Random(20261116)
    try:
        window = 0.0
        for i in range(2):  # the second clean sync is a typical one: it sets the window
            add_work(15 * i)
            proc, connected = start_sync()
            started = time.monotonic()
            _, err = proc.communicate(timeout=60)
            assert connected and proc.returncode == 0, err.decode()
            window = time.monotonic() - started  # the network part of a sync
        killed_mid_sync = rounds = 0
        while killed_mid_sync < KILLS and rounds < 2 * KILLS:
            rounds += 1
            add_work(15 * (rounds + 1))
            proc, connected = start_sync()
            if connected:
                time.sleep(rng.uniform(0.0, window))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                killed_mid_sync += 1
            proc.wait(30)
        assert killed_mid_sync >= KILLS
    finally:
        net.proxy.set(latency_s=0.0, bandwidth=None)
    clean = subprocess.run([*motcua_command(), "sync"], env=env, capture_output=True,
                           text=True, encoding="utf-8", timeout=120, check=False)
    assert clean.returncode == 0, clean.stderr
    assert net.sync(other).ok
    with Register.open(path, clock=net.clock, auto_backup=False) as reg:
        net.assert_same_events(reg, office)
        assert reg.check().ok
    net.assert_same_events(other, office)
    other.close()


# --- the proxy itself ------------------------------------------------------------------------


@pytest.fixture
def echo() -> Iterator[int]:
    """A TCP echo server on 127.0.0.1; yields its port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue

            def echo_back(c: socket.socket = conn) -> None:
                with c, contextlib.suppress(OSError):  # the proxy cuts and resets on purpose
                    while data := c.recv(65536):
                        c.sendall(data)

            threading.Thread(target=echo_back, daemon=True).start()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield sock.getsockname()[1]
    stop.set()
    t.join(1)
    sock.close()


def _read_all(conn: socket.socket, limit: float = 3.0) -> tuple[bytes, str]:
    conn.settimeout(limit)
    got = b""
    try:
        while data := conn.recv(65536):
            got += data
        return got, "eof"
    except ConnectionResetError:
        return got, "reset"
    except TimeoutError:
        return got, "timeout"


def test_the_proxy_cuts_after_exactly_n_bytes_and_can_reset_or_stall(echo: int) -> None:
    with FaultProxy(("127.0.0.1", echo)) as proxy:
        proxy.set(cut_down_at=3000)
        with socket.create_connection(("127.0.0.1", proxy.port)) as c:
            c.sendall(b"x" * 5000)
            got, how = _read_all(c)
        assert len(got) == 3000 and how == "eof"
        proxy.reset_counters()
        proxy.set(cut_down_at=10, cut_mode="reset")
        with socket.create_connection(("127.0.0.1", proxy.port)) as c:
            c.sendall(b"y" * 100)
            got, how = _read_all(c)
        # An RST may overtake the 10 bytes in the client's kernel: at most those 10 arrive.
        assert len(got) <= 10 and how == "reset"
        proxy.heal()
        proxy.reset_counters()
        proxy.set(stall_down_at=20)
        with socket.create_connection(("127.0.0.1", proxy.port)) as c:
            c.sendall(b"z" * 100)
            got, how = _read_all(c, 1.5)
        assert len(got) == 20 and how == "timeout"
        proxy.heal()
        proxy.set(down=True)
        with socket.create_connection(("127.0.0.1", proxy.port)) as c:
            with contextlib.suppress(OSError):  # the reset may come first
                c.sendall(b"w")
            got, how = _read_all(c)
        assert got == b"" and how in ("reset", "eof")
        assert proxy.stats().refused == 1


def test_the_proxy_delays_and_paces_what_it_forwards(echo: int) -> None:
    with FaultProxy(("127.0.0.1", echo), latency_s=0.05, bandwidth=100_000) as proxy, \
            socket.create_connection(("127.0.0.1", proxy.port)) as c:
        started = time.monotonic()
        c.sendall(b"p" * 20_000)
        got = b""
        while len(got) < 20_000:
            got += c.recv(65536)
        elapsed = time.monotonic() - started
    # Lower bounds only (the machine may be slow, never faster than the link):
    # two one-way latencies, and 20 kB through a 100 kB/s link each way, pipelined.
    assert elapsed >= 0.1 + 0.2
    assert proxy.stats().bytes_up == proxy.stats().bytes_down == 20_000
