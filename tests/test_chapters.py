"""«chương 3» is the «Chương III» a regulation writes, not an item «3.» of another chapter."""

from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.index import KnowledgeIndex

REGULATION = IndexedDoc(
    "qd-quy-che.docx",
    "Quy chế thi đua cải cách hành chính tỉnh Yên Bái",
    "QUY CHẾ Thi đua cải cách hành chính tỉnh Yên Bái\n"
    "Chương I\nQUY ĐỊNH CHUNG\n"
    "Điều 1. Phạm vi điều chỉnh\nQuy chế này quy định việc thi đua cải cách hành chính.\n"
    "Chương II\nDANH HIỆU THI ĐUA\n"
    "Điều 5. Cờ thi đua\n1. Tập thể dẫn đầu khối.\n2. Không vi phạm kỷ luật.\n"
    "3. Có sáng kiến cải cách hành chính được công nhận trong quy chế.\n"
    "Chương III\nQUY TRÌNH, HỒ SƠ VÀ THẨM QUYỀN\n"
    "Điều 11. Quy trình xét tặng\n1. Cơ quan lập hồ sơ gửi Sở Nội vụ.\n2. Sở Nội vụ thẩm định trong 15 ngày.\n",
)


def test_a_chapter_asked_in_arabic_figures_is_found_by_its_roman_heading():
    index = KnowledgeIndex([REGULATION])
    for question in ("quy che thi dua yen bai chuong 3 quy dinh nhung gi", "Chương 3 của quy chế quy định gì?"):
        answer = answer_question(index, question)
        assert answer.found, (question, answer.reason)
        assert "QUY TRÌNH" in answer.text, (question, answer.text)


def test_an_item_is_found_under_the_lists_whole_name():
    from kb.index import question_label_nouns

    assert question_label_nouns("noi dung thi dua so 3 gom nhung viec gi") == {"3": "noi dung thi dua"}
    rules = IndexedDoc(
        "quy-che-thi-dua.docx",
        "Quy chế thi đua cải cách hành chính tỉnh Yên Bái",
        "QUY CHẾ Thi đua cải cách hành chính tỉnh Yên Bái\n"
        "Điều 3. Nội dung, tiêu chí đánh giá\n"
        "1. Đánh giá theo thang điểm 100.\n2. Chấm điểm theo Biểu 01.\n"
        "3. Lấy kết quả Chỉ số cải cách hành chính của năm và số liệu trích xuất từ hệ thống thông tin.\n"
        "Điều 5. Nội dung thi đua\n"
        "1. Hoàn thành kế hoạch cải cách hành chính.\n2. Cải cách thủ tục hành chính.\n"
        "3. Đẩy mạnh cung cấp và sử dụng DVCTT toàn trình, thanh toán trực tuyến.\n",
    )
    answer = answer_question(
        KnowledgeIndex([rules]), "quy che thi dua yen bai, noi dung thi dua so 3 gom nhung viec gi"
    )
    assert answer.found and "DVCTT toàn trình" in answer.text, (answer.text, answer.reason)
