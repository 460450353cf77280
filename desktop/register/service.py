"""The local register of one office PC: a thin façade over its services.

`Register` opens the file and hands each call to the service named for it: dossiers
(receiving and lifecycle steps), books, accounts, rules (catalogue, calendar, office
settings) and search. Every write goes through the one writer (`writer.py`) in one short
transaction; when it commits, the `Changes` it made go to the listeners (`add_listener`):
the desktop re-emits them to every open view.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, event, select, text

from desktop import paths
from desktop.register import backup as backup_mod
from desktop.register import db, migrate
from desktop.register.errors import RegisterError, StorageError, ValidationError
from desktop.register.models import Meta
from desktop.register.office import OfficeInfo, commune, province, validate_agency_id
from desktop.register.services.accounts import AccountService
from desktop.register.services.books import ENTRIES_PER_PAGE, BookService
from desktop.register.services.dossiers import DossierService
from desktop.register.services.rules import RulesService, Settings
from desktop.register.services.search import (
    LONGEST_INDEXED_PREFIX,
    MAX_EXPANSION,
    SearchService,
    _add_search_terms,
    fts_query,
)
from desktop.register.validation import validate_text
from desktop.register.writer import Changes, Writer

__all__ = ["ENTRIES_PER_PAGE", "LONGEST_INDEXED_PREFIX", "MAX_EXPANSION", "Changes", "Register",
           "Settings", "fts_query"]

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Listener = Callable[[Changes], None]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Register:
    """The local register of one office PC. Open with `Register.open()`.

    The public methods are the services' own, bound here (a call goes straight to them).
    """

    def __init__(self, path: Path, engine: Any, clock: Clock):
        self.path = path
        self.engine = engine
        self.clock = clock
        self._meta_cache: dict[str, str] | None = None
        self._listeners: list[Listener] = []
        self.rules = rules = RulesService(self)
        self.dossiers = dossiers = DossierService(self)
        self.books = books = BookService(self)
        self.accounts_service = accounts = AccountService(self)
        self.finder = finder = SearchService(self)
        # rules: catalogue versions, working calendar, office settings
        self.settings = rules.settings
        self._install_bundled_rules = rules._install_bundled_rules
        self.install_catalogue = rules.install_catalogue
        self.catalogues = rules.catalogues
        self.catalogue = rules.catalogue
        self.calendar = rules.calendar
        self.calendar_overrides = rules.calendar_overrides
        self.set_calendar_override = rules.set_calendar_override
        self.set_cutoff_hour = rules.set_cutoff_hour
        self.set_head_name = rules.set_head_name
        # dossiers: receiving and the lifecycle
        self.receive = dossiers.receive
        self.receive_many = dossiers.receive_many
        self.hand_over = dossiers.hand_over
        self.request_supplement = dossiers.request_supplement
        self.receive_supplement = dossiers.receive_supplement
        self.refuse = dossiers.refuse
        self.request_financial = dossiers.request_financial
        self.record_fee_paid = dossiers.record_fee_paid
        self.process = dossiers.process
        self.return_result = dossiers.return_result
        self.reschedule = dossiers.reschedule
        self.withdraw = dossiers.withdraw
        self.stop = dossiers.stop
        self.rate = dossiers.rate
        self.complain = dossiers.complain
        self.correct_applicant = dossiers.correct_applicant
        self.record_printed = dossiers.record_printed
        self.get = dossiers.get
        self.history = dossiers.history
        # search: the list, the search field, the home counts
        self.search = finder.search
        self.count_dossiers = finder.count_dossiers
        self.list_dossiers = finder.list_dossiers
        self.count_matching = finder.count_matching
        self.home_counts = finder.home_counts
        self.open_dossiers_of = finder.open_dossiers_of
        self.known_applicant = finder.known_applicant
        # accounts
        self.has_accounts = accounts.has_accounts
        self.create_account = accounts.create_account
        self.authenticate = accounts.authenticate
        self.accounts = accounts.accounts
        self.change_password = accounts.change_password
        self.reset_password = accounts.reset_password
        self.set_role = accounts.set_role
        self.set_active = accounts.set_active
        self.account_changes = accounts.account_changes
        # books
        self.add_logbook_entry = books.add_logbook_entry
        self.certify = books.certify
        self.void_entry = books.void_entry
        self.correct_entry = books.correct_entry
        self.volumes_to_close = books.volumes_to_close
        self.close_year = books.close_year
        self.volumes = books.volumes
        self.entries = books.entries
        self.entry = books.entry

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, clock: Clock = _utc_now,
             auto_backup: bool = True, quick_check: bool = True) -> Register:
        """Open (creating or migrating) the register; back it up before any migration.

        `quick_check=False` checks only the file header at open; the caller then runs
        `db.quick_check` in the background (the desktop app does, on large registers).
        """
        path = Path(path) if path else paths.register_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        if quick_check:
            db.sanity_check_or_quarantine(path, paths.quarantine_dir())
        else:
            db.check_header(path)
        existed = path.exists() and path.stat().st_size > 0 and not _blank_database(path)
        if existed and not db.is_motcua_register(path):
            raise db.RegisterVersionError(
                f"Tệp {path} không phải là sổ đăng ký motcua.",
                f"{path} is not a motcua register.",
            )
        engine = db.make_engine(path)
        event.listen(engine, "connect", _add_search_terms)
        if migrate.needs_upgrade(engine):
            if existed:
                backup_mod.pre_migration_backup(path, paths.backup_dir(),
                                                migrate.current_revision(engine))
            migrate.upgrade(engine)
        reg = cls(path, engine, clock)
        reg._install_bundled_rules()
        if auto_backup and existed:
            try:
                backup_mod.auto_backup(path, paths.backup_dir(), clock())
            except (OSError, StorageError) as exc:  # a full disk must not stop the counter
                log.warning("automatic backup failed: %s", exc)
        return reg

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the one writer, and who hears what it changed -------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Writer]:
        """One write transaction through the one writer; its changes are published once it
        has committed (never for a write that failed)."""
        device_id = self.device_id
        with db.write_session(self.engine) as session:
            writer = Writer(session.connection(), device_id, self.clock())
            yield writer
            writer.finish()
        self.publish(writer.changes())

    def publish(self, changes: Changes) -> None:
        """Tell the listeners what a committed write changed (on the writing thread)."""
        if changes.settings:
            self._meta_cache = None
        self.rules.forget(changes)
        if not changes:
            return
        for listener in list(self._listeners):
            try:
                listener(changes)
            except Exception:  # a listener's bug must not undo or hide a committed write
                log.exception("a change listener failed")

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(changes)` after every committed write, local or pulled. It runs on
        the thread that wrote: a UI hands it over to its own thread."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with db.read_session(self.engine) as session:
            yield session.connection()

    # --- meta, office ----------------------------------------------------------------------

    def _meta(self) -> dict[str, str]:
        if self._meta_cache is None:
            with self._read() as conn:
                self._meta_cache = dict(conn.execute(select(Meta.key, Meta.value)).all())
        return self._meta_cache

    def _set_meta(self, conn: Connection, values: dict[str, str]) -> None:
        for key, value in values.items():
            conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                         {"k": key, "v": value})
        self._meta_cache = None

    @property
    def device_id(self) -> str:
        return self._meta()["device_id"]

    def is_set_up(self) -> bool:
        return "agency_id" in self._meta()

    def setup_office(self, *, province_code: int, commune_code: int, agency_id: str,
                     office_name: str, device_slot: int = 1) -> OfficeInfo:
        """First start: which commune this register serves, and its agency electronic id."""
        prov = province(int(province_code))
        com = commune(int(commune_code), prov.code)
        agency = validate_agency_id(agency_id)
        name = validate_text(office_name, field="office_name", max_len=200, required=True)
        if not 1 <= int(device_slot) <= 9:
            raise ValidationError("Số máy phải từ 1 đến 9.", "Device slot must be 1 to 9.",
                                  field="device_slot")
        with self._write() as w:
            w.touch(settings=True)
            self._set_meta(w.conn, {
                "province_code": str(prov.code), "commune_code": str(com.code),
                "agency_id": agency, "office_name": name, "device_slot": str(int(device_slot)),
            })
        return self.office()

    def office(self) -> OfficeInfo:
        m = self._meta()
        if "agency_id" not in m:
            raise RegisterError("Chưa khai báo thông tin cơ quan.", "The office is not set up.")
        prov = province(int(m["province_code"]))
        return OfficeInfo(prov, commune(int(m["commune_code"])), m["agency_id"],
                          m["office_name"], m["device_id"], int(m["device_slot"]))

    # --- maintenance -------------------------------------------------------------------------

    def check(self) -> Any:
        """SQLite integrity, hash chains and projections rebuilt from events (motcua check)."""
        from desktop.register.check import run_check

        return run_check(self.engine)

    def backup(self, dest: Path) -> Path:
        """A consistent copy while the register is in use (SQLite online backup)."""
        return backup_mod.online_backup(self.path, Path(dest))


def _blank_database(path: Path) -> bool:
    """An SQLite file without any table: what a first start killed before the schema was
    committed leaves behind. There is nothing in it to lose, so it is set up as new."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False
