"""End-to-end "5 rõ" journeys through the emulator: linking an account, listing
tasks, reporting by button and by command, notes and evidence, corrections,
forged buttons, concurrent reports, the manager's digest and export, admin
changes and imports in chat."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import openpyxl
from sqlmodel import func, select

from storage.db import session_scope
from storage.models import AuditEntry, Evidence, Invite, Report, Staff, Task
from storage.tracking import staff_by_code, task_by_code
from tests.conftest import ADMIN_ID, MANAGER_ID, OFFICER2_ID, OFFICER_ID, STRANGER_ID, WARD_MANAGER_ID
from tests.data import NOW


def _task(engine, code: str) -> Task:
    with session_scope(engine) as session:
        return task_by_code(session=session, code=code)


def _count(engine, model, *where) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


async def _my_cards(chat, count: int):
    """Send /nhiemvu; return its list and the cards of the first ``count`` tasks, opened by their buttons."""
    listing = await chat.say("/nhiemvu")
    tasks = [data for _, data in listing.buttons() if data.startswith("t:")]
    assert len(tasks) == count, listing.buttons()
    return listing, [await chat.press(listing, data) for data in tasks]


async def test_stranger_gets_instructions_and_no_data(tracked):
    _, emu, _ = tracked
    chat = emu.chat(emu.user(STRANGER_ID, "Khách"))
    hello = await chat.say("/start")
    assert "mã mời" in hello.plain_text
    for command in ("/nhiemvu", "/baocao NV001 50", "/tonghop", "/xuatbaocao", "/donvi"):
        answer = await chat.say(command)
        assert "chưa được gắn" in answer.plain_text, command
        assert "NV001" not in answer.plain_text


async def test_known_staff_are_greeted_by_name(tracked):
    _, emu, _ = tracked
    hello = await emu.chat(emu.user(OFFICER_ID, "Lan")).say("/start")
    assert "Nguyễn Thị Lan" in hello.plain_text and "CB01" in hello.plain_text
    assert "/tonghop" not in hello.plain_text  # officers are not shown managers' commands
    boss = await emu.chat(emu.user(MANAGER_ID, "Hùng")).say("/start")
    assert "Phạm Quốc Hùng" in boss.plain_text and "/tonghop" in boss.plain_text


async def test_invite_links_an_account_once(tracked):
    _, emu, engine = tracked
    with session_scope(engine) as session:
        staff_by_code(session=session, code="CB02").telegram_id = None
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    made = await admin.say("/moi CB02")
    code = re.search(r"start=([\w-]+)", made.plain_text).group(1)
    assert "Lê Văn Nam" in made.plain_text

    newcomer = emu.chat(emu.user(7777, "Nam"))
    linked = await newcomer.say(f"/start {code}")
    assert "Đã gắn" in linked.plain_text and "Lê Văn Nam" in linked.plain_text
    assert "Lê Văn Nam" in (await newcomer.say("/start")).plain_text

    thief = emu.chat(emu.user(7778, "Ai đó"))
    assert "đã được dùng" in (await thief.say(f"/start {code}")).plain_text
    assert "không đúng" in (await thief.say("/start khong-co-ma-nay")).plain_text
    with session_scope(engine) as session:
        assert staff_by_code(session=session, code="CB02").telegram_id == 7777

    # An expired invite links nobody.
    with session_scope(engine) as session:
        staff = staff_by_code(session=session, code="LD02")
        staff.telegram_id = None
        past = NOW - timedelta(days=1)  # the bot's clock is at NOW
        session.add(Invite(code="old-code", staff_id=staff.id, created_at=past - timedelta(days=7), expires_at=past))
    assert "hết hạn" in (await thief.say("/start old-code")).plain_text
    with session_scope(engine) as session:
        assert staff_by_code(session=session, code="LD02").telegram_id is None

    # Only admins make invites.
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    assert "Chỉ quản trị viên" in (await officer.say("/moi CB03")).plain_text
    assert _count(engine, Invite) == 2


async def test_officer_reports_by_button_with_a_note_and_manager_sees_it(tracked):
    _, emu, engine = tracked
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    header, cards = await _my_cards(officer, 3)
    assert "3 nhiệm vụ đang mở" in header.plain_text
    codes = [re.match(r"(NV\d+)", c.plain_text).group(1) for c in cards]
    assert codes == ["NV001", "NV002", "NV006"]  # nearest deadline first
    assert "NV003" not in "".join(c.plain_text for c in cards)  # CB02's task is not listed
    # One message lists them, in the same order, a button each; the header counts them.
    listed = re.findall(r"^\d+\. (NV\d+)", header.plain_text, re.M)
    assert listed == codes and "NV003" not in header.plain_text
    assert [text.split(" · ")[0] for text, _ in header.buttons()] == [f"{n}. {c}" for n, c in enumerate(codes, 1)]

    saved = await officer.click(cards[0], "50%")
    assert saved.edited and "Đã ghi báo cáo NV001: 50%" in saved.plain_text
    noted = await officer.say("Đã thu 150/300 phiếu khảo sát")
    assert "Đã thêm ghi chú" in noted.plain_text
    task = _task(engine, "NV001")
    assert (task.progress, task.status) == (50, "in_progress")
    with session_scope(engine) as session:
        report = session.exec(select(Report).where(Report.task_id == task.id)).one()
        assert report.note == "Đã thu 150/300 phiếu khảo sát"

    # The next plain message is a question again, not another note.
    again = await officer.say("chi tieu sipas")
    assert "Đã thêm ghi chú" not in again.plain_text

    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    digest = await manager.say("/tonghop")
    assert "Tổng hợp" in digest.plain_text
    assert "NV003" in digest.plain_text  # overdue, in his division
    mark = emu.mark()
    emu.send_text(manager.user, "/xuatbaocao")
    sent = await emu.wait_for(lambda m: m.chat_id == MANAGER_ID and m.document is not None, after=mark)
    book = openpyxl.load_workbook(io.BytesIO(sent.document))
    sheet = book.worksheets[0]
    header_row = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header_row, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"NV001", "NV002", "NV003", "NV006"}  # his division, not the ward's
    progress_col = next(h for h in header_row if "Tiến độ" in h)
    assert rows["NV001"][progress_col] == 50
    assert any("150/300" in str(v) for v in rows["NV001"].values())


async def test_evidence_file_and_skip(tracked):
    _, emu, engine = tracked
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    _, (card, *_) = await _my_cards(officer, 3)
    await officer.click(card, "25%")
    stored = await officer.send_document("bien-ban.pdf", b"%PDF-1.4 minh chung")
    assert "Đã lưu minh chứng" in stored.plain_text
    done = await officer.click(stored, "Bỏ qua")
    assert "25%" in done.plain_text
    assert _count(engine, Evidence) == 1
    # The flow is over: a file now is not evidence (and an officer may not add documents).
    refused = await officer.send_document("khac.pdf", b"%PDF-1.4")
    assert "Chỉ quản trị viên" in refused.plain_text
    assert _count(engine, Evidence) == 1


async def test_blocked_by_button_asks_for_the_reason(tracked):
    _, emu, engine = tracked
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    _, (card, *_) = await _my_cards(officer, 3)
    ask = await officer.click(card, "Vướng mắc")
    assert "lý do" in ask.plain_text
    saved = await officer.say("chờ phiếu khảo sát từ Sở")
    assert "vướng mắc" in saved.plain_text
    task = _task(engine, "NV001")
    assert task.status == "blocked" and task.blocked_reason == "chờ phiếu khảo sát từ Sở"


async def test_one_line_report_and_correction(tracked):
    _, emu, engine = tracked
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    saved = await officer.say("/baocao nv002 75 đã có dự thảo phương án")
    assert "Đã ghi báo cáo NV002: 75%" in saved.plain_text
    assert _task(engine, "NV002").progress == 75

    bad = await officer.say("/baocao NV002 150")
    assert "0 đến 100" in bad.plain_text
    assert "Cách báo cáo" in (await officer.say("/baocao NV002")).plain_text
    assert _task(engine, "NV002").progress == 75

    fixed = await officer.say("/suabaocao NV002 60")
    assert "Đã sửa báo cáo NV002: 60%" in fixed.plain_text
    assert _task(engine, "NV002").progress == 60
    assert _count(engine, Report) == 3  # two from the sample data, one corrected in place

    blocked = await officer.say("/baocao NV002 vướng mắc chờ ý kiến Sở Tư pháp")
    assert "vướng mắc" in blocked.plain_text
    task = _task(engine, "NV002")
    assert task.status == "blocked" and task.progress == 60 and "Sở Tư pháp" in task.blocked_reason

    done = await officer.say("/report NV002 100")  # awaits the accountable leader's confirmation
    assert "chờ duyệt" in done.plain_text and "xác nhận hoàn thành" in done.plain_text
    assert _task(engine, "NV002").status == "review"


async def test_others_tasks_and_forged_buttons_are_refused(tracked):
    _, emu, engine = tracked
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    theirs = _task(engine, "NV003")
    before = _count(engine, Report)
    refused = await officer.say("/baocao NV003 100")
    assert "Không có nhiệm vụ mã «NV003» trong phạm vi của đồng chí" in refused.plain_text

    header, (card, *_) = await _my_cards(officer, 3)
    forged = await officer.press(card, f"p:{theirs.id}:100")
    assert "⛔" in forged.plain_text
    forged = await officer.press(card, f"b:{theirs.id}")
    assert "⛔" in forged.plain_text
    # Someone else's report cannot be corrected or skipped either.
    with session_scope(engine) as session:
        other_report = session.exec(select(Report).where(Report.task_id == theirs.id)).first()
    for data in (f"c:{other_report.id}", f"k:{other_report.id}:0", f"n:{other_report.id}", f"kb:{other_report.id}"):
        answer = await officer.press(card, data)
        assert "không phải báo cáo của đồng chí" in answer.plain_text, data
    # Garbage callback data gets an alert, not a crash.
    mark = emu.mark()
    emu.press_button(officer.user, header, "p:abc")
    await emu.wait_for_call("answerCallbackQuery", after=len(emu.calls) - 1)
    after = _task(engine, "NV003")
    assert (after.progress, after.status) == (theirs.progress, theirs.status)
    assert _count(engine, Report) == before
    assert not [m for m in emu.sent[mark:] if "Lỗi" in (m.text or "")]


async def test_two_reports_at_the_same_moment_both_land(tracked):
    _, emu, engine = tracked
    officer, manager = emu.user(OFFICER_ID, "Lan"), emu.user(MANAGER_ID, "Hùng")
    mark = emu.mark()
    emu.send_text(officer, "/baocao NV001 40 phần của tôi")
    emu.send_text(manager, "/baocao NV001 45 bổ sung của lãnh đạo")
    await emu.wait_for(lambda m: m.chat_id == OFFICER_ID, after=mark)
    await emu.wait_for(lambda m: m.chat_id == MANAGER_ID, after=mark)
    task = _task(engine, "NV001")
    with session_scope(engine) as session:
        notes = sorted(r.note for r in session.exec(select(Report).where(Report.task_id == task.id)))
    assert notes == ["bổ sung của lãnh đạo", "phần của tôi"]
    assert task.progress in (40, 45)


async def test_manager_unit_digest_stays_in_scope(tracked):
    _, emu, _ = tracked
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    listing = await manager.say("/donvi")
    assert "Phòng Cải cách hành chính" in listing.plain_text and "Phú Hội" not in listing.plain_text
    mine = await manager.say("/donvi phong cai cach hanh chinh")
    assert "NV003" in mine.plain_text
    other = await manager.say("/donvi Phú Hội")
    assert "Không có đơn vị" in other.plain_text and "NV005" not in other.plain_text
    ward = emu.chat(emu.user(WARD_MANAGER_ID, "Mai"))
    assert "NV005" in (await ward.say("/tonghop")).plain_text
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    assert "Chỉ lãnh đạo" in (await officer.say("/tonghop")).plain_text


async def test_admin_adds_a_task_step_by_step(tracked):
    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    mark = emu.mark()
    first = await admin.say("/themnhiemvu")
    assert "1/7" in first.plain_text
    assert "2/7" in (await admin.say("Tập huấn kỹ năng một cửa cho cán bộ phường")).plain_text
    assert "Không có cán bộ" in (await admin.say("CB99")).plain_text
    assert "3/7" in (await admin.say("CB02")).plain_text
    assert "4/7" in (await admin.say("LD01")).plain_text  # «Định kỳ?»: a one-off task
    assert "5/7" in (await admin.say("không")).plain_text
    assert "không có thật" in (await admin.say("31/02/2030")).plain_text
    assert "6/7" in (await admin.say("15/12/2030")).plain_text
    assert "7/7" in (await admin.say("100% cán bộ một cửa được tập huấn")).plain_text
    summary = await admin.say("không")
    assert "Kiểm tra lại" in summary.plain_text and "Lê Văn Nam" in summary.plain_text
    saved = await admin.click(summary, "Lưu")
    assert "Đã giao nhiệm vụ" in saved.plain_text
    code = re.search(r"(NV\d+)", saved.plain_text).group(1)
    task = _task(engine, code)
    assert task.deadline.isoformat() == "2030-12-15" and task.expected_result.startswith("100%")
    # The new owner is told.
    told = await emu.wait_for(lambda m: m.chat_id == OFFICER2_ID, after=mark)
    assert code in told.plain_text
    # Pressing "Lưu" again saves nothing twice.
    again = await admin.click(summary, "Lưu")
    assert "Không có nhiệm vụ nào đang chờ lưu" in again.plain_text


async def test_admin_commands_change_and_audit(tracked):
    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    assert "Lê Văn Nam" in (await admin.say("/giao NV001 CB02")).plain_text
    with session_scope(engine) as session:
        assert task_by_code(session=session, code="NV001").owner_id == staff_by_code(session=session, code="CB02").id
    assert "Hãy ghi lý do" in (await admin.say("/giahan NV001 31/12/2030")).plain_text
    extended = await admin.say("/giahan NV001 31/12/2030 chờ kết quả khảo sát độc lập")
    assert "31/12/2030" in extended.plain_text
    assert "lãnh đạo" in (await admin.say("/vaitro CB01 lãnh đạo")).plain_text
    with session_scope(engine) as session:
        assert staff_by_code(session=session, code="CB01").role == "manager"
    listing = await admin.say("/capnhatchitieu")
    code = re.search(r"(CT\d+) Chỉ số SIPAS", listing.plain_text).group(1)
    recorded = await admin.say(f"/capnhatchitieu {code} 86,5 quý III")
    assert "86,5" in recorded.plain_text and "82,5" in recorded.plain_text
    log = await admin.say("/nhatky NV001")
    assert "gia hạn" in log.plain_text and "giao lại" in log.plain_text and "Trần Văn Minh" in log.plain_text
    assert _count(engine, AuditEntry, AuditEntry.action == "extend") == 1


async def test_import_in_chat_is_all_or_nothing(tracked):
    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    good = (
        "Mã cán bộ,Họ và tên,Đơn vị,Vai trò,Cấp trên\n"
        "CB10,Đặng Thu Hà,UBND tỉnh Thừa Thiên Huế > Sở Nội vụ > Phòng Cải cách hành chính,cán bộ,LD01\n"
    )
    done = await admin.send_document("can-bo-moi.csv", good.encode("utf-8-sig"))
    assert "Đã nhập" in done.plain_text
    assert _count(engine, Staff) == 7
    bad = (
        "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt\n"
        "NV100,Việc mới,CB10,LD01,30/06/2030,Kết quả\n"
        "NV101,Việc khác,CB99,LD01,30/06/2030,Kết quả\n"
    )
    refused = await admin.send_document("nhiem-vu.csv", bad.encode("utf-8"))
    assert "không có gì được ghi" in refused.plain_text and "CB99" in refused.plain_text
    assert _task(engine, "NV100") is None
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    assert "Chỉ quản trị viên" in (await officer.send_document("x.csv", good.encode())).plain_text


async def test_task_commands_stay_out_of_groups(tracked):
    _, emu, _ = tracked
    group = emu.group(-100123, "Nhóm CCHC")
    chat = emu.chat(emu.user(OFFICER_ID, "Lan"), group)
    answer = await chat.say("/nhiemvu")
    assert "tin nhắn riêng" in answer.plain_text and "NV001" not in answer.plain_text


async def test_cancel_leaves_a_conversation(tracked):
    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    await admin.say("/themnhiemvu")
    assert "Đã hủy" in (await admin.say("/huy")).plain_text
    assert "Không có thao tác" in (await admin.say("/huy")).plain_text


async def test_digests_are_built_off_the_event_loop_while_others_are_answered(tracked, monkeypatch):
    """/tonghop and /donvi read every task of their scope: they run on a thread, without holding
    a write lock, so a large scope stops no one (an officer's /nhiemvu is answered, and his report
    written, while a digest is held)."""
    import asyncio
    import threading

    import handlers.manage as manage

    _, emu, engine = tracked
    loop_thread = threading.get_ident()
    started, release = threading.Event(), threading.Event()
    threads: list[int] = []
    real = manage.build_digest

    def slow_build(**kwargs):
        threads.append(threading.get_ident())
        started.set()
        assert release.wait(30), "the digest was never released"
        return real(**kwargs)

    monkeypatch.setattr(manage, "build_digest", slow_build)
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    for command, progress in (("/tonghop", 25), ("/donvi phong cai cach hanh chinh", 50)):
        started.clear()
        release.clear()
        digest = asyncio.ensure_future(manager.say(command))
        assert await asyncio.to_thread(started.wait, 30)
        listing = await officer.say("/nhiemvu")  # answered while the digest is still being built
        assert "NV001" in listing.plain_text
        await officer.say(f"/baocao NV001 {progress}")
        assert _task(engine, "NV001").progress == progress and not digest.done()
        release.set()
        assert "NV" in (await digest).plain_text
    assert threads and loop_thread not in threads
