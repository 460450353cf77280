"""The sync engine: one run in named stages (status, clock, check, push, pull, rules, finish)."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sync.client.values import (
    CLIENT_ERRORS,
    PERMANENT_CODES,
    SKEW_WARNING_SECONDS,
    ErrorInfo,
    Notice,
    Progress,
    RetryPolicy,
    Stage,
    SyncError,
    SyncResult,
    SyncStore,
    Transport,
)
from sync.credentials import CredentialError, CredentialStore
from sync.errors import KnownError
from sync.protocol import (
    MAX_PULL_EVENTS,
    MAX_PUSH_BYTES,
    MAX_PUSH_EVENTS,
    PROTOCOL_VERSION,
    PullResponse,
    PushResponse,
    Rejected,
    RulesResponse,
    StatusResponse,
    canonical_json,
)

log = logging.getLogger(__name__)

# --- the engine ------------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)  # reads a trailing Z since Python 3.11
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _format_skew(seconds: float) -> tuple[str, str]:
    s = abs(seconds)
    if s >= 86400:
        vi, en = f"{s / 86400:.1f} ngày", f"{s / 86400:.1f} days"
    elif s >= 3600:
        vi, en = f"{s / 3600:.1f} giờ", f"{s / 3600:.1f} hours"
    else:
        vi, en = f"{s / 60:.0f} phút", f"{s / 60:.0f} minutes"
    ahead = seconds > 0
    return ((f"Đồng hồ máy tính {'nhanh' if ahead else 'chậm'} {vi} so với máy chủ tỉnh. "
             "Hãy chỉnh lại giờ máy tính; việc đồng bộ vẫn tiếp tục bình thường."),
            (f"The PC clock is {en} {'ahead of' if ahead else 'behind'} the province server. "
             "Please set the PC clock; sync carries on regardless."))


class _Sizer:
    """Batch size, like TCP's window: doubles after each success until the first failure,
    then grows by a quarter per success and halves per failure (a link that drops every N
    bytes settles on batches well inside N). A long run of successes doubles again."""

    def __init__(self, start: int, low: int, high: int):
        self.size, self.low, self.high = start, low, high
        self.cautious = False
        self._streak = 0

    def success(self) -> None:
        self._streak += 1
        if self._streak >= 32:
            self.cautious = False
        grow = max(1, self.size // 4) if self.cautious else self.size
        self.size = min(self.high, self.size + grow)

    def failure(self, failed_size: int | None = None) -> None:
        self.cautious = True
        self._streak = 0
        failed = failed_size or self.size
        self.size = max(self.low, min(self.size, failed) // 2)


@dataclass
class _Run:
    stage: Stage = Stage.START
    pushed: int = 0
    duplicates: int = 0
    pulled: int = 0
    rules: int = 0
    retries: int = 0
    regression: bool = False
    skew: float | None = None
    server_time: str | None = None
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)


CURSOR_KEY = "cursor"  # JSON {"cursor", "epoch", "head"}: saved with each ingested batch


class SyncEngine:
    """Runs sync for one register. `run_once()` from a worker thread; `cancel()` from any."""

    def __init__(self, store: SyncStore, transport: Transport,
                 credentials: CredentialStore, on_progress: Callable[[Progress], None] | None
                 = None, *, clock: Callable[[], datetime] | None = None,
                 policy: RetryPolicy | None = None, sleep: Callable[[float], None] | None = None,
                 rng: random.Random | None = None, push_batch: int = 100,
                 pull_batch: int = 500, push_pipeline: int = 2):
        self.store = store
        self.transport = transport
        self.credentials = credentials
        self.on_progress = on_progress
        self.clock = clock or _utc_now
        self.policy = policy or RetryPolicy()
        self.rng = rng or random.Random()
        self._cancel = threading.Event()
        self._sleep = sleep if sleep is not None else self._cancellable_sleep
        self.push_sizer = _Sizer(min(push_batch, MAX_PUSH_EVENTS), 5, MAX_PUSH_EVENTS)
        self.pull_sizer = _Sizer(min(pull_batch, MAX_PULL_EVENTS), 20, MAX_PULL_EVENTS)
        self.push_pipeline = max(1, push_pipeline)
        self.failures = 0  # consecutive failed runs, for next_delay()

    # --- public -------------------------------------------------------------------------------

    def cancel(self) -> None:
        self._cancel.set()

    def run_once(self) -> SyncResult:
        """One full sync. Every failure, the register's own included, comes back as a value."""
        self._cancel.clear()
        run = _Run()
        started = time.monotonic()
        error: ErrorInfo | None = None
        try:
            self._run(run)
        except SyncError as exc:
            error = ErrorInfo(exc.code, exc.message_vi, exc.message_en, stage=run.stage,
                              transient=exc.transient and exc.code not in PERMANENT_CODES,
                              retry_after=exc.retry_after, detail=exc.detail)
        except CredentialError as exc:
            error = ErrorInfo("keyring", exc.message_vi, exc.message_en, stage=run.stage,
                              transient=False, detail=exc.message_en)
        except KnownError as exc:
            # The register refused with a message of its own (locked, disk full, ...).
            log.error("sync stopped at %s by the register: %s", run.stage.value,
                      type(exc).__name__)
            error = ErrorInfo("local_store", exc.message_vi, exc.message_en, stage=run.stage,
                              transient=False, detail=type(exc).__name__)
        except Exception as exc:  # noqa: BLE001 (reported as a value, see below)
            # The register could not do its part (disk full, locked, a pulled event it cannot
            # place). Reported as a value like any other failure; the log gets the type and
            # the statement, never the values (they may hold personal data).
            statement = str(getattr(exc, "statement", "") or "").split("\n")[0][:200]
            log.error("sync stopped at %s by a local error: %s %s", run.stage.value,
                      type(exc).__name__, statement)
            error = ErrorInfo("local_store", CLIENT_ERRORS["local_store"][0],
                              CLIENT_ERRORS["local_store"][1], stage=run.stage,
                              transient=False, detail=type(exc).__name__)
        pending = self._safe_pending()
        result = SyncResult(
            ok=error is None, stage=Stage.DONE if error is None else run.stage,
            pushed=run.pushed, duplicates=run.duplicates, pulled=run.pulled,
            rules_installed=run.rules, pending=pending, rejected=tuple(run.rejected),
            clock_skew_s=run.skew, regression=run.regression, retries=run.retries,
            warnings=tuple(run.warnings), error=error, server_time=run.server_time,
            elapsed_s=round(time.monotonic() - started, 3))
        if error is None:
            self.failures = 0
            log.info("sync done: pushed %d (%d duplicates), pulled %d, rules %d, pending %d, "
                     "retries %d, %.1fs", run.pushed, run.duplicates, run.pulled, run.rules,
                     pending, run.retries, result.elapsed_s)
        else:
            self.failures += 1
            self._record_failure(error)
            log.warning("sync stopped at %s: %s (%s)", error.stage.value, error.code,
                        error.detail)
        self._progress(Progress(result.stage, run.pushed, run.pulled, pending,
                                error_code=error.code if error else ""))
        return result

    def next_delay(self, result: SyncResult) -> float:
        """Seconds until the next periodic run should start."""
        p = self.policy
        if result.ok:
            return p.pending_s if result.pending else p.periodic_s
        err = result.error
        assert err is not None
        if err.code in PERMANENT_CODES:
            return p.permanent_s
        delay = p.backoff(self.failures, self.rng)
        if err.retry_after is not None:
            delay = max(delay, min(err.retry_after, p.max_retry_after_s))
        return delay

    # --- stages -------------------------------------------------------------------------------

    def _run(self, run: _Run) -> None:
        device_id = self.store.device_id()
        token = self._token(device_id)

        self._enter(run, Stage.STATUS)
        sent_at = time.monotonic()
        status: StatusResponse = self._call(run, lambda: self.transport.status(token))
        rtt = time.monotonic() - sent_at
        run.server_time = status.server_time
        if status.protocol != PROTOCOL_VERSION:
            raise SyncError("unsupported_protocol", transient=False,
                            detail=f"server speaks {status.protocol}")
        if status.device_id != device_id:
            raise SyncError("device_mismatch", transient=False)

        self._enter(run, Stage.CLOCK)
        self._clock_stage(run, status, rtt)

        self._enter(run, Stage.CHECK)
        self._check_stage(run, status)

        self._enter(run, Stage.PUSH)
        self._push_stage(run, token, device_id)

        self._enter(run, Stage.PULL)
        self._pull_stage(run, token, status)

        self._enter(run, Stage.RULES)
        self._rules_stage(run, token)

        self._enter(run, Stage.FINISH)
        self.store.set_state("last_success", run.server_time)
        self.store.set_state("last_error", None)

    def _clock_stage(self, run: _Run, status: StatusResponse, rtt: float) -> None:
        try:
            server = _parse_time(status.server_time)
        except ValueError:
            return
        local = self.clock() - timedelta(seconds=rtt / 2)
        run.skew = round((local - server).total_seconds(), 1)
        self.store.set_state("clock_skew", str(run.skew))
        if abs(run.skew) > SKEW_WARNING_SECONDS:
            vi, en = _format_skew(run.skew)
            run.warnings.append(Notice("clock_skew", vi, en))
            log.warning("PC clock differs from the server's by %.0f s", run.skew)

    def _check_stage(self, run: _Run, status: StatusResponse) -> None:
        acked = self.store.acked_head()
        if status.device_head < acked:
            again = self.store.reset_acks(status.device_head)
            self._regressed(run, f"server holds this device up to {status.device_head}, "
                            f"acknowledged up to {acked}; {again} events to send again")
        saved = self._cursor_state()
        if saved and (saved.get("epoch") != status.epoch
                      or int(saved.get("head", 0)) > status.head):
            self.store.set_state(CURSOR_KEY, None)
            self._regressed(run, "server cursor went backwards; pulling again from the start")

    def _regressed(self, run: _Run, why: str) -> None:
        log.warning("server regression: %s", why)
        if not run.regression:
            run.regression = True
            run.warnings.append(Notice(
                "server_regression",
                "Máy chủ tỉnh đã được khôi phục từ bản sao lưu cũ; máy này gửi lại và nhận lại "
                "phần dữ liệu máy chủ bị mất.",
                "The province server was restored from an older backup; this PC sends and "
                "receives again what the server lost."))

    def _push_stage(self, run: _Run, token: str, device_id: str) -> None:
        """Unacknowledged events in device order, in batches, up to `push_pipeline` requests
        in flight (a weak link stays busy while the server answers the previous batch).

        Only an answer acknowledges. A failed batch stops the pipeline: the answers of the
        batches still in flight are taken in (they acknowledge what they carried), then the
        push goes on from the failed batch after a backoff, within the retry bound.
        """
        after_seq = 0
        failures = 0
        regressions = 0
        best_head = 0  # highest device_head any answer of this run reported
        inflight: deque[tuple[list[dict[str, Any]], Future[PushResponse]]] = deque()
        with ThreadPoolExecutor(max_workers=self.push_pipeline,
                                thread_name_prefix="motcua-push") as pool:
            while True:
                while len(inflight) < self.push_pipeline and not self._cancel.is_set():
                    events = self.store.pending_wire_events(self.push_sizer.size, after_seq)
                    if not events:
                        break
                    batch = _within_bytes(events, MAX_PUSH_BYTES // 2)
                    after_seq = batch[-1]["device_seq"]
                    inflight.append((batch, pool.submit(self.transport.push, token, device_id,
                                                        batch)))
                if not inflight:
                    self._check_cancel()
                    return
                batch, future = inflight.popleft()
                try:
                    resp = future.result()
                except SyncError as exc:
                    # Take in the answers already on their way, then go back to this batch.
                    for other, pending in inflight:
                        try:
                            self._take_push_answer(run, other, pending.result())
                        except SyncError:
                            pass
                    inflight.clear()
                    after_seq = batch[0]["device_seq"] - 1
                    if exc.code == "too_large" and self.push_sizer.size > self.push_sizer.low:
                        self.push_sizer.size = max(self.push_sizer.low,
                                                   min(self.push_sizer.size, len(batch)) // 4)
                        continue
                    if not exc.transient:
                        raise
                    failures += 1
                    self.push_sizer.failure(len(batch))
                    if failures >= self.policy.attempts:
                        raise
                    self._wait_before_retry(run, exc, failures)
                    continue
                failures = 0
                self.push_sizer.success()
                best_head = max(best_head, resp.device_head)
                self._take_push_answer(run, batch, resp)
                if not run.rejected and best_head < batch[0]["device_seq"] - 1:
                    # The server lost what it had acknowledged earlier, during this run.
                    for _other, pending in inflight:
                        try:
                            pending.result()
                        except SyncError:
                            pass
                    inflight.clear()
                    regressions += 1
                    if regressions > 3:
                        raise SyncError("regression_loop", transient=True)
                    self.store.reset_acks(resp.device_head)
                    self._regressed(run, f"device head fell to {resp.device_head} during push")
                    after_seq = best_head = resp.device_head
                    continue
                self._progress(Progress(Stage.PUSH, run.pushed, run.pulled))

    def _take_push_answer(self, run: _Run, batch: list[dict[str, Any]],
                          resp: PushResponse) -> None:
        uids = {e["uid"] for e in batch}
        acked = [u for u in (*resp.accepted, *resp.duplicates) if u in uids]
        self.store.mark_acked(acked, resp.server_time)
        run.pushed += len(acked)
        run.duplicates += sum(1 for u in resp.duplicates if u in uids)
        run.rejected.extend(r for r in resp.rejected if r.uid in uids)
        run.server_time = resp.server_time

    def _pull_stage(self, run: _Run, token: str, status: StatusResponse) -> None:
        saved = self._cursor_state()
        cursor = saved.get("cursor") if saved else None
        if saved and cursor and saved.get("epoch") == status.epoch \
                and saved.get("head") == status.head and not run.pushed:
            return  # nothing new on the server since the last pull: no request
        restarts = 0
        while True:
            self._check_cancel()
            resp: PullResponse = self._call(
                run, partial(self._pull_once, token, cursor), sizer=self.pull_sizer)
            self.pull_sizer.success()
            if resp.epoch != status.epoch or (resp.head < status.head and cursor is not None):
                # The server's store was replaced during this run: start the pull again.
                restarts += 1
                if restarts > 2:
                    raise SyncError("regression_loop", transient=True)
                self._regressed(run, "server epoch changed during pull")
                status = replace(status, epoch=resp.epoch, head=resp.head)
                self.store.set_state(CURSOR_KEY, None)
                cursor = None
                continue
            state = json.dumps({"cursor": resp.cursor, "epoch": resp.epoch, "head": resp.head},
                               separators=(",", ":"))
            outcome = self.store.ingest_wire_events(resp.events, CURSOR_KEY, state)
            run.pulled += int(outcome.inserted)
            run.server_time = resp.server_time
            self._progress(Progress(Stage.PULL, run.pushed, run.pulled))
            if not resp.more:
                return
            if resp.cursor == cursor and not resp.events:
                raise SyncError("bad_response", transient=False,
                                detail="pull says more but the cursor did not move")
            cursor = resp.cursor

    def _pull_once(self, token: str, cursor: str | None) -> PullResponse:
        return self.transport.pull(token, cursor, self.pull_sizer.size)

    def _rules_stage(self, run: _Run, token: str) -> None:
        since = self.store.get_state("rules_since") or "0"
        resp: RulesResponse = self._call(run, lambda: self.transport.rules(token, since))
        try:
            for catalogue in resp.catalogues:
                if self.store.install_catalogue(catalogue):
                    run.rules += 1
            if resp.calendars:
                run.rules += int(self.store.install_calendar(list(resp.calendars)) or 0)
        except Exception as exc:  # noqa: BLE001 (remote data the register refuses)
            # The dossiers are in sync all the same: say so, keep the old rules, and ask
            # again next time (`since` does not move).
            log.warning("rules from the server refused by the register: %s",
                        type(exc).__name__)
            vi, en = CLIENT_ERRORS["bad_rules"]
            run.warnings.append(Notice("bad_rules", vi, en))
            return
        if resp.since != since:
            self.store.set_state("rules_since", resp.since)

    # --- helpers ------------------------------------------------------------------------------

    def _token(self, device_id: str) -> str:
        token = self.credentials.get_token(self.transport.base_url, device_id)
        if not token:
            raise SyncError("not_enrolled", transient=False)
        return token

    def _call(self, run: _Run, fn: Callable[[], Any], *, sizer: _Sizer | None = None) -> Any:
        """fn() with bounded retries: exponential backoff with full jitter, or Retry-After."""
        failures = 0
        while True:
            self._check_cancel()
            try:
                return fn()
            except SyncError as exc:
                if not exc.transient:
                    raise
                failures += 1
                if sizer is not None:
                    sizer.failure()
                if failures >= self.policy.attempts:
                    raise
                self._wait_before_retry(run, exc, failures)

    def _wait_before_retry(self, run: _Run, exc: SyncError, failures: int) -> None:
        """Sleep before try number failures + 1; a Retry-After too long for a run ends it."""
        if exc.retry_after is not None:
            if exc.retry_after > self.policy.max_wait_in_run_s:
                raise exc  # next_delay() waits for it
            delay = exc.retry_after
        else:
            delay = self.policy.backoff(failures - 1, self.rng)
        run.retries += 1
        log.info("%s: %s (%s); retry %d in %.1fs", run.stage.value, exc.code, exc.detail,
                 failures, delay)
        self._progress(Progress(run.stage, run.pushed, run.pulled, retry=failures,
                                delay_s=delay, error_code=exc.code))
        self._sleep(delay)
        self._check_cancel()

    def _cancellable_sleep(self, seconds: float) -> None:
        self._cancel.wait(max(0.0, seconds))

    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise SyncError("cancelled", transient=False)

    def _enter(self, run: _Run, stage: Stage) -> None:
        self._check_cancel()
        run.stage = stage
        pending = self.store.pending_count() if stage in (Stage.PUSH, Stage.FINISH) else None
        self._progress(Progress(stage, run.pushed, run.pulled, pending))

    def _progress(self, progress: Progress) -> None:
        if self.on_progress is not None:
            try:
                self.on_progress(progress)
            except Exception:  # a listener's bug must not stop the sync
                log.exception("sync progress listener failed")

    def _cursor_state(self) -> dict[str, Any] | None:
        raw = self.store.get_state(CURSOR_KEY)
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def _safe_pending(self) -> int:
        try:
            return int(self.store.pending_count())
        except Exception:  # noqa: BLE001 (only a figure for the result; the error is reported)
            return 0

    def _record_failure(self, error: ErrorInfo) -> None:
        try:
            self.store.set_state("last_error", json.dumps({
                "code": error.code, "stage": error.stage.value, "message_vi": error.message_vi,
                "message_en": error.message_en, "at": self.clock().isoformat()},
                ensure_ascii=False))
        except Exception:
            log.exception("could not record the sync error")


def _within_bytes(events: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The longest prefix of events whose JSON stays under `limit` bytes (at least one)."""
    total = 0
    for i, event in enumerate(events):
        total += len(canonical_json(event).encode("utf-8")) + 1
        if total > limit and i > 0:
            return events[:i]
    return events
