"""Where plain messages go: a conversation in progress first (a report's note
or evidence, a blocker's reason, the add-task steps), then the default
(a question for text; a sheet to import or a document for the knowledge base
for files).

``STEPS`` is the one table of what each kind of conversation (``handlers.flows.Kind``) does with
the next text and the next file; a step returns False when the message is not for it (a file
without a caption where a reason is awaited), and the message then goes to the default.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update

from bot.context import Context
from handlers import admin, ask, documents, flows, review, talk, tasks
from handlers.common import in_db, is_private, message_of, user_id
from handlers.flows import Kind

Step = Callable[[Update, Context, dict], Awaitable[bool]]


@dataclass(frozen=True)
class Steps:
    text: Step  # a text message
    file: Step | None  # a document or a photo (None: the file goes to the default)


STEPS: dict[Kind, Steps] = {
    Kind.NEW_TASK: Steps(text=admin.continue_add_task, file=None),
    Kind.NOTE: Steps(text=tasks.continue_note, file=tasks.continue_note),
    Kind.BLOCKED: Steps(text=tasks.continue_blocked, file=tasks.continue_blocked),
    Kind.CORRECT_BLOCKED: Steps(text=tasks.continue_correct_blocked, file=tasks.continue_correct_blocked),
    Kind.COMMENT: Steps(text=talk.continue_comment, file=None),
    Kind.REFUSE_EXTENSION: Steps(text=talk.continue_refusal, file=None),
    Kind.EXTEND: Steps(text=talk.continue_extend, file=None),
    Kind.REVIEW_RETURN: Steps(text=review.continue_return, file=None),
}


async def _flow(update: Update, context: Context) -> tuple[Kind, dict] | None:
    telegram_id = user_id(update)
    if telegram_id is None or not is_private(update):
        return None
    return await in_db(context, lambda s: flows.current(s, context, telegram_id=telegram_id))


async def on_text(update: Update, context: Context) -> None:
    flow = await _flow(update, context)
    if flow is not None:
        kind, data = flow
        if await STEPS[kind].text(update, context, data):
            return
    if await talk.on_reply(update, context):  # a reply to a message of the bot about a task: a comment
        return
    await ask.ask_text(update, context)


async def on_file(update: Update, context: Context) -> None:
    """A document or a photo."""
    flow = await _flow(update, context)
    if flow is not None:
        kind, data = flow
        step = STEPS[kind].file
        if step is not None and await step(update, context, data):
            return
    message = message_of(update)
    if message.document is None:
        from handlers import fallback

        await fallback.other_message(update, context)
        return
    if admin.is_sheet(message.document.file_name):
        await admin.import_sheet(update, context)
        return
    await documents.receive_document(update, context)
