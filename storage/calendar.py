"""The office's own calendar (``office_day``) and staff leave (``leave``): data functions.

Every function takes the caller's session and keyword arguments; none reads the clock. The
working-day calendar built from these rows is ``reminders.calendar.OfficeCalendar``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from storage.models import OFFICE_DAY_OFF, OFFICE_WORKDAY, Leave, OfficeDay

# --------------------------------------------------------------------------
# The office's days
# --------------------------------------------------------------------------


def office_days(*, session: Session, year: int | None = None) -> Sequence[OfficeDay]:
    """The office's make-up working days and days off (of one year), by date."""
    query = select(OfficeDay)
    if year is not None:
        query = query.where(col(OfficeDay.day) >= date(year, 1, 1), col(OfficeDay.day) <= date(year, 12, 31))
    return session.exec(query.order_by(col(OfficeDay.day))).all()


def overrides(*, session: Session) -> tuple[dict[date, str], dict[date, str]]:
    """All the office's days as (working days, days off), each day with its note: what
    ``OfficeCalendar.with_overrides`` takes. A few rows a year: read whole, once per cycle."""
    working: dict[date, str] = {}
    off: dict[date, str] = {}
    for row in office_days(session=session):
        (working if row.kind == OFFICE_WORKDAY else off)[row.day] = row.note
    return working, off


def office_day(*, session: Session, day: date) -> OfficeDay | None:
    return session.get(OfficeDay, day)


def put_office_day(
    *, session: Session, day: date, kind: str, note: str, created_by: int | None, now: datetime
) -> tuple[OfficeDay, OfficeDay | None]:
    """Record ``day`` as ``kind`` (OFFICE_WORKDAY or OFFICE_DAY_OFF) with ``note``, replacing what the
    day was; returns the row and a copy of the row it replaced (None if the day was not listed)."""
    if kind not in (OFFICE_WORKDAY, OFFICE_DAY_OFF):
        raise ValueError(f"unknown office day kind {kind!r}")
    row = session.get(OfficeDay, day)
    old = None
    if row is None:
        row = OfficeDay(day=day, kind=kind, note=note[:255], created_by=created_by, created_at=now)
    else:
        old = OfficeDay(day=row.day, kind=row.kind, note=row.note, created_by=row.created_by, created_at=row.created_at)
        row.kind, row.note, row.created_by, row.created_at = kind, note[:255], created_by, now
    session.add(row)
    session.flush()
    return row, old


def remove_office_day(*, session: Session, day: date) -> OfficeDay | None:
    """Remove ``day`` from the office's calendar; the row removed, or None if it was not listed."""
    row = session.get(OfficeDay, day)
    if row is not None:
        session.delete(row)
        session.flush()
    return row


# --------------------------------------------------------------------------
# Leave
# --------------------------------------------------------------------------


def _live():
    """Leave not ended early before it began (an ended leave keeps ``end`` as the last day away)."""
    return col(Leave.end) >= col(Leave.start)


def leaves_between(
    *, session: Session, first: date, last: date, staff_ids: Sequence[int] | None = None
) -> Sequence[Leave]:
    """Leave overlapping the days ``first``..``last`` (of these people), by start."""
    query = select(Leave).where(_live(), col(Leave.start) <= last, col(Leave.end) >= first)
    if staff_ids is not None:
        query = query.where(col(Leave.staff_id).in_(sorted(set(staff_ids))))
    return session.exec(query.order_by(col(Leave.start), col(Leave.id))).all()


def leaves_from(*, session: Session, day: date, staff_ids: Sequence[int] | None = None) -> Sequence[Leave]:
    """Leave current on ``day`` or coming after it (of these people), by start."""
    query = select(Leave).where(_live(), col(Leave.end) >= day)
    if staff_ids is not None:
        query = query.where(col(Leave.staff_id).in_(sorted(set(staff_ids))))
    return session.exec(query.order_by(col(Leave.start), col(Leave.id))).all()


def overlapping(*, session: Session, staff_id: int, start: date, end: date) -> Leave | None:
    """A leave of ``staff_id`` overlapping ``start``..``end``, if any."""
    return session.exec(
        select(Leave)
        .where(_live(), Leave.staff_id == staff_id, col(Leave.start) <= end, col(Leave.end) >= start)
        .order_by(col(Leave.start))
    ).first()


def substituting(*, session: Session, staff_id: int, start: date, end: date) -> Leave | None:
    """A leave overlapping ``start``..``end`` for which ``staff_id`` is the substitute, if any."""
    return session.exec(
        select(Leave).where(_live(), Leave.substitute_id == staff_id, col(Leave.start) <= end, col(Leave.end) >= start)
    ).first()


def add_leave(
    *,
    session: Session,
    staff_id: int,
    start: date,
    end: date,
    substitute_id: int | None,
    note: str,
    created_by: int | None,
    now: datetime,
) -> Leave:
    row = Leave(
        staff_id=staff_id,
        start=start,
        end=end,
        substitute_id=substitute_id,
        note=note[:255],
        created_by=created_by,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def end_leave(*, session: Session, leave: Leave, today: date, now: datetime) -> Leave:
    """End ``leave`` early: its last day away becomes yesterday (a leave not yet begun is cancelled:
    its end falls before its start, and it no longer counts anywhere)."""
    leave.end = min(leave.end, date.fromordinal(today.toordinal() - 1))
    leave.ended_at = now
    session.add(leave)
    session.flush()
    return leave


def current_leave(*, session: Session, staff_id: int, day: date) -> Leave | None:
    return session.exec(
        select(Leave).where(_live(), Leave.staff_id == staff_id, col(Leave.start) <= day, col(Leave.end) >= day)
    ).first()


def leave_or_next(*, session: Session, staff_id: int, day: date) -> Leave | None:
    """The leave of ``staff_id`` current on ``day``, or else the next one to come."""
    return session.exec(
        select(Leave).where(_live(), Leave.staff_id == staff_id, col(Leave.end) >= day).order_by(col(Leave.start))
    ).first()
