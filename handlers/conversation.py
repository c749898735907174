"""Where plain messages go: a conversation in progress first (a report's note
or evidence, a blocker's reason, the add-task steps), then the default
(a question for text; a sheet to import or a document for the knowledge base
for files)."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from handlers import admin, ask, documents, tasks
from handlers.common import in_db, is_private, user_id
from storage import tracking as db


async def _flow(update: Update, context: Context) -> tuple[str, dict] | None:
    telegram_id = user_id(update)
    if telegram_id is None or not is_private(update):
        return None
    moment = context.now
    return await in_db(context, lambda s: db.get_flow(session=s, telegram_id=telegram_id, now=moment))


async def on_text(update: Update, context: Context) -> None:
    flow = await _flow(update, context)
    if flow is not None:
        kind, data = flow
        if kind == "newtask":
            await admin.continue_add_task(update, context, data)
            return
        if await tasks.continue_flow(update, context, kind, data):
            return
    await ask.ask_text(update, context)


async def on_file(update: Update, context: Context) -> None:
    """A document or a photo."""
    flow = await _flow(update, context)
    if flow is not None and await tasks.continue_flow(update, context, *flow):
        return
    message = update.effective_message
    if message.document is None:
        from handlers import fallback

        await fallback.other_message(update, context)
        return
    if admin.is_sheet(message.document.file_name):
        await admin.import_sheet(update, context)
        return
    await documents.receive_document(update, context)
