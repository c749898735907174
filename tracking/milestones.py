"""Milestones: shown on a task's card with their own progress, reported by the task's owner (or a
manager whose scope has the task, as a task's report), audited.

A milestone is numbered by its place among its task's milestones by date (``storage.milestones``).
A report of 100 % makes it done (``done_at`` the moment of the report); a lower one makes it not done
again. Who may report on a milestone is who may report on its task (``service.can_report``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

import texts.milestones as copy
from storage import milestones as rows
from storage import tracking as db
from storage.models import Milestone, Task
from tracking import refusals as no
from tracking.parse import InputError, parse_percent
from tracking.refusals import Refused
from tracking.service import Actor, can_report, require_linked, visible_task


def milestone_lines(session: Session, task: Task, today: date | None = None) -> list[str]:
    """The task's milestones as lines of its card (none: no lines); ``today`` marks the late ones."""
    return copy.card_lines(rows.of_task(session=session, task_id=task.id), today)


def reportable(session: Session, actor: Actor, code: str | int) -> tuple[Task, list[Milestone]]:
    """A task the actor may report on, and its milestones (refused when it has none)."""
    require_linked(actor)
    task = visible_task(session, actor, code)
    if not can_report(session, actor, task):
        raise no.NotOwnTask(task.code)
    marks = rows.of_task(session=session, task_id=task.id)
    if not marks:
        raise Refused(copy.no_milestones(task.code))
    return task, marks


def report(
    session: Session, actor: Actor, *, task: str, number: str, percent: str | int, at: datetime
) -> tuple[Task, Milestone, int]:
    """``/baocao <task> moc <number> <percent>``: the task, the milestone and its number."""
    found, marks = reportable(session, actor, task)
    if not number.isdigit() or not 1 <= int(number) <= len(marks):
        raise Refused(copy.no_such_milestone(found.code, number, len(marks)))
    place = int(number)
    return found, _record(session, actor, found, marks[place - 1], place, percent, at), place


def report_by_id(
    session: Session, actor: Actor, *, milestone_id: int, percent: int, at: datetime
) -> tuple[Task, Milestone, int]:
    """A milestone button ``ms:<id>:<percent>``: checked as the command is."""
    mark = session.get(Milestone, milestone_id)
    if mark is None:
        require_linked(actor)
        raise Refused(copy.MILESTONE_GONE)
    task, marks = reportable(session, actor, mark.task_id)
    place = next(n for n, m in enumerate(marks, 1) if m.id == mark.id)
    return task, _record(session, actor, task, mark, place, percent, at), place


def _record(
    session: Session, actor: Actor, task: Task, mark: Milestone, number: int, percent: str | int, at: datetime
) -> Milestone:
    if not isinstance(percent, int):
        try:
            percent = parse_percent(percent)
        except InputError as exc:
            raise Refused(copy.unreadable(str(exc))) from None
    if not 0 <= percent <= 100:
        raise no.PercentOutOfRange()
    old = f"{mark.progress or 0}%" + (" (xong)" if mark.done else "")
    mark.progress = percent
    mark.done = percent >= 100
    mark.done_at = at if mark.done else None
    session.add(mark)
    session.flush()
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="milestone",
        entity="task",
        entity_code=task.code,
        field=f"mốc {number}",
        old=old,
        new=f"{percent}%" + (" (xong)" if mark.done else ""),
        note=mark.title,
    )
    return mark
