"""Sample staff and tasks for ``python -m bot demo``, loaded through the same
import as real sheets. Deadlines are relative to today so the demo always has
tasks due soon, overdue and silent ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import func, select

from storage.db import session_scope
from storage.models import Staff

OFFICER_TELEGRAM_ID = 1001
MANAGER_TELEGRAM_ID = 5001
ADMIN_TELEGRAM_ID = 9001

PROVINCE = "UBND tỉnh Thừa Thiên Huế"
DEPT = f"{PROVINCE} > Sở Nội vụ"
DIVISION = f"{DEPT} > Phòng Cải cách hành chính"
WARD = f"{PROVINCE} > UBND thành phố Huế > UBND phường Phú Hội"

STAFF_ROWS = [
    ("QT01", "Trần Văn Minh", DEPT, "quản trị", ADMIN_TELEGRAM_ID, ""),
    ("LD01", "Phạm Quốc Hùng", DIVISION, "lãnh đạo", MANAGER_TELEGRAM_ID, "QT01"),
    ("CB01", "Nguyễn Thị Lan", DIVISION, "cán bộ", OFFICER_TELEGRAM_ID, "LD01"),
    ("CB02", "Lê Văn Nam", DIVISION, "cán bộ", "", "LD01"),
    ("LD02", "Hoàng Thị Mai", WARD, "lãnh đạo", "", "QT01"),
    ("CB03", "Võ Minh Tuấn", WARD, "cán bộ", "", "LD02"),
]

# code, task, owner, accountable, days from today, expected result, target
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
    # The leader's loop (issue of leaders): a blocked task of his division, a completion awaiting his confirmation.
    (
        "NV007",
        "Cập nhật quy trình nội bộ giải quyết TTHC lĩnh vực nội vụ",
        "CB02",
        "LD01",
        6,
        "Quy trình nội bộ được phê duyệt, công bố trên Cổng DVC",
        "",
    ),
    (
        "NV008",
        "Tập huấn nghiệp vụ Một cửa cho cán bộ phường",
        "CB02",
        "LD01",
        2,
        "100% cán bộ Một cửa cấp phường được tập huấn",
        "",
    ),
]

# Milestones of a task («Mốc tiến độ»): days from today and what; the first is reported done.
MILESTONES = {"NV002": [(-3, "Dự thảo phương án đơn giản hóa"), (5, "Lấy ý kiến các phòng, đơn vị")]}

# A quarterly report as the province's official letter on periodic reports makes it: the same report
# from two units, one series each (grouped by /kybaocao), both collected by the division (LD01).
# code, title, owner, accountable, deadline (none: the rule gives each period's), rule, expected result
SERIES_ROWS = [
    (code, "Báo cáo CCHC quý", owner, "LD01", "", "hằng quý ngày 15 tháng cuối quý", "Báo cáo gửi Sở Nội vụ theo mẫu")
    for code, owner in (("BCQ-CCHC", "CB01"), ("BCQ-PH", "CB03"))
]

# Files the sample data's evidence points to: the demo's emulator knows them by these ids
# (share_sample_files), so «📎» on a card sends them back.
SAMPLE_FILES = {
    "demo-bien-ban-tap-huan": (
        "bien-ban-tap-huan.pdf",
        b"%PDF-1.4\n% Bien ban tap huan nghiep vu Mot cua\n",
        "application/pdf",
    ),
}


def _csv(rows: list[tuple], header: list[str]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def seed(engine: Engine, *, today: date, now: datetime | None = None) -> bool:
    """Load the sample data into an empty database; False if staff already exist."""
    from storage import tracking as db
    from tracking.service import Actor, cli_actor, record_target, report
    from tracking.sheets import import_sheet

    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        if session.exec(select(func.count()).select_from(Staff)).one():
            return False
        staff = _csv(list(STAFF_ROWS), ["Mã cán bộ", "Họ và tên", "Đơn vị", "Vai trò", "Telegram ID", "Cấp trên"])
        import_sheet(session=session, file_name="can-bo.csv", data=staff, actor=None, actor_name="dữ liệu mẫu")
        tasks = _csv(
            [
                (
                    c,
                    t,
                    o,
                    a,
                    _day(today, d),
                    r,
                    ct,
                    "; ".join(f"{_day(today, n)}: {m}" for n, m in MILESTONES.get(c, [])),
                )
                for c, t, o, a, d, r, ct in TASK_ROWS
            ],
            [
                "Mã nhiệm vụ",
                "Nhiệm vụ",
                "Người thực hiện",
                "Người chịu trách nhiệm",
                "Thời hạn",
                "Kết quả cần đạt",
                "Chỉ tiêu",
                "Mốc tiến độ",
            ],
        )
        import_sheet(session=session, file_name="nhiem-vu.csv", data=tasks, actor=None, actor_name="dữ liệu mẫu")
        # A little history: one task reported long ago (silent since), one blocked, a target value.
        worker = Actor(telegram_id=None, staff=db.staff_by_code(session=session, code="CB02"))
        report(session, worker, task="NV003", percent=40, note="đã số hóa hồ sơ quý I", at=now - timedelta(days=12))
        ward = Actor(telegram_id=None, staff=db.staff_by_code(session=session, code="CB03"))
        report(
            session,
            ward,
            task="NV004",
            percent=30,
            blocked=True,
            note="chờ tài khoản quản trị Cổng DVC",
            at=now - timedelta(days=2),
        )
        _leaders_loop(session, today=today, now=now)
        _periodic_and_milestones(session, today=today, now=now)
        target = db.target_by_key(session=session, key="chi so sipas > 85%")
        if target is not None:
            record_target(
                session,
                cli_actor(),
                target_code=target.code,
                value=82.5,
                note="số liệu quý trước",
                at=now - timedelta(days=20),
            )
    return True


def _leaders_loop(session, *, today: date, now: datetime) -> None:
    """What the accountable leader (LD01, «:lanhdao») has to act on: NV007 blocked with its reason,
    an extension of NV001 asked by its owner, NV008 reported done with an evidence file and awaiting
    his confirmation, and a word exchanged on NV002. History: the notices these queued are dropped
    (the leader finds the work with /theodoi and /xem; what the player does is told as it happens)."""
    from sqlmodel import delete

    from storage import tracking as db
    from storage.models import Outbox
    from tracking import talk
    from tracking.service import Actor, add_evidence, report

    before = session.exec(select(func.coalesce(func.max(Outbox.id), 0))).one()

    def actor(code: str) -> Actor:
        staff = db.staff_by_code(session=session, code=code)
        assert staff is not None  # the sample staff, added above
        return Actor(telegram_id=staff.telegram_id, staff=staff)

    report(
        session,
        actor("CB02"),
        task="NV007",
        percent=20,
        blocked=True,
        note="chờ Sở Tư pháp góp ý dự thảo quy trình",
        at=now - timedelta(days=1),
    )
    talk.request_extension(
        session,
        actor("CB01"),
        code="NV001",
        day=(today + timedelta(days=17)).strftime("%d/%m/%Y"),
        reason="chờ đủ 300 phiếu khảo sát từ các xã",
        today=today,
        now=now - timedelta(hours=3),
    )
    _, done = report(
        session,
        actor("CB02"),
        task="NV008",
        percent=100,
        note="đã tổ chức 2 lớp, 64 học viên",
        at=now - timedelta(hours=5),
    )
    name, data, mime = SAMPLE_FILES["demo-bien-ban-tap-huan"]
    add_evidence(
        session,
        actor("CB02"),
        report_id=done.id,
        file_id="demo-bien-ban-tap-huan",
        file_unique_id="demo-bien-ban-tap-huan",
        file_name=name,
        mime_type=mime,
        size_bytes=len(data),
    )
    talk.comment(
        session,
        actor("LD01"),
        task="NV002",
        text="Đồng chí gửi dự thảo phương án trước thứ Sáu nhé.",
        now=now - timedelta(days=1),
    )
    talk.comment(
        session, actor("CB01"), task="NV002", text="Dạ, em sẽ gửi trong chiều thứ Năm.", now=now - timedelta(hours=20)
    )
    session.flush()
    session.exec(delete(Outbox).where(Outbox.id > before))


def _day(today: date, days: int) -> str:
    return (today + timedelta(days=days)).strftime("%d/%m/%Y")


def _periodic_and_milestones(session, *, today: date, now: datetime) -> None:
    """The quarterly report of SERIES_ROWS, imported from a sheet like the province's letter makes
    it, with its instance of the period being reported (``/kybaocao``) whatever today is: CB01 has
    submitted (100 %, awaiting LD01's confirmation), CB03 has not. NV002's first milestone done. The
    notices these queued are dropped, as in ``_leaders_loop``."""
    from sqlmodel import delete

    from reminders.calendar import OfficeCalendar
    from storage import series as store
    from storage import tracking as db
    from storage.models import Outbox
    from tracking import milestones, recurrence, series
    from tracking.office_calendar import office_calendar
    from tracking.service import Actor, report
    from tracking.sheets import import_sheet

    before = session.exec(select(func.coalesce(func.max(Outbox.id), 0))).one()
    sheet = _csv(
        list(SERIES_ROWS),
        [
            "Mã nhiệm vụ",
            "Nhiệm vụ",
            "Người thực hiện",
            "Người chịu trách nhiệm",
            "Thời hạn",
            "Định kỳ",
            "Kết quả cần đạt",
        ],
    )
    calendar = office_calendar(session, OfficeCalendar())
    import_sheet(
        session=session,
        file_name="bao-cao-dinh-ky.csv",
        data=sheet,
        actor=None,
        actor_name="dữ liệu mẫu",
        today=today,
        calendar=calendar,
        now=now,
    )
    rule = recurrence.parse(SERIES_ROWS[0][5])
    period = series.reporting_period(rule, today, calendar)
    for code, *_ in SERIES_ROWS:
        made = store.series_by_code(session=session, code=code)
        assert made is not None  # imported above
        made.starts_on = min(made.starts_on, period.start)
        series.make_instance(session, made, recurrence.instance(rule, period, calendar), at=now)

    def actor(code: str) -> Actor:
        staff = db.staff_by_code(session=session, code=code)
        assert staff is not None  # the sample staff
        return Actor(telegram_id=staff.telegram_id, staff=staff)

    report(
        session,
        actor("CB01"),
        task=series.instance_code("BCQ-CCHC", period),
        percent=100,
        note="đã gửi báo cáo quý qua Hệ thống báo cáo của tỉnh",
        at=now - timedelta(hours=2),
    )
    milestones.report(session, actor("CB01"), task="NV002", number="1", percent=100, at=now - timedelta(days=3))
    session.flush()
    session.exec(delete(Outbox).where(Outbox.id > before))


def share_sample_files(emu) -> None:
    """Give the demo's emulator the files of the sample evidence (it starts empty at every run)."""
    from devtools.emulator.core import StoredFile

    for file_id, (name, data, mime) in SAMPLE_FILES.items():
        emu.files[file_id] = StoredFile(
            file_id=file_id,
            file_unique_id=file_id,
            data=data,
            file_name=name,
            mime_type=mime,
            kind="document",
            file_path=f"documents/{name}",
        )
