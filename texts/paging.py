"""The ◀ ▶ row under a long list (``/nhiemvu``, ``/nhatky``) and the line saying where the reader is."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton

CALLBACK_LIMIT = 64  # bytes of callback data Telegram accepts


def where(first: int, shown: int, total: int, noun: str, page: int, pages: int) -> str:
    """«Trang 2/3: nhiệm vụ 11–20 trong 23. Bấm ◀ ▶ để xem trang khác.»"""
    return f"Trang {page + 1}/{pages}: {noun} {first}–{first + shown - 1} trong {total}. Bấm ◀ ▶ để xem trang khác."


def nav_row(page: int, pages: int, data: Callable[[int], str]) -> list[InlineKeyboardButton]:
    """◀ and ▶ to the pages before and after (none on a single page; only those that exist)."""
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(f"◀ Trang {page}", callback_data=data(page - 1)))
    if page + 1 < pages:
        row.append(InlineKeyboardButton(f"Trang {page + 2} ▶", callback_data=data(page + 1)))
    return row if all(len(str(b.callback_data).encode()) <= CALLBACK_LIMIT for b in row) else []
