"""A period written «2021 - 2025» is one clause's period, not two clauses' years."""

from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.checks import _clause_year_problem
from kb.index import KnowledgeIndex

PLAN = IndexedDoc(
    "kh-cchc-2024.txt",
    "Kế hoạch cải cách hành chính năm 2024 của tỉnh Yên Bái",
    "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n"
    "a) Cụ thể hóa mục tiêu của Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030 và "
    "Kế hoạch cải cách hành chính giai đoạn 2021 - 2025 của tỉnh thành các chỉ tiêu đo lường được trong năm 2024; "
    "làm căn cứ để các cơ quan, đơn vị, địa phương xây dựng kế hoạch của mình.\n"
    "b) Khắc phục các tiêu chí bị mất điểm năm 2023.\n",
)


def test_a_period_is_not_cut_at_its_dash():
    index = KnowledgeIndex([PLAN])
    terms, _ = index.query_terms("kế hoạch cải cách hành chính giai đoạn 2024 căn cứ")
    sentence = PLAN.text.splitlines()[2]
    assert _clause_year_problem(sentence, {"2024"}, terms) == ""


def test_what_a_years_plan_is_the_basis_for_is_answered():
    answer = answer_question(
        KnowledgeIndex([PLAN]),
        "Theo mục đích của Kế hoạch cải cách hành chính năm 2024 của tỉnh Yên Bái, Kế hoạch là căn cứ để các cơ quan, đơn vị, địa phương làm gì?",
    )
    assert answer.found and "xây dựng kế hoạch của mình" in answer.text, (answer.text, answer.reason)
