"""The manager's digest of a scope: tasks by status, overdue and silent tasks,
targets behind plan, and task owners the bot cannot reach.

``build_digest`` reads the scope's tasks once, a few columns streamed in
batches, into a :class:`DigestTally`, which keeps only counts, the candidates for its short lists and the ids
of owners and targets: the scope's filter (a unit subtree and the people in
it) is evaluated once rather than once per figure, and a digest over tens of
thousands of tasks stays fast and small. Names, targets and unreachable owners
are then looked up for what the lists show. ``digest_blocks`` renders a digest
as Vietnamese HTML blocks for ``texts.common.pack``.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from reminders import milestones as marks
from reminders.calendar import OfficeCalendar
from reminders.ranking import ScoreTally
from storage import calendar as office
from storage.leaders import unlinked_staff
from storage.models import STATUS_BLOCKED, STATUS_DONE, STATUSES, Leave, Staff, Target, Task
from storage.tracking import Scope, latest_target_values, staff_by_ids
from texts.calendar import away_block
from texts.common import STATUS_ICONS, STATUS_LABELS, esc, number
from texts.review import unlinked_block
from texts.talk import blocked_block
from texts.tasks import overdue_words

OVERDUE = "overdue"
BLOCKED_LINES = 5  # blocked tasks listed with their reasons; then "… và k nhiệm vụ khác"


@dataclass(frozen=True)
class OverdueItem:
    code: str
    title: str
    owner_name: str
    owner_code: str
    deadline: date
    days_late: int  # working days past the deadline (OfficeCalendar.days_late)
    progress: int


@dataclass(frozen=True)
class StaleItem:
    code: str
    title: str
    owner_name: str
    days_silent: int | None  # None: never reported


@dataclass(frozen=True)
class TargetItem:
    code: str
    name: str
    target_value: float
    actual: float | None  # None: no value recorded yet
    expected: float
    measure_unit: str


@dataclass
class Digest:
    """Everything a manager needs to see about a scope, at one moment.

    Lists hold at most ``limit`` items, most urgent first; the ``*_count``
    fields give the full numbers."""

    title: str
    today: date
    stale_days: int
    total: int
    by_status: dict[str, int]  # every status, plus "overdue" (open tasks also counted under their status)
    overdue: list[OverdueItem]
    overdue_count: int
    stale: list[StaleItem]
    stale_count: int
    targets_checked: int  # targets with a goal linked to tasks in scope
    targets_behind: list[TargetItem]
    unreachable: list[str]  # "Name (CODE)" of unreachable owners of open tasks
    unreachable_count: int
    # Owners of open tasks away on leave today, with their leave (tracking.leave): who, until when.
    away: list = field(default_factory=list)
    # Staff of the scope who never linked Telegram (storage.leaders.unlinked_staff): told nothing.
    unlinked: list = field(default_factory=list, compare=False)
    unlinked_count: int = field(default=0, compare=False)
    # Blocked tasks with their reasons, the first BLOCKED_LINES by code: (code, title, owner, reason).
    blocked: list = field(default_factory=list)
    blocked_count: int = 0
    # The scope's milestones not done, past their date or due soon, as a block (reminders.milestones):
    # the same in /tonghop, /donvi and the scheduled digests; "" when there are none.
    milestones: str = field(default="", compare=False)


def build_digest(
    *,
    session: Session,
    scope: Scope,
    today: date,
    now: datetime,
    title: str,
    stale_days: int = 7,
    limit: int = 15,
    calendar=None,
) -> Digest:
    """The digest of ``scope``; ``today`` is the local date, ``now`` an aware moment.

    Lists are ordered as the manager reads them: overdue tasks by deadline, silent ones by
    their last sign of life (last report, else creation), both then by code."""
    return scan_digest(
        session=session,
        scope=scope,
        title=title,
        limit=limit,
        tally=DigestTally(today=today, now=now, stale_days=stale_days, calendar=calendar),
    )


def scan_digest(*, session: Session, scope: Scope, tally: DigestTally, title: str, limit: int = 15) -> Digest:
    """The digest of ``scope`` gathered by ``tally`` (and its scores, when it keeps them) from one query."""
    session.flush()  # plain rows from the connection, which does not flush by itself
    rows = session.connection().execute(
        sa_select(*DigestTally.COLUMNS).where(scope.task_filter()).execution_options(yield_per=5000)
    )
    add = tally.add
    for row in rows:
        add(*row)
    digest = with_unlinked(
        session=session, digest=tally.digest(session=session, title=title, limit=limit), scope=scope, limit=limit
    )
    return with_milestones(session=session, digest=digest, scope=scope)


def with_unlinked(*, session: Session, digest: Digest, scope: Scope, limit: int = 15) -> Digest:
    """``digest`` with the staff of ``scope`` not connected to Telegram (they hear of nothing)."""
    unlinked = unlinked_staff(session=session, scope=scope, limit=1000)
    digest.unlinked, digest.unlinked_count = unlinked[:limit], len(unlinked)
    return digest


def with_milestones(*, session: Session, digest: Digest, scope: Scope) -> Digest:
    """``digest`` with the block of the scope's milestones not done (late, and due soon), if it has tasks."""
    digest.milestones = marks.digest_block(session, scope=scope, today=digest.today) if digest.total else ""
    return digest


class DigestTally:
    """What a digest gathers from its scope's tasks, one task at a time and in any order: counts,
    the candidates for its short lists, the ids of owners and targets. ``build_digest`` feeds it
    from a query of its own; a weekly digest from the scan that writes its workbook."""

    # What ``add`` takes, in order. A task's last sign of life (its last report, else its creation)
    # comes as one moment, and whether it was a report: a moment read costs more than the rest. It is
    # read as a plain DateTime (UTC without a zone from SQLite, aware from PostgreSQL: ``add`` takes
    # both) rather than through SQLModel's UTCDateTime, whose conversion runs in Python for each value.
    COLUMNS: tuple[Any, ...] = (
        Task.code,
        Task.title,
        Task.owner_id,
        Task.host_unit_id,
        Task.status,
        Task.deadline,
        Task.progress,
        type_coerce(func.coalesce(Task.last_report_at, Task.created_at), DateTime()),
        col(Task.last_report_at).is_not(None),
        Task.target_id,
    )

    def __init__(
        self, *, today: date, now: datetime, stale_days: int = 7, scores: ScoreTally | None = None, calendar=None
    ) -> None:
        # The office's calendar (its own days included; None: the national one): lateness in working
        # days, the one rule the reminders, escalations, lists and cards count it by.
        self.calendar = calendar if calendar is not None else OfficeCalendar()
        self.scores = scores  # the units' scoreboard, gathered on the way
        self.today = today
        self.now = now
        self.stale_days = stale_days
        self.silent_before = now.astimezone(UTC) - timedelta(days=stale_days)
        self.by_status = dict.fromkeys((*STATUSES, OVERDUE), 0)
        self.total = 0
        self.late: list[tuple[date, str, str, int, int]] = []  # deadline, code, title, owner, progress
        self.silent: list[tuple[datetime, str, str, int, datetime | None]] = []  # since, code, title, owner, report
        self.target_ids: set[int] = set()
        self.open_owners: set[int] = set()
        self.blocked: list[tuple[str, str, int]] = []  # code, title, owner

    def add(
        self,
        code: str,
        title: str,
        owner_id: int,
        unit_id: int,
        status: str,
        deadline: date,
        progress: int,
        since: datetime,
        reported: bool,
        target_id: int | None,
    ) -> None:
        """One task: its code, title, owner, host unit, status, deadline, progress, last report (else
        creation) and whether it has a report, target."""
        if self.scores is not None:
            self.scores.add(unit_id, status, deadline, progress, since if reported else None)
        self.total += 1
        by_status = self.by_status
        by_status[status] = by_status.get(status, 0) + 1
        if target_id is not None:
            self.target_ids.add(target_id)
        if status == STATUS_DONE:
            return
        if status == STATUS_BLOCKED:
            self.blocked.append((code, title, owner_id))
        self.open_owners.add(owner_id)
        if deadline < self.today:
            self.late.append((deadline, code, title, owner_id, progress))
        since = _utc(since)
        if since < self.silent_before:
            self.silent.append((since, code, title, owner_id, since if reported else None))

    def digest(self, *, session: Session, title: str, limit: int = 15) -> Digest:
        """The digest of what was added: names, targets and unreachable owners looked up for what it shows."""
        today, late, silent = self.today, self.late, self.silent
        by_status = dict(self.by_status)
        by_status[OVERDUE] = len(late)
        late_shown = heapq.nsmallest(limit, late, key=lambda item: item[:2])
        silent_shown = heapq.nsmallest(limit, silent, key=lambda item: item[:2])
        people = staff_by_ids(session=session, ids=[item[3] for item in late_shown + silent_shown])

        overdue = [
            OverdueItem(
                code=code,
                title=task_title,
                owner_name=people[owner].full_name,
                owner_code=people[owner].code,
                deadline=deadline,
                days_late=self._late(deadline),
                progress=progress,
            )
            for deadline, code, task_title, owner, progress in late_shown
        ]
        utc_now = self.now.astimezone(UTC)
        stale = [
            StaleItem(
                code=code,
                title=task_title,
                owner_name=people[owner].full_name,
                days_silent=(utc_now - _utc(reported)).days if reported else None,
            )
            for _, code, task_title, owner, reported in silent_shown
        ]

        targets = _targets_of(session, self.target_ids)
        targets_behind = _targets_behind(session=session, targets=targets, today=today)
        unreachable_owners = _unreachable(session, self.open_owners)
        blocked = _blocked(session, heapq.nsmallest(min(limit, BLOCKED_LINES), self.blocked))
        away = _away(session, self.open_owners, today)[:limit]

        return Digest(
            title=title,
            today=today,
            stale_days=self.stale_days,
            total=self.total,
            by_status=by_status,
            overdue=overdue,
            overdue_count=len(late),
            stale=stale,
            stale_count=len(silent),
            targets_checked=len(targets),
            targets_behind=targets_behind,
            unreachable=unreachable_owners[:limit],
            unreachable_count=len(unreachable_owners),
            blocked=blocked,
            blocked_count=len(self.blocked),
            away=away,
        )

    def _late(self, deadline: date) -> int:
        return self.calendar.days_late(deadline, self.today)


def _targets_of(session: Session, target_ids: set[int]) -> list[Target]:
    """The targets with a goal among ``target_ids``, by code."""
    if not target_ids:
        return []
    return list(
        session.exec(
            select(Target)
            .where(col(Target.id).in_(sorted(target_ids)), col(Target.target_value).is_not(None))
            .order_by(col(Target.code))
        ).all()
    )


def _unreachable(session: Session, open_owners: set[int]) -> list[str]:
    """«Name (code)» of the owners of open tasks whom the bot cannot reach, by code."""
    return [
        f"{name} ({code})"
        for staff_id, name, code in session.execute(
            select(Staff.id, Staff.full_name, Staff.code)
            .where(col(Staff.unreachable_since).is_not(None))
            .order_by(col(Staff.code))
        )
        if staff_id in open_owners
    ]


def _blocked(session: Session, shown: list[tuple[str, str, int]]) -> list[tuple[str, str, str, str]]:
    """(code, title, owner, reason) of the blocked tasks shown."""
    if not shown:
        return []
    codes = [code for code, _, _ in shown]
    reasons = dict(session.exec(select(Task.code, Task.blocked_reason).where(col(Task.code).in_(codes))).all())
    owners = staff_by_ids(session=session, ids=[owner for _, _, owner in shown])
    return [
        (code, task_title, owners[owner].full_name if owner in owners else "", reasons.get(code) or "")
        for code, task_title, owner in shown
    ]


def _away(session: Session, open_owners: set[int], today: date) -> list[tuple[Staff, Leave]]:
    """The owners of open tasks on leave today, with their leave."""
    if not open_owners:
        return []
    return [
        (person, leave)
        for leave in office.leaves_between(session=session, first=today, last=today, staff_ids=sorted(open_owners))
        for person in [session.get(Staff, leave.staff_id)]
        if person is not None
    ]


def _utc(moment: datetime) -> datetime:
    """SQLite hands back UTC moments without their zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def expected_value(target: Target, today: date) -> float:
    """Where the target should be today: on the straight line from the baseline
    (or 0) at its start date to the goal at its due date; the goal itself
    outside that period or when either date is missing."""
    goal = target.target_value
    assert goal is not None
    start, due = target.start_date, target.due_date
    if start is None or due is None or not start <= today <= due or start == due:
        return goal
    base = target.baseline or 0.0
    return base + (goal - base) * (today - start).days / (due - start).days


def _targets_behind(*, session: Session, targets: list[Target], today: date) -> list[TargetItem]:
    latest = latest_target_values(session=session, target_ids=[t.id for t in targets])
    behind = []
    for target in targets:
        expected = expected_value(target, today)
        value = latest.get(target.id)
        actual = value.value if value is not None else None
        assert target.target_value is not None  # as expected_value requires
        if actual is None or (actual < expected if target.higher_is_better else actual > expected):
            behind.append(
                TargetItem(
                    code=target.code,
                    name=target.name,
                    target_value=target.target_value,
                    actual=actual,
                    expected=expected,
                    measure_unit=target.measure_unit,
                )
            )
    return behind


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def digest_blocks(digest: Digest) -> list[str]:
    """The digest as balanced HTML blocks, Vietnamese; every stored text is escaped."""
    header = f"<b>📊 Tổng hợp: {esc(digest.title)}</b> — ngày {digest.today:%d/%m/%Y}"
    if digest.total == 0:
        return [
            f"{header}\n\nChưa có nhiệm vụ nào trong phạm vi này, nên chưa có gì để tổng hợp. "
            "Khi nhiệm vụ được giao cho đơn vị hoặc cán bộ thuộc phạm vi, tình hình sẽ hiện ở đây."
        ]
    blocks = [header, _counts_block(digest), _overdue_block(digest), _stale_block(digest)]
    if digest.blocked_count:  # each with its reason (texts.talk), in the block of the silent tasks
        blocks[3] += "\n\n" + blocked_block(digest.blocked, digest.blocked_count)
    if digest.targets_checked:
        blocks.append(_targets_block(digest))
    if digest.unreachable:
        blocks.append(_unreachable_block(digest))
    if digest.away:
        blocks.append(away_block(digest.away))
    if digest.unlinked:
        blocks.append(unlinked_block(digest.unlinked, digest.unlinked_count))
    if digest.milestones:
        blocks.append(digest.milestones)
    return blocks


def _counts_block(digest: Digest) -> str:
    lines = [f"Tổng số nhiệm vụ: <b>{digest.total}</b>"]
    for status in (*STATUSES, OVERDUE):
        label = STATUS_LABELS[status]
        lines.append(f"{STATUS_ICONS[status]} {label[:1].upper()}{label[1:]}: {digest.by_status[status]}")
    return "\n".join(lines)


def _overdue_block(digest: Digest) -> str:
    if not digest.overdue_count:
        return f"{STATUS_ICONS[OVERDUE]} Không có nhiệm vụ quá hạn."
    lines = [f"<b>{STATUS_ICONS[OVERDUE]} Quá hạn ({digest.overdue_count})</b>"]
    lines += [
        f"• <code>{esc(i.code)}</code> {esc(i.title)} — {esc(i.owner_name)}, "
        f"{overdue_words(i.days_late)} ({i.progress}%)"
        for i in digest.overdue
    ]
    return "\n".join(lines + _more(digest.overdue_count, len(digest.overdue), "nhiệm vụ"))


def _stale_block(digest: Digest) -> str:
    if not digest.stale_count:
        return f"⏳ Mọi nhiệm vụ đang làm đều có báo cáo trong {digest.stale_days} ngày qua."
    lines = [f"<b>⏳ Chưa báo cáo {digest.stale_days} ngày ({digest.stale_count})</b>"]
    for item in digest.stale:
        silence = "chưa báo cáo lần nào" if item.days_silent is None else f"{item.days_silent} ngày chưa báo cáo"
        lines.append(f"• <code>{esc(item.code)}</code> {esc(item.title)} — {esc(item.owner_name)}, {silence}")
    return "\n".join(lines + _more(digest.stale_count, len(digest.stale), "nhiệm vụ"))


def _targets_block(digest: Digest) -> str:
    if not digest.targets_behind:
        return f"🎯 Các chỉ tiêu ({digest.targets_checked}) đều theo kịp kế hoạch."
    lines = ["<b>🎯 Chỉ tiêu chậm so với kế hoạch</b>"]
    for item in digest.targets_behind:
        actual = "chưa có số liệu" if item.actual is None else f"đạt {_amount(item.actual, item.measure_unit)}"
        lines.append(
            f"• <code>{esc(item.code)}</code> {esc(item.name)}: {actual} / "
            f"kế hoạch {_amount(item.expected, item.measure_unit)}"
        )
    return "\n".join(lines)


def _unreachable_block(digest: Digest) -> str:
    lines = [
        f"<b>📵 Chưa liên lạc được ({digest.unreachable_count})</b>",
        "Các cán bộ này chưa nhận được tin nhắn của bot (chưa bấm Bắt đầu hoặc đã chặn bot):",
    ]
    lines += [f"• {esc(name)}" for name in digest.unreachable]
    return "\n".join(lines + _more(digest.unreachable_count, len(digest.unreachable), "cán bộ"))


def _more(count: int, shown: int, noun: str) -> list[str]:
    return [f"… và {count - shown} {noun} khác"] if count > shown else []


def _amount(value: float, unit: str) -> str:
    text = number(value)  # 82,5 as Vietnamese writes it
    if not unit:
        return text
    return f"{text}{esc(unit)}" if unit == "%" else f"{text} {esc(unit)}"
