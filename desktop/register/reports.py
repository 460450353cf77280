"""Reports over the register's events (no Qt): the facts cache, the five reports, the board.

Every figure comes from the register's events, folded dossier by dossier in replica order
(hlc, device_id, uid) by `reports.fold_dossier` — the same code the province server runs
over the events it holds, so an office's figures and the server's agree exactly.

Folding a million dossiers' events takes a minute, so the folded facts are kept in a cache
file beside the register (`paths.report_cache_path`), brought up to date before each report:
only the dossiers with events newer than the cache's watermark (the register's `events.seq`,
never reused) are folded again. The cache is derived data, checked on every use — a
register restored from a backup, another fold version or another device rebuilds it — and
can be deleted at any time. It is plain sqlite3 rather than SQLAlchemy models: it is not the
register, it is rebuilt rather than migrated, and the hot loop reads a million rows.

    from desktop.register.reports import compute, board_rows
    report = compute(reg, "handling", ReportParams(date(2026, 1, 1), date(2026, 12, 31)))
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop import paths
from desktop.register import db
from desktop.register.errors import RegisterError
from desktop.register.models import RuleVersion
from reports import (
    FACT_COLUMNS,
    KINDS,
    BoardRow,
    DossierFacts,
    IndexRules,
    Labels,
    Report,
    ReportParams,
    compute_board,
    compute_fees,
    compute_handling,
    compute_index,
    compute_late,
    compute_satisfaction,
    day_start,
    facts_row_type,
    fold_dossier,
    utc_text,
)
from sync.lifecycle import Kind

log = logging.getLogger(__name__)

# Bump when reports.fold_dossier or DossierFacts change: every cache is then rebuilt.
FACTS_VERSION = "5"
CHUNK = 500
BATCH = 5000

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


class ReportCancelled(RegisterError):
    """The person cancelled the report while it was being computed."""

    def __init__(self) -> None:
        super().__init__("Đã hủy lập báo cáo.", "The report was cancelled.")


@dataclass(frozen=True)
class RefreshStats:
    """What bringing the cache up to date cost."""

    rebuilt: bool
    dossiers: int  # folded again
    events: int  # read from the register
    seconds: float


# The handling report and the index read up to a million rows, so they do not read the full
# facts. A finished dossier without supplement, extension, payment or complaint is judged by
# a few values only — its procedure, channel, the local days of its receipt, end and return,
# how it ended and was judged, its return method, fee on receipt, whether it was digitised
# or reused digitised data on receipt, a "dissatisfied" rating and its due instant (a period
# ending before its end judges it open) — so such dossiers are kept as counts per
# combination ("agg", maintained as dossiers are folded; 1 M dossiers make some 40 000
# combinations); the others, a few percent, as narrow rows ("hot", keyed by the row id of
# their full "facts" row). Instants in "agg" are the start of their local day: a period
# starts and ends at local midnights, so every comparison with its bounds comes out as with
# the exact instant.
HOT_COLUMNS = ("procedure", "field", "channel", "received", "finished", "finish_kind",
               "judged", "returned", "due", "timeline", "forced_at", "sup_count", "sup_at",
               "return_method", "fee_paid", "digitised", "reused", "payments", "rating",
               "complaints")
AGG_KEY = ("procedure", "field", "channel", "received", "finished", "finish_kind", "judged",
           "returned", "return_method", "fee_paid", "digitised", "reused", "rating", "due")
_HOT_KINDS = ("handling", "index")
_HOT_ROW: Any = facts_row_type(("uid", "office", *HOT_COLUMNS, "n"))
# "agg" rows read as hot rows: '' stands for NULL in the key, the rest is constant.
_AGG_AS_HOT = {"judged": "NULLIF(judged, '')", "returned": "NULLIF(returned, '')",
               "return_method": "NULLIF(return_method, '')", "rating": "NULLIF(rating, '')",
               "timeline": "NULL", "forced_at": "NULL", "sup_count": "0",
               "sup_at": "NULL", "payments": "NULL", "complaints": "NULL"}
# Which dossiers can count in a report of [start, end): the core judges each row exactly,
# this only spares it the rows that cannot count.
_WHERE = {
    "handling": "received < :end AND (finished IS NULL OR finished >= :start "
                "OR returned >= :start)",
    "index": "received < :end AND (finished IS NULL OR finished >= :start "
             "OR returned >= :start OR payments IS NOT NULL)",
    "late": "received < :end AND (finished IS NULL OR finished >= :end "
            "OR (finished >= :start AND judged = 'A'))",
    "satisfaction": "rated_at >= :start AND rated_at < :end OR complaints IS NOT NULL",
    "fees": "received < :end AND (received >= :start OR payments IS NOT NULL)",
    "board": "received IS NOT NULL AND finished IS NULL",
    "all": "1",
}
_AGG_WHERE = "received < :end AND (finished >= :start OR returned >= :start)"


def _day_starts() -> Callable[[str], str]:
    memo: dict[str, str] = {}

    def start_of(day: str) -> str:
        found = memo.get(day)
        if found is None:
            found = memo[day] = day_start(date.fromisoformat(day))
        return found
    return start_of


def agg_key(f: DossierFacts, start_of: Callable[[str], str]) -> tuple[Any, ...] | None:
    """The "agg" combination a dossier counts in; None when it needs its own row."""
    if (f.finished is None or f.received is None or f.timeline is not None or f.sup_count
            or f.forced_at is not None or f.payments is not None
            or f.complaints is not None):
        return None
    return (f.procedure, f.field, f.channel, start_of(f.received_day or ""),
            start_of(f.finished_day or ""), f.finish_kind, f.judged or "",
            start_of(f.returned_day) if f.returned_day else "", f.return_method or "",
            f.fee_paid, f.digitised, f.reused,
            "dissatisfied" if f.rating == "dissatisfied" else "", f.due)


def _full_row(row: tuple[Any, ...]) -> DossierFacts:
    return DossierFacts(*row)  # the columns are read in the dataclass's field order


class FactsCache:
    """The folded facts of every dossier, in a cache file beside the register."""

    def __init__(self, reg: Any, path: Path | None = None):
        self.reg = reg
        self.path = Path(path) if path else paths.report_cache_path(Path(reg.path))

    # --- the cache file -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=120, isolation_level=None)
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = OFF")  # derived data: a lost write is rebuilt
        con.execute("PRAGMA cache_size = -65536")
        con.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        self._tables(con)
        return con

    @staticmethod
    def _tables(con: sqlite3.Connection, drop: bool = False) -> None:
        if drop:
            for table in ("facts", "hot", "agg"):
                con.execute(f"DROP TABLE IF EXISTS {table}")
        cols = ", ".join(f"{c}{' UNIQUE' if c == 'uid' else ''}" for c in FACT_COLUMNS)
        con.execute(f"CREATE TABLE IF NOT EXISTS facts (rid INTEGER PRIMARY KEY, {cols})")
        con.execute(f"CREATE TABLE IF NOT EXISTS hot (rid INTEGER PRIMARY KEY, "
                    f"{', '.join(HOT_COLUMNS)})")
        key = ", ".join(AGG_KEY)
        con.execute(f"CREATE TABLE IF NOT EXISTS agg ({key}, n INTEGER NOT NULL, "
                    f"PRIMARY KEY ({key})) WITHOUT ROWID")
        # The reports that read full rows pick few of them: the late and open ones, the
        # rated and the complained-about.
        con.execute("CREATE INDEX IF NOT EXISTS ix_facts_finished ON facts (finished)")
        con.execute("CREATE INDEX IF NOT EXISTS ix_facts_rated ON facts (rated_at) "
                    "WHERE rated_at IS NOT NULL")
        con.execute("CREATE INDEX IF NOT EXISTS ix_facts_complaints ON facts (uid) "
                    "WHERE complaints IS NOT NULL")
        con.execute("CREATE INDEX IF NOT EXISTS ix_facts_late ON facts (finished) "
                    "WHERE judged = 'A'")

    @staticmethod
    def _meta(con: sqlite3.Connection) -> dict[str, str]:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())

    # --- bringing it up to date -------------------------------------------------------------

    def refresh(self, progress: Progress | None = None, cancelled: Cancelled | None = None
                ) -> RefreshStats:
        """Fold again every dossier with events the cache has not seen; rebuild if needed."""
        started = time.perf_counter()
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")  # one refresher at a time (the UI and the CLI)
            meta = self._meta(con)
            with db.read_session(self.reg.engine) as session:
                raw = session.connection().connection.driver_connection
                assert raw is not None
                head_row = raw.execute("SELECT max(seq) FROM events").fetchone()
                head = int(head_row[0] or 0)
                mark = int(meta.get("seq", 0))
                rebuild = (meta.get("version") != FACTS_VERSION
                           or meta.get("device_id") != self.reg.device_id or head < mark)
                if not rebuild and mark:
                    at_mark = raw.execute("SELECT uid FROM events WHERE seq = ?",
                                          (mark,)).fetchone()
                    rebuild = at_mark is None or at_mark[0] != meta.get("uid")
                if rebuild:
                    self._tables(con, drop=True)  # the fold or its columns may have changed
                    mark = 0
                if head == mark:
                    con.execute("COMMIT")
                    return RefreshStats(False, 0, 0, time.perf_counter() - started)
                dossiers, events = self._fold(raw, con, mark, progress, cancelled)
                head_uid = raw.execute("SELECT uid FROM events WHERE seq = ?",
                                       (head,)).fetchone()[0]
            con.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [
                ("version", FACTS_VERSION), ("device_id", self.reg.device_id),
                ("seq", str(head)), ("uid", head_uid)])
            con.execute("COMMIT")
            if dossiers > BATCH:  # a big fold: fold the WAL into the file now, not later
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()
        stats = RefreshStats(rebuild or mark == 0, dossiers, events,
                             time.perf_counter() - started)
        if stats.dossiers:
            log.info("report facts: %d dossiers folded from %d events in %.1f s%s",
                     stats.dossiers, stats.events, stats.seconds,
                     " (rebuilt)" if stats.rebuilt else "")
        return stats

    def _fold(self, raw: sqlite3.Connection, con: sqlite3.Connection, mark: int,
              progress: Progress | None, cancelled: Cancelled | None) -> tuple[int, int]:
        cols = "stream, kind, payload, actor, channel, occurred_at"
        order = "ORDER BY stream, hlc, device_id, uid"
        if mark == 0:
            total = int(raw.execute("SELECT count(*) FROM dossiers").fetchone()[0])
            sources: Iterable[Iterable[tuple[Any, ...]]] = [raw.execute(
                f"SELECT {cols} FROM events WHERE stream_type = 'dossier' {order}")]
        else:
            # No DISTINCT: SQLite would then scan the stream index instead of the seq range.
            touched = list(dict.fromkeys(r[0] for r in raw.execute(
                "SELECT stream FROM events WHERE seq > ? AND stream_type = 'dossier'",
                (mark,))))
            total = len(touched)

            def chunks() -> Iterator[Iterable[tuple[Any, ...]]]:
                for i in range(0, len(touched), CHUNK):
                    part = touched[i:i + CHUNK]
                    marks = ", ".join("?" * len(part))
                    yield raw.execute(f"SELECT {cols} FROM events WHERE stream IN ({marks}) "
                                      f"{order}", part)
            sources = chunks()
        insert = (f"INSERT OR REPLACE INTO facts (rid, {', '.join(FACT_COLUMNS)}) VALUES "
                  f"({', '.join('?' * (len(FACT_COLUMNS) + 1))})")
        insert_hot = (f"INSERT OR REPLACE INTO hot (rid, {', '.join(HOT_COLUMNS)}) VALUES "
                      f"({', '.join('?' * (len(HOT_COLUMNS) + 1))})")
        hot_index = [FACT_COLUMNS.index(c) for c in HOT_COLUMNS]
        next_rid = int(con.execute("SELECT coalesce(max(rid), 0) + 1 FROM facts").fetchone()[0])
        pending: list[DossierFacts] = []
        delta: dict[tuple[Any, ...], int] = {}  # agg combinations: dossiers in and out
        start_of = _day_starts()

        def flush() -> None:
            nonlocal next_rid
            known: dict[str, int] = {}
            if mark:
                uids = [f.uid for f in pending]
                marks = ", ".join("?" * len(uids))
                for row in con.execute(f"SELECT rid, {', '.join(FACT_COLUMNS)} FROM facts "
                                       f"WHERE uid IN ({marks})", uids).fetchall():
                    old = DossierFacts(*row[1:])
                    known[old.uid] = row[0]
                    key = agg_key(old, start_of)
                    if key is not None:
                        delta[key] = delta.get(key, 0) - 1
                if known:
                    rids = list(known.values())
                    con.execute(f"DELETE FROM hot WHERE rid IN ({', '.join('?' * len(rids))})",
                                rids)
            rows, hot = [], []
            for f in pending:
                rid = known.get(f.uid)
                if rid is None:
                    rid, next_rid = next_rid, next_rid + 1
                row = f.row()
                rows.append((rid, *row))
                key = agg_key(f, start_of)
                if key is None:
                    hot.append((rid, *(row[i] for i in hot_index)))
                else:
                    delta[key] = delta.get(key, 0) + 1
            con.executemany(insert, rows)
            con.executemany(insert_hot, hot)
            pending.clear()

        done = events = 0
        label = "Đang tổng hợp dữ liệu hồ sơ cho báo cáo…"
        for rows in sources:
            current: str | None = None
            batch: list[dict[str, Any]] = []
            for stream, kind, payload, actor, channel, occurred_at in rows:
                events += 1
                if stream != current:
                    if batch:
                        facts = fold_dossier(batch)
                        if facts is not None:
                            pending.append(facts)
                        done += 1
                        if len(pending) >= (BATCH if mark == 0 else CHUNK):
                            flush()
                            if cancelled is not None and cancelled():
                                raise ReportCancelled()
                            if progress is not None:
                                progress(done, total, label)
                    current, batch = stream, []
                batch.append({"stream": stream, "kind": kind, "payload": payload,
                              "actor": actor, "channel": channel, "occurred_at": occurred_at})
            if batch:
                facts = fold_dossier(batch)
                if facts is not None:
                    pending.append(facts)
                done += 1
        if pending:
            flush()
        key = ", ".join(AGG_KEY)
        con.executemany(
            f"INSERT INTO agg ({key}, n) VALUES ({', '.join('?' * (len(AGG_KEY) + 1))}) "
            f"ON CONFLICT ({key}) DO UPDATE SET n = n + excluded.n",
            [(*k, d) for k, d in delta.items() if d])
        if any(d < 0 for d in delta.values()):
            con.execute("DELETE FROM agg WHERE n <= 0")
        if progress is not None:
            progress(done, total, label)
        return done, events

    # --- reading ----------------------------------------------------------------------------

    def facts(self, kind: str = "all", params: ReportParams | None = None,
              cancelled: Cancelled | None = None) -> Iterator[DossierFacts]:
        """The facts a report of `kind` may need (call `refresh` first)."""
        hot = self.uses_hot(kind, params)
        where = f"({_WHERE[kind]})"
        agg_where = f"({_AGG_WHERE})"
        values: dict[str, Any] = {"start": params.start if params else "",
                                  "end": params.end if params else "~"}
        for name in ("procedure", "field"):
            if params is not None and getattr(params, name):
                where += f" AND {name} = :{name}"
                agg_where += f" AND {name} = :{name}"
                values[name] = getattr(params, name)
        if hot:
            as_hot = ", ".join(_AGG_AS_HOT.get(c, c) for c in HOT_COLUMNS)
            sql = (f"SELECT rid, '', {', '.join(HOT_COLUMNS)}, 1 FROM hot WHERE {where} "
                   f"UNION ALL SELECT NULL, '', {as_hot}, n FROM agg WHERE {agg_where}")
            make: Callable[[Any], Any] = _HOT_ROW._make
        else:
            sql = f"SELECT {', '.join(FACT_COLUMNS)} FROM facts WHERE {where}"
            make = _full_row
        con = self._connect()
        try:
            cursor = con.execute(sql, values)
            if cancelled is None:
                yield from map(make, cursor)
                return
            while True:
                rows = cursor.fetchmany(20_000)
                if not rows:
                    return
                if cancelled():
                    raise ReportCancelled()
                yield from map(make, rows)
        finally:
            con.close()


    def verify(self) -> list[str]:
        """Dossiers whose cached facts differ from a fresh fold of the register's events,
        and "(agg)" when the grouped counts do (for `motcua check`; refresh first). Empty
        when the cache is sound."""
        mem = sqlite3.connect(":memory:", isolation_level=None)
        try:
            self._tables(mem)
            with db.read_session(self.reg.engine) as session:
                raw = session.connection().connection.driver_connection
                assert raw is not None
                self._fold(raw, mem, 0, None, None)
            cols = ", ".join(FACT_COLUMNS)
            hot = ", ".join("h." + c for c in HOT_COLUMNS)
            fresh = {r[0]: r for r in mem.execute(f"SELECT {cols} FROM facts")}
            fresh_hot = {r[0]: r[1:] for r in mem.execute(
                f"SELECT f.uid, {hot} FROM hot h JOIN facts f ON f.rid = h.rid")}
            fresh_agg = {r[:-1]: r[-1] for r in mem.execute("SELECT * FROM agg")}
        finally:
            mem.close()
        con = self._connect()
        try:
            cached = {r[0]: r for r in con.execute(f"SELECT {cols} FROM facts")}
            cached_hot = {r[0]: r[1:] for r in con.execute(
                f"SELECT f.uid, {hot} FROM hot h JOIN facts f ON f.rid = h.rid")}
            cached_agg = {r[:-1]: r[-1] for r in con.execute("SELECT * FROM agg")}
        finally:
            con.close()
        wrong = sorted(uid for uid in fresh.keys() | cached.keys()
                       if fresh.get(uid) != cached.get(uid)
                       or fresh_hot.get(uid) != cached_hot.get(uid))
        if fresh_agg != cached_agg:
            wrong.append("(agg)")
        return wrong

    @staticmethod
    def uses_hot(kind: str, params: ReportParams | None) -> bool:
        """Whether `facts(kind, params)` reads the narrow rows (uid = the row id)."""
        return kind in _HOT_KINDS and not (params is not None and params.officer)

    def facts_of(self, uids: Iterable[str]) -> list[DossierFacts]:
        """The full facts of these dossiers (call `refresh` first)."""
        wanted = list(uids)
        found: list[DossierFacts] = []
        con = self._connect()
        try:
            for i in range(0, len(wanted), CHUNK):
                part = wanted[i:i + CHUNK]
                found += [DossierFacts(*r) for r in con.execute(
                    f"SELECT {', '.join(FACT_COLUMNS)} FROM facts "
                    f"WHERE uid IN ({', '.join('?' * len(part))})", part)]
        finally:
            con.close()
        return found


# --------------------------------------------------------------------------- the reports


def labels_of(reg: Any) -> Labels:
    """Field, procedure and exemption names from every catalogue version installed."""
    with db.read_session(reg.engine) as session:
        contents = session.connection().execute(select(RuleVersion.content).where(
            RuleVersion.kind == "catalogue")).scalars().all()
    return Labels.from_catalogues(json.loads(c) for c in contents)


def unsynced_dossiers(reg: Any) -> set[str]:
    """Dossiers whose receipt the province server has not acknowledged yet."""
    with db.read_session(reg.engine) as session:
        rows = session.connection().exec_driver_sql(
            "SELECT DISTINCT stream FROM events WHERE acked_at IS NULL AND kind = ?",
            (Kind.RECEIVED,)).all()
    return {r[0] for r in rows}


def compute(reg: Any, kind: str, params: ReportParams, *, cache: FactsCache | None = None,
            as_of: datetime | None = None, progress: Progress | None = None,
            cancelled: Cancelled | None = None, rules: IndexRules | None = None) -> Report:
    """One of the reports ("handling", "late", "index", "satisfaction", "fees") of a period.

    Open dossiers are judged at the end of the period, or at `as_of` (default: the
    register's clock) when that comes first. "Days late" count working days on the
    register's calendar.
    """
    if kind not in KINDS:
        raise RegisterError(f"Không có loại báo cáo {kind}.", f"No report kind {kind}.")
    cache = cache or FactsCache(reg)
    cache.refresh(progress, cancelled)
    if progress is not None:
        progress(0, 0, "Đang tính số liệu báo cáo…")
    now = utc_text(as_of or reg.clock())
    facts = cache.facts(kind, params, cancelled)
    labels = labels_of(reg)
    if kind == "handling":
        return compute_handling(facts, params, labels, as_of=now)
    if kind == "late":
        return compute_late(facts, params, labels, as_of=now, days=reg.calendar())
    if kind == "index":
        return compute_index(facts, params, rules or IndexRules.load(),
                             unsynced=cache.facts_of(unsynced_dossiers(reg)), as_of=now)
    if kind == "satisfaction":
        return compute_satisfaction(facts, params, labels)
    return compute_fees(facts, params, labels)


def report_meta(reg: Any, report: Report) -> dict[str, Any]:
    """Who made the report and when (JSON "meta"): never part of the figures compared."""
    info = reg.office()
    return {
        "source": "register", "device_id": reg.device_id, "office_name": info.office_name,
        "agency_id": info.agency_id, "commune": info.commune.name,
        "province": info.province.name, "generated_at": utc_text(reg.clock()),
        "officers": {a.username: a.full_name for a in reg.accounts()},
        "index_rules": getattr(report, "rules_version", None),
    }


def board_rows(reg: Any, now: datetime | None = None, cache: FactsCache | None = None
               ) -> list[BoardRow]:
    """The public board: open dossiers overdue now, names and numbers masked (Law 91/2025)."""
    cache = cache or FactsCache(reg)
    cache.refresh()
    return compute_board(cache.facts("board"), utc_text(now or reg.clock()), labels_of(reg),
                         reg.calendar())


__all__ = ["FACTS_VERSION", "FactsCache", "RefreshStats", "ReportCancelled", "board_rows",
           "compute", "labels_of", "report_meta", "unsynced_dossiers"]
