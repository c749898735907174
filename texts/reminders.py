"""Digests and their subscriptions (/dangkytonghop, /huydangky, /tonghop, /donvi)."""

from __future__ import annotations

SUBSCRIBE_USAGE = ("Cách dùng: <code>/dangkytonghop [hằng ngày | hằng tuần THỨ] [GIỜ:PHÚT]</code>\n"
                   "Ví dụ: <code>/dangkytonghop hằng ngày 08:00</code>, "
                   "<code>/dangkytonghop hằng tuần thứ 2 07:30</code>.\n"
                   "Hủy: <code>/huydangky</code>")


def subscribed(schedule: str) -> str:
    """``schedule``: ``tracking.subscriptions.schedule_label``."""
    return (f"✅ Đã đăng ký: nhóm/chat này nhận tổng hợp {schedule} "
            "(số liệu, thay đổi so với lần trước, quá hạn, chưa báo cáo, xếp hạng đơn vị, biểu đồ), "
            "theo phạm vi của đồng chí lúc gửi; bản tổng hợp dừng nếu đồng chí không còn quyền nhận.\n"
            "Hủy: /huydangky")


UNSUBSCRIBED = "Đã hủy nhận tổng hợp ở chat này."
NOT_SUBSCRIBED = "Chat này chưa đăng ký nhận tổng hợp."
