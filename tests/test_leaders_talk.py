"""Blockers reach the leader at once, talking about a task, extension requests: end to end through the
emulator, from the owner's side and the leader's, with the refusals of people outside the task."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import func, select

from storage.db import session_scope
from storage.models import AuditEntry, ExtensionRequest, Outbox, TaskComment
from storage.tracking import staff_by_code, task_by_code
from tests.conftest import ADMIN_ID, MANAGER_ID, OFFICER_ID
from tests.data import TODAY
from tests.people import chats, count, forge, sent_to, task_of

# ---- blockers ---------------------------------------------------------------------------------------------


async def test_a_blocker_reaches_the_accountable_leader_at_once_and_once(tracked):
    application, emu, engine = tracked
    c = chats(emu)
    saved = await c["officer"].say("/baocao NV001 vướng mắc chờ số liệu của các xã")
    assert "vướng mắc" in saved.plain_text
    notice = await c["leader"].expect(lambda m: "Vướng mắc" in (m.plain_text or ""))
    text = notice.plain_text
    assert "NV001" in text and "Nguyễn Thị Lan" in text and "chờ số liệu của các xã" in text
    data = [d for _, d in notice.buttons()]
    task = task_of(engine, "NV001")
    assert data == [f"cd:{task.id}", f"cm:{task.id}", f"xg:{task.id}"]  # card, reply, extend (a manager)
    # Exactly once: one outbox row, sent; sending again (a reminder cycle's send) sends nothing more.
    assert count(engine, Outbox, Outbox.kind == "notice", Outbox.chat_id == MANAGER_ID) == 1
    from tracking.notices import send_queued

    await send_queued(engine=engine, bot=application.bot, clock=application.bot_data.clock)
    assert len(sent_to(emu, MANAGER_ID, "Vướng mắc")) == 1
    # Nothing went to the officer's own chat about it beyond the reply, nor to anyone else.
    assert not sent_to(emu, OFFICER_ID, "🟠 Vướng mắc —") and not sent_to(emu, ADMIN_ID, "Vướng mắc")

    # By the buttons: «Vướng mắc», then the reason: a second notice (another report).
    card = await c["officer"].press(saved, f"t:{task.id}")
    await c["officer"].click(card, "Vướng mắc")
    await c["officer"].say("vẫn chờ văn bản hướng dẫn")
    second = await c["leader"].expect(lambda m: "vẫn chờ văn bản hướng dẫn" in (m.plain_text or ""))
    assert "NV001" in second.plain_text

    # A correction to «vướng mắc» tells the leader too.
    await c["officer"].say("/baocao NV002 30")
    await c["officer"].say("/suabaocao NV002 vướng mắc thiếu biểu mẫu")
    third = await c["leader"].expect(lambda m: "thiếu biểu mẫu" in (m.plain_text or ""))
    assert "NV002" in third.plain_text


async def test_a_leader_without_telegram_means_the_admins_hear_and_a_leader_is_not_told_of_his_own(tracked):
    _, emu, engine = tracked
    with session_scope(engine) as session:
        staff_by_code(session=session, code="LD02").telegram_id = None
    c = chats(emu)
    await c["ward_officer"].say("/baocao NV005 vướng mắc chưa có bảng niêm yết mới")
    told = await c["admin"].expect(lambda m: "Vướng mắc" in (m.plain_text or ""))
    assert "NV005" in told.plain_text and "chưa gắn Telegram" in told.plain_text
    assert "xg:" in " ".join(d for _, d in told.buttons())  # admins may extend
    # The leader reporting a blocker on a task he answers for is not told of it himself.
    await c["leader"].say("/baocao NV003 vướng mắc chờ hồ sơ giấy")
    await emu.wait_idle()
    assert not sent_to(emu, MANAGER_ID, "🟠 Vướng mắc —")


async def test_the_daily_digest_lists_blocked_tasks_with_their_reasons(tracked):
    _, emu, _ = tracked
    c = chats(emu)
    await c["officer"].say("/baocao NV001 vướng mắc chờ số liệu của các xã")
    digest = await c["admin"].say("/tonghop")
    history = "\n".join(m.plain_text or "" for m in c["admin"].history)
    assert "Vướng mắc (2)" in history, digest.plain_text
    assert "NV001" in history and "chờ số liệu của các xã" in history and "chờ tài khoản quản trị" in history


# ---- comments ---------------------------------------------------------------------------------------------


async def test_comments_go_to_the_owner_and_the_leader_and_stay_on_the_task(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    sent = await c["officer"].say("/traodoi NV001 Em gửi dự thảo vào thứ Sáu được không ạ?")
    assert "Đã ghi trao đổi" in sent.plain_text and "Phạm Quốc Hùng" in sent.plain_text
    heard = await c["leader"].expect(lambda m: "Trao đổi" in (m.plain_text or ""))
    assert "NV001" in heard.plain_text and "Nguyễn Thị Lan" in heard.plain_text and "thứ Sáu" in heard.plain_text
    assert not sent_to(emu, OFFICER_ID, "💬 Trao đổi")  # not the author

    # The leader answers by replying to the notice: a comment on NV001, told to the owner.
    mark = emu.mark()
    emu.send_text(c["leader"].user, "Được, đồng chí gửi trước 16 giờ", chat=MANAGER_ID, reply_to=heard)
    answer = await emu.wait_for(lambda m: m.chat_id == MANAGER_ID, after=mark)
    assert "Đã ghi trao đổi" in answer.plain_text
    back = await c["officer"].expect(lambda m: "trước 16 giờ" in (m.plain_text or ""))
    assert "Phạm Quốc Hùng" in back.plain_text

    # The «Trả lời» button: the next text is a comment.
    task = task_of(engine, "NV001")
    asked = await c["officer"].press(back, f"cm:{task.id}")
    assert "gõ nội dung trao đổi" in asked.plain_text
    await c["officer"].say("Vâng ạ")
    await c["leader"].expect(lambda m: "Vâng ạ" in (m.plain_text or ""))

    with session_scope(engine) as session:
        texts = [t.text for t in session.exec(select(TaskComment).order_by(TaskComment.id))]
        audited = session.exec(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "comment", AuditEntry.entity_code == "NV001")
        ).one()
    assert texts == ["Em gửi dự thảo vào thứ Sáu được không ạ?", "Được, đồng chí gửi trước 16 giờ", "Vâng ạ"]
    assert audited == 3


async def test_a_reply_naming_no_task_or_several_says_how_to_comment(tracked):
    _, emu, _ = tracked
    c = chats(emu)
    listing = await c["officer"].say("/nhiemvu")  # names NV001, NV002 and NV006
    hello = await c["officer"].say("/start")  # names no task
    for replied, expected in ((listing, "nhiều nhiệm vụ"), (hello, "không nói về nhiệm vụ nào")):
        mark = emu.mark()
        emu.send_text(c["officer"].user, "cho hỏi", chat=OFFICER_ID, reply_to=replied)
        answer = await emu.wait_for(lambda m: m.chat_id == OFFICER_ID, after=mark)
        assert expected in answer.plain_text and "/traodoi" in answer.plain_text


async def test_comments_are_refused_outside_the_task(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    task = task_of(engine, "NV001")
    assert "chưa được gắn" in (await c["stranger"].say("/traodoi NV001 xin chào")).plain_text
    for who in ("ward", "ward_officer", "officer2"):
        answer = await c[who].say("/traodoi NV001 xin chào")
        assert "phạm vi của đồng chí" in answer.plain_text, who
        pressed = await c[who].press(answer, f"cm:{task.id}")
        assert "phạm vi của đồng chí" in pressed.plain_text and "NV001" not in pressed.plain_text
    assert "Cách dùng" in (await c["officer"].say("/traodoi NV001")).plain_text
    assert count(engine, TaskComment) == 0


# ---- extension requests -----------------------------------------------------------------------------------


def _later(days: int) -> str:
    return (TODAY + timedelta(days=days)).strftime("%d/%m/%Y")


async def test_an_extension_request_approved_moves_the_deadline_once(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    old = task_of(engine, "NV001").deadline
    asked = await c["officer"].say(f"/xingiahan NV001 {_later(20)} chờ số liệu của các xã")
    assert "Đã gửi yêu cầu gia hạn" in asked.plain_text and "Phạm Quốc Hùng" in asked.plain_text
    request = await c["leader"].expect(lambda m: "Xin gia hạn" in (m.plain_text or ""))
    assert "NV001" in request.plain_text and "chờ số liệu của các xã" in request.plain_text
    assert task_of(engine, "NV001").deadline == old  # nothing changes before the decision
    # Another request while this one waits is refused.
    again = await c["officer"].say(f"/xingiahan NV001 {_later(25)} thêm thời gian")
    assert "đang chờ lãnh đạo" in again.plain_text

    # Someone outside the task cannot decide it; an officer of the unit cannot either.
    data = request.button_data("Đồng ý")
    for who in ("ward", "officer2", "stranger"):
        refused = await forge(c[who], data)
        assert "⛔" in refused.plain_text and "NV001" not in refused.plain_text, who
    assert "Chỉ lãnh đạo chịu trách nhiệm" in (await forge(c["officer"], data)).plain_text

    decided = await c["leader"].click(request, "Đồng ý")
    assert "Đã đồng ý gia hạn" in decided.plain_text
    assert task_of(engine, "NV001").deadline == TODAY + timedelta(days=20)
    told = await c["officer"].expect(lambda m: "Được gia hạn" in (m.plain_text or ""))
    assert _later(20) in told.plain_text
    # A second press says it was decided; nothing changes again.
    second = await c["leader"].press(request, data)
    assert "đã được đồng ý trước đó" in second.plain_text
    assert len(sent_to(emu, OFFICER_ID, "Được gia hạn")) == 1
    with session_scope(engine) as session:
        actions = session.exec(select(AuditEntry.action).where(AuditEntry.entity_code == "NV001")).all()
        row = session.exec(select(ExtensionRequest)).one()
    assert {"extension_request", "extension_approve", "extend"} <= set(actions)
    assert row.status == "approved" and row.decided_by is not None


async def test_an_extension_request_refused_with_a_reason_leaves_the_deadline(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    old = task_of(engine, "NV002").deadline
    await c["officer"].say(f"/xingiahan NV002 {_later(30)} khối lượng lớn")
    request = await c["leader"].expect(lambda m: "Xin gia hạn" in (m.plain_text or ""))
    asked = await c["leader"].click(request, "Từ chối")
    assert "lý do từ chối" in asked.plain_text
    done = await c["leader"].say("Cần xong đúng kế hoạch của tỉnh")
    assert "Đã từ chối" in done.plain_text
    told = await c["officer"].expect(lambda m: "Không được gia hạn" in (m.plain_text or ""))
    assert "Cần xong đúng kế hoạch của tỉnh" in told.plain_text
    assert task_of(engine, "NV002").deadline == old
    assert "đã được từ chối trước đó" in (await c["leader"].click(request, "Đồng ý")).plain_text
    assert task_of(engine, "NV002").deadline == old
    assert count(engine, AuditEntry, AuditEntry.action == "extension_refuse") == 1
    # Refused, the owner may ask again.
    again = await c["officer"].say(f"/xingiahan NV002 {_later(15)} xin ít ngày hơn")
    assert "Đã gửi yêu cầu gia hạn" in again.plain_text


async def test_extension_requests_are_refused_when_they_should_be(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    deadline = task_of(engine, "NV001").deadline
    cases = [
        ("stranger", f"/xingiahan NV001 {_later(20)} lý do", "chưa được gắn"),
        ("leader", f"/xingiahan NV001 {_later(20)} lý do", "Chỉ người thực hiện"),
        ("admin", f"/xingiahan NV001 {_later(20)} lý do", "Chỉ người thực hiện"),
        ("officer2", f"/xingiahan NV001 {_later(20)} lý do", "phạm vi của đồng chí"),
        ("ward_officer", f"/xingiahan NV001 {_later(20)} lý do", "phạm vi của đồng chí"),
        ("officer", f"/xingiahan NV001 {deadline:%d/%m/%Y} lý do", "phải sau thời hạn hiện tại"),
        ("officer", f"/xingiahan NV001 {_later(1)} lý do", "phải sau thời hạn hiện tại"),
        ("officer", f"/xingiahan NV001 {_later(20)}", "/xingiahan NV001"),  # no reason: an example
        ("officer", "/xingiahan NV001 mai lý do", "Ví dụ"),
        ("officer", "/xingiahan", "Cách dùng"),
    ]
    for who, text, expected in cases:
        answer = await c[who].say(text)
        assert expected in answer.plain_text, (who, text, answer.plain_text)
    # A deadline already past: a date after it but before today.
    with session_scope(engine) as session:
        task_by_code(session=session, code="NV001").deadline = TODAY - timedelta(days=5)
    past = await c["officer"].say(f"/xingiahan NV001 {_later(-2)} lý do")
    assert "đã qua" in past.plain_text
    assert count(engine, ExtensionRequest) == 0


# ---- «Gia hạn» from a blocker notice ------------------------------------------------------------------------


async def test_the_leader_extends_from_the_blocker_notice_and_an_officer_cannot(tracked):
    _, emu, engine = tracked
    c = chats(emu)
    await c["officer"].say("/baocao NV001 vướng mắc chờ số liệu")
    notice = await c["leader"].expect(lambda m: "Vướng mắc" in (m.plain_text or ""))
    asked = await c["leader"].click(notice, "Gia hạn")
    assert "gõ ngày mới" in asked.plain_text
    bad = await c["leader"].say("sớm nhất có thể")
    assert "⛔" in bad.plain_text
    done = await c["leader"].say(f"{_later(40)} chờ số liệu các xã")
    assert "Đã gia hạn" in done.plain_text
    assert task_of(engine, "NV001").deadline == TODAY + timedelta(days=40)
    await c["officer"].expect(lambda m: "Được gia hạn" in (m.plain_text or ""))
    task = task_of(engine, "NV001")
    for who, expected in (("officer", "Chỉ lãnh đạo"), ("ward", "phạm vi của đồng chí"), ("stranger", "chưa được gắn")):
        refused = await forge(c[who], f"xg:{task.id}")
        assert expected in refused.plain_text, who
    assert task_of(engine, "NV001").deadline == date.fromordinal((TODAY + timedelta(days=40)).toordinal())
