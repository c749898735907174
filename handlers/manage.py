"""Managers' journey: the digest of their scope (/tonghop), one unit (/donvi),
and everyone's XLSX export of the tasks they can see (/xuatbaocao). Lateness is counted in working
days of the office's calendar, as the reminders and escalations count it."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update

import texts.reminders as copy
from bot.context import Context
from handlers.calendar import national
from handlers.common import command_args, guarded, in_db, message_of, private_only, reply
from reminders.digest import build_digest, digest_blocks
from storage import tracking as db
from texts.review import invite_all_keyboard
from tracking import service
from tracking.office_calendar import office_calendar
from tracking.service import Actor


async def digest(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    day, moment = context.today, context.now

    def work(session: Session, actor: Actor):
        service.require_manager(actor, copy.DIGEST_FOR)
        return build_digest(
            session=session,
            scope=actor.scope(session),
            today=day,
            now=moment,
            title=service.scope_title(session, actor.staff, everything=actor.is_admin),
            calendar=office_calendar(session, national(context)),
        )

    result = await _read_scope(update, context, work)
    if result is not None:  # staff not connected: a button makes their invite links (handlers.review)
        await reply(update, digest_blocks(result), reply_markup=invite_all_keyboard() if result.unlinked else None)


async def _read_scope(update: Update, context: Context, work):
    """A digest reads every task of its scope (tens of thousands for a province): the update is
    recorded in a quick transaction of its own, then the reading runs on a thread in a read-only
    one, so the event loop goes on answering everyone else and no write waits on it."""
    await in_db(context, lambda session: None)
    return await guarded(update, context, work, heavy=True)


async def unit_digest(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    name = command_args(update)
    day, moment = context.today, context.now

    if not name:

        def listing(session: Session, actor: Actor):
            units = service.units_in_scope(session, actor)
            return [(u.name, u.path.count("/") - 2) for u in units]

        units = await guarded(update, context, listing)
        if units is None:
            return
        await reply(update, copy.units_listing(units))
        return

    def work(session: Session, actor: Actor):
        unit = service.unit_by_name(session, actor, name)
        return build_digest(
            session=session,
            scope=db.Scope(unit_path=unit.path),
            today=day,
            now=moment,
            title=db.unit_full_name(session=session, unit=unit),
            calendar=office_calendar(session, national(context)),
        )

    result = await _read_scope(update, context, work)
    if result is not None:
        await reply(update, digest_blocks(result))


async def export(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    day = context.today

    def scope_of(session: Session, actor: Actor) -> db.Scope:
        if not actor.is_admin:
            service.require_linked(actor)
        return actor.scope(session)

    scope = await guarded(update, context, scope_of)
    if scope is None:
        return
    data = await context.bot_data.export(scope=scope, today=day)
    await message_of(update).reply_document(
        document=data, filename=f"bao-cao-nhiem-vu-{day:%Y%m%d}.xlsx", caption=copy.export_caption(day)
    )
