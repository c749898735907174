"""The migrations build exactly the schema the models describe, on SQLite and
on PostgreSQL: nothing for autogenerate to add, drop or alter. They run here
for real, from an empty database (other tests start from a copy of a migrated
one, see tests/conftest.py)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import open_database


def test_migrations_match_the_models(empty_db_url):
    engine = open_database(empty_db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_the_migrated_database_the_tests_copy_matches_the_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() == _head()
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def _head() -> str:
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
