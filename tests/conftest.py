"""Shared fixtures: settings on a fresh database, the campaign corpus, and the
real Application polling the project's Bot API emulator on 127.0.0.1, on a
clock fixed at a known instant (``tests.data.NOW``).

The database is a fresh SQLite file per test, a copy of one the migrations
built once per test process; or, when ``TEST_DATABASE_URL`` names a
PostgreSQL server, a fresh database on it per test (created from a migrated
template database, and dropped afterwards). ``empty_db_url`` is a database the
migrations have not touched, for the tests of the migrations themselves.

Tests are sorted into three kinds, by marker (``pytest -m unit`` runs the quick
ones): ``unit`` (no bot running), ``e2e`` (the real Application polling the
emulator in the test's event loop) and ``process`` (real ``python -m bot``
processes). A test marked in its module keeps its marker; any other is ``e2e``
when it uses the emulator or the running bot, ``unit`` otherwise.

Async tests run on the bot's event loop (``bot.app.new_event_loop``)."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.data import NOW, Clock

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
OFFICER_ID = 1001
ADMIN_ID = 9001


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir() or not any(CORPUS.glob("*.txt")):
        pytest.skip("the shared campaign corpus is not available")
    return CORPUS


@pytest.hookimpl(optionalhook=True)
def pytest_asyncio_loop_factories(config, item):
    """Async tests run on the event loop the bot runs on (uvloop where installed)."""
    from bot.app import new_event_loop

    return {"bot": new_event_loop}


KINDS = ("unit", "e2e", "process")
E2E_FIXTURES = {"running_bot", "tracked", "emulator"}
# Modules whose tests start real processes (the demo's included), unless a test is marked otherwise.
PROCESS_MODULES = {"test_cli.py", "test_production.py", "test_instances.py", "test_demo.py"}


def pytest_collection_modifyitems(config, items) -> None:
    """Every test gets one of the markers unit, e2e, process (see the module's docstring)."""
    for item in items:
        if any(item.get_closest_marker(kind) for kind in KINDS):
            continue
        if item.path.name in PROCESS_MODULES:
            item.add_marker(pytest.mark.process)
        elif E2E_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
        else:
            item.add_marker(pytest.mark.unit)


TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
TEMPLATE_DB = "campaign_test_template"


def on_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def _pg_server():
    """A migrated template database on the PostgreSQL server, once per test process; yields the
    server's admin engine, its URL, and how ``CREATE DATABASE`` copies the template fastest."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.settings import sqlalchemy_url
    from storage.db import upgrade

    admin_url = make_url(sqlalchemy_url(TEST_DATABASE_URL))
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE_DB}"'))
        # A small database is copied faster file by file than through the WAL (PostgreSQL 15's default).
        copy = " STRATEGY FILE_COPY" if conn.dialect.server_version_info >= (15,) else ""
    upgrade(admin_url.set(database=TEMPLATE_DB).render_as_string(hide_password=False))
    yield admin, admin_url, copy
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)'))
    admin.dispose()


@functools.cache
def _sqlite_template() -> bytes:
    """A SQLite database the migrations built, once per test process: its file's bytes."""
    import sqlite3
    import tempfile

    from storage.db import upgrade

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "migrated.db"
        upgrade(f"sqlite:///{path}")
        conn = sqlite3.connect(path)
        try:  # everything written into the one file, nothing left in a WAL beside it
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        wal = path.with_name(path.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0, "the template's WAL was not checkpointed"
        return path.read_bytes()


def migrated_sqlite(path: Path) -> str:
    """A new SQLite database at ``path``, a copy of one the migrations built (once per test
    process), readable by its owner only as the bot makes its files; its URL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb") as out:
        out.write(_sqlite_template())
    return f"sqlite:///{path}"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database the migrations are applied to, for this test alone."""
    if not on_postgres():
        return migrated_sqlite(tmp_path / "test.db")
    from sqlalchemy import text

    admin, admin_url, copy = request.getfixturevalue("_pg_server")
    name = f"t_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"{copy}'))
    request.addfinalizer(lambda: _drop_database(admin, name))
    return admin_url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new database no migration has touched, for this test alone."""
    if not on_postgres():
        return f"sqlite:///{tmp_path / 'empty.db'}"
    from sqlalchemy import text

    admin, admin_url, _ = request.getfixturevalue("_pg_server")
    name = f"t_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    request.addfinalizer(lambda: _drop_database(admin, name))
    return admin_url.set(database=name).render_as_string(hide_password=False)


def _drop_database(admin, name: str) -> None:
    from sqlalchemy import text

    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def settings(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for var in (
        "TELEGRAM_BOT_TOKEN",
        "DATABASE_URL",
        "ADMIN_IDS",
        "TELEGRAM_API_BASE_URL",
        "TELEGRAM_API_FILE_URL",
        "BOT_TIMEZONE",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(ROOT)  # no stray .env is read from elsewhere
    # Flood control off: many tests send hundreds of updates from one user at once; tests/test_flood.py
    # turns it on at its defaults (and the real processes of tests/processes.py run with it).
    return Settings.from_env(
        DATABASE_URL=db_url,
        ADMIN_IDS=str(ADMIN_ID),
        _env_file=None,
        FLOOD_STAFF_PER_MINUTE=0,
        FLOOD_STRANGER_PER_MINUTE=0,
        FLOOD_GROUP_PER_MINUTE=0,
    )


@pytest.fixture
def engine(settings: Settings):
    """An engine on ``db_url`` (already migrated)."""
    from storage.db import make_engine

    engine = make_engine(settings.sqlalchemy_url)
    yield engine
    engine.dispose()


@pytest.fixture
async def emulator() -> AsyncIterator:
    from devtools.emulator import BotAPIEmulator

    async with BotAPIEmulator() as emu:
        yield emu


@pytest.fixture
async def running_bot(settings: Settings, engine, emulator):
    """The real Application, polling the emulator, on a clock fixed at ``tests.data.NOW`` (a test may
    move it: ``application.bot_data.clock``); yields (application, emulator)."""
    from bot.app import build_application, polling

    test_settings = settings.model_copy(
        update={
            "telegram_api_base_url": emulator.base_url,
            "telegram_api_file_url": emulator.base_file_url,
        }
    )
    application = build_application(
        test_settings,
        engine=engine,
        token=emulator.token,
        rate_limiter=False,
        clock=Clock(NOW),
        schedule_reminders=False,
    )
    async with polling(application, timeout=1):
        yield application, emulator


MANAGER_ID = 5001  # LD01, Phòng Cải cách hành chính (manager of CB01, CB02)
OFFICER2_ID = 1002  # CB02, same division as CB01
WARD_MANAGER_ID = 5002  # LD02, UBND phường Phú Hội (another branch of the tree)
WARD_OFFICER_ID = 1003  # CB03, UBND phường Phú Hội
STRANGER_ID = 4242  # nobody: not in the staff list


def seed_tracking(engine, *, now: datetime = NOW) -> None:
    """The tests' staff and tasks (``tests/data.py``) around ``now``, with every person linked to a
    Telegram id.

    Roles: QT01 admin (9001), LD01 manager (5001), CB01 officer (1001),
    CB02 officer (1002), LD02 manager (5002), CB03 officer (1003)."""
    from storage.db import session_scope
    from storage.tracking import staff_by_code
    from tests.data import seed

    seed(engine, now=now)
    with session_scope(engine) as session:
        for code, telegram_id in (("CB02", OFFICER2_ID), ("LD02", WARD_MANAGER_ID), ("CB03", WARD_OFFICER_ID)):
            staff_by_code(session=session, code=code).telegram_id = telegram_id


@pytest.fixture
async def tracked(running_bot, engine):
    """The running bot with the sample staff and tasks; yields (application, emulator, engine)."""
    seed_tracking(engine)
    application, emulator = running_bot
    yield application, emulator, engine
