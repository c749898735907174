"""What every handler can reach: ``context.bot_data`` is a :class:`BotData`.

Following PTB's contexttypes example, the application is built with
``ContextTypes(context=Context, bot_data=BotData)`` so handlers get typed
access to the settings, the database engine, the knowledge base and the clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import TypeVar

from sqlalchemy.engine import Engine
from telegram.ext import Application, CallbackContext, ExtBot

from bot.kb.service import KnowledgeBase
from bot.settings import Settings

T = TypeVar("T")


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
    db_threads: ThreadPoolExecutor | None  # the handlers' quick transactions (see run_db)

    def __init__(self) -> None:
        self.clock = system_clock
        self.schedule_reminders = True
        self.reminders = None
        self.error_reports = {}
        self.db_threads = None

    def open_db_threads(self) -> None:
        """Threads for the handlers' transactions. SQLite takes one writer at a time: one thread
        runs them in turn, rather than several waiting on its lock and on each other for the
        interpreter. A server database gets as many as its connection pool can serve."""
        sqlite = self.engine.dialect.name == "sqlite"
        self.db_threads = ThreadPoolExecutor(max_workers=1 if sqlite else 8, thread_name_prefix="db")

    def close_db_threads(self) -> None:
        if self.db_threads is not None:
            self.db_threads.shutdown(wait=True)
            self.db_threads = None

    async def run_db(self, work: Callable[[], T], *, heavy: bool = False) -> T:
        """``work()`` off the event loop: on the handlers' database threads, or, when ``heavy``
        (an export, an import) or before the threads are opened, on asyncio's default ones."""
        if heavy or self.db_threads is None:
            return await asyncio.to_thread(work)
        return await asyncio.get_running_loop().run_in_executor(self.db_threads, work)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids


class Context(CallbackContext[ExtBot, dict, dict, BotData]):
    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None):
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def data(self) -> BotData:
        return self.bot_data
