"""The day a document was signed is asked of the document itself, when the knowledge base holds it."""

from datetime import date

from kb.analysis import IndexedDoc
from kb.answer import answer_question
from kb.index import KnowledgeIndex
from kb.issued import issued_document

PLAN = IndexedDoc(
    file_name="tinh-kh-cchc.txt",
    title="Kế hoạch cải cách hành chính năm 2024",
    number="18/KH-UBND",
    date=date(2024, 1, 12),
    text=(
        "ỦY BAN NHÂN DÂN TỈNH BÌNH SƠN\nSố: 18/KH-UBND\nBình Sơn, ngày 12 tháng 01 năm 2024\n"
        "KẾ HOẠCH\nCải cách hành chính năm 2024\n"
        "Căn cứ Kế hoạch số 145/KH-UBND ngày 30/12/2021 của Ủy ban nhân dân tỉnh về cải cách hành chính "
        "tỉnh Bình Sơn giai đoạn 2021 - 2025;\n"
        "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về cơ chế một cửa.\n"
        "Năm 2024, tỉnh cung cấp 100% dịch vụ công trực tuyến toàn trình.\n"
    ),
)
DISTRICT = IndexedDoc(
    file_name="huyen-kh-cchc.txt",
    title="Kế hoạch cải cách hành chính năm 2024 của huyện Phú Lộc",
    number="09/KH-UBND",
    date=date(2024, 1, 22),
    text=(
        "Căn cứ Kế hoạch số 18/KH-UBND ngày 12/01/2024 của Ủy ban nhân dân tỉnh Bình Sơn về cải cách "
        "hành chính năm 2024 của tỉnh Bình Sơn;\n"
        "Ủy ban nhân dân huyện ban hành kế hoạch cải cách hành chính năm 2024 ngày 22/01/2024.\n"
    ),
)


def test_the_day_a_held_document_was_signed_is_answered_from_it():
    index = KnowledgeIndex([PLAN, DISTRICT])
    for question in (
        "KH 18 về CCHC năm 2024 của UBND tỉnh Bình Sơn ký ngày bao nhiêu?",
        "ke hoach so 18 ve cai cach hanh chinh tinh binh son ban hanh ngay nao",
    ):
        answer = answer_question(index, question)
        assert answer.found, answer.reason
        assert answer.sources[0].file == "tinh-kh-cchc.txt", answer.sources
        said = ("12 tháng 01 năm 2024", "12/01/2024", "12/1/2024")
        assert any(d in answer.text for d in said) and "30/12/2021" not in answer.text, answer.text


def test_only_a_held_document_named_last_before_the_day_asked_is_chosen():
    index = KnowledgeIndex([PLAN, DISTRICT])
    assert issued_document(index, "KH 18/KH-UBND ký ngày nào?") == 0
    assert issued_document(index, "Kế hoạch 09 của huyện ban hành ngày nào?") == 1
    # the decree the plan cites is not held: its «Căn cứ» line answers, wherever it is
    assert issued_document(index, "KH 18 căn cứ Nghị định 61/2018/NĐ-CP; NĐ đó ban hành ngày nào?") is None
    assert issued_document(index, "QĐ 18 ban hành ngày nào?") is None  # 18 is a plan's number, not a decision's
    assert issued_document(index, "KH 18 có bao nhiêu nhiệm vụ?") is None
    # a law named after the plan, without a number: the law's day is asked
    assert issued_document(index, "KH 18 căn cứ Luật Thi đua, khen thưởng ban hành ngày nào?") is None


def test_a_documents_full_number_is_answered_by_a_sentence_that_writes_it():
    article = IndexedDoc(
        file_name="bao-tphcm-2019.txt",
        title="TP.HCM đẩy mạnh cải cách hành chính 9 tháng đầu năm 2019",
        text=(
            "Thực hiện “Năm đột phá cải cách hành chính và thực hiện Nghị quyết 54 của Quốc hội” năm 2019, "
            "thành phố đẩy mạnh cải cách hành chính đầy đủ, hiệu quả.\n"
            "Tỷ lệ giải quyết đúng hạn đạt 98%.\n"
            "Năm 2019, Thành ủy chỉ đạo sâu sát các nội dung của Nghị quyết số 54/2017/QH14 của Quốc hội để "
            "triển khai đầy đủ, có hiệu quả các cơ chế, chính sách đặc thù của thành phố.\n"
        ),
    )
    answer = answer_question(KnowledgeIndex([article]), "Nghị quyết 54 của Quốc hội năm 2019 số hiệu đầy đủ là gì?")
    assert answer.found and "54/2017/QH14" in answer.text, (answer.text, answer.reason)


def test_a_documents_facts_do_not_answer_what_is_asked_of_its_content():
    plan = IndexedDoc(
        file_name="huyen-kh-09.txt",
        title="Kế hoạch cải cách hành chính năm 2024 của huyện Phú Lộc",
        number="09/KH-UBND",
        date=date(2024, 1, 22),
        issuer="UBND huyện Phú Lộc",
        text=(
            "Kế hoạch cải cách hành chính năm 2024 của huyện Phú Lộc\n"
            "III. TỔ CHỨC THỰC HIỆN\n"
            "a) Các phòng chuyên môn ban hành kế hoạch trước ngày 31/01/2024.\n"
            "b) Ủy ban nhân dân các xã, thị trấn ban hành kế hoạch trước ngày 05/02/2024, gửi Phòng Nội vụ huyện.\n"
        ),
    )
    index = KnowledgeIndex([plan])
    answer = answer_question(
        index,
        "Theo Kế hoạch 09/KH-UBND, Ủy ban nhân dân các xã, thị trấn của huyện Phú Lộc ban hành kế hoạch "
        "cải cách hành chính năm 2024 thì gửi về cơ quan nào?",
    )
    assert answer.found and "Phòng Nội vụ huyện" in answer.text, (answer.text, answer.reason)
    # what is asked of the document itself is still its facts
    answer = answer_question(index, "Kế hoạch 09/KH-UBND của huyện Phú Lộc ban hành ngày nào?")
    assert answer.found and "22/1/2024" in answer.text, (answer.text, answer.reason)
