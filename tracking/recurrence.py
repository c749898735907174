"""Recurring tasks: the rule of a series, its periods, and each period's due date.

Pure: no clock, no database, no Telegram. Working days come from the calendar
passed in (``reminders.calendar.OfficeCalendar``, or anything with the methods
of ``WorkingDays``).

Rules
    Officers type a rule in Vietnamese, with or without diacritics ("hằng"/"hàng",
    "mỗi", "theo", "định kỳ" all mean "every"); ``parse`` reads it into a
    ``Rule`` and ``str(rule)`` writes it back in one canonical form, so that
    ``parse(str(rule)) == rule``. The canonical forms:

        hằng tuần thứ Sáu                        (every week; thứ Hai ... Chủ nhật)
        hằng tháng ngày 25                       (ngày 1 ... ngày 31)
        hằng tháng ngày cuối tháng
        hằng tháng ngày làm việc thứ 5           (the 5th working day of the month)
        hằng tháng ngày làm việc cuối cùng
        hằng tháng ngày 5 tháng sau              (a month's report due early the next month)
        hằng quý ngày 15 tháng cuối quý          (also tháng đầu quý, tháng giữa quý,
                                                  tháng đầu quý sau)
        hằng quý ngày cuối quý                   (also ngày cuối tháng đầu quý, ...)
        hằng quý ngày làm việc thứ 3 tháng đầu quý
        6 tháng 15/06 và 15/12                   (one date in each half-year)
        hằng năm 15/12

    "hằng quý ngày 15" means the last month of the quarter, as the periodic
    reports are due then (the province's letter: 18/3, 18/6, 18/9, 18/12); the
    canonical form says so. "6 tháng 15/06" alone means the same day of the
    same month of each half (15/06 and 15/12). "trước ngày 05 của tháng sau"
    reads as due on the 5th of the next month: the date typed is the deadline.
    A rule that cannot be read raises ``RuleError`` (an ``InputError``), whose
    message says why and shows a valid rule, e.g. «hằng tháng ngày 25».

Periods
    A week runs Monday to Sunday; months, quarters, halves and years are the
    calendar's. ``period_of(rule, day)`` is the period holding ``day``, with a
    label ("Tuần 23/2026 (01/06–07/06/2026)", "Tháng 12/2026", "Quý IV/2026",
    "6 tháng đầu năm 2026", "6 tháng cuối năm 2026", "Năm 2026") and a key
    ("2026-W23", "2026-12", "2026-Q4", "2026-H2", "2026") unique within a series
    of one frequency. ``next_period`` and ``previous_period`` step through them.

Due dates (``due_date``), one rule for every kind of rule:
    1. A day the month does not have is the month's last day: "ngày 31" is
       30/04 in April, and 28/02 (29/02 in a leap year) in February; "hằng năm
       29/02" is 28/02 in a common year. A working-day rule asks for more
       working days than the month has: the month's last working day.
    2. A due date that is not a working day (weekend, public holiday, the
       office's own day off) moves back to the previous working day. A report
       must arrive by its date; the province's letter on periodic reports says
       so ("Trường hợp thời hạn gửi báo cáo trùng ngày nghỉ, ngày lễ thì gửi vào
       ngày làm việc liền kề trước đó"), and it keeps a deadline from ever being
       later than the rule says. The move may cross into the previous month (a
       due date of Sunday 01/08 is Friday 30/07). A make-up working day (a
       Saturday worked) is a working day: a due date on it stays there.
    "ngày làm việc thứ n" counts the month's working days, so it never moves.

Instances (``first_instance``)
    Each period of a series makes its own instance with its own due date. A
    series created (or edited) on day D starts with the first instance, in
    period order, whose due date is D or later: the current period's when its
    due date has not passed, else the next one's (and, for a rule due after its
    period, such as "ngày 5 tháng sau", the previous period's when it is still
    due). ``after`` (the end of the last period that already has an instance)
    skips the periods already made: editing a series's rule on day D goes on
    from the first period after them with a due date from D on.
"""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from kb.text import fold, nfc
from tracking.parse import InputError

ONE_DAY = timedelta(days=1)

WEEK = "week"
MONTH = "month"
QUARTER = "quarter"
HALF = "half"
YEAR = "year"
EVERY: tuple[str, ...] = (WEEK, MONTH, QUARTER, HALF, YEAR)
_MONTHS = {MONTH: 1, QUARTER: 3, HALF: 6, YEAR: 12}

LAST = -1  # Anchor.day: the month's last day, or with working=True its last working day
MAX_WORKING_DAY = 20  # "ngày làm việc thứ n": n from 1 to this

WEEKDAYS_VI: tuple[str, ...] = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_ROMAN = ("I", "II", "III", "IV")

EXAMPLES = {
    WEEK: "hằng tuần thứ Sáu",
    MONTH: "hằng tháng ngày 25",
    QUARTER: "hằng quý ngày 15 tháng cuối quý",
    HALF: "6 tháng 15/06 và 15/12",
    YEAR: "hằng năm 15/12",
}
_ALL_EXAMPLES = (
    "«hằng tháng ngày 25», «hằng quý ngày 15 tháng cuối quý», «6 tháng 15/06 và 15/12», "
    "«hằng năm 15/12» hoặc «ngày làm việc thứ 5 của tháng»"
)


class RuleError(InputError):
    """A rule that cannot be read: ``str(exc)`` says why in Vietnamese and shows
    a valid rule (``example``)."""

    def __init__(self, why: str, every: str | None = None) -> None:
        self.why = why
        self.example = EXAMPLES.get(every or "", EXAMPLES[MONTH])
        shown = f"«{self.example}»" if every in EXAMPLES else _ALL_EXAMPLES
        super().__init__(f"{why}; hãy ghi theo mẫu {shown}")


class WorkingDays(Protocol):
    """What a due date needs of a calendar (``reminders.calendar.OfficeCalendar``)."""

    def previous_working_day(self, day: date) -> date: ...

    def working_days_in_month(self, year: int, month: int) -> int: ...

    def nth_working_day_of_month(self, year: int, month: int, n: int) -> date: ...


@dataclass(frozen=True)
class Anchor:
    """Where a period's due date lies: in the ``month``-th month from the
    period's first (0: the first; the period's length in months: the month just
    after the period), on ``day`` (1-31, or LAST), or with ``working`` on the
    ``day``-th working day of that month (LAST: its last working day)."""

    month: int = 0
    day: int = 1
    working: bool = False


@dataclass(frozen=True)
class Rule:
    """A series' recurrence: ``every`` period (WEEK, MONTH, QUARTER, HALF, YEAR),
    due on ``weekday`` (WEEK; 0 = Monday) or at ``anchors`` (one; for HALF one
    per half-year, the first half's first)."""

    every: str
    anchors: tuple[Anchor, ...] = ()
    weekday: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "anchors", tuple(self.anchors))
        _check(self)

    def __str__(self) -> str:
        return _render(self)

    def anchor_for(self, period: Period) -> Anchor:
        if self.every == HALF and period.start.month > 6:
            return self.anchors[1]
        return self.anchors[0]


@dataclass(frozen=True)
class Period:
    """A period of a series: ``start`` to ``end``, both included."""

    every: str
    start: date
    end: date

    @property
    def label(self) -> str:
        """How officers name it: "Tháng 12/2026", "Quý IV/2026", "6 tháng cuối năm 2026"..."""
        year = self.start.year
        if self.every == WEEK:
            iso_year, week, _ = self.start.isocalendar()
            return f"Tuần {week:02d}/{iso_year} ({self.start:%d/%m}–{self.end:%d/%m/%Y})"
        if self.every == MONTH:
            return f"Tháng {self.start.month:02d}/{year}"
        if self.every == QUARTER:
            return f"Quý {_ROMAN[(self.start.month - 1) // 3]}/{year}"
        if self.every == HALF:
            return f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {year}"
        return f"Năm {year}"

    @property
    def key(self) -> str:
        """Unique among the periods of one frequency: "2026-W23", "2026-12", "2026-Q4", "2026-H2", "2026"."""
        year = self.start.year
        if self.every == WEEK:
            iso_year, week, _ = self.start.isocalendar()
            return f"{iso_year}-W{week:02d}"
        if self.every == MONTH:
            return f"{year}-{self.start.month:02d}"
        if self.every == QUARTER:
            return f"{year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.every == HALF:
            return f"{year}-H{1 if self.start.month == 1 else 2}"
        return f"{year}"


@dataclass(frozen=True)
class Instance:
    """One period's task: its period, the date the rule names (``nominal``, after
    a missing day became the month's last) and the due date (``due``, moved back
    to a working day)."""

    period: Period
    nominal: date
    due: date


# -- periods and due dates ---------------------------------------------------------------


def _last_day(year: int, month: int) -> int:
    return _calendar.monthrange(year, month)[1]


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def period_of(rule: Rule, day: date) -> Period:
    """The period of ``rule``'s series that holds ``day``."""
    if rule.every == WEEK:
        start = day - timedelta(days=day.weekday())
        return Period(WEEK, start, start + timedelta(days=6))
    months = _MONTHS[rule.every]
    first = (day.month - 1) // months * months + 1
    year, last = _add_months(day.year, first, months - 1)
    return Period(rule.every, date(day.year, first, 1), date(year, last, _last_day(year, last)))


def next_period(rule: Rule, period: Period) -> Period:
    return period_of(rule, period.end + ONE_DAY)


def previous_period(rule: Rule, period: Period) -> Period:
    return period_of(rule, period.start - ONE_DAY)


def instance(rule: Rule, period: Period, calendar: WorkingDays) -> Instance:
    """``period``'s instance: the date the rule names and its due date (see the module's rule)."""
    if rule.every == WEEK:
        nominal = period.start + timedelta(days=rule.weekday or 0)
        return Instance(period, nominal, calendar.previous_working_day(nominal))
    anchor = rule.anchor_for(period)
    year, month = _add_months(period.start.year, period.start.month, anchor.month)
    if anchor.working:
        count = calendar.working_days_in_month(year, month)
        if count == 0:  # a month without a working day: its last day, moved back
            nominal = date(year, month, _last_day(year, month))
            return Instance(period, nominal, calendar.previous_working_day(nominal))
        n = LAST if anchor.day == LAST or anchor.day > count else anchor.day
        day = calendar.nth_working_day_of_month(year, month, n)
        return Instance(period, day, day)
    last = _last_day(year, month)
    nominal = date(year, month, last if anchor.day == LAST else min(anchor.day, last))
    return Instance(period, nominal, calendar.previous_working_day(nominal))


def due_date(rule: Rule, period: Period, calendar: WorkingDays) -> date:
    """The due date of ``period``'s instance."""
    return instance(rule, period, calendar).due


def first_instance(rule: Rule, day: date, calendar: WorkingDays, *, after: date | None = None) -> Instance:
    """The instance a series created (or edited) on ``day`` starts with: the first,
    in period order, whose due date is ``day`` or later, among the periods that
    start after ``after`` (the end of the last period already made), if given."""
    return next(instances_from(rule, day, calendar, after=after))


def instances_from(rule: Rule, day: date, calendar: WorkingDays, *, after: date | None = None) -> Iterator[Instance]:
    """``first_instance`` and every later period's instance, in order (endless)."""
    period = previous_period(rule, period_of(rule, day))
    if after is not None and period.start <= after:
        period = next_period(rule, period_of(rule, after))
    started = False
    while True:
        current = instance(rule, period, calendar)
        if started or current.due >= day:
            started = True
            yield current
        period = next_period(rule, period)


# -- checking and writing rules ------------------------------------------------------------


def _check(rule: Rule) -> None:
    if rule.every not in EVERY:
        raise RuleError(f"không có định kỳ «{rule.every}»")
    if rule.every == WEEK:
        if rule.weekday is None or not 0 <= rule.weekday <= 6 or rule.anchors:
            raise RuleError("định kỳ hằng tuần cần một thứ trong tuần", WEEK)
        return
    if rule.weekday is not None:
        raise RuleError("chỉ định kỳ hằng tuần mới ghi thứ trong tuần", rule.every)
    wanted = 2 if rule.every == HALF else 1
    if len(rule.anchors) != wanted:
        raise RuleError("thiếu ngày đến hạn", rule.every)
    months = _MONTHS[rule.every]
    for anchor in rule.anchors:
        if anchor.working:
            if rule.every in (HALF, YEAR):
                raise RuleError("định kỳ 6 tháng và hằng năm ghi ngày đến hạn dạng ngày/tháng", rule.every)
            if not (anchor.day == LAST or 1 <= anchor.day <= MAX_WORKING_DAY):
                raise RuleError(
                    f"ngày làm việc thứ {anchor.day} không có: chỉ nhận từ thứ 1 đến thứ {MAX_WORKING_DAY}",
                    rule.every,
                )
        elif rule.every in (HALF, YEAR):
            if not 0 <= anchor.month < months:
                raise RuleError("ngày đến hạn phải nằm trong kỳ", rule.every)
        elif not (anchor.day == LAST or 1 <= anchor.day <= 31):
            raise RuleError(f"không có ngày {anchor.day} trong tháng: chỉ nhận ngày 1 đến 31", rule.every)
        if not 0 <= anchor.month <= months:
            raise RuleError("tháng đến hạn phải nằm trong kỳ hoặc ngay sau kỳ", rule.every)
    if rule.every in (HALF, YEAR):
        for index, anchor in enumerate(rule.anchors):
            month = anchor.month + 1 + 6 * index
            if not 1 <= anchor.day <= _last_day(2000, month):  # 2000: a leap year, so 29/02 is a date
                raise RuleError(f"ngày {anchor.day:02d}/{month:02d} không có thật", rule.every)


def _render(rule: Rule) -> str:
    if rule.every == WEEK:
        return f"hằng tuần {WEEKDAYS_VI[rule.weekday or 0]}"
    if rule.every == HALF:
        first, second = rule.anchors
        return f"6 tháng {first.day:02d}/{first.month + 1:02d} và {second.day:02d}/{second.month + 7:02d}"
    (anchor,) = rule.anchors
    if rule.every == YEAR:
        return f"hằng năm {anchor.day:02d}/{anchor.month + 1:02d}"
    if rule.every == MONTH:
        when = "tháng sau" if anchor.month == 1 else ""
        if anchor.day == LAST and not anchor.working:
            return "hằng tháng ngày cuối tháng" + (" sau" if when else "")
        return " ".join(filter(None, ("hằng tháng", _day_words(anchor), when)))
    month = ("tháng đầu quý", "tháng giữa quý", "tháng cuối quý", "tháng đầu quý sau")[anchor.month]
    if anchor.day == LAST and not anchor.working:
        return "hằng quý ngày cuối quý" if anchor.month == 2 else f"hằng quý ngày cuối {month}"
    return f"hằng quý {_day_words(anchor)} {month}"


def _day_words(anchor: Anchor) -> str:
    if anchor.working:
        return "ngày làm việc cuối cùng" if anchor.day == LAST else f"ngày làm việc thứ {anchor.day}"
    return f"ngày {anchor.day}"


# -- reading rules --------------------------------------------------------------------------

_NUMBER_WORDS = {
    "nhat": 1,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "tu": 4,
    "bon": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
}
_ORDINAL = r"(\d{1,2}|nhat|hai|ba|tu|bon|nam|sau|bay|tam|chin|muoi)"
_WEEKDAY = r"(2|3|4|5|6|7|hai|ba|tu|nam|sau|bay)"

# Words that say nothing a rule needs: "every", "by", "of", "report"...
_FILLERS = frozenset(
    "hang moi theo dinh ky vao cua truoc cham nhat han la luc mot lan va hoac bao cao gui nop trong "
    "cac tung ngay den het nhiem vu thuc hien ke tu phai chot".split()
)

_UNIT_WORDS = {"tuan": WEEK, "thang": MONTH, "quy": QUARTER, "nam": YEAR}
_POSITIONS = {
    "dau": "first",
    "giua": "middle",
    "cuoi": "last",
    "1": "first",
    "2": "middle",
    "3": "last",
    "nhat": "first",
    "hai": "middle",
    "ba": "last",
}


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _fold(text: str) -> str:
    text = fold(nfc(text))
    text = re.sub(r"(?<=\d)\s*[./\-]\s*(?=\d)", "/", text)  # 15.06, 15-06, 15 / 06 → 15/06
    text = re.sub(r"(?<!\d)/|/(?!\d)", " ", text)  # "6 tháng/lần"
    text = re.sub(r"[^\w/]+", " ", text)
    return f" {' '.join(text.split())} "


class _Reading:
    """What the pieces of a typed rule say, gathered as they are taken out of it."""

    def __init__(self, text: str) -> None:
        self.rest = _fold(text)
        self.units: list[str] = []  # frequencies named outright ("hằng tháng")
        self.implied: list[str] = []  # frequencies a piece implies ("cuối quý")
        self.day: int | None = None
        self.working = False
        self.position: str | None = None  # month in the period: first, middle, last, next
        self.dates: list[tuple[int, int]] = []
        self.weekday: int | None = None

    def take(self, pattern: str) -> list[re.Match[str]]:
        found = list(re.finditer(pattern, self.rest))
        if found:
            self.rest = f" {' '.join(re.sub(pattern, ' ', self.rest).split())} "
        return found

    def set_day(self, day: int, working: bool = False) -> None:
        if self.day is not None and (self.day, self.working) != (day, working):
            raise RuleError("quy tắc ghi hai ngày đến hạn khác nhau")
        self.day, self.working = day, working

    def set_position(self, position: str) -> None:
        if self.position is not None and self.position != position:
            raise RuleError("quy tắc ghi hai tháng đến hạn khác nhau")
        self.position = position


def parse(text: str) -> Rule:
    """The rule typed in ``text``; ``RuleError`` when it cannot be read.

    The pieces of a rule are taken out of the folded text one kind after the
    other (dates, half-years, working days, the month in the period, last days,
    day numbers, weekdays); what is left must be frequency words and words that
    say nothing a rule needs."""
    shown = " ".join(nfc(str(text or "")).split())
    if not shown:
        raise RuleError("chưa ghi quy tắc định kỳ")
    r = _Reading(shown)
    if r.take(r" (hang|moi) ngay(?= )(?! lam viec)"):
        raise RuleError(f"chưa nhận việc định kỳ hằng ngày («{shown}»)")
    _take_dates_and_halves(r)
    _take_working_days(r)
    _take_months_of_the_period(r)
    _take_last_days(r)
    for m in r.take(r" (\d{1,2})/(\d{1,2})(/\d{1,4})?(?= )"):
        if m.group(3):
            raise RuleError(
                f"quy tắc định kỳ không ghi năm («{m.group(0).strip()}»)", HALF if HALF in r.units else YEAR
            )
        r.dates.append((int(m.group(1)), int(m.group(2))))
    for m in r.take(r" ngay (\d{1,3})(?= )"):
        r.set_day(int(m.group(1)))
    _take_weekday(r, shown)
    every = _frequency(r, shown)
    return _build(every, r, shown)


def _take_dates_and_halves(r: _Reading) -> None:
    # Dates written with "tháng" first ("ngày 6 tháng 12"), then half-years ("6 tháng", "sáu tháng"),
    # unless "6" is a day ("ngày 6 tháng sau") or a weekday ("thứ sáu").
    for m in r.take(r" ngay (\d{1,2}) thang (\d{1,2})(?= )| (\d{1,2}) thang (\d{1,2})(?= )"):
        day, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        r.dates.append((int(day), int(month)))
    if r.take(
        r" (?<!thu )(?<!ngay )(6|sau) thang( mot lan)?(?= )"
        r"| nua nam( mot lan)?(?= )| hai lan (mot|moi) nam(?= )"
    ):
        r.units.append(HALF)


def _take_working_days(r: _Reading) -> None:
    for m in r.take(r" ngay lam viec (thu " + _ORDINAL + r"|dau tien|cuoi cung|cuoi)(?= )"):
        word = m.group(1)
        if word == "dau tien":
            r.set_day(1, working=True)
        elif word.startswith("cuoi"):
            r.set_day(LAST, working=True)
        else:
            r.set_day(_number(m.group(2)), working=True)


def _take_months_of_the_period(r: _Reading) -> None:
    """ "tháng cuối quý", "tháng đầu quý sau", "tháng thứ 2 của quý", "tháng sau"."""
    for m in r.take(
        r" thang (dau|giua|cuoi|thu (1|2|3|nhat|hai|ba)) (cua )?(moi )?(quy|ky)"
        r"( sau| tiep theo| ke tiep)?(?= )"
    ):
        position = _POSITIONS[m.group(2) or m.group(1)]
        if m.group(6):
            if position != "first":
                raise RuleError("sau kỳ chỉ nhận «tháng đầu quý sau»", QUARTER)
            position = "next"
        r.set_position(position)
        r.implied.append(QUARTER if m.group(5) == "quy" else "")
    if r.take(r" thang (sau|tiep theo|ke tiep)(?= )| (bao cao |so lieu )?(cua )?thang truoc(?= )"):
        r.set_position("next")  # "ngày 5 hằng tháng, báo cáo tháng trước": a month's report due the next month
    r.take(r" (1|mot) lan(?= )")  # "mỗi tháng 1 lần"


def _take_last_days(r: _Reading) -> None:
    """ "ngày cuối tháng", "cuối mỗi quý", "ngày cuối cùng của năm", "ngày cuối"."""
    for m in r.take(r" (ngay )?cuoi (cung )?(cua )?(moi )?(thang|quy|nam|ky)(?= )"):
        r.set_day(LAST)
        unit = m.group(5)
        if unit == "quy":
            r.set_position("last")
            r.implied.append(QUARTER)
        elif unit == "nam":
            r.implied.append(YEAR)
            r.dates.append((31, 12))
            r.day = None
        elif unit == "thang":
            r.implied.append(MONTH)
    if r.take(r" ngay cuoi( cung)?(?= )"):
        r.set_day(LAST)


def _take_weekday(r: _Reading, shown: str) -> None:
    weekdays = {_number(m.group(1)) - 2 for m in r.take(r" thu " + _WEEKDAY + r"(?= )")}
    if r.take(r" (chu nhat|cn)(?= )"):
        weekdays.add(6)
    if len(weekdays) > 1:
        raise RuleError(f"«{shown}» ghi nhiều thứ trong tuần: mỗi việc định kỳ chỉ nhận một thứ", WEEK)
    r.weekday = weekdays.pop() if weekdays else None


def _frequency(r: _Reading, shown: str) -> str:
    """The one frequency the rule names (or implies); the words left must all be known."""
    words = r.rest.split()
    units = list(dict.fromkeys(r.units + [_UNIT_WORDS[word] for word in words if word in _UNIT_WORDS]))
    units = units or list(dict.fromkeys(u for u in r.implied if u))
    if not units and r.weekday is not None:
        units = [WEEK]
    if not units and r.day is not None:
        units = [MONTH]
    if len(units) != 1:
        if not units:
            raise RuleError(f"không rõ «{shown}» lặp lại theo tuần, tháng, quý, 6 tháng hay năm")
        raise RuleError(f"«{shown}» ghi nhiều định kỳ cùng lúc")
    every = units[0]
    unknown = [word for word in words if word not in _UNIT_WORDS and word not in _FILLERS and not word.isdigit()]
    if unknown:
        raise RuleError(f"không hiểu «{' '.join(unknown)}» trong «{shown}»", every)
    numbers = [word for word in words if word.isdigit()]
    if numbers:  # "25 hằng tháng": a lone number is the day
        if len(numbers) == 1 and r.day is None and not r.dates and every in (MONTH, QUARTER):
            r.set_day(int(numbers[0]))
        else:
            raise RuleError(f"không hiểu số «{' '.join(numbers)}» trong «{shown}»", every)
    return every


def _build(every: str, r: _Reading, shown: str) -> Rule:
    if every == WEEK:
        if r.weekday is None:
            raise RuleError(f"«{shown}» chưa ghi thứ mấy trong tuần", WEEK)
        if r.day is not None or r.dates or r.position:
            raise RuleError(f"định kỳ hằng tuần chỉ ghi thứ trong tuần («{shown}»)", WEEK)
        return Rule(WEEK, weekday=r.weekday)
    if r.weekday is not None:
        raise RuleError(f"thứ trong tuần chỉ dùng cho định kỳ hằng tuần («{shown}»)", every)
    if every in (MONTH, QUARTER):
        if r.dates and every == QUARTER and r.day is None and r.position is None:
            # "hằng quý 18/3, 18/6, 18/9, 18/12": the same day of the same month of each quarter
            places = {((month - 1) % 3, day) for day, month in r.dates}
            if len(places) == 1 and all(1 <= m <= 12 and 1 <= d <= _last_day(2000, m) for d, m in r.dates):
                ((month, day),) = places
                return Rule(QUARTER, (Anchor(month, day),))
            raise RuleError("các ngày đến hạn của định kỳ hằng quý phải cùng ngày, cùng tháng trong quý", QUARTER)
        if r.dates:
            raise RuleError(f"định kỳ {'hằng tháng' if every == MONTH else 'hằng quý'} không ghi ngày/tháng", every)
        if r.day is None:
            raise RuleError(f"«{shown}» chưa ghi ngày đến hạn", every)
        if every == MONTH:
            if r.position not in (None, "next"):
                raise RuleError("tháng đầu, giữa, cuối quý chỉ dùng cho định kỳ hằng quý", MONTH)
            month = 1 if r.position == "next" else 0
        else:
            month = {"first": 0, "middle": 1, "last": 2, "next": 3, None: 2}[r.position]
        return Rule(every, (Anchor(month, r.day, r.working),))
    if r.working:
        raise RuleError("định kỳ 6 tháng và hằng năm ghi ngày đến hạn dạng ngày/tháng", every)
    dates = sorted(set(r.dates), key=lambda d: (d[1], d[0]))
    if r.day is not None:  # "ngày 15 tháng cuối kỳ", "ngày cuối kỳ"
        if dates or r.position not in ("first", "last", None):
            raise RuleError(f"không hiểu ngày đến hạn trong «{shown}»", every)
        if r.position is None and r.day != LAST:
            raise RuleError(
                f"«{shown}» cần đúng một ngày/tháng đến hạn" + (" cho mỗi 6 tháng" if every == HALF else ""), every
            )
        months = _MONTHS[every]
        month = 1 if r.position == "first" else months
        starts = (1, 7) if every == HALF else (1,)
        dates = []
        for start in starts:
            real = start + month - 1
            dates.append((_last_day(2001, real) if r.day == LAST else r.day, real))
    for day, month in dates:
        if not 1 <= month <= 12 or not 1 <= day <= _last_day(2000, month):
            raise RuleError(f"ngày {day:02d}/{month:02d} không có thật", every)
    if every == YEAR:
        if len(dates) != 1:
            raise RuleError(f"«{shown}» cần đúng một ngày/tháng đến hạn", YEAR)
        day, month = dates[0]
        return Rule(YEAR, (Anchor(month - 1, day),))
    if not 1 <= len(dates) <= 2:
        raise RuleError(f"«{shown}» cần một ngày đến hạn cho mỗi 6 tháng", HALF)
    if len(dates) == 1:  # the same day of the same month of each half, the month's last at most
        day, month = dates[0]
        dates = [(min(day, _last_day(2000, m)), m) for m in ((month - 1) % 6 + 1, (month - 1) % 6 + 7)]
    (day1, month1), (day2, month2) = dates
    if not (month1 <= 6 < month2):
        raise RuleError("hai ngày đến hạn phải một ngày trong 6 tháng đầu năm, một ngày trong 6 tháng cuối năm", HALF)
    return Rule(HALF, (Anchor(month1 - 1, day1), Anchor(month2 - 7, day2)))
