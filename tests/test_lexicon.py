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
        ("làm online", "dvctt truc tuyen toan trinh"),
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
