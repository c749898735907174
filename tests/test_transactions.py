"""Where a handler's transaction runs (``storage.runner.Runner.transaction``).

On SQLite a quick transaction runs on the event loop and does not wait for the
write lock: when another connection holds it, the attempt is rolled back and
the work runs again on the database thread, which waits, while the event loop
goes on serving other updates. These tests use their own SQLite file whatever
database the suite runs on.

On a server database the handlers' transactions go through an asyncio engine
on asyncpg; the last tests need no server."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.context import BotData
from bot.settings import Settings
from handlers.errors import database_unavailable
from storage.db import SQLITE_LOCK_WAIT_MS, asyncpg_url, is_lock_conflict, make_engine, session_scope
from storage.updates import claim_update
from tests.conftest import migrated_sqlite

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def sqlite_engine(path):
    engine = make_engine(migrated_sqlite(path))
    with engine.connect():  # the first connection turns on WAL, as the running bot's has
        pass
    return engine


@pytest.fixture
async def sqlite_data(tmp_path):
    data = BotData()
    data.settings = Settings.from_env(_env_file=None)
    data.engine = sqlite_engine(tmp_path / "bot.db")
    data.open_db()
    yield data
    await data.close_db()
    data.engine.dispose()


def claimed(data: BotData) -> list[int]:
    with session_scope(data.engine) as session:
        return [row[0] for row in session.execute(text("SELECT update_id FROM handled_update ORDER BY 1"))]


async def test_a_quick_transaction_runs_on_the_event_loop(sqlite_data):
    where = []

    def work(session):
        where.append(threading.current_thread())
        return claim_update(session, update_id=1, at=AT)

    assert await sqlite_data.db.transaction(work) is True
    assert where == [threading.main_thread()]
    assert claimed(sqlite_data) == [1]


async def test_a_held_write_lock_moves_the_work_to_the_database_thread_and_the_loop_stays_free(sqlite_data, tmp_path):
    holder = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    where: list[str] = []
    waiting = threading.Event()

    def work(session):
        where.append(threading.current_thread().name)
        if threading.current_thread() is not threading.main_thread():
            waiting.set()
        return claim_update(session, update_id=7, at=AT)

    task = asyncio.create_task(sqlite_data.db.transaction(work))
    assert await asyncio.to_thread(waiting.wait, 10), "the work never reached the database thread"
    # The event loop is not blocked: other work goes on while the thread waits for the lock.
    assert await sqlite_data.db.transaction(lambda session: session.execute(text("SELECT 1")).scalar()) == 1
    assert not task.done()
    holder.execute("COMMIT")
    holder.close()
    assert await task is True
    assert where[0] == threading.main_thread().name and where[1].startswith("db")
    assert claimed(sqlite_data) == [7]  # written once: the first attempt was rolled back


async def test_other_errors_are_not_retried(sqlite_data):
    calls = []

    def work(session):
        calls.append(1)
        claim_update(session, update_id=3, at=AT)
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        await sqlite_data.db.transaction(work)
    assert calls == [1]
    assert claimed(sqlite_data) == []


def test_a_connection_waits_for_locks_again_after_a_transaction_that_did_not(tmp_path):
    engine = sqlite_engine(tmp_path / "bot.db")
    try:
        with session_scope(engine, wait_for_locks=False) as session:
            assert session.execute(text("PRAGMA busy_timeout")).scalar() == 0
        with session_scope(engine) as session:
            assert session.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_LOCK_WAIT_MS
    finally:
        engine.dispose()


def test_lock_conflicts_are_told_from_other_database_errors(tmp_path):
    path = tmp_path / "bot.db"
    engine = sqlite_engine(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError) as locked, session_scope(engine, wait_for_locks=False) as session:
            claim_update(session, update_id=1, at=AT)
        assert is_lock_conflict(locked.value)
        with pytest.raises(OperationalError) as broken, session_scope(engine) as session:
            session.execute(text("SELECT * FROM no_such_table"))
        assert not is_lock_conflict(broken.value)
        assert not is_lock_conflict(ValueError("database is locked"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()


# --------------------------------------------------------------------------
# A server database: the handlers' asyncio engine
# --------------------------------------------------------------------------


def test_the_handlers_reach_postgresql_through_asyncpg_with_the_urls_options():
    pytest.importorskip("asyncpg")
    url = make_url("postgresql+psycopg://bot:secret@db.internal:6432/campaign?sslmode=require")
    assert asyncpg_url(url).render_as_string(hide_password=False) == (
        "postgresql+asyncpg://bot:secret@db.internal:6432/campaign?ssl=require"
    )
    socket = make_url("postgresql+psycopg://bot@/campaign?host=/run/postgresql&port=5433")
    assert asyncpg_url(socket).query == {"host": "/run/postgresql", "port": "5433"}


def test_an_option_asyncpg_does_not_take_keeps_psycopg():
    url = make_url("postgresql+psycopg://bot@db.internal/campaign?application_name=bot&sslmode=require")
    assert asyncpg_url(url) is None
    assert asyncpg_url(make_url("sqlite:///data/campaign.db")) is None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_a_server_that_refuses_connections_is_reported_as_the_database_unavailable():
    """asyncpg raises its own errors while connecting: they reach the error handler as
    psycopg's would, so users hear that nothing was saved rather than of a bug."""
    pytest.importorskip("asyncpg")
    data = BotData()
    data.settings = Settings.from_env(_env_file=None)
    data.engine = make_engine(f"postgresql+psycopg://bot@127.0.0.1:{free_port()}/campaign")
    data.open_db()
    assert data.db.async_engine.dialect.driver == "asyncpg"
    try:
        with pytest.raises(OperationalError) as caught:
            await data.db.transaction(lambda session: claim_update(session, update_id=1, at=AT))
        assert isinstance(caught.value.orig.__cause__, OSError)
        assert database_unavailable(caught.value)
    finally:
        await data.close_db()
        data.engine.dispose()


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path):
    import os
    import stat

    from sqlalchemy import text

    from storage.db import open_database

    old = os.umask(0o022)  # a usual umask: files world-readable unless made otherwise
    try:
        engine = open_database(f"sqlite:///{tmp_path / 'data' / 'bot.db'}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        files = [p for p in (tmp_path / "data").iterdir()]
        assert any(p.name == "bot.db" for p in files)
        for p in files:
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, (p.name, oct(p.stat().st_mode))
        engine.dispose()
    finally:
        os.umask(old)
