"""Completion is confirmed: a task reported 100% awaits its accountable leader («chờ duyệt»,
STATUS_REVIEW) unless REVIEW_COMPLETION is off; only the leader's «Xác nhận hoàn thành» makes it done
(STATUS_DONE, ``done_at``), and «Trả lại» (with a reason) sends it back to in progress. The leader
hears of the report at once (``tracking.notices``) with its note and evidence, and of what the owner
adds to it while it waits; the owner hears the outcome. Every decision is audited.

Who decides: the task's accountable leader, or an admin; anyone else who can see the task is told so,
and anyone who cannot gets the same refusal as for an unknown task. A second press (or a second
leader at the same moment) finds the task no longer awaiting review and is told it was decided.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

import texts.review as copy
from storage import review as rows
from storage import tracking as db
from storage.models import STATUS_DONE, STATUS_IN_PROGRESS, STATUS_REVIEW, Report, Staff, Task
from tracking import notices
from tracking.refusals import Refused
from tracking.service import Actor, visible_task

REASON_MAX = 1000


def after_report(session: Session, task: Task, report: Report, *, was: str, at: datetime) -> None:
    """What a report (or a correction of the newest one) moving ``task`` from status ``was`` entails:
    the leader asked to review, ``done_at`` set or cleared."""
    if report.status == STATUS_REVIEW and was != STATUS_REVIEW:
        ask_leader(session, task, report, at=at)
    if report.status == STATUS_DONE and was != STATUS_DONE:
        rows.set_done_at(session=session, task_id=task.id, done_at=at)
    elif report.status != STATUS_DONE and was == STATUS_DONE:
        rows.set_done_at(session=session, task_id=task.id, done_at=None)


def ask_leader(session: Session, task: Task, report: Report, *, at: datetime) -> bool:
    """Queue the review request for the accountable leader (once per report)."""
    leader = session.get(Staff, task.accountable_id)
    owner = session.get(Staff, task.owner_id)
    evidence = rows.evidence_of_report(session=session, report_id=report.id)
    return notices.tell_staff(
        session,
        leader,
        key=f"review:{report.id}",
        now=at,
        text=copy.review_asked(task, owner, report, evidence),
        markup=copy.review_keyboard(task.id).to_dict(),
    )


def added_to_report(session: Session, report: Report, *, what: str, key: str, at: datetime) -> None:
    """A note or a file added to the report a task awaits review on: the leader is told, once."""
    task = session.get(Task, report.task_id)
    if task is None or task.status != STATUS_REVIEW:
        return
    current = rows.review_report(session=session, task_id=task.id)
    if current is None or current.id != report.id:
        return
    notices.tell_staff(
        session,
        session.get(Staff, task.accountable_id),
        key=f"review:{report.id}:{key}",
        now=at,
        text=copy.review_added(task, session.get(Staff, task.owner_id), what),
        markup=copy.review_keyboard(task.id).to_dict(),
    )


def reviewable(session: Session, actor: Actor, task_id: int) -> Task:
    """The task ``task_id`` if the actor may decide on it and it still awaits review."""
    task = visible_task(session, actor, task_id)
    mine = actor.staff is not None and task.accountable_id == actor.staff.id
    if not (mine or actor.is_admin):
        raise Refused(copy.not_reviewer(task))
    if task.status != STATUS_REVIEW:
        raise Refused(copy.already_decided(task))
    return task


def confirm(session: Session, actor: Actor, *, task_id: int, now: datetime) -> tuple[Task, Staff | None]:
    """«Xác nhận hoàn thành»: the task is done from ``now``; the owner is told; audited."""
    return _decide(
        session,
        actor,
        task_id=task_id,
        now=now,
        to_status=STATUS_DONE,
        done_at=now,
        kind="confirm",
        new="hoàn thành",
        notice=lambda task: copy.confirmed_notice(task, actor.name),
    )


def send_back(
    session: Session, actor: Actor, *, task_id: int, reason: str, now: datetime
) -> tuple[Task, Staff | None, str]:
    """«Trả lại» with ``reason``: the task is in progress again; the owner is told why; audited."""
    from texts.tasks import report_keyboard

    reason = " ".join(reason.split())
    if not reason:
        raise Refused(copy.REASON_EXPECTED)
    if len(reason) > REASON_MAX:
        raise Refused(copy.REASON_TOO_LONG)
    task, owner = _decide(
        session,
        actor,
        task_id=task_id,
        now=now,
        to_status=STATUS_IN_PROGRESS,
        done_at=None,
        kind="return",
        new="đang thực hiện",
        note=reason,
        notice=lambda task: copy.returned_notice(task, actor.name, reason),
        markup=lambda task: report_keyboard(task.id).to_dict(),
    )
    return task, owner, reason


def _decide(
    session: Session,
    actor: Actor,
    *,
    task_id: int,
    now: datetime,
    to_status: str,
    done_at: datetime | None,
    kind: str,
    new: str,
    notice: Callable[[Task], str],
    note: str = "",
    markup: Callable[[Task], dict] | None = None,
) -> tuple[Task, Staff | None]:
    """A review decided (``kind``: confirm or return): the task leaves «chờ duyệt» for ``to_status``
    unless someone decided first; audited (``review_<kind>``); the owner is told."""
    task = reviewable(session, actor, task_id)
    if not rows.move_status(
        session=session, task=task, from_status=STATUS_REVIEW, to_status=to_status, done_at=done_at
    ):
        session.refresh(task)
        raise Refused(copy.already_decided(task))
    owner = session.get(Staff, task.owner_id)
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action=f"review_{kind}",
        entity="task",
        entity_code=task.code,
        field="trạng thái",
        old="chờ duyệt",
        new=new,
        note=note,
    )
    notices.tell_staff(
        session,
        owner,
        key=f"review:{task.id}:{kind}:{now.isoformat()}",
        now=now,
        text=notice(task),
        markup=markup(task) if markup else None,
    )
    return task, owner
