"""The office's calendar end to end: admins add make-up working days and days off (by command and by
sheet), everyone lists the year, and every working-day computation of the reminder cycle uses them;
reminders wait for working hours. The bot runs on the injected clock (``tests.data.Clock``) and
each reminder cycle is run by hand, as the scheduler would, day by day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from reminders.calendar import OfficeCalendar
from reminders.cycle import ReminderCycle
from reminders.dispatch import Dispatcher, Pacer
from reminders.hours import WorkHours, parse_work_hours
from reminders.scan import SCANNED_THROUGH, ScanConfig
from storage.db import session_scope
from storage.models import OFFICE_DAY_OFF, OFFICE_WORKDAY, AppState, AuditEntry, OfficeDay, Outbox
from storage.tracking import task_by_code
from tests.conftest import ADMIN_ID, MANAGER_ID, OFFICER_ID, STRANGER_ID
from tests.data import TZ

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def cycle_of(application, engine, *, hours: bool = True) -> ReminderCycle:
    """The reminder cycle of the running bot, on its clock, sending at once (working hours held)."""
    settings = application.bot_data.settings
    clock = application.bot_data.clock
    fast = Pacer(per_second=10_000, per_chat_interval=0)
    dispatcher = Dispatcher(
        engine, application.bot, clock=clock, pacer=fast, hours=WorkHours.from_settings(settings) if hours else None
    )
    return ReminderCycle(
        engine, application.bot, ScanConfig.from_settings(settings), clock=clock, dispatcher=dispatcher
    )


def scanned_through(engine, day: date) -> None:
    with session_scope(engine) as session:
        session.merge(AppState(key=SCANNED_THROUGH, value=day.isoformat()))


def move_task(engine, code: str, deadline: date, created: date) -> None:
    with session_scope(engine) as session:
        task = task_by_code(session=session, code=code)
        task.deadline = deadline
        task.created_at = datetime.combine(created, time(8), tzinfo=TZ).astimezone(UTC)


def about(emu, chat_id: int, code: str, since: int = 0) -> list[str]:
    """The texts sent to ``chat_id`` that name task ``code`` (from the ``since``-th message sent)."""
    return [
        m.plain_text
        for m in emu.sent[since:]
        if m.chat_id == chat_id and m.method.startswith("send") and code in (m.plain_text or "")
    ]


async def day_by_day(
    cycle, clock, emu, first: date, last: date, chat_id: int, code: str, hour: int = 9
) -> dict[date, list[str]]:
    """Run the cycle on each day from ``first`` to ``last`` at ``hour``; what ``chat_id`` got about
    ``code`` each day."""
    got: dict[date, list[str]] = {}
    day = first
    while day <= last:
        clock.set(day, hour)
        mark = len(emu.sent)
        await cycle.run()
        texts = about(emu, chat_id, code, mark)
        if texts:
            got[day] = texts
        day += timedelta(days=1)
    return got


# --------------------------------------------------------------------------
# Working hours (pure)
# --------------------------------------------------------------------------


def test_work_hours_are_read_and_bad_ones_refused_with_an_example():
    assert parse_work_hours("07:30-17:00") == (time(7, 30), time(17))
    assert parse_work_hours("00:00-24:00")[1] == time.max
    for bad in ("7h30", "17:00-07:30", "07:30"):
        with pytest.raises(ValueError, match="07:30-17:00"):
            parse_work_hours(bad)


def test_the_next_working_period_skips_evenings_weekends_holidays_and_the_office_days_off():
    calendar = OfficeCalendar()
    hours = WorkHours(time(7, 30), time(17), TZ, calendar)
    friday_evening = datetime(2026, 3, 13, 18, tzinfo=TZ)
    assert not hours.is_open(friday_evening)
    assert hours.next_opening(friday_evening) == datetime(2026, 3, 16, 7, 30, tzinfo=TZ)
    make_up = calendar.with_overrides(working_days={date(2026, 3, 14): "làm bù"})
    assert hours.next_opening(friday_evening, make_up) == datetime(2026, 3, 14, 7, 30, tzinfo=TZ)
    day_off = calendar.with_overrides(days_off={date(2026, 3, 16): "lễ hội"})
    assert hours.next_opening(friday_evening, day_off) == datetime(2026, 3, 17, 7, 30, tzinfo=TZ)
    before_tet = datetime(2026, 2, 13, 17, 0, tzinfo=TZ)  # the end of the last day before Tết
    assert hours.next_opening(before_tet) == datetime(2026, 2, 23, 7, 30, tzinfo=TZ)
    assert hours.is_open(datetime(2026, 3, 10, 7, 30, tzinfo=TZ))


# --------------------------------------------------------------------------
# The commands, from both sides
# --------------------------------------------------------------------------


async def test_admin_adds_lists_and_removes_office_days_and_every_change_is_audited(tracked):
    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    made_up = await admin.say("/ngaylamviec 14/03/2026 làm bù cho ngày 30/4")
    assert "Thứ Bảy 14/03/2026" in made_up.plain_text and "ngày làm việc bù" in made_up.plain_text
    off = await admin.say("/ngaynghi 16/03/2026 lễ hội địa phương")
    assert "Thứ Hai 16/03/2026" in off.plain_text and "ngày nghỉ" in off.plain_text
    listing = await admin.say("/lich")
    text = listing.plain_text
    assert "năm 2026" in text and "Tết Nguyên Đán" in text and "Quốc khánh" in text
    assert "14/03/2026 — 🏢 Làm việc bù: làm bù cho ngày 30/4" in text
    assert "16/03/2026 — 🏠 Cơ quan nghỉ: lễ hội địa phương" in text
    assert text.index("Tết") < text.index("14/03/2026") < text.index("Quốc khánh")  # by date

    removed = await admin.say("/lich xoa 16/03/2026")
    assert "Đã bỏ" in removed.plain_text
    with session_scope(engine) as session:
        assert [(d.day, d.kind) for d in session.exec(select(OfficeDay))] == [(date(2026, 3, 14), OFFICE_WORKDAY)]
        audit = [
            (a.action, a.entity_code, a.new_value)
            for a in session.exec(select(AuditEntry).where(AuditEntry.entity == "office_day").order_by(AuditEntry.id))
        ]
    assert audit == [
        ("calendar_workday", "14/03/2026", "làm việc bù: làm bù cho ngày 30/4"),
        ("calendar_day_off", "16/03/2026", "nghỉ: lễ hội địa phương"),
        ("calendar_remove", "16/03/2026", ""),
    ]

    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    seen = await officer.say("/lich 2026")
    assert "Làm việc bù" in seen.plain_text and "/ngaylamviec" not in seen.plain_text


async def test_bad_input_gets_a_clear_message_with_an_example(tracked):
    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    cases = {
        "/ngaylamviec": "Ví dụ: /ngaylamviec 09/05/2026",
        "/ngaylamviec 31/02/2026": "không có thật",
        "/ngaylamviec mai": "ví dụ 31/12/2026",
        "/ngaylamviec 10/03/2026": "vốn là ngày làm việc",  # a Tuesday: nothing to make up
        "/ngaynghi 15/03/2026 nghỉ": "vốn đã là ngày nghỉ (Chủ nhật)",
        "/ngaynghi 17/02/2026 nghỉ": "Tết Nguyên Đán",
        "/ngaynghi 18/03/2026": "Cần ghi lý do",
        "/lich xoa 18/03/2026": "không có trong lịch riêng",
        "/lich xoa": "/lich xoa 09/05/2026",
        "/lich 20x6": "không phải là một năm",
    }
    for command, expected in cases.items():
        answer = await admin.say(command)
        assert expected in answer.plain_text, (command, answer.plain_text)
    with session_scope(engine) as session:
        assert not session.exec(select(OfficeDay)).all()


async def test_only_admins_change_the_calendar_and_strangers_see_nothing(tracked):
    _, emu, engine = tracked
    for telegram_id in (OFFICER_ID, MANAGER_ID, STRANGER_ID):
        chat = emu.chat(emu.user(telegram_id, "Ai đó"))
        for command in (
            "/ngaylamviec 14/03/2026",
            "/ngaynghi 16/03/2026 lễ hội",
            "/lich xoa 14/03/2026",
            "/ngaylamviec",
        ):
            answer = await chat.say(command)
            assert "Chỉ quản trị viên" in answer.plain_text or "chưa được gắn" in answer.plain_text, command
    stranger = await emu.chat(emu.user(STRANGER_ID, "Khách")).say("/lich")
    assert "chưa được gắn" in stranger.plain_text and "Tết" not in stranger.plain_text
    with session_scope(engine) as session:
        assert not session.exec(select(OfficeDay)).all()


async def test_a_calendar_sheet_is_imported_all_or_nothing_and_audited(tracked):
    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    bad = (
        "Ngày,Loại,Ghi chú\n"
        "09/05/2026,làm việc,Làm bù cho 30/4\n"
        "31/04/2026,nghỉ,Không có ngày này\n"
        "15/06/2026,nghi,\n"
        "16/06/2026,nửa ngày,\n"
        "09/05/2026,lam viec,Lặp lại\n"
    )
    refused = await admin.send_document("lich.csv", bad.encode("utf-8-sig"))
    text = refused.plain_text
    for expected in (
        "Dòng 3 (Ngày)",
        "không có thật",
        "Dòng 4 (Ghi chú): ngày nghỉ cần ghi lý do",
        "Dòng 5 (Loại): «nửa ngày» không phải loại ngày",
        "Dòng 6 (Ngày): ngày 09/05/2026 đã có ở dòng 2",
    ):
        assert expected in text, (expected, text)
    with session_scope(engine) as session:
        assert not session.exec(select(OfficeDay)).all()

    good = (
        "LỊCH LÀM VIỆC 2026\n"
        "Ngày,Loại,Ghi chú\n"
        "09/05/2026,Làm việc,Làm bù cho 30/4\n"
        "15/06/2026,NGHI,Lễ hội địa phương\n"
    )
    done = await admin.send_document("lich.csv", good.encode("utf-8-sig"))
    assert "thêm 2" in done.plain_text, done.plain_text
    again = await admin.send_document("lich.csv", good.replace("Lễ hội địa phương", "Lễ hội đền").encode("utf-8-sig"))
    assert "cập nhật 1" in again.plain_text and "không đổi 1" in again.plain_text
    with session_scope(engine) as session:
        assert [(d.day, d.kind, d.note) for d in session.exec(select(OfficeDay).order_by(OfficeDay.day))] == [
            (date(2026, 5, 9), OFFICE_WORKDAY, "Làm bù cho 30/4"),
            (date(2026, 6, 15), OFFICE_DAY_OFF, "Lễ hội đền"),
        ]
        audit = session.exec(select(AuditEntry).where(AuditEntry.entity == "office_day")).all()
    assert [(a.entity_code, a.old_value, a.new_value) for a in audit] == [
        ("09/05/2026", "", "làm việc bù: Làm bù cho 30/4"),
        ("15/06/2026", "", "nghỉ: Lễ hội địa phương"),
        ("15/06/2026", "nghỉ: Lễ hội địa phương", "nghỉ: Lễ hội đền"),
    ]
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    assert "quản trị" in (await officer.send_document("lich.csv", good.encode("utf-8-sig"))).plain_text


# --------------------------------------------------------------------------
# What the reminder cycle sends
# --------------------------------------------------------------------------


async def test_a_make_up_saturday_gets_reminders(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    move_task(engine, "NV001", date(2026, 3, 14), created=date(2026, 3, 1))  # due on Saturday
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    await admin.say("/ngaylamviec 14/03/2026 làm bù")
    scanned_through(engine, date(2026, 3, 12))
    got = await day_by_day(cycle, clock, emu, date(2026, 3, 13), date(2026, 3, 17), OFFICER_ID, "NV001")
    # The deadline falls on a working day now: its reminder on the Saturday itself, not the Friday;
    # then late by the make-up day too: 1 working day on Monday, 2 (the first overdue nag) on Tuesday.
    assert sorted(got) == [date(2026, 3, 13), date(2026, 3, 14), date(2026, 3, 17)], got
    assert "Còn 1 ngày" in got[date(2026, 3, 13)][0]
    assert "Hạn là hôm nay" in got[date(2026, 3, 14)][0]
    assert "quá hạn 2 ngày làm việc" in got[date(2026, 3, 17)][0]


async def test_without_the_office_day_the_saturday_is_quiet(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    move_task(engine, "NV001", date(2026, 3, 14), created=date(2026, 3, 1))
    scanned_through(engine, date(2026, 3, 12))
    got = await day_by_day(cycle, clock, emu, date(2026, 3, 13), date(2026, 3, 16), OFFICER_ID, "NV001")
    assert sorted(got) == [date(2026, 3, 13)] and "Hạn là hôm nay" in got[date(2026, 3, 13)][0]


async def test_a_local_day_off_moves_a_deadline_reminder_and_an_escalation(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    move_task(engine, "NV001", date(2026, 3, 13), created=date(2026, 3, 1))  # Friday 13/03
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    await admin.say("/ngaynghi 13/03/2026 lễ hội đền")
    await admin.say("/ngaynghi 16/03/2026 nghỉ bù lễ hội")
    scanned_through(engine, date(2026, 3, 10))
    owner = await day_by_day(cycle, clock, emu, date(2026, 3, 11), date(2026, 3, 13), OFFICER_ID, "NV001")
    # The deadline's day is off: its reminder comes the working day before, naming the deadline.
    assert sorted(owner) == [date(2026, 3, 12)]
    assert "Hạn là hôm nay (13/03/2026)" in owner[date(2026, 3, 12)][0]
    leader = await day_by_day(cycle, clock, emu, date(2026, 3, 14), date(2026, 3, 20), MANAGER_ID, "NV001")
    # Three working days late: Tue 17, Wed 18, Thu 19 (Monday 16 is the office's day off).
    assert sorted(leader) == [date(2026, 3, 19)], leader
    assert "quá hạn 3 ngày làm việc" in leader[date(2026, 3, 19)][0]


async def test_tet_and_a_substituted_day_off_push_reminders_and_escalations_past_them(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    move_task(engine, "NV001", date(2026, 2, 17), created=date(2026, 2, 1))  # due on the first day of Tết
    scanned_through(engine, date(2026, 2, 11))
    owner = await day_by_day(cycle, clock, emu, date(2026, 2, 12), date(2026, 2, 22), OFFICER_ID, "NV001")
    assert sorted(owner) == [date(2026, 2, 13)] and "Hạn là hôm nay (17/02/2026)" in owner[date(2026, 2, 13)][0]
    leader = await day_by_day(cycle, clock, emu, date(2026, 2, 23), date(2026, 2, 26), MANAGER_ID, "NV001")
    assert sorted(leader) == [date(2026, 2, 25)]  # Mon 23, Tue 24, Wed 25: three working days after Tết

    move_task(engine, "NV002", date(2026, 8, 28), created=date(2026, 8, 1))
    scanned_through(engine, date(2026, 8, 28))
    # 31/08 is off in exchange for Saturday 22/08, 01-02/09 the national day: escalated Mon 07/09.
    leader = await day_by_day(cycle, clock, emu, date(2026, 8, 29), date(2026, 9, 8), MANAGER_ID, "NV002")
    assert sorted(leader) == [date(2026, 9, 7)], leader
    owner = await day_by_day(cycle, clock, emu, date(2026, 9, 9), date(2026, 9, 9), OFFICER_ID, "NV002")
    assert owner == {}


async def test_reminders_wait_for_working_hours_and_go_at_the_start_of_the_next_period(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    move_task(engine, "NV001", date(2026, 3, 16), created=date(2026, 3, 1))
    scanned_through(engine, date(2026, 3, 12))
    clock.at = datetime(2026, 3, 13, 18, 30, tzinfo=TZ)  # Friday evening: the day's reminders are found
    await cycle.run()
    assert about(emu, OFFICER_ID, "NV001") == []
    with session_scope(engine) as session:
        held = session.exec(select(Outbox).where(Outbox.kind == "reminder", Outbox.status == "pending")).all()
    assert held and any("NV001" in row.text for row in held)
    for moment in (datetime(2026, 3, 14, 9, tzinfo=TZ), datetime(2026, 3, 16, 7, 29, tzinfo=TZ)):
        clock.at = moment  # the weekend, and Monday before the office opens
        await cycle.run()
        assert about(emu, OFFICER_ID, "NV001") == [], moment
    clock.at = datetime(2026, 3, 16, 7, 30, tzinfo=TZ)
    await cycle.run()
    sent = about(emu, OFFICER_ID, "NV001")
    assert len(sent) == 1 and "Còn 3 ngày" in sent[0]  # Friday's reminder, as it was written


async def test_a_make_up_saturday_is_a_working_period_for_held_reminders(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    move_task(engine, "NV001", date(2026, 3, 16), created=date(2026, 3, 1))
    await emu.chat(emu.user(ADMIN_ID, "Minh")).say("/ngaylamviec 14/03/2026 làm bù")
    scanned_through(engine, date(2026, 3, 12))
    clock.at = datetime(2026, 3, 13, 18, 30, tzinfo=TZ)
    await cycle.run()
    assert about(emu, OFFICER_ID, "NV001") == []
    clock.at = datetime(2026, 3, 14, 7, 45, tzinfo=TZ)
    await cycle.run()
    assert len(about(emu, OFFICER_ID, "NV001")) >= 1


async def test_answers_and_digests_are_not_held(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    clock.at = datetime(2026, 3, 10, 21, tzinfo=TZ)
    answer = await emu.chat(emu.user(OFFICER_ID, "Lan")).say("/baocao NV001 50 tối vẫn làm")
    assert "50%" in answer.plain_text  # an answer to one's own action goes at once
    with session_scope(engine) as session:
        session.add(Outbox(key="d:test", kind="digest", chat_id=MANAGER_ID, text="Tổng hợp tối", not_before=clock.at))
    await cycle.run()
    assert [m.plain_text for m in emu.sent if m.chat_id == MANAGER_ID and m.plain_text == "Tổng hợp tối"]


def test_office_days_kinds_are_the_models():
    assert {OFFICE_WORKDAY, OFFICE_DAY_OFF} == {"work", "off"}
