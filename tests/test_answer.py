"""Unit tests of retrieval and answer choice, on small documents written here."""

from datetime import date

import pytest

from kb.analysis import IndexedDoc, split_chunks, split_sentences
from kb.answer import MAX_ANSWER, answer_question
from kb.index import KnowledgeIndex

DOC_A = IndexedDoc(
    file_name="tinh-a-2023.txt",
    title="Kế hoạch cải cách hành chính năm 2023 của tỉnh Quảng Ninh",
    number="15/KH-UBND",
    date=date(2023, 1, 5),
    text=(
        "Kế hoạch cải cách hành chính năm 2023 của tỉnh Quảng Ninh\n"
        "Ngày 05/01/2023, UBND tỉnh ban hành Kế hoạch số 15/KH-UBND về cải cách hành chính năm 2023.\n"
        "Năm 2023, tỉnh phấn đấu chỉ số hài lòng của người dân (SIPAS) đạt trên 90%. "
        "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn đạt trên 98,5%.\n"
        "Toàn tỉnh cung cấp 1.250 dịch vụ công trực tuyến toàn trình.\n"
        "Tổ chức kiểm tra công tác cải cách hành chính tại 30% cơ quan, đơn vị.\n"
    ),
)
DOC_B = IndexedDoc(
    file_name="tinh-b-2021.txt",
    title="Kết quả cải cách hành chính năm 2021 của tỉnh Ninh Bình",
    number="200/BC-UBND",
    text=(
        "Kết quả cải cách hành chính năm 2021 của tỉnh Ninh Bình\n"
        "Năm 2021, chỉ số PAR INDEX của tỉnh xếp thứ 12/63 tỉnh, thành phố.\n"
        "Tỉnh đã đơn giản hóa 45 thủ tục hành chính, tiết kiệm 12 tỷ đồng mỗi năm.\n"
    ),
)


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return KnowledgeIndex([DOC_A, DOC_B])


def test_sentences_and_list_markers():
    text = "1. Mục tiêu thứ nhất. TP. Hà Nội đạt 98%.\n2. Mục tiêu thứ hai là 1.720 TTHC."
    sentences = split_sentences(text)
    assert sentences == ["1. Mục tiêu thứ nhất.", "TP. Hà Nội đạt 98%.", "2. Mục tiêu thứ hai là 1.720 TTHC."]


def test_long_sentence_chunks_keep_whole_clauses():
    sentence = "; ".join(f"mệnh đề số {i} nói về thủ tục hành chính và dịch vụ công" for i in range(20))
    chunks = split_chunks(sentence, 200)
    assert all(len(c) <= 200 for c in chunks)
    assert " ".join(chunks) == sentence


@pytest.mark.parametrize(
    "question",
    [
        "SIPAS Quảng Ninh năm 2023 phấn đấu đạt bao nhiêu?",
        "chi so hai long quang ninh 2023",
        "chỉ tiêu sipas của tỉnh theo kế hoạch 15/KH-UBND",
    ],
)
def test_finds_the_sentence_and_cites_the_document(index, question):
    # (A plan's target answers "phấn đấu đạt bao nhiêu"; "đạt bao nhiêu" asks what was achieved: see below.)
    answer = answer_question(index, question)
    assert answer.found, answer.reason
    assert "90%" in answer.text
    assert answer.sources[0].file == "tinh-a-2023.txt"
    assert answer.sources[0].number == "15/KH-UBND"
    assert answer.sources[0].date == "05/01/2023"
    assert len(answer.text) <= MAX_ANSWER


def test_numbers_as_written(index):
    for q in ("tinh cung cap bao nhieu dich vu cong truc tuyen toan trinh", "1.250 DVCTT", "1250 dvctt"):
        answer = answer_question(index, q)
        assert answer.found and "1.250" in answer.text, q


def test_picks_the_right_document_by_place(index):
    answer = answer_question(index, "Ninh Bình đơn giản hóa bao nhiêu TTHC?")
    assert answer.found and "45" in answer.text
    assert answer.sources[0].file == "tinh-b-2021.txt"


@pytest.mark.parametrize(
    "question",
    [
        "Lương cơ sở năm 2024 là bao nhiêu?",
        "thoi tiet ngay mai",
        "Chỉ số PAR INDEX của tỉnh Quảng Ninh năm 2021?",  # the PAR figure is Ninh Bình's
        "chỉ số PCI của Ninh Bình",  # PCI is not in any document
        "SIPAS của tỉnh Ninh Bình năm 2023",  # SIPAS is Quảng Ninh's
        "chi so par index nam 2019",  # the documents speak of 2021
        "",
    ],
)
def test_refuses_what_the_documents_do_not_say(index, question):
    answer = answer_question(index, question)
    assert not answer.found, (question, answer.text)


def test_empty_index_refuses():
    assert not answer_question(KnowledgeIndex([]), "sipas").found


def test_long_sentence_is_trimmed_around_the_answer():
    clauses = [f"nội dung thứ {i} về công tác tuyên truyền và đào tạo cán bộ" for i in range(30)]
    clauses[17] = "tỷ lệ hồ sơ trực tuyến mức độ 4 đạt 37%"
    doc = IndexedDoc("dai.txt", "Báo cáo dài", "Báo cáo dài\n" + "; ".join(clauses) + ".")
    answer = answer_question(KnowledgeIndex([doc]), "tỷ lệ hồ sơ trực tuyến mức độ 4 đạt bao nhiêu")
    assert answer.found and "37%" in answer.text
    assert len(answer.text) <= MAX_ANSWER


def test_a_target_is_not_what_was_achieved(index):
    answer = answer_question(index, "SIPAS Quảng Ninh năm 2023 đạt bao nhiêu?")
    assert not answer.found
    assert "target" in answer.reason


def test_a_heading_item_is_answered_with_its_list():
    doc = IndexedDoc(
        "qc.txt",
        "Quy chế thi đua",
        "QUY CHẾ THI ĐUA\nChương I\nQUY ĐỊNH CHUNG\n"
        "Điều 1. Phạm vi điều chỉnh\nQuy chế này quy định việc thi đua.\n"
        "Điều 2. Các trường hợp không xét tặng\n1. Có nhiệm vụ quá hạn.\n2. Bị kỷ luật.\n"
        "Điều 3. Hiệu lực\nQuy chế có hiệu lực từ ngày ký.\n",
    )
    answer = answer_question(KnowledgeIndex([doc]), "Điều 2 của quy chế quy định gì?")
    assert answer.found, answer.reason
    assert "không xét tặng" in answer.text and "Bị kỷ luật" in answer.text and "Hiệu lực" not in answer.text


def test_a_table_row_is_quoted_with_its_headers_and_found_by_number():
    doc = IndexedDoc(
        "pl.txt",
        "Phụ lục nhiệm vụ",
        "PHỤ LỤC NHIỆM VỤ\n"
        "STT | Nhiệm vụ | Đơn vị chủ trì | Thời gian hoàn thành\n"
        "1 | Số hóa hồ sơ | Sở Nội vụ | Trước ngày 31/3/2024\n"
        "2 | Giao tự chủ tài chính | Sở Tài chính | Trước ngày 31/12/2024\n",
    )
    answer = answer_question(KnowledgeIndex([doc]), "nhiệm vụ số 2 trong phụ lục do ai chủ trì, hoàn thành khi nào?")
    assert answer.found, answer.reason
    assert "Đơn vị chủ trì: Sở Tài chính" in answer.text and "31/12/2024" in answer.text


def test_a_point_under_a_numbered_section_is_found_by_both_numbers():
    # «mục» names a section of any document, though the letter never writes the word; the «d)»
    # asked is under the heading «5.».
    doc = IndexedDoc(
        "cv.txt",
        "Công văn về chế độ báo cáo",
        "V/v thực hiện chế độ báo cáo\n"
        "4. Thời hạn gửi báo cáo\na) Báo cáo quý gửi trước ngày 18 của tháng cuối quý.\n"
        "b) Báo cáo năm gửi trước ngày 15/12.\n"
        "5. Xử lý trường hợp chậm báo cáo\na) Nhắc nhở bằng văn bản.\n"
        "b) Trừ điểm ở tiêu chí chế độ báo cáo.\n"
        "c) Nêu tên trong báo cáo của tỉnh.\n"
        "d) Cơ quan chậm gửi báo cáo từ 02 lần trở lên trong năm không được xét tặng Cờ thi đua.\n",
    )
    question = "Điểm d mục 5 công văn: cơ quan chậm gửi báo cáo bao nhiêu lần thì không được xét Cờ thi đua?"
    answer = answer_question(KnowledgeIndex([doc]), question)
    assert answer.found, answer.reason
    assert "02 lần" in answer.text


def test_a_sentence_under_a_heading_with_a_dotted_number_is_within_it():
    # «Mục 5.2»: the paragraph under «5.2. Phiếu hợp lệ» is the section asked, not only its heading.
    doc = IndexedDoc(
        "hd.md",
        "Hướng dẫn khảo sát sự hài lòng",
        "5. Nội dung phiếu\n5.1. Phiếu khảo sát\nPhiếu gồm 20 tiêu chí.\n5.2. Phiếu hợp lệ\n"
        "Phiếu hợp lệ là phiếu trả lời từ 16/20 tiêu chí trở lên. Sở Nội vụ gọi điện phúc tra 5% số phiếu.\n"
        "6. Tổng hợp\nSở Nội vụ gọi điện cho 10% đơn vị.\n",
    )
    answer = answer_question(
        KnowledgeIndex([doc]), "Mục 5.2 hướng dẫn: Sở Nội vụ gọi điện phúc tra bao nhiêu phần trăm số phiếu?"
    )
    assert answer.found, answer.reason
    assert "5% số phiếu" in answer.text


def test_a_dash_list_led_by_a_line_ending_in_a_colon_is_quoted_whole():
    letter = IndexedDoc(
        "cv-77.txt",
        "Công văn 77/SNV-CCHC về chế độ báo cáo",
        "V/v thực hiện chế độ báo cáo cải cách hành chính\n"
        "Kính gửi:\n- Các sở, ban, ngành tỉnh;\n- Ủy ban nhân dân các huyện, thị xã, thành phố.\n"
        "Sở Nội vụ hướng dẫn chế độ báo cáo định kỳ như sau.\n"
        "Nơi nhận:\n- Như trên;\n- Ủy ban nhân dân tỉnh (b/c);\n- Lưu: VT, CCHC.\n",
    )
    idx = KnowledgeIndex([letter])
    for question in ("Công văn 77 về chế độ báo cáo kính gửi những ai?", "cong van 77 kinh gui cac co quan nao?"):
        answer = answer_question(idx, question)
        assert answer.found, answer.reason
        assert "Các sở, ban, ngành tỉnh" in answer.text and "các huyện, thị xã, thành phố" in answer.text, answer.text
        assert "Như trên" not in answer.text


PLAN = IndexedDoc(
    file_name="kh-2024.txt",
    title="Kế hoạch cải cách hành chính năm 2024 của tỉnh Bình Sơn",
    number="18/KH-UBND",
    date=date(2024, 1, 12),
    issuer="UBND tỉnh Bình Sơn",
    text=(
        "KẾ HOẠCH\nCải cách hành chính năm 2024 của tỉnh Bình Sơn\n"
        "I. CHỈ TIÊU CHỦ YẾU NĂM 2024\n"
        "1. Chỉ số hài lòng (SIPAS) năm 2024 đạt từ 85% trở lên (năm 2022 đạt 82,67%, xếp thứ 36/63).\n"
        "2. Tỷ lệ hồ sơ trực tuyến toàn trình đạt từ 50% trở lên.\n"
        "II. KẾT QUẢ 9 THÁNG\n"
        "Tỷ lệ hồ sơ trực tuyến toàn trình thấp: thị xã Bến Đá 19,6%; huyện Sơn Hà 21,3%.\n"
        "Giai đoạn 2016-2020, tỉnh đơn giản hóa 120 thủ tục hành chính.\n"
    ),
)


@pytest.fixture(scope="module")
def plan() -> KnowledgeIndex:
    return KnowledgeIndex([PLAN])


@pytest.mark.parametrize(
    "question,why",
    [
        ("Chỉ số SIPAS năm 2024 của tỉnh Bình Sơn đạt được bao nhiêu?", "target"),  # a target, not a result
        ("Chỉ tiêu số 7 trong kế hoạch CCHC 2024 của Bình Sơn là gì?", "numbered"),  # the plan has two
        ("Tỷ lệ hồ sơ trực tuyến toàn trình quý IV năm 2024 của Bình Sơn?", "period"),  # it gives 9 months
        ("Năm 2016 Bình Sơn đơn giản hóa bao nhiêu thủ tục hành chính?", "period"),  # 2016-2020 as a whole
    ],
)
def test_refuses_what_the_passage_is_not_about(plan, question, why):
    answer = answer_question(plan, question)
    assert not answer.found, (why, answer.text)


def test_the_figure_of_the_asked_year_is_an_answer(plan):
    answer = answer_question(plan, "Năm 2022 chỉ số SIPAS của Bình Sơn đạt bao nhiêu, xếp thứ mấy?")
    assert answer.found, answer.reason
    assert "82,67%" in answer.text and "36/63" in answer.text


def test_figures_of_places_not_asked_about_are_no_answer():
    report = IndexedDoc(
        "bc-q3.txt",
        "Báo cáo kết quả cải cách hành chính 9 tháng năm 2024 của tỉnh Bình Sơn",
        number="298/BC-UBND",
        text="BÁO CÁO\nKết quả 9 tháng năm 2024 của tỉnh Bình Sơn\n"
        "Tỷ lệ hồ sơ trực tuyến toàn trình còn thấp: thị xã Bến Đá 19,6%; huyện Sơn Hà 21,3%.\n",
    )
    index = KnowledgeIndex([report])
    answer = answer_question(
        index, "Tỷ lệ hồ sơ trực tuyến toàn trình 9 tháng năm 2024 của tỉnh Bình Sơn là bao nhiêu?"
    )
    assert not answer.found and "figures are for" in answer.reason, (answer.text, answer.reason)
    answer = answer_question(
        index, "Tỷ lệ hồ sơ trực tuyến toàn trình 9 tháng năm 2024 của thị xã Bến Đá là bao nhiêu?"
    )
    assert answer.found and "19,6%" in answer.text, answer.reason


SIGNED = IndexedDoc(
    file_name="tinh-c-2024-bc.txt",
    title="Báo cáo cải cách hành chính 9 tháng năm 2024 của tỉnh Hòa Bình",
    number="07/BC-UBND",
    date=date(2024, 9, 20),
    issuer="UBND tỉnh Hòa Bình",
    text=(
        "Báo cáo cải cách hành chính 9 tháng năm 2024 của tỉnh Hòa Bình\n"
        "III. CÁC ĐƠN VỊ CÒN HẠN CHẾ\n"
        "1. Tỷ lệ hồ sơ trực tuyến toàn trình thấp: huyện Kim Bôi 28,4%; huyện Lạc Sơn 31,2%.\n"
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nNguyễn Văn Hải\n"
    ),
)
PLAN_C = IndexedDoc(
    file_name="tinh-c-2024-kh.txt",
    title="Kế hoạch cải cách hành chính năm 2024 của tỉnh Hòa Bình",
    number="03/KH-UBND",
    date=date(2024, 1, 10),
    text=(
        "Kế hoạch cải cách hành chính năm 2024 của tỉnh Hòa Bình\n"
        "II. CHỈ TIÊU NĂM 2024\n"
        "1. Tỷ lệ hồ sơ trực tuyến toàn trình đạt từ 50% trở lên.\n"
    ),
)


def test_who_signed_is_answered_from_the_documents_facts():
    idx = KnowledgeIndex([SIGNED, PLAN_C, DOC_B])
    for question in (
        "Ai ký Báo cáo 07/BC-UBND về cải cách hành chính của tỉnh Hòa Bình?",
        "ai ky bao cao cai cach hanh chinh 9 thang nam 2024 cua tinh hoa binh",
    ):
        ans = answer_question(idx, question)
        assert ans.found and "Nguyễn Văn Hải" in ans.text, question


def test_the_signature_block_answers_nothing_but_who_signed():
    report = IndexedDoc(
        file_name="tinh-c-2024-bc-2.txt",
        title="Báo cáo cải cách hành chính năm 2024 của tỉnh Hòa Bình",
        number="08/BC-UBND",
        date=date(2024, 12, 10),
        text=(
            "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Báo cáo cải cách hành chính năm 2024 của tỉnh Hòa Bình\n"
            "1. Tỷ lệ hồ sơ trực tuyến toàn trình đạt 40%.\n"
            "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nNguyễn Văn Hải\n"
        ),
    )
    elsewhere = IndexedDoc(
        file_name="tin-xa.txt",
        title="Tin cải cách hành chính cấp xã",
        text="Tin cải cách hành chính cấp xã\nHộ gia đình ở quê được hướng dẫn lập hồ sơ trực tuyến tại nhà.\n",
    )
    idx = KnowledgeIndex([report, elsewhere, PLAN_C, DOC_B])
    ans = answer_question(idx, "Nguyễn Văn Hải quê ở đâu?")
    assert not ans.found, ans.text
    ans = answer_question(idx, "Ai ký Báo cáo 08/BC-UBND của tỉnh Hòa Bình?")
    assert ans.found and "Nguyễn Văn Hải" in ans.text


def test_who_wrote_an_article_is_answered_from_its_byline():
    article = IndexedDoc(
        file_name="tin-hoa-binh.txt",
        title="Hòa Bình: 97% hồ sơ được giải quyết đúng hạn năm 2023",
        date=date(2024, 4, 2),
        kind="article",
        source="Tin cải cách hành chính",
        text=(
            "Hòa Bình: 97% hồ sơ được giải quyết đúng hạn năm 2023\n"
            "Ngày 01/4/2024, tỉnh Hòa Bình tổng kết công tác cải cách hành chính năm 2023.\n"
            "Tỷ lệ hồ sơ giải quyết đúng hạn năm 2023 đạt 97%.\n\nThu Trang\n"
        ),
    )
    idx = KnowledgeIndex([article, SIGNED, PLAN_C])
    for question in (
        "Bài tin tổng kết cải cách hành chính năm 2023 của tỉnh Hòa Bình do ai viết?",
        "tac gia bai viet tong ket cchc 2023 hoa binh",
    ):
        ans = answer_question(idx, question)
        assert ans.found and "Thu Trang" in ans.text, (question, ans.text, ans.reason)


def test_a_target_asked_is_not_answered_by_results():
    idx = KnowledgeIndex([SIGNED, PLAN_C, DOC_B])
    ans = answer_question(idx, "Huyện Kim Bôi đặt chỉ tiêu tỷ lệ hồ sơ trực tuyến toàn trình năm 2024 là bao nhiêu?")
    assert not ans.found, ans.text
    ans = answer_question(idx, "Huyện Kim Bôi có tỷ lệ hồ sơ trực tuyến toàn trình 9 tháng năm 2024 là bao nhiêu?")
    assert ans.found and "28,4%" in ans.text, ans.text
    ans = answer_question(idx, "Chỉ tiêu tỷ lệ hồ sơ trực tuyến toàn trình năm 2024 của tỉnh Hòa Bình là bao nhiêu?")
    assert ans.found and "50%" in ans.text, ans.text


def test_folding_does_not_make_phrases_the_accented_question_lacks():
    from kb.checks import _RESULT_Q, TARGET_Q, as_typed
    from kb.text import tokens

    # «Bến Đá đặt» is no «đã đạt», «muộn» no «muốn»; without diacritics every reading stays open.
    assert not _RESULT_Q.search(as_typed(tokens("Thị xã Bến Đá đặt chỉ tiêu bao nhiêu?")))
    assert _RESULT_Q.search(as_typed(tokens("Năm 2023 tỉnh đã đạt bao nhiêu?")))
    assert _RESULT_Q.search(as_typed(tokens("ben da dat bao nhieu")))
    assert not TARGET_Q.search(as_typed(tokens("Cơ quan nộp báo cáo muộn thì sao?")))
    assert TARGET_Q.search(as_typed(tokens("Tỉnh muốn đạt bao nhiêu?")))


SCORES = IndexedDoc(
    file_name="tinh-d-2024-tong-ket.txt",
    title="Tỉnh Hòa Bình công bố Chỉ số cải cách hành chính năm 2023",
    date=date(2024, 4, 2),
    text=(
        "Tỉnh Hòa Bình công bố Chỉ số cải cách hành chính năm 2023\n"
        "Ở khối huyện, huyện Kim Bôi đứng đầu với 90,85 điểm, huyện Lạc Sơn xếp cuối với 79,12 điểm. "
        "Điểm trung bình của khối huyện năm 2023 là 85,70 điểm, tăng 1,9 điểm so với năm 2022.\n"
        "Sở Tư pháp đạt 92,10 điểm, Sở Nội vụ đạt 91,34 điểm.\n"
        "Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật năm 2022, hoàn thành trước ngày 31/01/2023.\n"
        "Tỷ lệ hồ sơ giải quyết đúng hạn năm 2023: cấp tỉnh 98,40%, cấp huyện 97,15%.\n"
        "Điều tra viên phát phiếu khảo sát trực tiếp cho người dân. "
        "Công chức Bộ phận Một cửa không được trực tiếp phát phiếu khảo sát cho người dân.\n"
    ),
)


@pytest.mark.parametrize(
    "question,why",
    [
        # the passage compares with 2022 and gives no figure of it
        ("Huyện Kim Bôi được bao nhiêu điểm Chỉ số cải cách hành chính năm 2022?", "compared year"),
        # the only passage of 2022 gives no score
        ("Sở Tư pháp tỉnh Hòa Bình năm 2022 được bao nhiêu điểm?", "no figure of the unit counted"),
        # a figure of other levels
        ("Tỷ lệ hồ sơ giải quyết đúng hạn cấp xã của tỉnh Hòa Bình năm 2023 là bao nhiêu?", "level"),
    ],
)
def test_refuses_a_figure_of_another_year_unit_or_level(question, why):
    answer = answer_question(KnowledgeIndex([SCORES]), question)
    assert not answer.found, (why, answer.text)


def test_the_figures_of_the_same_document_still_answer():
    idx = KnowledgeIndex([SCORES])
    for question, expected in (
        ("Huyện Kim Bôi được bao nhiêu điểm Chỉ số cải cách hành chính năm 2023?", "90,85"),
        ("Tỷ lệ hồ sơ giải quyết đúng hạn cấp huyện của tỉnh Hòa Bình năm 2023 là bao nhiêu?", "97,15%"),
        ("Theo khảo sát của tỉnh Hòa Bình, ai phát phiếu khảo sát trực tiếp cho người dân?", "Điều tra viên"),
        # «ai là người …»: the act follows «là người»
        ("Khảo sát của tỉnh Hòa Bình, ai là người trực tiếp phát phiếu khảo sát cho người dân?", "Điều tra viên"),
    ):
        answer = answer_question(idx, question)
        assert answer.found and expected in answer.text, (question, answer.text, answer.reason)


def test_a_plans_target_is_no_result_of_part_of_the_year():
    idx = KnowledgeIndex([PLAN_C])
    ans = answer_question(idx, "Tỷ lệ hồ sơ trực tuyến toàn trình 9 tháng năm 2024 của tỉnh Hòa Bình là bao nhiêu?")
    assert not ans.found, ans.text


def test_a_long_list_is_quoted_with_each_items_first_clause():
    methods = IndexedDoc(
        file_name="hd-khao-sat.txt",
        title="Hướng dẫn khảo sát sự hài lòng năm 2024 của tỉnh Hòa Bình",
        text="Hướng dẫn khảo sát sự hài lòng năm 2024 của tỉnh Hòa Bình\n"
        "4. Phương thức khảo sát\n"
        "Mỗi đơn vị áp dụng kết hợp ba phương thức như sau:\n"
        + "".join(
            f"- {name} ({share} số phiếu): {'người dân nhận phiếu, điền đầy đủ các câu hỏi và gửi lại; ' * 4}\n"
            for name, share in (("Phiếu giấy", "50%"), ("Trực tuyến", "35%"), ("Qua bưu điện", "15%"))
        ),
    )
    ans = answer_question(
        KnowledgeIndex([methods]), "Khảo sát sự hài lòng năm 2024 của Hòa Bình áp dụng những phương thức nào?"
    )
    assert ans.found and len(ans.text) <= MAX_ANSWER, ans.text
    assert all(name in ans.text for name in ("Phiếu giấy", "Trực tuyến", "Qua bưu điện")), ans.text


def test_an_items_first_clause_keeps_a_phrase_of_several_words():
    from kb.lists import _first_clause

    # A comma this early parts the words of one phrase, not two clauses.
    item = "1. Tự nguyện, tự giác, công khai; đoàn kết, hợp tác cùng phát triển. " + "Nội dung chi tiết. " * 30
    assert _first_clause(item) == "1. Tự nguyện, tự giác, công khai …"
    assert _first_clause("- Phiếu giấy (tối thiểu 50% số phiếu): điều tra viên phát phiếu.") == (
        "- Phiếu giấy (tối thiểu 50% số phiếu) …"
    )


def test_a_document_code_after_so_is_not_an_item_number():
    from kb.index import question_label_nouns

    assert question_label_nouns("Chương trình phối hợp số 03-CTr/BDVTU mà Kế hoạch thực hiện là gì?") == {}
    assert question_label_nouns("Kế hoạch số 15/KH-UBND gồm mấy phần?") == {}
    # the list's name a few words before the number
    assert question_label_nouns("Trong 12 chỉ tiêu, chỉ tiêu cuối cùng (số 12) yêu cầu gì?") == {"12": "chi tieu"}
    assert question_label_nouns("đơn vị xếp thứ 2 là đơn vị nào") == {"2": "xep"}
    # a list of items named together: what they share is asked, not one of them
    assert question_label_nouns("Số liệu chấm các tiêu chí 3.3, 3.4, 3.5, 7.3 lấy từ đâu?") == {}
    assert question_label_nouns("Tiêu chí 3.3, 3.4 được bao nhiêu điểm?") == {"3.3": "tieu chi"}
    # «trong số 14», «tổng số 14» count; «kế hoạch số 18» names a document
    assert question_label_nouns("Có bao nhiêu xã trong số 14 đơn vị cấp xã của huyện?") == {}
    assert question_label_nouns("tong so 14 don vi cap xa co bao nhieu xa") == {}
    assert question_label_nouns("Kế hoạch số 18 ký ngày nào?") == {}


def test_a_question_asking_a_percentage_is_not_answered_by_a_passage_without_one():
    plan = IndexedDoc(
        file_name="tinh-c-2024.txt",
        title="Kế hoạch khảo sát sự hài lòng năm 2024 của tỉnh Hòa Bình",
        text=(
            "Kế hoạch khảo sát sự hài lòng năm 2024 của tỉnh Hòa Bình\n"
            "Năm 2024, tỉnh Hòa Bình tổ chức khảo sát sự hài lòng của người dân tại các sở, ngành; "
            "kết quả khảo sát đạt yêu cầu, được công bố cùng Chỉ số cải cách hành chính.\n"
        ),
    )
    idx = KnowledgeIndex([plan, DOC_A, DOC_B])
    answer = answer_question(idx, "Kết quả khảo sát sự hài lòng năm 2024 của tỉnh Hòa Bình đạt bao nhiêu %?")
    assert not answer.found
    assert "percentage" in answer.reason
    # the same passage answers what it says
    assert answer_question(idx, "Năm 2024 tỉnh Hòa Bình khảo sát sự hài lòng ở đâu?").found


def test_a_question_counting_with_may_wants_a_figure_of_that_unit():
    from kb.checks import _counted_word
    from kb.text import tokens

    assert _counted_word(tokens("không để tồn đọng quá mấy ngày?")) == "ngay"
    assert _counted_word(tokens("khong de ton dong qua may ngay")) == "ngay"
    assert _counted_word(tokens("mỗi xã có máy tính không")) == ""


def test_small_talk_is_not_searched_in_the_documents(index):
    answer = answer_question(index, "Bạn là ai, bạn giúp được gì cho tôi?")
    assert not answer.found and "small talk" in answer.reason


def test_a_rate_is_answered_only_by_a_passage_about_that_rate():
    report = IndexedDoc(
        file_name="tinh-d-2024.txt",
        title="Báo cáo cải cách hành chính 9 tháng năm 2024 của tỉnh Hòa Bình",
        text=(
            "Báo cáo cải cách hành chính 9 tháng năm 2024 của tỉnh Hòa Bình\n"
            "Tỷ lệ hồ sơ trực tuyến toàn trình thấp: huyện Lạc Sơn 31,2%; huyện Mai Châu 28,4%.\n"
        ),
    )
    idx = KnowledgeIndex([report, DOC_A, DOC_B])
    for question in (
        "Tỷ lệ thanh toán trực tuyến của huyện Lạc Sơn 9 tháng năm 2024 là bao nhiêu?",
        "ty le thanh toan truc tuyen cua huyen lac son 9 thang 2024",
    ):
        answer = answer_question(idx, question)
        assert not answer.found and "rate asked" in answer.reason, (question, answer)
    for question in (
        "Tỷ lệ hồ sơ trực tuyến toàn trình của huyện Lạc Sơn 9 tháng năm 2024 là bao nhiêu?",
        "ty le ho so truc tuyen toan trinh huyen lac son 9 thang 2024",
    ):
        answer = answer_question(idx, question)
        assert answer.found and "31,2%" in answer.text, (question, answer)


def test_a_deadline_asked_is_the_rule_not_the_report_that_it_was_met():
    plan = IndexedDoc(
        file_name="kh-tinh-e-2024.txt",
        title="Kế hoạch cải cách hành chính năm 2024 của tỉnh Yên Bái",
        text=(
            "Kế hoạch cải cách hành chính năm 2024 của tỉnh Yên Bái\n"
            "Các sở, ban, ngành ban hành kế hoạch cải cách hành chính năm 2024 của cơ quan mình "
            "trước ngày 31/01/2024.\n"
        ),
    )
    report = IndexedDoc(
        file_name="bc-tinh-e-2024.txt",
        title="Báo cáo cải cách hành chính quý I năm 2024 của tỉnh Yên Bái",
        text=(
            "Báo cáo cải cách hành chính quý I năm 2024 của tỉnh Yên Bái\n"
            "100% các sở, ban, ngành đã ban hành kế hoạch cải cách hành chính năm 2024 trước ngày 31/01/2024.\n"
        ),
    )
    idx = KnowledgeIndex([report, plan, DOC_A])
    answer = answer_question(
        idx, "Các sở, ban, ngành tỉnh Yên Bái phải ban hành kế hoạch CCHC năm 2024 trước ngày nào?"
    )
    assert answer.found and "31/01/2024" in answer.text
    assert answer.sources[0].file == "kh-tinh-e-2024.txt"
    # asked what was done, the report answers
    done = answer_question(idx, "Các sở tỉnh Yên Bái đã ban hành kế hoạch CCHC năm 2024 chưa?")
    assert done.found and done.sources[0].file == "bc-tinh-e-2024.txt"


def test_a_department_asked_about_must_be_the_passages():
    notice = IndexedDoc(
        file_name="tb-tinh-g-2023.txt",
        title="Thông báo kết quả Chỉ số cải cách hành chính năm 2023 của tỉnh Yên Bái",
        issuer="Ủy ban nhân dân tỉnh Yên Bái",
        text=(
            "Thông báo kết quả Chỉ số cải cách hành chính năm 2023 của tỉnh Yên Bái\n"
            "Chỉ số hài lòng (SIPAS) năm 2023 của tỉnh đạt 84,5%.\n"
            "Sở Tư pháp đạt 91,25 điểm Chỉ số cải cách hành chính năm 2023.\n"
            "Sở Y tế đạt 85,62 điểm Chỉ số cải cách hành chính năm 2023.\n"
            "Nguồn tài chính cho khảo sát do tỉnh bảo đảm.\n"
        ),
    )
    idx = KnowledgeIndex([notice, DOC_A, DOC_B])
    # the province's figure is not the department's
    answer = answer_question(idx, "Chỉ số hài lòng SIPAS năm 2023 của Sở Y tế tỉnh Yên Bái đạt bao nhiêu phần trăm?")
    assert not answer.found, answer
    answer = answer_question(idx, "Sở Y tế tỉnh Yên Bái được bao nhiêu điểm Chỉ số cải cách hành chính năm 2023?")
    assert answer.found and "85,62" in answer.text
    answer = answer_question(idx, "so tu phap tinh yen bai duoc bao nhieu diem chi so cchc nam 2023")
    assert answer.found and "91,25" in answer.text
    # a department no document names: the documents say nothing of it, not the province's figure
    answer = answer_question(idx, "Chỉ số hài lòng SIPAS năm 2023 của Sở Tài chính tỉnh Yên Bái là bao nhiêu?")
    assert not answer.found, answer
    assert "named in no document" in answer.reason


def test_the_document_an_opening_clause_names_is_searched_first():
    letter = IndexedDoc(
        file_name="cv-tinh-h-2024.txt",
        title="Hướng dẫn chế độ báo cáo định kỳ cải cách hành chính năm 2024",
        issuer="Sở Nội vụ tỉnh Yên Bái",
        text=(
            "Hướng dẫn chế độ báo cáo định kỳ cải cách hành chính năm 2024\n"
            "Các cơ quan gửi báo cáo cải cách hành chính 6 tháng về Sở Nội vụ chậm nhất ngày 18/6/2024.\n"
            "Thời gian chốt số liệu báo cáo quý I: từ ngày 15/12/2023 đến ngày 14/3/2024.\n"
            "Từ quý III năm 2024, những cơ quan của tỉnh Yên Bái gửi báo cáo cải cách hành chính 6 tháng chậm "
            "phải giải trình với Sở Nội vụ.\n"
        ),
    )
    report = IndexedDoc(
        file_name="bc-tinh-h-2024.txt",
        title="Báo cáo kết quả cải cách hành chính quý III năm 2024 của tỉnh Yên Bái",
        number="212/BC-UBND",
        text=(
            "Báo cáo kết quả cải cách hành chính quý III năm 2024 của tỉnh Yên Bái\n"
            "Chế độ báo cáo: báo cáo cải cách hành chính 6 tháng có 03 cơ quan gửi chậm là Sở Xây dựng, "
            "Sở Y tế và huyện Lục Yên.\n"
            "Số liệu trong báo cáo này tính từ ngày 15/6/2024 đến ngày 14/9/2024.\n"
        ),
    )
    idx = KnowledgeIndex([letter, report, DOC_A])
    answer = answer_question(
        idx, "Theo báo cáo quý III năm 2024 của tỉnh Yên Bái, những cơ quan nào gửi báo cáo CCHC 6 tháng chậm?"
    )
    assert answer.found and "Lục Yên" in answer.text and answer.sources[0].file == "bc-tinh-h-2024.txt"
    answer = answer_question(
        idx, "Theo hướng dẫn chế độ báo cáo của Sở Nội vụ Yên Bái, báo cáo CCHC 6 tháng gửi chậm nhất ngày nào?"
    )
    assert answer.found and "18/6/2024" in answer.text and answer.sources[0].file == "cv-tinh-h-2024.txt"
    # The opening clause may name the document by its kind and number alone, without «Theo».
    answer = answer_question(idx, "Báo cáo 212 của Yên Bái: số liệu chốt từ ngày nào đến ngày nào?")
    assert answer.found and "14/9/2024" in answer.text and answer.sources[0].file == "bc-tinh-h-2024.txt"


def test_returning_the_outcome_of_a_procedure_is_no_result_achieved():
    plan = IndexedDoc(
        file_name="kh-tinh-k-2020.txt",
        title="Kế hoạch cải cách hành chính năm 2020 của tỉnh Sơn La",
        text=(
            "Kế hoạch cải cách hành chính năm 2020 của tỉnh Sơn La\n"
            "Năm 2020, tỉnh Sơn La phấn đấu ít nhất 50% hồ sơ tiếp nhận, trả kết quả qua dịch vụ bưu chính công ích.\n"
            "Số liệu thực tế của các sở được tổng hợp hằng quý.\n"
        ),
    )
    idx = KnowledgeIndex([plan, DOC_A, DOC_B])
    # a target is not what was achieved, though its passage says «trả kết quả»
    achieved = answer_question(
        idx, "Năm 2020 tỉnh Sơn La đã đạt bao nhiêu % hồ sơ tiếp nhận, trả kết quả qua bưu chính công ích?"
    )
    assert not achieved.found and "achieved" in achieved.reason, achieved
    # «thực tế» asks what was achieved, though the question names the plan to compare with
    compared = answer_question(
        idx, "Năm 2020 tỉnh Sơn La thực tế tiếp nhận qua bưu chính công ích bao nhiêu %, có được như kế hoạch không?"
    )
    assert not compared.found and "achieved" in compared.reason, compared
    # a target asked is answered by it, though the question says «trả kết quả»
    target = answer_question(
        idx, "Năm 2020 tỉnh Sơn La phấn đấu tiếp nhận, trả kết quả qua bưu chính công ích bao nhiêu %?"
    )
    assert target.found and "50%" in target.text


def test_a_length_of_time_asked_is_answered_by_a_passage_giving_one():
    plan = IndexedDoc(
        file_name="kh-tinh-m-2024.txt",
        title="Kế hoạch cải cách hành chính năm 2024 của tỉnh Lào Cai",
        text=(
            "Kế hoạch cải cách hành chính năm 2024 của tỉnh Lào Cai\n"
            "Kế hoạch được ban hành ngày 05/01/2024; báo cáo năm gửi trước ngày 15/12/2024, "
            "báo cáo quý gửi trước ngày 15 của tháng cuối quý.\n"
            "5. Tiếp nhận, xử lý phản ánh, kiến nghị của người dân về quy định hành chính ở Lào Cai được "
            "chấm theo 3 tiêu chí trong mấy năm liền.\n"
            "Các sở tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính đúng hạn; "
            "không để tồn đọng phản ánh quá 10 ngày làm việc.\n"
        ),
    )
    from kb.checks import _count_problem
    from kb.text import tokens

    idx = KnowledgeIndex([plan, DOC_A, DOC_B])
    question = "Ở Lào Cai phản ánh, kiến nghị về quy định hành chính được xử lý trong mấy ngày?"
    answer = answer_question(idx, question)
    assert answer.found and "10 ngày làm việc" in answer.text, answer
    # the document writes «ngày» mostly before dates, yet a passage giving no number of days
    # does not answer «mấy ngày»
    (criteria,) = [p for p in idx.passages if "3 tiêu chí" in p.text]
    assert _count_problem(idx, criteria, tokens(question))


def test_a_day_asked_is_not_answered_by_a_quarter():
    from kb.checks import _day_problem
    from kb.text import tokens

    plan = IndexedDoc(
        file_name="kh-tinh-n-2024.txt",
        title="Kế hoạch cải cách hành chính năm 2024 của tỉnh Điện Biên",
        text=(
            "Kế hoạch cải cách hành chính năm 2024 của tỉnh Điện Biên\n"
            "Kết nối Hệ thống thông tin báo cáo của tỉnh với Hệ thống thông tin báo cáo Chính phủ từ quý III/2024.\n"
            "Hệ thống thông tin báo cáo của tỉnh đã kết nối với Hệ thống thông tin báo cáo Chính phủ từ ngày 26/8/2024.\n"
        ),
    )
    idx = KnowledgeIndex([plan, DOC_A, DOC_B])
    question = "Hệ thống thông tin báo cáo tỉnh Điện Biên kết nối với Hệ thống thông tin báo cáo Chính phủ từ ngày nào?"
    (quarter,) = [p for p in idx.passages if "quý III/2024" in p.text]
    (day,) = [p for p in idx.passages if "26/8/2024" in p.text]
    assert _day_problem(idx, quarter, tokens(question)) and not _day_problem(idx, day, tokens(question))
    answer = answer_question(idx, question)
    assert answer.found and "26/8/2024" in answer.text
    # «khi nào» may be answered by a quarter
    assert not _day_problem(idx, quarter, tokens("Điện Biên kết nối hệ thống báo cáo khi nào?"))


def test_lower_case_words_are_not_a_province_they_fold_like():
    from kb.text import places_in, tokens

    assert places_in(tokens("năm 2019 lấy cái gì làm động lực cải cách")) == set()
    assert places_in(tokens("chỉ số cchc lâm đồng 2023")) == {"lam_dong"}
    assert places_in(tokens("chi so cchc lam dong 2023")) == {"lam_dong"}
    assert places_in(tokens("hoà bình năm 2023")) == {"hoa_binh"}


def test_a_count_asked_is_not_answered_by_a_passage_without_a_figure():
    from kb.checks import _no_number_problem
    from kb.text import tokens

    article = IndexedDoc(
        file_name="tin-tinh-p-2019.txt",
        title="Cải cách hành chính năm 2019 của tỉnh Nghệ An",
        text=(
            "Cải cách hành chính năm 2019 của tỉnh Nghệ An\n"
            "Tỉnh tổ chức công bố Giải thưởng Sáng tạo năm 2019 cho các cá nhân, tổ chức có sáng kiến.\n"
            "Mười mục tiêu cải cách hành chính năm 2019 của tỉnh Nghệ An được đề ra từ đầu năm.\n"
        ),
    )
    idx = KnowledgeIndex([article, DOC_A, DOC_B])
    question = "Nghệ An trao Giải thưởng Sáng tạo năm 2019 cho bao nhiêu cá nhân, tổ chức?"
    (award,) = [p for p in idx.passages if "Giải thưởng" in p.text and "công bố" in p.text]
    assert _no_number_problem(idx, award, tokens(question))  # its only figure is the year asked
    assert not answer_question(idx, question).found
    # a number written out is a figure
    (goals,) = [p for p in idx.passages if p.text.startswith("Mười")]
    assert not _no_number_problem(idx, goals, tokens("Nghệ An đề ra bao nhiêu mục tiêu năm 2019?"))
    # nor do the figures of the paragraph's other sentences count for this one
    paragraph = IndexedDoc(
        file_name="tin-tinh-q-2019.txt",
        title="Cải cách hành chính năm 2019 của tỉnh Hà Tĩnh",
        text=(
            "Cải cách hành chính năm 2019 của tỉnh Hà Tĩnh\n"
            "Tỉnh giải quyết 1.250 hồ sơ trực tuyến trong năm. Tỉnh tổ chức công bố Giải thưởng Sáng tạo "
            "năm 2019 cho các cá nhân, tổ chức có sáng kiến. Tỷ lệ hồ sơ đúng hạn đạt 98,2%.\n"
        ),
    )
    idx = KnowledgeIndex([paragraph, DOC_A, DOC_B])
    question = "Hà Tĩnh trao Giải thưởng Sáng tạo năm 2019 cho bao nhiêu cá nhân, tổ chức?"
    (award,) = [p for p in idx.passages if "Giải thưởng" in p.text and "công bố" in p.text]
    assert _no_number_problem(idx, award, tokens(question))
    assert not answer_question(idx, question).found


def test_a_year_the_clause_only_compares_with_is_not_the_year_it_speaks_of():
    plan = IndexedDoc(
        file_name="tinh-e-2022-kh.txt",
        title="Kế hoạch cải cách hành chính năm 2022 của thành phố Hải Hà",
        date=date(2022, 1, 20),
        text=(
            "Kế hoạch cải cách hành chính năm 2022 của thành phố Hải Hà\n"
            "Cụ thể, năm 2022, Chỉ số hài lòng đạt trên 85%; trên 99% hồ sơ được giải quyết đúng hạn, "
            "số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực tăng tối thiểu 20% so với năm 2021.\n"
        ),
    )
    answer = answer_question(
        KnowledgeIndex([plan]), "Hải Hà năm 2022 số hóa kết quả giải quyết TTHC phải tăng tối thiểu bao nhiêu %?"
    )
    assert answer.found and "20%" in answer.text, answer.reason


def test_a_count_is_not_answered_by_dates_and_sums():
    guide = IndexedDoc(
        file_name="hd-sipas-tinh-m-2024.txt",
        title="Hướng dẫn khảo sát sự hài lòng năm 2024 của tỉnh Hà Giang",
        text=(
            "Hướng dẫn khảo sát sự hài lòng năm 2024 của tỉnh Hà Giang\n"
            "Sở Nội vụ chủ trì; tuyển chọn, tập huấn điều tra viên trước ngày 28/9/2024. "
            "Kinh phí khảo sát là 420 triệu đồng.\n"
            "Mười nhiệm vụ khảo sát sự hài lòng năm 2024 của tỉnh Hà Giang\n"
        ),
    )
    idx = KnowledgeIndex([guide])
    answer = answer_question(idx, "Khảo sát hài lòng 2024 Hà Giang, Sở Nội vụ tuyển bao nhiêu điều tra viên?")
    assert not answer.found, answer.text
    # a sum answers what it is the figure of, a figure in words counts
    answer = answer_question(idx, "Khảo sát hài lòng 2024 Hà Giang có kinh phí bao nhiêu tiền?")
    assert answer.found and "420 triệu đồng" in answer.text, answer.reason
    answer = answer_question(idx, "Hà Giang có bao nhiêu nhiệm vụ khảo sát sự hài lòng năm 2024?")
    assert answer.found and "Mười" in answer.text, answer.reason


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Thời hạn nộp báo cáo quý I là khi nào?", "date"),
        ("han chot gui bao cao nam", "date"),
        # a time limit named to describe the tasks, the number of the tasks asked
        ("Hai nhiệm vụ chậm so với thời hạn là nhiệm vụ số mấy?", "number"),
        ("Bao nhiêu hồ sơ được giải quyết đúng thời hạn?", "number"),
    ],
)
def test_what_kind_of_answer_a_question_asks(question, kind):
    from kb.index import answer_type
    from kb.text import tokens

    assert answer_type(tokens(question)) == kind


def test_an_opening_clause_that_names_no_document_chooses_none():
    plan = IndexedDoc(
        file_name="kh-tinh-n-2024.txt",
        title="Kế hoạch cải cách hành chính năm 2024 của tỉnh Yên Bái: các chỉ tiêu chủ yếu",
        text=(
            "Kế hoạch cải cách hành chính năm 2024 của tỉnh Yên Bái: các chỉ tiêu chủ yếu\n"
            "Các chỉ tiêu cải cách hành chính chủ yếu của tỉnh Yên Bái năm 2024 như sau:\n"
            "1. Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên.\n"
            "2. Chỉ số cải cách hành chính của tỉnh tăng ít nhất 2 bậc.\n"
        ),
    )
    report = IndexedDoc(
        file_name="tk-tinh-n-2024.txt",
        title="Tổng kết cải cách hành chính năm 2024 của tỉnh Yên Bái",
        text=(
            "Tổng kết cải cách hành chính năm 2024 của tỉnh Yên Bái\n"
            "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,6%, vượt chỉ tiêu đề ra. "
            "Riêng chỉ tiêu về Chỉ số cải cách hành chính của tỉnh chưa có kết quả để đánh giá.\n"
        ),
    )
    answer = answer_question(
        KnowledgeIndex([plan, report]),
        "Trong các chỉ tiêu cải cách hành chính năm 2024 của tỉnh Yên Bái, chỉ tiêu nào chưa có kết quả để đánh giá?",
    )
    assert answer.found and "chưa có kết quả" in answer.text, (answer.text, answer.reason)


def test_a_passage_that_names_the_numbered_item_speaks_of_it():
    guide = IndexedDoc(
        file_name="hd-sipas-tinh-p-2024.txt",
        title="Hướng dẫn khảo sát sự hài lòng năm 2024 của tỉnh Điện Biên",
        text=(
            "Hướng dẫn khảo sát sự hài lòng năm 2024 của tỉnh Điện Biên\n"
            "5. Quy đổi điểm tiêu chí 3.7 (tối đa 3 điểm)\n"
            "Chỉ số hài lòng từ 85% trở lên được 3 điểm; từ 80% đến dưới 85% được 2 điểm.\n"
            "Theo ví dụ trên, sở đạt 83,30% được 2 điểm tại tiêu chí 3.7.\n"
        ),
    )
    answer = answer_question(
        KnowledgeIndex([guide]), "Quy đổi điểm tiêu chí 3.7 ở Điện Biên: sở đạt 83,30% như ví dụ thì được mấy điểm?"
    )
    assert answer.found and "2 điểm" in answer.text, answer.reason


def test_the_award_or_group_asked_is_the_passages():
    rules = IndexedDoc(
        file_name="qc-tinh-s-2024.docx",
        title="Quy chế thi đua cải cách hành chính tỉnh Tuyên Quang",
        text=(
            "Quy chế thi đua cải cách hành chính tỉnh Tuyên Quang\n"
            "Điều 7. Tiêu chuẩn Cờ thi đua\n"
            "1. Tập thể được tặng phải đạt tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn từ 99% trở lên.\n"
            "Điều 9. Tiêu chuẩn Giấy khen\n"
            "1. Tập thể hoàn thành tốt nhiệm vụ; tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 97% trở lên.\n"
        ),
    )
    answer = answer_question(
        KnowledgeIndex([rules]),
        "Theo Quy chế thi đua tỉnh Tuyên Quang, tập thể được tặng Giấy khen phải đạt tỷ lệ hồ sơ giải quyết đúng hạn từ bao nhiêu?",
    )
    assert answer.found and "97%" in answer.text, (answer.text, answer.reason)


def test_a_result_not_yet_known_and_a_column_of_percentages_are_no_figure():
    report = IndexedDoc(
        file_name="bc-tinh-t-2024.docx",
        title="Báo cáo cải cách hành chính 9 tháng năm 2024 của tỉnh Bắc Kạn",
        text=(
            "Báo cáo cải cách hành chính 9 tháng năm 2024 của tỉnh Bắc Kạn\n"
            "STT | Chỉ tiêu | Chỉ tiêu năm 2024 | Kết quả 9 tháng | Đánh giá\n"
            "1 | Tỷ lệ hồ sơ đúng hạn | Từ 98% | 98,62% | Đạt\n"
            "2 | Chỉ số hài lòng (SIPAS) | Từ 85% | Khảo sát trong quý IV/2024 (năm 2023: 83,41%) | Chưa đánh giá\n"
        ),
    )
    template = IndexedDoc(
        file_name="qc-tinh-t-2024.docx",
        title="Quy chế thi đua cải cách hành chính tỉnh Bắc Kạn năm 2024",
        text=(
            "Quy chế thi đua cải cách hành chính tỉnh Bắc Kạn năm 2024\n"
            "STT | Chỉ tiêu | Đơn vị tính | Nguồn số liệu\n"
            "7 | Tỷ lệ hồ sơ đúng hạn của đơn vị | % | Hệ thống thông tin giải quyết thủ tục hành chính\n"
            "8 | Chỉ số hài lòng (SIPAS) của đơn vị | % | Báo cáo kết quả khảo sát SIPAS\n"
        ),
    )
    question = "Kết quả khảo sát hài lòng năm 2024 của tỉnh Bắc Kạn ra sao, SIPAS đạt bao nhiêu %?"
    for docs in ([report], [template]):
        answer = answer_question(KnowledgeIndex(docs), question)
        assert not answer.found, (docs[0].file_name, answer.text)


def test_qppl_alone_meets_the_documents_vbqppl():
    report = IndexedDoc(
        file_name="bc-tinh-u-2024.txt",
        title="Báo cáo cải cách hành chính 9 tháng năm 2024 của tỉnh Hà Nam",
        text=(
            "Báo cáo cải cách hành chính 9 tháng năm 2024 của tỉnh Hà Nam\n"
            "Trong 9 tháng, Ủy ban nhân dân tỉnh ban hành 12 văn bản quy phạm pháp luật.\n"
        ),
    )
    answer = answer_question(KnowledgeIndex([report]), "Hà Nam ban hành bao nhiêu QPPL 9 tháng 2024?")
    assert answer.found and "12 văn bản" in answer.text, answer.reason


def test_an_entry_of_a_schedule_sets_a_deadline():
    guide = IndexedDoc(
        file_name="hd-sipas-tinh-v-2024.md",
        title="Hướng dẫn khảo sát sự hài lòng năm 2024 của tỉnh Lào Cai",
        text=(
            "Hướng dẫn khảo sát sự hài lòng năm 2024 của tỉnh Lào Cai\n"
            "6. Tiến độ\n"
            "1. Trước ngày 25/9/2024: các sở trích xuất danh sách người dân đã nhận kết quả giải quyết "
            "thủ tục hành chính, gửi Sở Nội vụ để chọn mẫu.\n"
        ),
    )
    answer = answer_question(
        KnowledgeIndex([guide]),
        "Ở Lào Cai các sở phải trích xuất danh sách người dân đã nhận kết quả để chọn mẫu, gửi Sở Nội vụ trước ngày nào?",
    )
    assert answer.found and "25/9/2024" in answer.text, answer.reason


def test_a_plans_row_with_a_column_of_deadlines_sets_a_deadline():
    # «Sản phẩm: Thỏa thuận đã ký» is what the task yields, not a report that it was done
    plan = IndexedDoc(
        file_name="kh-tinh-v-2024.docx",
        title="Kế hoạch cải cách hành chính năm 2024 của tỉnh Lào Cai",
        text=(
            "Kế hoạch cải cách hành chính năm 2024 của tỉnh Lào Cai\n"
            "PHỤ LỤC NHIỆM VỤ\n"
            "STT | Nhiệm vụ | Đơn vị chủ trì | Thời gian hoàn thành | Sản phẩm\n"
            "9 | 100% UBND cấp xã ký thỏa thuận với Bưu điện tỉnh | Sở Thông tin và Truyền thông"
            " | Trước ngày 31/5/2024 | Thỏa thuận đã ký\n"
        ),
    )
    answer = answer_question(
        KnowledgeIndex([plan]), "Nhiệm vụ 9: các xã ký thỏa thuận với Bưu điện tỉnh hạn chót ngày nào?"
    )
    assert answer.found and "31/5/2024" in answer.text, answer.reason
