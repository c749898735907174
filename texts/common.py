"""Copy shared by every journey, and the HTML helpers every message goes through.

Every piece of user or document text that goes into a message passes through
``esc``; messages are built from balanced HTML blocks and packed under
Telegram's 4096-character limit by ``pack``. Staff are addressed as "đồng chí".

One module per journey: ``texts.ask`` (questions, the handbook), ``texts.documents`` (the
knowledge base's files), ``texts.tasks`` (officers' reports), ``texts.admin`` (admins'
commands), ``texts.reminders`` (digests and subscriptions).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def clip(text: str | None, limit: int) -> str:
    """At most ``limit`` characters of a long free text, for a message that must stay one message."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def local(moment: datetime | None, tz: tzinfo) -> str:
    """A moment in the office's time. A naive one (as SQLite gives them back) is UTC, as every moment is
    stored, whatever the machine's own zone."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def number(value: float, digits: int = 1) -> str:
    """A number as Vietnamese writes it: a decimal comma and a dot between thousands (82,5; 1.720;
    12.345,6), rounded to ``digits`` decimals, no trailing zeros."""
    text = f"{round(value, digits):,.{digits}f}" if digits else f"{round(value):,d}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


TELEGRAM_LIMIT = 4096
LIMIT = 4000  # a margin under Telegram's limit


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
        text += "\n\nĐồng chí là <b>quản trị viên</b>: gửi tệp .txt, .md, .docx hoặc .pdf để thêm tài liệu."
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
        "• /nhiemvu — nhiệm vụ đang mở của đồng chí; bấm một nhiệm vụ, rồi 0/25/50/75/100% hoặc «Vướng mắc» để báo cáo, "
        "sau đó có thể gửi ghi chú hoặc tệp/ảnh minh chứng.",
        "• /baocao &lt;mã&gt; &lt;%&gt; [ghi chú] — báo cáo một dòng, ví dụ <i>/baocao NV001 50 xong khảo sát</i>; "
        "<i>/baocao NV001 vướng mắc lý do</i>.",
        "• /baocao &lt;mã&gt; moc &lt;số&gt; &lt;%&gt; — tiến độ một mốc, ví dụ <i>/baocao NV001 moc 1 100</i>; "
        "<i>/baocao NV001 moc</i> — các mốc kèm nút báo cáo.",
        "• /suabaocao &lt;mã&gt; &lt;%&gt; [ghi chú] — sửa báo cáo gần nhất của đồng chí.",
        "• /traodoi &lt;mã&gt; &lt;nội dung&gt; (hoặc trả lời tin nhắn về nhiệm vụ) — trao đổi; "
        "/xingiahan &lt;mã&gt; &lt;ngày&gt; &lt;lý do&gt; — xin gia hạn.",
        "• /xem &lt;mã&gt; — thẻ nhiệm vụ «5 rõ»: lịch sử báo cáo, minh chứng, trao đổi, và nút các việc đồng chí "
        "làm được.",
        "• /xuatbaocao — bảng Excel các nhiệm vụ trong phạm vi của đồng chí.",
        "• Lãnh đạo: /theodoi [quá hạn | vướng mắc | chờ duyệt | sắp đến hạn | tên đơn vị | mã CB] — nhiệm vụ "
        "trong phạm vi, lọc (ghép được) và lật trang; bấm một nhiệm vụ để mở thẻ.",
        "• Lãnh đạo: /tonghop — tổng hợp phạm vi của mình; /donvi [tên] — một đơn vị; "
        "/dangkytonghop [hằng ngày | hằng tuần thứ 2 | hằng tháng ngày 1 | hằng quý ngày 1] [08:00] — nhận tổng hợp "
        "định kỳ ở chat này (cả nhóm); hằng tháng, hằng quý: so sánh với kỳ trước.",
        "• /nghiphep &lt;từ ngày&gt; &lt;đến ngày&gt; [mã người thay] — ghi nghỉ phép (lãnh đạo: "
        "/nghiphep &lt;mã CB&gt; &lt;từ&gt; &lt;đến&gt;); /nghiphep — ai đang nghỉ; /nghiphep huy — kết thúc sớm.",
        "• /lich [năm] — ngày lễ, ngày nghỉ và ngày làm việc bù của cơ quan.",
        "• Báo cáo 100%: nhiệm vụ «chờ duyệt» đến khi lãnh đạo phụ trách bấm «Xác nhận hoàn thành» "
        "(hoặc «Trả lại» kèm lý do).",
        "• Lãnh đạo: /themnhiemvu — giao nhiệm vụ mới theo từng bước «5 rõ»; /giao &lt;mã NV&gt; &lt;mã CB&gt; — "
        "giao lại; /giahan &lt;mã NV&gt; &lt;ngày&gt; &lt;lý do&gt; — gia hạn (trong phạm vi của mình).",
        "• Lãnh đạo: /dinhky [&lt;mã&gt; &lt;quy tắc mới&gt; | ten &lt;tên&gt; | giao &lt;mã CB&gt; | dung] — báo cáo "
        "định kỳ (đổi từ kỳ sau, dừng); /kybaocao [mã] — ai đã nộp, ai chưa nộp kỳ này.",
        "• /huy — thôi thao tác đang làm dở.",
        "",
        "Viết tắt được hiểu: CCHC, TTHC, DVC, DVCTT, UBND, HĐND, BHYT, SIPAS, PAR INDEX...",
        "Khi văn bản không nói đến điều đồng chí hỏi, tôi sẽ nói rõ là không tìm thấy chứ không đoán.",
    ]
    if is_admin:
        lines += [
            "",
            "<b>Quản trị</b>",
            "• Gửi tệp .txt, .md, .docx, .pdf (văn bản có chữ) để thêm tài liệu; gửi lại tệp cùng tên để thay thế.",
            "• /xoatailieu &lt;tên tệp&gt; — gỡ một tài liệu.",
            "• /tailieu lichsu [tên tệp] — các phiên bản đã thay hoặc gỡ của một tài liệu (không ghi tên: các tệp "
            "có lịch sử); /tailieu khoiphuc &lt;tên tệp&gt; &lt;phiên bản&gt; — dùng lại một phiên bản cũ.",
            "• Gửi tệp .xlsx hoặc .csv danh sách cán bộ / nhiệm vụ để nhập (lỗi ở dòng nào thì không ghi gì; "
            "chú thích «ghi đè»: nhập cả khi làm mất thay đổi trong chat).",
            "• /moi &lt;mã cán bộ&gt; — mã mời gắn tài khoản Telegram (dùng một lần, 7 ngày); "
            "cán bộ đã gắn: /moi &lt;mã cán bộ&gt; lienketlai để chuyển sang tài khoản khác; "
            "/moi huy &lt;mã mời&gt; — thu hồi; /moi — các mã còn hiệu lực.",
            "• /themnhiemvu, /giao, /giahan — như lãnh đạo, với mọi nhiệm vụ; /vaitro &lt;mã CB&gt; &lt;vai trò&gt;",
            "• /capnhatchitieu &lt;mã CT&gt; &lt;giá trị&gt; — ghi số liệu thực tế; /nhatky [mã] — nhật ký thay đổi.",
            "• /ngaylamviec &lt;ngày&gt; [ghi chú] · /ngaynghi &lt;ngày&gt; &lt;lý do&gt; · /lich xoa &lt;ngày&gt; — "
            "lịch riêng của cơ quan (hoặc gửi bảng có cột Ngày, Loại, Ghi chú).",
        ]
    return "\n".join(lines)


HELP_KEPT_QUESTIONS = (
    "• /cauhoi [trang] — các câu hỏi tôi không tìm thấy câu trả lời hoặc bị đánh giá 👎, "
    "hỏi nhiều nhất trước: cần bổ sung văn bản nào."
)


def help_message(is_admin: bool) -> str:
    """The /huongdan text; admins also read of /cauhoi."""
    text = help_text(is_admin)
    return f"{text}\n{HELP_KEPT_QUESTIONS}" if is_admin else text


UNKNOWN_COMMAND = "Tôi không biết lệnh «{cmd}». Gõ /huongdan để xem các lệnh, hoặc cứ gõ câu hỏi bằng lời thường."
ADMIN_ONLY = "Chỉ quản trị viên mới được {action}. Nếu đồng chí cần quyền này, hãy liên hệ quản trị viên của đơn vị."
ERROR_APOLOGY = (
    "Xin lỗi, tôi gặp lỗi khi xử lý yêu cầu này. Quản trị viên đã được báo. Đồng chí vui lòng thử lại sau ít phút."
)
DB_UNAVAILABLE = (
    "⏳ Hệ thống tạm thời không truy cập được dữ liệu, nên việc vừa rồi <b>chưa được ghi</b>. "
    "Đồng chí vui lòng gửi lại sau ít phút."
)


# Flood control (bot/ptb/flood.py): one note, then silence for a while.
def slow_down(who: str, seconds: float) -> str:
    """The one note to a person (``staff``, ``stranger``) or a group (``group``) that went over the rate."""
    wait = f"{round(seconds / 60)} phút" if seconds >= 60 and round(seconds) % 60 == 0 else f"{round(seconds)} giây"
    if who == "group":
        return f"⏳ Nhóm này gửi cho tôi quá nhiều yêu cầu. Tôi tạm không trả lời trong nhóm {wait}."
    you = "đồng chí" if who == "staff" else "bạn"
    return (
        f"⏳ {you.capitalize()} gửi quá nhanh. Tôi tạm không trả lời tin nhắn của {you} trong {wait}; "
        f"sau đó xin {you} gửi lại từng yêu cầu một."
    )


# What the admins are told of an error (handlers/errors.py): ``where`` and ``details`` are escaped HTML.
def error_where(user_id, chat_id) -> str:
    return f"người dùng {user_id if user_id is not None else '?'}, chat {chat_id if chat_id is not None else '?'}"


ERROR_IN_BACKGROUND = "việc chạy nền"


def errors_held_back(count: int) -> str:
    return f"\n(và {count} lỗi cùng loại trước đó chưa báo)" if count else ""


def database_error_report(where: str, reason: str, more: str, quiet_minutes: int) -> str:
    return (
        f"⚠️ <b>Lỗi</b> ({where}): không truy cập được cơ sở dữ liệu: <code>{reason}</code>{more}\n"
        f"Các báo cáo tiếp theo cùng loại tạm dừng {quiet_minutes} phút."
    )


def error_report(where: str, error: str, more: str, traceback: str) -> str:
    return f"⚠️ <b>Lỗi</b> ({where}): <code>{error}</code>{more}\n<pre>{traceback}</pre>"


ONLY_TEXT = "Tôi chỉ hiểu tin nhắn chữ. "


# /start
LINKED = "🔗 Đã gắn tài khoản Telegram của đồng chí.\n\n"


def unlinked_notice(staff) -> str:
    """To the account a staff member was linked to, moved to another one by a re-link invite."""
    return (
        f"🔓 Tài khoản Telegram này không còn gắn với cán bộ <b>{esc(staff.full_name)}</b> "
        f"({esc(staff.code)}): theo mã mời liên kết lại của quản trị viên, việc gắn đã chuyển sang một "
        "tài khoản khác. Từ nay tài khoản này không xem, báo cáo nhiệm vụ hay nhận nhắc việc của cán bộ đó.\n"
        "Nếu đồng chí không đề nghị việc này, hãy báo ngay quản trị viên."
    )


# Buttons (handlers/buttons.py)
BUTTON_INVALID = "Nút không hợp lệ."
BUTTON_STALE = "Nút này đã cũ. Gõ /nhiemvu để có danh sách mới."
NOT_DONE = "Không thực hiện được"


# --------------------------------------------------------------------------
# Task tracking's labels
# --------------------------------------------------------------------------

STATUS_LABELS = {
    "not_started": "chưa bắt đầu",
    "in_progress": "đang thực hiện",
    "blocked": "vướng mắc",
    "review": "chờ duyệt",
    "done": "hoàn thành",
    "overdue": "quá hạn",
}
STATUS_ICONS = {
    "not_started": "⚪",
    "in_progress": "🔵",
    "blocked": "🟠",
    "review": "🟣",
    "done": "✅",
    "overdue": "🔴",
}
ROLE_LABELS = {"officer": "cán bộ", "manager": "lãnh đạo", "admin": "quản trị"}
PRIVATE_ONLY = (
    "Để giữ kín thông tin nhiệm vụ, lệnh này chỉ dùng trong tin nhắn riêng với tôi. Hãy bấm vào tên tôi và nhắn riêng."
)


def greeting(staff, unit_name: str, is_admin: bool) -> str:
    role = ROLE_LABELS.get(staff.role, staff.role)
    if is_admin and staff.role != "admin":
        role += ", quản trị"
    lines = [f"Xin chào <b>{esc(staff.full_name)}</b> ({esc(staff.code)} · {role} · {esc(unit_name)})!", ""]
    lines += [
        "• /nhiemvu — nhiệm vụ của đồng chí, báo cáo tiến độ bằng nút bấm",
        "• /baocao &lt;mã&gt; &lt;%&gt; [ghi chú] — báo cáo nhanh một dòng",
        "• /xuatbaocao — tải bảng Excel nhiệm vụ",
    ]
    if staff.role in ("manager", "admin") or is_admin:
        lines += [
            "• /theodoi [bộ lọc] — theo dõi nhiệm vụ trong phạm vi của đồng chí",
            "• /themnhiemvu, /giao, /giahan — giao, giao lại, gia hạn nhiệm vụ trong phạm vi",
            "• /tonghop — tổng hợp tình hình phạm vi của đồng chí",
            "• /donvi [tên] — tổng hợp một đơn vị",
        ]
    if staff.role == "admin" or is_admin:
        lines += ["• /themnhiemvu, /giao, /giahan, /vaitro, /moi, /nhatky, /capnhatchitieu — quản trị"]
    lines += ["", "Hỏi về chỉ tiêu, quy định CCHC: cứ gõ câu hỏi. Hướng dẫn đầy đủ: /huongdan"]
    return "\n".join(lines)


NOT_LINKED_YET = (
    "🔗 Tài khoản Telegram của đồng chí chưa được gắn với danh sách cán bộ, nên tôi chưa hiện nhiệm vụ nào. "
    "Để theo dõi và báo cáo nhiệm vụ, đồng chí hãy xin quản trị viên một <b>mã mời</b> rồi bấm đường dẫn mời "
    "(hoặc gửi <code>/start MÃ_MỜI</code>)."
)
