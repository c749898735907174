"""Shared fixtures: settings on a fresh database, the campaign corpus, and the
real Application polling the project's Bot API emulator on 127.0.0.1.

The database is a fresh SQLite file per test, or, when ``TEST_DATABASE_URL``
names a PostgreSQL server, a fresh database on it per test (copied from a
migrated template, and dropped afterwards). Async tests run on the bot's event
loop (``bot.app.new_event_loop``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import os
import uuid

import pytest

from bot.settings import Settings

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


TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
TEMPLATE_DB = "campaign_test_template"


def on_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def _pg_server():
    """The PostgreSQL server's admin URL and a migrated template database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.settings import sqlalchemy_url
    from storage.db import upgrade

    admin_url = make_url(sqlalchemy_url(TEST_DATABASE_URL))
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE_DB}"'))
    upgrade(admin_url.set(database=TEMPLATE_DB).render_as_string(hide_password=False))
    yield admin, admin_url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if not on_postgres():
        return f"sqlite:///{tmp_path / 'test.db'}"
    from sqlalchemy import text

    admin, admin_url = request.getfixturevalue("_pg_server")
    name = f"t_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"'))
    request.addfinalizer(lambda: _drop_database(admin, name))
    return admin_url.set(database=name).render_as_string(hide_password=False)


def _drop_database(admin, name: str) -> None:
    from sqlalchemy import text

    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def settings(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for var in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "TELEGRAM_API_BASE_URL",
                "TELEGRAM_API_FILE_URL", "BOT_TIMEZONE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(ROOT)  # no stray .env is read from elsewhere
    # Flood control off: many tests send hundreds of updates from one user at once; tests/test_flood.py
    # turns it on at its defaults (and the real processes of tests/processes.py run with it).
    return Settings.from_env(DATABASE_URL=db_url, ADMIN_IDS=str(ADMIN_ID), _env_file=None, FLOOD_STAFF_PER_MINUTE=0,
                             FLOOD_STRANGER_PER_MINUTE=0, FLOOD_GROUP_PER_MINUTE=0)


@pytest.fixture
def engine(settings: Settings):
    from storage.db import open_database

    engine = open_database(settings.sqlalchemy_url)
    yield engine
    engine.dispose()


@pytest.fixture
async def emulator() -> AsyncIterator:
    from devtools.emulator import BotAPIEmulator

    async with BotAPIEmulator() as emu:
        yield emu


@pytest.fixture
async def running_bot(settings: Settings, engine, emulator):
    """The real Application, polling the emulator; yields (application, emulator)."""
    from bot.app import build_application, polling

    test_settings = settings.model_copy(update={
        "telegram_api_base_url": emulator.base_url,
        "telegram_api_file_url": emulator.base_file_url,
    })
    application = build_application(test_settings, engine=engine, token=emulator.token, rate_limiter=False,
                                    schedule_reminders=False)
    async with polling(application, timeout=1):
        yield application, emulator


MANAGER_ID = 5001      # LD01, Phòng Cải cách hành chính (manager of CB01, CB02)
OFFICER2_ID = 1002     # CB02, same division as CB01
WARD_MANAGER_ID = 5002  # LD02, UBND phường Phú Hội (another branch of the tree)
WARD_OFFICER_ID = 1003  # CB03, UBND phường Phú Hội
STRANGER_ID = 4242     # nobody: not in the staff list


def seed_tracking(engine) -> None:
    """The demo's staff and tasks, with every person linked to a Telegram id.

    Roles: QT01 admin (9001), LD01 manager (5001), CB01 officer (1001),
    CB02 officer (1002), LD02 manager (5002), CB03 officer (1003)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.demo_data import seed
    from storage.db import session_scope
    from storage.tracking import staff_by_code

    seed(engine, today=datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date())
    with session_scope(engine) as session:
        for code, telegram_id in (("CB02", OFFICER2_ID), ("LD02", WARD_MANAGER_ID), ("CB03", WARD_OFFICER_ID)):
            staff_by_code(session=session, code=code).telegram_id = telegram_id


@pytest.fixture
async def tracked(running_bot, engine):
    """The running bot with the sample staff and tasks; yields (application, emulator, engine)."""
    seed_tracking(engine)
    application, emulator = running_bot
    yield application, emulator, engine
