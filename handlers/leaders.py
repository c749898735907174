"""The leader's journey: the tasks of one's scope (/theodoi, paged and filtered) and a task's card
(/xem, and the buttons that open it), with the evidence files sent back on request.

Callback data (checked again on the server every time; each prefix a family of its own in
``handlers.register``; the card's action buttons are listed in ``tracking.leaders``):
    w:<page>:<state>     a page of /theodoi, its filters as ``tracking.leaders.Watch.state``
    cd:<task id>         open a task's card
    ev:<evidence id>     send an evidence file back
    xe:<task id>         the card's «Xin gia hạn» (the owner): how to ask, /xingiahan with the task's code
    gl:<task id>         the card's «Giao lại» (managers in scope, admins): how to reassign, /giao
"""

from __future__ import annotations

import re

from sqlmodel import Session
from telegram import Update
from telegram.error import BadRequest

import texts.leaders as copy
from bot.context import Context
from handlers.buttons import Invalid, button
from handlers.calendar import office_of
from handlers.common import (
    actor_of,
    answer_button,
    chat_id_of,
    command_args,
    edit_or_send,
    guarded,
    in_db,
    private_only,
    reply,
    send_html,
)
from tracking import leaders
from tracking.service import Actor

_PAGE = re.compile(r"^w:(\d{1,4}):([a-z0-9]{0,24})$")


# --------------------------------------------------------------------------
# /theodoi
# --------------------------------------------------------------------------


async def watch(update: Update, context: Context) -> None:
    """``/theodoi [bộ lọc]``: the first page, or the units to choose from."""
    if not await private_only(update):
        return
    text, day = command_args(update), context.today

    def work(session: Session, actor: Actor):
        wanted = leaders.read_filter(session, actor, text)
        if isinstance(wanted, leaders.UnitChoice):
            return wanted
        return leaders.watch_page(session, actor, wanted, page=1, today=day), office_of(session, context)

    result = await guarded(update, context, work)
    if result is None:
        return
    if isinstance(result, leaders.UnitChoice):
        await reply(update, copy.unit_choice_message(result), reply_markup=copy.unit_choice_keyboard(result))
        return
    found, calendar = result
    await reply(update, copy.watch_message(found, day, calendar), reply_markup=copy.watch_keyboard(found))


def _page(data: str) -> tuple[int, leaders.Watch]:
    m = _PAGE.match(data)
    watch = leaders.Watch.from_state(m.group(2)) if m else None
    if m is None or watch is None or int(m.group(1)) < 1:
        raise Invalid()
    return int(m.group(1)), watch


async def _as_actor(update: Update, context: Context, work):
    return await in_db(context, lambda session: work(session, actor_of(session, update, context)))


@button(_page)
async def watch_page(update: Update, context: Context, page: int = 1, wanted: leaders.Watch | None = None) -> None:
    """``w:<page>:<state>``: another page (◀ ▶), or the unit chosen among several; edits the list in place."""
    day = context.today

    def work(session: Session, actor: Actor):
        return leaders.watch_page(session, actor, wanted or leaders.Watch(), page=page, today=day), office_of(
            session, context
        )

    result, calendar = await _as_actor(update, context, work)
    await answer_button(update)
    await edit_or_send(update, copy.watch_message(result, day, calendar), copy.watch_keyboard(result))


# --------------------------------------------------------------------------
# /xem and the card
# --------------------------------------------------------------------------


async def show(update: Update, context: Context) -> None:
    """``/xem <mã>``: the task's card."""
    if not await private_only(update):
        return
    code = command_args(update).split(maxsplit=1)[0] if command_args(update) else ""
    if not code:
        await reply(update, copy.SHOW_USAGE)
        return
    day, tz = context.today, context.settings.tz
    shown = await guarded(update, context, lambda session, actor: _card(session, actor, context, code))
    if shown is not None:
        found, calendar = shown
        await reply(update, copy.card(found, day, tz, calendar), reply_markup=copy.card_keyboard(found))


def _card(session: Session, actor: Actor, context: Context, task: str | int):
    return leaders.card(session, actor, task), office_of(session, context)


@button()
async def open_card(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``cd:<task id>`` (a line of /theodoi, a notice about a task): the task's card."""
    day, tz = context.today, context.settings.tz
    found, calendar = await _as_actor(update, context, lambda session, actor: _card(session, actor, context, task_id))
    await answer_button(update)
    await send_html(context.bot, chat_id_of(update), copy.card(found, day, tz, calendar), copy.card_keyboard(found))


@button()
async def send_evidence(update: Update, context: Context, evidence_id: int = 0, *_) -> None:
    """``ev:<evidence id>``: the file sent back by its Telegram file id (a photo as a photo)."""
    tz = context.settings.tz
    item, task = await _as_actor(
        update, context, lambda session, actor: leaders.evidence_file(session, actor, evidence_id)
    )
    await answer_button(update, copy.EVIDENCE_SENT)
    caption = copy.evidence_caption(task.code, item.file_name, item.created_at, tz)
    chat_id = chat_id_of(update)
    if item.mime_type.startswith("image/") and item.mime_type != "image/gif":
        try:  # a photo's file id; an image sent as a file has a document's, which sendPhoto refuses
            await context.bot.send_photo(chat_id, item.file_id, caption=caption, parse_mode="HTML")
            return
        except BadRequest:
            pass
    await context.bot.send_document(chat_id, item.file_id, caption=caption, parse_mode="HTML")


@button()
async def ask_extension(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``xe:<task id>``: the owner is shown how to ask for a later deadline (``/xingiahan``)."""
    task = await _as_actor(
        update, context, lambda session, actor: leaders.task_for_action(session, actor, task_id, "ask_extension")
    )
    await answer_button(update)
    await reply(update, copy.ask_extension_hint(task.code, task.deadline))


@button()
async def reassign(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``gl:<task id>``: a manager of the task's scope (or an admin) is shown how to reassign it (``/giao``)."""
    task = await _as_actor(
        update, context, lambda session, actor: leaders.task_for_action(session, actor, task_id, "reassign")
    )
    await answer_button(update)
    await reply(update, copy.reassign_hint(task.code))
