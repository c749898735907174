"""The office's calendar of working days: a pure model over local dates.

Nothing here reads the clock, the database or Telegram: a calendar is built
from facts (the work week, the national holidays, the office's own overrides)
and answers questions about dates.

A day is a working day when
    * the office listed it as a working day (``working_days``: a make-up
      Saturday worked in exchange for a bridge day off, "ngày làm việc bù"),
      whatever its weekday and even on a public holiday: the office's decision
      is the last word; or
    * it is none of the office's own days off (``days_off``, each with its
      reason: a local festival, a day off decided by the province...), its
      weekday is in the work week ("mon-fri", "mon-sat", or a comma list mixing
      days and ranges such as "mon-fri,sun"), and it is not a public holiday.

A day cannot be both a working day and a day off of the office (``ValueError``).

``public_holidays="VN"`` uses the ``holidays`` package's Vietnam calendar,
observed ("nghỉ bù") and substituted days included: Tết Dương lịch, Tết Nguyên
Đán (several days), Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 with its adjacent day, and
whatever later years add; ``"none"`` means no public holidays. The package lists
a substituted day off (e.g. 31/08/2026 "thay cho ngày 22/08/2026") but not the
Saturday worked in exchange: without an override that Saturday stays a day off,
as it always was. Holiday names are in Vietnamese. A bad spec raises
``ValueError`` with a one-line Vietnamese message that names the bad part.

With no overrides, a calendar answers exactly as the reminder policy's
``WorkCalendar`` always has (that name is this class).

Counting conventions (``start``/``end`` are dates, ``n`` an int):
    working_days_after(start, end)    working days d with start < d <= end
    working_days_between(start, end)  working days d with start <= d <= end
    days_late(deadline, today)        working_days_after(deadline, today): how late a
                                      task is, the one rule of lateness
    add_working_days(day, n)          n > 0: the n-th working day after day;
                                      n = 0: day, or the next working day;
                                      n < 0: the |n|-th working day before day
    next_working_day(day)             day, or the closest later working day
    previous_working_day(day)         day, or the closest earlier working day
    nth_working_day_of_month(y, m, n) n >= 1: the n-th working day of the
                                      month; n <= -1: counted from its end
                                      (-1 the last); ValueError when the month
                                      has fewer than |n| working days
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays

from common.timespec import DAY_NAMES, parse_work_week

ONE_DAY = timedelta(days=1)

# Vietnamese names of the weekdays (0 = Monday), as written in official texts.
WEEKDAY_NAMES_VI: tuple[str, ...] = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")

HOLIDAYS_VN = "vn"
HOLIDAYS_NONE = "none"

# Kinds of the entries of a year's calendar (``OfficeCalendar.entries``).
HOLIDAY = "holiday"  # a national public holiday
DAY_OFF = "day_off"  # a day off of the office
WORKING_DAY = "working_day"  # a working day of the office (make-up day)

DayNotes = Mapping[date, str] | Iterable[date]


@cache
def _vn_holidays(year: int) -> Mapping[date, str]:
    """Vietnam's public holidays of one year, observed days included, named in Vietnamese."""
    return dict(holidays.country_holidays("VN", years=year, observed=True, language="vi"))


def _notes(days: DayNotes | None, default: str) -> dict[date, str]:
    if days is None:
        return {}
    if isinstance(days, Mapping):
        return {day: (note or "").strip() or default for day, note in days.items()}
    return {day: default for day in days}


def _shown(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


@dataclass(frozen=True)
class CalendarEntry:
    """A day of a year's calendar that is not an ordinary weekday or weekend day."""

    day: date
    kind: str  # HOLIDAY, DAY_OFF or WORKING_DAY
    note: str  # the holiday's name, or the office's reason / note


class OfficeCalendar:
    """Working days: a work week minus public holidays, with the office's own
    make-up working days and days off on top."""

    def __init__(
        self,
        work_week: str = "mon-fri",
        public_holidays: str = "VN",
        working_days: DayNotes | None = None,
        days_off: DayNotes | None = None,
    ) -> None:
        self.work_week: frozenset[int] = parse_work_week(work_week)
        source = public_holidays.strip().lower()
        if source not in (HOLIDAYS_VN, HOLIDAYS_NONE):
            raise ValueError(f'Lịch ngày lễ "{public_holidays}" không hợp lệ: chỉ nhận "VN" hoặc "none".')
        self.public_holidays: str = source
        self.working_days: dict[date, str] = _notes(working_days, "Ngày làm việc bù")
        self.days_off: dict[date, str] = _notes(days_off, "Ngày nghỉ của cơ quan")
        both = sorted(set(self.working_days) & set(self.days_off))
        if both:
            raise ValueError(
                f"Ngày {_shown(both[0])} vừa được ghi là ngày làm việc vừa được ghi là ngày nghỉ:"
                " mỗi ngày chỉ được ghi một loại."
            )

    def with_overrides(self, working_days: DayNotes | None = None, days_off: DayNotes | None = None) -> OfficeCalendar:
        """The same work week and public holidays with these office overrides instead."""
        week = ",".join(DAY_NAMES[i] for i in sorted(self.work_week))
        return OfficeCalendar(week, self.public_holidays, working_days, days_off)

    def __repr__(self) -> str:
        week = ",".join(DAY_NAMES[i] for i in sorted(self.work_week))
        extra = ""
        if self.working_days or self.days_off:
            extra = f", working_days={len(self.working_days)}, days_off={len(self.days_off)}"
        return f"OfficeCalendar(work_week={week!r}, public_holidays={self.public_holidays!r}{extra})"

    # -- what a day is --------------------------------------------------------------------

    def _holidays_of(self, year: int) -> Mapping[date, str]:
        return _vn_holidays(year) if self.public_holidays == HOLIDAYS_VN else {}

    def holiday_name(self, day: date) -> str | None:
        """The public holiday's name (Vietnamese) on ``day``, or None."""
        return self._holidays_of(day.year).get(day)

    def _national_working_day(self, day: date) -> bool:
        """Working by the work week and the public holidays alone."""
        return day.weekday() in self.work_week and day not in self._holidays_of(day.year)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return self._national_working_day(day)

    def off_reason(self, day: date) -> str | None:
        """Why ``day`` is not a working day, in Vietnamese (the office's reason, the
        holiday's name, or the weekday), or None when it is a working day."""
        if self.is_working_day(day):
            return None
        if day in self.days_off:
            return self.days_off[day]
        weekday = WEEKDAY_NAMES_VI[day.weekday()]
        return self.holiday_name(day) or weekday[0].upper() + weekday[1:]

    def entries(self, year: int) -> list[CalendarEntry]:
        """The year's public holidays and the office's overrides, by date: what
        ``/lich`` lists. An office override replaces the holiday of its day."""
        found: dict[date, CalendarEntry] = {
            day: CalendarEntry(day, HOLIDAY, name) for day, name in self._holidays_of(year).items()
        }
        for kind, days in ((DAY_OFF, self.days_off), (WORKING_DAY, self.working_days)):
            for day, note in days.items():
                if day.year == year:
                    found[day] = CalendarEntry(day, kind, note)
        return [found[day] for day in sorted(found)]

    # -- counting -------------------------------------------------------------------------

    def working_days_after(self, start: date, end: date) -> int:
        """The number of working days d with start < d <= end (0 if end <= start)."""
        total = (end - start).days
        if total <= 0:
            return 0
        weeks, rest = divmod(total, 7)
        count = weeks * len(self.work_week)
        count += sum((start + timedelta(days=i)).weekday() in self.work_week for i in range(1, rest + 1))
        for year in range(start.year, end.year + 1):
            count -= sum(start < day <= end and day.weekday() in self.work_week for day in self._holidays_of(year))
        # The office's overrides, where they change what the national calendar says.
        count += sum(start < day <= end and not self._national_working_day(day) for day in self.working_days)
        count -= sum(start < day <= end and self._national_working_day(day) for day in self.days_off)
        return count

    def days_late(self, deadline: date, today: date) -> int:
        """How late a task due on ``deadline`` is on ``today``: the working days after the deadline up
        to today (0 when not past). The one rule of lateness, wherever it is counted or said."""
        return self.working_days_after(deadline, today)

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days d with start <= d <= end, both included
        (0 if end < start)."""
        if end < start:
            return 0
        return self.working_days_after(start, end) + self.is_working_day(start)

    def add_working_days(self, day: date, n: int) -> date:
        """n > 0: the n-th working day after ``day``; n = 0: ``day`` if it is a
        working day, else the next one; n < 0: the |n|-th working day before ``day``."""
        if n == 0:
            while not self.is_working_day(day):
                day += ONE_DAY
            return day
        step = ONE_DAY if n > 0 else -ONE_DAY
        for _ in range(abs(n)):
            day += step
            while not self.is_working_day(day):
                day += step
        return day

    def next_working_day(self, day: date) -> date:
        """``day`` if it is a working day, else the closest later working day."""
        return self.add_working_days(day, 0)

    def previous_working_day(self, day: date) -> date:
        """``day`` if it is a working day, else the closest earlier working day."""
        while not self.is_working_day(day):
            day -= ONE_DAY
        return day

    def working_days_in_month(self, year: int, month: int) -> int:
        first = date(year, month, 1)
        last = date(year, month, _calendar.monthrange(year, month)[1])
        return self.working_days_between(first, last)

    def nth_working_day_of_month(self, year: int, month: int, n: int) -> date:
        """n >= 1: the n-th working day of the month; n <= -1: the |n|-th counted
        from the month's end (-1: its last working day). ``ValueError`` (in
        Vietnamese) when n is 0 or the month has fewer than |n| working days."""
        count = self.working_days_in_month(year, month)
        if n == 0 or abs(n) > count:
            raise ValueError(
                f"Tháng {month:02d}/{year} chỉ có {count} ngày làm việc, không có ngày làm việc"
                f" thứ {abs(n) if n else 0}{' tính từ cuối tháng' if n < 0 else ''}."
            )
        if n > 0:
            return self.add_working_days(date(year, month, 1) - ONE_DAY, n)
        last = date(year, month, _calendar.monthrange(year, month)[1])
        return self.add_working_days(last + ONE_DAY, n)
