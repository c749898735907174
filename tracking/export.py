"""The tasks a person can see, as an .xlsx workbook (/xuatbaocao, and the
workbook a weekly digest attaches).

Its own module, apart from the spreadsheet imports of :mod:`tracking.sheets`,
so that the export worker (:mod:`bot.workers`) imports what an export needs and
nothing else: neither openpyxl nor the knowledge base.

The workbook can be edited and imported back: a staff cell "Họ tên (MÃ)" is
read as the code in brackets, a target cell "MÃ · tên" as that target.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import DateTime, func, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage import tracking as db
from storage.models import STATUS_DONE, STATUSES, Report, Staff, Target, Task, Unit
from texts.common import STATUS_LABELS
from tracking.xlsx import BOLD, HEADER, Styled, Workbook

if TYPE_CHECKING:
    from reminders.digest import DigestTally

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

EXPORT_COLUMNS = (
    ("Mã nhiệm vụ", 12),
    ("Nhiệm vụ", 40),
    ("Người thực hiện", 26),
    ("Đơn vị chủ trì", 36),
    ("Người chịu trách nhiệm", 26),
    ("Ngày bắt đầu", 13),
    ("Thời hạn", 12),
    ("Tiến độ (%)", 10),
    ("Trạng thái", 28),
    ("Số ngày quá hạn", 10),
    ("Báo cáo gần nhất", 17),
    ("Người báo cáo", 26),
    ("Ghi chú gần nhất", 40),
    ("Kết quả cần đạt", 40),
    ("Chỉ tiêu", 36),
)
_FETCH_BATCH = 2000  # rows fetched at a time: the tasks are streamed, never all held at once
# The export's query: each task with its latest report, the report's time as a plain DateTime, as the
# digest's columns (DigestTally.COLUMNS) read theirs.
_QUERY_COLUMNS = (
    Task.code,
    Task.title,
    Task.owner_id,
    Task.host_unit_id,
    Task.accountable_id,
    Task.start_date,
    Task.deadline,
    Task.progress,
    Task.status,
    Task.expected_result,
    Task.target_id,
    type_coerce(Report.created_at, DateTime()),
    Report.staff_id,
    Report.note,
)


class ExportWorkers(Protocol):
    """Processes that write workbooks beside the caller's (the bot's export workers,
    ``bot.workers.Exports``, handed down by the shell): ``submit`` starts an export, or gives
    None when there is no worker to do it; ``result`` waits for it and gives None when the worker
    failed, and the caller then exports in its own process (:func:`export_tasks`)."""

    def submit(self, *, scope: db.Scope, today: date, tz: tzinfo) -> Any | None: ...

    def result(self, pending: Any | None) -> bytes | None: ...


def export_tasks(
    *, session: Session, scope: db.Scope, today: date, tz: tzinfo, tally: DigestTally | None = None
) -> bytes:
    """The tasks in ``scope`` as an .xlsx: a «Nhiệm vụ» sheet and a «Tổng hợp» sheet.

    Written by the streaming writer of :mod:`tracking.xlsx` (openpyxl would take seconds for a
    province): one query gives each task with its latest report, in order (deadline, then
    code), as plain rows on the session's connection rather than through the ORM, fetched in
    batches and written as they come, so a province's export holds the memory of a few thousand
    rows (``bench/digest.py``; figures in ``bench/README.md``). A ``tally`` (a weekly digest's, when
    the export runs in the bot's own process) is given every task on the way."""
    session.flush()  # the connection does not autoflush as session.execute would
    connection = session.connection()
    people = {
        i: f"{name} ({code})" for i, name, code in connection.execute(select(Staff.id, Staff.full_name, Staff.code))
    }
    units = _unit_full_names(session)
    # Targets are few (campaign indicators): all of them, rather than a second pass over the scope.
    targets = {
        i: f"{code} · {name}" for i, code, name in connection.execute(select(Target.id, Target.code, Target.name))
    }
    book = Workbook(date_format=DATE_FORMAT, datetime_format=DATETIME_FORMAT)
    sheet = book.sheet("Nhiệm vụ", widths=[width for _, width in EXPORT_COLUMNS], freeze_header=True, auto_filter=True)
    sheet.row([title for title, _ in EXPORT_COLUMNS], style=HEADER)

    # The latest report of each task, looked up through the report.task_id index (the highest id
    # is the newest, as reports are only added).
    latest = aliased(Report)
    newest = select(func.max(latest.id)).where(latest.task_id == Task.id).correlate(Task).scalar_subquery()
    columns: list[Any] = list(_QUERY_COLUMNS)
    if tally is not None:
        columns += tally.COLUMNS[7:9]  # its task's last sign of life, and whether that was a report
    # Sorted after the scan: ``coalesce`` hides the deadline index from SQLite's planner, which would
    # otherwise read the whole table in deadline order, one random page at a time (slower: bench/README.md).
    order = (func.coalesce(Task.deadline, Task.deadline), col(Task.code))
    rows = connection.execute(
        sa_select(*columns)
        .outerjoin(Report, col(Report.id) == newest)
        .where(scope.task_filter())
        .order_by(*order)
        .execution_options(yield_per=_FETCH_BATCH)
    )

    counts = dict.fromkeys(STATUSES, 0)
    overdue_count = 0
    labels: dict[tuple[str, bool], str] = {}
    write = sheet.row
    for row in rows:  # the columns of _QUERY_COLUMNS, then the tally's
        code, title, owner_id, unit_id, accountable_id, start, deadline, progress, status = row[:9]
        expected, target_id, reported_at, reporter, note = row[9:14]
        if tally is not None:  # with the digest's columns (DigestTally.COLUMNS): the last sign of life, a report?
            tally.add(code, title, owner_id, unit_id, status, deadline, progress, row[14], row[15], target_id)
        counts[status] = counts.get(status, 0) + 1
        late = status != STATUS_DONE and deadline < today
        overdue = (today - deadline).days if late else None
        overdue_count += late
        label = labels.get((status, late))
        if label is None:
            label = labels[status, late] = _status_label(status, late)
        write(
            (
                code,
                title,
                people.get(owner_id),
                units.get(unit_id),
                people.get(accountable_id),
                start,
                deadline,
                progress,
                label,
                overdue,
                _local(reported_at, tz) if reported_at else None,
                people.get(reporter) if reporter else None,
                note or None,
                expected or None,
                targets.get(target_id) if target_id else None,
            )
        )
    _summary_sheet(book, counts, overdue_count, today)
    return book.to_bytes()


def _unit_full_names(session: Session) -> dict[int, str]:
    """Every unit's full name, from one query (a parent's path sorts before its children's)."""
    names: dict[int, str] = {}
    for unit_id, parent_id, name in session.execute(
        select(Unit.id, Unit.parent_id, Unit.name).order_by(col(Unit.path))
    ):
        parent = names.get(parent_id) if parent_id else None
        names[unit_id] = f"{parent}{db.UNIT_SEPARATOR}{name}" if parent else name
    return names


def _status_label(status: str, late: bool) -> str:
    """The status as the sheet writes it: «Quá hạn (…)» around it when the task is late."""
    label = STATUS_LABELS.get(status, status)
    return f"{STATUS_LABELS['overdue']} ({label})" if late else label


def _local(moment: datetime, tz: tzinfo) -> datetime:
    """Local wall-clock time to the minute, without a zone (Excel has none); stored times are UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)


def _summary_sheet(book: Workbook, counts: dict[str, int], overdue: int, today: date) -> None:
    """Counts by status, on a sheet of its own after the tasks."""
    sheet = book.sheet("Tổng hợp", widths=[44, 14])
    sheet.row([Styled("Tổng hợp nhiệm vụ", BOLD)])
    sheet.row(["Ngày xuất", today])
    sheet.row([])
    sheet.row(["Trạng thái", "Số nhiệm vụ"], style=BOLD)
    for status in STATUSES:
        sheet.row([STATUS_LABELS[status], counts.get(status, 0)])
    sheet.row([f"{STATUS_LABELS['overdue']} (chưa hoàn thành, đã qua thời hạn)", overdue])
    sheet.row([Styled("Tổng số", BOLD), sum(counts.values())])
