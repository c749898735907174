"""/start and /huongdan (/help): what the bot does and how to use it."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.context import Context
from handlers.common import is_admin, reply


async def start(update: Update, context: Context) -> None:
    user = update.effective_user
    await reply(update, texts.welcome(user.first_name if user else None, is_admin(update, context)))


async def help_command(update: Update, context: Context) -> None:
    await reply(update, texts.help_text(is_admin(update, context)))
