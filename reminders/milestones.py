"""Milestones in the reminder cycle: the facts the policy sees (``reminders.policy.MilestoneFacts``,
the open milestones of the tasks scanned), their reminders' lines in the task's message, and their
block in the digests (those past their date and not done, and those due soon)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_
from sqlmodel import Session, col

import texts.milestones as copy
from reminders.policy import Due, MilestoneFacts
from storage import milestones as rows
from storage.models import STATUS_DONE, Task
from storage.tracking import Scope

DIGEST_AHEAD_DAYS = 7  # a digest lists the milestones due within a week


def facts_of(session: Session, tasks: list[Task]) -> dict[int, tuple[MilestoneFacts, ...]]:
    """The open milestones of ``tasks``, by task id."""
    found = rows.open_of_tasks(session=session, task_ids=[task.id for task in tasks])
    return {
        task_id: tuple(MilestoneFacts(number=number, title=mark.title, due=mark.due_date) for number, mark in marks)
        for task_id, marks in found.items()
    }


def split(dues: list[Due]) -> tuple[list[Due], list[Due]]:
    """The task's own reminders, and its milestones'."""
    return [d for d in dues if d.milestone is None], [d for d in dues if d.milestone is not None]


def lines(task: Task, marks: list[Due], today: date) -> list[str]:
    """A line for each milestone reminded (the latest reminder of each), and how to report one."""
    latest: dict[int, Due] = {}
    for due in sorted(marks, key=lambda d: d.on):
        if due.milestone is not None:  # all of them: the milestones' reminders
            latest[due.milestone.number] = due
    shown = [copy.reminder_line(task.code, due, today) for _, due in sorted(latest.items())]
    return [*shown, copy.reminder_hint(task.code, sorted(latest))] if shown else []


def message(task: Task, marks: list[Due], today: date) -> str:
    """The message when only milestones are reminded that day."""
    body = lines(task, marks, today)
    return copy.reminder_message(task.code, task.title, body[:-1], body[-1], len(marks))


def digest_block(session: Session, *, scope: Scope, today: date) -> str:
    """The scope's milestones not done: past their date, and due within ``DIGEST_AHEAD_DAYS``."""
    tasks = and_(scope.task_filter(), col(Task.status) != STATUS_DONE)
    late = rows.in_scope(
        session=session, task_filter=tasks, first=date.min, last=today - timedelta(days=1), open_only=True
    )
    soon = rows.in_scope(
        session=session, task_filter=tasks, first=today, last=today + timedelta(days=DIGEST_AHEAD_DAYS), open_only=True
    )
    return copy.digest_block(late, soon, days=DIGEST_AHEAD_DAYS)
