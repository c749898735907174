"""Before the bot talks to Telegram: does the Bot API at ``TELEGRAM_API_BASE_URL`` know
``TELEGRAM_BOT_TOKEN``? One ``getMe``, whose answer says which setting to check.

``run``, ``run --webhook`` and ``remind --now`` ask first and stop with one line
when Telegram refuses (401: the token; 404: the address, or a malformed token),
exit status 2 as for any other setting; ``check`` prints the same line. An
address that cannot be reached is another matter (the network, a proxy, an
outage): ``remind --now`` stops with one line and status 1, and ``run`` says so
and tries again, as it always has, until Telegram answers."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from bot.settings import TELEGRAM_API, Settings

if TYPE_CHECKING:
    from telegram.error import InvalidToken

log = logging.getLogger(__name__)


class TelegramRefused(Exception):
    """Telegram refused the token, or nothing like the Bot API answers at the address: a setting
    is wrong. ``str()`` is one line naming the setting to check."""


class TelegramUnreachable(Exception):
    """The Bot API could not be reached, or failed (5xx, 429): maybe for a while only."""


def refusal(status: int, settings: Settings) -> TelegramRefused:
    base = settings.telegram_api_base_url
    if status == 401:
        where = "" if base == TELEGRAM_API else f" Máy chủ Bot API: {base} (TELEGRAM_API_BASE_URL)."
        return TelegramRefused(
            f"Telegram từ chối mã bot: TELEGRAM_BOT_TOKEN sai hoặc đã bị thu hồi (lấy lại ở @BotFather).{where}"
        )
    if status == 404:
        return TelegramRefused(
            f"Không có Bot API tại {base} (404 Not Found): kiểm tra TELEGRAM_API_BASE_URL "
            f"(mặc định {TELEGRAM_API}), rồi TELEGRAM_BOT_TOKEN (đúng mã @BotFather cấp)."
        )
    return TelegramRefused(
        f"{base} trả lời HTTP {status}, không như Bot API của Telegram: kiểm tra "
        f"TELEGRAM_API_BASE_URL (mặc định {TELEGRAM_API})."
    )


def refusal_of(error: InvalidToken, settings: Settings) -> TelegramRefused:
    """The line for an ``InvalidToken`` that PTB raised: it raises one for a 401 and for a 404,
    whose reason (``Unauthorized``, ``Not Found (404)...``) is in the error or what caused it."""
    seen: BaseException | None = error
    while seen is not None:
        text = str(seen)
        if "404" in text or "Not Found" in text:
            return refusal(404, settings)
        seen = seen.__cause__
    return refusal(401, settings)


def unreachable(settings: Settings, reason: str) -> TelegramUnreachable:
    return TelegramUnreachable(
        f"Không kết nối được Telegram tại {settings.telegram_api_base_url}: {reason}. "
        "Kiểm tra TELEGRAM_API_BASE_URL, mạng và proxy (HTTPS_PROXY)."
    )


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:300] if lines else exc.__class__.__name__


async def get_me(settings: Settings, *, timeout: float = 10.0) -> dict[str, Any]:
    """Telegram's ``getMe`` for the configured token and address, through the bot's own HTTP
    client (its proxy settings too). Raises ``TelegramRefused`` or ``TelegramUnreachable``."""
    from telegram import Bot
    from telegram.error import NetworkError

    from bot.ptb.transport import AiohttpRequest

    request = AiohttpRequest(read_timeout=timeout, connect_timeout=timeout)
    bot = Bot(
        settings.token(),
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_api_file_url,
        request=request,
    )
    try:
        status, payload = await request.do_request(f"{bot.base_url}/getMe", "POST")
    except (NetworkError, TimeoutError) as exc:  # TimedOut is a NetworkError
        raise unreachable(settings, _first_line(exc) if str(exc).strip() else "quá thời gian chờ") from None
    finally:
        await request.shutdown()
    if status in (401, 404):
        raise refusal(status, settings)
    if status >= 500 or status == 429:
        raise unreachable(settings, f"máy chủ trả lời HTTP {status}")
    try:
        answer = json.loads(payload)
        me = answer["result"] if status == 200 and answer.get("ok") else None
    except (ValueError, AttributeError, KeyError, TypeError):
        me = None
    if not isinstance(me, dict) or not me.get("username"):
        raise refusal(status, settings)
    return me


async def wait_for_telegram(settings: Settings, *, first_wait: float = 1.0, longest_wait: float = 30.0) -> dict:
    """``get_me`` until Telegram answers: a refusal is raised at once; while Telegram cannot be
    reached, one warning a try says so, waiting longer each time (up to ``longest_wait``)."""
    wait = first_wait
    while True:
        try:
            return await get_me(settings)
        except TelegramUnreachable as exc:
            log.warning("%s Thử lại sau %.0f giây.", exc, wait)
        await asyncio.sleep(wait)
        wait = min(longest_wait, wait * 2)


__all__ = [
    "TelegramRefused",
    "TelegramUnreachable",
    "get_me",
    "wait_for_telegram",
    "refusal",
    "refusal_of",
    "unreachable",
]
