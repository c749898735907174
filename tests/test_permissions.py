"""The permission matrix: every command, every button and every kind of file,
against every role, through the real bot and the Bot API emulator.

Roles (see ``tests/conftest.py``; the tests' data from ``tests/data.py``):

* ``stranger``  4242, linked to nobody;
* ``officer``   1001, CB01 (owns NV001, NV002, NV006);
* ``manager``   5001, LD01, Phòng Cải cách hành chính (CB01, CB02 report to him;
  his scope is NV001, NV002, NV003, NV006; NV003 belongs to CB02);
* ``ward``      5002, LD02, UBND phường Phú Hội, another branch (NV004, NV005);
* ``admin``     9001, QT01 (and in ADMIN_IDS), sees and changes everything.

Each row of the tables below is one action; its five cells say what each role
gets, in the order stranger, officer, manager, ward manager, admin:

* ``ok(...)`` allowed: the reply shows every given text, and ``effect`` (a
  check on the database afterwards) holds; ``ro=True`` means the action only
  reads, so the database must not change at all;
* ``no(reason)`` refused: the reply contains ``reason`` (why it was refused),
  and the database is exactly as before (reports, audit log, invites,
  evidence, documents, target values, flows, and the fields of every task and
  every staff member), and nothing is sent to anybody else.

For every reply (allowed or refused) the bot must not crash, the emulator must
not reject its HTML, and no data outside the role's scope may leak: titles,
expected results and report notes of tasks outside the scope, names of people
outside it, task codes the user did not type. A refused reply shows no task
data and no names at all.

The rows of a group run in order in one bot per role, so later rows see the
effects of earlier allowed rows. Commands run with their Vietnamese names for
every role, and with their English aliases for the officer and the admin.
A test function collects every wrong cell of its run and lists them all.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from sqlmodel import func, select

from handlers.admin import STEPS
from storage import models
from storage import tracking as db
from storage.db import session_scope
from storage.models import (
    AnswerGiven,
    AnswerVote,
    AuditEntry,
    Document,
    DocumentVersion,
    Evidence,
    ExtensionRequest,
    Flow,
    Invite,
    KeptQuestion,
    Leave,
    Milestone,
    OfficeDay,
    Report,
    Staff,
    Target,
    TargetValue,
    Task,
    TaskComment,
)
from tests.conftest import ADMIN_ID, MANAGER_ID, OFFICER_ID, STRANGER_ID, WARD_MANAGER_ID
from tests.data import NOTES, NOW, STAFF_ROWS, TASK_ROWS

# --------------------------------------------------------------------------
# Who is who, and what each role may see
# --------------------------------------------------------------------------

ROLES = ("stranger", "officer", "manager", "ward", "admin")
TELEGRAM = {
    "stranger": STRANGER_ID,
    "officer": OFFICER_ID,
    "manager": MANAGER_ID,
    "ward": WARD_MANAGER_ID,
    "admin": ADMIN_ID,
}
STAFF_CODE = {"stranger": None, "officer": "CB01", "manager": "LD01", "ward": "LD02", "admin": "QT01"}

ALL_TASKS = {row[0] for row in TASK_ROWS}
SCOPE = {  # the tasks each role may see
    "stranger": set(),
    "officer": {"NV001", "NV002", "NV006"},
    "manager": {"NV001", "NV002", "NV003", "NV006"},
    "ward": {"NV004", "NV005"},
    "admin": ALL_TASKS,
}
PEOPLE = {  # the people whose names each role may see
    "stranger": set(),
    "officer": {"CB01", "LD01"},
    "manager": {"LD01", "CB01", "CB02"},
    "ward": {"LD02", "CB03"},
    "admin": {row[0] for row in STAFF_ROWS},
}
TITLES = {row[0]: row[1] for row in TASK_ROWS}
EXPECTED_RESULTS = {row[0]: row[5] for row in TASK_ROWS}
NAMES = {row[0]: row[1] for row in STAFF_ROWS}


def task_data(code: str) -> list[str]:
    """What must not be shown about a task outside one's scope."""
    return [TITLES[code], EXPECTED_RESULTS[code]] + ([NOTES[code]] if code in NOTES else [])


# Reasons of refusals (substrings of the reply).
UNLINKED = "chưa được gắn"
OUT_OF_SCOPE = (
    "phạm vi của đồng chí"  # «không có nhiệm vụ mã … trong» / «nhiệm vụ này không thuộc» phạm vi của đồng chí
)
ADMINS_ONLY = "Chỉ quản trị viên"
MANAGERS_ONLY = "Chỉ lãnh đạo"
NOT_DIGEST_MANAGER = "Chỉ lãnh đạo phụ trách phạm vi của bản tổng hợp này"
NOT_YOURS = "không phải báo cáo của đồng chí"
NO_OWN_REPORT = "chưa có báo cáo nào"
NO_SUCH_UNIT = "Không có đơn vị"
APOLOGY = "Xin lỗi, tôi gặp lỗi"
VOTE_FORGED = "không ghi nhận"
NOT_IN_REVIEW = "không còn chờ duyệt"
LEAVE_SCOPE = "cán bộ thuộc phạm vi"
SERIES_SCOPE = "Không có báo cáo định kỳ mã"

DIVISION = "Phòng Cải cách hành chính"
WARD = "UBND phường Phú Hội"


# --------------------------------------------------------------------------
# Reading the database
# --------------------------------------------------------------------------


class DB:
    """Small read helpers for the ``effect`` checks."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def task(self, code: str) -> Task:
        with session_scope(self.engine) as session:
            return db.task_by_code(session=session, code=code)

    def staff(self, code: str) -> Staff:
        with session_scope(self.engine) as session:
            return db.staff_by_code(session=session, code=code)

    def count(self, model, *where) -> int:
        with session_scope(self.engine) as session:
            return session.exec(select(func.count()).select_from(model).where(*where)).one()

    def reports_by(self, staff_code: str) -> list[Report]:
        with session_scope(self.engine) as session:
            staff = db.staff_by_code(session=session, code=staff_code)
            return list(session.exec(select(Report).where(Report.staff_id == staff.id).order_by(Report.id)))

    def last_report_by(self, staff_code: str | None) -> Report | None:
        reports = self.reports_by(staff_code) if staff_code else []
        return reports[-1] if reports else None

    def sample_report(self) -> Report:
        """CB02's report on NV003 in the sample data (40%)."""
        return self.reports_by("CB02")[0]

    def flow(self, telegram_id: int) -> str | None:
        with session_scope(self.engine) as session:
            row = session.get(Flow, telegram_id)
            return row.kind if row else None

    def sipas(self) -> Target:
        with session_scope(self.engine) as session:
            return db.target_by_key(session=session, key="chi so sipas > 85%")


def snapshot(engine) -> dict[str, Any]:
    """Everything a refused action must leave alone."""
    with session_scope(engine) as session:

        def rows(model, *columns):
            columns = columns or tuple(c for c in model.model_fields if c not in ("created_at", "updated_at"))
            return sorted(tuple(str(getattr(r, c)) for c in columns) for r in session.exec(select(model)))

        return {
            "counts": {
                m.__name__: session.exec(select(func.count()).select_from(m)).one()
                for m in (
                    Report,
                    AuditEntry,
                    Invite,
                    Evidence,
                    Document,
                    DocumentVersion,
                    TargetValue,
                    Task,
                    Staff,
                    Flow,
                    AnswerGiven,
                    AnswerVote,
                    KeptQuestion,
                )
            },
            "tasks": rows(Task),  # every field of every task and staff member
            "staff": rows(Staff),
            "reports": rows(Report),
            "evidence": rows(Evidence, "id", "report_id", "file_unique_id"),
            "audit": rows(AuditEntry, "id", "action", "entity_code", "old_value", "new_value"),
            "invites": rows(Invite, "code", "staff_id", "used_at", "used_by", "revoked_at", "relink"),
            "flows": rows(Flow, "telegram_id", "kind", "data"),
            "documents": rows(Document, "file_name", "sha256", "version"),
            "document_versions": rows(DocumentVersion, "file_name", "version", "sha256"),
            "target_values": rows(TargetValue, "id", "target_id", "value"),
            "milestones": rows(Milestone, "id", "progress", "done", "done_at"),
            "office_days": rows(OfficeDay, "day", "kind", "note"),
            "leave": rows(Leave, "id", "staff_id", "start", "end", "substitute_id"),
            "comments": rows(TaskComment, "id", "task_id", "text"),
            "extension_requests": rows(ExtensionRequest, "id", "status", "new_deadline", "decision_note"),
            "subscriptions": rows(models.Subscription) if hasattr(models, "Subscription") else [],
        }


def changes(before: dict, after: dict) -> list[str]:
    out = []
    for key in before:
        if before[key] == after[key]:
            continue
        if isinstance(before[key], list):
            gone = [r for r in before[key] if r not in after[key]]
            new = [r for r in after[key] if r not in before[key]]
            out.append(f"{key}: {gone} -> {new}")
        else:
            out.append(
                f"{key}: "
                + ", ".join(
                    f"{k} {before[key][k]} -> {after[key][k]}" for k in before[key] if before[key][k] != after[key][k]
                )
            )
    return out


# --------------------------------------------------------------------------
# The cells
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Ok:
    shows: tuple[str, ...] = ()
    effect: Callable[[DB], bool] | None = None
    ro: bool = False  # read only: the database must not change
    absent: tuple[str, ...] = ()  # must not be in the reply (besides the general leak check)
    then: str | None = None  # a follow-up message (e.g. the reason asked for)
    then_shows: tuple[str, ...] = ()
    export: frozenset[str] | None = None  # the task codes of the XLSX sent back

    allowed = True


@dataclass(frozen=True)
class No:
    because: str
    allowed = False


def ok(*shows: str, effect=None, ro=False, absent=(), then=None, then_shows=(), export=None) -> Ok:
    return Ok(
        tuple(shows),
        effect,
        ro,
        tuple(absent),
        then,
        tuple(then_shows),
        frozenset(export) if export is not None else None,
    )


def no(because: str) -> No:
    return No(because)


@dataclass(frozen=True)
class Row:
    group: str
    vi: str  # the command (or a label for buttons and files)
    en: str | None  # its English alias
    args: str  # may use {sipas} and {doc}
    cells: tuple  # stranger, officer, manager, ward, admin

    def cell(self, role: str):
        return self.cells[ROLES.index(role)]


def row(group: str, vi: str, en: str | None, args: str, *cells) -> Row:
    assert len(cells) == len(ROLES), vi
    return Row(group, vi, en, args, cells)


DOC_NAME = "ke-hoach-thu-nghiem.txt"
DOC_TEXT = "KẾ HOẠCH\nThử nghiệm quyền gỡ tài liệu.\nNội dung: cải cách hành chính năm nay.\n".encode()
EXPORT = {role: frozenset(SCOPE[role]) for role in ROLES}


def progress(code: str, percent: int):
    return lambda d: d.task(code).progress == percent


def rule_of(code: str, day: str):
    def check(d: DB) -> bool:
        from storage.series import series_by_code

        with session_scope(d.engine) as session:
            return f"ngày {day} " in series_by_code(session=session, code=code).rule

    return check


def series_is(code: str, *, title: str | None = None, owner: str | None = None):
    def check(d: DB) -> bool:
        from storage.series import series_by_code

        owner_id = d.staff(owner).id if owner else None
        with session_scope(d.engine) as session:
            found = series_by_code(session=session, code=code)
            return (title is None or found.title == title) and (owner_id is None or found.owner_id == owner_id)

    return check


def ended(code: str):
    def check(d: DB) -> bool:
        from storage.series import series_by_code

        with session_scope(d.engine) as session:
            return series_by_code(session=session, code=code).ended_on is not None

    return check


def blocked(code: str):
    return lambda d: d.task(code).status == "blocked"


def subscriptions(count: int):
    return lambda d: d.count(models.Subscription) == count


def snoozed(code: str):
    return lambda d: getattr(d.task(code), "snoozed_until", None) is not None


def milestone_at(code: str, percent: int):
    """The first milestone of the task (``matrix_milestones``) is at ``percent``."""

    def check(d: DB) -> bool:
        with session_scope(d.engine) as session:
            task = db.task_by_code(session=session, code=code)
            mark = session.exec(select(Milestone).where(Milestone.task_id == task.id)).first()
            return mark.progress == percent and mark.done == (percent == 100)

    return check


def own_last(role: str, percent: int | None = None, status: str | None = None):
    def check(d: DB) -> bool:
        last = d.last_report_by(STAFF_CODE[role])
        return (
            last is not None
            and (percent is None or last.percent == percent)
            and (status is None or last.status == status)
            and d.sample_report().percent == 40
        )  # CB02's report is never touched

    return check


def office_day(day: str, kind: str | None):
    """The office's calendar lists ``day`` (dd/mm/yyyy) as ``kind`` ("work", "off"; None: not at all)."""

    def check(d: DB) -> bool:
        with session_scope(d.engine) as session:
            row = session.get(OfficeDay, date(*reversed([int(x) for x in day.split("/")])))
            return (row.kind if row else None) == kind

    return check


def away(code: str, cancelled: bool = False):
    """``code``'s latest leave is recorded (or cancelled: its end before its start)."""

    def check(d: DB) -> bool:
        with session_scope(d.engine) as session:
            staff = db.staff_by_code(session=session, code=code)
            leave = session.exec(select(Leave).where(Leave.staff_id == staff.id).order_by(Leave.id.desc())).first()
            return leave is not None and (leave.end < leave.start) == cancelled

    return check


def comments(code: str, count: int):
    """``code`` has ``count`` comments."""
    return lambda d: d.count(TaskComment, TaskComment.task_id == d.task(code).id) == count


def extension(code: str, status: str, count: int = 1):
    """``code`` has ``count`` extension requests of ``status``."""
    return lambda d: (
        d.count(ExtensionRequest, ExtensionRequest.task_id == d.task(code).id, ExtensionRequest.status == status)
        == count
    )


def deadline(code: str, day: date):
    return lambda d: d.task(code).deadline == day


NOT_OWNER = "Chỉ người thực hiện"
NOT_DECIDER = "Chỉ lãnh đạo chịu trách nhiệm"


# fmt: off
COMMANDS = [
    # ---- reading ------------------------------------------------------------------------------------------------
    #   group   command        alias      args
    #   stranger                officer                              manager                     ward manager            admin
    row("read", "/start", None, "",
        ok("mã mời", ro=True),  ok("Nguyễn Thị Lan", ro=True, absent=["/tonghop"]),
        ok("Phạm Quốc Hùng", "/tonghop", "/themnhiemvu", ro=True, absent=["/vaitro"]),  # managers give tasks
        ok("Hoàng Thị Mai", "/tonghop", "/themnhiemvu", ro=True, absent=["/vaitro"]),
        ok("Trần Văn Minh", "/themnhiemvu", ro=True)),
    row("read", "/nhiemvu", "/tasks", "",
        no(UNLINKED),           ok("3 nhiệm vụ đang mở", "NV001", "NV002", "NV006", TITLES["NV001"], ro=True),
        ok("không có nhiệm vụ nào đang mở", ro=True),  # managers own no task: only their own are listed
        ok("không có nhiệm vụ nào đang mở", ro=True),
        ok("không có nhiệm vụ nào đang mở", ro=True)),
    row("read", "/tonghop", "/digest", "",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("Tổng hợp", "NV003", ro=True),
        ok("Tổng hợp", "NV005", ro=True),
        ok("Tổng hợp", "NV003", "NV005", ro=True)),
    row("read", "/donvi", "/unit", "",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok(DIVISION, ro=True, absent=["Phú Hội"]),
        ok("Phú Hội", ro=True, absent=[DIVISION]),
        ok(DIVISION, "Phú Hội", ro=True)),
    row("read", "/donvi", "/unit", DIVISION,
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("NV003", ro=True),   no(NO_SUCH_UNIT),                      ok("NV003", ro=True)),
    row("read", "/donvi", "/unit", "Phú Hội",
        no(UNLINKED),           no(MANAGERS_ONLY),
        no(NO_SUCH_UNIT),       ok("NV005", ro=True),                  ok("NV005", ro=True)),
    row("read", "/xuatbaocao", "/export", "",
        no(UNLINKED),           ok("Báo cáo nhiệm vụ", ro=True, export=EXPORT["officer"]),
        ok("Báo cáo nhiệm vụ", ro=True, export=EXPORT["manager"]),
        ok("Báo cáo nhiệm vụ", ro=True, export=EXPORT["ward"]),
        ok("Báo cáo nhiệm vụ", ro=True, export=EXPORT["admin"])),
    # The leader's view of the scope (managers, admins; officers are pointed to /nhiemvu), filtered.
    row("read", "/theodoi", "/watch", "",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("Theo dõi nhiệm vụ", "NV003", ro=True),
        ok("Theo dõi nhiệm vụ", "NV005", ro=True),
        ok("Theo dõi nhiệm vụ", "NV003", "NV005", ro=True)),
    row("read", "/theodoi", "/watch", "quá hạn",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("NV003", ro=True, absent=["NV001"]),
        ok("NV005", ro=True, absent=["NV004"]),
        ok("NV003", "NV005", ro=True, absent=["NV001", "NV004"])),
    row("read", "/theodoi", "/watch", "Phú Hội",
        no(UNLINKED),           no(MANAGERS_ONLY),
        no("Không hiểu bộ lọc"), ok("NV004", "NV005", ro=True),         ok("NV004", "NV005", ro=True)),
    # A task's card: anyone who may see the task.
    row("read", "/xem", "/show", "NV003",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("Rõ trách nhiệm", NOTES["NV003"], ro=True),
        no(OUT_OF_SCOPE),
        ok("Rõ trách nhiệm", NOTES["NV003"], ro=True)),
    row("read", "/xem", "/show", "NV001",
        no(UNLINKED),           ok("Rõ hiệu quả", "Nguyễn Thị Lan", ro=True),
        ok("Rõ hiệu quả", "Nguyễn Thị Lan", ro=True),
        no(OUT_OF_SCOPE),
        ok("Rõ hiệu quả", "Nguyễn Thị Lan", ro=True)),
    row("read", "/nhatky", "/audit", "NV003",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Nhật ký thay đổi", "NV003", NOTES["NV003"], ro=True)),
    # The questions the bot found nothing for, or whose answer was voted 👎.
    row("read", "/cauhoi", "/questions", "",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Chưa có câu hỏi nào", ro=True)),
    # Scheduled digests of one's scope for this chat: managers and admins.
    row("read", "/dangkytonghop", "/subscribe", "hằng ngày 08:00",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("Đã đăng ký", effect=subscriptions(1)),
        ok("Đã đăng ký", effect=subscriptions(1)),
        ok("Đã đăng ký", effect=subscriptions(1))),
    row("read", "/dangkytonghop", "/subscribe", "hằng quý ngày 1 08:00",  # the same subscription, quarterly
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("hằng quý", effect=subscriptions(1)),
        ok("hằng quý", effect=subscriptions(1)),
        ok("hằng quý", effect=subscriptions(1))),
    row("read", "/huydangky", "/unsubscribe", "",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("Đã hủy nhận", effect=subscriptions(0)),
        ok("Đã hủy nhận", effect=subscriptions(0)),
        ok("Đã hủy nhận", effect=subscriptions(0))),

    # ---- reporting (one's own reports; managers also on their scope; nobody corrects another's report) -----------
    row("report", "/suabaocao", "/correct", "NV003 10",  # before having a report of one's own on NV003
        no(UNLINKED),           no(OUT_OF_SCOPE),                      no(NO_OWN_REPORT),
        no(OUT_OF_SCOPE),       no(NO_OWN_REPORT)),
    row("report", "/baocao", "/report", "NV003 60 kiểm tra quyền",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("Đã ghi báo cáo NV003: 60%", effect=progress("NV003", 60)),
        no(OUT_OF_SCOPE),
        ok("Đã ghi báo cáo NV003: 60%", effect=progress("NV003", 60))),
    row("report", "/suabaocao", "/correct", "NV003 55",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("Đã sửa báo cáo NV003: 55%", effect=own_last("manager", 55)),
        no(OUT_OF_SCOPE),
        ok("Đã sửa báo cáo NV003: 55%", effect=own_last("admin", 55))),
    row("report", "/baocao", "/report", "NV001 50",
        no(UNLINKED),           ok("Đã ghi báo cáo NV001: 50%", effect=progress("NV001", 50)),
        ok("Đã ghi báo cáo NV001: 50%", effect=progress("NV001", 50)),
        no(OUT_OF_SCOPE),
        ok("Đã ghi báo cáo NV001: 50%", effect=progress("NV001", 50))),
    row("report", "/baocao", "/report", "NV005 70",
        no(UNLINKED),           no(OUT_OF_SCOPE),                      no(OUT_OF_SCOPE),
        ok("Đã ghi báo cáo NV005: 70%", effect=progress("NV005", 70)),
        ok("Đã ghi báo cáo NV005: 70%", effect=progress("NV005", 70))),
    row("report", "/baocao", "/report", "NV003 vướng mắc chờ hồ sơ giấy từ các xã",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("vướng mắc", effect=blocked("NV003")),
        no(OUT_OF_SCOPE),
        ok("vướng mắc", effect=blocked("NV003"))),
    # A milestone's progress (the tasks' milestones: matrix_milestones), and the list with its buttons.
    row("report", "/baocao", "/report", "NV003 moc 1 50",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("Đã ghi tiến độ mốc 1", effect=milestone_at("NV003", 50)),
        no(OUT_OF_SCOPE),
        ok("Đã ghi tiến độ mốc 1", effect=milestone_at("NV003", 50))),
    row("report", "/baocao", "/report", "NV001 mốc",
        no(UNLINKED),           ok("Mốc tiến độ", "Khảo sát sơ bộ", ro=True),
        ok("Mốc tiến độ", "Khảo sát sơ bộ", ro=True),
        no(OUT_OF_SCOPE),
        ok("Mốc tiến độ", "Khảo sát sơ bộ", ro=True)),
    # Talking about a task: a comment by anyone who may see it; a request for more time by its owner only.
    row("report", "/traodoi", "/comment", "NV003 đồng chí cập nhật số liệu giúp",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("Đã ghi trao đổi", effect=comments("NV003", 1)),
        no(OUT_OF_SCOPE),
        ok("Đã ghi trao đổi", effect=comments("NV003", 1))),
    row("report", "/traodoi", "/comment", "NV001 em gửi dự thảo thứ Sáu",
        no(UNLINKED),           ok("Đã ghi trao đổi", effect=comments("NV001", 1)),
        ok("Đã ghi trao đổi", effect=comments("NV001", 1)),
        no(OUT_OF_SCOPE),
        ok("Đã ghi trao đổi", effect=comments("NV001", 1))),
    row("report", "/xingiahan", "/askextension", "NV001 31/12/2030 chờ số liệu của các xã",
        no(UNLINKED),           ok("Đã gửi yêu cầu gia hạn", effect=extension("NV001", "pending")),
        no(NOT_OWNER),          no(OUT_OF_SCOPE),                      no(NOT_OWNER)),
    row("report", "/xingiahan", "/askextension", "NV003 31/12/2030 chờ số liệu của các xã",
        no(UNLINKED),           no(OUT_OF_SCOPE),                      no(NOT_OWNER),
        no(OUT_OF_SCOPE),       no(NOT_OWNER)),
    # Each one's last one-line report left its note and evidence window open: /huy closes it.
    row("report", "/huy", "/cancel", "",
        ok("Không có thao tác", ro=True),
        *[ok("Đã hủy", effect=lambda d, who=who: d.flow(who) is None)
          for who in (OFFICER_ID, MANAGER_ID, WARD_MANAGER_ID, ADMIN_ID)]),

    # ---- administration: admins only ---------------------------------------------------------------------------
    row("admin", "/moi", "/invite", "",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Cách dùng", ro=True)),
    # CB02 is linked: an invite would move the link, so it takes the explicit re-link word.
    row("admin", "/moi", "/invite", "CB02",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        no("lienketlai")),
    row("admin", "/moi", "/invite", "CB02 lienketlai",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),
        ok("Mã mời", "Lê Văn Nam", "liên kết lại", effect=lambda d: d.count(Invite, Invite.relink == True) == 1)),  # noqa: E712
    # Revoking an invite: {invite} is an open invite for CB02 put in the database for every role.
    row("admin", "/moi", "/invite", "huy",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Cách dùng", ro=True)),
    row("admin", "/moi", "/invite", "huy {invite}",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),
        ok("Đã thu hồi 1 mã mời", effect=lambda d: d.count(Invite, Invite.revoked_at.is_not(None)) == 1)),
    # Creating, reassigning and extending: managers within their scope (the ward's manager is refused
    # NV003, of the division), admins everywhere, officers never.
    row("admin", "/themnhiemvu", "/addtask", "",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("1/7", effect=lambda d: d.flow(MANAGER_ID) == "newtask"),
        ok("1/7", effect=lambda d: d.flow(WARD_MANAGER_ID) == "newtask"),
        ok("1/7", effect=lambda d: d.flow(ADMIN_ID) == "newtask")),
    row("admin", "/huy", "/cancel", "",
        ok("Không có thao tác", ro=True), ok("Không có thao tác", ro=True),
        ok("Đã hủy", effect=lambda d: d.flow(MANAGER_ID) is None),
        ok("Đã hủy", effect=lambda d: d.flow(WARD_MANAGER_ID) is None),
        ok("Đã hủy", effect=lambda d: d.flow(ADMIN_ID) is None)),
    row("admin", "/giao", "/assign", "",
        no(UNLINKED),           no(MANAGERS_ONLY),                     ok("Cách dùng", ro=True),
        ok("Cách dùng", ro=True),  ok("Cách dùng", ro=True)),
    row("admin", "/giao", "/assign", "NV003 CB01",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("Đã giao lại", "Nguyễn Thị Lan", effect=lambda d: d.task("NV003").owner_id == d.staff("CB01").id),
        no(OUT_OF_SCOPE),
        ok("Đã giao lại", "Nguyễn Thị Lan", effect=lambda d: d.task("NV003").owner_id == d.staff("CB01").id)),
    row("admin", "/giahan", "/extend", "",
        no(UNLINKED),           no(MANAGERS_ONLY),                     ok("Cách dùng", ro=True),
        ok("Cách dùng", ro=True),  ok("Cách dùng", ro=True)),
    row("admin", "/giahan", "/extend", "NV003 31/12/2030 chờ số liệu quý IV",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("31/12/2030", effect=lambda d: d.task("NV003").deadline == date(2030, 12, 31)),
        no(OUT_OF_SCOPE),
        ok("31/12/2030", effect=lambda d: d.task("NV003").deadline == date(2030, 12, 31))),
    row("admin", "/vaitro", "/role", "",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Cách dùng", ro=True)),
    row("admin", "/vaitro", "/role", "CB01 quản trị",  # the officer tries to promote himself
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("CB01", "quản trị", effect=lambda d: d.staff("CB01").role == "admin")),
    row("admin", "/capnhatchitieu", "/settarget", "",  # the list of targets is for admins too
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Chỉ số SIPAS", "82,5", ro=True)),
    row("admin", "/capnhatchitieu", "/settarget", "{sipas} 90 quý IV",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("90", effect=lambda d: d.count(TargetValue) == 2)),
    row("admin", "/nhatky", "/audit", "",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Nhật ký thay đổi", ro=True)),
    row("admin", "/xoatailieu", "/removedoc", "{doc}",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Đã gỡ tài liệu", "được lưu lại", effect=lambda d: d.count(Document) == 0)),
    # The knowledge base's history: the versions kept of a file (here the one just removed), restoring one.
    row("admin", "/tailieu", "/documents", "lichsu",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Tài liệu có phiên bản được lưu", DOC_NAME, "đã gỡ", ro=True)),
    row("admin", "/tailieu", "/documents", "lichsu {doc}",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Lịch sử tài liệu", "Phiên bản 1", "đã được gỡ", ro=True)),
    row("admin", "/tailieu", "/documents", "khoiphuc {doc}",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        no("số phiên bản")),
    row("admin", "/tailieu", "/documents", "khoiphuc {doc} 1",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),
        ok("Đã khôi phục", "phiên bản 2", effect=lambda d: d.count(Document) == 1 and d.count(
            AuditEntry, AuditEntry.action == "document_restore", AuditEntry.actor == "Trần Văn Minh") == 1)),
    # ---- the office's calendar (admins change it, staff read it) and leave (oneself; managers their scope) --
    row("calendar", "/lich", "/calendar", "2026",
        no(UNLINKED),           ok("Tết Nguyên Đán", ro=True),         ok("Tết Nguyên Đán", ro=True),
        ok("Tết Nguyên Đán", ro=True),  ok("Tết Nguyên Đán", "/ngaylamviec", ro=True)),
    row("calendar", "/ngaylamviec", "/workday", "14/03/2026 làm bù",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("ngày làm việc bù", effect=office_day("14/03/2026", "work"))),
    row("calendar", "/ngaynghi", "/dayoff", "16/03/2026 lễ hội địa phương",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("ngày nghỉ", effect=office_day("16/03/2026", "off"))),
    row("calendar", "/lich", "/calendar", "xoa 16/03/2026",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Đã bỏ", effect=office_day("16/03/2026", None))),
    row("calendar", "/nghiphep", "/leave", "",
        no(UNLINKED),           ok("Không có ai", ro=True),            ok("Không có ai", ro=True),
        ok("Không có ai", ro=True),  ok("Không có ai", ro=True)),
    row("calendar", "/nghiphep", "/leave", "16/03/2026 20/03/2026",
        no(UNLINKED),
        *[ok("nghỉ phép từ 16/03/2026 đến 20/03/2026", effect=away(STAFF_CODE[role]))
          for role in ("officer", "manager", "ward", "admin")]),
    row("calendar", "/nghiphep", "/leave", "CB02 23/03/2026 24/03/2026",
        no(UNLINKED),           no(LEAVE_SCOPE),                       ok("Lê Văn Nam (CB02)", effect=away("CB02")),
        no(LEAVE_SCOPE),        ok("Lê Văn Nam (CB02)", effect=away("CB02"))),
    row("calendar", "/nghiphep", "/leave", "huy",
        no(UNLINKED),
        *[ok("Đã hủy kỳ nghỉ từ 16/03/2026", effect=away(STAFF_CODE[role], cancelled=True))
          for role in ("officer", "manager", "ward", "admin")]),
    row("calendar", "/nghiphep", "/leave", "huy CB02",
        no(UNLINKED),           no(LEAVE_SCOPE),                       ok("Đã hủy", effect=away("CB02", cancelled=True)),
        no(LEAVE_SCOPE),        ok("Đã hủy", effect=away("CB02", cancelled=True))),
    # ---- periodic reports: DK-P (CB01, the division) and DK-W (CB03, the ward), each with its Q1 instance ----
    row("series", "/kybaocao", "/period", "",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("Nguyễn Thị Lan (CB01)", "Đã nộp 0/1", absent=["Võ Minh Tuấn"], ro=True),
        ok("Võ Minh Tuấn (CB03)", "Đã nộp 0/1", absent=["Nguyễn Thị Lan"], ro=True),
        ok("Nguyễn Thị Lan (CB01)", "Võ Minh Tuấn (CB03)", "Đã nộp 0/2", ro=True)),
    row("series", "/kybaocao", "/period", "DK-W-2026Q1",
        no(UNLINKED),           no(MANAGERS_ONLY),                     no(SERIES_SCOPE),
        ok("Võ Minh Tuấn (CB03)", ro=True),  ok("Võ Minh Tuấn (CB03)", ro=True)),
    row("series", "/dinhky", "/series", "",
        no(UNLINKED),           no(MANAGERS_ONLY),                     ok("DK-P", absent=["DK-W"], ro=True),
        ok("DK-W", absent=["DK-P"], ro=True),  ok("DK-P", "DK-W", ro=True)),
    row("series", "/dinhky", "/series", "DK-P hằng quý ngày 20 tháng cuối quý",
        no(UNLINKED),           no(MANAGERS_ONLY),                     ok("Áp dụng từ kỳ Quý II/2026", effect=rule_of("DK-P", "20")),
        no(SERIES_SCOPE),       ok("Áp dụng từ kỳ Quý II/2026", effect=rule_of("DK-P", "20"))),
    row("series", "/dinhky", "/series", "DK-P ten Báo cáo CCHC quý thử quyền",
        no(UNLINKED),           no(MANAGERS_ONLY),                     ok("Đã đổi tên", effect=series_is("DK-P", title="Báo cáo CCHC quý thử quyền")),
        no(SERIES_SCOPE),       ok("Đã đổi tên", effect=series_is("DK-P", title="Báo cáo CCHC quý thử quyền"))),
    row("series", "/dinhky", "/series", "DK-P giao CB02",
        no(UNLINKED),           no(MANAGERS_ONLY),                     ok("Lê Văn Nam (CB02)", effect=series_is("DK-P", owner="CB02")),
        no(SERIES_SCOPE),       ok("Lê Văn Nam (CB02)", effect=series_is("DK-P", owner="CB02"))),
    row("series", "/dinhky", "/series", "DK-P dung",
        no(UNLINKED),           no(MANAGERS_ONLY),                     ok("Đã dừng", effect=ended("DK-P")),
        no(SERIES_SCOPE),       ok("Đã dừng", effect=ended("DK-P"))),
]

# Buttons, forged by each role with real ids: NV003 (CB02's task), NV001 (CB01's), NV005 (CB03's, the ward),
# "CB02 report" = CB02's 40% report on NV003 from the sample data, "own report" = the newest report the role
# wrote itself in the rows above (the stranger has none and forges CB02's), "pending task" = a complete
# add-task conversation put in the database for the role (as if it had been left open).
BUTTONS = [
    #   label                  data
    #   stranger                officer                              manager                     ward manager            admin
    row("buttons", "p NV003", None, "p:{NV003}:60",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("Đã ghi báo cáo NV003: 60%", effect=progress("NV003", 60)),
        no(OUT_OF_SCOPE),
        ok("Đã ghi báo cáo NV003: 60%", effect=progress("NV003", 60))),
    row("buttons", "p NV001", None, "p:{NV001}:50",
        no(UNLINKED),           ok("Đã ghi báo cáo NV001: 50%", effect=progress("NV001", 50)),
        ok("Đã ghi báo cáo NV001: 50%", effect=progress("NV001", 50)),
        no(OUT_OF_SCOPE),
        ok("Đã ghi báo cáo NV001: 50%", effect=progress("NV001", 50))),
    row("buttons", "p NV005", None, "p:{NV005}:70",
        no(UNLINKED),           no(OUT_OF_SCOPE),                      no(OUT_OF_SCOPE),
        ok("Đã ghi báo cáo NV005: 70%", effect=progress("NV005", 70)),
        ok("Đã ghi báo cáo NV005: 70%", effect=progress("NV005", 70))),
    row("buttons", "b NV003", None, "b:{NV003}",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("lý do", then="chờ hồ sơ giấy từ các xã", then_shows=("vướng mắc",), effect=blocked("NV003")),
        no(OUT_OF_SCOPE),
        ok("lý do", then="chờ hồ sơ giấy từ các xã", then_shows=("vướng mắc",), effect=blocked("NV003"))),
    # t / z / d: the buttons of a reminder (open the task card, remind me tomorrow, done = a 100 % report).
    row("buttons", "t NV003", None, "t:{NV003}",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("NV003", TITLES["NV003"], ro=True),
        no(OUT_OF_SCOPE),
        ok("NV003", TITLES["NV003"], ro=True)),
    # /themnhiemvu at «Rõ người», a name fitting several: the person chosen (CB02), of the chooser's scope only.
    row("buttons", "ch CB02 at the owner step", None, "ch:{CB02}",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("Đã chọn", "Lê Văn Nam", "3/7", effect=lambda d: d.flow(MANAGER_ID) == "newtask"),
        no("không thuộc phạm vi"),
        ok("Đã chọn", "Lê Văn Nam", "3/7", effect=lambda d: d.flow(ADMIN_ID) == "newtask")),
    # ◀ ▶ under /nhiemvu (the presser's own open tasks, whoever sent the list; a page past the end: the last)
    # and under /nhatky (admins only).
    row("buttons", "tp page", None, "tp:1",
        no(UNLINKED),           ok("3 nhiệm vụ đang mở", "NV001", ro=True),
        ok("không có nhiệm vụ nào đang mở", ro=True),
        ok("không có nhiệm vụ nào đang mở", ro=True),
        ok("không có nhiệm vụ nào đang mở", ro=True)),
    row("buttons", "nk page", None, "nk:1:NV003",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Nhật ký thay đổi", "NV003", ro=True)),
    # The leader's view: a task's card, a page of /theodoi (a unit of another branch forged in), an evidence file.
    row("buttons", "cd NV003", None, "cd:{NV003}",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("Rõ trách nhiệm", TITLES["NV003"], ro=True),
        no(OUT_OF_SCOPE),
        ok("Rõ trách nhiệm", TITLES["NV003"], ro=True)),
    row("buttons", "w page", None, "w:1:",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("NV003", ro=True),   ok("NV005", ro=True),                  ok("NV003", "NV005", ro=True)),
    row("buttons", "w ward unit", None, "w:1:u{ward_unit}",
        no(UNLINKED),           no(MANAGERS_ONLY),
        no("không thuộc phạm vi"), ok("NV005", ro=True),               ok("NV005", ro=True)),
    row("buttons", "ev NV003", None, "ev:{ev_NV003}",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("Minh chứng của nhiệm vụ NV003", ro=True),
        no(OUT_OF_SCOPE),
        ok("Minh chứng của nhiệm vụ NV003", ro=True)),
    # The card's «Xin gia hạn» (the owner) and «Giao lại» (managers in scope, admins): how to do it.
    row("buttons", "xe NV006", None, "xe:{NV006}",
        no(UNLINKED),           ok("/xingiahan NV006", ro=True),
        no("Chỉ người thực hiện"), no(OUT_OF_SCOPE),                   no("Chỉ người thực hiện")),
    row("buttons", "gl NV003", None, "gl:{NV003}",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("/giao NV003", ro=True),
        no(OUT_OF_SCOPE),
        ok("/giao NV003", ro=True)),
    # Talking about a task: a comment started; an extension request ({xreq_NV001}, {xreq_NV002}: CB01's, to
    # LD01) approved, refused (the reason asked); extending from a blocker's notice (the date and reason asked).
    row("buttons", "cm NV003", None, "cm:{NV003}",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("gõ nội dung trao đổi", then="đồng chí gửi số liệu giúp", then_shows=("Đã ghi trao đổi",),
           effect=comments("NV003", 1)),
        no(OUT_OF_SCOPE),
        ok("gõ nội dung trao đổi", then="đồng chí gửi số liệu giúp", then_shows=("Đã ghi trao đổi",),
           effect=comments("NV003", 1))),
    row("buttons", "xa NV001 request", None, "xa:{xreq_NV001}",
        no(UNLINKED),           no(NOT_DECIDER),
        ok("Đã đồng ý gia hạn", effect=deadline("NV001", date(2030, 6, 30))),
        no(OUT_OF_SCOPE),
        ok("Đã đồng ý gia hạn", effect=deadline("NV001", date(2030, 6, 30)))),
    row("buttons", "xr NV002 request", None, "xr:{xreq_NV002}",
        no(UNLINKED),           no(NOT_DECIDER),
        ok("lý do từ chối", then="cần đúng kế hoạch của tỉnh", then_shows=("Đã từ chối",),
           effect=extension("NV002", "refused")),
        no(OUT_OF_SCOPE),
        ok("lý do từ chối", then="cần đúng kế hoạch của tỉnh", then_shows=("Đã từ chối",),
           effect=extension("NV002", "refused"))),
    row("buttons", "xg NV001", None, "xg:{NV001}",
        no(UNLINKED),           no("Chỉ lãnh đạo"),
        ok("gõ ngày mới", then="31/12/2030 chờ số liệu", then_shows=("Đã gia hạn",),
           effect=deadline("NV001", date(2030, 12, 31))),
        no(OUT_OF_SCOPE),
        ok("gõ ngày mới", then="31/12/2030 chờ số liệu", then_shows=("Đã gia hạn",),
           effect=deadline("NV001", date(2030, 12, 31)))),
    row("buttons", "z NV003", None, "z:{NV003}",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("nhắc lại", "NV003", effect=snoozed("NV003")),
        no(OUT_OF_SCOPE),
        ok("nhắc lại", "NV003", effect=snoozed("NV003"))),
    # «✅ Đã xong» asks «Xác nhận đã xong?» first: nothing is recorded by the tap.
    row("buttons", "d NV003", None, "d:{NV003}",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("Xác nhận đã xong", "NV003", ro=True),
        no(OUT_OF_SCOPE),
        ok("Xác nhận đã xong", "NV003", ro=True)),
    # The completion review: NV003 awaits none, so its accountable leader (LD01) and the admin are told it
    # was decided; anyone else cannot see it (tests/test_review.py plays the allowed presses).
    row("buttons", "rc NV003", None, "rc:{NV003}",
        no(UNLINKED),           no(OUT_OF_SCOPE),                      no(NOT_IN_REVIEW),
        no(OUT_OF_SCOPE),       no(NOT_IN_REVIEW)),
    row("buttons", "rr NV003", None, "rr:{NV003}",
        no(UNLINKED),           no(OUT_OF_SCOPE),                      no(NOT_IN_REVIEW),
        no(OUT_OF_SCOPE),       no(NOT_IN_REVIEW)),
    # Invite links for the scope's staff not connected (here everyone is: none to make).
    row("buttons", "iv", None, "iv:0",
        no(UNLINKED),           no(MANAGERS_ONLY),                     ok("đều đã kết nối", ro=True),
        ok("đều đã kết nối", ro=True),  ok("đều đã kết nối", ro=True)),
    # The same under a scheduled digest of LD01's (any chat; tests/test_digest_invites.py plays a group):
    # its owner, a manager of a unit above his, or an admin; the ward's manager is refused.
    row("buttons", "iv LD01 digest", None, "iv:{sub_LD01}",
        no(UNLINKED),           no(MANAGERS_ONLY),                     ok("đều đã kết nối", ro=True),
        no(NOT_DIGEST_MANAGER), ok("đều đã kết nối", ro=True)),
    # A milestone's percentage (under /baocao <mã> moc): its task's owner, and managers of its scope.
    row("buttons", "ms NV003", None, "ms:{ms_NV003}:100",
        no(UNLINKED),           no(OUT_OF_SCOPE),
        ok("Đã ghi tiến độ mốc 1", effect=milestone_at("NV003", 100)),
        no(OUT_OF_SCOPE),
        ok("Đã ghi tiến độ mốc 1", effect=milestone_at("NV003", 100))),
    row("buttons", "ms NV001", None, "ms:{ms_NV001}:50",
        no(UNLINKED),           ok("Đã ghi tiến độ mốc 1", effect=milestone_at("NV001", 50)),
        ok("Đã ghi tiến độ mốc 1", effect=milestone_at("NV001", 50)),
        no(OUT_OF_SCOPE),
        ok("Đã ghi tiến độ mốc 1", effect=milestone_at("NV001", 50))),
    row("buttons", "n CB02 report", None, "n:{cb02_report}",
        no(UNLINKED),           no(NOT_YOURS),                         no(NOT_YOURS),
        no(NOT_YOURS),          no(NOT_YOURS)),
    row("buttons", "c CB02 report", None, "c:{cb02_report}",
        no(UNLINKED),           no(NOT_YOURS),                         no(NOT_YOURS),
        no(NOT_YOURS),          no(NOT_YOURS)),
    row("buttons", "k CB02 report", None, "k:{cb02_report}:100",
        no(UNLINKED),           no(NOT_YOURS),                         no(NOT_YOURS),
        no(NOT_YOURS),          no(NOT_YOURS)),
    row("buttons", "kb CB02 report", None, "kb:{cb02_report}",
        no(UNLINKED),           no(NOT_YOURS),                         no(NOT_YOURS),
        no(NOT_YOURS),          no(NOT_YOURS)),
    row("buttons", "c own report", None, "c:{own_report}",
        no(UNLINKED),           ok("Sửa báo cáo", ro=True),            ok("Sửa báo cáo", ro=True),
        ok("Sửa báo cáo", ro=True),  ok("Sửa báo cáo", ro=True)),
    row("buttons", "k own report", None, "k:{own_report}:90",
        no(UNLINKED),           ok("Đã sửa báo cáo", "90%", effect=own_last("officer", 90)),
        ok("Đã sửa báo cáo", "90%", effect=own_last("manager", 90)),
        ok("Đã sửa báo cáo", "90%", effect=own_last("ward", 90)),
        ok("Đã sửa báo cáo", "90%", effect=own_last("admin", 90))),
    row("buttons", "kb own report", None, "kb:{own_report}",
        no(UNLINKED),
        *[ok("lý do vướng mắc", then="chờ ý kiến chỉ đạo", then_shows=("Đã sửa báo cáo", "vướng mắc"),
             effect=own_last(role, 90, "blocked")) for role in ("officer", "manager", "ward", "admin")]),
    row("buttons", "n own report", None, "n:{own_report}",
        no(UNLINKED),           ok("Đã ghi báo cáo", ro=True),         ok("Đã ghi báo cáo", ro=True),
        ok("Đã ghi báo cáo", ro=True),  ok("Đã ghi báo cáo", ro=True)),
    # A 👍/👎 forged onto a message that carries no such button (here the greeting): refused for everyone.
    row("buttons", "v forged vote", None, "v:1:-1",
        no(VOTE_FORGED),        no(VOTE_FORGED),                       no(VOTE_FORGED),
        no(VOTE_FORGED),        no(VOTE_FORGED)),
    # The pending task is CB02's (the division), LD01 accountable: the ward's manager may not give it.
    row("buttons", "a:save pending task", None, "a:save",
        no(UNLINKED),           no(MANAGERS_ONLY),
        ok("Đã giao nhiệm vụ", "NV100", effect=lambda d: d.task("NV100") is not None and d.flow(MANAGER_ID) is None),
        no("Không có cán bộ mã"),
        ok("Đã giao nhiệm vụ", "NV100", effect=lambda d: d.task("NV100") is not None and d.flow(ADMIN_ID) is None)),
    row("buttons", "a:cancel pending task", None, "a:cancel",
        no(UNLINKED),           no(MANAGERS_ONLY),
        *[ok("không có gì được lưu", effect=lambda d, who=who: d.task("NV101") is None and d.flow(who) is None)
          for who in (MANAGER_ID, WARD_MANAGER_ID, ADMIN_ID)]),
    # «Bỏ qua» under «Định kỳ?» of a conversation at that step: a one-off task, the deadline asked next.
    row("buttons", "a:skip pending rule step", None, "a:skip",
        no(UNLINKED),           no(MANAGERS_ONLY),
        *[ok("5/7", effect=lambda d, who=who: d.flow(who) == "newtask") for who in (MANAGER_ID, WARD_MANAGER_ID, ADMIN_ID)]),
]

STAFF_SHEET = ("Mã cán bộ,Họ và tên,Đơn vị,Vai trò,Cấp trên\n"
               f"CB10,Đặng Thu Hà,UBND tỉnh Thừa Thiên Huế > Sở Nội vụ > {DIVISION},quản trị,LD01\n"
               ).encode("utf-8-sig")
TASK_SHEET = ("Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt\n"
              "NV200,Việc nhập từ tệp,CB01,LD01,30/06/2030,Kết quả đo được\n").encode()

FILES = [
    row("files", "can-bo.csv (staff sheet)", None, "",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Đã nhập", effect=lambda d: d.staff("CB10") is not None)),
    row("files", "nhiem-vu.csv (task sheet)", None, "",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Đã nhập", effect=lambda d: d.task("NV200") is not None)),
    row("files", f"{DOC_NAME} (document)", None, "",
        no(ADMINS_ONLY),        no(ADMINS_ONLY),                       no(ADMINS_ONLY),
        no(ADMINS_ONLY),        ok("Đã thêm tài liệu", effect=lambda d: d.count(Document) == 1)),
]
FILE_BYTES = {FILES[0].vi: ("can-bo.csv", STAFF_SHEET), FILES[1].vi: ("nhiem-vu.csv", TASK_SHEET),
              FILES[2].vi: (DOC_NAME, DOC_TEXT)}
# fmt: on


def test_the_matrix_covers_every_command_and_button():
    """Every registered command (and alias) and every button kind has rows above."""
    from telegram.ext import Application, CallbackQueryHandler, CommandHandler

    from handlers import register

    app = Application.builder().token("1:x").build()
    register(app)
    registered = {c for h in app.handlers[0] if isinstance(h, CommandHandler) for c in h.commands}
    not_about_permissions = {
        "start",
        "huongdan",
        "help",
        "hoi",
        "ask",
        "chitieu",
        "targets",
        "tailieu",
        "documents",
    }  # open to everyone, show no task data
    covered = {r.vi.lstrip("/") for r in COMMANDS} | {r.en.lstrip("/") for r in COMMANDS if r.en}
    assert registered - not_about_permissions <= covered, registered - not_about_permissions - covered
    pressed = {r.args.split(":")[0] for r in BUTTONS}
    families = {
        h.pattern.pattern.removeprefix("^").removesuffix(":")
        for h in app.handlers[0]
        if isinstance(h, CallbackQueryHandler)
        and h.pattern is not None
        and h.callback.__module__ in ("handlers.tasks", "handlers.admin", "handlers.review")
    }
    # every kind of report and admin button, and the completion review's
    assert {"p", "b", "n", "c", "k", "kb", "t", "z", "d", "a", "rc", "rr", "iv"} <= families
    assert families <= pressed
    assert {r.args for r in BUTTONS if r.args.startswith("a:")} == {"a:save", "a:cancel", "a:skip"}
    for r in COMMANDS + BUTTONS + FILES:
        assert all(isinstance(c, (Ok, No)) for c in r.cells), r.vi


# --------------------------------------------------------------------------
# Driving the bot
# --------------------------------------------------------------------------


async def idle(application, emu, timeout: float = 10.0) -> None:
    """Wait until the bot has finished every update (it handles up to 8 at once)."""
    quiet = 0
    async with asyncio.timeout(timeout):
        while quiet < 2:
            busy = (
                emu.pending_updates
                or not application.update_queue.empty()
                or application.update_processor.current_concurrent_updates
            )
            quiet = 0 if busy else quiet + 1
            await asyncio.sleep(0.005)


@dataclass
class Run:
    """One role's session with the bot; checks cells and collects the problems."""

    application: Any
    emu: Any
    engine: Any
    role: str
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.user = self.emu.user(TELEGRAM[self.role], self.role.capitalize())
        self.chat_id = TELEGRAM[self.role]
        self.db = DB(self.engine)

    async def _do(self, act: Callable[[], Any]) -> list:
        mark, errors = self.emu.mark(), len(self.emu.errors)
        act()
        await self.emu.wait_for(lambda m: m.chat_id == self.chat_id, after=mark)
        await idle(self.application, self.emu)
        sent = self.emu.sent[mark:]
        for method, _, status, description in self.emu.errors[errors:]:
            self.problems.append(f"  the emulator rejected {method}: {status} {description}")
        return sent

    def say(self, text: str):
        return self._do(lambda: self.emu.send_text(self.user, text))

    def press(self, message, data: str):
        return self._do(lambda: self.emu.press_button(self.user, message, data))

    def send_file(self, name: str, data: bytes):
        return self._do(lambda: self.emu.send_document(self.user, name, data))

    async def check(self, label: str, cell, act: Callable[[], Any], typed: str) -> None:
        """Run ``act`` and check the reply and the database against ``cell``."""
        before = snapshot(self.engine)
        sent = await act()
        mine = [m for m in sent if m.chat_id == self.chat_id]
        reply = "\n".join((m.plain_text or m.caption or m.text or "") for m in mine)
        where = f"[{self.role}] {label}"
        problems = []
        if any(APOLOGY in (m.plain_text or m.text or "") for m in sent):
            problems.append(f"the bot crashed (sent its apology): {reply!r}")
        if isinstance(cell, No):
            after = snapshot(self.engine)
            if cell.because not in reply:
                problems.append(f"expected a refusal saying {cell.because!r}, got {reply!r}")
            if changes(before, after):
                problems.append("a refused action changed the database: " + "; ".join(changes(before, after)))
            others = [m for m in sent if m.chat_id != self.chat_id]
            if others:
                problems.append(f"a refused action sent messages to others: {[m.describe() for m in others]}")
            problems += self._leaks(reply, typed, refused=True)
        else:
            for text in cell.shows:
                if text not in reply:
                    problems.append(f"expected the reply to show {text!r}, got {reply!r}")
            for text in cell.absent:
                if text in reply:
                    problems.append(f"the reply must not show {text!r}: {reply!r}")
            problems += self._leaks(reply, typed, refused=False)
            if cell.export is not None:
                problems += self._check_export(mine, cell.export)
            if cell.then:
                follow = await self.say(cell.then)
                then_reply = "\n".join((m.plain_text or "") for m in follow if m.chat_id == self.chat_id)
                for text in cell.then_shows:
                    if text not in then_reply:
                        problems.append(f"after {cell.then!r} expected {text!r}, got {then_reply!r}")
                problems += self._leaks(then_reply, typed, refused=False)
            after = snapshot(self.engine)
            if cell.ro and changes(before, after):
                problems.append("a read-only action changed the database: " + "; ".join(changes(before, after)))
            if cell.effect is not None and not cell.effect(self.db):
                problems.append(f"the allowed action did not have its effect (reply {reply!r})")
        self.problems += [f"{where}: {p}" for p in problems]

    def _leaks(self, reply: str, typed: str, *, refused: bool) -> list[str]:
        hidden_tasks = ALL_TASKS if refused else ALL_TASKS - SCOPE[self.role]
        hidden_people = set(NAMES) if refused else set(NAMES) - PEOPLE[self.role]
        found = [text for code in sorted(hidden_tasks) for text in task_data(code) if text in reply]
        found += [NAMES[code] for code in sorted(hidden_people) if NAMES[code] in reply]
        found += [code for code in sorted(ALL_TASKS - SCOPE[self.role]) if code in reply and code not in typed]
        return [f"the reply leaks {found} (outside the {self.role}'s scope): {reply!r}"] if found else []

    def _check_export(self, mine: list, expected: frozenset[str]) -> list[str]:
        documents = [m for m in mine if m.document is not None]
        if not documents:
            return ["no XLSX was sent"]
        sheet = openpyxl.load_workbook(io.BytesIO(documents[0].document)).worksheets[0]
        codes = {r[0] for r in sheet.iter_rows(min_row=2, values_only=True) if r and r[0]}
        if codes != expected:
            return [f"the XLSX lists {sorted(codes)}, expected exactly {sorted(expected)}"]
        text = " ".join(str(v) for r in sheet.iter_rows(values_only=True) for v in r if v is not None)
        return self._leaks(text, "", refused=False)

    def verdict(self) -> None:
        assert not self.problems, f"{len(self.problems)} cell(s) wrong:\n" + "\n".join(self.problems)


def add_test_document(application) -> None:
    application.bot_data.kb.add([(DOC_NAME, DOC_TEXT)])


# --------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------


# Every row with the Vietnamese commands for every role; the English aliases (the same handlers) for the
# officer and the admin, which between them see every alias both refused and allowed.
@pytest.mark.parametrize("lang, role", [("vi", role) for role in ROLES] + [("en", "officer"), ("en", "admin")])
@pytest.mark.parametrize("group", ["read", "report", "admin", "calendar", "series"])
async def test_commands(tracked, group, lang, role):
    application, emu, engine = tracked
    if group == "report":
        matrix_milestones(engine)
    if group == "admin":
        add_test_document(application)
        open_invite(engine, MATRIX_INVITE)
    if group == "series":
        matrix_series(engine)
    run = Run(application, emu, engine, role)
    values = {"sipas": DB(engine).sipas().code, "doc": DOC_NAME, "invite": MATRIX_INVITE}
    for r in COMMANDS:
        if r.group != group:
            continue
        command = r.en if lang == "en" and r.en else r.vi
        text = f"{command} {r.args.format(**values)}".strip()
        await run.check(text, r.cell(role), lambda text=text: run.say(text), typed=text)
    run.verdict()


MATRIX_INVITE = "matrix-open-invite"


def matrix_series(engine) -> None:
    """Two periodic reports with their first quarter's instances: DK-P (CB01, the division), DK-W (CB03, the ward)."""
    from reminders.calendar import OfficeCalendar
    from storage.models import TaskSeries
    from tracking import recurrence, series

    rule = recurrence.parse("hằng quý ngày 15 tháng cuối quý")
    with session_scope(engine) as session:
        for code, owner, leader in (("DK-P", "CB01", "LD01"), ("DK-W", "CB03", "LD02")):
            staff = db.staff_by_code(session=session, code=owner)
            made = TaskSeries(
                code=code,
                rule=str(rule),
                title="Báo cáo định kỳ thử quyền",
                owner_id=staff.id,
                accountable_id=db.staff_by_code(session=session, code=leader).id,
                host_unit_id=staff.unit_id,
                expected_result="Báo cáo gửi Sở",
                starts_on=NOW.date(),
            )
            session.add(made)
            session.flush()
            series.make_instance(session, made, recurrence.first_instance(rule, NOW.date(), OfficeCalendar()), at=NOW)


def open_invite(engine, code: str) -> None:
    """An open invite for CB02, as if made by an admin earlier."""
    with session_scope(engine) as session:
        now = NOW  # the bot's clock
        session.add(
            Invite(
                code=code,
                staff_id=db.staff_by_code(session=session, code="CB02").id,
                created_at=now,
                expires_at=now + timedelta(days=7),
            )
        )


def matrix_extension_requests(engine) -> dict[str, int]:
    """CB01's pending requests for more time on NV001 and NV002 (LD01 answers for both); their ids as
    ``xreq_<code>``."""
    ids = {}
    with session_scope(engine) as session:
        owner = db.staff_by_code(session=session, code="CB01")
        for code in ("NV001", "NV002"):
            task = db.task_by_code(session=session, code=code)
            request = ExtensionRequest(
                task_id=task.id,
                staff_id=owner.id,
                old_deadline=task.deadline,
                new_deadline=date(2030, 6, 30),
                reason="chờ số liệu",
                created_at=NOW,
            )
            session.add(request)
            session.flush()
            ids[f"xreq_{code}"] = request.id
    return ids


def matrix_milestones(engine) -> dict[str, int]:
    """A milestone on NV001 (CB01's) and on NV003 (CB02's); their ids as ``ms_<code>``."""
    ids = {}
    with session_scope(engine) as session:
        for code, title, days in (("NV001", "Khảo sát sơ bộ", 1), ("NV003", "Số hóa hồ sơ quý I", -1)):
            mark = Milestone(
                task_id=db.task_by_code(session=session, code=code).id,
                title=title,
                due_date=NOW.date() + timedelta(days=days),
            )
            session.add(mark)
            session.flush()
            ids[f"ms_{code}"] = mark.id
    return ids


def matrix_subscription(engine) -> int:
    """A daily digest of LD01's scope subscribed in his chat; its id."""
    with session_scope(engine) as session:
        sub = models.Subscription(
            chat_id=MANAGER_ID, staff_id=db.staff_by_code(session=session, code="LD01").id, at_time="08:00"
        )
        session.add(sub)
        session.flush()
        return sub.id


def evidence_on(engine, emu, report_id: int) -> int:
    """An evidence file on a report, as if its author had sent it (the emulator knows its file id)."""
    stored = emu._store_file(
        b"%PDF-1.4 minh chung", file_name="minh-chung.pdf", mime_type="application/pdf", kind="document"
    )
    with session_scope(engine) as session:
        item = Evidence(
            report_id=report_id,
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            file_name="minh-chung.pdf",
            mime_type="application/pdf",
            size_bytes=len(stored.data),
        )
        session.add(item)
        session.flush()
        return item.id


def pending_task(engine, telegram_id: int, code: str, step: int | None = None) -> None:
    """A complete add-task conversation waiting for «Lưu» (or one at ``step``), as if left open."""
    fields = {
        "code": code,
        "title": "Nhiệm vụ chờ lưu",
        "owner": "CB02",
        "accountable": "LD01",
        "rule": "",
        "deadline": "2030-12-15",
        "expected": "Kết quả chờ lưu",
        "target": "",
    }
    step = len(STEPS) if step is None else step
    with session_scope(engine) as session:
        db.set_flow(
            session=session,
            telegram_id=telegram_id,
            kind="newtask",
            data={"step": step, "fields": fields},
            expires_at=NOW + timedelta(minutes=25),
        )


@pytest.mark.parametrize("role", ROLES)
async def test_buttons(tracked, role):
    application, emu, engine = tracked
    run = Run(application, emu, engine, role)
    d = DB(engine)
    ids = {code: d.task(code).id for code in ("NV001", "NV003", "NV005")}
    cb02_report = d.sample_report().id
    ids["ward_unit"] = d.staff("CB03").unit_id
    ids["NV006"] = d.task("NV006").id
    ids["CB02"] = d.staff("CB02").id
    ids["ev_NV003"] = evidence_on(engine, emu, cb02_report)
    ids.update(matrix_milestones(engine))
    ids["sub_LD01"] = matrix_subscription(engine)
    ids.update(matrix_extension_requests(engine))
    # Something in the role's own chat to press buttons on.
    base = [m for m in await run.say("/start") if m.chat_id == run.chat_id][0]
    for r in BUTTONS:
        if r.args == "a:save":
            pending_task(engine, TELEGRAM[role], "NV100")
        if r.args == "a:cancel":
            pending_task(engine, TELEGRAM[role], "NV101")
        if r.args == "a:skip":
            pending_task(engine, TELEGRAM[role], "NV102", step=STEPS.index("rule"))
        if r.args == "ch:{CB02}":
            pending_task(engine, TELEGRAM[role], "NV103", step=STEPS.index("owner"))
        own = d.last_report_by(STAFF_CODE[role])
        data = r.args.format(cb02_report=cb02_report, own_report=own.id if own else cb02_report, **ids)
        # The forged data names a task by its id only: no code outside the scope may appear in the reply.
        await run.check(f"{r.vi} ({data})", r.cell(role), lambda data=data: run.press(base, data), typed="")
    run.verdict()


@pytest.mark.parametrize("role", ROLES)
async def test_files(tracked, role):
    application, emu, engine = tracked
    run = Run(application, emu, engine, role)
    for r in FILES:
        name, data = FILE_BYTES[r.vi]
        await run.check(r.vi, r.cell(role), lambda name=name, data=data: run.send_file(name, data), typed="")
    run.verdict()


@pytest.mark.parametrize("role", ["officer", "ward"])
async def test_forged_button_does_not_reveal_the_code_of_a_task_out_of_scope(tracked, role):
    """``visible_task`` answers the same for unknown and out-of-scope tasks "so codes outside one's scope
    are not disclosed"; a forged button names a task by its database id, and the refusal must not turn
    that id into the task's code (nor differ from the refusal for an id that does not exist)."""
    application, emu, engine = tracked
    run = Run(application, emu, engine, role)
    base = [m for m in await run.say("/start") if m.chat_id == run.chat_id][0]
    task = DB(engine).task("NV003")
    unknown = [m.plain_text for m in await run.press(base, "p:999999:50") if m.chat_id == run.chat_id][0]
    for data in (f"p:{task.id}:50", f"b:{task.id}"):
        reply = [m.plain_text for m in await run.press(base, data) if m.chat_id == run.chat_id][0]
        assert "⛔" in reply
        assert "NV003" not in reply and reply == unknown, (
            f"a forged {data!r} by the {role} reveals the code of task id {task.id} outside the scope: {reply!r} "
            f"(for an unknown id the reply is {unknown!r})"
        )


async def test_a_task_taken_away_cannot_be_changed_through_the_buttons_of_an_old_report(tracked):
    """An officer may report only on the tasks they carry out. Once NV001 is given to CB02, CB01 can no
    longer report on it (``/baocao`` and ``/suabaocao`` refuse), so the «Sửa báo cáo» buttons of the report
    CB01 wrote before must not move NV001 either: ``correct_report`` rewrites the task's progress and
    status when the report is the newest one."""
    application, emu, engine = tracked
    d = DB(engine)
    officer = Run(application, emu, engine, "officer")
    admin = Run(application, emu, engine, "admin")
    sent = await officer.say("/baocao NV001 50 đã thu 150 phiếu")
    card = [m for m in sent if m.chat_id == OFFICER_ID][0]
    own = d.last_report_by("CB01")
    await admin.check(
        "/giao NV001 CB02",
        ok("Đã giao lại", effect=lambda d: d.task("NV001").owner_id == d.staff("CB02").id),
        lambda: admin.say("/giao NV001 CB02"),
        typed="",
    )
    admin.verdict()
    await officer.check(
        "/suabaocao NV001 100", no(OUT_OF_SCOPE), lambda: officer.say("/suabaocao NV001 100"), typed="NV001"
    )
    for data in (f"k:{own.id}:100", f"kb:{own.id}"):
        await officer.check(
            f"the old report's button {data}", no("⛔"), lambda data=data: officer.press(card, data), typed="NV001"
        )
    task = d.task("NV001")
    if (task.progress, task.status) != (50, "in_progress"):
        officer.problems.append(
            f"CB01 moved NV001 (no longer his) to {task.progress}% / {task.status} through an old report's buttons"
        )
    officer.verdict()


async def test_html_in_names_and_titles_does_not_break_any_reply(tracked):
    """Data with HTML special characters (staff names, units, task titles, notes) is escaped everywhere
    a role can see it."""
    application, emu, engine = tracked
    with session_scope(engine) as session:
        for code in ("NV001", "NV003", "NV005"):
            t = db.task_by_code(session=session, code=code)
            t.title = f"<b>Rà soát</b> & <i>niêm yết</i> {code} <script>"
            t.expected_result = "Tỷ lệ < 5% & > 95% <br>"
            t.blocked_reason = "chờ <Sở> & <Phòng>"
            t.status = "blocked"
            session.add(t)
        for code in ("CB01", "CB02", "LD01", "CB03"):
            s = db.staff_by_code(session=session, code=code)
            s.full_name = f"Nguyễn <Văn> & {code}"
            session.add(s)
    for role, commands in (
        (
            "officer",
            [
                "/start",
                "/nhiemvu",
                "/baocao NV001 30 ghi chú <b>x</b> & y",
                "/suabaocao NV001 35 <i>sửa</i>",
                "/xuatbaocao",
            ],
        ),
        (
            "manager",
            ["/start", "/tonghop", f"/donvi {DIVISION}", "/donvi", "/baocao NV003 vướng mắc chờ <ý kiến> & số liệu"],
        ),
        ("ward", ["/tonghop", "/donvi Phú Hội"]),
        (
            "admin",
            [
                "/tonghop",
                "/nhatky",
                "/nhatky NV001",
                "/capnhatchitieu",
                "/giao NV003 CB01",
                "/giahan NV005 31/12/2030 vì <lý do> & khác",
                "/moi CB03",
            ],
        ),
    ):
        run = Run(application, emu, engine, role)
        for text in commands:
            sent = await run.say(text)
            texts = " ".join((m.plain_text or m.caption or "") for m in sent)
            if APOLOGY in texts:
                run.problems.append(f"[{role}] {text}: the bot crashed: {texts!r}")
            if text in ("/nhiemvu", "/tonghop") and "<b>Rà soát</b> & <i>niêm yết</i>" not in texts:
                run.problems.append(f"[{role}] {text}: the title is not shown literally: {texts!r}")
        run.verdict()
