"""What each refusal (``tracking.refusals``) says: one sentence or two, HTML, to "đồng chí"."""

from __future__ import annotations

from texts.common import esc
from tracking import refusals as r

RELINK_WORD = "lienketlai"  # "/moi MÃ lienketlai" (folded: "liên kết lại" too)

NOT_LINKED = (
    "Tài khoản Telegram của đồng chí chưa được gắn với cán bộ nào trong danh sách. "
    "Đồng chí hãy xin quản trị viên một mã mời (lệnh /moi) rồi gửi <code>/start MÃ_MỜI</code>."
)
INVITE_USED = "Mã mời này đã được dùng. Mỗi mã chỉ dùng một lần; đồng chí hãy xin quản trị viên mã mới."
INVITE_UNUSABLE = {
    "unknown": "Mã mời không đúng. Đồng chí hãy kiểm tra lại đường dẫn, hoặc xin quản trị viên mã mới.",
    "revoked": "Mã mời này đã bị thu hồi, không dùng được nữa. Đồng chí hãy xin quản trị viên mã mới.",
    "used": INVITE_USED,
    "expired": "Mã mời đã hết hạn. Đồng chí hãy xin quản trị viên mã mới.",
    "staff_linked": (
        "Cán bộ của mã mời này đã gắn với một tài khoản Telegram khác, nên mã không dùng được. "
        "Nếu đồng chí đổi tài khoản, hãy xin quản trị viên mã mời để liên kết lại."
    ),
}
UNREADABLE = {
    "report": "Không ghi được báo cáo: {reason}.",
    "correct": "Không sửa được: {reason}.",
    "extend": "Không gia hạn được: {reason}.",
    "role": "Không đổi được: {reason}.",
    "record": "Không ghi được: {reason}.",
    "add": "Không thêm được: {reason}.",
    "unit": "Không đọc được tên đơn vị: {reason}. Gõ /donvi để xem danh sách đơn vị.",
    "deadline": "{reason}. Hãy gõ lại thời hạn.",
}
REASON_MISSING = {
    "report": "Khi báo vướng mắc, đồng chí hãy ghi rõ lý do để lãnh đạo có thể hỗ trợ.",
    "correct": "Khi báo vướng mắc, đồng chí hãy ghi rõ lý do.",
    "extend": "Hãy ghi lý do gia hạn, ví dụ: <code>/giahan NV001 30/06/2026 chờ số liệu quý II</code>",
}


def render(exc: r.Refused) -> str:
    """The refusal's text (HTML, its values escaped)."""
    text = _RENDER.get(type(exc))
    if text is not None:
        return text(exc)
    return str(exc.args[0]) if exc.args else "Không thực hiện được."


def _not_own_task(e: r.NotOwnTask) -> str:
    code = f"<code>{esc(e.code)}</code>"
    if e.doing == "snooze":
        return f"Nhiệm vụ {code} không do đồng chí thực hiện."
    text = f"Nhiệm vụ {code} không do đồng chí thực hiện nên đồng chí không báo cáo được."
    if e.doing == "report":
        text += " Người thực hiện hoặc lãnh đạo phụ trách mới báo cáo được."
    return text


def _task_not_visible(e: r.TaskNotVisible) -> str:
    if e.code is None:  # a button: say nothing of what the id is
        return "Nhiệm vụ này không thuộc phạm vi của đồng chí. Xem các nhiệm vụ của đồng chí: /nhiemvu"
    return f"Không có nhiệm vụ mã «{esc(e.code)}» trong phạm vi của đồng chí. Xem các nhiệm vụ của đồng chí: /nhiemvu"


def _staff_already_linked(e: r.StaffAlreadyLinked) -> str:
    # The code only, not the name: nothing of the person is shown in a refusal.
    return (
        f"Cán bộ {esc(e.code)} đã gắn với một tài khoản Telegram, nên không có mã mời nào được tạo. "
        "Mã mời sẽ chuyển việc gắn sang tài khoản dùng mã, và tài khoản đang gắn mất quyền truy cập.\n"
        "Nếu đồng chí muốn vậy (ví dụ cán bộ đổi điện thoại hoặc tài khoản), gõ "
        f"<code>/moi {esc(e.code)} {RELINK_WORD}</code>; tài khoản cũ sẽ được báo khi mã được dùng."
    )


def _nothing_to_revoke(e: r.NothingToRevoke) -> str:
    if e.known:
        return f"Cán bộ {esc(e.code)} không có mã mời nào còn hiệu lực; không có gì thay đổi."
    return f"Không có mã mời (hay mã cán bộ) «{esc(e.code)}». Gõ <code>/moi</code> để xem các mã mời còn hiệu lực."


def _invite_not_revocable(e: r.InviteNotRevocable) -> str:
    if e.state == "revoked":
        return "Mã mời này đã bị thu hồi trước đó; không có gì thay đổi."
    if e.state == "used":
        return (
            "Mã mời này đã được dùng nên không thu hồi được. Muốn chuyển việc gắn sang tài khoản "
            f"khác, gõ <code>/moi {esc(e.staff_code)} {RELINK_WORD}</code>."
        )
    return "Mã mời này đã hết hạn, không dùng được nữa; không cần thu hồi."


def _deadline_passed(e: r.DeadlinePassed) -> str:
    if e.new is None:
        return "Thời hạn đã qua; đồng chí hãy gõ một ngày từ hôm nay trở đi."
    return f"Thời hạn mới ({e.new:%d/%m/%Y}) đã qua; đồng chí hãy chọn một ngày từ hôm nay trở đi."


def _task_code_taken(e: r.TaskCodeTaken) -> str:
    if e.wizard:
        return f"Mã nhiệm vụ «{esc(e.code)}» đã có. Gõ <code>/themnhiemvu</code> để lấy mã tự động."
    return f"Mã nhiệm vụ «{esc(e.code)}» đã có. Đồng chí hãy chọn mã khác."


def _unreadable_subscription(e: r.UnreadableSubscription) -> str:
    from texts.reminders import SUBSCRIBE_USAGE

    if e.hour:
        return f"Giờ «{esc(e.text)}» không hợp lệ.\n{SUBSCRIBE_USAGE}"
    if e.day:
        return f"Ngày «{esc(e.text)}» không hợp lệ: ngày trong tháng là từ 1 đến 31.\n{SUBSCRIBE_USAGE}"
    if e.weekday:
        return f"Không hiểu thứ «{esc(e.text)}»: trong tuần chỉ có thứ 2 đến thứ 7 và CN.\n{SUBSCRIBE_USAGE}"
    return f"Không hiểu «{esc(e.text)}».\n{SUBSCRIBE_USAGE}"


_RENDER = {
    r.NotLinked: lambda e: NOT_LINKED,
    r.AdminOnly: lambda e: (
        f"Chỉ quản trị viên mới được {e.action}. Đồng chí không có quyền này nên không có gì thay đổi."
    ),
    r.ManagerOnly: lambda e: f"Chỉ lãnh đạo và quản trị viên mới {e.action}.",
    r.TaskNotVisible: _task_not_visible,
    r.NotOwnTask: _not_own_task,
    r.NotOwnReport: lambda e: (
        "Nhiệm vụ của báo cáo này không còn do đồng chí thực hiện, nên đồng chí không sửa hay bổ sung được."
        if e.task_gone
        else "Đây không phải báo cáo của đồng chí, nên đồng chí không sửa hay bổ sung được."
    ),
    r.NotLatestReport: lambda e: "Chỉ sửa được báo cáo gần nhất của đồng chí về nhiệm vụ này.",
    r.NoReportYet: lambda e: f"Đồng chí chưa có báo cáo nào về nhiệm vụ <code>{esc(e.code)}</code> để sửa.",
    r.PercentOutOfRange: lambda e: "Phần trăm phải từ 0 đến 100.",
    r.ReasonMissing: lambda e: REASON_MISSING[e.doing],
    r.Unreadable: lambda e: UNREADABLE[e.doing].format(reason=esc(e.reason)),
    r.StaffNotFound: lambda e: (
        f"Không có cán bộ mã «{esc(e.code)}». Kiểm tra lại mã (cột «Mã cán bộ» trong danh sách)."
    ),
    r.StaffAlreadyLinked: _staff_already_linked,
    r.InviteUnusable: lambda e: INVITE_UNUSABLE[e.state],
    r.AccountTaken: lambda e: (
        f"Tài khoản Telegram này đã gắn với cán bộ {esc(e.name)} ({esc(e.code)}). "
        "Mỗi tài khoản chỉ gắn với một cán bộ; đồng chí hãy liên hệ quản trị viên."
    ),
    r.NothingToRevoke: _nothing_to_revoke,
    r.InviteNotRevocable: _invite_not_revocable,
    r.CannotDropOwnAdmin: lambda e: (
        "Đồng chí không tự bỏ quyền quản trị của mình được; hãy nhờ một quản trị viên khác."
    ),
    r.TaskCodeTaken: _task_code_taken,
    r.Missing: lambda e: "Còn thiếu: " + ", ".join(e.labels) + ".",
    r.SameOwner: lambda e: f"Nhiệm vụ <code>{esc(e.code)}</code> đã do {esc(e.name)} thực hiện.",
    r.DeadlineNotLater: lambda e: f"Thời hạn mới ({e.new:%d/%m/%Y}) phải sau thời hạn hiện tại ({e.old:%d/%m/%Y}).",
    r.DeadlinePassed: _deadline_passed,
    r.TargetNotFound: lambda e: f"Không có chỉ tiêu mã «{esc(e.code)}». Gõ /capnhatchitieu để xem danh sách mã.",
    r.UnitNotFound: lambda e: (
        f"Không có đơn vị «{esc(e.text)}» trong phạm vi của đồng chí. Gõ /donvi để xem danh sách đơn vị."
    ),
    r.UnitAmbiguous: lambda e: f"Có nhiều đơn vị khớp «{esc(e.text)}»: {esc(e.names)}. Hãy ghi đầy đủ hơn.",
    r.TextExpected: lambda e: "Đồng chí hãy trả lời bằng chữ.",
    r.NothingToSave: lambda e: (
        "Không có nhiệm vụ nào đang chờ lưu (có thể đã quá 30 phút). Gõ /themnhiemvu để làm lại."
    ),
    r.UnreadableSubscription: _unreadable_subscription,
}
