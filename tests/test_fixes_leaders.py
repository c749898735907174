"""Fixes found while building the leader's loop (issue 20, point 9), each shown by a test that fails
without it: the note window after a one-line report, re-imports that would undo changes made in chat,
ranking units with nothing due, /donvi's parsing and the numbers and times shown to people, one rule
of lateness, names in /themnhiemvu, and paging /nhiemvu and /nhatky."""

from __future__ import annotations

import re
from datetime import UTC

import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.models import Evidence, Report, Task
from storage.tracking import task_by_code
from tests.conftest import ADMIN_ID, MANAGER_ID, OFFICER2_ID, OFFICER_ID, seed_tracking
from tests.people import count, task_of


@pytest.fixture
def tracked_data(engine):
    """The sample staff and tasks, no bot running."""
    seed_tracking(engine)
    return engine


# --------------------------------------------------------------------------
# 1. A one-line /baocao opens the note and evidence window its «Bỏ qua ghi chú» speaks of
# --------------------------------------------------------------------------


async def test_one_line_report_opens_the_note_and_evidence_window(tracked):
    _, emu, engine = tracked
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    saved = await officer.say("/baocao NV002 50 xong dự thảo")
    assert "Bỏ qua ghi chú" in saved.plain_text and "minh chứng" in saved.plain_text
    stored = await officer.send_document("du-thao.pdf", b"%PDF-1.4 du thao")
    assert "Đã lưu minh chứng" in stored.plain_text
    assert count(engine, Evidence) == 1
    noted = await officer.say("đã gửi lãnh đạo phòng góp ý")
    assert "Đã thêm ghi chú" in noted.plain_text
    with session_scope(engine) as session:
        report = session.exec(select(Report).order_by(Report.id.desc())).first()
        assert report.percent == 50 and "góp ý" in report.note and "dự thảo" in report.note
    # The window is closed by the note: a text now is a question again, a file is refused.
    refused = await officer.send_document("khac.pdf", b"%PDF-1.4")
    assert "Chỉ quản trị viên" in refused.plain_text
    assert count(engine, Evidence) == 1


async def test_one_line_report_window_closes_with_skip(tracked):
    _, emu, engine = tracked
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    saved = await officer.say("/baocao NV002 vướng mắc chờ ý kiến Sở Tư pháp")
    done = await officer.click(saved, "Bỏ qua")
    assert "vướng mắc" in done.plain_text
    refused = await officer.send_document("khac.pdf", b"%PDF-1.4")
    assert "Chỉ quản trị viên" in refused.plain_text
    assert count(engine, Evidence) == 0


# --------------------------------------------------------------------------
# 3. A unit with nothing due and nothing done ranks after units that finished work
# --------------------------------------------------------------------------


def test_a_unit_with_nothing_due_ranks_after_units_with_results(tracked_data):
    from datetime import date, datetime, timedelta

    from reminders.ranking import ScoreTally
    from reminders.scan import _ranking_block
    from storage.models import STATUS_DONE, STATUS_IN_PROGRESS, Unit
    from tests.data import TODAY, TZ

    engine = tracked_data
    with session_scope(engine) as session:
        units = {u.name: u.id for u in session.exec(select(Unit))}
    tally = ScoreTally(today=TODAY, tz=TZ)
    idle, busy = units["UBND phường Phú Hội"], units["Phòng Cải cách hành chính"]
    for _ in range(5):  # five tasks, none due yet, none done: «100% đúng hạn · 0/5 xong» before the fix
        tally.add(idle, STATUS_IN_PROGRESS, TODAY + timedelta(days=20), 0, None)
    finished = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
    tally.add(busy, STATUS_DONE, date(2026, 3, 6), 100, finished)  # done on time
    tally.add(busy, STATUS_IN_PROGRESS, date(2026, 3, 2), 40, None)  # late
    with session_scope(engine) as session:
        scores = tally.scores(session=session)
    assert [s.unit for s in scores] == ["Phòng Cải cách hành chính", "UBND phường Phú Hội"]
    block = _ranking_block(scores)
    assert "1. Phòng Cải cách hành chính: 50% đúng hạn · 1/2 xong · tiến độ 70%" in block
    assert "2. UBND phường Phú Hội: chưa có việc đến hạn · 0/5 xong" in block
    assert "100% đúng hạn" not in block


# --------------------------------------------------------------------------
# 4. /donvi, weekly digests, the chart's title, decimals, the audit log's times, roles, percentages
# --------------------------------------------------------------------------


async def test_the_unit_digests_own_example_works(tracked):
    import re

    _, emu, _ = tracked
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    usage = await manager.say("/donvi")
    example = re.search(r"ví dụ (/donvi [^.\n]+)\.", usage.plain_text).group(1)
    answer = await manager.say(example)
    assert "Không" not in answer.plain_text.split("\n")[0], answer.plain_text
    assert "Tổng" in answer.plain_text or "nhiệm vụ" in answer.plain_text
    # The abbreviation the old example used reads too.
    short = await manager.say("/donvi Phòng CCHC")
    assert "Phòng Cải cách hành chính" in short.plain_text and "Không tìm" not in short.plain_text


async def test_a_weekday_that_does_not_exist_is_refused_with_an_example(tracked):
    from storage.models import Subscription

    _, emu, engine = tracked
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    refused = await manager.say("/dangkytonghop hằng tuần thứ 8")
    assert "Không hiểu thứ «thu 8»" in refused.plain_text
    assert "/dangkytonghop hằng tuần thứ 2 07:30" in refused.plain_text
    assert count(engine, Subscription) == 0
    done = await manager.say("/dangkytonghop hằng tuần thứ bảy 07:30")
    assert "Đã đăng ký" in done.plain_text
    with session_scope(engine) as session:
        assert session.exec(select(Subscription)).one().weekday == 5


def test_a_long_chart_title_stays_inside_the_image(monkeypatch):
    from matplotlib import pyplot as plt

    from reminders.ranking import UnitScore, progress_chart

    seen = []
    close = plt.close

    def measured(fig):
        renderer = fig.canvas.get_renderer()
        seen.append((fig._suptitle.get_window_extent(renderer), fig.bbox))
        close(fig)

    monkeypatch.setattr(plt, "close", measured)
    title = (
        "Tổng hợp tuần · Phạm Quốc Hùng · UBND tỉnh Thừa Thiên Huế > Sở Nội vụ > Phòng Cải cách hành chính "
        "> Tổ kiểm tra công vụ, cải cách hành chính và chuyển đổi số"
    )
    scores = [
        UnitScore("UBND phường Phú Hội (UBND thành phố Huế)", 5, 2, 1, 1, 82.5),
        UnitScore("Phòng Cải cách hành chính", 3, 3, 3, 0, 100.0),
    ]
    assert progress_chart(scores, title=title).startswith(b"\x89PNG")
    box, image = seen[-1]
    assert image.x0 <= box.x0 and box.x1 <= image.x1 and box.y1 <= image.y1


def test_numbers_are_written_the_vietnamese_way():
    from reminders.digest import _amount
    from texts.common import number

    assert number(82.5) == "82,5" and number(1720) == "1.720" and number(12345.67) == "12.345,7"
    assert number(100.0) == "100" and number(86.25, 2) == "86,25"
    assert _amount(82.5, "%") == "82,5%" and _amount(1720, "hồ sơ") == "1.720 hồ sơ"


def test_the_audit_logs_times_are_the_offices_whatever_the_machines_zone(monkeypatch):
    import time
    from datetime import datetime

    from tests.data import TZ
    from texts.common import local

    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")  # a server set to Vietnam's time: naive UTC read as local
    time.tzset()
    try:
        assert local(datetime(2026, 3, 10, 2, 0), TZ) == "10/03/2026 09:00"  # stored UTC, as SQLite gives it back
    finally:
        monkeypatch.undo()
        time.tzset()


async def test_audit_log_is_shown_in_the_offices_time(tracked):
    import re

    from storage.models import AuditEntry
    from tests.data import TZ

    _, emu, engine = tracked
    with session_scope(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.entity_code == "NV001")).first()
        at = entry.at
    log = await emu.chat(emu.user(ADMIN_ID, "Minh")).say("/nhatky NV001")
    shown = re.search(r"(\d\d/\d\d/\d{4} \d\d:\d\d)", log.plain_text).group(1)
    from texts.common import local

    assert shown == local(at, TZ)


async def test_a_role_change_that_changes_nothing_is_said_and_not_logged(tracked):
    from storage.models import AuditEntry

    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    same = await admin.say("/vaitro CB01 cán bộ")
    assert "đã là cán bộ" in same.plain_text and "không có gì thay đổi" in same.plain_text
    assert count(engine, AuditEntry, AuditEntry.action == "role") == 0
    changed = await admin.say("/vaitro CB01 lãnh đạo")
    assert "→ lãnh đạo" in changed.plain_text
    assert count(engine, AuditEntry, AuditEntry.action == "role") == 1


async def test_a_percentage_target_takes_0_to_100_with_a_decimal_comma(tracked):
    import re

    from storage.models import TargetValue

    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    listing = await admin.say("/capnhatchitieu")
    assert "82,5%" in listing.plain_text and "82.5" not in listing.plain_text
    code = re.search(r"(CT\d+) Chỉ số SIPAS", listing.plain_text).group(1)
    before = count(engine, TargetValue)
    refused = await admin.say(f"/capnhatchitieu {code} 1.720")
    assert "từ 0 đến 100" in refused.plain_text and "82,5" in refused.plain_text
    assert count(engine, TargetValue) == before
    recorded = await admin.say(f"/capnhatchitieu {code} 86,5 quý III")
    assert "86,5%" in recorded.plain_text and "82,5%" in recorded.plain_text


# --------------------------------------------------------------------------
# 5. Lateness: one rule (working days of the office's calendar), said the same way
# --------------------------------------------------------------------------


def _about(text: str, code: str) -> str:
    """The part of a list about one task: from its code to the next task's."""
    start = text.index(code) + len(code)
    after = re.search(r"NV\d{3}", text[start:])
    return text[start - len(code) : start + (after.start() if after else len(text))]


async def _lateness_everywhere(emu, code: str) -> dict[str, str]:
    """How ``code``'s lateness reads to its owner (CB02: /nhiemvu, the card its button opens) and its
    leader (LD01: /theodoi, /xem, /tonghop)."""
    owner = emu.chat(emu.user(OFFICER2_ID, "Nam"))
    leader = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    mine = await owner.say("/nhiemvu")
    card = await owner.click(mine, code)
    watched = await leader.say("/theodoi quá hạn")
    shown = await leader.say(f"/xem {code}")
    digest = await leader.say("/tonghop")
    return {
        "/nhiemvu": _about(mine.plain_text, code),
        "thẻ báo cáo": card.plain_text,
        "/theodoi": _about(watched.plain_text, code),
        "/xem": shown.plain_text,
        "/tonghop": next(row for row in digest.plain_text.split("\n") if code in row),
    }


async def test_lateness_is_one_rule_said_one_way_on_the_card_the_lists_the_digest_and_the_escalation(tracked):
    from datetime import date

    from reminders.cycle import ReminderCycle
    from reminders.dispatch import Dispatcher, Pacer
    from reminders.scan import ScanConfig
    from storage.models import OFFICE_DAY_OFF, OfficeDay

    application, emu, engine = tracked
    # NV003 (CB02's, LD01 answers for it) was due Thursday 05/03: Friday, Monday and today (Tuesday
    # 10/03) are 3 working days, the weekend between them 5 calendar days.
    for where, text in (await _lateness_everywhere(emu, "NV003")).items():
        assert "quá hạn 3 ngày làm việc" in text, (where, text)
        assert "quá hạn 5" not in text and "trễ" not in text, (where, text)

    settings = application.bot_data.settings
    clock = application.bot_data.clock
    cycle = ReminderCycle(
        engine,
        application.bot,
        ScanConfig.from_settings(settings),
        clock=clock,
        dispatcher=Dispatcher(
            engine, application.bot, clock=clock, pacer=Pacer(per_second=10_000, per_chat_interval=0)
        ),
        exports=application.bot_data.exports,
    )
    await cycle.run()
    escalation = next(
        m
        for m in emu.sent
        if m.chat_id == MANAGER_ID and "Báo cáo lãnh đạo" in m.plain_text and "NV003" in m.plain_text
    )
    assert "quá hạn 3 ngày làm việc" in escalation.plain_text

    # The office's own day off counts everywhere: Friday 06/03 off, 2 working days late.
    with session_scope(engine) as session:
        session.add(OfficeDay(day=date(2026, 3, 6), kind=OFFICE_DAY_OFF, note="nghỉ bù của tỉnh"))
    for where, text in (await _lateness_everywhere(emu, "NV003")).items():
        assert "quá hạn 2 ngày làm việc" in text, (where, text)
    unit = await emu.chat(emu.user(MANAGER_ID, "Hùng")).say("/donvi Phòng Cải cách hành chính")
    assert "quá hạn 2 ngày làm việc" in next(row for row in unit.plain_text.split("\n") if "NV003" in row)


# --------------------------------------------------------------------------
# 7. /nhiemvu and /nhatky say how many there are and turn pages with ◀ ▶
# --------------------------------------------------------------------------


def _more_tasks(engine, count: int) -> None:
    from tracking.sheets import import_sheet

    rows = "".join(f"NV{100 + i},Việc thêm số {i},CB01,LD01,{10 + i:02d}/06/2026,Kết quả {i}\n" for i in range(count))
    sheet = "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt\n" + rows
    with session_scope(engine) as session:
        import_sheet(session=session, file_name="them.csv", data=sheet.encode(), actor=None, actor_name="thử")


async def test_my_tasks_are_paged_with_the_count(tracked):
    from tests.conftest import STRANGER_ID

    _, emu, engine = tracked
    _more_tasks(engine, 10)  # CB01 now carries out 13 open tasks
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    first = await officer.say("/nhiemvu")
    assert "13 nhiệm vụ đang mở" in first.plain_text
    assert "Trang 1/2: nhiệm vụ 1–10 trong 13" in first.plain_text
    assert len([d for _, d in first.buttons() if d.startswith("t:")]) == 10
    assert [d for _, d in first.buttons() if d.startswith("tp:")] == ["tp:1"]
    second = await officer.press(first, "tp:1")
    assert "Trang 2/2: nhiệm vụ 11–13 trong 13" in second.plain_text
    assert "11. " in second.plain_text and "NV109" in second.plain_text and "NV001" not in second.plain_text
    assert len([d for _, d in second.buttons() if d.startswith("t:")]) == 3
    assert [d for _, d in second.buttons() if d.startswith("tp:")] == ["tp:0"]
    back = await officer.press(second, "tp:0")
    assert "Trang 1/2" in back.plain_text and "NV001" in back.plain_text
    # A forged page past the end shows the last one; a stranger gets nobody's tasks.
    assert "Trang 2/2" in (await officer.press(first, "tp:99")).plain_text
    stranger = emu.chat(emu.user(STRANGER_ID, "Khách"))
    refused = await stranger.press(await stranger.say("/start"), "tp:1")
    assert "chưa được gắn" in refused.plain_text and "NV1" not in refused.plain_text
    # Ten or fewer: no page line, no ◀ ▶.
    few = await emu.chat(emu.user(MANAGER_ID, "Hùng")).say("/nhiemvu")
    assert "Trang" not in few.plain_text and not [d for _, d in few.buttons() if d.startswith("tp:")]


async def test_the_audit_log_is_paged_with_the_count(tracked):
    from storage.models import AuditEntry
    from storage.tracking import audit

    _, emu, engine = tracked
    with session_scope(engine) as session:
        for i in range(30):
            audit(
                session=session,
                actor=None,
                actor_name="thử",
                action="snooze",
                entity="task",
                entity_code=f"NV{100 + i}",
            )
    total = count(engine, AuditEntry)
    assert total > 40
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    first = await admin.say("/nhatky")
    pages = -(-total // 20)
    assert f"Trang 1/{pages}: dòng 1–20 trong {total}" in first.plain_text
    assert [d for _, d in first.buttons()] == ["nk:1"]
    second = await admin.press(first, "nk:1")
    assert f"Trang 2/{pages}: dòng 21–40 trong {total}" in second.plain_text
    assert [d for _, d in second.buttons()] == ["nk:0", "nk:2"]
    assert second.plain_text != first.plain_text
    # One task's lines: fewer than a page, no buttons.
    one = await admin.say("/nhatky NV003")
    assert "Trang" not in one.plain_text and not one.buttons()
    # Only admins read it, by command or by button.
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    assert "Chỉ quản trị viên" in (await officer.press(await officer.say("/start"), "nk:1")).plain_text
    assert "Chỉ quản trị viên" in (await officer.say("/nhatky")).plain_text


# --------------------------------------------------------------------------
# 6. /themnhiemvu takes a name for the owner and the accountable leader, with choices when several fit
# --------------------------------------------------------------------------


def _one_more_lan(engine) -> None:
    from tests.data import DIVISION
    from tracking.sheets import import_sheet

    sheet = f"Mã cán bộ,Họ và tên,Đơn vị,Vai trò,Cấp trên\nCB11,Trần Thị Lan,{DIVISION},cán bộ,LD01\n"
    with session_scope(engine) as session:
        import_sheet(session=session, file_name="can-bo.csv", data=sheet.encode(), actor=None, actor_name="thử")


async def test_add_task_takes_names_and_offers_choices(tracked):
    _, emu, engine = tracked
    _one_more_lan(engine)
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    await manager.say("/themnhiemvu")
    owner_step = await manager.say("Tập huấn kỹ năng một cửa cho cán bộ phường")
    assert "mã hoặc họ tên cán bộ thực hiện" in owner_step.plain_text
    # The example is a real person of the manager's scope: its code and its name both work.
    example = owner_step.plain_text.split("Ví dụ: ", 1)[1]
    assert example.split()[0] in {"CB01", "CB02", "CB11"} and "CB001" not in owner_step.plain_text
    choices = await manager.say("lan")  # two people called Lan in his scope
    assert "Có 2 người" in choices.plain_text and "«lan»" in choices.plain_text
    picked = dict((label, data) for label, data in choices.buttons())
    assert set(picked) == {"Nguyễn Thị Lan (CB01)", "Trần Thị Lan (CB11)"}
    leader_step = await manager.press(choices, picked["Trần Thị Lan (CB11)"])
    assert "3/7" in leader_step.plain_text and "Ví dụ: LD01 hoặc Phạm Quốc Hùng" in leader_step.plain_text
    # An officer is refused as the accountable leader, by name as by code; the step stays.
    refused = await manager.say("Nguyễn Thị Lan")
    assert "không phải lãnh đạo" in refused.plain_text
    assert "4/7" in (await manager.say("pham quoc hung")).plain_text  # without diacritics
    # Someone of another branch is not found by name (nor disclosed).
    await manager.say("không")
    await manager.say("15/12/2030")
    await manager.say("100% cán bộ một cửa được tập huấn")
    summary = await manager.say("không")
    assert "Trần Thị Lan (CB11)" in summary.plain_text and "Phạm Quốc Hùng (LD01)" in summary.plain_text
    saved = await manager.click(summary, "Lưu")
    assert "Đã giao nhiệm vụ" in saved.plain_text
    with session_scope(engine) as session:
        from storage.tracking import staff_by_code

        task = session.exec(select(Task).where(Task.title.startswith("Tập huấn"))).one()
        assert task.owner_id == staff_by_code(session=session, code="CB11").id
        assert task.accountable_id == staff_by_code(session=session, code="LD01").id


async def test_a_name_outside_the_scope_is_not_found(tracked):
    _, emu, _ = tracked
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    await manager.say("/themnhiemvu")
    await manager.say("Việc thử")
    refused = await manager.say("Võ Minh Tuấn")  # CB03, of the ward: another branch
    assert "Không có cán bộ" in refused.plain_text and "CB03" not in refused.plain_text
    assert "2/7" not in refused.plain_text or "3/7" not in refused.plain_text
    assert "3/7" in (await manager.say("le van nam")).plain_text  # CB02 of his division


# --------------------------------------------------------------------------
# 2. An older sheet does not silently undo changes made in chat since the last import
# --------------------------------------------------------------------------


async def test_reimporting_an_older_sheet_does_not_undo_an_extension_without_confirmation(tracked):
    from datetime import date

    from storage.models import AuditEntry
    from tests.data import task_sheet

    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    sheet = task_sheet()  # the office's sheet, as imported: NV003 due 05/03/2026 (overdue)
    extended = await manager.say("/giahan NV003 30/06/2026 chờ kết quả số hóa của các xã")
    assert "30/06/2026" in extended.plain_text
    refused = await admin.send_document("nhiem-vu.csv", sheet)
    text = refused.plain_text
    assert "không có gì được ghi" in text
    assert "NV003 đã đổi trong chat" in text and "Phạm Quốc Hùng" in text and "→ 30/06/2026" in text
    assert "tệp ghi 05/03/2026" in text and "«ghi đè»" in text
    assert task_of(engine, "NV003").deadline == date(2026, 6, 30)  # kept
    # A sheet that agrees with the chat (or touches other fields only) goes in.
    fixed = sheet.replace(b"05/03/2026", b"30/06/2026")
    assert "Đã nhập" in (await admin.send_document("nhiem-vu.csv", fixed)).plain_text
    assert task_of(engine, "NV003").deadline == date(2026, 6, 30)
    # After that import, the old date is a change of the sheet's own: confirmed with «ghi đè».
    await manager.say("/giahan NV003 31/07/2026 thêm thời gian tổng hợp")
    assert "không có gì được ghi" in (await admin.send_document("nhiem-vu.csv", fixed)).plain_text
    done = await admin.send_document("nhiem-vu.csv", fixed, caption="ghi đè")
    assert "Đã nhập" in done.plain_text
    assert task_of(engine, "NV003").deadline == date(2026, 6, 30)
    with session_scope(engine) as session:
        line = session.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "import", AuditEntry.entity_code == "NV003")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert "ghi đè" in line.note and line.field == "Thời hạn"


async def test_reimporting_does_not_undo_a_reassignment(tracked):
    from storage.tracking import staff_by_code
    from tests.data import task_sheet

    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    assert "Lê Văn Nam" in (await admin.say("/giao NV001 CB02")).plain_text
    refused = await admin.send_document("nhiem-vu.csv", task_sheet())
    assert "Dòng 2 (Người thực hiện): NV001 đã đổi trong chat" in refused.plain_text
    assert "Trần Văn Minh" in refused.plain_text
    with session_scope(engine) as session:
        assert task_by_code(session=session, code="NV001").owner_id == staff_by_code(session=session, code="CB02").id


# --------------------------------------------------------------------------
# 10. The demo's sample data plays the leader's loop
# --------------------------------------------------------------------------


async def test_the_demos_sample_data_gives_the_leader_something_to_act_on(running_bot, engine):
    from devtools.demo_data import seed, share_sample_files
    from tests.data import NOW, TODAY

    _, emu = running_bot
    assert seed(engine, today=TODAY, now=NOW)
    share_sample_files(emu)
    leader = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    blocked = await leader.say("/theodoi vướng mắc")
    assert "NV007" in blocked.plain_text
    card = await leader.say("/xem NV007")
    assert "chờ Sở Tư pháp góp ý" in card.plain_text
    review = await leader.say("/xem NV008")
    labels = [label for label, _ in review.buttons()]
    assert any("Xác nhận hoàn thành" in label for label in labels), labels
    evidence = next(data for _, data in review.buttons() if data.startswith("ev:"))
    sent = await leader.press(review, evidence)
    assert sent.document is not None and sent.file_name == "bien-ban-tap-huan.pdf"
    confirm = next(data for _, data in review.buttons() if data.startswith("rc:"))
    assert "NV008" in (await leader.press(review, confirm)).plain_text
    assert task_of(engine, "NV008").status == "done"
    asked = await leader.say("/xem NV001")
    assert "chờ đủ 300 phiếu" in asked.plain_text
    assert any(data.startswith("xa:") for _, data in asked.buttons())
    talk = await leader.say("/xem NV002")
    assert "trước thứ Sáu" in talk.plain_text and "chiều thứ Năm" in talk.plain_text
