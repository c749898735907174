"""Every call the bot makes to Telegram goes through this limiter: PTB's
AIORateLimiter (Telegram's flood limits, 429 ``retry_after`` honoured), plus a
few patient retries after transient failures (5xx answers, dropped
connections, timeouts), so that a reply is not lost to a network hiccup.

A call that fails for good (bad request, blocked bot) is not retried. A retry
after a connection dropped once the request had been received may repeat a
message: a rare duplicate is better than an answer lost. Long polling has its
own retry loop and is left alone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

from bot.transport import AiohttpRequest

log = logging.getLogger(__name__)

NOT_RETRIED = {"getupdates", "setwebhook", "deletewebhook"}


class PatientRateLimiter(AIORateLimiter):
    def __init__(self, *, network_retries: int = 4, first_backoff: float = 0.25,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.network_retries = network_retries
        self.first_backoff = first_backoff
        self._sleep = sleep

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
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        backoff = self.first_backoff
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise  # our request is wrong: trying again cannot help
            except NetworkError as exc:  # 5xx, connection dropped or refused, timed out
                if attempt == self.network_retries:
                    raise
                log.warning("%s failed (%s); trying again in %.2f s", endpoint, exc, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, 5.0)
        raise AssertionError("unreachable")


class HookedRequest(AiohttpRequest):
    """The bot's HTTP client (bot.transport) with ``before()`` awaited ahead of every Bot API call:
    the call made while handling an update records that update first (``handlers.once``)."""

    def __init__(self, before: Callable[[], Awaitable[None]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._before = before

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        await self._before()
        return await super().do_request(*args, **kwargs)
