"""Milestones: their lines on a task's card, reporting their progress (/baocao <mã> moc <số> <%>),
their reminders and their place in the digests."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from texts.common import clip, esc
from texts.tasks import overdue_words

PERCENTS = (25, 50, 75, 100)

USAGE = (
    "Báo cáo tiến độ một mốc: <code>/baocao MÃ moc SỐ_THỨ_TỰ PHẦN_TRĂM</code>, "
    "ví dụ <code>/baocao NV001 moc 1 50</code> (mốc thứ nhất đạt 50%), "
    "<code>/baocao NV001 moc 2 100</code> (mốc thứ hai đã xong). "
    "<code>/baocao NV001 moc</code> liệt kê các mốc kèm nút báo cáo."
)


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _state(progress: int, done: bool, due: date, today: date | None) -> str:
    if done:
        return "✅ đã xong"
    late = today is not None and due < today
    return f"{progress}%" + (" · 🔴 quá hạn" if late else "")


def card_lines(marks, today: date | None = None) -> list[str]:
    """The milestones on a task's card: ``marks`` are Milestone rows in their order (numbered from 1)."""
    if not marks:
        return []
    lines = ["📍 <b>Mốc tiến độ</b>"]
    for number, mark in enumerate(marks, 1):
        lines.append(
            f"{number}. {_day(mark.due_date)} · {esc(clip(mark.title, 200))} — "
            f"{_state(mark.progress or 0, mark.done, mark.due_date, today)}"
        )
    return lines


def listing(code: str, marks, today: date) -> str:
    """``/baocao NV001 moc``: the task's milestones and how to report one."""
    lines = [
        f"<b>{esc(code)}</b>",
        *card_lines(marks, today),
        f"Bấm nút để báo cáo một mốc, hoặc gõ <code>/baocao {esc(code)} moc SỐ_THỨ_TỰ PHẦN_TRĂM</code>.",
    ]
    return "\n".join(lines)


def keyboard(marks) -> InlineKeyboardMarkup | None:
    """A row of percentages for each milestone not done: ``ms:<milestone id>:<percent>``."""
    rows = [
        [InlineKeyboardButton(f"Mốc {number}: {p}%", callback_data=f"ms:{mark.id}:{p}") for p in PERCENTS]
        for number, mark in enumerate(marks, 1)
        if not mark.done
    ]
    return InlineKeyboardMarkup(rows[:20]) if rows else None


def saved(code: str, number: int, title: str, percent: int) -> str:
    done = " (đã xong)" if percent >= 100 else ""
    return (
        f"✅ Đã ghi tiến độ mốc {number} «{esc(clip(title, 200))}» của nhiệm vụ <b>{esc(code)}</b>: "
        f"<b>{percent}%</b>{done}."
    )


def recorded(number: int, percent: int) -> str:
    """The notification on a pressed milestone button."""
    return f"Đã ghi mốc {number}: {percent}%"


# Refusals (the handlers raise them as tracking.refusals.Refused carrying this text) ------------------


def no_milestones(code: str) -> str:
    return (
        f"Nhiệm vụ <code>{esc(code)}</code> chưa có mốc tiến độ nào. Các mốc được nhập từ cột "
        "«Mốc tiến độ» của bảng nhiệm vụ, ví dụ «15/03/2026: Khảo sát; 30/04/2026: Báo cáo»."
    )


def no_such_milestone(code: str, number: object, count: int) -> str:
    return (
        f"Nhiệm vụ <code>{esc(code)}</code> không có mốc số «{esc(number)}»: nhiệm vụ có {count} mốc, "
        f"đánh số từ 1 đến {count}. Ví dụ: <code>/baocao {esc(code)} moc 1 50</code>."
    )


def unreadable(reason: str) -> str:
    reason = reason.strip().rstrip(".")
    return f"{esc(reason[:1].upper() + reason[1:])}.\n{USAGE}"


MILESTONE_GONE = "Mốc này không còn (bảng nhiệm vụ vừa được nhập lại). Gõ /nhiemvu để xem lại nhiệm vụ."


# Reminders --------------------------------------------------------------------------------------------


def reminder_line(code: str, due, today: date) -> str:
    """One milestone reminder (``due``: a ``reminders.policy.Due`` with its milestone)."""
    mark = due.milestone
    head = f"📍 Mốc “{esc(clip(mark.title, 200))}” của nhiệm vụ {esc(code)} đến hạn ngày {_day(mark.due)}"
    if due.kind == "ms_overdue" or mark.due < today:
        return f"{head}: 🔴 đã {overdue_words(due.days if due.kind == 'ms_overdue' else 0)}."
    if mark.due == today or due.kind == "ms_due":
        return f"{head}: ⏰ <b>hôm nay</b>." if mark.due == today else f"{head}."
    return f"{head} (còn {(mark.due - today).days} ngày)."


def reminder_hint(code: str, numbers: list[int]) -> str:
    number = numbers[0] if numbers else 1
    return f"Báo cáo mốc: <code>/baocao {esc(code)} moc {number} 100</code> khi xong."


def reminder_message(code: str, title: str, lines: list[str], hint: str, folded: int) -> str:
    """A message of milestone reminders alone (no reminder of the task's own deadline that day)."""
    parts = [f"🔔 <b>Nhắc mốc tiến độ</b>: <b>{esc(code)}</b> · {esc(clip(title, 300))}", *lines, hint]
    if folded > 1:
        parts.append(f"<i>(Gộp {folded} lời nhắc trong lúc bot tạm ngừng.)</i>")
    return "\n".join(parts)


# Digests ----------------------------------------------------------------------------------------------


def digest_block(overdue, upcoming, *, days: int, limit: int = 10) -> str:
    """The milestones of a scope not done: those past their date and those due within ``days`` days
    (``storage.milestones.DueMilestone``)."""
    if not overdue and not upcoming:
        return ""
    lines = [f"<b>📍 Mốc tiến độ</b>: {len(overdue)} quá hạn chưa xong · {len(upcoming)} đến hạn trong {days} ngày tới"]
    for item in [*overdue, *upcoming][:limit]:
        lines.append(
            f"• {_day(item.due)} <code>{esc(item.task_code)}</code> {esc(clip(item.title, 120))} ({item.progress}%)"
        )
    shown = len(overdue) + len(upcoming)
    if shown > limit:
        lines.append(f"… và {shown - limit} mốc khác")
    return "\n".join(lines)
