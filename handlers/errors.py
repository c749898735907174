"""The error handler: the user gets an apology, the admins get the details, the log gets all."""

from __future__ import annotations

import html
import logging
import traceback

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot import texts
from bot.context import Context

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    error = context.error
    log.error("error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, texts.ERROR_APOLOGY)
        except TelegramError:
            log.warning("could not apologise to chat %s", update.effective_chat.id)
    tb = "".join(traceback.format_exception(None, error, error.__traceback__ if error else None))
    where = ""
    if isinstance(update, Update):
        user = update.effective_user
        chat = update.effective_chat
        where = f"người dùng {user.id if user else '?'}, chat {chat.id if chat else '?'}"
    text = (f"⚠️ <b>Lỗi</b> ({html.escape(where)}): <code>{html.escape(repr(error))[:500]}</code>\n"
            f"<pre>{html.escape(tb[-2500:])}</pre>")
    for admin in context.bot_data.settings.admin_ids:
        try:
            await context.bot.send_message(admin, text)
        except Forbidden:
            log.warning("admin %s has not started the bot", admin)
        except TelegramError:
            log.exception("could not tell admin %s", admin)
