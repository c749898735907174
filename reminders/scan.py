"""The scan: turn what the database says is due into outbox rows, once.

Reminders: every day after ``REMINDER_TIME`` the scan covers the days since
the last scan (``reminders_scanned_through`` in ``app_state``), so after a
downtime the missed reminders are found; each is recorded once under its key
(``reminder.key`` is unique), and the new ones for one task and one person are
folded into one message. Digests: each subscription gets one digest per period
(day or ISO week) once its time has come; after a downtime only the latest
missed period is sent, a stale digest being of no use.

Scans are serialised across bot processes by a lock in the database (an
advisory lock on PostgreSQL, the write lock on SQLite), so several processes
on one database queue each message once. Digests are rendered outside the lock
and queued under it after checking they are still due (``scan_all``).

Each task and each subscription is worked out and rendered on its own: one
that fails (a bug meeting odd data) is skipped while every other reminder and
digest goes out, reported to the admins once, and tried again every cycle
(``reminders.failures``); a task's reminders missed meanwhile are found then.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import text, update
from sqlmodel import Session, col, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from common.timespec import parse_hhmm
from reminders import failures as fails
from reminders import milestones as marks
from reminders import periodic
from reminders.away import Away
from reminders.policy import Due, Policy, TaskFacts, WorkCalendar, due_between
from storage import calendar as office
from storage import outbox as box
from storage.models import STATUS_DONE, AppState, Outbox, Reminder, ScanFailure, Staff, Subscription, Task
from storage.tracking import batches
from texts.calendar import on_behalf
from texts.common import STATUS_LABELS, esc, number, pack
from texts.periodic import workbook_caption
from texts.review import invite_all_keyboard
from texts.tasks import overdue_words
from tracking import series
from tracking import subscriptions as owners
from tracking.export import ExportWorkers
from tracking.service import scope_title

log = logging.getLogger(__name__)

SCANNED_THROUGH = "reminders_scanned_through"
LOCK_KEY = 72_410_305  # any constant: the advisory lock of the scan


@dataclass(frozen=True)
class ScanConfig:
    tz: tzinfo
    reminder_at: time
    calendar: WorkCalendar
    policy: Policy
    admin_ids: tuple[int, ...] = ()  # ADMIN_IDS: told of an item that fails, with the staff admins

    @classmethod
    def from_settings(cls, settings: Any) -> ScanConfig:
        return cls(
            tz=settings.tz,
            reminder_at=settings.reminder_at,
            calendar=WorkCalendar(settings.work_week, settings.public_holidays),
            policy=Policy(
                before_days=tuple(settings.reminder_days_before),
                overdue_every=settings.overdue_repeat_days,
                escalate_after=settings.escalate_after_days,
            ),
            admin_ids=tuple(settings.admin_ids),
        )


@dataclass
class ScanResult:
    reminders: int = 0
    messages: int = 0
    digests: int = 0
    failed: int = 0  # tasks and subscriptions skipped this time (reminders.failures)
    stopped: int = 0  # subscriptions stopped, their owner no longer allowed them (tracking.subscriptions)
    scanned_through: date | None = None


def reminder_day(now: datetime, config: ScanConfig) -> date:
    """The last day whose reminders are due: today once REMINDER_TIME has passed, else yesterday."""
    local = now.astimezone(config.tz)
    return local.date() if local.time() >= config.reminder_at else local.date() - timedelta(days=1)


def scan(session: Session, *, now: datetime, config: ScanConfig) -> ScanResult:
    """One scan; the caller's transaction commits it as a whole."""
    _lock(session)
    config = with_office_days(session, config)
    result = ScanResult()
    # Each periodic report's instance of a period that has begun, before its reminders are found.
    series.make_due_instances(session, today=now.astimezone(config.tz).date(), calendar=config.calendar, at=now)
    through = reminder_day(now, config)
    state = session.get(AppState, SCANNED_THROUGH)
    last = date.fromisoformat(state.value) if state and state.value else through - timedelta(days=1)
    fails.forget_gone(session)
    retry = fails.pending(session, kind=fails.TASK)  # tasks that failed: tried again, even on a day scanned
    if last < through or retry:
        result.reminders, result.messages = _queue_reminders(
            session, start=last, end=through, now=now, config=config, retry=retry, result=result
        )
    if last < through:
        if state is None:
            state = AppState(key=SCANNED_THROUGH)
        state.value = through.isoformat()
        session.add(state)
    result.scanned_through = through
    return result


def scan_all(engine, *, now: datetime, config: ScanConfig, exports: ExportWorkers | None = None) -> ScanResult:
    """The reminders under the scan lock, then the digests: each is rendered
    outside any lock (a weekly one with its workbook can take a second, during
    which SQLite's write lock would hold up every update), then queued in a
    short locked transaction that checks it is still due, so two processes
    rendering the same digest queue it once. A weekly digest's workbook is
    written by the export worker of ``exports`` when there is one."""
    from storage.db import session_scope

    with session_scope(engine) as session:
        result = scan(session, now=now, config=config)
    due: list[tuple[int, str]] = []
    broken: list[tuple[int, str, Exception]] = []
    stopped: list[tuple[int, str]] = []
    with session_scope(engine) as session:
        for sub in session.exec(select(Subscription).where(col(Subscription.disabled_at).is_(None))).all():
            try:
                period = period_due(sub, now, config.tz)
            except Exception as exc:  # a subscription's own data (its time): that one is skipped
                if not fails.isolated(exc):
                    raise
                broken.append((sub.id, _digest_code(session, sub), exc))
                continue
            if period is not None:
                due.append((sub.id, period))
    for sub_id, period in due:
        code = f"#{sub_id}"
        try:
            with session_scope(engine) as session:  # reads only: no lock held while rendering
                read = session.get(Subscription, sub_id)
                if read is None or period_due(read, now, config.tz) != period:
                    continue  # another process has queued it already: do not render it again
                code = _digest_code(session, read)
                rows, counts = _render_digest(
                    session, sub=read, period=period, now=now, config=with_office_days(session, config), exports=exports
                )
        except owners.Stopped:  # its owner may no longer receive it: stopped below, the chat told
            stopped.append((sub_id, period))
            continue
        except Exception as exc:  # this digest only: the others go out
            if not fails.isolated(exc):
                raise
            broken.append((sub_id, code, exc))
            continue
        with session_scope(engine) as session:
            _lock(session)
            queued = session.get(Subscription, sub_id)
            if queued is None or period_due(queued, now, config.tz) != period:
                continue  # unsubscribed meanwhile, or another process queued it
            for row in rows:
                box.enqueue(session=session, row=row)
            queued.last_period = period
            queued.last_counts = json.dumps(counts)
            session.add(queued)
            fails.went_through(session, kind=fails.DIGEST, item_ids=[sub_id])
            result.digests += 1
    for sub_id, period in stopped:
        with session_scope(engine) as session:
            _lock(session)
            held = session.get(Subscription, sub_id)
            if held is None or period_due(held, now, config.tz) != period:
                continue  # unsubscribed, subscribed again or stopped meanwhile
            try:
                owners.owner_of(session, held, admin_ids=config.admin_ids)
                continue  # allowed again meanwhile: sent next cycle
            except owners.Stopped as lost:
                if owners.stop(session, held, reason=str(lost), now=now):
                    fails.went_through(session, kind=fails.DIGEST, item_ids=[sub_id])
                    result.stopped += 1
    for sub_id, code, error in broken:
        with session_scope(engine) as session:
            _lock(session)
            fails.failed(
                session, kind=fails.DIGEST, item_id=sub_id, code=code, error=error, now=now, admins=config.admin_ids
            )
        result.failed += 1
    return result


def _digest_code(session: Session, sub: Subscription) -> str:
    """A subscription as the admins read it: its number, chat, and whose scope."""
    staff = session.get(Staff, sub.staff_id) if sub.staff_id else None
    whose = staff.code if staff else f"Telegram {sub.owner_telegram_id}" if sub.owner_telegram_id else "?"
    return f"#{sub.id} (chat {sub.chat_id}, phạm vi của {whose})"


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    else:  # SQLite: take the write lock now, not at the first insert
        session.execute(update(AppState).where(col(AppState.key) == SCANNED_THROUGH).values(value=col(AppState.value)))


# --------------------------------------------------------------------------
# Reminders
# --------------------------------------------------------------------------


def _local_date(moment: datetime | None, tz: tzinfo) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()


def _queue_reminders(
    session: Session,
    *,
    start: date,
    end: date,
    now: datetime,
    config: ScanConfig,
    retry: dict[int, ScanFailure] | None = None,
    result: ScanResult | None = None,
) -> tuple[int, int]:
    """The reminders of the days after ``start`` up to ``end``, and of the days after their
    ``scan_from`` for the tasks of ``retry`` (those that failed before); a task that fails now
    is skipped and remembered (``reminders.failures``)."""
    retry = retry or {}
    failures = _TaskFailures(session, now=now, config=config, result=result)
    first = min([start, *(failure.scan_from for failure in retry.values() if failure.scan_from)])
    away = Away.load(session, first=first, last=end)  # leave (tracking.leave): reminders go to substitutes
    tasks = _tasks_to_scan(session, start=start, end=end, retry=retry)
    dues = _task_dues(
        tasks,
        milestones=marks.facts_of(session, tasks),
        start=start,
        end=end,
        retry=retry,
        config=config,
        failures=failures,
        away=away,
    )
    known = _recorded_keys(session, dues)
    wanted = {t.owner_id for t, _ in dues} | {t.accountable_id for t, _ in dues} | away.substitutes()
    people = {
        s.id: s
        for batch in batches(sorted(wanted))
        for s in session.exec(select(Staff).where(col(Staff.id).in_(batch))).all()
    }
    groups: dict[tuple[int, int], list[tuple[Task, Due]]] = defaultdict(list)
    behalf: dict[tuple[int, int], Any] = {}
    for task, due in dues:
        if due.key in known:
            continue
        staff_id, leave = away.recipient(task, due)
        if staff_id is None:
            continue  # away with no one standing in: the owner's reminder is dropped (escalations wait)
        known.add(due.key)
        groups[(task.id, staff_id)].append((task, due))
        if leave is not None:
            behalf[(task.id, staff_id)] = leave
    recorded = messages = 0
    for (task_id, staff_id), items in groups.items():
        added, queued = _queue_task_reminders(
            session,
            task_id=task_id,
            staff_id=staff_id,
            items=items,
            people=people,
            end=end,
            now=now,
            failures=failures,
            behalf=behalf.get((task_id, staff_id)),
        )
        recorded += added
        messages += queued
    if retry:  # tried again and through, or done since, or deleted
        fails.went_through(
            session, kind=fails.TASK, item_ids=[task_id for task_id in retry if task_id not in failures.broken]
        )
    return recorded, messages


class _TaskFailures:
    """The tasks that fail in one scan: each skipped, reported once and remembered with the day
    its reminders are to be found again from (``reminders.failures``)."""

    def __init__(self, session: Session, *, now: datetime, config: ScanConfig, result: ScanResult | None) -> None:
        self.session = session
        self.now = now
        self.config = config
        self.result = result
        self.since: dict[int, date] = {}  # task id -> the first day scanned for it
        self.broken: set[int] = set()

    def failed(self, task: Task, error: Exception) -> None:
        if not fails.isolated(error):
            raise error
        if task.id in self.broken:
            return  # its other message failed too: one failure
        self.broken.add(task.id)
        if self.result is not None:
            self.result.failed += 1
        fails.failed(
            self.session,
            kind=fails.TASK,
            item_id=task.id,
            code=task.code,
            error=error,
            now=self.now,
            admins=self.config.admin_ids,
            scan_from=self.since[task.id],
        )


def _tasks_to_scan(session: Session, *, start: date, end: date, retry: dict[int, ScanFailure]) -> list[Task]:
    if start < end:
        return list(session.exec(select(Task).where(Task.status != STATUS_DONE)).all())
    # the day is scanned already: only the tasks that failed are tried again
    return [
        task
        for batch in batches(sorted(retry))
        for task in session.exec(select(Task).where(col(Task.id).in_(batch), Task.status != STATUS_DONE))
    ]


def with_office_days(session: Session, config: ScanConfig) -> ScanConfig:
    """``config`` with the office's own working days and days off (``office_day``) on its calendar:
    read once per cycle, so every working-day computation of the scan sees them."""
    working, off = office.overrides(session=session)
    return dataclasses.replace(config, calendar=config.calendar.with_overrides(working, off))


def _task_dues(
    tasks: list[Task],
    *,
    milestones: dict | None = None,
    start: date,
    end: date,
    retry: dict[int, ScanFailure],
    config: ScanConfig,
    failures: _TaskFailures,
    away: Away | None = None,
) -> list[tuple[Task, Due]]:
    """What is due for each task from ``start`` (or the day its failure left off) to ``end``."""
    dues: list[tuple[Task, Due]] = []
    for task in tasks:
        earlier = retry[task.id].scan_from if task.id in retry else None
        failures.since[task.id] = first = min(start, earlier) if earlier is not None else start
        try:
            facts = TaskFacts(
                id=task.id,
                deadline=task.deadline,
                done=False,
                created=_local_date(task.created_at, config.tz) or first,
                last_report=_local_date(task.last_report_at, config.tz),
                snoozed_until=task.snoozed_until,
                milestones=(milestones or {}).get(task.id, ()),
                escalation_waits=away.waits(task) if away is not None else (),
            )
            dues += [(task, due) for due in due_between(facts, first, end, config.calendar, config.policy)]
        except Exception as exc:  # this task only: the others are reminded
            failures.failed(task, exc)
    return dues


def _recorded_keys(session: Session, dues: list[tuple[Task, Due]]) -> set[str]:
    """The keys among ``dues`` of the reminders recorded already."""
    known: set[str] = set()
    keys = [d.key for _, d in dues]
    for batch in batches(keys, 500):
        known.update(session.exec(select(Reminder.key).where(col(Reminder.key).in_(batch))).all())
    return known


def _queue_task_reminders(
    session: Session,
    *,
    task_id: int,
    staff_id: int,
    items: list[tuple[Task, Due]],
    people: dict[int, Staff],
    end: date,
    now: datetime,
    failures: _TaskFailures,
    behalf: Any = None,
) -> tuple[int, int]:
    """One task's new reminders for one person, recorded and folded into one message; the
    number recorded and of messages queued (0 when the person cannot be reached)."""
    task = items[0][0]
    person = people.get(staff_id)
    reachable = person is not None and person.telegram_id is not None
    if reachable:
        try:
            text, markup = reminder_message(
                task,
                [d for _, d in items],
                owner=people.get(task.owner_id),
                to_owner=items[0][1].to == "owner",
                today=end,
            )
            if behalf is not None:  # a substitute: for whom, until when; the buttons are the owner's
                text, markup = on_behalf(people.get(behalf.staff_id), behalf.end) + "\n" + text, None
        except Exception as exc:  # not recorded: found again when the task is tried again
            failures.failed(task, exc)
            return 0, 0
    # Recorded only once rendered, so a reminder is never recorded without its message.
    reminders = [
        Reminder(key=due.key, task_id=task.id, kind=due.kind, due_on=due.on, days=due.days, staff_id=staff_id)
        for _, due in items
    ]
    session.add_all(reminders)
    if not reachable:
        if person is not None and person.unreachable_since is None:
            person.unreachable_since = now
            session.add(person)
        return len(reminders), 0
    session.flush()
    assert person is not None and person.telegram_id is not None  # reachable
    row = Outbox(
        key=f"r:{task_id}:{staff_id}:{end.isoformat()}",
        kind="reminder",
        chat_id=person.telegram_id,
        staff_id=staff_id,
        text=text,
        markup=json.dumps(markup.to_dict()) if markup else "",
        not_before=now,
    )
    if not box.enqueue(session=session, row=row):
        return len(reminders), 0
    for reminder in reminders:
        reminder.outbox_id = row.id
        session.add(reminder)
    return len(reminders), 1


def reminder_buttons(task_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("📝 Báo cáo tiến độ", callback_data=f"t:{task_id}")],
            [
                InlineKeyboardButton("⏰ Nhắc tôi ngày mai", callback_data=f"z:{task_id}"),
                InlineKeyboardButton("✅ Đã xong", callback_data=f"d:{task_id}"),
            ],
        ]
    )


def reminder_message(
    task: Task, dues: list[Due], *, owner: Staff | None, to_owner: bool, today: date
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One message for the reminders of one task to one person (several missed ones folded), its
    milestones' among them (``reminders.milestones``)."""
    dues, milestone_dues = marks.split(dues)
    if not dues:
        return marks.message(task, milestone_dues, today), reminder_buttons(task.id)
    dues = sorted(dues, key=lambda d: d.on)
    latest = dues[-1]
    head = f"<b>{esc(task.code)}</b> · {esc(task.title)}"
    deadline = task.deadline.strftime("%d/%m/%Y")
    progress = f"Tiến độ: <b>{task.progress}%</b> · {STATUS_LABELS.get(task.status, task.status)}"
    if not to_owner:
        who = f"{esc(owner.full_name)} ({esc(owner.code)})" if owner else "?"
        text = (
            f"🔺 <b>Báo cáo lãnh đạo</b>: nhiệm vụ {head}\n"
            f"do {who} thực hiện đã {overdue_words(latest.days)} (hạn {deadline}).\n{progress}\n"
            "Đề nghị đồng chí đôn đốc hoặc xem xét gia hạn. Xem chung: /tonghop"
        )
        return text, None
    kinds = {d.kind for d in dues}
    if "overdue" in kinds or task.deadline < today:
        late = max((d.days for d in dues if d.kind == "overdue"), default=0)
        when = f"🔴 Đã {overdue_words(late)} (hạn {deadline})"
    elif task.deadline == today or "due_today" in kinds:
        when = f"⏰ Hạn là <b>hôm nay</b> ({deadline})"
    else:
        when = f"⏰ Còn {(task.deadline - today).days} ngày đến hạn ({deadline})"
    lines = [f"🔔 <b>Nhắc việc</b>: {head}", when, progress]
    if "stale" in kinds:
        silent = max(d.days for d in dues if d.kind == "stale")
        lines.append(f"⏳ Bạn chưa báo cáo tiến độ {silent} ngày nay.")
    lines += marks.lines(task, milestone_dues, today)
    if len(dues) + len(milestone_dues) > 1:
        lines.append(f"<i>(Gộp {len(dues) + len(milestone_dues)} lời nhắc trong lúc bot tạm ngừng.)</i>")
    lines.append("Bấm nút để báo cáo nhanh.")
    return "\n".join(lines), reminder_buttons(task.id)


# --------------------------------------------------------------------------
# Digests
# --------------------------------------------------------------------------


def period_due(sub: Subscription, now: datetime, tz: tzinfo) -> str | None:
    """The period (day, ISO week, month or quarter) whose digest is due for ``sub`` now, if not sent yet."""
    if sub.frequency in periodic.FREQUENCIES:
        return periodic.period_due(sub, now, tz)
    local = now.astimezone(tz)
    at = parse_hhmm(sub.at_time)
    if sub.frequency == "weekly":
        monday = local.date() - timedelta(days=local.weekday())
        moment = datetime.combine(monday + timedelta(days=sub.weekday), at, tzinfo=tz)
        if local < moment:
            monday -= timedelta(days=7)
        year, week, _ = monday.isocalendar()
        period = f"{year}-W{week:02d}"
    else:
        day = local.date() if local.time() >= at else local.date() - timedelta(days=1)
        period = day.isoformat()
    if sub.last_period and sub.last_period >= period:
        return None
    if not sub.last_period and sub.created_at is not None:
        created = sub.created_at if sub.created_at.tzinfo else sub.created_at.replace(tzinfo=UTC)
        # A new subscription waits for its first time to come, rather than firing at once.
        first = _period_start(period, sub, tz)
        if first is not None and created > first:
            return None
    return period


def _period_start(period: str, sub: Subscription, tz: tzinfo) -> datetime | None:
    at = parse_hhmm(sub.at_time)
    if "-W" in period:
        year, week = period.split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
        return datetime.combine(monday + timedelta(days=sub.weekday), at, tzinfo=tz)
    return datetime.combine(date.fromisoformat(period), at, tzinfo=tz)


def _render_digest(
    session: Session,
    *,
    sub: Subscription,
    period: str,
    now: datetime,
    config: ScanConfig,
    exports: ExportWorkers | None = None,
) -> tuple[list[Outbox], dict[str, int]]:
    """The outbox rows of one subscription's digest for ``period``, and its counts: of the scope
    its owner has now (``owners.Stopped`` if they may no longer receive it)."""
    from reminders.digest import DigestTally, digest_blocks, scan_digest, with_milestones, with_unlinked
    from reminders.ranking import ScoreTally, progress_chart
    from tracking.export import export_tasks

    today = now.astimezone(config.tz).date()
    owner = owners.owner_of(session, sub, admin_ids=config.admin_ids)
    scope = owner.scope(session)
    title = scope_title(session, owner.staff, everything=scope.everything)
    # One scan of the scope's tasks gathers the digest and the units' scores. A weekly digest's workbook
    # is written meanwhile by the export worker; without one, the scan that writes it gathers the digest.
    ranking = ScoreTally(today=today, tz=config.tz)
    tally = DigestTally(today=today, now=now, scores=ranking, calendar=config.calendar)
    weekly = sub.frequency in ("weekly", *periodic.FREQUENCIES)  # with the workbook
    pending = exports.submit(scope=scope, today=today, tz=config.tz) if weekly and exports is not None else None
    workbook = None
    if weekly and pending is None:
        workbook = export_tasks(session=session, scope=scope, today=today, tz=config.tz, tally=tally)
        digest = with_unlinked(session=session, digest=tally.digest(session=session, title=title), scope=scope)
        digest = with_milestones(session=session, digest=digest, scope=scope)
    else:
        digest = scan_digest(session=session, scope=scope, tally=tally, title=title)
    counts = dict(digest.by_status, total=digest.total)
    blocks = digest_blocks(digest)  # its milestones not done (late, and due soon) as /tonghop shows them
    if sub.frequency in periodic.FREQUENCIES:  # this month or quarter against the one before
        blocks.insert(1, periodic.comparison_block(session, sub=sub, period=period, scope=scope, tz=config.tz))
    change = _change(sub.last_counts, counts)
    if change:
        blocks.insert(1, change)
    scores = ranking.scores(session=session)
    if scores:
        blocks.append(_ranking_block(scores))
    key = f"d:{sub.id}:{period}"
    rows = [
        Outbox(key=f"{key}:t{i}", kind="digest", chat_id=sub.chat_id, staff_id=sub.staff_id, text=chunk, not_before=now)
        for i, chunk in enumerate(pack(blocks))
    ]
    if digest.unlinked:  # staff not connected: a button makes their invite links, sent privately (handlers.review)
        rows[-1].markup = json.dumps(invite_all_keyboard(sub.id).to_dict(), ensure_ascii=False)
    if scores:
        rows.append(
            Outbox(
                key=f"{key}:chart",
                kind="digest",
                chat_id=sub.chat_id,
                staff_id=sub.staff_id,
                text="📈 Tiến độ bình quân theo đơn vị",
                photo=progress_chart(scores, title=title),
                not_before=now,
            )
        )
    if exports is not None and pending is not None:
        workbook = exports.result(pending)
        if workbook is None:  # the worker failed: written here after all
            workbook = export_tasks(session=session, scope=scope, today=today, tz=config.tz)
    if workbook is not None:
        rows.append(
            Outbox(
                key=f"{key}:xlsx",
                kind="digest",
                chat_id=sub.chat_id,
                staff_id=sub.staff_id,
                text=_workbook_text(sub, period, today),
                document=workbook,
                file_name=f"bao-cao-nhiem-vu-{today:%Y%m%d}.xlsx",
                not_before=now,
            )
        )
    return rows, counts


def _workbook_text(sub: Subscription, period: str, today: date) -> str:
    """The caption of a digest's workbook: the month's or quarter's, or the week's."""
    if sub.frequency in periodic.FREQUENCIES:
        return workbook_caption(sub.frequency, today)
    return f"📊 Báo cáo nhiệm vụ tuần {period}"


def _change(previous: str, counts: dict[str, int]) -> str:
    if not previous:
        return ""
    try:
        before = json.loads(previous)
    except ValueError:
        return ""
    labels = dict(STATUS_LABELS, total="tổng số")
    parts = []
    for name in ("total", "done", "in_progress", "blocked", "overdue", "not_started"):
        delta = counts.get(name, 0) - int(before.get(name, 0))
        if delta:
            parts.append(f"{labels.get(name, name)} {delta:+d}")
    return ("🔁 So với lần trước: " + ", ".join(parts)) if parts else "🔁 Không thay đổi so với lần trước."


def _ranking_block(scores) -> str:
    lines = ["🏆 <b>Xếp hạng đơn vị</b> (tỷ lệ hoàn thành đúng hạn)"]
    for i, s in enumerate(scores, start=1):
        rate = f"{number(s.on_time_rate * 100)}% đúng hạn" if s.judged else "chưa có việc đến hạn"
        lines.append(
            f"{i}. {esc(s.unit)}: {rate} · {s.done}/{s.total} xong · "
            f"tiến độ {number(s.avg_progress)}%" + (f" · {s.overdue} quá hạn" if s.overdue else "")
        )
    return "\n".join(lines)
