"""What the login needs to know about a register file before it is open: stdlib sqlite3 only.

Opening the register (importing SQLAlchemy, the schema check, perhaps a migration or an
integrity check) takes from a second to minutes on a large register. Whether the register is
set up with accounts, and the office's name, take a read-only query of a few milliseconds: the
desktop shows the login at once and opens the register in a worker while the officer types.
This module must stay free of SQLAlchemy and of the register's other modules.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger(__name__)

# PRAGMA application_id marks a file as a motcua register ("MCUA").
APPLICATION_ID = 0x4D435541
# A reader waits for a writer only while the WAL is being recovered; the login can do without.
PEEK_TIMEOUT_S = 0.2


class RegisterPeek(NamedTuple):
    """`ready_for_login`: a motcua register with its office declared and an account to log in
    with. False also when the file is missing or unreadable: the caller then waits for the
    register to open (first-start wizard, or the opening error in words).

    A NamedTuple rather than a dataclass: `dataclasses` (and the `inspect` it imports) would
    add ~5 ms before the first screen."""

    ready_for_login: bool
    office_name: str = ""


NOT_READY = RegisterPeek(False)


def peek(path: Path) -> RegisterPeek:
    """Read, without writing or locking, whether `path` is ready for a login."""
    if not path.is_file():
        return NOT_READY
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                              timeout=PEEK_TIMEOUT_S)
        try:
            if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                return NOT_READY
            meta = dict(con.execute(
                "SELECT key, value FROM meta WHERE key IN ('agency_id', 'office_name')"))
            account = con.execute("SELECT 1 FROM accounts LIMIT 1").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:  # an old schema, a damaged file: opening will tell
        log.info("register not peeked (%s); waiting for it to open", exc)
        return NOT_READY
    if "agency_id" not in meta or account is None:
        return NOT_READY
    return RegisterPeek(True, meta.get("office_name", ""))
