"""Officers' journey: list my tasks, report progress by buttons or in one line,
add a note or evidence, correct my last report.

Callback data (checked again on the server every time, a button is not a permission; each
prefix is a family of its own in ``handlers.register``):
    p:<task id>:<percent>      report a percentage
    b:<task id>                report "vướng mắc" (asks for the reason)
    n:<report id>              skip the note of a report
    c:<report id>              correct a report (shows the percentages again)
    k:<report id>:<percent>    the corrected percentage
    kb:<report id>             correct to "vướng mắc" (asks for the reason)
    t:<task id>                from /nhiemvu or a reminder: show the task's card with its report buttons
    z:<task id>                from a reminder: remind me tomorrow
    d:<task id>                from a reminder: mark done (a 100 % report)
    tp:<page>                  another page of /nhiemvu (the presser's own open tasks)
"""

from __future__ import annotations

import inspect
from datetime import timedelta

from sqlmodel import Session
from telegram import Update

import texts.tasks as copy
from bot.context import Context
from handlers import buttons, flows
from handlers.buttons import button
from handlers.calendar import office_of
from handlers.common import (
    actor_of,
    answer_button,
    chat_id_of,
    command_args,
    edit_or_send,
    guarded,
    in_db,
    message_of,
    private_only,
    reply,
    send_html,
    sender_id,
    user_id,
)
from handlers.flows import Kind
from reminders.calendar import OfficeCalendar
from storage import tracking as db
from storage.db import get_row
from storage.models import Task
from tracking import paging, service
from tracking import refusals as no
from tracking.parse import InputError, key, parse_percent
from tracking.service import Actor

BLOCKED_WORDS = ("vuong mac", "vm", "blocked", "kho khan")


# --------------------------------------------------------------------------
# /nhiemvu
# --------------------------------------------------------------------------


async def list_tasks(update: Update, context: Context) -> None:
    """``/nhiemvu``: the first page of one's open tasks (ten a page, ◀ ▶ to the others: ``tp``)."""
    if not await private_only(update):
        return
    result = await guarded(update, context, lambda session, actor: _my_tasks(session, actor, context))
    if result is not None:
        text, markup = _tasks_page(*result, context.today)
        await reply(update, text, reply_markup=markup)


def _my_tasks(
    session: Session, actor: Actor, context: Context, page: int = 0
) -> tuple[str, paging.Page, OfficeCalendar]:
    name, found = paging.my_tasks(session, actor, page=page)
    return name, found, office_of(session, context)


def _tasks_page(name: str, page: paging.Page, calendar: OfficeCalendar, day):
    where = dict(first=page.first, page=page.number, pages=page.pages)
    return (
        copy.my_tasks_message(name, page.items, page.total, day, calendar, **where),
        copy.my_tasks_keyboard(page.items, **where),
    )


@button()
async def tasks_page(update: Update, context: Context, number: int = 0, *_) -> None:
    """``tp:<page>`` under /nhiemvu: another page of the presser's own open tasks (whoever sent the list)."""
    name, page, calendar = await _as_actor(
        update, context, lambda session, actor: _my_tasks(session, actor, context, page=number)
    )
    text, markup = _tasks_page(name, page, calendar, context.today)
    await answer_button(update)
    await edit_or_send(update, "\n".join(text), markup)


# --------------------------------------------------------------------------
# /baocao and /suabaocao
# --------------------------------------------------------------------------


def _split_report_args(args: str) -> tuple[str, str, str] | None:
    parts = args.split(maxsplit=2)
    if len(parts) < 2:
        return None
    code, amount, note = parts[0], parts[1], parts[2] if len(parts) > 2 else ""
    folded = key(f"{amount} {note}")
    for word in BLOCKED_WORDS:
        if folded == word or folded.startswith(word + " "):
            return code, "blocked", " ".join(f"{amount} {note}".split()[len(word.split()) :])
    return code, amount, note


async def _report_args(update: Update, usage: str) -> tuple[str, str, str] | None:
    """The code, amount and note of /baocao or /suabaocao; the usage (or the group hint) otherwise."""
    if not await private_only(update):
        return None
    parsed = _split_report_args(command_args(update))
    if parsed is None:
        await reply(update, usage)
    return parsed


async def report_command(update: Update, context: Context) -> None:
    parsed = await _report_args(update, copy.REPORT_USAGE)
    if parsed is None:
        return
    code, amount, note = parsed
    at, telegram_id = context.now, sender_id(update)

    def work(session: Session, actor: Actor):
        blocked = amount == "blocked"
        task: Task | str = code
        percent: int | str
        if blocked:
            task = service.visible_task(session, actor, code)
            percent = task.progress
        else:
            percent = amount
        task, entry = service.report(
            session,
            actor,
            task=task,
            percent=percent,
            blocked=blocked,
            note=note,
            at=at,
            review=context.settings.review_completion,
        )
        # The same window as after a report by button: a note or evidence file sent next belongs to this
        # report, until «Bỏ qua ghi chú» (or 30 minutes).
        flows.start(session, context, telegram_id=telegram_id, kind=Kind.NOTE, data={"report_id": entry.id})
        return task, entry

    result = await guarded(update, context, work)
    if result is None:
        return
    task, entry = result
    await reply(
        update,
        copy.report_saved(task, entry, context.settings.tz) + "\n\n" + copy.ASK_NOTE,
        reply_markup=copy.after_report_keyboard(entry.id),
    )


async def correct_command(update: Update, context: Context) -> None:
    parsed = await _report_args(update, copy.CORRECT_USAGE)
    if parsed is None:
        return
    code, amount, note = parsed

    def work(session: Session, actor: Actor):
        task = service.visible_task(session, actor, code)
        last = service.last_own_report(session, actor, task)
        blocked = amount == "blocked"
        try:
            percent = last.percent if blocked else parse_percent(amount)
        except InputError as exc:
            raise no.Unreadable("correct", str(exc)) from None
        entry = service.correct_report(
            session,
            actor,
            report_id=last.id,
            percent=percent,
            blocked=blocked,
            note=note or None,
            review=context.settings.review_completion,
        )
        return task, entry

    result = await guarded(update, context, work)
    if result is None:
        return
    task, entry = result
    await reply(update, copy.report_saved(task, entry, context.settings.tz, corrected=True))


# --------------------------------------------------------------------------
# Buttons (registered one family each in handlers.register; run in handlers.buttons.button)
# --------------------------------------------------------------------------


async def _as_actor(update: Update, context: Context, work):
    """``work(session, actor)`` in one transaction; a :class:`Refused` goes to the button's guard."""
    return await in_db(context, lambda session: work(session, actor_of(session, update, context)))


@button()
async def report_percent(update: Update, context: Context, task_id: int = 0, percent: int = -1, *_) -> None:
    """``p:<task id>:<percent>``: report a percentage, then ask for a note."""
    percent = buttons.percent(percent)
    at = context.now
    telegram_id = sender_id(update)

    def work(session: Session, actor: Actor):
        task, entry = service.report(
            session, actor, task=task_id, percent=percent, at=at, review=context.settings.review_completion
        )
        flows.start(session, context, telegram_id=telegram_id, kind=Kind.NOTE, data={"report_id": entry.id})
        return task, entry

    task, entry = await _as_actor(update, context, work)
    await answer_button(update, copy.recorded(percent))
    text = copy.report_saved(task, entry, context.settings.tz) + "\n\n" + copy.ASK_NOTE
    await edit_or_send(update, text, copy.after_report_keyboard(entry.id))


@button()
async def report_blocked(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``b:<task id>``: report "vướng mắc", asking for the reason."""
    telegram_id = sender_id(update)

    def work(session: Session, actor: Actor):
        task = service.visible_task(session, actor, task_id)
        if not service.can_report(session, actor, task):
            raise no.NotOwnTask(task.code, doing="button")
        flows.start(session, context, telegram_id=telegram_id, kind=Kind.BLOCKED, data={"task_id": task.id})
        return task

    task = await _as_actor(update, context, work)
    await answer_button(update)
    await reply(update, copy.ask_blocked_reason(task.code))


@button()
async def report_done(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``d:<task id>`` (from a reminder): mark done, a 100 % report."""
    await inspect.unwrap(report_percent)(update, context, task_id, 100)


@button()
async def skip_note(update: Update, context: Context, report_id: int = 0, *_) -> None:
    """``n:<report id>``: no note for this report."""
    telegram_id = sender_id(update)

    def work(session: Session, actor: Actor):
        entry = service.own_report(session, actor, report_id)
        db.clear_flow(session=session, telegram_id=telegram_id)
        return session.get(Task, entry.task_id), entry

    task, entry = await _as_actor(update, context, work)
    await answer_button(update, copy.NOTE_SKIPPED)
    await edit_or_send(update, copy.report_saved(task, entry, context.settings.tz), None)


@button()
async def correct(update: Update, context: Context, report_id: int = 0, *_) -> None:
    """``c:<report id>``: correct a report (shows the percentages again)."""

    def work(session: Session, actor: Actor):
        entry = service.own_report(session, actor, report_id)
        task = get_row(session, Task, entry.task_id)
        last = service.last_own_report(session, actor, task)
        if last.id != entry.id:
            raise no.NotLatestReport()
        return task, entry

    task, entry = await _as_actor(update, context, work)
    await answer_button(update)
    await reply(update, copy.ask_correction(task.code, entry.percent), reply_markup=copy.correction_keyboard(entry.id))


@button()
async def corrected(update: Update, context: Context, report_id: int = 0, percent: int = -1, *_) -> None:
    """``k:<report id>:<percent>``: the corrected percentage."""
    percent = buttons.percent(percent)

    def work(session: Session, actor: Actor):
        entry = service.correct_report(
            session, actor, report_id=report_id, percent=percent, review=context.settings.review_completion
        )
        return session.get(Task, entry.task_id), entry

    task, entry = await _as_actor(update, context, work)
    await answer_button(update, copy.corrected(percent))
    await edit_or_send(update, copy.report_saved(task, entry, context.settings.tz, corrected=True), None)


@button()
async def correct_blocked(update: Update, context: Context, report_id: int = 0, *_) -> None:
    """``kb:<report id>``: correct to "vướng mắc", asking for the reason."""
    telegram_id = sender_id(update)

    def work(session: Session, actor: Actor):
        entry = service.own_report(session, actor, report_id)
        flows.start(session, context, telegram_id=telegram_id, kind=Kind.CORRECT_BLOCKED, data={"report_id": entry.id})
        return entry

    await _as_actor(update, context, work)
    await answer_button(update)
    await reply(update, copy.ASK_CORRECTED_REASON)


@button()
async def open_task(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``t:<task id>`` (from /nhiemvu or a reminder): the task's card with its report buttons."""
    day = context.today

    def work(session: Session, actor: Actor):
        task = service.visible_task(session, actor, task_id)
        if not service.can_report(session, actor, task):
            raise no.NotOwnTask(task.code, doing="button")
        return service.task_lines(session, [task])[0], office_of(session, context)

    line, calendar = await _as_actor(update, context, work)
    await answer_button(update)
    card = copy.task_card(line, day, calendar)
    await send_html(context.bot, chat_id_of(update), card, copy.report_keyboard(line.task.id))


@button()
async def snooze(update: Update, context: Context, task_id: int = 0, *_) -> None:
    """``z:<task id>`` (from a reminder): remind me tomorrow."""
    day = context.today

    def work(session: Session, actor: Actor):
        return service.snooze(session, actor, task_id=task_id, until=day + timedelta(days=1))

    task = await _as_actor(update, context, work)
    await answer_button(update, copy.SNOOZED)
    await edit_or_send(update, copy.snoozed(task.code, task.snoozed_until), None)


# --------------------------------------------------------------------------
# Conversations in progress: a note, evidence, a reason
# --------------------------------------------------------------------------


def _text(update: Update) -> str:
    message = message_of(update)
    return (message.text or message.caption or "").strip()


async def continue_blocked(update: Update, context: Context, data: dict) -> bool:
    """The reason of a "vướng mắc" report (text, or a file's caption); False without one."""
    text, telegram_id, at = _text(update), sender_id(update), context.now
    if not text:
        return False

    def work(session: Session, actor: Actor):
        task = service.visible_task(session, actor, int(data["task_id"]))
        task, entry = service.report(session, actor, task=task, percent=task.progress, blocked=True, note=text, at=at)
        flows.start(session, context, telegram_id=telegram_id, kind=Kind.NOTE, data={"report_id": entry.id})
        return task, entry

    result = await guarded(update, context, work)
    if result is not None:
        task, entry = result
        await reply(
            update,
            copy.report_saved(task, entry, context.settings.tz) + copy.EVIDENCE_OR_SKIP,
            reply_markup=copy.after_report_keyboard(entry.id),
        )
    return True


async def continue_correct_blocked(update: Update, context: Context, data: dict) -> bool:
    """The reason of a report corrected to "vướng mắc"; False without one."""
    text, telegram_id = _text(update), sender_id(update)
    if not text:
        return False

    def work(session: Session, actor: Actor):
        entry = service.own_report(session, actor, int(data["report_id"]))
        entry = service.correct_report(
            session, actor, report_id=entry.id, percent=entry.percent, blocked=True, note=text
        )
        db.clear_flow(session=session, telegram_id=telegram_id)
        return session.get(Task, entry.task_id), entry

    result = await guarded(update, context, work)
    if result is not None:
        task, entry = result
        await reply(update, copy.report_saved(task, entry, context.settings.tz, corrected=True))
    return True


async def continue_note(update: Update, context: Context, data: dict) -> bool:
    """A note, or a file or photo of evidence (its caption a note), for the report just made."""
    message = update.effective_message
    text, telegram_id = _text(update), sender_id(update)
    report_id = int(data["report_id"])
    attachment = _attachment(message)
    if attachment is not None:

        def work(session: Session, actor: Actor):
            item = service.add_evidence(session, actor, report_id=report_id, **attachment)
            if text:
                service.add_note(session, actor, report_id=report_id, note=text)
            flows.start(session, context, telegram_id=telegram_id, kind=Kind.NOTE, data=data)
            return item

        item = await guarded(update, context, work)
        if item is not None:
            await reply(update, copy.evidence_saved(item.file_name), reply_markup=copy.after_report_keyboard(report_id))
        return True
    if not text:
        return False

    def note(session: Session, actor: Actor):
        entry = service.add_note(session, actor, report_id=report_id, note=text)
        db.clear_flow(session=session, telegram_id=telegram_id)
        return session.get(Task, entry.task_id), entry

    result = await guarded(update, context, note)
    if result is not None:
        task, entry = result
        await reply(update, copy.NOTE_ADDED + copy.report_saved(task, entry, context.settings.tz))
    return True


def _attachment(message) -> dict | None:
    if message.document is not None:
        d = message.document
        return dict(
            file_id=d.file_id,
            file_unique_id=d.file_unique_id,
            file_name=d.file_name or "",
            mime_type=d.mime_type or "",
            size_bytes=d.file_size or 0,
        )
    if message.photo:
        p = message.photo[-1]
        return dict(
            file_id=p.file_id,
            file_unique_id=p.file_unique_id,
            file_name="ảnh.jpg",
            mime_type="image/jpeg",
            size_bytes=p.file_size or 0,
        )
    return None


async def cancel(update: Update, context: Context) -> None:
    telegram_id = user_id(update)
    if telegram_id is None:
        return

    def work(session: Session) -> bool:
        had = db.get_flow(session=session, telegram_id=telegram_id, now=context.now) is not None
        db.clear_flow(session=session, telegram_id=telegram_id)
        return had

    had = await in_db(context, work)
    await reply(update, copy.CANCELLED if had else copy.NOTHING_TO_CANCEL)
