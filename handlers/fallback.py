"""What nothing else handled: unknown commands get help, other messages a hint."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

import texts.common
from bot.context import Context
from handlers.common import reply


async def unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    cmd = (message.text or "").split()[0] if message and message.text else ""
    target = cmd.partition("@")[2]
    if target and target.lower() != (context.bot.username or "").lower():
        return  # a command for another bot in a group
    await reply(update, texts.common.UNKNOWN_COMMAND.format(cmd=texts.common.esc(cmd.partition("@")[0])))


async def other_message(update: Update, context: Context) -> None:
    """Stickers, photos, voice... in a private chat: say what the bot understands."""
    if update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
        await reply(update, texts.common.ONLY_TEXT + texts.common.UNKNOWN_COMMAND.split(". ", 1)[1])
