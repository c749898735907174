"""/themnhiemvu's «Rõ người» and «Rõ trách nhiệm» by name: the example under the question (a real
person of the asker's scope), and the choices when a name fits several people."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from texts.common import clip, esc


def example(staff) -> str:
    """The line under the question: a code and a name that work as typed."""
    if staff is None:
        return ""
    return f"\nVí dụ: <code>{esc(staff.code)}</code> hoặc <i>{esc(staff.full_name)}</i> (gõ không dấu cũng được)."


def choose(text: str, people: Sequence, count: int, leaders: bool) -> str:
    who = "lãnh đạo" if leaders else "người"
    head = f"Có {count} {who} trong phạm vi của đồng chí ứng với «{esc(text)}». Bấm để chọn, hoặc gõ mã cán bộ."
    if count > len(people):
        head += f"\n(Hiện {len(people)} người đầu; gõ đủ họ và tên hoặc mã để thu hẹp.)"
    return head


def choices_keyboard(people: Sequence) -> InlineKeyboardMarkup:
    """One button a person: ``ch:<staff id>`` (checked again on the server when pressed)."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(f"{clip(s.full_name, 40)} ({clip(s.code, 16)})", callback_data=f"ch:{s.id}")]
            for s in people
        ]
    )


def chosen(staff) -> str:
    return f"✅ Đã chọn {esc(staff.full_name)} ({esc(staff.code)})."


CHOICE_STALE = (
    "Lựa chọn này không còn dùng được: nhiệm vụ đang thêm đã qua bước đó (hoặc đã xong). Không có gì thay đổi."
)
NOT_IN_SCOPE = "Người này không thuộc phạm vi của đồng chí. Không có gì thay đổi."
