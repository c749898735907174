"""Telegram's flood limits (429 with ``retry_after``) and blocked chats (403)."""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from devtools.emulator.core import BotAPIError, EmulatorParts, JSONDict

BLOCKABLE_PREFIXES = ("send", "edit", "copy", "forward", "pin")
LIMITED_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendvideo",
        "sendaudio",
        "sendvoice",
        "sendanimation",
        "sendsticker",
        "sendmediagroup",
        "sendlocation",
        "sendcontact",
        "sendpoll",
        "copymessage",
        "forwardmessage",
    }
)


class FloodLimiter:
    """Telegram-like flood control driven by an injectable clock.

    * at most ``global_per_second`` messages in any 1 s window (all chats),
    * private chats: token bucket of ``private_burst`` tokens refilled at
      ``private_per_second`` per second,
    * groups (negative chat ids): at most ``group_per_minute`` per 60 s window.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        global_per_second: int = 30,
        private_per_second: float = 1.0,
        private_burst: int = 3,
        group_per_minute: int = 20,
    ) -> None:
        self.clock = clock
        self.global_per_second = global_per_second
        self.private_per_second = private_per_second
        self.private_burst = private_burst
        self.group_per_minute = group_per_minute
        self._global: deque[float] = deque()
        self._groups: dict[int, deque[float]] = defaultdict(deque)
        self._private: dict[int, tuple[float, float]] = {}

    def reset(self) -> None:
        self._global.clear()
        self._groups.clear()
        self._private.clear()

    def acquire(self, chat_id: int) -> int | None:
        """Count one message to ``chat_id``; return ``retry_after`` seconds if over the limit."""
        now = self.clock()
        waits: list[float] = []
        window = self._global
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= self.global_per_second:
            waits.append(window[0] + 1.0 - now)
        tokens = 0.0
        if chat_id < 0:
            group = self._groups[chat_id]
            while group and group[0] <= now - 60.0:
                group.popleft()
            if len(group) >= self.group_per_minute:
                waits.append(group[0] + 60.0 - now)
        else:
            tokens, last = self._private.get(chat_id, (float(self.private_burst), now))
            tokens = min(float(self.private_burst), tokens + max(0.0, now - last) * self.private_per_second)
            if tokens < 1.0:
                waits.append((1.0 - tokens) / self.private_per_second)
        if waits:
            return max(1, math.ceil(max(waits)))
        window.append(now)
        if chat_id < 0:
            self._groups[chat_id].append(now)
        else:
            self._private[chat_id] = (tokens - 1.0, now)
        return None


class LimitsMixin(EmulatorParts):
    """Checks made before a method runs: ``blocked_chats`` and ``enforce_limits``."""

    blocked_chats: set[int]
    enforce_limits: bool
    limiter: FloodLimiter

    def _init_limits(self, clock: Callable[[], float]) -> None:
        self.blocked_chats = set()
        self.enforce_limits = False
        self.limiter = FloodLimiter(clock)

    def _check_blocked(self, method: str, params: JSONDict) -> None:
        if not self.blocked_chats or not method.lower().startswith(BLOCKABLE_PREFIXES):
            return
        chat_id: Any = params.get("chat_id")
        if isinstance(chat_id, int) and chat_id in self.blocked_chats:
            raise BotAPIError(403, "Forbidden: bot was blocked by the user")

    def _check_limits(self, method: str, params: JSONDict) -> None:
        if not self.enforce_limits or method.lower() not in LIMITED_METHODS:
            return
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            return
        retry_after = self.limiter.acquire(chat_id)
        if retry_after is not None:
            raise BotAPIError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
