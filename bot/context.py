"""What every handler can reach: ``context.bot_data`` is a :class:`BotData`.

Following PTB's contexttypes example, the application is built with
``ContextTypes(context=Context, bot_data=BotData)`` so handlers get typed
access to the settings, the database engine, the knowledge base and the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy.engine import Engine
from telegram.ext import Application, CallbackContext, ExtBot

from bot.kb.service import KnowledgeBase
from bot.settings import Settings


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


class BotData:
    settings: Settings
    engine: Engine
    kb: KnowledgeBase
    clock: Callable[[], datetime]
    schedule_reminders: bool
    reminders: object | None  # reminders.cycle.ReminderCycle once scheduled
    error_reports: dict[str, tuple[float, int]]  # kind of error -> (last told admins, held back since)

    def __init__(self) -> None:
        self.clock = system_clock
        self.schedule_reminders = True
        self.reminders = None
        self.error_reports = {}

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids


class Context(CallbackContext[ExtBot, dict, dict, BotData]):
    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None):
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def data(self) -> BotData:
        return self.bot_data
