"""The office's calendar and leave: /ngaylamviec, /ngaynghi, /lich, /nghiphep; a substitute's
reminder; who is away in a digest."""

from __future__ import annotations

from datetime import date

from texts.common import esc

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def weekday_day(value: date) -> str:
    return f"{WEEKDAYS[value.weekday()]} {day(value)}"


def person(staff) -> str:
    return f"{esc(staff.full_name)} ({esc(staff.code)})" if staff is not None else "?"


# --------------------------------------------------------------------------
# The office's calendar
# --------------------------------------------------------------------------

WORKDAY_USAGE = (
    "Cách dùng: <code>/ngaylamviec &lt;ngày&gt; [ghi chú]</code> — thêm một ngày làm việc bù.\n"
    "Ví dụ: <i>/ngaylamviec 09/05/2026 làm bù cho ngày 30/4</i>"
)
DAY_OFF_USAGE = (
    "Cách dùng: <code>/ngaynghi &lt;ngày&gt; &lt;lý do&gt;</code> — thêm một ngày nghỉ của cơ quan.\n"
    "Ví dụ: <i>/ngaynghi 15/06/2026 nghỉ lễ hội địa phương</i>"
)
CALENDAR_USAGE = (
    "Cách dùng: <code>/lich [năm]</code> — lịch ngày lễ, ngày nghỉ và ngày làm việc bù; "
    "<code>/lich xoa &lt;ngày&gt;</code> — bỏ một ngày cơ quan đã thêm.\n"
    "Ví dụ: <i>/lich 2026</i>, <i>/lich xoa 09/05/2026</i>"
)
CALENDAR_ACTION = "sửa lịch làm việc của cơ quan"


def bad_day(why: str, usage: str) -> str:
    return f"Ngày chưa đúng: {esc(why)}.\n{usage}"


def bad_year(text: str) -> str:
    return f"«{esc(text)}» không phải là một năm (từ 2000 đến 2100).\n{CALENDAR_USAGE}"


def day_off_needs_reason() -> str:
    return f"Cần ghi lý do nghỉ.\n{DAY_OFF_USAGE}"


def already_working(value: date) -> str:
    return (
        f"{weekday_day(value)} vốn là ngày làm việc, không cần thêm làm ngày làm việc bù. "
        "Ngày làm việc bù là một ngày nghỉ (thứ Bảy, Chủ nhật, ngày lễ) mà cơ quan đi làm."
    )


def already_off(value: date, reason: str) -> str:
    return (
        f"{weekday_day(value)} vốn đã là ngày nghỉ ({esc(reason)}), không cần thêm làm ngày nghỉ. "
        "Ngày nghỉ của cơ quan là một ngày làm việc mà cơ quan được nghỉ."
    )


def not_listed(value: date) -> str:
    return (
        f"Ngày {day(value)} không có trong lịch riêng của cơ quan (chỉ bỏ được ngày làm việc bù hoặc ngày "
        "nghỉ đã thêm; ngày lễ quốc gia không bỏ được). Xem: /lich"
    )


def day_set(value: date, working: bool, note: str, replaced: bool) -> str:
    what = "ngày làm việc bù" if working else "ngày nghỉ của cơ quan"
    head = f"✅ Đã ghi {weekday_day(value)} là <b>{what}</b>"
    if note:
        head += f": {esc(note)}"
    if replaced:
        head += " (thay cho ghi chép trước của ngày này)"
    return (
        head
        + ".\nNhắc việc, hạn và báo cáo định kỳ tính theo lịch mới từ lần quét tới. Xem lịch: /lich "
        + str(value.year)
    )


def day_removed(value: date, working: bool) -> str:
    what = "ngày làm việc bù" if working else "ngày nghỉ của cơ quan"
    return f"🗑 Đã bỏ {weekday_day(value)} khỏi lịch ({what}). Xem lịch: /lich {value.year}"


KIND_LABELS = {"holiday": "🎌 Nghỉ lễ", "day_off": "🏠 Cơ quan nghỉ", "working_day": "🏢 Làm việc bù"}


def calendar_year(year: int, entries, is_admin: bool) -> str:
    lines = [f"📅 <b>Lịch nghỉ lễ và làm việc năm {year}</b>"]
    if not entries:
        lines.append("Không có ngày lễ hay ngày riêng nào của cơ quan.")
    for entry in entries:
        lines.append(f"• {weekday_day(entry.day)} — {KIND_LABELS.get(entry.kind, entry.kind)}: {esc(entry.note)}")
    if is_admin:
        lines += [
            "",
            "Thêm: /ngaylamviec &lt;ngày&gt; [ghi chú] · /ngaynghi &lt;ngày&gt; &lt;lý do&gt; · "
            "bỏ: /lich xoa &lt;ngày&gt; · hoặc gửi bảng có cột Ngày, Loại, Ghi chú.",
        ]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Leave
# --------------------------------------------------------------------------

LEAVE_USAGE = (
    "Cách dùng:\n"
    "• <code>/nghiphep &lt;từ ngày&gt; &lt;đến ngày&gt; [mã người thay]</code> — ghi nghỉ phép của mình, "
    "ví dụ <i>/nghiphep 16/03/2026 20/03/2026 CB02</i>\n"
    "• Lãnh đạo, quản trị: <code>/nghiphep &lt;mã cán bộ&gt; &lt;từ ngày&gt; &lt;đến ngày&gt; "
    "[mã người thay]</code>, ví dụ <i>/nghiphep CB01 16/03/2026 20/03/2026</i>\n"
    "• <code>/nghiphep</code> — các kỳ nghỉ đang và sắp diễn ra; <code>/nghiphep huy [mã cán bộ]</code> "
    "— kết thúc nghỉ sớm (từ hôm nay)."
)
LEAVE_ACTION = "ghi nghỉ phép cho cán bộ khác"


def leave_bad_day(why: str) -> str:
    return f"Ngày chưa đúng: {esc(why)}.\n{LEAVE_USAGE}"


def leave_end_before_start(start: date, end: date) -> str:
    return (
        f"Ngày kết thúc ({day(end)}) trước ngày bắt đầu ({day(start)}). Hãy ghi ngày bắt đầu trước, "
        f"ví dụ <i>/nghiphep {day(end)} {day(start)}</i>."
    )


def leave_in_past(end: date, today: date) -> str:
    return f"Kỳ nghỉ kết thúc {day(end)} đã qua (hôm nay {day(today)}): chỉ ghi được kỳ nghỉ từ hôm nay trở đi."


def leave_too_long(days: int) -> str:
    return f"Một kỳ nghỉ ghi được tối đa {days} ngày; kỳ nghỉ dài hơn hãy ghi thành nhiều kỳ."


def leave_overlaps(staff, leave) -> str:
    return (
        f"{person(staff)} đã có kỳ nghỉ từ {day(leave.start)} đến {day(leave.end)} trùng với các ngày này. "
        "Kết thúc kỳ nghỉ đó trước (/nghiphep huy) hoặc chọn ngày khác."
    )


def substitute_is_self() -> str:
    return "Người thay phải là một cán bộ khác."


def substitute_away(substitute, leave) -> str:
    return f"Người thay {person(substitute)} cũng nghỉ từ {day(leave.start)} đến {day(leave.end)}: hãy chọn người khác."


def substitute_is_away(substitute, leave) -> str:
    return (
        f"{person(substitute)} đang nhận thay cho một người khác từ {day(leave.start)} đến {day(leave.end)}, "
        "không ghi nghỉ được trong những ngày đó; hãy kết thúc hoặc đổi kỳ nghỉ kia trước."
    )


def leave_not_in_scope() -> str:
    return "Đồng chí chỉ ghi hoặc kết thúc nghỉ phép cho chính mình, hoặc cho cán bộ thuộc phạm vi đồng chí quản lý."


def no_leave_to_end(staff) -> str:
    return f"{person(staff)} không có kỳ nghỉ nào đang hoặc sắp diễn ra. Xem: /nghiphep"


def leave_saved(leave, staff, substitute, own: bool) -> str:
    who = "Đồng chí" if own else person(staff)
    lines = [f"✅ Đã ghi: {who} nghỉ phép từ <b>{day(leave.start)}</b> đến <b>{day(leave.end)}</b>."]
    if substitute is not None:
        lines.append(f"Trong thời gian này, lời nhắc việc gửi cho người thay: {person(substitute)}.")
    else:
        lines.append(
            "Trong thời gian này không gửi lời nhắc; báo cáo lãnh đạo về nhiệm vụ quá hạn chờ đến khi trở lại làm việc."
        )
    lines.append("Kết thúc sớm: /nghiphep huy" + ("" if own else f" {esc(staff.code)}"))
    return "\n".join(lines)


def leave_ended(leave, staff, own: bool, today: date) -> str:
    who = "Đồng chí" if own else person(staff)
    if leave.end < leave.start:
        return f"🗑 Đã hủy kỳ nghỉ từ {day(leave.start)} của {who.lower() if own else who} (chưa bắt đầu)."
    return (
        f"✅ {who} trở lại làm việc từ hôm nay ({day(today)}); kỳ nghỉ tính đến {day(leave.end)}. "
        "Lời nhắc việc lại gửi như thường."
    )


def substitute_told(leave, staff) -> str:
    return (
        f"👥 Đồng chí được ghi là người thay cho {person(staff)} trong thời gian nghỉ phép từ "
        f"{day(leave.start)} đến {day(leave.end)}: lời nhắc việc về nhiệm vụ của đồng chí ấy sẽ gửi cho "
        "đồng chí."
    )


def leave_list(rows, today: date) -> str:
    """``rows``: (leave, staff, substitute) of the leave current and to come in the caller's scope."""
    if not rows:
        return (
            "Không có ai đang hoặc sắp nghỉ phép trong phạm vi của đồng chí.\n"
            "Ghi nghỉ phép: <i>/nghiphep 16/03/2026 20/03/2026 [mã người thay]</i>"
        )
    lines = ["🏖 <b>Nghỉ phép</b> (đang và sắp diễn ra)"]
    for leave, staff, substitute in rows:
        now = "đang nghỉ" if leave.start <= today else "sắp nghỉ"
        line = f"• {person(staff)} — {now} {day(leave.start)} → {day(leave.end)}"
        if substitute is not None:
            line += f", người thay: {person(substitute)}"
        lines.append(line)
    lines.append("Kết thúc sớm: /nghiphep huy [mã cán bộ]")
    return "\n".join(lines)


def on_behalf(staff, until: date) -> str:
    """The first line of a reminder that goes to a substitute."""
    return f"👥 <b>Nhận thay</b> cho {person(staff)}, đang nghỉ phép đến hết {day(until)}."


def away_block(rows) -> str:
    """A digest's block of who is away: (staff, leave) pairs."""
    lines = ["🏖 <b>Đang nghỉ phép</b>"]
    for staff, leave in rows:
        line = f"• {person(staff)} đến hết {day(leave.end)}"
        if leave.substitute_id is None:
            line += " (không có người thay)"
        lines.append(line)
    return "\n".join(lines)
