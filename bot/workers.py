"""Exports in a process of their own.

An export of a province's tasks (/xuatbaocao, or the workbook of a weekly
digest: 50,000 tasks) is a stretch of CPU work (bench/digest.py; figures in
bench/README.md). In the bot's process it would hold the interpreter lock all
that time: every other update would wait behind it, and a weekly digest could
gather its text and chart only after it. In a worker process it runs on
another core meanwhile.

The worker
  * is started with ``spawn``: a fresh interpreter that inherits none of the
    bot's threads, event loop or connections, and imports what an export
    needs and nothing more (not the Telegram library, not the knowledge base);
  * starts with the first export and then stays, ready for the next; after
    each export it hands the memory it used back to the system;
  * opens its own connection to the bot's database and reads in a
    transaction of its own.

Should the worker fail in any way (it died, it could not read the database,
a bug), :meth:`Exports.result` and :meth:`Exports.wait` return None and the
caller exports in its own process, where an error is reported as any other.
``EXPORT_WORKERS=0``, or a database only this process can see (SQLite in
memory), keeps every export in the bot's process.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from storage.tracking import Scope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingExport:
    """An export handed to a worker of ``pool``."""

    future: Future
    pool: ProcessPoolExecutor


class Exports:
    """The export workers of one bot process (``processes`` of them, none when 0)."""

    def __init__(self, engine: Engine, *, processes: int = 1) -> None:
        self.url = engine.url.render_as_string(hide_password=False)
        self.processes = processes if shared_database(engine) else 0
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def running(self) -> bool:
        """Whether a worker pool has been started (by the first export) and not closed."""
        return self._pool is not None

    def submit(self, *, scope: Scope, today: date, tz: tzinfo) -> PendingExport | None:
        """Start exporting ``scope`` in a worker; None when there is no worker to do it."""
        if not self.processes:
            return None
        with self._lock:
            if self._closed:
                return None
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(self.url,),
                )
            pool = self._pool
            try:
                return PendingExport(pool.submit(_export, scope, today, tz), pool)
            except RuntimeError as error:  # a worker died (BrokenProcessPool): a new pool next time
                log.warning("export worker unavailable (%s): exporting in the bot's process", error)
                self._drop(pool)
                return None

    def result(self, pending: PendingExport | None) -> bytes | None:
        """The workbook of ``pending`` (waiting for it), or None if the worker failed."""
        if pending is None:
            return None
        try:
            outcome = pending.future.result()
        except Exception as error:  # the worker died, its answer could not be read, the pool was closed
            return self._failed(pending, error)
        return outcome if isinstance(outcome, bytes) else self._failed(pending, outcome)

    async def wait(self, pending: PendingExport | None) -> bytes | None:
        """:meth:`result` without blocking the event loop."""
        if pending is None:
            return None
        try:
            outcome = await asyncio.wrap_future(pending.future)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # this task is being cancelled, not the export
            return self._failed(pending, "the export was cancelled (the workers were closed)")
        except Exception as error:
            return self._failed(pending, error)
        return outcome if isinstance(outcome, bytes) else self._failed(pending, outcome)

    def close(self) -> None:
        """Stop the workers (an export under way is finished first); later exports run in the caller."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _failed(self, pending: PendingExport, error: Exception | str) -> bytes | None:
        """Log what went wrong in the worker (an exception, or the traceback it sent back); None, the
        workbook of an export that failed."""
        log.warning(
            "the export worker failed, exporting in the bot's process instead: %s",
            error if isinstance(error, str) else repr(error),
        )
        if isinstance(error, BrokenProcessPool):  # a worker died: its pool takes no more work
            with self._lock:
                self._drop(pending.pool)
        return None

    def _drop(self, pool: ProcessPoolExecutor) -> None:
        """Forget a broken pool (the caller holds the lock); the next export starts a new one."""
        if self._pool is pool:
            self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)


def shared_database(engine: Engine) -> bool:
    """Whether another process can open ``engine``'s database (not an SQLite database in memory)."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return True
    database = url.database or ""
    return database not in ("", ":memory:") and "mode=memory" not in database and url.query.get("mode") != "memory"


# --------------------------------------------------------------------------
# In the worker process
# --------------------------------------------------------------------------

_engine: Engine | None = None
_trim = None  # glibc's malloc_trim, where there is one


def _start_worker(url: str) -> None:
    """A new worker: the modules an export needs, and an engine on the bot's database."""
    import signal

    from storage.db import make_engine
    from tracking import export  # noqa: F401 - imported now rather than at the first export

    global _engine, _trim
    # Ctrl-C in a terminal reaches every process of the group: stopping the worker is the bot's
    # to do (Exports.close), not the signal's.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A bot process that is killed cannot stop its worker, and the worker would wait for work
    # for ever (it holds its end of the queue itself): it goes when the bot does.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="export-parent", daemon=True).start()
    _engine = make_engine(url)
    _trim = _find_trim()


def _exit_with(sentinel: int) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])  # readable once the parent process has gone
    os._exit(0)


def _export(scope: Scope, today: date, tz: tzinfo) -> bytes | str:
    """The workbook, or the traceback of what went wrong (an exception might not survive pickling)."""
    import traceback

    from storage.runner import Runner
    from tracking.export import export_tasks

    assert _engine is not None, "the worker was not started"
    try:
        return Runner(_engine).run(lambda session: export_tasks(session=session, scope=scope, today=today, tz=tz))
    except Exception:
        return traceback.format_exc()
    finally:
        _give_memory_back()


def _give_memory_back() -> None:
    """Return the export's freed memory to the system, where the C library can (glibc's
    ``malloc_trim``): the worker stays, and would otherwise keep its largest export's size."""
    if _trim is not None:
        _trim(0)


def _find_trim():
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except Exception:  # not glibc (macOS, musl, Windows): the memory stays with the worker
        return None
