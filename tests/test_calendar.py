"""The office's calendar: the national working days (Tết and substituted days
included) with the office's make-up working days and local days off on top."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminders.calendar import DAY_OFF, HOLIDAY, WORKING_DAY, CalendarEntry, OfficeCalendar

D = date
ONE = timedelta(days=1)
VN = OfficeCalendar()  # mon-fri, VN holidays, no overrides

# Vietnam 2026: 31/08 (Monday) is a day off substituted for Saturday 22/08, worked instead.
MAKE_UP_2026 = D(2026, 8, 22)
FESTIVAL = D(2026, 3, 25)  # a Wednesday: a local festival, the province gives the day off
OFFICE = OfficeCalendar(
    working_days={MAKE_UP_2026: "Làm bù cho ngày 31/08/2026"},
    days_off={FESTIVAL: "Lễ hội truyền thống của tỉnh"},
)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def brute_after(cal: OfficeCalendar, start: date, end: date) -> int:
    return sum(cal.is_working_day(d) for d in days(start + ONE, end)) if end > start else 0


# -- the national calendar, as the reminder policy always had it ------------------------------


@pytest.mark.parametrize(
    ("day", "working", "name"),
    [
        (D(2027, 2, 3), True, None),  # the last working day before Tết 2027
        (D(2027, 2, 4), False, "29 Tết"),
        (D(2027, 2, 5), False, "Giao thừa Tết Nguyên Đán"),
        (D(2027, 2, 8), False, "Mùng ba Tết Nguyên Đán"),
        (D(2027, 2, 10), False, "Mùng năm Tết Nguyên Đán"),
        (D(2027, 2, 11), True, None),  # back at work
        (D(2027, 5, 3), False, "Ngày Quốc tế Lao động (nghỉ bù)"),  # 1/5/2027 is a Saturday
        (D(2026, 4, 27), False, "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),  # 10/3 lunar on a Sunday
        (D(2026, 8, 31), False, "Ngày nghỉ (thay cho ngày 22/08/2026)"),  # substituted day off
        (D(2026, 8, 22), False, None),  # ... and the Saturday worked for it: not known nationally
        (D(2024, 4, 29), False, "Ngày nghỉ (thay cho ngày 04/05/2024)"),
    ],
)
def test_national_calendar(day: date, working: bool, name: str | None) -> None:
    assert VN.is_working_day(day) is working
    assert VN.holiday_name(day) == name


def test_tet_2027_in_working_days() -> None:
    # February 2027: 20 weekdays, five of them Tết (4, 5, 8, 9, 10).
    assert VN.working_days_in_month(2027, 2) == 15
    assert VN.working_days_between(D(2027, 2, 1), D(2027, 2, 14)) == 5  # 1, 2, 3, 11, 12
    assert VN.add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 11)
    assert VN.previous_working_day(D(2027, 2, 10)) == D(2027, 2, 3)
    assert VN.next_working_day(D(2027, 2, 6)) == D(2027, 2, 11)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, D(2027, 2, 1)),
        (3, D(2027, 2, 3)),
        (4, D(2027, 2, 11)),
        (15, D(2027, 2, 26)),
        (-1, D(2027, 2, 26)),
        (-2, D(2027, 2, 25)),
        (-15, D(2027, 2, 1)),
    ],
)
def test_nth_working_day_of_month(n: int, expected: date) -> None:
    assert VN.nth_working_day_of_month(2027, 2, n) == expected


@pytest.mark.parametrize("n", [0, 16, -16])
def test_nth_working_day_beyond_the_month(n: int) -> None:
    with pytest.raises(ValueError, match="Tháng 02/2027 chỉ có 15 ngày làm việc"):
        VN.nth_working_day_of_month(2027, 2, n)


def test_working_days_between_includes_both_ends() -> None:
    assert VN.working_days_between(D(2026, 3, 9), D(2026, 3, 13)) == 5  # Monday to Friday
    assert VN.working_days_between(D(2026, 3, 9), D(2026, 3, 9)) == 1
    assert VN.working_days_between(D(2026, 3, 14), D(2026, 3, 15)) == 0  # a weekend
    assert VN.working_days_between(D(2026, 3, 13), D(2026, 3, 9)) == 0


# -- the office's overrides --------------------------------------------------------------------


def test_make_up_saturday_is_a_working_day() -> None:
    assert not VN.is_working_day(MAKE_UP_2026)
    assert OFFICE.is_working_day(MAKE_UP_2026)
    assert OFFICE.off_reason(MAKE_UP_2026) is None
    assert OFFICE.previous_working_day(D(2026, 8, 23)) == MAKE_UP_2026
    assert OFFICE.add_working_days(D(2026, 8, 21), 1) == MAKE_UP_2026
    assert VN.add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 24)
    # August 2026: 21 weekdays less 31/08, plus the Saturday worked.
    assert VN.working_days_in_month(2026, 8) == 20
    assert OFFICE.working_days_in_month(2026, 8) == 21
    assert OFFICE.nth_working_day_of_month(2026, 8, 16) == MAKE_UP_2026
    assert OFFICE.working_days_after(D(2026, 8, 20), D(2026, 8, 24)) == 3  # 21, 22, 24


def test_local_day_off_moves_what_falls_on_it() -> None:
    assert VN.is_working_day(FESTIVAL)
    assert not OFFICE.is_working_day(FESTIVAL)
    assert OFFICE.off_reason(FESTIVAL) == "Lễ hội truyền thống của tỉnh"
    assert OFFICE.previous_working_day(FESTIVAL) == D(2026, 3, 24)
    assert OFFICE.next_working_day(FESTIVAL) == D(2026, 3, 26)
    assert OFFICE.add_working_days(D(2026, 3, 24), 1) == D(2026, 3, 26)
    assert OFFICE.working_days_after(D(2026, 3, 22), D(2026, 3, 29)) == 4
    assert VN.working_days_after(D(2026, 3, 22), D(2026, 3, 29)) == 5


def test_office_decision_wins_over_a_holiday() -> None:
    cal = OfficeCalendar(working_days=[D(2027, 2, 10)])  # Mùng năm Tết worked
    assert cal.is_working_day(D(2027, 2, 10))
    assert cal.holiday_name(D(2027, 2, 10)) == "Mùng năm Tết Nguyên Đán"
    assert cal.working_days_in_month(2027, 2) == 16


def test_off_reasons() -> None:
    assert OFFICE.off_reason(D(2026, 3, 10)) is None
    assert OFFICE.off_reason(D(2026, 3, 14)) == "Thứ Bảy"
    assert OFFICE.off_reason(D(2026, 3, 15)) == "Chủ nhật"
    assert OFFICE.off_reason(D(2027, 2, 5)) == "Giao thừa Tết Nguyên Đán"
    assert OfficeCalendar(days_off=[D(2026, 3, 10)]).off_reason(D(2026, 3, 10)) == "Ngày nghỉ của cơ quan"


def test_a_day_cannot_be_both() -> None:
    with pytest.raises(ValueError, match="Ngày 22/08/2026 vừa được ghi là ngày làm việc vừa được ghi là ngày nghỉ"):
        OfficeCalendar(working_days=[MAKE_UP_2026], days_off={MAKE_UP_2026: "nghỉ"})


def test_with_overrides_keeps_the_week_and_holidays() -> None:
    base = OfficeCalendar("mon-sat", "none")
    cal = base.with_overrides(days_off={D(2026, 3, 14): "Họp dân"})
    assert cal.work_week == base.work_week and cal.public_holidays == "none"
    assert not cal.is_working_day(D(2026, 3, 14)) and base.is_working_day(D(2026, 3, 14))
    assert base.days_off == {} and base.working_days == {}


def test_entries_of_a_year() -> None:
    listed = OFFICE.entries(2026)
    assert listed == sorted(listed, key=lambda e: e.day)
    assert CalendarEntry(D(2026, 2, 17), HOLIDAY, "Tết Nguyên Đán") in listed
    assert CalendarEntry(FESTIVAL, DAY_OFF, "Lễ hội truyền thống của tỉnh") in listed
    assert CalendarEntry(MAKE_UP_2026, WORKING_DAY, "Làm bù cho ngày 31/08/2026") in listed
    assert all(e.day.year == 2026 for e in listed)
    assert OFFICE.entries(2027) == VN.entries(2027)
    # An override replaces the holiday of its day.
    cal = OfficeCalendar(working_days={D(2027, 2, 10): "Trực Tết"})
    assert CalendarEntry(D(2027, 2, 10), WORKING_DAY, "Trực Tết") in cal.entries(2027)
    assert not any(e.day == D(2027, 2, 10) and e.kind == HOLIDAY for e in cal.entries(2027))


@pytest.mark.parametrize(("week", "holidays"), [("fri-mon", "VN"), ("", "VN"), ("mon-fri", "UK")])
def test_bad_specs_are_refused_as_before(week: str, holidays: str) -> None:
    with pytest.raises(ValueError, match="không hợp lệ|trống"):
        OfficeCalendar(week, holidays)


# -- the arithmetic agrees with counting day by day, overrides or not --------------------------

override_days = st.dates(D(2025, 12, 1), D(2027, 3, 31))
calendars = st.builds(
    lambda week, holidays, extra, off: OfficeCalendar(
        week, holidays, working_days=extra - off, days_off={d: "nghỉ" for d in off}
    ),
    st.sampled_from(["mon-fri", "mon-sat", "mon,wed,fri,sun"]),
    st.sampled_from(["VN", "none"]),
    st.frozensets(override_days, max_size=8),
    st.frozensets(override_days, max_size=8),
)


@settings(max_examples=150, deadline=None)
@given(calendars, st.dates(D(2025, 12, 1), D(2027, 3, 31)), st.integers(0, 120))
def test_counting_agrees_with_day_by_day(cal: OfficeCalendar, start: date, span: int) -> None:
    end = start + timedelta(days=span)
    assert cal.working_days_after(start, end) == brute_after(cal, start, end)
    assert cal.working_days_between(start, end) == brute_after(cal, start - ONE, end)


@settings(max_examples=150, deadline=None)
@given(calendars, st.dates(D(2026, 1, 1), D(2026, 12, 31)), st.integers(-30, 30))
def test_add_working_days_inverts_counting(cal: OfficeCalendar, day: date, n: int) -> None:
    result = cal.add_working_days(day, n)
    assert cal.is_working_day(result)
    if n > 0:
        assert result > day and cal.working_days_after(day, result) == n
    elif n < 0:
        assert result < day and cal.working_days_after(result - ONE, day - ONE) == -n
    else:
        assert result >= day and cal.working_days_after(day - ONE, result - ONE) == 0
    previous = cal.previous_working_day(day)
    assert previous <= day and cal.is_working_day(previous) and cal.working_days_after(previous, day) == 0


@settings(max_examples=60, deadline=None)
@given(calendars, st.integers(2026, 2026), st.integers(1, 12))
def test_nth_working_day_walks_the_month(cal: OfficeCalendar, year: int, month: int) -> None:
    count = cal.working_days_in_month(year, month)
    listed = [
        d
        for d in days(D(year, month, 1), D(year, month, 28) + timedelta(days=3))
        if d.month == month and cal.is_working_day(d)
    ]
    assert count == len(listed)
    assert [cal.nth_working_day_of_month(year, month, n) for n in range(1, count + 1)] == listed
    assert [cal.nth_working_day_of_month(year, month, -n) for n in range(1, count + 1)] == listed[::-1]
