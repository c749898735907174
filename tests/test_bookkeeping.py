"""Bookkeeping shared by bot processes: each update kept from its arrival until
handled, each update taken once, heartbeats of the reminder cycle, and their
clean-up (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import func, select

from storage.db import session_scope
from storage.models import ReceivedUpdate
from storage.updates import (
    beat,
    claim_update,
    forget_handled_updates,
    forget_heartbeats,
    forget_old_received,
    heartbeats,
    keep_received,
    take_unfinished,
)
from tests.data import Clock

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


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


def test_unfinished_updates_are_taken_up_when_due_once_and_not_if_handled(engine):
    later = timedelta(minutes=2)
    with session_scope(engine) as session:
        keep_received(session, updates=[(u, f'{{"update_id": {u}}}') for u in (1, 2, 3)], at=NOW, retry_at=NOW + later)
        keep_received(session, updates=[(1, "delivered again")], at=NOW, retry_at=NOW + later)
        claim_update(session, update_id=2, at=NOW)  # handled; only the note that it finished was lost
    with session_scope(engine) as session:
        assert take_unfinished(session, now=NOW + timedelta(minutes=1), retry_at=NOW + later) == []
    with session_scope(engine) as session:
        taken = take_unfinished(session, now=NOW + timedelta(minutes=3), retry_at=NOW + timedelta(minutes=5))
    assert taken == [(1, '{"update_id": 1}'), (3, '{"update_id": 3}')]
    with session_scope(engine) as session:  # taken: not again before their new time
        assert take_unfinished(session, now=NOW + timedelta(minutes=4), retry_at=NOW + timedelta(minutes=6)) == []
        assert [u for u, _ in take_unfinished(session, now=NOW, retry_at=NOW, everything=True)] == [1, 3]
        assert session.exec(select(func.count()).select_from(ReceivedUpdate)).one() == 2


def test_updates_older_than_telegram_keeps_any_are_forgotten(engine):
    with session_scope(engine) as session:
        keep_received(session, updates=[(1, "{}")], at=NOW - timedelta(hours=25), retry_at=NOW)
        keep_received(session, updates=[(2, "{}")], at=NOW, retry_at=NOW)
    with session_scope(engine) as session:
        assert forget_old_received(session, before=NOW - timedelta(hours=24)) == 1
        assert [u for u, _ in take_unfinished(session, now=NOW, retry_at=NOW, everything=True)] == [2]


async def test_updates_are_kept_until_handled(running_bot):
    application, emulator = running_bot
    engine = application.bot_data.engine

    def kept() -> int:
        with session_scope(engine) as session:
            return session.exec(select(func.count()).select_from(ReceivedUpdate)).one()

    emulator.send_text(4243, "/huongdan")
    await emulator.wait_for(lambda m: m.chat_id == 4243)
    assert kept() == 1  # kept on arrival
    await application.update_queue.join()  # PTB marks each update done once processed
    emulator.send_text(4243, "/start")
    await emulator.wait_for(lambda m: m.chat_id == 4243 and "Xin chào" in m.text)
    assert kept() == 1  # the second kept, and the first, seen through, gone with that write
    await application.update_queue.join()
    await application.update_queue.tidy()
    assert kept() == 0


async def test_a_clean_stop_leaves_no_kept_update(settings, engine, emulator):
    from bot.app import build_application, polling

    test_settings = settings.model_copy(
        update={"telegram_api_base_url": emulator.base_url, "telegram_api_file_url": emulator.base_file_url}
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
        for user in (4244, 4245, 4246):
            emulator.send_text(user, "/huongdan")
        for user in (4244, 4245, 4246):
            await emulator.wait_for(lambda m, user=user: m.chat_id == user)
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(ReceivedUpdate)).one() == 0


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


def _handled(engine, update_id: int) -> bool:
    from sqlmodel import select

    from storage.models import HandledUpdate

    with session_scope(engine) as session:
        return session.exec(select(HandledUpdate).where(HandledUpdate.update_id == update_id)).first() is not None


async def test_an_update_is_recorded_with_what_it_changed(tracked):
    """The update id goes into the handler's own transaction: a report and its update id land together,
    and the update delivered again changes nothing more."""
    from sqlmodel import func, select

    from storage.models import Report

    _, emulator, engine = tracked
    with session_scope(engine) as session:
        before = session.exec(select(func.count()).select_from(Report)).one()
    update = emulator.send_text(1001, "/baocao NV001 45 đã họp")
    await emulator.wait_for(lambda m: m.chat_id == 1001 and "Đã ghi báo cáo" in (m.text or ""))
    assert _handled(engine, update["update_id"])
    emulator.inject_update(update)  # delivered again
    emulator.send_text(1001, "/huongdan")
    await emulator.wait_for(lambda m: m.chat_id == 1001 and "/nhiemvu" in (m.text or ""))
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Report)).one() == before + 1
    assert len([m for m in emulator.messages_to(1001) if "Đã ghi báo cáo" in (m.text or "")]) == 1


async def test_answers_without_the_database_and_refusals_are_recorded_too(tracked):
    """A reply sent before any transaction (a private command in a group) and a refusal (whose
    transaction is rolled back) still record their update, so a repeat gets no second answer."""
    _, emulator, engine = tracked
    emulator.group(-100777, "Nhóm CCHC")
    in_group = emulator.send_text(1001, "/nhiemvu", chat=-100777)
    await emulator.wait_for(lambda m: m.chat_id == -100777 and "tin nhắn riêng" in (m.text or ""))
    refused = emulator.send_text(1001, "/baocao NV003 100")
    await emulator.wait_for(lambda m: m.chat_id == 1001 and "⛔" in (m.text or ""))
    assert _handled(engine, in_group["update_id"]) and _handled(engine, refused["update_id"])

    emulator.inject_update(in_group)
    emulator.inject_update(refused)
    emulator.send_text(1001, "/huongdan", chat=-100777)
    emulator.send_text(1001, "/huongdan")
    await emulator.wait_for(lambda m: m.chat_id == -100777 and "/nhiemvu" in (m.text or "") and "riêng" not in m.text)
    await emulator.wait_for(lambda m: m.chat_id == 1001 and "/nhiemvu" in (m.text or "") and "⛔" not in m.text)
    assert len([m for m in emulator.messages_to(-100777) if "tin nhắn riêng" in (m.text or "")]) == 1
    assert len([m for m in emulator.messages_to(1001) if "⛔" in (m.text or "")]) == 1
