"""The streaming .xlsx writer: what it writes is read back by openpyxl (the
reader the bot itself uses), and the package is checked part by part: a valid
zip, well-formed XML, the parts Excel needs, in the order its schema wants."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tracking.sheets import read_table
from tracking.xlsx import BOLD, HEADER, MAX_CELL_CHARS, Style, Styled, Workbook, column_letter

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CREATED = datetime(2026, 5, 10, 8, 30, tzinfo=UTC)


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def one_sheet(rows: list[list[object]], **options) -> bytes:
    book = Workbook(created=CREATED)
    sheet = book.sheet("Trang 1", widths=options.pop("widths", [12, 20, 30]), **options)
    for row in rows:
        sheet.row(row)
    return book.to_bytes()


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


def roundtrip(text: str) -> object:
    return load(one_sheet([[text]]))["Trang 1"]["A1"].value


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------


def test_values_keep_their_types_and_dates_their_formats():
    data = one_sheet(
        [
            ["chữ", 42, 2.5, date(2026, 6, 30), datetime(2026, 4, 2, 8, 30), True, False, Decimal("1.25"), -7],
        ]
    )
    sheet = load(data)["Trang 1"]
    cells = sheet[1]
    assert [c.value for c in cells] == [
        "chữ",
        42,
        2.5,
        datetime(2026, 6, 30),
        datetime(2026, 4, 2, 8, 30),
        True,
        False,
        1.25,
        -7,
    ]
    assert [type(c.value) for c in cells] == [str, int, float, datetime, datetime, bool, bool, float, int]
    assert sheet["D1"].number_format == "dd/mm/yyyy" and sheet["D1"].is_date
    assert sheet["E1"].number_format == "dd/mm/yyyy hh:mm" and sheet["E1"].is_date
    assert sheet["A1"].number_format == "General" and sheet["B1"].number_format == "General"


def test_dates_are_excel_serial_numbers():
    data = one_sheet(
        [[date(2026, 6, 30), datetime(2026, 6, 30, 18, 0), date(1900, 3, 1), date(1900, 2, 28), date(1900, 1, 1)]]
    )
    values = re.findall(r"<v>([^<]*)</v>", part(data, "xl/worksheets/sheet1.xml"))
    # 1900-03-01 is day 61 since Excel counts a 29 February 1900; days before it are one lower.
    assert values == [str((date(2026, 6, 30) - date(1899, 12, 30)).days), "46203.75", "61", "59", "1"]
    sheet = load(data)["Trang 1"]
    assert [c.value for c in sheet[1]] == [
        datetime(2026, 6, 30),
        datetime(2026, 6, 30, 18),
        datetime(1900, 3, 1),
        datetime(1900, 2, 28),
        datetime(1900, 1, 1),
    ]


def test_datetimes_keep_seconds_and_dates_before_1900_become_text():
    data = one_sheet([[datetime(2026, 1, 2, 3, 4, 5), date(1850, 7, 1), datetime(1899, 12, 31, 23, 0)]])
    sheet = load(data)["Trang 1"]
    assert sheet["A1"].value == datetime(2026, 1, 2, 3, 4, 5)
    assert (sheet["B1"].value, sheet["C1"].value) == ("1850-07-01", "1899-12-31 23:00:00")


def test_none_leaves_the_cell_empty_and_later_cells_in_place():
    data = one_sheet([[None, "b", None, None, 5, None]])
    sheet = load(data)["Trang 1"]
    assert [c.value for c in sheet[1]][:5] == [None, "b", None, None, 5]
    xml = part(data, "xl/worksheets/sheet1.xml")
    assert 'r="A1"' not in xml and 'r="B1"' in xml and 'r="E1"' in xml and 'r="F1"' not in xml


def test_values_excel_cannot_hold_are_written_as_text_or_refused():
    sheet = load(one_sheet([[float("nan"), float("inf")]]))["Trang 1"]
    assert (sheet["A1"].value, sheet["B1"].value) == ("nan", "inf")
    book = Workbook()
    rows = book.sheet("x")
    with pytest.raises(ValueError, match="time zones"):
        rows.row([datetime(2026, 1, 1, tzinfo=UTC)])
    with pytest.raises(TypeError):
        rows.row([object()])


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------


def test_markup_characters_are_escaped():
    text = "a & b < c > d \" e ' f </t></si> &amp;"
    data = one_sheet([[text]])
    assert roundtrip(text) == text
    assert "&amp;amp;" in part(data, "xl/sharedStrings.xml")


def test_characters_xml_cannot_carry_are_dropped():
    text = "a\x00b\x01c\x08d\x0be\x0cf\x0eg\x1fh\ufffei\uffffj\ud800k\udfffl"
    assert roundtrip(text) == "abcdefghijkl"
    assert roundtrip("tab\tnew\nline\r\nend\r") == "tab\tnew\nline\r\nend\r"


def test_leading_and_trailing_spaces_are_kept():
    assert roundtrip("  hai đầu  ") == "  hai đầu  "
    assert roundtrip("\nxuống dòng\n") == "\nxuống dòng\n"
    assert roundtrip(" ") == " "
    assert '<t xml:space="preserve">  hai đầu  </t>' in part(one_sheet([["  hai đầu  "]]), "xl/sharedStrings.xml")


def test_a_literal_escape_lookalike_stays_literal():
    # Excel reads "_x0041_" as "A"; the writer escapes the underscore so the text shows as typed.
    data = one_sheet([["mã _x0041_ và _X00e9_"]])
    assert "_x005F_x0041_" in part(data, "xl/sharedStrings.xml")
    assert roundtrip("mã _x0041_ và _X00e9_") == "mã _x0041_ và _X00e9_"


def test_long_text_is_cut_to_what_a_cell_holds():
    assert roundtrip("x" * 40_000) == "x" * MAX_CELL_CHARS
    assert roundtrip("y" * MAX_CELL_CHARS) == "y" * MAX_CELL_CHARS
    # Excel counts UTF-16 units: an emoji takes two, and a pair is never split.
    assert roundtrip("😀" * 20_000) == "😀" * (MAX_CELL_CHARS // 2)


def test_vietnamese_text_round_trips_exactly_in_either_normal_form():
    composed = "Nguyễn Thị Lan — Sở Nội vụ, «Tổng hợp» đạt 100% kế hoạch"
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Lan"
    assert roundtrip(composed) == composed
    assert roundtrip(decomposed) == decomposed


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_text_reads_back_as_written(text: str):
    assume("x005F_" not in text)  # openpyxl drops that sequence from any text it reads
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
    assert roundtrip(text) == expected


def test_repeated_text_is_stored_once():
    data = one_sheet([["cùng", "cùng"], ["cùng", "khác"]])
    root = ET.fromstring(part(data, "xl/sharedStrings.xml"))
    assert (root.get("count"), root.get("uniqueCount")) == ("4", "2")
    assert [c.value for row in load(data)["Trang 1"].iter_rows() for c in row] == ["cùng", "cùng", "cùng", "khác"]


# --------------------------------------------------------------------------
# Layout and styles
# --------------------------------------------------------------------------


def test_header_style_frozen_pane_filter_and_widths():
    book = Workbook()
    sheet = book.sheet("Nhiệm vụ", widths=[12, 40, 10.5], freeze_header=True, auto_filter=True)
    sheet.row(["Mã", "Nhiệm vụ", "Thời hạn"], style=HEADER)
    for i in range(1, 6):
        sheet.row([f"NV{i:03}", "Việc", date(2026, 6, i)])
    data = book.to_bytes()
    read = load(data)["Nhiệm vụ"]
    assert read.freeze_panes == "A2"
    assert read.auto_filter.ref == "A1:C6"
    assert [read.column_dimensions[c].width for c in "ABC"] == [12, 40, 10.5]
    header = read["A1"]
    assert header.font.b and header.alignment.wrap_text and header.alignment.vertical == "center"
    assert not read["A2"].font.b and not read["A2"].alignment.wrap_text
    assert read["C2"].number_format == "dd/mm/yyyy"
    # Excel keeps the filtered range in a hidden name as well.
    names = ET.fromstring(part(data, "xl/workbook.xml")).find(f"{MAIN}definedNames")
    (name,) = list(names)
    assert name.attrib == {"name": "_xlnm._FilterDatabase", "localSheetId": "0", "hidden": "1"}
    assert name.text == "'Nhiệm vụ'!$A$1:$C$6"


def test_styled_cells_and_row_styles_combine_with_date_formats():
    book = Workbook()
    sheet = book.sheet("Tổng hợp", widths=[44, 14])
    sheet.row([Styled("Tổng số", BOLD), 3])
    sheet.row([date(2026, 5, 10), "đậm"], style=BOLD)
    sheet.row([Styled(date(2026, 5, 10), Style(wrap=True, vertical="top")), Styled(7, Style(number_format="0.00"))])
    read = load(book.to_bytes())["Tổng hợp"]
    assert read["A1"].font.b and not read["B1"].font.b and read.freeze_panes is None
    assert read["A2"].font.b and read["A2"].number_format == "dd/mm/yyyy" and read["B2"].font.b
    assert read["A2"].value == datetime(2026, 5, 10)
    assert read["A3"].alignment.wrap_text and read["A3"].alignment.vertical == "top"
    assert read["A3"].number_format == "dd/mm/yyyy" and read["B3"].number_format == "0.00"
    assert read.auto_filter.ref is None


def test_several_sheets_in_order_and_an_empty_one():
    book = Workbook()
    tasks = book.sheet("Nhiệm vụ", widths=[12, 40], freeze_header=True, auto_filter=True)
    tasks.row(["Mã", "Nhiệm vụ"], style=HEADER)  # the header only: no task in scope
    book.sheet("Trống")
    summary = book.sheet("Tổng hợp", widths=[44])
    summary.row(["Tổng số", 0])
    read = load(book.to_bytes())
    assert read.sheetnames == ["Nhiệm vụ", "Trống", "Tổng hợp"]
    assert read["Nhiệm vụ"].auto_filter.ref == "A1:B1" and read["Nhiệm vụ"].max_row == 1
    assert [c.value for c in read["Nhiệm vụ"][1]] == ["Mã", "Nhiệm vụ"]
    assert read["Trống"]["A1"].value is None
    assert [c.value for c in read["Tổng hợp"][1]] == ["Tổng số", 0]


def test_rows_can_be_added_to_any_open_sheet_until_the_book_is_written():
    book = Workbook()
    first, second = book.sheet("A"), book.sheet("B")
    first.row([1])
    second.row([2])
    first.row([3])
    read = load(book.to_bytes())
    assert [r[0].value for r in read["A"].iter_rows()] == [1, 3] and read["B"]["A1"].value == 2
    with pytest.raises(RuntimeError):
        first.row([4])


def test_many_rows_cross_chunk_boundaries_and_read_back_in_order():
    rows = [[f"NV{i:05}", i, date(2026, 1, 1 + i % 28), None if i % 3 else f"ghi chú {i % 7}"] for i in range(1, 1301)]
    data = one_sheet([["Mã", "Số", "Ngày", "Ghi chú"]] + rows, widths=[10, 10, 10, 10], auto_filter=True)
    read = load(data)["Trang 1"]
    got = [list(r) for r in read.iter_rows(min_row=2, values_only=True)]
    assert got == [[c, n, datetime.combine(d, datetime.min.time()), note] for c, n, d, note in rows]
    assert read.auto_filter.ref == "A1:D1301"


@pytest.mark.parametrize(
    "name", ["", "x" * 32, "a/b", "a\\b", "[a]", "a:b", "a*b", "a?b", "'quoted'", "a\x01", "History"]
)
def test_sheet_names_excel_refuses_are_refused(name: str):
    with pytest.raises(ValueError):
        Workbook().sheet(name)


def test_sheet_names_are_unique_ignoring_case_and_may_hold_apostrophes():
    book = Workbook()
    book.sheet("Tổng hợp")
    with pytest.raises(ValueError):
        book.sheet("TỔNG HỢP")
    sheet = book.sheet("Q'1 & 2", auto_filter=True)
    sheet.row(["a"])
    data = book.to_bytes()
    assert load(data).sheetnames == ["Tổng hợp", "Q'1 & 2"]
    assert ">'Q''1 &amp; 2'!$A$1:$A$1<" in part(data, "xl/workbook.xml")


def test_a_workbook_needs_a_sheet():
    with pytest.raises(ValueError):
        Workbook().to_bytes()


def test_column_letters():
    assert [column_letter(i) for i in (1, 26, 27, 52, 53, 702, 703, 16_384)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
        "XFD",
    ]
    with pytest.raises(ValueError):
        column_letter(16_385)


# --------------------------------------------------------------------------
# The package
# --------------------------------------------------------------------------


def sample_book() -> bytes:
    book = Workbook(created=CREATED)
    tasks = book.sheet("Nhiệm vụ", widths=[12, 40, 13], freeze_header=True, auto_filter=True)
    tasks.row(["Mã", "Nhiệm vụ & <ghi chú>", "Thời hạn"], style=HEADER)
    tasks.row(["NV001", "Khảo sát", date(2026, 6, 30)])
    summary = book.sheet("Tổng hợp", widths=[44, 14])
    summary.row([Styled("Tổng số", BOLD), 1])
    return book.to_bytes()


def test_the_package_is_a_valid_zip_of_well_formed_parts():
    data = sample_book()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        for name in names:
            ET.fromstring(archive.read(name))  # raises on malformed XML
        types = ET.fromstring(archive.read("[Content_Types].xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    assert len(names) == len(set(names))
    assert {
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/app.xml",
        "docProps/core.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/sharedStrings.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
    } == set(names)
    overridden = {o.get("PartName").lstrip("/") for o in types if o.tag.endswith("Override")}
    assert overridden == {n for n in names if n.endswith(".xml") and n != "[Content_Types].xml"}
    targets = {r.get("Target") for r in rels}
    assert targets == {"worksheets/sheet1.xml", "worksheets/sheet2.xml", "styles.xml", "sharedStrings.xml"}


def test_worksheet_parts_come_in_the_schema_order():
    root = ET.fromstring(part(sample_book(), "xl/worksheets/sheet1.xml"))
    order = ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "autoFilter", "pageMargins"]
    tags = [child.tag.removeprefix(MAIN) for child in root]
    assert tags == [t for t in order if t in tags] and {"sheetData", "autoFilter", "cols", "sheetViews"} <= set(tags)
    pane = root.find(f"{MAIN}sheetViews/{MAIN}sheetView/{MAIN}pane")
    assert pane.attrib == {"ySplit": "1", "topLeftCell": "A2", "activePane": "bottomLeft", "state": "frozen"}


def test_styles_have_what_excel_requires():
    root = ET.fromstring(part(sample_book(), "xl/styles.xml"))
    order = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles"]
    assert [child.tag.removeprefix(MAIN) for child in root] == order
    fills = [f.find(f"{MAIN}patternFill").get("patternType") for f in root.find(f"{MAIN}fills")]
    assert fills[:2] == ["none", "gray125"]
    formats = {f.get("formatCode"): int(f.get("numFmtId")) for f in root.find(f"{MAIN}numFmts")}
    assert set(formats) == {"dd/mm/yyyy", "dd/mm/yyyy hh:mm"} and min(formats.values()) >= 164
    for group in ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs"):
        element = root.find(f"{MAIN}{group}")
        assert int(element.get("count")) == len(element)


def test_the_same_content_gives_the_same_bytes():
    assert sample_book() == sample_book()


def test_the_bots_own_import_reads_the_file():
    header, rows = read_table("bao-cao.xlsx", sample_book())
    assert header == ["Mã", "Nhiệm vụ & <ghi chú>", "Thời hạn"]
    assert [values for _, values in rows] == [["NV001", "Khảo sát", datetime(2026, 6, 30)]]
