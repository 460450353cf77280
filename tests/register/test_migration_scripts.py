"""The register finds its schema head without importing Alembic; that shortcut must agree with it."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from desktop.register import migrate


def test_the_head_read_from_file_names_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()


def test_every_migration_file_is_a_known_revision_and_no_other() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.known_revisions() == {rev.revision for rev in script.walk_revisions()}
