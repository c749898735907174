"""The manager's digest of a scope: tasks by status, overdue and silent tasks,
targets behind plan, and task owners the bot cannot reach.

``build_digest`` asks the database for aggregates and short ordered lists
(``ORDER BY ... LIMIT``), never for every task, so a digest over tens of
thousands of tasks stays fast and small. ``digest_blocks`` renders a digest as
Vietnamese HTML blocks for ``bot.texts.pack``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.texts import STATUS_ICONS, STATUS_LABELS, esc
from storage.models import STATUS_DONE, STATUSES, Staff, Target, Task
from storage.tracking import Scope, latest_target_values

OVERDUE = "overdue"


@dataclass(frozen=True)
class OverdueItem:
    code: str
    title: str
    owner_name: str
    owner_code: str
    deadline: date
    days_late: int  # calendar days past the deadline
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


def build_digest(*, session: Session, scope: Scope, today: date, now: datetime, title: str,
                 stale_days: int = 7, limit: int = 15) -> Digest:
    """The digest of ``scope``; ``today`` is the local date, ``now`` an aware moment."""
    now = now.astimezone(timezone.utc)
    in_scope = scope.task_filter()
    is_open = Task.status != STATUS_DONE
    late = Task.deadline < today
    silent_since = func.coalesce(Task.last_report_at, Task.created_at)
    silent = silent_since < now - timedelta(days=stale_days)
    # An alias, so the scope's subqueries on staff are not correlated to the owner.
    owner = aliased(Staff)

    by_status = dict.fromkeys((*STATUSES, OVERDUE), 0)
    total = stale_count = 0
    counts = select(Task.status, func.count(), func.sum(case((late, 1), else_=0)),
                    func.sum(case((silent, 1), else_=0))).where(in_scope).group_by(Task.status)
    for status, count, late_count, silent_count in session.exec(counts).all():
        by_status[status] = count
        total += count
        if status != STATUS_DONE:
            by_status[OVERDUE] += late_count
            stale_count += silent_count

    overdue_rows = session.exec(
        select(Task.code, Task.title, owner.full_name, owner.code, Task.deadline, Task.progress)
        .join(owner, owner.id == Task.owner_id)
        .where(in_scope, is_open, late)
        .order_by(col(Task.deadline), col(Task.code)).limit(limit)).all()
    overdue = [OverdueItem(code=code, title=task_title, owner_name=name, owner_code=owner_code,
                           deadline=deadline, days_late=(today - deadline).days, progress=progress)
               for code, task_title, name, owner_code, deadline, progress in overdue_rows]

    stale_rows = session.exec(
        select(Task.code, Task.title, owner.full_name, Task.last_report_at)
        .join(owner, owner.id == Task.owner_id)
        .where(in_scope, is_open, silent)
        .order_by(silent_since, col(Task.code)).limit(limit)).all()
    stale = [StaleItem(code=code, title=task_title, owner_name=name,
                       days_silent=(now - _utc(reported)).days if reported else None)
             for code, task_title, name, reported in stale_rows]

    targets = session.exec(
        select(Target)
        .where(col(Target.id).in_(select(Task.target_id).where(in_scope)),
               col(Target.target_value).is_not(None))
        .order_by(col(Target.code))).all()
    targets_behind = _targets_behind(session=session, targets=targets, today=today)

    unreachable_owners = (
        select(owner.full_name, owner.code)
        .where(col(owner.id).in_(select(Task.owner_id).where(in_scope, is_open)),
               col(owner.unreachable_since).is_not(None)))
    unreachable_count = session.exec(select(func.count()).select_from(unreachable_owners.subquery())).one()
    unreachable = [f"{name} ({code})" for name, code in
                   session.exec(unreachable_owners.order_by(owner.code).limit(limit)).all()]

    return Digest(title=title, today=today, stale_days=stale_days, total=total, by_status=by_status,
                  overdue=overdue, overdue_count=by_status[OVERDUE], stale=stale, stale_count=stale_count,
                  targets_checked=len(targets), targets_behind=targets_behind,
                  unreachable=unreachable, unreachable_count=unreachable_count)


def _utc(moment: datetime) -> datetime:
    """SQLite hands back UTC moments without their zone."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


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
        if actual is None or (actual < expected if target.higher_is_better else actual > expected):
            behind.append(TargetItem(code=target.code, name=target.name, target_value=target.target_value,
                                     actual=actual, expected=expected, measure_unit=target.measure_unit))
    return behind


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def digest_blocks(digest: Digest) -> list[str]:
    """The digest as balanced HTML blocks, Vietnamese; every stored text is escaped."""
    header = f"<b>📊 Tổng hợp: {esc(digest.title)}</b> — ngày {digest.today:%d/%m/%Y}"
    if digest.total == 0:
        return [f"{header}\n\nChưa có nhiệm vụ nào trong phạm vi này, nên chưa có gì để tổng hợp. "
                "Khi nhiệm vụ được giao cho đơn vị hoặc cán bộ thuộc phạm vi, tình hình sẽ hiện ở đây."]
    blocks = [header, _counts_block(digest), _overdue_block(digest), _stale_block(digest)]
    if digest.targets_checked:
        blocks.append(_targets_block(digest))
    if digest.unreachable:
        blocks.append(_unreachable_block(digest))
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
    lines += [f"• <code>{esc(i.code)}</code> {esc(i.title)} — {esc(i.owner_name)}, "
              f"trễ {i.days_late} ngày ({i.progress}%)" for i in digest.overdue]
    return "\n".join(lines + _more(digest.overdue_count, len(digest.overdue), "nhiệm vụ"))


def _stale_block(digest: Digest) -> str:
    if not digest.stale_count:
        return f"⏳ Mọi nhiệm vụ đang làm đều có báo cáo trong {digest.stale_days} ngày qua."
    lines = [f"<b>⏳ Chưa báo cáo {digest.stale_days} ngày ({digest.stale_count})</b>"]
    for item in digest.stale:
        silence = ("chưa báo cáo lần nào" if item.days_silent is None
                   else f"{item.days_silent} ngày chưa báo cáo")
        lines.append(f"• <code>{esc(item.code)}</code> {esc(item.title)} — {esc(item.owner_name)}, {silence}")
    return "\n".join(lines + _more(digest.stale_count, len(digest.stale), "nhiệm vụ"))


def _targets_block(digest: Digest) -> str:
    if not digest.targets_behind:
        return f"🎯 Các chỉ tiêu ({digest.targets_checked}) đều theo kịp kế hoạch."
    lines = ["<b>🎯 Chỉ tiêu chậm so với kế hoạch</b>"]
    for item in digest.targets_behind:
        actual = ("chưa có số liệu" if item.actual is None
                  else f"đạt {_amount(item.actual, item.measure_unit)}")
        lines.append(f"• <code>{esc(item.code)}</code> {esc(item.name)}: {actual} / "
                     f"kế hoạch {_amount(item.expected, item.measure_unit)}")
    return "\n".join(lines)


def _unreachable_block(digest: Digest) -> str:
    lines = [f"<b>📵 Chưa liên lạc được ({digest.unreachable_count})</b>",
             "Các cán bộ này chưa nhận được tin nhắn của bot (chưa bấm Bắt đầu hoặc đã chặn bot):"]
    lines += [f"• {esc(name)}" for name in digest.unreachable]
    return "\n".join(lines + _more(digest.unreachable_count, len(digest.unreachable), "cán bộ"))


def _more(count: int, shown: int, noun: str) -> list[str]:
    return [f"… và {count - shown} {noun} khác"] if count > shown else []


def _amount(value: float, unit: str) -> str:
    number = round(value, 1)
    text = f"{number:.0f}" if number == int(number) else f"{number:.1f}"
    if not unit:
        return text
    return f"{text}{esc(unit)}" if unit == "%" else f"{text} {esc(unit)}"
