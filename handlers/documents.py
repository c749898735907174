"""Documents: /tailieu lists them; admins add one by sending the file, /xoatailieu removes one."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import Update

from bot import texts
from bot.context import Context
from bot.kb.readers import SUPPORTED_EXTENSIONS, DocumentError
from handlers import once
from handlers.common import command_args, is_admin, reply, user_id

log = logging.getLogger(__name__)


async def list_documents(update: Update, context: Context) -> None:
    docs = await asyncio.to_thread(context.bot_data.kb.documents)
    await reply(update, texts.documents_blocks(docs))


async def receive_document(update: Update, context: Context) -> None:
    message = update.effective_message
    doc = message.document
    if not await is_admin(update, context):
        await reply(update, texts.ADMIN_ONLY.format(action="thêm tài liệu"))
        return
    name = Path(doc.file_name or "tai-lieu").name
    limit = context.bot_data.settings.max_upload_mb * 1024 * 1024
    if Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
        reason = (f"tệp «{texts.esc(name)}» không được hỗ trợ. "
                  f"Hãy gửi tệp {', '.join(SUPPORTED_EXTENSIONS)}.")
        await reply(update, texts.DOC_REFUSED.format(reason=reason))
        return
    if doc.file_size and doc.file_size > limit:
        reason = f"tệp «{texts.esc(name)}» quá lớn; giới hạn là {limit // 1048576} MB."
        await reply(update, texts.DOC_REFUSED.format(reason=reason))
        return
    await once.claim_before_send()  # before the knowledge base changes outside in_db
    tg_file = await doc.get_file()
    data = bytes(await tg_file.download_as_bytearray())
    try:
        added = await asyncio.to_thread(context.bot_data.kb.add, [(name, data)], added_by=user_id(update))
    except DocumentError as exc:
        await reply(update, texts.DOC_REFUSED.format(reason=texts.esc(exc)))
        return
    item = added[0]
    log.info("document %s %s by %s", item.file_name, "replaced" if item.replaced else "added", user_id(update))
    await reply(update, texts.DOC_ADDED.format(
        verb="thay thế" if item.replaced else "thêm",
        title=texts.esc(item.title),
        number=f" (số {texts.esc(item.number)})" if item.number else "",
        file=texts.esc(item.file_name),
    ))


async def remove_document(update: Update, context: Context) -> None:
    if not await is_admin(update, context):
        await reply(update, texts.ADMIN_ONLY.format(action="gỡ tài liệu"))
        return
    name = command_args(update)
    if not name:
        await reply(update, texts.REMOVE_USAGE)
        return
    await once.claim_before_send()  # before the knowledge base changes outside in_db
    removed = await asyncio.to_thread(context.bot_data.kb.remove, name)
    template = texts.REMOVED if removed else texts.NOT_REMOVED
    await reply(update, template.format(file=texts.esc(Path(name).name)))
