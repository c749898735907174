"""The office's own calendar: make-up working days and local days off, on top of the national
holidays (``reminders.calendar.OfficeCalendar``).

Admins add and remove them (``/ngaylamviec``, ``/ngaynghi``, ``/lich xoa``, or a calendar sheet:
``tracking.sheets.calendar``); everyone may list a year (``/lich``). Every change is a line of the
audit log (entity ``office_day``, its code the day as dd/mm/yyyy). Every working-day computation
reads them: the reminder scan once per cycle (``reminders.scan.with_office_days``), the
dispatcher's working hours, recurring reports' due dates (``office_calendar``), lateness in digests.

A make-up working day must be a day the national calendar has off (a weekend day, a holiday); a
day off must be a day it has at work: anything else would change nothing, and is refused saying so.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

import texts.calendar as copy
from reminders.calendar import CalendarEntry, OfficeCalendar
from storage import calendar as store
from storage import tracking as db
from storage.models import OFFICE_DAY_OFF, OFFICE_WORKDAY, OfficeDay
from tracking.parse import FIRST_DAY, LAST_DAY, InputError, format_date, parse_date
from tracking.refusals import Refused
from tracking.service import Actor, require_admin

ENTITY = "office_day"
NOTE_MAX = 255


def office_calendar(session: Session, base: OfficeCalendar) -> OfficeCalendar:
    """``base`` (the work week and national holidays) with the office's own days."""
    working, off = store.overrides(session=session)
    return base.with_overrides(working, off)


def read_day(text: str, usage: str) -> date:
    try:
        return parse_date(text)
    except InputError as exc:
        raise Refused(copy.bad_day(str(exc), usage)) from None


def check_day(base: OfficeCalendar, day: date, kind: str) -> None:
    """A make-up working day on a day off of the national calendar; a day off on a working day."""
    if kind == OFFICE_WORKDAY and base.is_working_day(day):
        raise Refused(copy.already_working(day))
    if kind == OFFICE_DAY_OFF and not base.is_working_day(day):
        raise Refused(copy.already_off(day, base.off_reason(day) or ""))


def set_day(
    session: Session, actor: Actor, *, day: date | str, kind: str, note: str, base: OfficeCalendar, now: datetime
) -> tuple[OfficeDay, OfficeDay | None]:
    """Record ``day`` as a make-up working day or a day off of the office; audited."""
    require_admin(actor, copy.CALENDAR_ACTION)
    usage = copy.WORKDAY_USAGE if kind == OFFICE_WORKDAY else copy.DAY_OFF_USAGE
    if isinstance(day, str):
        day = read_day(day, usage)
    note = " ".join(note.split())[:NOTE_MAX]
    if kind == OFFICE_DAY_OFF and not note:
        raise Refused(copy.day_off_needs_reason())
    check_day(base, day, kind)
    row, old = store.put_office_day(
        session=session, day=day, kind=kind, note=note, created_by=actor.staff.id if actor.staff else None, now=now
    )
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="calendar_workday" if kind == OFFICE_WORKDAY else "calendar_day_off",
        entity=ENTITY,
        entity_code=format_date(day),
        field="kind",
        old=_shown(old),
        new=_shown(row),
    )
    return row, old


def remove_day(session: Session, actor: Actor, *, day: date | str) -> OfficeDay:
    """Take ``day`` off the office's calendar; audited."""
    require_admin(actor, copy.CALENDAR_ACTION)
    if isinstance(day, str):
        day = read_day(day, copy.CALENDAR_USAGE)
    row = store.remove_office_day(session=session, day=day)
    if row is None:
        raise Refused(copy.not_listed(day))
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="calendar_remove",
        entity=ENTITY,
        entity_code=format_date(day),
        field="kind",
        old=_shown(row),
        new="",
    )
    return row


def year_entries(session: Session, base: OfficeCalendar, year: int) -> list[CalendarEntry]:
    """The year's national holidays and the office's own days, by date (``/lich``)."""
    return office_calendar(session, base).entries(year)


def read_year(text: str, today: date) -> int:
    text = text.strip()
    if not text:
        return today.year
    if text.isdigit() and FIRST_DAY.year <= int(text) <= LAST_DAY.year:
        return int(text)
    raise Refused(copy.bad_year(text))


def _shown(row: OfficeDay | None) -> str:
    if row is None:
        return ""
    what = "làm việc bù" if row.kind == OFFICE_WORKDAY else "nghỉ"
    return f"{what}: {row.note}" if row.note else what
