"""The emulator's data: users, recorded messages, stored files, errors, limits of sizes."""

from __future__ import annotations

import asyncio
import pickle
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

JSONDict = dict[str, Any]
FaultHook = Callable[[str, JSONDict], "JSONDict | Awaitable[JSONDict | None] | None"]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


def copy_json(value: Any) -> Any:
    """A deep copy of stored JSON-like data (what the emulator hands out must not be changed under it):
    through pickle, several times faster than ``copy.deepcopy`` on messages with entities and keyboards."""
    return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (Telegram's unit for offsets/limits)."""
    return len(text.encode("utf-16-le")) // 2


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


class FakeClock:
    """A manually advanced clock, usable as ``BotAPIEmulator(clock=FakeClock())``.

    Calling the instance returns the current (fake) UNIX time in seconds.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` and return the new time."""
        self.now += seconds
        return self.now


class Signal:
    """Edge-triggered broadcast: ``await wait()`` returns after the next ``notify()``.

    Unlike :class:`asyncio.Condition` it can be notified from synchronous code
    (e.g. ``emu.send_text``) without holding a lock.  Waiters must check their
    condition *before* awaiting ``wait()`` (no ``await`` in between), which makes
    lost wake-ups impossible on a single event loop.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait(self) -> None:
        await self._event.wait()


class BotAPIError(Exception):
    """An error answer of the Bot API (``{"ok": false, ...}``)."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> JSONDict:
        data: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        parameters: JSONDict = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            data["parameters"] = parameters
        return data


def bad_request(description: str) -> BotAPIError:
    return BotAPIError(400, f"Bad Request: {description}")


def as_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or value is None or value == "":
        raise bad_request(f"{what} is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {what}") from None


@dataclass
class FakeUser:
    """A Telegram user played by a test.  Its private chat id equals ``id``."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"

    def to_dict(self) -> JSONDict:
        """The Bot API ``User`` object."""
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data

    def private_chat(self) -> JSONDict:
        """The Bot API ``Chat`` object of the private chat with the bot."""
        data: JSONDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data


@dataclass
class SentMessage:
    """One message the bot sent (``send*``) or edited (``editMessage*``).

    ``text``/``caption`` are exactly what the bot passed (e.g. still containing
    HTML tags); ``plain_text`` is what the user sees after entity parsing.
    For ``editMessageReplyMarkup`` ``text`` is the current text of the message.
    ``message`` is the ``Message`` object returned to the bot (a snapshot).
    """

    method: str
    chat_id: int
    message_id: int
    text: str | None = None
    parse_mode: str | None = None
    reply_markup: JSONDict | None = None
    document: bytes | None = None
    file_name: str | None = None
    photo: bytes | None = None
    caption: str | None = None
    params: JSONDict = field(default_factory=dict)
    edited: bool = False
    index: int = -1
    message: JSONDict = field(default_factory=dict)
    plain_text: str | None = None

    def buttons(self) -> list[tuple[str, str]]:
        """``(text, callback_data)`` of all inline keyboard buttons, row by row.

        Buttons without ``callback_data`` (URL buttons, ...) get ``""``.
        """
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or []
        return [(str(button.get("text", "")), str(button.get("callback_data", ""))) for row in rows for button in row]

    def button_data(self, label: str) -> str:
        """``callback_data`` of the first button whose text equals, else contains, ``label``."""
        buttons = self.buttons()
        for text, data in buttons:
            if text == label:
                return data
        for text, data in buttons:
            if label.casefold() in text.casefold():
                return data
        raise LookupError(f"no button {label!r} in message {self.message_id}: {buttons}")

    def describe(self) -> str:
        """A one-line human readable summary (used in timeout errors and demos)."""
        body = self.text if self.text is not None else self.caption
        parts = [f"#{self.index} {self.method} chat={self.chat_id} msg={self.message_id}"]
        if self.file_name:
            parts.append(f"file={self.file_name!r}")
        if self.photo is not None:
            parts.append(f"photo={len(self.photo)}B")
        if body is not None:
            short = body if len(body) <= 120 else body[:117] + "..."
            parts.append(f"text={short!r}")
        if self.buttons():
            parts.append(f"buttons={self.buttons()}")
        return " ".join(parts)


@dataclass
class StoredFile:
    """A file known to the emulator (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None
    mime_type: str | None
    kind: str  # "document" | "photo"
    file_path: str

    @property
    def file_size(self) -> int:
        return len(self.data)


@dataclass
class Upload:
    """A file part of a multipart request of the bot."""

    filename: str | None
    data: bytes
    content_type: str | None


class EmulatorParts:
    """What the parts of the emulator (the mixins of ``BotAPIEmulator``) read of one another, declared
    for the type checker; each is set in ``__init__`` or defined by the part that owns it."""

    token: str
    bot_id: int
    bot_user: JSONDict
    clock: Callable[[], float]
    calls: list[tuple[str, JSONDict]]
    errors: list[tuple[str, JSONDict, int, str]]
    stats: Counter[str]
    sent: list[SentMessage]
    files: dict[str, StoredFile]
    strict_edits: bool
    webhook_url: str
    _closing: bool
    _updates: list[JSONDict]
    _messages: dict[int, dict[int, JSONDict]]
    _callback_queries: dict[str, bool]
    _raw_text: dict[tuple[int, int], tuple[str | None, str | None]]  # (text, parse mode) as the bot sent it
    _call_signal: Signal
    _sent_signal: Signal
    _queue_signal: Signal
    _ack_signal: Signal
    # methods of one part that another calls
    inject_update: Callable[..., Any]
    _as_user: Callable[..., Any]
    _resolve_chat: Callable[..., Any]
    _record: Callable[..., Any]
    _checked_text: Callable[..., Any]
    _check_reply_markup: Callable[..., Any]
    _store_file: Callable[..., Any]
    _store_message: Callable[..., Any]
    _shallow: Callable[..., Any]
    _photo_sizes: Callable[..., Any]
    _input_file: Callable[..., Any]
    _document_dict: Callable[..., Any]
