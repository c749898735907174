"""Tests for kb.readers: every format, every failure mode, the normalisation."""

from __future__ import annotations

import functools
import io
import random
import re
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from kb import readers
from kb.readers import (
    MAX_BYTES,
    SUPPORTED_EXTENSIONS,
    DocumentError,
    normalize_text,
    read_document,
)
from kb.readers import pdf as pdf_reader

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
PROVINCE = CORPUS.parent / "corpus-province"

VI = "Cải cách hành chính: rõ người, rõ việc, rõ trách nhiệm, rõ tiến độ, rõ hiệu quả."


# ---------------------------------------------------------------------------
# builders
# ---------------------------------------------------------------------------


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF: one page per item, each line drawn in Helvetica.

    An empty list of lines gives a page with a drawing and no text (like a scan).
    """
    objs: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    kids: list[int] = []
    next_id = 4
    for lines in pages:
        if lines:
            ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
            ops += [f"({_pdf_escape(line)}) Tj T*" for line in lines]
            ops.append("ET")
        else:
            ops = ["0 0 0 RG", "72 72 m 540 720 l S"]
        stream = "\n".join(ops).encode("latin-1")
        content_id, page_id = next_id, next_id + 1
        next_id += 2
        objs[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objs[page_id] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>"
        ).encode()
        kids.append(page_id)
    objs[2] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()

    out = bytearray(b"%PDF-1.4\n")
    offsets: dict[int, int] = {}
    for i in sorted(objs):
        offsets[i] = len(out)
        out += f"{i} 0 obj\n".encode() + objs[i] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += f"xref\n0 {size}\n".encode() + b"0000000000 65535 f \n"
    for i in range(1, size):
        out += f"{offsets[i]:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def docx_bytes(document: docx.document.Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_docx() -> bytes:
    d = docx.Document()
    d.add_heading("Kế hoạch cải cách hành chính năm 2022", level=1)
    d.add_paragraph("Đoạn mở đầu trước bảng.")
    d.add_paragraph("")
    d.add_paragraph("")
    table = d.add_table(rows=3, cols=3)
    for c, text in enumerate(("Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn")):
        table.cell(0, c).text = text
    table.cell(1, 0).text = "Rà soát TTHC"
    table.cell(1, 1).text = "Sở Nội vụ"
    table.cell(1, 2).text = "30/6/2022"
    merged = table.cell(2, 0).merge(table.cell(2, 1))  # horizontal merge: appears once
    merged.text = "Số hóa hồ sơ"
    table.cell(2, 2).text = "Quý IV"
    d.add_paragraph("Đoạn kết sau bảng.")
    return docx_bytes(d)


def make_table_pdf(pages: list[list[object]], page_numbers: bool = True) -> bytes:
    """A PDF built with ReportLab from ``pages`` (lists of flowables, one list
    per page, or one list that flows over several), "- n -" at each page's foot."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    def foot(canvas, doc) -> None:  # noqa: ANN001 - ReportLab's callback
        if page_numbers:
            canvas.setFont(pdf_font(), 9)
            canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    story: list[object] = []
    for i, flowables in enumerate(pages):
        if i:
            story.append(PageBreak())
        story += flowables
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story, onFirstPage=foot, onLaterPages=foot)
    return buf.getvalue()


@functools.cache
def pdf_font() -> str:
    """DejaVu Sans (it has the Vietnamese letters; matplotlib ships it), registered with ReportLab."""
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(font)))
    return "DejaVuSans"


def pdf_paragraph(text: str, size: int = 11) -> object:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    return Paragraph(text, ParagraphStyle("vi", fontName=pdf_font(), fontSize=size, leading=size + 3))


def pdf_table(rows: list[list[str]], widths: list[int], **options: object) -> object:
    """A ReportLab table with every border drawn (as Word and most PDF makers
    draw them) and wrapped cells; ``options`` go to ``Table``."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table([[pdf_paragraph(cell, 10) for cell in row] for row in rows], colWidths=widths, **options)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def to_cp1258(text: str) -> bytes:
    """Encode like Windows-1258 does: base letter precomposed, tone as a combining mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


# ---------------------------------------------------------------------------
# plain text and normalisation
# ---------------------------------------------------------------------------


def test_api_constants() -> None:
    assert SUPPORTED_EXTENSIONS == (".txt", ".md", ".docx", ".pdf")
    assert MAX_BYTES == 20 * 1024 * 1024
    assert issubclass(DocumentError, ValueError)


def test_txt_utf8_is_normalised() -> None:
    raw = (
        "\n\n  Tiêu đề   \r\n"
        "Dòng một\tcó tab\x00 và NUL\x07   \r"
        "\r\n\r\n\r\n"
        "Dòng\u00a0hai\u200b sau nhiều dòng trống \u2028"
        "Dòng ba\n \n\t\n"
    )
    assert read_document("a.txt", raw.encode("utf-8")) == (
        "  Tiêu đề\nDòng một có tab và NUL\n\nDòng hai sau nhiều dòng trống\nDòng ba"
    )


def test_keeps_line_structure_and_leading_indent() -> None:
    text = "Mục tiêu\n   1. Thứ nhất\n   2. Thứ hai\n\nKết luận"
    assert read_document("a.txt", text.encode()) == text


def test_utf8_bom() -> None:
    assert read_document("a.txt", b"\xef\xbb\xbf" + VI.encode("utf-8")) == VI


def test_accepts_bytearray() -> None:
    assert read_document("a.txt", bytearray(VI.encode("utf-8"))) == VI


@pytest.mark.parametrize("codec,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_utf16_with_bom(codec: str, bom: bytes) -> None:
    data = bom + (VI + "\r\nDòng hai").encode(codec)
    assert read_document("a.txt", data) == VI + "\nDòng hai"


def test_utf16_without_bom() -> None:
    assert read_document("a.txt", VI.encode("utf-16-le")) == VI


def test_windows_1258_vietnamese() -> None:
    data = to_cp1258(VI)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert read_document("cu.txt", data) == VI


def test_latin1_subset_vietnamese() -> None:
    text = "Bà Tâm là giáo viên Cà Mau"  # only letters that Windows-1252 has
    assert read_document("a.txt", text.encode("cp1252")) == text


@pytest.mark.parametrize(
    "data",
    [
        "中文文本内容，这是一个测试文件。".encode("gbk") * 4,
        "日本語のテキストです。".encode("shift_jis") * 4,
        bytes(range(0x80, 0x100)) * 4,
    ],
)
def test_undecodable_text_asks_for_utf8(data: bytes) -> None:
    with pytest.raises(DocumentError) as err:
        read_document("la.txt", data)
    assert "UTF-8" in str(err.value) and "«la.txt»" in str(err.value)


def test_binary_disguised_as_text() -> None:
    data = b"abc\x00\x01\x02\x03\x04\x05\x06" * 50
    with pytest.raises(DocumentError, match="không phải là tệp văn bản"):
        read_document("a.txt", data)


def test_nfc_normalisation_of_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", VI)
    assert decomposed != VI
    out = read_document("a.txt", decomposed.encode("utf-8"))
    assert out == VI and unicodedata.is_normalized("NFC", out)


def test_normalize_text_is_idempotent() -> None:
    once = normalize_text("a  \r\n\r\n\r\nb\x0cc\u00a0 ")
    assert once == "a\n\nb\nc"
    assert normalize_text(once) == once


# ---------------------------------------------------------------------------
# markdown
# ---------------------------------------------------------------------------


def test_markdown_is_stripped_lightly() -> None:
    md = "\n".join(
        [
            "# Kế hoạch **số 27/KH-UBND** #",
            "",
            "Phương châm *5 rõ* và __trách nhiệm__, ~~bỏ~~ giữ snake_case_name và 2 * 3 * 4.",
            "Xem [Cổng dịch vụ công](https://dichvucong.gov.vn/p/home) hoặc ![sơ đồ](a.png).",
            "Liên hệ <https://hanoi.gov.vn> và [mục lục][1].",
            "> Trích dẫn quan trọng",
            "* Mục một",
            "+ Mục hai",
            "1. Mục có số",
            "",
            "| Nhiệm vụ | Thời hạn |",
            "|---|:---:|",
            "| Rà soát | 30/6 |",
            "",
            "***",
            "```",
            "**giữ nguyên trong khối mã**",
            "```",
            "Dùng `**mã**` và \\*không nghiêng\\*.",
            "[1]: https://example.vn/muc-luc",
        ]
    )
    assert read_document("a.md", md.encode()) == "\n".join(
        [
            "Kế hoạch số 27/KH-UBND",
            "",
            "Phương châm 5 rõ và trách nhiệm, bỏ giữ snake_case_name và 2 * 3 * 4.",
            "Xem Cổng dịch vụ công hoặc sơ đồ.",
            "Liên hệ https://hanoi.gov.vn và mục lục.",
            "Trích dẫn quan trọng",
            "- Mục một",
            "- Mục hai",
            "1. Mục có số",
            "",
            "Nhiệm vụ | Thời hạn",
            "Rà soát | 30/6",
            "",
            "**giữ nguyên trong khối mã**",
            "Dùng **mã** và *không nghiêng*.",
        ]
    )


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_order() -> None:
    assert read_document("kh.docx", make_docx()) == "\n".join(
        [
            "Kế hoạch cải cách hành chính năm 2022",
            "Đoạn mở đầu trước bảng.",
            "",
            "Nhiệm vụ | Đơn vị chủ trì | Thời hạn",
            "Rà soát TTHC | Sở Nội vụ | 30/6/2022",
            "Số hóa hồ sơ | Quý IV",
            "Đoạn kết sau bảng.",
        ]
    )


def test_docx_vertical_merge_and_empty_cells() -> None:
    d = docx.Document()
    table = d.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Sở Nội vụ"
    table.cell(0, 1).text = "Việc 1"
    table.cell(0, 2).text = "Quý I"
    table.cell(1, 1).text = "Việc 2"
    table.cell(2, 0).text = "UBND quận"
    table.cell(2, 2).text = "Quý III"  # middle cell left empty
    assert read_document("a.docx", docx_bytes(d)) == ("Sở Nội vụ | Việc 1 | Quý I\n | Việc 2\nUBND quận | | Quý III")


def test_docx_tracked_changes_and_hyperlinks() -> None:
    d = docx.Document()
    p = d.add_paragraph("Trước ")
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), "1")
    ins.set(qn("w:author"), "A")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "chèn thêm"
    run.append(t)
    ins.append(run)
    p._p.append(ins)
    deleted = OxmlElement("w:del")
    deleted.set(qn("w:id"), "2")
    deleted.set(qn("w:author"), "A")
    run = OxmlElement("w:r")
    t = OxmlElement("w:delText")
    t.text = " đã xóa"
    run.append(t)
    deleted.append(run)
    p._p.append(deleted)
    link = OxmlElement("w:hyperlink")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = " và liên kết"
    run.append(t)
    link.append(run)
    p._p.append(link)
    assert read_document("a.docx", docx_bytes(d)) == "Trước chèn thêm và liên kết"


def test_docx_without_text_is_empty() -> None:
    d = docx.Document()
    d.add_paragraph("   ")
    with pytest.raises(DocumentError, match="không có nội dung"):
        read_document("trong.docx", docx_bytes(d))


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a zip file at all",
        b"PK\x03\x04" + b"\x00" * 60,
        b"%PDX-1.4 nope",
    ],
)
def test_corrupt_docx(data: bytes) -> None:
    with pytest.raises(DocumentError, match="bị hỏng"):
        read_document("hong.docx", data)


def test_zip_that_is_not_word() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    with pytest.raises(DocumentError, match="bị hỏng"):
        read_document("a.docx", buf.getvalue())


def test_old_doc_renamed_to_docx() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    with pytest.raises(DocumentError, match=r"\.doc\b"):
        read_document("cu.docx", data)


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------


def test_pdf_text_is_extracted() -> None:
    data = make_pdf([["Administrative reform plan 2022", "Five groups of tasks."], ["Second page (annex)."]])
    text = read_document("plan.pdf", data)
    assert text == "Administrative reform plan 2022\nFive groups of tasks.\n\nSecond page (annex)."


def test_pdf_wrapped_lines_are_rejoined_conservatively() -> None:
    data = make_pdf(
        [
            [
                "The administrative reform plan for this year covers five",
                "groups of tasks and sets targets for every department.",
                "Second paragraph starts with a capital letter and is long",
                "a) list items are never glued to the previous line either",
                "Short heading",
                "lower-case line after a short one stays where it is.",
            ]
        ]
    )
    assert read_document("plan.pdf", data).split("\n") == [
        "The administrative reform plan for this year covers five groups of tasks and sets "
        "targets for every department.",
        "Second paragraph starts with a capital letter and is long",
        "a) list items are never glued to the previous line either",
        "Short heading",
        "lower-case line after a short one stays where it is.",
    ]


def test_pdf_wrapped_lines_that_start_with_a_figure_are_rejoined() -> None:
    data = make_pdf(
        [
            [
                "The data used for scoring run from 15/12/2023 to the day before the",
                "14/12/2024, the end of the year. The records (criteria 3.3, 3.4, 3.5, 7.3,",
                "7.4) come from the information system of the province for all units.",
                "Every department scores itself on each criterion and sends the results",
                "2. Numbered items that start with a capital stay on their own line.",
                "3",
            ]
        ]
    )
    assert read_document("plan.pdf", data).split("\n") == [
        "The data used for scoring run from 15/12/2023 to the day before the 14/12/2024, the end of the "
        "year. The records (criteria 3.3, 3.4, 3.5, 7.3, 7.4) come from the information system of the "
        "province for all units.",
        "Every department scores itself on each criterion and sends the results",
        "2. Numbered items that start with a capital stay on their own line.",
        "3",
    ]


def test_scanned_pdf_needs_ocr() -> None:
    with pytest.raises(DocumentError) as err:
        read_document("scan.pdf", make_pdf([[], []]))
    assert "OCR" in str(err.value) and "scan" in str(err.value)


# a ruled table that runs over a page break, a row split by it, paragraphs around it
TABLE_HEADER = ["Mã số", "Tiêu chí", "Điểm tối đa", "Cách chấm điểm, tài liệu kiểm chứng"]
TABLE_ROWS = [
    [
        "1.1",
        "Ban hành kế hoạch cải cách hành chính năm đúng thời hạn",
        "1",
        "Ban hành trước ngày 31/01: 1 điểm; sau thời hạn: 0 điểm.",
    ],
    [
        "1.2",
        "Mức độ hoàn thành kế hoạch cải cách hành chính năm của cơ quan, đơn vị",
        "2",
        "Đạt khi "
        + "các nhiệm vụ được giao hoàn thành đúng hạn và có tài liệu kiểm chứng kèm theo, " * 9
        + "còn lại không có điểm.",
    ],
    [
        "1.3",
        "Kiểm tra công tác cải cách hành chính đối với đơn vị trực thuộc",
        "2",
        "Kiểm tra từ 30% đơn vị trở lên: 2 điểm; dưới 30%: 1 điểm; không kiểm tra: 0 điểm.",
    ],
    ["", "TỔNG CỘNG", "5", ""],
]
PARAGRAPH_BEFORE = (
    "Bộ tiêu chí dùng để đánh giá kết quả thực hiện nhiệm vụ cải cách hành chính của các "
    "cơ quan chuyên môn thuộc tỉnh, bảo đảm khách quan, công khai và đúng quy định."
)
PARAGRAPH_AFTER = (
    "Các cơ quan tự chấm điểm từng tiêu chí trên phần mềm và gửi kèm tài liệu kiểm chứng, "
    "bảo đảm số liệu khớp với báo cáo năm và không tự tổng hợp thủ công."
)


def split_table_pdf(space_before: int = 440) -> bytes:
    from reportlab.platypus import Spacer

    return make_table_pdf(
        [
            [
                pdf_paragraph(PARAGRAPH_BEFORE),
                Spacer(1, space_before),  # pushes the table down: row 1.2 is split by the page break
                pdf_table([TABLE_HEADER, *TABLE_ROWS], [50, 150, 50, 230], repeatRows=1, splitByRow=0, splitInRow=1),
                pdf_paragraph("III. TỔ CHỨC THỰC HIỆN", 12),
                pdf_paragraph(PARAGRAPH_AFTER),
            ]
        ]
    )


def expected_row(cells: list[str]) -> str:
    return " | ".join(cells).rstrip(" |")


def test_pdf_table_over_a_page_break_comes_out_like_a_word_table() -> None:
    from pypdf import PdfReader

    data = split_table_pdf()
    # the document really is what the test is about: two pages, row 1.2 split by the break
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) == 2
    assert "1.2" in pages[0] and "Đạt khi" in pages[0] and "còn lại không có điểm" in pages[1]
    assert all("Cách chấm điểm" in page for page in pages)  # the header is repeated

    assert read_document("bo-tieu-chi.pdf", data).split("\n") == [
        PARAGRAPH_BEFORE,
        expected_row(TABLE_HEADER),
        *(expected_row(row) for row in TABLE_ROWS),
        "- 1 -",
        "",
        "III. TỔ CHỨC THỰC HIỆN",
        PARAGRAPH_AFTER,
        "- 2 -",
    ]


@pytest.mark.parametrize("space_before", [300, 380, 520, 600])
def test_pdf_table_rows_survive_wherever_the_page_breaks(space_before: int) -> None:
    text = read_document("bo-tieu-chi.pdf", split_table_pdf(space_before))
    lines = text.split("\n")
    assert lines.count(expected_row(TABLE_HEADER)) == 1
    for row in TABLE_ROWS:
        assert expected_row(row) in lines
    assert PARAGRAPH_BEFORE in lines and PARAGRAPH_AFTER in lines


def test_pdf_table_on_one_page_and_text_pages_around_it() -> None:
    data = make_table_pdf(
        [
            [pdf_paragraph("Trang đầu chỉ có chữ, không có bảng.")],
            [
                pdf_paragraph("Phụ lục"),
                pdf_table(
                    [
                        ["Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"],
                        ["Rà soát thủ tục hành chính", "Sở Nội vụ", "30/6/2024"],
                        ["Số hóa hồ sơ", "", "Quý IV"],
                    ],
                    [200, 150, 100],
                ),
            ],
            [pdf_paragraph("Trang cuối.")],
        ],
        page_numbers=False,
    )
    assert read_document("phu-luc.pdf", data).split("\n") == [
        "Trang đầu chỉ có chữ, không có bảng.",
        "",
        "Phụ lục",
        "Nhiệm vụ | Đơn vị chủ trì | Thời hạn",
        "Rà soát thủ tục hành chính | Sở Nội vụ | 30/6/2024",
        "Số hóa hồ sơ | | Quý IV",
        "",
        "Trang cuối.",
    ]


def test_only_pages_that_draw_a_grid_are_searched_for_tables() -> None:
    from pypdf import PdfReader

    text_pages = PdfReader(io.BytesIO(make_pdf([["Only text here"], []]))).pages  # [] draws one line
    assert [pdf_reader._draws_rules(page) for page in text_pages] == [False, False]
    table_pages = PdfReader(io.BytesIO(split_table_pdf())).pages
    assert [pdf_reader._draws_rules(page) for page in table_pages] == [True, True]


def test_pdf_framed_paragraph_is_not_a_table() -> None:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    box = Table([[pdf_paragraph("Lưu ý: hồ sơ nộp trước ngày 20/12/2024.")]], colWidths=[300])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.black)]))
    data = make_table_pdf([[pdf_paragraph("Thông báo"), box]], page_numbers=False)
    lines = read_document("luu-y.pdf", data).split("\n")
    assert [line.strip() for line in lines] == ["Thông báo", "Lưu ý: hồ sơ nộp trước ngày 20/12/2024."]


def test_pdf_tables_on_two_pages_are_joined_only_when_one_continues_the_other() -> None:
    def table(*rows: list[str]) -> pdf_reader._PdfTable:
        return pdf_reader._PdfTable([list(row) for row in rows], [50.0, 100.0, 250.0, 300.0])

    header = ["Mã số", "Tiêu chí", "Điểm"]
    first = table(header, ["1.1", "Kế hoạch cải cách hành chính", "3"], ["1.2", "Thực hiện chế độ báo cáo", "2"])
    rest = table(header, ["", "định kỳ hằng quý", ""], ["", "TỔNG CỘNG", "5"])
    other = pdf_reader._PdfTable([["Đơn vị", "Điểm"], ["Sở Nội vụ", "95"]], [50.0, 200.0, 300.0])
    pages: list[list[pdf_reader._PdfBlock]] = [["Bảng 1", first, "Trang 1"], ["2", rest], [other]]
    pdf_reader._join_split_tables(pages)
    assert first.rows == [
        header,
        ["1.1", "Kế hoạch cải cách hành chính", "3"],
        ["1.2", "Thực hiện chế độ báo cáo định kỳ hằng quý", "2"],
        ["", "TỔNG CỘNG", "5"],
    ]
    assert pages == [["Bảng 1", first, "Trang 1"], ["2"], [other]]  # another table stays apart

    # a new row at the top of a page is not glued to the last one
    first = table(header, ["1.1", "Kế hoạch cải cách hành chính", "3"])
    pages = [[first], [table(header, ["", "TỔNG CỘNG", "3"])]]
    pdf_reader._join_split_tables(pages)
    assert first.rows[-2:] == [["1.1", "Kế hoạch cải cách hành chính", "3"], ["", "TỔNG CỘNG", "3"]]

    # text between the two parts (other than a page number) keeps them apart
    first, second = table(header, ["1.1", "a", "1"]), table(header, ["1.2", "b", "2"])
    pages = [[first], ["Phụ lục 2", second]]
    pdf_reader._join_split_tables(pages)
    assert len(first.rows) == 2 and pages[1] == ["Phụ lục 2", second]


def test_pdf_with_tables_mangled_only_raises_document_error() -> None:
    rng = random.Random(4321)
    good = split_table_pdf()
    for _ in range(15):
        data = bytearray(good[: rng.randrange(len(good) // 2, len(good) + 1)])
        for _ in range(rng.randrange(0, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            assert isinstance(read_document("bang.pdf", bytes(data)), str)
        except DocumentError:
            pass


def test_province_criteria_pdf_table_rows() -> None:
    path = PROVINCE / "binh-son-2024-bo-tieu-chi-chi-so-cchc-cap-so.pdf"
    if not path.is_file():
        pytest.skip(f"province corpus not found at {PROVINCE}")
    lines = read_document(path.name, path.read_bytes()).split("\n")
    # the header once, though each of the three pages repeats it
    assert [line for line in lines if line.startswith("Mã số")] == [
        "Mã số | Lĩnh vực / Tiêu chí / Tiêu chí thành phần | Điểm tối đa | Cách chấm điểm, tài liệu kiểm chứng"
    ]
    # one line per row: 7 areas, 35 criteria and 12 sub-criteria, then the total
    codes = [line.split(" | ")[0] for line in lines if re.match(r"\d(\.\d)* \| ", line)]
    assert len(codes) == 54 and len(set(codes)) == 54
    assert codes[:4] == ["1", "1.1", "1.1.1", "1.1.2"] and codes[-1] == "7.6"
    assert " | TỔNG CỘNG | 100" in lines
    assert (
        "3.5 | Tiếp nhận, trả kết quả qua dịch vụ bưu chính công ích | 2 | Từ 15% hồ sơ trở lên: "
        "2 điểm; từ 10% đến dưới 15%: 1 điểm; dưới 10%: 0 điểm."
    ) in lines
    row = next(line for line in lines if line.startswith("1.1.2 | "))
    assert "Mức độ hoàn thành kế hoạch cải cách hành chính năm | 2 |" in row
    assert row.endswith("TLKC: báo cáo năm kèm danh mục nhiệm vụ.")
    # the paragraphs around the table are still paragraphs
    assert "BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH" in lines
    assert "II. HƯỚNG DẪN TỰ ĐÁNH GIÁ, CHẤM ĐIỂM" in lines
    assert any(line.startswith("2. Tự đánh giá:") and line.endswith("tài liệu kiểm chứng đính kèm.") for line in lines)


@pytest.mark.parametrize("data", [b"%PDF-1.4\nnot really a pdf", b"garbage bytes", make_pdf([["x y z"]])[:60]])
def test_corrupt_pdf(data: bytes) -> None:
    with pytest.raises(DocumentError, match="PDF bị hỏng"):
        read_document("hong.pdf", data)


def test_truncated_and_mangled_files_only_raise_document_error() -> None:
    rng = random.Random(1234)
    samples = [("a.pdf", make_pdf([["Hello world from a PDF page"]])), ("a.docx", make_docx())]
    for name, good in samples:
        for _ in range(25):
            data = bytearray(good[: rng.randrange(1, len(good))])
            for _ in range(rng.randrange(0, 5)):
                if data:
                    data[rng.randrange(len(data))] = rng.randrange(256)
            try:
                assert isinstance(read_document(name, bytes(data)), str)
            except DocumentError:
                pass


def test_content_wins_over_a_wrong_extension() -> None:
    assert read_document("thuc-ra-la-pdf.txt", make_pdf([["Real PDF inside"]])) == "Real PDF inside"
    assert read_document("thuc-ra-la-word.md", make_docx()).startswith("Kế hoạch cải cách")


# ---------------------------------------------------------------------------
# refusals
# ---------------------------------------------------------------------------


def test_unsupported_extension() -> None:
    with pytest.raises(DocumentError) as err:
        read_document("x.exe", b"MZ...")
    assert str(err.value) == "Tệp «x.exe» không được hỗ trợ. Hãy gửi tệp .txt, .md, .docx hoặc .pdf."


@pytest.mark.parametrize("name", ["README", "anh.jpg", "bang.xlsx", "cu.doc", "/tmp/thu muc/x.rtf"])
def test_other_unsupported_names(name: str) -> None:
    with pytest.raises(DocumentError, match="không được hỗ trợ"):
        read_document(name, b"data")


def test_extension_is_case_insensitive_and_paths_are_trimmed() -> None:
    assert read_document("C:\\Tai lieu\\GHI CHU.TXT", "Ghi chú".encode()) == "Ghi chú"


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.docx", "a.pdf"])
@pytest.mark.parametrize("data", [b"", b"   \r\n\t  \n"])
def test_empty_files(name: str, data: bytes) -> None:
    with pytest.raises(DocumentError, match="trống"):
        read_document(name, data)


def test_whitespace_only_after_cleaning_is_empty() -> None:
    with pytest.raises(DocumentError, match="trống"):
        read_document("a.txt", "\u00a0\u200b\x00\n\u3000".encode())
    with pytest.raises(DocumentError, match="trống"):
        read_document("a.md", b"---\n\n***\n")


def test_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_BYTES", 2 * 1024 * 1024)
    data = b"a" * (2 * 1024 * 1024 + 1)
    with pytest.raises(DocumentError) as err:
        read_document("lon.txt", data)
    assert "2 MB" in str(err.value) and "quá lớn" in str(err.value)
    assert read_document("vua.txt", b"a" * 1000) == "a" * 1000


def test_messages_are_vietnamese_with_diacritics() -> None:
    bad = [("x.exe", b"1"), ("a.txt", b""), ("a.pdf", b"zz"), ("a.docx", b"zz"), ("a.pdf", make_pdf([[]]))]
    for name, data in bad:
        with pytest.raises(DocumentError) as err:
            read_document(name, data)
        message = str(err.value)
        assert f"«{name}»" in message
        assert any(c in message for c in "ệếảờữợ"), message
        assert "Traceback" not in message and "Error" not in message


# ---------------------------------------------------------------------------
# the reference corpus, when present
# ---------------------------------------------------------------------------


def test_corpus_reads_cleanly() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        pytest.skip("reference corpus is empty")
    for path in files:
        text = read_document(path.name, path.read_bytes())
        assert text and unicodedata.is_normalized("NFC", text)
        assert "\r" not in text and "\n\n\n" not in text
        assert all(line == line.rstrip() for line in text.split("\n"))
        assert "\u00a0" not in text
        # every paragraph of the source survives as its own line
        assert text.count("\n") >= 5
