"""Questions and answers: citations, "not found", the handbook of targets, small talk, 👍/👎
on answers, the kept questions (/cauhoi)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from texts.common import esc

if TYPE_CHECKING:
    from datetime import tzinfo

    from kb.answer import Answer
    from kb.feedback import KeptPage
    from kb.handbook import Target


def cite_parts(item) -> tuple[str, str, str]:
    """How a document is cited, in plain text: (what to cite, what follows it, its title when
    the first part does not hold it). ``item`` is a stored ``Document`` or an answer's ``Source``.

    * an article: its headline, source and publication date, and the document it reports on:
      ("Bài viết «Tiếp tục phương châm…»", " (Chinhphu.vn, 05/02/2022), về Kế hoạch 27/KH-UBND
      của UBND thành phố Hà Nội", "");
    * an official document: its type, own number, date and issuer, then its title:
      ("Kế hoạch 18/KH-UBND ngày 12/01/2024 của UBND tỉnh Bình Sơn", "", "Kế hoạch cải cách ...");
    * a document whose number is not known: its title, then its date and issuer.
    """
    from kb.meta import ARTICLE, doc_type_name  # the regexes compile on first use only

    day = getattr(item, "doc_date", None)
    date = day.strftime("%d/%m/%Y") if day else getattr(item, "date", None)
    if item.kind == ARTICLE:
        published = ", ".join(x for x in (item.source, date) if x)
        tail = (f" ({published})" if published else "") + (f", về {item.reports_on}" if item.reports_on else "")
        return f"Bài viết «{item.title}»", tail, ""
    details = (date and f"ngày {date}", item.issuer and f"của {item.issuer}")
    if item.number:
        head = " ".join(x for x in (doc_type_name(item.number) or "Văn bản", item.number, *details) if x)
        return head, "", item.title
    said = ", ".join(x for x in details if x)
    return item.title, f" ({said})" if said else "", ""


def plain_citation(item) -> str:
    """A document's citation in one line of plain text (the command line's listing)."""
    head, tail, title = cite_parts(item)
    return head + tail + (f" — «{title}»" if title else "")


def citation(answer: Answer) -> str:
    """The citation under an answer: what to cite in bold, then the title and the file."""
    src = answer.sources[0]
    head, tail, title = cite_parts(src)
    details = " · ".join(x for x in (title and f"«{esc(title)}»", f"tệp {esc(src.file)}") if x)
    return f"📄 <b>{esc(head)}</b>{esc(tail)}\n{details}"


def answer_blocks(answer: Answer, titles: Sequence[str]) -> list[str]:
    if answer.found:
        blocks = [f"<blockquote>{esc(answer.text)}</blockquote>", citation(answer)]
        others = answer.sources[1:3]
        if others:
            blocks.append(
                "Xem thêm: " + "; ".join(esc(s.title) + (f" ({esc(s.number)})" if s.number else "") for s in others)
            )
        return blocks
    return not_found_blocks(titles)


def not_found_blocks(titles: Sequence[str]) -> list[str]:
    if not titles:
        return [
            "Hiện chưa có tài liệu nào để tra cứu. Quản trị viên cần thêm văn bản trước "
            "(gửi tệp cho bot, hoặc lệnh <code>python -m bot kb add</code>)."
        ]
    blocks = [
        "Tôi không tìm thấy nội dung trả lời câu hỏi này trong các văn bản hiện có, "
        "nên không trả lời để tránh sai lệch.",
        "Tôi trả lời được các câu hỏi về nội dung những văn bản sau:\n" + "\n".join(f"• {esc(t)}" for t in titles[:8]),
        "Hãy thử hỏi cụ thể hơn (địa phương, năm, chỉ tiêu), ví dụ <i>chỉ tiêu SIPAS năm 2022</i>, "
        "hoặc xem bảng chỉ tiêu: /chitieu",
    ]
    return blocks


def ask_usage() -> str:
    return (
        "Hãy viết câu hỏi sau lệnh, ví dụ: <code>/hoi chỉ tiêu SIPAS năm 2022</code>\n"
        "Hoặc cứ gõ thẳng câu hỏi, không cần lệnh."
    )


def targets_blocks(rows: Sequence[Target], query: str) -> list[str]:
    if not rows:
        return [
            f"Không có chỉ tiêu nào khớp với «{esc(query)}». "
            "Thử theo năm (<code>/chitieu 2022</code>), địa phương (<code>/chitieu Huế</code>) "
            "hoặc từ khóa (<code>/chitieu sipas</code>)."
        ]
    head = "<b>Chỉ tiêu và kết quả CCHC</b>" + (f" — lọc: «{esc(query)}»" if query else "")
    blocks = [head]
    group_key = None
    for t in rows:
        key = (t.place, t.year)
        if key != group_key:
            blocks.append(f"<b>{esc(t.place)} — {t.year}</b>")
            group_key = key
        mark = "🎯" if t.kind == "chỉ tiêu" else "📊"
        blocks[-1] += f"\n{mark} {esc(t.indicator)}: <b>{esc(t.target)}</b> <i>({esc(t.source)})</i>"
    blocks.append("🎯 chỉ tiêu · 📊 kết quả đã đạt. Hỏi chi tiết bằng cách gõ câu hỏi.")
    return blocks


SMALL_TALK_REPLIES = {
    "greeting": (
        "Chào đồng chí! Đồng chí cứ gõ câu hỏi về phong trào thi đua CCHC, ví dụ "
        "<i>chỉ tiêu SIPAS năm 2022</i>; gõ /nhiemvu để xem nhiệm vụ của mình, /huongdan để xem các lệnh."
    ),
    "thanks": "Không có gì ạ! Đồng chí cần tra cứu gì thêm cứ hỏi tôi nhé.",
    "bye": "Chào đồng chí, chúc đồng chí một ngày làm việc hiệu quả! Cần gì đồng chí cứ nhắn tôi.",
    "ack": "Vâng ạ. Đồng chí cần tra cứu gì thêm cứ gõ câu hỏi nhé.",
    "about": (
        "Tôi là trợ lý phong trào thi đua “Đẩy mạnh cải cách hành chính”. Tôi giúp đồng chí:\n"
        "• tra cứu quy định, chỉ tiêu trong các văn bản đã nạp, có trích dẫn văn bản (cứ gõ câu hỏi, "
        "ví dụ <i>chỉ tiêu DVCTT toàn trình năm 2024</i>);\n"
        "• theo dõi nhiệm vụ theo “5 rõ” và báo cáo tiến độ (/nhiemvu, /baocao);\n"
        "• nhắc hạn và gửi tổng hợp định kỳ (/tonghop, /dangkytonghop).\n"
        "Gõ /huongdan để xem đủ các lệnh."
    ),
}


def small_talk_reply(kind: str) -> str:
    return SMALL_TALK_REPLIES.get(kind, SMALL_TALK_REPLIES["ack"])


VOTE_UP = "👍 Hữu ích"
VOTE_DOWN = "👎 Chưa đúng ý"
VOTE_INVALID = "Nút không hợp lệ."
VOTE_NOT_SHOWN = "Nút đánh giá này không thuộc câu trả lời nào trong tin nhắn, nên không ghi nhận."


def vote_ack(vote: int, previous: int | None) -> str:
    """The short notification of a 👍 (vote 1) or 👎 (vote -1) press."""
    mark = "👍" if vote > 0 else "👎"
    if previous == vote:
        return f"Đồng chí đã đánh giá {mark} câu trả lời này rồi."
    if previous is not None:
        return f"Đã đổi đánh giá của đồng chí thành {mark}."
    if vote > 0:
        return "Cảm ơn đồng chí đã đánh giá 👍!"
    return "Đã ghi nhận 👎. Cảm ơn đồng chí, câu hỏi được chuyển để quản trị viên bổ sung tài liệu."


def kept_questions_blocks(page: KeptPage, tz: tzinfo) -> list[str]:
    """One page of ``kb.feedback.KeptPage``: the kept questions, most often first."""
    if not page.total:
        return ["Chưa có câu hỏi nào mà tôi không tìm thấy câu trả lời hoặc bị đánh giá 👎."]
    head = (
        f"<b>Câu hỏi chưa được trả lời tốt</b> — {page.total} câu, hỏi nhiều nhất trước"
        + (f" (trang {page.page}/{page.pages})" if page.pages > 1 else "")
        + ":"
    )
    lines = [head]
    for number, row in enumerate(page.rows, page.first):
        text = row.text if len(row.text) <= 200 else row.text[:199] + "…"
        why = []
        if row.refused:
            why.append(f"không tìm thấy {row.refused} lần")
        if row.disliked:
            why.append(f"👎 {row.disliked}")
        when = row.last_at.astimezone(tz).strftime("%d/%m/%Y %H:%M")
        lines.append(f"{number}. «{esc(text)}»\n    <b>{row.times} lần</b> · {' · '.join(why)} · gần nhất {when}")
    blocks = ["\n".join(lines)]
    blocks.append(
        "👉 Câu «không tìm thấy»: các văn bản hiện có không nói đến; hãy bổ sung văn bản còn thiếu "
        "(gửi tệp .txt, .md, .docx, .pdf cho tôi) rồi hỏi lại để kiểm tra. Câu bị 👎: xem lại văn bản "
        "nguồn của câu trả lời, có thể cần văn bản mới hơn hoặc đầy đủ hơn."
    )
    if page.page < page.pages:
        blocks.append(f"Trang sau: /cauhoi {page.page + 1}")
    return blocks
