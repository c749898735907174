"""Reminders and digests end to end, with an injected clock: the cycle scans the
database, folds missed reminders, sends through the emulator within limits,
survives 429/5xx/403 and a sender killed mid-dispatch, and sends digests."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlmodel import func, select

from reminders.cycle import ReminderCycle
from reminders.dispatch import LEASE, Dispatcher, Pacer
from reminders.scan import SCANNED_THROUGH, ScanConfig
from storage import outbox as box
from storage.db import session_scope
from storage.models import AppState, Outbox, Reminder, Staff
from storage.tracking import staff_by_code, task_by_code
from tracking.sheets import import_sheet

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OFFICER, MANAGER = 1001, 5001


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, day: date, hour: int = 9) -> None:
        self.moment = datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _import(session, name: str, text: str) -> None:
    import_sheet(session=session, file_name=name, data=text.encode("utf-8"), actor=None, actor_name="test")


@pytest.fixture
async def world(settings, engine, emulator):
    """Three people, three tasks with fixed dates, the real app on a fake clock."""
    from bot.app import build_application, polling

    clock = Clock(datetime(2026, 11, 27, 9, tzinfo=TZ))  # a Friday
    with session_scope(engine) as session:
        _import(
            session,
            "cb.csv",
            "Mã cán bộ,Họ và tên,Đơn vị,Vai trò,Telegram ID,Cấp trên\n"
            "LD01,Phạm Quốc Hùng,Sở Nội vụ > Phòng CCHC,lãnh đạo,5001,\n"
            "CB01,Nguyễn Thị Lan,Sở Nội vụ > Phòng CCHC,cán bộ,1001,LD01\n"
            "CB02,Lê Văn Nam,Sở Nội vụ > Phòng CCHC,cán bộ,,LD01\n",
        )
        _import(
            session,
            "nv.csv",
            "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt\n"
            "NV1,Khảo sát SIPAS,CB01,LD01,30/11/2026,Báo cáo khảo sát\n"
            "NV2,Niêm yết TTHC,CB01,LD01,20/11/2026,Bảng niêm yết\n"
            "NV3,Số hóa hồ sơ,CB02,LD01,20/11/2026,Hồ sơ số hóa\n",
        )
        for task in ("NV1", "NV2", "NV3"):
            task_by_code(session=session, code=task).created_at = datetime(2026, 11, 1, tzinfo=UTC)
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


def _scanned_through(engine, day: date) -> None:
    with session_scope(engine) as session:
        session.merge(AppState(key=SCANNED_THROUGH, value=day.isoformat()))


def _to(emu, chat_id: int):
    return [m for m in emu.sent if m.chat_id == chat_id and m.method.startswith("send")]


async def test_catch_up_folds_missed_reminders_and_sends_each_once(world):
    cycle, clock, emu, engine = world
    _scanned_through(engine, date(2026, 11, 20))  # down for a week
    result = await cycle.run()
    assert result.dispatch.sent == 4 and result.dispatch.failed == 0
    officer = _to(emu, OFFICER)
    assert sorted(m.plain_text.split("\n")[0] for m in officer) == [
        "🔔 Nhắc việc: NV1 · Khảo sát SIPAS",
        "🔔 Nhắc việc: NV2 · Niêm yết TTHC",
    ]
    late = next(m for m in officer if "NV2" in m.plain_text)
    assert "Đã quá hạn" in late.plain_text and "Gộp" in late.plain_text
    assert [label for label, _ in late.buttons()] == ["📝 Báo cáo tiến độ", "⏰ Nhắc tôi ngày mai", "✅ Đã xong"]
    escalations = sorted(m.plain_text for m in _to(emu, MANAGER))
    assert len(escalations) == 2 and all("Báo cáo lãnh đạo" in text for text in escalations)
    assert "NV2" in escalations[0] and "NV3" in escalations[1] and "Lê Văn Nam" in escalations[1]
    with session_scope(engine) as session:
        # CB02 has no Telegram account: recorded, not sent, and marked unreachable for the digest.
        assert staff_by_code(session=session, code="CB02").unreachable_since is not None
        recorded = session.exec(select(func.count()).select_from(Reminder)).one()

    again = await cycle.run()
    assert again.scan.messages == 0 and again.dispatch.sent == 0
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Reminder)).one() == recorded

    clock.set(date(2026, 11, 30))  # Monday: NV1 is due today
    await cycle.run()
    due = _to(emu, OFFICER)[-2:]
    assert any("hôm nay" in m.plain_text and "NV1" in m.plain_text for m in due)


async def test_nothing_before_the_reminder_time(world):
    cycle, clock, emu, engine = world
    clock.moment = datetime(2026, 11, 30, 7, tzinfo=TZ)  # Monday 07:00: Monday's reminders wait for 08:00
    _scanned_through(engine, date(2026, 11, 29))
    assert (await cycle.run()).scan.messages == 0
    clock.moment = datetime(2026, 11, 30, 8, 1, tzinfo=TZ)
    assert (await cycle.run()).scan.messages >= 1


async def test_rate_limits_server_errors_and_blocked_users(world):
    cycle, clock, emu, engine = world
    _scanned_through(engine, date(2026, 11, 20))
    faults = iter([{"status": 429, "retry_after": 5}, {"status": 502}])

    def fault(method, params):
        if method.lower() == "sendmessage" and int(params.get("chat_id", 0)) == OFFICER:
            return next(faults, None)
        return None

    emu.fault = fault
    emu.blocked_chats.add(MANAGER)
    first = await cycle.run()
    assert first.dispatch.rate_limited == 1 and first.dispatch.retried == 1 and first.dispatch.unreachable == 2
    assert len(_to(emu, OFFICER)) == 0
    with session_scope(engine) as session:
        assert staff_by_code(session=session, code="LD01").unreachable_since is not None
        assert box.counts(session=session) == {"pending": 2, "unreachable": 2}
    clock.moment += timedelta(seconds=2)  # the 5xx backoff (1 s) has passed, the 429 (5 s) not yet
    assert (await cycle.run()).dispatch.sent == 1
    clock.moment += timedelta(seconds=5)
    assert (await cycle.run()).dispatch.sent == 1
    assert len(_to(emu, OFFICER)) == 2
    with session_scope(engine) as session:
        assert box.counts(session=session) == {"sent": 2, "unreachable": 2}


async def test_a_sender_killed_mid_dispatch_loses_nothing(world):
    cycle, clock, emu, engine = world
    _scanned_through(engine, date(2026, 11, 20))
    cycle.scan_now()
    with session_scope(engine) as session:
        claimed = box.claim(session=session, token="dead-process", now=clock(), limit=100)
    assert len(claimed) == 4
    # The dead process had sent the first message but died before marking it.
    in_flight = claimed[0]
    await cycle.dispatcher.bot.send_message(in_flight.chat_id, in_flight.text)
    assert (await cycle.dispatcher.run_once()).sent == 0  # still leased to the dead process
    clock.moment += LEASE + timedelta(seconds=1)
    stats = await cycle.dispatcher.run_once()
    assert stats.released == 4 and stats.sent == 4
    texts = [m.text for m in emu.sent if m.method == "sendMessage"]
    for row in claimed:
        assert texts.count(row.text) == (2 if row.id == in_flight.id else 1)


async def test_reminder_buttons(world):
    cycle, clock, emu, engine = world
    _scanned_through(engine, date(2026, 11, 20))
    await cycle.run()
    officer = emu.chat(emu.user(OFFICER, "Lan"))
    soon = next(m for m in _to(emu, OFFICER) if "NV1" in m.plain_text)
    snoozed = await officer.click(soon, "Nhắc tôi ngày mai")
    assert "28/11/2026" in snoozed.plain_text
    late = next(m for m in _to(emu, OFFICER) if "NV2" in m.plain_text)
    card = await officer.click(late, "Báo cáo tiến độ")
    assert "NV2" in card.plain_text and ("50%", card.button_data("50%")[:2]) == ("50%", "p:")
    ask = await officer.click(late, "Đã xong")  # asks first; «Đúng, đã xong» is the 100% report
    assert "Xác nhận đã xong" in ask.plain_text
    done = await officer.click(ask, "Đúng, đã xong")
    assert "100%" in done.plain_text
    with session_scope(engine) as session:
        assert task_by_code(session=session, code="NV1").snoozed_until == date(2026, 11, 28)
        assert task_by_code(session=session, code="NV2").status == "review"  # awaits its leader's confirmation
    # Another person's reminder button is refused.
    mark = emu.mark()
    emu.press_button(emu.user(1002, "Ai"), soon, soon.button_data("Đã xong"))
    refused = await emu.wait_for(lambda m: "⛔" in (m.plain_text or ""), after=mark)
    assert "NV1" not in refused.plain_text
    with session_scope(engine) as session:
        assert task_by_code(session=session, code="NV1").status != "done"


@pytest.mark.parametrize("worker", [True, False], ids=["export-worker", "in-process"])
async def test_digest_subscription_arrives_on_schedule_with_its_chart(world, worker):
    cycle, clock, emu, engine = world
    if not worker:
        cycle.exports = None  # as with EXPORT_WORKERS=0: the workbook's scan gathers the digest
    _scanned_through(engine, date(2026, 11, 27))
    manager = emu.chat(emu.user(MANAGER, "Hùng"))
    clock.moment = datetime(2026, 11, 27, 10, tzinfo=TZ)
    answer = await manager.say("/dangkytonghop hằng tuần thứ 6 16:30")
    assert "thứ Sáu lúc 16:30" in answer.plain_text
    assert (await cycle.run()).scan.digests == 0  # not yet 16:30
    clock.moment = datetime(2026, 11, 27, 16, 31, tzinfo=TZ)
    result = await cycle.run()
    assert result.scan.digests == 1
    sent = _to(emu, MANAGER)
    assert any("Tổng hợp" in (m.plain_text or "") and "Xếp hạng đơn vị" in (m.plain_text or "") for m in sent)
    assert any(m.photo is not None and m.photo[:4] == b"\x89PNG" for m in sent)
    (workbook,) = [m.document for m in sent if m.document is not None and (m.file_name or "").endswith(".xlsx")]
    rows = openpyxl.load_workbook(io.BytesIO(workbook)).worksheets[0].iter_rows(min_row=2, values_only=True)
    assert sorted(row[0] for row in rows) == ["NV1", "NV2", "NV3"]
    assert (cycle.exports is not None and cycle.exports.running) is worker
    assert (await cycle.run()).scan.digests == 0  # once per week
    clock.moment += timedelta(days=7)
    await cycle.run()
    assert any("So với lần trước" in (m.plain_text or "") for m in _to(emu, MANAGER))
    officer = emu.chat(emu.user(OFFICER, "Lan"))
    assert "Chỉ lãnh đạo" in (await officer.say("/dangkytonghop")).plain_text


def test_pacer_keeps_telegrams_limits():
    now = [0.0]
    pacer = Pacer(clock=lambda: now[0])
    times = [pacer.reserve(chat) for chat in range(1, 91)]
    assert times[-1] == pytest.approx(89 / 30)  # 30 a second overall
    same = [pacer.reserve(7) for _ in range(3)]
    assert same[1] - same[0] >= 1.0 and same[2] - same[1] >= 1.0  # one a second per chat
    group = [pacer.reserve(-100) for _ in range(21)]
    assert group[20] - group[0] >= 60.0  # 20 a minute per group
    pacer.hold(10)
    assert pacer.reserve(5) >= 10.0


def test_outbox_keys_are_unique(engine):
    with session_scope(engine) as session:
        assert box.enqueue(session=session, row=Outbox(key="k1", kind="reminder", chat_id=1, text="a"))
        assert not box.enqueue(session=session, row=Outbox(key="k1", kind="reminder", chat_id=1, text="a"))
        assert session.exec(select(func.count()).select_from(Outbox)).one() == 1
        assert session.exec(select(func.count()).select_from(Staff)).one() == 0
