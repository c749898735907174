"""/start (with or without an invite code) and /huongdan (/help).

Staff whose Telegram account is linked are greeted by name with the commands of
their role; ``/start <code>`` links an account with a single-use invite; anyone
else gets instructions and none of the data."""

from __future__ import annotations

import logging

from sqlmodel import Session
from telegram import Update

import texts.common
from bot.context import Context
from handlers.common import (
    actor_of,
    command_args,
    guarded,
    in_db,
    is_admin,
    is_private,
    reply,
    send_html,
    sender_id,
)
from storage import tracking as db
from storage.models import Unit
from tracking import accounts
from tracking.service import Actor

log = logging.getLogger(__name__)


def _greeting(session: Session, actor: Actor) -> str | None:
    if actor.staff is None:
        return None
    unit = session.get(Unit, actor.staff.unit_id)
    unit_name = db.unit_full_name(session=session, unit=unit) if unit else ""
    return texts.common.greeting(actor.staff, unit_name, actor.is_admin)


async def start(update: Update, context: Context) -> None:
    code = command_args(update).split()[0] if command_args(update) else ""
    if code and is_private(update):
        telegram_id, at = sender_id(update), context.now

        def link(session: Session, actor: Actor) -> tuple[str, accounts.Linked]:
            linked = accounts.link_account(session, telegram_id=telegram_id, code=code, now=at)
            return _greeting(session, actor_of(session, update, context)) or "", linked

        result = await guarded(update, context, link)
        if result is not None:
            hello, linked = result
            await reply(update, texts.common.LINKED + hello)
            if linked.unlinked is not None and linked.unlinked != telegram_id:
                await _tell_unlinked(context, linked.unlinked, linked.staff)
        return
    greeting = await in_db(context, lambda s: _greeting(s, actor_of(s, update, context)))
    if greeting is not None and is_private(update):
        await reply(update, greeting)
        return
    user = update.effective_user
    admin = await is_admin(update, context)
    blocks = [texts.common.welcome(user.first_name if user else None, admin)]
    if is_private(update) and not admin:
        blocks.append(texts.common.NOT_LINKED_YET)
    await reply(update, blocks)


async def _tell_unlinked(context: Context, chat_id: int, staff) -> None:
    """The account a staff member was linked to, moved to another one by a re-link invite, is told."""
    from telegram.error import TelegramError

    try:
        await send_html(context.bot, chat_id, texts.common.unlinked_notice(staff))
    except TelegramError as exc:  # blocked the bot, deleted: the link has moved all the same
        log.info("could not tell %s of the re-link: %s", chat_id, exc)


async def help_command(update: Update, context: Context) -> None:
    await reply(update, texts.common.help_message(await is_admin(update, context)))
