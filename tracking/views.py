"""How tasks, reports and the audit log look in chat (HTML, Vietnamese)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from texts.common import ROLE_LABELS, STATUS_ICONS, STATUS_LABELS, esc
from tracking.service import TaskLine
from storage.models import STATUS_DONE, AuditEntry, Report, Staff, Task

PERCENTS = (0, 25, 50, 75, 100)


def status_text(task: Task, today: date) -> str:
    label = f"{STATUS_ICONS.get(task.status, '')} {STATUS_LABELS.get(task.status, task.status)}"
    if task.status != STATUS_DONE and task.deadline < today:
        label += f" · {STATUS_ICONS['overdue']} quá hạn {(today - task.deadline).days} ngày"
    return label


def deadline_text(task: Task, today: date) -> str:
    days = (task.deadline - today).days
    when = task.deadline.strftime("%d/%m/%Y")
    if task.status == STATUS_DONE or days < 0:
        return when
    if days == 0:
        return f"{when} (hôm nay)"
    return f"{when} (còn {days} ngày)"


def clip(text: str | None, limit: int) -> str:
    """At most ``limit`` characters of a long free text, for a message that must stay one message."""
    text = text or ""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def task_card(line: TaskLine, today: date) -> str:
    """One message, under Telegram's 4096 UTF-16 units even when every character of the free texts is an emoji."""
    task = line.task
    parts = [
        f"<b>{esc(task.code)}</b> · {esc(clip(task.title, 500))}",
        f"⏰ Hạn: {deadline_text(task, today)}",
        f"📈 Tiến độ: <b>{task.progress}%</b> · {status_text(task, today)}",
        f"🎯 Kết quả cần đạt: {esc(clip(task.expected_result, 600))}",
    ]
    if line.accountable is not None and line.accountable.id != task.owner_id:
        parts.append(f"👤 Chịu trách nhiệm: {esc(line.accountable.full_name)}")
    if task.status == "blocked" and task.blocked_reason:
        parts.append(f"🟠 Vướng mắc: {esc(clip(task.blocked_reason, 600))}")
    return "\n".join(parts)


def report_keyboard(task_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(f"{p}%", callback_data=f"p:{task_id}:{p}") for p in PERCENTS],
        [InlineKeyboardButton("🟠 Vướng mắc", callback_data=f"b:{task_id}")],
    ])


def correction_keyboard(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(f"{p}%", callback_data=f"k:{report_id}:{p}") for p in PERCENTS],
        [InlineKeyboardButton("🟠 Vướng mắc", callback_data=f"kb:{report_id}")],
    ])


def after_report_keyboard(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("Bỏ qua ghi chú", callback_data=f"n:{report_id}"),
        InlineKeyboardButton("✏️ Sửa báo cáo", callback_data=f"c:{report_id}"),
    ]])


def local(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M") if moment else ""


def report_saved(task: Task, report: Report, tz: tzinfo, *, corrected: bool = False) -> str:
    """One message (edited in place of the buttons), so a long note is shown shortened."""
    verb = "Đã sửa báo cáo" if corrected else "Đã ghi báo cáo"
    status = STATUS_LABELS.get(report.status, report.status)
    text = (f"✅ {verb} <b>{esc(task.code)}</b>: <b>{report.percent}%</b> · {status} "
            f"(lúc {local(report.corrected_at or report.created_at, tz)}).")
    if report.note:
        text += f"\n📝 {esc(clip(report.note, 1000))}"
    return text


ASK_NOTE = ("Bạn có thể gửi thêm <b>ghi chú</b> (một tin nhắn chữ) hoặc <b>tệp/ảnh minh chứng</b> "
            "trong 30 phút tới, hoặc bấm «Bỏ qua ghi chú».")


def my_tasks_message(name: str, lines: Sequence[TaskLine], total_open: int, today: date) -> list[str]:
    """``/nhiemvu``: the officer's open tasks in one message, nearest deadline first; a button per task
    (:func:`my_tasks_keyboard`) opens its card with the report buttons. One message, not one per task:
    a phone's chat stays readable and Telegram's limit of about one message a second per chat is kept."""
    if total_open == 0:
        return [f"{esc(name)} ơi, bạn không có nhiệm vụ nào đang mở. 👍"]
    head = f"<b>Nhiệm vụ của {esc(name)}</b> — {total_open} nhiệm vụ đang mở, hạn gần nhất trước."
    if len(lines) < total_open:
        head += f"\nĐang hiện {len(lines)} nhiệm vụ đầu; xem đủ trong /xuatbaocao."
    rows = []
    for number, line in enumerate(lines, 1):
        task = line.task
        rows.append(f"{number}. <b>{esc(task.code)}</b> · {esc(clip(task.title, 80))}\n"
                    f"    ⏰ {deadline_text(task, today)} · 📈 <b>{task.progress}%</b> · {status_text(task, today)}")
    return [head, *rows, "Bấm một nhiệm vụ để báo cáo tiến độ hoặc vướng mắc."]


def my_tasks_keyboard(lines: Sequence[TaskLine]) -> InlineKeyboardMarkup | None:
    """One button per listed task: ``t:<task id>`` sends its card with the report buttons."""
    if not lines:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(f"{number}. {line.task.code} · {line.task.progress}% · {clip(line.task.title, 28)}",
                              callback_data=f"t:{line.task.id}")]
        for number, line in enumerate(lines, 1)])


def audit_blocks(entries: Sequence[AuditEntry], tz: tzinfo, code: str | None) -> list[str]:
    if not entries:
        return ["Nhật ký chưa có thay đổi nào" + (f" về «{esc(code)}»." if code else ".")]
    lines = ["<b>Nhật ký thay đổi</b>" + (f" — {esc(code)}" if code else " (mới nhất trước)")]
    for e in entries:  # long values shortened: a line with its tags must fit in one message
        change = ""
        if e.field:
            change = f" {esc(e.field)}: {esc(clip(e.old_value, 200)) or '∅'} → {esc(clip(e.new_value, 200)) or '∅'}"
        elif e.new_value:
            change = f" {esc(clip(e.new_value, 200))}"
        note = f" <i>({esc(clip(e.note, 300))})</i>" if e.note else ""
        lines.append(f"• {local(e.at, tz)} · {esc(e.actor) or '?'} · {ACTIONS.get(e.action, esc(e.action))} "
                     f"<code>{esc(e.entity_code)}</code>{change}{note}")
    return ["\n".join(lines)]


ACTIONS = {
    "import": "nhập", "create": "thêm", "report": "báo cáo", "report_note": "ghi chú",
    "report_correct": "sửa báo cáo", "evidence": "minh chứng", "reassign": "giao lại", "extend": "gia hạn",
    "role": "đổi vai trò", "snooze": "hẹn nhắc", "subscribe": "đăng ký tổng hợp", "target_value": "cập nhật chỉ tiêu", "invite": "tạo mã mời", "link": "gắn tài khoản",
    "invite_revoke": "thu hồi mã mời",
    "document_add": "thêm tài liệu", "document_replace": "thay tài liệu", "document_remove": "gỡ tài liệu",
    "document_restore": "khôi phục tài liệu",
}


def greeting(staff: Staff, unit_name: str, is_admin: bool) -> str:
    role = ROLE_LABELS.get(staff.role, staff.role)
    if is_admin and staff.role != "admin":
        role += ", quản trị"
    lines = [f"Xin chào <b>{esc(staff.full_name)}</b> ({esc(staff.code)} · {role} · {esc(unit_name)})!", ""]
    lines += ["• /nhiemvu — nhiệm vụ của bạn, báo cáo tiến độ bằng nút bấm",
              "• /baocao &lt;mã&gt; &lt;%&gt; [ghi chú] — báo cáo nhanh một dòng",
              "• /xuatbaocao — tải bảng Excel nhiệm vụ"]
    if staff.role in ("manager", "admin") or is_admin:
        lines += ["• /tonghop — tổng hợp tình hình phạm vi của bạn", "• /donvi [tên] — tổng hợp một đơn vị"]
    if staff.role == "admin" or is_admin:
        lines += ["• /themnhiemvu, /giao, /giahan, /vaitro, /moi, /nhatky, /capnhatchitieu — quản trị"]
    lines += ["", "Hỏi về chỉ tiêu, quy định CCHC: cứ gõ câu hỏi. Hướng dẫn đầy đủ: /huongdan"]
    return "\n".join(lines)


NOT_LINKED_YET = (
    "🔗 Tài khoản Telegram của bạn chưa được gắn với danh sách cán bộ, nên tôi chưa hiện nhiệm vụ nào. "
    "Để theo dõi và báo cáo nhiệm vụ, hãy xin quản trị viên một <b>mã mời</b> rồi bấm đường dẫn mời "
    "(hoặc gửi <code>/start MÃ_MỜI</code>)."
)
