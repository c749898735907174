"""People hear of changes to their work: a task given to them (created for them, or a sheet's new
tasks in one message), taken from them or moved to them, its deadline extended. Each notice is queued
with the change (``tracking.notices``); nobody is told of their own change. Staff with no linked
Telegram account cannot be told: the digests of their managers and the admins list them, and
``invite_unlinked`` makes invite links for all of them at once (admins: everyone; managers: their scope).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlmodel import Session

import texts.review as copy
from storage import leaders
from storage.models import Invite, Staff, Task
from tracking import notices
from tracking.accounts import create_invite
from tracking.refusals import Refused
from tracking.service import Actor, require_manager, staff_in_scope

INVITES_AT_ONCE = 50  # invite links made by one press (the reply stays one message or two)


def _not_self(actor: Actor, staff: Staff | None) -> bool:
    return staff is not None and (actor.staff is None or actor.staff.id != staff.id)


def given(session: Session, actor: Actor, task: Task, owner: Staff, *, at: datetime) -> None:
    if _not_self(actor, owner):
        notices.tell_staff(
            session, owner, key=f"task:{task.id}:given", now=at, text=copy.given_notice(task, actor.name)
        )


def moved(session: Session, actor: Actor, task: Task, old: Staff | None, new: Staff, *, at: datetime) -> None:
    stamp = at.isoformat()
    if _not_self(actor, new):
        notices.tell_staff(
            session,
            new,
            key=f"task:{task.id}:to:{new.id}:{stamp}",
            now=at,
            text=copy.moved_to_notice(task, actor.name, old),
        )
    if old is not None and _not_self(actor, old):
        notices.tell_staff(
            session,
            old,
            key=f"task:{task.id}:from:{old.id}:{stamp}",
            now=at,
            text=copy.moved_from_notice(task, actor.name, new),
        )


def extended(session: Session, actor: Actor, task: Task, old: date, reason: str, *, at: datetime) -> None:
    owner = session.get(Staff, task.owner_id)
    if _not_self(actor, owner):
        notices.tell_staff(
            session,
            owner,
            key=f"task:{task.id}:deadline:{task.deadline.isoformat()}",
            now=at,
            text=copy.extended_notice(task, actor.name, old, reason),
        )


def imported(session: Session, actor: Actor | None, tasks: Iterable[Task], *, at: datetime) -> int:
    """One message to each owner listing the new tasks a sheet gave them; how many owners were told."""
    by_owner: dict[int, list[Task]] = {}
    for task in tasks:
        by_owner.setdefault(task.owner_id, []).append(task)
    told = 0
    for owner_id, theirs in by_owner.items():
        owner = session.get(Staff, owner_id)
        if actor is not None and not _not_self(actor, owner):
            continue
        key = f"import:{owner_id}:{at.isoformat()}:{min(t.id for t in theirs)}"
        told += notices.tell_staff(
            session,
            owner,
            key=key,
            now=at,
            text=copy.imported_notice(sorted(theirs, key=lambda t: (t.deadline, t.code))),
        )
    return told


def unlinked(session: Session, actor: Actor, *, limit: int = 200) -> list[Staff]:
    """The staff of the actor's scope who never linked Telegram (managers and admins only)."""
    require_manager(actor, "xem cán bộ chưa kết nối")
    return leaders.unlinked_staff(session=session, scope=actor.scope(session), limit=limit)


def invite_unlinked(
    session: Session, actor: Actor, *, now: datetime, subscription_id: int = 0, admin_ids: Iterable[int] = ()
) -> tuple[list, int]:
    """An invite for each unlinked staff member of the actor's scope (at most ``INVITES_AT_ONCE``):
    their open invite if they have one, else a new one (audited as ``/moi`` audits its own). The
    (invite, staff) pairs, and how many are left for another press. With ``subscription_id``: those
    of that scheduled digest's scope (``digest_unlinked``)."""
    from storage import tracking as db

    require_manager(actor, "tạo mã mời")
    if subscription_id:
        people = digest_unlinked(session, actor, subscription_id=subscription_id, admin_ids=admin_ids)
    else:
        people = unlinked(session, actor, limit=10_000)
    open_by_staff: dict[int, Invite] = {}
    for kept, _ in db.open_invites(session=session, now=now, limit=100_000):
        if not kept.relink:
            open_by_staff.setdefault(kept.staff_id, kept)
    pairs = []
    for staff in people[:INVITES_AT_ONCE]:
        invite = open_by_staff.get(staff.id)
        pairs.append(
            (invite, staff)
            if invite is not None
            else create_invite(session, actor, staff_code=staff.code, now=now, scoped=True)
        )
    return pairs, max(0, len(people) - INVITES_AT_ONCE)


def digest_unlinked(session: Session, actor: Actor, *, subscription_id: int, admin_ids: Iterable[int]) -> list[Staff]:
    """The staff not connected of a scheduled digest's scope (its owner's as it is now), for an admin or
    a manager of that scope: its owner, or the manager of a unit above the owner's; each one also in the
    actor's own scope (as ``create_invite`` requires). Anyone else in the digest's chat is refused."""
    from storage.models import Subscription, Unit
    from tracking import subscriptions as owners

    sub = session.get(Subscription, subscription_id)
    if sub is None or sub.disabled_at is not None:
        raise Refused(copy.DIGEST_GONE)
    try:
        owner = owners.owner_of(session, sub, admin_ids=tuple(admin_ids))
    except owners.Stopped:
        raise Refused(copy.DIGEST_GONE) from None
    scope = owner.scope(session)
    if not actor.is_admin:
        me = actor.staff
        theirs = session.get(Unit, owner.staff.unit_id) if owner.staff is not None else None
        is_owner = me is not None and owner.staff is not None and owner.staff.id == me.id
        above = theirs is not None and actor.scope(session).covers_unit(theirs)
        if scope.everything or not (is_owner or above):
            raise Refused(copy.not_digest_manager())
    people = leaders.unlinked_staff(session=session, scope=scope, limit=10_000)
    return [staff for staff in people if staff_in_scope(session, actor, staff)]
