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


def test_a_list_asked_is_answered_by_the_passage_heading_it():
    notice = IndexedDoc(
        "tb-chi-so-2023.txt",
        "Thông báo kết quả Chỉ số cải cách hành chính năm 2023 tỉnh Yên Bái",
        "Thông báo kết quả Chỉ số cải cách hành chính năm 2023 tỉnh Yên Bái\n"
        "I. KẾT QUẢ CHUNG\n"
        "Năm 2023, cơ quan khối sở của tỉnh Yên Bái được xếp loại Tốt về Chỉ số cải cách hành chính thì "
        "người đứng đầu cơ quan được xếp loại Tốt.\n"
        "II. XẾP HẠNG\n1. Khối sở, ban, ngành\n"
        "a) Nhóm xếp loại Tốt (03 cơ quan):\n"
        "1. Sở Tư pháp: 91,25 điểm\n2. Sở Thông tin và Truyền thông: 90,48 điểm\n"
        "3. Văn phòng Ủy ban nhân dân tỉnh: 90,07 điểm\n"
        "b) Nhóm xếp loại Khá (11 cơ quan):\n4. Sở Nội vụ: 89,76 điểm\n",
    )
    answer = answer_question(
        KnowledgeIndex([notice]),
        "Ba cơ quan khối sở ở Yên Bái được xếp loại Tốt về chỉ số CCHC năm 2023 là những cơ quan nào?",
    )
    assert answer.found, answer.reason
    assert "Sở Tư pháp" in answer.text and "Văn phòng Ủy ban nhân dân tỉnh" in answer.text, answer.text


def test_a_passage_with_clearly_more_of_the_questions_words_answers():
    article = IndexedDoc(
        "tphcm-2019.txt",
        "Tình hình cải cách hành chính 9 tháng đầu năm 2019 của Thành phố Hồ Chí Minh",
        "Tình hình cải cách hành chính 9 tháng đầu năm 2019 của Thành phố Hồ Chí Minh\n"
        "Năm 2019, TP.HCM phát động phong trào thi đua cao điểm, thi đua cao điểm 9 tháng, phong trào cao điểm. "
        "Mỗi đơn vị có một sáng kiến giảm phiền hà cho người dân và doanh nghiệp. "
        "Đặc biệt đã phát huy vai trò của các cấp ủy Đảng, chính quyền và sự phối hợp đồng bộ của Mặt trận "
        "Tổ quốc và các đoàn thể, do đó nội dung phong trào thi đua cao điểm đã mang nhiều yếu tố sáng tạo, "
        "cụ thể, phong phú và toàn diện.\n"
        "- Công tác truyền thông về cải cách hành chính được quan tâm.\n",
    )
    answer = answer_question(
        KnowledgeIndex([article]),
        "TP.HCM 9 tháng 2019, nội dung phong trào thi đua cao điểm đã mang nhiều yếu tố như thế nào?",
    )
    assert answer.found and "phong phú và toàn diện" in answer.text, (answer.text, answer.reason)
