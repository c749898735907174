"""Talking about a task: a blocker reaches the accountable leader at once, comments between the owner
and the leader, and the owner's requests for a later deadline, decided by the leader.

Every function takes the caller's session and the :class:`~tracking.service.Actor` asking, checks
permission first and raises :class:`~tracking.refusals.Refused` (its text from ``texts.talk``) before
changing anything. Messages to other people are notices (``tracking.notices``): outbox rows queued in
the same transaction as the change, under a unique key, sent at once after the commit.

Who is told (never the person who acted): of a blocker, the accountable leader, or when the leader has
no linked Telegram account the admins; of a comment, the owner and the accountable leader; of an
extension request, the accountable leader (else the admins); of a decision, the owner.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

import texts.talk as copy
from storage import leaders as talk_db
from storage import tracking as db
from storage.models import (
    EXTENSION_APPROVED,
    EXTENSION_PENDING,
    EXTENSION_REFUSED,
    ROLE_ADMIN,
    ROLE_MANAGER,
    STATUS_DONE,
    ExtensionRequest,
    Report,
    Staff,
    Task,
    TaskComment,
)
from tracking import notices, service
from tracking.parse import InputError, parse_date
from tracking.refusals import Refused
from tracking.service import Actor

COMMENT_MAX = 2000
WORDS_LOOKED_AT = 500  # the words of a replied-to message looked up as task codes (one query)
REASON_MAX = 1000


def _leader_or_admins(session: Session, task: Task, *, but: int | None) -> tuple[list[Staff], bool]:
    """Who hears of a blocker or an extension request on ``task``: the accountable leader when they use
    the bot, else the admins who do (True); never ``but`` (the person who acted)."""
    leader = session.get(Staff, task.accountable_id) if task.accountable_id else None
    if leader is not None and leader.id == but:
        return [], False
    if leader is not None and leader.telegram_id is not None:
        return [leader], False
    return _admins_with_telegram(session, but=but), True


def _admins_with_telegram(session: Session, *, but: int | None) -> list[Staff]:
    """The staff admins who use the bot (told in place of a leader who does not), ``but`` one."""
    rows = session.exec(
        select(Staff).where(Staff.role == ROLE_ADMIN, col(Staff.telegram_id).is_not(None)).order_by(col(Staff.code))
    ).all()
    return [s for s in rows if s.id != but]


def may_extend(session: Session, staff: Staff | None, task: Task) -> bool:
    """Admins everywhere; managers on the tasks of their scope."""
    if staff is None:
        return False
    if staff.role == ROLE_ADMIN:
        return True
    if staff.role != ROLE_MANAGER:
        return False
    return db.task_in_scope(session=session, scope=db.scope_of(session=session, staff=staff), task_id=task.id)


# ---- blockers ---------------------------------------------------------------------------------------------


def blocker_reported(session: Session, actor: Actor, *, task: Task, report: Report, now: datetime) -> int:
    """Tell the accountable leader (else the admins) of a «vướng mắc» report just saved; how many were
    told. Only reports made in chat tell anyone (the command line and the sample data tell nobody)."""
    if actor.telegram_id is None or actor.staff is None:
        return 0
    owner = session.get(Staff, task.owner_id)
    people, for_admin = _leader_or_admins(session, task, but=actor.staff.id)
    told = 0
    for person in people:
        text = copy.blocked_notice(task, owner, actor.staff, report.note, for_admin=for_admin)
        markup = copy.blocked_keyboard(task.id, may_extend=may_extend(session, person, task))
        told += notices.tell_staff(
            session, person, key=f"blk:{report.id}:{report.status}:{person.id}", text=text, now=now, markup=markup
        )
    return told


# ---- comments ---------------------------------------------------------------------------------------------


@dataclass
class Comment:
    task: Task
    comment: TaskComment
    told: list[Staff]


def comment(session: Session, actor: Actor, *, task: Task | str | int, text: str, now: datetime) -> Comment:
    """A comment on a task the actor may see, kept on its card and told to the owner and the accountable
    leader (not the author); audited."""
    if not isinstance(task, Task):
        task = service.visible_task(session, actor, task)
    else:
        task = service.visible_task(session, actor, task.id)
    text = " ".join(text.split())[:COMMENT_MAX]
    if not text:
        raise Refused(copy.COMMENT_EMPTY)
    author = actor.staff
    entry = talk_db.add_comment(session=session, task=task, staff=author, author=actor.name, text=text, at=now)
    db.audit(
        session=session,
        actor=author,
        actor_name=actor.name,
        action="comment",
        entity="task",
        entity_code=task.code,
        field="trao đổi",
        new=text,
    )
    told: list[Staff] = []
    for staff_id in dict.fromkeys((task.owner_id, task.accountable_id)):
        if staff_id is None or (author is not None and staff_id == author.id):
            continue
        person = session.get(Staff, staff_id)
        if person is not None and notices.tell_staff(
            session,
            person,
            key=f"cm:{entry.id}:{staff_id}",
            text=copy.comment_notice(task, actor.name, text),
            now=now,
            markup=copy.comment_keyboard(task.id),
        ):
            told.append(person)
    return Comment(task, entry, told)


def task_for_comment(session: Session, actor: Actor, task_id: int) -> Task:
    """The task of a «Trả lời» button: one the actor may see."""
    return service.visible_task(session, actor, task_id)


def codes_in(session: Session, actor: Actor, text: str) -> list[str]:
    """The codes of the tasks named in ``text`` (a message of the bot being replied to) that the actor
    may see, in order of appearance."""
    words = list(dict.fromkeys(w.strip(".,;:()[]«»\"'·") for w in (text or "").split()))
    words = [w for w in words if w and len(w) <= 64][:WORDS_LOOKED_AT]
    tasks = {t.code: t for t in session.exec(select(Task).where(col(Task.code).in_(words))).all()} if words else {}
    found = []
    for word in words:
        task = tasks.get(word)
        if task is None:
            continue
        try:
            service.visible_task(session, actor, task.id)
        except Refused:
            continue
        found.append(task.code)
    return found


# ---- extension requests -----------------------------------------------------------------------------------


@dataclass
class Requested:
    task: Task
    request: ExtensionRequest
    told: list[Staff]


def request_extension(
    session: Session, actor: Actor, *, code: str, day: str, reason: str, today: date, now: datetime
) -> Requested:
    """The owner asks for ``day`` as the new deadline; the accountable leader (else the admins) gets
    «Đồng ý» / «Từ chối». Audited."""
    staff = service.require_linked(actor)
    task = service.visible_task(session, actor, code)
    if task.owner_id != staff.id:
        raise Refused(copy.extension_not_owner(task.code))
    if task.status == STATUS_DONE:
        raise Refused(copy.extension_task_done(task.code))
    try:
        new = parse_date(day)
    except InputError as exc:
        raise Refused(copy.extension_unreadable(str(exc))) from None
    if new <= task.deadline:
        raise Refused(copy.extension_not_later(new, task.deadline))
    if new < today:
        raise Refused(copy.extension_past(new))
    reason = " ".join(reason.split())[:REASON_MAX]
    if not reason:
        raise Refused(copy.EXTENSION_NO_REASON)
    pending = talk_db.pending_extension(session=session, task_id=task.id)
    if pending is not None:
        raise Refused(copy.extension_pending(task.code, pending.new_deadline))
    request = ExtensionRequest(
        task_id=task.id, staff_id=staff.id, old_deadline=task.deadline, new_deadline=new, reason=reason, created_at=now
    )
    session.add(request)
    session.flush()
    db.audit(
        session=session,
        actor=staff,
        action="extension_request",
        entity="task",
        entity_code=task.code,
        field="thời hạn",
        old=task.deadline,
        new=new,
        note=reason,
    )
    people, for_admin = _leader_or_admins(session, task, but=staff.id)
    told = [
        p
        for p in people
        if notices.tell_staff(
            session,
            p,
            key=f"xq:{request.id}:{p.id}",
            now=now,
            text=copy.extension_request_notice(task, staff, request, for_admin=for_admin),
            markup=copy.extension_keyboard(request.id, task.id),
        )
    ]
    return Requested(task, request, told)


@dataclass
class Decision:
    task: Task
    request: ExtensionRequest
    old: date


def _decidable(session: Session, actor: Actor, request_id: int) -> tuple[ExtensionRequest, Task]:
    """A pending request the actor may decide: the task's accountable leader or an admin."""
    request = talk_db.extension_by_id(session=session, request_id=request_id, for_update=True)
    if request is None:
        raise Refused(copy.EXTENSION_UNKNOWN)
    task = service.visible_task(session, actor, request.task_id)  # out of scope: says nothing of the task
    if not (actor.is_admin or (actor.staff is not None and actor.staff.id == task.accountable_id)):
        raise Refused(copy.extension_not_decider(task.code))
    if request.status != EXTENSION_PENDING:
        raise Refused(copy.extension_decided(task.code, request.status == EXTENSION_APPROVED))
    return request, task


def check_decider(session: Session, actor: Actor, request_id: int) -> Task:
    """Before asking for a refusal's reason: the actor may decide, and the request is still pending."""
    return _decidable(session, actor, request_id)[1]


def _deciding(actor: Actor) -> Actor:
    """The accountable leader deciding a request extends the task through ``service.extend`` (its checks
    and its audit line), whatever that function asks of a caller extending on their own."""
    return dataclasses.replace(actor, super_admin=True)


def approve(session: Session, actor: Actor, *, request_id: int, today: date, now: datetime) -> Decision:
    request, task = _decidable(session, actor, request_id)
    task, old = service.extend(
        session,
        _deciding(actor),
        task_code=task.code,
        new_deadline=request.new_deadline,
        reason=f"đồng ý yêu cầu gia hạn: {request.reason}",
        today=today,
    )
    _decide(
        session,
        actor,
        request,
        task,
        approved=True,
        note="",
        now=now,
        notice=lambda: copy.approved_notice(task, old, actor.name),
    )
    return Decision(task, request, old)


def refuse(session: Session, actor: Actor, *, request_id: int, reason: str, now: datetime) -> Decision:
    request, task = _decidable(session, actor, request_id)
    reason = " ".join(reason.split())[:REASON_MAX]
    if not reason:
        raise Refused(copy.REFUSAL_NO_REASON)
    _decide(
        session,
        actor,
        request,
        task,
        approved=False,
        note=reason,
        now=now,
        notice=lambda: copy.refused_notice(task, request, actor.name),
    )
    return Decision(task, request, task.deadline)


def _decide(
    session: Session,
    actor: Actor,
    request: ExtensionRequest,
    task: Task,
    *,
    approved: bool,
    note: str,
    now: datetime,
    notice: Callable[[], str],
) -> None:
    """A request decided: recorded, audited, and the owner told (``notice``, written once it is recorded)."""
    request.status = EXTENSION_APPROVED if approved else EXTENSION_REFUSED
    request.decided_by = actor.staff.id if actor.staff else None
    request.decided_at = now
    request.decision_note = note
    session.add(request)
    session.flush()
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="extension_approve" if approved else "extension_refuse",
        entity="task",
        entity_code=task.code,
        field="yêu cầu gia hạn",
        old=f"{request.old_deadline:%d/%m/%Y}",
        new=f"{request.new_deadline:%d/%m/%Y} ({'đồng ý' if approved else 'từ chối'})",
        note=note,
    )
    notices.tell_staff(
        session,
        session.get(Staff, task.owner_id),
        key=f"xd:{request.id}",
        text=notice(),
        now=now,
        markup=copy.comment_keyboard(task.id),
    )


# ---- «Gia hạn» on a blocker notice ----------------------------------------------------------------------------


def task_to_extend(session: Session, actor: Actor, task_id: int) -> Task:
    """A task the actor may extend: admins, managers on their scope."""
    task = service.visible_task(session, actor, task_id)
    if not (actor.is_admin or may_extend(session, actor.staff, task)):
        raise Refused(copy.may_not_extend(task.code))
    return task


def extend(session: Session, actor: Actor, *, task_id: int, text: str, today: date, now: datetime) -> tuple[Task, date]:
    """``<ngày> <lý do>`` typed after «Gia hạn»: the deadline moved (``service.extend``'s checks and
    audit), and the owner told."""
    task = task_to_extend(session, actor, task_id)
    parts = text.split(maxsplit=1)
    if len(parts) < 2:
        raise Refused(copy.EXTEND_UNREADABLE)
    task, old = service.extend(
        session, _deciding(actor), task_code=task.code, new_deadline=parts[0], reason=parts[1], today=today
    )
    owner = session.get(Staff, task.owner_id)
    if owner is not None and (actor.staff is None or owner.id != actor.staff.id):
        notices.tell_staff(
            session,
            owner,
            key=f"xg:{task.id}:{task.deadline.isoformat()}:{now.isoformat()}",
            text=copy.extended_notice(task, old, actor.name),
            now=now,
            markup=copy.comment_keyboard(task.id),
        )
    return task, old
