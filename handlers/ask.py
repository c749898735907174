"""Questions: /hoi (/ask) and plain text get a cited answer or an honest "not found"."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.constants import ChatAction, ChatType

from bot import texts
from bot.context import Context
from handlers.common import command_args, reply

log = logging.getLogger(__name__)
MAX_QUESTION = 1000


async def _answer(update: Update, context: Context, question: str) -> None:
    question = question.strip()[:MAX_QUESTION]
    kb = context.bot_data.kb
    answer = await asyncio.to_thread(kb.ask, question)
    titles: list[str] = []
    if not answer.found:
        log.info("no answer (%s) for %r", answer.reason, question)
        index = await asyncio.to_thread(kb.index)  # the cached index, not the full texts
        titles = [d.title for d in index.docs]
    await reply(update, texts.answer_blocks(answer, titles))


async def ask_command(update: Update, context: Context) -> None:
    question = command_args(update)
    if not question:
        await reply(update, texts.ask_usage())
        return
    if update.effective_chat:
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
    await _answer(update, context, question)


async def ask_text(update: Update, context: Context) -> None:
    """A plain message: always in private chats; in groups only when it mentions the bot."""
    message = update.effective_message
    if message is None or not message.text:
        return
    text = message.text
    if update.effective_chat and update.effective_chat.type != ChatType.PRIVATE:
        mention = f"@{context.bot.username}"
        replied_to_bot = (message.reply_to_message is not None and message.reply_to_message.from_user
                          is not None and message.reply_to_message.from_user.id == context.bot.id)
        if mention.lower() not in text.lower() and not replied_to_bot:
            return  # a deliberate silence: group chatter is not for the bot
        text = text.replace(mention, " ").replace(mention.lower(), " ")
    if not text.strip():
        await reply(update, texts.ask_usage())
        return
    await _answer(update, context, text)
