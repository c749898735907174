"""Message building: escaping and splitting under Telegram's limit."""

import datetime
from types import SimpleNamespace

import texts.ask
import texts.common
import texts.documents
from kb.answer import Answer, Source


def test_pack_keeps_blocks_whole_and_under_limit():
    blocks = [f"<b>khối {i}</b>\n" + "x" * 900 for i in range(12)]
    chunks = texts.common.pack(blocks)
    assert len(chunks) > 1
    assert all(len(c) <= texts.common.TELEGRAM_LIMIT for c in chunks)
    assert sum(c.count("<b>") for c in chunks) == 12  # no block cut in two
    assert all(c.count("<b>") == c.count("</b>") for c in chunks)


def test_pack_cuts_a_huge_plain_block_at_line_and_word_ends():
    block = "\n".join("dòng " + "chữ " * 300 for _ in range(10))
    chunks = texts.common.pack([block])
    assert all(len(c) <= texts.common.TELEGRAM_LIMIT for c in chunks)
    assert "".join(chunks).replace("\n", "").replace(" ", "") == block.replace("\n", "").replace(" ", "")


def test_answer_and_citation_are_escaped():
    answer = Answer(
        True,
        "a < b & c",
        [Source("f<1>.txt", "Tiêu đề <x>", 1.0, "1/KH-UBND", "01/01/2023", "Sở <A> tỉnh B", "document")],
    )
    html = "\n".join(texts.ask.answer_blocks(answer, []))
    assert "a &lt; b &amp; c" in html and "Tiêu đề &lt;x&gt;" in html and "f&lt;1&gt;.txt" in html
    assert "Kế hoạch 1/KH-UBND ngày 01/01/2023 của Sở &lt;A&gt; tỉnh B" in html


def test_citation_of_an_official_document_names_its_number_date_and_issuer():
    src = Source(
        "binh-son-2024-kh-cchc.docx",
        "Kế hoạch cải cách hành chính năm 2024 của tỉnh Bình Sơn",
        1.0,
        "18/KH-UBND",
        "12/01/2024",
        "UBND tỉnh Bình Sơn",
        "document",
    )
    assert texts.ask.citation(Answer(True, "…", [src])) == (
        "📄 <b>Kế hoạch 18/KH-UBND ngày 12/01/2024 của UBND tỉnh Bình Sơn</b>\n"
        "«Kế hoạch cải cách hành chính năm 2024 của tỉnh Bình Sơn» · tệp binh-son-2024-kh-cchc.docx"
    )
    src = Source(
        "cv.txt", "V/v báo cáo định kỳ", 1.0, "356/SNV-CCHC", "04/03/2024", "Sở Nội vụ tỉnh Bình Sơn", "document"
    )
    assert texts.ask.citation(Answer(True, "…", [src])).startswith(
        "📄 <b>Công văn 356/SNV-CCHC ngày 04/03/2024 của Sở Nội vụ tỉnh Bình Sơn</b>"
    )
    # a document whose number is not known: its title, then what is known
    src = Source("bc.pdf", "Báo cáo tổng kết", 1.0, None, "20/09/2024", "UBND tỉnh Bình Sơn", "document")
    assert texts.ask.citation(Answer(True, "…", [src])) == (
        "📄 <b>Báo cáo tổng kết</b> (ngày 20/09/2024, của UBND tỉnh Bình Sơn)\ntệp bc.pdf"
    )


def test_citation_of_an_article_names_its_source_date_and_subject():
    src = Source(
        "hanoi-2022-kh27-5-ro.txt",
        "Tiếp tục phương châm 'rõ người, rõ việc'",
        1.0,
        None,
        "05/02/2022",
        kind="article",
        source="Chinhphu.vn",
        reports_on="Kế hoạch 27/KH-UBND của UBND thành phố Hà Nội",
    )
    assert texts.ask.citation(Answer(True, "…", [src])) == (
        "📄 <b>Bài viết «Tiếp tục phương châm 'rõ người, rõ việc'»</b> (Chinhphu.vn, 05/02/2022), "
        "về Kế hoạch 27/KH-UBND của UBND thành phố Hà Nội\ntệp hanoi-2022-kh27-5-ro.txt"
    )
    src = Source("tin.txt", "Tin <ngắn>", 1.0, kind="article")
    assert texts.ask.citation(Answer(True, "…", [src])) == "📄 <b>Bài viết «Tin &lt;ngắn&gt;»</b>\ntệp tin.txt"


def test_document_listing_shows_the_same_citation():
    docs = [
        SimpleNamespace(
            file_name="kh.docx",
            title="Kế hoạch cải cách hành chính năm 2024",
            number="18/KH-UBND",
            doc_date=datetime.date(2024, 1, 12),
            issuer="UBND tỉnh Bình Sơn",
            kind="document",
            source=None,
            reports_on=None,
        ),
        SimpleNamespace(
            file_name="tin<1>.txt",
            title="Hà Nội & thi đua",
            number=None,
            doc_date=datetime.date(2021, 5, 19),
            issuer=None,
            kind="article",
            source=None,
            reports_on="Kế hoạch 05/KH-HĐTĐKT ngày 20/04/2021 của Hội đồng Thi đua - Khen thưởng thành phố Hà Nội",
        ),
    ]
    (block,) = texts.documents.documents_blocks(docs)
    assert block == (
        "<b>Tài liệu (2)</b>\n"
        "• Kế hoạch 18/KH-UBND ngày 12/01/2024 của UBND tỉnh Bình Sơn — «Kế hoạch cải cách hành chính năm 2024»\n"
        "  <code>kh.docx</code>\n"
        "• Bài viết «Hà Nội &amp; thi đua» (19/05/2021), về Kế hoạch 05/KH-HĐTĐKT ngày 20/04/2021 của Hội đồng "
        "Thi đua - Khen thưởng thành phố Hà Nội\n"
        "  <code>tin&lt;1&gt;.txt</code>"
    )
    assert texts.ask.plain_citation(docs[1]).startswith("Bài viết «Hà Nội & thi đua» (19/05/2021), về Kế hoạch")


def test_not_found_suggests_documents():
    html = "\n".join(texts.ask.answer_blocks(Answer(False, ""), ["Kế hoạch <A>"]))
    assert "không tìm thấy" in html and "Kế hoạch &lt;A&gt;" in html


def test_pack_counts_as_telegram_does():
    """Telegram counts UTF-16 units: an emoji is two. No message may pass 4096."""
    from texts.common import TELEGRAM_LIMIT, pack, tg_len

    for block in ("😀" * 5000, "😀 " * 3000, "a" * 9000, "ồ\n" * 3000, "𝕍" * 2100):
        parts = pack([block])
        assert all(tg_len(p) <= TELEGRAM_LIMIT for p in parts)
        assert "".join(parts).replace(" ", "").replace("\n", "") == block.replace(" ", "").replace("\n", "")
