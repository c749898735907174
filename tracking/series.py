"""Periodic reports: a series (``TaskSeries``: the rule and what each period's task is made of) and
its instances, one ordinary task per period (``Task.series_id``, ``Task.period_key``).

Where series come from
    A task sheet's row with a rule in «Định kỳ» (``tracking.sheets.tasks``), or the «Định kỳ?» step of
    ``/themnhiemvu``. The row's code is the series' code; each instance's code is the series' code and
    the period's key without its dash: ``BC-Q`` → ``BC-Q-2026Q4``, ``BC-M-202612``, ``BC-N-2026``.
    A new series starts with ``recurrence.first_instance`` of the day it is made: the current period's
    instance when its due date has not passed, else the next period's. Its deadline is the period's
    due date on the office's calendar (``tracking.office_calendar``), by ``tracking.recurrence``'s one
    rule (a day the month lacks is its last day; a day off moves back to the working day before).

Each period its own instance
    The reminder scan calls ``make_due_instances`` each cycle, under its lock: every active series
    gets the instance of each period after its last one that has begun (periods missed while the bot
    was down included, at most ``CATCH_UP`` at once), and its owner is told of it. The unique index on (series_id, period_key)
    makes an instance exactly once, whichever process inserts it first. Instances are ordinary tasks:
    their own deadline, reports, reminders, escalation, status and review.

Changing and ending (``/dinhky``; admins, and managers for the series whose owner is in their scope)
    A new rule applies from the next period: the current instance keeps its deadline, and the next
    instance is the period after the last one made, under the new rule (a quarterly series made
    monthly in November goes on with January when the fourth quarter's instance exists). Ending a
    series makes no more instances; the ones made stay. A new rule given to an ended series starts it
    again, from the next period. Both are audited (entity ``task_series``). A new title or owner
    (``/dinhky <mã> ten <tên mới>``, ``/dinhky <mã> giao <mã cán bộ>``: someone of the actor's scope)
    is the next period's instance's: the instances made keep theirs; audited likewise, the new and the
    old owner told. A sheet's row changes the series' other fields (title, owner, leader...) for the
    instances to come, audited likewise; an ended series stays ended when its row is imported again.

Who has and has not reported this period (``/kybaocao``)
    A report sent by several owners or units is several series with the same title and rule: the
    series are grouped by title (folded) and rule. A series has submitted for a period when that
    period's instance is reported 100%: awaiting the leader's confirmation («chờ duyệt») or confirmed.
    The current period of a rule is the one being reported: the previous period while its due date
    has not passed (a report due the month after its period), else the period holding today.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

import texts.series as copy
from reminders.calendar import OfficeCalendar
from storage import series as store
from storage import tracking as db
from storage.models import STATUS_DONE, STATUS_REVIEW, Staff, Task, TaskSeries, Unit, utcnow
from tracking import notices, recurrence
from tracking.parse import key
from tracking.recurrence import Instance, Period, Rule, RuleError
from tracking.refusals import Refused
from tracking.service import (
    Actor,
    NewTask,
    find_or_create_target,
    new_task_people,
    require_manager,
    staff_in_scope,
)

log = logging.getLogger(__name__)

ENTITY = "task_series"
CATCH_UP = 12  # instances one series may make in one scan (after a long downtime)
END_WORDS = {"dung", "dừng", "ket thuc", "stop", "end", "huy"}
TITLE_WORDS = {"ten", "title", "name"}  # /dinhky <mã> ten <tên mới>
OWNER_WORDS = {"giao", "nguoi", "owner", "assign"}  # /dinhky <mã> giao <mã cán bộ>
SUBMITTED = (STATUS_REVIEW, STATUS_DONE)
RULE_FIELD = "Định kỳ"

_KEY = re.compile(r"(\d{4})(?:-(?:W(\d{2})|(\d{2})|Q([1-4])|H([12])))?")


# --------------------------------------------------------------------------
# Periods and instances
# --------------------------------------------------------------------------


def period_from_key(period_key: str) -> Period | None:
    """The period a key names ("2026-W23", "2026-12", "2026-Q4", "2026-H2", "2026"); None if none."""
    m = _KEY.fullmatch(period_key or "")
    if m is None:
        return None
    year, week, month, quarter, half = m.groups()
    try:
        if week:
            return recurrence.period_of(Rule(recurrence.WEEK, weekday=0), date.fromisocalendar(int(year), int(week), 1))
        if month:
            every, first = recurrence.MONTH, int(month)
        elif quarter:
            every, first = recurrence.QUARTER, (int(quarter) - 1) * 3 + 1
        elif half:
            every, first = recurrence.HALF, 1 if half == "1" else 7
        else:
            every, first = recurrence.YEAR, 1
        return recurrence.period_of(_ANY[every], date(int(year), first, 1))
    except ValueError:
        return None


_ANY = {  # any rule of each frequency: periods depend only on it
    recurrence.MONTH: recurrence.parse("hằng tháng ngày 1"),
    recurrence.QUARTER: recurrence.parse("hằng quý ngày 1 tháng đầu quý"),
    recurrence.HALF: recurrence.parse("6 tháng 01/01 và 01/07"),
    recurrence.YEAR: recurrence.parse("hằng năm 01/01"),
}


def instance_code(series_code: str, period: Period) -> str:
    return f"{series_code}-{period.key.replace('-', '')}"


def read_rule(text: str) -> Rule:
    """The rule typed; a Refused with the parser's reason and an example when it does not read."""
    try:
        return recurrence.parse(text)
    except RuleError as exc:
        raise Refused(copy.bad_rule(str(exc))) from None


def _instance_task(series: TaskSeries, made: Instance, at: datetime) -> Task:
    period = made.period
    return Task(
        code=instance_code(series.code, period),
        title=series.title,
        description=series.description,
        owner_id=series.owner_id,
        accountable_id=series.accountable_id,
        host_unit_id=series.host_unit_id,
        coordinating_units=series.coordinating_units,
        start_date=max(period.start, series.starts_on),
        deadline=made.due,
        expected_result=series.expected_result,
        measure=series.measure,
        target_id=series.target_id,
        series_id=series.id,
        period_key=period.key,
        created_at=at,
        updated_at=at,
    )


def make_instance(
    session: Session,
    series: TaskSeries,
    made: Instance,
    *,
    at: datetime,
    actor: Staff | None = None,
    actor_name: str = "",
) -> Task | None:
    """The instance of ``made``'s period, inserted once and audited; None when it exists already (or its
    code is taken by another task, which is logged)."""
    task = _instance_task(series, made, at)
    if db.task_by_code(session=session, code=task.code) is not None:
        if store.instance_of(session=session, series_id=series.id, period_key=made.period.key) is None:
            log.warning(
                "series %s: the code %s of period %s is another task's", series.code, task.code, made.period.key
            )
        return None
    if not store.add_instance_once(session=session, task=task):
        return None
    db.audit(
        session=session,
        actor=actor,
        actor_name=actor_name or copy.BOT_NAME,
        action="create",
        entity="task",
        entity_code=task.code,
        new=f"{task.title} · hạn {task.deadline:%d/%m/%Y}",
        note=copy.instance_note(series, made.period),
    )
    return task


def make_due_instances(
    session: Session, *, today: date, calendar: OfficeCalendar, at: datetime | None = None
) -> list[Task]:
    """Each active series' instances of the periods after its last one that have begun by ``today``
    (the reminder scan, under its lock). A series that fails is skipped and logged; the others go on."""
    at = at or utcnow()
    series_list = [s for s in store.all_series(session=session, active_only=True) if s.starts_on <= today]
    known = store.period_keys(session=session, series_ids=[s.id for s in series_list])
    made: list[Task] = []
    for series in series_list:
        try:
            with session.begin_nested():
                new = _due_instances(session, series, known.get(series.id, []), today, calendar, at)
        except Exception:  # one series' odd data: the others' instances are still made
            log.exception("series %s: its instances could not be made", series.code)
            continue
        made += new
        owner = session.get(Staff, series.owner_id) if new else None
        for task in new:  # the owner hears of the new period's task (through the outbox)
            period = period_from_key(task.period_key)
            notices.tell_staff(
                session,
                owner,
                key=f"task:{task.id}:given",
                now=at,
                text=copy.new_period_notice(series, task, period.label if period else task.period_key),
            )
    return made


def _due_instances(
    session: Session, series: TaskSeries, keys: list[str], today: date, calendar: OfficeCalendar, at: datetime
) -> list[Task]:
    rule = recurrence.parse(series.rule)
    made: list[Task] = []
    periods = [p for p in map(period_from_key, keys) if p is not None]
    if not periods:
        first = recurrence.first_instance(rule, series.starts_on, calendar)
        task = make_instance(session, series, first, at=at)
        made += [task] if task else []
        periods = [first.period]
    period = next_period_after(rule, max(p.end for p in periods))
    while period.start <= today and len(made) < CATCH_UP:
        task = make_instance(session, series, recurrence.instance(rule, period, calendar), at=at)
        made += [task] if task else []
        period = recurrence.next_period(rule, period)
    return made


def next_period_after(rule: Rule, last_end: date) -> Period:
    """The first period of ``rule`` after the one holding ``last_end`` (the end of the last period made)."""
    return recurrence.next_period(rule, recurrence.period_of(rule, last_end))


def last_period(session: Session, series: TaskSeries) -> Period | None:
    keys = store.period_keys(session=session, series_ids=[series.id]).get(series.id, [])
    periods = [p for p in map(period_from_key, keys) if p is not None]
    return max(periods, key=lambda p: p.end) if periods else None


def series_line(session: Session, task: Task) -> str | None:
    """A periodic report's instance as its card names it: its series, rule and period; None otherwise."""
    if task.series_id is None:
        return None
    series = session.get(TaskSeries, task.series_id)
    if series is None:
        return None
    period = period_from_key(task.period_key)
    return copy.series_line(series, period.label if period else task.period_key)


# --------------------------------------------------------------------------
# Making a series
# --------------------------------------------------------------------------


def code_taken(session: Session, code: str) -> bool:
    return (
        db.task_by_code(session=session, code=code) is not None
        or store.series_by_code(session=session, code=code) is not None
    )


def add_series(
    session: Session,
    actor: Actor,
    new: NewTask,
    rule: Rule | str,
    *,
    today: date,
    calendar: OfficeCalendar,
    at: datetime,
) -> tuple[TaskSeries, Task | None]:
    """A new periodic report and its first instance (``/themnhiemvu`` with a rule); audited, the owner told."""
    require_manager(actor, "thêm nhiệm vụ")
    rule = read_rule(rule) if isinstance(rule, str) else rule
    if code_taken(session, new.code):
        from tracking import refusals as no

        raise no.TaskCodeTaken(new.code)
    owner, accountable = new_task_people(session, actor, new)
    target = find_or_create_target(session, new.target) if new.target.strip() else None
    series = TaskSeries(
        code=new.code,
        rule=str(rule),
        title=new.title.strip()[:500],
        description=new.description,
        owner_id=owner.id,
        accountable_id=accountable.id,
        host_unit_id=owner.unit_id,
        expected_result=new.expected_result.strip()[:1000],
        measure=new.measure,
        target_id=target.id if target else None,
        starts_on=today,
        created_at=at,
        updated_at=at,
    )
    session.add(series)
    session.flush()
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="series_create",
        entity=ENTITY,
        entity_code=series.code,
        field=RULE_FIELD,
        new=f"{series.title} · {owner.code} · {series.rule}",
    )
    first = recurrence.first_instance(rule, today, calendar)
    task = make_instance(session, series, first, at=at, actor=actor.staff, actor_name=actor.name)
    from tracking import changes

    if task is not None:
        changes.given(session, actor, task, owner, at=at)
    return series, task


@dataclass
class SheetSeries:
    """What a task sheet's row with a rule says of its series."""

    code: str
    rule: Rule
    values: dict[str, Any]  # TaskSeries attributes


def import_series(
    session: Session,
    rows: list[SheetSeries],
    *,
    today: date,
    calendar: OfficeCalendar,
    actor: Staff | None,
    actor_name: str,
    note: str,
    at: datetime | None = None,
) -> tuple[int, int]:
    """Create or update the series of a sheet's rows (each new one with its first instance); audited.
    (created, updated)."""
    existing = store.series_by_codes(session=session, codes=[r.code for r in rows])
    created = updated = 0
    at = at or utcnow()
    for row in rows:
        series = existing.get(row.code.upper())
        if series is None:
            series = TaskSeries(
                code=row.code, rule=str(row.rule), starts_on=today, created_at=at, updated_at=at, **row.values
            )
            session.add(series)
            session.flush()
            db.audit(
                session=session,
                actor=actor,
                actor_name=actor_name,
                action="series_create",
                entity=ENTITY,
                entity_code=series.code,
                field=RULE_FIELD,
                new=f"{series.title} · {series.rule}",
                note=note,
            )
            make_instance(
                session,
                series,
                recurrence.first_instance(row.rule, today, calendar),
                at=at,
                actor=actor,
                actor_name=actor_name,
            )
            created += 1
            continue
        from tracking.sheets.layout import FIELD_LABELS
        from tracking.sheets.writing import _apply, _shown

        changes = _apply(series, {**row.values, "rule": str(row.rule)})
        for attr, old, new in changes:
            db.audit(
                session=session,
                actor=actor,
                actor_name=actor_name,
                action="series_change",
                entity=ENTITY,
                entity_code=series.code,
                field=RULE_FIELD if attr == "rule" else FIELD_LABELS.get(attr, attr),
                old=_shown(session, attr, old),
                new=_shown(session, attr, new),
                note=f"{note}; {copy.FROM_NEXT_PERIOD}",
            )
        updated += bool(changes)
    session.flush()
    return created, updated


# --------------------------------------------------------------------------
# /dinhky: listing, changing, ending
# --------------------------------------------------------------------------


@dataclass
class SeriesLine:
    series: TaskSeries
    owner: Staff | None
    current: Task | None  # the latest instance made


def _in_scope(session: Session, actor: Actor, series: TaskSeries, people: dict[int, Staff]) -> bool:
    if actor.is_admin:
        return True
    if actor.staff is not None and series.accountable_id == actor.staff.id:
        return True
    owner = people.get(series.owner_id)
    return owner is not None and staff_in_scope(session, actor, owner)


def series_in_scope(session: Session, actor: Actor) -> list[TaskSeries]:
    require_manager(actor, copy.ACTION)
    everything = store.all_series(session=session)
    people = db.staff_by_ids(session=session, ids=[s.owner_id for s in everything])
    return [s for s in everything if _in_scope(session, actor, s, people)]


def listing(session: Session, actor: Actor) -> list[SeriesLine]:
    """The series of the actor's scope, each with its owner and latest instance (``/dinhky``)."""
    found = series_in_scope(session, actor)
    people = db.staff_by_ids(session=session, ids=[s.owner_id for s in found])
    instances = store.instances_of(session=session, series_ids=[s.id for s in found])
    return [SeriesLine(s, people.get(s.owner_id), _latest(instances.get(s.id, []))) for s in found]


def _latest(tasks: list[Task]) -> Task | None:
    read = [(period_from_key(t.period_key), t) for t in tasks]
    dated = [(p, t) for p, t in read if p is not None]
    return max(dated, key=lambda item: item[0].end)[1] if dated else None


def scoped_series(session: Session, actor: Actor, code: str) -> TaskSeries:
    """A series the actor may change: admins any, managers those whose owner is in their scope (an
    unknown code and one outside the scope read the same)."""
    require_manager(actor, copy.ACTION)
    series = store.series_by_code(session=session, code=code)
    if series is None:
        raise Refused(copy.not_found(code))
    if not actor.is_admin:
        owner = session.get(Staff, series.owner_id)
        if owner is None or not staff_in_scope(session, actor, owner):
            raise Refused(copy.not_found(code))
    return series


@dataclass
class RuleChange:
    series: TaskSeries
    old: str
    resumed: bool
    current: Task | None  # keeps its deadline
    next: Instance  # the next period's instance under the new rule


def change_rule(
    session: Session, actor: Actor, *, code: str, text: str, today: date, calendar: OfficeCalendar
) -> RuleChange:
    """A series' new rule, from the next period (an ended series starts again); audited."""
    series = scoped_series(session, actor, code)
    rule = read_rule(text)
    old = series.rule
    if str(rule) == old and series.ended_on is None:
        raise Refused(copy.same_rule(series))
    last = last_period(session, series)
    upcoming = (
        next_period_after(rule, last.end)
        if last is not None
        else recurrence.first_instance(rule, today, calendar).period
    )
    resumed = series.ended_on is not None
    series.rule, series.ended_on, series.updated_at = str(rule), None, utcnow()
    session.add(series)
    nxt = recurrence.instance(rule, upcoming, calendar)
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="series_resume" if resumed else "series_rule",
        entity=ENTITY,
        entity_code=series.code,
        field=RULE_FIELD,
        old=old,
        new=series.rule,
        note=copy.from_period(nxt),
    )
    current = store.instance_of(session=session, series_id=series.id, period_key=last.key) if last is not None else None
    return RuleChange(series, old, resumed, current, nxt)


@dataclass
class SeriesChange:
    """A series' new title or owner, for the instances to come (``field``: ``TITLE_FIELD`` or
    ``OWNER_FIELD``); the instances made keep theirs."""

    series: TaskSeries
    field: str
    old: str
    new: str
    current: Task | None  # the latest instance made: keeps its title and owner
    next: Instance  # the next period's instance, the first with the new title or owner


def _next_instance(session: Session, series: TaskSeries, today: date, calendar: OfficeCalendar):
    """The latest instance made, and the next period's instance under the series' rule."""
    rule = recurrence.parse(series.rule)
    last = last_period(session, series)
    upcoming = next_period_after(rule, last.end) if last is not None else None
    nxt = (
        recurrence.instance(rule, upcoming, calendar)
        if upcoming is not None
        else recurrence.first_instance(rule, today, calendar)
    )
    current = store.instance_of(session=session, series_id=series.id, period_key=last.key) if last is not None else None
    return current, nxt


def _audit_change(session: Session, actor: Actor, series: TaskSeries, label: str, old: str, new: str, nxt) -> None:
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="series_change",
        entity=ENTITY,
        entity_code=series.code,
        field=label,
        old=old,
        new=new,
        note=copy.from_period(nxt),
    )


def change_title(
    session: Session, actor: Actor, *, code: str, title: str, today: date, calendar: OfficeCalendar
) -> SeriesChange:
    """A series' new title, from the next period's instance on (``/dinhky <mã> ten <tên mới>``); audited."""
    series = scoped_series(session, actor, code)
    title = " ".join(title.split())[:500]
    if not title:
        raise Refused(copy.TITLE_USAGE)
    if title == series.title:
        raise Refused(copy.same_title(series))
    old, series.title, series.updated_at = series.title, title, utcnow()
    session.add(series)
    current, nxt = _next_instance(session, series, today, calendar)
    _audit_change(session, actor, series, copy.TITLE_FIELD, old, title, nxt)
    return SeriesChange(series, copy.TITLE_FIELD, old, title, current, nxt)


def change_owner(
    session: Session, actor: Actor, *, code: str, staff_code: str, today: date, calendar: OfficeCalendar, at: datetime
) -> SeriesChange:
    """A series given to someone of the actor's scope, from the next period's instance on (``/dinhky
    <mã> giao <mã cán bộ>``; its host unit follows the owner, as ``/giao`` does); audited, the new and
    the old owner told."""
    from tracking import refusals as no
    from tracking.service import scoped_staff

    series = scoped_series(session, actor, code)
    staff_code = staff_code.strip()
    if not staff_code or len(staff_code.split()) > 1:
        raise Refused(copy.OWNER_USAGE)
    try:
        owner = scoped_staff(session, actor, staff_code)
    except no.StaffNotFound:
        raise Refused(copy.unknown_owner(series, staff_code)) from None
    previous = session.get(Staff, series.owner_id)
    if owner.id == series.owner_id:
        raise Refused(copy.same_owner(series, owner))
    series.owner_id, series.host_unit_id, series.updated_at = owner.id, owner.unit_id, utcnow()
    session.add(series)
    current, nxt = _next_instance(session, series, today, calendar)
    old, new = copy.person(previous), copy.person(owner)
    _audit_change(session, actor, series, copy.OWNER_FIELD, old, new, nxt)
    told = ((owner, "to", copy.owner_given(series, nxt)), (previous, "from", copy.owner_taken(series, owner, nxt)))
    for staff, way, text in told:
        notices.tell_staff(
            session, staff, key=f"series:{series.id}:{way}:{owner.id}:{at.isoformat()}", text=text, now=at
        )
    return SeriesChange(series, copy.OWNER_FIELD, old, new, current, nxt)


def end_series(session: Session, actor: Actor, *, code: str, today: date) -> tuple[TaskSeries, Task | None]:
    """No more instances of the series from today; the ones made stay. Audited."""
    series = scoped_series(session, actor, code)
    if series.ended_on is not None:
        raise Refused(copy.already_ended(series))
    series.ended_on, series.updated_at = today, utcnow()
    session.add(series)
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="series_end",
        entity=ENTITY,
        entity_code=series.code,
        field=RULE_FIELD,
        old=series.rule,
        new=copy.ENDED,
    )
    last = last_period(session, series)
    current = store.instance_of(session=session, series_id=series.id, period_key=last.key) if last is not None else None
    return series, current


# --------------------------------------------------------------------------
# /kybaocao: who has and has not reported this period
# --------------------------------------------------------------------------


@dataclass
class Submission:
    series: TaskSeries
    owner: Staff | None
    unit: Unit | None
    task: Task | None  # None: the series has no instance for the period (started after it)

    @property
    def submitted(self) -> bool:
        return self.task is not None and self.task.status in SUBMITTED


@dataclass
class PeriodGroup:
    title: str
    rule: str
    period: Period
    rows: list[Submission] = field(default_factory=list)

    @property
    def submitted(self) -> list[Submission]:
        return [r for r in self.rows if r.submitted]

    @property
    def missing(self) -> list[Submission]:
        """Not submitted, by deadline (the latest made first of all)."""
        late = [(r.task.deadline, r.series.code, r) for r in self.rows if r.task is not None and not r.submitted]
        return [r for *_, r in sorted(late, key=lambda item: item[:2])]

    @property
    def not_started(self) -> list[Submission]:
        return [r for r in self.rows if r.task is None]


def reporting_period(rule: Rule, today: date, calendar: OfficeCalendar) -> Period:
    """The period being reported on ``today``: the previous one while its due date has not passed, else
    the one holding today."""
    current = recurrence.period_of(rule, today)
    previous = recurrence.previous_period(rule, current)
    return previous if recurrence.due_date(rule, previous, calendar) >= today else current


def period_status(
    session: Session, actor: Actor, *, code: str = "", today: date, calendar: OfficeCalendar
) -> list[PeriodGroup]:
    """For each periodic report of the actor's scope (or the one of ``code``: a series' code, or an
    instance's for its period), who has submitted for the period and who has not."""
    found = series_in_scope(session, actor)
    groups: dict[tuple[str, str], list[TaskSeries]] = {}
    for s in found:
        groups.setdefault((key(s.title), s.rule), []).append(s)
    wanted: Period | None = None
    if code:
        chosen = next((s for s in found if s.code.upper() == code.strip().upper()), None)
        if chosen is None:
            task = db.task_by_code(session=session, code=code)
            chosen = next((s for s in found if task is not None and s.id == task.series_id), None)
            if chosen is not None and task is not None:
                wanted = period_from_key(task.period_key)
        if chosen is None:
            raise Refused(copy.not_found(code))
        groups = {k: v for k, v in groups.items() if chosen in v}
    instances = store.instances_of(session=session, series_ids=[s.id for s in found])
    people = db.staff_by_ids(session=session, ids=[s.owner_id for s in found])
    units = {u.id: u for u in db.list_units(session=session)}
    result = []
    for members in groups.values():
        first = members[0]
        period = wanted or reporting_period(recurrence.parse(first.rule), today, calendar)
        group = PeriodGroup(first.title, first.rule, period)
        for s in sorted(members, key=lambda s: s.code):
            task = next((t for t in instances.get(s.id, []) if t.period_key == period.key), None)
            if task is None and s.ended_on is not None:
                continue
            owner = people.get(s.owner_id)
            group.rows.append(Submission(s, owner, units.get(s.host_unit_id), task))
        if group.rows:
            result.append(group)
    return sorted(result, key=lambda g: (key(g.title), g.rule))


def overdue_days(task: Task, today: date, calendar: OfficeCalendar) -> int:
    """Working days late (the digest's and the escalation's one rule)."""
    return calendar.days_late(task.deadline, today)
