"""Tests for kb.meta: what a text is, its title, and how it is cited."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest

from kb.meta import (
    ARTICLE,
    DOCUMENT,
    MAX_TITLE_CHARS,
    DocMeta,
    doc_type_name,
    extract_meta,
    find_document_numbers,
)
from kb.readers import read_document

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
CORPUS_PROVINCE = SHARED / "corpus-province"

D = datetime.date


# ---------------------------------------------------------------------------
# find_document_numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "27/KH-UBND",
        "9535/QĐ-UBND",
        "54/2017/QH14",
        "06/CT-UBND",
        "05/KH-HĐTĐKT",
        "1291/QĐ-TTg",
        "61/2018/NĐ-CP",
        "01/2021/TT-BNV",
        "1234/UBND-KSTTHC",
        "08-CTr/TU",
        "26-NQ/TW",
        "03-CTr/BDVTU-BCSĐUBNDTP",
        "205-QĐ/TW",
    ],
)
def test_recognises_official_codes(code: str) -> None:
    assert find_document_numbers(f"Theo văn bản số {code}, các đơn vị thực hiện.") == [code]
    assert find_document_numbers(f"({code})") == [code]
    assert find_document_numbers(code) == [code]


@pytest.mark.parametrize(
    "text",
    [
        "Tính đến 31/8/2020 đạt 1.671/1.720 TTHC",
        "xếp thứ 9/63 tỉnh, thành phố",
        "ngày 2/9/2025",
        "hoàn thành 11/15 chỉ tiêu",
        "ISO 9001:2015",
        "phục vụ 24/7",
        "ca F0/F1",
        "năng suất 10/Ha",
        "giai đoạn 2016-2020",
        "COVID-19",
        "https://hanoi.gov.vn/2021/05/KH-abc",
    ],
)
def test_ignores_dates_ratios_and_other_numbers(text: str) -> None:
    assert find_document_numbers(text) == []


def test_numbers_in_order_without_repeats() -> None:
    text = (
        "Chỉ thị 06/CT-UBND ngày 27/12/2019; Quyết định số 9535/QĐ-UBND; "
        "lại Chỉ thị 06/CT-UBND và Chương trình 08-CTr/TU."
    )
    assert find_document_numbers(text) == ["06/CT-UBND", "9535/QĐ-UBND", "08-CTr/TU"]


def test_lookalike_eth_is_read_as_d_with_stroke() -> None:
    # "Ð" (U+00D0) left by legacy fonts looks like "Đ" (U+0110)
    assert find_document_numbers("15/QÐ-UBND và 15/QĐ-UBND") == ["15/QĐ-UBND"]


# ---------------------------------------------------------------------------
# what a text is: an official document or an article
# ---------------------------------------------------------------------------


def _paper(
    letterhead: str,
    number: str = "5/KH-UBND",
    place_date: str = "Hà Nội, ngày 05 tháng 02 năm 2022",
    body: str = "KẾ HOẠCH\nCải cách hành chính năm 2022\nCăn cứ Nghị quyết số 76/NQ-CP của Chính phủ;",
) -> str:
    return "\n".join(
        [
            letterhead,
            f"Số: {number}",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            place_date,
            "",
            body,
        ]
    )


def test_letterhead_number_beats_codes_quoted_in_the_subject() -> None:
    text = "\n".join(
        [
            "ỦY BAN NHÂN DÂN",
            "THÀNH PHỐ HÀ NỘI",
            "-------",
            "Số: 27/KH-UBND",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "---------------",
            "Hà Nội, ngày 05 tháng 02 năm 2022",
            "",
            "KẾ HOẠCH",
            "Thực hiện Chương trình phối hợp số 03-CTr/BDVTU-BCSĐUBNDTP năm 2022",
            "Căn cứ Nghị quyết số 76/NQ-CP của Chính phủ; Nghị quyết số 76/NQ-CP ...",
        ]
    )
    meta = extract_meta(text, "kh27.docx")
    assert meta == DocMeta(
        title="Kế hoạch thực hiện Chương trình phối hợp số 03-CTr/BDVTU-BCSĐUBNDTP năm 2022",
        number="27/KH-UBND",
        issuer="UBND thành phố Hà Nội",
        date=D(2022, 2, 5),
        kind=DOCUMENT,
    )


def test_letterhead_as_one_table_row() -> None:
    # what the .docx reader makes of the usual two-column header table
    text = (
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM ------- Số: 1234/QĐ-UBND | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT "
        "NAM Độc lập - Tự do - Hạnh phúc --------------- Quảng Nam, ngày 31 tháng 12 năm 2021\n"
        "QUYẾT ĐỊNH\n"
        "Về việc ban hành Kế hoạch cải cách hành chính năm 2022\n"
    )
    assert extract_meta(text, "qd.docx") == DocMeta(
        title="Quyết định về việc ban hành Kế hoạch cải cách hành chính năm 2022",
        number="1234/QĐ-UBND",
        issuer="UBND tỉnh Quảng Nam",
        date=D(2021, 12, 31),
        kind=DOCUMENT,
    )
    # the reader's other layout: two cells a row, rules in em dashes
    text = (
        "ỦY BAN NHÂN DÂN TỈNH BÌNH SƠN ——— | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - "
        "Hạnh phúc ———————\nSố: 18/KH-UBND | Bình Sơn, ngày 12 tháng 01 năm 2024\n\nKẾ HOẠCH\n"
        "Cải cách hành chính năm 2024 của tỉnh Bình Sơn\n"
    )
    meta = extract_meta(text, "kh.docx")
    assert (meta.kind, meta.number, meta.issuer, meta.date) == (
        DOCUMENT,
        "18/KH-UBND",
        "UBND tỉnh Bình Sơn",
        D(2024, 1, 12),
    )


@pytest.mark.parametrize(
    "letterhead,issuer",
    [
        ("ỦY BAN NHÂN DÂN\nTỈNH BÌNH SƠN", "UBND tỉnh Bình Sơn"),
        ("UBND TỈNH BÌNH SƠN\nSỞ NỘI VỤ", "Sở Nội vụ tỉnh Bình Sơn"),  # the parent's place
        ("ỦY BAN NHÂN DÂN\nHUYỆN PHÚ LỘC", "UBND huyện Phú Lộc"),
        ("UBND HUYỆN PHÚ LỘC\nPHÒNG NỘI VỤ", "Phòng Nội vụ huyện Phú Lộc"),
        (
            "UBND THÀNH PHỐ HÀ NỘI\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
            "Sở Lao động - Thương binh và Xã hội thành phố Hà Nội",
        ),
        ("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG\nTHÀNH PHỐ HÀ NỘI", "Hội đồng Thi đua - Khen thưởng thành phố Hà Nội"),
        ("UỶ BAN NHÂN DÂN THỊ XÃ SƠN TÂY", "UBND thị xã Sơn Tây"),
        ("HỘI ĐỒNG NHÂN DÂN\nTỈNH LẠC HÀ", "HĐND tỉnh Lạc Hà"),
        ("ĐẢNG BỘ TỈNH BÌNH SƠN\nTỈNH ỦY", "Tỉnh ủy Bình Sơn"),
        ("THÀNH ỦY HÀ NỘI", "Thành ủy Hà Nội"),
        ("BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "Bộ Thông tin và Truyền thông"),
        ("BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Bộ Văn hóa, Thể thao và Du lịch"),
        ("ỦY BAN NHÂN DÂN", None),  # which one?
    ],
)
def test_issuer_from_the_letterhead_with_its_place(letterhead: str, issuer: str | None) -> None:
    meta = extract_meta(_paper(letterhead), "a.txt")
    assert (meta.kind, meta.number, meta.issuer) == (DOCUMENT, "5/KH-UBND", issuer)


def test_letterhead_beside_the_motto_as_a_pdf_lays_it_out() -> None:
    text = (
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH BÌNH SƠN Độc lập - Tự do - Hạnh phúc\n"
        "Số: 47/TB-UBND Bình Sơn, ngày 28 tháng 3 năm 2024\nTHÔNG BÁO\nKết quả Chỉ số cải cách hành chính\n"
    )
    meta = extract_meta(text, "tb.pdf")
    assert (meta.number, meta.issuer, meta.date) == ("47/TB-UBND", "UBND tỉnh Bình Sơn", D(2024, 3, 28))


def test_annex_is_cited_by_its_decision() -> None:
    text = "\n".join(
        [
            "ỦY BAN NHÂN DÂN",
            " TỈNH BÌNH SƠN",
            " CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            " Độc lập - Tự do - Hạnh phúc",
            " BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH",
            " CỦA CÁC SỞ, BAN, NGÀNH TỈNH BÌNH SƠN NĂM 2024",
            " (Ban hành kèm theo Quyết định số 315/QĐ-UBND ngày 02/02/2024 của Ủy ban nhân dân tỉnh Bình",
            " Sơn)",
            "I. BẢNG TIÊU CHÍ",
            " 9. Bộ tiêu chí này thay thế Bộ tiêu chí ban hành kèm theo Quyết định số 2710/QĐ-UBND.",
        ]
    )
    meta = extract_meta(text, "bo-tieu-chi.pdf")
    # a title in capitals wrapped onto a second line in capitals is one title
    assert meta.title.endswith("HÀNH CHÍNH CỦA CÁC SỞ, BAN, NGÀNH TỈNH BÌNH SƠN NĂM 2024"), meta.title
    assert (meta.kind, meta.number, meta.issuer, meta.date) == (
        DOCUMENT,
        "315/QĐ-UBND",
        "UBND tỉnh Bình Sơn",
        D(2024, 2, 2),
    )
    # with no "của ...", the letterhead says who issued it
    meta = extract_meta(text.replace(" của Ủy ban nhân dân tỉnh Bình\n Sơn)", ")"), "bo-tieu-chi.pdf")
    assert (meta.number, meta.issuer) == ("315/QĐ-UBND", "UBND tỉnh Bình Sơn")


def test_a_number_label_wins_over_an_annex_line_further_down() -> None:
    text = _paper(
        "ỦY BAN NHÂN DÂN\nTỈNH BÌNH SƠN",
        number="412/QĐ-UBND",
        body="QUYẾT ĐỊNH\nBan hành Quy chế thi đua\n(Ban hành kèm theo Quyết định số 9/QĐ-UBND)",
    )
    assert extract_meta(text, "qd.docx").number == "412/QĐ-UBND"


def test_date_blank_or_written_with_the_number() -> None:
    meta = extract_meta(
        _paper("ỦY BAN NHÂN DÂN\nTỈNH BÌNH SƠN", place_date="Bình Sơn, ngày    tháng    năm 2024"), "a.txt"
    )
    assert (meta.kind, meta.number, meta.date) == (DOCUMENT, "5/KH-UBND", None)
    text = "ỦY BAN NHÂN DÂN\nTỈNH BÌNH SƠN\nSố: 12/KH-UBND ngày 03/01/2023\nKẾ HOẠCH\nCải cách hành chính\n"
    assert extract_meta(text, "a.txt").date == D(2023, 1, 3)


def test_a_first_line_that_names_the_document_formally() -> None:
    text = (
        "Kế hoạch số 12/KH-UBND ngày 03/01/2023 của UBND tỉnh Mẫu Sơn về cải cách hành chính năm 2023\n"
        "Năm 2023, tỉnh phấn đấu tỷ lệ hồ sơ trực tuyến toàn trình đạt 42%.\n"
    )
    meta = extract_meta(text, "mau-son.txt")
    assert (meta.kind, meta.number, meta.issuer, meta.date) == (
        DOCUMENT,
        "12/KH-UBND",
        "UBND tỉnh Mẫu Sơn",
        D(2023, 1, 3),
    )
    # a headline that starts with a number but goes on as news is an article
    meta = extract_meta("Chương trình 08-CTr/TU của Thành ủy Hà Nội: Tạo bước chuyển\nNội dung.", "a.txt")
    assert (meta.kind, meta.number, meta.reports_on) == (ARTICLE, None, "Chương trình 08-CTr/TU của Thành ủy Hà Nội")
    meta = extract_meta("Kế hoạch số 27/KH-UBND: Hà Nội phấn đấu vào top 10\nNội dung.", "a.txt")
    assert (meta.kind, meta.number, meta.reports_on) == (ARTICLE, None, "Kế hoạch 27/KH-UBND")


@pytest.mark.parametrize(
    "number,issuer", [("1291/QĐ-TTg", "Thủ tướng Chính phủ"), ("61/2018/NĐ-CP", "Chính phủ"), ("27/KH-UBND", None)]
)
def test_issuer_from_a_national_code_when_nothing_else_says(number: str, issuer: str | None) -> None:
    meta = extract_meta(f"Số: {number}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nQUYẾT ĐỊNH\nVề việc ...", "a.txt")
    assert (meta.kind, meta.number, meta.issuer) == (DOCUMENT, number, issuer)


def test_an_article_has_no_number_of_its_own() -> None:
    text = (
        "Tin cải cách hành chính hôm nay\n"
        "Các phường thực hiện Chỉ thị 06/CT-UBND; kiểm tra việc thực hiện Chỉ thị 06/CT-UBND.\n"
        "Nghị quyết số 54/2017/QH14 của Quốc hội được thực hiện; đạt chỉ tiêu tại Kế hoạch số 27/KH-UBND."
    )
    meta = extract_meta(text, "a.txt")
    assert (meta.kind, meta.number, meta.issuer, meta.reports_on) == (ARTICLE, None, None, None)


@pytest.mark.parametrize(
    "number,kind",
    [
        ("18/KH-UBND", "Kế hoạch"),
        ("315/QĐ-UBND", "Quyết định"),
        ("298/BC-UBND", "Báo cáo"),
        ("47/TB-UBND", "Thông báo"),
        ("1876/HD-SNV", "Hướng dẫn"),
        ("356/SNV-CCHC", "Công văn"),
        ("1234/UBND-KSTTHC", "Công văn"),
        ("08-CTr/TU", "Chương trình"),
        ("26-NQ/TW", "Nghị quyết"),
        ("61/2018/NĐ-CP", "Nghị định"),
        ("01/2021/TT-BNV", "Thông tư"),
        ("06/CT-UBND", "Chỉ thị"),
        ("15/QÐ-UBND", "Quyết định"),
        ("54/2017/QH14", None),
        (None, None),
    ],
)
def test_doc_type_name(number: str | None, kind: str | None) -> None:
    assert doc_type_name(number) == kind


# ---------------------------------------------------------------------------
# an article: publication date, source, the document it reports on
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header,expected",
    [
        ("19/05/2021", D(2021, 5, 19)),
        ("05/02/2022 8:37 AM", D(2022, 2, 5)),
        ("Phòng cải cách hành chính Thứ Năm, 10/10/2019, 15:05", D(2019, 10, 10)),
        ("15/03/2021 11:29:40 SA", D(2021, 3, 15)),
        ("02/04/2024 09:15", D(2024, 4, 2)),
        ("Cập nhật: 31/02/2021 | 01-03-2021", D(2021, 3, 1)),  # invalid date skipped
        ("Không có ngày tháng nào", None),
        ("Ngày 01/4/2024, UBND tỉnh tổ chức hội nghị tổng kết.", None),  # prose, not a date line
    ],
)
def test_publication_date_in_first_lines(header: str, expected: datetime.date | None) -> None:
    text = f"Tiêu đề bài viết về cải cách\n\n{header}\n\nNội dung nhắc Kế hoạch số 27/KH-UBND về 2022."
    meta = extract_meta(text, "a.txt")
    assert (meta.kind, meta.date) == (ARTICLE, expected)


def test_dates_after_the_eighth_line_are_not_publication_dates() -> None:
    text = "\n".join(["Tiêu đề bài viết về cải cách", *[f"Đoạn {i}." for i in range(1, 8)], "19/05/2021"])
    assert extract_meta(text, "a.txt").date is None


@pytest.mark.parametrize(
    "lines,source",
    [
        (["05/02/2022 8:37 AM", "(Chinhphu.vn) - Kế hoạch gồm 5 nhóm nội dung.", "Vĩnh Hoàng"], "Chinhphu.vn"),
        (["(Tin cải cách hành chính) - Năm 2023, tỉnh đạt 9/14 chỉ tiêu."], "Tin cải cách hành chính"),
        (["Nội dung.", "Nguồn: Báo Hà Nội mới"], "Báo Hà Nội mới"),
        (["Nội dung.", "(Nguồn: https://www.hanoimoi.vn/tin-tuc/cai-cach-123.html)"], "hanoimoi.vn"),
        (["Nội dung.", "Tuấn Anh (Phòng Tư pháp TP Huế)"], "Phòng Tư pháp TP Huế"),
        (["Phòng cải cách hành chính Thứ Năm, 10/10/2019, 15:05", "Nội dung."], "Phòng cải cách hành chính"),
        (
            [
                "Nội dung.",
                "“Đây là bài viết tuyên truyền, hướng dẫn dịch vụ công trực tuyến của Bộ Thông tin và "
                "Truyền thông năm 2020”. |",
            ],
            "Bộ Thông tin và Truyền thông",
        ),
        (["Nội dung.", "Vĩnh Hoàng", "Top"], None),  # an author is no source
        (["Nội dung.", "Nguyễn Văn An (Hà Nội)"], None),
    ],
)
def test_article_source(lines: list[str], source: str | None) -> None:
    meta = extract_meta("\n".join(["Hà Nội đẩy mạnh cải cách hành chính", *lines]), "a.txt")
    assert (meta.kind, meta.source) == (ARTICLE, source)


@pytest.mark.parametrize(
    "sentence,reports_on",
    [
        (
            "UBND thành phố Hà Nội vừa ban hành Kế hoạch số 27/KH-UBND về thực hiện.",
            "Kế hoạch 27/KH-UBND của UBND thành phố Hà Nội",
        ),
        (
            "Ngày 20/4, Hội đồng Thi đua - Khen thưởng thành phố Hà Nội có Kế hoạch số 05/KH-HĐTĐKT về",
            "Kế hoạch 05/KH-HĐTĐKT của Hội đồng Thi đua - Khen thưởng thành phố Hà Nội",
        ),  # no year known
        (
            "(Quyết định số 9535/QĐ-UBND  ngày 25/12/2020 của UBND thành phố về kế hoạch)",
            "Quyết định 9535/QĐ-UBND ngày 25/12/2020 của UBND thành phố",
        ),
        (
            "Theo Kế hoạch số 45/KH-UBND ngày 1/2/2021 của UBND TP. Hồ Chí Minh, các sở triển khai.",
            "Kế hoạch 45/KH-UBND ngày 01/02/2021 của UBND TP. Hồ Chí Minh",
        ),
        (
            "Bộ Văn hóa, Thể thao và Du lịch vừa ban hành Kế hoạch số 12/KH-BVHTTDL về chuyển đổi số.",
            "Kế hoạch 12/KH-BVHTTDL của Bộ Văn hóa, Thể thao và Du lịch",
        ),
        (
            "Theo đó, Sở Nội vụ tỉnh Quảng Nam đã ban hành Công văn số 321/SNV-CCHC hướng dẫn.",
            "Công văn 321/SNV-CCHC của Sở Nội vụ tỉnh Quảng Nam",
        ),
        (
            "Chủ tịch UBND tỉnh Quảng Nam vừa ký Quyết định số 99/QĐ-UBND phê duyệt.",
            "Quyết định 99/QĐ-UBND của Chủ tịch UBND tỉnh Quảng Nam",
        ),
        (
            "Ủy ban nhân dân tỉnh Thừa Thiên Huế ban hành Kế hoạch số 7/KH-UBND.",
            "Kế hoạch 7/KH-UBND của UBND tỉnh Thừa Thiên Huế",
        ),
        (
            "Ngày 05/01/2023, UBND tỉnh Quảng Ninh ban hành Kế hoạch số 15/KH-UBND.",
            "Kế hoạch 15/KH-UBND ngày 05/01/2023 của UBND tỉnh Quảng Ninh",
        ),
        (
            "Theo Nghị định số 61/2018/NĐ-CP, các tỉnh thực hiện cơ chế một cửa.",
            "Nghị định 61/2018/NĐ-CP của Chính phủ",
        ),
        ("Theo đề nghị của Sở Nội vụ, tỉnh đã ban hành Kế hoạch số 45/KH-UBND.", "Kế hoạch 45/KH-UBND"),
        # mentioned only: carried out, measured against, named in a list
        ("Thực hiện Nghị quyết số 54/2017/QH14 của Quốc hội” trên địa bàn.", None),
        ("Các đơn vị thực hiện Kế hoạch số 45/KH-UBND về cải cách.", None),
        ("Tỷ lệ đúng hạn đều cao hơn chỉ tiêu tại Kế hoạch số 27/KH-UBND ngày 18/01/2023.", None),
        ("Đặc biệt là các nội dung của Nghị quyết số 45/NQ-HĐND để ban hành.", None),
    ],
)
def test_the_document_an_article_reports_on(sentence: str, reports_on: str | None) -> None:
    meta = extract_meta("Bản tin cải cách hành chính\n" + sentence, "a.txt")
    assert (meta.kind, meta.number, meta.issuer, meta.reports_on) == (ARTICLE, None, None, reports_on)


def test_the_headline_names_what_the_article_reports_on_first() -> None:
    text = (
        "Triển khai Kế hoạch 12/KH-UBND về chuyển đổi số\n19/05/2021\n"
        "UBND tỉnh Bình Sơn vừa ban hành Kế hoạch số 30/KH-UBND về cải cách; "
        "Kế hoạch số 12/KH-UBND ngày 03/01/2021 của UBND tỉnh Bình Sơn được sửa đổi."
    )
    assert extract_meta(text, "a.txt").reports_on == "Kế hoạch 12/KH-UBND ngày 03/01/2021 của UBND tỉnh Bình Sơn"


@pytest.mark.parametrize("published,year", [("19/05/2021", 2021), ("10/03/2021", 2020)])
def test_a_date_without_its_year_is_the_last_one_before_publication(published: str, year: int) -> None:
    text = (
        f"Hà Nội phát động thi đua\n{published}\n"
        "Ngày 20/4, Hội đồng Thi đua - Khen thưởng thành phố Hà Nội có Kế hoạch số 05/KH-HĐTĐKT về thi đua."
    )
    assert extract_meta(text, "a.txt").reports_on == (
        f"Kế hoạch 05/KH-HĐTĐKT ngày 20/04/{year} của Hội đồng Thi đua - Khen thưởng thành phố Hà Nội"
    )


def test_a_sentence_date_after_the_leads_source() -> None:
    text = (
        "Hòa Bình đẩy mạnh cải cách\n19/05/2024 08:30\n"
        "(Báo Hòa Bình) - Ngày 20/4, UBND tỉnh Hòa Bình có Kế hoạch số 45/KH-UBND về cải cách hành chính."
    )
    meta = extract_meta(text, "a.txt")
    assert (meta.source, meta.reports_on) == (
        "Báo Hòa Bình",
        "Kế hoạch 45/KH-UBND ngày 20/04/2024 của UBND tỉnh Hòa Bình",
    )


@pytest.mark.parametrize(
    "title,said",
    [
        ("Mười mục tiêu cải cách năm 2021 của thành phố Huế", "UBND thành phố Huế"),
        ("Mười mục tiêu cải cách năm 2021 của TP Huế", "UBND thành phố Huế"),
        ("Mười mục tiêu cải cách năm 2021", "UBND thành phố"),
    ],  # the text names no city
)
def test_which_city_the_issuer_belongs_to(title: str, said: str) -> None:
    text = f"{title}\n15/03/2021\n(Quyết định số 9535/QĐ-UBND ngày 25/12/2020 của UBND thành phố về kế hoạch)"
    assert extract_meta(text, "a.txt").reports_on == f"Quyết định 9535/QĐ-UBND ngày 25/12/2020 của {said}"


def test_issuer_names_in_prose_are_written_as_the_bot_writes_them() -> None:
    text = (
        "Lạc Hà tổng kết cải cách hành chính\n02/04/2024\n"
        "Uỷ ban nhân dân tỉnh Lạc Hà vừa ban hành Kế hoạch số 27/KH-UBND ngày 18/01/2023."
    )
    assert extract_meta(text, "a.txt").reports_on == "Kế hoạch 27/KH-UBND ngày 18/01/2023 của UBND tỉnh Lạc Hà"


# ---------------------------------------------------------------------------
# title
# ---------------------------------------------------------------------------


def test_title_skips_page_furniture_and_date_lines() -> None:
    text = "\n".join(
        [
            "Bỏ qua nội dung chính",
            "",
            "DANH MỤC",
            "Trang chủ » Tin tức » Cải cách hành chính",
            "Phòng cải cách hành chính Thứ Năm, 10/10/2019, 15:05",
            "05/02/2022 8:37 AM",
            "Xem cỡ chữ - + Đọc bài viết",
            "Xem cỡ chữ:",
            "Đọc bài viết:",
            "",
            "Tình hình thực hiện công tác cải cách hành chính 9 tháng đầu năm 2019",
            "Thực hiện “Năm đột phá cải cách hành chính” ...",
        ]
    )
    assert extract_meta(text, "a.txt").title == (
        "Tình hình thực hiện công tác cải cách hành chính 9 tháng đầu năm 2019"
    )


def test_title_prefers_lines_of_three_words() -> None:
    assert extract_meta("Top\nTin tức\nHà Nội cải cách mạnh mẽ\nNội dung", "a.txt").title == ("Hà Nội cải cách mạnh mẽ")
    assert extract_meta("Chỉ đạo\n\n19/05/2021", "a.txt").title == "Chỉ đạo"


@pytest.mark.parametrize(
    "title",
    [
        "Kế hoạch số 27/KH-UBND ngày 05/02/2022 về cải cách hành chính",
        "Lịch họp lúc 8h30 ngày 05/02/2022 về cải cách hành chính",
    ],
)
def test_title_keeps_a_date_that_is_part_of_the_subject(title: str) -> None:
    assert extract_meta(f"{title}\nNội dung", "a.txt").title == title


def test_title_strips_markdown_heading_and_spaces() -> None:
    assert extract_meta("##   Kế hoạch   năm 2022  \nNội dung", "a.md").title == "Kế hoạch năm 2022"


def test_title_is_capped() -> None:
    line = "Kế hoạch " + " ".join(["cải cách hành chính"] * 40)
    title = extract_meta(line + "\nNội dung", "a.txt").title
    assert len(title) <= MAX_TITLE_CHARS and title.endswith("…")
    assert line.startswith(title[:-1])


@pytest.mark.parametrize(
    "text,file_name,expected",
    [
        ("", "ke-hoach-2022.docx", "ke-hoach-2022"),
        ("Bỏ qua nội dung chính\n19/05/2021\n---\n", "C:\\docs\\tin.tuc.pdf", "tin.tuc"),
        ("   \n\n", ".hidden", ".hidden"),
    ],
)
def test_title_falls_back_to_file_name(text: str, file_name: str, expected: str) -> None:
    assert extract_meta(text, file_name).title == expected


def test_meta_is_frozen() -> None:
    meta = extract_meta("Tiêu đề ba chữ\n", "a.txt")
    with pytest.raises(dataclasses.FrozenInstanceError):
        meta.title = "khác"  # type: ignore[misc]


# ---------------------------------------------------------------------------
# the reference corpora, when present
# ---------------------------------------------------------------------------


def _doc(number: str, issuer: str, date: datetime.date) -> tuple:
    return (DOCUMENT, number, issuer, date, None, None)


def _article(date: datetime.date | None, source: str | None, reports_on: str | None) -> tuple:
    return (ARTICLE, None, None, date, source, reports_on)


# (kind, number, issuer, date, source, reports_on) of every file of ../shared/corpus and
# ../shared/corpus-province
EXPECTED_CITATIONS = {
    "hanoi-2020-ctr08-tong-ket.txt": _article(
        None, "Bộ Thông tin và Truyền thông", "Chương trình 08-CTr/TU của Thành ủy Hà Nội"
    ),
    "hanoi-2021-kh05-thi-dua-cchc.txt": _article(
        D(2021, 5, 19),
        None,
        "Kế hoạch 05/KH-HĐTĐKT ngày 20/04/2021 của Hội đồng Thi đua - Khen thưởng thành phố Hà Nội",
    ),
    "hanoi-2022-kh27-5-ro.txt": _article(D(2022, 2, 5), "Chinhphu.vn", "Kế hoạch 27/KH-UBND của UBND thành phố Hà Nội"),
    "hcm-2019-cchc-9-thang.txt": _article(D(2019, 10, 10), "Phòng cải cách hành chính", None),
    "hue-2021-10-muc-tieu-cchc.txt": _article(
        D(2021, 3, 15), "Phòng Tư pháp TP Huế", "Quyết định 9535/QĐ-UBND ngày 25/12/2020 của UBND thành phố Huế"
    ),
    "binh-son-2024-bao-cao-quy-3.docx": _doc("298/BC-UBND", "UBND tỉnh Bình Sơn", D(2024, 9, 20)),
    "binh-son-2024-bo-tieu-chi-chi-so-cchc-cap-so.pdf": _doc("315/QĐ-UBND", "UBND tỉnh Bình Sơn", D(2024, 2, 2)),
    "binh-son-2024-cong-van-bao-cao-dinh-ky.txt": _doc("356/SNV-CCHC", "Sở Nội vụ tỉnh Bình Sơn", D(2024, 3, 4)),
    "binh-son-2024-huong-dan-khao-sat-sipas.md": _doc("1876/HD-SNV", "Sở Nội vụ tỉnh Bình Sơn", D(2024, 9, 5)),
    "binh-son-2024-kh-cchc.docx": _doc("18/KH-UBND", "UBND tỉnh Bình Sơn", D(2024, 1, 12)),
    "binh-son-2024-qd-quy-che-thi-dua.docx": _doc("412/QĐ-UBND", "UBND tỉnh Bình Sơn", D(2024, 2, 20)),
    "binh-son-2024-thong-bao-ket-qua-chi-so-cchc.txt": _doc("47/TB-UBND", "UBND tỉnh Bình Sơn", D(2024, 3, 28)),
    "lac-ha-2023-kh-cchc.docx": _doc("27/KH-UBND", "UBND tỉnh Lạc Hà", D(2023, 1, 18)),
    "lac-ha-2023-tong-ket-cchc.txt": _article(D(2024, 4, 2), "Tin cải cách hành chính", None),
    "phu-loc-2024-kh-cchc.txt": _doc("09/KH-UBND", "UBND huyện Phú Lộc", D(2024, 1, 22)),
}

# the headlines of the five news articles
EXPECTED_TITLES = {
    "hanoi-2020-ctr08-tong-ket.txt": "Chương trình 08-CTr/TU của Thành ủy Hà Nội: Tạo bước chuyển mạnh mẽ về kỷ "
    "luật, kỷ cương hành chính",
    "hanoi-2021-kh05-thi-dua-cchc.txt": "Hà Nội xây dựng lộ trình tổ chức phong trào thi đua “Đẩy mạnh cải cách "
    "hành chính”",
    "hanoi-2022-kh27-5-ro.txt": "Tiếp tục phương châm 'rõ người, rõ việc, rõ trách nhiệm, rõ tiến độ, rõ hiệu quả'",
    "hcm-2019-cchc-9-thang.txt": "Tình hình thực hiện công tác cải cách hành chính 9 tháng đầu năm 2019 của Thành "
    "phố Hồ Chí Minh",
    "hue-2021-10-muc-tieu-cchc.txt": "Mười mục tiêu cải cách hành chính năm 2021 của thành phố Huế",
}


def _corpus_file(file_name: str) -> Path:
    for folder in (CORPUS, CORPUS_PROVINCE):
        if (folder / file_name).is_file():
            return folder / file_name
    pytest.skip(f"reference corpus not found at {CORPUS.parent}")


def _citation(meta: DocMeta) -> tuple:
    return (meta.kind, meta.number, meta.issuer, meta.date, meta.source, meta.reports_on)


@pytest.mark.parametrize("file_name", sorted(EXPECTED_CITATIONS))
def test_corpus_citation(file_name: str) -> None:
    data = _corpus_file(file_name).read_bytes()
    meta = extract_meta(read_document(file_name, data), file_name)
    assert _citation(meta) == EXPECTED_CITATIONS[file_name]
    if file_name in EXPECTED_TITLES:
        assert meta.title == EXPECTED_TITLES[file_name]
    if file_name.endswith(".txt"):
        # the raw file (no reader normalisation) gives the same answer
        assert extract_meta(data.decode("utf-8"), file_name) == meta


def test_corpus_numbers() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    found = {p.name: find_document_numbers(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))}
    if not found:
        pytest.skip("reference corpus is empty")
    expected = {
        "hanoi-2020-ctr08-tong-ket.txt": ["08-CTr/TU"],
        "hanoi-2021-kh05-thi-dua-cchc.txt": ["05/KH-HĐTĐKT"],
        "hanoi-2022-kh27-5-ro.txt": ["27/KH-UBND", "03-CTr/BDVTU-BCSĐUBNDTP"],
        "hcm-2019-cchc-9-thang.txt": ["54/2017/QH14"],
        "hue-2021-10-muc-tieu-cchc.txt": ["06/CT-UBND", "9535/QĐ-UBND"],
    }
    for name, numbers in expected.items():
        if name in found:
            assert found[name] == numbers, name
