"""User-facing texts (Vietnamese first) and HTML formatting helpers.

Every piece of user or document text that goes into a message passes through
``esc``; messages are built from balanced HTML blocks and packed under
Telegram's 4096-character limit by ``pack``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import tzinfo

    from kb.feedback import KeptPage
    from kb.handbook import Target
    from kb.answer import Answer

TELEGRAM_LIMIT = 4096
LIMIT = 4000  # a margin under Telegram's limit


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _fit(line: str, limit: int) -> int:
    """The largest index i such that ``line[:i]`` is at most ``limit`` units long."""
    if tg_len(line) <= limit:
        return len(line)
    i = min(len(line), limit)
    while i > 0 and tg_len(line[:i]) > limit:
        i -= max(1, (tg_len(line[:i]) - limit) // 2)
    return i


def pack(blocks: Iterable[str], limit: int = LIMIT) -> list[str]:
    """Join balanced HTML blocks with blank lines into messages under ``limit``
    (counted as Telegram does, in UTF-16 units).

    A block longer than the limit is cut at line ends (blocks are expected to be
    plain escaped text in that case)."""
    out: list[str] = []
    cur = ""
    for block in blocks:
        pieces = [block]
        if tg_len(block) > limit:
            pieces, buf = [], ""
            for line in block.split("\n"):
                while tg_len(line) > limit:
                    end = _fit(line, limit)
                    cut = line.rfind(" ", 0, end)
                    cut = cut if cut > end // 2 else end
                    if buf:
                        pieces.append(buf)
                        buf = ""
                    pieces.append(line[:cut])
                    line = line[cut:].lstrip()
                if tg_len(buf) + tg_len(line) + 1 > limit:
                    if buf:
                        pieces.append(buf)
                    buf = line
                else:
                    buf = f"{buf}\n{line}" if buf else line
            if buf:
                pieces.append(buf)
        for piece in pieces:
            if cur and tg_len(cur) + 2 + tg_len(piece) > limit:
                out.append(cur)
                cur = piece
            else:
                cur = f"{cur}\n\n{piece}" if cur else piece
    if cur:
        out.append(cur)
    return out


BOT_NAME = "Trợ lý phong trào thi đua CCHC"

COMMANDS: list[tuple[str, str]] = [
    ("nhiemvu", "Nhiệm vụ của tôi, báo cáo tiến độ bằng nút bấm"),
    ("baocao", "Báo cáo nhanh: /baocao NV001 50 ghi chú"),
    ("tonghop", "Tổng hợp tình hình (lãnh đạo)"),
    ("xuatbaocao", "Tải bảng Excel nhiệm vụ"),
    ("hoi", "Hỏi đáp về chỉ tiêu, quy định phong trào CCHC"),
    ("chitieu", "Xem chỉ tiêu: /chitieu 2022, /chitieu Huế, /chitieu sipas"),
    ("tailieu", "Danh sách tài liệu bot dùng để trả lời"),
    ("huongdan", "Hướng dẫn sử dụng"),
    ("start", "Bắt đầu"),
]


def welcome(first_name: str | None, is_admin: bool) -> str:
    name = f", {esc(first_name)}" if first_name else ""
    text = (
        f"Xin chào{name}! Tôi là <b>{BOT_NAME}</b>.\n\n"
        "Tôi giúp cán bộ, công chức thực hiện phong trào thi đua “Đẩy mạnh cải cách hành chính”:\n"
        "• trả lời câu hỏi về chỉ tiêu, quy định từ văn bản chính thức, có trích dẫn nguồn;\n"
        "• tra cứu nhanh các chỉ tiêu (SIPAS, PAR INDEX, hồ sơ đúng hạn, DVCTT...).\n\n"
        "Cứ gõ câu hỏi, có dấu hay không dấu đều được, ví dụ:\n"
        "<i>chi tieu sipas nam 2022</i>\n\n"
        "Gõ /huongdan để xem các lệnh."
    )
    if is_admin:
        text += "\n\nBạn là <b>quản trị viên</b>: gửi tệp .txt, .md, .docx hoặc .pdf để thêm tài liệu."
    return text


def help_text(is_admin: bool) -> str:
    lines = [
        "<b>Hướng dẫn sử dụng</b>",
        "",
        "• Gõ câu hỏi bất kỳ, hoặc /hoi &lt;câu hỏi&gt; — tôi trích đoạn văn bản trả lời và ghi rõ nguồn.",
        "  Ví dụ: <i>/hoi tỷ lệ hồ sơ đúng hạn năm 2022</i>",
        "• /chitieu [năm | địa phương | từ khóa] — bảng chỉ tiêu, ví dụ <i>/chitieu 2022</i>, <i>/chitieu Huế</i>.",
        "• /tailieu — các văn bản đang dùng để trả lời.",
        "• /huongdan — hướng dẫn này.",
        "",
        "<b>Nhiệm vụ «5 rõ»</b> (khi tài khoản đã được gắn với danh sách cán bộ)",
        "• /nhiemvu — nhiệm vụ đang mở của bạn; bấm một nhiệm vụ, rồi 0/25/50/75/100% hoặc «Vướng mắc» để báo cáo, "
        "sau đó có thể gửi ghi chú hoặc tệp/ảnh minh chứng.",
        "• /baocao &lt;mã&gt; &lt;%&gt; [ghi chú] — báo cáo một dòng, ví dụ <i>/baocao NV001 50 xong khảo sát</i>; "
        "<i>/baocao NV001 vướng mắc lý do</i>.",
        "• /suabaocao &lt;mã&gt; &lt;%&gt; [ghi chú] — sửa báo cáo gần nhất của bạn.",
        "• /xuatbaocao — bảng Excel các nhiệm vụ trong phạm vi của bạn.",
        "• Lãnh đạo: /tonghop — tổng hợp phạm vi của mình; /donvi [tên] — một đơn vị; "
        "/dangkytonghop [hằng ngày | hằng tuần thứ 2] [08:00] — nhận tổng hợp định kỳ ở chat này (cả nhóm).",
        "• /huy — thôi thao tác đang làm dở.",
        "",
        "Viết tắt được hiểu: CCHC, TTHC, DVC, DVCTT, UBND, HĐND, BHYT, SIPAS, PAR INDEX...",
        "Khi văn bản không nói đến điều bạn hỏi, tôi sẽ nói rõ là không tìm thấy chứ không đoán.",
    ]
    if is_admin:
        lines += [
            "",
            "<b>Quản trị</b>",
            "• Gửi tệp .txt, .md, .docx, .pdf (văn bản có chữ) để thêm tài liệu; gửi lại tệp cùng tên để thay thế.",
            "• /xoatailieu &lt;tên tệp&gt; — gỡ một tài liệu.",
            "• /tailieu lichsu [tên tệp] — các phiên bản đã thay hoặc gỡ của một tài liệu (không ghi tên: các tệp "
            "có lịch sử); /tailieu khoiphuc &lt;tên tệp&gt; &lt;phiên bản&gt; — dùng lại một phiên bản cũ.",
            "• Gửi tệp .xlsx hoặc .csv danh sách cán bộ / nhiệm vụ để nhập (lỗi ở dòng nào thì không ghi gì).",
            "• /moi &lt;mã cán bộ&gt; — mã mời gắn tài khoản Telegram (dùng một lần, 7 ngày); "
            "cán bộ đã gắn: /moi &lt;mã cán bộ&gt; lienketlai để chuyển sang tài khoản khác; "
            "/moi huy &lt;mã mời&gt; — thu hồi; /moi — các mã còn hiệu lực.",
            "• /themnhiemvu — thêm nhiệm vụ theo từng bước «5 rõ».",
            "• /giao &lt;mã NV&gt; &lt;mã CB&gt; · /giahan &lt;mã NV&gt; &lt;ngày&gt; &lt;lý do&gt; · "
            "/vaitro &lt;mã CB&gt; &lt;vai trò&gt;",
            "• /capnhatchitieu &lt;mã CT&gt; &lt;giá trị&gt; — ghi số liệu thực tế; /nhatky [mã] — nhật ký thay đổi.",
        ]
    return "\n".join(lines)


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
            blocks.append("Xem thêm: " + "; ".join(
                esc(s.title) + (f" ({esc(s.number)})" if s.number else "") for s in others))
        return blocks
    return not_found_blocks(titles)


def not_found_blocks(titles: Sequence[str]) -> list[str]:
    if not titles:
        return ["Hiện chưa có tài liệu nào để tra cứu. Quản trị viên cần thêm văn bản trước "
                "(gửi tệp cho bot, hoặc lệnh <code>python -m bot kb add</code>)."]
    blocks = [
        "Tôi không tìm thấy nội dung trả lời câu hỏi này trong các văn bản hiện có, "
        "nên không trả lời để tránh sai lệch.",
        "Tôi trả lời được các câu hỏi về nội dung những văn bản sau:\n"
        + "\n".join(f"• {esc(t)}" for t in titles[:8]),
        "Hãy thử hỏi cụ thể hơn (địa phương, năm, chỉ tiêu), ví dụ <i>chỉ tiêu SIPAS năm 2022</i>, "
        "hoặc xem bảng chỉ tiêu: /chitieu",
    ]
    return blocks


def ask_usage() -> str:
    return ("Hãy viết câu hỏi sau lệnh, ví dụ: <code>/hoi chỉ tiêu SIPAS năm 2022</code>\n"
            "Hoặc cứ gõ thẳng câu hỏi, không cần lệnh.")


def targets_blocks(rows: Sequence[Target], query: str) -> list[str]:
    if not rows:
        return [f"Không có chỉ tiêu nào khớp với «{esc(query)}». "
                "Thử theo năm (<code>/chitieu 2022</code>), địa phương (<code>/chitieu Huế</code>) "
                "hoặc từ khóa (<code>/chitieu sipas</code>)."]
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


def documents_blocks(docs: Sequence) -> list[str]:
    if not docs:
        return ["Chưa có tài liệu nào."]
    lines = [f"<b>Tài liệu ({len(docs)})</b>"]
    for d in docs:
        lines.append(f"• {esc(plain_citation(d))}\n  <code>{esc(d.file_name)}</code>")
    return ["\n".join(lines)]


UNKNOWN_COMMAND = ("Tôi không biết lệnh «{cmd}». Gõ /huongdan để xem các lệnh, "
                   "hoặc cứ gõ câu hỏi bằng lời thường.")
ADMIN_ONLY = "Chỉ quản trị viên mới được {action}. Nếu bạn cần quyền này, hãy liên hệ quản trị viên của đơn vị."
ERROR_APOLOGY = ("Xin lỗi, tôi gặp lỗi khi xử lý yêu cầu này. Quản trị viên đã được báo. "
                 "Bạn vui lòng thử lại sau ít phút.")
DB_UNAVAILABLE = ("⏳ Hệ thống tạm thời không truy cập được dữ liệu, nên việc vừa rồi <b>chưa được ghi</b>. "
                  "Bạn vui lòng gửi lại sau ít phút.")
DOC_ADDED = "Đã {verb} tài liệu: <b>{title}</b>{number}\n<code>{file}</code>"
DOC_REFUSED = "Không thêm được tài liệu: {reason}\nKhông có gì được lưu."
REMOVE_USAGE = "Hãy ghi tên tệp cần gỡ, ví dụ: <code>/xoatailieu ke-hoach-27.txt</code> (xem /tailieu)."
REMOVED = "Đã gỡ tài liệu <code>{file}</code>."
REMOVED_KEPT = ("Phiên bản {version} được lưu lại; dùng lại bằng <code>/tailieu khoiphuc {file} {version}</code>.")
NOT_REMOVED = "Không có tài liệu tên <code>{file}</code>. Xem danh sách bằng /tailieu."
DOC_REPLACED_KEPT = "Phiên bản cũ ({kept}) được lưu lại: /tailieu lichsu {file}"


# Knowledge-base history (/tailieu lichsu, /tailieu khoiphuc; kb/service.py).
HISTORY_USAGE = (
    "Cách dùng:\n"
    "• <code>/tailieu lichsu TÊN_TỆP</code>: các phiên bản của một tài liệu (đang dùng, đã thay, đã gỡ), "
    "mới nhất trước, với ngày và mã kiểm tra sha256;\n"
    "• <code>/tailieu khoiphuc TÊN_TỆP PHIÊN_BẢN</code>, ví dụ <code>/tailieu khoiphuc ke-hoach-27.txt 2</code>: "
    "dùng lại một phiên bản đã lưu (bản đang dùng được lưu lại, quay lại được);\n"
    "• <code>/tailieu lichsu</code>: các tệp có phiên bản được lưu, kể cả tệp đã gỡ.")
RETIRED_HOW = {"replace": "thay bằng bản mới", "remove": "gỡ", "restore": "thay bằng bản khôi phục"}


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB".replace(".", ",") if size >= 1024 else f"{size} byte"


def history_blocks(history, tz) -> list[str]:
    """A file's versions (``kb.service.History``), newest first."""
    from tracking.views import clip, local

    name = esc(history.file_name)
    lines = [f"<b>Lịch sử tài liệu</b> <code>{name}</code>"]
    if history.current is None:
        lines.append("Tệp này đã được gỡ: khôi phục một phiên bản để dùng lại.")
    for v in history.versions:
        when = (f"đang dùng, từ {local(v.added_at, tz)}" if v.retired_at is None else
                f"{local(v.added_at, tz)} → {local(v.retired_at, tz)}, {RETIRED_HOW.get(v.retired_how, esc(v.retired_how))}")
        number = f" (số {esc(v.number)})" if v.number else ""
        lines.append(f"• <b>Phiên bản {v.version}</b> — {when}\n  {esc(clip(v.title, 150))}{number}\n"
                     f"  sha256 <code>{v.sha256}</code> · {_kb(v.size_bytes)}")
    if history.kept:
        lines.append(f"\nKhôi phục: <code>/tailieu khoiphuc {name} {history.kept[0].version}</code> "
                     "(thay số phiên bản cần dùng).")
    lines.append(f"Ai đã thay đổi: <code>/nhatky {name}</code>")
    return ["\n".join(lines)]


def histories_blocks(files, total: int, tz) -> list[str]:
    """The files that have kept versions (``kb.service.FileHistory``)."""
    from tracking.views import local

    if not files:
        return [HISTORY_USAGE, "Chưa có tài liệu nào bị thay hoặc gỡ, nên chưa có phiên bản nào được lưu."]
    lines = [f"<b>Tài liệu có phiên bản được lưu</b> ({total}), thay đổi gần nhất trước:"]
    for f in files:
        state = f"đang dùng phiên bản {f.current}" if f.current is not None else "<b>đã gỡ</b>"
        lines.append(f"• <code>{esc(f.file_name)}</code> — {f.versions} phiên bản lưu, {state}; "
                     f"thay đổi lúc {local(f.last_change, tz)}")
    if total > len(files):
        lines.append(f"… và {total - len(files)} tệp khác.")
    lines.append("Xem từng tệp: <code>/tailieu lichsu TÊN_TỆP</code>")
    return [HISTORY_USAGE, "\n".join(lines)]


# Flood control (bot/ptb/flood.py): one note, then silence for a while.
def slow_down(who: str, seconds: float) -> str:
    """The one note to a person (``staff``, ``stranger``) or a group (``group``) that went over the rate."""
    wait = f"{round(seconds / 60)} phút" if seconds >= 60 and round(seconds) % 60 == 0 else f"{round(seconds)} giây"
    if who == "group":
        return f"⏳ Nhóm này gửi cho tôi quá nhiều yêu cầu. Tôi tạm không trả lời trong nhóm {wait}."
    you = "đồng chí" if who == "staff" else "bạn"
    return (f"⏳ {you.capitalize()} gửi quá nhanh. Tôi tạm không trả lời tin nhắn của {you} trong {wait}; "
            f"sau đó xin {you} gửi lại từng yêu cầu một.")


# --------------------------------------------------------------------------
# Task tracking
# --------------------------------------------------------------------------

STATUS_LABELS = {
    "not_started": "chưa bắt đầu",
    "in_progress": "đang thực hiện",
    "blocked": "vướng mắc",
    "done": "hoàn thành",
    "overdue": "quá hạn",
}
STATUS_ICONS = {"not_started": "⚪", "in_progress": "🔵", "blocked": "🟠", "done": "✅", "overdue": "🔴"}
ROLE_LABELS = {"officer": "cán bộ", "manager": "lãnh đạo", "admin": "quản trị"}
PRIVATE_ONLY = ("Để giữ kín thông tin nhiệm vụ, lệnh này chỉ dùng trong tin nhắn riêng với tôi. "
                 "Hãy bấm vào tên tôi và nhắn riêng.")


# --------------------------------------------------------------------------
# Small talk, 👍/👎 on answers, the kept questions (/cauhoi)
# --------------------------------------------------------------------------

SMALL_TALK_REPLIES = {
    "greeting": ("Chào đồng chí! Đồng chí cứ gõ câu hỏi về phong trào thi đua CCHC, ví dụ "
                 "<i>chỉ tiêu SIPAS năm 2022</i>; gõ /nhiemvu để xem nhiệm vụ của mình, /huongdan để xem các lệnh."),
    "thanks": "Không có gì ạ! Đồng chí cần tra cứu gì thêm cứ hỏi tôi nhé.",
    "bye": "Chào đồng chí, chúc đồng chí một ngày làm việc hiệu quả! Cần gì đồng chí cứ nhắn tôi.",
    "ack": "Vâng ạ. Đồng chí cần tra cứu gì thêm cứ gõ câu hỏi nhé.",
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


HELP_KEPT_QUESTIONS = ("• /cauhoi [trang] — các câu hỏi tôi không tìm thấy câu trả lời hoặc bị đánh giá 👎, "
                       "hỏi nhiều nhất trước: cần bổ sung văn bản nào.")


def help_message(is_admin: bool) -> str:
    """The /huongdan text; admins also read of /cauhoi."""
    text = help_text(is_admin)
    return f"{text}\n{HELP_KEPT_QUESTIONS}" if is_admin else text


def kept_questions_blocks(page: KeptPage, tz: tzinfo) -> list[str]:
    """One page of ``kb.feedback.KeptPage``: the kept questions, most often first."""
    if not page.total:
        return ["Chưa có câu hỏi nào mà tôi không tìm thấy câu trả lời hoặc bị đánh giá 👎."]
    head = (f"<b>Câu hỏi chưa được trả lời tốt</b> — {page.total} câu, hỏi nhiều nhất trước"
            + (f" (trang {page.page}/{page.pages})" if page.pages > 1 else "") + ":")
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
    blocks.append("👉 Câu «không tìm thấy»: các văn bản hiện có không nói đến; hãy bổ sung văn bản còn thiếu "
                  "(gửi tệp .txt, .md, .docx, .pdf cho tôi) rồi hỏi lại để kiểm tra. Câu bị 👎: xem lại văn bản "
                  "nguồn của câu trả lời, có thể cần văn bản mới hơn hoặc đầy đủ hơn.")
    if page.page < page.pages:
        blocks.append(f"Trang sau: /cauhoi {page.page + 1}")
    return blocks
