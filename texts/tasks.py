"""Officers' journey: /nhiemvu, reporting by buttons or in one line, a note or evidence, corrections,
"remind me tomorrow", leaving a conversation. (A task's card and a saved report: ``tracking.views``.)"""

from __future__ import annotations

from datetime import date

from texts.common import esc

REPORT_USAGE = ("Cách báo cáo nhanh: <code>/baocao MÃ_NHIỆM_VỤ PHẦN_TRĂM [ghi chú]</code>\n"
                "Ví dụ: <code>/baocao NV001 50 đã khảo sát xong 3/6 xã</code>\n"
                "Vướng mắc: <code>/baocao NV001 vướng mắc chờ số liệu của Sở</code>\n"
                "Hoặc gõ /nhiemvu rồi bấm nút.")
CORRECT_USAGE = ("Cách sửa báo cáo gần nhất của đồng chí: "
                 "<code>/suabaocao MÃ_NHIỆM_VỤ PHẦN_TRĂM [ghi chú]</code>\n"
                 "Ví dụ: <code>/suabaocao NV001 40</code>")


# Buttons: the short notification on the button, then the message.
def recorded(percent: int) -> str:
    return f"Đã ghi {percent}%"


def corrected(percent: int) -> str:
    return f"Đã sửa thành {percent}%"


NOTE_SKIPPED = "Đã xong"
SNOOZED = "Sẽ nhắc lại ngày mai"


def ask_blocked_reason(code: str) -> str:
    return (f"🟠 Vướng mắc ở nhiệm vụ <b>{esc(code)}</b>: hãy gõ <b>lý do</b> trong một tin nhắn "
            "(ví dụ: <i>chờ số liệu của Sở Thông tin và Truyền thông</i>). Gõ /huy để thôi.")


ASK_CORRECTED_REASON = "🟠 Hãy gõ <b>lý do vướng mắc</b> trong một tin nhắn. Gõ /huy để thôi."


def ask_correction(code: str, percent: int) -> str:
    return f"✏️ Sửa báo cáo <b>{esc(code)}</b> (đang ghi {percent}%): chọn mức đúng."


def snoozed(code: str, until: date) -> str:
    return f"⏰ Được rồi, tôi sẽ nhắc lại nhiệm vụ <b>{esc(code)}</b> từ ngày {until:%d/%m/%Y}."


# The conversation after a report.
EVIDENCE_OR_SKIP = "\nĐồng chí có thể gửi thêm tệp/ảnh minh chứng, hoặc bấm «Bỏ qua ghi chú»."


def evidence_saved(file_name: str) -> str:
    return (f"📎 Đã lưu minh chứng «{esc(file_name or 'tệp')}». "
            "Gửi thêm tệp, hoặc bấm «Bỏ qua ghi chú» để kết thúc.")


NOTE_ADDED = "📝 Đã thêm ghi chú.\n"

# /huy
CANCELLED = "Đã hủy thao tác đang làm dở."
NOTHING_TO_CANCEL = "Không có thao tác nào đang làm dở."
