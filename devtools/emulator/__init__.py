"""Local emulator of the Telegram Bot API HTTP interface (for tests, benchmarks and the demo).

The real Telegram servers are not reachable (and not wanted) from tests, so this
package runs a small :mod:`aiohttp.web` server on ``127.0.0.1`` that speaks the
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
  through ``getUpdates`` (real long polling: offsets, limits, timeouts), or
  that are POSTed to its webhook.
* Everything the bot sends or edits is recorded as a :class:`SentMessage` in
  ``emu.sent`` (plus every raw call in ``emu.calls``); ``await emu.wait_for(...)``
  waits – without sleeping/polling – until a matching message shows up.
* :class:`ChatSession` (``emu.chat(user)``) wraps this into a readable
  conversation API for end-to-end tests.
* Files uploaded by the bot (multipart) or by users are kept in memory and can
  be downloaded through ``getFile`` + ``GET /file/bot<token>/<file_path>``.

It answers the Bot API methods the bot calls, and those only.  Realistic
failure modes are emulated so that bugs show up in tests rather than in
production: HTML parse errors ("can't parse entities"), "message is not
modified", too long texts/captions, invalid ``callback_data``, unknown/answered
callback queries, a wrong token (401), blocked users (403, ``blocked_chats``),
arbitrary injected faults (``fault``) and Telegram's flood limits
(``enforce_limits``; 429 with ``retry_after``, driven by an injectable clock,
see :class:`FakeClock`).

Modules, by area: ``core`` (data classes, errors), ``entities`` (HTML),
``limits`` (flood limits, blocked chats), ``chats`` (users, chats, their
messages), ``polling`` (the update queue, ``getUpdates``), ``callbacks``
(buttons), ``files``, ``messages`` and ``edits`` (what the bot sends and
changes), ``waiting`` (inspection), ``webhook`` (delivery), ``requests`` and
``server`` (the HTTP side), ``session`` (:class:`ChatSession`).

All helpers must be called from the event loop the emulator runs in.
"""

from devtools.emulator.core import BotAPIError, FakeClock, FakeUser, SentMessage, StoredFile
from devtools.emulator.entities import parse_html
from devtools.emulator.limits import FloodLimiter
from devtools.emulator.server import BotAPIEmulator
from devtools.emulator.session import ChatSession

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
]
