"""Importing the office's calendar sheet: columns «Ngày», «Loại» (làm việc / nghỉ, with or without
diacritics), «Ghi chú» (required for a day off).

All or nothing, as the other sheets: every row is checked first (a date that does not exist, an
unknown kind, a day off without its reason, the same day twice); only a file without problems is
written. A day already listed gets the row's kind and note. Each day recorded or changed is a line
of the audit log (entity ``office_day``, as ``/ngaylamviec`` and ``/ngaynghi`` write it).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from storage import calendar as store
from storage import tracking as db
from storage.models import OFFICE_DAY_OFF, OFFICE_WORKDAY, Staff, utcnow
from tracking.parse import format_date, key, parse_date
from tracking.sheets.checks import _check_cells, _first_seen, _parsed, _Problems
from tracking.sheets.layout import C_DAY, C_KIND, C_NOTE, CALENDAR_SHEET, ImportResult
from tracking.sheets.reading import _Row

KIND_WORDS = {
    "lam viec": OFFICE_WORKDAY,
    "ngay lam viec": OFFICE_WORKDAY,
    "lam bu": OFFICE_WORKDAY,
    "lam viec bu": OFFICE_WORKDAY,
    "ngay lam viec bu": OFFICE_WORKDAY,
    "di lam": OFFICE_WORKDAY,
    "nghi": OFFICE_DAY_OFF,
    "ngay nghi": OFFICE_DAY_OFF,
    "nghi le": OFFICE_DAY_OFF,
}
LABELS = {OFFICE_WORKDAY: "làm việc bù", OFFICE_DAY_OFF: "nghỉ"}


def _import_calendar(
    session: Session, rows: list[_Row], *, actor: Staff | None, actor_name: str, file_name: str
) -> ImportResult:
    problems = _Problems()
    seen: dict[object, int] = {}
    days: list[tuple[date, str, str]] = []
    for row in rows:
        _check_cells(row, CALENDAR_SHEET, problems)
        day = _parsed(problems, row, C_DAY, parse_date, row.raw(C_DAY)) if row.text(C_DAY) else None
        word = row.text(C_KIND)
        kind = KIND_WORDS.get(key(word)) if word else None
        if word and kind is None:
            problems.add(row, f"«{word}» không phải loại ngày; ghi «làm việc» hoặc «nghỉ»", C_KIND)
        note = " ".join(row.text(C_NOTE).split())
        if kind == OFFICE_DAY_OFF and not note:
            problems.add(row, "ngày nghỉ cần ghi lý do", C_NOTE)
        if day is not None:
            earlier = _first_seen(seen, day, row)
            if earlier is not None:
                problems.add(row, f"ngày {format_date(day)} đã có ở dòng {earlier}", C_DAY)
        if day is not None and kind is not None:
            days.append((day, kind, note))
    problems.raise_if_any()

    created = updated = unchanged = 0
    now = utcnow()
    lines = []
    for day, kind, note in days:
        before = store.office_day(session=session, day=day)
        if before is not None and (before.kind, before.note) == (kind, note[:255]):
            unchanged += 1
            continue
        old = f"{LABELS[before.kind]}: {before.note}" if before is not None else ""
        store.put_office_day(
            session=session, day=day, kind=kind, note=note, created_by=actor.id if actor else None, now=now
        )
        if before is None:
            created += 1
        else:
            updated += 1
        lines.append(
            db.audit_values(
                actor=actor,
                actor_name=actor_name,
                action="import",
                entity="office_day",
                entity_code=format_date(day),
                field="kind",
                old=old,
                new=f"{LABELS[kind]}: {note}" if note else LABELS[kind],
                note=f"tệp {file_name}",
            )
        )
    db.audit_many(session=session, lines=lines)
    return ImportResult("calendar", created, updated, unchanged)
