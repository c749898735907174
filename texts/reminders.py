"""Digests and their subscriptions (/dangkytonghop, /huydangky, /tonghop, /donvi)."""

from __future__ import annotations

from datetime import date

from texts.common import esc

SUBSCRIBE_USAGE = (
    "Cách dùng: <code>/dangkytonghop [hằng ngày | hằng tuần THỨ | hằng tháng ngày N | "
    "hằng quý ngày N] [GIỜ:PHÚT]</code>\n"
    "Ví dụ: <code>/dangkytonghop hằng ngày 08:00</code>, "
    "<code>/dangkytonghop hằng tuần thứ 2 07:30</code>, "
    "<code>/dangkytonghop hằng tháng ngày 1 08:00</code>, "
    "<code>/dangkytonghop hằng quý ngày 1 08:00</code> (ngày của tháng đầu quý; ngày tháng không có, "
    "như 31/4, là ngày cuối tháng).\n"
    "Hủy: <code>/huydangky</code>"
)


def subscribed(schedule: str) -> str:
    """``schedule``: ``tracking.subscriptions.schedule_label``."""
    return (
        f"✅ Đã đăng ký: nhóm/chat này nhận tổng hợp {schedule} "
        "(số liệu, thay đổi so với lần trước, quá hạn, chưa báo cáo, xếp hạng đơn vị, biểu đồ), "
        "theo phạm vi của đồng chí lúc gửi; bản tổng hợp dừng nếu đồng chí không còn quyền nhận.\n"
        "Hủy: /huydangky"
    )


# /tonghop, /donvi, /xuatbaocao
DIGEST_FOR = "xem tổng hợp; đồng chí xem nhiệm vụ của mình bằng /nhiemvu"  # after «Chỉ lãnh đạo … mới»


def units_listing(units) -> str:
    """/donvi without a name: the usage, then the units in scope (``(name, depth)``)."""
    # The example is a unit of the list (one below the top when there is one): it works as typed.
    example = (units[1] if len(units) > 1 else units[0])[0] if units else "Phòng Cải cách hành chính"
    lines = [f"Cách dùng: <code>/donvi TÊN_ĐƠN_VỊ</code>, ví dụ <code>/donvi {esc(example)}</code>."]
    if units:
        lines.append("\n<b>Đơn vị trong phạm vi của đồng chí</b>")
        lines += [f"{'  ' * depth}• {esc(name)}" for name, depth in units[:80]]
    return "\n".join(lines)


def export_caption(day: date) -> str:
    return f"📊 Báo cáo nhiệm vụ trong phạm vi của đồng chí, ngày {day:%d/%m/%Y}."


UNSUBSCRIBED = "Đã hủy nhận tổng hợp ở chat này."
NOT_SUBSCRIBED = "Chat này chưa đăng ký nhận tổng hợp."
