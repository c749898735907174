"""One reminder cycle: scan the database for what is due, then send the outbox.

The scheduler (PTB's JobQueue), ``python -m bot remind --now`` and the tests
all run this same cycle; it holds no state of its own beyond the pacing of the
sends, so any process can run it at any time."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from telegram import Bot

from bot.workers import Exports
from reminders.dispatch import DispatchStats, Dispatcher, utc_clock
from reminders.scan import ScanConfig, ScanResult, scan_all
from storage.db import session_scope
from storage.updates import beat, forget_handled_updates, forget_heartbeats

log = logging.getLogger(__name__)

# Telegram keeps an undelivered update for 24 hours; the record that an update
# was handled only needs to outlive that.
HANDLED_UPDATES_KEPT = timedelta(days=2)
PROCESS = f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class CycleResult:
    scan: ScanResult
    dispatch: DispatchStats


class ReminderCycle:
    def __init__(self, engine: Engine, bot: Bot, config: ScanConfig, *,
                 clock: Callable[[], datetime] = utc_clock, dispatcher: Dispatcher | None = None,
                 exports: Exports | None = None) -> None:
        self.engine = engine
        self.exports = exports  # the export worker, for weekly digests' workbooks
        self.config = config
        self.clock = clock
        self.dispatcher = dispatcher or Dispatcher(engine, bot, clock=clock)
        self._running = asyncio.Lock()

    def scan_now(self) -> ScanResult:
        now = self.clock()
        result = scan_all(self.engine, now=now, config=self.config, exports=self.exports)
        with session_scope(self.engine) as session:
            forget_handled_updates(session, before=now - HANDLED_UPDATES_KEPT)
            forget_heartbeats(session, before=now - HANDLED_UPDATES_KEPT)
            beat(session, process=PROCESS, at=now)
        return result

    async def run(self) -> CycleResult | None:
        """Scan then dispatch; a cycle still running makes this one a no-op."""
        if self._running.locked():
            return None
        async with self._running:
            found = await asyncio.to_thread(self.scan_now)
            sent = await self.dispatcher.run_once()
            if found.messages or found.digests or sent.sent or sent.failed:
                log.info("reminders: %s queued, %s digests; sent %s, retried %s, unreachable %s, failed %s",
                         found.messages, found.digests, sent.sent, sent.retried, sent.unreachable, sent.failed)
            return CycleResult(found, sent)
