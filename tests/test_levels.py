"""The level a figure is asked for («khối huyện», «cấp xã») against the level its passage is under."""

from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.index import KnowledgeIndex

NOTICE = IndexedDoc(
    "tb-chi-so.txt",
    "Thông báo kết quả Chỉ số cải cách hành chính năm 2023",
    "THÔNG BÁO Kết quả Chỉ số cải cách hành chính năm 2023\n"
    "I. KẾT QUẢ CHUNG\n"
    "Điểm trung bình khối sở đạt 84,10 điểm; tỷ lệ hồ sơ đúng hạn cấp tỉnh 98%, cấp xã 96%.\n"
    "II. XẾP HẠNG\n"
    "1. Khối các sở, ban, ngành\n"
    "1. Sở Tư pháp: 91,25 điểm (năm 2022: 89,10 điểm, xếp thứ 2)\n"
    "2. Sở Nội vụ: 90,80 điểm (năm 2022: 90,02 điểm, xếp thứ 1)\n"
    "3. Văn phòng Ủy ban nhân dân tỉnh: 90,07 điểm\n"
    "2. Khối Ủy ban nhân dân các huyện, thị xã, thành phố\n"
    "1. Thành phố Tân An: 90,64 điểm (năm 2022: 88,72 điểm, xếp thứ 1)\n"
    "2. Thị xã Bến Đá: 87,15 điểm (năm 2022: 84,12 điểm, xếp thứ 2)\n"
    "3. Huyện Phú Lộc: 84,28 điểm - Khá (năm 2022: 82,95 điểm, xếp thứ 3)\n",
)


def test_a_row_under_a_group_of_district_councils_is_of_the_district_level():
    answer = answer_question(KnowledgeIndex([NOTICE]), "Xếp hạng khối huyện: thị xã Bến Đá năm 2022 đứng thứ mấy?")
    assert answer.found, answer.reason
    assert "xếp thứ 2" in answer.text and "Bến Đá" in answer.text


def test_a_row_under_the_group_of_departments_is_no_commune_figure():
    answer = answer_question(KnowledgeIndex([NOTICE]), "Sở Tư pháp cấp xã được bao nhiêu điểm năm 2023?")
    assert not answer.found, answer.text


def test_a_row_of_the_group_of_districts_is_no_departments_score():
    index = KnowledgeIndex([NOTICE])
    answer = answer_question(index, "Bảng xếp hạng khối sở năm 2023: Văn phòng UBND tỉnh được mấy điểm?")
    assert answer.found and "90,07" in answer.text, (answer.text, answer.reason)
    answer = answer_question(index, "Khối sở: huyện Phú Lộc được mấy điểm?")
    assert not answer.found, answer.text


def test_the_row_of_the_department_named_is_tried_before_other_units_rows():
    rows = "".join(
        f"{i}. Huyện số {i}: {80 + i},15 điểm (năm 2022: {70 + i},10 điểm, xếp thứ {i})\n" for i in range(1, 7)
    )
    plans = "".join(f"Kế hoạch số {i} của tỉnh về cải cách hành chính.\n" for i in range(1, 41))
    notice = IndexedDoc(
        "tb-xep-hang.txt",
        "Thông báo xếp hạng Chỉ số cải cách hành chính năm 2023 tỉnh Yên Bái",
        "Xếp hạng Chỉ số cải cách hành chính năm 2023\n1. Khối sở, ban, ngành\n"
        "1. Sở Tư pháp: 91,25 điểm\n2. Sở Kế hoạch và Đầu tư: 88,93 điểm\n"
        f"2. Khối huyện\n{rows}{plans}",
    )
    answer = answer_question(
        KnowledgeIndex([notice]),
        "Xếp hạng chỉ số CCHC 2023 Yên Bái: Sở Kế hoạch và Đầu tư được bao nhiêu điểm, đứng thứ mấy?",
    )
    assert answer.found and "88,93" in answer.text, (answer.text, answer.reason)
