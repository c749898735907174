"""The two detectors that run before a message is taken for a question to the documents."""

from __future__ import annotations

import unicodedata

import pytest

from kb.intents import ABOUT, ACK, BYE, GREETING, THANKS, asks_for_own_tasks, small_talk, words


def test_words_are_folded_without_punctuation_or_emoji():
    assert words("  Cảm ƠN!!! 🙏  bạn,nhé ") == ["cam", "on", "ban", "nhe"]
    assert words(unicodedata.normalize("NFD", "Xin chào")) == ["xin", "chao"]
    assert words("👍 ... ???") == []


@pytest.mark.parametrize(
    "text, kind",
    [
        ("chào", GREETING),
        ("Chào!", GREETING),
        ("xin chào bot", GREETING),
        ("chao ban", GREETING),
        ("Xin chào đồng chí", GREETING),
        ("hi", GREETING),
        ("Hello bot 👋", GREETING),
        ("chào buổi sáng ạ", GREETING),
        ("alo", GREETING),
        ("chào cả nhà", GREETING),
        ("cảm ơn", THANKS),
        ("cam on nhieu", THANKS),
        ("Cảm ơn bạn nhiều nhé!", THANKS),
        ("thanks", THANKS),
        ("Thank you so much", THANKS),
        ("tks bot", THANKS),
        ("xin cảm ơn ạ", THANKS),
        ("CẢM ƠN 🙏", THANKS),
        ("cám ơn em", THANKS),
        ("ok cảm ơn", THANKS),
        ("chào bạn, cảm ơn nhé", THANKS),
        ("tạm biệt", BYE),
        ("bye", BYE),
        ("tam biet ban", BYE),
        ("cảm ơn, tạm biệt", BYE),
        ("hẹn gặp lại nhé", BYE),
        ("ok", ACK),
        ("OK.", ACK),
        ("oke", ACK),
        ("dạ vâng ạ", ACK),
        ("được rồi", ACK),
        ("hiểu rồi, tuyệt vời", ACK),
        ("Bạn là ai, bạn giúp được gì cho tôi?", ABOUT),
        ("ban lam duoc gi", ABOUT),
        ("bot có thể làm gì vậy", ABOUT),
        ("chào bạn, bạn là ai?", ABOUT),
        ("hướng dẫn sử dụng", ABOUT),
        ("bạn trả lời được những câu hỏi kiểu gì vậy?", ABOUT),
        ("bot hỗ trợ được những việc gì", ABOUT),
        # what the bot can do, asked of it by name after words that set the scene
        ("Mình mới được phân công làm đầu mối CCHC của phòng, bot hỗ trợ mình được những việc gì?", ABOUT),
        ("tôi là cán bộ mới, bạn giúp được gì", ABOUT),
    ],
)
def test_small_talk_is_recognised(text, kind):
    assert small_talk(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "cảm ơn, cho hỏi chỉ tiêu DVCTT năm 2024",  # thanks, then a question
        "chào bạn, chỉ số SIPAS năm 2022 là bao nhiêu?",
        "xin chào, tôi là Lan",
        "chi tieu sipas 2022",
        "ok vậy tỷ lệ hồ sơ đúng hạn là bao nhiêu",
        "Hà Nội",
        "bạn ơi",  # only addresses someone
        "👍",
        "???",
        "",
        "   ",
        "chào " * 20,  # too long to be just a greeting
        "cảm ơn Sở Nội vụ đã hướng dẫn",
        "Sở Nội vụ làm được gì trong phong trào",  # another subject: a question
        "hướng dẫn sử dụng phiếu khảo sát SIPAS",
        "trả lời giúp tôi câu hỏi về SIPAS",
        "Sở Nội vụ hỗ trợ gì cho cấp xã",
        "Năm 2024, Sở Nội vụ hỗ trợ được những việc gì?",  # the last clause is not asked of the bot
        "Sở Nội vụ hỗ trợ được gì, bot?",
    ],
)
def test_questions_and_other_messages_are_not_small_talk(text):
    assert small_talk(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "nhiệm vụ của tôi",
        "nhiem vu cua toi",
        "Nhiệm vụ của tôi?",
        "viec cua toi",
        "việc của tôi",
        "công việc của tôi",
        "task của tôi",
        "tasks của mình",
        "tôi có việc gì",
        "Tôi có nhiệm vụ gì không?",
        "tôi được giao những nhiệm vụ nào",
        "tôi còn việc gì chưa xong",
        "em có việc gì không ạ",
        "cho tôi xem nhiệm vụ của tôi",
        "danh sách nhiệm vụ của tôi",
        "xem các nhiệm vụ của mình",
        "nhiệm vụ của em là gì ạ",
        "việc được giao cho tôi",
        "nhiệm vụ được giao cho tôi hôm nay",
        "hôm nay tôi cần làm gì",
        "my tasks",
        "My task",
        "nv của tôi",
        unicodedata.normalize("NFD", "Công việc của tôi"),
    ],
)
def test_a_request_for_ones_own_tasks_is_recognised(text):
    assert asks_for_own_tasks(text)


@pytest.mark.parametrize(
    "text",
    [
        "nhiệm vụ của Sở Nội vụ là gì",  # another owner
        "nhiệm vụ số 17 do ai chủ trì",  # no owner
        "UBND tỉnh có nhiệm vụ gì",
        "nhiệm vụ của UBND cấp xã trong cải cách hành chính",
        "nhiệm vụ của tôi trong kế hoạch 27 là gì",  # about a document
        "tôi có nhiệm vụ gì trong phong trào thi đua",
        "các nhiệm vụ CCHC năm 2022",
        "nhiệm vụ",
        "việc",
        "tôi",
        "chi tieu sipas 2022",
        "cảm ơn",
        "ai chịu trách nhiệm về việc số hóa hồ sơ",
    ],
)
def test_document_questions_are_not_a_request_for_ones_tasks(text):
    assert not asks_for_own_tasks(text)


def test_the_detectors_do_not_overlap():
    for text in ("nhiệm vụ của tôi", "tôi có việc gì", "my tasks"):
        assert small_talk(text) is None
    for text in ("chào", "cảm ơn", "ok", "tạm biệt"):
        assert not asks_for_own_tasks(text)
