"""Data functions of the completion review: a task's status moved only from the state the caller
saw (two leaders pressing at once: one wins), the report that put it in review, its evidence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.db import rowcount
from storage.models import STATUS_REVIEW, Evidence, Report, Task, utcnow


def move_status(*, session: Session, task: Task, from_status: str, to_status: str, done_at: datetime | None) -> bool:
    """Move ``task`` from ``from_status`` to ``to_status`` (and set its ``done_at``) if it is still in
    ``from_status``; False when someone else moved it first."""
    changed = rowcount(
        session.execute(
            update(Task)
            .where(col(Task.id) == task.id, col(Task.status) == from_status)
            .values(status=to_status, done_at=done_at, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    session.expire(task)
    return bool(changed)


def set_done_at(*, session: Session, task_id: int, done_at: datetime | None) -> None:
    session.execute(
        update(Task).where(col(Task.id) == task_id).values(done_at=done_at).execution_options(synchronize_session=False)
    )


def review_report(*, session: Session, task_id: int) -> Report | None:
    """The newest report of ``task_id`` if it is the one that put the task in review."""
    newest = session.exec(
        select(Report)
        .where(Report.task_id == task_id)
        .order_by(col(Report.created_at).desc(), col(Report.id).desc())
        .limit(1)
    ).first()
    return newest if newest is not None and newest.status == STATUS_REVIEW else None


def evidence_of_report(*, session: Session, report_id: int, limit: int = 20) -> list[Evidence]:
    return list(
        session.exec(
            select(Evidence).where(Evidence.report_id == report_id).order_by(col(Evidence.id)).limit(limit)
        ).all()
    )


def last_task_id(*, session: Session) -> int:
    """The highest task id so far (0 without tasks): the tasks an import creates come after it."""
    from sqlmodel import func

    return session.exec(select(func.max(Task.id))).one() or 0


def tasks_after(*, session: Session, task_id: int) -> list[Task]:
    session.flush()
    return list(session.exec(select(Task).where(col(Task.id) > task_id).order_by(col(Task.id))).all())
