"""The engine, sessions and migrations.

``make_engine`` builds an engine for a SQLAlchemy URL (SQLite gets WAL, a busy
timeout and foreign keys); ``session_scope`` is a unit of work that commits or
rolls back as a whole (``storage.runner.Runner`` runs and retries them);
``upgrade`` applies the Alembic migrations.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import event
from sqlalchemy.engine import URL, CursorResult, Engine, Result, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, create_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_LOCK_WAIT_MS = 30_000  # how long a SQLite transaction waits for another's write lock
_Row = TypeVar("_Row", bound=SQLModel)


def _create_private(path: Path) -> None:
    """Create a SQLite database file readable by its owner only (SQLite gives its WAL and
    shared-memory files the same permissions): it holds staff names and Telegram ids."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


def make_engine(url: str, *, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and parsed.query.get("mode") != "memory":
            _create_private(Path(parsed.database).expanduser())
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_LOCK_WAIT_MS}")
            if parsed.database and parsed.database != ":memory:":
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # No ping before each checkout (a round trip a transaction): a connection found dead is
    # invalidated with the rest of the pool, and the transactions run once more
    # (storage.runner.Runner.run).
    engine = create_engine(url, echo=echo, pool_size=10, max_overflow=10)
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


def make_async_engine(engine: Engine):
    """For a server database: an asyncio engine on the same server and settings as ``engine``, for
    the handlers' transactions (their statements wait on the event loop, not on threads).

    It runs on asyncpg, which costs less CPU a statement than psycopg's asyncio connection
    (bench/throughput.py; figures in bench/README.md), unless the URL carries an option asyncpg does not take
    (see ``asyncpg_url``): then on psycopg, like the rest of the application."""
    from sqlalchemy.ext.asyncio import create_async_engine

    url = asyncpg_url(engine.url)
    connect_args = {"async_creator_fn": _asyncpg_connect} if url is not None else {}
    async_engine = create_async_engine(url or engine.url, pool_size=10, max_overflow=10, connect_args=connect_args)
    event.listen(async_engine.sync_engine, "before_cursor_execute", _without_nul, retval=True)
    return async_engine


# libpq's URL options (as psycopg reads them) that asyncpg takes, under its own names.
_ASYNCPG_OPTIONS = {"host": "host", "port": "port", "sslmode": "ssl"}


def asyncpg_url(url: URL) -> URL | None:
    """``url`` (PostgreSQL through psycopg) for asyncpg; None when asyncpg is not installed or the
    URL has an option it does not take."""
    if url.get_backend_name() != "postgresql" or any(key not in _ASYNCPG_OPTIONS for key in url.query):
        return None
    try:
        import asyncpg  # noqa: F401
    except ImportError:
        return None
    return url.set(
        drivername="postgresql+asyncpg", query={_ASYNCPG_OPTIONS[key]: value for key, value in url.query.items()}
    )


async def _asyncpg_connect(*args, **kwargs):
    """asyncpg's connect, its errors raised as the DBAPI's OperationalError. SQLAlchemy passes
    asyncpg's errors while connecting (refused, the database not accepting connections, too many
    clients) on untranslated, unlike those of a connection in use; translated, they reach the
    error handler as psycopg's do: the database is unavailable."""
    import asyncpg
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi

    try:
        return await asyncpg.connect(*args, **kwargs)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:  # OSError: refused, timed out
        raise AsyncAdapt_asyncpg_dbapi.OperationalError(f"{type(error).__name__}: {error}") from error


def _clean(value):
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


def _without_nul(_conn, _cursor, statement, parameters, _context, executemany):
    """PostgreSQL refuses the NUL character in text, which SQLite and users'
    messages allow: drop it from every string parameter."""
    if isinstance(parameters, dict):
        parameters = {k: _clean(v) for k, v in parameters.items()}
    elif isinstance(parameters, (list, tuple)):
        parameters = type(parameters)(
            {k: _clean(v) for k, v in p.items()}
            if isinstance(p, dict)
            else type(p)(_clean(v) for v in p)
            if isinstance(p, (list, tuple))
            else _clean(p)
            for p in parameters
        )
    return statement, parameters


@contextmanager
def session_scope(engine: Engine, *, wait_for_locks: bool = True) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception.

    ``wait_for_locks=False`` (SQLite): fail at once, with an error :func:`is_lock_conflict`
    recognises, rather than wait while another connection holds the write lock."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            if engine.dialect.name == "sqlite":
                _lock_wait(session, SQLITE_LOCK_WAIT_MS if wait_for_locks else 0)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _lock_wait(session: Session, ms: int) -> None:
    """How long this transaction's SQLite connection waits for another's write lock. Remembered
    with the pooled connection, so a transaction pays a statement only when the wait changes."""
    connection = session.connection().connection  # the pooled DBAPI connection
    if connection.info.get("busy_timeout") != ms:
        driver = connection.driver_connection
        assert driver is not None  # a pooled connection in use has its driver's
        driver.execute(f"PRAGMA busy_timeout={ms}")
        connection.info["busy_timeout"] = ms


def is_lock_conflict(error: BaseException) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY and its variants, SQLITE_LOCKED): another
    connection holds a lock this transaction needed; the transaction can be run again."""
    if not isinstance(error, OperationalError):
        return False
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (5, 6)


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` (idempotent)."""
    from alembic import command

    make_engine(url).dispose()  # creates the SQLite folder when needed
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        # Several processes may start on one file: one migrates, the others
        # wait (PostgreSQL uses an advisory lock, see migrations/env.py).
        import fcntl

        lock_path = Path(parsed.database).expanduser().with_suffix(".migrate.lock")
        with os.fdopen(os.open(lock_path, os.O_CREAT | os.O_WRONLY, 0o600), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            command.upgrade(alembic_config(url), revision)
        return
    command.upgrade(alembic_config(url), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def open_database(url: str) -> Engine:
    """Bring the schema up to date, then return an engine."""
    upgrade(url)
    return make_engine(url)


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched: ``Session.execute`` gives its result as a ``Result``,
    which for these statements is a ``CursorResult``."""
    return cast(CursorResult[Any], result).rowcount


def get_row(session: Session, model: type[_Row], row_id: Any) -> _Row:
    """The row of ``model`` with this id, one a foreign key says is there."""
    row = session.get(model, row_id)
    if row is None:
        raise LookupError(f"no {model.__name__} {row_id!r}")
    return row
