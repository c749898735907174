"""The lexicon brings the documents' term into the search for the everyday words typed."""

import pytest

from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.index import KnowledgeIndex
from kb.lexicon import expansions
from kb.text import tokens


@pytest.mark.parametrize(
    "typed,term",
    [
        ("nộp trễ", "cham qua han"),
        ("tự chấm điểm", "tu danh gia"),
        ("giao bớt", "phan cap uy quyen"),
        ("làm xong", "hoan thanh"),
        ("tổng hợp bằng tay", "thu cong"),
        ("làm online", "dvctt truc tuyen toan trinh"),
        ("STNMT", "so tai nguyen va moi truong"),
        ("Sở GD&ĐT", "so giao duc va dao tao"),
    ],
)
def test_everyday_words_stand_for_the_documents_term(typed, term):
    assert term in [t for _, t in expansions([t.folded for t in tokens(typed)])]


def test_a_task_not_done_asked_in_everyday_words_finds_the_rule():
    rule = IndexedDoc(
        "quy-che.docx",
        "Quy chế thi đua cải cách hành chính",
        "Điều 10. Các trường hợp không xét tặng\n"
        "Không xét tặng Cờ thi đua đối với tập thể có nhiệm vụ trong kế hoạch cải cách hành chính năm "
        "không hoàn thành đúng hạn.\n"
        "Điều 11. Hồ sơ\nHồ sơ gửi Sở Nội vụ trước ngày 15/01.\n",
    )
    answer = answer_question(
        KnowledgeIndex([rule]), "Sở có 1 việc trong kế hoạch làm chưa xong thì có được xét Cờ thi đua không?"
    )
    assert answer.found and "không hoàn thành đúng hạn" in answer.text, (answer.text, answer.reason)


def test_a_departments_short_form_finds_its_row():
    scores = IndexedDoc(
        "tb-chi-so.txt",
        "Thông báo kết quả Chỉ số cải cách hành chính năm 2023 tỉnh Yên Bái",
        "Kết quả Chỉ số cải cách hành chính năm 2023 của các sở, ban, ngành\n"
        "1. Sở Tư pháp: 91,25 điểm\n2. Sở Giáo dục và Đào tạo: 88,40 điểm\n"
        "3. Sở Tài nguyên và Môi trường: 80,15 điểm\n4. Huyện Sơn Hà: 78,90 điểm\n"
        "Giai đoạn 2021 - 2025, tỉnh phấn đấu đạt chỉ số trên 85 điểm.\n",
    )
    index = KnowledgeIndex([scores])
    for question, expected in (
        ("so gd dt yen bai chi so cchc 2023 duoc may diem", "88,40"),
        ("Yên Bái: STNMT năm 2023 được bao nhiêu điểm chỉ số CCHC?", "80,15"),
    ):
        answer = answer_question(index, question)
        assert answer.found and expected in answer.text, (question, answer.text, answer.reason)


def test_the_words_of_a_lexicon_form_are_not_read_one_by_one():
    from kb.abbrev import expand_abbreviations

    index = KnowledgeIndex(
        [IndexedDoc("a.txt", "Kế hoạch giai đoạn 2021 - 2025", "Giai đoạn 2021 - 2025 đạt điểm tối đa.\n")]
    )
    assert expand_abbreviations(index, "so gd dt") == "so gd dt"
