"""Monthly and quarterly digests: when each is due, and what it compares.

A monthly subscription (``frequency`` "monthly") goes out on day ``month_day`` of every month at
``at_time``; a quarterly one ("quarter") on that day of the first month of each quarter (January,
April, July, October). A day the month does not have (31 in a 30-day month, 29 to 31 in February)
means the month's last day. Its period key is the month or quarter it goes out in ("2026-12",
"2026-Q4"), kept in ``Subscription.last_period`` so each goes out once; after a downtime only the
latest missed one is sent, as with the daily and weekly digests (``reminders.scan.period_due``).

What it compares: the days since the previous sending (this period: from the previous sending's day
to the day before this one, e.g. 1 to 30 November for a digest of 1 December) against the same
span before it (1 to 31 October), for the tasks of the scope:

* finished: done, with ``done_at`` in the period;
* finished on time: of those, done on or before their deadline (local date);
* overdue at the period's end: created before it, deadline before its last day was over, and not
  done by then;
* reports submitted in the period;
* and the milestones dated in the period, with how many of them are done.

Each figure is shown with its difference from the previous period (▲ up, ▼ down, = the same).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlmodel import Session, col, func, select

import texts.periodic as copy
from common.timespec import parse_hhmm
from storage import milestones as rows
from storage.models import STATUS_DONE, Report, Subscription, Task
from storage.tracking import Scope

MONTHLY = "monthly"
QUARTER = "quarter"
FREQUENCIES = (MONTHLY, QUARTER)
_KEY = {MONTHLY: re.compile(r"^\d{4}-\d{2}$"), QUARTER: re.compile(r"^\d{4}-Q[1-4]$")}


def _step(sub: Subscription) -> int:
    return 3 if sub.frequency == QUARTER else 1


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def sending_day(sub: Subscription, year: int, month: int) -> date:
    """The day of ``month`` the digest goes out: ``month_day``, or the month's last day."""
    return date(year, month, min(max(sub.month_day, 1), calendar.monthrange(year, month)[1]))


def period_key(sub: Subscription, year: int, month: int) -> str:
    return f"{year}-Q{(month - 1) // 3 + 1}" if sub.frequency == QUARTER else f"{year}-{month:02d}"


def latest_sending(sub: Subscription, now: datetime, tz: tzinfo) -> tuple[int, int]:
    """The year and month of the latest sending at or before ``now``."""
    local = now.astimezone(tz)
    year, month = local.year, local.month
    if sub.frequency == QUARTER:
        month = (month - 1) // 3 * 3 + 1
    if local < datetime.combine(sending_day(sub, year, month), parse_hhmm(sub.at_time), tzinfo=tz):
        year, month = _shift(year, month, -_step(sub))
    return year, month


def period_due(sub: Subscription, now: datetime, tz: tzinfo) -> str | None:
    """The month or quarter whose digest is due for ``sub`` now, if not sent yet."""
    year, month = latest_sending(sub, now, tz)
    period = period_key(sub, year, month)
    last = sub.last_period if _KEY[sub.frequency].match(sub.last_period or "") else ""
    if last and last >= period:
        return None
    if not last and sub.created_at is not None:
        created = sub.created_at if sub.created_at.tzinfo else sub.created_at.replace(tzinfo=UTC)
        # A new subscription (or one changed to this frequency) waits for its first sending to come.
        if created > datetime.combine(sending_day(sub, year, month), parse_hhmm(sub.at_time), tzinfo=tz):
            return None
    return period


@dataclass(frozen=True)
class Span:
    """Days from ``first`` to ``last``, both included."""

    first: date
    last: date


def spans(sub: Subscription, period: str) -> tuple[Span, Span]:
    """The period a digest sent in ``period`` covers, and the one before it."""
    year, month = _year_month(sub, period)
    step = _step(sub)
    days = [sending_day(sub, *_shift(year, month, -step * n)) for n in (0, 1, 2)]
    return Span(days[1], days[0] - timedelta(days=1)), Span(days[2], days[1] - timedelta(days=1))


def _year_month(sub: Subscription, period: str) -> tuple[int, int]:
    year, rest = period.split("-")
    return int(year), ((int(rest[1:]) - 1) * 3 + 1 if rest.startswith("Q") else int(rest))


@dataclass(frozen=True)
class Figures:
    finished: int
    on_time: int
    overdue: int
    reports: int
    milestones_due: int
    milestones_done: int


def figures(session: Session, *, scope: Scope, span: Span, tz: tzinfo) -> Figures:
    """The figures of ``span`` for the tasks of ``scope``."""
    start = datetime.combine(span.first, time(0), tzinfo=tz)
    end = datetime.combine(span.last + timedelta(days=1), time(0), tzinfo=tz)
    finished = on_time = overdue = 0
    query = select(col(Task.status), col(Task.deadline), col(Task.done_at), col(Task.created_at)).where(
        scope.task_filter()
    )
    for status, deadline, done_at, created_at in session.execute(query):
        done_by_end = status == STATUS_DONE and (done_at is None or _aware(done_at) < end)
        if status == STATUS_DONE and done_at is not None and start <= _aware(done_at) < end:
            finished += 1
            on_time += _aware(done_at).astimezone(tz).date() <= deadline
        if deadline <= span.last and _aware(created_at) < end and not done_by_end:
            overdue += 1
    reports = session.exec(
        select(func.count())
        .select_from(Report)
        .join(Task, col(Task.id) == col(Report.task_id))
        .where(scope.task_filter(), Report.created_at >= start, Report.created_at < end)
    ).one()
    marks = rows.in_scope(session=session, task_filter=scope.task_filter(), first=span.first, last=span.last)
    return Figures(
        finished=finished,
        on_time=on_time,
        overdue=overdue,
        reports=reports,
        milestones_due=len(marks),
        milestones_done=sum(1 for m in marks if m.done),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def comparison_block(session: Session, *, sub: Subscription, period: str, scope: Scope, tz: tzinfo) -> str:
    """The figures of the period the digest covers against the period before."""
    this, before = spans(sub, period)
    return copy.comparison(
        sub.frequency,
        this,
        before,
        figures(session, scope=scope, span=this, tz=tz),
        figures(session, scope=scope, span=before, tz=tz),
    )
