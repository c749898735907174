"""Admins' journey: invite staff, add a task step by step, reassign, extend,
change a role, read the audit log, record a target's actual value, import a
staff or task sheet sent in chat. Every command checks the role on the server."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from pathlib import Path

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

import texts.admin as copy
import texts.naming as naming_copy
import texts.series as series_copy
from bot.context import Context
from handlers import flows
from handlers.buttons import button, word
from handlers.calendar import national
from handlers.common import (
    actor_of,
    answer_button,
    command_args,
    edit_or_send,
    guarded,
    in_db,
    is_admin,
    is_private,
    message_of,
    private_only,
    render_refusal,
    reply,
    sender_id,
    user_id,
)
from handlers.flows import Kind
from storage import tracking as db
from storage.models import Staff
from tracking import accounts, naming, series, service
from tracking import refusals as no
from tracking.office_calendar import office_calendar
from tracking.parse import InputError, key, parse_date
from tracking.recurrence import first_instance
from tracking.recurrence import parse as parse_rule
from tracking.service import Actor, NewTask, Refused
from tracking.sheets import guard

log = logging.getLogger(__name__)

SHEET_EXTENSIONS = (".csv", ".xlsx")


# --------------------------------------------------------------------------
# /moi: a single-use invite
# --------------------------------------------------------------------------


REVOKE_WORDS = {"huy", "thuhoi", "revoke"}


async def invite(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split()
    at = context.now
    tz = context.settings.tz
    if not args:
        result = await guarded(update, context, lambda s, a: accounts.open_invites(s, a, now=at))
        if result is None:
            return
        invites, total = result
        blocks = [copy.INVITE_USAGE, copy.open_invites(invites, total, tz) if invites else copy.NO_OPEN_INVITES]
        await reply(update, blocks)
        return
    if key(args[0]).replace(" ", "") in REVOKE_WORDS:
        if len(args) != 2:
            return await _admin_usage(update, context, "thu hồi mã mời", copy.INVITE_USAGE)
        result = await guarded(update, context, lambda s, a: accounts.revoke_invite(s, a, code=args[1], now=at))
        if result is None:
            return
        staff, count = result
        await reply(update, copy.revoked(staff, count))
        return
    extra = key(" ".join(args[1:])).replace(" ", "")
    if extra and extra not in (accounts.RELINK_WORD, "relink"):
        return await _admin_usage(update, context, "tạo mã mời", copy.invite_not_understood(" ".join(args[1:])))
    result = await guarded(
        update, context, lambda s, a: accounts.create_invite(s, a, staff_code=args[0], now=at, relink=bool(extra))
    )
    if result is None:
        return
    invite_row, staff = result
    link = f"https://t.me/{context.bot.username}?start={invite_row.code}"
    await reply(update, copy.invite_created(invite_row, staff, link, tz))


# --------------------------------------------------------------------------
# /themnhiemvu: a guided conversation, its state in the database
# --------------------------------------------------------------------------

# prompts: texts.admin.STEP_PROMPTS; "rule" («Định kỳ?», a skip button) makes a periodic report, whose
# deadline step is skipped (each period's due date comes from the rule: tracking.series)
STEPS = ["title", "owner", "accountable", "rule", "deadline", "expected", "target"]
NO_WORDS = {"khong", "k", "ko", "bo qua", "-", "none", "no"}


async def add_task_start(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    code = command_args(update).split()[0] if command_args(update) else ""
    telegram_id = sender_id(update)

    def work(session: Session, actor: Actor) -> str:
        service.require_manager(actor, "thêm nhiệm vụ")
        chosen = code or service.next_task_code(session)
        if db.task_by_code(session=session, code=chosen) is not None:
            raise no.TaskCodeTaken(chosen, wizard=True)
        flows.start(
            session, context, telegram_id=telegram_id, kind=Kind.NEW_TASK, data={"step": 0, "fields": {"code": chosen}}
        )
        return chosen

    chosen = await guarded(update, context, work)
    if chosen is None:
        return
    await reply(update, copy.add_task_started(chosen, copy.STEP_PROMPTS[STEPS[0]]))


async def continue_add_task(update: Update, context: Context, data: dict) -> bool:
    """The next answer of /themnhiemvu (a Refused keeps the conversation at the same step)."""
    text = " ".join((message_of(update).text or "").split())
    telegram_id = sender_id(update)
    day = context.today

    def work(session: Session, actor: Actor) -> tuple[str, bool | InlineKeyboardMarkup]:
        service.require_manager(actor, "thêm nhiệm vụ")
        step = int(data.get("step", 0))
        fields = dict(data.get("fields", {}))
        if step >= len(STEPS):  # every step answered: the task waits for «Lưu» or «Hủy»
            return copy.waiting_for_save(_summary(session, fields, context)), True
        name = STEPS[step]
        try:
            fields[name] = _check_step(session, actor, name, text, day)
        except naming.Several as several:  # the same step; the people the name fits, as buttons
            question = naming_copy.choose(several.text, several.people, several.count, several.leaders)
            return question, naming_copy.choices_keyboard(several.people)
        from handlers.naming import with_example

        prompt, done = _next_step(session, context, telegram_id, step, fields)
        return with_example(session, actor, prompt), done

    result = await guarded(update, context, work)
    if result is None:
        return True
    await reply(update, result[0], reply_markup=_step_markup(*result))
    return True


def _next_step(session: Session, context: Context, telegram_id: int, step: int, fields: dict) -> tuple[str, bool]:
    """Move on past ``step``: the next prompt, or the summary once every step is answered (True)."""
    step += 1
    if fields.get("rule") and step < len(STEPS) and STEPS[step] == "deadline":
        step += 1  # a periodic report: each period's deadline comes from the rule
    flows.start(session, context, telegram_id=telegram_id, kind=Kind.NEW_TASK, data={"step": step, "fields": fields})
    if step < len(STEPS):
        return copy.STEP_PROMPTS[STEPS[step]], False
    return _summary(session, fields, context), True


def _step_markup(prompt: str, done) -> InlineKeyboardMarkup | None:
    if isinstance(done, InlineKeyboardMarkup):  # the choices of a name that fits several people
        return done
    if done:
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(copy.SAVE, callback_data="a:save"),
                    InlineKeyboardButton(copy.CANCEL, callback_data="a:cancel"),
                ]
            ]
        )
    if prompt == copy.STEP_PROMPTS["rule"]:
        return InlineKeyboardMarkup([[InlineKeyboardButton(series_copy.SKIP, callback_data="a:skip")]])
    return None


def _check_step(session: Session, actor: Actor, name: str, text: str, day) -> str:
    """Validate one answer; a Refused keeps the conversation at the same step. The owner must be of
    the actor's scope, the accountable leader a manager or an admin of it."""
    if not text:
        raise no.TextExpected()
    if name == "owner":  # a code or a name (tracking.naming; several fit: choices)
        return naming.person(session, actor, text).code
    if name == "accountable":
        return service.accountable_leader(session, actor, naming.person(session, actor, text, leaders=True).code).code
    if name == "deadline":
        try:
            deadline = parse_date(text)
        except InputError as exc:
            raise no.Unreadable("deadline", str(exc)) from None
        if deadline < day:
            raise no.DeadlinePassed()
        return deadline.isoformat()
    if name == "target":
        return "" if key(text) in NO_WORDS else text
    if name == "rule":  # checked as typed; its canonical form is kept
        return "" if key(text) in NO_WORDS else str(series.read_rule(text))
    return text[:500]


def _summary(session: Session, fields: dict, context: Context) -> str:
    owner = db.staff_by_code(session=session, code=fields["owner"])
    accountable = db.staff_by_code(session=session, code=fields["accountable"])
    if fields.get("rule"):
        first = first_instance(parse_rule(fields["rule"]), context.today, office_calendar(session, national(context)))
        return series_copy.series_summary(fields, owner, accountable, first)
    return copy.task_summary(fields, owner, accountable, date.fromisoformat(fields["deadline"]))


@button(parse=word)
async def on_button(update: Update, context: Context, action: str) -> None:
    """``a:save`` / ``a:cancel`` of the add-task conversation; ``a:skip``: no rule («Định kỳ?»)."""
    telegram_id = sender_id(update)
    day = context.today

    at = context.now
    if action == "skip":
        return await _skip_rule(update, context)

    def work(session: Session, actor: Actor):
        service.require_manager(actor, "thêm nhiệm vụ")
        flow = flows.current(session, context, telegram_id=telegram_id)
        if flow is None or flow[0] is not Kind.NEW_TASK or int(flow[1].get("step", 0)) < len(STEPS):
            raise no.NothingToSave()
        db.clear_flow(session=session, telegram_id=telegram_id)
        if action != "save":
            return None
        fields = flow[1]["fields"]
        if fields.get("rule"):  # a periodic report: its series and first instance
            made, task = series.add_series(
                session,
                actor,
                NewTask(
                    code=fields["code"],
                    title=fields["title"],
                    owner_code=fields["owner"],
                    accountable_code=fields["accountable"],
                    deadline=day,
                    expected_result=fields["expected"],
                    target=fields.get("target", ""),
                ),
                fields["rule"],
                today=day,
                calendar=office_calendar(session, national(context)),
                at=at,
            )
            return made, task, session.get(Staff, made.owner_id)
        task = service.add_task(
            session,
            actor,
            NewTask(
                code=fields["code"],
                title=fields["title"],
                owner_code=fields["owner"],
                accountable_code=fields["accountable"],
                deadline=date.fromisoformat(fields["deadline"]),
                expected_result=fields["expected"],
                target=fields.get("target", ""),
            ),
            today=day,
            at=at,
        )
        owner = session.get(Staff, task.owner_id)
        return task, owner

    result = await in_db(context, lambda s: work(s, actor_of(s, update, context)))
    await answer_button(update)
    if result is None:
        await edit_or_send(update, copy.NOTHING_SAVED)
        return
    if len(result) == 3:
        await edit_or_send(update, series_copy.series_saved(*result))
        return
    task, owner = result
    await edit_or_send(update, copy.task_assigned(task, owner))  # the owner is told through the outbox


async def _skip_rule(update: Update, context: Context) -> None:
    """«Bỏ qua» under «Định kỳ?»: a one-off task; the next step's prompt. Pressed at another step (an
    old message), it changes nothing and says so."""
    telegram_id = sender_id(update)

    def work(session: Session, actor: Actor):
        service.require_manager(actor, "thêm nhiệm vụ")
        flow = flows.current(session, context, telegram_id=telegram_id)
        if flow is None or flow[0] is not Kind.NEW_TASK:
            raise no.NothingToSave()
        step = int(flow[1].get("step", 0))
        if step >= len(STEPS) or STEPS[step] != "rule":
            return None
        fields = dict(flow[1].get("fields", {}), rule="")
        return _next_step(session, context, telegram_id, step, fields)

    result = await in_db(context, lambda s: work(s, actor_of(s, update, context)))
    await answer_button(update)
    if result is None:
        await edit_or_send(update, series_copy.SKIP_STALE)
        return
    await reply(update, result[0], reply_markup=_step_markup(*result))


# --------------------------------------------------------------------------
# One-line admin commands
# --------------------------------------------------------------------------


async def reassign(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split()
    if len(args) != 2:
        return await _manager_usage(update, context, "giao lại nhiệm vụ", copy.USAGE["giao"])
    at = context.now
    result = await guarded(
        update, context, lambda s, a: service.reassign(s, a, task_code=args[0], staff_code=args[1], at=at)
    )
    if result is None:
        return
    task, old, new = result
    await reply(update, copy.reassigned(task, old, new))  # both owners are told through the outbox


async def extend(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split(maxsplit=2)
    if len(args) < 2:
        return await _manager_usage(update, context, "gia hạn nhiệm vụ", copy.USAGE["giahan"])
    reason = args[2] if len(args) > 2 else ""
    day, at = context.today, context.now
    result = await guarded(
        update,
        context,
        lambda s, a: service.extend(s, a, task_code=args[0], new_deadline=args[1], reason=reason, today=day, at=at),
    )
    if result is None:
        return
    task, old = result
    await reply(update, copy.extended(task, old, reason))


async def set_role(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split(maxsplit=1)
    if len(args) != 2:
        return await _admin_usage(update, context, "đổi vai trò", copy.USAGE["vaitro"])
    result = await guarded(update, context, lambda s, a: service.set_role(s, a, staff_code=args[0], role=args[1]))
    if result is None:
        return
    staff, old = result
    await reply(update, copy.role_changed(staff, old))


async def record_target(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split(maxsplit=2)
    tz = context.settings.tz
    if len(args) < 2:

        def listing(session: Session, actor: Actor):
            service.require_admin(actor, "cập nhật chỉ tiêu")
            targets = list(db.list_targets(session=session))
            values = db.latest_target_values(session=session, target_ids=[t.id for t in targets])
            return targets, values

        result = await guarded(update, context, listing)
        if result is None:
            return
        targets, values = result
        await reply(update, copy.targets_listing(targets, values, tz))
        return
    note = args[2] if len(args) > 2 else ""
    at = context.now
    result = await guarded(
        update, context, lambda s, a: service.record_target(s, a, target_code=args[0], value=args[1], note=note, at=at)
    )
    if result is None:
        return
    target, entry, previous = result
    await reply(update, copy.target_recorded(target, entry, previous))


async def _manager_usage(update: Update, context: Context, action: str, usage: str) -> None:
    """The usage line for managers and admins; the refusal for everyone else."""

    def check(session: Session, actor: Actor) -> bool:
        service.require_manager(actor, action)
        return True

    if await guarded(update, context, check):
        await reply(update, usage)


async def _admin_usage(update: Update, context: Context, action: str, usage: str) -> None:
    """The usage line for admins; the refusal for everyone else."""

    def check(session: Session, actor: Actor) -> bool:
        service.require_admin(actor, action)
        return True

    if await guarded(update, context, check):
        await reply(update, usage)


# --------------------------------------------------------------------------
# A staff or task sheet sent in chat
# --------------------------------------------------------------------------


def is_sheet(file_name: str | None) -> bool:
    return Path(file_name or "").suffix.lower() in SHEET_EXTENSIONS


async def import_sheet(update: Update, context: Context) -> None:
    from tracking.sheets import SheetCaps, SheetError, import_parsed, parse_sheet

    document = message_of(update).document
    if document is None:  # the handler takes documents only
        return
    name = Path(document.file_name or "bang.xlsx").name
    if not await is_admin(update, context):
        await reply(update, copy.SHEET_ADMINS_ONLY)
        return
    if not is_private(update):  # the file's errors name staff: not for a group's eyes
        await reply(update, copy.SHEET_PRIVATE_ONLY)
        return
    limit = context.settings.max_upload_mb * 1024 * 1024
    if document.file_size and document.file_size > limit:
        await reply(update, copy.sheet_too_large(name, limit // 1048576))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    caps = SheetCaps.from_settings(context.settings)

    at, day = context.now, context.today
    overriding = guard.confirmed(message_of(update).caption)

    def work(session: Session, actor: Actor):
        from tracking import changes

        service.require_admin(actor, "nhập danh sách")
        from storage import review as review_rows

        before = review_rows.last_task_id(session=session)
        result = import_parsed(
            session=session,
            sheet=sheet,
            actor=actor.staff,
            actor_name=actor.name,
            today=day,
            calendar=office_calendar(session, national(context)),
            now=at,
            override=overriding,  # «ghi đè» as the file's caption: changes made in chat since may be undone
        )
        # Each owner of new tasks gets one message listing them (tracking.changes).
        changes.imported(session, actor, review_rows.tasks_after(session=session, task_id=before), at=at)
        return result

    try:
        # Read on a thread of its own, within the caps and before any transaction: a large or
        # crafted file holds up no one else's update, nor a database connection.
        sheet = await asyncio.to_thread(parse_sheet, name, data, caps)
        result = await in_db(context, lambda s: work(s, actor_of(s, update, context)), heavy=True)
    except Refused as exc:
        await reply(update, render_refusal(exc))
        return
    except SheetError as exc:
        await reply(update, copy.sheet_refused(name, str(exc)))
        return
    log.info("sheet %s imported by %s: %s", name, user_id(update), result.summary())
    await reply(update, copy.sheet_imported(name, result.summary()))
