"""The demo generator: plans every dossier from one seed, then replays them on a register."""

from __future__ import annotations

import dataclasses
import heapq
import random
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from desktop.demo.books import BookFiller
from desktop.demo.clock import OfficeClock
from desktop.demo.dossiers import Builders, Case, Skeleton, Step
from desktop.demo.people import People
from desktop.demo.stories import Stories
from desktop.demo.tables import (
    AGENCY_ID,
    BATCH_SIZE,
    COMMUNE_CODE,
    DEFAULT_ACTORS,
    DEMO_END,
    DEMO_HISTORY_VERSION,
    DEMO_START,
    DIGITISED_SHARE,
    FINANCIAL_PROCEDURES,
    FULL_LIFECYCLE_UP_TO,
    NO_ONLINE,
    OFFICE_NAME,
    OPEN_SCENARIOS,
    POPULARITY,
    PROVINCE_CODE,
    REUSED_SHARE,
    SCENARIOS,
    TET_WINDOWS,
    TRANSFER_AGENCIES,
    WINDOWS,
    DemoDataError,
    fmt_date,
)
from desktop.register.service import Register
from desktop.register.views import DossierInput
from sync.lifecycle import LOCAL_TZ


class DemoGenerator:
    """Plans and replays the demo office's history on one register."""

    def __init__(self, reg: Register, seed: int, actors: Sequence[str],
                 lifecycle_share: float, batch_size: int = BATCH_SIZE):
        if not actors:
            raise ValueError("actor_pool must name at least one officer")
        self.reg = reg
        self.rng = random.Random(seed)
        # Digitisation is drawn from a stream of its own: the main stream, and so every
        # other figure of a seed's demo office, stays as it was before it was recorded.
        self.digital_rng = random.Random(f"digitisation-{seed}")
        self.people = People(self.rng)
        self.clock = OfficeClock(reg, self.rng)
        self.cal = self.clock.cal
        half = max(1, (len(actors) + 1) // 2)
        self.desk = tuple(actors[:half])
        self.specialists = tuple(actors[half:]) or self.desk
        self.lifecycle_share = lifecycle_share
        self.batch_size = batch_size
        self.end = min(DEMO_END, reg.clock().astimezone(LOCAL_TZ))
        self.office_name = reg.office().office_name
        catalogue = reg.catalogue(self.end.date())
        self.codes = [p.code for p in catalogue.procedures]
        self.popularity = [POPULARITY.get(c, 1.0) for c in self.codes]
        # Book entries' extra values come from a stream of their own, like digitisation.
        self.books = BookFiller(random.Random(f"books-{seed}"))
        self.builders = Builders(self.rng, self.people, self.books)
        self.stories = Stories(self.rng, self.clock, self.people, self._desk, self.specialists,
                               self.office_name)
        self._seq = 0
        self.stats: dict[str, int] = {"dossiers": 0, "steps": 0}

    # --- skeletons

    def skeletons(self, n: int) -> list[Skeleton]:
        out = [self._forced(item) for item in coverage(self.codes)[:n]]
        while len(out) < n:
            out.append(self._random())
        out.sort(key=lambda s: s.at)
        return out

    def _forced(self, item: tuple[str, int, str, str]) -> Skeleton:
        code, channel, scenario, window = item
        at = self._receipt_in(window, channel)
        return Skeleton(at, code, channel, scenario, True, force_rate=scenario == "standard")

    def _random(self) -> Skeleton:
        rng = self.rng
        scenario = rng.choices([s for s, _ in SCENARIOS], [w for _, w in SCENARIOS])[0]
        eligible = [(c, w) for c, w in zip(self.codes, self.popularity, strict=True)
                    if scenario_allows(scenario, c)]
        code = rng.choices([c for c, _ in eligible], [w for _, w in eligible])[0]
        channel = self._channel(code)
        if scenario in OPEN_SCENARIOS:
            window = "overdue"
        elif rng.random() < 0.06:
            window = rng.choice(tuple(TET_WINDOWS))
        else:
            window = "any"
        lifecycle = rng.random() < self.lifecycle_share
        return Skeleton(self._receipt_in(window, channel), code, channel, scenario, lifecycle)

    def _channel(self, code: str) -> int:
        allowed = [(1, 70.0)]
        if code not in NO_ONLINE:
            allowed.append((2, 22.0))
        if postal_receipt_allowed(code):
            allowed.append((3, 8.0))
        return self.rng.choices([c for c, _ in allowed], [w for _, w in allowed])[0]

    def _receipt_in(self, window: str, channel: int) -> datetime:
        if window == "any":
            lo, hi = DEMO_START.date(), self.end.date()
        else:
            lo, hi = WINDOWS[window]
            hi = min(hi, self.end.date())
        day = lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))
        moment = self.clock.receipt(day, channel)
        if moment > self.end:  # a working day after the end: take the last working day
            day = hi
            while not self.cal.is_working_day(day):
                day -= timedelta(days=1)
            moment = datetime.combine(day, time(9, 0), LOCAL_TZ)
        return moment

    def receipts(self, count: int) -> list[tuple[DossierInput, datetime]]:
        """`count` random valid dossiers to receive, without lifecycle (bench filler)."""
        cases = []
        for _ in range(count):
            sk = self._random()
            sk.lifecycle = False
            cases.append(self.case(sk))
        cases.sort(key=lambda c: c.skeleton.at)
        return [(c.inp, c.skeleton.at) for c in cases]

    # --- cases

    def case(self, sk: Skeleton) -> Case:
        catalogue = self.reg.catalogue(sk.at.date())
        proc = catalogue.procedure(sk.procedure)
        on = sk.at.date()
        email_rate = 0.35 if sk.channel == 2 else 0.03
        # Book entries are only written by lifecycle steps: no schema work for the others.
        kind = catalogue.book_kind(proc.book_kind) if proc.book_kind and sk.lifecycle else None
        applicant, extra = self.builders.build(proc, on, email_rate, kind)
        known = {d.code for d in proc.documents}
        docs = set(extra.pop("documents", ())) & known
        docs.update(d.code for d in proc.documents if d.required)
        representative = None
        authorisation = ""
        if ("van_ban_uy_quyen" in known
                and proc.code not in ("marriage_registration",) and self.rng.random() < 0.08):
            representative = self.people.person(on, age=(22, 65))
            authorisation = (f"Văn bản ủy quyền chứng thực ngày "
                             f"{fmt_date(on - timedelta(days=self.rng.randint(1, 20)))} tại "
                             "Ủy ban nhân dân phường Hoàn Kiếm")
            docs.add("van_ban_uy_quyen")
        fee_paid = extra.pop("fee_paid", None)
        if fee_paid is None:
            fee_paid = self.rng.random() < (0.85 if sk.channel == 1 else 0.7)
        if sk.scenario in ("financial", "financial_pending"):
            fee_paid = False
        fields = extra.pop("input", {})
        if fields.get("appointment_reason"):
            # The officer gives a later appointment (many copies, many pages), within the
            # extension the catalogue allows.
            ext = proc.processing.max_extension
            base = self.stories.appointment(proc, sk.at)
            fields["appointment_at"] = datetime.combine(
                self.cal.add_working_days(base.date(), ext.amount if ext else 2), base.timetz())
        year = min(sk.at.year, max(DIGITISED_SHARE))
        scanned, reusing = self.digital_rng.random(), self.digital_rng.random()
        digitised = sk.channel == 2 or scanned < DIGITISED_SHARE.get(year, 0.0)
        inp = DossierInput(
            procedure_code=proc.code,
            applicant=applicant.applicant(),
            channel=sk.channel,
            representative=representative.applicant() if representative else None,
            authorisation=authorisation,
            documents=tuple(sorted(docs)),
            fee_paid=fee_paid,
            digitised=digitised,
            reused_data=digitised and reusing < REUSED_SHARE.get(year, 0.0),
            received_at=sk.at if sk.channel == 3 else None,
            **fields,
        )
        steps = self.stories.plan(sk, proc, inp, applicant, extra) if sk.lifecycle else []
        return Case(sk, inp, [s for s in steps if s.at <= self.end])

    def _desk(self, day: date) -> str:
        return self.desk[day.toordinal() % len(self.desk)]

    # --- replay

    def run(self, n: int, progress: Callable[[int, int], None] | None = None) -> int:
        skeletons = self.skeletons(n)
        pending: list[tuple[float, int, Case, Step]] = []
        batch: list[Case] = []
        batch_actor = ""
        done = 0
        for sk in skeletons:
            actor = self._desk(sk.at.date())
            if batch and (len(batch) >= self.batch_size or actor != batch_actor):
                self._receive(batch, batch_actor, pending)
                done += len(batch)
                if progress:
                    progress(done, n)
                batch = []
            batch_actor = actor
            batch.append(self.case(sk))
        if batch:
            self._receive(batch, batch_actor, pending)
            done += len(batch)
        self._drain(pending, None)
        if progress:
            progress(done, n)
        self._close_past_years()
        return done

    def _receive(self, batch: list[Case], actor: str,
                 pending: list[tuple[float, int, Case, Step]]) -> None:
        views = self.reg.receive_many([c.inp for c in batch], actor,
                                      [c.skeleton.at for c in batch])
        for case, view in zip(batch, views, strict=True):
            if view.warnings:
                raise DemoDataError(
                    "Dữ liệu mẫu sinh ra có cảnh báo: "
                    + "; ".join(w.message_vi for w in view.warnings),
                    "The demo generator produced data with warnings: "
                    + "; ".join(w.message_en for w in view.warnings))
            case.code = view.code
            for step in case.steps:
                self._seq += 1
                heapq.heappush(pending, (step.at.timestamp(), self._seq, case, step))
        self.stats["dossiers"] += len(batch)
        self._drain(pending, batch[-1].skeleton.at.timestamp())

    def _drain(self, pending: list[tuple[float, int, Case, Step]], until: float | None) -> None:
        """Run every planned step up to `until` (all when None), oldest first."""
        reg = self.reg
        while pending and (until is None or pending[0][0] <= until):
            _, _, case, step = heapq.heappop(pending)
            assert case.code is not None
            method = getattr(reg, step.method)
            at = step.at.astimezone(UTC)
            if step.method in ("add_logbook_entry", "certify"):
                method(*step.args, dossier_ref=case.code, at=at, **step.kwargs)
            else:
                method(case.code, *step.args, at=at, **step.kwargs)
            self.stats["steps"] += 1

    def _close_past_years(self) -> None:
        """Year-end closing (khóa sổ) of the books of every year that has ended."""
        for year in range(DEMO_START.year, self.end.year):
            kinds = {v.book_kind for v in self.reg.volumes(year=year) if v.closed_at is None}
            for kind in sorted(kinds):
                self.reg.close_year(kind, year, self.specialists[0])



def postal_receipt_allowed(code: str) -> bool:
    """Procedures filed by post: those that need no personal presence (Decision 45/2016)."""
    return code in ("marital_status_confirmation", "civil_status_extract_copy",
                    "monthly_social_allowance", "household_business_registration")


def scenario_allows(scenario: str, code: str) -> bool:
    """Which stories make sense for which procedure."""
    if scenario in ("supplement", "second_supplement", "supplement_pending", "rescheduled"):
        return code in ("marital_status_confirmation", "parent_child_recognition",
                        "guardianship_registration", "guardianship_termination",
                        "civil_status_change", "birth_reregistration",
                        "contract_certification", "monthly_social_allowance",
                        "household_business_registration")
    if scenario in ("financial", "financial_pending"):
        return code in FINANCIAL_PROCEDURES
    if scenario in ("transfer", "transfer_open"):
        return code in TRANSFER_AGENCIES
    return True


def coverage(codes: Sequence[str]) -> list[tuple[str, int, str, str]]:
    """Dossiers that are always made first: every procedure, channel, story and Tết."""
    years = ("y2024", "y2025", "y2026")
    items = [(code, 1, "standard", years[i % 3]) for i, code in enumerate(codes)]
    known = set(codes)
    wanted = [
        ("marital_status_confirmation", 3, "standard", "y2025"),  # by post, returned by post
        ("civil_status_extract_copy", 2, "standard", "y2026"),  # online
        ("certified_copy", 1, "refused", "y2024"),
        ("marital_status_confirmation", 1, "supplement", "y2025"),
        ("civil_status_change", 1, "second_supplement", "y2026"),
        ("household_business_registration", 1, "financial", "y2025"),
        ("marital_status_confirmation", 1, "transfer", "y2026"),
        ("parent_child_recognition", 1, "rescheduled", "y2024"),
        ("marital_status_confirmation", 2, "withdrawn", "y2025"),
        ("contract_certification", 1, "stopped", "y2026"),
        ("guardianship_registration", 1, "late", "y2024"),
        ("birth_registration", 1, "processed_waiting", "y2026"),
        ("birth_registration", 1, "standard", "tet2024"),
        ("certified_copy", 2, "standard", "tet2025"),
        ("death_registration", 1, "standard", "tet2026"),
        ("signature_certification", 1, "overdue_open", "overdue"),
        ("birth_reregistration", 1, "supplement_pending", "overdue"),
        ("contract_certification", 1, "financial_pending", "overdue"),
        ("household_business_registration", 3, "transfer_open", "overdue"),
        ("monthly_social_allowance", 3, "standard", "y2024"),
        ("marriage_registration", 2, "standard", "y2025"),
        ("certified_copy", 1, "standard", "recent"),
    ]
    items += [w for w in wanted if w[0] in known]
    return items


def install_demo_history(reg: Register) -> None:
    """Make a catalogue version in force from DEMO_START, if none is (demo registers only)."""
    oldest = min(reg.catalogues(), key=lambda c: c.effective_from)
    if oldest.effective_from <= DEMO_START.date():
        return
    history = dataclasses.replace(
        oldest, version=DEMO_HISTORY_VERSION, effective_from=DEMO_START.date(),
        legal_basis=(f"Dữ liệu mẫu (motcua demo-data): bản sao của danh mục {oldest.version} "
                     f"áp dụng lùi từ ngày {fmt_date(DEMO_START.date())} để hồ sơ mẫu trải ba năm. "
                     "Không phải danh mục thủ tục có giá trị pháp lý."))
    reg.install_catalogue(history)


def prepare_register(reg: Register) -> None:
    """Set up the demo office when the register has none, and the demo-history catalogue."""
    if not reg.is_set_up():
        reg.setup_office(province_code=PROVINCE_CODE, commune_code=COMMUNE_CODE,
                         agency_id=AGENCY_ID, office_name=OFFICE_NAME)
    install_demo_history(reg)


def fill_demo(reg: Register, n: int, *, seed: int = 2026,
              actor_pool: Sequence[str] = DEFAULT_ACTORS,
              lifecycle_share: float | None = None, batch_size: int = BATCH_SIZE,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Fill `reg` with `n` deterministic demo dossiers; returns how many were made.

    Sets up the office (Phường Hoàn Kiếm, Hà Nội, agency 000.00.01.H29) when it is not set up,
    and installs a demo-history catalogue version so that dossiers from 1 January 2024 can be
    received. `actor_pool`: officer user names; the first half work at the desk (one per day),
    the rest process dossiers. `lifecycle_share`: the share of dossiers (beyond the ones that
    cover every procedure, channel and state) that get lifecycle steps after receipt; by
    default all of them up to FULL_LIFECYCLE_UP_TO dossiers, and that many in total above it,
    because each step is its own durable transaction.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    prepare_register(reg)
    if lifecycle_share is None:
        lifecycle_share = 1.0 if n <= FULL_LIFECYCLE_UP_TO else FULL_LIFECYCLE_UP_TO / n
    generator = DemoGenerator(reg, seed, actor_pool, lifecycle_share, batch_size)
    return generator.run(n, progress)
