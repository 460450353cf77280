"""Per-client token buckets: a runaway PC or a code-guessing address gets 429 and Retry-After.

A bucket holds `burst` requests and refills at `rate_per_s`. The defaults leave a normal sync
untouched (a first upload of a whole register sends a few requests a second) and stop a loop
that would crowd out the other offices of the province.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sync.server.errors import ServerError

MAX_KEYS = 10_000  # buckets kept before the full (idle) ones are dropped


@dataclass(frozen=True)
class Rate:
    rate_per_s: float
    burst: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """"20/s", "600/min" or "20/s:100" (burst after the colon; default: one second's worth
        or 10, whichever is more)."""
        spec, _, burst = text.strip().partition(":")
        count, _, unit = spec.partition("/")
        seconds = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0}.get(unit.strip())
        try:
            rate = float(count) / seconds if seconds else float("nan")
            size = int(burst) if burst else max(10, math.ceil(rate))
        except ValueError:
            rate, size = float("nan"), 0
        if not rate > 0 or size < 1:
            raise ValueError(f"not a rate: {text!r} (examples: 20/s, 600/min, 20/s:100)")
        return cls(rate, size)


DEVICE_RATE = Rate(20.0, 200)  # per enrolled PC
# Per client address; generous because a province WAN may show many communes behind one NAT.
ENROLL_RATE = Rate(1.0, 30)


class RateLimiter:
    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def wait_s(self, key: str) -> float:
        """0 when the request may go (a token is taken), else the seconds until it may."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (float(self.rate.burst), now))
            tokens = min(float(self.rate.burst), tokens + (now - at) * self.rate.rate_per_s)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > MAX_KEYS:
                    self._forget_full(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate.rate_per_s

    def check(self, key: str) -> None:
        """Raise the 429 answer, with Retry-After in whole seconds, when `key` is over its rate."""
        wait = self.wait_s(key)
        if wait > 0:
            raise ServerError(429, "rate_limited", f"retry in {wait:.1f} s",
                              headers={"Retry-After": str(max(1, math.ceil(wait)))})

    def _forget_full(self, now: float) -> None:
        full = [k for k, (tokens, at) in self._buckets.items()
                if tokens + (now - at) * self.rate.rate_per_s >= self.rate.burst]
        for key in full:
            del self._buckets[key]
