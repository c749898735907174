"""Data functions of milestones: a task's milestones in their order, the open ones of many tasks for
the reminder scan, and those of a scope due in a span of days for the digests. A milestone's number
is its place among its task's milestones by date (then by id), from 1: what the card shows and what
``/baocao <mã> moc <số>`` takes. Every function takes the caller's session, keyword-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import Milestone, Task
from storage.tracking import batches


def of_task(*, session: Session, task_id: int) -> list[Milestone]:
    """A task's milestones, numbered from 1 in this order (by date, then as entered)."""
    return list(
        session.exec(
            select(Milestone).where(Milestone.task_id == task_id).order_by(col(Milestone.due_date), col(Milestone.id))
        ).all()
    )


def open_of_tasks(*, session: Session, task_ids: list[int]) -> dict[int, list[tuple[int, Milestone]]]:
    """The milestones not done of each task, with their numbers: task id → [(number, milestone)]."""
    by_task: dict[int, list[Milestone]] = {}
    for batch in batches(sorted(set(task_ids))):
        for mark in session.exec(
            select(Milestone)
            .where(col(Milestone.task_id).in_(batch))
            .order_by(col(Milestone.due_date), col(Milestone.id))
        ):
            by_task.setdefault(mark.task_id, []).append(mark)
    return {
        task_id: [(number, mark) for number, mark in enumerate(marks, 1) if not mark.done]
        for task_id, marks in by_task.items()
    }


@dataclass(frozen=True)
class DueMilestone:
    task_code: str
    title: str
    due: date
    progress: int
    done: bool


def in_scope(
    *, session: Session, task_filter: ColumnElement[bool], first: date, last: date, open_only: bool = False
) -> list[DueMilestone]:
    """The milestones of the tasks ``task_filter`` selects (a ``Scope.task_filter()``) dated from
    ``first`` to ``last``, by date; ``open_only``: those not done."""
    query = (
        sa_select(
            col(Task.code), col(Milestone.title), col(Milestone.due_date), col(Milestone.progress), col(Milestone.done)
        )
        .join(Task, col(Task.id) == col(Milestone.task_id))
        .where(task_filter, col(Milestone.due_date) >= first, col(Milestone.due_date) <= last)
    )
    if open_only:
        query = query.where(col(Milestone.done).is_(False))
    rows = session.execute(query.order_by(col(Milestone.due_date), col(Task.code), col(Milestone.id)))
    return [
        DueMilestone(task_code=code, title=title, due=due, progress=progress or 0, done=bool(done))
        for code, title, due, progress, done in rows
    ]
