"""Periodic reports' data: series (``task_series``) and their instances (tasks with ``series_id`` and
``period_key``). Keyword-only functions taking a session; the logic is ``tracking.series``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Task, TaskSeries
from storage.tracking import batches


def series_by_code(*, session: Session, code: str) -> TaskSeries | None:
    return session.exec(select(TaskSeries).where(func.upper(TaskSeries.code) == code.strip().upper())).first()


def series_by_codes(*, session: Session, codes: Sequence[str]) -> dict[str, TaskSeries]:
    """The series of ``codes``, by upper-case code."""
    wanted = sorted({c.strip().upper() for c in codes if c.strip()})
    return {
        s.code.upper(): s
        for batch in batches(wanted)
        for s in session.exec(select(TaskSeries).where(func.upper(TaskSeries.code).in_(batch))).all()
    }


def all_series(*, session: Session, active_only: bool = False) -> list[TaskSeries]:
    query = select(TaskSeries).order_by(TaskSeries.code)
    if active_only:
        query = query.where(col(TaskSeries.ended_on).is_(None))
    return list(session.exec(query).all())


def instances_of(*, session: Session, series_ids: Sequence[int]) -> dict[int, list[Task]]:
    """Each series' instances, by deadline."""
    found: dict[int, list[Task]] = {}
    for batch in batches(sorted(set(series_ids))):
        for task in session.exec(
            select(Task).where(col(Task.series_id).in_(batch)).order_by(col(Task.deadline), col(Task.id))
        ).all():
            if task.series_id is not None:  # every one, as the query asks
                found.setdefault(task.series_id, []).append(task)
    return found


def period_keys(*, session: Session, series_ids: Sequence[int]) -> dict[int, list[str]]:
    """The period keys each series already has an instance for."""
    found: dict[int, list[str]] = {}
    for batch in batches(sorted(set(series_ids))):
        for series_id, key in session.exec(
            select(Task.series_id, Task.period_key).where(col(Task.series_id).in_(batch))
        ).all():
            if series_id is not None:  # every one, as the query asks
                found.setdefault(series_id, []).append(key)
    return found


def instance_of(*, session: Session, series_id: int, period_key: str) -> Task | None:
    return session.exec(select(Task).where(Task.series_id == series_id, Task.period_key == period_key)).first()


def add_instance_once(*, session: Session, task: Task) -> bool:
    """Insert ``task``, a period's instance, unless its series has one for that period already (the
    unique index on (series_id, period_key), whoever inserted it first, in any process)."""
    try:
        with session.begin_nested():
            session.add(task)
            session.flush()
    except IntegrityError:
        return False
    return True
