"""Dates as documents write them: "25/12/2020", "ngày 12 tháng 01 năm 2024", and the one
written right after a document's number."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

_NUM_DATE = r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})"
_LONG_DATE = r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
_ANY_DATE = re.compile(rf"(?<![\d/.\-]){_NUM_DATE}(?!\d)(?![/.\-]\d)|{_LONG_DATE}", re.IGNORECASE)
_DATE_AFTER_NUMBER = re.compile(
    r"[^\S\n]*,?[^\S\n]*(?:(?:được\s+)?(?:ban\s+hành|ký)\s+)?ngày\s+"
    rf"(?:{_NUM_DATE}(?!\d)|(\d{{1,2}})\s+tháng\s+(\d{{1,2}})\s+năm\s+(\d{{4}}))",
    re.IGNORECASE,
)


def _make_date(day: str, month: str, year: str) -> datetime.date | None:
    try:
        value = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2100 else None


def _date_of(m: re.Match[str]) -> datetime.date | None:
    g = m.groups()
    if g[0] is not None:
        return _make_date(g[0], g[2], g[3])
    return _make_date(g[4], g[5], g[6])


def _date_next_to(text: str, spans: Sequence[tuple[int, int]]) -> datetime.date | None:
    """The date written right after the number: "9535/QĐ-UBND ngày 25/12/2020"."""
    for _, end in spans:
        m = _DATE_AFTER_NUMBER.match(text, end)
        if m:
            value = _date_of(m)
            if value:
                return value
    return None
