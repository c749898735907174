"""Data functions of the leader's work: the tasks in a scope by filter, a task's comments, evidence
and extension requests, and the staff of a scope who never linked Telegram. Every function takes
the caller's session, keyword-only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from storage.models import (
    EXTENSION_PENDING,
    STATUS_BLOCKED,
    STATUS_DONE,
    STATUS_REVIEW,
    Evidence,
    ExtensionRequest,
    Milestone,
    Report,
    Staff,
    Task,
    TaskComment,
    Unit,
)
from storage.tracking import Scope, subtree_unit_ids

DUE_SOON_DAYS = 7  # "sắp đến hạn": due within a week


@dataclass(frozen=True)
class WatchFilter:
    """What a leader asked to see; all set parts must hold. Done tasks are left out unless
    ``include_done``."""

    overdue: bool = False
    blocked: bool = False
    review: bool = False
    due_soon: bool = False
    unit_path: str | None = None
    owner_id: int | None = None
    include_done: bool = False


def _watch_conditions(scope: Scope, wanted: WatchFilter, today: date) -> list:
    conditions = [scope.task_filter()]
    if not wanted.include_done:
        conditions.append(col(Task.status) != STATUS_DONE)
    if wanted.overdue:
        conditions += [col(Task.deadline) < today, col(Task.status) != STATUS_DONE]
    if wanted.blocked:
        conditions.append(col(Task.status) == STATUS_BLOCKED)
    if wanted.review:
        conditions.append(col(Task.status) == STATUS_REVIEW)
    if wanted.due_soon:
        conditions += [col(Task.deadline) >= today, col(Task.deadline) <= today + timedelta(days=DUE_SOON_DAYS)]
    if wanted.unit_path is not None:
        units = subtree_unit_ids(wanted.unit_path)
        owners = select(Staff.id).where(col(Staff.unit_id).in_(units))
        conditions.append(or_(col(Task.host_unit_id).in_(units), col(Task.owner_id).in_(owners)))
    if wanted.owner_id is not None:
        conditions.append(col(Task.owner_id) == wanted.owner_id)
    return conditions


def watch_tasks(
    *, session: Session, scope: Scope, wanted: WatchFilter, today: date, offset: int = 0, limit: int = 10
) -> tuple[list[Task], int]:
    """One page of the tasks in ``scope`` matching ``wanted``, most urgent first (blocked and
    awaiting review before the rest, then by deadline), and how many there are in all."""
    conditions = and_(*_watch_conditions(scope, wanted, today))
    total = session.exec(select(func.count()).select_from(Task).where(conditions)).one()
    urgent = case((col(Task.status).in_((STATUS_BLOCKED, STATUS_REVIEW)), 0), else_=1)
    rows = session.exec(
        select(Task)
        .where(conditions)
        .order_by(urgent, col(Task.deadline), col(Task.code))
        .offset(max(0, offset))
        .limit(limit)
    ).all()
    return list(rows), int(total)


def units_named(*, session: Session, key_part: str, limit: int = 20) -> Sequence[Unit]:
    """Units whose folded full-name key contains ``key_part`` (already folded)."""
    return session.exec(
        select(Unit).where(col(Unit.key).contains(key_part)).order_by(col(Unit.path)).limit(limit)
    ).all()


# ---- a task's conversation, evidence and extension requests -----------------------------------


def add_comment(
    *, session: Session, task: Task, staff: Staff | None, author: str, text: str, at: datetime
) -> TaskComment:
    comment = TaskComment(
        task_id=task.id,
        staff_id=staff.id if staff else None,
        author=author[:255],
        text=text[:2000],
        created_at=at,
    )
    session.add(comment)
    session.flush()
    return comment


def comments_of(*, session: Session, task_id: int, limit: int = 10) -> tuple[list[TaskComment], int]:
    """The latest ``limit`` comments, oldest first, and how many there are."""
    total = session.exec(select(func.count()).select_from(TaskComment).where(TaskComment.task_id == task_id)).one()
    rows = session.exec(
        select(TaskComment)
        .where(TaskComment.task_id == task_id)
        .order_by(col(TaskComment.created_at).desc(), col(TaskComment.id).desc())
        .limit(limit)
    ).all()
    return list(reversed(rows)), int(total)


def evidence_of(*, session: Session, task_id: int, limit: int = 20) -> list[tuple[Evidence, Report]]:
    rows = session.exec(
        select(Evidence, Report)
        .join(Report, col(Evidence.report_id) == col(Report.id))
        .where(Report.task_id == task_id)
        .order_by(col(Evidence.created_at).desc())
        .limit(limit)
    ).all()
    return [(evidence, report) for evidence, report in rows]


def evidence_by_id(*, session: Session, evidence_id: int) -> tuple[Evidence, Report] | None:
    row = session.exec(
        select(Evidence, Report)
        .join(Report, col(Evidence.report_id) == col(Report.id))
        .where(Evidence.id == evidence_id)
    ).first()
    return (row[0], row[1]) if row else None


def pending_extension(*, session: Session, task_id: int) -> ExtensionRequest | None:
    return session.exec(
        select(ExtensionRequest)
        .where(ExtensionRequest.task_id == task_id, ExtensionRequest.status == EXTENSION_PENDING)
        .order_by(col(ExtensionRequest.id).desc())
    ).first()


def extension_by_id(*, session: Session, request_id: int, for_update: bool = False) -> ExtensionRequest | None:
    statement = select(ExtensionRequest).where(ExtensionRequest.id == request_id)
    if for_update:
        statement = statement.with_for_update()
    return session.exec(statement).first()


def pending_extensions(*, session: Session, scope: Scope, limit: int = 20) -> list[tuple[ExtensionRequest, Task]]:
    rows = session.exec(
        select(ExtensionRequest, Task)
        .join(Task, col(ExtensionRequest.task_id) == col(Task.id))
        .where(ExtensionRequest.status == EXTENSION_PENDING, scope.task_filter())
        .order_by(col(ExtensionRequest.created_at))
        .limit(limit)
    ).all()
    return [(request, task) for request, task in rows]


# ---- who is not connected -------------------------------------------------------------------------


def unlinked_staff(*, session: Session, scope: Scope, limit: int = 200) -> list[Staff]:
    """Staff of ``scope`` (its units' people, or for an admin everyone) who never linked Telegram."""
    statement = select(Staff).where(col(Staff.telegram_id).is_(None), ~col(Staff.full_name).startswith("Ẩn danh "))
    if not scope.everything:
        if scope.unit_path is None:
            return []
        units = subtree_unit_ids(scope.unit_path)
        statement = statement.where(or_(col(Staff.unit_id).in_(units), col(Staff.manager_id) == scope.staff_id))
    return list(session.exec(statement.order_by(col(Staff.code)).limit(limit)).all())


# ---- a task's card: milestones, report history, who may be filtered on -------------------------


def milestones_of(*, session: Session, task_id: int) -> list[Milestone]:
    return list(
        session.exec(
            select(Milestone).where(Milestone.task_id == task_id).order_by(col(Milestone.due_date), col(Milestone.id))
        ).all()
    )


def reports_page(*, session: Session, task_id: int, limit: int = 10) -> tuple[list[Report], int]:
    """The latest ``limit`` reports of a task, newest first, and how many there are."""
    total = session.exec(select(func.count()).select_from(Report).where(Report.task_id == task_id)).one()
    rows = session.exec(
        select(Report)
        .where(Report.task_id == task_id)
        .order_by(col(Report.created_at).desc(), col(Report.id).desc())
        .limit(limit)
    ).all()
    return list(rows), int(total)


def owns_task_in_scope(*, session: Session, scope: Scope, staff_id: int) -> bool:
    """Whether ``staff_id`` carries out any task of ``scope``."""
    return (
        session.exec(select(Task.id).where(Task.owner_id == staff_id, scope.task_filter()).limit(1)).first() is not None
    )
