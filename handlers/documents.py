"""Documents: /tailieu lists them; admins add one by sending the file, /xoatailieu removes one,
/tailieu lichsu lists a file's versions and /tailieu khoiphuc brings an old one back. Every change
is in the audit log under the admin's name (``kb.service``)."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

from sqlmodel import Session
from telegram import Update

import texts.common
import texts.documents
from bot.context import Context
from handlers import once
from handlers.common import actor_of, command_args, in_db, message_of, reply, user_id
from kb.readers import SUPPORTED_EXTENSIONS, DocumentError
from kb.service import Editor, HistoryError
from tracking.parse import key

log = logging.getLogger(__name__)

# /tailieu's sub-commands, folded (no diacritics, no spaces): «lịch sử», «khôi phục».
HISTORY, RESTORE = "history", "restore"
SUBCOMMANDS = {"lichsu": HISTORY, "history": HISTORY, "khoiphuc": RESTORE, "restore": RESTORE}
_VERSION = re.compile(r"^(?:v|pb|phienban)?(\d{1,9})$")


async def list_documents(update: Update, context: Context) -> None:
    which, rest = subcommand(command_args(update))
    if which == HISTORY:
        return await history(update, context, rest)
    if which == RESTORE:
        return await restore(update, context, rest)
    docs = await asyncio.to_thread(context.bot_data.kb.documents)
    await reply(update, texts.documents.documents_blocks(docs))


def subcommand(args: str) -> tuple[str | None, str]:
    """(HISTORY or RESTORE, the rest) when ``args`` starts with one of /tailieu's sub-commands
    (in one or two words, with or without diacritics); else (None, args)."""
    for n in (2, 1):
        parts = args.split(maxsplit=n)
        which = SUBCOMMANDS.get(key(" ".join(parts[:n])).replace(" ", "")) if len(parts) >= n else None
        if which is not None:
            return which, parts[n].strip() if len(parts) > n else ""
    return None, args


async def admin_editor(update: Update, context: Context, action: str) -> Editor | None:
    """Who changes the knowledge base, when an admin (checked in the database); else None, and the
    refusal is the reply."""

    def check(session: Session) -> Editor | None:
        actor = actor_of(session, update, context)
        if not actor.is_admin:
            return None
        return Editor(actor.name, actor.staff.id if actor.staff else None, actor.telegram_id)

    editor = await in_db(context, check) if user_id(update) is not None else None
    if editor is None:
        await reply(update, texts.common.ADMIN_ONLY.format(action=action))
    return editor


async def history(update: Update, context: Context, name: str) -> None:
    if await admin_editor(update, context, texts.documents.ACTIONS["history"]) is None:
        return
    kb, tz = context.bot_data.kb, context.settings.tz
    if not name:
        files, total = await asyncio.to_thread(kb.files_with_history)
        await reply(update, texts.documents.histories_blocks(files, total, tz))
        return
    found = await asyncio.to_thread(kb.history, name)
    if found is None:
        await reply(update, texts.documents.no_history(Path(name).name))
        return
    await reply(update, texts.documents.history_blocks(found, tz))


async def restore(update: Update, context: Context, rest: str) -> None:
    editor = await admin_editor(update, context, texts.documents.ACTIONS["restore"])
    if editor is None:
        return
    parts = rest.rsplit(maxsplit=1)
    found = _VERSION.match(key(parts[-1]).replace(" ", "")) if len(parts) == 2 else None
    if found is None:
        await reply(update, texts.documents.restore_unreadable(parts[-1] if len(parts) == 2 else None))
        return
    name, version = parts[0], int(found.group(1))
    await once.claim_before_send()  # before the knowledge base changes outside in_db
    try:
        done = await asyncio.to_thread(context.bot_data.kb.restore, name, version, by=editor)
    except HistoryError as exc:
        await reply(update, texts.documents.restore_refused(str(exc), Path(name).name))
        return
    log.info(
        "document %s: version %s restored as %s by %s", done.file_name, done.restored, done.version, user_id(update)
    )
    await reply(update, texts.documents.restored(done))


async def receive_document(update: Update, context: Context) -> None:
    doc = message_of(update).document
    if doc is None:  # the handler takes documents only
        return
    editor = await admin_editor(update, context, texts.documents.ACTIONS["add"])
    if editor is None:
        return
    name = Path(doc.file_name or "tai-lieu").name
    limit = context.settings.max_upload_mb * 1024 * 1024
    if Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
        await reply(update, texts.documents.unsupported(name, SUPPORTED_EXTENSIONS))
        return
    if doc.file_size and doc.file_size > limit:
        await reply(update, texts.documents.too_large(name, limit // 1048576))
        return
    await once.claim_before_send()  # before the knowledge base changes outside in_db
    tg_file = await doc.get_file()
    data = bytes(await tg_file.download_as_bytearray())
    try:
        added = await asyncio.to_thread(context.bot_data.kb.add, [(name, data)], by=editor)
    except DocumentError as exc:
        await reply(update, texts.documents.DOC_REFUSED.format(reason=texts.common.esc(exc)))
        return
    item = added[0]
    log.info("document %s %s by %s", item.file_name, "replaced" if item.replaced else "added", user_id(update))
    await reply(update, texts.documents.added(item))


async def remove_document(update: Update, context: Context) -> None:
    editor = await admin_editor(update, context, texts.documents.ACTIONS["remove"])
    if editor is None:
        return
    name = command_args(update)
    if not name:
        await reply(update, texts.documents.REMOVE_USAGE)
        return
    await once.claim_before_send()  # before the knowledge base changes outside in_db
    removed = await asyncio.to_thread(context.bot_data.kb.remove, name, by=editor)
    file = texts.common.esc(Path(name).name)
    if removed is None:
        await reply(update, texts.documents.NOT_REMOVED.format(file=file))
        return
    text = texts.documents.REMOVED.format(file=file)
    if removed.kept:
        text += " " + texts.documents.REMOVED_KEPT.format(version=removed.version, file=file)
    await reply(update, text)
