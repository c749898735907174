"""Every call the bot makes to Telegram goes through this limiter: Telegram's flood limits kept
without one chat holding up the others, 429 ``retry_after`` honoured, plus a few patient retries
after transient failures (5xx answers, dropped connections, timeouts), so that a reply is not lost to
a network hiccup.

Telegram's limits, as it documents them (and as the emulator enforces them):
  * messages to one private chat: a burst of 3, then about one a second;
  * messages to one group or channel: at most 20 in any minute;
  * all chats together: about 30 a second.
Calls that put a message in a chat (``send*``, ``copyMessage``, ``forwardMessage``...) count per
chat; they go to one chat one after another, each when that chat's limit allows it (counted from
Telegram's answer to the one before, so never early). Every call naming a chat counts toward the 30 a
second. A 429 holds back the chat it was about, for its ``retry_after``, not the whole bot (PTB's
``AIORateLimiter`` pauses every call); a 429 on a call that names no chat holds back only that call.

While a call waits (for its chat, for its turn, after a 429 or a failure), the update it answers
gives its processing slot up (``bot.ptb.slots``), so replies that wait on one person's or one group's
limit never hold the slots other people's updates need.

A call that fails for good (bad request, blocked bot) is not retried. A retry after a connection
dropped once the request had been received may repeat a message: a rare duplicate is better than an
answer lost. Long polling has its own retry loop and is left alone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from bot.ptb.slots import given_up
from bot.ptb.transport import AiohttpRequest

log = logging.getLogger(__name__)

NOT_RETRIED = {"getupdates", "setwebhook", "deletewebhook"}


def puts_a_message(endpoint: str) -> bool:
    """Whether the call adds a message to a chat (what Telegram's per-chat limits count)."""
    name = endpoint.lower()
    return (name.startswith("send") and name != "sendchataction") or name.startswith(("copymessage", "forwardmessage"))


@dataclass
class _Chat:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # its messages go one after another
    users: int = 0  # calls sending to it now or waiting to
    tokens: float = 0.0  # a private chat's burst left, as of ``stamp``
    stamp: float = 0.0
    sent: deque[float] = field(default_factory=deque)  # a group's last messages (when answered)
    not_before: float = 0.0  # held back by a 429 until then


class PatientRateLimiter(BaseRateLimiter):
    def __init__(
        self,
        *,
        max_retries: int = 3,
        network_retries: int = 4,
        first_backoff: float = 0.25,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        per_second: int = 30,
        private_burst: int = 3,
        private_per_second: float = 1.0,
        group_per_minute: int = 20,
        max_chats: int = 1000,
        margin: float = 0.05,
    ) -> None:
        self.max_retries = max_retries  # after a 429
        self.network_retries = network_retries
        self.first_backoff = first_backoff
        self.per_second = per_second
        self.private_burst = private_burst
        self.private_per_second = private_per_second
        self.group_per_minute = group_per_minute
        self.max_chats = max_chats
        self.margin = margin  # seconds added to a wait: for the delay between the two ends, and their clocks
        self._sleep = sleep
        self._clock = clock
        self._chats: dict[int | str, _Chat] = {}
        self._in_flight = 0  # calls naming a chat on their way now
        self._done: deque[float] = deque()  # when those of the last second were answered

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint.lower() in NOT_RETRIED:
            return await callback(*args, **kwargs)
        key = _chat_key(data.get("chat_id"))
        counted = key is not None and puts_a_message(endpoint)
        max_retries = rate_limit_args or self.max_retries
        limited = backoff_step = 0
        backoff = self.first_backoff
        while True:
            try:
                if counted and key is not None:
                    return await self._in_chat(key, callback, args, kwargs)
                if key is None:
                    return await callback(*args, **kwargs)
                await self._wait_until(self._chat(key).not_before)
                async with self._turn():
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if limited == max_retries:
                    log.warning("%s: still rate limited after %d retries", endpoint, max_retries)
                    raise
                limited += 1
                hold = exc._retry_after.total_seconds()  # noqa: SLF001 - as PTB's own limiter (no warning)
                log.info("%s rate limited; chat %s waits %.1f s", endpoint, key, hold)
                until = self._clock() + hold + self.margin
                if key is not None:
                    chat = self._chat(key)
                    chat.not_before = max(chat.not_before, until)
                else:
                    await self._wait_until(until)
            except BadRequest:
                raise  # our request is wrong: trying again cannot help
            except NetworkError as exc:  # 5xx, connection dropped or refused, timed out
                if backoff_step == self.network_retries:
                    raise
                backoff_step += 1
                log.warning("%s failed (%s); trying again in %.2f s", endpoint, exc, backoff)
                async with given_up():
                    await self._sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _in_chat(
        self, key: int | str, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any, kwargs: dict[str, Any]
    ) -> Any:
        """One message to one chat: after the chat's earlier ones, when its limit allows, in its turn."""
        chat = self._chat(key)
        chat.users += 1
        try:
            if chat.users > 1 or self._chat_wait(chat, key) > 0:  # others first, or the limit: a wait
                async with given_up():
                    await self._wait_for_chat(chat, key)
            else:
                await self._wait_for_chat(chat, key)  # at once
            counts = True
            try:
                async with self._turn():
                    return await callback(*args, **kwargs)
            except (RetryAfter, BadRequest):
                counts = False  # Telegram did not send it
                raise
            finally:
                if counts:
                    self._count(chat, key)
                chat.lock.release()
        finally:
            chat.users -= 1

    async def _wait_for_chat(self, chat: _Chat, key: int | str) -> None:
        """Take the chat's lock, then wait until its limit lets a message through."""
        await chat.lock.acquire()
        try:
            while (wait := self._chat_wait(chat, key)) > 0:
                await self._sleep(wait)
        except BaseException:
            chat.lock.release()
            raise

    def _chat(self, key: int | str) -> _Chat:
        chat = self._chats.get(key)
        if chat is None:
            if len(self._chats) >= self.max_chats:
                self._forget_idle()
            chat = self._chats[key] = _Chat(tokens=float(self.private_burst), stamp=self._clock())
        return chat

    def _chat_wait(self, chat: _Chat, key: int | str) -> float:
        """Seconds until the chat may get its next message (0: now)."""
        now = self._clock()
        wait = chat.not_before - now
        if isinstance(key, int) and key > 0:  # a private chat: a burst, then a steady rate
            tokens = min(float(self.private_burst), chat.tokens + (now - chat.stamp) * self.private_per_second)
            if tokens < 1.0:
                wait = max(wait, (1.0 - tokens) / self.private_per_second + self.margin)
        else:  # a group or a channel: so many in any minute
            while chat.sent and chat.sent[0] <= now - 60.0:
                chat.sent.popleft()
            if len(chat.sent) >= self.group_per_minute:
                wait = max(wait, chat.sent[0] + 60.0 + self.margin - now)
        return max(0.0, wait)

    def _count(self, chat: _Chat, key: int | str) -> None:
        """A message went to the chat (counted when Telegram answered: never before Telegram counted it)."""
        now = self._clock()
        if isinstance(key, int) and key > 0:
            tokens = min(float(self.private_burst), chat.tokens + (now - chat.stamp) * self.private_per_second)
            chat.tokens, chat.stamp = tokens - 1.0, now
        else:
            chat.sent.append(now)

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """A call naming a chat, at most ``per_second`` of them in any second, all chats together: those
        answered within the last second and those on their way count (so never more, whatever the
        delay between the two ends)."""
        while True:
            now = self._clock()
            while self._done and self._done[0] <= now - 1.0:
                self._done.popleft()
            if len(self._done) + self._in_flight < self.per_second:
                break
            # The oldest answer leaves the window then; with every call on its way, look again soon.
            wait = self._done[0] + 1.0 + self.margin - now if self._done else self.margin
            async with given_up():
                await self._sleep(max(wait, 0.001))
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            self._done.append(self._clock())

    async def _wait_until(self, moment: float) -> None:
        if moment - self._clock() <= 0:
            return
        async with given_up():
            while (wait := moment - self._clock()) > 0:
                await self._sleep(wait)

    def _forget_idle(self) -> None:
        """Drop the chats nothing waits on and whose limits have nothing left to count."""
        now = self._clock()
        for key in [
            key
            for key, chat in self._chats.items()
            if not chat.users
            and self._chat_wait(chat, key) == 0
            and not chat.sent
            and chat.tokens + (now - chat.stamp) * self.private_per_second >= self.private_burst
        ]:
            del self._chats[key]


def _chat_key(chat_id: Any) -> int | str | None:
    """The chat a call is about: its id, or a channel's @username."""
    if chat_id is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        return int(chat_id)
    return str(chat_id)


class HookedRequest(AiohttpRequest):
    """The bot's HTTP client (bot.ptb.transport) with ``before()`` awaited ahead of every Bot API call:
    the call made while handling an update records that update first (``handlers.once``)."""

    def __init__(self, before: Callable[[], Awaitable[None]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._before = before

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        await self._before()
        return await super().do_request(*args, **kwargs)
