"""«Bảng …, dòng …, cột … ghi gì?»: the words that point into a table are not words the row must hold."""

from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.index import KnowledgeIndex

REPORT = IndexedDoc(
    "bc-quy-3-tinh-y.docx",
    "Báo cáo cải cách hành chính quý III năm 2024 của tỉnh Yên Bái",
    "Báo cáo cải cách hành chính quý III năm 2024 của tỉnh Yên Bái\n"
    "Kết quả thực hiện các chỉ tiêu chủ yếu\n"
    "STT | Chỉ tiêu | Chỉ tiêu năm 2024 | Kết quả 9 tháng | Đánh giá\n"
    "1 | Đơn giản hóa thủ tục hành chính | Ít nhất 35 thủ tục | 28 thủ tục | Đạt tiến độ\n"
    "2 | Hồ sơ trực tuyến toàn trình | Từ 50% | 41,2% | Chậm\n"
    "Trong 9 tháng, tỉnh đã rà soát và đơn giản hóa thủ tục hành chính ở các lĩnh vực đất đai, xây dựng.\n",
)


def test_a_cell_asked_by_row_and_column_is_answered_with_its_row():
    question = "Bảng chỉ tiêu chủ yếu BC quý III/2024 Yên Bái: dòng Đơn giản hóa thủ tục hành chính, cột chỉ tiêu năm 2024 ghi gì?"
    answer = answer_question(KnowledgeIndex([REPORT]), question)
    assert answer.found, answer.reason
    assert "Ít nhất 35 thủ tục" in answer.text


def test_a_row_numbered_is_a_row_of_a_table_not_an_item_of_a_list():
    rules = IndexedDoc(
        "quy-che.docx",
        "Quy chế thi đua cải cách hành chính tỉnh Yên Bái",
        "Điều 10. Các trường hợp không xét tặng\n"
        "5. Có cán bộ vi phạm kỷ luật.\n6. Không đăng ký thi đua theo thời hạn quy định tại Điều 13.\n"
        "Biểu 01/TĐ-CCHC. Chỉ tiêu chấm điểm thi đua\n"
        "STT | Chỉ tiêu | Đơn vị tính\n"
        "5 | Tỷ lệ hồ sơ trực tuyến toàn trình | %\n"
        "6 | Tỷ lệ hồ sơ được số hóa | %\n",
    )
    answer = answer_question(
        KnowledgeIndex([rules]), "Dòng số 6 trong Biểu 01/TĐ-CCHC của quy chế thi đua là chỉ tiêu gì?"
    )
    assert answer.found and "Tỷ lệ hồ sơ được số hóa" in answer.text, (answer.text, answer.reason)
