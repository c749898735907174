"""What a question asks: «mấy» counts, unless the question asks something else and «mấy» only points."""

import pytest

from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.index import KnowledgeIndex, answer_type, determiner_may
from kb.text import fold, tokens


@pytest.mark.parametrize(
    "question,points",
    [
        ("Hà Nội năm 2022 tính làm gì để trị mấy cán bộ hạch sách?", True),
        ("xử lý mấy vụ lợi dụng dân chủ là để tránh gây mất cái gì?", True),
        ("Phú Lộc có mấy xã?", False),
        ("Phú Lộc có mấy xã, mấy thị trấn", False),
        ("Tiêu chí 3.2 tối đa mấy điểm, do cơ quan nào chấm?", False),  # «điểm» counts
        ("Có bao nhiêu xã và là những xã nào?", False),
    ],
)
def test_may_points_or_counts(question, points):
    assert determiner_may(fold(question)) is points
    if points:
        assert answer_type(tokens(question)) != "number"


def test_a_question_pointing_with_may_is_answered_without_a_figure():
    plan = IndexedDoc(
        "kh-5-ro.txt",
        "Kế hoạch thực hiện phương châm 5 rõ năm 2022 của thành phố Hà Nội",
        "Kế hoạch thực hiện phương châm 5 rõ năm 2022 của thành phố Hà Nội\n"
        "Kiên quyết xử lý nghiêm cán bộ, công chức có hành vi hạch sách, nhũng nhiễu, gây khó khăn cho người dân.\n"
        "Năm 2022, thành phố tổ chức hội nghị đối thoại với người dân; tính toán, trị giá các đề án.\n",
    )
    answer = answer_question(
        KnowledgeIndex([plan]), "Hà Nội năm 2022 tính làm gì để trị mấy cán bộ hạch sách, gây khó khăn cho dân?"
    )
    assert answer.found and "xử lý nghiêm" in answer.text, (answer.text, answer.reason)


def test_a_share_written_with_a_slash_is_no_day():
    plan = IndexedDoc(
        "kh-huyen-2024.txt",
        "Kế hoạch cải cách hành chính năm 2024 của huyện Phú Lộc",
        "II. CHỈ TIÊU\n"
        "7. Tỷ lệ hồ sơ qua dịch vụ bưu chính công ích đạt từ 10% trở lên; 14/14 xã, thị trấn ký thỏa thuận với Bưu điện huyện.\n"
        "III. NHIỆM VỤ\n"
        "d) Phòng Văn hóa phối hợp với Bưu điện huyện hoàn thành ký thỏa thuận với các xã, thị trấn trước ngày 15/5/2024.\n"
        "đ) Các xã gửi đủ hồ sơ đúng hạn.\n",
    )
    answer = answer_question(
        KnowledgeIndex([plan]), "Phú Lộc ký xong thỏa thuận bưu chính công ích với đủ 14 xã, thị trấn hạn là ngày nào?"
    )
    assert answer.found and "15/5/2024" in answer.text, (answer.text, answer.reason)


def test_particles_typed_with_their_marks_are_not_words_to_find():
    from kb.text import is_stopword, raw_tokens

    assert is_stopword(raw_tokens("thôi")[0]) and not is_stopword(raw_tokens("thời")[0])
    assert is_stopword(raw_tokens("chừng")[0]) and not is_stopword(raw_tokens("chứng")[0])
    guide = IndexedDoc(
        "hd-khao-sat.md",
        "Hướng dẫn khảo sát sự hài lòng năm 2024 của tỉnh Yên Bái",
        "4. Phương thức khảo sát\n"
        "- Phiếu giấy (tối thiểu 50% số phiếu): điều tra viên phát phiếu trực tiếp.\n"
        "- Qua bưu điện (khoảng 15% số phiếu): Bưu điện tỉnh gửi phiếu cho người dân.\n"
        "- Trực tuyến (tối đa 35% số phiếu): người dân quét mã QR.\n",
    )
    answer = answer_question(
        KnowledgeIndex([guide]), "Khảo sát 2024 Yên Bái, phiếu gửi qua bưu điện chiếm chừng bao nhiêu phần trăm thôi?"
    )
    assert answer.found and "15%" in answer.text, (answer.text, answer.reason)
