"""Monthly and quarterly digests: subscribing (with or without diacritics, a bad day refused with an
example), when each goes out (the day of the month, a day the month lacks → its last day, the first
month of a quarter), exactly once a period, and what it compares (tasks finished, on time, overdue,
reports, milestones: this period against the previous one), with its chart and workbook; through the
real bot and the emulator on the injected clock."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlmodel import select

from reminders import periodic
from reminders.scan import SCANNED_THROUGH, period_due
from storage.db import session_scope
from storage.models import AppState, Milestone, Subscription
from storage.tracking import task_by_code
from tests.conftest import MANAGER_ID, OFFICER_ID, STRANGER_ID
from tests.data import TZ
from tests.people import bot_cycle


def sub(
    frequency: str,
    month_day: int = 1,
    at: str = "08:00",
    last: str = "",
    created: datetime = datetime(2025, 1, 1, tzinfo=UTC),
) -> Subscription:
    return Subscription(
        chat_id=1, frequency=frequency, month_day=month_day, at_time=at, last_period=last, created_at=created
    )


def at(day: date, hour: int = 8, minute: int = 30) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


# --------------------------------------------------------------------------
# When
# --------------------------------------------------------------------------


def test_monthly_goes_out_on_its_day_at_its_time_once_a_month():
    monthly = sub("monthly")
    assert period_due(monthly, at(date(2026, 12, 1)), TZ) == "2026-12"
    assert period_due(monthly, at(date(2026, 12, 1), 7, 59), TZ) == "2026-11"  # not yet: last month's
    assert period_due(sub("monthly", last="2026-12"), at(date(2026, 12, 20)), TZ) is None
    assert period_due(sub("monthly", last="2026-11"), at(date(2026, 12, 20)), TZ) == "2026-12"
    assert period_due(sub("monthly", last="2026-12"), at(date(2027, 1, 1)), TZ) == "2027-01"


def test_a_day_the_month_lacks_is_its_last_day():
    assert periodic.sending_day(sub("monthly", 31), 2026, 11) == date(2026, 11, 30)
    assert periodic.sending_day(sub("monthly", 31), 2027, 2) == date(2027, 2, 28)
    assert periodic.sending_day(sub("monthly", 30), 2028, 2) == date(2028, 2, 29)  # a leap year
    day31 = sub("monthly", 31, last="2026-10")
    assert period_due(day31, at(date(2026, 11, 29)), TZ) is None
    assert period_due(day31, at(date(2026, 11, 30)), TZ) == "2026-11"


def test_quarterly_goes_out_in_the_first_month_of_each_quarter():
    quarterly = sub("quarter", 5, last="2026-Q3")
    assert period_due(quarterly, at(date(2026, 10, 4)), TZ) is None
    assert period_due(quarterly, at(date(2026, 10, 5)), TZ) == "2026-Q4"
    assert period_due(sub("quarter", 5, last="2026-Q4"), at(date(2026, 12, 31)), TZ) is None
    assert period_due(sub("quarter", 5, last="2026-Q4"), at(date(2027, 1, 5)), TZ) == "2027-Q1"


def test_a_new_subscription_waits_for_its_first_time():
    fresh = sub("monthly", created=at(date(2026, 12, 1), 9))
    assert period_due(fresh, at(date(2026, 12, 15)), TZ) is None
    assert period_due(fresh, at(date(2027, 1, 1)), TZ) == "2027-01"
    changed = sub("monthly", last="2026-W49", created=at(date(2026, 11, 20)))  # was weekly
    assert period_due(changed, at(date(2026, 12, 1)), TZ) == "2026-12"


def test_the_period_covered_and_the_one_before():
    this, before = periodic.spans(sub("monthly"), "2026-12")
    assert (this.first, this.last, before.first, before.last) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    this, before = periodic.spans(sub("quarter"), "2027-Q1")
    assert (this.first, this.last, before.first, before.last) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
        date(2026, 7, 1),
        date(2026, 9, 30),
    )
    this, _ = periodic.spans(sub("monthly", 31), "2026-12")  # sent 31/12, the one before 30/11
    assert (this.first, this.last) == (date(2026, 11, 30), date(2026, 12, 30))


# --------------------------------------------------------------------------
# Through the bot
# --------------------------------------------------------------------------


@pytest.fixture
async def world(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = bot_cycle(application, engine, exports=application.bot_data.exports)
    yield cycle, clock, emu, engine


async def digests(cycle, clock, emu, moment: datetime, chat_id: int = MANAGER_ID) -> tuple[int, list]:
    """Run the cycle at ``moment`` (its reminders marked as scanned: only digests here); the digests
    queued and the messages ``chat_id`` got."""
    clock.at = moment
    mark = emu.mark()
    result = await cycle.run()
    return result.scan.digests, [m for m in emu.sent[mark:] if m.chat_id == chat_id and m.method.startswith("send")]


def skip_reminders(engine, through: date) -> None:
    with session_scope(engine) as session:
        session.merge(AppState(key=SCANNED_THROUGH, value=through.isoformat()))


def history(engine) -> None:
    """March 2026 in the manager's scope (NV001, NV002, NV003, NV006): NV001 done on time (12/03, due
    13/03), NV002 done late (25/03, due 20/03), NV003 open and overdue since 05/03; a milestone of NV002
    due 18/03, done. February: NV006 done on time (20/02). CB02's report on NV003 is of 26/02."""
    with session_scope(engine) as session:
        for code, when in (
            ("NV001", at(date(2026, 3, 12), 10)),
            ("NV002", at(date(2026, 3, 25), 10)),
            ("NV006", at(date(2026, 2, 20), 10)),
        ):
            task = task_by_code(session=session, code=code)
            task.status, task.progress, task.done_at = "done", 100, when
        session.add(
            Milestone(
                task_id=task_by_code(session=session, code="NV002").id,
                title="Dự thảo",
                due_date=date(2026, 3, 18),
                done=True,
                progress=100,
                done_at=at(date(2026, 3, 17)),
            )
        )


def text_of(messages) -> str:
    return "\n".join(m.plain_text or m.caption or "" for m in messages)


async def test_monthly_digest_compares_with_the_month_before_once_a_month(world):
    cycle, clock, emu, engine = world
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    answer = await manager.say("/dangkytonghop hằng tháng ngày 1 08:00")
    assert "hằng tháng vào ngày 1 lúc 08:00" in answer.plain_text and "so sánh với tháng trước" in answer.plain_text
    assert "Đã ghi báo cáo" in (await officer.say("/baocao NV001 30 đã khảo sát")).plain_text  # two reports
    assert "Đã ghi báo cáo" in (await officer.say("/baocao NV002 20")).plain_text  # in March
    history(engine)
    skip_reminders(engine, date(2026, 6, 30))

    assert (await digests(cycle, clock, emu, at(date(2026, 3, 31), 23)))[0] == 0
    count, sent = await digests(cycle, clock, emu, at(date(2026, 4, 1), 8, 1))
    assert count == 1
    text = text_of(sent)
    assert "📅 Tháng 3/2026 so với tháng 2/2026" in text
    assert "✅ Hoàn thành: 2 (▲ 1; kỳ trước 1)" in text
    assert "⏱ Hoàn thành đúng hạn: 1 (= 0; kỳ trước 1)" in text
    assert "🔴 Quá hạn (cuối kỳ): 1 (▲ 1; kỳ trước 0)" in text  # NV003; nothing existed yet in February
    assert "📝 Báo cáo đã gửi: 2 (▲ 1; kỳ trước 1)" in text
    assert "📍 Mốc đến hạn trong kỳ: 1, đã xong 1 (kỳ trước 0, đã xong 0)" in text
    assert any(m.photo is not None and m.photo[:4] == b"\x89PNG" for m in sent)  # the chart
    (workbook,) = [m for m in sent if m.document is not None]
    assert workbook.file_name.endswith(".xlsx") and "tổng hợp hằng tháng" in (workbook.caption or "")
    rows = openpyxl.load_workbook(io.BytesIO(workbook.document)).worksheets[0].iter_rows(min_row=2, values_only=True)
    assert sorted(row[0] for row in rows) == ["NV001", "NV002", "NV003", "NV006"]

    assert (await digests(cycle, clock, emu, at(date(2026, 4, 1), 17)))[0] == 0  # once
    assert (await digests(cycle, clock, emu, at(date(2026, 4, 30), 23)))[0] == 0
    count, sent = await digests(cycle, clock, emu, at(date(2026, 5, 1), 9))
    assert count == 1
    text = text_of(sent)
    assert "📅 Tháng 4/2026 so với tháng 3/2026" in text
    assert "✅ Hoàn thành: 0 (▼ 2; kỳ trước 2)" in text and "📝 Báo cáo đã gửi: 0 (▼ 2; kỳ trước 2)" in text
    assert (await digests(cycle, clock, emu, at(date(2026, 5, 2), 9)))[0] == 0
    with session_scope(engine) as session:
        assert [s.last_period for s in session.exec(select(Subscription))] == ["2026-05"]


async def test_a_day_after_the_months_end_goes_out_on_its_last_day(world):
    cycle, clock, emu, engine = world
    skip_reminders(engine, date(2026, 6, 30))
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    clock.at = at(date(2026, 4, 10))
    answer = await manager.say("/dangkytonghop hang thang ngay 31 17:00")  # without diacritics
    assert "hằng tháng vào ngày 31 lúc 17:00" in answer.plain_text
    assert (await digests(cycle, clock, emu, at(date(2026, 4, 30), 16, 59)))[0] == 0
    count, sent = await digests(cycle, clock, emu, at(date(2026, 4, 30), 17, 1))  # April has 30 days
    assert count == 1 and "📅 31/03/2026 – 29/04/2026 so với 28/02/2026 – 30/03/2026" in text_of(sent)
    assert (await digests(cycle, clock, emu, at(date(2026, 5, 1), 17, 1)))[0] == 0
    assert (await digests(cycle, clock, emu, at(date(2026, 5, 31), 17, 1)))[0] == 1  # May has its 31st


async def test_quarterly_digest_in_the_first_month_of_the_quarter(world):
    cycle, clock, emu, engine = world
    skip_reminders(engine, date(2026, 12, 31))
    history(engine)
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    answer = await manager.say("/dangkytonghop hằng quý 08:00")
    assert "hằng quý vào ngày 1 tháng đầu quý" in answer.plain_text
    count, sent = await digests(cycle, clock, emu, at(date(2026, 4, 1)))
    assert count == 1
    text = text_of(sent)
    assert "📅 Quý 1/2026 so với quý 4/2025" in text
    assert "✅ Hoàn thành: 3 (▲ 3; kỳ trước 0)" in text  # NV006 in February, NV001 and NV002 in March
    assert "📝 Báo cáo đã gửi: 1 (▲ 1; kỳ trước 0)" in text  # CB02's on NV003 (26/02)
    assert any(m.photo is not None and m.photo[:4] == b"\x89PNG" for m in sent)  # the chart
    assert any(m.document is not None for m in sent)
    for day in (date(2026, 5, 1), date(2026, 6, 1), date(2026, 6, 30)):
        assert (await digests(cycle, clock, emu, at(day)))[0] == 0
    count, sent = await digests(cycle, clock, emu, at(date(2026, 7, 1)))
    assert count == 1 and "📅 Quý 2/2026 so với quý 1/2026" in text_of(sent)
    assert (await digests(cycle, clock, emu, at(date(2026, 7, 2))))[0] == 0


async def test_a_bad_schedule_is_refused_with_an_example_and_only_leaders_subscribe(world):
    cycle, clock, emu, engine = world
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    refused = (await manager.say("/dangkytonghop hằng tháng ngày 32 08:00")).plain_text
    assert "Ngày «32» không hợp lệ" in refused and "/dangkytonghop hằng tháng ngày 1 08:00" in refused
    assert "Giờ «25:00» không hợp lệ" in (await manager.say("/dangkytonghop hang quy ngay 1 25:00")).plain_text
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    assert "Chỉ lãnh đạo" in (await officer.say("/dangkytonghop hằng tháng ngày 1 08:00")).plain_text
    stranger = emu.chat(emu.user(STRANGER_ID, "Ai"))
    assert "chưa được gắn" in (await stranger.say("/dangkytonghop hằng quý 08:00")).plain_text
    with session_scope(engine) as session:
        assert session.exec(select(Subscription)).all() == []
    # A weekly subscription changed to monthly starts afresh: its first monthly digest at its next time.
    assert "Đã đăng ký" in (await manager.say("/dangkytonghop hằng tuần thứ 2 08:00")).plain_text
    skip_reminders(engine, date(2026, 6, 30))
    assert (await digests(cycle, clock, emu, at(date(2026, 3, 16), 9)))[0] == 1  # Monday: the weekly one
    clock.at = at(date(2026, 3, 17))
    assert "hằng tháng" in (await manager.say("/dangkytonghop hằng tháng ngày 1 08:00")).plain_text
    assert (await digests(cycle, clock, emu, at(date(2026, 3, 23), 9)))[0] == 0  # no weekly one any more
    assert (await digests(cycle, clock, emu, at(date(2026, 4, 1), 9)))[0] == 1
