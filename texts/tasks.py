"""Officers' journey: /nhiemvu, a task's card and its report buttons, reporting by buttons or in
one line, a saved report, a note or evidence, corrections, "remind me tomorrow", leaving a
conversation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from storage.models import STATUS_DONE, STATUS_REVIEW, Report, Task
from texts import paging
from texts.common import STATUS_ICONS, STATUS_LABELS, clip, esc, local

if TYPE_CHECKING:
    from reminders.calendar import OfficeCalendar
    from tracking.service import TaskLine

PERCENTS = (0, 25, 50, 75, 100)


def overdue_words(days: int) -> str:
    """How late a task is, said one way wherever it is said (the card, /nhiemvu, /theodoi, the digest,
    the reminders and the escalation): «quá hạn N ngày làm việc», counted by
    ``reminders.calendar.OfficeCalendar.days_late``; a task past a deadline that no working day has
    followed yet (due on Friday, seen on Saturday) is «quá hạn» without a count."""
    return f"quá hạn {days} ngày làm việc" if days > 0 else "quá hạn"


def status_text(task: Task, today: date, calendar: OfficeCalendar) -> str:
    """The status, and how late in working days of the office's ``calendar`` when past the deadline."""
    label = f"{STATUS_ICONS.get(task.status, '')} {STATUS_LABELS.get(task.status, task.status)}"
    if task.status != STATUS_DONE and task.deadline < today:
        label += f" · {STATUS_ICONS['overdue']} {overdue_words(calendar.days_late(task.deadline, today))}"
    return label


def deadline_text(task: Task, today: date) -> str:
    days = (task.deadline - today).days
    when = task.deadline.strftime("%d/%m/%Y")
    if task.status == STATUS_DONE or days < 0:
        return when
    if days == 0:
        return f"{when} (hôm nay)"
    return f"{when} (còn {days} ngày)"


def task_card(line: TaskLine, today: date, calendar: OfficeCalendar) -> str:
    """One message, under Telegram's 4096 UTF-16 units even when every character of the free texts is an emoji."""
    task = line.task
    parts = [
        f"<b>{esc(task.code)}</b> · {esc(clip(task.title, 500))}",
        f"⏰ Hạn: {deadline_text(task, today)}",
        f"📈 Tiến độ: <b>{task.progress}%</b> · {status_text(task, today, calendar)}",
        f"🎯 Kết quả cần đạt: {esc(clip(task.expected_result, 600))}",
    ]
    if line.accountable is not None and line.accountable.id != task.owner_id:
        parts.append(f"👤 Chịu trách nhiệm: {esc(line.accountable.full_name)}")
    if task.status == "blocked" and task.blocked_reason:
        parts.append(f"🟠 Vướng mắc: {esc(clip(task.blocked_reason, 600))}")
    return "\n".join(parts)


def report_keyboard(task_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(f"{p}%", callback_data=f"p:{task_id}:{p}") for p in PERCENTS],
            [InlineKeyboardButton("🟠 Vướng mắc", callback_data=f"b:{task_id}")],
        ]
    )


def correction_keyboard(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(f"{p}%", callback_data=f"k:{report_id}:{p}") for p in PERCENTS],
            [InlineKeyboardButton("🟠 Vướng mắc", callback_data=f"kb:{report_id}")],
        ]
    )


def after_report_keyboard(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Bỏ qua ghi chú", callback_data=f"n:{report_id}"),
                InlineKeyboardButton("✏️ Sửa báo cáo", callback_data=f"c:{report_id}"),
            ]
        ]
    )


def report_saved(task: Task, report: Report, tz: tzinfo, *, corrected: bool = False) -> str:
    """One message (edited in place of the buttons), so a long note is shown shortened."""
    verb = "Đã sửa báo cáo" if corrected else "Đã ghi báo cáo"
    status = STATUS_LABELS.get(report.status, report.status)
    text = (
        f"✅ {verb} <b>{esc(task.code)}</b>: <b>{report.percent}%</b> · {status} "
        f"(lúc {local(report.corrected_at or report.created_at, tz)})."
    )
    if report.note:
        text += f"\n📝 {esc(clip(report.note, 1000))}"
    if report.status == STATUS_REVIEW:
        from texts.review import IN_REVIEW

        text += IN_REVIEW
    return text


ASK_NOTE = (
    "Đồng chí có thể gửi thêm <b>ghi chú</b> (một tin nhắn chữ) hoặc <b>tệp/ảnh minh chứng</b> "
    "trong 30 phút tới, hoặc bấm «Bỏ qua ghi chú»."
)


def my_tasks_message(
    name: str,
    lines: Sequence[TaskLine],
    total_open: int,
    today: date,
    calendar: OfficeCalendar,
    *,
    first: int = 1,
    page: int = 0,
    pages: int = 1,
) -> list[str]:
    """``/nhiemvu``: the officer's open tasks in one message, nearest deadline first; a button per task
    (:func:`my_tasks_keyboard`) opens its card with the report buttons. One message, not one per task:
    a phone's chat stays readable and Telegram's limit of about one message a second per chat is kept.
    A page of them when there are more (``first``: the number of the page's first task); ◀ ▶ turn pages."""
    if total_open == 0:
        return [f"Đồng chí {esc(name)} hiện không có nhiệm vụ nào đang mở."]
    head = f"<b>Nhiệm vụ của {esc(name)}</b> — {total_open} nhiệm vụ đang mở, hạn gần nhất trước."
    if len(lines) < total_open:
        head += "\n" + paging.where(first, len(lines), total_open, "nhiệm vụ", page, pages)
    rows = []
    for number, line in enumerate(lines, first):
        task = line.task
        rows.append(
            f"{number}. <b>{esc(task.code)}</b> · {esc(clip(task.title, 80))}\n"
            f"    ⏰ {deadline_text(task, today)} · 📈 <b>{task.progress}%</b> · {status_text(task, today, calendar)}"
        )
    return [head, *rows, "Bấm một nhiệm vụ để báo cáo tiến độ hoặc vướng mắc."]


def my_tasks_keyboard(
    lines: Sequence[TaskLine], *, first: int = 1, page: int = 0, pages: int = 1
) -> InlineKeyboardMarkup | None:
    """One button per listed task: ``t:<task id>`` sends its card with the report buttons; under them
    ◀ ▶ (``tp:<page>``) to the other pages."""
    if not lines:
        return None
    nav = paging.nav_row(page, pages, lambda n: f"tp:{n}")
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{number}. {line.task.code} · {line.task.progress}% · {clip(line.task.title, 28)}",
                    callback_data=f"t:{line.task.id}",
                )
            ]
            for number, line in enumerate(lines, first)
        ]
        + ([nav] if nav else [])
    )


REPORT_USAGE = (
    "Cách báo cáo nhanh: <code>/baocao MÃ_NHIỆM_VỤ PHẦN_TRĂM [ghi chú]</code>\n"
    "Ví dụ: <code>/baocao NV001 50 đã khảo sát xong 3/6 xã</code>\n"
    "Vướng mắc: <code>/baocao NV001 vướng mắc chờ số liệu của Sở</code>\n"
    "Hoặc gõ /nhiemvu rồi bấm nút."
)
CORRECT_USAGE = (
    "Cách sửa báo cáo gần nhất của đồng chí: "
    "<code>/suabaocao MÃ_NHIỆM_VỤ PHẦN_TRĂM [ghi chú]</code>\n"
    "Ví dụ: <code>/suabaocao NV001 40</code>"
)


# Buttons: the short notification on the button, then the message.
def recorded(percent: int) -> str:
    return f"Đã ghi {percent}%"


def corrected(percent: int) -> str:
    return f"Đã sửa thành {percent}%"


NOTE_SKIPPED = "Đã xong"
SNOOZED = "Sẽ nhắc lại ngày mai"


def ask_blocked_reason(code: str) -> str:
    return (
        f"🟠 Vướng mắc ở nhiệm vụ <b>{esc(code)}</b>: hãy gõ <b>lý do</b> trong một tin nhắn "
        "(ví dụ: <i>chờ số liệu của Sở Thông tin và Truyền thông</i>). Gõ /huy để thôi."
    )


ASK_CORRECTED_REASON = "🟠 Hãy gõ <b>lý do vướng mắc</b> trong một tin nhắn. Gõ /huy để thôi."


def ask_correction(code: str, percent: int) -> str:
    return f"✏️ Sửa báo cáo <b>{esc(code)}</b> (đang ghi {percent}%): chọn mức đúng."


def snoozed(code: str, until: date) -> str:
    return f"⏰ Được rồi, tôi sẽ nhắc lại nhiệm vụ <b>{esc(code)}</b> từ ngày {until:%d/%m/%Y}."


# The conversation after a report.
EVIDENCE_OR_SKIP = "\nĐồng chí có thể gửi thêm tệp/ảnh minh chứng, hoặc bấm «Bỏ qua ghi chú»."


def evidence_saved(file_name: str) -> str:
    return f"📎 Đã lưu minh chứng «{esc(file_name or 'tệp')}». Gửi thêm tệp, hoặc bấm «Bỏ qua ghi chú» để kết thúc."


NOTE_ADDED = "📝 Đã thêm ghi chú.\n"

# /huy
CANCELLED = "Đã hủy thao tác đang làm dở."
NOTHING_TO_CANCEL = "Không có thao tác nào đang làm dở."
