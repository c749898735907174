"""Milestones: their own reminders (before, on and after their date, never once done), reported by the
owner (/baocao <mã> moc <số> <%>, or the buttons under /baocao <mã> moc), audited, refused outside the
scope, and counted in the digests; through the real bot and the emulator on the injected clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from reminders.cycle import ReminderCycle
from reminders.dispatch import Dispatcher, Pacer
from reminders.policy import MS_BEFORE, MS_DUE, MS_OVERDUE, MilestoneFacts, Policy, TaskFacts, WorkCalendar, due_between
from reminders.scan import SCANNED_THROUGH, ScanConfig
from storage.db import session_scope
from storage.models import AppState, AuditEntry, Milestone, Reminder
from storage.tracking import task_by_code
from tests.conftest import MANAGER_ID, OFFICER_ID, STRANGER_ID, WARD_MANAGER_ID
from tests.data import TODAY

# NV002 (CB01's, deadline 20/03/2026) gets two milestones; TODAY is Tuesday 10/03/2026.
SURVEY = ("Khảo sát hiện trạng", date(2026, 3, 13))  # a Friday
DRAFT = ("Dự thảo phương án", date(2026, 3, 17))  # a Tuesday
CAL = WorkCalendar("mon-fri", "VN")


def add_milestones(engine, code: str = "NV002", items=(SURVEY, DRAFT)) -> list[int]:
    with session_scope(engine) as session:
        task = task_by_code(session=session, code=code)
        marks = [Milestone(task_id=task.id, title=title, due_date=due) for title, due in items]
        session.add_all(marks)
        session.flush()
        return [m.id for m in marks]


# --------------------------------------------------------------------------
# The policy
# --------------------------------------------------------------------------


def facts(*marks: MilestoneFacts, deadline: date = date(2026, 3, 20), snoozed: date | None = None) -> TaskFacts:
    return TaskFacts(
        id=7,
        deadline=deadline,
        done=False,
        created=date(2026, 3, 1),
        last_report=date(2026, 3, 9),
        snoozed_until=snoozed,
        milestones=marks,
    )


def milestone_dues(task: TaskFacts, first: date, last: date):
    return [
        (d.kind, d.on, d.days)
        for d in due_between(task, first - timedelta(days=1), last, CAL, Policy())
        if d.milestone is not None
    ]


def test_a_milestone_is_reminded_before_on_and_after_its_date():
    mark = MilestoneFacts(number=1, title=SURVEY[0], due=SURVEY[1])
    assert milestone_dues(facts(mark), date(2026, 3, 1), date(2026, 3, 20)) == [
        (MS_BEFORE, date(2026, 3, 6), 7),  # 7 days before
        (MS_BEFORE, date(2026, 3, 10), 3),  # 3 days before
        (MS_BEFORE, date(2026, 3, 12), 1),  # the day before
        (MS_DUE, date(2026, 3, 13), 0),  # on its date
        (MS_OVERDUE, date(2026, 3, 17), 2),  # every 2 working days after it
        (MS_OVERDUE, date(2026, 3, 19), 4),
    ]


def test_a_milestone_on_a_weekend_is_reminded_the_working_day_before_and_late_ones_stop_at_the_deadline():
    mark = MilestoneFacts(number=1, title="Tổng hợp", due=date(2026, 3, 14))  # a Saturday
    dues = milestone_dues(facts(mark, deadline=date(2026, 3, 18)), date(2026, 3, 10), date(2026, 3, 31))
    assert dues == [
        (MS_BEFORE, date(2026, 3, 11), 3),
        (MS_DUE, date(2026, 3, 13), 0),  # the day before (Friday 13/03) is the day itself
        (MS_OVERDUE, date(2026, 3, 17), 2),
    ]  # none after the task's own deadline (18/03)


def test_no_reminder_for_a_done_milestone_a_done_task_or_a_snoozed_day():
    done = MilestoneFacts(number=1, title=SURVEY[0], due=SURVEY[1], done=True)
    assert milestone_dues(facts(done), date(2026, 3, 1), date(2026, 3, 31)) == []
    open_ = MilestoneFacts(number=1, title=SURVEY[0], due=SURVEY[1])
    task = TaskFacts(
        id=7, deadline=date(2026, 3, 20), done=True, created=date(2026, 3, 1), last_report=None, milestones=(open_,)
    )
    assert due_between(task, date(2026, 3, 1), date(2026, 3, 31), CAL, Policy()) == []
    snoozed = milestone_dues(facts(open_, snoozed=date(2026, 3, 13)), date(2026, 3, 12), date(2026, 3, 13))
    assert snoozed == [(MS_DUE, date(2026, 3, 13), 0)]


def test_milestone_keys_are_their_own_and_stable():
    a = MilestoneFacts(number=1, title="Khảo sát", due=date(2026, 3, 13))
    b = MilestoneFacts(number=2, title="Báo cáo", due=date(2026, 3, 13))
    again = MilestoneFacts(number=3, title="  khảo   SÁT ", due=date(2026, 3, 13))  # a re-imported row
    dues = due_between(facts(a, b), date(2026, 3, 12), date(2026, 3, 13), CAL, Policy())
    keys = [d.key for d in dues if d.milestone is not None]
    assert len(keys) == len(set(keys)) == 2 and all(k.startswith("ms_due:7:20260313-") for k in keys)
    assert a.ident == again.ident != b.ident


# --------------------------------------------------------------------------
# Through the bot
# --------------------------------------------------------------------------


@pytest.fixture
async def world(tracked, settings):
    """The running bot on the tests' data, its reminder cycle on the bot's clock, NV002's milestones."""
    application, emu, engine = tracked
    clock = application.bot_data.clock
    config = ScanConfig.from_settings(application.bot_data.settings)
    fast = Pacer(per_second=10_000, per_chat_interval=0)
    cycle = ReminderCycle(
        engine,
        application.bot,
        config,
        clock=clock,
        dispatcher=Dispatcher(engine, application.bot, clock=clock, pacer=fast),
        exports=application.bot_data.exports,
    )
    ids = add_milestones(engine)
    with session_scope(engine) as session:
        session.merge(AppState(key=SCANNED_THROUGH, value=(TODAY - timedelta(days=1)).isoformat()))
    yield cycle, clock, emu, engine, ids


def texts_to(emu, chat_id: int, after: int) -> list[str]:
    return [m.plain_text or "" for m in emu.sent[after:] if m.chat_id == chat_id and m.method.startswith("send")]


async def cycle_on(cycle, clock, emu, day: date) -> list[str]:
    """Run the reminder cycle on ``day`` at 09:00; the officer's messages about NV002 it sent."""
    clock.set(day)
    mark = emu.mark()
    await cycle.run()
    return [t for t in texts_to(emu, OFFICER_ID, mark) if "NV002" in t]


async def test_milestone_reminders_before_on_and_after_and_none_once_done(world):
    cycle, clock, emu, engine, ids = world
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    sent = await cycle_on(cycle, clock, emu, date(2026, 3, 10))
    assert len(sent) == 1
    assert "Mốc “Khảo sát hiện trạng” của nhiệm vụ NV002 đến hạn ngày 13/03/2026 (còn 3 ngày)" in sent[0]
    assert "/baocao NV002 moc 1 100" in sent[0]
    assert await cycle_on(cycle, clock, emu, date(2026, 3, 10)) == []  # once
    assert "(còn 1 ngày)" in (await cycle_on(cycle, clock, emu, date(2026, 3, 12)))[0]
    (on_the_day,) = await cycle_on(cycle, clock, emu, date(2026, 3, 13))
    assert "Khảo sát hiện trạng” của nhiệm vụ NV002 đến hạn ngày 13/03/2026: ⏰ hôm nay" in on_the_day
    assert "Còn 7 ngày đến hạn" in on_the_day  # the task's own reminder of that day, in the same message

    answer = await officer.say("/baocao NV002 moc 1 100")
    assert "Đã ghi tiến độ mốc 1 «Khảo sát hiện trạng» của nhiệm vụ NV002: 100% (đã xong)" in answer.plain_text
    (tuesday,) = await cycle_on(cycle, clock, emu, date(2026, 3, 17))
    assert "Khảo sát hiện trạng" not in tuesday  # done: not reminded though 2 working days past its date
    assert "Dự thảo phương án” của nhiệm vụ NV002 đến hạn ngày 17/03/2026: ⏰ hôm nay" in tuesday
    (late,) = await cycle_on(cycle, clock, emu, date(2026, 3, 19))
    assert "Dự thảo phương án” của nhiệm vụ NV002 đến hạn ngày 17/03/2026: 🔴 đã quá hạn 2 ngày làm việc" in late
    with session_scope(engine) as session:
        kinds = sorted(r.kind for r in session.exec(select(Reminder).where(Reminder.kind.startswith("ms_"))))
        # the survey: 3 and 1 days before (10, 12/03), its day; the draft: 7, 3, 1 days before (10, 13, 16/03),
        # its day, 2 working days late (19/03)
        assert kinds == ["ms_before"] * 5 + ["ms_due"] * 2 + ["ms_overdue"]
        done = session.get(Milestone, ids[0])
        assert done.done and done.progress == 100 and done.done_at is not None


async def test_missed_milestone_reminders_are_folded_after_a_downtime(world):
    cycle, clock, emu, engine, _ = world
    sent = await cycle_on(cycle, clock, emu, date(2026, 3, 13))  # 10, 11, 12 and 13 at once
    assert len(sent) == 1
    assert "Khảo sát hiện trạng” của nhiệm vụ NV002 đến hạn ngày 13/03/2026: ⏰ hôm nay" in sent[0]
    assert "Dự thảo phương án” của nhiệm vụ NV002 đến hạn ngày 17/03/2026 (còn 4 ngày)" in sent[0]
    assert "Gộp 6 lời nhắc" in sent[0]  # the task's 7 days before; the survey's 3, 1 days before and its day;
    # the draft's 7 days before (10/03) and 3 days before (13/03), each milestone said once


async def test_owner_and_leader_report_a_milestone_others_are_refused(world):
    cycle, clock, emu, engine, ids = world
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    listing = await officer.say("/baocao NV002 mốc")
    assert "Mốc tiến độ" in listing.plain_text and "1. 13/03/2026 · Khảo sát hiện trạng — 0%" in listing.plain_text
    pressed = await officer.press(listing, listing.button_data("Mốc 2: 50%"))
    assert "Đã ghi tiến độ mốc 2 «Dự thảo phương án» của nhiệm vụ NV002: 50%" in pressed.plain_text
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))  # the leader of the division: NV002 is in his scope
    assert "mốc 1" in (await manager.say("/baocao NV002 moc 1 75")).plain_text
    ward = emu.chat(emu.user(WARD_MANAGER_ID, "Mai"))
    assert "phạm vi của đồng chí" in (await ward.say("/baocao NV002 moc 1 100")).plain_text
    own = await ward.say("/start")  # a message of the ward manager's own chat to press a forged button on
    assert "phạm vi của đồng chí" in (await ward.press(own, f"ms:{ids[0]}:100")).plain_text
    stranger = emu.chat(emu.user(STRANGER_ID, "Ai"))
    assert "chưa được gắn" in (await stranger.say("/baocao NV002 moc 1 100")).plain_text
    own = await stranger.say("/start")
    assert "chưa được gắn" in (await stranger.press(own, f"ms:{ids[0]}:100")).plain_text
    with session_scope(engine) as session:
        marks = [session.get(Milestone, i) for i in ids]
        assert [(m.progress, m.done) for m in marks] == [(75, False), (50, False)]
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "milestone").order_by(AuditEntry.id)).all()
        assert [(a.actor, a.entity_code, a.field, a.old_value, a.new_value) for a in audit] == [
            ("Nguyễn Thị Lan", "NV002", "mốc 2", "0%", "50%"),
            ("Phạm Quốc Hùng", "NV002", "mốc 1", "0%", "75%"),
        ]


async def test_bad_milestone_reports_say_what_is_wrong_with_an_example(world):
    cycle, clock, emu, engine, ids = world
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    wrong = (await officer.say("/baocao NV002 moc 3 50")).plain_text
    assert "không có mốc số «3»" in wrong and "từ 1 đến 2" in wrong and "/baocao NV002 moc 1 50" in wrong
    assert "/baocao NV001 moc 1 50" in (await officer.say("/baocao NV002 moc 1 năm mươi")).plain_text
    assert "Thiếu số thứ tự" in (await officer.say("/baocao NV002 moc 1")).plain_text
    assert "chưa có mốc tiến độ" in (await officer.say("/baocao NV001 moc 1 50")).plain_text
    assert (
        "Phần trăm phải từ 0 đến 100 (đồng chí ghi 150)." in (await officer.say("/baocao NV002 moc 1 150")).plain_text
    )
    # The task's own one-line report is unchanged.
    assert "Đã ghi báo cáo NV002: 40%" in (await officer.say("/baocao NV002 40 ghi chú")).plain_text
    with session_scope(engine) as session:
        assert all(session.get(Milestone, i).progress == 0 for i in ids)


async def test_the_leaders_digest_counts_late_and_coming_milestones(world):
    cycle, clock, emu, engine, _ = world
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    clock.set(date(2026, 3, 12), 7)
    assert "Đã đăng ký" in (await manager.say("/dangkytonghop hằng ngày 08:00")).plain_text
    clock.set(date(2026, 3, 16), 8, 30)  # Monday: the survey (13/03) is late, the draft (17/03) comes
    mark = emu.mark()
    await cycle.run()
    digest = "\n".join(texts_to(emu, MANAGER_ID, mark))
    assert "Mốc tiến độ: 1 quá hạn chưa xong · 1 đến hạn trong 7 ngày tới" in digest
    assert "13/03/2026 NV002 Khảo sát hiện trạng (0%)" in digest


async def test_the_leader_sees_the_owners_milestone_progress_on_the_card(world):
    cycle, clock, emu, engine, _ = world
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    await officer.say("/baocao NV002 moc 1 100")
    await officer.say("/baocao NV002 moc 2 50")
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    clock.set(date(2026, 3, 18))
    card = (await manager.say("/xem NV002")).plain_text
    assert "✅ Mốc 1 · 13/03/2026: Khảo sát hiện trạng · 100%" in card
    assert "🔴 Mốc 2 · 17/03/2026: Dự thảo phương án · 50%" in card  # late, not done
    assert "/baocao NV002 moc SỐ PHẦN_TRĂM" in card
    ward = emu.chat(emu.user(WARD_MANAGER_ID, "Mai"))
    assert "phạm vi của đồng chí" in (await ward.say("/xem NV002")).plain_text
