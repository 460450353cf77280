"""Build (once) a large synthetic register for the UI benchmark: a million dossiers, fast.

Dossiers are received through ``Register.receive_many`` (real codes, appointments, tracking
book entries and events). Their later steps (processed, returned, handed over, supplement)
are written with the register's own ``apply`` and projection functions, many per
transaction, because one transaction per step would take hours; the events and projections
are the same as the services would write. Old events are marked acknowledged by the server
so that "not synced" looks like an office that syncs every day.

Run: ``python -m bench.bigregister /tmp/motcua-bench/register.sqlite3 1000000``
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop.register.events import new_uid, utc_iso
from desktop.register.lifecycle import apply
from desktop.register.projection import load_dossier, save_dossier
from desktop.register.service import Register
from desktop.register.views import ApplicantInput, DossierInput
from sync.lifecycle import LOCAL_TZ, Kind, Status

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Lương"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Công", "Xuân", "Ngọc", "Đình"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Hồng", "Thanh", "Minh", "Kim", "Bích", "Diệu", "Khánh"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt", "Hiếu", "Khoa"]
GIVEN_F = ["Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Phương", "Thảo", "Trang", "Vy", "Yến", "Ngân", "Hằng", "Nhung", "Loan", "Quỳnh", "Dung", "Tuyết"]
STREETS = ("phố Huế", "phố Hàng Bạc", "đường Lê Lợi", "ngõ 12 Tràng Tiền", "phố Đinh Tiên Hoàng",
           "đường Trần Hưng Đạo", "phố Hàng Gai", "ngõ Hội Vũ")
UNITS = ("Công chức Tư pháp - Hộ tịch", "Công chức Văn hóa - Xã hội", "Phòng Kinh tế")
ACTORS = ("canbo1", "canbo2", "canbo3")


def person(rng: random.Random, born_from: int = 1950, born_to: int = 2005) -> ApplicantInput:
    female = rng.random() < 0.5
    year = rng.randint(born_from, born_to)
    name = " ".join((rng.choice(SURNAMES), rng.choice(MIDDLE_F if female else MIDDLE_M),
                     rng.choice(GIVEN_F if female else GIVEN_M)))
    century = 0 if year < 2000 else 2
    id_number = f"001{century + int(female)}{year % 100:02d}{rng.randrange(10**6):06d}"
    return ApplicantInput(
        full_name=name, id_number=id_number,
        birth_date=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
        sex="Nữ" if female else "Nam",
        phone=f"09{rng.randrange(10**8):08d}",
        address=f"Số {rng.randint(1, 200)} {rng.choice(STREETS)}")


def dossier_input(reg: Register, rng: random.Random, procedures: list) -> DossierInput:
    proc = rng.choice(procedures)
    fee = 0 if proc.fee.amount is None and not proc.fee.per_page else None
    return DossierInput(procedure_code=proc.code, applicant=person(rng),
                        documents=tuple(d.code for d in proc.documents if d.required),
                        fee_amount=fee, channel=3 if rng.random() < 0.05 else 1)


def later_steps(reg: Register, views: list, now: datetime, rng: random.Random) -> None:
    """Move most older dossiers to a returned result; leave recent ones in every state."""
    with reg._write() as w:
        for view in views:
            age = now - view.received_at
            roll = rng.random()
            steps: list[tuple[str, dict]] = []
            due = view.due_at or view.received_at
            if age > timedelta(days=20):
                if roll < 0.96:
                    steps = [(Kind.PROCESSED, {"outcome": "approved", "note": ""}),
                             (Kind.RETURNED, {"method": "desk", "postal": None}),
                             (Kind.RATED, {"rating": rng.choice(
                                 ("very_satisfied", "satisfied", "satisfied", "neutral"))})]
                elif roll < 0.985:
                    steps = [(Kind.PROCESSED, {"outcome": "approved", "note": ""})]
                elif roll < 0.993:
                    steps = [(Kind.WITHDRAWN, {"reason": "Công dân rút hồ sơ"})]
            else:
                if roll < 0.35:
                    steps = [(Kind.HANDED_OVER, {"from_unit": view.holder or "", "to_unit":
                                                 rng.choice(UNITS), "agency": False, "note": "",
                                                 "due_at": utc_iso(due)})]
                elif roll < 0.45:
                    steps = [(Kind.SUPPLEMENT_REQUESTED, {
                        "items": ["Bản sao giấy khai sinh"], "reason": "Thiếu giấy tờ",
                        "second_request_reason": "", "contact": ""})]
                elif roll < 0.75:
                    steps = [(Kind.PROCESSED, {"outcome": "approved", "note": ""})]
            if not steps:
                continue
            rowid, state = load_dossier(w.conn, view.uid)
            moment = min(view.received_at + timedelta(hours=2), now)
            for kind, payload in steps:
                rec = w.emit(view.uid, "dossier", kind, payload, rng.choice(ACTORS),
                             state["channel"], moment)
                new = apply(state, rec)
                save_dossier(w.conn, rowid, state, new)
                state = new
                moment = min(max(moment + timedelta(hours=1), due - timedelta(hours=1)), now)


def build(path: Path, count: int, *, seed: int = 2026, batch: int = 5000,
          now: datetime | None = None) -> Path:
    """Create `path` with `count` dossiers spread over the 500 days before `now`."""
    now = now or datetime.now(UTC)
    path.parent.mkdir(parents=True, exist_ok=True)
    reg = Register.open(path, auto_backup=False)
    try:
        if not reg.is_set_up():
            reg.setup_office(province_code=1, commune_code=70, agency_id="000.00.01.H29",
                             office_name="Bộ phận một cửa phường Hoàn Kiếm")
        if not reg.has_accounts():
            reg.create_account("admin", "Nguyễn Văn Quản", "admin", "matkhau123")
            reg.create_account("canbo1", "Trần Thị Hoa", "receiving", "matkhau123",
                               actor="admin", must_change_password=False)
        rng = random.Random(seed)
        procedures = list(reg.catalogue().procedures)
        start = now - timedelta(days=500)
        span = (now - start).total_seconds()
        instants = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))
        # Office hours only: 07:30–16:30 local.
        instants = [_office_hours(t, rng) for t in instants]
        instants.sort()
        t0 = time.monotonic()
        for i in range(0, count, batch):
            at = instants[i:i + batch]
            inputs = [dossier_input(reg, rng, procedures) for _ in at]
            views = reg.receive_many(inputs, rng.choice(ACTORS), at)
            later_steps(reg, views, now, rng)
            done = i + len(at)
            if done % 50_000 < batch:
                print(f"{done:,} dossiers, {time.monotonic() - t0:.0f} s", file=sys.stderr,
                      flush=True)
        cutoff = utc_iso(now - timedelta(days=2))
        with reg._write() as w:
            w.conn.exec_driver_sql(
                "UPDATE events SET acked_at = occurred_at WHERE occurred_at < ?", (cutoff,))
    finally:
        reg.close()
    con = sqlite3.connect(path)
    try:
        con.execute("ANALYZE")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return path


def _office_hours(t: datetime, rng: random.Random) -> datetime:
    local = t.astimezone(LOCAL_TZ)
    minutes = rng.randint(7 * 60 + 30, 16 * 60 + 30)
    local = local.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)
    return local.astimezone(UTC)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    path = Path(args[0]) if args else Path("/tmp/motcua-bench/register.sqlite3")
    count = int(args[1]) if len(args) > 1 else 1_000_000
    t = time.monotonic()
    build(path, count)
    print(f"built {path} with {count:,} dossiers in {time.monotonic() - t:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["Status", "build", "new_uid"]
