"""Alembic environment: runs the migrations on the URL the app configured.

``python -m bot db revision`` autogenerates through it too (``storage/revision.py``), on a
scratch SQLite database at head: types are compared, and operations rendered in batch mode
(SQLite alters a table by copying it), as the migrations run."""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool, text
from sqlmodel import SQLModel, create_engine

import storage.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("no sqlalchemy.url in Alembic's configuration (storage.db.alembic_config sets it)")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        is_pg = connection.dialect.name == "postgresql"
        if is_pg:
            # Several bot processes may start at once: one migrates, the others wait.
            connection.execute(text("SELECT pg_advisory_lock(726354)"))
            connection.commit()
        try:
            context.configure(
                connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if is_pg:
                connection.execute(text("SELECT pg_advisory_unlock(726354)"))
                connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
