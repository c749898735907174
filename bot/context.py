"""What every handler can reach: ``context.bot_data`` is a :class:`BotData`.

Following PTB's contexttypes example, the application is built with
``ContextTypes(context=Context, bot_data=BotData)`` so handlers get typed
access to the settings, the database engine, the knowledge base and the clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.ext import Application, CallbackContext, ExtBot

from bot.ptb.flood import FloodControl
from kb.service import KnowledgeBase
from bot.settings import Settings
from bot.workers import Exports
from storage.db import is_lock_conflict, make_async_engine, run_transaction

if TYPE_CHECKING:
    from storage.tracking import Scope

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
    db_threads: ThreadPoolExecutor | None  # SQLite: the thread for transactions that wait (see transaction)
    db_inline: bool  # SQLite: quick transactions run on the event loop (see transaction)
    db_async: AsyncEngine | None  # a server database: the handlers' engine (see transaction)
    exports: Exports | None  # the export worker (bot/workers.py), once the database is open
    kb_warmup: asyncio.Task | None  # the search index's build at start-up (bot.app.post_init)
    flood: FloodControl | None  # flood control's buckets (bot/ptb/flood.py, handlers/gate.py); None: off

    def __init__(self) -> None:
        self.clock = system_clock
        self.schedule_reminders = True
        self.reminders = None
        self.error_reports = {}
        self.db_threads = None
        self.db_inline = False
        self.db_async = None
        self.exports = None
        self.kb_warmup = None
        self.flood = None

    def open_db(self) -> None:
        """How the handlers reach the database (see ``transaction``). SQLite: on the event loop, and
        one thread that runs in turn the transactions that must wait for its lock. A server database:
        an asyncio engine, so each statement waits on the event loop rather than on a thread (threads
        queue for the interpreter lock and slow the event loop as they take it from it in turn)."""
        if self.engine.dialect.name == "sqlite":
            self.db_inline = True
            self.db_threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
        else:
            self.db_async = make_async_engine(self.engine)
        self.exports = Exports(self.engine, processes=self.settings.export_workers)

    async def close_db(self) -> None:
        self.db_inline = False
        if self.exports is not None:
            await asyncio.to_thread(self.exports.close)
            self.exports = None
        if self.db_threads is not None:
            self.db_threads.shutdown(wait=True)
            self.db_threads = None
        if self.db_async is not None:
            await self.db_async.dispose()
            self.db_async = None

    async def transaction(self, work: Callable[[Session], T], *, heavy: bool = False) -> T:
        """``work(session)`` in one transaction (committed, or rolled back on an exception).

        Where it runs:
          * ``heavy`` (an export, an import, a digest over a large scope), or before ``open_db``:
            on asyncio's default threads.
          * SQLite: on the event loop itself. A handler's statements take tens of microseconds
            there, less than handing them to a thread and back (a future, a wake-up, the
            interpreter lock passed between threads), which used to double the CPU an update
            costs. It does not wait for SQLite's write lock: when another connection holds it
            (an import, a reminder job, another process), the attempt is rolled back and the
            work runs again on the database thread, which waits.
          * A server database: ``work`` runs as it is, through SQLAlchemy's asyncio session
            (``run_sync``): its statements await the server on the event loop.
        ``work`` must touch nothing but the session: it may run twice (above, and when its pooled
        connection had gone: see the runners).
        """
        if heavy or (self.db_threads is None and self.db_async is None):
            return await asyncio.to_thread(self._run, work)
        if self.db_async is not None:
            return await self._run_async(work)
        if self.db_inline:
            try:
                return self._run(work, wait_for_locks=False)
            except Exception as error:
                if not is_lock_conflict(error):
                    raise
        return await asyncio.get_running_loop().run_in_executor(self.db_threads, self._run, work)

    # Both runners try twice when the pooled connection had gone (the server restarted, or cut it
    # off), and with it the pool's others: once more, on a new one. Should the first attempt have
    # committed after all, the update it recorded turns the second into a silent no-op (handlers.once).

    async def _run_async(self, work: Callable[[Session], T]) -> T:
        for attempt in (1, 2):
            try:
                return await AsyncSession(self.db_async, expire_on_commit=False).run_sync(_unit_of_work, work)
            except DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    def _run(self, work: Callable[[Session], T], wait_for_locks: bool = True) -> T:
        return run_transaction(self.engine, work, wait_for_locks=wait_for_locks)

    async def export(self, *, scope: Scope, today: date) -> bytes:
        """The XLSX export of ``scope``: made by the export worker, else on a thread of this process."""
        from tracking.export import export_tasks

        tz = self.settings.tz
        if self.exports is not None:
            data = await self.exports.wait(self.exports.submit(scope=scope, today=today, tz=tz))
            if data is not None:
                return data
        return await self.transaction(lambda session: export_tasks(session=session, scope=scope, today=today, tz=tz),
                                      heavy=True)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids


def _unit_of_work(session: Session, work: Callable[[Session], T]) -> T:
    """``work(session)`` committed, or rolled back on an exception; the session closed either way.
    Run by ``AsyncSession.run_sync``: one pass into the synchronous session for all of it, rather
    than one each for the work, the commit and the close."""
    try:
        result = work(session)
        session.commit()
        return result
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


class Context(CallbackContext[ExtBot, dict, dict, BotData]):
    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None):
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def data(self) -> BotData:
        return self.bot_data
