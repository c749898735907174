"""The words around the figure asked («ít nhất bao nhiêu thủ tục») are those around the answer's figure."""

from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.index import KnowledgeIndex
from kb.slots import framed_instead

PLAN = IndexedDoc(
    "kh-tinh-x-2024.txt",
    "Kế hoạch cải cách hành chính năm 2024 của tỉnh Yên Bái",
    "Kế hoạch cải cách hành chính năm 2024 của tỉnh Yên Bái\n"
    "1. Cải cách thủ tục hành chính\n"
    "a) Bộ thủ tục hành chính của tỉnh hiện có 1.842 thủ tục hành chính được giải quyết ở cấp tỉnh, cấp huyện.\n"
    "b) Đẩy mạnh phân cấp cho cấp huyện; năm 2024 phân cấp ít nhất 20 thủ tục hành chính.\n"
    "2. Thang xếp loại\n"
    "Điểm trung bình của các sở năm 2024 đạt 85,24 điểm, xếp loại Khá.\n"
    "Xếp loại: Tốt từ 90 điểm trở lên; Khá từ 80 điểm đến dưới 90 điểm.\n",
)


def test_the_passage_writing_the_questions_frame_around_a_figure_answers():
    index = KnowledgeIndex([PLAN])
    for question, expected in (
        ("Năm 2024 tỉnh Yên Bái giao cho cấp huyện giải quyết ít nhất bao nhiêu thủ tục hành chính?", "20 thủ tục"),
        ("Yên Bái xếp loại Tốt từ mấy điểm", "Tốt từ 90 điểm"),
    ):
        answer = answer_question(index, question)
        assert answer.found and expected in answer.text, (question, answer.text, answer.reason)


def test_no_frame_asked_changes_nothing():
    index = KnowledgeIndex([PLAN])
    hits = index.search("thủ tục hành chính của tỉnh", k=5)
    terms, qtoks = index.query_terms("thủ tục hành chính của tỉnh")
    assert framed_instead(index, "thủ tục hành chính của tỉnh", hits[0], hits, qtoks, terms) is None
