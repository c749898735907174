"""A readable conversation API for one user in one chat, for end-to-end tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from devtools.emulator.core import FakeUser, JSONDict, SentMessage

if TYPE_CHECKING:
    from devtools.emulator.server import BotAPIEmulator


class ChatSession:
    """Readable conversation API for one user in one chat.

    ``say``/``send_document``/``press`` return the first bot message (send or
    edit) in this chat *after* the action; ``expect`` returns the next message
    this session has not seen yet.  ``history`` lists the bot's messages here.
    """

    def __init__(self, emulator: BotAPIEmulator, user: FakeUser, chat: JSONDict | int | None = None) -> None:
        self.emu = emulator
        self.user = user
        self.chat: JSONDict = emulator._chat_for(user, chat)
        self.chat_id = int(self.chat["id"])
        self._cursor = emulator.mark()
        self.last_callback_id: str | None = None

    def _in_chat(self, predicate: Callable[[SentMessage], bool] | None) -> Callable[[SentMessage], bool]:
        def check(message: SentMessage) -> bool:
            return message.chat_id == self.chat_id and (predicate is None or predicate(message))

        return check

    async def _next(
        self,
        predicate: Callable[[SentMessage], bool] | None,
        after: int,
        timeout: float,
    ) -> SentMessage:
        message = await self.emu.wait_for(self._in_chat(predicate), timeout=timeout, after=after)
        self._cursor = max(self._cursor, message.index + 1)
        return message

    async def say(
        self,
        text: str,
        *,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 10.0,
    ) -> SentMessage:
        """Send ``text`` and return the first bot message in this chat after it."""
        mark = self.emu.mark()
        self.emu.send_text(self.user, text, chat=self.chat_id)
        return await self._next(predicate, mark, timeout)

    async def send_document(
        self,
        file_name: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        timeout: float = 10.0,
    ) -> SentMessage:
        """Send a document and return the first bot message in this chat after it."""
        mark = self.emu.mark()
        self.emu.send_document(self.user, file_name, data, mime_type=mime_type, caption=caption, chat=self.chat_id)
        return await self._next(None, mark, timeout)

    async def expect(
        self,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 10.0,
    ) -> SentMessage:
        """The next not yet seen bot message in this chat (matching ``predicate``)."""
        return await self._next(predicate, self._cursor, timeout)

    async def press(
        self,
        message: SentMessage,
        callback_data: str,
        *,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 10.0,
    ) -> SentMessage:
        """Press a button (``callback_data`` may be forged); return the next send/edit here."""
        mark = self.emu.mark()
        self.last_callback_id = self.emu.press_button(self.user, message, callback_data)
        return await self._next(predicate, mark, timeout)

    async def click(self, message: SentMessage, label: str, **kw: Any) -> SentMessage:
        """Press the button whose text is/contains ``label``."""
        return await self.press(message, message.button_data(label), **kw)

    @property
    def history(self) -> list[SentMessage]:
        """All bot sends/edits in this chat so far."""
        return self.emu.messages_to(self.chat_id)

    @property
    def last(self) -> SentMessage | None:
        """The latest bot send/edit in this chat."""
        history = self.history
        return history[-1] if history else None
