"""What the end-to-end tests of the leaders' and owners' flows share: the people of tests/data.py as
emulator chats, a task or a count read from the database, a forged button press, the messages sent
to a chat that say something."""

from __future__ import annotations

from sqlmodel import func, select

from storage.db import session_scope
from storage.models import Task
from storage.tracking import task_by_code
from tests.conftest import (
    ADMIN_ID,
    MANAGER_ID,
    OFFICER2_ID,
    OFFICER_ID,
    STRANGER_ID,
    WARD_MANAGER_ID,
    WARD_OFFICER_ID,
)

PEOPLE = (
    ("officer", OFFICER_ID),
    ("leader", MANAGER_ID),
    ("admin", ADMIN_ID),
    ("ward", WARD_MANAGER_ID),
    ("ward_officer", WARD_OFFICER_ID),
    ("officer2", OFFICER2_ID),
    ("stranger", STRANGER_ID),
)


def task_of(engine, code: str) -> Task:
    with session_scope(engine) as session:
        return task_by_code(session=session, code=code)


def count(engine, model, *where) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def chats(emu) -> dict:
    """Each person's private chat with the bot, by role name."""
    return {name: emu.chat(emu.user(uid, name)) for name, uid in PEOPLE}


async def forge(chat, data: str, *, via: str = "/start"):
    """Press a button with ``data`` (forged, as anyone may) on a message of the bot in ``chat``."""
    base = await chat.say(via)
    return await chat.press(base, data)


def sent_to(emu, chat_id: int, needle: str) -> list:
    return [m for m in emu.sent if m.chat_id == chat_id and needle in (m.plain_text or "")]


def bot_cycle(application, engine, **extra):
    """The bot's reminder cycle on its test clock, with a dispatcher that does not pace."""
    from reminders.cycle import ReminderCycle
    from reminders.dispatch import Dispatcher, Pacer
    from reminders.scan import ScanConfig

    clock = application.bot_data.clock
    fast = Pacer(per_second=10_000, per_chat_interval=0)
    return ReminderCycle(
        engine,
        application.bot,
        ScanConfig.from_settings(application.bot_data.settings),
        clock=clock,
        dispatcher=Dispatcher(engine, application.bot, clock=clock, pacer=fast),
        **extra,
    )
