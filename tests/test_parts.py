"""A question that asks two things is answered with the two passages that answer them (kb.parts)."""

import pytest

from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.index import KnowledgeIndex
from kb.parts import asks_two_things

GUIDE = IndexedDoc(
    file_name="hd-sipas-tinh-r-2024.md",
    title="Hướng dẫn khảo sát sự hài lòng năm 2024 của tỉnh Cao Bằng",
    text=(
        "Hướng dẫn khảo sát sự hài lòng năm 2024 của tỉnh Cao Bằng\n"
        "2. Số phiếu khảo sát\n"
        "2.1. Cấp sở (16 cơ quan, 2.380 phiếu)\n"
        "2.2. Cấp huyện (4 đơn vị, 1.200 phiếu)\n"
        "2.3. Cấp xã (20 xã, 800 phiếu)\n"
        "- Mỗi đơn vị cấp huyện chọn ngẫu nhiên 05 xã, phường, thị trấn; mỗi xã khảo sát 40 phiếu.\n"
    ),
)


@pytest.mark.parametrize(
    ("question", "two"),
    [
        ("Cấp xã khảo sát bao nhiêu xã và bao nhiêu phiếu?", True),
        ("có bao nhiêu hs quá hạn, trong đó bao nhiêu hs có văn bản xin lỗi?", True),
        ("Đơn vị nào đứng đầu, được mấy điểm?", True),
        ("Cấp xã khảo sát bao nhiêu phiếu?", False),
        ("Sở Nội vụ và Sở Tư pháp phối hợp làm gì?", False),  # «và» joins two names, one thing asked
    ],
)
def test_a_question_asking_two_things_is_told_apart(question, two):
    assert asks_two_things(question) is two


def test_both_parts_are_answered():
    idx = KnowledgeIndex([GUIDE])
    answer = answer_question(idx, "Khảo sát hài lòng 2024 Cao Bằng ở cấp xã khảo sát bao nhiêu xã và bao nhiêu phiếu?")
    assert answer.found, answer.reason
    assert "20 xã, 800 phiếu" in answer.text and "40 phiếu" in answer.text, answer.text


def test_one_part_is_answered_with_one_passage():
    idx = KnowledgeIndex([GUIDE])
    answer = answer_question(idx, "Khảo sát hài lòng 2024 Cao Bằng, mỗi xã khảo sát bao nhiêu phiếu?")
    assert answer.found and "40 phiếu" in answer.text, answer.reason
    assert "800 phiếu" not in answer.text, answer.text
