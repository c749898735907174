"""Staff and task lists as spreadsheets (.csv, .xlsx): importing them, and
blank templates. The task export is :mod:`tracking.export`.

An import is all or nothing. Every row is checked before anything is
written, and every problem is collected with the row number the user sees in
the sheet and the column it is in; only a file without problems is written.
Rows are matched to existing staff and tasks by their code (case does not
matter); each created row, and each changed field of an updated row, gets an
audit entry.

Headers are compared folded: case, diacritics, spacing, a trailing hint in
brackets ("Thời hạn (dd/mm/yyyy)") and "*" do not matter; unknown columns
(e.g. "STT") are ignored, and so are rows that are blank in every known
column. On re-import, a column left out of the file leaves that field as it
is, while a blank cell in a column that is there clears it; the one exception
is «Telegram ID», which a blank cell keeps, since accounts are usually linked
by invite.

A task sheet also accepts what :func:`tracking.export.export_tasks`
writes, so an export can be edited and imported back: a staff cell
"Họ tên (MÃ)" is read as the code in brackets, a target cell "MÃ · tên" as
the target with that code.

The package's modules: :mod:`~tracking.sheets.layout` (the kinds of sheet and
their columns), :mod:`~tracking.sheets.reading` (a file read within its caps,
its kind and columns recognised), :mod:`~tracking.sheets.checks`,
:mod:`~tracking.sheets.units` and :mod:`~tracking.sheets.writing` (what both
imports share), :mod:`~tracking.sheets.staff` and :mod:`~tracking.sheets.tasks`
(each kind's import) and :mod:`~tracking.sheets.templates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from reminders.calendar import OfficeCalendar
from storage.models import Staff
from tracking.sheets import guard
from tracking.sheets.calendar import _import_calendar
from tracking.sheets.layout import CALENDAR_SHEET, STAFF_SHEET, ImportResult, SheetError, SheetKind
from tracking.sheets.reading import SheetCaps, _locate_header, _Row, read_table
from tracking.sheets.staff import _import_staff
from tracking.sheets.tasks import _import_tasks
from tracking.sheets.templates import write_templates
from tracking.sheets.writing import _AuditLog

__all__ = [
    "ImportResult",
    "ParsedSheet",
    "SheetCaps",
    "SheetError",
    "import_parsed",
    "import_sheet",
    "parse_sheet",
    "read_table",
    "write_templates",
]


@dataclass(frozen=True)
class ParsedSheet:
    """A file read and recognised, not yet checked against the database."""

    file_name: str
    kind: SheetKind
    rows: list[_Row]


def parse_sheet(file_name: str, data: bytes, caps: SheetCaps = SheetCaps()) -> ParsedSheet:
    """Read a file and recognise its kind and columns. It needs no database, so the bot does
    it on a thread of its own before the import's transaction."""
    header, body = read_table(file_name, data, caps)
    kind, positions, body = _locate_header(header, body)
    rows = [
        _Row(number, {c: cells[i] if i < len(cells) else None for c, i in positions.items()}) for number, cells in body
    ]
    rows = [row for row in rows if any(v is not None for v in row.cells.values())]
    if not rows:
        raise SheetError([f"Tệp «{file_name}» chỉ có dòng tiêu đề, chưa có dòng dữ liệu nào."])
    return ParsedSheet(file_name, kind, rows)


def import_sheet(
    *,
    session: Session,
    file_name: str,
    data: bytes,
    actor: Staff | None,
    actor_name: str = "",
    caps: SheetCaps = SheetCaps(),
    today: date | None = None,
    calendar: OfficeCalendar | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Import a staff, a task or a calendar sheet, all or nothing (see the module docstring)."""
    return import_parsed(
        session=session,
        sheet=parse_sheet(file_name, data, caps),
        actor=actor,
        actor_name=actor_name,
        today=today,
        calendar=calendar,
        now=now,
    )


def import_parsed(
    *,
    session: Session,
    sheet: ParsedSheet,
    actor: Staff | None,
    actor_name: str = "",
    today: date | None = None,
    calendar: OfficeCalendar | None = None,
    now: datetime | None = None,
    override: bool = False,
) -> ImportResult:
    """Import a sheet :func:`parse_sheet` read, all or nothing. A task sheet's periodic reports
    («Định kỳ») start on ``today`` with their due dates on ``calendar`` (the national calendar with
    the office's own days; the machine's date and the national calendar when not given), made at ``now``.
    A task sheet that would undo changes made in chat since the tasks' last import is refused, unless
    ``override`` (the admin confirmed: ``tracking.sheets.guard``)."""
    if sheet.kind is CALENDAR_SHEET:  # the office's own days (tracking.sheets.calendar)
        return _import_calendar(session, sheet.rows, actor=actor, actor_name=actor_name, file_name=sheet.file_name)
    log = _AuditLog(
        session=session,
        actor=actor,
        actor_name=actor_name,
        entity="staff" if sheet.kind is STAFF_SHEET else "task",
        note=f"tệp {sheet.file_name}" + (f", {guard.OVERRIDE_NOTE}" if override else ""),
    )
    result = (
        _import_staff(session, sheet.rows, log)
        if sheet.kind is STAFF_SHEET
        else _import_tasks(session, sheet.rows, log, today=today, calendar=calendar, now=now, override=override)
    )
    log.write()
    return result
