"""Importing a task sheet: each row checked against the staff, units and targets, then
every task created or updated, its milestones replaced."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from reminders.calendar import OfficeCalendar
from storage import tracking as db
from storage.models import Milestone, Staff, Target, Task
from tracking.parse import InputError, format_date, key, parse_date, target_value_in
from tracking.sheets import guard
from tracking.sheets.checks import _check_cells, _first_seen, _parsed, _Problems
from tracking.sheets.layout import (
    T_ACCOUNTABLE,
    T_CODE,
    T_COORDINATING,
    T_DEADLINE,
    T_DESCRIPTION,
    T_EXPECTED,
    T_HOST,
    T_MEASURE,
    T_MILESTONES,
    T_OWNER,
    T_RULE,
    T_START,
    T_TARGET,
    T_TITLE,
    TASK_SHEET,
    Column,
    ImportResult,
)
from tracking.sheets.reading import _Row
from tracking.sheets.units import _UnitFinder
from tracking.sheets.writing import _apply, _AuditLog, _staff_by_codes

if TYPE_CHECKING:
    from tracking.recurrence import Rule

_TARGET_CODE = re.compile(r"CT\d+", re.IGNORECASE)
_BRACKETED_CODE = re.compile(r"\(([^()]+)\)\s*$")

# Optional text columns and the task attribute each one sets.
_TASK_TEXTS = ((T_DESCRIPTION, "description"), (T_COORDINATING, "coordinating_units"), (T_MEASURE, "measure"))


@dataclass(frozen=True)
class _TaskPlan:
    number: int
    code: str
    values: dict[str, Any]  # the Task attributes the file gives
    owner_code: str
    target: str | None  # None: no «Chỉ tiêu» column; "": no target
    milestones: list[tuple[date, str]] | None  # None: no «Mốc tiến độ» column
    rule: Rule | None = None  # a periodic report's rule: the row is a series


def _import_tasks(
    session: Session,
    rows: list[_Row],
    log: _AuditLog,
    *,
    today: date | None = None,
    calendar: OfficeCalendar | None = None,
    now: datetime | None = None,
    override: bool = False,
) -> ImportResult:
    problems = _Problems()
    people = _staff_by_codes(session, [_staff_code(r.text(c)) for r in rows for c in (T_OWNER, T_ACCOUNTABLE)])
    units = _UnitFinder(session, create=False)
    codes: dict[object, int] = {}
    plans = []
    for row in rows:
        before = len(problems)
        code = row.text(T_CODE)
        if code and (earlier := _first_seen(codes, code.upper(), row)):
            problems.add(row, f"mã «{code}» trùng với dòng {earlier}", T_CODE)
        plan = _plan_task(session, row, people, units, problems)
        if plan is not None and len(problems) == before:
            plans.append(plan)
    _check_series_codes(session, plans, {row.number: row for row in rows}, problems)
    problems.raise_if_any()
    periodic = [plan for plan in plans if plan.rule is not None]
    result = _write_tasks(session, [plan for plan in plans if plan.rule is None], log, override=override)
    if periodic:  # periodic reports: their series and first instances (tracking.series)
        created, updated = _write_series(session, periodic, log, today=today, calendar=calendar, now=now)
        result = ImportResult(
            "tasks",
            created=result.created + created,
            updated=result.updated + updated,
            unchanged=result.unchanged + len(periodic) - created - updated,
        )
    return result


def _check_series_codes(session: Session, plans: list[_TaskPlan], rows: dict[int, _Row], problems: _Problems) -> None:
    """A periodic row's code is no one-off task's, and a one-off row's no series'."""
    from storage import series as store
    from texts.series import code_is_series, code_is_task

    series = store.series_by_codes(session=session, codes=[p.code for p in plans])
    for plan in plans:
        if plan.rule is None and plan.code.upper() in series:
            problems.add(rows[plan.number], code_is_series(plan.code), T_CODE)
        elif (
            plan.rule is not None
            and plan.code.upper() not in series
            and db.task_by_code(session=session, code=plan.code) is not None
        ):
            problems.add(rows[plan.number], code_is_task(plan.code), T_CODE)


def _write_series(
    session: Session,
    plans: list[_TaskPlan],
    log: _AuditLog,
    *,
    today: date | None,
    calendar: OfficeCalendar | None,
    now: datetime | None,
) -> tuple[int, int]:
    from tracking import series
    from tracking.office_calendar import office_calendar

    rows = []
    for plan in plans:
        values = {name: value for name, value in plan.values.items() if name not in ("deadline", "start_date")}
        if plan.target is not None:
            values["target_id"] = _target_for(session, plan.target).id if plan.target else None
        assert plan.rule is not None  # the plans of series
        rows.append(series.SheetSeries(plan.code, plan.rule, values))
    return series.import_series(
        session,
        rows,
        today=today or date.today(),
        calendar=calendar or office_calendar(session, OfficeCalendar()),
        actor=log.actor,
        actor_name=log.actor_name,
        note=log.note,
        at=now,
    )


def _plan_task(
    session: Session, row: _Row, people: dict[str, Staff], units: _UnitFinder, problems: _Problems
) -> _TaskPlan | None:
    from tracking.recurrence import parse as parse_rule

    periodic = row.text(T_RULE) if row.has(T_RULE) else ""
    _check_cells(row, TASK_SHEET, problems, optional=(T_DEADLINE,) if periodic else ())
    rule = _parsed(problems, row, T_RULE, parse_rule, periodic) if periodic else None
    owner = _staff_in(row, T_OWNER, people, problems)
    accountable = _staff_in(row, T_ACCOUNTABLE, people, problems)
    deadline = (
        _parsed(problems, row, T_DEADLINE, parse_date, row.raw(T_DEADLINE))
        if row.text(T_DEADLINE) and not periodic
        else None
    )  # a periodic report's: each period's
    start = _parsed(problems, row, T_START, parse_date, row.raw(T_START)) if row.text(T_START) else None
    if start and deadline and start > deadline:
        problems.add(row, f"ngày bắt đầu {format_date(start)} sau thời hạn {format_date(deadline)}", T_START)
    host = _parsed(problems, row, T_HOST, units.find, row.text(T_HOST)) if row.text(T_HOST) else None
    milestones = (
        _parsed(problems, row, T_MILESTONES, _parse_milestones, row.text(T_MILESTONES, multiline=True))
        if row.has(T_MILESTONES)
        else None
    )
    target = row.text(T_TARGET) if row.has(T_TARGET) else None
    if target:
        _parsed(problems, row, T_TARGET, lambda text: _check_target(session, text), target)
    if periodic and milestones:
        problems.add(row, "báo cáo định kỳ không ghi mốc tiến độ: mỗi kỳ có hạn riêng theo quy tắc", T_MILESTONES)
    if not (owner and accountable and (deadline or rule) and row.text(T_CODE)):
        return None
    values: dict[str, Any] = {
        "title": row.text(T_TITLE),
        "owner_id": owner.id,
        "accountable_id": accountable.id,
        "host_unit_id": host.existing.id if host and host.existing else owner.unit_id,
        "deadline": deadline,
        "expected_result": row.text(T_EXPECTED),
    }
    values |= {attr: row.text(column, multiline=True) for column, attr in _TASK_TEXTS if row.has(column)}
    if row.has(T_START):
        values["start_date"] = start
    return _TaskPlan(row.number, row.text(T_CODE), values, owner.code, target, milestones, rule)


def _staff_code(text: str) -> str:
    """ "CB01", or "Nguyễn Thị Lan (CB01)" as the export writes it → "CB01"."""
    match = _BRACKETED_CODE.search(text)
    return match.group(1).strip() if match else text


def _staff_in(row: _Row, column: Column, people: dict[str, Staff], problems: _Problems) -> Staff | None:
    code = _staff_code(row.text(column))
    if not code:
        return None
    staff = people.get(code.upper())
    if staff is None:
        problems.add(row, f"mã cán bộ «{code}» ở cột «{column.header}» chưa có trong danh sách cán bộ")
    return staff


def _check_target(session: Session, text: str) -> None:
    code = _target_code(text)
    if _TARGET_CODE.fullmatch(code) and db.target_by_code(session=session, code=code) is None:
        raise InputError(f"chưa có chỉ tiêu mã «{code}»")


def _target_code(text: str) -> str:
    """The code part of "CT01 · Tên chỉ tiêu" as the export writes it (or the whole text)."""
    return text.split(" · ", 1)[0].strip()


def _parse_milestones(text: str) -> list[tuple[date, str]]:
    """ "15/03/2026: Khảo sát; 30/04/2026: Báo cáo" → [(date, title), ...], by date."""
    items = []
    for part in (p.strip() for p in re.split(r"[;\n]", text)):
        if not part:
            continue
        when, colon, title = part.partition(":")
        title = " ".join(title.split())
        if not colon or not title:
            raise InputError(f"mốc «{part}» chưa đúng dạng «dd/mm/yyyy: việc»; các mốc cách nhau bằng dấu ;")
        if len(title) > 500:
            raise InputError(f"tên mốc «{title[:40]}…» dài quá 500 ký tự")
        try:
            items.append((parse_date(when.strip()), title))
        except InputError as exc:
            raise InputError(f"mốc «{part}»: {exc}") from None
    return sorted(items)


def _write_tasks(session: Session, plans: list[_TaskPlan], log: _AuditLog, *, override: bool = False) -> ImportResult:
    existing = {
        t.code.upper(): t
        for batch in db.batches(sorted({p.code.upper() for p in plans}))
        for t in session.exec(select(Task).where(func.upper(Task.code).in_(batch))).all()
    }
    if not override:  # an older sheet must not undo changes made in chat since (tracking.sheets.guard)
        guard.refuse_undoing(
            session, [(p.number, existing[p.code.upper()], p.values) for p in plans if p.code.upper() in existing]
        )
    milestones = _milestones_of(session, [t.id for t in existing.values()])
    created = updated = 0
    for plan in plans:
        values = dict(plan.values)
        if plan.target is not None:
            values["target_id"] = _target_for(session, plan.target).id if plan.target else None
        task = existing.get(plan.code.upper())
        if task is None:
            task = Task(code=plan.code, **values)
            session.add(task)
            session.flush()
            _replace_milestones(session, task, [], plan.milestones or [])
            log.created(task.code, f"{task.title} · {plan.owner_code} · hạn {format_date(task.deadline)}")
            created += 1
            continue
        changes = _apply(task, values)
        if plan.milestones is not None:
            changes += _replace_milestones(session, task, milestones.get(task.id, []), plan.milestones)
        log.changed(task.code, changes)
        updated += bool(changes)
    session.flush()
    return ImportResult("tasks", created=created, updated=updated, unchanged=len(plans) - created - updated)


def _target_for(session: Session, text: str) -> Target:
    """The target with this code or name; a new one otherwise (found again by name later in the file)."""
    found = db.target_by_code(session=session, code=_target_code(text)) or db.target_by_key(
        session=session, key=key(text)
    )
    if found is not None:
        return found
    value, unit, higher = target_value_in(text)
    target = Target(
        code=db.next_target_code(session=session),
        name=text,
        key=key(text),
        target_value=value,
        measure_unit=unit,
        higher_is_better=higher,
    )
    session.add(target)
    session.flush()
    return target


def _milestones_of(session: Session, task_ids: list[int]) -> dict[int, list[Milestone]]:
    by_task: dict[int, list[Milestone]] = {}
    for batch in db.batches(task_ids):
        for m in session.exec(select(Milestone).where(col(Milestone.task_id).in_(batch))).all():
            by_task.setdefault(m.task_id, []).append(m)
    return by_task


def _replace_milestones(
    session: Session, task: Task, old: list[Milestone], new: list[tuple[date, str]]
) -> list[tuple[str, object, object]]:
    """Replace a task's milestones if they differ, keeping "done" on those that stay."""
    before = sorted((m.due_date, m.title) for m in old)
    if before == new:
        return []
    done = {(m.due_date, key(m.title)) for m in old if m.done}
    for m in old:
        session.delete(m)
    for due, title in new:
        session.add(Milestone(task_id=task.id, title=title, due_date=due, done=(due, key(title)) in done))
    return [("milestones", _milestones_text(before), _milestones_text(new))]


def _milestones_text(items: list[tuple[date, str]]) -> str:
    return "; ".join(f"{format_date(due)}: {title}" for due, title in items)
