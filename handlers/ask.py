"""Questions: /hoi (/ask) and plain text get a cited answer or an honest "not found".

Before the documents are searched, a greeting, thanks or goodbye gets a short reply of its own,
and a request for one's own work ("nhiệm vụ của tôi") the task list of /nhiemvu (``kb.intents``).
A found answer comes with 👍/👎 buttons; a refused question, and one whose answer is voted 👎,
is kept for the admins' /cauhoi (``kb.feedback``).

Callback data (checked on the server every time):
    v:<answer id>:<1 | -1>     👍 or 👎 on an answer; pressing again changes the vote
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest

import texts.ask
from bot.context import Context
from handlers import tasks
from handlers.buttons import Invalid, button
from handlers.common import answer_button, command_args, guarded, in_db, query_of, reply, sender_id
from kb import feedback, intents
from tracking.refusals import Refused

log = logging.getLogger(__name__)
MAX_QUESTION = 1000


async def _answer(update: Update, context: Context, question: str) -> None:
    question = question.strip()[:MAX_QUESTION]
    talk = intents.small_talk(question)
    if talk is not None:
        await reply(update, texts.ask.small_talk_reply(talk))
        return
    if intents.asks_for_own_tasks(question):
        await tasks.list_tasks(update, context)
        return
    kb = context.bot_data.kb
    answer = await asyncio.to_thread(kb.ask, question)
    at = context.now
    if not answer.found:
        log.info("no answer (%s) for %r", answer.reason, question)
        index = await asyncio.to_thread(kb.index)  # the cached index, not the full texts
        titles = [d.title for d in index.docs]
        if feedback.worth_keeping(question):
            await in_db(context, lambda session: feedback.record_refusal(session, question=question, at=at))
        await reply(update, texts.ask.answer_blocks(answer, titles))
        return
    source = answer.sources[0].file if answer.sources else ""
    answer_id = await in_db(
        context,
        lambda session: feedback.record_answer(session, question=question, source=source, passage=answer.text, at=at),
    )
    await reply(update, texts.ask.answer_blocks(answer, []), reply_markup=vote_keyboard(answer_id))


async def ask_command(update: Update, context: Context) -> None:
    question = command_args(update)
    if not question:
        await reply(update, texts.ask.ask_usage())
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
        replied_to_bot = (
            message.reply_to_message is not None
            and message.reply_to_message.from_user is not None
            and message.reply_to_message.from_user.id == context.bot.id
        )
        if mention.lower() not in text.lower() and not replied_to_bot:
            return  # a deliberate silence: group chatter is not for the bot
        text = text.replace(mention, " ").replace(mention.lower(), " ")
    if not text.strip():
        await reply(update, texts.ask.ask_usage())
        return
    await _answer(update, context, text)


# --------------------------------------------------------------------------
# 👍 / 👎 under an answer
# --------------------------------------------------------------------------


def vote_keyboard(answer_id: int, chosen: int | None = None) -> InlineKeyboardMarkup:
    """The two buttons under an answer; the one chosen is ticked."""

    def button(vote: int, label: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(("✓ " if vote == chosen else "") + label, callback_data=f"v:{answer_id}:{vote}")

    return InlineKeyboardMarkup([[button(feedback.UP, texts.ask.VOTE_UP), button(feedback.DOWN, texts.ask.VOTE_DOWN)]])


def _parse_vote(data: str) -> tuple[str, int, int]:
    """``v:<answer id>:<vote>`` → (the data, answer id, vote); ``Invalid`` when garbled or forged."""
    kind, _, rest = data.partition(":")
    parts = rest.split(":")
    if kind != "v" or len(parts) != 2:
        raise Invalid(texts.ask.VOTE_INVALID)
    try:
        answer_id, vote = int(parts[0]), int(parts[1])
    except ValueError:
        raise Invalid(texts.ask.VOTE_INVALID) from None
    if not 0 < answer_id < 2**31 or vote not in feedback.VOTES:  # ids are 32-bit (PostgreSQL refuses larger)
        raise Invalid(texts.ask.VOTE_INVALID)
    return data, answer_id, vote


def _shows_button(message, data: str) -> bool:
    """Whether the pressed message carries a button with ``data``: a press forged onto another
    message (or one Telegram no longer shows the bot) names an answer that was not given there."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return False
    return any(button.callback_data == data for row in message.reply_markup.inline_keyboard for button in row)


@button(parse=_parse_vote)
async def on_vote(update: Update, context: Context, data: str, answer_id: int, vote: int) -> None:
    query = query_of(update)
    telegram_id, at = sender_id(update), context.now
    if not _shows_button(query.message, data):
        raise Refused(texts.ask.VOTE_NOT_SHOWN)
    result = await in_db(
        context, lambda session: feedback.vote(session, answer_id=answer_id, telegram_id=telegram_id, vote=vote, at=at)
    )
    await answer_button(update, texts.ask.vote_ack(result.vote, result.previous))
    if result.changed:  # show the choice on the buttons
        message = query.message
        if message is None:  # too old for Telegram to say which
            return
        try:
            await context.bot.edit_message_reply_markup(
                message.chat.id, message.message_id, reply_markup=vote_keyboard(answer_id, vote)
            )
        except BadRequest as exc:  # e.g. too old to edit: the vote stands
            log.debug("could not mark the vote: %s", exc)


# --------------------------------------------------------------------------
# /cauhoi: the kept questions (admins)
# --------------------------------------------------------------------------


def _page_number(args: str) -> int:
    for word in args.split():
        if word.isdecimal() and len(word) <= 6:
            return int(word)
    return 1


async def kept_questions(update: Update, context: Context) -> None:
    """Admins, in any chat (the questions are kept without who asked them)."""
    page = _page_number(command_args(update))
    result = await guarded(update, context, lambda session, actor: feedback.kept_questions(session, actor, page=page))
    if result is None:
        return
    await reply(update, texts.ask.kept_questions_blocks(result, context.settings.tz))
