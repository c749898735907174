"""The tests' own small data and clock: a province's few units, staff and tasks, with deadlines fixed
around a known instant (``NOW``), loaded through the same import as real sheets.

End-to-end tests run the bot on a :class:`Clock` set to ``NOW`` (a Tuesday morning in Hà Nội, a
working day far from holidays and month ends), so what they see does not depend on the day they run.
Tests of real ``python -m bot`` processes (which run on the machine's clock) seed the same data
around the machine's time instead (``seed(engine, now=wall_now())``).

Roles: QT01 admin, LD01 manager of the division (CB01, CB02), LD02 manager of the ward (CB03).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # Tuesday 10/03/2026, 09:00 in Hà Nội
TODAY = NOW.astimezone(TZ).date()

ADMIN_TELEGRAM_ID = 9001
MANAGER_TELEGRAM_ID = 5001
OFFICER_TELEGRAM_ID = 1001

PROVINCE = "UBND tỉnh Thừa Thiên Huế"
DEPT = f"{PROVINCE} > Sở Nội vụ"
DIVISION = f"{DEPT} > Phòng Cải cách hành chính"
WARD = f"{PROVINCE} > UBND thành phố Huế > UBND phường Phú Hội"

# code, name, unit, role, Telegram id, superior
STAFF_ROWS = [
    ("QT01", "Trần Văn Minh", DEPT, "quản trị", ADMIN_TELEGRAM_ID, ""),
    ("LD01", "Phạm Quốc Hùng", DIVISION, "lãnh đạo", MANAGER_TELEGRAM_ID, "QT01"),
    ("CB01", "Nguyễn Thị Lan", DIVISION, "cán bộ", OFFICER_TELEGRAM_ID, "LD01"),
    ("CB02", "Lê Văn Nam", DIVISION, "cán bộ", "", "LD01"),
    ("LD02", "Hoàng Thị Mai", WARD, "lãnh đạo", "", "QT01"),
    ("CB03", "Võ Minh Tuấn", WARD, "cán bộ", "", "LD02"),
]

# code, task, owner, accountable, deadline in days from today, expected result, target
TASK_ROWS = [
    (
        "NV001",
        "Khảo sát sự hài lòng của người dân tại Bộ phận Một cửa",
        "CB01",
        "LD01",
        3,
        "Báo cáo kết quả khảo sát 300 phiếu",
        "Chỉ số SIPAS > 85%",
    ),
    (
        "NV002",
        "Rà soát, đề xuất đơn giản hóa TTHC lĩnh vực nội vụ",
        "CB01",
        "LD01",
        10,
        "Phương án đơn giản hóa ít nhất 20% TTHC được phê duyệt",
        "",
    ),
    (
        "NV003",
        "Số hóa hồ sơ, kết quả giải quyết TTHC năm nay",
        "CB02",
        "LD01",
        -5,
        "100% hồ sơ tiếp nhận được số hóa",
        "Tỷ lệ hồ sơ giải quyết đúng hạn > 99%",
    ),
    (
        "NV004",
        "Đưa DVC trực tuyến toàn trình lên Cổng DVC quốc gia",
        "CB03",
        "LD02",
        20,
        "Thêm 15 dịch vụ công trực tuyến toàn trình",
        "Chỉ số SIPAS > 85%",
    ),
    (
        "NV005",
        "Niêm yết công khai TTHC tại trụ sở phường",
        "CB03",
        "LD02",
        -2,
        "Bảng niêm yết đúng danh mục TTHC mới nhất",
        "",
    ),
    ("NV006", "Báo cáo kết quả CCHC quý", "CB01", "LD01", 30, "Báo cáo gửi Sở Nội vụ đúng hạn", ""),
]

# The history the tasks come with: a report long ago (silent since), a blocker, a target's value.
NOTES = {"NV003": "đã số hóa hồ sơ quý I", "NV004": "chờ tài khoản quản trị Cổng DVC"}
TARGET_VALUE = 82.5


class Clock:
    """The bot's clock: it stays at the instant it is given until moved by hand
    (``clock.at += timedelta(...)``, ``clock.at = ...``, or ``clock.set(day, hour)`` in Hà Nội's time)."""

    def __init__(self, at: datetime = NOW) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, day: date, hour: int = 9, minute: int = 0) -> None:
        self.at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def wall_now() -> datetime:
    """The machine's time: for data read by real bot processes, which run on the machine's clock."""
    return datetime.now(UTC)


def _csv(rows: list[tuple], header: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def staff_sheet() -> bytes:
    return _csv(STAFF_ROWS, ["Mã cán bộ", "Họ và tên", "Đơn vị", "Vai trò", "Telegram ID", "Cấp trên"])


def task_sheet(today: date = TODAY) -> bytes:
    return _csv(
        [
            (code, title, owner, accountable, (today + timedelta(days=days)).strftime("%d/%m/%Y"), result, target)
            for code, title, owner, accountable, days, result, target in TASK_ROWS
        ],
        [
            "Mã nhiệm vụ",
            "Nhiệm vụ",
            "Người thực hiện",
            "Người chịu trách nhiệm",
            "Thời hạn",
            "Kết quả cần đạt",
            "Chỉ tiêu",
        ],
    )


def seed(engine: Engine, *, now: datetime = NOW) -> None:
    """Load the staff and tasks into an empty database, with their history: the tasks created at
    ``now``, their deadlines counted from its date in Hà Nội; NV003 reported 40% twelve days
    before, NV004 blocked two days before, the SIPAS target's value recorded twenty days before."""
    from sqlmodel import select

    from storage import tracking as db
    from storage.db import session_scope
    from storage.models import Task
    from tracking.service import Actor, cli_actor, record_target, report
    from tracking.sheets import import_sheet

    today = now.astimezone(TZ).date()
    with session_scope(engine) as session:
        import_sheet(session=session, file_name="can-bo.csv", data=staff_sheet(), actor=None, actor_name="dữ liệu thử")
        import_sheet(
            session=session, file_name="nhiem-vu.csv", data=task_sheet(today), actor=None, actor_name="dữ liệu thử"
        )
        for task in session.exec(select(Task)):
            task.created_at = task.updated_at = now
        worker = Actor(telegram_id=None, staff=db.staff_by_code(session=session, code="CB02"))
        report(session, worker, task="NV003", percent=40, note=NOTES["NV003"], at=now - timedelta(days=12))
        ward = Actor(telegram_id=None, staff=db.staff_by_code(session=session, code="CB03"))
        report(session, ward, task="NV004", percent=30, blocked=True, note=NOTES["NV004"], at=now - timedelta(days=2))
        target = db.target_by_key(session=session, key="chi so sipas > 85%")
        record_target(
            session,
            cli_actor(),
            target_code=target.code,
            value=TARGET_VALUE,
            note="số liệu quý trước",
            at=now - timedelta(days=20),
        )
