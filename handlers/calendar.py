"""The office's calendar: make-up working days and local days off (admins), the year's list.

    /ngaylamviec <ngày> [ghi chú]     a make-up working day (admins)
    /ngaynghi <ngày> <lý do>          a day off of the office (admins)
    /lich [năm]                       the year's holidays and the office's own days (anyone linked)
    /lich xoa <ngày>                  take a day of the office off the list (admins)

A calendar sheet (columns Ngày, Loại, Ghi chú) is imported like the other sheets
(``tracking.sheets.calendar``). The service is ``tracking.office_calendar``.
"""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update

import texts.calendar as copy
from bot.context import Context
from handlers.common import command_args, guarded, private_only, reply
from reminders.calendar import OfficeCalendar
from storage.models import OFFICE_DAY_OFF, OFFICE_WORKDAY
from tracking import office_calendar as office
from tracking.parse import key
from tracking.service import Actor, require_admin, require_linked

REMOVE_WORDS = ("xoa", "bo", "remove", "delete")
USAGE = object()  # the work's answer when the command needs its usage (after the permission check)


def national(context: Context) -> OfficeCalendar:
    settings = context.settings
    return OfficeCalendar(settings.work_week, settings.public_holidays)


def office_of(session: Session, context: Context) -> OfficeCalendar:
    """The office's calendar (the national one with the office's own days), as the reminders read it:
    what lateness on a card or in a list is counted by."""
    return office.office_calendar(session, national(context))


async def working_day(update: Update, context: Context) -> None:
    await _set(update, context, OFFICE_WORKDAY, copy.WORKDAY_USAGE)


async def day_off(update: Update, context: Context) -> None:
    await _set(update, context, OFFICE_DAY_OFF, copy.DAY_OFF_USAGE)


async def _set(update: Update, context: Context, kind: str, usage: str) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split(maxsplit=1)
    base, now = national(context), context.now

    def work(session, actor):
        require_admin(actor, copy.CALENDAR_ACTION)  # before the usage: a stranger learns nothing more
        if not args:
            return USAGE
        return office.set_day(
            session, actor, day=args[0], kind=kind, note=args[1] if len(args) > 1 else "", base=base, now=now
        )

    result = await guarded(update, context, work)
    if result is USAGE:
        await reply(update, usage)
    elif result is not None:
        row, old = result
        await reply(update, copy.day_set(row.day, row.kind == OFFICE_WORKDAY, row.note, old is not None))


def _admin_usage(session: Session, actor: Actor) -> object:
    require_admin(actor, copy.CALENDAR_ACTION)
    return USAGE


async def calendar(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split()
    if args and key(args[0]) in REMOVE_WORDS:
        if len(args) != 2:
            if await guarded(update, context, _admin_usage):
                await reply(update, copy.CALENDAR_USAGE)
            return
        row = await guarded(update, context, lambda s, a: office.remove_day(s, a, day=args[1]))
        if row is not None:
            await reply(update, copy.day_removed(row.day, row.kind == OFFICE_WORKDAY))
        return
    base, today = national(context), context.today

    def work(session, actor):
        if not actor.is_admin:
            require_linked(actor)
        year = office.read_year(" ".join(args), today)
        return year, office.year_entries(session, base, year), actor.is_admin

    result = await guarded(update, context, work)
    if result is not None:
        await reply(update, copy.calendar_year(*result))
