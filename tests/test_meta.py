"""Tests for bot.kb.meta: title, number, issuer and date heuristics."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest

from bot.kb.meta import MAX_TITLE_CHARS, DocMeta, extract_meta, find_document_numbers
from bot.kb.readers import read_document

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

D = datetime.date


# ---------------------------------------------------------------------------
# find_document_numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["27/KH-UBND", "9535/QĐ-UBND", "54/2017/QH14", "06/CT-UBND", "05/KH-HĐTĐKT", "1291/QĐ-TTg",
     "61/2018/NĐ-CP", "01/2021/TT-BNV", "1234/UBND-KSTTHC", "08-CTr/TU", "26-NQ/TW",
     "03-CTr/BDVTU-BCSĐUBNDTP", "205-QĐ/TW"],
)
def test_recognises_official_codes(code: str) -> None:
    assert find_document_numbers(f"Theo văn bản số {code}, các đơn vị thực hiện.") == [code]
    assert find_document_numbers(f"({code})") == [code]
    assert find_document_numbers(code) == [code]


@pytest.mark.parametrize(
    "text",
    ["Tính đến 31/8/2020 đạt 1.671/1.720 TTHC", "xếp thứ 9/63 tỉnh, thành phố", "ngày 2/9/2025",
     "hoàn thành 11/15 chỉ tiêu", "ISO 9001:2015", "phục vụ 24/7", "ca F0/F1", "năng suất 10/Ha",
     "giai đoạn 2016-2020", "COVID-19", "https://hanoi.gov.vn/2021/05/KH-abc"],
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
# own number
# ---------------------------------------------------------------------------


def test_number_in_title_wins() -> None:
    text = (
        "Tổng kết Chương trình 08-CTr/TU\n"
        "Thực hiện Kế hoạch số 12/KH-UBND và Kế hoạch số 12/KH-UBND, Kế hoạch số 12/KH-UBND."
    )
    assert extract_meta(text, "a.txt").number == "08-CTr/TU"


def test_number_after_so_beats_frequency() -> None:
    text = (
        "Tin cải cách hành chính hôm nay\n"
        "Chỉ thị 06/CT-UBND được nhắc lại; Chỉ thị 06/CT-UBND rất quan trọng.\n"
        "(Quyết định số 9535/QĐ-UBND ngày 25/12/2020 của UBND thành phố)"
    )
    assert extract_meta(text, "a.txt").number == "9535/QĐ-UBND"


def test_frequency_then_earliest() -> None:
    text = "Bản tin cải cách hành chính\nTheo 1/KH-UBND, 2/KH-UBND và 2/KH-UBND.\nCòn 3/KH-UBND."
    assert extract_meta(text, "a.txt").number == "2/KH-UBND"
    text = "Bản tin cải cách hành chính\nKế hoạch số 27/KH-UBND thực hiện Chương trình số 03-CTr/TU."
    assert extract_meta(text, "a.txt").number == "27/KH-UBND"


def test_letterhead_number_beats_codes_quoted_in_the_subject() -> None:
    text = "\n".join([
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
    ])
    meta = extract_meta(text, "kh27.docx")
    assert meta == DocMeta(
        title="Kế hoạch thực hiện Chương trình phối hợp số 03-CTr/BDVTU-BCSĐUBNDTP năm 2022",
        number="27/KH-UBND",
        issuer="ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
        date=D(2022, 2, 5),
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
        issuer="ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
        date=D(2021, 12, 31),
    )


def test_no_number() -> None:
    meta = extract_meta("Tin ngắn về cải cách hành chính\nKhông có số hiệu nào.", "tin.txt")
    assert meta.number is None and meta.issuer is None


# ---------------------------------------------------------------------------
# issuer
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence,number,issuer",
    [
        ("UBND thành phố Hà Nội vừa ban hành Kế hoạch số 27/KH-UBND về thực hiện.",
         "27/KH-UBND", "UBND thành phố Hà Nội"),
        ("Ngày 20/4, Hội đồng Thi đua - Khen thưởng thành phố Hà Nội có Kế hoạch số 05/KH-HĐTĐKT về",
         "05/KH-HĐTĐKT", "Hội đồng Thi đua - Khen thưởng thành phố Hà Nội"),
        ("Chương trình 08-CTr/TU của Thành ủy Hà Nội: Tạo bước chuyển", "08-CTr/TU", "Thành ủy Hà Nội"),
        ("(Quyết định số 9535/QĐ-UBND  ngày 25/12/2020 của UBND thành phố về kế hoạch)",
         "9535/QĐ-UBND", "UBND thành phố"),
        ("Theo Kế hoạch số 45/KH-UBND ngày 1/2/2021 của UBND TP. Hồ Chí Minh, các sở triển khai.",
         "45/KH-UBND", "UBND TP. Hồ Chí Minh"),
        ("Bộ Văn hóa, Thể thao và Du lịch vừa ban hành Kế hoạch số 12/KH-BVHTTDL về chuyển đổi số.",
         "12/KH-BVHTTDL", "Bộ Văn hóa, Thể thao và Du lịch"),
        ("Theo đó, Sở Nội vụ tỉnh Quảng Nam đã ban hành Công văn số 321/SNV-CCHC hướng dẫn.",
         "321/SNV-CCHC", "Sở Nội vụ tỉnh Quảng Nam"),
        ("Thực hiện Nghị quyết số 54/2017/QH14 của Quốc hội” trên địa bàn.", "54/2017/QH14", "Quốc hội"),
        ("Chủ tịch UBND tỉnh Quảng Nam vừa ký Quyết định số 99/QĐ-UBND phê duyệt.",
         "99/QĐ-UBND", "Chủ tịch UBND tỉnh Quảng Nam"),
        ("Ủy ban nhân dân tỉnh Thừa Thiên Huế ban hành Kế hoạch số 7/KH-UBND.",
         "7/KH-UBND", "Ủy ban nhân dân tỉnh Thừa Thiên Huế"),
    ],
)
def test_issuer_next_to_the_number(sentence: str, number: str, issuer: str) -> None:
    meta = extract_meta("Bản tin cải cách hành chính\n" + sentence, "a.txt")
    assert (meta.number, meta.issuer) == (number, issuer)


@pytest.mark.parametrize(
    "sentence",
    [
        "Các đơn vị thực hiện Kế hoạch số 45/KH-UBND về cải cách.",           # nobody named
        "Thực hiện Kế hoạch số 45/KH-UBND của UBND các quận, huyện.",        # bare "UBND"
        "Theo đề nghị của Sở Nội vụ, tỉnh đã ban hành Kế hoạch số 45/KH-UBND.",  # not the subject
        "Đặc biệt là các nội dung của Nghị quyết số 45/NQ-HĐND để ban hành.",
    ],
)
def test_issuer_none_when_unclear(sentence: str) -> None:
    meta = extract_meta("Bản tin cải cách hành chính\n" + sentence, "a.txt")
    assert meta.number is not None and meta.issuer is None


@pytest.mark.parametrize(
    "number,issuer",
    [("61/2018/NĐ-CP", "Chính phủ"), ("1291/QĐ-TTg", "Thủ tướng Chính phủ"),
     ("54/2017/QH14", "Quốc hội"), ("27/KH-UBND", None)],
)
def test_issuer_from_national_codes(number: str, issuer: str | None) -> None:
    meta = extract_meta(f"Bản tin cải cách hành chính\nTriển khai văn bản số {number} ngay.", "a.txt")
    assert (meta.number, meta.issuer) == (number, issuer)


# ---------------------------------------------------------------------------
# date
# ---------------------------------------------------------------------------


def test_date_next_to_number_wins_over_publication_date() -> None:
    text = "Mười mục tiêu năm 2021\n15/03/2021 11:29:40 SA\n(Quyết định số 9535/QĐ-UBND ngày 25/12/2020)"
    assert extract_meta(text, "a.txt").date == D(2020, 12, 25)


def test_long_form_date_next_to_number() -> None:
    text = "Tin cải cách hành chính\nKế hoạch số 5/KH-UBND ngày 05 tháng 02 năm 2022 của UBND tỉnh Nam Định"
    meta = extract_meta(text, "a.txt")
    assert meta.date == D(2022, 2, 5) and meta.issuer == "UBND tỉnh Nam Định"


@pytest.mark.parametrize(
    "header,expected",
    [
        ("19/05/2021", D(2021, 5, 19)),
        ("05/02/2022 8:37 AM", D(2022, 2, 5)),
        ("Phòng cải cách hành chính Thứ Năm, 10/10/2019, 15:05", D(2019, 10, 10)),
        ("15/03/2021 11:29:40 SA", D(2021, 3, 15)),
        ("Hà Nội, ngày 05 tháng 02 năm 2022", D(2022, 2, 5)),
        ("Cập nhật: 31/02/2021 | 01-03-2021", D(2021, 3, 1)),  # invalid date skipped
        ("Không có ngày tháng nào", None),
    ],
)
def test_publication_date_in_first_lines(header: str, expected: datetime.date | None) -> None:
    text = f"Tiêu đề bài viết về cải cách\n\n{header}\n\nNội dung nhắc Kế hoạch số 27/KH-UBND về 2022."
    assert extract_meta(text, "a.txt").date == expected


def test_dates_after_the_sixth_line_are_not_publication_dates() -> None:
    text = "\n".join(["Tiêu đề bài viết về cải cách", *[f"Đoạn {i}." for i in range(1, 6)],
                      "Tính đến 31/8/2020, đạt 97%."])
    assert extract_meta(text, "a.txt").date is None


# ---------------------------------------------------------------------------
# title
# ---------------------------------------------------------------------------


def test_title_skips_page_furniture_and_date_lines() -> None:
    text = "\n".join([
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
    ])
    assert extract_meta(text, "a.txt").title == (
        "Tình hình thực hiện công tác cải cách hành chính 9 tháng đầu năm 2019"
    )


def test_title_prefers_lines_of_three_words() -> None:
    assert extract_meta("Top\nTin tức\nHà Nội cải cách mạnh mẽ\nNội dung", "a.txt").title == (
        "Hà Nội cải cách mạnh mẽ"
    )
    assert extract_meta("Chỉ đạo\n\n19/05/2021", "a.txt").title == "Chỉ đạo"


@pytest.mark.parametrize(
    "title",
    ["Kế hoạch số 27/KH-UBND ngày 05/02/2022 về cải cách hành chính",
     "Lịch họp lúc 8h30 ngày 05/02/2022 về cải cách hành chính"],
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
# the reference corpus, when present
# ---------------------------------------------------------------------------

EXPECTED = {
    "hanoi-2020-ctr08-tong-ket.txt": DocMeta(
        title="Chương trình 08-CTr/TU của Thành ủy Hà Nội: Tạo bước chuyển mạnh mẽ về kỷ luật, "
              "kỷ cương hành chính",
        number="08-CTr/TU", issuer="Thành ủy Hà Nội", date=None,
    ),
    "hanoi-2021-kh05-thi-dua-cchc.txt": DocMeta(
        title="Hà Nội xây dựng lộ trình tổ chức phong trào thi đua “Đẩy mạnh cải cách hành chính”",
        number="05/KH-HĐTĐKT", issuer="Hội đồng Thi đua - Khen thưởng thành phố Hà Nội",
        date=D(2021, 5, 19),
    ),
    "hanoi-2022-kh27-5-ro.txt": DocMeta(
        title="Tiếp tục phương châm 'rõ người, rõ việc, rõ trách nhiệm, rõ tiến độ, rõ hiệu quả'",
        number="27/KH-UBND", issuer="UBND thành phố Hà Nội", date=D(2022, 2, 5),
    ),
    "hcm-2019-cchc-9-thang.txt": DocMeta(
        title="Tình hình thực hiện công tác cải cách hành chính 9 tháng đầu năm 2019 của Thành phố "
              "Hồ Chí Minh",
        number="54/2017/QH14", issuer="Quốc hội", date=D(2019, 10, 10),
    ),
    "hue-2021-10-muc-tieu-cchc.txt": DocMeta(
        title="Mười mục tiêu cải cách hành chính năm 2021 của thành phố Huế",
        number="9535/QĐ-UBND", issuer="UBND thành phố", date=D(2020, 12, 25),
    ),
}


@pytest.mark.parametrize("file_name", sorted(EXPECTED))
def test_corpus_meta(file_name: str) -> None:
    path = CORPUS / file_name
    if not path.is_file():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    data = path.read_bytes()
    text = read_document(file_name, data)
    assert extract_meta(text, file_name) == EXPECTED[file_name]
    # the raw file (no reader normalisation) gives the same answer
    assert extract_meta(data.decode("utf-8"), file_name) == EXPECTED[file_name]


def test_corpus_numbers() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    found = {p.name: find_document_numbers(p.read_text(encoding="utf-8"))
             for p in sorted(CORPUS.glob("*.txt"))}
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
