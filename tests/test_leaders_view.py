"""The leader's view (/theodoi) and a task's card (/xem) end to end through the emulator: the
manager of the division sees his scope and filters it (typed with or without diacritics), the admin
sees everything and picks among units of the same name, an officer is pointed to /nhiemvu, paging
with ◀ ▶, the card's five «rõ», history, conversation, pending extension and the buttons each
reader gets, evidence sent back by its file id, and refusals outside the scope."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from storage import tracking as db
from storage.db import session_scope
from storage.models import (
    EXTENSION_PENDING,
    STATUS_REVIEW,
    Evidence,
    ExtensionRequest,
    Milestone,
    Task,
    TaskComment,
    TaskSeries,
)
from tests.conftest import ADMIN_ID, MANAGER_ID, OFFICER_ID, STRANGER_ID, WARD_MANAGER_ID
from tests.data import NOTES, NOW, TODAY


def _codes(message) -> list[str]:
    return re.findall(r"^\d+\. ([A-Z]{2}\d+)", message.plain_text, re.M)


def _task(engine, code: str) -> Task:
    with session_scope(engine) as session:
        return db.task_by_code(session=session, code=code)


def _set(engine, code: str, **values) -> None:
    with session_scope(engine) as session:
        task = db.task_by_code(session=session, code=code)
        for name, value in values.items():
            setattr(task, name, value)
        session.add(task)


def _chat(emu, telegram_id: int, name: str):
    return emu.chat(emu.user(telegram_id, name))


async def test_manager_sees_his_scope_and_filters_it(tracked):
    _, emu, engine = tracked
    _set(engine, "NV002", status=STATUS_REVIEW, progress=100)
    officer = _chat(emu, OFFICER_ID, "Lan")
    await officer.say("/baocao NV001 vướng mắc chờ phiếu khảo sát của Sở")
    manager = _chat(emu, MANAGER_ID, "Hùng")

    everything = await manager.say("/theodoi")
    assert sorted(_codes(everything)) == ["NV001", "NV002", "NV003", "NV006"]
    assert _codes(everything)[:2] == ["NV001", "NV002"]  # blocked and awaiting review first
    assert "NV004" not in everything.plain_text and "NV005" not in everything.plain_text
    assert [d for _, d in everything.buttons()] == [f"cd:{_task(engine, c).id}" for c in _codes(everything)]

    for typed, expected in (
        ("quá hạn", ["NV003"]),
        ("qua han", ["NV003"]),
        ("tre han", ["NV003"]),
        ("vướng mắc", ["NV001"]),
        ("bi vuong", ["NV001"]),
        ("chờ duyệt", ["NV002"]),
        ("can duyet", ["NV002"]),
        ("sắp đến hạn", ["NV001"]),
        ("sap het han", ["NV001"]),
        ("CB02", ["NV003"]),
        ("cb01 sap den han", ["NV001"]),
        ("Phòng CCHC", ["NV001", "NV002", "NV003", "NV006"]),
        ("vuong mac phong cai cach hanh chinh", ["NV001"]),
    ):
        listed = await manager.say(f"/theodoi {typed}")
        assert sorted(_codes(listed)) == expected, (typed, listed.plain_text)
    both = await manager.say("/watch quá hạn và vướng mắc")  # filters combine: both must hold
    assert _codes(both) == [] and "Không có nhiệm vụ nào" in both.plain_text
    assert "quá hạn, vướng mắc" in both.plain_text

    unknown = await manager.say("/theodoi xyz abc")
    assert "Không hiểu bộ lọc «xyz abc»" in unknown.plain_text
    for valid in ("quá hạn", "vướng mắc", "chờ duyệt", "sắp đến hạn", "/theodoi vuong mac Phong CCHC"):
        assert valid in unknown.plain_text
    # The ward is another branch: neither its unit nor its staff are filters of his.
    assert "Không hiểu bộ lọc" in (await manager.say("/theodoi Phú Hội")).plain_text
    ward_staff = await manager.say("/theodoi CB03")  # read as a code unknown: whether CB03 exists is not said
    nobody = await manager.say("/theodoi CB99")
    assert "Không hiểu bộ lọc «CB03»" in ward_staff.plain_text and "Võ Minh Tuấn" not in ward_staff.plain_text
    assert ward_staff.plain_text.replace("CB03", "CB99") == nobody.plain_text


async def test_admin_sees_everything_and_chooses_among_units(tracked):
    _, emu, engine = tracked
    admin = _chat(emu, ADMIN_ID, "Minh")
    everything = await admin.say("/theodoi")
    assert sorted(_codes(everything)) == ["NV001", "NV002", "NV003", "NV004", "NV005", "NV006"]
    ward = await admin.say("/theodoi phu hoi")
    assert sorted(_codes(ward)) == ["NV004", "NV005"]
    assert "UBND phường Phú Hội" in ward.plain_text

    choice = await admin.say("/theodoi quá hạn UBND")  # three units are called «UBND …»
    labels = [label for label, _ in choice.buttons()]
    assert "Chọn một đơn vị" in choice.plain_text and len(labels) == 3, labels
    assert all(data.startswith("w:1:o") for _, data in choice.buttons())
    picked = await admin.click(choice, "Phú Hội")
    assert picked.edited and _codes(picked) == ["NV005"]  # overdue, in the ward
    assert "quá hạn" in picked.plain_text and "UBND phường Phú Hội" in picked.plain_text


async def test_officers_and_strangers_are_refused_the_watch(tracked):
    _, emu, engine = tracked
    officer = _chat(emu, OFFICER_ID, "Lan")
    refused = await officer.say("/theodoi")
    assert "Chỉ lãnh đạo" in refused.plain_text and "/nhiemvu" in refused.plain_text
    assert not _codes(refused)
    forged = await officer.press(refused, "w:1:")
    assert "Chỉ lãnh đạo" in forged.plain_text
    stranger = _chat(emu, STRANGER_ID, "Khách")
    assert "chưa được gắn" in (await stranger.say("/theodoi quá hạn")).plain_text
    assert "chưa được gắn" in (await stranger.say("/xem NV001")).plain_text


async def test_paging_ten_a_page(tracked):
    _, emu, engine = tracked
    with session_scope(engine) as session:
        template = db.task_by_code(session=session, code="NV003")
        for n in range(1, 22):  # 21 more overdue tasks in the division: 25 in the manager's scope
            session.add(
                Task(
                    code=f"NX{n:03d}",
                    title=f"Việc thêm số {n}",
                    owner_id=template.owner_id,
                    accountable_id=template.accountable_id,
                    host_unit_id=template.host_unit_id,
                    deadline=TODAY + timedelta(days=40 + n),
                    expected_result="Kết quả",
                    created_at=NOW,
                )
            )
    manager = _chat(emu, MANAGER_ID, "Hùng")
    first = await manager.say("/theodoi")
    assert "25 nhiệm vụ" in first.plain_text and "trang 1/3" in first.plain_text
    assert len(_codes(first)) == 10
    nav = [label for label, data in first.buttons() if data.startswith("w:")]
    assert nav == ["Trang sau ▶"]
    second = await manager.click(first, "Trang sau")
    assert second.edited and "trang 2/3" in second.plain_text
    assert re.search(r"^11\. ", second.plain_text, re.M)
    assert [label for label, data in second.buttons() if data.startswith("w:")] == ["◀ Trang trước", "Trang sau ▶"]
    third = await manager.click(second, "Trang sau")
    assert "trang 3/3" in third.plain_text and len([d for _, d in third.buttons() if d.startswith("cd:")]) == 5
    back = await manager.click(third, "Trang trước")
    assert "trang 2/3" in back.plain_text
    # Filters travel with the pages: the overdue ones are NV003 alone.
    late = await manager.say("/theodoi quá hạn")
    assert _codes(late) == ["NV003"] and not [d for _, d in late.buttons() if d.startswith("w:")]
    # A page beyond the last shows the last; forged states are refused.
    beyond = await manager.press(first, "w:9:")
    assert "trang 3/3" in beyond.plain_text
    ward_unit = _unit_id(engine, "CB03")
    forged = await manager.press(first, f"w:1:u{ward_unit}")
    assert "không thuộc phạm vi" in forged.plain_text and "NV00" not in forged.plain_text
    with session_scope(engine) as session:
        ward_officer = db.staff_by_code(session=session, code="CB03").id
    someone = await manager.press(first, f"w:1:p{ward_officer}")
    assert "Cán bộ này không thuộc phạm vi" in someone.plain_text and "Võ Minh Tuấn" not in someone.plain_text
    assert "Nút không hợp lệ" not in someone.plain_text


def _unit_id(engine, staff_code: str) -> int:
    with session_scope(engine) as session:
        return db.staff_by_code(session=session, code=staff_code).unit_id


async def test_card_shows_the_five_points_history_and_conversation(tracked):
    _, emu, engine = tracked
    with session_scope(engine) as session:
        task = db.task_by_code(session=session, code="NV003")
        task.description = "Số hóa toàn bộ hồ sơ TTHC tiếp nhận từ 01/01."
        task.coordinating_units = "Văn phòng UBND tỉnh; Sở Thông tin và Truyền thông"
        task.measure = "Tỷ lệ hồ sơ được số hóa"
        session.add(
            Milestone(task_id=task.id, title="Xong hồ sơ quý I", due_date=TODAY + timedelta(days=5), progress=60)
        )
        lan = db.staff_by_code(session=session, code="LD01")
        session.add(
            TaskComment(
                task_id=task.id,
                staff_id=lan.id,
                author=lan.full_name,
                text="Đồng chí ưu tiên hồ sơ đất đai",
                created_at=NOW - timedelta(hours=3),
            )
        )
        session.add(
            ExtensionRequest(
                task_id=task.id,
                staff_id=task.owner_id,
                old_deadline=task.deadline,
                new_deadline=TODAY + timedelta(days=20),
                reason="chờ máy quét mới",
                status=EXTENSION_PENDING,
                created_at=NOW,
            )
        )
    manager = _chat(emu, MANAGER_ID, "Hùng")
    card = await manager.say("/xem nv003")
    text = card.plain_text
    for shown in (
        "NV003",
        "Rõ việc",
        "Số hóa toàn bộ hồ sơ",
        "Rõ người",
        "Lê Văn Nam (CB02)",
        "Rõ trách nhiệm",
        "Phạm Quốc Hùng (LD01)",
        "Phòng Cải cách hành chính",
        "Sở Thông tin",
        "Rõ tiến độ",
        "40%",
        "quá hạn 3 ngày làm việc",  # Thursday 05/03 to Tuesday 10/03: the digest's count
        "Xong hồ sơ quý I",
        "60%",
        "Rõ hiệu quả",
        "100% hồ sơ tiếp nhận được số hóa",
        "Tỷ lệ hồ sơ được số hóa",
        "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "Báo cáo",
        NOTES["NV003"],
        "Trao đổi",
        "ưu tiên hồ sơ đất đai",
        "Đề nghị gia hạn đang chờ",
        "chờ máy quét mới",
    ):
        assert shown in text, (shown, text)
    labels = [label for label, _ in card.buttons()]
    # LD01 answers for NV003: he decides the extension, talks, extends, reassigns; he does not report.
    assert "✅ Đồng ý gia hạn" in labels and "✖️ Từ chối gia hạn" in labels
    assert "💬 Trao đổi" in labels and "📅 Gia hạn" in labels and "🔁 Giao lại" in labels
    assert "📝 Báo cáo tiến độ" not in labels and "⏳ Xin gia hạn" not in labels
    with session_scope(engine) as session:
        request = session.exec(select(ExtensionRequest)).one()
    assert dict(card.buttons())["✅ Đồng ý gia hạn"] == f"xa:{request.id}"

    # The ward's manager cannot open it, by command or by a forged button; nothing of it is shown.
    ward = _chat(emu, WARD_MANAGER_ID, "Mai")
    refused = await ward.say("/xem NV003")
    assert "phạm vi của đồng chí" in refused.plain_text and "Số hóa" not in refused.plain_text
    forged = await ward.press(refused, f"cd:{_task(engine, 'NV003').id}")
    assert "phạm vi của đồng chí" in forged.plain_text and "NV003" not in forged.plain_text
    assert "Cách dùng" in (await ward.say("/xem")).plain_text


async def test_card_buttons_follow_who_reads_it(tracked):
    _, emu, engine = tracked
    _set(engine, "NV002", status=STATUS_REVIEW, progress=100)
    officer = _chat(emu, OFFICER_ID, "Lan")
    own = await officer.say("/xem NV001")
    data = dict(own.buttons())
    nv001 = _task(engine, "NV001").id
    assert data["📝 Báo cáo tiến độ"] == f"t:{nv001}" and data["💬 Trao đổi"] == f"cm:{nv001}"
    assert data["⏳ Xin gia hạn"] == f"xe:{nv001}"
    assert "📅 Gia hạn" not in data and "🔁 Giao lại" not in data and "✅ Xác nhận hoàn thành" not in data
    assert "82,5" in own.plain_text  # the SIPAS target's latest value, written the Vietnamese way
    # Awaiting review: the owner waits; the accountable leader (and an admin) confirm or return it.
    waiting = await officer.say("/xem NV002")
    assert "📝 Báo cáo tiến độ" not in dict(waiting.buttons()) and "chờ duyệt" in waiting.plain_text
    nv002 = _task(engine, "NV002").id
    for telegram_id in (MANAGER_ID, ADMIN_ID):
        leader = await _chat(emu, telegram_id, "x").say("/show NV002")
        data = dict(leader.buttons())
        assert data["✅ Xác nhận hoàn thành"] == f"rc:{nv002}" and data["↩️ Trả lại"] == f"rr:{nv002}"
    # From /theodoi, a line's button opens the same card.
    manager = _chat(emu, MANAGER_ID, "Hùng")
    listing = await manager.say("/theodoi chờ duyệt")
    opened = await manager.press(listing, f"cd:{nv002}")
    assert "Rõ trách nhiệm" in opened.plain_text and not opened.edited
    # The owner's report button opens the report card with the percentages.
    report = await officer.click(own, "Báo cáo tiến độ")
    assert "50%" in [label for label, _ in report.buttons()]


async def test_evidence_is_sent_back_by_its_button(tracked):
    _, emu, engine = tracked
    officer = _chat(emu, OFFICER_ID, "Lan")
    card = await officer.say("/xem NV001")
    report = await officer.click(card, "Báo cáo tiến độ")
    await officer.click(report, "50%")
    await officer.send_document("bien-ban.pdf", b"%PDF-1.4 bien ban khao sat")
    mark = emu.mark()
    emu.send_photo(officer.user, b"\xff\xd8\xff\xe0 anh chup bang niem yet")
    await emu.wait_for(lambda m: m.chat_id == OFFICER_ID and "minh chứng" in (m.plain_text or ""), after=mark)
    with session_scope(engine) as session:
        items = {e.file_name: e for e in session.exec(select(Evidence))}
    assert set(items) == {"bien-ban.pdf", "ảnh.jpg"}

    manager = _chat(emu, MANAGER_ID, "Hùng")
    card = await manager.say("/xem NV001")
    assert "Minh chứng" in card.plain_text and "2 tệp" in card.plain_text
    assert (
        dict(card.buttons())[next(label for label, _ in card.buttons() if "bien-ban.pdf" in label)]
        == f"ev:{items['bien-ban.pdf'].id}"
    )
    document = await manager.click(card, "bien-ban.pdf", predicate=lambda m: m.method == "sendDocument")
    assert document.document == b"%PDF-1.4 bien ban khao sat" and "NV001" in document.caption
    photo = await manager.click(card, "ảnh.jpg", predicate=lambda m: m.method == "sendPhoto")
    assert photo.photo == b"\xff\xd8\xff\xe0 anh chup bang niem yet"

    # Outside the scope: the ward's manager gets the refusal, not the file; an unknown id reads the same.
    ward = _chat(emu, WARD_MANAGER_ID, "Mai")
    base = await ward.say("/start")
    mark = emu.mark()
    refused = await ward.press(base, f"ev:{items['bien-ban.pdf'].id}")
    unknown = await ward.press(base, "ev:999999")
    assert "phạm vi của đồng chí" in refused.plain_text and refused.plain_text == unknown.plain_text
    assert not [m for m in emu.sent[mark:] if m.chat_id == WARD_MANAGER_ID and m.document is not None]


async def test_a_long_card_stays_one_message(tracked):
    _, emu, engine = tracked
    long = "🚧 vướng mắc kéo dài " * 120
    _set(
        engine,
        "NV001",
        description="📄 mô tả rất dài " * 200,
        coordinating_units="Sở Nội vụ; " * 90,
        measure="đo " * 80,
    )
    officer = _chat(emu, OFFICER_ID, "Lan")
    for n in range(12):
        await officer.say(f"/baocao NV001 {n * 5} {long}")
    with session_scope(engine) as session:
        task = db.task_by_code(session=session, code="NV001")
        for _ in range(12):
            session.add(TaskComment(task_id=task.id, author="Phạm Quốc Hùng", text=long[:2000], created_at=NOW))
    card = await _chat(emu, MANAGER_ID, "Hùng").say("/xem NV001")
    assert len(card.text.encode("utf-16-le")) // 2 <= 4096
    assert "…" in card.plain_text and re.search(r"còn \d+ báo cáo trước nữa", card.plain_text)
    assert re.search(r"còn \d+ ý kiến trước nữa", card.plain_text)
    assert "Rõ hiệu quả" in card.plain_text and not emu.errors


async def test_the_cards_hint_buttons_check_who_presses_them(tracked):
    """«Xin gia hạn» (the owner) and «Giao lại» (managers in scope, admins) say how to do it; pressed
    (or forged) by anyone else, they are refused on the server like the card would not show them."""
    _, emu, engine = tracked
    nv001 = _task(engine, "NV001").id
    officer = _chat(emu, OFFICER_ID, "Lan")
    card = await officer.say("/xem NV001")
    hint = await officer.click(card, "Xin gia hạn")
    assert "/xingiahan NV001" in hint.plain_text and "13/03/2026" in hint.plain_text
    refused = await officer.press(card, f"gl:{nv001}")
    assert "Chỉ lãnh đạo phụ trách" in refused.plain_text

    manager = _chat(emu, MANAGER_ID, "Hùng")
    card = await manager.say("/xem NV001")
    assert "/giao NV001" in (await manager.click(card, "Giao lại")).plain_text
    assert "Chỉ người thực hiện" in (await manager.press(card, f"xe:{nv001}")).plain_text
    ward = _chat(emu, WARD_MANAGER_ID, "Mai")
    base = await ward.say("/start")
    outside = await ward.press(base, f"gl:{nv001}")
    assert "phạm vi của đồng chí" in outside.plain_text and "NV001" not in outside.plain_text


async def test_a_periodic_reports_card_names_its_series_and_period(tracked):
    _, emu, engine = tracked
    with session_scope(engine) as session:
        task = db.task_by_code(session=session, code="NV006")
        series = TaskSeries(
            code="DK01",
            rule="hằng quý ngày 15 tháng cuối quý",
            title=task.title,
            owner_id=task.owner_id,
            accountable_id=task.accountable_id,
            host_unit_id=task.host_unit_id,
            expected_result=task.expected_result,
            starts_on=TODAY - timedelta(days=60),
        )
        session.add(series)
        session.flush()
        task.series_id, task.period_key = series.id, "2026-Q1"
        session.add(task)
    card = await _chat(emu, MANAGER_ID, "Hùng").say("/xem NV006")
    assert "Báo cáo định kỳ DK01: hằng quý ngày 15 tháng cuối quý · kỳ Quý I/2026" in card.plain_text
