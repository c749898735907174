"""When the bot reminds whom about a task: a pure policy over local dates.

Nothing here reads the clock, the database or Telegram: every function takes
the day(s) it reasons about, so the same facts always give the same answer.
All dates are local dates in Asia/Ho_Chi_Minh; converting instants to local
dates is the caller's job.

Working days (``WorkCalendar``, the office's calendar of ``reminders.calendar``)
    A day is a working day when its weekday is in the work week ("mon-fri",
    "mon-sat", or a comma list mixing days and ranges such as "mon-fri,sun")
    and it is not a public holiday, unless the office listed it as one of its
    own working days (a make-up Saturday) or days off. ``public_holidays="VN"``
    uses the ``holidays`` package's Vietnam calendar, observed ("nghỉ bù") and
    substituted days included: Tết Dương lịch, Tết Nguyên Đán (several days),
    Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 with its adjacent day, and whatever
    later years add. ``"none"`` means no public holidays. The package does not
    list the make-up working days (a Saturday worked in exchange for a day
    off), so these stay non-working in a Monday-to-Friday week unless the
    office lists them. Holiday names are in Vietnamese. A bad spec raises
    ``ValueError`` with a one-line Vietnamese message that names the bad part.

Reminders (``due_between``)
    Nothing at all is due for a done task, and nothing is ever due on a day
    before the task was created (a task entered late does not receive the
    reminders of the days before it existed). Every reminder falls on a
    working day.

    before      to the owner, for each n in ``before_days``: on deadline - n
                calendar days, moved back to the previous working day when that
                is not a working day (so it is never late). ``days`` is the
                number of calendar days actually left on the day it goes out
                (deadline - on), so when two n land on the same day they are
                the same reminder and are kept once; which n "wins" does not
                matter.
    due_today   to the owner, on the deadline if it is a working day, else on
                the previous working day; ``days`` is 0 (``on`` may then be
                before the deadline: the message should name the deadline).
    overdue     to the owner, on the working days d after the deadline where
                the task is k = working_days_after(deadline, d) working days
                late and k is a positive multiple of ``overdue_every``
                (k = N, 2N, 3N, ...): the day after the deadline is left to the
                due_today reminder of the day before. ``days`` is k. It repeats
                for as long as the task stays open.
    escalate    to the accountable leader, once: on the working day on which
                the task becomes ``escalate_after`` working days late (the
                ``escalate_after``-th working day after the deadline). ``days``
                is ``escalate_after``. It may share its day with an overdue
                reminder; they go to different people. When that day falls in
                one of ``escalation_waits`` (leave with no substitute), it waits
                for the first working day after that leave; ``days`` is then
                how late the task is on that day.
    stale       to the owner, while the deadline has not passed: the silence
                is counted from the latest report, or from ``created`` if there
                is none; the reminder is due when the silence reaches
                ``stale_days`` calendar days and again every ``stale_days``
                days after that (anchor + m * stale_days, m = 1, 2, ...), each
                moved forward to the next working day when it falls on a
                weekend or holiday, and dropped if that day is after the
                deadline. Once the deadline has passed, overdue reminders nag
                instead. ``days`` is the silence on the day it goes out. With
                catch-up, silences are judged from today's facts: a report
                sent after a missed day cancels that day's stale reminder.

    Milestones (``TaskFacts.milestones``, the open ones): each has reminders of
    its own to the owner, with their own kinds and keys, on the same rules as
    the deadline's: ``ms_before`` (``before_days`` before its date, moved back
    to a working day), ``ms_due`` (on its date, or the working day before) and
    ``ms_overdue`` (every ``overdue_every`` working days after it), the last
    only until the task's own deadline has passed (the task's overdue
    reminders nag then). None is due for a done milestone, none is ever
    escalated, and "remind me tomorrow" holds them back as the others. Their
    key names the milestone by its date and title (``MilestoneFacts.ident``),
    so a sheet imported again with the same milestone does not remind twice.

    One owner reminder per (task, day): when several owner reminders fall on
    the same day, only the most urgent is kept, in the order due_today, before,
    stale (overdue never shares a day with these). Escalations are separate.

    ``snoozed_until`` ("remind me tomorrow") drops the owner reminders (before,
    due_today, overdue, stale) due on a day before it, and adds one owner
    reminder on the first working day from it (of the kind that day calls
    for), so the owner does hear again then. Escalation is never snoozed.

    ``due_between(task, start, end)`` returns every reminder due on a day d
    with start < d <= end, sorted by day: ``start`` is the last day already
    scanned and ``end`` is today, so after downtime the bot catches up on what
    it missed, each reminder once; whether a reminder is due on d depends only
    on the task's facts and d, so splitting a window in two gives the same
    reminders. ``Due.key`` ("kind:task:YYYY-MM-DD") is the idempotency key for
    the database's unique constraint; the kind fixes the recipient, so the key
    is unique per (kind, task, day, recipient).

    Any date works, even one no one should type: a deadline of 31/12/9999 (a
    "no deadline" convention) or of year 1 gives the stale nudges its facts call
    for and nothing else, without date arithmetic leaving Python's range. The
    reminders tied to the deadline are computed only when the deadline is close
    enough to the window for them to fall in it (``_FAR``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from common.timespec import parse_work_week  # noqa: F401 (read from here by reminders.schedule)
from reminders.calendar import HOLIDAYS_NONE, HOLIDAYS_VN, OfficeCalendar  # noqa: F401

ONE_DAY = timedelta(days=1)

BEFORE = "before"
DUE_TODAY = "due_today"
OVERDUE = "overdue"
ESCALATE = "escalate"
STALE = "stale"
KINDS: tuple[str, ...] = (BEFORE, DUE_TODAY, OVERDUE, ESCALATE, STALE)
# A milestone's reminders (to the owner): before its date, on it, after it.
MS_BEFORE = "ms_before"
MS_DUE = "ms_due"
MS_OVERDUE = "ms_overdue"
MILESTONE_KINDS: tuple[str, ...] = (MS_BEFORE, MS_DUE, MS_OVERDUE)

OWNER = "owner"
ACCOUNTABLE = "accountable"

Window = tuple[date, date]  # first and last day, both included

# Most urgent first: the owner reminder kept when several share a day.
_OWNER_PRECEDENCE: tuple[str, ...] = (DUE_TODAY, OVERDUE, BEFORE, STALE)
# Order of reminders within one day in the result.
_DAY_ORDER = {kind: i for i, kind in enumerate((BEFORE, DUE_TODAY, OVERDUE, STALE, ESCALATE, *MILESTONE_KINDS))}

# More days than a calendar can go without a working day (a work week has one at least, and a
# year's holidays are a few weeks): a reminder moved to a working day moves less than this, so
# a deadline this far beyond the window has no reminder in it but stale nudges.
_FAR = 366


# The reminders' working days are the office's calendar (reminders.calendar): with no overrides,
# a work week minus Vietnam's public holidays, as before.
WorkCalendar = OfficeCalendar


@dataclass(frozen=True)
class Policy:
    before_days: tuple[int, ...] = (7, 3, 1)  # calendar days before the deadline
    overdue_every: int = 2  # after the deadline, repeat every N working days
    escalate_after: int = 3  # escalate to the accountable leader once N working days late
    stale_days: int = 7  # nudge owners with no report for N days on an open task

    def __post_init__(self) -> None:
        object.__setattr__(self, "before_days", tuple(self.before_days))
        bad_before = [n for n in self.before_days if n < 1]
        if bad_before:
            raise ValueError(f"Số ngày nhắc trước hạn phải từ 1 trở lên, không được là {bad_before[0]}.")
        for name, value in (
            ("overdue_every", self.overdue_every),
            ("escalate_after", self.escalate_after),
            ("stale_days", self.stale_days),
        ):
            if value < 1:
                raise ValueError(f"{name} phải từ 1 trở lên, không được là {value}.")


@dataclass(frozen=True)
class MilestoneFacts:
    """An open milestone of a task: its number on the task's card (by date), title and date."""

    number: int
    title: str
    due: date
    done: bool = False

    @property
    def ident(self) -> str:
        """The milestone in a reminder's key: its date and a checksum of its title (a re-imported
        sheet makes new rows for the same milestones)."""
        return f"{self.due:%Y%m%d}-{zlib.crc32(' '.join(self.title.casefold().split()).encode()):08x}"


@dataclass(frozen=True)
class TaskFacts:
    id: int
    deadline: date
    done: bool
    created: date  # local date the task was created
    last_report: date | None  # local date of the latest report
    snoozed_until: date | None = None  # "remind me tomorrow": no owner reminders before this date
    milestones: tuple[MilestoneFacts, ...] = ()  # its open milestones
    # Leave with no substitute (the owner's, or the accountable leader's), first and last day: an
    # escalation due then waits for the first working day after it (reminders.scan, tracking.leave).
    escalation_waits: tuple[Window, ...] = ()


@dataclass(frozen=True)
class Due:
    kind: str  # "before" | "due_today" | "overdue" | "escalate" | "stale"
    task_id: int
    on: date  # the day this reminder is (was) due to go out
    days: int  # before: calendar days left; overdue/escalate: working days late; stale: days silent
    to: str  # "owner" or "accountable"
    milestone: MilestoneFacts | None = None  # a milestone's reminder (kinds ms_*)

    @property
    def key(self) -> str:
        """Stable idempotency key, e.g. "overdue:42:2026-11-23", "ms_due:42:20261123-1a2b3c4d:2026-11-23"."""
        if self.milestone is not None:
            return f"{self.kind}:{self.task_id}:{self.milestone.ident}:{self.on.isoformat()}"
        return f"{self.kind}:{self.task_id}:{self.on.isoformat()}"


def due_between(task: TaskFacts, start: date, end: date, cal: WorkCalendar, policy: Policy) -> list[Due]:
    """Every reminder of ``task`` due on a day d with start < d <= end, sorted by day."""
    if task.done or end <= start:
        return []
    first = max(start + ONE_DAY, task.created)
    if first > end:
        return []
    window = (first, end)
    owner: dict[date, Due] = {}
    for due in _owner_candidates(task, window, cal, policy):
        kept = owner.get(due.on)
        if kept is None or _OWNER_PRECEDENCE.index(due.kind) < _OWNER_PRECEDENCE.index(kept.kind):
            owner[due.on] = due
    result = [
        due
        for due in [*owner.values(), *_milestones(task, window, cal, policy)]
        if task.snoozed_until is None or due.on >= task.snoozed_until
    ]
    result.extend(_escalation(task, window, cal, policy))
    return sorted(result, key=lambda due: (due.on, _DAY_ORDER[due.kind]))


def due_today(task: TaskFacts, today: date, cal: WorkCalendar, policy: Policy) -> list[Due]:
    """The reminders of ``task`` due on ``today``."""
    return due_between(task, today - ONE_DAY, today, cal, policy)


def _in(day: date, window: Window) -> bool:
    return window[0] <= day <= window[1]


def _owner_candidates(task: TaskFacts, window: Window, cal: WorkCalendar, policy: Policy) -> Iterator[Due]:
    yield from _before(task, window, cal, policy)
    yield from _due_today(task, window, cal)
    yield from _overdue(task, window, cal, policy)
    yield from _stale(task, window, cal, policy)
    yield from _snoozed(task, window, cal)


def _snoozed(task: TaskFacts, window: Window, cal: WorkCalendar) -> Iterator[Due]:
    """ "Remind me tomorrow": the owner hears of the task on the first working day
    from ``snoozed_until``, whatever else is (not) due that day."""
    if task.snoozed_until is None:
        return
    on = cal.next_working_day(task.snoozed_until)
    if not _in(on, window):
        return
    if on < task.deadline:
        yield Due(BEFORE, task.id, on, (task.deadline - on).days, OWNER)
    elif on == task.deadline:
        yield Due(DUE_TODAY, task.id, on, 0, OWNER)
    else:
        yield Due(OVERDUE, task.id, on, cal.working_days_after(task.deadline, on), OWNER)


def _before(task: TaskFacts, window: Window, cal: WorkCalendar, policy: Policy) -> Iterator[Due]:
    for n in policy.before_days:
        # deadline - n, moved back, falls before the window or far after it: nothing to compute.
        if (task.deadline - window[0]).days < n or (task.deadline - window[1]).days > n + _FAR:
            continue
        on = cal.previous_working_day(task.deadline - timedelta(days=n))
        if _in(on, window):
            yield Due(BEFORE, task.id, on, (task.deadline - on).days, OWNER)


def _due_today(task: TaskFacts, window: Window, cal: WorkCalendar) -> Iterator[Due]:
    if task.deadline < window[0] or (task.deadline - window[1]).days > _FAR:
        return
    on = cal.previous_working_day(task.deadline)
    if _in(on, window):
        yield Due(DUE_TODAY, task.id, on, 0, OWNER)


def _overdue(task: TaskFacts, window: Window, cal: WorkCalendar, policy: Policy) -> Iterator[Due]:
    if task.deadline >= window[1]:
        return  # not late yet on any day of the window
    day = max(window[0], task.deadline + ONE_DAY)
    late = cal.working_days_after(task.deadline, day - ONE_DAY)
    while day <= window[1]:
        if cal.is_working_day(day):
            late += 1
            if late % policy.overdue_every == 0:
                yield Due(OVERDUE, task.id, day, late, OWNER)
        day += ONE_DAY


def _stale(task: TaskFacts, window: Window, cal: WorkCalendar, policy: Policy) -> Iterator[Due]:
    anchor = task.created if task.last_report is None else max(task.created, task.last_report)
    step = timedelta(days=policy.stale_days)
    due = anchor + step
    while due <= min(window[1], task.deadline):
        on = cal.next_working_day(due)
        if on <= task.deadline and _in(on, window):
            yield Due(STALE, task.id, on, (on - anchor).days, OWNER)
        due += step


def _milestones(task: TaskFacts, window: Window, cal: WorkCalendar, policy: Policy) -> Iterator[Due]:
    """Each open milestone's reminders in the window: one a day, the one on its date first."""
    for mark in task.milestones:
        if mark.done or (mark.due - window[1]).days > policy_reach(policy):
            continue
        days: dict[date, Due] = {}
        for n in sorted(policy.before_days, reverse=True):
            on = cal.previous_working_day(mark.due - timedelta(days=n))
            if _in(on, window):
                days[on] = Due(MS_BEFORE, task.id, on, (mark.due - on).days, OWNER, mark)
        on = cal.previous_working_day(mark.due)
        if _in(on, window):
            days[on] = Due(MS_DUE, task.id, on, 0, OWNER, mark)
        yield from days.values()
        yield from _milestone_overdue(task, mark, window, cal, policy)


def policy_reach(policy: Policy) -> int:
    """How far ahead of a window a date may be and still have a reminder in it."""
    return max(policy.before_days, default=0) + _FAR


def _milestone_overdue(
    task: TaskFacts, mark: MilestoneFacts, window: Window, cal: WorkCalendar, policy: Policy
) -> Iterator[Due]:
    last = min(window[1], task.deadline)  # then the task's own overdue reminders nag
    if mark.due >= last:
        return
    day = max(window[0], mark.due + ONE_DAY)
    late = cal.working_days_after(mark.due, day - ONE_DAY)
    while day <= last:
        if cal.is_working_day(day):
            late += 1
            if late % policy.overdue_every == 0:
                yield Due(MS_OVERDUE, task.id, day, late, OWNER, mark)
        day += ONE_DAY


def _escalation(task: TaskFacts, window: Window, cal: WorkCalendar, policy: Policy) -> Iterator[Due]:
    if task.deadline >= window[1]:
        return  # escalation comes after the deadline
    on = cal.add_working_days(task.deadline, policy.escalate_after)
    days = policy.escalate_after
    waited = _after_waits(on, task.escalation_waits, cal)
    if waited != on:  # the owner (or the leader) was away with no one standing in: on their return
        on, days = waited, cal.working_days_after(task.deadline, waited)
    if _in(on, window):
        yield Due(ESCALATE, task.id, on, days, ACCOUNTABLE)


def _after_waits(day: date, waits: tuple[Window, ...], cal: WorkCalendar) -> date:
    """``day``, or the first working day after the leave (of ``waits``) it falls in, and after any
    leave that day falls in in turn."""
    moved = True
    while moved:
        moved = False
        for first, last in waits:
            if first <= day <= last:
                day, moved = cal.next_working_day(last + ONE_DAY), True
    return day
