"""Before anything else (a group of its own, ahead of ``handlers.once``): which updates the bot takes.

* Updates of Telegram Business are ignored entirely. With Business enabled, Telegram sends the bot
  the messages of the connected account's chats with its customers (``business_message`` and the
  rest): an officer's words to a customer must not become a report's note, nor an admin's file to a
  customer a document of the knowledge base, and the bot must not answer customers in their name.
* Flood control (``bot.ptb.flood``): a person or a group over their rate gets one short note, and is
  then ignored for a while. An update dropped here costs no database work, and is not recorded as
  handled (it changes nothing; the kept copy of it is deleted as for any update seen through).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

import texts.common
from bot.context import Context
from bot.ptb.flood import Verdict
from handlers.common import reply
from storage.tracking import staff_by_telegram

log = logging.getLogger(__name__)


def for_business(update: Update) -> bool:
    """An update about a Telegram Business account's chats (or a button on a message sent in one)."""
    if (
        update.business_connection is not None
        or update.business_message is not None
        or update.edited_business_message is not None
        or update.deleted_business_messages is not None
    ):
        return True
    message = update.effective_message
    return message is not None and getattr(message, "business_connection_id", None) is not None


def addressed(update: Update, context: Context) -> bool:
    """In a group: whether the update is for the bot (as the handlers read it: a command, a mention, a
    reply to the bot, a file, a button). A group's chatter among its members is not counted."""
    if update.callback_query is not None:
        return True
    message = update.message or update.channel_post
    if message is None:
        return False  # edits, members joining...: nothing the bot answers in a group
    if message.document is not None or message.photo:
        return True
    text = message.text or message.caption or ""
    bot = context.bot
    if text.startswith("/"):
        _, at, name = text.split(maxsplit=1)[0].partition("@")
        return not at or name.lower() == (bot.username or "").lower()
    if bot.username and f"@{bot.username}".lower() in text.lower():
        return True
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot.id


async def is_staff(context: Context, telegram_id: int) -> bool:
    """Whether ``telegram_id`` is linked to a staff member; not when the database cannot say."""
    try:
        return await context.bot_data.db.transaction(
            lambda session: staff_by_telegram(session=session, telegram_id=telegram_id) is not None
        )
    except Exception as error:  # noqa: BLE001 - e.g. the database is unreachable: a stranger's rate
        log.warning("flood control could not look up user %s: %s", telegram_id, error)
        return False


async def admit(update: object, context: Context) -> None:
    """Let the update through, or stop it here (``ApplicationHandlerStop``)."""
    if not isinstance(update, Update):
        return
    if for_business(update):
        raise ApplicationHandlerStop
    flood = context.bot_data.flood
    if flood is None:
        return
    chat = update.effective_chat
    private = chat is None or chat.type == ChatType.PRIVATE
    if not private and not addressed(update, context):
        return  # not for the bot: the handlers let it be, at no cost
    sender = update.effective_user
    # Telegram's service accounts (an anonymous group admin, a channel's post) are shared by many
    # chats: only their chat is counted.
    user = sender.id if sender is not None and not sender.is_bot else None
    group = None if private or chat is None else chat.id
    if user is None and group is None:
        return
    now = context.now.timestamp()
    staff = True if context.bot_data.is_admin(user) else None
    verdict = flood.admit(now, user=user, chat=group, staff=staff)
    if verdict is Verdict.ASK and user is not None:  # asked only about a person
        staff = await is_staff(context, user)
        flood.remember(user, staff, now)
        verdict = flood.admit(now, user=user, chat=group, staff=staff)
    if verdict is Verdict.ADMIT:
        return
    if verdict is not Verdict.DROP:
        if verdict is Verdict.NOTE_CHAT:
            who = "group"
        else:
            who = "staff" if staff or flood.known_staff(user, now) else "stranger"
        log.info(
            "flood control: %s %s over the rate, ignored for %s s",
            "chat" if who == "group" else "user",
            group if who == "group" else user,
            flood.pause_seconds,
        )
        try:
            await reply(update, texts.common.slow_down(who, flood.pause_seconds))
        except TelegramError as error:
            log.info("could not send the slow-down note: %s", error)
    raise ApplicationHandlerStop
