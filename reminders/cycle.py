"""One reminder cycle: scan the database for what is due, and send the outbox.

The scheduler (PTB's JobQueue), ``python -m bot remind --now`` and the tests
all run this same cycle; it holds no state of its own beyond the pacing of the
sends, so any process can run it at any time.

Sending never waits on a scan: what is queued already goes out while the scan
runs (in a thread), then what the scan queued; a scan that fails holds up no
message (its error is raised once the sending is done), and while a long scan
runs (digests of a large province) the scheduler's next ticks only send."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from telegram import Bot

from reminders.dispatch import Dispatcher, DispatchStats, utc_clock
from reminders.scan import ScanConfig, ScanResult, scan_all
from storage.db import session_scope
from storage.retention import purge
from storage.updates import beat, forget_handled_updates, forget_heartbeats
from tracking.export import ExportWorkers

log = logging.getLogger(__name__)

# Telegram keeps an undelivered update for 24 hours; the record that an update
# was handled only needs to outlive that.
HANDLED_UPDATES_KEPT = timedelta(days=2)
# Sent messages' payloads and other bookkeeping (storage/retention.py): RETENTION_DAYS.
RETENTION = timedelta(days=90)
PROCESS = f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class CycleResult:
    scan: ScanResult | None  # None: another cycle of this process was scanning, this one only sent
    dispatch: DispatchStats


class ReminderCycle:
    def __init__(
        self,
        engine: Engine,
        bot: Bot,
        config: ScanConfig,
        *,
        clock: Callable[[], datetime] = utc_clock,
        dispatcher: Dispatcher | None = None,
        exports: ExportWorkers | None = None,
        retention: timedelta = RETENTION,
    ) -> None:
        self.engine = engine
        self.retention = retention
        self._purged_on: date | None = None  # the purge runs once a day, not at every scan
        self.exports = exports  # the export worker, for weekly digests' workbooks
        self.config = config
        self.clock = clock
        self.dispatcher = dispatcher or Dispatcher(engine, bot, clock=clock)
        self._scanning = asyncio.Lock()
        self._sending = asyncio.Lock()

    @property
    def scanning(self) -> bool:
        return self._scanning.locked()

    def scan_now(self) -> ScanResult:
        now = self.clock()
        result = scan_all(self.engine, now=now, config=self.config, exports=self.exports)
        with session_scope(self.engine) as session:
            forget_handled_updates(session, before=now - HANDLED_UPDATES_KEPT)
            forget_heartbeats(session, before=now - HANDLED_UPDATES_KEPT)
            beat(session, process=PROCESS, at=now)
            purged = {} if self._purged_on == now.date() else purge(session, before=now - self.retention)
        self._purged_on = now.date()
        if any(purged.values()):
            log.info(
                "purged after %s days: %s",
                self.retention.days,
                ", ".join(f"{count} {kind}" for kind, count in purged.items() if count),
            )
        return result

    async def send(self) -> DispatchStats:
        """Send what is due in the outbox (one sender at a time in this process)."""
        async with self._sending:
            return await self.dispatcher.run_once()

    async def run(self) -> CycleResult:
        """Scan, sending meanwhile what was queued, then send what the scan queued. A scan's
        error is raised after that; while another cycle is scanning, this one only sends."""
        if self._scanning.locked():
            return CycleResult(None, await self.send())
        async with self._scanning:
            scanning = asyncio.ensure_future(asyncio.to_thread(self.scan_now))
            try:
                sent = await self.send()
            finally:
                await asyncio.wait([scanning])  # the scan is never left running unwatched
                error = scanning.exception()
            sent.add(await self.send())  # what the scan queued, or the part it queued before failing
            if error is not None:
                raise error
            found = scanning.result()
            if found.messages or found.digests or found.failed or sent.sent or sent.failed:
                log.info(
                    "reminders: %s queued, %s digests, %s skipped; sent %s, retried %s, unreachable %s, failed %s",
                    found.messages,
                    found.digests,
                    found.failed,
                    sent.sent,
                    sent.retried,
                    sent.unreachable,
                    sent.failed,
                )
            return CycleResult(found, sent)
