"""Periodic reports end to end: a quarterly report imported from a task sheet makes this quarter's
instance, reminds on schedule, shows the leader who has and has not submitted, and makes the next
quarter's instance when it begins; a series made mid-period with /themnhiemvu; a rule changed with
/dinhky taking effect from the next period, and so a new title or owner; ending a series; month ends (the 31st, February in common
and leap years, a holiday) through the whole path. On the injected clock, cycles run by hand."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from storage.db import session_scope
from storage.models import STATUS_DONE, AuditEntry, Staff, Task, TaskSeries
from tests.conftest import (
    ADMIN_ID,
    MANAGER_ID,
    OFFICER2_ID,
    OFFICER_ID,
    STRANGER_ID,
    WARD_MANAGER_ID,
    WARD_OFFICER_ID,
)
from tests.people import task_of
from tests.test_office_calendar import about, cycle_of, day_by_day, scanned_through
from tracking.series import period_from_key

HEADER = "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt,Định kỳ\n"
QUARTERLY = (
    HEADER
    + "BCQ-P,Báo cáo kết quả CCHC quý,CB01,LD01,,Báo cáo gửi Sở Nội vụ,hằng quý ngày 15 tháng cuối quý\n"
    + "BCQ-W,Báo cáo kết quả CCHC quý,CB03,LD02,,Báo cáo gửi Sở Nội vụ,hang quy ngay 15 thang cuoi quy\n"
)


def instances(engine, series_code: str) -> list[tuple[str, date, str]]:
    """(code, deadline, period key) of a series' instances, by deadline."""
    with session_scope(engine) as session:
        series = session.exec(select(TaskSeries).where(TaskSeries.code == series_code)).one()
        tasks = session.exec(select(Task).where(Task.series_id == series.id).order_by(Task.deadline)).all()
        return [(t.code, t.deadline, t.period_key) for t in tasks]


def audits(engine, code: str) -> list[tuple[str, str, str]]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity == "task_series", AuditEntry.entity_code == code)
            .order_by(AuditEntry.id)
        )
        return [(a.action, a.old_value, a.new_value) for a in rows]


async def _import(emu, text: str, name: str = "dinh-ky.csv"):
    return await emu.chat(emu.user(ADMIN_ID, "Minh")).send_document(name, text.encode("utf-8"))


# --------------------------------------------------------------------------
# The "Done when"
# --------------------------------------------------------------------------


async def test_a_quarterly_report_from_a_sheet_reminds_shows_who_submitted_and_makes_the_next_quarter(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    imported = await _import(emu, QUARTERLY)
    assert "thêm 2" in imported.plain_text, imported.plain_text
    # This quarter's instances: due 15/03/2026, a Sunday, so Friday 13/03 (the working day before).
    assert instances(engine, "BCQ-P") == [("BCQ-P-2026Q1", date(2026, 3, 13), "2026-Q1")]
    assert instances(engine, "BCQ-W") == [("BCQ-W-2026Q1", date(2026, 3, 13), "2026-Q1")]
    assert audits(engine, "BCQ-P")[0][0] == "series_create"

    # Reminded on schedule, like any task: the day before and on the day.
    scanned_through(engine, date(2026, 3, 10))
    got = await day_by_day(cycle, clock, emu, date(2026, 3, 11), date(2026, 3, 13), OFFICER_ID, "BCQ-P-2026Q1")
    assert date(2026, 3, 12) in got and date(2026, 3, 13) in got, got
    assert any("BCQ-W-2026Q1" in text for text in about(emu, WARD_OFFICER_ID, "BCQ-W-2026Q1"))

    # The officer of the division submits; the ward's officer does not.
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    await officer.say("/baocao BCQ-P-2026Q1 100 đã gửi báo cáo quý I")
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    status = (await admin.say("/kybaocao")).plain_text
    assert "Báo cáo kết quả CCHC quý" in status and "kỳ Quý I/2026" in status, status
    assert "Đã nộp 1/2" in status
    submitted, missing = status.split("Chưa nộp")
    assert "Nguyễn Thị Lan (CB01)" in submitted and "chờ duyệt" in submitted
    assert "Võ Minh Tuấn (CB03)" in missing and "hạn 13/03/2026" in missing
    # Each leader sees their own scope only.
    division = (await emu.chat(emu.user(MANAGER_ID, "Hùng")).say("/period")).plain_text
    assert "Nguyễn Thị Lan (CB01)" in division and "Võ Minh Tuấn" not in division and "Đã nộp 1/1" in division
    ward = (await emu.chat(emu.user(WARD_MANAGER_ID, "Mai")).say("/kybaocao BCQ-W")).plain_text
    assert "Võ Minh Tuấn (CB03)" in ward and "Nguyễn Thị Lan" not in ward and "Đã nộp 0/1" in ward

    # Late: reminded and escalated to the ward's leader like any task, and shown late.
    got = await day_by_day(cycle, clock, emu, date(2026, 3, 16), date(2026, 3, 20), WARD_MANAGER_ID, "BCQ-W-2026Q1")
    assert got, "the ward's leader hears of the late report"
    clock.set(date(2026, 3, 20))
    late = (await admin.say("/kybaocao")).plain_text
    assert "quá hạn 5 ngày làm việc" in late, late

    # The leader confirms the division's report: it stays submitted (confirmed).
    with session_scope(engine) as session:
        task = session.exec(select(Task).where(Task.code == "BCQ-P-2026Q1")).one()
        task.status = STATUS_DONE
    assert "đã xác nhận" in (await admin.say("/kybaocao BCQ-P")).plain_text

    # The next quarter begins: its instances, due 15/06/2026 (a Monday); the first quarter's stay.
    clock.set(date(2026, 4, 1))
    await cycle.run()
    assert instances(engine, "BCQ-P")[-1] == ("BCQ-P-2026Q2", date(2026, 6, 15), "2026-Q2")
    assert [code for code, _, _ in instances(engine, "BCQ-W")] == ["BCQ-W-2026Q1", "BCQ-W-2026Q2"]
    told = about(emu, OFFICER_ID, "BCQ-P-2026Q2")
    assert any("Kỳ mới của báo cáo định kỳ BCQ-P" in text and "hạn 15/06/2026" in text for text in told), told
    await cycle.run()  # made once
    assert len(instances(engine, "BCQ-P")) == 2
    now = (await admin.say("/kybaocao")).plain_text
    assert "kỳ Quý II/2026" in now and "Đã nộp 0/2" in now
    # The earlier period stays readable by its instance's code.
    assert "kỳ Quý I/2026" in (await admin.say("/kybaocao BCQ-W-2026Q1")).plain_text
    # The card names the series and the period.
    card = (await emu.chat(emu.user(MANAGER_ID, "Hùng")).say("/xem BCQ-P-2026Q2")).plain_text
    assert "Báo cáo định kỳ BCQ-P: hằng quý ngày 15 tháng cuối quý · kỳ Quý II/2026" in card


async def test_a_sheet_row_with_a_bad_rule_is_refused_with_the_parsers_reason_and_an_example(tracked):
    _, emu, engine = tracked
    bad = (
        HEADER
        + "BC-X,Báo cáo,CB01,LD01,,Báo cáo,hằng quý ngày 40\n"
        + "BC-Y,Báo cáo,CB01,LD01,,Báo cáo,\n"  # no rule, no deadline: a one-off task lacks its deadline
        + "NV001,Báo cáo,CB01,LD01,,Báo cáo,hằng tháng ngày 5\n"
    )  # a one-off task's code
    refused = (await _import(emu, bad)).plain_text
    assert "Dòng 2 (Định kỳ)" in refused and "không có ngày 40" in refused and "hằng quý ngày 15" in refused
    assert "Dòng 3: thiếu «Thời hạn»" in refused
    assert "Dòng 4 (Mã nhiệm vụ)" in refused and "nhiệm vụ làm một lần" in refused
    with session_scope(engine) as session:
        assert not session.exec(select(TaskSeries)).all()


# --------------------------------------------------------------------------
# /themnhiemvu, mid-period
# --------------------------------------------------------------------------


async def test_a_series_made_mid_period_with_themnhiemvu_starts_with_the_next_period(tracked):
    application, emu, engine = tracked
    application.bot_data.clock.set(date(2026, 3, 20))  # the first quarter's report was due on 13/03
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    await admin.say("/themnhiemvu BCQ-N")
    await admin.say("Báo cáo kết quả CCHC quý")
    await admin.say("CB02")
    asked = await admin.say("LD01")
    assert "4/7" in asked.plain_text and "Định kỳ?" in asked.plain_text
    wrong = await admin.say("hằng quý ngày 40")
    assert "không có ngày 40" in wrong.plain_text and "hằng quý ngày 15 tháng cuối quý" in wrong.plain_text
    assert "6/7" in (await admin.say("hang quy ngay 15 thang cuoi quy")).plain_text  # no deadline asked
    await admin.say("Báo cáo gửi Sở Nội vụ")
    summary = await admin.say("không")
    assert "Kỳ đầu Quý II/2026, hạn 15/06/2026".lower() in summary.plain_text.lower(), summary.plain_text
    saved = await admin.click(summary, "Lưu")
    assert "BCQ-N-2026Q2" in saved.plain_text
    assert instances(engine, "BCQ-N") == [("BCQ-N-2026Q2", date(2026, 6, 15), "2026-Q2")]


async def test_the_skip_button_makes_a_one_off_task(tracked):
    _, emu, engine = tracked
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    await manager.say("/themnhiemvu NV100")
    await manager.say("Tập huấn một cửa")
    await manager.say("CB02")
    asked = await manager.say("LD01")
    deadline = await manager.click(asked, "Bỏ qua")
    assert "5/7" in deadline.plain_text
    again = await manager.click(asked, "Bỏ qua")  # pressed twice: the step is past
    assert "đã qua" in again.plain_text
    await manager.say("15/12/2030")
    await manager.say("100% cán bộ được tập huấn")
    saved = await manager.click(await manager.say("không"), "Lưu")
    assert "Đã giao nhiệm vụ NV100" in saved.plain_text
    with session_scope(engine) as session:
        assert not session.exec(select(TaskSeries)).all()


# --------------------------------------------------------------------------
# /dinhky: change and end, from both sides
# --------------------------------------------------------------------------


async def test_a_new_rule_takes_effect_next_period_and_an_ended_series_makes_no_more(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    await _import(emu, QUARTERLY)
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    listing = (await manager.say("/dinhky")).plain_text
    assert "BCQ-P" in listing and "BCQ-W" not in listing and "hạn 13/03/2026" in listing
    changed = (await manager.say("/dinhky BCQ-P hằng quý ngày 20 tháng cuối quý")).plain_text
    assert "Áp dụng từ kỳ Quý II/2026 (hạn 19/06/2026)" in changed, changed  # 20/06 is a Saturday
    assert "BCQ-P-2026Q1 giữ nguyên hạn 13/03/2026" in changed
    assert instances(engine, "BCQ-P") == [("BCQ-P-2026Q1", date(2026, 3, 13), "2026-Q1")]
    assert audits(engine, "BCQ-P")[-1] == (
        "series_rule",
        "hằng quý ngày 15 tháng cuối quý",
        "hằng quý ngày 20 tháng cuối quý",
    )
    clock.set(date(2026, 4, 1))
    await cycle.run()
    assert instances(engine, "BCQ-P")[-1] == ("BCQ-P-2026Q2", date(2026, 6, 19), "2026-Q2")
    assert instances(engine, "BCQ-W")[-1] == ("BCQ-W-2026Q2", date(2026, 6, 15), "2026-Q2")

    ended = (await manager.say("/dinhky BCQ-P dừng")).plain_text
    assert "Đã dừng" in ended and "BCQ-P-2026Q2" in ended
    assert audits(engine, "BCQ-P")[-1][0] == "series_end"
    assert "đã dừng" in (await manager.say("/dinhky BCQ-P dung")).plain_text
    clock.set(date(2026, 7, 1))
    await cycle.run()
    assert [code for code, _, _ in instances(engine, "BCQ-P")] == ["BCQ-P-2026Q1", "BCQ-P-2026Q2"]
    assert instances(engine, "BCQ-W")[-1][0] == "BCQ-W-2026Q3"
    # A new rule starts it again, from the next period after the last one made.
    resumed = (await manager.say("/dinhky BCQ-P hằng quý ngày 15 tháng cuối quý")).plain_text
    assert "Chạy lại" in resumed and "Quý III/2026" in resumed
    await cycle.run()
    assert instances(engine, "BCQ-P")[-1] == ("BCQ-P-2026Q3", date(2026, 9, 15), "2026-Q3")


async def test_dinhky_refuses_callers_outside_the_scope_and_bad_input(tracked):
    _, emu, engine = tracked
    await _import(emu, QUARTERLY)
    ward = emu.chat(emu.user(WARD_MANAGER_ID, "Mai"))
    for command in (
        "/dinhky BCQ-P dung",
        "/dinhky BCQ-P hằng tháng ngày 5",
        "/kybaocao BCQ-P",
        "/kybaocao BCQ-P-2026Q1",
    ):
        answer = (await ward.say(command)).plain_text
        assert "Không có báo cáo định kỳ mã" in answer and "Nguyễn Thị Lan" not in answer, command
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    stranger = emu.chat(emu.user(STRANGER_ID, "Khách"))
    for command in ("/dinhky", "/dinhky BCQ-P dung", "/kybaocao", "/series", "/period BCQ-P"):
        assert "Chỉ lãnh đạo" in (await officer.say(command)).plain_text, command
        assert "chưa được gắn" in (await stranger.say(command)).plain_text, command
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    cases = {
        "/dinhky BCQ-P": "Cách dùng",
        "/dinhky BCQ-P hằng quý ngày 40": "không có ngày 40",
        "/dinhky BCQ-P hang quy ngay 15 thang cuoi quy": "đã theo quy tắc",
        "/dinhky XX-1 dung": "Không có báo cáo định kỳ mã «XX-1»",
        "/kybaocao a b": "Cách dùng",
    }
    for command, expected in cases.items():
        answer = (await admin.say(command)).plain_text
        assert expected in answer, (command, answer)
    assert audits(engine, "BCQ-P") == [audits(engine, "BCQ-P")[0]]  # nothing changed
    with session_scope(engine) as session:
        assert session.exec(select(TaskSeries).where(TaskSeries.code == "BCQ-P")).one().ended_on is None


async def test_a_new_title_and_owner_take_effect_next_period_audited_and_both_owners_told(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    await _import(emu, QUARTERLY)
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    renamed = (await manager.say("/dinhky BCQ-P ten  Báo cáo CCHC quý   của Phòng")).plain_text
    assert "Đã đổi tên của báo cáo định kỳ BCQ-P" in renamed, renamed
    assert "«Báo cáo kết quả CCHC quý» → «Báo cáo CCHC quý của Phòng»" in renamed
    assert "Áp dụng từ kỳ Quý II/2026 (hạn 15/06/2026)" in renamed and "BCQ-P-2026Q1 giữ nguyên tên" in renamed
    given = (await manager.say("/dinhky bcq-p giao cb02")).plain_text
    assert "«Nguyễn Thị Lan (CB01)» → «Lê Văn Nam (CB02)»" in given, given
    assert "Áp dụng từ kỳ Quý II/2026" in given and "BCQ-P-2026Q1 giữ nguyên người thực hiện" in given
    assert audits(engine, "BCQ-P")[-2:] == [
        ("series_change", "Báo cáo kết quả CCHC quý", "Báo cáo CCHC quý của Phòng"),
        ("series_change", "Nguyễn Thị Lan (CB01)", "Lê Văn Nam (CB02)"),
    ]
    with session_scope(engine) as session:
        notes = session.exec(
            select(AuditEntry.field, AuditEntry.note).where(AuditEntry.action == "series_change")
        ).all()
    assert [field for field, _ in notes] == ["Nhiệm vụ", "Người thực hiện"]
    assert all("áp dụng từ kỳ Quý II/2026" in note for _, note in notes), notes
    # The period under way keeps its title and owner; the listing shows the series' new ones.
    q1 = task_of(engine, "BCQ-P-2026Q1")
    assert q1.title == "Báo cáo kết quả CCHC quý" and staff_code(engine, q1.owner_id) == "CB01"
    listing = (await manager.say("/dinhky")).plain_text
    assert "Báo cáo CCHC quý của Phòng" in listing and "Lê Văn Nam (CB02)" in listing

    clock.set(date(2026, 3, 11))
    await cycle.run()  # the notices go out
    assert any("Đồng chí được giao báo cáo định kỳ BCQ-P" in text for text in about(emu, OFFICER2_ID, "BCQ-P"))
    told = about(emu, OFFICER_ID, "BCQ-P")
    assert any("được giao cho Lê Văn Nam (CB02) từ kỳ Quý II/2026" in text for text in told), told
    # The next quarter's instance is the new owner's, under the new title.
    clock.set(date(2026, 4, 1))
    await cycle.run()
    q2 = task_of(engine, "BCQ-P-2026Q2")
    assert q2.title == "Báo cáo CCHC quý của Phòng" and staff_code(engine, q2.owner_id) == "CB02"
    assert any("BCQ-P-2026Q2" in text for text in about(emu, OFFICER2_ID, "BCQ-P-2026Q2"))
    assert task_of(engine, "BCQ-W-2026Q2").title == "Báo cáo kết quả CCHC quý"  # the ward's own series


async def test_a_new_title_or_owner_is_refused_outside_the_scope_and_for_an_unknown_staff_code(tracked):
    _, emu, engine = tracked
    await _import(emu, QUARTERLY)
    ward = emu.chat(emu.user(WARD_MANAGER_ID, "Mai"))
    for command in ("/dinhky BCQ-P ten Báo cáo khác", "/dinhky BCQ-P giao CB03"):
        answer = (await ward.say(command)).plain_text
        assert "Không có báo cáo định kỳ mã «BCQ-P»" in answer and "Nguyễn Thị Lan" not in answer, command
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    stranger = emu.chat(emu.user(STRANGER_ID, "Khách"))
    for command in ("/dinhky BCQ-P ten Báo cáo khác", "/dinhky BCQ-P giao CB02"):
        assert "Chỉ lãnh đạo" in (await officer.say(command)).plain_text, command
        assert "chưa được gắn" in (await stranger.say(command)).plain_text, command
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    cases = {
        "/dinhky BCQ-P giao XX99": "Không có cán bộ mã «XX99» trong phạm vi",
        "/dinhky BCQ-P giao CB03": "Không có cán bộ mã «CB03» trong phạm vi",  # the ward's officer
        "/dinhky BCQ-P giao CB01": "đã do Nguyễn Thị Lan (CB01) thực hiện",
        "/dinhky BCQ-P giao": "Gõ mã cán bộ nhận",
        "/dinhky BCQ-P giao CB02 CB01": "Gõ mã cán bộ nhận",
        "/dinhky BCQ-P ten": "Gõ tên mới",
        "/dinhky BCQ-P tên Báo cáo kết quả CCHC quý": "đã có tên «Báo cáo kết quả CCHC quý»",
    }
    for command, expected in cases.items():
        answer = (await manager.say(command)).plain_text
        assert expected in answer, (command, answer)
    assert "Ví dụ: /dinhky BCQ-P giao CB02" in (await manager.say("/dinhky BCQ-P giao XX99")).plain_text
    assert audits(engine, "BCQ-P") == [audits(engine, "BCQ-P")[0]]  # nothing changed
    with session_scope(engine) as session:
        series = session.exec(select(TaskSeries).where(TaskSeries.code == "BCQ-P")).one()
        assert series.title == "Báo cáo kết quả CCHC quý" and staff_code(engine, series.owner_id) == "CB01"


def staff_code(engine, staff_id: int) -> str:
    with session_scope(engine) as session:
        return session.get(Staff, staff_id).code


# --------------------------------------------------------------------------
# Month ends through the whole path
# --------------------------------------------------------------------------


MONTHLY = HEADER + "{code},Báo cáo tháng,CB01,LD01,,Báo cáo gửi Sở,hằng tháng ngày 31\n"


async def test_the_31st_becomes_the_months_last_working_day_in_april_and_february(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    await _import(emu, MONTHLY.format(code="BCT"))
    assert instances(engine, "BCT") == [("BCT-202603", date(2026, 3, 31), "2026-03")]
    clock.set(date(2026, 4, 1))
    await cycle.run()
    # 30/04 and 01/05 are holidays: due on Wednesday 29/04.
    assert instances(engine, "BCT")[-1] == ("BCT-202604", date(2026, 4, 29), "2026-04")
    # February of a common year (28/02/2027 a Sunday: Friday 26/02) and of a leap year (29/02/2028).
    clock.set(date(2027, 2, 2))
    await _import(emu, MONTHLY.format(code="BCT27"))
    assert instances(engine, "BCT27") == [("BCT27-202702", date(2027, 2, 26), "2027-02")]
    clock.set(date(2028, 2, 1))
    await _import(emu, MONTHLY.format(code="BCT28"))
    assert instances(engine, "BCT28") == [("BCT28-202802", date(2028, 2, 29), "2028-02")]


def test_period_keys_read_back():
    assert period_from_key("2026-Q4").label == "Quý IV/2026"
    assert period_from_key("2026-12").label == "Tháng 12/2026"
    assert period_from_key("2026-H1").label == "6 tháng đầu năm 2026"
    assert period_from_key("2026").label == "Năm 2026"
    assert period_from_key("2026-W23").start == date(2026, 6, 1)
    assert period_from_key("") is None and period_from_key("2026-Q9") is None


def test_a_periods_instance_is_made_once_whoever_inserts_it(engine):
    """The unique index on (series, period): a second insert, by another process's scan or by a sheet,
    makes nothing and leaves the transaction usable."""
    from reminders.calendar import OfficeCalendar
    from storage import series as store
    from tests.data import NOW, TODAY, seed
    from tracking import recurrence
    from tracking.series import make_due_instances, make_instance

    seed(engine)
    rule = recurrence.parse("hằng tháng ngày 25")
    with session_scope(engine) as session:
        owner = session.exec(select(Task)).first()
        made = TaskSeries(
            code="BCT",
            rule=str(rule),
            title="Báo cáo tháng",
            owner_id=owner.owner_id,
            accountable_id=owner.accountable_id,
            host_unit_id=owner.host_unit_id,
            expected_result="Báo cáo",
            starts_on=TODAY,
        )
        session.add(made)
        session.flush()
        first = recurrence.first_instance(rule, TODAY, OfficeCalendar())
        assert make_instance(session, made, first, at=NOW).code == "BCT-202603"
        assert make_instance(session, made, first, at=NOW) is None
        twin = Task(
            code="OTHER",
            title="x",
            owner_id=owner.owner_id,
            accountable_id=owner.accountable_id,
            host_unit_id=owner.host_unit_id,
            deadline=first.due,
            expected_result="x",
            series_id=made.id,
            period_key=first.period.key,
        )
        assert store.add_instance_once(session=session, task=twin) is False
        assert make_due_instances(session, today=TODAY, calendar=OfficeCalendar(), at=NOW) == []
    assert instances(engine, "BCT") == [("BCT-202603", date(2026, 3, 25), "2026-03")]
