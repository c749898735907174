"""Talking about a task: comments and extension requests (the service is ``tracking.talk``).

    /traodoi <mã> <nội dung>        (alias /comment) a comment, told to the owner and the leader
    a reply to a message of the bot  the same, on the one task that message names
    /xingiahan <mã> <ngày> <lý do>  (alias /askextension) the owner asks for a later deadline

Callback data (checked again on the server every time; each prefix a family in ``handlers.register``):
    cm:<task id>      start a comment (the next text)
    xa:<request id>   approve an extension request
    xr:<request id>   refuse it (the next text is the reason)
    xg:<task id>      extend the task (the next text: the new date and the reason), managers and admins
"""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update

import texts.talk as copy
from bot.context import Context
from handlers import flows
from handlers.buttons import button
from handlers.common import (
    actor_of,
    answer_button,
    command_args,
    edit_or_send,
    guarded,
    in_db,
    is_private,
    message_of,
    private_only,
    reply,
    sender_id,
)
from handlers.flows import Kind
from storage import tracking as db
from tracking import talk
from tracking.service import Actor

# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------


async def comment_command(update: Update, context: Context) -> None:
    """``/traodoi <mã> <nội dung>``."""
    if not await private_only(update):
        return
    parts = command_args(update).split(maxsplit=1)
    if len(parts) < 2:
        await reply(update, copy.COMMENT_USAGE)
        return
    await _comment(update, context, parts[0], parts[1])


async def _comment(update: Update, context: Context, task, text: str) -> None:
    now = context.now
    done = await guarded(update, context, lambda s, a: talk.comment(s, a, task=task, text=text, now=now))
    if done is not None:
        await reply(update, copy.comment_saved(done.task, done.told))


async def ask_extension(update: Update, context: Context) -> None:
    """``/xingiahan <mã> <ngày> <lý do>``."""
    if not await private_only(update):
        return
    parts = command_args(update).split(maxsplit=2)
    if len(parts) < 2:
        await reply(update, copy.EXTENSION_USAGE)
        return
    code, day, reason = parts[0], parts[1], parts[2] if len(parts) > 2 else ""
    today, now = context.today, context.now
    done = await guarded(
        update,
        context,
        lambda s, a: talk.request_extension(s, a, code=code, day=day, reason=reason, today=today, now=now),
    )
    if done is not None:
        await reply(update, copy.extension_requested(done.task, done.request.new_deadline, done.told))


# --------------------------------------------------------------------------
# A reply to a message of the bot about a task
# --------------------------------------------------------------------------


async def on_reply(update: Update, context: Context) -> bool:
    """A text replying to a message of the bot, in a private chat: a comment on the task that message
    names; False when the message is not such a reply (it then goes on as any text)."""
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    if (
        message is None
        or replied is None
        or not is_private(update)
        or replied.from_user is None
        or replied.from_user.id != context.bot.id
        or not (message.text or "").strip()
    ):
        return False
    about = replied.text or replied.caption or ""
    codes = await in_db(context, lambda s: talk.codes_in(s, actor_of(s, update, context), about))
    if len(codes) != 1:
        await reply(update, copy.REPLY_NO_TASK if not codes else copy.reply_several_tasks(codes))
        return True
    await _comment(update, context, codes[0], message.text or "")
    return True


# --------------------------------------------------------------------------
# Buttons
# --------------------------------------------------------------------------


async def _as_actor(update: Update, context: Context, work):
    return await in_db(context, lambda session: work(session, actor_of(session, update, context)))


@button()
async def start_comment(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``cm:<task id>``: the next text is a comment on the task."""
    telegram_id = sender_id(update)

    def work(session: Session, actor: Actor):
        task = talk.task_for_comment(session, actor, task_id)
        flows.start(session, context, telegram_id=telegram_id, kind=Kind.COMMENT, data={"task_id": task.id})
        return task.code

    code = await _as_actor(update, context, work)
    await answer_button(update)
    await reply(update, copy.ask_comment(code))


@button()
async def approve_extension(update: Update, context: Context, request_id: int = 0, *_) -> None:
    """``xa:<request id>``: approve; the deadline moves and the owner is told."""
    today, now = context.today, context.now
    done = await _as_actor(
        update, context, lambda s, a: talk.approve(s, a, request_id=request_id, today=today, now=now)
    )
    await answer_button(update, copy.APPROVED_ALERT)
    await edit_or_send(update, copy.extension_approved(done.task, done.old))


@button()
async def refuse_extension(update: Update, context: Context, request_id: int = 0, *_) -> None:
    """``xr:<request id>``: asks for the reason (the next text)."""
    telegram_id = sender_id(update)

    def work(session: Session, actor: Actor):
        task = talk.check_decider(session, actor, request_id)
        flows.start(
            session, context, telegram_id=telegram_id, kind=Kind.REFUSE_EXTENSION, data={"request_id": request_id}
        )
        return task.code

    code = await _as_actor(update, context, work)
    await answer_button(update)
    await reply(update, copy.ask_refusal_reason(code))


@button()
async def start_extend(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``xg:<task id>``: the next text is the new deadline and the reason."""
    telegram_id = sender_id(update)

    def work(session: Session, actor: Actor):
        task = talk.task_to_extend(session, actor, task_id)
        flows.start(session, context, telegram_id=telegram_id, kind=Kind.EXTEND, data={"task_id": task.id})
        return task.code, task.deadline

    code, deadline = await _as_actor(update, context, work)
    await answer_button(update)
    await reply(update, copy.ask_extend(code, deadline))


# --------------------------------------------------------------------------
# Conversations: the next text after a button
# --------------------------------------------------------------------------


def _text(update: Update) -> str:
    message = message_of(update)
    return (message.text or message.caption or "").strip()


async def continue_comment(update: Update, context: Context, data: dict) -> bool:
    text, telegram_id, now = _text(update), sender_id(update), context.now
    if not text:
        return False

    def work(session: Session, actor: Actor):
        done = talk.comment(session, actor, task=int(data["task_id"]), text=text, now=now)
        db.clear_flow(session=session, telegram_id=telegram_id)
        return done

    done = await guarded(update, context, work)
    if done is not None:
        await reply(update, copy.comment_saved(done.task, done.told))
    return True


async def continue_refusal(update: Update, context: Context, data: dict) -> bool:
    text, telegram_id, now = _text(update), sender_id(update), context.now
    if not text:
        return False

    def work(session: Session, actor: Actor):
        done = talk.refuse(session, actor, request_id=int(data["request_id"]), reason=text, now=now)
        db.clear_flow(session=session, telegram_id=telegram_id)
        return done

    done = await guarded(update, context, work)
    if done is not None:
        await reply(update, copy.extension_refused(done.task.code))
    return True


async def continue_extend(update: Update, context: Context, data: dict) -> bool:
    text, telegram_id, today, now = _text(update), sender_id(update), context.today, context.now
    if not text:
        return False

    def work(session: Session, actor: Actor):
        done = talk.extend(session, actor, task_id=int(data["task_id"]), text=text, today=today, now=now)
        db.clear_flow(session=session, telegram_id=telegram_id)
        return done

    done = await guarded(update, context, work)
    if done is not None:
        task, old = done
        await reply(update, copy.extended(task, old))
    return True
