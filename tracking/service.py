"""Task tracking: who may do what, and doing it.

Every operation takes the caller's session and the :class:`Actor` asking, checks
permission first and raises a :class:`~tracking.refusals.Refused` (one of its typed kinds,
carrying what was wrong; ``texts.refusals`` says it) before changing anything; every function
returns data, never a message. Handlers and the CLI are thin layers over these functions.

Permissions:
* officers see the tasks they carry out or answer for, and report on those they carry out;
* managers also see and report on everything in their scope: their unit's
  subtree, their direct reports' tasks and the tasks they answer for;
* admins (role "quản trị", or a Telegram id in ADMIN_IDS) see and change everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from storage import tracking as db
from storage.db import get_row
from storage.models import (
    ROLE_ADMIN,
    ROLE_MANAGER,
    STATUS_BLOCKED,
    STATUS_DONE,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    STATUS_REVIEW,
    Report,
    Staff,
    Target,
    TargetValue,
    Task,
    Unit,
    utcnow,
)
from texts.common import ROLE_LABELS, STATUS_LABELS
from tracking import refusals as no
from tracking.parse import LAST_DAY, InputError, check_date_bounds, parse_date, parse_number, parse_percent, parse_role
from tracking.refusals import Refused  # noqa: F401 (where the handlers, the CLI and kb.feedback take it)

FLOW_VALID_FOR = timedelta(minutes=30)
# The lengths of the columns (PostgreSQL refuses longer values): a report's note, a task's blocked
# reason (a blocked report's note), a target's name and key.
NOTE_MAX = 2000
BLOCKED_REASON_MAX = 1000
TARGET_NAME_MAX = 500


@dataclass
class Actor:
    """Who is asking: a Telegram account, the staff member linked to it if any."""

    telegram_id: int | None
    staff: Staff | None
    super_admin: bool = False  # in ADMIN_IDS, or the command line

    @property
    def is_admin(self) -> bool:
        return self.super_admin or (self.staff is not None and self.staff.role == ROLE_ADMIN)

    @property
    def is_manager(self) -> bool:
        return self.is_admin or (self.staff is not None and self.staff.role == ROLE_MANAGER)

    @property
    def name(self) -> str:
        if self.staff is not None:
            return self.staff.full_name
        return f"Telegram {self.telegram_id}" if self.telegram_id else "dòng lệnh"

    def scope(self, session: Session) -> db.Scope:
        return db.scope_of(session=session, staff=self.staff, super_admin=self.super_admin)


def resolve_actor(session: Session, *, telegram_id: int | None, admin_ids: list[int] | tuple = ()) -> Actor:
    staff = db.staff_by_telegram(session=session, telegram_id=telegram_id) if telegram_id else None
    return Actor(telegram_id=telegram_id, staff=staff, super_admin=telegram_id in admin_ids)


def cli_actor() -> Actor:
    return Actor(telegram_id=None, staff=None, super_admin=True)


def require_linked(actor: Actor) -> Staff:
    if actor.staff is None:
        raise no.NotLinked()
    return actor.staff


def require_admin(actor: Actor, action: str) -> None:
    if not actor.is_admin:
        raise no.AdminOnly(action)


def staff_in_scope(session: Session, actor: Actor, staff: Staff) -> bool:
    """Whether ``staff`` is in the actor's scope: everyone for admins; for managers themself, their
    direct reports and the people of their unit's subtree; officers have no one in theirs."""
    if actor.is_admin:
        return True
    me = actor.staff
    if me is None or me.role != ROLE_MANAGER:
        return False
    if staff.id == me.id or staff.manager_id == me.id:
        return True
    mine, theirs = session.get(Unit, me.unit_id), session.get(Unit, staff.unit_id)
    return mine is not None and theirs is not None and theirs.path.startswith(mine.path)


def scoped_staff(session: Session, actor: Actor, code: str) -> Staff:
    """The staff member ``code`` within the actor's scope (the same refusal for unknown codes and
    people outside it, so no one outside is disclosed)."""
    staff = db.staff_by_code(session=session, code=code)
    if staff is None or not staff_in_scope(session, actor, staff):
        raise no.StaffNotFound(code)
    return staff


def scoped_task(session: Session, actor: Actor, code: str | int) -> Task:
    """A task of the actor's scope for a manager's change (creating, reassigning, extending): the
    manager's unit subtree and direct reports, or everything for an admin. A task the manager only
    answers for, outside that scope, is refused as any other."""
    require_manager(actor, "thay đổi nhiệm vụ")
    task = visible_task(session, actor, code)
    if not actor.is_admin:
        owner = session.get(Staff, task.owner_id)
        if owner is None or not staff_in_scope(session, actor, owner):
            raise no.TaskNotVisible(code if isinstance(code, str) else None)
    return task


def require_manager(actor: Actor, action: str) -> None:
    if not actor.is_manager:
        if actor.staff is None and not actor.super_admin:
            raise no.NotLinked()
        raise no.ManagerOnly(action)


# --------------------------------------------------------------------------
# Looking up
# --------------------------------------------------------------------------


def status_for(percent: int, review: bool = False) -> str:
    """The status a report of ``percent`` gives; 100% awaits the leader's confirmation under ``review``."""
    if percent >= 100:
        return STATUS_REVIEW if review else STATUS_DONE
    return STATUS_IN_PROGRESS if percent > 0 else STATUS_NOT_STARTED


def visible_task(session: Session, actor: Actor, code_or_id: str | int) -> Task:
    """A task the actor may see, or TaskNotVisible (the same for unknown and
    out-of-scope codes, so codes outside one's scope are not disclosed)."""
    if actor.staff is None and not actor.super_admin:
        raise no.NotLinked()
    task = (
        db.task_by_id(session=session, task_id=code_or_id)
        if isinstance(code_or_id, int)
        else db.task_by_code(session=session, code=code_or_id)
    )
    own = task is not None and actor.staff is not None and actor.staff.id in (task.owner_id, task.accountable_id)
    if task is None or not (own or db.task_in_scope(session=session, scope=actor.scope(session), task_id=task.id)):
        if isinstance(code_or_id, int):  # a button: say nothing of what the id is
            raise no.TaskNotVisible()
        raise no.TaskNotVisible(code_or_id)
    return task


def staff_or_refuse(session: Session, code: str) -> Staff:
    staff = db.staff_by_code(session=session, code=code)
    if staff is None:
        raise no.StaffNotFound(code)
    return staff


@dataclass
class TaskLine:
    task: Task
    owner: Staff | None
    accountable: Staff | None


def my_tasks(session: Session, actor: Actor, *, open_only: bool = True, limit: int = 30) -> list[TaskLine]:
    """The actor's own tasks (those they carry out), nearest deadline first, for the list of
    ``/nhiemvu`` (which names nobody: the lines' owner and accountable person are left None)."""
    staff = require_linked(actor)
    tasks = db.own_tasks(session=session, owner_id=staff.id, open_only=open_only, limit=limit)
    return [TaskLine(t, None, None) for t in tasks]


def task_lines(session: Session, tasks) -> list[TaskLine]:
    people = db.staff_by_ids(session=session, ids=[t.owner_id for t in tasks] + [t.accountable_id for t in tasks])
    return [TaskLine(t, people.get(t.owner_id), people.get(t.accountable_id)) for t in tasks]


# --------------------------------------------------------------------------
# Reporting progress
# --------------------------------------------------------------------------


def can_report(session: Session, actor: Actor, task: Task) -> bool:
    if actor.is_admin:
        return True
    if actor.staff is None:
        return False
    if task.owner_id == actor.staff.id:
        return True
    return actor.is_manager and db.task_in_scope(session=session, scope=actor.scope(session), task_id=task.id)


def report(
    session: Session,
    actor: Actor,
    *,
    task: Task | str | int,
    percent: int | str,
    blocked: bool = False,
    note: str = "",
    at: datetime | None = None,
    review: bool = True,
) -> tuple[Task, Report]:
    """Record the actor's report on a task; the task (moved to the report) and the report. Under
    ``review`` (REVIEW_COMPLETION) a 100% report puts the task «chờ duyệt» and asks its accountable
    leader to confirm (``tracking.review``); without, it is done at once.

    The task comes back with the report because the session keeps only weak references to
    what it loaded: a caller that looked the task up again would read its row once more."""
    staff = require_linked(actor)
    if not isinstance(task, Task):
        task = visible_task(session, actor, task)
    if not can_report(session, actor, task):
        raise no.NotOwnTask(task.code)
    if not isinstance(percent, int):
        try:
            percent = parse_percent(percent)
        except InputError as exc:
            raise no.Unreadable("report", str(exc)) from None
    if not 0 <= percent <= 100:
        raise no.PercentOutOfRange()
    note = " ".join(note.split())[: BLOCKED_REASON_MAX if blocked else NOTE_MAX]
    if blocked and not note:
        raise no.ReasonMissing("report")
    # The accountable leader's own 100% needs no one's confirmation: it is done at once.
    status = STATUS_BLOCKED if blocked else status_for(percent, review and staff.id != task.accountable_id)
    old = (task.progress, task.status)
    entry = db.add_report(session=session, task=task, staff=staff, percent=percent, status=status, note=note, at=at)
    from tracking import review as reviews

    reviews.after_report(session, task, entry, was=old[1], at=entry.created_at)
    if blocked:  # the accountable leader hears of it at once (tracking.talk)
        from tracking import talk

        talk.blocker_reported(session, actor, task=task, report=entry, now=entry.created_at)
    db.audit(
        session=session,
        actor=staff,
        action="report",
        entity="task",
        entity_code=task.code,
        field="tiến độ",
        old=_progress(old[0], old[1]),
        new=_progress(percent, status),
        note=note,
    )
    return task, entry


def _progress(percent: int, status: str) -> str:
    return f"{percent}% ({STATUS_LABELS.get(status, status)})"


def own_report(session: Session, actor: Actor, report_id: int) -> Report:
    """A report the actor wrote themself (for adding a note or correcting it)."""
    staff = require_linked(actor)
    entry = session.get(Report, report_id)
    if entry is None or entry.staff_id != staff.id:
        raise no.NotOwnReport()
    task = session.get(Task, entry.task_id)
    if task is None or not can_report(session, actor, task):
        raise no.NotOwnReport(task_gone=True)
    return entry


def last_own_report(session: Session, actor: Actor, task: Task) -> Report:
    staff = require_linked(actor)
    entry = db.latest_report(session=session, task_id=task.id, staff_id=staff.id)
    if entry is None:
        raise no.NoReportYet(task.code)
    return entry


def add_note(session: Session, actor: Actor, *, report_id: int, note: str) -> Report:
    entry = own_report(session, actor, report_id)
    note = " ".join(note.split())[:NOTE_MAX]
    entry.note = (
        f"{entry.note}\n{note}".strip() if entry.note and entry.status != STATUS_BLOCKED else (note or entry.note)
    )[:NOTE_MAX]
    session.add(entry)
    task = session.get(Task, entry.task_id)
    if note:
        from tracking import review as reviews

        reviews.added_to_report(
            session, entry, what=f"ghi chú: {note}", key=f"note:{len(entry.note)}", at=entry.created_at
        )
    db.audit(
        session=session,
        actor=actor.staff,
        action="report_note",
        entity="task",
        entity_code=task.code if task else "",
        field="ghi chú",
        new=note,
    )
    return entry


def add_evidence(
    session: Session,
    actor: Actor,
    *,
    report_id: int,
    file_id: str,
    file_unique_id: str = "",
    file_name: str = "",
    mime_type: str = "",
    size_bytes: int = 0,
):
    entry = own_report(session, actor, report_id)
    item = db.add_evidence(
        session=session,
        report=entry,
        file_id=file_id,
        file_unique_id=file_unique_id,
        file_name=file_name,
        mime_type=mime_type,
        size_bytes=size_bytes,
    )
    from tracking import review as reviews

    reviews.added_to_report(
        session, entry, what=f"minh chứng «{file_name or 'tệp'}»", key=f"evidence:{item.id}", at=entry.created_at
    )
    task = session.get(Task, entry.task_id)
    db.audit(
        session=session,
        actor=actor.staff,
        action="evidence",
        entity="task",
        entity_code=task.code if task else "",
        field="minh chứng",
        new=file_name or file_unique_id,
    )
    return item


def correct_report(
    session: Session,
    actor: Actor,
    *,
    report_id: int,
    percent: int,
    blocked: bool = False,
    note: str | None = None,
    review: bool = True,
) -> Report:
    entry = own_report(session, actor, report_id)
    newest = db.latest_report(session=session, task_id=entry.task_id, staff_id=entry.staff_id)
    if newest is None or newest.id != entry.id:
        raise no.NotLatestReport()
    status = STATUS_BLOCKED if blocked else status_for(percent, review)
    old = _progress(entry.percent, entry.status)
    was = get_row(session, Task, entry.task_id).status
    note = (entry.note if note is None else " ".join(note.split()))[: BLOCKED_REASON_MAX if blocked else NOTE_MAX]
    if blocked and not note:
        raise no.ReasonMissing("correct")
    db.correct_report(session=session, report=entry, percent=percent, status=status, note=note)
    task = session.get(Task, entry.task_id)
    if task is not None:
        from tracking import review as reviews

        reviews.after_report(session, task, entry, was=was, at=utcnow())
        if blocked:  # the accountable leader hears of it at once (tracking.talk)
            from tracking import talk

            talk.blocker_reported(session, actor, task=task, report=entry, now=entry.created_at)
    db.audit(
        session=session,
        actor=actor.staff,
        action="report_correct",
        entity="task",
        entity_code=task.code if task else "",
        field="tiến độ",
        old=old,
        new=_progress(percent, status),
    )
    return entry


def snooze(session: Session, actor: Actor, *, task_id: int, until: date) -> Task:
    """ "Nhắc tôi ngày mai": no owner reminders before ``until``."""
    task = visible_task(session, actor, task_id)
    if not can_report(session, actor, task):
        raise no.NotOwnTask(task.code, doing="snooze")
    old = task.snoozed_until
    task.snoozed_until = until
    session.add(task)
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="snooze",
        entity="task",
        entity_code=task.code,
        field="nhắc lại từ",
        old=old,
        new=until,
    )
    return task


# --------------------------------------------------------------------------
# Admin changes
# --------------------------------------------------------------------------


@dataclass
class NewTask:
    code: str
    title: str
    owner_code: str
    accountable_code: str
    deadline: date
    expected_result: str
    target: str = ""
    description: str = ""
    measure: str = ""
    start_date: date | None = None
    extra: dict = field(default_factory=dict)


def next_task_code(session: Session) -> str:
    from sqlmodel import func, select

    n = session.exec(select(func.count()).select_from(Task)).one() + 1
    while db.task_by_code(session=session, code=f"NV{n:03d}") is not None:
        n += 1
    return f"NV{n:03d}"


def find_or_create_target(session: Session, text: str) -> Target:
    from tracking.parse import key, target_value_in

    text = " ".join(text.split())[:TARGET_NAME_MAX]
    target = db.target_by_code(session=session, code=text) or db.target_by_key(
        session=session, key=key(text)[:TARGET_NAME_MAX]
    )
    if target is None:
        value, unit, higher = target_value_in(text)
        target = Target(
            code=db.next_target_code(session=session),
            name=text,
            key=key(text)[:TARGET_NAME_MAX],
            target_value=value,
            measure_unit=unit,
            higher_is_better=higher,
        )
        session.add(target)
        session.flush()
    return target


def new_task_people(session: Session, actor: Actor, new: NewTask) -> tuple[Staff, Staff]:
    """The owner and the accountable leader of a new task or periodic report, both within the
    actor's scope; refused when the task or its expected result is missing."""
    owner = scoped_staff(session, actor, new.owner_code)
    accountable = accountable_leader(session, actor, new.accountable_code)
    missing = [
        label
        for label, value in (("nhiệm vụ", new.title), ("kết quả cần đạt", new.expected_result))
        if not value.strip()
    ]
    if missing:
        raise no.Missing(missing)
    return owner, accountable


def add_task(session: Session, actor: Actor, new: NewTask, *, today: date, at: datetime | None = None) -> Task:
    """A new task, by an admin or a manager for the people of their scope; its owner is told."""
    require_manager(actor, "thêm nhiệm vụ")
    if db.task_by_code(session=session, code=new.code) is not None:
        raise no.TaskCodeTaken(new.code)
    owner, accountable = new_task_people(session, actor, new)
    for day in (new.deadline, new.start_date):
        if day is not None:
            try:
                check_date_bounds(day)
            except InputError as exc:
                raise no.Unreadable("add", str(exc)) from None
    target = find_or_create_target(session, new.target) if new.target.strip() else None
    task = Task(
        code=new.code,
        title=new.title.strip(),
        description=new.description,
        owner_id=owner.id,
        accountable_id=accountable.id,
        host_unit_id=owner.unit_id,
        deadline=new.deadline,
        start_date=new.start_date or today,
        expected_result=new.expected_result.strip(),
        measure=new.measure,
        target_id=target.id if target else None,
    )
    session.add(task)
    session.flush()
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="create",
        entity="task",
        entity_code=task.code,
        new=f"{task.title} · {owner.code} · hạn {task.deadline:%d/%m/%Y}",
    )
    from tracking import changes

    changes.given(session, actor, task, owner, at=at or utcnow())
    return task


def accountable_leader(session: Session, actor: Actor, code: str) -> Staff:
    """The accountable leader named for a new task: a manager or an admin of the actor's scope."""
    staff = scoped_staff(session, actor, code)
    if staff.role not in (ROLE_MANAGER, ROLE_ADMIN):
        from texts.review import not_a_leader

        raise no.Refused(not_a_leader(staff))
    return staff


def reassign(
    session: Session, actor: Actor, *, task_code: str, staff_code: str, at: datetime | None = None
) -> tuple[Task, Staff | None, Staff]:
    """Give a task of the actor's scope to someone of it; the old and the new owner are told."""
    require_manager(actor, "giao lại nhiệm vụ")
    task = scoped_task(session, actor, task_code)
    new_owner = scoped_staff(session, actor, staff_code)
    old_owner = session.get(Staff, task.owner_id)
    if new_owner.id == task.owner_id:
        raise no.SameOwner(task.code, new_owner.full_name)
    task.owner_id = new_owner.id
    task.host_unit_id = new_owner.unit_id
    task.updated_at = utcnow()
    session.add(task)
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="reassign",
        entity="task",
        entity_code=task.code,
        field="người thực hiện",
        old=f"{old_owner.full_name} ({old_owner.code})" if old_owner else "",
        new=f"{new_owner.full_name} ({new_owner.code})",
    )
    from tracking import changes

    changes.moved(session, actor, task, old_owner, new_owner, at=at or utcnow())
    return task, old_owner, new_owner


def extend(
    session: Session,
    actor: Actor,
    *,
    task_code: str,
    new_deadline: str | date,
    reason: str,
    today: date,
    at: datetime | None = None,
) -> tuple[Task, date]:
    """A later deadline for a task of the actor's scope, with a reason; its owner is told."""
    require_manager(actor, "gia hạn nhiệm vụ")
    task = scoped_task(session, actor, task_code)
    try:
        new_deadline = check_date_bounds(new_deadline) if isinstance(new_deadline, date) else parse_date(new_deadline)
    except InputError as exc:
        raise no.Unreadable("extend", str(exc)) from None
    reason = " ".join(reason.split())
    if not reason:
        raise no.ReasonMissing("extend")
    old = task.deadline
    # A deadline out of bounds (31/12/9999 from before dates were checked) may be brought back to a real one.
    if new_deadline <= old and old <= LAST_DAY:
        raise no.DeadlineNotLater(new_deadline, old)
    if new_deadline < today:
        raise no.DeadlinePassed(new_deadline)
    task.deadline = new_deadline
    task.updated_at = utcnow()
    session.add(task)
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="extend",
        entity="task",
        entity_code=task.code,
        field="thời hạn",
        old=old,
        new=new_deadline,
        note=reason,
    )
    from tracking import changes

    changes.extended(session, actor, task, old, reason, at=at or utcnow())
    return task, old


def set_role(session: Session, actor: Actor, *, staff_code: str, role: str) -> tuple[Staff, str]:
    require_admin(actor, "đổi vai trò")
    staff = staff_or_refuse(session, staff_code)
    try:
        new_role = parse_role(role)
    except InputError as exc:
        raise no.Unreadable("role", str(exc)) from None
    old = staff.role
    if new_role == old:  # nothing changes: said so, and no line in the audit log
        return staff, old
    if actor.staff is not None and staff.id == actor.staff.id and new_role != ROLE_ADMIN and not actor.super_admin:
        raise no.CannotDropOwnAdmin()
    staff.role = new_role
    staff.updated_at = utcnow()
    session.add(staff)
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="role",
        entity="staff",
        entity_code=staff.code,
        field="vai trò",
        old=ROLE_LABELS.get(old, old),
        new=ROLE_LABELS[new_role],
    )
    return staff, old


def record_target(
    session: Session, actor: Actor, *, target_code: str, value: str | float, note: str = "", at: datetime | None = None
) -> tuple[Target, TargetValue, TargetValue | None]:
    require_admin(actor, "cập nhật chỉ tiêu")
    target = db.target_by_code(session=session, code=target_code)
    if target is None:
        raise no.TargetNotFound(target_code)
    if not isinstance(value, (int, float)):
        try:
            value = parse_number(value)
        except InputError as exc:
            raise no.Unreadable("record", str(exc)) from None
    if target.measure_unit.strip() == "%" and not 0 <= value <= 100:  # «1.720» read as 1720 (a dot between thousands)
        raise no.Unreadable(
            "record",
            f"«{_num(value)}%» không hợp lệ: chỉ tiêu này tính theo %, giá trị phải từ 0 "
            f"đến 100 (số thập phân viết bằng dấu phẩy, ví dụ: /capnhatchitieu "
            f"{target.code} 82,5)",
        )
    previous = db.latest_target_values(session=session, target_ids=[target.id]).get(target.id)
    entry = TargetValue(
        target_id=target.id,
        value=float(value),
        recorded_at=at or utcnow(),
        recorded_by=actor.staff.id if actor.staff else None,
        note=note[:1000],
    )
    session.add(entry)
    session.flush()
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="target_value",
        entity="target",
        entity_code=target.code,
        field="giá trị thực tế",
        old=_num(previous.value) if previous else "",
        new=_num(entry.value),
        note=note,
    )
    return target, entry, previous


def _num(value: float) -> str:
    from texts.common import number

    return number(value, 3)  # shown by /nhatky: 82,5 as Vietnamese writes it


def audit_log(session: Session, actor: Actor, *, code: str | None = None, limit: int = 20):
    require_admin(actor, "xem nhật ký thay đổi")
    return db.audit_entries(session=session, entity_code=code, limit=limit)


def unit_by_name(session: Session, actor: Actor, text: str) -> Unit:
    """A unit named by the user (its name or full path), within the actor's scope."""
    from tracking.parse import key, unit_path

    require_manager(actor, "xem tổng hợp theo đơn vị")
    try:
        names = unit_path(text)
    except InputError as exc:  # e.g. "/donvi >": no name at all
        raise no.Unreadable("unit", str(exc)) from None
    keys = [key(n) for n in names]
    unit = db.unit_by_key(session=session, key=db.UNIT_SEPARATOR.join(keys))
    candidates = [unit] if unit is not None else list(db.units_by_name_key(session=session, name_key=keys[-1]))
    if not candidates:  # a part of the name, or its abbreviation («Phòng CCHC»)
        from tracking.leaders import _contract

        short = _contract(keys[-1])
        candidates = [
            u
            for u in db.list_units(session=session)
            if keys[-1] in (last := u.key.rsplit(db.UNIT_SEPARATOR, 1)[-1]) or short in _contract(last)
        ]
    scope = actor.scope(session)
    candidates = [u for u in candidates if scope.covers_unit(u)]
    if not candidates:
        raise no.UnitNotFound(text)
    if len(candidates) > 1:
        listed = "; ".join(db.unit_full_name(session=session, unit=u) for u in candidates[:5])
        raise no.UnitAmbiguous(text, listed)
    return candidates[0]


def scope_title(session: Session, staff: Staff | None, *, everything: bool) -> str:
    """How a digest names its scope: everything, or a person and their unit."""
    if everything or staff is None:
        return "toàn bộ nhiệm vụ"
    unit = session.get(Unit, staff.unit_id)
    return f"{staff.full_name} · {db.unit_full_name(session=session, unit=unit)}" if unit else staff.full_name


def units_in_scope(session: Session, actor: Actor) -> list[Unit]:
    require_manager(actor, "xem tổng hợp theo đơn vị")
    scope = actor.scope(session)
    return [u for u in db.list_units(session=session) if scope.covers_unit(u)]
