"""Completion is confirmed: a 100% report puts the task «chờ duyệt» and asks its accountable leader, who
confirms («Xác nhận hoàn thành») or returns it with a reason («Trả lại»); only a confirmed task is done.
End to end through the emulator, from the owner's side and the leader's, with the refusals of people
outside the task and a second press; REVIEW_COMPLETION off; «✅ Đã xong» on a reminder asks first."""

from __future__ import annotations

import io

import openpyxl
from sqlmodel import select

from storage.db import session_scope
from storage.models import AuditEntry, Outbox
from tests.conftest import MANAGER_ID, OFFICER2_ID, OFFICER_ID, STRANGER_ID, WARD_MANAGER_ID
from tests.data import NOW
from tests.people import chats, count, forge, sent_to, task_of


async def test_a_completion_awaits_the_leader_who_confirms_it_once(tracked):
    application, emu, engine = tracked
    c = chats(emu)
    task_id = task_of(engine, "NV001").id
    listing = await c["officer"].say("/nhiemvu")
    saved = await c["officer"].press(listing, f"p:{task_id}:100")
    assert "100%" in saved.plain_text and "chờ duyệt" in saved.plain_text
    await c["officer"].say("đã nộp báo cáo khảo sát")  # its note
    task = task_of(engine, "NV001")
    assert (task.status, task.progress, task.done_at) == ("review", 100, None)

    # The leader hears at once: the report, its note, no evidence yet, and the two buttons.
    asked = await c["leader"].expect(lambda m: "Chờ duyệt hoàn thành" in (m.plain_text or ""))
    assert "NV001" in asked.plain_text and "Nguyễn Thị Lan" in asked.plain_text
    assert "Chưa có tệp minh chứng" in asked.plain_text
    assert [d for _, d in asked.buttons()] == [f"rc:{task_id}", f"rr:{task_id}"]
    # Its note and evidence, added after the report, reach the leader too, with the buttons again.
    noted = await c["leader"].expect(lambda m: "đã nộp báo cáo khảo sát" in (m.plain_text or ""))
    assert "NV001" in noted.plain_text and noted.buttons()
    await c["officer"].press(listing, f"p:{task_id}:100")  # the same 100% again: no second request
    stored = await c["officer"].send_document("bien-ban-nghiem-thu.pdf", b"%PDF-1.4 minh chung")
    assert "Đã lưu minh chứng" in stored.plain_text
    more = await c["leader"].expect(lambda m: "bien-ban-nghiem-thu.pdf" in (m.plain_text or ""))
    assert "gửi thêm" in more.plain_text and more.buttons()
    assert len(sent_to(emu, MANAGER_ID, "Chờ duyệt hoàn thành")) == 1

    # Still open: in the manager's digest it counts as «chờ duyệt», not done; the export says so too.
    digest = await c["leader"].say("/tonghop")
    assert "Chờ duyệt: 1" in digest.plain_text and "Hoàn thành: 0" in digest.plain_text

    # Outside the task: the ward's manager and another officer are refused, nothing moves, nobody is told.
    before = len(emu.sent)
    for who in ("ward", "officer2", "stranger"):
        refused = await forge(c[who], via="/huongdan", data=f"rc:{task_id}")
        assert "⛔" in refused.plain_text and "NV001" not in refused.plain_text, (who, refused.plain_text)
    # The owner herself may not confirm her own work.
    own = await forge(c["officer"], via="/huongdan", data=f"rc:{task_id}")
    assert "Chỉ lãnh đạo chịu trách nhiệm" in own.plain_text
    assert task_of(engine, "NV001").status == "review"
    assert not [
        m for m in emu.sent[before:] if m.chat_id not in (WARD_MANAGER_ID, OFFICER2_ID, STRANGER_ID, OFFICER_ID)
    ]

    done = await c["leader"].press(asked, f"rc:{task_id}")
    assert "Đã xác nhận hoàn thành NV001" in done.plain_text
    task = task_of(engine, "NV001")
    assert task.status == "done" and task.done_at is not None
    told = await c["officer"].expect(lambda m: "xác nhận hoàn thành" in (m.plain_text or ""))
    assert "NV001" in told.plain_text and "Phạm Quốc Hùng" in told.plain_text
    assert count(engine, AuditEntry, AuditEntry.action == "review_confirm", AuditEntry.entity_code == "NV001") == 1

    # A second press (or the admin after him) is told it was decided; nothing changes.
    again = await c["leader"].press(asked, f"rc:{task_id}")
    assert "không còn chờ duyệt" in again.plain_text
    late = await forge(c["admin"], via="/huongdan", data=f"rr:{task_id}")
    assert "không còn chờ duyệt" in late.plain_text
    assert count(engine, AuditEntry, AuditEntry.action.like("review_%")) == 1

    mark = emu.mark()
    emu.send_text(c["leader"].user, "/xuatbaocao")
    sent = await emu.wait_for(lambda m: m.chat_id == MANAGER_ID and m.document is not None, after=mark)
    sheet = openpyxl.load_workbook(io.BytesIO(sent.document)).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "NV001")
    assert "hoàn thành" in " ".join(str(v) for v in row if v is not None)


async def test_a_returned_task_goes_back_to_in_progress_with_the_reason(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    task_id = task_of(engine, "NV002").id
    await c["officer"].say("/baocao NV002 100")
    asked = await c["leader"].expect(lambda m: "Chờ duyệt hoàn thành" in (m.plain_text or ""))

    # Another manager cannot even start returning it.
    refused = await forge(c["ward"], via="/huongdan", data=f"rr:{task_id}")
    assert "⛔" in refused.plain_text and "NV002" not in refused.plain_text

    ask = await c["leader"].press(asked, f"rr:{task_id}")
    assert "lý do" in ask.plain_text and "NV002" in ask.plain_text
    assert task_of(engine, "NV002").status == "review"  # nothing moves before the reason
    returned = await c["leader"].say("Thiếu phương án đã được phê duyệt, đề nghị bổ sung")
    assert "Đã trả lại NV002" in returned.plain_text
    task = task_of(engine, "NV002")
    assert task.status == "in_progress" and task.done_at is None
    told = await c["officer"].expect(lambda m: "trả lại" in (m.plain_text or ""))
    assert "Thiếu phương án đã được phê duyệt" in told.plain_text and "Phạm Quốc Hùng" in told.plain_text
    assert any(d.startswith("p:") for _, d in told.buttons())  # report again from the notice
    with session_scope(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "review_return")).one()
        assert entry.entity_code == "NV002" and "phê duyệt" in entry.note

    # Reported 100% again: the leader is asked again, and may confirm this time.
    await c["officer"].say("/baocao NV002 100 đã bổ sung phương án")
    second = await c["leader"].expect(lambda m: "đã bổ sung phương án" in (m.plain_text or ""))
    done = await c["leader"].press(second, f"rc:{task_id}")
    assert "Đã xác nhận" in done.plain_text and task_of(engine, "NV002").status == "done"


async def test_an_admin_may_decide_and_the_accountable_leaders_own_100_is_done_at_once(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    await c["officer"].say("/baocao NV006 100")
    await c["leader"].expect(lambda m: "NV006" in (m.plain_text or "") and "Chờ duyệt" in m.plain_text)
    done = await forge(c["admin"], via="/huongdan", data=f"rc:{task_of(engine, 'NV006').id}")
    assert "Đã xác nhận hoàn thành NV006" in done.plain_text
    assert task_of(engine, "NV006").status == "done"
    # LD01 answers for NV003: his own 100% report needs no one's confirmation.
    saved = await c["leader"].say("/baocao NV003 100")
    assert "hoàn thành" in saved.plain_text
    task = task_of(engine, "NV003")
    assert task.status == "done" and task.done_at is not None


async def test_review_off_makes_100_done_at_once(tracked):
    application, emu, engine = tracked
    data = application.bot_data
    data.settings = data.settings.model_copy(update={"review_completion": False})
    c = chats(emu)
    saved = await c["officer"].say("/baocao NV001 100")
    assert "hoàn thành" in saved.plain_text and "chờ duyệt" not in saved.plain_text
    task = task_of(engine, "NV001")
    assert task.status == "done" and task.done_at is not None
    assert count(engine, Outbox, Outbox.chat_id == MANAGER_ID) == 0  # nobody asked to confirm
    # A report below 100 afterwards reopens it: no longer done.
    await c["officer"].say("/baocao NV001 90 còn thiếu phụ lục")
    task = task_of(engine, "NV001")
    assert task.status == "in_progress" and task.done_at is None


async def test_done_on_a_reminder_asks_first(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    task_id = task_of(engine, "NV001").id
    base = await c["officer"].say("/nhiemvu")
    ask = await c["officer"].press(base, f"d:{task_id}")
    assert "Xác nhận đã xong" in ask.plain_text and "NV001" in ask.plain_text
    assert task_of(engine, "NV001").progress == 0  # nothing recorded by the first tap
    assert [d for _, d in ask.buttons()] == [f"p:{task_id}:100", f"t:{task_id}"]
    saved = await c["officer"].press(ask, f"p:{task_id}:100")
    assert "100%" in saved.plain_text and task_of(engine, "NV001").status == "review"
    # Someone else's task: refused at the first tap.
    refused = await c["officer"].press(base, f"d:{task_of(engine, 'NV005').id}")
    assert "⛔" in refused.plain_text and "NV005" not in refused.plain_text
    assert NOW  # the bot's clock is the tests' fixed one
