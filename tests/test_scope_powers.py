"""Managers act within their scope (create, reassign, extend; officers cannot; admins everywhere), and
people hear of changes to their work (given, moved, extended; a sheet's new tasks in one message);
staff not connected to Telegram are listed, and invited all at once. End to end through the emulator."""

from __future__ import annotations

from datetime import date

from storage.db import session_scope
from storage.models import AuditEntry, Invite
from storage.tracking import staff_by_code
from tests.conftest import MANAGER_ID, OFFICER_ID, WARD_MANAGER_ID
from tests.people import chats, count, task_of


def _staff_id(engine, code: str) -> int:
    with session_scope(engine) as session:
        return staff_by_code(session=session, code=code).id


async def test_a_manager_reassigns_and_extends_in_scope_and_both_owners_hear(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    done = await c["leader"].say("/giao NV003 CB01")
    assert "Đã giao lại" in done.plain_text
    assert task_of(engine, "NV003").owner_id == _staff_id(engine, "CB01")
    new = await c["officer"].expect(lambda m: "NV003" in (m.plain_text or ""))
    assert "được Phạm Quốc Hùng giao nhiệm vụ" in new.plain_text and "Lê Văn Nam" in new.plain_text
    old = await c["officer2"].expect(lambda m: "NV003" in (m.plain_text or ""))
    assert "giao lại cho" in old.plain_text and "không còn phải báo cáo" in old.plain_text

    extended = await c["leader"].say("/giahan NV003 30/06/2026 chờ số liệu quý II")
    assert "30/06/2026" in extended.plain_text
    assert task_of(engine, "NV003").deadline == date(2026, 6, 30)
    told = await c["officer"].expect(lambda m: "gia hạn" in (m.plain_text or ""))
    assert "NV003" in told.plain_text and "chờ số liệu quý II" in told.plain_text
    assert (
        count(engine, AuditEntry, AuditEntry.action.in_(("reassign", "extend")), AuditEntry.entity_code == "NV003") == 2
    )


async def test_outside_the_scope_and_officers_are_refused(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    before = len(emu.sent)
    # The ward's task, or a person of the ward: LD01 is refused, as for unknown codes.
    assert "phạm vi của đồng chí" in (await c["leader"].say("/giao NV005 CB01")).plain_text
    assert "Không có cán bộ mã «CB03»" in (await c["leader"].say("/giao NV003 CB03")).plain_text
    assert "phạm vi của đồng chí" in (await c["ward"].say("/giahan NV003 30/06/2026 lý do")).plain_text
    # Officers cannot at all.
    for text in ("/giao NV001 CB02", "/giahan NV001 30/06/2026 lý do", "/themnhiemvu", "/giao"):
        assert "Chỉ lãnh đạo" in (await c["officer"].say(text)).plain_text, text
    assert task_of(engine, "NV005").owner_id == _staff_id(engine, "CB03")
    assert task_of(engine, "NV001").owner_id == _staff_id(engine, "CB01")
    assert not [m for m in emu.sent[before:] if m.chat_id not in (MANAGER_ID, WARD_MANAGER_ID, OFFICER_ID)]
    # The admin, everywhere.
    assert "Đã giao lại" in (await c["admin"].say("/giao NV005 CB01")).plain_text


async def test_a_manager_creates_a_task_for_his_scope_with_a_leader_accountable(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    started = await c["leader"].say("/themnhiemvu NV050")
    assert "1/7" in started.plain_text
    await c["leader"].say("Tổng hợp ý kiến về bộ TTHC mới")
    assert "Không có cán bộ mã «CB03»" in (await c["leader"].say("CB03")).plain_text  # the ward's
    await c["leader"].say("CB02")
    refused = await c["leader"].say("CB01")  # an officer as the accountable leader
    assert "không phải lãnh đạo" in refused.plain_text
    await c["leader"].say("LD01")
    await c["leader"].say("không")  # «Định kỳ?»: a one-off task
    await c["leader"].say("30/04/2026")
    await c["leader"].say("Báo cáo tổng hợp gửi Sở")
    summary = await c["leader"].say("không")
    saved = await c["leader"].click(summary, "Lưu")
    assert "Đã giao nhiệm vụ NV050" in saved.plain_text
    task = task_of(engine, "NV050")
    assert task.owner_id == _staff_id(engine, "CB02") and task.accountable_id == _staff_id(engine, "LD01")
    told = await c["officer2"].expect(lambda m: "NV050" in (m.plain_text or ""))
    assert "giao nhiệm vụ mới" in told.plain_text and "Phạm Quốc Hùng" in told.plain_text


async def test_an_import_sends_each_owner_one_message_listing_their_new_tasks(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    sheet = (
        "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt\n"
        "NV301,Việc thứ nhất,CB01,LD01,30/06/2026,Kết quả một\n"
        "NV302,Việc thứ hai,CB01,LD01,31/05/2026,Kết quả hai\n"
        "NV303,Việc thứ ba,CB02,LD01,30/06/2026,Kết quả ba\n"
        "NV001,Khảo sát sự hài lòng của người dân tại Bộ phận Một cửa,CB01,LD01,13/03/2026,"
        "Báo cáo kết quả khảo sát 300 phiếu\n"
    ).encode()
    imported = await c["admin"].send_document("nhiem-vu.csv", sheet)
    assert "Đã nhập" in imported.plain_text
    lan = await c["officer"].expect(lambda m: "nhiệm vụ mới" in (m.plain_text or ""))
    assert "NV301" in lan.plain_text and "NV302" in lan.plain_text and "NV303" not in lan.plain_text
    assert "NV001" not in lan.plain_text  # an existing task is no new task
    assert lan.plain_text.index("NV302") < lan.plain_text.index("NV301")  # nearest deadline first
    nam = await c["officer2"].expect(lambda m: "nhiệm vụ mới" in (m.plain_text or ""))
    assert "NV303" in nam.plain_text and "NV301" not in nam.plain_text
    assert len([m for m in emu.sent if m.chat_id == OFFICER_ID and "nhiệm vụ mới" in (m.plain_text or "")]) == 1


async def test_staff_not_connected_are_listed_and_invited_at_once(tracked):
    _, emu, engine = tracked
    with session_scope(engine) as session:
        staff_by_code(session=session, code="CB02").telegram_id = None
        staff_by_code(session=session, code="CB03").telegram_id = None
    c = chats(emu)
    digest = await c["leader"].say("/tonghop")
    assert "Chưa kết nối Telegram (1)" in digest.plain_text and "Lê Văn Nam (CB02)" in digest.plain_text
    assert "CB03" not in digest.plain_text  # the ward's is not his
    made = await c["leader"].press(digest, digest.button_data("Tạo mã mời"))
    assert "Đã tạo 1 mã mời" in made.plain_text and "CB02" in made.plain_text and "?start=" in made.plain_text
    assert count(engine, Invite) == 1
    # Pressed again: the open invite is listed again, not a second one made.
    again = await c["leader"].press(digest, digest.button_data("Tạo mã mời"))
    assert "?start=" in again.plain_text and count(engine, Invite) == 1

    admin_digest = await c["admin"].say("/tonghop")
    assert "Chưa kết nối Telegram (2)" in admin_digest.plain_text
    everyone = await c["admin"].press(admin_digest, admin_digest.button_data("Tạo mã mời"))
    assert "CB02" in everyone.plain_text and "CB03" in everyone.plain_text
    assert count(engine, Invite) == 2
    assert count(engine, AuditEntry, AuditEntry.action == "invite") == 2

    # An officer pressing it (forged) is refused; nothing is made.
    base = await c["officer"].say("/huongdan")
    refused = await c["officer"].press(base, "iv:0")
    assert "Chỉ lãnh đạo" in refused.plain_text and "?start=" not in refused.plain_text
    assert count(engine, Invite) == 2
