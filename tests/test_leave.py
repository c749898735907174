"""Leave end to end: /nghiphep by the person and by their manager or an admin, its checks, listing
and ending it early; and what the reminder cycle sends meanwhile: nothing to the person away, their
tasks' reminders to the substitute (saying on whose behalf), or, with no substitute, escalations
waiting until they are back; digests show who is away. On the injected clock, day by day."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from reminders.digest import build_digest, digest_blocks
from storage.db import session_scope
from storage.models import AuditEntry, Leave, Outbox, Staff
from storage.tracking import Scope, staff_by_code
from tests.conftest import ADMIN_ID, MANAGER_ID, OFFICER2_ID, OFFICER_ID, STRANGER_ID, WARD_MANAGER_ID, seed_tracking
from tests.data import NOW, TODAY
from tests.test_office_calendar import about, cycle_of, day_by_day, move_task, scanned_through


def leaves(engine) -> list[tuple[str, date, date, str | None]]:
    """Every leave: whose, first and last day, the substitute's code."""
    with session_scope(engine) as session:
        code = {s.id: s.code for s in session.exec(select(Staff))}
        return [
            (code[r.staff_id], r.start, r.end, code.get(r.substitute_id))
            for r in session.exec(select(Leave).order_by(Leave.id))
        ]


# --------------------------------------------------------------------------
# The command, from both sides
# --------------------------------------------------------------------------


async def test_an_officer_records_their_leave_the_substitute_is_told_and_it_is_audited(tracked):
    application, emu, engine = tracked
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    saved = await officer.say("/nghiphep 16/03/2026 20/03/2026 CB02")
    assert "nghỉ phép từ 16/03/2026 đến 20/03/2026" in saved.plain_text
    assert "Lê Văn Nam (CB02)" in saved.plain_text
    assert leaves(engine) == [("CB01", date(2026, 3, 16), date(2026, 3, 20), "CB02")]
    with session_scope(engine) as session:
        audit = session.exec(select(AuditEntry).where(AuditEntry.entity == "leave")).all()
        notice = session.exec(select(Outbox).where(Outbox.kind == "notice")).one()
    assert [(a.action, a.entity_code, a.new_value) for a in audit] == [
        ("leave_add", "CB01", "16/03/2026 → 20/03/2026, người thay CB02")
    ]
    assert notice.chat_id == OFFICER2_ID
    await cycle_of(application, engine).run()  # the notice goes out with the next cycle, at once
    told = [m.plain_text for m in emu.sent if m.chat_id == OFFICER2_ID]
    assert any("người thay cho Nguyễn Thị Lan (CB01)" in text for text in told)

    same = await officer.say("/leave 18/03/2026 25/03/2026")
    assert "đã có kỳ nghỉ từ 16/03/2026 đến 20/03/2026" in same.plain_text
    listing = await officer.say("/nghiphep")
    assert (
        "Nguyễn Thị Lan (CB01) — sắp nghỉ 16/03/2026 → 20/03/2026, người thay: Lê Văn Nam (CB02)" in listing.plain_text
    )


async def test_bad_input_and_clashes_get_a_clear_message(tracked):
    _, emu, engine = tracked
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    await emu.chat(emu.user(OFFICER2_ID, "Nam")).say("/nghiphep 17/03/2026 18/03/2026")
    cases = {
        "/nghiphep 20/03/2026 16/03/2026": "trước ngày bắt đầu",
        "/nghiphep 16/03/2026": "Cách dùng",
        "/nghiphep 32/03/2026 40/03/2026": "không có thật",
        "/nghiphep 01/03/2026 05/03/2026": "đã qua",
        "/nghiphep 16/03/2026 20/03/2026 CB99": "Không có cán bộ mã «CB99»",
        "/nghiphep 16/03/2026 20/03/2026 CB01": "Người thay phải là một cán bộ khác",
        "/nghiphep 16/03/2026 20/03/2026 CB02": "Người thay Lê Văn Nam (CB02) cũng nghỉ từ 17/03/2026",
        "/nghiphep huy": "không có kỳ nghỉ nào",
    }
    for command, expected in cases.items():
        answer = await officer.say(command)
        assert expected in answer.plain_text, (command, answer.plain_text)
    # Nam stands in for Lan: he cannot go away on those days himself.
    await officer.say("/nghiphep 23/03/2026 27/03/2026 CB02")
    clash = await emu.chat(emu.user(OFFICER2_ID, "Nam")).say("/nghiphep 26/03/2026 27/03/2026")
    assert "đang nhận thay cho một người khác" in clash.plain_text
    assert [row[0] for row in leaves(engine)] == ["CB02", "CB01"]


async def test_managers_act_for_their_scope_only_and_strangers_not_at_all(tracked):
    _, emu, engine = tracked
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    saved = await manager.say("/nghiphep CB01 16/03/2026 17/03/2026")
    assert "Nguyễn Thị Lan (CB01) nghỉ phép" in saved.plain_text and "/nghiphep huy CB01" in saved.plain_text
    for telegram_id, command in (
        (WARD_MANAGER_ID, "/nghiphep CB01 23/03/2026 24/03/2026"),
        (OFFICER2_ID, "/nghiphep CB01 23/03/2026 24/03/2026"),
        (WARD_MANAGER_ID, "/nghiphep huy CB01"),
        (MANAGER_ID, "/nghiphep CB03 23/03/2026 24/03/2026"),
    ):
        answer = await emu.chat(emu.user(telegram_id, "Ai đó")).say(command)
        assert "thuộc phạm vi" in answer.plain_text, (telegram_id, command, answer.plain_text)
        assert "Nguyễn Thị Lan" not in answer.plain_text and "Võ Minh Tuấn" not in answer.plain_text
    stranger = emu.chat(emu.user(STRANGER_ID, "Khách"))
    for command in (
        "/nghiphep",
        "/nghiphep 16/03/2026 17/03/2026",
        "/nghiphep huy",
        "/nghiphep CB01 16/03/2026 17/03/2026",
    ):
        answer = await stranger.say(command)
        assert "chưa được gắn" in answer.plain_text, command
        assert "Nguyễn Thị Lan" not in answer.plain_text
    ward_list = await emu.chat(emu.user(WARD_MANAGER_ID, "Mai")).say("/nghiphep")
    assert "Không có ai" in ward_list.plain_text
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    assert "Nguyễn Thị Lan (CB01)" in (await admin.say("/nghiphep")).plain_text
    assert "Võ Minh Tuấn (CB03) nghỉ phép" in (await admin.say("/nghiphep CB03 23/03/2026 24/03/2026")).plain_text
    assert [row[0] for row in leaves(engine)] == ["CB01", "CB03"]


# --------------------------------------------------------------------------
# What the reminder cycle sends while someone is away
# --------------------------------------------------------------------------


async def test_over_a_reminder_day_the_substitute_gets_it_on_behalf_and_the_owner_nothing(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    move_task(engine, "NV001", date(2026, 3, 13), created=date(2026, 3, 1))  # due Friday 13/03
    await emu.chat(emu.user(OFFICER_ID, "Lan")).say("/nghiphep 12/03/2026 13/03/2026 CB02")
    scanned_through(engine, date(2026, 3, 11))
    owner = await day_by_day(cycle, clock, emu, date(2026, 3, 12), date(2026, 3, 13), OFFICER_ID, "NV001")
    assert owner == {}
    clock.set(date(2026, 3, 12))
    got = about(emu, OFFICER2_ID, "NV001")
    assert len(got) == 2, got  # a day before, and the day
    assert all(
        text.startswith("👥 Nhận thay cho Nguyễn Thị Lan (CB01), đang nghỉ phép đến hết 13/03/2026") for text in got
    )
    assert "Còn 1 ngày" in got[0] and "Hạn là hôm nay" in got[1]
    # Back on Monday: the owner hears again (not late enough for a nag yet), the substitute no more.
    mark = len(emu.sent)
    back = await day_by_day(cycle, clock, emu, date(2026, 3, 16), date(2026, 3, 17), OFFICER_ID, "NV001")
    assert sorted(back) == [date(2026, 3, 17)] and "quá hạn 2 ngày làm việc" in back[date(2026, 3, 17)][0]
    assert about(emu, OFFICER2_ID, "NV001", mark) == []


async def test_without_a_substitute_the_escalation_waits_until_they_are_back(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    move_task(engine, "NV001", date(2026, 3, 13), created=date(2026, 3, 1))
    await emu.chat(emu.user(MANAGER_ID, "Hùng")).say("/nghiphep CB01 16/03/2026 18/03/2026")
    scanned_through(engine, date(2026, 3, 13))
    owner = await day_by_day(cycle, clock, emu, date(2026, 3, 14), date(2026, 3, 18), OFFICER_ID, "NV001")
    leader = await day_by_day(cycle, clock, emu, date(2026, 3, 14), date(2026, 3, 18), MANAGER_ID, "NV001")
    assert owner == {} and leader == {}  # escalation was due Wed 18/03, in her leave
    owner = await day_by_day(cycle, clock, emu, date(2026, 3, 19), date(2026, 3, 19), OFFICER_ID, "NV001")
    clock.set(date(2026, 3, 19))
    escalated = about(emu, MANAGER_ID, "NV001")
    assert len(escalated) == 1 and "quá hạn 4 ngày làm việc" in escalated[0]
    assert "quá hạn 4 ngày làm việc" in owner[date(2026, 3, 19)][0]  # her own nag of the day she is back


async def test_ending_leave_early_brings_the_reminders_back_from_today(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    move_task(engine, "NV001", date(2026, 3, 13), created=date(2026, 3, 1))
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    await officer.say("/nghiphep 16/03/2026 20/03/2026")
    scanned_through(engine, date(2026, 3, 15))
    assert await day_by_day(cycle, clock, emu, date(2026, 3, 16), date(2026, 3, 16), OFFICER_ID, "NV001") == {}
    clock.set(date(2026, 3, 17), 8)
    ended = await officer.say("/nghiphep huy")
    assert "trở lại làm việc từ hôm nay (17/03/2026)" in ended.plain_text
    assert leaves(engine) == [("CB01", date(2026, 3, 16), date(2026, 3, 16), None)]
    owner = await day_by_day(cycle, clock, emu, date(2026, 3, 17), date(2026, 3, 17), OFFICER_ID, "NV001")
    assert "quá hạn 2 ngày làm việc" in owner[date(2026, 3, 17)][0]
    leader = await day_by_day(cycle, clock, emu, date(2026, 3, 18), date(2026, 3, 18), MANAGER_ID, "NV001")
    assert "quá hạn 3 ngày làm việc" in leader[date(2026, 3, 18)][0]  # on time: she is back
    with session_scope(engine) as session:
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "leave_end")).one()
    assert (audit.entity_code, audit.new_value) == ("CB01", "đến 16/03/2026")
    # A leave not yet begun is cancelled outright.
    await officer.say("/nghiphep 30/03/2026 31/03/2026")
    cancelled = await officer.say("/nghiphep huy")
    assert "Đã hủy kỳ nghỉ từ 30/03/2026" in cancelled.plain_text
    assert "Không có ai" in (await officer.say("/nghiphep")).plain_text


async def test_a_leader_away_with_a_substitute_has_escalations_go_to_the_substitute(tracked):
    application, emu, engine = tracked
    clock = application.bot_data.clock
    cycle = cycle_of(application, engine)
    move_task(engine, "NV001", date(2026, 3, 13), created=date(2026, 3, 1))
    await emu.chat(emu.user(ADMIN_ID, "Minh")).say("/nghiphep LD01 18/03/2026 18/03/2026 QT01")
    scanned_through(engine, date(2026, 3, 17))
    leader = await day_by_day(cycle, clock, emu, date(2026, 3, 18), date(2026, 3, 18), MANAGER_ID, "NV001")
    assert leader == {}
    clock.set(date(2026, 3, 18))
    got = about(emu, ADMIN_ID, "NV001")
    assert (
        len(got) == 1 and got[0].startswith("👥 Nhận thay cho Phạm Quốc Hùng (LD01)") and "Báo cáo lãnh đạo" in got[0]
    )


def test_digests_show_who_is_away_and_until_when(engine):
    seed_tracking(engine)
    with session_scope(engine) as session:
        lan = staff_by_code(session=session, code="CB01")
        session.add(Leave(staff_id=lan.id, start=TODAY, end=date(2026, 3, 20)))
        session.flush()
        digest = build_digest(session=session, scope=Scope(everything=True), today=TODAY, now=NOW, title="Toàn tỉnh")
        text = "\n".join(digest_blocks(digest))
    assert "Đang nghỉ phép" in text and "Nguyễn Thị Lan (CB01) đến hết 20/03/2026 (không có người thay)" in text
