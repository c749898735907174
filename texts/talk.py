"""Copy of talking about a task: blockers told to the leader, comments (/traodoi, a reply to a message
about a task), extension requests (/xingiahan) and their decisions. Staff are addressed as "đồng chí"."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from texts.common import clip, esc


def _who(staff) -> str:
    return f"{esc(staff.full_name)} ({esc(staff.code)})" if staff is not None else "?"


def _task(task) -> str:
    return f"<b>{esc(task.code)}</b> · {esc(clip(task.title, 300))}"


# ---- a blocker, told to the accountable leader at once ----------------------------------------------


def blocked_notice(task, owner, author, reason: str, *, for_admin: bool) -> str:
    lines = [f"🟠 <b>Vướng mắc</b> — {_task(task)}", f"👤 Người thực hiện: {_who(owner)}"]
    if author is not None and owner is not None and author.id != owner.id:
        lines.append(f"✍️ Người báo: {_who(author)}")
    lines.append(f"⏰ Hạn: {task.deadline:%d/%m/%Y} · Tiến độ: {task.progress}%")
    lines.append(f"📝 Lý do: {esc(clip(reason, 1000))}")
    if for_admin:
        lines.append("ℹ️ Lãnh đạo chịu trách nhiệm chưa gắn Telegram nên tin này gửi quản trị viên.")
    lines.append("Đồng chí có thể trả lời (bấm «Trả lời» hoặc trả lời trực tiếp tin nhắn này).")
    return "\n".join(lines)


def blocked_keyboard(task_id: int, *, may_extend: bool) -> dict:
    row = [
        InlineKeyboardButton("📄 Xem nhiệm vụ", callback_data=f"cd:{task_id}"),
        InlineKeyboardButton("💬 Trả lời", callback_data=f"cm:{task_id}"),
    ]
    rows = [row]
    if may_extend:
        rows.append([InlineKeyboardButton("📅 Gia hạn", callback_data=f"xg:{task_id}")])
    return InlineKeyboardMarkup(rows).to_dict()


# ---- comments -----------------------------------------------------------------------------------------

COMMENT_USAGE = (
    "Cách dùng: <code>/traodoi MÃ_NHIỆM_VỤ nội dung</code>\n"
    "Ví dụ: <code>/traodoi NV001 Đồng chí gửi giúp bản dự thảo trước thứ Sáu</code>\n"
    "Hoặc trả lời (reply) một tin nhắn của tôi về đúng một nhiệm vụ."
)
REPLY_NO_TASK = (
    "Tin nhắn đồng chí trả lời không nói về nhiệm vụ nào, nên tôi không biết ghi trao đổi vào đâu.\n" + COMMENT_USAGE
)


def reply_several_tasks(codes: list[str]) -> str:
    named = ", ".join(f"<code>{esc(c)}</code>" for c in codes[:5])
    return (
        f"Tin nhắn đồng chí trả lời nói về nhiều nhiệm vụ ({named}), nên tôi không biết ghi trao đổi "
        f"vào nhiệm vụ nào.\n{COMMENT_USAGE}"
    )


COMMENT_EMPTY = "Nội dung trao đổi đang trống. " + COMMENT_USAGE


def ask_comment(code: str) -> str:
    return (
        f"💬 Đồng chí gõ nội dung trao đổi về nhiệm vụ <code>{esc(code)}</code> "
        "(tin nhắn tiếp theo sẽ được ghi lại và gửi cho người liên quan). Gõ /huy để thôi."
    )


def comment_saved(task, told: list) -> str:
    if told:
        names = ", ".join(esc(s.full_name) for s in told)
        return f"💬 Đã ghi trao đổi về nhiệm vụ <code>{esc(task.code)}</code> và gửi tới {names}."
    return (
        f"💬 Đã ghi trao đổi về nhiệm vụ <code>{esc(task.code)}</code> (lưu trên thẻ nhiệm vụ; "
        "người liên quan chưa gắn Telegram nên chưa nhận được tin)."
    )


def comment_notice(task, author_name: str, text: str) -> str:
    return (
        f"💬 <b>Trao đổi</b> — {_task(task)}\n"
        f"<b>{esc(author_name)}</b>: {esc(clip(text, 2000))}\n"
        "Trả lời tin nhắn này để trao đổi tiếp."
    )


def comment_keyboard(task_id: int) -> dict:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("📄 Xem nhiệm vụ", callback_data=f"cd:{task_id}"),
                InlineKeyboardButton("💬 Trả lời", callback_data=f"cm:{task_id}"),
            ]
        ]
    ).to_dict()


NOT_IN_TALK = "Đồng chí không thuộc phạm vi nhiệm vụ này nên không trao đổi được."

# ---- extension requests ------------------------------------------------------------------------------

EXTENSION_EXAMPLE = "<code>/xingiahan NV001 30/06/2026 chờ số liệu của các xã</code>"
EXTENSION_USAGE = f"Cách dùng: <code>/xingiahan MÃ_NHIỆM_VỤ NGÀY_MỚI lý do</code>\nVí dụ: {EXTENSION_EXAMPLE}"


def extension_not_owner(code: str) -> str:
    return (
        f"Chỉ người thực hiện nhiệm vụ <code>{esc(code)}</code> mới xin gia hạn được. "
        "Lãnh đạo và quản trị viên gia hạn trực tiếp bằng /giahan."
    )


def extension_unreadable(reason: str) -> str:
    return f"Không đọc được ngày mới: {esc(reason)}.\nVí dụ: {EXTENSION_EXAMPLE}"


def extension_not_later(new: date, old: date) -> str:
    return f"Ngày xin gia hạn ({new:%d/%m/%Y}) phải sau thời hạn hiện tại ({old:%d/%m/%Y}).\nVí dụ: {EXTENSION_EXAMPLE}"


def extension_past(new: date) -> str:
    return f"Ngày {new:%d/%m/%Y} đã qua; đồng chí hãy chọn một ngày sau thời hạn hiện tại."


EXTENSION_NO_REASON = f"Đồng chí hãy ghi lý do xin gia hạn.\nVí dụ: {EXTENSION_EXAMPLE}"


def extension_task_done(code: str) -> str:
    return f"Nhiệm vụ <code>{esc(code)}</code> đã hoàn thành, không cần gia hạn."


def extension_pending(code: str, new: date) -> str:
    return (
        f"Nhiệm vụ <code>{esc(code)}</code> đã có một yêu cầu gia hạn (đến {new:%d/%m/%Y}) đang chờ lãnh đạo "
        "quyết định. Đồng chí chờ kết quả rồi hãy xin lại nếu cần."
    )


def extension_requested(task, new: date, told: list) -> str:
    to = (
        ", ".join(esc(s.full_name) for s in told)
        if told
        else "lãnh đạo (chưa gắn Telegram; quản trị viên xem được yêu cầu)"
    )
    return (
        f"📨 Đã gửi yêu cầu gia hạn nhiệm vụ <code>{esc(task.code)}</code> từ {task.deadline:%d/%m/%Y} "
        f"đến <b>{new:%d/%m/%Y}</b> tới {to}. Tôi sẽ báo đồng chí khi có quyết định."
    )


def extension_request_notice(task, owner, request, *, for_admin: bool) -> str:
    lines = [
        f"📅 <b>Xin gia hạn</b> — {_task(task)}",
        f"👤 Người thực hiện: {_who(owner)} · Tiến độ: {task.progress}%",
        f"⏰ Từ {request.old_deadline:%d/%m/%Y} đến <b>{request.new_deadline:%d/%m/%Y}</b>",
        f"📝 Lý do: {esc(clip(request.reason, 1000))}",
    ]
    if for_admin:
        lines.append("ℹ️ Lãnh đạo chịu trách nhiệm chưa gắn Telegram nên tin này gửi quản trị viên.")
    return "\n".join(lines)


def extension_keyboard(request_id: int, task_id: int) -> dict:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✅ Đồng ý", callback_data=f"xa:{request_id}"),
                InlineKeyboardButton("❌ Từ chối", callback_data=f"xr:{request_id}"),
            ],
            [InlineKeyboardButton("📄 Xem nhiệm vụ", callback_data=f"cd:{task_id}")],
        ]
    ).to_dict()


def extension_not_decider(code: str) -> str:
    return (
        f"Chỉ lãnh đạo chịu trách nhiệm nhiệm vụ <code>{esc(code)}</code> hoặc quản trị viên mới quyết định "
        "yêu cầu gia hạn."
    )


EXTENSION_UNKNOWN = "Không có yêu cầu gia hạn này (có thể đã bị xóa)."


def extension_decided(code: str, approved: bool) -> str:
    outcome = "đồng ý" if approved else "từ chối"
    return f"Yêu cầu gia hạn nhiệm vụ <code>{esc(code)}</code> đã được {outcome} trước đó; không có gì thay đổi."


def ask_refusal_reason(code: str) -> str:
    return (
        f"Đồng chí gõ lý do từ chối gia hạn nhiệm vụ <code>{esc(code)}</code> "
        "(người thực hiện sẽ nhận được). Gõ /huy để thôi."
    )


REFUSAL_NO_REASON = "Đồng chí hãy gõ lý do từ chối bằng chữ, ví dụ: «Cần hoàn thành đúng hạn theo kế hoạch của tỉnh»."


def extension_approved(task, old: date) -> str:
    return (
        f"✅ Đã đồng ý gia hạn nhiệm vụ <code>{esc(task.code)}</code>: {old:%d/%m/%Y} → "
        f"<b>{task.deadline:%d/%m/%Y}</b>. Người thực hiện đã được báo."
    )


def extension_refused(code: str) -> str:
    return f"❌ Đã từ chối yêu cầu gia hạn nhiệm vụ <code>{esc(code)}</code>. Người thực hiện đã được báo."


def approved_notice(task, old: date, decider_name: str) -> str:
    return (
        f"✅ <b>Được gia hạn</b> — {_task(task)}\n"
        f"{esc(decider_name)} đồng ý gia hạn: {old:%d/%m/%Y} → <b>{task.deadline:%d/%m/%Y}</b>."
    )


def refused_notice(task, request, decider_name: str) -> str:
    return (
        f"❌ <b>Không được gia hạn</b> — {_task(task)}\n"
        f"{esc(decider_name)} từ chối gia hạn đến {request.new_deadline:%d/%m/%Y}; "
        f"thời hạn vẫn là <b>{task.deadline:%d/%m/%Y}</b>.\n"
        f"📝 Lý do: {esc(clip(request.decision_note, 1000))}"
    )


# ---- the «Gia hạn» button of a blocker notice ----------------------------------------------------------

EXTEND_EXAMPLE = "<code>30/06/2026 chờ số liệu của các xã</code>"


def ask_extend(code: str, deadline: date) -> str:
    return (
        f"📅 Gia hạn nhiệm vụ <code>{esc(code)}</code> (hạn hiện tại {deadline:%d/%m/%Y}): đồng chí gõ ngày mới "
        f"và lý do, ví dụ: {EXTEND_EXAMPLE}. Gõ /huy để thôi."
    )


EXTEND_UNREADABLE = f"Đồng chí hãy gõ ngày mới rồi lý do, ví dụ: {EXTEND_EXAMPLE}"


def may_not_extend(code: str) -> str:
    return f"Chỉ lãnh đạo có nhiệm vụ <code>{esc(code)}</code> trong phạm vi và quản trị viên mới gia hạn được."


def extended(task, old: date) -> str:
    return (
        f"📅 Đã gia hạn nhiệm vụ <code>{esc(task.code)}</code>: {old:%d/%m/%Y} → "
        f"<b>{task.deadline:%d/%m/%Y}</b>. Người thực hiện đã được báo."
    )


def extended_notice(task, old: date, who: str) -> str:
    return (
        f"📅 <b>Được gia hạn</b> — {_task(task)}\n{esc(who)} gia hạn: {old:%d/%m/%Y} → <b>{task.deadline:%d/%m/%Y}</b>."
    )


# ---- the daily digest's blocked tasks -------------------------------------------------------------------


def blocked_block(items: list[tuple[str, str, str, str]], count: int) -> str:
    """``items``: (code, title, owner's name, reason) of the blocked tasks shown, of ``count``."""
    lines = [f"<b>🟠 Vướng mắc ({count})</b>"]
    lines += [
        f"• <code>{esc(code)}</code> {esc(clip(title, 120))} — {esc(owner)}: "
        f"{esc(clip(reason, 200)) if reason else 'chưa ghi lý do'}"
        for code, title, owner, reason in items
    ]
    if count > len(items):
        lines.append(f"… và {count - len(items)} nhiệm vụ khác")
    return "\n".join(lines)


APPROVED_ALERT = "Đã đồng ý gia hạn"
