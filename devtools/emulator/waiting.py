"""Looking at what the bot did, and waiting for it without sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from devtools.emulator.core import EmulatorParts, JSONDict, SentMessage


class WaitingMixin(EmulatorParts):
    """``mark``, ``messages_to``, ``wait_for`` (messages) and ``wait_for_call`` (API calls)."""

    def mark(self) -> int:
        """Current length of :attr:`sent`, for ``wait_for(..., after=mark)``."""
        return len(self.sent)

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """All sends/edits of the bot in ``chat_id``."""
        return [m for m in self.sent if m.chat_id == chat_id]

    async def wait_for(
        self,
        predicate: Callable[[SentMessage], bool],
        *,
        timeout: float = 10.0,
        after: int = 0,
    ) -> SentMessage:
        """Return the first :class:`SentMessage` with ``index >= after`` matching ``predicate``.

        Waits (event driven, no sleeping) until one is recorded.  A predicate
        raising TypeError/AttributeError/KeyError/IndexError (e.g. ``"x" in m.text``
        with ``text=None``) counts as "no match".  On timeout raises
        :class:`asyncio.TimeoutError` listing what was sent.
        """
        index = after
        try:
            async with asyncio.timeout(timeout):
                while True:
                    while index < len(self.sent):
                        message = self.sent[index]
                        index += 1
                        if self._matches(predicate, message):
                            return message
                    await self._sent_signal.wait()
        except TimeoutError:
            raise TimeoutError(self._timeout_report(timeout, after)) from None

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[JSONDict], bool] | None = None,
        *,
        timeout: float = 10.0,
        after: int = 0,
    ) -> JSONDict:
        """Wait for an API call ``method`` (case-insensitive) with index >= ``after`` in
        :attr:`calls` whose params match ``predicate``; return its params."""
        wanted = method.lower()
        index = after
        try:
            async with asyncio.timeout(timeout):
                while True:
                    while index < len(self.calls):
                        name, params = self.calls[index]
                        index += 1
                        if name.lower() == wanted and (predicate is None or predicate(params)):
                            return params
                    await self._call_signal.wait()
        except TimeoutError:
            seen = [name for name, _ in self.calls[after:] if name.lower() != "getupdates"]
            raise TimeoutError(f"no {method} call within {timeout}s; calls since #{after}: {seen}") from None

    @staticmethod
    def _matches(predicate: Callable[[SentMessage], bool], message: SentMessage) -> bool:
        try:
            return bool(predicate(message))
        except (TypeError, AttributeError, KeyError, IndexError):
            return False

    def _timeout_report(self, timeout: float, after: int) -> str:
        lines = [f"no matching bot message within {timeout}s (looking at #{after}+)."]
        recent = self.sent[after:]
        if recent:
            lines.append("Sent since then:")
            lines.extend("  " + m.describe() for m in recent[-20:])
        else:
            lines.append(f"Nothing was sent since #{after} ({len(self.sent)} in total).")
        if self._updates:
            lines.append(f"{len(self._updates)} update(s) not yet fetched by the bot.")
        if self.errors:
            lines.append("Recent API errors returned to the bot:")
            lines.extend(f"  {method} -> {status} {description}" for method, _, status, description in self.errors[-5:])
        return "\n".join(lines)
