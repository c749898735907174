"""End to end: 👍/👎 under answers, the questions kept for the admins (/cauhoi), small talk, and
"nhiệm vụ của tôi" typed as text. The real Application polls the emulator; the test plays the users."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import func, select

from storage.db import session_scope
from storage.models import AnswerGiven, AnswerVote, KeptQuestion
from tests.conftest import ADMIN_ID, OFFICER2_ID, OFFICER_ID, STRANGER_ID
from tests.data import Clock

DOC_NAME = "mau-son-2023.txt"
DOC_TEXT = (
    "Kế hoạch số 12/KH-UBND ngày 03/01/2023 của UBND tỉnh Mẫu Sơn về cải cách hành chính năm 2023\n"
    "Năm 2023, tỉnh phấn đấu tỷ lệ hồ sơ trực tuyến toàn trình đạt 42% trên tổng số hồ sơ.\n"
    "Chỉ số SIPAS của tỉnh phấn đấu đạt trên 88%.\n"
).encode()
QUESTION = "ty le ho so truc tuyen toan trinh nam 2023"


def use_clock(application, at: datetime) -> Clock:
    """The bot's clock (``tests.data.Clock``), set to ``at``."""
    clock = application.bot_data.clock
    clock.at = at
    return clock


def add_document(application) -> None:
    application.bot_data.kb.add([(DOC_NAME, DOC_TEXT)])


def kept(engine) -> list[KeptQuestion]:
    with session_scope(engine) as session:
        return list(session.exec(select(KeptQuestion).order_by(KeptQuestion.id)))


def votes(engine) -> list[tuple[int, int, int]]:
    """(answer id, telegram id, vote) of every vote."""
    with session_scope(engine) as session:
        return sorted((v.answer_id, v.telegram_id, v.vote) for v in session.exec(select(AnswerVote)))


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


async def press(emu, user_id: int, message, data: str, *, edited: bool = False) -> str:
    """Press a button as ``user_id``; the text of the bot's answer to the press (and, when ``edited``,
    after the keyboard was changed too)."""
    mark = len(emu.calls)
    query_id = emu.press_button(emu.user(user_id, "Người dùng"), message, data)
    answered = await emu.wait_for_call(
        "answerCallbackQuery", lambda p: p.get("callback_query_id") == query_id, after=mark
    )
    if edited:
        await emu.wait_for_call("editMessageReplyMarkup", after=mark)
    return answered.get("text") or ""


async def test_an_answer_has_vote_buttons_and_a_second_press_changes_the_vote(running_bot, engine):
    application, emu = running_bot
    add_document(application)
    use_clock(application, datetime(2026, 3, 2, 1, 30, tzinfo=UTC))
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    answer = await officer.say(QUESTION)
    assert "42%" in answer.text and "12/KH-UBND" in answer.text
    buttons = answer.buttons()
    assert [label for label, _ in buttons] == ["👍 Hữu ích", "👎 Chưa đúng ý"]
    up, down = (data for _, data in buttons)
    answer_id = int(up.split(":")[1])

    # 👍: recorded, acknowledged, the choice shown on the keyboard.
    mark = emu.mark()
    assert "Cảm ơn" in await press(emu, OFFICER_ID, answer, up, edited=True)
    marked = await emu.wait_for(lambda m: m.method == "editMessageReplyMarkup", after=mark)
    assert [label for label, _ in marked.buttons()] == ["✓ 👍 Hữu ích", "👎 Chưa đúng ý"]
    assert votes(engine) == [(answer_id, OFFICER_ID, 1)]
    assert kept(engine) == []  # a 👍 keeps nothing

    # 👎 by the same person: the vote changes (still one row) and the question is kept.
    assert "Đã đổi" in await press(emu, OFFICER_ID, answer, down, edited=True)
    assert votes(engine) == [(answer_id, OFFICER_ID, -1)]
    [row] = kept(engine)
    assert (row.text, row.refused, row.disliked, row.times) == (QUESTION, 0, 1, 1)

    # The same 👎 again: nothing more is counted.
    assert "rồi" in await press(emu, OFFICER_ID, answer, down)
    assert votes(engine) == [(answer_id, OFFICER_ID, -1)]
    assert kept(engine)[0].disliked == 1

    # Someone else's 👎 counts on its own; the officer changing his mind withdraws his.
    assert "Đã ghi nhận 👎" in await press(emu, OFFICER2_ID, answer, down, edited=True)
    assert kept(engine)[0].disliked == 2
    assert "Đã đổi" in await press(emu, OFFICER_ID, answer, up, edited=True)
    assert votes(engine) == [(answer_id, OFFICER_ID, 1), (answer_id, OFFICER2_ID, -1)]
    assert kept(engine)[0].disliked == 1

    # The same question asked again is the same answer: its buttons name the same row.
    again = await officer.say(QUESTION.upper() + " ?")
    assert again.buttons()[0][1] == up
    assert count(engine, AnswerGiven) == 1

    # The admin sees the question voted 👎 in /cauhoi.
    listing = await emu.chat(emu.user(ADMIN_ID, "Minh")).say("/cauhoi")
    assert QUESTION in listing.plain_text and "👎 1" in listing.plain_text
    assert "không tìm thấy" not in listing.plain_text.split("👉")[0]  # it was answered, not refused


async def test_forged_and_garbled_vote_buttons_are_refused(running_bot, engine):
    application, emu = running_bot
    add_document(application)
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    answer = await officer.say(QUESTION)
    up = answer.buttons()[0][1]
    answer_id = int(up.split(":")[1])
    welcome = await officer.say("/start")
    # A genuine answer id, forged onto a message that does not carry the button.
    for data in (f"v:{answer_id}:-1", f"v:{answer_id}:1"):
        mark = emu.mark()
        assert await press(emu, OFFICER_ID, welcome, data) == "Không thực hiện được"
        said = await emu.wait_for(lambda m: m.chat_id == OFFICER_ID, after=mark)
        assert "⛔" in said.plain_text and "không ghi nhận" in said.plain_text
    # Garbled: not numbers, a vote that is no vote, huge or missing ids, extra parts.
    for data in (
        "v:",
        "v:x:1",
        f"v:{answer_id}:5",
        f"v:{answer_id}:0",
        "v:99999999999999999999:1",
        f"v:{answer_id}",
        f"v:{answer_id}:1:1",
        "v:-3:1",
    ):
        assert "không hợp lệ" in await press(emu, OFFICER_ID, answer, data)
    assert votes(engine) == [] and kept(engine) == []
    # The genuine button still works.
    assert "Cảm ơn" in await press(emu, OFFICER_ID, answer, up, edited=True)
    assert votes(engine) == [(answer_id, OFFICER_ID, 1)]


async def test_a_refused_question_is_kept_once_and_listed_for_admins_only(running_bot, engine):
    application, emu = running_bot
    add_document(application)
    clock = use_clock(application, datetime(2026, 3, 2, 1, 30, tzinfo=UTC))  # 08:30 in Hà Nội
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    reply = await officer.say("Tỷ giá đô la hôm nay?")
    assert "không tìm thấy" in reply.text.lower()
    assert reply.buttons() == []  # nothing to vote on
    clock.at += timedelta(hours=2, minutes=15)
    reply = await officer.say("ty gia  do la hom nay")  # the same question, without diacritics
    assert "không tìm thấy" in reply.text.lower()
    [row] = kept(engine)
    assert (row.text, row.refused, row.disliked, row.times) == ("Tỷ giá đô la hôm nay?", 2, 0, 2)

    clock.at += timedelta(minutes=5)
    await officer.say("chỉ tiêu xây dựng cầu cảng năm 2030")
    await officer.say("Chỉ tiêu xây dựng cầu cảng năm 2030?")
    await officer.say("CHI TIEU XAY DUNG CAU CANG NAM 2030")
    assert len(kept(engine)) == 2

    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    listing = await admin.say("/cauhoi")
    text = listing.plain_text
    assert "Câu hỏi chưa được trả lời tốt" in text and "2 câu" in text
    # Most often first, with its count, how it failed and when last asked (Asia/Ho_Chi_Minh).
    assert text.index("cầu cảng") < text.index("Tỷ giá đô la hôm nay?")
    assert "3 lần · không tìm thấy 3 lần · gần nhất 02/03/2026 10:50" in text
    assert "2 lần · không tìm thấy 2 lần · gần nhất 02/03/2026 10:45" in text
    assert "bổ sung văn bản còn thiếu" in text  # what to do
    assert "/cauhoi" in (await admin.say("/huongdan")).plain_text
    assert "/cauhoi" not in (await officer.say("/huongdan")).plain_text

    for user_id in (OFFICER_ID, STRANGER_ID):
        refused = await emu.chat(emu.user(user_id, "Ai đó")).say("/questions")
        assert "Chỉ quản trị viên" in refused.plain_text and "Tỷ giá" not in refused.plain_text


async def test_kept_questions_are_paged_under_telegrams_limit(running_bot, engine):
    from kb import feedback

    application, emu = running_bot
    at = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    with session_scope(engine) as session:
        for n in range(45):
            for _ in range(n % 4 + 1):
                feedback.record_refusal(session, question=f"Câu hỏi số {n} " + "rất dài " * 60, at=at)
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    mark = emu.mark()
    await admin.say("/cauhoi")
    await emu.wait_for(lambda m: m.chat_id == ADMIN_ID and "Trang sau" in (m.plain_text or ""), after=mark)
    first = [m.plain_text for m in emu.sent[mark:] if m.chat_id == ADMIN_ID]
    assert all(len(t.encode("utf-16-le")) // 2 <= 4096 for t in first)
    assert "45 câu" in first[0] and "trang 1/3" in first[0] and "/cauhoi 2" in first[-1]
    assert "4 lần" in first[0]  # most often first
    last = await admin.say("/cauhoi 3")
    assert "trang 3/3" in last.plain_text and "41." in last.plain_text and "Trang sau" not in last.plain_text
    assert "trang 3/3" in (await admin.say("/cauhoi 99")).plain_text


async def test_greetings_and_thanks_get_a_short_reply_not_a_search(running_bot, engine, monkeypatch):
    application, emu = running_bot
    add_document(application)
    asked = []
    real_ask = application.bot_data.kb.ask
    monkeypatch.setattr(application.bot_data.kb, "ask", lambda q: asked.append(q) or real_ask(q))
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    for text, expected in (
        ("chào", "Chào đồng chí"),
        ("xin chào bot", "Chào đồng chí"),
        ("chao ban", "Chào đồng chí"),
        ("Hi!", "Chào đồng chí"),
        ("cảm ơn", "Không có gì"),
        ("cam on nhieu", "Không có gì"),
        ("thanks", "Không có gì"),
        ("/hoi cảm ơn bạn nhé", "Không có gì"),
        ("ok", "Vâng"),
        ("tạm biệt", "chúc đồng chí"),
    ):
        reply = await officer.say(text)
        assert expected in reply.plain_text, (text, reply.plain_text)
        assert "không tìm thấy" not in reply.plain_text.lower() and len(reply.plain_text) < 250
        assert reply.buttons() == []
    # «Who are you, what can you do?»: what the bot does and where the commands are.
    for text in ("Bạn là ai, bạn giúp được gì cho tôi?", "bot lam duoc gi"):
        reply = await officer.say(text)
        assert "trợ lý" in reply.plain_text and "/huongdan" in reply.plain_text, (text, reply.plain_text)
        assert "không tìm thấy" not in reply.plain_text.lower()
    assert asked == []  # no search
    assert kept(engine) == [] and count(engine, AnswerGiven) == 0
    # A thanks followed by a question is a question: it goes to the documents.
    reply = await officer.say("cảm ơn, cho hỏi chỉ tiêu SIPAS năm 2023")
    assert asked == ["cảm ơn, cho hỏi chỉ tiêu SIPAS năm 2023"] and "Không có gì" not in reply.plain_text


async def test_asking_for_my_tasks_in_words_gives_the_task_list(tracked, monkeypatch):
    application, emu, engine = tracked
    add_document(application)
    asked = []
    real_ask = application.bot_data.kb.ask
    monkeypatch.setattr(application.bot_data.kb, "ask", lambda q: asked.append(q) or real_ask(q))
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    listed = await officer.say("/nhiemvu")
    assert "3 nhiệm vụ đang mở" in listed.plain_text
    for text in ("nhiệm vụ của tôi", "nhiem vu cua toi", "Việc của tôi?", "tôi có việc gì", "/hoi công việc của tôi"):
        reply = await officer.say(text)
        assert reply.plain_text == listed.plain_text, text
        assert reply.buttons() == listed.buttons()
    assert asked == []
    # Someone not linked to the staff list is told so, as by /nhiemvu.
    stranger = await emu.chat(emu.user(STRANGER_ID, "Khách")).say("task của tôi")
    assert "chưa được gắn" in stranger.plain_text
    # Questions about others' tasks go to the documents.
    for question in ("nhiệm vụ của Sở Nội vụ là gì", "nhiệm vụ số 17 do ai chủ trì"):
        reply = await officer.say(question)
        assert "đang mở" not in reply.plain_text
    assert asked == ["nhiệm vụ của Sở Nội vụ là gì", "nhiệm vụ số 17 do ai chủ trì"]
