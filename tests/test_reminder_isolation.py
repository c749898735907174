"""One bad row stops no reminder: each task and subscription is scanned and rendered on its own,
one that fails is skipped, reported to the admins once and tried again every cycle, while every
other reminder and digest goes out; sending never waits on a scan; dates typed out of bounds are
refused. The real Application on the Bot API emulator, with an injected clock."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from reminders.cycle import ReminderCycle
from reminders.dispatch import Dispatcher, Pacer
from reminders.scan import SCANNED_THROUGH, ScanConfig
from storage.db import session_scope
from storage.models import AppState, Outbox, ScanFailure, Task
from storage.tracking import task_by_code
from tests.conftest import ADMIN_ID
from tracking.sheets import import_sheet

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MANAGER = 5001
OFFICERS = 50  # CB001..CB050, Telegram ids 2001..2050, each with one task due on Monday 30/11/2026
ODD_OWNER = 2051  # CB051, owner of NV999, due 31/12/9999
ODD_UNIT = "Tổ $^$ công tác"  # math to matplotlib, and math it cannot parse


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def _import(session, name: str, text: str) -> None:
    import_sheet(session=session, file_name=name, data=text.encode("utf-8"), actor=None, actor_name="test")


def _scanned_through(engine, day: date) -> None:
    with session_scope(engine) as session:
        session.merge(AppState(key=SCANNED_THROUGH, value=day.isoformat()))


def _to(emu, chat_id: int):
    return [m for m in emu.sent if m.chat_id == chat_id and m.method.startswith("send")]


def _alerts(emu):
    return [m for m in _to(emu, ADMIN_ID) if "chưa lập được" in (m.plain_text or "")]


@pytest.fixture
async def province(settings, engine, emulator):
    """A manager of «Sở Nội vụ», 51 officers, half of them in a unit named with dollar signs, one task
    each; NV999's deadline is 31/12/9999, as rows written before dates were checked may have."""
    from bot.app import build_application, polling

    staff = [
        "Mã cán bộ,Họ và tên,Đơn vị,Vai trò,Telegram ID,Cấp trên",
        f"LD01,Phạm Quốc Hùng,Sở Nội vụ,lãnh đạo,{MANAGER},",
    ]
    tasks = ["Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt"]
    for n in range(1, OFFICERS + 2):
        unit = f"Sở Nội vụ > {ODD_UNIT}" if n % 2 else "Sở Nội vụ > Phòng CCHC"
        staff.append(f"CB{n:03d},Cán bộ {n},{unit},cán bộ,{2000 + n},LD01")
        tasks.append(f"NV{n:03d},Nhiệm vụ {n},CB{n:03d},LD01,30/11/2026,Kết quả {n}")
    tasks[-1] = tasks[-1].replace("NV051", "NV999")
    with session_scope(engine) as session:
        _import(session, "cb.csv", "\n".join(staff) + "\n")
        _import(session, "nv.csv", "\n".join(tasks) + "\n")
        for task in session.exec(select(Task)).all():
            task.created_at = datetime(2026, 11, 20, 2, tzinfo=UTC)  # a week of silence on Friday 27/11
        task_by_code(session=session, code="NV999").deadline = date(9999, 12, 31)
    clock = Clock(datetime(2026, 11, 26, 10, tzinfo=TZ))  # Thursday
    test_settings = settings.model_copy(
        update={"telegram_api_base_url": emulator.base_url, "telegram_api_file_url": emulator.base_file_url}
    )
    application = build_application(
        test_settings, engine=engine, token=emulator.token, rate_limiter=False, clock=clock, schedule_reminders=False
    )
    async with polling(application, timeout=1):
        fast = Pacer(per_second=10_000, per_chat_interval=0)
        cycle = ReminderCycle(
            engine,
            application.bot,
            ScanConfig.from_settings(test_settings),
            clock=clock,
            dispatcher=Dispatcher(engine, application.bot, clock=clock, pacer=fast),
            exports=application.bot_data.exports,
        )
        yield cycle, clock, emulator, engine


async def test_a_deadline_of_9999_and_a_unit_named_with_dollars_stop_nothing(province):
    cycle, clock, emu, engine = province
    manager = emu.chat(emu.user(MANAGER, "Hùng"))
    assert "08:00" in (await manager.say("/dangkytonghop hằng ngày 08:00")).plain_text
    _scanned_through(engine, date(2026, 11, 26))
    clock.moment = datetime(2026, 11, 27, 9, tzinfo=TZ)  # Friday: 3 days before the deadline

    result = await asyncio.wait_for(cycle.run(), timeout=120)

    assert result.scan.failed == 0 and result.dispatch.failed == 0
    for n in range(1, OFFICERS + 1):
        (reminder,) = _to(emu, 2000 + n)
        assert f"NV{n:03d}" in reminder.plain_text and "Còn 3 ngày" in reminder.plain_text
    (odd,) = _to(emu, ODD_OWNER)  # a week without a report: nudged like any task far from its deadline
    assert "NV999" in odd.plain_text and "31/12/9999" in odd.plain_text and "chưa báo cáo" in odd.plain_text
    digest = _to(emu, MANAGER)
    assert any("Tổng hợp" in (m.plain_text or "") and ODD_UNIT in (m.plain_text or "") for m in digest)
    (chart,) = [m for m in digest if m.photo is not None]
    assert chart.photo[:4] == b"\x89PNG"
    assert _alerts(emu) == []
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(ScanFailure)).one() == 0


@pytest.fixture
async def world(settings, engine, emulator):
    """Three officers with a task each, due on Monday 30/11/2026; the manager and the admin
    subscribed on Thursday to a daily digest; the real app on a fake clock, Friday 27/11/2026."""
    from bot.app import build_application, polling

    with session_scope(engine) as session:
        _import(
            session,
            "cb.csv",
            "Mã cán bộ,Họ và tên,Đơn vị,Vai trò,Telegram ID,Cấp trên\n"
            f"LD01,Phạm Quốc Hùng,Sở Nội vụ,lãnh đạo,{MANAGER},\n"
            "CB01,Nguyễn Thị Lan,Sở Nội vụ > Phòng CCHC,cán bộ,1001,LD01\n"
            "CB02,Lê Văn Nam,Sở Nội vụ > Phòng CCHC,cán bộ,1002,LD01\n"
            "CB03,Trần Thị Hoa,Sở Nội vụ > Phòng CCHC,cán bộ,1003,LD01\n",
        )
        _import(
            session,
            "nv.csv",
            "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,"
            "Kết quả cần đạt\n"
            "NV1,Khảo sát SIPAS,CB01,LD01,30/11/2026,Báo cáo khảo sát\n"
            "NV2,Niêm yết TTHC,CB02,LD01,30/11/2026,Bảng niêm yết\n"
            "NV3,Số hóa hồ sơ,CB03,LD01,30/11/2026,Hồ sơ số hóa\n",
        )
        for task in session.exec(select(Task)).all():
            task.created_at = datetime(2026, 11, 1, tzinfo=UTC)
            task.last_report_at = datetime(2026, 11, 26, tzinfo=UTC)
    clock = Clock(datetime(2026, 11, 26, 10, tzinfo=TZ))  # Thursday
    _scanned_through(engine, date(2026, 11, 26))
    test_settings = settings.model_copy(
        update={"telegram_api_base_url": emulator.base_url, "telegram_api_file_url": emulator.base_file_url}
    )
    application = build_application(
        test_settings, engine=engine, token=emulator.token, rate_limiter=False, clock=clock, schedule_reminders=False
    )
    async with polling(application, timeout=1):
        fast = Pacer(per_second=10_000, per_chat_interval=0)
        cycle = ReminderCycle(
            engine,
            application.bot,
            ScanConfig.from_settings(test_settings),
            clock=clock,
            dispatcher=Dispatcher(engine, application.bot, clock=clock, pacer=fast),
            exports=application.bot_data.exports,
        )
        for chat_id, name in ((MANAGER, "Hùng"), (ADMIN_ID, "Minh")):  # the manager's digest is subscription #1
            answer = await emulator.chat(emulator.user(chat_id, name)).say("/dangkytonghop hằng ngày 08:00")
            assert "08:00" in answer.plain_text
        clock.moment = datetime(2026, 11, 27, 9, tzinfo=TZ)  # Friday: both digests due, reminders 3 days ahead
        yield cycle, clock, emulator, engine


def _digests(emu, chat_id: int) -> list:
    return [m for m in _to(emu, chat_id) if "Tổng hợp" in (m.plain_text or "")]


@pytest.mark.parametrize("where", ["policy", "message"])
async def test_a_failing_task_and_digest_are_reported_once_and_retried_until_they_go_out(world, monkeypatch, where):
    """NV2's reminders and the manager's digest fail (a bug meeting odd data, injected here):
    everything else goes out, the admins hear of each once, with its code and the reason, and
    both are tried every cycle; once the fault is gone, they go out, NV2's missed days folded."""
    import reminders.ranking
    import reminders.scan

    cycle, clock, emu, engine = world
    broken = {"on": True}
    with session_scope(engine) as session:
        nv2 = task_by_code(session=session, code="NV2").id
    real_due, real_message, real_chart = (
        reminders.scan.due_between,
        reminders.scan.reminder_message,
        reminders.ranking.progress_chart,
    )

    def due_between(task, *args, **kwargs):
        if broken["on"] and where == "policy" and task.id == nv2:
            raise OverflowError("date value out of range")
        return real_due(task, *args, **kwargs)

    def reminder_message(task, *args, **kwargs):
        if broken["on"] and where == "message" and task.code == "NV2":
            raise ValueError("không dựng được lời nhắc")
        return real_message(task, *args, **kwargs)

    def progress_chart(scores, *, title):
        if broken["on"] and "Phạm Quốc Hùng" in title:
            raise ValueError("Expected end of text, found '$'")
        return real_chart(scores, title=title)

    monkeypatch.setattr(reminders.scan, "due_between", due_between)
    monkeypatch.setattr(reminders.scan, "reminder_message", reminder_message)
    monkeypatch.setattr(reminders.ranking, "progress_chart", progress_chart)

    first = await cycle.run()
    assert first.scan.failed == 2
    assert len(_to(emu, 1001)) == 1 and len(_to(emu, 1003)) == 1 and _to(emu, 1002) == []
    assert _digests(emu, ADMIN_ID) and not _digests(emu, MANAGER)
    alerts = _alerts(emu)
    assert len(alerts) == 2
    (task_alert,) = [m.plain_text for m in alerts if "lời nhắc của nhiệm vụ NV2" in m.plain_text]
    assert (
        "OverflowError: date value out of range" if where == "policy" else "ValueError: không dựng được lời nhắc"
    ) in task_alert
    (digest_alert,) = [m.plain_text for m in alerts if "chưa lập được bản tổng hợp #1" in m.plain_text]
    assert "LD01" in digest_alert and f"chat {MANAGER}" in digest_alert and "Expected end of text" in digest_alert

    for moment in (datetime(2026, 11, 27, 9, 1, tzinfo=TZ), datetime(2026, 11, 30, 9, tzinfo=TZ)):
        clock.moment = moment  # a minute later, then Monday: tried again, not reported again
        assert (await cycle.run()).scan.failed == 2
    assert len(_alerts(emu)) == 2 and _to(emu, 1002) == [] and not _digests(emu, MANAGER)
    with session_scope(engine) as session:
        assert sorted((f.kind, f.code[:3], f.attempts) for f in session.exec(select(ScanFailure))) == [
            ("digest", "#1 ", 3),
            ("task", "NV2", 3),
        ]

    broken["on"] = False
    clock.moment = datetime(2026, 11, 30, 9, 1, tzinfo=TZ)
    fixed = await cycle.run()
    assert fixed.scan.failed == 0
    (late,) = _to(emu, 1002)  # Friday's reminder and Monday's, in one message
    assert "NV2" in late.plain_text and "hôm nay" in late.plain_text and "Gộp 2 lời nhắc" in late.plain_text
    assert len(_digests(emu, MANAGER)) == 1
    assert len(_alerts(emu)) == 2
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(ScanFailure)).one() == 0
    await cycle.run()
    assert len(_to(emu, 1002)) == 1 and len(_digests(emu, MANAGER)) == 1  # each once


async def test_a_failing_item_reported_to_the_admins_once_across_processes(world, monkeypatch):
    """Two processes scanning the same database: one report to the admins, not one per process."""
    import reminders.scan

    cycle, clock, emu, engine = world
    real = reminders.scan.reminder_message

    def reminder_message(task, *args, **kwargs):
        if task.code == "NV2":
            raise ValueError("hỏng")
        return real(task, *args, **kwargs)

    monkeypatch.setattr(reminders.scan, "reminder_message", reminder_message)
    other = ReminderCycle(
        engine,
        cycle.dispatcher.bot,
        cycle.config,
        clock=clock,
        dispatcher=Dispatcher(
            engine, cycle.dispatcher.bot, clock=clock, pacer=Pacer(per_second=10_000, per_chat_interval=0)
        ),
    )
    await asyncio.gather(cycle.run(), other.run())
    clock.moment += timedelta(minutes=1)
    await asyncio.gather(cycle.run(), other.run())
    assert len(_alerts(emu)) == 1 and len(_to(emu, 1001)) == 1 and len(_to(emu, 1003)) == 1


async def test_queued_messages_go_out_while_the_scan_runs_and_when_it_fails(world, monkeypatch):
    import reminders.cycle

    cycle, clock, emu, engine = world
    real_scan = reminders.cycle.scan_all
    release = threading.Event()

    def slow_scan(*args, **kwargs):
        if not release.wait(timeout=60):
            raise TimeoutError("the test never let the scan go")
        return real_scan(*args, **kwargs)

    def queue(key: str, text: str) -> None:
        with session_scope(engine) as session:
            session.add(Outbox(key=key, kind="reminder", chat_id=1001, text=text, not_before=clock()))

    monkeypatch.setattr(reminders.cycle, "scan_all", slow_scan)
    queue("queued-1", "Tin đã xếp hàng trước lượt quét")
    running = asyncio.ensure_future(cycle.run())
    try:
        # Sent while the scan is still held: sending does not wait on it.
        await emu.wait_for(lambda m: m.text == "Tin đã xếp hàng trước lượt quét", timeout=20)
        assert not running.done() and cycle.scanning
        queue("queued-2", "Tin xếp hàng trong lúc quét")
        meanwhile = await cycle.run()  # the scheduler's next tick: sends, does not scan
        assert meanwhile.scan is None
        await emu.wait_for(lambda m: m.text == "Tin xếp hàng trong lúc quét", timeout=20)
        assert not running.done()
    finally:
        release.set()
    done = await running
    assert done.scan.messages == 3  # NV1..NV3's reminders: the scan did its work in the end
    assert len(_to(emu, 1001)) == 3

    def broken_scan(*args, **kwargs):
        raise RuntimeError("the scan broke")

    monkeypatch.setattr(reminders.cycle, "scan_all", broken_scan)
    queue("queued-3", "Tin vẫn đi dù lượt quét hỏng")
    with pytest.raises(RuntimeError, match="the scan broke"):
        await cycle.run()
    assert any(m.text == "Tin vẫn đi dù lượt quét hỏng" for m in _to(emu, 1001))


# --------------------------------------------------------------------------
# Dates out of bounds, where they are typed
# --------------------------------------------------------------------------


async def test_a_deadline_after_2100_is_refused_in_a_sheet_and_in_commands(tracked):
    from tests.conftest import ADMIN_ID as ADMIN

    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN, "Minh"))
    with session_scope(engine) as session:
        before = task_by_code(session=session, code="NV001").deadline

    sheet = (
        "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt,Mốc tiến độ\n"
        "NV100,Việc mới,CB01,LD01,30/06/2030,Kết quả,\n"
        "NV101,Việc không hạn,CB01,LD01,31/12/9999,Kết quả,\n"
        "NV102,Việc có mốc,CB01,LD01,30/06/2030,Kết quả,01/01/2101: Tổng kết\n"
    )
    refused = (await admin.send_document("nhiem-vu.csv", sheet.encode("utf-8"))).plain_text
    assert "không có gì được ghi" in refused
    assert "Dòng 3 (Thời hạn): ngày «31/12/9999» nằm ngoài khoảng cho phép" in refused
    assert "từ 01/01/2000 đến 31/12/2100" in refused and "hạn thật" in refused
    assert "Dòng 4 (Mốc tiến độ)" in refused and "01/01/2101" in refused
    with session_scope(engine) as session:
        assert task_by_code(session=session, code="NV100") is None

    answer = (await admin.say("/giahan NV001 31/12/9999 chưa có hạn")).plain_text
    assert "Không gia hạn được" in answer and "31/12/9999" in answer and "31/12/2100" in answer
    with session_scope(engine) as session:
        assert task_by_code(session=session, code="NV001").deadline == before

    await admin.say("/themnhiemvu")
    await admin.say("Việc không có hạn")
    await admin.say("CB02")
    assert "4/7" in (await admin.say("LD01")).plain_text  # «Định kỳ?»: a one-off task
    assert "5/7" in (await admin.say("không")).plain_text
    answer = (await admin.say("31/12/9999")).plain_text
    assert "nằm ngoài khoảng cho phép" in answer and "Hãy gõ lại thời hạn" in answer
    assert "6/7" in (await admin.say("15/12/2030")).plain_text


async def test_a_deadline_already_out_of_bounds_can_be_brought_back(tracked):
    from tests.conftest import ADMIN_ID as ADMIN

    _, emu, engine = tracked
    with session_scope(engine) as session:
        task_by_code(session=session, code="NV001").deadline = date(9999, 12, 31)
    admin = emu.chat(emu.user(ADMIN, "Minh"))
    answer = (await admin.say("/giahan NV001 31/12/2030 đặt hạn thật")).plain_text
    assert "31/12/2030" in answer
    with session_scope(engine) as session:
        assert task_by_code(session=session, code="NV001").deadline == date(2030, 12, 31)


def test_a_spreadsheet_date_cell_after_2100_is_refused_with_its_row(engine):
    """An XLSX date cell (not text) of 31/12/9999, and a start date of 1999: the row and the reason."""
    import io

    import openpyxl

    from tracking.sheets import SheetError

    with session_scope(engine) as session:
        _import(session, "cb.csv", "Mã cán bộ,Họ và tên,Đơn vị,Vai trò\nCB01,Nguyễn Thị Lan,Sở Nội vụ,cán bộ\n")
    book = openpyxl.Workbook()
    for row in (
        [
            "Mã nhiệm vụ",
            "Nhiệm vụ",
            "Người thực hiện",
            "Người chịu trách nhiệm",
            "Thời hạn",
            "Kết quả cần đạt",
            "Ngày bắt đầu",
        ],
        ["NV1", "Việc", "CB01", "CB01", datetime(2026, 6, 30), "Kết quả", None],
        ["NV2", "Việc không hạn", "CB01", "CB01", datetime(9999, 12, 31), "Kết quả", None],
        ["NV3", "Việc cũ", "CB01", "CB01", datetime(2026, 6, 30), "Kết quả", datetime(1999, 1, 1)],
    ):
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    with session_scope(engine) as session, pytest.raises(SheetError) as refused:
        import_sheet(session=session, file_name="nv.xlsx", data=data.getvalue(), actor=None, actor_name="test")
    assert refused.value.errors == [
        "Dòng 3 (Thời hạn): ngày «31/12/9999» nằm ngoài khoảng cho phép: chỉ nhận ngày từ 01/01/2000 đến "
        "31/12/2100; nếu chưa có hạn cụ thể, hãy ghi một hạn thật (ví dụ cuối năm nay) rồi gia hạn khi cần.",
        "Dòng 4 (Ngày bắt đầu): ngày «01/01/1999» nằm ngoài khoảng cho phép: chỉ nhận ngày từ 01/01/2000 đến "
        "31/12/2100.",
    ]
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Task)).one() == 0
