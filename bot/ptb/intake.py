"""Updates kept from their arrival until handled, so a process killed with
updates in hand loses none of them.

Telegram forgets an update once it is acknowledged: a webhook delivery when the
process answers 200, a polled one when the next getUpdates confirms it. PTB
acknowledges as soon as the update is in its queue, before any handler has run,
and a process killed then (or stopped: PTB drops what is still queued) took the
update with it. Here each update is written to the database before it is
acknowledged: a polled batch at once, as Telegram sent it, by the getUpdates
client (``ReceivingRequest``), a webhook delivery by the application's queue
(``DurableQueue.put``, awaited before the webhook answers);
the update processor notes when an update has been seen through, and those
notes delete the rows in batches, with the next arrival. Whatever is still
there when a process starts, or a while after it arrived, is queued again;
the update id claimed in ``handlers.once`` keeps a second run from answering or
changing anything twice.

When the database cannot be reached the update is queued all the same: its
handler will tell the user that nothing could be saved.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from http import HTTPStatus
from typing import Any

from sqlmodel import Session
from telegram import Update
from telegram.ext import Application, ContextTypes, SimpleUpdateProcessor

from bot.context import BotData
from bot.ptb.slots import Slots
from bot.ptb.transport import AiohttpRequest
from storage.updates import forget_old_received, forget_received, keep_received, take_unfinished

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=2)  # an update still unfinished this long after it came is taken up again
KEPT_FOR = timedelta(hours=24)  # Telegram keeps no update longer
CHECK_EVERY = 30  # seconds between looks for unfinished updates


class DurableQueue(asyncio.Queue):
    """The application's update queue; ``data`` and ``bot`` are set once the application is built."""

    def __init__(self) -> None:
        super().__init__()
        self.data: BotData | None = None
        self.bot: Any = None
        self._seen_through: list[int] = []
        self._kept: set[int] = set()  # written down with their batch (``keep_arrivals``)

    @property
    def built(self) -> BotData:
        """``data``, which the application sets once it is built."""
        if self.data is None:
            raise RuntimeError("the update queue is used before the application is built")
        return self.data

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self.data is not None:
            if item.update_id in self._kept:
                self._kept.discard(item.update_id)
            else:
                await self._keep(item)
        await super().put(item)

    async def keep_arrivals(self, updates: list) -> None:
        """A getUpdates batch as Telegram sent it, written down in one transaction before PTB queues
        it (and before the next getUpdates confirms it): cheaper than one write an update, and than
        serializing PTB's objects again."""
        if self.data is None:
            return
        batch = [
            (item["update_id"], json.dumps(item, ensure_ascii=False))
            for item in updates
            if isinstance(item, dict) and isinstance(item.get("update_id"), int)
        ]
        if await self._write_down(batch):
            self._kept.update(update_id for update_id, _ in batch)

    async def _keep(self, update: Update) -> None:
        await self._write_down([(update.update_id, update.to_json())])

    async def _write_down(self, updates: list[tuple[int, str]]) -> bool:
        """Keep ``updates`` (id, JSON), and drop the rows of those seen through meanwhile. When the
        database cannot be reached the updates go on unkept (each is tried alone as it is queued)."""
        data = self.built
        at = data.clock()
        finished, self._seen_through = self._seen_through, []

        def work(session: Session) -> None:
            if finished:
                forget_received(session, update_ids=finished)
            keep_received(session, updates=updates, at=at, retry_at=at + RETRY_AFTER)

        try:
            await data.db.transaction(work)
        except Exception as error:  # noqa: BLE001 - e.g. the database is unreachable
            self._seen_through[:0] = finished
            log.warning("%d update(s) could not be kept before handling: %s", len(updates), error)
            return False
        return True

    def finished(self, update_id: int) -> None:
        """``update_id`` was seen through: its row goes with the next write."""
        self._seen_through.append(update_id)

    async def tidy(self) -> None:
        """Delete the rows of finished updates now, and those too old to answer."""
        data = self.built
        finished, self._seen_through = self._seen_through, []

        def work(session: Session) -> None:
            forget_received(session, update_ids=finished)
            forget_old_received(session, before=data.clock() - KEPT_FOR)

        try:
            await data.db.transaction(work)
        except Exception:
            self._seen_through[:0] = finished
            raise

    async def take_up_unfinished(self, *, everything: bool = False) -> int:
        """Queue again the updates left unfinished (``everything``: at start, all of them); how many."""
        data = self.built
        now = data.clock()
        rows = await data.db.transaction(
            lambda session: take_unfinished(session, now=now, retry_at=now + RETRY_AFTER, everything=everything)
        )
        for update_id, payload in rows:
            try:
                update = Update.de_json(json.loads(payload), self.bot)
            except (ValueError, TypeError, KeyError) as error:
                log.warning("kept update %s could not be read again, dropped: %s", update_id, error)
                self.finished(update_id)
                continue
            await super().put(update)  # kept already
        if rows:
            log.info("%d unfinished update(s) taken up again", len(rows))
        return len(rows)


class ReceivingRequest(AiohttpRequest):
    """The bot's HTTP client (bot.ptb.transport) for getUpdates (one connection, as PTB's own), handing
    each batch of updates, as Telegram sent it, to ``on_arrival`` (``DurableQueue.keep_arrivals``)
    before PTB reads it.

    The batch is taken from the response in ``do_request``, the transport's own step: PTB's ``post``,
    which reads the response after it, is final. A batch is read twice (here and by PTB): a small
    price beside writing it to the database."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("connection_pool_size", 1)
        super().__init__(**kwargs)
        self.on_arrival: Callable[[list], Awaitable[None]] | None = None

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(url, method, *args, **kwargs)
        if self.on_arrival is not None and HTTPStatus.OK <= code <= 299 and url.endswith("/getUpdates"):
            try:
                result = json.loads(payload).get("result")
            except (ValueError, AttributeError):
                result = None  # not a batch: PTB reports what is wrong with it
            if isinstance(result, list) and result:
                await self.on_arrival(result)
        return code, payload


class FinishingProcessor(SimpleUpdateProcessor):
    """PTB's processor (up to ``max_concurrent_updates`` at once) that tells the queue when an update
    has been seen through. One cut short (the process stopping) is not: it will be taken up again.

    Its slots are ``bot.ptb.slots.Slots`` rather than PTB's semaphore: an update whose reply waits on
    Telegram's limits for a chat gives its slot up meanwhile, so people flooding their own chats do
    not hold the slots everyone else's updates need."""

    # PTB's ``process_update`` (final) holds PTB's semaphore around ``do_process_update``: it is made
    # wide enough never to make an update wait, and the slots, taken in ``do_process_update``, are the limit.
    ADMIT_ALL = 1_000_000
    limit = ADMIT_ALL  # what PTB's semaphore is made with; the real limit once built

    def __init__(self, max_concurrent_updates: int, queue: DurableQueue) -> None:
        super().__init__(self.ADMIT_ALL)
        self.limit = max_concurrent_updates
        self.queue = queue
        self.slots = Slots(max_concurrent_updates)

    @property
    def max_concurrent_updates(self) -> int:
        return self.limit

    @property
    def current_concurrent_updates(self) -> int:
        return self.slots.busy

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        async with self.slots.held():
            await coroutine
            if isinstance(update, Update):
                self.queue.finished(update.update_id)


async def look_for_unfinished(context: ContextTypes.DEFAULT_TYPE) -> None:
    """A job every ``CHECK_EVERY`` seconds: tidy the kept updates, take up those left unfinished."""
    queue = context.application.update_queue
    if not isinstance(queue, DurableQueue):
        return
    try:
        await queue.tidy()
        await queue.take_up_unfinished()
    except Exception as error:  # noqa: BLE001 - e.g. the database is unreachable: next time
        log.warning("could not look for unfinished updates: %s", error)


async def start(application: Application) -> None:
    """At start (``post_init``): queue whatever an earlier process left unfinished; then look again
    from time to time."""
    queue = application.update_queue
    if not isinstance(queue, DurableQueue):
        return
    await queue.take_up_unfinished(everything=True)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            look_for_unfinished, interval=CHECK_EVERY, first=CHECK_EVERY, name="unfinished updates"
        )


async def stop(application: Application) -> None:
    """At a clean stop (``post_shutdown``): delete the rows of the updates seen through, so the next
    start takes up only what was really left unfinished."""
    queue = application.update_queue
    if isinstance(queue, DurableQueue) and queue.data is not None:
        try:
            await queue.tidy()
        except Exception as error:  # noqa: BLE001 - they are dropped as handled at the next start
            log.warning("could not tidy the kept updates at stop: %s", error)
