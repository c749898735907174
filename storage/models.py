"""SQLModel tables.

Timestamps are time-zone aware and stored in UTC (``utcnow()``); the bot
converts them to the configured time zone for display.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import cast

from sqlalchemy import BigInteger, Column, LargeBinary, String, Table, Text, TypeDecorator, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """A table model's table (its ``__table__``, which SQLModel sets without declaring it)."""
    return cast(Table, vars(model)["__table__"])


def column_length(model: type[SQLModel], name: str) -> int:
    """The length of a text column of a table model (``max_length`` of its field)."""
    kind = table_of(model).c[name].type
    if isinstance(kind, TypeDecorator):  # SQLModel's AutoString: a String underneath
        kind = kind.impl_instance
    if not isinstance(kind, String) or kind.length is None:
        raise TypeError(f"{name} is not a text column of a set length")
    return kind.length


# Ids are typed ``int``: the rows the code reads and passes on have been added to the database,
# which gives them their id at the flush (an object not yet added has None there).


class Document(SQLModel, table=True):
    """A campaign document in the knowledge base (one uploaded file)."""

    __tablename__ = "document"

    id: int = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255, unique=True, index=True)
    title: str = Field(max_length=500)
    number: str | None = Field(default=None, max_length=120)
    issuer: str | None = Field(default=None, max_length=255)
    doc_date: date | None = None
    # "document" (an official document) or "article" (a news article about one)
    kind: str | None = Field(default=None, max_length=20)
    source: str | None = Field(default=None, max_length=255)  # an article's publisher
    reports_on: str | None = Field(default=None, max_length=255)  # the document an article reports on
    text: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
    size_bytes: int = 0
    added_by: int | None = Field(default=None, sa_type=BigInteger)  # who put this version in (Telegram id)
    # This file's version number: 1 when first added, then one more at each replacement or restore
    # (numbers are never reused; the replaced and removed versions are kept in ``document_version``).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # The search index's analysis of the text (kb.analysis), and the analyser's
    # version that wrote it: a process loads it instead of reading the text again.
    analysis: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    analysis_version: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class DocumentVersion(SQLModel, table=True):
    """A version of a knowledge-base document that was replaced or removed, kept so it can be
    listed and restored (``python -m bot kb history / restore``, ``/tailieu lichsu / khoiphuc``).
    At most KB_KEEP_VERSIONS are kept per file name, the oldest dropped first. Its search analysis
    is not kept: a restored version is analysed again (``kb.service``)."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("file_name", "version", name="uq_document_version_file_name_version"),)

    id: int = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255)
    version: int
    title: str = Field(max_length=500)
    number: str | None = Field(default=None, max_length=120)
    issuer: str | None = Field(default=None, max_length=255)
    doc_date: date | None = None
    kind: str | None = Field(default=None, max_length=20)
    source: str | None = Field(default=None, max_length=255)
    reports_on: str | None = Field(default=None, max_length=255)
    text: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
    size_bytes: int = 0
    added_at: datetime  # when it became the file's current version
    retired_at: datetime = Field(default_factory=utcnow)  # when it stopped being so
    retired_how: str = Field(max_length=16)  # replace | remove | restore (another version restored)


class AppState(SQLModel, table=True):
    """Small key/value facts shared by every bot process (e.g. the KB revision)."""

    __tablename__ = "app_state"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="", max_length=255)


# --------------------------------------------------------------------------
# "5 rõ" task tracking
# --------------------------------------------------------------------------
#
# Roles and statuses are stored as short English codes; the Vietnamese labels
# live in ``texts``. Telegram ids can exceed 2**31, hence BigInteger.

ROLE_OFFICER = "officer"
ROLE_MANAGER = "manager"
ROLE_ADMIN = "admin"
ROLES = (ROLE_OFFICER, ROLE_MANAGER, ROLE_ADMIN)

STATUS_NOT_STARTED = "not_started"
STATUS_IN_PROGRESS = "in_progress"
STATUS_BLOCKED = "blocked"
STATUS_DONE = "done"
# Reported 100% and waiting for the accountable leader to confirm it (REVIEW_COMPLETION): only a
# confirmed task is done in digests, rankings and exports.
STATUS_REVIEW = "review"
STATUSES = (STATUS_NOT_STARTED, STATUS_IN_PROGRESS, STATUS_BLOCKED, STATUS_REVIEW, STATUS_DONE)


class Unit(SQLModel, table=True):
    """An organisational unit; ``path`` ("/1/4/9/") makes a subtree one prefix query."""

    __tablename__ = "unit"

    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=255)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    # The folded full name ("ubnd tinh hue > so noi vu"): how imports find a unit.
    key: str = Field(max_length=1000, unique=True, index=True)
    path: str = Field(default="/", max_length=1000, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Staff(SQLModel, table=True):
    """A person on the campaign (rõ người, rõ trách nhiệm)."""

    __tablename__ = "staff"

    id: int = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(max_length=255)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str = Field(default=ROLE_OFFICER, max_length=16)
    telegram_id: int | None = Field(default=None, sa_type=BigInteger, unique=True, index=True)
    manager_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    # Set when Telegram refuses to deliver to this person (blocked, never started).
    unreachable_since: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Target(SQLModel, table=True):
    """A campaign target (chỉ tiêu) that tasks contribute to (rõ hiệu quả)."""

    __tablename__ = "target"

    id: int = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=500)
    # Folded name, so "Ty le hai long SIPAS" finds "Tỷ lệ hài lòng SIPAS".
    key: str = Field(max_length=500, index=True)
    target_value: float | None = None
    measure_unit: str = Field(default="", max_length=32)
    higher_is_better: bool = True
    baseline: float | None = None
    start_date: date | None = None
    due_date: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class TargetValue(SQLModel, table=True):
    """An actual value of a target, recorded at a moment."""

    __tablename__ = "target_value"

    id: int = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id", index=True)
    value: float
    recorded_at: datetime = Field(default_factory=utcnow, index=True)
    recorded_by: int | None = Field(default=None, foreign_key="staff.id")
    note: str = Field(default="", max_length=1000)


class Task(SQLModel, table=True):
    """A campaign task, clear on five points."""

    __tablename__ = "task"

    id: int = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    # rõ việc
    title: str = Field(max_length=500)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # rõ người
    owner_id: int = Field(foreign_key="staff.id", index=True)
    # rõ trách nhiệm
    accountable_id: int = Field(foreign_key="staff.id", index=True)
    host_unit_id: int = Field(foreign_key="unit.id", index=True)
    coordinating_units: str = Field(default="", max_length=1000)
    # rõ tiến độ
    start_date: date | None = None
    deadline: date = Field(index=True)
    progress: int = 0
    status: str = Field(default=STATUS_NOT_STARTED, max_length=16, index=True)
    blocked_reason: str = Field(default="", max_length=1000)
    last_report_at: datetime | None = None
    # rõ hiệu quả
    expected_result: str = Field(max_length=1000)
    measure: str = Field(default="", max_length=255)
    target_id: int | None = Field(default=None, foreign_key="target.id", index=True)
    # "Nhắc tôi ngày mai": no reminders to the owner before this local date.
    snoozed_until: date | None = None
    done_at: datetime | None = None  # when it became done (confirmed, or reported 100% without review)
    # A periodic report's instance: its series and period ("2026-12", "2026-Q4", "2026-H2", "2026").
    series_id: int | None = Field(default=None, foreign_key="task_series.id", index=True)
    period_key: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Milestone(SQLModel, table=True):
    """An intermediate step of a task with its own date."""

    __tablename__ = "milestone"

    id: int = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    title: str = Field(max_length=500)
    due_date: date
    done: bool = False
    progress: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    done_at: datetime | None = None


class Report(SQLModel, table=True):
    """A progress report on a task. Reports are only ever added (or corrected by their author)."""

    __tablename__ = "report"

    id: int = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    percent: int
    status: str = Field(max_length=16)
    note: str = Field(default="", max_length=2000)
    corrected_at: datetime | None = None


class Evidence(SQLModel, table=True):
    """A file attached to a report (kept on Telegram's side; we keep its id)."""

    __tablename__ = "evidence"

    id: int = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    file_id: str = Field(max_length=255)
    file_unique_id: str = Field(default="", max_length=128)
    file_name: str = Field(default="", max_length=255)
    mime_type: str = Field(default="", max_length=128)
    size_bytes: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """Who changed what, old → new, when."""

    __tablename__ = "audit_entry"

    id: int = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="staff.id")
    actor: str = Field(default="", max_length=255)  # a readable name, also for the CLI and ADMIN_IDS
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_code: str = Field(default="", max_length=255, index=True)  # a task's code, a document's file name...
    field: str = Field(default="", max_length=64)
    old_value: str = Field(default="", max_length=1000)
    new_value: str = Field(default="", max_length=1000)
    note: str = Field(default="", max_length=1000)


class TaskComment(SQLModel, table=True):
    """A word about a task between its owner and its accountable leader (``/traodoi``, or a reply
    to a message about the task); shown on the task's card."""

    __tablename__ = "task_comment"

    id: int = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    author: str = Field(default="", max_length=255)
    text: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, index=True)


EXTENSION_PENDING = "pending"
EXTENSION_APPROVED = "approved"
EXTENSION_REFUSED = "refused"


class ExtensionRequest(SQLModel, table=True):
    """An owner's request for a later deadline (``/xingiahan``), decided by the accountable leader."""

    __tablename__ = "extension_request"

    id: int = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    staff_id: int = Field(foreign_key="staff.id")
    old_deadline: date
    new_deadline: date
    reason: str = Field(max_length=1000)
    status: str = Field(default=EXTENSION_PENDING, max_length=16, index=True)
    decided_by: int | None = Field(default=None, foreign_key="staff.id")
    decided_at: datetime | None = None
    decision_note: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)


class TaskSeries(SQLModel, table=True):
    """A periodic report: the rule (``hằng quý ngày 15 tháng cuối quý``) and what each period's
    instance (a Task with ``series_id`` and ``period_key``) is made from. A change applies from the
    next period; an ended series makes no more instances."""

    __tablename__ = "task_series"

    id: int = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    rule: str = Field(max_length=255)  # canonical form (tracking/recurrence.py)
    title: str = Field(max_length=500)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    owner_id: int = Field(foreign_key="staff.id", index=True)
    accountable_id: int = Field(foreign_key="staff.id", index=True)
    host_unit_id: int = Field(foreign_key="unit.id")
    coordinating_units: str = Field(default="", max_length=1000)
    expected_result: str = Field(max_length=1000)
    measure: str = Field(default="", max_length=255)
    target_id: int | None = Field(default=None, foreign_key="target.id")
    starts_on: date
    ended_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


OFFICE_WORKDAY = "work"  # a make-up working day (a Saturday worked in exchange for a bridge day)
OFFICE_DAY_OFF = "off"  # a local day off


class OfficeDay(SQLModel, table=True):
    """The office's own calendar on top of the national holidays."""

    __tablename__ = "office_day"

    day: date = Field(primary_key=True)
    kind: str = Field(max_length=8)
    note: str = Field(default="", max_length=255)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


class Leave(SQLModel, table=True):
    """A staff member away from ``start`` to ``end`` (inclusive); reminders go to ``substitute_id``
    meanwhile, or wait."""

    __tablename__ = "leave"

    id: int = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    start: date
    end: date
    substitute_id: int | None = Field(default=None, foreign_key="staff.id")
    note: str = Field(default="", max_length=255)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None  # ended early


class Invite(SQLModel, table=True):
    """A single-use, expiring code that links a Telegram account to a staff member."""

    __tablename__ = "invite"

    code: str = Field(primary_key=True, max_length=64)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    used_by: int | None = Field(default=None, sa_type=BigInteger)
    # Made for a staff member already linked, at the admin's explicit request ("/moi MÃ lienketlai"):
    # using it moves the link to the new account, and the old one is told.
    relink: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    # Revoked by an admin (/moi huy), or because another invite of the same person was used.
    revoked_at: datetime | None = None


class Flow(SQLModel, table=True):
    """A conversation in progress (a report awaiting its note, a task being added).

    Kept in the database rather than in memory, so a restart or another bot
    process continues where the user left off."""

    __tablename__ = "flow"

    telegram_id: int = Field(sa_type=BigInteger, primary_key=True)
    kind: str = Field(max_length=32)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    expires_at: datetime


# --------------------------------------------------------------------------
# Reminders, digests and the outbox
# --------------------------------------------------------------------------

OUTBOX_PENDING = "pending"
OUTBOX_SENDING = "sending"
OUTBOX_SENT = "sent"
OUTBOX_FAILED = "failed"
OUTBOX_UNREACHABLE = "unreachable"


class Reminder(SQLModel, table=True):
    """One reminder the policy made due, recorded once (``key`` is unique), so it
    is never due twice; ``outbox_id`` is the message that carries it."""

    __tablename__ = "reminder"

    id: int = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True, index=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    kind: str = Field(max_length=16)
    due_on: date
    days: int = 0
    staff_id: int = Field(foreign_key="staff.id", index=True)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Outbox(SQLModel, table=True):
    """A message to send: claimed, sent and marked once, whatever the number of
    bot processes; ``key`` is unique so the same message is never queued twice."""

    __tablename__ = "outbox"

    id: int = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, unique=True, index=True)
    kind: str = Field(max_length=16)  # reminder | digest
    chat_id: int = Field(sa_type=BigInteger, index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    markup: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    photo: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    document: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    file_name: str = Field(default="", max_length=255)
    status: str = Field(default=OUTBOX_PENDING, max_length=16, index=True)
    attempts: int = 0
    not_before: datetime = Field(default_factory=utcnow, index=True)
    claimed_by: str = Field(default="", max_length=64)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class Subscription(SQLModel, table=True):
    """A chat that receives a digest of someone's scope, daily or weekly, at a time."""

    __tablename__ = "subscription"

    id: int = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, index=True)
    # Whose it is: a staff member, or (None) an ADMIN_IDS admin who is no staff member, ``owner_telegram_id``.
    # Its scope is worked out at every sending from the owner's role then (``tracking.subscriptions``);
    # neither set (made before owners were recorded): stopped at its next sending.
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    owner_telegram_id: int | None = Field(default=None, sa_type=BigInteger)
    frequency: str = Field(default="daily", max_length=8)  # daily | weekly | monthly | quarter
    weekday: int = 0  # weekly: 0 = Monday
    month_day: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # monthly, quarterly
    at_time: str = Field(default="08:00", max_length=5)
    last_period: str = Field(default="", max_length=16)  # the last day/week/month/quarter a digest was queued for
    last_counts: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)
    # Stopped because its owner may no longer receive it (the chat was told why, once); subscribing
    # again in the chat starts it again.
    disabled_at: datetime | None = None
    disabled_reason: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})


class ScanFailure(SQLModel, table=True):
    """An item of the reminder cycle that could not be scanned or rendered: a task's reminders
    (``kind`` "task") or a subscription's digest ("digest"). It is skipped while every other item
    goes out, reported to the admins once (when this row is made), and tried again every cycle
    until it goes through, which deletes the row. ``scan_from``: the day after which a task's
    reminders are still to be found."""

    __tablename__ = "scan_failure"
    __table_args__ = (UniqueConstraint("kind", "item_id", name="uq_scan_failure_kind_item_id"),)

    id: int = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # task | digest
    item_id: int
    code: str = Field(default="", max_length=120)  # what the admins read: a task's code, a digest's chat
    scan_from: date | None = None
    reason: str = Field(default="", max_length=500)
    attempts: int = 1
    first_at: datetime = Field(default_factory=utcnow)
    last_at: datetime = Field(default_factory=utcnow)


class HandledUpdate(SQLModel, table=True):
    """Telegram update ids already taken by a bot process. Telegram may deliver
    an update twice (a webhook answer lost, two pollers); the first process to
    insert its id handles it, any other skips it."""

    __tablename__ = "handled_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    handled_at: datetime = Field(default_factory=utcnow, index=True)


class ReceivedUpdate(SQLModel, table=True):
    """An update taken from Telegram (a webhook delivery acknowledged, or confirmed by the next
    getUpdates) and not yet seen through to the end. Written before it is acknowledged, deleted
    once handled: a process killed with updates in hand leaves them here for the next one."""

    __tablename__ = "received_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))  # the update as Telegram sent it (JSON)
    received_at: datetime = Field(index=True)
    retry_at: datetime = Field(index=True)  # when another process may take it up, if still here


class BotProcess(SQLModel, table=True):
    """A process that sends the outbox (``run``, ``remind --now``), while it runs: it beats every
    PROCESS_HEARTBEAT_SECONDS (``beats`` counts up). One whose beats stop for PROCESS_GONE_SECONDS,
    or whose pid is gone from the machine, is gone: another process deletes its row and releases
    the outbox rows it had claimed at once (``reminders/recovery.py``)."""

    __tablename__ = "bot_process"

    id: str = Field(primary_key=True, max_length=32)  # its outbox claims are ``<id>:<round>``
    host: str = Field(max_length=255)
    pid: int
    # Processes with the same value see each other's pids (same machine, boot and pid namespace).
    pid_space: str = Field(max_length=32)
    started_at: datetime
    seen_at: datetime  # its own clock, for people (``check``); liveness is read from ``beats``
    beats: int = 0


# --------------------------------------------------------------------------
# Feedback on answers: 👍/👎 votes, and the questions the bot could not answer well
# --------------------------------------------------------------------------
#
# Question texts are kept cut to QUESTION_CHARS; a question is recognised again by
# ``key``: a digest of its folded form (lower case, no diacritics, single spaces,
# no punctuation at the ends of words), so "Tỷ giá đô la?" and "ty gia  do la" are one.

QUESTION_CHARS = 500


class AnswerGiven(SQLModel, table=True):
    """A found answer the bot gave, once per question and passage however often it was given:
    what the 👍/👎 buttons under it name (``v:<id>:<vote>``)."""

    __tablename__ = "answer_given"

    id: int = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True, index=True)  # digest of the folded question, document and passage
    question: str = Field(max_length=QUESTION_CHARS)
    source: str = Field(default="", max_length=255)  # the cited document's file
    times: int = 1
    first_at: datetime = Field(default_factory=utcnow)
    last_at: datetime = Field(default_factory=utcnow, index=True)


class AnswerVote(SQLModel, table=True):
    """One person's 👍 (+1) or 👎 (-1) on an answer; pressing again changes it."""

    __tablename__ = "answer_vote"
    __table_args__ = (UniqueConstraint("answer_id", "telegram_id", name="uq_answer_vote_answer_id_telegram_id"),)

    id: int = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer_given.id")  # looked up through the unique constraint
    telegram_id: int = Field(sa_type=BigInteger)
    vote: int
    voted_at: datetime = Field(default_factory=utcnow)


class KeptQuestion(SQLModel, table=True):
    """A question the bot did not answer well: it found nothing (``refused``), or its answer
    was voted 👎 (``disliked``, the 👎 votes standing). Asked again, the same row counts up."""

    __tablename__ = "kept_question"

    id: int = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True, index=True)  # digest of the folded question
    text: str = Field(max_length=QUESTION_CHARS)
    refused: int = 0
    disliked: int = 0
    times: int = Field(default=0, index=True)  # refused + disliked: how often, for the listing
    first_at: datetime = Field(default_factory=utcnow)
    last_at: datetime = Field(default_factory=utcnow, index=True)


# Codes are looked up whatever their case (``upper(code) = 'NV001'``): index that expression.
from sqlalchemy import Index, func  # noqa: E402

Index("ix_staff_code_upper", func.upper(table_of(Staff).c.code))
Index("ix_target_code_upper", func.upper(table_of(Target).c.code))
Index("ix_task_code_upper", func.upper(table_of(Task).c.code))
Index("ix_task_series_code_upper", func.upper(table_of(TaskSeries).c.code))
# One instance of a series a period.
Index(
    "uq_task_series_period",
    table_of(Task).c.series_id,
    table_of(Task).c.period_key,
    unique=True,
    postgresql_where=table_of(Task).c.series_id.isnot(None),
    sqlite_where=table_of(Task).c.series_id.isnot(None),
)
