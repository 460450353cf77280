"""Deterministic synthetic demo data (`motcua demo-data N`) through the public register API.

The generator simulates a commune one-stop office (Phường Hoàn Kiếm, Hà Nội) from 1 January 2024
to 20 November 2026: applicants with Vietnamese names, 12-digit identification numbers that
agree with their birth date and sex, mobile numbers and two-level addresses file every procedure
of the catalogue through every channel, and their dossiers go through the lifecycle — hand-overs,
transfers to other agencies, supplements, payment requests, processing, return at the desk or
by post, refusal, withdrawal, stop, apology and extension, rating; more and more of them are
digitised on receipt, some reusing already-digitised data. Civil-status results are
written in their books and certifications get one number per certified document.

Everything is planned first, from ``random.Random(seed)`` and the register's own working-day
calendar, and then replayed in time order: receipts in batches (``Register.receive_many``), the
later steps one by one through the public lifecycle methods. The same seed gives the same names,
procedures, dates and states; only uuids and the real-time HLCs differ between runs. A step the
register refuses is a bug of this generator and is never caught.

Book entries follow the book kinds' field schemas in the catalogue: each story gives what it
knows under the schema's keys and every other field gets a value by its type, from a random
stream of its own (so the dossiers of a seed do not depend on the books' schemas).

Modules: ``tables`` (the office, the period, the stories' weights and texts), ``people``
(names, numbers, addresses), ``clock`` (office hours), ``dossiers`` (each procedure's data),
``books`` (entries completed from the schemas), ``stories`` (the later steps), ``runner``
(planning and replay; ``fill_demo``). The generator uses the register's public API only.
"""

from __future__ import annotations

from desktop.demo.runner import DemoGenerator, fill_demo, prepare_register
from desktop.demo.tables import DEFAULT_ACTORS, DEMO_END, DEMO_START, DemoDataError

__all__ = [
    "DEFAULT_ACTORS", "DEMO_END", "DEMO_START", "DemoDataError", "DemoGenerator", "fill_demo",
    "prepare_register",
]
