"""Parsers of the schedule settings' small languages: a time of day ("08:00") and
a work week ("mon-fri", "mon-sat", "mon-fri,sun").

Pure and light (no calendar, no database): the settings check their values with
them when they are read, the reminders' calendar and schedule use them, and a
digest subscription's time is read with ``parse_hhmm``.
"""

from __future__ import annotations

from datetime import time

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_INDEX = {name: i for i, name in enumerate(DAY_NAMES)}


def parse_hhmm(value: str) -> time:
    """The time of day of "HH:MM"; ``ValueError`` for anything else."""
    hours, sep, minutes = value.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit():
        raise ValueError(value)
    return time(int(hours), int(minutes))


def parse_work_week(spec: str) -> frozenset[int]:
    """The weekdays (0 = Monday) of a work week spec such as "mon-fri",
    "mon-sat", "mon,tue,wed,thu,fri,sat" or "mon-fri,sun".

    Day names are case-insensitive and spaces are ignored; a range goes
    forward through the week ("fri-mon" is refused rather than wrapped)."""
    parts = [part.strip() for part in spec.split(",")] if spec.strip() else []
    if not parts:
        raise ValueError('Tuần làm việc trống: hãy ghi ví dụ "mon-fri" hoặc "mon-sat".')
    days: set[int] = set()
    for part in parts:
        if not part:
            raise ValueError(f'Tuần làm việc "{spec}" không hợp lệ: có một mục trống giữa hai dấu phẩy.')
        bounds = [bound.strip() for bound in part.split("-")]
        if len(bounds) > 2:
            raise ValueError(f'Tuần làm việc không hợp lệ: khoảng "{part}" chỉ được có một dấu "-".')
        first, last = (_day_index(bound, part) for bound in (bounds[0], bounds[-1]))
        if first > last:
            raise ValueError(
                f'Tuần làm việc không hợp lệ: khoảng "{part}" phải đi từ thứ trước đến thứ sau (ví dụ "mon-fri").'
            )
        days.update(range(first, last + 1))
    return frozenset(days)


def _day_index(name: str, part: str) -> int:
    index = _DAY_INDEX.get(name.lower())
    if index is None:
        shown = name or part
        raise ValueError(f'Tuần làm việc không hợp lệ: "{shown}" không phải tên thứ (dùng {", ".join(DAY_NAMES)}).')
    return index
