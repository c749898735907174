"""Monthly and quarterly digests: their schedule as the chat reads it, the comparison with the
previous period, the workbook's caption."""

from __future__ import annotations

import calendar
from datetime import date


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def schedule_label(frequency: str, month_day: int, at: str) -> str:
    """``/dangkytonghop``'s confirmation, and the notice of a stopped subscription."""
    if frequency == "quarter":
        return (
            f"hằng quý vào ngày {month_day} tháng đầu quý (tháng 1, 4, 7, 10) lúc {at}, "
            "so sánh với quý trước, kèm bảng Excel"
        )
    return f"hằng tháng vào ngày {month_day} lúc {at}, so sánh với tháng trước, kèm bảng Excel"


def _span_label(frequency: str, span) -> str:
    """ "tháng 11/2026", "quý 4/2026" for a whole month or quarter; else the first and last days."""
    whole = span.first.day == 1 and span.last.day == calendar.monthrange(span.last.year, span.last.month)[1]
    months = (span.last.year - span.first.year) * 12 + span.last.month - span.first.month + 1
    if whole and frequency == "monthly" and months == 1:
        return f"tháng {span.first.month}/{span.first.year}"
    if whole and frequency == "quarter" and months == 3 and span.first.month % 3 == 1:
        return f"quý {(span.first.month - 1) // 3 + 1}/{span.first.year}"
    return f"{_day(span.first)} – {_day(span.last)}"


def _delta(now: int, before: int) -> str:
    if now > before:
        return f"▲ {now - before}"
    if now < before:
        return f"▼ {before - now}"
    return "= 0"


def comparison(frequency: str, this, before, now, prev) -> str:
    """``this`` and ``before``: the spans (``reminders.periodic.Span``); ``now`` and ``prev`` their
    ``reminders.periodic.Figures``."""
    this_label, before_label = _span_label(frequency, this), _span_label(frequency, before)
    rows = [
        ("✅ Hoàn thành", now.finished, prev.finished),
        ("⏱ Hoàn thành đúng hạn", now.on_time, prev.on_time),
        ("🔴 Quá hạn (cuối kỳ)", now.overdue, prev.overdue),
        ("📝 Báo cáo đã gửi", now.reports, prev.reports),
    ]
    lines = [f"<b>📅 {this_label[:1].upper()}{this_label[1:]} so với {before_label}</b>"]
    lines += [f"{label}: <b>{a}</b> ({_delta(a, b)}; kỳ trước {b})" for label, a, b in rows]
    if now.milestones_due or prev.milestones_due:
        lines.append(
            f"📍 Mốc đến hạn trong kỳ: <b>{now.milestones_due}</b>, đã xong {now.milestones_done} "
            f"(kỳ trước {prev.milestones_due}, đã xong {prev.milestones_done})"
        )
    return "\n".join(lines)


def workbook_caption(frequency: str, today: date) -> str:
    kind = "hằng quý" if frequency == "quarter" else "hằng tháng"
    return f"📊 Báo cáo nhiệm vụ (tổng hợp {kind}), ngày {_day(today)}"
