"""Small helpers shared by the handlers."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Update

from bot import texts
from bot.context import Context


async def reply(update: Update, blocks: Iterable[str] | str, **kwargs) -> None:
    """Reply with one or more HTML blocks, packed under Telegram's limit."""
    message = update.effective_message
    if message is None:
        return
    if isinstance(blocks, str):
        blocks = [blocks]
    for chunk in texts.pack(blocks):
        await message.reply_html(chunk, do_quote=False, **kwargs)


def user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def is_admin(update: Update, context: Context) -> bool:
    return context.bot_data.is_admin(user_id(update))


def command_args(update: Update) -> str:
    """The text after the command (``/hoi@bot abc`` → ``abc``)."""
    text = (update.effective_message.text or update.effective_message.caption or "") if update.effective_message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 and parts[0].startswith("/") else ""
