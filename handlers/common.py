"""Small helpers shared by the handlers."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import TypeVar

from sqlmodel import Session
from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.warnings import PTBUserWarning

import texts.common
import texts.refusals
from bot.context import Context
from handlers import once
from tracking import notices
from tracking.refusals import Refused
from tracking.service import Actor, resolve_actor

T = TypeVar("T")
log = logging.getLogger(__name__)


async def reply(update: Update, blocks: Iterable[str] | str, **kwargs) -> None:
    """Reply with one or more HTML blocks, packed under Telegram's limit; a
    ``reply_markup`` goes with the last message."""
    message = update.effective_message
    if message is None:
        return
    if isinstance(blocks, str):
        blocks = [blocks]
    chunks = texts.common.pack(blocks)  # split as Telegram counts: in UTF-16 units
    markup = kwargs.pop("reply_markup", None)
    for number, chunk in enumerate(chunks, 1):
        last = number == len(chunks)
        if kwargs:
            await message.reply_html(chunk, do_quote=False, reply_markup=markup if last else None, **kwargs)
        else:
            await send_html(
                message.get_bot(),
                message.chat_id,
                chunk,
                markup if last else None,
                thread_id=message.message_thread_id if message.is_topic_message else None,
                business_connection_id=message.business_connection_id,
            )


# The handlers never look at the message Telegram sends back, and decoding it into PTB's objects
# (its entities, its keyboard) costs about as much as everything else the bot does for a tap; so
# the two calls behind almost every answer leave the result undecoded. Rate limits, retries and
# errors are the same as through send_message / edit_message_text. PTB suggests those methods
# whenever do_api_request names one of its own: here that is deliberate.
warnings.filterwarnings(
    "ignore", message=r"Please use 'Bot\.(sendMessage|editMessageText)' instead", category=PTBUserWarning
)


async def send_html(
    bot,
    chat_id: int,
    text: str,
    markup=None,
    *,
    thread_id: int | None = None,
    business_connection_id: str | None = None,
) -> None:
    """sendMessage with HTML text (the Bot API's answer is not decoded)."""
    params: dict = {"chat_id": chat_id, "text": text, "parse_mode": "HTML"}
    if markup is not None:
        params["reply_markup"] = markup
    if thread_id is not None:
        params["message_thread_id"] = thread_id
    if business_connection_id is not None:
        params["business_connection_id"] = business_connection_id
    await bot.do_api_request("sendMessage", api_kwargs=params)


async def edit_html(bot, chat_id: int, message_id: int, text: str, markup=None) -> None:
    """editMessageText with HTML text (the Bot API's answer is not decoded)."""
    params: dict = {"chat_id": chat_id, "message_id": message_id, "text": text, "parse_mode": "HTML"}
    if markup is not None:
        params["reply_markup"] = markup
    await bot.do_api_request("editMessageText", api_kwargs=params)


def user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def message_of(update: Update) -> Message:
    """The update's message: the message handlers are given only updates that carry one."""
    message = update.effective_message
    if message is None:
        raise ValueError("the update carries no message")
    return message


def query_of(update: Update) -> CallbackQuery:
    """The button press of the update: the button handlers are given only presses."""
    query = update.callback_query
    if query is None:
        raise ValueError("the update is no button press")
    return query


def chat_id_of(update: Update) -> int:
    """The chat of the update: every message and every button press is in one."""
    chat = update.effective_chat
    if chat is None:
        raise ValueError("the update is in no chat")
    return chat.id


def sender_id(update: Update) -> int:
    """The Telegram id of the person an update comes from: a message of a private chat and a button
    press always have one (``user_id`` for the updates that may not)."""
    user = update.effective_user
    if user is None:
        raise ValueError("the update comes from no user")
    return user.id


def command_args(update: Update) -> str:
    """The text after the command (``/hoi@bot abc`` → ``abc``)."""
    text = (update.effective_message.text or update.effective_message.caption or "") if update.effective_message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 and parts[0].startswith("/") else ""


async def in_db(context: Context, work: Callable[[Session], T], *, heavy: bool = False) -> T:
    """Run ``work(session)`` in one transaction (``storage.runner.Runner.transaction``: ``heavy`` for a long
    read or write, such as an export or an import, kept off the thread the quick ones share).

    The first transaction of an update also records the update id (``handlers.once``). Notices the
    work queued (``tracking.notices``) are sent at once once it commits (``send_notices``)."""
    batch = notices.collecting()
    claim = once.pending()
    if claim is None:
        result = await context.bot_data.db.transaction(work, heavy=heavy)
    else:

        def run(session: Session) -> T:
            once.claim_in(session, claim)
            return work(session)

        result = await context.bot_data.db.transaction(run, heavy=heavy)
        claim.state = once.TAKEN
    if batch.queued:
        await send_notices(context)
    return result


async def send_notices(context: Context) -> None:
    """Have the process's outbox sender send what is due now, beside the update (not awaited: the
    reply does not wait for it). Without a sender (reminders not scheduled: tests, the demo's
    ``remind`` process) the notices alone are sent here and now, after the commit."""
    cycle = context.bot_data.reminders
    if cycle is not None:
        context.application.create_task(cycle.send(), name="notices")
        return
    try:
        await notices.send_queued(engine=context.bot_data.engine, bot=context.bot, clock=context.bot_data.clock)
    except Exception:  # noqa: BLE001 - the change is committed; its notices stay queued for the next cycle
        log.exception("notices not sent now; they stay queued")


def actor_of(session: Session, update: Update, context: Context) -> Actor:
    return resolve_actor(session, telegram_id=user_id(update), admin_ids=context.settings.admin_ids)


async def guarded(
    update: Update, context: Context, work: Callable[[Session, Actor], T], *, heavy: bool = False
) -> T | None:
    """Run ``work(session, actor)``; a :class:`Refused` rolls everything back and
    its reason is the reply. Returns None when refused."""

    def run(session: Session) -> T:
        return work(session, actor_of(session, update, context))

    try:
        return await in_db(context, run, heavy=heavy)
    except Refused as exc:
        await reply(update, render_refusal(exc))
        return None


def render_refusal(exc: Refused) -> str:
    """What a refusal says to the user (``texts.refusals``)."""
    return f"⛔ {texts.refusals.render(exc)}"


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


async def private_only(update: Update) -> bool:
    """Task data stays out of group chats: say so and return False there."""
    if is_private(update):
        return True
    await reply(update, texts.common.PRIVATE_ONLY)
    return False


async def is_admin(update: Update, context: Context) -> bool:
    """An admin by ADMIN_IDS, or a staff member whose role is "quản trị"."""
    if context.bot_data.is_admin(user_id(update)):
        return True
    if user_id(update) is None:
        return False
    return await in_db(context, lambda session: actor_of(session, update, context).is_admin)


# The button press this update has answered (a press is answered once; see handlers.buttons).
_answered: ContextVar[str | None] = ContextVar("answered", default=None)


async def answer_button(update: Update, text: str = "", alert: bool = False) -> None:
    """Answer a button press, once (later calls do nothing); one too old to answer still had its effect.

    No text is sent as None: with the application's Defaults, PTB 22 sends an empty string as "[]",
    which Telegram would show as a notification."""
    query = query_of(update)
    if _answered.get() == query.id:
        return
    _answered.set(query.id)
    try:
        await query.answer(text[:200] or None, show_alert=alert)
    except BadRequest:
        log.debug("callback query too old to answer")


async def edit_or_send(update: Update, text: str, markup=None) -> None:
    """Replace the pressed message's text, or send a new message when it cannot be edited."""
    message = query_of(update).message
    try:
        if message is not None:
            await edit_html(update.get_bot(), message.chat.id, message.message_id, text, markup)
            return
    except BadRequest as exc:  # e.g. the message is too old to edit
        log.debug("could not edit: %s", exc)
    await send_html(update.get_bot(), chat_id_of(update), text, markup)
