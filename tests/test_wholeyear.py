"""A question naming no part of the year is about the whole year, unless its document is of a part (`kb.slots`)."""

from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.index import KnowledgeIndex

LETTER = IndexedDoc(
    "cv-bao-cao-dinh-ky.txt",
    "Công văn về chế độ báo cáo định kỳ cải cách hành chính năm 2024",
    "V/v thực hiện chế độ báo cáo định kỳ cải cách hành chính năm 2024\n"
    "1. Các cơ quan gửi báo cáo CCHC đúng ngày quy định.\n"
    "2. Thời hạn báo cáo\n"
    "Kỳ báo cáo | Thời gian chốt số liệu | Hạn gửi Sở Nội vụ\n"
    "Quý I năm 2024 | Từ 15/12/2023 đến 14/3/2024 | Chậm nhất 18/3/2024\n"
    "6 tháng đầu năm 2024 | Từ 15/12/2023 đến 14/6/2024 | Chậm nhất 18/6/2024\n"
    "Năm 2024 | Từ 15/12/2023 đến 14/12/2024 | Chậm nhất 18/12/2024\n",
)


def test_the_years_row_answers_when_no_part_of_the_year_is_asked():
    answer = answer_question(KnowledgeIndex([LETTER]), "bao cao cchc ky nam 2024 chot so lieu tu ngay nao toi ngay nao")
    assert answer.found, answer.reason
    assert "14/12/2024" in answer.text, answer.text


def test_a_part_of_the_year_asked_is_still_answered_with_its_row():
    answer = answer_question(KnowledgeIndex([LETTER]), "báo cáo 6 tháng đầu năm 2024 chốt số liệu đến ngày nào?")
    assert answer.found and "14/6/2024" in answer.text, (answer.text, answer.reason)
