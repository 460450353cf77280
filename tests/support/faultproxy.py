"""A fault-injecting TCP proxy on 127.0.0.1, for the sync tests and the bench.

It sits between the client and the server and can add latency (one way, each direction),
cap the bandwidth (bytes/s per direction, shared by all connections like one link), cut
the connection after N bytes in either direction (FIN or RST), stall (stop forwarding and
keep the connection open), cut periodically (every N bytes), and refuse everything while
"down". Byte offsets count bytes delivered since the last `reset_counters()`.

Threads, bounded: each connection has a reader and a writer per direction, a queue of at
most `QUEUE_CHUNKS` chunks between them, and the proxy accepts at most `max_connections`
connections at once. It listens on 127.0.0.1 only.

    with FaultProxy(("127.0.0.1", server_port), latency_s=0.15, bandwidth=32_000) as proxy:
        proxy.set(cut_up_at=5000)       # one-shot cut after 5000 bytes client → server
        ... run the client against proxy.url ...
        proxy.heal()
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

UP, DOWN = "up", "down"  # client → server, server → client
CHUNK = 8192
QUEUE_CHUNKS = 8  # at most 64 KiB held per direction and connection: TCP backpressure
_STOP = object()  # queue marker: end of stream
_POLL = 0.05

_FAULTS = ("cut_up_at", "cut_down_at", "cut_every", "stall_up_at", "stall_down_at",
           "cut_mode", "down_after_cut", "down", "latency_s", "bandwidth")


@dataclass(frozen=True)
class ProxyStats:
    bytes_up: int
    bytes_down: int
    connections: int
    cuts: int
    stalls: int
    refused: int


class _Link:
    """One direction of the link: a token bucket shared by every connection."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.free_at = 0.0

    def reserve(self, nbytes: int, rate: float | None, now: float) -> float:
        """When the last of these bytes has left the sender's end of the link."""
        if not rate:
            return now
        with self.lock:
            start = max(now, self.free_at)
            self.free_at = start + nbytes / rate
            return self.free_at


class FaultProxy:
    """See the module docstring. All fault settings can change while it runs (`set`)."""

    def __init__(self, upstream: tuple[str, int] | str, *, latency_s: float = 0.0,
                 bandwidth: float | None = None, max_connections: int = 32,
                 ssl_context: ssl.SSLContext | None = None, listen_port: int = 0):
        if isinstance(upstream, str):
            parts = urlsplit(upstream)
            upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.upstream = upstream
        self.latency_s = latency_s
        self.bandwidth = bandwidth
        self.max_connections = max_connections
        self.ssl_context = ssl_context
        # faults
        self.cut_up_at: int | None = None
        self.cut_down_at: int | None = None
        self.cut_every: int | None = None  # bytes, both directions together
        self.stall_up_at: int | None = None
        self.stall_down_at: int | None = None
        self.cut_mode = "close"  # or "reset"
        self.down_after_cut = False  # after a one-shot cut the network stays down
        self.down = False  # every new connection is reset at once
        # state
        self._lock = threading.Lock()
        self._delivered = {UP: 0, DOWN: 0}
        self._next_periodic: int | None = None
        self._counts = {"connections": 0, "cuts": 0, "stalls": 0, "refused": 0}
        self._conns: set[_Connection] = set()
        self._links = {UP: _Link(), DOWN: _Link()}
        self._ids = itertools.count(1)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Small buffers so that the bandwidth cap pushes back on the client's send.
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        self._sock.bind(("127.0.0.1", listen_port))
        self._sock.listen(16)
        self._sock.settimeout(_POLL * 4)
        self.port = self._sock.getsockname()[1]
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    # --- control --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{'https' if self.ssl_context else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> Self:
        if self._thread is None:
            self._thread = threading.Thread(target=self._accept_loop, name="faultproxy-accept",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._sock.close()
        for conn in list(self._conns):
            conn.kill("close")
        if self._thread is not None:
            self._thread.join(timeout=2)
        for conn in list(self._conns):
            conn.join(timeout=1)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set(self, **faults: Any) -> None:
        """Change fault settings, e.g. set(cut_down_at=1200, cut_mode="reset")."""
        with self._lock:
            for name, value in faults.items():
                if name not in _FAULTS:
                    raise TypeError(f"unknown fault {name}")
                setattr(self, name, value)
            if "cut_every" in faults:
                total = self._delivered[UP] + self._delivered[DOWN]
                every = faults["cut_every"]
                self._next_periodic = (total // every + 1) * every if every else None

    def heal(self) -> None:
        """Clear every fault; stalled connections are cut (their client gave up long ago)."""
        with self._lock:
            self.cut_up_at = self.cut_down_at = self.cut_every = None
            self.stall_up_at = self.stall_down_at = None
            self._next_periodic = None
            self.down = False
        for conn in list(self._conns):
            if conn.stalled:
                conn.kill("close")

    def cut_all(self, mode: str = "reset") -> None:
        """Cut every open connection now."""
        for conn in list(self._conns):
            conn.kill(mode)
            with self._lock:
                self._counts["cuts"] += 1

    def reset_counters(self) -> None:
        with self._lock:
            self._delivered = {UP: 0, DOWN: 0}
            self._counts = dict.fromkeys(self._counts, 0)
            if self.cut_every:
                self._next_periodic = self.cut_every

    def stats(self) -> ProxyStats:
        with self._lock:
            return ProxyStats(self._delivered[UP], self._delivered[DOWN],
                              self._counts["connections"], self._counts["cuts"],
                              self._counts["stalls"], self._counts["refused"])

    @property
    def open_connections(self) -> int:
        return len(self._conns)

    # --- internals ------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.down or len(self._conns) >= self.max_connections:
                with self._lock:
                    self._counts["refused"] += 1
                _hard_close(client, "reset")
                continue
            with self._lock:
                self._counts["connections"] += 1
            conn = _Connection(self, client, next(self._ids))
            self._conns.add(conn)
            conn.start()

    def _plan(self, direction: str, nbytes: int) -> tuple[int, str | None]:
        """How many of the next `nbytes` bytes may go, and what happens after them."""
        with self._lock:
            pos = self._delivered[direction]
            cut_at = self.cut_up_at if direction == UP else self.cut_down_at
            stall_at = self.stall_up_at if direction == UP else self.stall_down_at
            found: list[tuple[int, str]] = []
            if cut_at is not None and pos + nbytes >= cut_at:
                found.append((max(0, cut_at - pos), "cut"))
            if stall_at is not None and pos + nbytes >= stall_at:
                found.append((max(0, stall_at - pos), "stall"))
            if self._next_periodic is not None:
                total = self._delivered[UP] + self._delivered[DOWN]
                if total + nbytes >= self._next_periodic:
                    found.append((max(0, self._next_periodic - total), "periodic"))
            allowed, action = min(found) if found else (nbytes, None)
            self._delivered[direction] += allowed
            if action == "cut":
                if direction == UP:
                    self.cut_up_at = None
                else:
                    self.cut_down_at = None
                self._counts["cuts"] += 1
                if self.down_after_cut:
                    self.down = True
            elif action == "periodic":
                assert self.cut_every
                self._next_periodic = (self._next_periodic or 0) + self.cut_every
                self._counts["cuts"] += 1
            elif action == "stall":
                if direction == UP:
                    self.stall_up_at = None
                else:
                    self.stall_down_at = None
                self._counts["stalls"] += 1
            return allowed, action

    def _forget(self, conn: _Connection) -> None:
        self._conns.discard(conn)


class _Connection:
    """One proxied connection: two directions, each a reader and a writer thread."""

    def __init__(self, proxy: FaultProxy, client: socket.socket, ident: int):
        self.proxy = proxy
        self.client = client
        self.ident = ident
        self.upstream: socket.socket | None = None
        self.dead = threading.Event()
        self.stalled = False
        self.threads: list[threading.Thread] = []
        self._eof = {UP: False, DOWN: False}
        self._lock = threading.Lock()

    def start(self) -> None:
        t = threading.Thread(target=self._open, name=f"faultproxy-{self.ident}", daemon=True)
        self.threads.append(t)
        t.start()

    def join(self, timeout: float) -> None:
        for t in list(self.threads):
            if t is not threading.current_thread():
                t.join(timeout)

    def _open(self) -> None:
        try:
            if self.proxy.ssl_context is not None:
                self.client.settimeout(10)
                self.client = self.proxy.ssl_context.wrap_socket(self.client, server_side=True)
                self.client.settimeout(None)
            self.upstream = socket.create_connection(self.proxy.upstream, timeout=10)
            self.upstream.settimeout(None)
            self.upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, ssl.SSLError):
            self.kill("close")
            return
        for direction, src, dst in ((UP, self.client, self.upstream),
                                    (DOWN, self.upstream, self.client)):
            q: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_CHUNKS)
            for target, name in ((self._reader, "r"), (self._writer, "w")):
                t = threading.Thread(target=target, args=(direction, src, dst, q), daemon=True,
                                     name=f"faultproxy-{self.ident}-{direction}-{name}")
                self.threads.append(t)
                t.start()

    def _reader(self, direction: str, src: socket.socket, dst: socket.socket,
                q: queue.Queue[Any]) -> None:
        link = self.proxy._links[direction]
        while not self.dead.is_set():
            try:
                data = src.recv(CHUNK)
            except (OSError, ssl.SSLError):
                self.kill("close")
                return
            if not data:
                self._put(q, _STOP)
                return
            now = time.monotonic()
            sent_at = link.reserve(len(data), self.proxy.bandwidth, now)
            if not self._put(q, (sent_at + self.proxy.latency_s, data)):
                return

    def _put(self, q: queue.Queue[Any], item: Any) -> bool:
        while not self.dead.is_set():
            try:
                q.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def _writer(self, direction: str, src: socket.socket, dst: socket.socket,
                q: queue.Queue[Any]) -> None:
        while not self.dead.is_set():
            try:
                item = q.get(timeout=_POLL)
            except queue.Empty:
                continue
            if item is _STOP:
                self._half_close(direction, dst)
                return
            deliver_at, data = item
            while not self.dead.is_set():
                wait = deliver_at - time.monotonic()
                if wait <= 0:
                    break
                self.dead.wait(min(wait, _POLL * 4))
            if self.dead.is_set():
                return
            allowed, action = self.proxy._plan(direction, len(data))
            try:
                if allowed:
                    dst.sendall(data[:allowed])
            except (OSError, ssl.SSLError):
                self.kill("close")
                return
            if action in ("cut", "periodic"):
                self.kill(self.proxy.cut_mode)
                return
            if action == "stall":
                self.stalled = True
                self.dead.wait()  # held open until the client gives up or heal() cuts it
                return

    def _half_close(self, direction: str, dst: socket.socket) -> None:
        with self._lock:
            self._eof[direction] = True
            both = all(self._eof.values())
        if both or self.stalled:
            self.kill("close")
            return
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    def kill(self, mode: str) -> None:
        with self._lock:
            if self.dead.is_set():
                return
            self.dead.set()
        for sock in (self.client, self.upstream):
            if sock is not None:
                _hard_close(sock, mode)
        self.proxy._forget(self)


def _hard_close(sock: socket.socket, mode: str) -> None:
    """Close a socket: "close" sends FIN, "reset" sends RST (SO_LINGER 0)."""
    with contextlib.suppress(OSError):
        if mode == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RD)  # wakes a thread blocked in recv, sends nothing
        else:
            sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


# --- HTTP-level faults ---------------------------------------------------------------------


@dataclass(frozen=True)
class HttpFault:
    """One answer to spoil.

    kind: "status" (answer `status` without reaching the server), "malformed_json",
    "truncated_gzip", "wrong_content_type" or "status_after" (the server does the work, then
    the client gets `status` instead of its answer). `path` limits it to requests whose path
    contains that text.
    """

    kind: str
    status: int = 500
    retry_after: str | None = None
    path: str = ""


class HttpFaultInjector:
    """A small HTTP reverse proxy on 127.0.0.1 that spoils queued answers, then forwards.

    Faults that come "after" (malformed JSON, truncated gzip, wrong content type,
    status_after) let the server commit the request first: the client loses the answer to
    work that was done, the hardest case for "nothing lost, nothing twice".
    """

    def __init__(self, upstream: str):
        import http.server

        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.faults: list[HttpFault] = []
        self.log: list[tuple[str, str, str]] = []  # (method, path, fault kind or "")
        self._lock = threading.Lock()
        injector = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                injector._handle(self)

            def do_POST(self) -> None:
                injector._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="http-fault-injector")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def add(self, *faults: HttpFault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def _take(self, path: str) -> HttpFault | None:
        with self._lock:
            for i, fault in enumerate(self.faults):
                if fault.path in path:
                    return self.faults.pop(i)
        return None

    def _handle(self, h: Any) -> None:
        import gzip as gzip_mod
        import http.client
        import json as json_mod

        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        fault = self._take(h.path)
        with self._lock:
            self.log.append((h.command, h.path, fault.kind if fault else ""))
        if fault is not None and fault.kind == "status":
            self._answer(h, fault.status, {"Content-Type": "application/json",
                                           **({"Retry-After": fault.retry_after}
                                              if fault.retry_after is not None else {})},
                         json_mod.dumps({"error": {"code": "unavailable" if fault.status == 503
                                                   else "rate_limited" if fault.status == 429
                                                   else "internal",
                                                   "message_vi": "lỗi thử", "message_en":
                                                   "injected"}}).encode())
            return
        headers = {k: v for k, v in h.headers.items()
                   if k.lower() not in ("host", "connection", "content-length",
                                        "accept-encoding")}
        conn = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            conn.request(h.command, h.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            out = {k: v for k, v in resp.getheaders()
                   if k.lower() in ("content-type", "retry-after", "content-encoding")}
            status = resp.status
        except OSError:
            self._answer(h, 502, {"Content-Type": "text/plain"}, b"upstream down")
            return
        finally:
            conn.close()
        if fault is None:
            self._answer(h, status, out, data)
        elif fault.kind == "malformed_json":
            self._answer(h, status, {"Content-Type": "application/json"},
                         data[: max(1, len(data) // 2)] + b"}{,")
        elif fault.kind == "truncated_gzip":
            packed = gzip_mod.compress(data)
            self._answer(h, status, {"Content-Type": "application/json",
                                     "Content-Encoding": "gzip"}, packed[: len(packed) // 2])
        elif fault.kind == "wrong_content_type":
            self._answer(h, status, {"Content-Type": "text/html; charset=utf-8"},
                         b"<html><body>Wi-Fi login</body></html>")
        elif fault.kind == "status_after":
            self._answer(h, fault.status, {"Content-Type": "application/json",
                                           **({"Retry-After": fault.retry_after}
                                              if fault.retry_after is not None else {})},
                         b'{"error":{"code":"internal","message_vi":"x","message_en":"x"}}')
        else:
            raise ValueError(f"unknown fault {fault.kind}")

    @staticmethod
    def _answer(h: Any, status: int, headers: dict[str, str], body: bytes) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
