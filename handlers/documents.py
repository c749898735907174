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
from kb.readers import SUPPORTED_EXTENSIONS, DocumentError
from kb.service import Editor, HistoryError
from tracking.parse import key
from handlers import once
from handlers.common import actor_of, command_args, in_db, reply, user_id

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
    if await admin_editor(update, context, "xem lịch sử tài liệu") is None:
        return
    kb, tz = context.bot_data.kb, context.settings.tz
    if not name:
        files, total = await asyncio.to_thread(kb.files_with_history)
        await reply(update, texts.documents.histories_blocks(files, total, tz))
        return
    found = await asyncio.to_thread(kb.history, name)
    if found is None:
        await reply(update, f"⛔ Không có tài liệu hay phiên bản cũ nào tên <code>{texts.common.esc(Path(name).name)}</code>. "
                            "Đồng chí hãy kiểm tra tên tệp (cả phần đuôi, ví dụ .docx): /tailieu liệt kê tài liệu "
                            "đang dùng, <code>/tailieu lichsu</code> các tệp có phiên bản được lưu, kể cả tệp đã gỡ.")
        return
    await reply(update, texts.documents.history_blocks(found, tz))


async def restore(update: Update, context: Context, rest: str) -> None:
    editor = await admin_editor(update, context, "khôi phục tài liệu")
    if editor is None:
        return
    parts = rest.rsplit(maxsplit=1)
    found = _VERSION.match(key(parts[-1]).replace(" ", "")) if len(parts) == 2 else None
    if found is None:
        what = (f"«{texts.common.esc(parts[-1])}» không phải số phiên bản" if len(parts) == 2
                else "cần tên tệp và số phiên bản")
        await reply(update, [f"⛔ Không khôi phục được: {what}. Không có gì thay đổi.", texts.documents.HISTORY_USAGE])
        return
    name, version = parts[0], int(found.group(1))
    await once.claim_before_send()  # before the knowledge base changes outside in_db
    try:
        done = await asyncio.to_thread(context.bot_data.kb.restore, name, version, by=editor)
    except HistoryError as exc:
        await reply(update, f"⛔ {texts.common.esc(exc)} Không có gì thay đổi. Xem các phiên bản: "
                            f"<code>/tailieu lichsu {texts.common.esc(Path(name).name)}</code>")
        return
    file = texts.common.esc(done.file_name)
    log.info("document %s: version %s restored as %s by %s", done.file_name, done.restored, done.version,
             user_id(update))
    lines = [f"✅ Đã khôi phục <code>{file}</code> phiên bản {done.restored}, nay là phiên bản {done.version} "
             f"đang dùng: <b>{texts.common.esc(done.title)}</b>."]
    if done.previous is not None:
        lines.append(f"Bản đang dùng trước đó (phiên bản {done.previous}) được lưu lại; quay lại bằng "
                     f"<code>/tailieu khoiphuc {file} {done.previous}</code>.")
    lines.append("Câu trả lời từ nay lấy theo phiên bản này.")
    await reply(update, "\n".join(lines))


async def receive_document(update: Update, context: Context) -> None:
    message = update.effective_message
    doc = message.document
    editor = await admin_editor(update, context, "thêm tài liệu")
    if editor is None:
        return
    name = Path(doc.file_name or "tai-lieu").name
    limit = context.settings.max_upload_mb * 1024 * 1024
    if Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
        reason = (f"tệp «{texts.common.esc(name)}» không được hỗ trợ. "
                  f"Hãy gửi tệp {', '.join(SUPPORTED_EXTENSIONS)}.")
        await reply(update, texts.documents.DOC_REFUSED.format(reason=reason))
        return
    if doc.file_size and doc.file_size > limit:
        reason = f"tệp «{texts.common.esc(name)}» quá lớn; giới hạn là {limit // 1048576} MB."
        await reply(update, texts.documents.DOC_REFUSED.format(reason=reason))
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
    text = texts.documents.DOC_ADDED.format(
        verb="thay thế" if item.replaced else "thêm",
        title=texts.common.esc(item.title),
        number=f" (số {texts.common.esc(item.number)})" if item.number else "",
        file=texts.common.esc(item.file_name),
    )
    if item.kept is not None:
        text += "\n" + texts.documents.DOC_REPLACED_KEPT.format(kept=item.kept, file=texts.common.esc(item.file_name))
    await reply(update, text)


async def remove_document(update: Update, context: Context) -> None:
    editor = await admin_editor(update, context, "gỡ tài liệu")
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
