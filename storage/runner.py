"""How the application reaches the database: :class:`Runner`, the one place a transaction is
run, retried and committed or rolled back.

``Runner.transaction`` is for the event loop (the handlers, the intake of updates);
``Runner.run`` is for synchronous code (a thread, the export worker). Both go through
``Runner.run``: one retry loop, and one commit or rollback (``storage.db.session_scope``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn
from sqlmodel import Session

from storage.db import is_lock_conflict, make_async_engine, session_scope

T = TypeVar("T")


class Runner:
    """Transactions on ``engine``. Until :meth:`open` (and after :meth:`close`) every transaction
    runs on asyncio's default threads; once open:

    * SQLite: quick transactions run on the event loop, and one thread runs in turn those that
      must wait for its write lock;
    * a server database: an asyncio engine, so each statement waits on the event loop rather than
      on a thread (threads queue for the interpreter lock and slow the event loop as they take it
      from it in turn).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.threads: ThreadPoolExecutor | None = None  # SQLite: the thread for transactions that wait
        self.inline = False  # SQLite: quick transactions run on the event loop
        self.async_engine: AsyncEngine | None = None  # a server database: the handlers' engine

    def open(self) -> None:
        if self.engine.dialect.name == "sqlite":
            self.inline = True
            self.threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
        else:
            self.async_engine = make_async_engine(self.engine)

    async def close(self) -> None:
        self.inline = False
        if self.threads is not None:
            self.threads.shutdown(wait=True)
            self.threads = None
        if self.async_engine is not None:
            await self.async_engine.dispose()
            self.async_engine = None

    async def transaction(self, work: Callable[[Session], T], *, heavy: bool = False) -> T:
        """``work(session)`` in one transaction (committed, or rolled back on an exception).

        Where it runs:
          * ``heavy`` (an export, an import, a digest over a large scope), or before ``open``:
            on asyncio's default threads.
          * SQLite: on the event loop itself. A handler's statements take less time there
            than handing them to a thread and back (a future, a wake-up, the interpreter lock
            passed between threads), which cost more CPU than the statements themselves
            (bench/README.md). It does not wait for SQLite's write lock: when another connection holds it
            (an import, a reminder job, another process), the attempt is rolled back and the
            work runs again on the database thread, which waits.
          * A server database: ``work`` runs as it is, in SQLAlchemy's asyncio greenlet (as
            ``AsyncSession.run_sync`` does): its statements await the server on the event loop.
        ``work`` must touch nothing but the session: it may run twice (above, and when its pooled
        connection had gone: see ``run``).
        """
        if heavy or (self.threads is None and self.async_engine is None):
            return await asyncio.to_thread(self.run, work)
        if self.async_engine is not None:
            return await greenlet_spawn(self.run, work, bind=self.async_engine.sync_engine)
        if self.inline:
            try:
                return self.run(work, wait_for_locks=False)
            except Exception as error:
                if not is_lock_conflict(error):
                    raise
        return await asyncio.get_running_loop().run_in_executor(self.threads, self.run, work)

    def run(self, work: Callable[[Session], T], *, wait_for_locks: bool = True, bind: Engine | None = None) -> T:
        """``work(session)`` in one transaction (``session_scope``) on ``bind`` (the engine unless
        said otherwise), run once more on a new connection when the pooled one had gone (the server
        restarted, or cut it off), and with it the pool's others. Should the first attempt have
        committed after all, the update it recorded turns the second into a silent no-op
        (handlers.once). ``work`` must touch nothing but the session: it may run twice."""
        for attempt in (1, 2):
            try:
                with session_scope(bind or self.engine, wait_for_locks=wait_for_locks) as session:
                    return work(session)
            except DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise
        raise AssertionError("unreachable")
