"""Importing a staff sheet: each row checked, then every person created or updated."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from storage import tracking as db
from storage.models import Staff
from texts.common import ROLE_LABELS
from tracking.parse import InputError, parse_role
from tracking.sheets.checks import _check_cells, _first_seen, _parsed, _Problems
from tracking.sheets.layout import (
    S_CODE,
    S_MANAGER,
    S_NAME,
    S_ROLE,
    S_TELEGRAM,
    S_UNIT,
    STAFF_SHEET,
    ImportResult,
)
from tracking.sheets.reading import _Row
from tracking.sheets.units import _UnitFinder, _UnitRef
from tracking.sheets.writing import (
    _apply,
    _AuditLog,
    _person,
    _staff_by_codes,
    _unit_name,
)

TELEGRAM_ID_MAX = 2**63 - 1


@dataclass(frozen=True)
class _StaffPlan:
    number: int
    code: str
    full_name: str
    unit: _UnitRef
    role: str
    telegram_id: int | None  # None: keep the current one
    manager_code: str | None  # None: no «Cấp trên» column; "": no manager


def _import_staff(session: Session, rows: list[_Row], log: _AuditLog) -> ImportResult:
    problems = _Problems()
    known = _staff_by_codes(session, [r.text(S_CODE) for r in rows] + [r.text(S_MANAGER) for r in rows])
    plans = _plan_staff(session, rows, known, problems)
    _check_telegram_holders(session, plans, rows, problems)
    problems.raise_if_any()
    return _write_staff(session, plans, known, log)


def _plan_staff(session: Session, rows: list[_Row], known: dict[str, Staff], problems: _Problems) -> list[_StaffPlan]:
    units = _UnitFinder(session, create=True, texts=[r.text(S_UNIT) for r in rows])
    in_file = {r.text(S_CODE).upper() for r in rows if r.text(S_CODE)}
    codes: dict[object, int] = {}
    telegram_ids: dict[object, int] = {}
    plans = []
    for row in rows:
        before = len(problems)
        _check_cells(row, STAFF_SHEET, problems)
        code = row.text(S_CODE)
        if code and (earlier := _first_seen(codes, code.upper(), row)):
            problems.add(row, f"mã «{code}» trùng với dòng {earlier}", S_CODE)
        role = _parsed(problems, row, S_ROLE, parse_role, row.text(S_ROLE)) if row.text(S_ROLE) else None
        unit = _parsed(problems, row, S_UNIT, units.find, row.text(S_UNIT)) if row.text(S_UNIT) else None
        telegram_id = _parsed(problems, row, S_TELEGRAM, _parse_telegram_id, row.text(S_TELEGRAM))
        if telegram_id and (earlier := _first_seen(telegram_ids, telegram_id, row)):
            problems.add(row, f"Telegram ID {telegram_id} trùng với dòng {earlier}", S_TELEGRAM)
        manager = row.text(S_MANAGER) if row.has(S_MANAGER) else None
        if manager and manager.upper() == code.upper():
            problems.add(row, "một người không thể là cấp trên của chính mình", S_MANAGER)
        elif manager and manager.upper() not in in_file and manager.upper() not in known:
            problems.add(
                row, f"mã cán bộ «{manager}» chưa có trong danh sách cán bộ (trong tệp này hoặc đã nhập)", S_MANAGER
            )
        if len(problems) == before and role and unit:
            plans.append(_StaffPlan(row.number, code, row.text(S_NAME), unit, role, telegram_id, manager))
    return plans


def _parse_telegram_id(text: str) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d+", text) or not 0 < int(text) <= TELEGRAM_ID_MAX:
        raise InputError(f"«{text}» không phải là Telegram ID (một số nguyên dương, ví dụ 123456789)")
    return int(text)


def _check_telegram_holders(session: Session, plans: list[_StaffPlan], rows: list[_Row], problems: _Problems) -> None:
    """A Telegram ID already linked to someone else in the database is refused."""
    wanted = {p.telegram_id for p in plans if p.telegram_id}
    if not wanted:
        return
    holders = {
        s.telegram_id: s
        for batch in db.batches(sorted(wanted))
        for s in session.exec(select(Staff).where(col(Staff.telegram_id).in_(batch))).all()
    }
    by_number = {row.number: row for row in rows}
    for plan in plans:
        holder = holders.get(plan.telegram_id)
        if holder is not None and holder.code.upper() != plan.code.upper():
            problems.add(
                by_number[plan.number],
                f"Telegram ID {plan.telegram_id} đã gắn với cán bộ {holder.full_name} ({holder.code})",
                S_TELEGRAM,
            )


def _write_staff(session: Session, plans: list[_StaffPlan], known: dict[str, Staff], log: _AuditLog) -> ImportResult:
    people = dict(known)
    created: list[_StaffPlan] = []
    changes: dict[str, list[tuple[str, object, object]]] = {}
    for plan in plans:
        unit = plan.unit.unit(session)
        staff = people.get(plan.code.upper())
        if staff is None:
            staff = Staff(
                code=plan.code, full_name=plan.full_name, unit_id=unit.id, role=plan.role, telegram_id=plan.telegram_id
            )
            session.add(staff)
            people[plan.code.upper()] = staff
            created.append(plan)
            continue
        values: dict[str, object] = {"full_name": plan.full_name, "unit_id": unit.id, "role": plan.role}
        if plan.telegram_id is not None:
            values["telegram_id"] = plan.telegram_id
        changes[staff.code] = _apply(staff, values)
    session.flush()
    for plan in plans:
        if plan.manager_code is not None:
            staff = people[plan.code.upper()]
            manager_id = people[plan.manager_code.upper()].id if plan.manager_code else None
            changed = _apply(staff, {"manager_id": manager_id})
            if staff.code in changes:
                changes[staff.code] += changed
    session.flush()
    for plan in created:
        staff = people[plan.code.upper()]
        log.created(staff.code, _staff_summary(session, staff))
    for code, changed in changes.items():
        log.changed(code, changed)
    updated = sum(1 for changed in changes.values() if changed)
    return ImportResult("staff", created=len(created), updated=updated, unchanged=len(plans) - len(created) - updated)


def _staff_summary(session: Session, staff: Staff) -> str:
    parts = [staff.full_name, _unit_name(session, staff.unit_id), ROLE_LABELS.get(staff.role, staff.role)]
    if staff.manager_id:
        parts.append(f"cấp trên {_person(session, staff.manager_id)}")
    return " · ".join(parts)
