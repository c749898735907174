"""Staff not connected to Telegram, under a scheduled digest: the digest that lists them carries the
«Tạo mã mời cho tất cả» button, in a private chat and in a group. A press is checked on the server
(the digest's owner, a manager above them or an admin); the links go to the presser's private chat,
never into the group; anyone else gets a refusal they alone see, and a presser the bot cannot write
to privately is told to open a chat with it. Through the real bot and the emulator, on the
injected clock."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from reminders.scan import SCANNED_THROUGH
from storage.db import session_scope
from storage.models import AppState, AuditEntry, Invite, Subscription
from storage.tracking import staff_by_code
from tests.conftest import ADMIN_ID, MANAGER_ID, OFFICER_ID, WARD_MANAGER_ID
from tests.people import bot_cycle, count

GROUP = -100_555


@pytest.fixture
async def world(tracked):
    """The bot with CB02 (LD01's officer) never connected, its reminder cycle on the test clock, and the
    reminders already scanned (digests only)."""
    application, emu, engine = tracked
    clock = application.bot_data.clock
    with session_scope(engine) as session:
        staff_by_code(session=session, code="CB02").telegram_id = None
        session.merge(AppState(key=SCANNED_THROUGH, value="2026-12-31"))
    cycle = bot_cycle(application, engine)
    emu.group(GROUP, "Tổ công tác CCHC", admins=[MANAGER_ID, ADMIN_ID])
    yield cycle, clock, emu, engine


async def next_morning_digest(cycle, clock, emu, chat_id: int):
    """Run the cycle at 08:01 on Wednesday 11/03/2026; the digest's message with the invite button."""
    clock.set(date(2026, 3, 11), 8, 1)
    mark = emu.mark()
    assert (await cycle.run()).scan.digests >= 1
    return [m for m in emu.sent[mark:] if m.chat_id == chat_id and "Chưa kết nối Telegram" in (m.plain_text or "")]


def sub_id(engine, chat_id: int) -> int:
    with session_scope(engine) as session:
        return session.exec(select(Subscription.id).where(Subscription.chat_id == chat_id)).one()


async def press_for_answer(emu, user_id: int, message, data: str) -> dict:
    """Press a button and wait for the bot's answer to the press (an alert carries its text)."""
    after = len(emu.calls)
    query_id = emu.press_button(user_id, message, data)
    return await emu.wait_for_call(
        "answerCallbackQuery", lambda params: params.get("callback_query_id") == query_id, after=after
    )


async def test_a_private_scheduled_digest_carries_the_invite_button(world):
    cycle, clock, emu, engine = world
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    assert "Đã đăng ký" in (await manager.say("/dangkytonghop hằng ngày 08:00")).plain_text
    (digest,) = await next_morning_digest(cycle, clock, emu, MANAGER_ID)
    assert "Chưa kết nối Telegram (1)" in digest.plain_text and "Lê Văn Nam (CB02)" in digest.plain_text
    assert digest.button_data("Tạo mã mời") == f"iv:{sub_id(engine, MANAGER_ID)}"
    made = await manager.press(digest, digest.button_data("Tạo mã mời"))
    assert "Đã tạo 1 mã mời" in made.plain_text and "CB02" in made.plain_text and "?start=" in made.plain_text
    assert count(engine, Invite) == 1 and count(engine, AuditEntry, AuditEntry.action == "invite") == 1


async def test_a_group_digest_sends_the_links_privately_and_refuses_anyone_else(world):
    cycle, clock, emu, engine = world
    in_group = emu.chat(emu.user(MANAGER_ID, "Hùng"), GROUP)
    assert "Đã đăng ký" in (await in_group.say("/dangkytonghop hằng ngày 08:00")).plain_text
    (digest,) = await next_morning_digest(cycle, clock, emu, GROUP)
    data = digest.button_data("Tạo mã mời")
    assert data == f"iv:{sub_id(engine, GROUP)}" and "Lê Văn Nam (CB02)" in digest.plain_text
    in_group_before = len(emu.messages_to(GROUP))

    # An officer of the group, and the manager of another branch: refused, to them alone; nothing made.
    for presser, needle in ((OFFICER_ID, "Chỉ lãnh đạo"), (WARD_MANAGER_ID, "Chỉ lãnh đạo phụ trách phạm vi")):
        answer = await press_for_answer(emu, presser, digest, data)
        assert answer.get("show_alert") and needle in answer["text"], answer
        assert "?start=" not in answer["text"]
    assert count(engine, Invite) == 0

    # The digest's owner, who has blocked the bot in private: told to open a chat with it.
    emu.blocked_chats.add(MANAGER_ID)
    answer = await press_for_answer(emu, MANAGER_ID, digest, data)
    assert answer.get("show_alert") and "mở chat với @" in answer["text"] and "Bắt đầu" in answer["text"]
    emu.blocked_chats.discard(MANAGER_ID)

    # Pressed again with the chat open: the links arrive in the private chat, the group sees nothing.
    mark = emu.mark()
    answer = await press_for_answer(emu, MANAGER_ID, digest, data)
    assert "chat riêng" in answer["text"]
    (links,) = [m for m in emu.sent[mark:] if m.chat_id == MANAGER_ID]
    assert "CB02" in links.plain_text and "?start=" in links.plain_text
    assert count(engine, Invite) == 1  # the invite made at the blocked press, listed again

    # An admin: the same, privately.
    mark = emu.mark()
    await press_for_answer(emu, ADMIN_ID, digest, data)
    (links,) = [m for m in emu.sent[mark:] if m.chat_id == ADMIN_ID]
    assert "CB02" in links.plain_text and "?start=" in links.plain_text
    assert len(emu.messages_to(GROUP)) == in_group_before
    assert not any("?start=" in (m.plain_text or "") for m in emu.messages_to(GROUP))
