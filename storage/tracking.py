"""Data access for "5 rõ" task tracking. Every function takes the caller's session;
the caller owns the transaction (``storage.db.session_scope``).

The statements an officer's every tap runs (who is this, which task, record the
report, move the task, remember the conversation) are built once, here, with
bound parameters: SQLAlchemy then neither builds nor keys them again on each
call, and the writes go straight to the table rather than through the ORM's
unit of work."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, text, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage.db import rowcount
from storage.models import (
    ROLE_ADMIN,
    ROLE_MANAGER,
    STATUS_DONE,
    AuditEntry,
    Evidence,
    Flow,
    Invite,
    Report,
    Staff,
    Target,
    TargetValue,
    Task,
    Unit,
    table_of,
    utcnow,
)

# Values in one ``IN (...)``: a statement's parameters are capped (PostgreSQL's protocol: 65,535;
# SQLite: 32,766 since 3.32, 999 before), so lookups by long lists (a sheet of 70,000 codes) go in batches.
IN_BATCH = 5000


def batches(values: Iterable, size: int | None = None) -> Iterator[list]:
    """``values`` in lists of at most ``size`` (default ``IN_BATCH``), for ``IN (...)`` lookups."""
    size = size or IN_BATCH
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------

UNIT_SEPARATOR = " > "


def unit_by_key(*, session: Session, key: str) -> Unit | None:
    return session.exec(select(Unit).where(Unit.key == key)).first()


def units_by_name_key(*, session: Session, name_key: str) -> Sequence[Unit]:
    """Units whose own (last) name folds to ``name_key``."""
    return session.exec(
        select(Unit).where(or_(col(Unit.key) == name_key, col(Unit.key).endswith(UNIT_SEPARATOR + name_key)))
    ).all()


def ensure_unit_path(*, session: Session, names: Sequence[str], keys: Sequence[str]) -> Unit:
    """The unit at the end of a path of names, creating the missing ones.

    ``keys`` are the folded names, one per level; the unit's key is the folded
    full path, so the same path always finds the same unit."""
    parent: Unit | None = None
    for depth, name in enumerate(names):
        key = UNIT_SEPARATOR.join(keys[: depth + 1])
        unit = unit_by_key(session=session, key=key)
        if unit is None:
            unit = Unit(name=name, key=key, parent_id=parent.id if parent else None)
            session.add(unit)
            session.flush()
            unit.path = f"{parent.path if parent else '/'}{unit.id}/"
            session.add(unit)
            session.flush()
        parent = unit
    assert parent is not None
    return parent


def unit_full_name(*, session: Session, unit: Unit) -> str:
    ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    if len(ids) <= 1:
        return unit.name
    rows = {u.id: u.name for u in session.exec(select(Unit).where(col(Unit.id).in_(ids))).all()}
    return UNIT_SEPARATOR.join(rows.get(i, "?") for i in ids)


def subtree_unit_ids(path: str):
    """A subquery of the ids of the unit with ``path`` and every unit below it."""
    return select(Unit.id).where(col(Unit.path).startswith(path))


def list_units(*, session: Session) -> Sequence[Unit]:
    return session.exec(select(Unit).order_by(col(Unit.path))).all()


# --------------------------------------------------------------------------
# Staff
# --------------------------------------------------------------------------


def staff_by_code(*, session: Session, code: str) -> Staff | None:
    return session.exec(select(Staff).where(func.upper(Staff.code) == code.strip().upper())).first()


_STAFF_BY_TELEGRAM = select(Staff).where(Staff.telegram_id == bindparam("telegram_id"))


def staff_by_telegram(*, session: Session, telegram_id: int) -> Staff | None:
    return session.exec(_STAFF_BY_TELEGRAM, params={"telegram_id": telegram_id}).first()


_STAFF_BY_IDS = select(Staff).where(col(Staff.id).in_(bindparam("ids", expanding=True)))


def staff_by_ids(*, session: Session, ids: Sequence[int]) -> dict[int, Staff]:
    if not ids:
        return {}
    return {s.id: s for s in session.exec(_STAFF_BY_IDS, params={"ids": sorted(set(ids))}).all()}


def list_staff(*, session: Session) -> Sequence[Staff]:
    return session.exec(select(Staff).order_by(col(Staff.code))).all()


# --------------------------------------------------------------------------
# Scope: which tasks a person may see
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a person sees: everything (admins), a unit subtree and the tasks
    they answer for (managers), or their own tasks (officers). A scope with
    only ``unit_path`` is one unit's subtree (``/donvi``)."""

    everything: bool = False
    staff_id: int | None = None
    unit_path: str | None = None  # managers: their unit's subtree

    def task_filter(self) -> ColumnElement[bool]:
        if self.everything:
            return col(Task.id).is_not(None)
        conditions: list[ColumnElement[bool]] = []
        if self.staff_id is not None:
            conditions += [col(Task.owner_id) == self.staff_id, col(Task.accountable_id) == self.staff_id]
        if self.unit_path is not None:
            units = subtree_unit_ids(self.unit_path)
            in_units = col(Staff.unit_id).in_(units)
            owners = select(Staff.id).where(
                or_(in_units, col(Staff.manager_id) == self.staff_id) if self.staff_id is not None else in_units
            )
            conditions += [col(Task.host_unit_id).in_(units), col(Task.owner_id).in_(owners)]
        if not conditions:
            return col(Task.id).is_(None)
        return or_(*conditions)

    def covers_unit(self, unit: Unit) -> bool:
        if self.everything:
            return True
        return self.unit_path is not None and unit.path.startswith(self.unit_path)


def scope_of(*, session: Session, staff: Staff | None, super_admin: bool = False) -> Scope:
    if super_admin or (staff is not None and staff.role == ROLE_ADMIN):
        return Scope(everything=True, staff_id=staff.id if staff else None)
    if staff is None:
        return Scope()
    if staff.role == ROLE_MANAGER:
        unit = session.get(Unit, staff.unit_id)
        return Scope(staff_id=staff.id, unit_path=unit.path if unit else None)
    return Scope(staff_id=staff.id)


def task_in_scope(*, session: Session, scope: Scope, task_id: int) -> bool:
    return session.exec(select(Task.id).where(Task.id == task_id, scope.task_filter())).first() is not None


# --------------------------------------------------------------------------
# Tasks and reports
# --------------------------------------------------------------------------


_TASK_BY_ID = select(Task).where(Task.id == bindparam("task_id"))
_TASK_BY_CODE = select(Task).where(func.upper(Task.code) == bindparam("code"))


def task_by_id(*, session: Session, task_id: int) -> Task | None:
    return session.exec(_TASK_BY_ID, params={"task_id": task_id}).first()


def task_by_code(*, session: Session, code: str) -> Task | None:
    return session.exec(_TASK_BY_CODE, params={"code": code.strip().upper()}).first()


_REPORT = table_of(Report)
_ADD_REPORT = insert(_REPORT).returning(_REPORT.c.id)
_TASK = table_of(Task)
# Only if no later report landed meanwhile (bind names differ from the columns'; SQLAlchemy keeps
# those for itself).
_MOVE_TASK = (
    update(_TASK)
    .where(
        _TASK.c.id == bindparam("task_id"),
        or_(_TASK.c.last_report_at.is_(None), _TASK.c.last_report_at <= bindparam("reported_at")),
    )
    .values(
        progress=bindparam("new_progress"),
        status=bindparam("new_status"),
        last_report_at=bindparam("reported_at"),
        updated_at=bindparam("changed_at"),
        blocked_reason=bindparam("new_blocked_reason"),
    )
)


def add_report(
    *, session: Session, task: Task, staff: Staff, percent: int, status: str, note: str = "", at: datetime | None = None
) -> Report:
    """Record a report and move the task's progress to it.

    The task row is updated only if no later report has landed meanwhile, so
    two reports at the same moment both land and the task shows the latest.
    The report is written at once; the object returned is not kept by the session."""
    values: dict[str, Any] = dict(
        task_id=task.id,
        staff_id=staff.id,
        created_at=at or utcnow(),
        percent=percent,
        status=status,
        note=note,
        corrected_at=None,
    )
    report = Report(id=session.connection().execute(_ADD_REPORT, values).scalar_one(), **values)
    _apply_report_to_task(session=session, task=task, report=report)
    return report


def _apply_report_to_task(*, session: Session, task: Task, report: Report) -> None:
    values = dict(
        progress=report.percent,
        status=report.status,
        last_report_at=report.created_at,
        updated_at=utcnow(),
        blocked_reason=report.note if report.status == "blocked" else "",
    )
    changed = (
        session.connection()
        .execute(
            _MOVE_TASK,
            {
                "task_id": task.id,
                "reported_at": report.created_at,
                "new_progress": values["progress"],
                "new_status": values["status"],
                "changed_at": values["updated_at"],
                "new_blocked_reason": values["blocked_reason"],
            },
        )
        .rowcount
    )
    if changed:  # the row now holds these values: so does the object, without reading it back
        for name, value in values.items():
            set_committed_value(task, name, value)
    else:  # a later report landed meanwhile: read the row again when next needed
        session.expire(task)


_OWN_TASKS = select(Task).where(Task.owner_id == bindparam("owner_id")).order_by(col(Task.deadline), col(Task.code))
_OWN_OPEN_TASKS = _OWN_TASKS.where(Task.status != STATUS_DONE)
_COUNT_OWN_OPEN_TASKS = (
    select(func.count()).select_from(Task).where(Task.owner_id == bindparam("owner_id"), Task.status != STATUS_DONE)
)


def own_tasks(*, session: Session, owner_id: int, open_only: bool = True, limit: int = 30) -> Sequence[Task]:
    """The tasks a person carries out, nearest deadline first (what /nhiemvu lists)."""
    query = (_OWN_OPEN_TASKS if open_only else _OWN_TASKS).limit(bindparam("limit"))
    return session.exec(query, params={"owner_id": owner_id, "limit": limit}).all()


def count_own_open_tasks(*, session: Session, owner_id: int) -> int:
    return session.exec(_COUNT_OWN_OPEN_TASKS, params={"owner_id": owner_id}).one()


def latest_report(*, session: Session, task_id: int, staff_id: int | None = None) -> Report | None:
    query = select(Report).where(Report.task_id == task_id)
    if staff_id is not None:
        query = query.where(Report.staff_id == staff_id)
    return session.exec(query.order_by(col(Report.created_at).desc(), col(Report.id).desc())).first()


def latest_reports(*, session: Session, task_ids: Sequence[int]) -> dict[int, Report]:
    """The latest report of each task, in one query a batch of ids (SQLite
    builds limit how many values one statement may carry)."""
    found: dict[int, Report] = {}
    for ids in batches(task_ids):
        newest = (
            select(Report.task_id, func.max(Report.id).label("rid"))
            .where(col(Report.task_id).in_(ids))
            .group_by(col(Report.task_id))
            .subquery()
        )
        rows = session.exec(select(Report).join(newest, and_(col(Report.id) == newest.c.rid))).all()
        found.update((r.task_id, r) for r in rows)
    return found


def correct_report(*, session: Session, report: Report, percent: int, status: str, note: str) -> Report:
    report.percent = percent
    report.status = status
    report.note = note
    report.corrected_at = utcnow()
    session.add(report)
    session.flush()
    newest = latest_report(session=session, task_id=report.task_id)
    if newest is not None and newest.id == report.id:
        session.execute(
            update(Task)
            .where(col(Task.id) == report.task_id)
            .values(
                progress=percent, status=status, updated_at=utcnow(), blocked_reason=note if status == "blocked" else ""
            )
            .execution_options(synchronize_session=False)
        )
        session.expire_all()
    return report


def add_evidence(
    *,
    session: Session,
    report: Report,
    file_id: str,
    file_unique_id: str = "",
    file_name: str = "",
    mime_type: str = "",
    size_bytes: int = 0,
) -> Evidence:
    item = Evidence(
        report_id=report.id,
        file_id=file_id,
        file_unique_id=file_unique_id,
        file_name=file_name,
        mime_type=mime_type,
        size_bytes=size_bytes,
    )
    session.add(item)
    session.flush()
    return item


def reports_of_task(*, session: Session, task_id: int, limit: int = 20) -> Sequence[Report]:
    return session.exec(
        select(Report)
        .where(Report.task_id == task_id)
        .order_by(col(Report.created_at).desc(), col(Report.id).desc())
        .limit(limit)
    ).all()


# --------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------


def target_by_code(*, session: Session, code: str) -> Target | None:
    return session.exec(select(Target).where(func.upper(Target.code) == code.strip().upper())).first()


def target_by_key(*, session: Session, key: str) -> Target | None:
    return session.exec(select(Target).where(Target.key == key)).first()


def next_target_code(*, session: Session) -> str:
    count = session.exec(select(func.count()).select_from(Target)).one()
    n = count + 1
    while target_by_code(session=session, code=f"CT{n:02d}") is not None:
        n += 1
    return f"CT{n:02d}"


def latest_target_values(*, session: Session, target_ids: Sequence[int]) -> dict[int, TargetValue]:
    if not target_ids:
        return {}
    newest = (
        select(TargetValue.target_id, func.max(TargetValue.id).label("vid"))
        .where(col(TargetValue.target_id).in_(target_ids))
        .group_by(col(TargetValue.target_id))
        .subquery()
    )
    rows = session.exec(select(TargetValue).join(newest, col(TargetValue.id) == newest.c.vid)).all()
    return {v.target_id: v for v in rows}


def list_targets(*, session: Session) -> Sequence[Target]:
    return session.exec(select(Target).order_by(col(Target.code))).all()


# --------------------------------------------------------------------------
# Audit log
# --------------------------------------------------------------------------


_AUDIT = insert(table_of(AuditEntry))


def audit_values(
    *,
    actor: Staff | None,
    actor_name: str = "",
    action: str,
    entity: str,
    entity_code: str = "",
    field: str = "",
    old: object = "",
    new: object = "",
    note: str = "",
) -> dict:
    """One line of the audit log, as column values."""
    return dict(
        at=utcnow(),
        actor_id=actor.id if actor else None,
        actor=(actor.full_name if actor else actor_name)[:255],
        action=action,
        entity=entity,
        entity_code=entity_code[:255],
        field=field,
        old_value=_text(old)[:1000],
        new_value=_text(new)[:1000],
        note=note[:1000],
    )


def audit(
    *,
    session: Session,
    actor: Staff | None,
    actor_name: str = "",
    action: str,
    entity: str,
    entity_code: str = "",
    field: str = "",
    old: object = "",
    new: object = "",
    note: str = "",
) -> None:
    """Write a line of the audit log now (one INSERT; many lines at once: ``audit_many``)."""
    session.connection().execute(
        _AUDIT,
        audit_values(
            actor=actor,
            actor_name=actor_name,
            action=action,
            entity=entity,
            entity_code=entity_code,
            field=field,
            old=old,
            new=new,
            note=note,
        ),
    )


def audit_many(*, session: Session, lines: Sequence[dict]) -> None:
    """Write lines made by ``audit_values`` in one batch (an import's thousands)."""
    if lines:
        session.connection().execute(_AUDIT, list(lines))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def audit_entries(*, session: Session, entity_code: str | None = None, limit: int = 20) -> Sequence[AuditEntry]:
    query = select(AuditEntry)
    if entity_code:
        query = query.where(func.upper(AuditEntry.entity_code) == entity_code.upper())
    return session.exec(query.order_by(col(AuditEntry.id).desc()).limit(limit)).all()


# --------------------------------------------------------------------------
# Invites
# --------------------------------------------------------------------------


def create_invite(
    *,
    session: Session,
    staff: Staff,
    created_by: Staff | None,
    now: datetime,
    valid_for: timedelta,
    relink: bool = False,
) -> Invite:
    invite = Invite(
        code=secrets.token_urlsafe(12),
        staff_id=staff.id,
        created_by=created_by.id if created_by else None,
        created_at=now,
        expires_at=now + valid_for,
        relink=relink,
    )
    session.add(invite)
    session.flush()
    return invite


def _open_invite(now: datetime) -> ColumnElement[bool]:
    return and_(col(Invite.used_at).is_(None), col(Invite.revoked_at).is_(None), col(Invite.expires_at) > now)


def claim_invite(*, session: Session, code: str, telegram_id: int, now: datetime) -> Invite | None:
    """Mark the invite used by ``telegram_id``, atomically; None if it is unknown, used, revoked or expired."""
    result = session.execute(
        update(Invite)
        .where(col(Invite.code) == code, _open_invite(now))
        .values(used_at=now, used_by=telegram_id)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return None
    return session.get(Invite, code)


def revoke_invites(
    *, session: Session, staff_id: int, now: datetime, code: str | None = None, keep: str | None = None
) -> int:
    """Revoke the open invites of a staff member (only ``code``, if given; all but ``keep``); how many."""
    query = update(Invite).where(col(Invite.staff_id) == staff_id, _open_invite(now))
    if code is not None:
        query = query.where(col(Invite.code) == code)
    if keep is not None:
        query = query.where(col(Invite.code) != keep)
    result = session.execute(query.values(revoked_at=now).execution_options(synchronize_session=False))
    return rowcount(result) or 0


def open_invites(*, session: Session, now: datetime, limit: int = 30) -> list[tuple[Invite, Staff]]:
    """The invites still usable, soonest to expire first, with their staff member."""
    rows = session.exec(
        select(Invite, Staff)
        .join(Staff, col(Staff.id) == col(Invite.staff_id))
        .where(_open_invite(now))
        .order_by(col(Invite.expires_at), col(Invite.code))
        .limit(limit)
    ).all()
    return [(invite, staff) for invite, staff in rows]


def count_open_invites(*, session: Session, now: datetime) -> int:
    return session.exec(select(func.count()).select_from(Invite).where(_open_invite(now))).one()


def get_invite(*, session: Session, code: str) -> Invite | None:
    return session.get(Invite, code)


# --------------------------------------------------------------------------
# Conversations in progress
# --------------------------------------------------------------------------


def get_flow(*, session: Session, telegram_id: int, now: datetime) -> tuple[str, dict] | None:
    flow = session.get(Flow, telegram_id)
    if flow is None:
        return None
    if flow.expires_at <= now:
        session.delete(flow)
        return None
    return flow.kind, json.loads(flow.data or "{}")


# The same words on SQLite (3.24 and later) and PostgreSQL; as text, since SQLAlchemy compiles its
# dialects' INSERT ... ON CONFLICT constructs anew each time.
_SET_FLOW = text(
    "INSERT INTO flow (telegram_id, kind, data, expires_at) "
    "VALUES (:telegram_id, :kind, :data, :expires_at) ON CONFLICT (telegram_id) DO UPDATE "
    "SET kind = excluded.kind, data = excluded.data, expires_at = excluded.expires_at"
).bindparams(*(bindparam(c.name, type_=c.type) for c in table_of(Flow).columns))


def set_flow(*, session: Session, telegram_id: int, kind: str, data: dict, expires_at: datetime) -> None:
    """Start (or replace) the user's conversation in progress, in one statement."""
    session.connection().execute(
        _SET_FLOW,
        {
            "telegram_id": telegram_id,
            "kind": kind,
            "expires_at": expires_at,
            "data": json.dumps(data, ensure_ascii=False, default=str),
        },
    )
    known = session.identity_map.get(session.identity_key(Flow, telegram_id))
    if known is not None:  # loaded earlier in this transaction: read it again if used
        session.expire(known)


def clear_flow(*, session: Session, telegram_id: int) -> None:
    flow = session.get(Flow, telegram_id)
    if flow is not None:
        session.delete(flow)
