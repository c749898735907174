"""Bookkeeping shared by bot processes: each update taken once, heartbeats of
the reminder cycle, and their clean-up (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storage.db import session_scope
from storage.updates import beat, claim_update, forget_handled_updates, forget_heartbeats, heartbeats

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def test_an_update_is_taken_once(engine):
    with session_scope(engine) as session:
        assert claim_update(session, update_id=10, at=NOW)
    with session_scope(engine) as session:
        assert not claim_update(session, update_id=10, at=NOW)
        assert claim_update(session, update_id=2**40, at=NOW)  # ids beyond 32 bits


def test_old_update_records_are_forgotten(engine):
    with session_scope(engine) as session:
        claim_update(session, update_id=1, at=NOW - timedelta(days=3))
        claim_update(session, update_id=2, at=NOW)
    with session_scope(engine) as session:
        assert forget_handled_updates(session, before=NOW - timedelta(days=2)) == 1
    with session_scope(engine) as session:
        assert claim_update(session, update_id=1, at=NOW)  # may come again after a week of silence
        assert not claim_update(session, update_id=2, at=NOW)


def test_heartbeats_one_row_a_process(engine):
    with session_scope(engine) as session:
        beat(session, process="host-a:1", at=NOW - timedelta(days=5))
        beat(session, process="host-b:2", at=NOW - timedelta(seconds=5))
    with session_scope(engine) as session:
        beat(session, process="host-b:2", at=NOW)
    with session_scope(engine) as session:
        assert heartbeats(session) == {"host-a:1": NOW - timedelta(days=5), "host-b:2": NOW}
        assert forget_heartbeats(session, before=NOW - timedelta(days=2)) == 1
    with session_scope(engine) as session:
        assert set(heartbeats(session)) == {"host-b:2"}


async def test_the_same_update_twice_gets_one_answer(running_bot):
    _, emulator = running_bot
    update = emulator.send_text(4242, "/huongdan")
    await emulator.wait_for(lambda m: m.chat_id == 4242)
    emulator.inject_update(update)  # Telegram delivers it again
    emulator.send_text(4242, "/start")
    await emulator.wait_for(lambda m: m.chat_id == 4242 and "Xin chào" in m.text)
    assert len(emulator.messages_to(4242)) == 2


async def test_editing_a_command_does_not_run_it_again(tracked):
    from sqlmodel import func, select

    from storage.models import Report

    _, emulator, engine = tracked
    update = emulator.send_text(1001, "/baocao NV001 50")
    await emulator.wait_for(lambda m: m.chat_id == 1001 and "Đã ghi báo cáo" in (m.text or ""))
    with session_scope(engine) as session:
        before = session.exec(select(func.count()).select_from(Report)).one()
    edited = dict(update["message"], text="/baocao NV001 60", edit_date=update["message"]["date"] + 5)
    emulator.inject_update({"edited_message": edited})
    emulator.send_text(1001, "/huongdan")
    await emulator.wait_for(lambda m: m.chat_id == 1001 and "/nhiemvu" in (m.text or ""))
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Report)).one() == before
