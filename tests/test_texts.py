"""Message building: escaping and splitting under Telegram's limit."""

from bot import texts
from bot.kb.answer import Answer, Source


def test_pack_keeps_blocks_whole_and_under_limit():
    blocks = [f"<b>khối {i}</b>\n" + "x" * 900 for i in range(12)]
    chunks = texts.pack(blocks)
    assert len(chunks) > 1
    assert all(len(c) <= texts.TELEGRAM_LIMIT for c in chunks)
    assert sum(c.count("<b>") for c in chunks) == 12  # no block cut in two
    assert all(c.count("<b>") == c.count("</b>") for c in chunks)


def test_pack_cuts_a_huge_plain_block_at_line_and_word_ends():
    block = "\n".join("dòng " + "chữ " * 300 for _ in range(10))
    chunks = texts.pack([block])
    assert all(len(c) <= texts.TELEGRAM_LIMIT for c in chunks)
    assert "".join(chunks).replace("\n", "").replace(" ", "") == block.replace("\n", "").replace(" ", "")


def test_answer_and_citation_are_escaped():
    answer = Answer(True, "a < b & c", [Source("f<1>.txt", "Tiêu đề <x>", 1.0, "1/KH-UBND", "01/01/2023")])
    html = "\n".join(texts.answer_blocks(answer, []))
    assert "a &lt; b &amp; c" in html and "Tiêu đề &lt;x&gt;" in html and "f&lt;1&gt;.txt" in html
    assert "Số 1/KH-UBND" in html and "01/01/2023" in html


def test_not_found_suggests_documents():
    html = "\n".join(texts.answer_blocks(Answer(False, ""), ["Kế hoạch <A>"]))
    assert "không tìm thấy" in html and "Kế hoạch &lt;A&gt;" in html


def test_pack_counts_as_telegram_does():
    """Telegram counts UTF-16 units: an emoji is two. No message may pass 4096."""
    from bot.texts import TELEGRAM_LIMIT, pack, tg_len

    for block in ("😀" * 5000, "😀 " * 3000, "a" * 9000, "ồ\n" * 3000, "𝕍" * 2100):
        parts = pack([block])
        assert all(tg_len(p) <= TELEGRAM_LIMIT for p in parts)
        assert "".join(parts).replace(" ", "").replace("\n", "") == block.replace(" ", "").replace("\n", "")
