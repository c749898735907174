"""Short forms no document writes, read from the documents' own words (kb.abbrev)."""

import pytest

from kb.abbrev import expand_abbreviations, resolve
from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.index import KnowledgeIndex

PLAN = IndexedDoc(
    file_name="quang-ninh-2024-kh.txt",
    title="Kế hoạch cải cách hành chính năm 2024 của tỉnh Quảng Ninh",
    number="21/KH-UBND",
    text=(
        "Kế hoạch cải cách hành chính năm 2024 của tỉnh Quảng Ninh\n"
        "1. Tỷ lệ hồ sơ giải quyết đúng hạn của tỉnh Quảng Ninh đạt từ 98% trở lên.\n"
        "2. Trung tâm Phục vụ hành chính công tỉnh số hóa 100% hồ sơ tiếp nhận mới trước ngày 30/6/2024.\n"
        "3. Bộ phận Một cửa cấp xã công khai kết quả giải quyết hồ sơ trên Cổng thông tin của tỉnh.\n"
        "4. Sở Nội vụ lập danh sách cơ quan được kiểm tra; kết quả kiểm tra gửi Ủy ban nhân dân tỉnh.\n"
        "5. Tỷ lệ hồ sơ trực tuyến toàn trình của tỉnh Quảng Ninh đạt từ 50%; tỷ lệ hồ sơ có "
        "văn bản xin lỗi đạt 100%.\n"
        "6. Tổ chức kiểm tra công tác cải cách hành chính tại 30% cơ quan, đơn vị của tỉnh Quảng Ninh.\n"
    ),
)
REPORT = IndexedDoc(
    file_name="quang-ninh-2024-bc.txt",
    title="Báo cáo kết quả cải cách hành chính 6 tháng năm 2024 của tỉnh Quảng Ninh",
    number="88/BC-UBND",
    text=(
        "Báo cáo kết quả cải cách hành chính 6 tháng năm 2024 của tỉnh Quảng Ninh\n"
        "Trung tâm Phục vụ hành chính công tỉnh tiếp nhận 12.400 hồ sơ, số hóa 96% hồ sơ.\n"
        "Kết quả kiểm tra tại 12 cơ quan cho thấy tỷ lệ hồ sơ đúng hạn đạt 97,2%.\n"
    ),
)


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return KnowledgeIndex([PLAN, REPORT])


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("QN", "quang ninh"),  # a province's initials
        ("kq", "ket qua"),
        ("HCC", "hanh chinh cong"),  # three words, written so in a passage
        ("BP", "bo phan"),
        ("ds", "danh sach"),
        ("ktra", "kiem tra"),  # a first letter before a syllable the documents write
    ],
)
def test_a_short_form_is_read_from_the_documents_words(index, typed, meant):
    assert resolve(index, typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "tỉnh",  # a word of the documents
        "kh",  # a short form the lexicon knows (kế hoạch)
        "HN",  # a place the reading knows (Hà Nội)
        "flan",  # could be one syllable: a foreign word, not a short form
        "xzq",  # no run of words the documents write has these initials
    ],
)
def test_other_words_are_left_alone(index, typed):
    assert resolve(index, typed) is None


def test_a_pair_that_straddles_two_words_is_not_a_short_form():
    # «định số» of «Quyết định số …» is found more often than «danh sách», but «quyết định»
    # binds «định» far more: «ds» is «danh sách».
    lines = [f"Quyết định số {n}/QĐ-UBND về khen thưởng." for n in range(1, 5)]
    lines += [f"Quyết định khen thưởng đợt {n} được công bố." for n in range(1, 7)]
    lines += ["Sở Nội vụ lập danh sách cơ quan.", "Danh sách được công khai."]
    doc = IndexedDoc(file_name="qd.txt", title="Tổng hợp quyết định", text="\n".join(lines))
    assert resolve(KnowledgeIndex([doc]), "ds") == "danh sach"


def test_the_question_is_read_with_its_short_forms_written_out(index):
    assert expand_abbreviations(index, "TT Phục vụ HCC tỉnh QN số hóa bn % hs?") == (
        "trung tam Phục vụ hanh chinh cong tỉnh quang ninh số hóa bn % hs?"
    )


def test_a_question_typed_in_short_forms_is_answered_not_refused(index):
    answer = answer_question(index, "KH CCHC 2024 tỉnh QN: BP Một cửa cấp xã công khai KQ giải quyết hs ở đâu?")
    assert answer.found, answer.reason
    assert "Cổng thông tin" in answer.text
    # Without the reading, «QN», «BP» and «KQ» are words no document has: the question was refused.
    assert "words unknown" not in answer.reason


def test_a_long_short_form_is_the_run_written_most_often_as_it_stands():
    lines = [f"Ủy ban nhân dân tỉnh ban hành Quyết định số {n}/QĐ-UBND." for n in range(1, 8)]
    lines += [
        "Ban Dân vận Tỉnh ủy phối hợp tuyên truyền cải cách hành chính.",
        "Các cơ quan nhà nước kết nối Mạng truyền số liệu chuyên dùng.",
        "Cơ quan nhà nước công khai thủ tục hành chính; cơ quan nhà nước trả lời kiến nghị.",
        "Báo cáo gửi Ủy ban nhân dân tỉnh. Số liệu được cập nhật hằng tháng.",
        "Tổng hợp toàn tỉnh. Số liệu chốt ngày 14 hằng tháng.",
    ]
    index = KnowledgeIndex([IndexedDoc(file_name="kh.txt", title="Kế hoạch", text="\n".join(lines))])
    # «ban» binds «ban hành» far more than «Ban Dân»: a run of three need not start with a pair
    # that stands on its own, it must be written as it stands.
    assert resolve(index, "BDV") == "ban dan van"
    assert resolve(index, "CQNN") == "co quan nha nuoc"  # «cơ» is no joining word «có»
    # «tỉnh. Số liệu», written twice, spans two sentences: no run.
    assert resolve(index, "TSL") == "truyen so lieu"


def test_capitals_with_a_vowel_are_initials_too():
    text = "\n".join(
        [
            "Tỷ lệ hồ sơ trả kết quả qua dịch vụ bưu chính công ích đạt 30%.",
            "Bưu chính công ích tiếp nhận hồ sơ tại nhà.",
            "Bảo đảm an toàn thông tin mạng cho các hệ thống.",
        ]
    )
    index = KnowledgeIndex([IndexedDoc(file_name="kh.txt", title="Kế hoạch", text=text)])
    assert resolve(index, "BCCI") == "buu chinh cong ich"
    assert resolve(index, "ATTT") == "an toan thong tin"
    assert resolve(index, "bcci") is None  # typed in lower case it may be a misspelt word


def test_a_misspelt_word_is_read_as_the_documents_word_one_letter_away():
    text = "Sở Xây dựng cấp giấy phép xây dựng; hồ sơ xây dựng quá hạn.\nTrung tâm dữ liệu của tỉnh."
    idx = KnowledgeIndex([IndexedDoc(file_name="bc.txt", title="Báo cáo", text=text)])
    # a letter left out; «du» (of «dữ liệu») is one letter away too, but not after «xây»
    assert expand_abbreviations(idx, "Sở Xây dựg có bao nhiêu hồ sơ quá hạn?") == (
        "Sở Xây dung có bao nhiêu hồ sơ quá hạn?"
    )
    assert resolve(idx, "dựg") is None  # with no word around it to tell which
    assert resolve(idx, "xâyy", after="dựng") is None  # a Vietnamese syllable is never read so
    assert resolve(idx, "DUGN", before="xây") is None  # nor a word in capitals
