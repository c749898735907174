"""``/nhatky`` (alias ``/audit``): the audit log twenty lines a page, newest first, with how many there
are and ◀ ▶ to the other pages; ``/nhatky <mã>`` the lines about one task, person or file.

Callback data (checked again on the server: admins only, every press):
    nk:<page>[:<code>]     another page of the audit log (of ``code`` when given)
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

import texts.admin as copy
from bot.context import Context
from handlers.buttons import Invalid, button
from handlers.common import actor_of, answer_button, command_args, guarded, in_db, private_only, reply
from texts import paging as pages
from tracking import paging


async def audit_log(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    code = command_args(update).split()[0] if command_args(update) else None
    page = await guarded(update, context, lambda s, a: paging.audit_log(s, a, code=code))
    if page is not None:
        text, markup = _audit_page(page, code, context)
        await reply(update, text, reply_markup=markup)


def _page_data(data: str) -> tuple[int, str | None]:
    """``nk:<page>[:<code>]`` → the page and the code (None: the whole log)."""
    page, _, code = data.partition(":")[2].partition(":")
    if not page.isdigit() or len(page) > 6:
        raise Invalid()
    return int(page), code or None


@button(parse=_page_data)
async def audit_page(update: Update, context: Context, number: int = 0, code: str | None = None) -> None:
    """``nk:<page>[:<code>]``: another page, sent as a new message (a page may take more than one)."""
    page = await in_db(context, lambda s: paging.audit_log(s, actor_of(s, update, context), code=code, page=number))
    text, markup = _audit_page(page, code, context)
    await answer_button(update)
    await reply(update, text, reply_markup=markup)


def _audit_page(page: paging.Page, code: str | None, context: Context) -> tuple[list[str], InlineKeyboardMarkup | None]:
    blocks = copy.audit_blocks(page.items, context.settings.tz, code)
    if page.total <= len(page.items):
        return blocks, None
    blocks.append(pages.where(page.first, len(page.items), page.total, "dòng", page.number, page.pages))
    nav = pages.nav_row(page.number, page.pages, lambda n: f"nk:{n}:{code}" if code else f"nk:{n}")
    return blocks, InlineKeyboardMarkup([nav]) if nav else None
