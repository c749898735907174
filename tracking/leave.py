"""Leave: who is away, from when to when, and who stands in for them.

``/nghiphep <từ> <đến> [mã người thay]`` records the caller's own leave; a manager records it for
the staff of their scope (their unit's subtree and their direct reports), an admin for anyone:
``/nghiphep <mã cán bộ> <từ> <đến> [mã người thay]``. ``/nghiphep`` lists the leave current and to
come in the caller's scope, ``/nghiphep huy [mã]`` ends it early: the person is back from today (a
leave not yet begun is cancelled). Every record and end is a line of the audit log (entity
``leave``, its code the staff member's).

Refused, each with its reason in Vietnamese: an end before the start, a leave over by today, one
longer than ``MAX_DAYS``, one overlapping another of the same person, a substitute who is unknown,
the person themself, away on any of those days, or a person who stands in for someone else then.

While someone is away no reminder goes to them (``reminders.away``): their tasks' reminders go to
the substitute, saying on whose behalf, or else escalations about their tasks wait until they are
back; digests show who is away and until when (``reminders.digest``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

import texts.calendar as copy
from storage import calendar as store
from storage import outbox as box
from storage import tracking as db
from storage.models import ROLE_MANAGER, Leave, Outbox, Staff, Unit
from tracking.parse import InputError, format_date, parse_date
from tracking.refusals import Refused
from tracking.service import Actor, require_linked, staff_or_refuse

ENTITY = "leave"
MAX_DAYS = 366
CANCEL_WORDS = ("huy", "hủy", "cancel", "end")


@dataclass(frozen=True)
class Recorded:
    leave: Leave
    staff: Staff
    substitute: Staff | None
    own: bool


def may_act_for(session: Session, actor: Actor, staff: Staff) -> bool:
    """Whether ``actor`` may record or end ``staff``'s leave: themself, an admin, or a manager of
    their scope (their unit's subtree, their direct reports)."""
    if actor.is_admin:
        return True
    me = actor.staff
    if me is None:
        return False
    if staff.id == me.id:
        return True
    if me.role != ROLE_MANAGER:
        return False
    if staff.manager_id == me.id:
        return True
    mine, theirs = session.get(Unit, me.unit_id), session.get(Unit, staff.unit_id)
    return mine is not None and theirs is not None and theirs.path.startswith(mine.path)


def _other(session: Session, actor: Actor, code: str) -> Staff:
    """The staff member ``code`` if the actor may act for them; the same refusal for unknown and
    out-of-scope codes to officers and managers (no name outside one's scope is disclosed)."""
    staff = db.staff_by_code(session=session, code=code)
    if staff is None or not may_act_for(session, actor, staff):
        if staff is None and actor.is_admin:
            staff_or_refuse(session, code)  # an admin is told the code is unknown
        raise Refused(copy.leave_not_in_scope())
    return staff


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except InputError as exc:
        raise Refused(copy.leave_bad_day(str(exc))) from None


def _looks_like_date(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and any(sep in text for sep in "/.-")


def record(session: Session, actor: Actor, *, args: list[str], today: date, now: datetime) -> Recorded:
    """``args``: [mã cán bộ] <từ> <đến> [mã người thay]; audited."""
    me = require_linked(actor) if not actor.super_admin else actor.staff
    if args and not _looks_like_date(args[0]):
        staff, args = _other(session, actor, args[0]), args[1:]
    else:
        if me is None:
            raise Refused(copy.LEAVE_USAGE)
        staff = me
    if len(args) not in (2, 3):
        raise Refused(copy.LEAVE_USAGE)
    start, end = _date(args[0]), _date(args[1])
    if end < start:
        raise Refused(copy.leave_end_before_start(start, end))
    if end < today:
        raise Refused(copy.leave_in_past(end, today))
    if (end - start).days + 1 > MAX_DAYS:
        raise Refused(copy.leave_too_long(MAX_DAYS))
    clash = store.overlapping(session=session, staff_id=staff.id, start=start, end=end)
    if clash is not None:
        raise Refused(copy.leave_overlaps(staff, clash))
    standing = store.substituting(session=session, staff_id=staff.id, start=start, end=end)
    if standing is not None:
        raise Refused(copy.substitute_is_away(staff, standing))
    substitute = None
    if len(args) == 3:
        substitute = staff_or_refuse(session, args[2])
        if substitute.id == staff.id:
            raise Refused(copy.substitute_is_self())
        away = store.overlapping(session=session, staff_id=substitute.id, start=start, end=end)
        if away is not None:
            raise Refused(copy.substitute_away(substitute, away))
    leave = store.add_leave(
        session=session,
        staff_id=staff.id,
        start=start,
        end=end,
        substitute_id=substitute.id if substitute else None,
        note="",
        created_by=me.id if me else None,
        now=now,
    )
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="leave_add",
        entity=ENTITY,
        entity_code=staff.code,
        field="leave",
        new=_shown(leave, substitute),
    )
    if substitute is not None and substitute.telegram_id is not None:  # told through the outbox
        box.enqueue(
            session=session,
            row=Outbox(
                key=f"leave:{leave.id}:substitute",
                kind="notice",
                chat_id=substitute.telegram_id,
                staff_id=substitute.id,
                text=copy.substitute_told(leave, staff),
                not_before=now,
            ),
        )
    return Recorded(leave, staff, substitute, own=me is not None and staff.id == me.id)


def end_early(session: Session, actor: Actor, *, code: str | None, today: date, now: datetime) -> Recorded:
    """End the current (or cancel the next) leave of the caller, or of ``code``; audited."""
    if not actor.is_admin:
        require_linked(actor)
    if code:
        staff = _other(session, actor, code)
    else:
        staff = require_linked(actor)
    leave = store.leave_or_next(session=session, staff_id=staff.id, day=today)
    if leave is None:
        raise Refused(copy.no_leave_to_end(staff))
    before = _shown(leave, None)
    store.end_leave(session=session, leave=leave, today=today, now=now)
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="leave_end",
        entity=ENTITY,
        entity_code=staff.code,
        field="leave",
        old=before,
        new="hủy" if leave.end < leave.start else f"đến {format_date(leave.end)}",
    )
    substitute = session.get(Staff, leave.substitute_id) if leave.substitute_id else None
    return Recorded(leave, staff, substitute, own=actor.staff is not None and staff.id == actor.staff.id)


def listing(session: Session, actor: Actor, *, today: date) -> list[tuple[Leave, Staff, Staff | None]]:
    """The leave current and to come that the caller may see: everyone's for admins, their scope's
    for managers; officers see their own and those they stand in for."""
    if not actor.is_admin:
        require_linked(actor)
    rows = store.leaves_from(session=session, day=today)
    ids = {leave.staff_id for leave in rows} | {leave.substitute_id for leave in rows if leave.substitute_id}
    people = {s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_(sorted(ids)))).all()} if ids else {}
    seen = []
    for leave in rows:
        staff = people.get(leave.staff_id)
        if staff is None:
            continue
        mine = actor.staff is not None and leave.substitute_id == actor.staff.id
        if mine or may_act_for(session, actor, staff):
            substitute = people.get(leave.substitute_id) if leave.substitute_id is not None else None
            seen.append((leave, staff, substitute))
    return seen


def _shown(leave: Leave, substitute: Staff | None) -> str:
    text = f"{format_date(leave.start)} → {format_date(leave.end)}"
    return text + (f", người thay {substitute.code}" if substitute is not None else "")
