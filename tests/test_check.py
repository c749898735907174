"""``python -m bot check`` on a deployment missing a database driver: without
psycopg (the postgres extra), a ✗ line saying what to install, never a
traceback; without asyncpg alone, nothing to fix (the handlers use psycopg)."""

from __future__ import annotations

import sys

import pytest

from bot.check import FAIL, Report, check_database
from bot.cli import main
from bot.settings import Settings
from tests.conftest import on_postgres

pytestmark = pytest.mark.unit

UNREACHABLE = "postgresql://campaign:secret@127.0.0.1:9/campaign"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for var in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "WEBHOOK_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env is read


def test_check_without_the_postgres_extra_says_what_to_install(clean_env, monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the postgres extra were not installed
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)

    assert main(["check"]) == 1

    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    database = [line for line in out.splitlines() if "psycopg" in line]
    assert len(database) == 1
    assert database[0].startswith(f"{FAIL} Thiếu thư viện psycopg")
    assert "campaign-assistant[postgres]" in database[0]
    assert "secret" not in out  # the password is not shown
    assert out.rstrip().endswith("chạy lại python -m bot check.")


@pytest.mark.skipif(not on_postgres(), reason="the handlers' driver is tried on a PostgreSQL server only")
def test_check_without_asyncpg_passes_the_handlers_use_psycopg(db_url: str, clean_env, monkeypatch) -> None:
    """asyncpg is the handlers' driver where installed (storage.db.asyncpg_url); without it they run
    on psycopg's asyncio connection, and the database check passes."""
    monkeypatch.setitem(sys.modules, "asyncpg", None)
    report = Report()

    check_database(Settings.from_env(DATABASE_URL=db_url, _env_file=None), report)

    assert not report.failed, report.lines
    assert any("lược đồ mới nhất" in text for _, text in report.lines)
