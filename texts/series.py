"""Periodic reports' copy: /dinhky (series: list, change the rule, end), /kybaocao (who has and has
not submitted for the period), the «Định kỳ?» step of /themnhiemvu."""

from __future__ import annotations

from datetime import date

from texts.common import STATUS_LABELS, esc
from texts.tasks import overdue_words

BOT_NAME = "bot (báo cáo định kỳ)"
ACTION = "quản lý báo cáo định kỳ"
ENDED = "đã dừng"
FROM_NEXT_PERIOD = "áp dụng từ kỳ sau"
RULE_EXAMPLES = (
    "«hằng tháng ngày 25», «hằng quý ngày 15 tháng cuối quý», «6 tháng 15/06 và 15/12», "
    "«hằng năm 15/12», «ngày làm việc thứ 5 của tháng»"
)

SERIES_USAGE = (
    "Cách dùng:\n"
    "• <code>/dinhky</code> — các báo cáo định kỳ trong phạm vi của đồng chí\n"
    "• <code>/dinhky &lt;mã&gt; &lt;quy tắc mới&gt;</code> — đổi quy tắc, áp dụng từ kỳ sau "
    "(kỳ hiện tại giữ nguyên hạn)\n"
    "• <code>/dinhky &lt;mã&gt; ten &lt;tên mới&gt;</code> — đổi tên, áp dụng từ kỳ sau\n"
    "• <code>/dinhky &lt;mã&gt; giao &lt;mã cán bộ&gt;</code> — giao cho người khác, áp dụng từ kỳ sau "
    "(kỳ hiện tại vẫn do người cũ thực hiện)\n"
    "• <code>/dinhky &lt;mã&gt; dung</code> — dừng, không tạo kỳ mới\n"
    "Ví dụ: <code>/dinhky BC-Q hằng quý ngày 20 tháng cuối quý</code>, "
    "<code>/dinhky BC-Q ten Báo cáo CCHC hằng quý</code>, <code>/dinhky BC-Q giao CB02</code>"
)
TITLE_FIELD = "Nhiệm vụ"  # the task sheet's column names, as the audit log of an import writes them
OWNER_FIELD = "Người thực hiện"
TITLE_USAGE = "Gõ tên mới sau chữ <code>ten</code>. Ví dụ: <code>/dinhky BC-Q ten Báo cáo CCHC hằng quý</code>."
OWNER_USAGE = "Gõ mã cán bộ nhận sau chữ <code>giao</code>. Ví dụ: <code>/dinhky BC-Q giao CB02</code>."
PERIOD_USAGE = (
    "Cách dùng: <code>/kybaocao [mã]</code> — ai đã nộp, ai chưa nộp báo cáo định kỳ kỳ này; "
    "mã của một báo cáo định kỳ (ví dụ <code>/kybaocao BC-Q</code>) hoặc của một kỳ "
    "(<code>/kybaocao BC-Q-2026Q1</code>)."
)

SKIP = "⏭ Bỏ qua (làm một lần)"
SKIP_STALE = "Nút «Bỏ qua» này thuộc bước «Định kỳ?» đã qua: không có gì thay đổi."


def bad_rule(reason: str) -> str:
    return f"Chưa hiểu quy tắc định kỳ: {esc(reason)}."


def series_line(series, period_label: str) -> str:
    return f"Báo cáo định kỳ {series.code}: {series.rule} · kỳ {period_label}"


def new_period_notice(series, task, period_label: str) -> str:
    """To the owner, when the reminder cycle makes a new period's task of their periodic report."""
    return (
        f"🔁 Kỳ mới của báo cáo định kỳ <b>{esc(series.code)}</b>: <b>{esc(task.code)}</b> — {esc(task.title)}\n"
        f"Kỳ {esc(period_label)}, hạn {task.deadline:%d/%m/%Y}. Kết quả cần đạt: {esc(task.expected_result)}\n"
        "Gõ /nhiemvu để xem và báo cáo."
    )


def instance_note(series, period) -> str:
    return f"kỳ {period.label} của báo cáo định kỳ {series.code}"


def from_period(instance) -> str:
    return f"áp dụng từ kỳ {instance.period.label} (hạn {instance.due:%d/%m/%Y})"


def not_found(code: str) -> str:
    return (
        f"Không có báo cáo định kỳ mã «{esc(code)}» trong phạm vi của đồng chí. "
        "Gõ <code>/dinhky</code> để xem danh sách."
    )


def same_rule(series) -> str:
    return f"Báo cáo định kỳ <code>{esc(series.code)}</code> đã theo quy tắc «{esc(series.rule)}»."


def already_ended(series) -> str:
    return (
        f"Báo cáo định kỳ <code>{esc(series.code)}</code> đã dừng từ {series.ended_on:%d/%m/%Y}. "
        f"Muốn chạy lại: <code>/dinhky {esc(series.code)} &lt;quy tắc&gt;</code>."
    )


def code_is_series(code: str) -> str:
    return f"mã «{code}» là một báo cáo định kỳ: ghi quy tắc ở cột «Định kỳ», hoặc dừng nó bằng /dinhky {code} dung"


def code_is_task(code: str) -> str:
    return f"mã «{code}» đã là một nhiệm vụ làm một lần: báo cáo định kỳ cần một mã khác"


def _task_state(task, today: date) -> str:
    if task is None:
        return "chưa có kỳ nào"
    status = STATUS_LABELS.get(task.status, task.status)
    late = " · 🔴 quá hạn" if task.status not in ("review", "done") and task.deadline < today else ""
    return f"kỳ hiện tại <code>{esc(task.code)}</code>, hạn {task.deadline:%d/%m/%Y}, {esc(status)}{late}"


def series_list(lines, today: date) -> list[str]:
    if not lines:
        return [
            "Chưa có báo cáo định kỳ nào trong phạm vi của đồng chí. Thêm bằng cột «Định kỳ» của danh "
            "sách nhiệm vụ hoặc bước «Định kỳ?» của /themnhiemvu.",
            SERIES_USAGE,
        ]
    blocks = [f"🔁 <b>Báo cáo định kỳ</b> ({len(lines)})"]
    for line in lines:
        s = line.series
        owner = f"{esc(line.owner.full_name)} ({esc(line.owner.code)})" if line.owner else "?"
        ended = f" · ⏹ đã dừng từ {s.ended_on:%d/%m/%Y}" if s.ended_on else ""
        blocks.append(
            f"• <code>{esc(s.code)}</code> {esc(s.title)}\n   {esc(s.rule)} · {owner}{ended}\n   "
            + _task_state(line.current, today)
        )
    blocks.append(SERIES_USAGE)
    return blocks


def rule_changed(change) -> str:
    s = change.series
    head = (
        "▶️ Chạy lại" if change.resumed else "🔁 Đã đổi quy tắc của"
    ) + f" báo cáo định kỳ <code>{esc(s.code)}</code>"
    lines = [
        head + ":",
        f"«{esc(change.old)}» → «{esc(s.rule)}».",
        f"Áp dụng từ kỳ {esc(change.next.period.label)} (hạn {change.next.due:%d/%m/%Y}).",
    ]
    if change.current is not None:
        lines.append(
            f"Kỳ hiện tại <code>{esc(change.current.code)}</code> giữ nguyên hạn {change.current.deadline:%d/%m/%Y}."
        )
    return "\n".join(lines)


def person(staff) -> str:
    return f"{staff.full_name} ({staff.code})" if staff is not None else "?"


def same_title(series) -> str:
    return f"Báo cáo định kỳ <code>{esc(series.code)}</code> đã có tên «{esc(series.title)}»."


def same_owner(series, owner) -> str:
    return f"Báo cáo định kỳ <code>{esc(series.code)}</code> đã do {esc(person(owner))} thực hiện."


def unknown_owner(series, code: str) -> str:
    return (
        f"Không có cán bộ mã «{esc(code)}» trong phạm vi của đồng chí. Kiểm tra lại mã (cột «Mã cán bộ» "
        f"trong danh sách). Ví dụ: <code>/dinhky {esc(series.code)} giao CB02</code>."
    )


def series_changed(change) -> str:
    """/dinhky's answer to a new title or owner."""
    s = change.series
    what = "tên" if change.field == TITLE_FIELD else "người thực hiện"
    lines = [
        f"🔁 Đã đổi {what} của báo cáo định kỳ <code>{esc(s.code)}</code>:",
        f"«{esc(change.old)}» → «{esc(change.new)}».",
        f"Áp dụng từ kỳ {esc(change.next.period.label)} (hạn {change.next.due:%d/%m/%Y}).",
    ]
    if change.current is not None:
        lines.append(f"Kỳ hiện tại <code>{esc(change.current.code)}</code> giữ nguyên {what}.")
    if s.ended_on is not None:
        lines.append(f"Báo cáo này đã dừng từ {s.ended_on:%d/%m/%Y}: thay đổi áp dụng khi chạy lại.")
    return "\n".join(lines)


def owner_given(series, nxt) -> str:
    """To the new owner of a series."""
    return (
        f"🔁 Đồng chí được giao báo cáo định kỳ <b>{esc(series.code)}</b> — {esc(series.title)} "
        f"({esc(series.rule)}), từ kỳ {esc(nxt.period.label)} (hạn {nxt.due:%d/%m/%Y}). "
        "Nhiệm vụ của kỳ sẽ hiện trong /nhiemvu khi kỳ bắt đầu."
    )


def owner_taken(series, owner, nxt) -> str:
    """To the previous owner of a series: the period under way stays theirs."""
    return (
        f"🔁 Báo cáo định kỳ <b>{esc(series.code)}</b> — {esc(series.title)} được giao cho "
        f"{esc(person(owner))} từ kỳ {esc(nxt.period.label)}. Các kỳ đã giao đồng chí vẫn do đồng chí thực hiện."
    )


def ended(series, current) -> str:
    text = f"⏹ Đã dừng báo cáo định kỳ <code>{esc(series.code)}</code> ({esc(series.title)}): không tạo kỳ mới nữa."
    if current is not None:
        text += f"\nKỳ <code>{esc(current.code)}</code> (hạn {current.deadline:%d/%m/%Y}) vẫn giữ nguyên."
    return text


def _who(row) -> str:
    owner = f"{esc(row.owner.full_name)} ({esc(row.owner.code)})" if row.owner else "?"
    unit = f" — {esc(row.unit.name)}" if row.unit else ""
    return owner + unit


def period_status(groups, today: date, late_days) -> list[str]:
    """``late_days(task)``: working days late."""
    if not groups:
        return ["Chưa có báo cáo định kỳ nào trong phạm vi của đồng chí.", PERIOD_USAGE]
    blocks = []
    for g in groups:
        submitted, missing, waiting = g.submitted, g.missing, g.not_started
        lines = [
            f"🔁 <b>{esc(g.title)}</b>",
            f"{esc(g.rule)} · kỳ <b>{esc(g.period.label)}</b>",
            f"Đã nộp {len(submitted)}/{len(submitted) + len(missing)}",
        ]
        if submitted:
            lines.append("✅ <b>Đã nộp</b>:")
            for row in submitted:
                how = "đã xác nhận" if row.task.status == "done" else "chờ duyệt"
                lines.append(f"  • {_who(row)} · <code>{esc(row.task.code)}</code> ({how})")
        if missing:
            lines.append("⏳ <b>Chưa nộp</b>:")
            for row in missing:
                late = late_days(row.task)
                when = (
                    f"🔴 {overdue_words(late)} (hạn {row.task.deadline:%d/%m/%Y})"
                    if late
                    else f"hạn {row.task.deadline:%d/%m/%Y}"
                )
                progress = f", đã báo cáo {row.task.progress}%" if row.task.progress else ""
                lines.append(f"  • {_who(row)} · <code>{esc(row.task.code)}</code> · {when}{progress}")
        if waiting:
            lines.append("⚪ Bắt đầu từ kỳ sau: " + ", ".join(_who(row) for row in waiting))
        blocks.append("\n".join(lines))
    return blocks


def series_summary(fields: dict, owner, accountable, first) -> str:
    """/themnhiemvu's summary of a periodic report, before «Lưu»."""
    return (
        f"<b>Kiểm tra lại báo cáo định kỳ {esc(fields['code'])}</b>\n"
        f"• Rõ việc: {esc(fields['title'])}\n"
        f"• Rõ người: {esc(owner.full_name)} ({esc(owner.code)})\n"
        f"• Rõ trách nhiệm: {esc(accountable.full_name)} ({esc(accountable.code)})\n"
        f"• 🔁 Định kỳ: {esc(fields['rule'])}\n"
        f"• Rõ tiến độ: kỳ đầu {esc(first.period.label)}, hạn {first.due:%d/%m/%Y} "
        f"(<code>{esc(fields['code'])}-{esc(first.period.key.replace('-', ''))}</code>)\n"
        f"• Rõ hiệu quả: {esc(fields['expected'])}"
        + (f"\n• Chỉ tiêu: {esc(fields['target'])}" if fields.get("target") else "")
        + "\n\nBấm «Lưu» để giao báo cáo định kỳ."
    )


def series_saved(series, task, owner) -> str:
    who = f"{esc(owner.full_name)} ({esc(owner.code)})" if owner else "?"
    text = f"✅ Đã thêm báo cáo định kỳ <code>{esc(series.code)}</code> «{esc(series.title)}» ({esc(series.rule)}), giao {who}."
    if task is not None:
        text += f"\nKỳ đầu: <code>{esc(task.code)}</code>, hạn {task.deadline:%d/%m/%Y}."
    return text
