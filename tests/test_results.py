"""A year's figure asked without a target named is answered by what was achieved (kb.results)."""

import pytest

from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.index import KnowledgeIndex

PLAN = IndexedDoc(
    file_name="kh-tinh-q-2023.docx",
    title="Kế hoạch cải cách hành chính năm 2023 của tỉnh Lai Châu",
    text=(
        "Kế hoạch cải cách hành chính năm 2023 của tỉnh Lai Châu\n"
        "Các chỉ tiêu chủ yếu năm 2023 như sau:\n"
        "STT | Chỉ tiêu | Kết quả gần nhất | Chỉ tiêu năm 2023\n"
        "1 | Tỷ lệ hồ sơ giải quyết đúng hạn cấp tỉnh | Năm 2022: 96,8% | Từ 97%\n"
        "2 | Tỷ lệ hồ sơ giải quyết đúng hạn cấp xã | Năm 2022: 95,1% | Từ 95%\n"
        "3 | Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính | Năm 2022: 48% | Từ 80%\n"
    ),
)
RESULTS = IndexedDoc(
    file_name="lai-chau-2023-tong-ket.txt",
    title="Lai Châu: cải cách hành chính năm 2023 vượt các chỉ tiêu",
    text=(
        "Lai Châu: cải cách hành chính năm 2023 vượt các chỉ tiêu\n"
        "Trong năm 2023 toàn tỉnh Lai Châu tiếp nhận 412.560 hồ sơ, tỷ lệ hồ sơ giải quyết đúng hạn "
        "cấp tỉnh đạt 98,40% và cấp xã đạt 96,88%, đều cao hơn chỉ tiêu.\n"
    ),
)


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return KnowledgeIndex([PLAN, RESULTS])


@pytest.mark.parametrize(
    "question",
    [
        "lai chau 2023 ty le hs dung han cap xa",
        "Lai Châu năm 2023 tỷ lệ hồ sơ giải quyết đúng hạn cấp xã được mấy %, có vượt chỉ tiêu không?",
    ],
)
def test_a_years_figure_is_what_was_achieved(index, question):
    answer = answer_question(index, question)
    assert answer.found and "96,88%" in answer.text, (answer.text, answer.reason)
    assert answer.sources[0].file == "lai-chau-2023-tong-ket.txt"


def test_a_target_asked_is_the_plans(index):
    answer = answer_question(
        index, "Chỉ tiêu tỷ lệ hồ sơ giải quyết đúng hạn cấp xã năm 2023 của Lai Châu là bao nhiêu?"
    )
    assert answer.found and "Từ 95%" in answer.text, (answer.text, answer.reason)


def test_without_a_figure_achieved_the_target_answers():
    answer = answer_question(KnowledgeIndex([PLAN]), "lai chau 2023 ty le hs dung han cap xa")
    assert answer.found and "Từ 95%" in answer.text, (answer.text, answer.reason)
