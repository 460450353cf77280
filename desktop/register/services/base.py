"""What every service of the register shares: its register's sessions, meta, clock and rules."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from desktop.register.catalogue import Catalogue
from desktop.register.writer import Writer

if TYPE_CHECKING:
    from desktop.register.calendar import WorkingCalendar
    from desktop.register.service import Register

Clock = Callable[[], datetime]


class Service:
    """A part of the register; reaches the others through `self.reg`."""

    def __init__(self, reg: Register):
        self.reg = reg

    @property
    def clock(self) -> Clock:
        return self.reg.clock

    @property
    def engine(self) -> Any:
        return self.reg.engine

    @property
    def device_id(self) -> str:
        return self.reg.device_id

    def _write(self) -> AbstractContextManager[Writer]:
        return self.reg._write()

    def _read(self) -> AbstractContextManager[Connection]:
        return self.reg._read()

    def _meta(self) -> dict[str, str]:
        return self.reg._meta()

    def _set_meta(self, conn: Connection, values: dict[str, str]) -> None:
        self.reg._set_meta(conn, values)

    def catalogue(self, on: date | None = None) -> Catalogue:
        return self.reg.rules.catalogue(on)

    def calendar(self) -> WorkingCalendar:
        return self.reg.rules.calendar()
