"""The completion review and invites for the staff not connected (``tracking.review``,
``tracking.changes``).

Callback data (checked again on the server every time; each prefix a family in ``handlers.register``):
    rc:<task id>   «Xác nhận hoàn thành»: the accountable leader (or an admin) confirms a task awaiting review
    rr:<task id>   «Trả lại»: asks for the reason as the next text (a database conversation), then
                   sends the task back to in progress
    iv:0           under /tonghop: invite links for every staff member of the scope not connected
    iv:<sub id>    under a scheduled digest (a private chat or a group): the same for that digest's scope,
                   for its owner, a manager above them or an admin; sent privately to the presser
"""

from __future__ import annotations

import re
from datetime import UTC
from html import unescape

from sqlmodel import Session
from telegram import Update
from telegram.error import Forbidden

import texts.review as copy
from bot.context import Context
from handlers import flows
from handlers.buttons import button
from handlers.common import (
    actor_of,
    answer_button,
    guarded,
    in_db,
    is_private,
    message_of,
    render_refusal,
    reply,
    send_html,
    sender_id,
)
from handlers.flows import Kind
from storage import tracking as db
from texts.common import pack
from tracking import changes, review
from tracking.refusals import Refused
from tracking.service import Actor


async def _as_actor(update: Update, context: Context, work):
    return await in_db(context, lambda session: work(session, actor_of(session, update, context)))


@button()
async def confirm(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``rc:<task id>``: the task is done."""
    now = context.now
    task, owner = await _as_actor(update, context, lambda s, a: review.confirm(s, a, task_id=task_id, now=now))
    await answer_button(update, "Đã xác nhận hoàn thành")
    await reply(update, copy.confirmed(task, owner))


@button()
async def send_back(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``rr:<task id>``: ask for the reason of returning the task."""
    telegram_id = sender_id(update)

    def work(session: Session, actor: Actor):
        task = review.reviewable(session, actor, task_id)
        flows.start(session, context, telegram_id=telegram_id, kind=Kind.REVIEW_RETURN, data={"task_id": task.id})
        return task

    task = await _as_actor(update, context, work)
    await answer_button(update)
    await reply(update, copy.ask_return_reason(task))


async def continue_return(update: Update, context: Context, data: dict) -> bool:
    """The reason of a «Trả lại» (a text, or a file's caption); False without one."""
    message = message_of(update)
    text = (message.text or message.caption or "").strip()
    if not text:
        await reply(update, copy.REASON_EXPECTED)
        return True
    telegram_id, now = sender_id(update), context.now

    def work(session: Session, actor: Actor):
        db.clear_flow(session=session, telegram_id=telegram_id)
        return review.send_back(session, actor, task_id=int(data["task_id"]), reason=text, now=now)

    result = await guarded(update, context, work)
    if result is not None:
        await reply(update, copy.returned(*result))
    return True


@button()
async def invite_all(update: Update, context: Context, subscription_id: int = 0, *_) -> None:
    """``iv:0`` (under /tonghop: the presser's scope) or ``iv:<subscription id>`` (under a scheduled
    digest, in a private chat or a group: that digest's scope): invite links for the staff not
    connected. In a group they go to the presser's private chat, never into the group, and a refusal
    is an alert to the presser alone."""
    now, admins, private = context.now, context.settings.admin_ids, is_private(update)

    def work(session: Session, actor: Actor):
        return changes.invite_unlinked(session, actor, now=now, subscription_id=subscription_id, admin_ids=admins)

    try:
        pairs, left = await _as_actor(update, context, work)
    except Refused as exc:
        if private:
            raise  # said in the chat (handlers.buttons)
        await answer_button(update, _plain(render_refusal(exc)), alert=True)
        return
    links = [(staff, f"https://t.me/{context.bot.username}?start={invite.code}") for invite, staff in pairs]
    expires = min((invite.expires_at for invite, _ in pairs), default=None)
    shown = (
        expires.replace(tzinfo=expires.tzinfo or UTC).astimezone(context.settings.tz).strftime("%d/%m/%Y")
        if expires
        else ""
    )
    blocks = copy.invites_made(links, left, shown)
    if private:
        await answer_button(update)
        await reply(update, blocks)
        return
    try:
        for chunk in pack(blocks):
            await send_html(context.bot, sender_id(update), chunk)
    except Forbidden:  # never started a private chat with the bot, or blocked it
        await answer_button(update, copy.open_private_chat(context.bot.username), alert=True)
        return
    await answer_button(update, copy.invites_sent_privately(len(pairs)), alert=True)


def _plain(html: str) -> str:
    """An alert's text: Telegram shows it without markup."""
    return unescape(re.sub(r"<[^>]+>", "", html))


@button()
async def ask_done(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``d:<task id>`` (from a reminder): «Xác nhận đã xong?» first; «Đúng, đã xong» reports 100%."""
    from tracking import refusals as no
    from tracking import service

    def work(session: Session, actor: Actor):
        task = service.visible_task(session, actor, task_id)
        if not service.can_report(session, actor, task):
            raise no.NotOwnTask(task.code, doing="button")
        return task

    task = await _as_actor(update, context, work)
    await answer_button(update)
    await reply(
        update, copy.ask_done(task, context.settings.review_completion), reply_markup=copy.done_keyboard(task.id)
    )
