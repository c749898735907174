"""Update slots: at most N updates are worked on at once (``bot.ptb.intake.FinishingProcessor``), and an
update whose reply waits on Telegram's limits gives its slot up while it waits.

Telegram lets a bot send about one message a second to a private chat and 20 a minute to a group; a
reply over that waits (``bot.ptb.sending``). Were the waiting update to keep its slot, a few people
flooding one chat would hold every slot, and everyone else's updates would wait behind theirs.
Instead the wait runs in ``given_up()``: the slot goes to the next update, and the waiting one takes
a slot again when its wait is over, ahead of updates that have not started (it has work in hand).
Outside an update (jobs, the reminder dispatcher) ``given_up()`` does nothing.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar


class Slots:
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("at least one slot")
        self.size = size
        self.free = size
        self._new: deque[asyncio.Future] = deque()  # updates that have not started
        self._resuming: deque[asyncio.Future] = deque()  # updates back from a wait: first

    @property
    def busy(self) -> int:
        return self.size - self.free

    async def take(self, *, resuming: bool = False) -> None:
        if self.free > 0 and not self._new and not self._resuming:
            self.free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        line = self._resuming if resuming else self._new
        line.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.give()  # handed over as it was cancelled: pass it on
            else:
                line.remove(waiter)
            raise

    def give(self) -> None:
        for line in (self._resuming, self._new):
            while line:
                waiter = line.popleft()
                if not waiter.done():
                    waiter.set_result(None)  # the slot passes straight to it
                    return
        self.free += 1

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Hold a slot for the work inside (an update being handled)."""
        await self.take()
        holding = _Holding(self, asyncio.current_task())
        token = _holding.set(holding)
        try:
            yield
        finally:
            still_held = _holding.get() is holding  # not when cancelled while taking it back (given_up)
            _holding.reset(token)
            if still_held:
                self.give()


class _Holding:
    """A slot held by ``task`` (a task started from it inherits the context, not the slot)."""

    def __init__(self, slots: Slots, task: asyncio.Task | None) -> None:
        self.slots = slots
        self.task = task


_holding: ContextVar[_Holding | None] = ContextVar("update_slot", default=None)


@asynccontextmanager
async def given_up() -> AsyncIterator[None]:
    """Wait inside without the update's slot (if the current task holds one); take one back after."""
    holding = _holding.get()
    if holding is None or holding.task is not asyncio.current_task():
        yield
        return
    _holding.set(None)  # a wait nested inside does not give it up twice
    holding.slots.give()
    try:
        yield
    except asyncio.CancelledError:
        raise  # the update is being stopped: no slot to take back, and ``held`` gives none
    except BaseException:
        await holding.slots.take(resuming=True)
        _holding.set(holding)
        raise
    await holding.slots.take(resuming=True)  # cancelled while taking it: likewise, none held
    _holding.set(holding)
