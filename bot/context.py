"""What every handler can reach: ``context.bot_data`` is a :class:`BotData`.

Following PTB's contexttypes example, the application is built with
``ContextTypes(context=Context, bot_data=BotData)`` so handlers get typed
access to the settings, the database (``BotData.db``, a :class:`storage.runner.Runner`), the
knowledge base and the clock; ``context.now``, ``context.today`` and ``context.settings`` are the
handlers' shortcuts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from telegram.ext import Application, CallbackContext, ExtBot

from bot.ptb.flood import FloodControl
from bot.settings import Settings
from bot.workers import Exports
from kb.service import KnowledgeBase
from storage.runner import Runner

if TYPE_CHECKING:
    from reminders.cycle import ReminderCycle
    from storage.tracking import Scope


def system_clock() -> datetime:
    return datetime.now(UTC)


class BotData:
    settings: Settings
    db: Runner  # every transaction of the handlers and of the intake of updates (storage/runner.py)
    kb: KnowledgeBase
    clock: Callable[[], datetime]
    schedule_reminders: bool
    reminders: ReminderCycle | None  # once scheduled
    error_reports: dict[str, tuple[float, int]]  # kind of error -> (last told admins, held back since)
    exports: Exports | None  # the export worker (bot/workers.py), once the database is open
    kb_warmup: asyncio.Task | None  # the search index's build at start-up (bot.app.post_init)
    flood: FloodControl | None  # flood control's buckets (bot/ptb/flood.py, handlers/gate.py); None: off

    def __init__(self) -> None:
        self.clock = system_clock
        self.schedule_reminders = True
        self.reminders = None
        self.error_reports = {}
        self.exports = None
        self.kb_warmup = None
        self.flood = None

    @property
    def engine(self) -> Engine:
        return self.db.engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self.db = Runner(engine)

    def open_db(self) -> None:
        """The handlers' way to the database (``Runner.open``) and the export worker."""
        self.db.open()
        self.exports = Exports(self.engine, processes=self.settings.export_workers)

    async def close_db(self) -> None:
        if self.exports is not None:
            await asyncio.to_thread(self.exports.close)
            self.exports = None
        await self.db.close()

    async def export(self, *, scope: Scope, today: date) -> bytes:
        """The XLSX export of ``scope``: made by the export worker, else on a thread of this process."""
        from tracking.export import export_tasks

        tz = self.settings.tz
        if self.exports is not None:
            data = await self.exports.wait(self.exports.submit(scope=scope, today=today, tz=tz))
            if data is not None:
                return data
        return await self.db.transaction(
            lambda session: export_tasks(session=session, scope=scope, today=today, tz=tz), heavy=True
        )

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids


class Context(CallbackContext[ExtBot, dict, dict, BotData]):
    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None):
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def data(self) -> BotData:
        return self.bot_data

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def now(self) -> datetime:
        """The moment, timezone-aware (the application's clock: tests and the demo set their own)."""
        return self.bot_data.clock()

    @property
    def today(self) -> date:
        """Today's date where the campaign is (``settings.tz``)."""
        return self.bot_data.clock().astimezone(self.bot_data.settings.tz).date()
