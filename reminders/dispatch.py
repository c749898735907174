"""Sending the outbox within Telegram's limits.

:class:`Pacer` spaces sends: at most ``per_second`` overall, one message a
second per chat, ``group_per_minute`` a minute per group. :class:`Dispatcher`
claims due rows, sends each with one Bot API call, and marks it: sent; a 429
puts it back after ``retry_after`` (and holds every send for that long); 5xx
and network errors put it back with exponential backoff until ``max_attempts``;
a 403 (blocked, never started) marks it and the person unreachable.

With a :class:`~reminders.recovery.Presence`, its claims carry this process's id: each dispatch
first beats, releasing the claims of processes gone, and a row claimed before this process learnt
it had been taken for gone is left to the others that now send it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from storage import calendar as office
from storage import outbox as box
from storage.db import session_scope
from storage.models import Outbox

if TYPE_CHECKING:
    from reminders.hours import WorkHours
    from reminders.recovery import Presence

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)


class Pacer:
    """When each send may go, by Telegram's limits; the clock is injectable."""

    def __init__(
        self,
        *,
        per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        group_per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / per_second
        self.per_chat_interval = per_chat_interval
        self.group_per_minute = group_per_minute
        self.clock = clock
        self.sleep = sleep
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}

    def reserve(self, chat_id: int) -> float:
        """Book the earliest moment this chat may receive a message; returns it."""
        now = self.clock()
        at = max(now, self._next_global, self._next_chat.get(chat_id, 0.0))
        if chat_id < 0:  # a group or channel
            sends = self._group_sends.setdefault(chat_id, deque())
            while sends and sends[0] <= at - 60.0:
                sends.popleft()
            if len(sends) >= self.group_per_minute:
                at = max(at, sends[0] + 60.0)
            sends.append(at)
        self._next_global = at + self.interval
        self._next_chat[chat_id] = at + self.per_chat_interval
        return at

    def hold(self, seconds: float) -> None:
        """Telegram said 429: nothing goes out for ``seconds``."""
        self._next_global = max(self._next_global, self.clock() + seconds)

    async def wait(self, chat_id: int) -> None:
        delay = self.reserve(chat_id) - self.clock()
        if delay > 0:
            await self.sleep(delay)


@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    unreachable: int = 0
    failed: int = 0
    released: int = 0
    handed_over: int = 0  # claimed before this process was taken for gone: others send them
    errors: list[str] = field(default_factory=list)

    def add(self, other: DispatchStats) -> None:
        for name in ("sent", "retried", "rate_limited", "unreachable", "failed", "released", "handed_over"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def utc_clock() -> datetime:
    return datetime.now(UTC)


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        bot: Bot,
        *,
        clock: Callable[[], datetime] = utc_clock,
        pacer: Pacer | None = None,
        worker: str | None = None,
        batch: int = 60,
        max_attempts: int = 8,
        lease: timedelta = LEASE,
        concurrency: int = 30,
        presence: Presence | None = None,
        hours: WorkHours | None = None,
    ) -> None:
        self.engine = engine
        self.bot = bot
        self.clock = clock
        self.pacer = pacer or Pacer()
        self.presence = presence  # this process among those sending (reminders/recovery.py)
        self.worker = presence.id if presence is not None else worker or uuid.uuid4().hex[:12]
        self.batch = batch
        self.max_attempts = max_attempts
        self.lease = lease
        self.concurrency = concurrency
        # WORK_HOURS: reminders and escalations are held outside them (reminders/hours.py); None: never.
        self.hours = hours

    async def run_once(self, *, max_rounds: int = 1000) -> DispatchStats:
        """Send everything due now; returns what happened."""
        stats = DispatchStats()
        stats.released = await asyncio.to_thread(self._release)
        held = await asyncio.to_thread(self._held_kinds)
        for _ in range(max_rounds):
            token = f"{self.worker}:{uuid.uuid4().hex[:8]}"
            rows, epoch = await asyncio.to_thread(self._claim, token, held)
            if not rows:
                break
            semaphore = asyncio.Semaphore(self.concurrency)

            async def one(row: Outbox) -> DispatchStats:  # gathered within this round: its names are this round's
                async with semaphore:  # noqa: B023
                    return await self._send(row, token, epoch)  # noqa: B023

            for result in await asyncio.gather(*(one(r) for r in rows)):
                stats.add(result)
        return stats

    def _release(self) -> int:
        released = 0
        if self.presence is not None:
            try:
                released = self.presence.beat().released
            except Exception as error:  # noqa: BLE001 - e.g. a deadlock with another beat: the next one
                log.warning("heartbeat not recorded before sending: %s", error)
        with session_scope(self.engine) as session:
            return released + box.release_expired(session=session, now=self.clock(), lease=self.lease)

    def _held_kinds(self) -> tuple[str, ...]:
        """The kinds of rows held now: reminders outside working hours (of the office's calendar,
        its own days read from the database)."""
        if self.hours is None:
            return ()
        from reminders.hours import HELD_KINDS

        with session_scope(self.engine) as session:
            working, off = office.overrides(session=session)
        calendar = self.hours.calendar.with_overrides(working, off)
        return () if self.hours.is_open(self.clock(), calendar) else HELD_KINDS

    def _claim(self, token: str, held: tuple[str, ...] = ()) -> tuple[list[Outbox], int]:
        """Rows claimed, and this process's epoch they were claimed in (no beat meanwhile)."""
        if self.presence is None:
            with session_scope(self.engine) as session:
                return box.claim(session=session, token=token, now=self.clock(), limit=self.batch, held_kinds=held), 0
        with self.presence.claiming() as epoch, session_scope(self.engine) as session:
            return box.claim(session=session, token=token, now=self.clock(), limit=self.batch, held_kinds=held), epoch

    def _mark(self, fn, **kwargs) -> None:
        with session_scope(self.engine) as session:
            fn(session=session, **kwargs)

    async def _send(self, row: Outbox, token: str, epoch: int = 0) -> DispatchStats:
        stats = DispatchStats()
        await self.pacer.wait(row.chat_id)
        if self.presence is not None and self.presence.epoch != epoch:
            stats.handed_over += 1  # released when this process learnt it was taken for gone
            return stats
        try:
            await self._call(row)
        except RetryAfter as exc:
            seconds = float(
                exc.retry_after if not isinstance(exc.retry_after, timedelta) else exc.retry_after.total_seconds()
            )
            self.pacer.hold(seconds)
            stats.rate_limited += 1
            await asyncio.to_thread(
                self._mark,
                box.retry_later,
                row_id=row.id,
                token=token,
                at=self.clock() + timedelta(seconds=seconds),
                error=f"429 {seconds:g}s",
                count_attempt=False,
            )
        except Forbidden as exc:
            stats.unreachable += 1
            await asyncio.to_thread(
                self._mark, box.mark_unreachable, row=row, token=token, now=self.clock(), error=str(exc)
            )
        except BadRequest as exc:
            if "chat not found" in str(exc).lower() or "user not found" in str(exc).lower():
                stats.unreachable += 1
                await asyncio.to_thread(
                    self._mark, box.mark_unreachable, row=row, token=token, now=self.clock(), error=str(exc)
                )
            else:  # the message itself is wrong: retrying will not help
                stats.failed += 1
                stats.errors.append(str(exc))
                log.error("outbox %s refused by Telegram: %s", row.id, exc)
                await asyncio.to_thread(self._mark, box.mark_failed, row_id=row.id, token=token, error=str(exc))
        except (NetworkError, TelegramError) as exc:  # 5xx, timeouts, dropped connections
            if row.attempts + 1 >= self.max_attempts:
                stats.failed += 1
                stats.errors.append(str(exc))
                await asyncio.to_thread(self._mark, box.mark_failed, row_id=row.id, token=token, error=str(exc))
            else:
                stats.retried += 1
                backoff = min(300.0, 2.0**row.attempts)
                await asyncio.to_thread(
                    self._mark,
                    box.retry_later,
                    row_id=row.id,
                    token=token,
                    at=self.clock() + timedelta(seconds=backoff),
                    error=str(exc),
                )
        else:
            stats.sent += 1
            await asyncio.to_thread(self._mark, box.mark_sent, row_id=row.id, token=token, now=self.clock())
        return stats

    async def _call(self, row: Outbox) -> None:
        markup = InlineKeyboardMarkup.de_json(json.loads(row.markup), self.bot) if row.markup else None
        if row.photo is not None:
            await self.bot.send_photo(
                row.chat_id, photo=row.photo, caption=row.text or None, parse_mode="HTML", reply_markup=markup
            )
        elif row.document is not None:
            await self.bot.send_document(
                row.chat_id,
                document=row.document,
                filename=row.file_name or None,
                caption=row.text or None,
                parse_mode="HTML",
                reply_markup=markup,
            )
        else:
            await self.bot.send_message(row.chat_id, row.text, parse_mode="HTML", reply_markup=markup)
