"""Faults survived: a Bot API failing one call in ten (5xx, dropped
connections, slow answers), a database that goes away for a while, and a bug
in a handler. Nothing is lost, the bot recovers by itself and keeps answering.

The database outage is real on PostgreSQL (connections cut and refused); on
SQLite, whose file cannot go away under an open connection, every statement
fails with the driver's OperationalError for the duration instead."""

from __future__ import annotations

import logging
import random
from collections import Counter
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

import texts.common
from reminders.cycle import ReminderCycle
from reminders.dispatch import Dispatcher, Pacer
from reminders.scan import ScanConfig
from storage.db import session_scope
from storage.models import Outbox, Report
from tests.conftest import ADMIN_ID, OFFICER2_ID, OFFICER_ID, WARD_OFFICER_ID, seed_tracking
from tests.data import NOW, Clock

OUTAGES: dict[int, bool] = {}  # SQLite engines with an outage hook -> whether it is on


@asynccontextmanager
async def database_outage(engine, db_url: str):
    """The database is unreachable inside the block, and back after it."""
    if make_url(engine.url).get_backend_name() == "postgresql":
        from sqlalchemy import create_engine

        name = make_url(db_url).database
        admin = create_engine(make_url(db_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        try:
            yield
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            admin.dispose()
        return

    def refuse(_conn, _cursor, statement, *_args):
        if OUTAGES.get(id(engine)):
            import sqlite3

            raise OperationalError(statement, {}, sqlite3.OperationalError("disk I/O error"))

    if id(engine) not in OUTAGES:
        event.listen(engine, "before_cursor_execute", refuse)
    OUTAGES[id(engine)] = True
    try:
        yield
    finally:
        OUTAGES[id(engine)] = False


def count_reports(engine) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(Report)).one()


async def test_database_outage_tells_users_nothing_was_saved_and_recovers(tracked, db_url):
    application, emu, engine = tracked
    officer = emu.chat(OFFICER_ID)
    before = count_reports(engine)
    async with database_outage(engine, db_url):
        reply = await officer.say("/baocao NV001 40 đã họp triển khai")
        assert "chưa được ghi" in reply.text and "gửi lại" in reply.text
        reply = await officer.say("/nhiemvu")
        assert "chưa được ghi" in reply.text
        # The cycle fails too; its next run will do the work.
        cycle = ReminderCycle(engine, application.bot, ScanConfig.from_settings(application.bot_data.settings))
        with pytest.raises(OperationalError):
            await cycle.run()
    # Admins hear after the user has had the answer: wait for it, then count.
    await emu.wait_for(lambda m: m.chat_id == ADMIN_ID and "cơ sở dữ liệu" in m.text)
    admin_reports = [m for m in emu.messages_to(ADMIN_ID) if "cơ sở dữ liệu" in (m.text or "")]
    assert len(admin_reports) == 1  # told once, not once per message
    assert count_reports(engine) == before

    reply = await officer.say("/baocao NV001 40 đã họp triển khai")
    assert "Đã ghi báo cáo" in reply.text
    assert count_reports(engine) == before + 1
    await cycle.run()  # and the reminder cycle works again


async def test_connections_the_server_cut_are_replaced_unnoticed(tracked, db_url, caplog):
    """PostgreSQL restarted, or cut the bot's idle connections: the next transaction finds its pooled
    connection dead, and runs once more on a new one; neither the user nor the log sees anything."""
    application, emu, engine = tracked
    if make_url(db_url).get_backend_name() != "postgresql":
        pytest.skip("a server cutting connections: PostgreSQL's case")
    from sqlalchemy import create_engine

    officer = emu.chat(OFFICER_ID)
    reply = await officer.say("/nhiemvu")  # the pool now holds a connection
    assert "Nhiệm vụ của" in reply.text
    admin = create_engine(make_url(db_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        cut = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": make_url(db_url).database},
        ).scalar()
    admin.dispose()
    assert cut >= 1
    caplog.clear()
    reply = await officer.say("/baocao NV001 40 đã họp triển khai")
    assert "Đã ghi báo cáo" in reply.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.records


async def test_a_bug_gets_an_apology_and_admins_hear_once(running_bot):
    from telegram.ext import CommandHandler

    application, emu = running_bot

    async def broken(update, context):
        raise RuntimeError("a bug in a handler")

    application.handlers[0].insert(0, CommandHandler("hong", broken))  # first of the ordered list
    user = emu.chat(4242)
    for _ in range(3):
        reply = await user.say("/hong")
        assert reply.text == texts.common.ERROR_APOLOGY
    await emu.wait_for(lambda m: m.chat_id == ADMIN_ID and "a bug in a handler" in m.text)  # after the apology
    reports = [m for m in emu.messages_to(ADMIN_ID) if "a bug in a handler" in (m.text or "")]
    assert len(reports) == 1 and "RuntimeError" in reports[0].text and "4242" in reports[0].text
    reply = await user.say("/start")
    assert "Xin chào" in reply.text


class Flaky:
    """One Bot API call in ten fails: a 500 or 502 answer, a connection closed
    without an answer, or an answer a second late."""

    def __init__(self, seed: int = 5) -> None:
        self.random = random.Random(seed)
        self.injected: Counter[str] = Counter()

    def __call__(self, method: str, params: dict):
        if self.random.random() >= 0.10:
            return None
        fault = self.random.choice([{"status": 500}, {"status": 502}, {"drop": True}, {"delay": 1.0}])
        self.injected[next(iter(fault))] += 1
        return fault


async def test_one_call_in_ten_failing_loses_no_answer_report_or_reminder(settings, engine, emulator):
    from bot.app import build_application, polling

    seed_tracking(engine)
    test_settings = settings.model_copy(
        update={"telegram_api_base_url": emulator.base_url, "telegram_api_file_url": emulator.base_file_url}
    )
    # The production configuration: the patient rate limiter on every call.
    application = build_application(
        test_settings, engine=engine, token=emulator.token, clock=Clock(NOW), schedule_reminders=False
    )
    flaky = Flaky()
    async with polling(application, timeout=1):
        emulator.fault = flaky
        strangers = list(range(7100, 7120))
        for user in strangers:
            emulator.send_text(user, "/start")
            emulator.send_text(user, "/huongdan")
        before = count_reports(engine)
        for user, line in (
            (OFFICER_ID, "/baocao NV001 40"),
            (OFFICER2_ID, "/baocao NV003 60"),
            (WARD_OFFICER_ID, "/baocao NV005 30"),
        ):
            emulator.send_text(user, line)
        for user in strangers:
            await emulator.wait_for(lambda m, user=user: m.chat_id == user and "/nhiemvu" in (m.text or ""), timeout=60)
        for user in (OFFICER_ID, OFFICER2_ID, WARD_OFFICER_ID):
            await emulator.wait_for(
                lambda m, user=user: m.chat_id == user and "Đã ghi báo cáo" in (m.text or ""), timeout=60
            )
        assert count_reports(engine) == before + 3

        # Reminders through the same flaky API: each is delivered once in the end.
        moments = iter(NOW + timedelta(minutes=10 * i) for i in range(1000))
        clock = lambda: next(moments)  # noqa: E731 - each run a little later, past any backoff
        every_day = test_settings.model_copy(
            update={"reminder_time": "00:00", "work_week": "mon-sun", "public_holidays": "none"}
        )
        cycle = ReminderCycle(
            engine,
            application.bot,
            ScanConfig.from_settings(every_day),
            clock=clock,
            dispatcher=Dispatcher(
                engine, application.bot, clock=clock, pacer=Pacer(per_second=10_000, per_chat_interval=0)
            ),
        )
        for _ in range(20):
            await cycle.run()
            with session_scope(engine) as session:
                rows = list(session.exec(select(Outbox)))
            if rows and all(r.status == "sent" for r in rows):
                break
        assert rows and all(r.status == "sent" for r in rows), Counter(r.status for r in rows)
        emulator.fault = None
    sent = Counter((m.chat_id, m.text) for m in emulator.sent if m.method == "sendMessage")
    for row in rows:
        assert sent[(row.chat_id, row.text)] == 1, row.key
    assert sum(flaky.injected.values()) >= 5, flaky.injected
    for user in strangers:  # no answer lost, none doubled
        assert len(emulator.messages_to(user)) == 2, emulator.messages_to(user)
