"""Register benchmark: insert rate, search latency against the raw FTS5 floor, rebuild, size.

    python -m bench.register --dossiers N [--path FILE] [--keep] [--fill bulk|demo] [--profile]

Prints one JSON object on stdout (progress goes to stderr). Everything goes through the real
register API on a real SQLite file with the production settings (WAL, synchronous=FULL):

- insert_per_s_batched: dossiers/s through Register.receive_many in batches of 1000 (each
  batch one transaction: events, projection, search index and tracking-book entry included);
- insert_per_s_single: dossiers/s through Register.receive, one transaction each, measured on a
  sample of 2000 (or N/5 when N is small);
- search_p50_ms / search_p95_ms: Register.search for 200 diacritic-free prefix queries built
  from the generated people ("nguyen van d", "tran thi h", "dang", id-number and phone
  prefixes); fts_floor_p95_ms: the same queries' MATCH strings run as a bare FTS5 query on the
  same file with the stdlib sqlite3 module; search_ratio_to_floor = search_p95 / floor_p95;
- rebuild_s: the projection rebuild inside Register.check() (check_s: the whole check);
- bytes_per_dossier: file size (with -wal, after a TRUNCATE checkpoint) / dossiers;
- loadavg_*: the 1-minute load average after the inserts and after the searches (the figures
  above are wall-clock times: other processes on the machine show in them).

Fill: "bulk" (default) receives random valid demo dossiers (names, numbers, procedures,
channels and dates as `motcua demo-data` makes them, no lifecycle steps) and those receipts
are the batched insert measurement; "demo" runs fill_demo(N) with its lifecycle steps first
and then measures the inserts on an extra sample appended to it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

BATCH = 1000
SINGLE_SAMPLE = 2000
QUERIES = 200
FLOOR_SQL = ("SELECT rowid FROM dossier_search WHERE dossier_search MATCH ? "
             "ORDER BY rowid DESC LIMIT 50")


def _log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def build_queries(people: list[tuple[str, str | None, str | None]], rng: random.Random
                  ) -> list[str]:
    """Diacritic-free prefix queries a clerk types, from (name, id number, phone) triples."""
    from desktop.register.textnorm import fold

    queries: list[str] = []
    kinds = (["family_middle_initial"] * 60 + ["family"] * 25 + ["full"] * 30
             + ["family_given_prefix"] * 25 + ["id_prefix"] * 30 + ["phone_prefix"] * 30)
    rng.shuffle(kinds)
    for kind in kinds:
        name, id_number, phone = rng.choice(people)
        words = fold(name).split()
        if kind == "family_middle_initial" and len(words) >= 3:
            q = f"{words[0]} {words[1]} {words[-1][0]}"  # "nguyen van d"
        elif kind == "family":
            q = words[0]  # "dang"
        elif kind == "full":
            q = " ".join(words)  # "nguyen van dung"
        elif kind == "family_given_prefix" and len(words) >= 2:
            q = f"{words[0]} {words[-1][:rng.randint(2, 3)]}"  # "tran hu"
        elif kind == "id_prefix" and id_number:
            q = id_number[:rng.randint(6, 9)]
        elif kind == "phone_prefix" and phone:
            q = phone[:rng.randint(5, 8)]
        else:
            q = " ".join(words)
        queries.append(q)
    return queries


def measure_search(reg: Any, path: Path, queries: list[str]) -> dict[str, Any]:
    from desktop.register.service import fts_query

    con = sqlite3.connect(path)
    with reg._read() as conn:  # the same MATCH text the register builds (vocabulary included)
        matches = [fts_query(q, conn) for q in queries]
    # Warm both paths first (page cache, statement caches), then time them query by query.
    for q, m in zip(queries, matches, strict=True):
        reg.search(q)
        con.execute(FLOOR_SQL, (m,)).fetchall()
    api, floor, hits = [], [], []
    for q, m in zip(queries, matches, strict=True):
        t = time.perf_counter()
        rows = reg.search(q)
        api.append((time.perf_counter() - t) * 1000)
        hits.append(len(rows))
        t = time.perf_counter()
        con.execute(FLOOR_SQL, (m,)).fetchall()
        floor.append((time.perf_counter() - t) * 1000)
    con.close()
    p95, floor_p95 = _percentile(api, 0.95), _percentile(floor, 0.95)
    return {
        "search_queries": len(queries),
        "search_p50_ms": round(_percentile(api, 0.5), 3),
        "search_p95_ms": round(p95, 3),
        "search_max_ms": round(max(api), 3),
        "fts_floor_p50_ms": round(_percentile(floor, 0.5), 3),
        "fts_floor_p95_ms": round(floor_p95, 3),
        "search_ratio_to_floor": round(p95 / floor_p95, 2) if floor_p95 else None,
        "search_mean_hits": round(statistics.fmean(hits), 1),
        "search_examples": queries[:6],
    }


class Filler:
    """Random valid dossiers from the demo generator, received batched or one by one."""

    def __init__(self, reg: Any, seed: int):
        from desktop.demo import DemoGenerator, prepare_register

        prepare_register(reg)
        self.reg = reg
        self.gen = DemoGenerator(reg, seed, ("bench.desk", "bench.officer"), 0.0)
        self.people: list[tuple[str, str | None, str | None]] = []
        self.insert_s = 0.0
        self.inserted = 0
        self.since: datetime | None = None  # receive nothing dated earlier (closed books)

    def receipts(self, count: int) -> list[tuple[Any, datetime]]:
        pairs: list[tuple[Any, datetime]] = []
        while len(pairs) < count:
            pairs += [p for p in self.gen.receipts(count - len(pairs))
                      if self.since is None or p[1] >= self.since]
        return sorted(pairs, key=lambda p: p[1])

    def _keep_people(self, inputs: list[Any]) -> None:
        for inp in inputs[:: max(1, len(inputs) // 50)]:
            a = inp.applicant
            if len(self.people) < 20_000:
                self.people.append((a.full_name, a.id_number, a.phone))

    def batched(self, count: int, profiler: cProfile.Profile | None = None,
                label: str = "") -> None:
        done = 0
        next_report = time.perf_counter() + 30
        while done < count:
            size = min(BATCH, count - done)
            pairs = self.receipts(size)
            inputs = [p[0] for p in pairs]
            self._keep_people(inputs)
            t = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            self.reg.receive_many(inputs, "bench.desk", [p[1] for p in pairs])
            if profiler is not None:
                profiler.disable()
            self.insert_s += time.perf_counter() - t
            done += size
            self.inserted += size
            if time.perf_counter() > next_report:
                next_report = time.perf_counter() + 30
                _log(f"{label}{done:,}/{count:,} received, "
                     f"{self.inserted / self.insert_s:,.0f}/s in receive_many")

    def single(self, count: int) -> float:
        pairs = self.receipts(count)
        self._keep_people([p[0] for p in pairs])
        t = time.perf_counter()
        for inp, at in pairs:
            self.reg.receive(inp, "bench.desk", at=at)
        return count / (time.perf_counter() - t)


def file_bytes(path: Path) -> int:
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}"))


def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    os.environ.setdefault("MOTCUA_HOME", str(workdir / "home"))
    from desktop.register.service import Register
    from sync.lifecycle import LOCAL_TZ

    path = Path(args.path) if args.path else workdir / "register.sqlite3"
    if path.exists():
        raise SystemExit(f"{path} exists; give a new file (the bench never overwrites one)")
    n = args.dossiers
    fill = args.fill
    single_n = min(SINGLE_SAMPLE, max(1, n // 5))
    result: dict[str, Any] = {"dossiers": 0}
    profiler = cProfile.Profile() if args.profile else None
    reg = Register.open(path, auto_backup=False)
    started = time.perf_counter()
    filler = Filler(reg, args.seed)
    if fill == "demo":
        from desktop.demo import fill_demo

        _log(f"fill_demo({n:,}) …")
        t = time.perf_counter()
        fill_demo(reg, n, seed=args.seed,
                  progress=lambda d, total: _log(f"demo {d:,}/{total:,}") if d % 10_000 == 0
                  else None)
        result["fill_demo_s"] = round(time.perf_counter() - t, 1)
        result["fill_demo_per_s"] = round(n / (time.perf_counter() - t), 1)
        with sqlite3.connect(path) as con:
            for (name, id_number, phone) in con.execute(
                    "SELECT applicant_name, applicant_id_number, applicant_phone FROM dossiers "
                    "ORDER BY random() LIMIT 5000"):
                filler.people.append((name, id_number, phone))
        extra_batched = 10 * BATCH
        # fill_demo closed the books of the years before the last one: receive in that one.
        filler.since = datetime(filler.gen.end.year, 1, 1, tzinfo=LOCAL_TZ)
        result["fill"] = (f"fill_demo({n}) with lifecycle, then {extra_batched} + {single_n} "
                          "random valid dossiers for the insert rates")
    else:
        extra_batched = n - single_n
        result["fill"] = ("bulk: random valid demo dossiers (no lifecycle steps), "
                          f"receive_many x{BATCH} for {extra_batched}, receive() for {single_n}")
    _log(f"receive_many, {extra_batched:,} dossiers in batches of {BATCH} …")
    filler.batched(extra_batched, profiler)
    result["insert_per_s_batched"] = round(filler.inserted / filler.insert_s, 1)
    result["loadavg_inserts"] = os.getloadavg()[0]
    _log(f"receive() x{single_n:,} …")
    result["insert_per_s_single"] = round(filler.single(single_n), 1)
    result["single_sample"] = single_n
    result["fill_total_s"] = round(time.perf_counter() - started, 1)
    result["dossiers"] = reg.count_dossiers()

    _log("search …")
    queries = build_queries(filler.people, random.Random(args.seed))
    result.update(measure_search(reg, path, queries))
    result["loadavg_searches"] = os.getloadavg()[0]

    _log("check (rebuild every projection from the events) …")
    t = time.perf_counter()
    report = reg.check()
    result["check_s"] = round(time.perf_counter() - t, 2)
    # The projection rebuild alone (dossiers and logbooks folded from the events and compared);
    # check_s also covers SQLite's integrity_check and every hash chain.
    result["rebuild_s"] = report.stats["projection_rebuild_seconds"]
    result["check_stage_s"] = report.stats["stage_seconds"]
    result["check_ok"] = report.ok
    if not report.ok:
        result["check_report"] = report.text("en")
    result["events"] = report.stats.get("events")
    result["logbook_entries"] = report.stats.get("entries")
    reg.close()

    size = file_bytes(path)
    result["file_bytes"] = size
    result["bytes_per_dossier"] = round(size / max(1, result["dossiers"]), 1)
    result["sqlite_version"] = sqlite3.sqlite_version
    result["python"] = platform.python_version()
    result["cpus"] = os.cpu_count()
    result["finished_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(15)
        print(out.getvalue(), file=sys.stderr)
    if args.keep or args.path:
        result["path"] = str(path)
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        result.pop("path", None)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.register", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, required=True, help="how many dossiers")
    parser.add_argument("--path", help="register file to create (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the register file")
    parser.add_argument("--fill", choices=("bulk", "demo"), default="bulk")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the batched inserts; top 15 by cumulative time to stderr")
    args = parser.parse_args(argv)
    if args.dossiers < 10:
        parser.error("--dossiers must be at least 10")
    print(json.dumps(run(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
