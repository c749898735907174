"""The error handler: the user gets an apology, the admins get the details, the log gets all.

A database that is briefly unreachable is not a bug: the user is told that
nothing was saved and to send it again, and the admins hear of it once, not
once per message. Reports of the same kind of error to admins are held back
for ``QUIET`` after one is sent, with a count of those held back. A report
never carries the bot token (an error naming a Bot API address would): it is
masked before the report is cut to length (``bot.logs.redact``)."""

from __future__ import annotations

import html
import logging
import time
import traceback

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from telegram import Update
from telegram.error import Forbidden, TelegramError

import texts.common
from bot.context import Context
from bot.logs import redact
from handlers import once

log = logging.getLogger(__name__)

QUIET = 600.0  # seconds between two admin reports of the same kind of error


def database_unavailable(error: BaseException | None) -> bool:
    if isinstance(error, (OperationalError, PoolTimeout)):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _admins_should_hear(context: Context, kind: str) -> tuple[bool, int]:
    """Whether to report ``kind`` now, and how many were held back before it."""
    held = context.bot_data.error_reports
    now = time.monotonic()
    last, skipped = held.get(kind, (None, 0))
    if last is not None and now - last < QUIET:
        held[kind] = (last, skipped + 1)
        return False, 0
    held[kind] = (now, 0)
    return True, skipped


async def on_error(update: object, context: Context) -> None:
    error = context.error
    try:  # the apology is an answer too: the update is recorded first
        await once.claim_before_send()
    except once.AlreadyHandled:
        return  # another process answers this update
    outage = database_unavailable(error)
    if outage:
        log.error("database unavailable: %s", error)
    else:
        log.error("error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id, texts.common.DB_UNAVAILABLE if outage else texts.common.ERROR_APOLOGY
            )
        except TelegramError:
            log.warning("could not apologise to chat %s", update.effective_chat.id)
    kind = "database" if outage else type(error).__name__
    tell, held_back = _admins_should_hear(context, kind)
    if not tell:
        return
    secrets = [context.bot.token]
    tb = redact("".join(traceback.format_exception(None, error, error.__traceback__ if error else None)), secrets)
    where = ""
    if isinstance(update, Update):
        user = update.effective_user
        chat = update.effective_chat
        where = texts.common.error_where(user.id if user else None, chat.id if chat else None)
    elif update is None:
        where = texts.common.ERROR_IN_BACKGROUND
    more = texts.common.errors_held_back(held_back)
    if outage:
        reason = redact(str(error).splitlines()[0] if str(error) else repr(error), secrets)
        text = texts.common.database_error_report(html.escape(where), html.escape(reason[:300]), more, int(QUIET // 60))
    else:
        text = texts.common.error_report(
            html.escape(where), html.escape(redact(repr(error), secrets)[:500]), more, html.escape(tb[-2500:])
        )
    for admin in context.settings.admin_ids:
        try:
            await context.bot.send_message(admin, text)
        except Forbidden:
            log.warning("admin %s has not started the bot", admin)
        except TelegramError:
            log.exception("could not tell admin %s", admin)
