"""Who is meant, in ``/themnhiemvu``'s «Rõ người» and «Rõ trách nhiệm» steps: a staff code, or a name
typed as people say it (with or without diacritics, in any case, a part of it: «lan», «Nguyễn Thị
Lan», «nguyen lan»). Only people of the actor's scope are looked at, so a name never discloses anyone
outside it. Several matches are offered as choices (:class:`Several`); none is refused as an unknown
code would be.

For the accountable leader, the managers and admins among the matches are offered first; an officer
named alone is taken, and refused by ``service.accountable_leader`` with the reason."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from storage.models import ROLE_ADMIN, ROLE_MANAGER, Staff, Unit
from tracking import refusals as no
from tracking.parse import key
from tracking.service import Actor, staff_in_scope

CHOICES = 8  # buttons offered at most; more matches: asked to type more of the name


@dataclass(eq=False)
class Several(no.Typed):
    """More than one person of the scope answers to ``text``: the first ``CHOICES`` of them, and how many."""

    text: str
    people: list
    count: int
    leaders: bool = False


def _scope_staff(session: Session, actor: Actor) -> list[Staff]:
    """The people of the actor's scope (everyone for an admin), by name."""
    query = select(Staff).order_by(col(Staff.full_name), col(Staff.code))
    if not actor.is_admin:
        me = actor.staff
        if me is None or me.role != ROLE_MANAGER:
            return []
        mine = session.get(Unit, me.unit_id)
        inside = select(Unit.id).where(col(Unit.path).startswith(mine.path)) if mine is not None else None
        conditions = [col(Staff.id) == me.id, col(Staff.manager_id) == me.id]
        if inside is not None:
            conditions.append(col(Staff.unit_id).in_(inside))
        query = query.where(or_(*conditions))
    return list(session.exec(query))


def _matches(words: list[str], name: str) -> bool:
    """Every typed word is a word of the name (folded): «lan», «nguyen lan», «Thị Lan»."""
    have = key(name).split()
    return all(word in have for word in words)


def person(session: Session, actor: Actor, text: str, *, leaders: bool = False) -> Staff:
    """The one person of the scope ``text`` names (a code, else a name); :class:`Several` when more do,
    ``StaffNotFound`` when none does."""
    text = " ".join(text.split())
    code = text.split()[0] if text else ""
    staff = session.exec(select(Staff).where(Staff.code == code)).first() if len(text.split()) == 1 else None
    if staff is not None and staff_in_scope(session, actor, staff):
        return staff
    words = key(text).split()
    found = [
        s for s in _scope_staff(session, actor) if words and (_matches(words, s.full_name) or key(s.code) == key(text))
    ]
    if leaders:
        found = [s for s in found if s.role in (ROLE_MANAGER, ROLE_ADMIN)] or found
    if not found:
        raise no.StaffNotFound(text)
    if len(found) == 1:
        return found[0]
    raise Several(text, found[:CHOICES], len(found), leaders)


def example(session: Session, actor: Actor, *, leaders: bool) -> Staff | None:
    """Someone of the scope to show as an example of the step's answer (a leader for «Rõ trách nhiệm»):
    another person than the actor when there is one."""
    people = [s for s in _scope_staff(session, actor) if not leaders or s.role in (ROLE_MANAGER, ROLE_ADMIN)]
    others = [s for s in people if actor.staff is None or s.id != actor.staff.id]
    chosen = others or people
    return chosen[0] if chosen else None
