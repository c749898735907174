"""Tests for the local Telegram Bot API emulator (``devtools.emulator``).

A real python-telegram-bot ``Application`` is run against the emulator with
long polling; users are played through the emulator's Python API.  Nothing
here sleeps: every wait is event driven (``wait_for`` / ``wait_for_call``).
"""

from __future__ import annotations

import asyncio
import json
import re
import struct
import zlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from devtools.emulator import (
    BotAPIEmulator,
    FakeClock,
    parse_html,
)

# PTB itself warns about RetryAfter.retry_after becoming a timedelta when raising it.
_IGNORE_PTB_RETRY_AFTER_WARNING = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


# --------------------------------------------------------------------------- #
# A tiny bot exercising the API surface the emulator must support
# --------------------------------------------------------------------------- #
async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_user
    await update.effective_message.reply_text(
        f"Xin chào <b>{update.effective_user.first_name}</b>", parse_mode=ParseMode.HTML
    )


async def _menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Việc A", callback_data="pick:a")],
            [InlineKeyboardButton("Việc B", callback_data="pick:b")],
        ]
    )
    await update.effective_message.reply_text("Chọn việc:", reply_markup=keyboard)


async def _pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("ok")
    await query.edit_message_text(f"Bạn đã chọn {query.data}")


async def _report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message
    await update.effective_message.reply_document(document=b"hello report", filename="report.txt", caption="Báo cáo")


async def _document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message and message.document
    data = await (await message.document.get_file()).download_as_bytearray()
    await message.reply_text(f"size={len(data)} name={message.document.file_name}")


async def _photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message and message.photo
    biggest = message.photo[-1]
    data = await (await biggest.get_file()).download_as_bytearray()
    await message.reply_text(f"photo {biggest.width}x{biggest.height} {len(data)}B")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_message.text
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


def _build_app(emu: BotAPIEmulator) -> Application:
    app = ApplicationBuilder().token(emu.token).base_url(emu.base_url).base_file_url(emu.base_file_url).build()
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CommandHandler("menu", _menu))
    app.add_handler(CommandHandler("report", _report))
    app.add_handler(CallbackQueryHandler(_pick))
    app.add_handler(MessageHandler(filters.Document.ALL, _document))
    app.add_handler(MessageHandler(filters.PHOTO, _photo))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return app


def _png(width: int, height: int) -> bytes:
    """A valid, tiny grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emulator:
        yield emulator


@pytest.fixture
async def app(emu: BotAPIEmulator) -> AsyncIterator[Application]:
    application = _build_app(emu)
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=2)
    try:
        yield application
    finally:
        # Stop the updater before the emulator (the emu fixture is torn down later).
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


@pytest.fixture
async def bot(emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as tg_bot:
        yield tg_bot


# --------------------------------------------------------------------------- #
# End-to-end with a real Application
# --------------------------------------------------------------------------- #
async def test_commands_and_echo(emu: BotAPIEmulator, app: Application) -> None:
    an = emu.user(1001, "An", username="an_nguyen")
    chat = emu.chat(an)

    hello = await chat.say("/start")
    assert hello.method == "sendMessage"
    assert hello.chat_id == 1001
    assert hello.text == "Xin chào <b>An</b>"  # raw, as sent by the bot
    assert hello.plain_text == "Xin chào An"  # as the user sees it
    assert hello.parse_mode == "HTML"
    assert hello.message["entities"] == [{"type": "bold", "offset": 9, "length": 2}]
    assert hello.message["from"]["username"] == "campaign_test_bot"

    echo = await chat.say("xin chào")
    assert echo.text == "echo: xin chào"

    # /cmd@botname is routed to the command handler too.
    again = await chat.say("/start@campaign_test_bot")
    assert again.plain_text == "Xin chào An"

    # User and bot messages share one per-chat message_id sequence.
    assert [m["message_id"] for m in emu.history(1001)] == [1, 2, 3, 4, 5, 6]
    assert [m.message_id for m in chat.history] == [2, 4, 6]
    assert emu.messages_to(1001) == chat.history
    await emu.wait_idle()
    assert emu.pending_updates == []


async def test_inline_keyboard_and_callbacks(emu: BotAPIEmulator, app: Application) -> None:
    chat = emu.chat(emu.user(1002, "Bình"))
    menu = await chat.say("/menu")
    assert menu.buttons() == [("Việc A", "pick:a"), ("Việc B", "pick:b")]
    assert menu.button_data("Việc B") == "pick:b"

    edited = await chat.press(menu, "pick:b")
    assert edited.method == "editMessageText"
    assert edited.edited and edited.message_id == menu.message_id
    assert edited.text == "Bạn đã chọn pick:b"
    assert edited.reply_markup is None  # keyboard removed by the text edit
    answer = await emu.wait_for_call("answerCallbackQuery")
    assert answer["text"] == "ok"
    assert answer["callback_query_id"] == chat.last_callback_id
    assert emu.callback_answers[-1]["callback_query_id"] == chat.last_callback_id

    # Forged callback data that was never offered still reaches the bot.
    menu2 = await chat.say("/menu")
    forged = await chat.click(menu2, "Việc A")
    assert forged.text == "Bạn đã chọn pick:a"
    forged = await chat.press(await chat.say("/menu"), "admin:delete-all")
    assert forged.text == "Bạn đã chọn admin:delete-all"


async def test_group_chat_session(emu: BotAPIEmulator, app: Application) -> None:
    group = emu.group(-100123, "Tổ công tác")
    member = emu.user(1010, "Minh")
    chat = emu.chat(member, group)
    menu = await chat.say("/menu@campaign_test_bot")
    assert menu.chat_id == -100123 and menu.message["chat"]["type"] == "group"
    edited = await chat.press(menu, "pick:a")
    assert edited.text == "Bạn đã chọn pick:a"
    assert emu.messages_to(-100123) == chat.history == [menu, edited]

    # A raw injected callback query can be answered too.
    mark = emu.mark()
    emu.inject_update(
        {
            "callback_query": {
                "id": "raw-1",
                "from": member.to_dict(),
                "chat_instance": "x",
                "data": "pick:raw",
                "message": menu.message,
            }
        }
    )
    await emu.wait_for(lambda m: m.text == "Bạn đã chọn pick:raw", after=mark)
    await emu.wait_for_call("answerCallbackQuery", lambda p: p["callback_query_id"] == "raw-1")


async def test_user_document_is_downloadable_by_bot(emu: BotAPIEmulator, app: Application) -> None:
    chat = emu.chat(emu.user(1003, "Chi"))
    reply = await chat.send_document("ke-hoach.pdf", b"%PDF" + b"x" * 1230, caption="Kế hoạch")
    assert reply.text == "size=1234 name=ke-hoach.pdf"
    assert any(c[0] == "getFile" for c in emu.calls)


async def test_user_photo(emu: BotAPIEmulator, app: Application) -> None:
    user = emu.user(1004, "Dũng")
    png = _png(3, 2)
    mark = emu.mark()
    emu.send_photo(user, png, caption="ảnh")
    reply = await emu.wait_for(lambda m: m.chat_id == 1004, after=mark)
    assert reply.text == f"photo 3x2 {len(png)}B"


async def test_bot_sends_document(emu: BotAPIEmulator, app: Application, bot: Bot) -> None:
    chat = emu.chat(emu.user(1005, "Giang"))
    sent = await chat.say("/report")
    assert sent.method == "sendDocument"
    assert sent.document == b"hello report"
    assert sent.file_name == "report.txt"
    assert sent.caption == "Báo cáo"
    document = sent.message["document"]
    assert document["mime_type"] == "text/plain"
    assert document["file_size"] == len(b"hello report")
    assert emu.files[document["file_id"]].data == b"hello report"

    # Re-sending by file_id keeps the same file; getFile + download serve the bytes.
    resent = await bot.send_document(1005, document["file_id"])
    assert resent.document is not None and resent.document.file_id == document["file_id"]
    assert emu.sent[-1].document == b"hello report"
    tg_file = await bot.get_file(document["file_id"])
    assert tg_file.file_path and tg_file.file_path.startswith(emu.base_file_url)
    assert bytes(await tg_file.download_as_bytearray()) == b"hello report"

    photo = await bot.send_photo(1005, _png(4, 5), caption="<i>ảnh</i>", parse_mode="HTML")
    assert photo.photo[-1].width == 4 and photo.photo[-1].height == 5
    assert emu.sent[-1].photo == _png(4, 5)
    assert photo.caption == "ảnh"
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_document(1005, "no-such-file-id")


# --------------------------------------------------------------------------- #
# Protocol details and errors (plain Bot / HTTP client, no Application)
# --------------------------------------------------------------------------- #
async def test_wrong_token_and_unknown_method(emu: BotAPIEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{emu.base_url}999:WRONG/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with session.post(f"{emu.base_url}{emu.token}/noSuchMethod") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found: method not found"
        async with session.get(f"{emu.base_file_url}{emu.token}/documents/nope") as response:
            assert response.status == 404
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=emu.base_url):  # initialize() calls getMe
            pass


async def test_long_polling_semantics(emu: BotAPIEmulator) -> None:
    url = f"{emu.base_url}{emu.token}/getUpdates"
    async with aiohttp.ClientSession() as session:

        async def get_updates(**params: object) -> list[dict]:
            async with session.post(url, json=params) as response:
                body = await response.json()
                assert body["ok"], body
                return body["result"]

        # A waiting long poll is woken up by a new update.
        poll = asyncio.ensure_future(get_updates(timeout=5))
        await emu.wait_for_call("getUpdates")
        emu.send_text(2001, "một")
        first = await asyncio.wait_for(poll, 2)
        assert [u["message"]["text"] for u in first] == ["một"]

        emu.send_text(2001, "hai")
        emu.send_text(2001, "ba")
        # Not acknowledged yet -> delivered again; limit honoured.
        again = await get_updates(limit=2)
        assert [u["message"]["text"] for u in again] == ["một", "hai"]
        # offset acknowledges everything before it.
        rest = await get_updates(offset=again[-1]["update_id"] + 1)
        assert [u["message"]["text"] for u in rest] == ["ba"]
        assert len(emu.pending_updates) == 1
        assert await get_updates(offset=rest[-1]["update_id"] + 1, timeout=0.05) == []
        assert emu.pending_updates == []
        await emu.wait_idle(timeout=0.1)

        raw = emu.inject_update({"my_chat_member": {"bogus": True}})
        assert raw["update_id"] == rest[-1]["update_id"] + 1


async def test_blocked_chat_gives_forbidden(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(3001, "Hà")
    emu.blocked_chats.add(3001)
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.send_message(3001, "nhắc việc")
    assert emu.stats["403"] == 1
    assert emu.sent == []
    emu.blocked_chats.clear()
    await bot.send_message(3001, "nhắc việc")
    assert emu.messages_to(3001)[0].text == "nhắc việc"


@_IGNORE_PTB_RETRY_AFTER_WARNING
async def test_fault_injection(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.fault = lambda method, params: {"status": 429, "retry_after": 3} if method == "sendMessage" else None
    with pytest.raises(RetryAfter, match="3"):
        await bot.send_message(3002, "x")
    assert emu.stats["429"] == 1

    emu.fault = lambda method, params: {"status": 500} if method == "sendMessage" else None
    with pytest.raises(NetworkError):
        await bot.send_message(3002, "x")

    emu.fault = lambda method, params: {"drop": True} if method == "sendMessage" else None
    with pytest.raises(NetworkError):
        await bot.send_message(3002, "x")
    assert emu.stats["dropped"] == 1

    # drop_after: the message *is* delivered, but the bot never learns it.
    emu.fault = lambda method, params: {"drop_after": True} if method == "sendMessage" else None
    with pytest.raises(NetworkError):
        await bot.send_message(3002, "delivered")
    assert [m.text for m in emu.messages_to(3002)] == ["delivered"]

    emu.fault = None
    message = await bot.send_message(3002, "ok")
    assert message.message_id == 2


@_IGNORE_PTB_RETRY_AFTER_WARNING
async def test_flood_limits_with_fake_clock() -> None:
    clock = FakeClock()
    async with BotAPIEmulator(clock=clock) as emu:
        emu.enforce_limits = True
        async with Bot(emu.token, base_url=emu.base_url) as bot:
            for i in range(3):  # burst of 3 allowed in a private chat
                await bot.send_message(4001, f"m{i}")
            with pytest.raises(RetryAfter):
                await bot.send_message(4001, "too fast")
            assert emu.stats["429"] == 1
            assert emu.errors[-1][2:] == (429, "Too Many Requests: retry after 1")
            await bot.send_message(4002, "another chat is fine")
            clock.advance(1.0)
            await bot.send_message(4001, "after a second")

            for i in range(20):  # groups: 20 per minute
                await bot.send_message(-5001, f"g{i}")
                clock.advance(0.5)
            with pytest.raises(RetryAfter):
                await bot.send_message(-5001, "21st")
            body = emu.errors[-1]
            assert body[2] == 429 and body[3] == "Too Many Requests: retry after 50"
            clock.advance(50)
            await bot.send_message(-5001, "later")
            # Chat actions are not counted.
            await bot.send_chat_action(4001, "typing")
            assert emu.stats["429"] == 2


async def test_formatting_errors_like_telegram(emu: BotAPIEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(5001, "a <b>unclosed", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)unsupported start tag"):
        await bot.send_message(5001, "Hạn chót <5/6>", parse_mode=ParseMode.HTML)
    # The bot writes HTML only: any other format is refused, so a change of format shows up here.
    with pytest.raises(BadRequest, match="(?i)unsupported parse_mode.*HTML only"):
        await bot.send_message(5001, "*đậm*", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(5001, "<b></b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(5001, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(
            5001,
            "x",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="x" * 65)]]),
        )

    message = await bot.send_message(5001, "<b>đậm</b> và &lt;.", parse_mode=ParseMode.HTML)
    assert message.text == "đậm và <."
    assert message.entities[0].type == "bold" and message.entities[0].length == 3
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>đậm</b> và &lt;.",
            chat_id=5001,
            message_id=message.message_id,
            parse_mode=ParseMode.HTML,
        )
    edited = await bot.edit_message_text(
        "mới",
        chat_id=5001,
        message_id=message.message_id,
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x")]]),
    )
    assert edited.text == "mới" and edited.reply_markup is not None
    await bot.edit_message_reply_markup(chat_id=5001, message_id=message.message_id)
    assert emu.sent[-1].method == "editMessageReplyMarkup"
    assert emu.sent[-1].text == "mới" and emu.sent[-1].reply_markup is None
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=5001, message_id=message.message_id + 100)


async def test_misc_methods(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(6001, "Lan", last_name="Trần", username="lan")
    await bot.set_my_commands([("start", "Bắt đầu"), ("menu", "Menu")])
    assert [c["command"] for c in emu.commands[('{"type": "default"}', "")]] == ["start", "menu"]
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([("Bắt-đầu", "Bắt đầu")])
    assert await bot.send_chat_action(6001, "typing")
    # Only the methods the bot calls are answered.
    with pytest.raises(InvalidToken):  # PTB's reading of a 404
        await bot.get_chat(6001)
    assert emu.errors[-1][0] == "getChat" and emu.errors[-1][2:] == (404, "Not Found: method not found")
    assert await bot.set_webhook("https://example.invalid/hook")
    assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert json.dumps(emu.calls[0][1]) == "{}"  # getMe from Bot.initialize


async def test_wait_for_timeout_is_helpful(emu: BotAPIEmulator, bot: Bot) -> None:
    await bot.send_message(8001, "something else")
    with pytest.raises(asyncio.TimeoutError) as info:
        await emu.wait_for(lambda m: "never" in m.text, timeout=0.05)
    assert "something else" in str(info.value)


def test_parsers() -> None:
    text, entities = parse_html('<a href="https://x.vn">link</a> &amp; <code>x&lt;y</code>')
    assert text == "link & x<y"
    assert entities == [
        {"type": "text_link", "offset": 0, "length": 4, "url": "https://x.vn"},
        {"type": "code", "offset": 7, "length": 3},
    ]
    # Telegram counts the offset of a bad tag in UTF-8 bytes: "Hạn " is 6 of them.
    for source, error in (
        ("Hạn <x>", 'Unsupported start tag "x" at byte offset 6'),
        ("Hạn <b>x</i>", 'Unmatched end tag at byte offset 10, expected "</b>", found "</i>"'),
        ("ô </b>", 'Unexpected end tag "b" at byte offset 3'),
    ):
        with pytest.raises(Exception, match=re.escape(error)):
            parse_html(source)
    text, entities = parse_html(
        '<u>gạch</u> <tg-spoiler>ẩn</tg-spoiler> <pre><code class="language-py">'
        "a</code></pre> <blockquote expandable>b</blockquote>"
    )
    assert text == "gạch ẩn a b"
    assert [e["type"] for e in entities] == ["underline", "spoiler", "pre", "expandable_blockquote"]
    assert entities[2]["language"] == "py"
