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
