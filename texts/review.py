"""The completion review and the notices of changes to one's work: what the accountable leader reads
when a task is reported 100% («chờ duyệt»), «Xác nhận hoàn thành» / «Trả lại», what the owner hears
(a task given, taken away, extended, returned, confirmed; one message for a sheet's new tasks), the
staff not connected to Telegram and their invite links."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from storage.models import Evidence, Report, Staff, Task
from texts.common import STATUS_LABELS, clip, esc

CONFIRM = "✅ Xác nhận hoàn thành"
RETURN = "↩️ Trả lại"


def who(staff: Staff | None) -> str:
    return f"{esc(staff.full_name)} ({esc(staff.code)})" if staff is not None else "(không rõ)"


# ---- the leader's side ---------------------------------------------------------------------------


def review_keyboard(task_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(CONFIRM, callback_data=f"rc:{task_id}"),
                InlineKeyboardButton(RETURN, callback_data=f"rr:{task_id}"),
            ]
        ]
    )


def _evidence_lines(evidence: Sequence[Evidence]) -> list[str]:
    if not evidence:
        return ["📎 Chưa có tệp minh chứng (người thực hiện có thể gửi thêm; đồng chí sẽ được báo)."]
    return [
        f"📎 Minh chứng ({len(evidence)}): " + "; ".join(f"«{esc(clip(e.file_name or 'tệp', 80))}»" for e in evidence)
    ]


def review_asked(task: Task, owner: Staff | None, report: Report, evidence: Sequence[Evidence]) -> str:
    """To the accountable leader: a task reported 100%, awaiting confirmation."""
    lines = [
        f"🟣 <b>Chờ duyệt hoàn thành: {esc(task.code)}</b> · {esc(clip(task.title, 300))}",
        f"👤 {who(owner)} báo cáo <b>100%</b>, hạn {task.deadline:%d/%m/%Y}.",
        f"🎯 Kết quả cần đạt: {esc(clip(task.expected_result, 400))}",
    ]
    if report.note:
        lines.append(f"📝 {esc(clip(report.note, 800))}")
    lines += _evidence_lines(evidence)
    lines.append(
        "Nhiệm vụ chỉ được tính là hoàn thành khi đồng chí xác nhận. Nếu chưa đạt, bấm «Trả lại» và nhắn lý do."
    )
    return "\n".join(lines)


def review_added(task: Task, owner: Staff | None, what: str) -> str:
    """To the accountable leader: a note or a file added to the report awaiting confirmation."""
    return (
        f"📎 <b>{esc(task.code)}</b> (chờ duyệt): {who(owner)} gửi thêm {esc(clip(what, 300))}.\n"
        "Đồng chí xác nhận hoàn thành hay trả lại?"
    )


def confirmed(task: Task, owner: Staff | None) -> str:
    return f"✅ Đã xác nhận hoàn thành <b>{esc(task.code)}</b> của {who(owner)}. Người thực hiện đã được báo."


def confirmed_notice(task: Task, leader: str) -> str:
    return (
        f"✅ Nhiệm vụ <b>{esc(task.code)}</b> · {esc(clip(task.title, 300))} đã được {esc(leader)} "
        "xác nhận hoàn thành. Cảm ơn đồng chí!"
    )


def ask_return_reason(task: Task) -> str:
    return (
        f"↩️ Trả lại <b>{esc(task.code)}</b>: đồng chí hãy nhắn <b>lý do</b> trong một tin nhắn "
        "(ví dụ: <i>Thiếu biên bản nghiệm thu, đề nghị bổ sung</i>). Gõ /huy để thôi."
    )


def returned(task: Task, owner: Staff | None, reason: str) -> str:
    return (
        f"↩️ Đã trả lại <b>{esc(task.code)}</b> cho {who(owner)}; nhiệm vụ trở về «đang thực hiện».\n"
        f"Lý do: {esc(reason)}"
    )


def returned_notice(task: Task, leader: str, reason: str) -> str:
    return (
        f"↩️ Nhiệm vụ <b>{esc(task.code)}</b> · {esc(clip(task.title, 300))} được {esc(leader)} "
        f"<b>trả lại</b>, chưa được xác nhận hoàn thành.\nLý do: {esc(clip(reason, 1000))}\n"
        "Đồng chí hoàn thiện rồi báo cáo lại bằng các nút dưới đây."
    )


def already_decided(task: Task) -> str:
    return (
        f"Nhiệm vụ <code>{esc(task.code)}</code> không còn chờ duyệt (hiện: "
        f"{STATUS_LABELS.get(task.status, task.status)}): việc xác nhận hay trả lại đã được quyết định rồi."
    )


def not_reviewer(task: Task) -> str:
    return (
        f"Chỉ lãnh đạo chịu trách nhiệm nhiệm vụ <code>{esc(task.code)}</code> hoặc quản trị viên "
        "mới xác nhận hay trả lại được."
    )


REASON_EXPECTED = "Đồng chí hãy nhắn lý do trả lại bằng chữ, ví dụ: <i>Thiếu biên bản nghiệm thu</i>."
REASON_TOO_LONG = "Lý do trả lại dài quá 1000 ký tự; đồng chí hãy viết ngắn lại."


# ---- the owner's side: «✅ Đã xong» on a reminder ---------------------------------------------------


def ask_done(task: Task, review: bool) -> str:
    then = (
        "Báo cáo 100% sẽ được gửi lãnh đạo phụ trách xác nhận hoàn thành."
        if review
        else "Nhiệm vụ sẽ được ghi là hoàn thành (100%)."
    )
    return f"Xác nhận đã xong nhiệm vụ <b>{esc(task.code)}</b> · {esc(clip(task.title, 300))}?\n{then}"


def done_keyboard(task_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✅ Đúng, đã xong", callback_data=f"p:{task_id}:100"),
                InlineKeyboardButton("✖️ Chưa", callback_data=f"t:{task_id}"),
            ]
        ]
    )


IN_REVIEW = "\n🟣 Đã gửi lãnh đạo phụ trách xác nhận hoàn thành; nhiệm vụ «chờ duyệt» đến khi được xác nhận."


# ---- notices of changes to one's work -------------------------------------------------------------


def given_notice(task: Task, by: str) -> str:
    return (
        f"📌 Đồng chí được {esc(by)} giao nhiệm vụ mới <b>{esc(task.code)}</b>: {esc(clip(task.title, 300))}\n"
        f"Hạn {task.deadline:%d/%m/%Y}. Kết quả cần đạt: {esc(clip(task.expected_result, 400))}\n"
        "Gõ /nhiemvu để xem và báo cáo."
    )


def moved_to_notice(task: Task, by: str, old: Staff | None) -> str:
    came = f" (trước đây do {who(old)} thực hiện)" if old is not None else ""
    return (
        f"📌 Đồng chí được {esc(by)} giao nhiệm vụ <b>{esc(task.code)}</b>: {esc(clip(task.title, 300))}"
        f"{came}, hạn {task.deadline:%d/%m/%Y}. Gõ /nhiemvu để xem."
    )


def moved_from_notice(task: Task, by: str, new: Staff) -> str:
    return (
        f"🔁 Nhiệm vụ <b>{esc(task.code)}</b>: {esc(clip(task.title, 300))} đã được {esc(by)} giao lại cho "
        f"{who(new)}. Đồng chí không còn phải báo cáo nhiệm vụ này."
    )


def extended_notice(task: Task, by: str, old: date, reason: str) -> str:
    return (
        f"⏰ Nhiệm vụ <b>{esc(task.code)}</b>: {esc(clip(task.title, 300))} được {esc(by)} gia hạn: "
        f"{old:%d/%m/%Y} → <b>{task.deadline:%d/%m/%Y}</b>.\nLý do: {esc(clip(reason, 1000))}"
    )


def imported_notice(tasks: Sequence[Task]) -> str:
    """One message to an owner listing the new tasks a sheet gave them."""
    lines = [f"📌 Đồng chí được giao <b>{len(tasks)}</b> nhiệm vụ mới:"]
    for task in tasks[:30]:
        lines.append(f"• <b>{esc(task.code)}</b> {esc(clip(task.title, 150))} — hạn {task.deadline:%d/%m/%Y}")
    if len(tasks) > 30:
        lines.append(f"… và {len(tasks) - 30} nhiệm vụ khác")
    lines.append("Gõ /nhiemvu để xem và báo cáo.")
    return "\n".join(lines)


# ---- who is not connected ------------------------------------------------------------------------

INVITE_ALL = "🔗 Tạo mã mời cho tất cả"


def unlinked_block(people: Sequence[Staff], total: int) -> str:
    lines = [
        f"<b>🔌 Chưa kết nối Telegram ({total})</b>",
        "Các cán bộ này chưa gắn tài khoản nên không nhận được nhiệm vụ, nhắc hạn hay thông báo nào:",
    ]
    lines += [f"• {who(s)}" for s in people]
    if total > len(people):
        lines.append(f"… và {total - len(people)} cán bộ khác")
    lines.append(
        "Lãnh đạo phụ trách và quản trị viên bấm «Tạo mã mời cho tất cả» dưới bản tổng hợp: "
        "đường dẫn mời được gửi riêng cho người bấm."
    )
    return "\n".join(lines)


def invite_all_keyboard(subscription_id: int = 0) -> InlineKeyboardMarkup:
    """Under a digest that lists staff not connected: ``iv:0`` under /tonghop (the presser's scope),
    ``iv:<subscription id>`` under a scheduled digest (the scope of that digest)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(INVITE_ALL, callback_data=f"iv:{subscription_id}")]])


def not_digest_manager() -> str:
    return (
        "Chỉ lãnh đạo phụ trách phạm vi của bản tổng hợp này hoặc quản trị viên mới tạo được mã mời "
        "cho cán bộ chưa kết nối. Lãnh đạo gõ /tonghop trong chat riêng với bot để mời cán bộ của mình."
    )


DIGEST_GONE = (
    "Bản tổng hợp định kỳ này đã dừng hoặc bị hủy đăng ký. Lãnh đạo gõ /tonghop trong chat riêng với bot "
    "rồi bấm «Tạo mã mời cho tất cả»."
)


def invites_sent_privately(made: int) -> str:
    return f"Đã gửi {made} mã mời vào chat riêng của đồng chí với bot." if made else "Đã trả lời trong chat riêng."


def open_private_chat(username: str) -> str:
    """An alert (at most 200 characters): the links go to a private chat the presser never opened."""
    return (
        f"Bot chưa nhắn riêng được cho đồng chí. Đồng chí mở chat với @{username}, bấm «Bắt đầu» "
        "rồi bấm lại nút: mã mời chỉ gửi riêng, không đăng vào nhóm."
    )


def invites_made(rows: Sequence[tuple[Staff, str]], skipped: int, expires: str) -> list[str]:
    if not rows:
        return ["Mọi cán bộ trong phạm vi của đồng chí đều đã kết nối Telegram; không cần mã mời nào."]
    head = (
        f"🔗 Đã tạo <b>{len(rows)}</b> mã mời (dùng một lần, hết hạn {expires}). "
        "Đồng chí gửi riêng đường dẫn cho từng người; họ bấm vào rồi bấm «Bắt đầu»:"
    )
    lines = [head] + [f"• {who(s)}: {esc(link)}" for s, link in rows]
    if skipped:
        lines.append(f"… còn {skipped} cán bộ nữa: bấm lại nút để tạo tiếp.")
    return ["\n".join(lines)]


def not_a_leader(staff: Staff) -> str:
    return (
        f"{who(staff)} là cán bộ, không phải lãnh đạo: người chịu trách nhiệm phải là lãnh đạo hoặc "
        "quản trị viên. Hãy nhập mã của lãnh đạo phụ trách, ví dụ <code>LD01</code>."
    )
