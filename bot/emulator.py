"""Local emulator of the Telegram Bot API HTTP interface (for tests and demos).

The real Telegram servers are not reachable (and not wanted) from tests, so this
module runs a small :mod:`aiohttp.web` server on ``127.0.0.1`` that speaks the
same HTTP protocol as ``https://api.telegram.org``.  The *unmodified*
python-telegram-bot ``Application`` can run against it with long polling::

    async with BotAPIEmulator() as emu:
        app = (
            ApplicationBuilder()
            .token(emu.token)
            .base_url(emu.base_url)            # http://127.0.0.1:<port>/bot
            .base_file_url(emu.base_file_url)  # http://127.0.0.1:<port>/file/bot
            .build()
        )

The emulator plays the Telegram side *and* the users:

* ``emu.send_text(user, "/start")``, ``send_document``, ``send_photo``,
  ``press_button`` and ``inject_update`` queue updates that the bot receives
  through ``getUpdates`` (real long polling: offsets, limits, timeouts).
* Everything the bot sends or edits is recorded as a :class:`SentMessage` in
  ``emu.sent`` (plus every raw call in ``emu.calls``); ``await emu.wait_for(...)``
  waits – without sleeping/polling – until a matching message shows up.
* :class:`ChatSession` (``emu.chat(user)``) wraps this into a readable
  conversation API for end-to-end tests and the interactive demo.
* Files uploaded by the bot (multipart) or by users are kept in memory and can
  be downloaded through ``getFile`` + ``GET /file/bot<token>/<file_path>``.

Realistic failure modes are emulated so that bugs show up in tests rather than
in production: HTML / MarkdownV2 / Markdown parse errors ("can't parse
entities"), "message is not modified", too long texts/captions, invalid
``callback_data``, unknown/answered callback queries, a wrong token (401),
blocked users (403, ``blocked_chats``), arbitrary injected faults (``fault``)
and Telegram's flood limits (``enforce_limits``; 429 with ``retry_after``,
driven by an injectable clock, see :class:`FakeClock`).

All helpers must be called from the event loop the emulator runs in.
"""

from __future__ import annotations

import asyncio
import html
import inspect
import json
import logging
import math
import mimetypes
import pickle
import re
import struct
import time
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = [
    "BotAPIEmulator",
    "BotAPIError",
    "ChatSession",
    "FakeClock",
    "FakeUser",
    "FloodLimiter",
    "SentMessage",
    "StoredFile",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
]

_LOGGER = logging.getLogger(__name__)

JSONDict = dict[str, Any]
FaultHook = Callable[[str, JSONDict], "JSONDict | None | Awaitable[JSONDict | None]"]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


def _copy(value: Any) -> Any:
    """A deep copy of stored JSON-like data (what the emulator hands out must not be changed under it):
    through pickle, several times faster than ``copy.deepcopy`` on messages with entities and keyboards."""
    return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


# --------------------------------------------------------------------------- #
# Small helpers
# --------------------------------------------------------------------------- #
def _utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (Telegram's unit for offsets/limits)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
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


class _Signal:
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


def _bad_request(description: str) -> BotAPIError:
    return BotAPIError(400, f"Bad Request: {description}")


_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


# --------------------------------------------------------------------------- #
# Public data classes
# --------------------------------------------------------------------------- #
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
        return [
            (str(button.get("text", "")), str(button.get("callback_data", "")))
            for row in rows
            for button in row
        ]

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
class _Upload:
    filename: str | None
    data: bytes
    content_type: str | None


# --------------------------------------------------------------------------- #
# Formatting (parse_mode) emulation
# --------------------------------------------------------------------------- #
class _ParseError(Exception):
    """Raised by the parsers; becomes 400 "can't parse entities: ..."."""


class _TextBuilder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0  # UTF-16 code units
        self.entities: list[JSONDict] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.offset += _utf16_len(text)

    def entity(self, type_: str, start: int, **extra: Any) -> None:
        length = self.offset - start
        if length > 0:
            self.entities.append({"type": type_, "offset": start, "length": length, **extra})

    def result(self) -> tuple[str, list[JSONDict]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*(/?)>"
)
_ATTR_RE = re.compile(r"([^\s=>/]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_HTML_ENTITY_RE = re.compile(r"&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|(lt|gt|amp|quot));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


_MARKUP_RE = re.compile("[<&]")


def parse_html(source: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML into ``(plain_text, entities)``.

    Raises ``_ParseError`` with a Telegram-like message for unsupported or
    unbalanced tags and for a bare ``<``.
    """
    out = _TextBuilder()
    stack: list[tuple[str, int, dict[str, str]]] = []  # (tag, start offset, attrs)
    pre_language: dict[int, str] = {}  # stack depth of a <pre> -> language of inner <code>
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char == "&":
            match = _HTML_ENTITY_RE.match(source, i)
            if match:
                if match.group(3):
                    out.add(_NAMED_ENTITIES[match.group(3)])
                else:
                    code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
                    try:
                        out.add(chr(code))
                    except (ValueError, OverflowError):
                        out.add(match.group(0))
                i = match.end()
                continue
            out.add(char)
            i += 1
            continue
        if char != "<":
            special = _MARKUP_RE.search(source, i)
            j = special.start() if special else n
            out.add(source[i:j])
            i = j
            continue
        match = _TAG_RE.match(source, i)
        if not match:
            word = re.match(r"</?([^\s>]*)", source[i:])
            name = word.group(1) if word else ""
            if name:
                raise _ParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, i)}')
            raise _ParseError(f"Unexpected end of name token at byte offset {_byte_offset(source, i)}")
        closing, name, raw_attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
        if not closing:
            if name not in _HTML_TAGS:
                raise _ParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, i)}')
            attrs: dict[str, str] = {}
            for attr in _ATTR_RE.finditer(raw_attrs or ""):
                value = next((g for g in attr.groups()[1:] if g is not None), "")
                attrs[attr.group(1).lower()] = html.unescape(value)
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise _ParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, i)}'
                )
            stack.append((name, out.offset, attrs))
        else:
            if not stack:
                raise _ParseError(f'Unexpected end tag "{name}" at byte offset {_byte_offset(source, i)}')
            top, start, attrs = stack[-1]
            if top != name:
                raise _ParseError(
                    f'Unmatched end tag at byte offset {_byte_offset(source, i)}, expected "</{top}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
            depth = len(stack)
            type_ = _HTML_TAGS[name]
            if name == "code" and stack and stack[-1][0] == "pre":
                language = attrs.get("class", "")
                if language.startswith("language-"):
                    pre_language[depth - 1] = language[len("language-") :]
            elif name == "pre":
                language = pre_language.pop(depth, None)
                if language:
                    out.entity("pre", start, language=language)
                else:
                    out.entity("pre", start)
            elif name == "a":
                if attrs.get("href"):
                    out.entity("text_link", start, url=attrs["href"])
            elif name == "blockquote":
                expandable = "expandable" in attrs
                out.entity("expandable_blockquote" if expandable else "blockquote", start)
            elif name == "tg-emoji":
                out.entity("custom_emoji", start, custom_emoji_id=attrs.get("emoji-id", ""))
            else:
                out.entity(type_, start)
        i = match.end()
    if stack:
        raise _ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def parse_markdown_v2(source: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram MarkdownV2 into ``(plain_text, entities)``.

    Enforces the escaping rules: any of ``_*[]()~`>#+-=|{}.!`` that is not part
    of the markup must be escaped with ``\\`` – exactly the mistake that makes
    real bots fail with "can't parse entities".
    """
    out = _TextBuilder()
    stack: list[tuple[str, int, int]] = []  # (type, start offset, byte offset of marker)
    quote_start: int | None = None
    at_line_start = True
    i, n = 0, len(source)

    def reserved(char: str, index: int) -> _ParseError:
        return _ParseError(
            f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        )

    def toggle(type_: str, index: int) -> None:
        for pos in range(len(stack) - 1, -1, -1):
            if stack[pos][0] == type_:
                _, start, _ = stack.pop(pos)
                out.entity(type_, start)
                return
        stack.append((type_, out.offset, _byte_offset(source, index)))

    def read_until(index: int, terminator: str, what: str) -> tuple[str, int]:
        """Read escaped content up to an unescaped ``terminator``; return (text, end)."""
        buf: list[str] = []
        j = index
        while j < n:
            if source[j] == "\\" and j + 1 < n:
                buf.append(source[j + 1])
                j += 2
                continue
            if source.startswith(terminator, j):
                return "".join(buf), j + len(terminator)
            buf.append(source[j])
            j += 1
        offset = _byte_offset(source, index)
        raise _ParseError(f"Can't find end of {what} entity at byte offset {offset}")

    while i < n:
        char = source[i]
        if at_line_start and quote_start is not None and char != ">":
            # The blockquote ended with the previous line (exclude its newline).
            end = out.offset - 1
            if end > quote_start:
                out.entities.append(
                    {"type": "blockquote", "offset": quote_start, "length": end - quote_start}
                )
            quote_start = None
        if char == "\\":
            if i + 1 < n and 1 <= ord(source[i + 1]) <= 126:
                out.add(source[i + 1])
                at_line_start = source[i + 1] == "\n"
                i += 2
                continue
            if i + 1 >= n:
                raise reserved("\\", i)
            out.add(char)
            at_line_start = False
            i += 1
            continue
        if char == ">" and at_line_start:
            if quote_start is None:
                quote_start = out.offset
            i += 1
            at_line_start = False
            continue
        at_line_start = False
        if char == "`":
            start = out.offset
            if source.startswith("```", i):
                j = i + 3
                newline = source.find("\n", j)
                language = ""
                if newline != -1:
                    first_line = source[j:newline]
                    if first_line and not re.search(r"\s", first_line) and "`" not in first_line:
                        language, j = first_line, newline + 1
                content, i = read_until(j, "```", "Pre")
                out.add(content)
                if language:
                    out.entity("pre", start, language=language)
                else:
                    out.entity("pre", start)
            else:
                content, i = read_until(i + 1, "`", "Code")
                out.add(content)
                out.entity("code", start)
            continue
        if char == "*":
            toggle("bold", i)
            i += 1
            continue
        if char == "_":
            if source.startswith("__", i):
                toggle("underline", i)
                i += 2
            else:
                toggle("italic", i)
                i += 1
            continue
        if char == "~":
            toggle("strikethrough", i)
            i += 1
            continue
        if char == "|" and source.startswith("||", i):
            toggle("spoiler", i)
            i += 2
            continue
        if char == "!" and source.startswith("![", i):
            stack.append(("custom_emoji", out.offset, _byte_offset(source, i)))
            i += 2
            continue
        if char == "[":
            stack.append(("text_link", out.offset, _byte_offset(source, i)))
            i += 1
            continue
        if char == "]":
            if not stack or stack[-1][0] not in ("text_link", "custom_emoji"):
                raise reserved(char, i)
            if not source.startswith("(", i + 1):
                raise reserved(char, i)
            url, i = read_until(i + 2, ")", "TextUrl")
            type_, start, _ = stack.pop()
            if type_ == "custom_emoji":
                emoji_id = url.split("id=", 1)[-1]
                out.entity("custom_emoji", start, custom_emoji_id=emoji_id)
            else:
                out.entity("text_link", start, url=url)
            continue
        if char in _MDV2_RESERVED:
            raise reserved(char, i)
        out.add(char)
        at_line_start = char == "\n"
        i += 1
    if quote_start is not None and out.offset > quote_start:
        out.entities.append(
            {"type": "blockquote", "offset": quote_start, "length": out.offset - quote_start}
        )
    if stack:
        type_, _, byte_offset = stack[-1]
        raise _ParseError(
            f"Can't find end of {_MDV2_NAMES.get(type_, type_)} entity "
            f"at byte offset {byte_offset}"
        )
    return out.result()


def parse_markdown(source: str) -> tuple[str, list[JSONDict]]:
    """Parse legacy ``Markdown`` (``*bold*``, ``_italic_``, `` `code` ``, links)."""
    out = _TextBuilder()
    i, n = 0, len(source)
    markers = {"*": "bold", "_": "italic"}
    while i < n:
        char = source[i]
        if char == "\\" and i + 1 < n and source[i + 1] in "_*`[":
            out.add(source[i + 1])
            i += 2
            continue
        if char in markers or char == "`":
            start, offset = out.offset, _byte_offset(source, i)
            terminator = "```" if source.startswith("```", i) else char
            j = source.find(terminator, i + len(terminator))
            if j == -1:
                raise _ParseError(
                    f"Can't find end of the entity starting at byte offset {offset}"
                )
            out.add(source[i + len(terminator) : j])
            type_ = markers.get(char) or ("pre" if terminator == "```" else "code")
            out.entity(type_, start)
            i = j + len(terminator)
            continue
        if char == "[":
            match = re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(source, i)
            if match:
                start = out.offset
                out.add(match.group(1))
                out.entity("text_link", start, url=match.group(2))
                i = match.end()
                continue
        out.add(char)
        i += 1
    return out.result()


def _render(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[JSONDict]]:
    """Apply ``parse_mode`` / explicit ``entities`` like the Bot API does."""
    if isinstance(entities, list):
        return text, entities
    mode = (parse_mode or "").lower()
    try:
        if mode == "html":
            return parse_html(text)
        if mode == "markdownv2":
            return parse_markdown_v2(text)
        if mode == "markdown":
            return parse_markdown(text)
    except _ParseError as exc:
        raise _bad_request(f"can't parse entities: {exc}") from None
    if mode:
        raise _bad_request(f"unsupported parse_mode {parse_mode!r}")
    return text, []


# --------------------------------------------------------------------------- #
# Flood limits
# --------------------------------------------------------------------------- #
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
            tokens = min(
                float(self.private_burst), tokens + max(0.0, now - last) * self.private_per_second
            )
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


# --------------------------------------------------------------------------- #
# Parameter decoding
# --------------------------------------------------------------------------- #
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "menu_button",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "media",
        "results",
        "rights",
        "message_ids",
        "options",
        "reaction",
    }
)
_INT_PARAMS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "from_chat_id",
        "message_thread_id",
        "reply_to_message_id",
        "cache_time",
        "user_id",
        "max_connections",
        "until_date",
    }
)
_FLOAT_PARAMS = frozenset({"timeout"})
_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "only_if_banned",
        "for_channels",
    }
)


def _coerce(key: str, value: str) -> Any:
    """Turn a form-encoded value back into the JSON type PTB serialised."""
    if key in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if key in _INT_PARAMS and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    if key in _FLOAT_PARAMS:
        try:
            return float(value)
        except ValueError:
            return value
    if key in _BOOL_PARAMS and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _as_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or value is None or value == "":
        raise _bad_request(f"{what} is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad_request(f"invalid {what}") from None


def _image_size(data: bytes) -> tuple[int, int]:
    """Best-effort (width, height) of PNG/GIF/JPEG data; (100, 100) otherwise."""
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        if data[:6] in (b"GIF87a", b"GIF89a"):
            width, height = struct.unpack("<HH", data[6:10])
            return int(width), int(height)
        if data[:2] == b"\xff\xd8":
            i = 2
            while i + 9 < len(data):
                if data[i] != 0xFF:
                    i += 1
                    continue
                marker = data[i + 1]
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                    return int(width), int(height)
                (segment,) = struct.unpack(">H", data[i + 2 : i + 4])
                i += 2 + segment
    except struct.error:
        pass
    return 100, 100


_UPDATE_TYPES_OF_MESSAGES = ("message", "edited_message", "channel_post", "edited_channel_post")
_BLOCKABLE_PREFIXES = ("send", "edit", "copy", "forward", "pin")
_LIMITED_METHODS = frozenset(
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
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


# --------------------------------------------------------------------------- #
# The emulator
# --------------------------------------------------------------------------- #
class BotAPIEmulator:
    """In-process fake of ``api.telegram.org`` for one bot (see module docstring).

    Attributes meant for tests:

    ``sent``             every :class:`SentMessage` (sends and edits), in order.
    ``calls``            every API call as ``(method, params)`` (incl. getUpdates).
    ``callback_answers`` params of every successful ``answerCallbackQuery``.
    ``errors``           ``(method, params, status, description)`` of error answers.
    ``deleted``          ``(chat_id, message_id)`` of deleted messages.
    ``files``            ``file_id -> StoredFile`` (bytes of all known files).
    ``commands``         ``(scope_json, language_code) -> commands`` from setMyCommands.
    ``blocked_chats``    chat ids answering 403 "bot was blocked by the user".
    ``fault``            per-request hook ``fault(method, params)`` (may be async),
                         called after the token check.  Return ``None`` for normal
                         processing or a dict: ``{"status": 500}`` (error answer;
                         optional ``"description"``, ``"retry_after"`` – default 1
                         for 429 –, ``"migrate_to_chat_id"``), ``{"drop": True}``
                         (close the connection without answer, nothing happens),
                         ``{"drop_after": True}`` (process the call, then drop the
                         answer), ``{"delay": 2.0}`` (sleep first; combinable) or
                         ``{"result": ...}`` (answer ok with this result).
    ``enforce_limits``   emulate flood limits (429) using ``limiter``/``clock``.
    ``strict_chats``     unknown chat ids -> 400 "chat not found" (default: auto-create).
    ``strict_edits``     identical edits -> 400 "message is not modified" (default on).
    ``validate_markup``  parse HTML/Markdown and reject invalid markup (default on).
    ``on_sent``          callbacks ``f(SentMessage)`` invoked for each send/edit.
    ``stats``            Counter: "requests", "faults", "dropped" and one key per
                         error status (e.g. ``stats["429"]``); webhook deliveries
                         count as "webhook_ok" and "webhook_failed".
    ``webhook_targets``  where "the reverse proxy" forwards webhook deliveries:
                         local ``http://`` URLs, used in turn. Telegram only posts
                         to the ``https://`` URL given to ``setWebhook``; with
                         targets set, queued updates are POSTed there (with the
                         ``X-Telegram-Bot-Api-Secret-Token`` header), and only a
                         2xx answer acknowledges an update: anything else is
                         retried later, as Telegram does.
    ``webhook_fault``    per-delivery hook ``f(update) -> str | None``: "lose"
                         posts the update but treats the answer as lost, so it
                         is delivered again (to the next target).
    ``webhook_deliveries`` ``(update_id, target, status)`` of every delivery.
    """

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "campaign_test_bot",
        clock: Callable[[], float] = time.time,
        first_update_id: int = 1,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.bot_username = bot_username
        self.clock = clock
        bot_id_text = token.split(":", 1)[0]
        self.bot_id = int(bot_id_text) if bot_id_text.isdigit() else 123456
        self.bot_user: JSONDict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_username.removesuffix("_bot").replace("_", " ").title() or "Bot",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

        # Records for tests.
        self.sent: list[SentMessage] = []
        self.calls: list[tuple[str, JSONDict]] = []
        self.callback_answers: list[JSONDict] = []
        self.errors: list[tuple[str, JSONDict, int, str]] = []
        self.deleted: list[tuple[int, int]] = []
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_max_connections = 40
        self.webhook_targets: list[str] = []
        self.webhook_fault: Callable[[JSONDict], str | None] | None = None
        self.webhook_deliveries: list[tuple[int, str, int]] = []
        self.webhook_last_error = ""
        self.stats: Counter[str] = Counter()
        self.on_sent: list[Callable[[SentMessage], Any]] = []

        # Behaviour switches.
        self.blocked_chats: set[int] = set()
        self.fault: FaultHook | None = None
        self.enforce_limits = False
        self.limiter = FloodLimiter(clock)
        self.strict_chats = False
        self.strict_edits = True
        self.validate_markup = True
        self.chat_admins: dict[int, set[int]] = defaultdict(set)

        # Internal state.
        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, JSONDict] = {}
        self._messages: dict[int, dict[int, JSONDict]] = defaultdict(dict)
        self._history: dict[int, list[JSONDict]] = defaultdict(list)
        self._next_message_id: dict[int, int] = defaultdict(lambda: 1)
        self._raw_text: dict[tuple[int, int], tuple[str | None, str | None]] = {}
        self._updates: list[JSONDict] = []
        self._next_update_id = first_update_id
        self._allowed_updates: set[str] | None = None
        self._poll_generation = 0
        self._callback_queries: dict[str, bool] = {}  # id -> answered
        self._next_callback_id = 1
        self._file_counter = 0
        self._queue_signal = _Signal()  # new updates, conflicts, shutdown
        self._ack_signal = _Signal()  # updates acknowledged
        self._sent_signal = _Signal()  # a SentMessage was recorded
        self._call_signal = _Signal()  # an API call was recorded
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._deliverer: asyncio.Task | None = None
        self._in_flight: set[int] = set()  # update ids being delivered by webhook
        self._next_target = 0
        self._methods: dict[str, Callable[[JSONDict, dict[str, _Upload]], Any]] = {
            name[len("_api_") :].lower(): getattr(self, name)
            for name in dir(self)
            if name.startswith("_api_")
        }

    # ------------------------------------------------------------------ #
    # Lifecycle
    # ------------------------------------------------------------------ #
    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url(...)``."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        """Start the HTTP server (binds ``port``; 0 picks a free port)."""
        if self._runner is not None:
            return
        self._closing = False
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        self._deliverer = asyncio.create_task(self._deliver_webhooks(), name="emulator-webhooks")
        _LOGGER.debug("Bot API emulator listening on %s", self.base_url)

    async def stop(self) -> None:
        """Wake pending long polls and stop the HTTP server."""
        if self._runner is None:
            return
        self._closing = True
        self._queue_signal.notify()
        if self._deliverer is not None:
            self._deliverer.cancel()
            try:
                await self._deliverer
            except asyncio.CancelledError:
                pass
            self._deliverer = None
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ #
    # Users, chats and user-side actions
    # ------------------------------------------------------------------ #
    def user(self, id: int, first_name: str | None = None, **kw: Any) -> FakeUser:  # noqa: A002
        """Create (or replace) a user; its private chat (id == user id) becomes known."""
        user = FakeUser(id=id, first_name=first_name or f"User {id}", **kw)
        self._users[id] = user
        self._chats[id] = user.private_chat()
        return user

    def group(
        self, id: int, title: str, *, admins: Iterable[int] = ()  # noqa: A002
    ) -> JSONDict:
        """Create a group chat (``id`` must be negative; <= -10**12 gives a supergroup)."""
        if id >= 0:
            raise ValueError("group chat ids must be negative")
        chat_type = "supergroup" if id <= -1_000_000_000_000 else "group"
        chat = {"id": id, "type": chat_type, "title": title}
        self._chats[id] = chat
        self.chat_admins[id].update(admins)
        return dict(chat)

    def chat(self, user: FakeUser | int, chat: JSONDict | int | None = None) -> ChatSession:
        """A :class:`ChatSession` for ``user`` in ``chat`` (default: private chat)."""
        return ChatSession(self, self._as_user(user), chat)

    def send_text(
        self,
        user: FakeUser | int,
        text: str,
        *,
        chat: JSONDict | int | None = None,
        reply_to: SentMessage | JSONDict | int | None = None,
    ) -> JSONDict:
        """Queue an Update with a text message from ``user`` and return the Update.

        Texts starting with ``/`` get a ``bot_command`` entity (``/cmd@bot`` works).
        """
        sender = self._as_user(user)
        content: JSONDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
            ]
        return self._queue_user_message(sender, chat, content, reply_to)

    def send_document(
        self,
        user: FakeUser | int,
        file_name: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: JSONDict | int | None = None,
    ) -> JSONDict:
        """Queue an Update with a document sent by ``user``; the bytes are downloadable."""
        sender = self._as_user(user)
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        stored = self._store_file(
            bytes(data), file_name=file_name, mime_type=mime, kind="document"
        )
        content: JSONDict = {"document": self._document_dict(stored)}
        if caption is not None:
            content["caption"] = caption
        return self._queue_user_message(sender, chat, content, None)

    def send_photo(
        self,
        user: FakeUser | int,
        data: bytes,
        *,
        caption: str | None = None,
        chat: JSONDict | int | None = None,
    ) -> JSONDict:
        """Queue an Update with a photo sent by ``user``."""
        sender = self._as_user(user)
        stored = self._store_file(
            bytes(data), file_name=None, mime_type="image/jpeg", kind="photo"
        )
        content: JSONDict = {"photo": self._photo_sizes(stored)}
        if caption is not None:
            content["caption"] = caption
        return self._queue_user_message(sender, chat, content, None)

    def press_button(
        self, user: FakeUser | int, message: SentMessage, callback_data: str
    ) -> str:
        """Queue a CallbackQuery as if ``user`` pressed a button of ``message``.

        ``callback_data`` is *not* checked against the keyboard, so tests can
        forge callbacks.  Returns the callback query id.
        """
        sender = self._as_user(user)
        current = self._messages.get(message.chat_id, {}).get(message.message_id)
        msg = _copy(current if current is not None else message.message)
        query_id = f"{self.bot_id}{self._next_callback_id:08d}"
        self._next_callback_id += 1
        self._callback_queries[query_id] = False
        self.inject_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": sender.to_dict(),
                    "chat_instance": str(abs(hash((self.bot_id, message.chat_id)))),
                    "data": callback_data,
                    "message": msg,
                }
            }
        )
        return query_id

    def inject_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw Update dict (``update_id`` is assigned if missing)."""
        upd = _copy(update)
        if "update_id" not in upd:
            upd["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(upd["update_id"]) + 1)
        query = upd.get("callback_query")
        if isinstance(query, dict) and "id" in query:  # so that answerCallbackQuery works
            self._callback_queries.setdefault(str(query["id"]), False)
        self._updates.append(upd)
        self._queue_signal.notify()
        return _copy(upd)

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Queued updates not yet acknowledged by the bot (copies)."""
        return _copy(self._updates)

    # ------------------------------------------------------------------ #
    # Inspection and waiting
    # ------------------------------------------------------------------ #
    def mark(self) -> int:
        """Current length of :attr:`sent`, for ``wait_for(..., after=mark)``."""
        return len(self.sent)

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """All sends/edits of the bot in ``chat_id``."""
        return [m for m in self.sent if m.chat_id == chat_id]

    def history(self, chat_id: int) -> list[JSONDict]:
        """All messages (users' and bot's, current versions) of a chat in order."""
        return _copy(self._history.get(chat_id, []))

    def file_bytes(self, file_id: str) -> bytes:
        """Bytes of a stored file."""
        return self.files[file_id].data

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
            raise asyncio.TimeoutError(self._timeout_report(timeout, after)) from None

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
                        if name.lower() == wanted and (
                            predicate is None or predicate(params)
                        ):
                            return params
                    await self._call_signal.wait()
        except TimeoutError:
            seen = [name for name, _ in self.calls[after:] if name.lower() != "getupdates"]
            raise asyncio.TimeoutError(
                f"no {method} call within {timeout}s; calls since #{after}: {seen}"
            ) from None

    async def wait_idle(self, *, timeout: float = 10.0) -> None:
        """Wait until every queued update was acknowledged by a later getUpdates offset.

        Best effort: the bot may still be processing the last updates.
        """
        try:
            async with asyncio.timeout(timeout):
                while self._updates:
                    await self._ack_signal.wait()
        except TimeoutError:
            raise asyncio.TimeoutError(
                f"{len(self._updates)} update(s) still pending after {timeout}s "
                "(is the bot polling?)"
            ) from None

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
            lines.extend(
                f"  {method} -> {status} {description}"
                for method, _, status, description in self.errors[-5:]
            )
        return "\n".join(lines)

    # ------------------------------------------------------------------ #
    # Internal helpers: users, chats, messages, files
    # ------------------------------------------------------------------ #
    def _as_user(self, user: FakeUser | int) -> FakeUser:
        if isinstance(user, FakeUser):
            if user.id not in self._users:
                self._users[user.id] = user
                self._chats.setdefault(user.id, user.private_chat())
            return user
        return self._users.get(user) or self.user(user)

    def _chat_for(self, sender: FakeUser, chat: JSONDict | int | None) -> JSONDict:
        if chat is None:
            self._chats.setdefault(sender.id, sender.private_chat())
            return self._chats[sender.id]
        chat_id = int(chat["id"]) if isinstance(chat, dict) else int(chat)
        if chat_id not in self._chats:
            if isinstance(chat, dict):
                self._chats[chat_id] = dict(chat)
            elif chat_id < 0:
                self.group(chat_id, f"Group {chat_id}")
            else:
                self._chats[chat_id] = self._as_user(chat_id).private_chat()
        return self._chats[chat_id]

    def _resolve_chat(self, value: Any) -> JSONDict:
        """Chat dict for a ``chat_id`` parameter of a bot request."""
        if isinstance(value, str) and value.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username") == value[1:]:
                    return chat
            raise _bad_request("chat not found")
        chat_id = _as_int(value, "chat_id")
        if chat_id not in self._chats:
            if self.strict_chats or chat_id == 0:
                raise _bad_request("chat not found")
            if chat_id < 0:
                self.group(chat_id, f"Group {chat_id}")
            else:
                self.user(chat_id)
        return self._chats[chat_id]

    def _store_message(self, chat: JSONDict, sender: JSONDict, content: JSONDict) -> JSONDict:
        chat_id = int(chat["id"])
        message_id = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = message_id + 1
        message: JSONDict = {
            "message_id": message_id,
            "from": dict(sender),
            "chat": dict(chat),
            "date": int(self.clock()),
            **content,
        }
        self._messages[chat_id][message_id] = message
        self._history[chat_id].append(message)
        return message

    def _queue_user_message(
        self,
        sender: FakeUser,
        chat: JSONDict | int | None,
        content: JSONDict,
        reply_to: SentMessage | JSONDict | int | None,
    ) -> JSONDict:
        chat_dict = self._chat_for(sender, chat)
        if reply_to is not None:
            if isinstance(reply_to, SentMessage):
                reply_id = reply_to.message_id
            elif isinstance(reply_to, dict):
                reply_id = int(reply_to["message_id"])
            else:
                reply_id = int(reply_to)
            original = self._messages[int(chat_dict["id"])].get(reply_id)
            if original is not None:
                content = {**content, "reply_to_message": self._shallow(original)}
        message = self._store_message(chat_dict, sender.to_dict(), content)
        return self.inject_update({"message": _copy(message)})

    @staticmethod
    def _shallow(message: JSONDict) -> JSONDict:
        """Copy of a message without nested ``reply_to_message`` (as Telegram does)."""
        return {k: _copy(v) for k, v in message.items() if k != "reply_to_message"}

    def _store_file(
        self, data: bytes, *, file_name: str | None, mime_type: str | None, kind: str
    ) -> StoredFile:
        self._file_counter += 1
        number = self._file_counter
        prefix = "AgAC" if kind == "photo" else "BQAC"
        folder = "photos" if kind == "photo" else "documents"
        suffix = ".jpg" if kind == "photo" else ""
        if kind != "photo" and file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1][:10]
        stored = StoredFile(
            file_id=f"{prefix}{self.bot_id}-{number:08d}",
            file_unique_id=f"AQAD{number:08d}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            kind=kind,
            file_path=f"{folder}/file_{number}{suffix}",
        )
        self.files[stored.file_id] = stored
        return stored

    @staticmethod
    def _document_dict(stored: StoredFile) -> JSONDict:
        data: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if stored.file_name is not None:
            data["file_name"] = stored.file_name
        if stored.mime_type is not None:
            data["mime_type"] = stored.mime_type
        return data

    @staticmethod
    def _photo_sizes(stored: StoredFile) -> list[JSONDict]:
        width, height = _image_size(stored.data)
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.file_size,
                "width": width,
                "height": height,
            }
        ]

    def _record(self, sent: SentMessage) -> SentMessage:
        sent.index = len(self.sent)
        self.sent.append(sent)
        self._sent_signal.notify()
        for callback in list(self.on_sent):
            try:
                result = callback(sent)
                if inspect.isawaitable(result):
                    asyncio.ensure_future(result)
            except Exception:  # a broken listener must not break the API
                _LOGGER.exception("on_sent listener failed")
        return sent

    # ------------------------------------------------------------------ #
    # HTTP handlers
    # ------------------------------------------------------------------ #
    def _respond_error(self, method: str, params: JSONDict, error: BotAPIError) -> web.Response:
        self.stats[str(error.status)] += 1
        self.errors.append((method, params, error.status, error.description))
        return web.json_response(error.payload(), status=error.status)

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, _Upload]]:
        params: JSONDict = {key: _coerce(key, value) for key, value in request.query.items()}
        uploads: dict[str, _Upload] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    params.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        data = value.file.read()
                        uploads[key] = _Upload(value.filename, data, value.content_type)
                        params[key] = f"<upload {value.filename!r}, {len(data)} bytes>"
                    else:
                        params[key] = _coerce(key, str(value))
        return params, uploads

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self.stats["requests"] += 1
        if request.match_info["token"] != self.token:
            return self._respond_error(method, {}, BotAPIError(401, "Unauthorized"))
        try:
            params, uploads = await self._read_params(request)
        except Exception as exc:  # malformed body
            return self._respond_error(
                method, {}, _bad_request(f"can't parse request body: {exc}")
            )
        self.calls.append((method, params))
        self._call_signal.notify()

        drop_after = False
        if self.fault is not None:
            fault = self.fault(method, params)
            if inspect.isawaitable(fault):
                fault = await fault
            if fault:
                self.stats["faults"] += 1
                if fault.get("delay"):
                    await asyncio.sleep(float(fault["delay"]))
                if fault.get("drop"):
                    return self._drop(request)
                drop_after = bool(fault.get("drop_after"))
                if "status" in fault:
                    return self._respond_error(method, params, self._fault_error(fault))
                if "result" in fault:
                    return web.json_response({"ok": True, "result": fault["result"]})

        handler = self._methods.get(method.lower())
        try:
            if handler is None:
                raise BotAPIError(404, "Not Found: method not found")
            self._check_blocked(method, params)
            self._check_limits(method, params)
            result = handler(params, uploads)
            if inspect.isawaitable(result):
                result = await result
        except BotAPIError as error:
            if drop_after:
                return self._drop(request)
            return self._respond_error(method, params, error)
        if drop_after:
            return self._drop(request)
        return web.json_response({"ok": True, "result": result})

    def _drop(self, request: web.Request) -> web.StreamResponse:
        """Close the connection without answering (emulates a network failure)."""
        self.stats["dropped"] += 1
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError()

    @staticmethod
    def _fault_error(fault: JSONDict) -> BotAPIError:
        status = int(fault["status"])
        retry_after = fault.get("retry_after")
        if status == 429 and retry_after is None:
            retry_after = 1
        description = fault.get("description")
        if description is None:
            description = _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
        return BotAPIError(
            status,
            description,
            retry_after=int(retry_after) if retry_after is not None else None,
            migrate_to_chat_id=fault.get("migrate_to_chat_id"),
        )

    def _check_blocked(self, method: str, params: JSONDict) -> None:
        if not self.blocked_chats or not method.lower().startswith(_BLOCKABLE_PREFIXES):
            return
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and chat_id in self.blocked_chats:
            raise BotAPIError(403, "Forbidden: bot was blocked by the user")

    def _check_limits(self, method: str, params: JSONDict) -> None:
        if not self.enforce_limits or method.lower() not in _LIMITED_METHODS:
            return
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            return
        retry_after = self.limiter.acquire(chat_id)
        if retry_after is not None:
            raise BotAPIError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            self.stats["401"] += 1
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = request.match_info["file_path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(
                    body=stored.data, content_type=stored.mime_type or "application/octet-stream"
                )
        self.stats["404"] += 1
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    # ------------------------------------------------------------------ #
    # Bot API methods (looked up case-insensitively by name)
    # ------------------------------------------------------------------ #
    def _api_getMe(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        return dict(self.bot_user)

    async def _api_getUpdates(self, p: JSONDict, files: dict[str, _Upload]) -> list[JSONDict]:
        if self.webhook_url:
            raise BotAPIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(p.get("offset") or 0)
        limit = min(100, max(1, int(p.get("limit") or 100)))
        timeout = max(0.0, float(p.get("timeout") or 0))
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = set(allowed) or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._queue_signal.notify()  # terminates an older, still waiting long poll
        self._acknowledge(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise BotAPIError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            batch = self._select_updates(limit)
            if batch or self._closing:
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            try:
                async with asyncio.timeout(remaining):
                    await self._queue_signal.wait()
            except TimeoutError:
                return []

    def _acknowledge(self, offset: int) -> None:
        before = len(self._updates)
        if offset > 0:
            self._updates = [u for u in self._updates if int(u["update_id"]) >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        if len(self._updates) != before:
            self._ack_signal.notify()

    def _select_updates(self, limit: int) -> list[JSONDict]:
        if self._allowed_updates:
            kept = [
                u
                for u in self._updates
                if not (set(u) - {"update_id"}) or (set(u) - {"update_id"}) & self._allowed_updates
            ]
            if len(kept) != len(self._updates):
                self._updates = kept
                self._ack_signal.notify()
        # No copy: the batch is serialized into the HTTP answer at once, nothing can change it here.
        return [{k: v for k, v in u.items() if not k.startswith("_")} for u in self._updates[:limit]]

    # ------------------------------------------------------------------ #
    # Webhook delivery (see ``webhook_targets``)
    # ------------------------------------------------------------------ #
    async def _deliver_webhooks(self) -> None:
        import aiohttp

        timeout = aiohttp.ClientTimeout(total=15)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            running: set[asyncio.Task] = set()
            while not self._closing:
                if self.webhook_url and self.webhook_targets:
                    for update in self._deliverable(self.webhook_max_connections - len(running)):
                        self._in_flight.add(int(update["update_id"]))
                        task = asyncio.create_task(self._deliver_one(http, update))
                        running.add(task)
                        task.add_done_callback(running.discard)
                        task.add_done_callback(lambda _t: self._queue_signal.notify())
                try:  # woken by new updates, finished deliveries, or a retry time
                    async with asyncio.timeout(0.2):
                        await self._queue_signal.wait()
                except TimeoutError:
                    pass
            for task in list(running):
                task.cancel()

    def _deliverable(self, room: int) -> list[JSONDict]:
        """The oldest queued updates, at most one in flight per chat (Telegram
        keeps each chat's updates in order)."""
        busy_chats = {self._update_chat(u) for u in self._updates if int(u["update_id"]) in self._in_flight}
        now = asyncio.get_running_loop().time()
        chosen: list[JSONDict] = []
        for update in self._updates:
            if len(chosen) >= room:
                break
            if int(update["update_id"]) in self._in_flight or update.get("_retry_at", 0) > now:
                continue
            chat = self._update_chat(update)
            if chat in busy_chats:
                continue
            busy_chats.add(chat)
            chosen.append(update)
        return chosen

    @staticmethod
    def _update_chat(update: JSONDict) -> Any:
        for value in update.values():
            if isinstance(value, dict):
                chat = value.get("chat") or (value.get("message") or {}).get("chat")
                if isinstance(chat, dict):
                    return chat.get("id")
                sender = value.get("from")
                if isinstance(sender, dict):
                    return sender.get("id")
        return None

    async def _deliver_one(self, http: Any, update: JSONDict) -> None:
        update_id = int(update["update_id"])
        target = self.webhook_targets[self._next_target % len(self.webhook_targets)]
        self._next_target += 1
        body = {k: v for k, v in update.items() if not k.startswith("_")}
        lose = self.webhook_fault is not None and self.webhook_fault(body) == "lose"
        status = 0
        try:
            headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret} if self.webhook_secret else {}
            async with http.post(target, json=body, headers=headers) as answer:
                status = answer.status
                await answer.read()
        except Exception as exc:  # connection refused or dropped, timeout
            self.webhook_last_error = f"Connection failed: {exc.__class__.__name__}"
        finally:
            self._in_flight.discard(update_id)
        self.webhook_deliveries.append((update_id, target, status))
        if 200 <= status < 300 and not lose:
            self.stats["webhook_ok"] += 1
            self._updates = [u for u in self._updates if int(u["update_id"]) != update_id]
            self._ack_signal.notify()
            return
        self.stats["webhook_failed"] += 1
        if status:
            self.webhook_last_error = "Answer lost" if lose else f"Wrong response from the webhook: {status}"
        for queued in self._updates:  # Telegram tries again a little later
            if int(queued["update_id"]) == update_id:
                queued["_retry_at"] = asyncio.get_running_loop().time() + 0.2

    def _api_deleteWebhook(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        self.webhook_url = ""
        if p.get("drop_pending_updates"):
            self._updates.clear()
            self._ack_signal.notify()
        return True

    def _api_setWebhook(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        url = str(p.get("url") or "")
        if url and not url.startswith("https://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        self.webhook_secret = str(p.get("secret_token") or "")
        self.webhook_max_connections = max(1, min(100, int(p.get("max_connections") or 40)))
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = set(allowed) or None
        self._queue_signal.notify()
        if p.get("drop_pending_updates"):
            self._updates.clear()
            self._ack_signal.notify()
        return True

    def _api_getWebhookInfo(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
            "max_connections": self.webhook_max_connections,
            **({"last_error_message": self.webhook_last_error} if self.webhook_last_error else {}),
        }

    def _api_logOut(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        return True

    def _api_close(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        return True

    @staticmethod
    def _commands_key(p: JSONDict) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    def _api_setMyCommands(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("parameter \"commands\" is required")
        if len(commands) > 100:
            raise _bad_request("too many commands")
        for command in commands:
            name = str(command.get("command", ""))
            if not _COMMAND_RE.fullmatch(name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _api_getMyCommands(self, p: JSONDict, files: dict[str, _Upload]) -> list[JSONDict]:
        return _copy(self.commands.get(self._commands_key(p), []))

    def _api_deleteMyCommands(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _api_setChatMenuButton(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        chat_id = p.get("chat_id")
        key = _as_int(chat_id, "chat_id") if chat_id not in (None, "") else None
        self.menu_buttons[key] = p.get("menu_button") or {"type": "default"}
        return True

    def _api_getChatMenuButton(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat_id = p.get("chat_id")
        key = _as_int(chat_id, "chat_id") if chat_id not in (None, "") else None
        return self.menu_buttons.get(key) or self.menu_buttons.get(None) or {"type": "commands"}

    def _api_setMyDescription(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        return True

    def _api_setMyShortDescription(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        return True

    def _api_setMyName(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        return True

    def _api_sendChatAction(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        self._resolve_chat(p.get("chat_id"))
        if not p.get("action"):
            raise _bad_request("action is empty")
        return True

    def _api_getChat(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat = dict(self._resolve_chat(p.get("chat_id")))
        chat.setdefault("accent_color_id", 0)
        chat.setdefault("max_reaction_count", 11)
        chat.setdefault(
            "accepted_gift_types",
            {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return chat

    def _member(self, chat_id: int, user_id: int) -> JSONDict:
        user = self.bot_user if user_id == self.bot_id else self._as_user(user_id).to_dict()
        if user_id in self.chat_admins.get(chat_id, set()):
            rights = dict.fromkeys(
                (
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                    "can_pin_messages",
                ),
                True,
            )
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_promote_members": False,
                **rights,
            }
        return {"status": "member", "user": user}

    def _api_getChatMember(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat = self._resolve_chat(p.get("chat_id"))
        user_id = _as_int(p.get("user_id"), "user_id")
        if int(chat["id"]) > 0 and user_id not in (int(chat["id"]), self.bot_id):
            raise _bad_request("user not found")
        return self._member(int(chat["id"]), user_id)

    def _api_getChatAdministrators(self, p: JSONDict, files: dict[str, _Upload]) -> list[JSONDict]:
        chat = self._resolve_chat(p.get("chat_id"))
        chat_id = int(chat["id"])
        if chat_id > 0:
            raise _bad_request("there are no administrators in the private chat")
        return [self._member(chat_id, uid) for uid in sorted(self.chat_admins.get(chat_id, ()))]

    # -- sending --------------------------------------------------------- #
    def _check_reply_markup(self, markup: Any) -> JSONDict | None:
        if markup in (None, ""):
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is not None:
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad_request("can't parse inline keyboard button: InlineKeyboardMarkup "
                                   "must be an Array of Arrays")
            for row in rows:
                for button in row:
                    if not str(button.get("text", "")):
                        raise _bad_request("text buttons are unallowed in the inline keyboard")
                    actions = set(button) - {"text"}
                    if not actions:
                        raise _bad_request("can't parse inline keyboard button: "
                                           "Text buttons are unallowed in the inline keyboard")
                    data = button.get("callback_data")
                    if data is not None and not (
                        1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                    ):
                        raise _bad_request("BUTTON_DATA_INVALID")
        return markup

    def _reply_to(self, chat_id: int, p: JSONDict) -> JSONDict:
        reply = p.get("reply_parameters")
        message_id: Any = None
        allow_missing = bool(p.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        elif p.get("reply_to_message_id") not in (None, ""):
            message_id = p.get("reply_to_message_id")
        if message_id in (None, ""):
            return {}
        original = self._messages[chat_id].get(_as_int(message_id, "message_id"))
        if original is None:
            if allow_missing:
                return {}
            raise _bad_request("message to be replied not found")
        return {"reply_to_message": self._shallow(original)}

    def _render_checked(
        self, text: str, parse_mode: str | None, entities: Any, *, caption: bool = False
    ) -> tuple[str, list[JSONDict]]:
        if self.validate_markup:
            plain, ents = _render(text, parse_mode, entities)
        else:
            plain, ents = text, entities if isinstance(entities, list) else []
        limit = MAX_CAPTION_LENGTH if caption else MAX_TEXT_LENGTH
        if _utf16_len(plain) > limit:
            raise _bad_request("message caption is too long" if caption else "message is too long")
        return plain, ents

    def _bot_message(
        self, chat: JSONDict, p: JSONDict, content: JSONDict, markup: JSONDict | None
    ) -> JSONDict:
        content = {**content, **self._reply_to(int(chat["id"]), p)}
        if markup is not None and "inline_keyboard" in markup:
            content["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
        sender = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        return self._store_message(chat, sender, content)

    def _checked_text(self, p: JSONDict) -> tuple[str, str | None, str, list[JSONDict]]:
        """The ``text`` parameter, rendered as the user will see it; 400 when empty."""
        text = p.get("text")
        if text is None or str(text) == "":
            raise _bad_request("message text is empty")
        text = str(text)
        parse_mode = p.get("parse_mode") or None
        plain, entities = self._render_checked(text, parse_mode, p.get("entities"))
        if not plain.strip():
            raise _bad_request("message text is empty")
        return text, parse_mode, plain, entities

    def _api_sendMessage(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat = self._resolve_chat(p.get("chat_id"))
        text, parse_mode, plain, entities = self._checked_text(p)
        markup = self._check_reply_markup(p.get("reply_markup"))
        content: JSONDict = {"text": plain}
        if entities:
            content["entities"] = entities
        message = self._bot_message(chat, p, content, markup)
        self._raw_text[(int(chat["id"]), message["message_id"])] = (text, parse_mode)
        self._record(
            SentMessage(
                method="sendMessage",
                chat_id=int(chat["id"]),
                message_id=message["message_id"],
                text=text,
                parse_mode=parse_mode,
                reply_markup=markup,
                params=p,
                message=_copy(message),
                plain_text=plain,
            )
        )
        return _copy(message)

    def _input_file(
        self, p: JSONDict, files: dict[str, _Upload], field_name: str, kind: str
    ) -> StoredFile:
        """Resolve a ``document``/``photo`` parameter: upload, attach:// or file_id."""
        value = p.get(field_name)
        upload: _Upload | None = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
        elif field_name in files:
            upload = files[field_name]
        if upload is not None:
            limit = MAX_PHOTO_BYTES if kind == "photo" else MAX_UPLOAD_BYTES
            if len(upload.data) > limit:
                raise BotAPIError(413, "Request Entity Too Large")
            if kind == "photo":
                return self._store_file(
                    upload.data, file_name=None, mime_type="image/jpeg", kind="photo"
                )
            name = upload.filename or "document"
            mime = upload.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(name)[0] or mime or "application/octet-stream"
            return self._store_file(upload.data, file_name=name, mime_type=mime, kind=kind)
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            raise _bad_request("failed to get HTTP URL content")
        if value in (None, ""):
            raise _bad_request(f"there is no {field_name} in the request")
        raise _bad_request("wrong file identifier/HTTP URL specified")

    def _send_media(self, p: JSONDict, files: dict[str, _Upload], kind: str) -> JSONDict:
        chat = self._resolve_chat(p.get("chat_id"))
        stored = self._input_file(p, files, kind, kind)
        caption = p.get("caption")
        parse_mode = p.get("parse_mode") or None
        content: JSONDict = {}
        if kind == "photo":
            content["photo"] = self._photo_sizes(stored)
        else:
            content["document"] = self._document_dict(stored)
        plain: str | None = None
        if caption not in (None, ""):
            caption = str(caption)
            plain, entities = self._render_checked(
                caption, parse_mode, p.get("caption_entities"), caption=True
            )
            content["caption"] = plain
            if entities:
                content["caption_entities"] = entities
        else:
            caption = None
        markup = self._check_reply_markup(p.get("reply_markup"))
        message = self._bot_message(chat, p, content, markup)
        self._raw_text[(int(chat["id"]), message["message_id"])] = (caption, parse_mode)
        self._record(
            SentMessage(
                method="sendPhoto" if kind == "photo" else "sendDocument",
                chat_id=int(chat["id"]),
                message_id=message["message_id"],
                parse_mode=parse_mode,
                reply_markup=markup,
                document=stored.data if kind == "document" else None,
                file_name=stored.file_name if kind == "document" else None,
                photo=stored.data if kind == "photo" else None,
                caption=caption,
                params=p,
                message=_copy(message),
                plain_text=plain,
            )
        )
        return _copy(message)

    def _api_sendDocument(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        return self._send_media(p, files, "document")

    def _api_sendPhoto(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        return self._send_media(p, files, "photo")

    def _api_getFile(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        file_id = str(p.get("file_id") or "")
        stored = self.files.get(file_id)
        if stored is None:
            raise _bad_request("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD_BYTES:
            raise _bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    # -- editing --------------------------------------------------------- #
    def _target_message(self, p: JSONDict, action: str) -> tuple[JSONDict, JSONDict]:
        if p.get("inline_message_id"):
            raise _bad_request(f"inline messages are not supported by the emulator ({action})")
        chat = self._resolve_chat(p.get("chat_id"))
        message_id = _as_int(p.get("message_id"), "message identifier")
        message = self._messages[int(chat["id"])].get(message_id)
        if message is None:
            raise _bad_request(f"message to {action} not found")
        return chat, message

    def _not_modified(self) -> BotAPIError:
        return _bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )

    def _record_edit(
        self,
        method: str,
        chat: JSONDict,
        message: JSONDict,
        p: JSONDict,
        markup: JSONDict | None,
    ) -> None:
        chat_id, message_id = int(chat["id"]), int(message["message_id"])
        raw, parse_mode = self._raw_text.get((chat_id, message_id), (None, None))
        document = message.get("document")
        photo = message.get("photo")
        stored_doc = self.files.get(document["file_id"]) if document else None
        stored_photo = self.files.get(photo[-1]["file_id"]) if photo else None
        has_text = "text" in message
        self._record(
            SentMessage(
                method=method,
                chat_id=chat_id,
                message_id=message_id,
                text=raw if has_text else None,
                parse_mode=parse_mode,
                reply_markup=markup,
                document=stored_doc.data if stored_doc else None,
                file_name=stored_doc.file_name if stored_doc else None,
                photo=stored_photo.data if stored_photo else None,
                caption=None if has_text else raw,
                params=p,
                edited=True,
                message=_copy(message),
                plain_text=message.get("text", message.get("caption")),
            )
        )

    def _apply_markup(self, message: JSONDict, markup: JSONDict | None) -> None:
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
        else:
            message.pop("reply_markup", None)

    def _api_editMessageText(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat, message = self._target_message(p, "edit")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad_request("message can't be edited")
        if "text" not in message:
            raise _bad_request("there is no text in the message to edit")
        text, parse_mode, plain, entities = self._checked_text(p)
        markup = self._check_reply_markup(p.get("reply_markup"))
        new_markup = (
            {"inline_keyboard": markup["inline_keyboard"]}
            if markup and "inline_keyboard" in markup
            else None
        )
        if (
            self.strict_edits
            and message.get("text") == plain
            and (message.get("entities") or []) == entities
            and message.get("reply_markup") == new_markup
        ):
            raise self._not_modified()
        message["text"] = plain
        if entities:
            message["entities"] = entities
        else:
            message.pop("entities", None)
        self._apply_markup(message, markup)
        message["edit_date"] = int(self.clock())
        self._raw_text[(int(chat["id"]), int(message["message_id"]))] = (text, parse_mode)
        self._record_edit("editMessageText", chat, message, p, markup)
        return _copy(message)

    def _api_editMessageCaption(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat, message = self._target_message(p, "edit")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad_request("message can't be edited")
        if "text" in message:
            raise _bad_request("there is no caption in the message to edit")
        caption = p.get("caption")
        parse_mode = p.get("parse_mode") or None
        plain, entities = "", []
        if caption not in (None, ""):
            caption = str(caption)
            plain, entities = self._render_checked(
                caption, parse_mode, p.get("caption_entities"), caption=True
            )
        markup = self._check_reply_markup(p.get("reply_markup"))
        new_markup = (
            {"inline_keyboard": markup["inline_keyboard"]}
            if markup and "inline_keyboard" in markup
            else None
        )
        if (
            self.strict_edits
            and message.get("caption", "") == plain
            and (message.get("caption_entities") or []) == entities
            and message.get("reply_markup") == new_markup
        ):
            raise self._not_modified()
        if plain:
            message["caption"] = plain
        else:
            message.pop("caption", None)
        if entities:
            message["caption_entities"] = entities
        else:
            message.pop("caption_entities", None)
        self._apply_markup(message, markup)
        message["edit_date"] = int(self.clock())
        self._raw_text[(int(chat["id"]), int(message["message_id"]))] = (
            caption or None,
            parse_mode,
        )
        self._record_edit("editMessageCaption", chat, message, p, markup)
        return _copy(message)

    def _api_editMessageReplyMarkup(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat, message = self._target_message(p, "edit")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad_request("message can't be edited")
        markup = self._check_reply_markup(p.get("reply_markup"))
        new_markup = (
            {"inline_keyboard": markup["inline_keyboard"]}
            if markup and "inline_keyboard" in markup
            else None
        )
        if self.strict_edits and message.get("reply_markup") == new_markup:
            raise self._not_modified()
        self._apply_markup(message, markup)
        message["edit_date"] = int(self.clock())
        self._record_edit("editMessageReplyMarkup", chat, message, p, markup)
        return _copy(message)

    def _api_deleteMessage(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        chat, message = self._target_message(p, "delete")
        chat_id, message_id = int(chat["id"]), int(message["message_id"])
        del self._messages[chat_id][message_id]
        self.deleted.append((chat_id, message_id))
        return True

    def _api_answerCallbackQuery(self, p: JSONDict, files: dict[str, _Upload]) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        if self._callback_queries.get(query_id, True):
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(p.get("text") or "")) > 200:
            raise _bad_request("MESSAGE_TOO_LONG")
        self._callback_queries[query_id] = True
        self.callback_answers.append(dict(p))
        return True


# --------------------------------------------------------------------------- #
# Conversation helper
# --------------------------------------------------------------------------- #
class ChatSession:
    """Readable conversation API for one user in one chat.

    ``say``/``send_document``/``press`` return the first bot message (send or
    edit) in this chat *after* the action; ``expect`` returns the next message
    this session has not seen yet.  ``history`` lists the bot's messages here.
    """

    def __init__(
        self, emulator: BotAPIEmulator, user: FakeUser, chat: JSONDict | int | None = None
    ) -> None:
        self.emu = emulator
        self.user = user
        self.chat: JSONDict = emulator._chat_for(user, chat)
        self.chat_id = int(self.chat["id"])
        self._cursor = emulator.mark()
        self.last_callback_id: str | None = None

    def _in_chat(
        self, predicate: Callable[[SentMessage], bool] | None
    ) -> Callable[[SentMessage], bool]:
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
        self.emu.send_document(
            self.user, file_name, data, mime_type=mime_type, caption=caption, chat=self.chat_id
        )
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
