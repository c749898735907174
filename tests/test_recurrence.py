"""Recurring tasks: reading the rules officers type, the periods of a series and
each period's due date on the office's calendar (month ends, quarter ends, Tết
and substituted days, a make-up Saturday, a local day off), the instance a
series starts with when created mid-period, and editing a series."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminders.calendar import OfficeCalendar
from tracking.parse import InputError
from tracking.recurrence import (
    HALF,
    LAST,
    MONTH,
    QUARTER,
    WEEK,
    YEAR,
    Anchor,
    Instance,
    Period,
    Rule,
    RuleError,
    due_date,
    first_instance,
    instance,
    instances_from,
    next_period,
    parse,
    period_of,
    previous_period,
)

D = date
VN = OfficeCalendar()  # mon-fri, Vietnam's public holidays, no office overrides
PHRASINGS = Path(__file__).parent / "data" / "recurrence_phrasings.txt"


def read_phrasings() -> list[tuple[str, str, str]]:
    """(half, typed, canonical or "!") of every line of the phrasings file."""
    rows, half = [], ""
    for line in PHRASINGS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            half = line[1:-1]
        elif line and not line.startswith("#"):
            typed, _, expected = line.partition("=>")
            rows.append((half, typed.strip(), expected.strip()))
    return rows


# -- reading rules ---------------------------------------------------------------------------------


def test_the_phrasings_file_has_two_halves_of_enough_phrasings() -> None:
    rows = read_phrasings()
    halves = {half for half, _, _ in rows}
    assert halves == {"A", "B"}
    assert len(rows) >= 40
    assert all(sum(h == half for h, _, _ in rows) >= 20 for half in halves)


@pytest.mark.parametrize(
    ("half", "typed", "expected"), read_phrasings(), ids=[f"{h}:{t}" for h, t, _ in read_phrasings()]
)
def test_phrasings(half: str, typed: str, expected: str) -> None:
    if expected == "!":
        with pytest.raises(RuleError):
            parse(typed)
        return
    rule = parse(typed)
    assert str(rule) == expected
    assert parse(expected) == rule


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hằng tháng ngày 25", Rule(MONTH, (Anchor(0, 25),))),
        ("hằng tháng ngày cuối tháng", Rule(MONTH, (Anchor(0, LAST),))),
        ("hằng tháng ngày 5 tháng sau", Rule(MONTH, (Anchor(1, 5),))),
        ("ngày làm việc thứ 5 của tháng", Rule(MONTH, (Anchor(0, 5, working=True),))),
        ("ngay lam viec cuoi cung cua thang", Rule(MONTH, (Anchor(0, LAST, working=True),))),
        ("hằng quý ngày 15 tháng cuối quý", Rule(QUARTER, (Anchor(2, 15),))),
        ("hằng quý ngày 10 tháng đầu quý", Rule(QUARTER, (Anchor(0, 10),))),
        ("hằng quý ngày 5 tháng đầu quý sau", Rule(QUARTER, (Anchor(3, 5),))),
        ("hằng quý 18/3, 18/6, 18/9, 18/12", Rule(QUARTER, (Anchor(2, 18),))),
        ("6 tháng 15/06 và 15/12", Rule(HALF, (Anchor(5, 15), Anchor(5, 15)))),
        ("6 tháng 31/12", Rule(HALF, (Anchor(5, 30), Anchor(5, 31)))),  # June has 30 days
        ("6 tháng ngày cuối kỳ", Rule(HALF, (Anchor(5, 30), Anchor(5, 31)))),
        ("hằng năm 15/12", Rule(YEAR, (Anchor(11, 15),))),
        ("hằng năm 29/02", Rule(YEAR, (Anchor(1, 29),))),
        ("hằng tuần thứ 2", Rule(WEEK, weekday=0)),
        ("thứ năm hàng tuần", Rule(WEEK, weekday=3)),
        ("HẰNG TUẦN CHỦ NHẬT", Rule(WEEK, weekday=6)),
        ("mỗi ngày làm việc thứ 5 của tháng", Rule(MONTH, (Anchor(0, 5, working=True),))),
        ("ngày 5 hằng tháng (báo cáo tháng trước)", Rule(MONTH, (Anchor(1, 5),))),
        ("6 tháng/lần 15/6 và 15/12", Rule(HALF, (Anchor(5, 15), Anchor(5, 15)))),
        ("hạn chót ngày 25 hằng tháng", Rule(MONTH, (Anchor(0, 25),))),
        ("mỗi tháng 1 lần vào ngày 20", Rule(MONTH, (Anchor(0, 20),))),
        ("25 hàng tháng", Rule(MONTH, (Anchor(0, 25),))),
    ],
)
def test_rules_read(typed: str, expected: Rule) -> None:
    assert parse(typed) == expected


@pytest.mark.parametrize(
    ("typed", "why", "example"),
    [
        ("", "chưa ghi quy tắc định kỳ", "hằng tháng ngày 25"),
        ("hằng tháng", "chưa ghi ngày đến hạn", "hằng tháng ngày 25"),
        ("hằng tháng ngày 32", "không có ngày 32", "hằng tháng ngày 25"),
        ("hằng quý ngày 40", "không có ngày 40", "hằng quý ngày 15 tháng cuối quý"),
        ("hằng năm 31/04", "ngày 31/04 không có thật", "hằng năm 15/12"),
        ("hằng năm 15/12/2026", "không ghi năm", "hằng năm 15/12"),
        ("hằng năm ngày 15", "cần đúng một ngày/tháng", "hằng năm 15/12"),
        ("6 tháng 15/08 và 15/12", "một ngày trong 6 tháng đầu năm", "6 tháng 15/06 và 15/12"),
        ("hằng tuần", "chưa ghi thứ mấy", "hằng tuần thứ Sáu"),
        ("hằng tháng thứ 2", "chỉ dùng cho định kỳ hằng tuần", "hằng tháng ngày 25"),
        ("hằng tháng ngày 15 tháng cuối quý", "chỉ dùng cho định kỳ hằng quý", "hằng tháng ngày 25"),
        ("hằng tháng ngày làm việc thứ 25", "ngày làm việc thứ 25 không có", "hằng tháng ngày 25"),
        ("hằng ngày", "hằng ngày", "hằng tháng ngày 25"),
        ("khi nào rảnh thì làm", "không rõ", "hằng tháng ngày 25"),
        ("hằng tháng ngày 25 khi nào rảnh", "không hiểu «khi nao ranh»", "hằng tháng ngày 25"),
        ("hằng tháng hằng quý ngày 15", "nhiều định kỳ", "hằng tháng ngày 25"),
        ("hằng tháng ngày 1 và ngày 15", "hai ngày đến hạn khác nhau", "hằng tháng ngày 25"),
        ("hằng tuần thứ 2 và thứ 5", "nhiều thứ trong tuần", "hằng tuần thứ Sáu"),
        ("hằng quý 18/3 và 20/6", "cùng ngày, cùng tháng trong quý", "hằng quý ngày 15 tháng cuối quý"),
        ("hằng quý 31/6", "cùng ngày, cùng tháng trong quý", "hằng quý ngày 15 tháng cuối quý"),
    ],
)
def test_bad_rules_are_refused_with_a_valid_example(typed: str, why: str, example: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse(typed)
    error = caught.value
    assert isinstance(error, InputError)  # a sheet import reports it as a row's error
    assert why in str(error)
    assert error.example == example
    assert f"«{example}»" in str(error)
    assert "hãy ghi theo mẫu" in str(error)
    assert parse(error.example)  # the example given is itself a valid rule


@pytest.mark.parametrize(
    "build",
    [
        lambda: Rule("daily", (Anchor(),)),
        lambda: Rule(WEEK),
        lambda: Rule(WEEK, weekday=7),
        lambda: Rule(MONTH),
        lambda: Rule(MONTH, (Anchor(0, 0),)),
        lambda: Rule(MONTH, (Anchor(2, 5),)),
        lambda: Rule(MONTH, (Anchor(0, 5),), weekday=1),
        lambda: Rule(QUARTER, (Anchor(4, 5),)),
        lambda: Rule(HALF, (Anchor(5, 15),)),
        lambda: Rule(HALF, (Anchor(5, 31), Anchor(5, 31))),  # 31/06
        lambda: Rule(HALF, (Anchor(6, 1), Anchor(5, 1))),
        lambda: Rule(YEAR, (Anchor(1, 30),)),  # 30/02
        lambda: Rule(YEAR, (Anchor(11, 1, working=True),)),
    ],
)
def test_rules_cannot_be_built_wrong(build) -> None:
    with pytest.raises(RuleError):
        build()


def day_anchor(months: int) -> st.SearchStrategy[Anchor]:
    plain = st.builds(Anchor, st.integers(0, months), st.sampled_from([*range(1, 32), LAST]))
    working = st.builds(Anchor, st.integers(0, months), st.sampled_from([*range(1, 21), LAST]), st.just(True))
    return plain | working


def dated_anchor(first_month: int, months: int) -> st.SearchStrategy[Anchor]:
    return st.integers(0, months - 1).flatmap(
        lambda m: st.builds(
            Anchor, st.just(m), st.integers(1, [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][first_month - 1 + m])
        )
    )


rules = st.one_of(
    st.builds(lambda w: Rule(WEEK, weekday=w), st.integers(0, 6)),
    st.builds(lambda a: Rule(MONTH, (a,)), day_anchor(1)),
    st.builds(lambda a: Rule(QUARTER, (a,)), day_anchor(3)),
    st.builds(lambda a, b: Rule(HALF, (a, b)), dated_anchor(1, 6), dated_anchor(7, 6)),
    st.builds(lambda a: Rule(YEAR, (a,)), dated_anchor(1, 12)),
)


@settings(max_examples=400, deadline=None)
@given(rules)
def test_canonical_form_reads_back(rule: Rule) -> None:
    assert parse(str(rule)) == rule
    assert parse(str(rule).upper()) == rule
    assert parse(_unaccented(str(rule))) == rule


def _unaccented(text: str) -> str:
    from kb.text import fold

    return fold(text)


# -- periods ----------------------------------------------------------------------------------------

MONTHLY = parse("hằng tháng ngày 25")
QUARTERLY = parse("hằng quý ngày 15 tháng cuối quý")
HALF_YEARLY = parse("6 tháng 15/06 và 15/12")
YEARLY = parse("hằng năm 15/12")
WEEKLY = parse("hằng tuần thứ Sáu")


@pytest.mark.parametrize(
    ("rule", "day", "start", "end", "label", "key"),
    [
        (MONTHLY, D(2026, 12, 9), D(2026, 12, 1), D(2026, 12, 31), "Tháng 12/2026", "2026-12"),
        (MONTHLY, D(2028, 2, 29), D(2028, 2, 1), D(2028, 2, 29), "Tháng 02/2028", "2028-02"),
        (QUARTERLY, D(2026, 11, 20), D(2026, 10, 1), D(2026, 12, 31), "Quý IV/2026", "2026-Q4"),
        (QUARTERLY, D(2026, 1, 1), D(2026, 1, 1), D(2026, 3, 31), "Quý I/2026", "2026-Q1"),
        (HALF_YEARLY, D(2026, 6, 30), D(2026, 1, 1), D(2026, 6, 30), "6 tháng đầu năm 2026", "2026-H1"),
        (HALF_YEARLY, D(2026, 7, 1), D(2026, 7, 1), D(2026, 12, 31), "6 tháng cuối năm 2026", "2026-H2"),
        (YEARLY, D(2026, 5, 5), D(2026, 1, 1), D(2026, 12, 31), "Năm 2026", "2026"),
        (WEEKLY, D(2026, 6, 3), D(2026, 6, 1), D(2026, 6, 7), "Tuần 23/2026 (01/06–07/06/2026)", "2026-W23"),
        # A week across the new year belongs to the ISO year of its Thursday.
        (WEEKLY, D(2026, 1, 1), D(2025, 12, 29), D(2026, 1, 4), "Tuần 01/2026 (29/12–04/01/2026)", "2026-W01"),
    ],
)
def test_period_of(rule: Rule, day: date, start: date, end: date, label: str, key: str) -> None:
    period = period_of(rule, day)
    assert (period.start, period.end, period.label, period.key) == (start, end, label, key)


@settings(max_examples=200, deadline=None)
@given(rules, st.dates(D(2001, 1, 1), D(2099, 12, 31)))
def test_periods_tile_the_calendar(rule: Rule, day: date) -> None:
    period = period_of(rule, day)
    assert period.start <= day <= period.end
    following = next_period(rule, period)
    assert following.start == period.end + timedelta(days=1)
    assert previous_period(rule, following) == period
    assert following.key > period.key  # keys sort as the periods do


# -- due dates ----------------------------------------------------------------------------------------


def due(typed: str, day: date, cal: OfficeCalendar = VN) -> Instance:
    rule = parse(typed)
    return instance(rule, period_of(rule, day), cal)


@pytest.mark.parametrize(
    ("typed", "day", "nominal", "due_on"),
    [
        # Month ends: a missing day is the month's last, then back to a working day.
        ("hằng tháng ngày 31", D(2026, 3, 2), D(2026, 3, 31), D(2026, 3, 31)),
        ("hằng tháng ngày 31", D(2026, 1, 2), D(2026, 1, 31), D(2026, 1, 30)),  # a Saturday
        ("hằng tháng ngày 31", D(2026, 4, 2), D(2026, 4, 30), D(2026, 4, 29)),  # 30/04 a holiday
        ("hằng tháng ngày 31", D(2026, 6, 2), D(2026, 6, 30), D(2026, 6, 30)),
        ("hằng tháng ngày cuối tháng", D(2026, 11, 2), D(2026, 11, 30), D(2026, 11, 30)),
        # February: leap and common years.
        ("hằng tháng ngày 30", D(2028, 2, 2), D(2028, 2, 29), D(2028, 2, 29)),
        ("hằng tháng ngày 30", D(2027, 2, 2), D(2027, 2, 28), D(2027, 2, 26)),  # 28/02/2027 a Sunday
        ("hằng tháng ngày 29", D(2026, 2, 2), D(2026, 2, 28), D(2026, 2, 27)),
        ("hằng tháng ngày cuối tháng", D(2028, 2, 2), D(2028, 2, 29), D(2028, 2, 29)),
        ("hằng năm 29/02", D(2028, 6, 1), D(2028, 2, 29), D(2028, 2, 29)),
        ("hằng năm 29/02", D(2026, 6, 1), D(2026, 2, 28), D(2026, 2, 27)),
        # Quarter ends.
        ("hằng quý ngày cuối quý", D(2026, 2, 2), D(2026, 3, 31), D(2026, 3, 31)),
        ("hằng quý ngày cuối quý", D(2028, 8, 2), D(2028, 9, 30), D(2028, 9, 29)),  # a Saturday
        ("hằng quý ngày cuối quý", D(2026, 12, 2), D(2026, 12, 31), D(2026, 12, 31)),
        ("hằng quý ngày 31 tháng giữa quý", D(2026, 4, 2), D(2026, 5, 31), D(2026, 5, 29)),
        ("hằng quý ngày 5 tháng đầu quý sau", D(2026, 11, 2), D(2027, 1, 5), D(2027, 1, 5)),
        # The province's periodic CCHC reports of 2024: "chậm nhất" 18/3, 18/6, 18/9, 18/12.
        ("hằng quý ngày 18 tháng cuối quý", D(2024, 1, 2), D(2024, 3, 18), D(2024, 3, 18)),
        ("hằng quý ngày 18 tháng cuối quý", D(2024, 5, 2), D(2024, 6, 18), D(2024, 6, 18)),
        ("hằng quý ngày 18 tháng cuối quý", D(2024, 8, 2), D(2024, 9, 18), D(2024, 9, 18)),
        ("hằng quý ngày 18 tháng cuối quý", D(2024, 11, 2), D(2024, 12, 18), D(2024, 12, 18)),
        # Its monthly report on public services: before the 5th of the next month.
        ("hằng tháng trước ngày 05 của tháng sau", D(2024, 8, 20), D(2024, 9, 5), D(2024, 9, 5)),
        ("hằng tháng trước ngày 05 của tháng sau", D(2026, 3, 20), D(2026, 4, 5), D(2026, 4, 3)),
        # Tết 2027 (04/02 to 10/02): due dates move back before it.
        ("hằng tháng ngày 5", D(2027, 2, 2), D(2027, 2, 5), D(2027, 2, 3)),
        ("hằng tháng ngày 10", D(2027, 2, 2), D(2027, 2, 10), D(2027, 2, 3)),
        ("hằng tháng ngày 15", D(2027, 2, 2), D(2027, 2, 15), D(2027, 2, 15)),
        ("ngày làm việc thứ 5 của tháng", D(2027, 2, 2), D(2027, 2, 12), D(2027, 2, 12)),
        ("ngày làm việc thứ 20 của tháng", D(2027, 2, 2), D(2027, 2, 26), D(2027, 2, 26)),  # 15 in Feb
        ("ngày làm việc cuối cùng của tháng", D(2027, 2, 2), D(2027, 2, 26), D(2027, 2, 26)),
        ("hằng tuần thứ Sáu", D(2026, 2, 18), D(2026, 2, 20), D(2026, 2, 13)),  # Tết 2026's week
        # Substituted and observed days off.
        ("hằng tháng ngày cuối tháng", D(2026, 8, 2), D(2026, 8, 31), D(2026, 8, 28)),  # for 22/08
        ("hằng tháng ngày 29", D(2024, 4, 2), D(2024, 4, 29), D(2024, 4, 26)),  # for 04/05/2024
        ("hằng tháng ngày 27", D(2026, 4, 2), D(2026, 4, 27), D(2026, 4, 24)),  # Giỗ Tổ observed
        ("hằng tuần thứ Sáu", D(2026, 4, 28), D(2026, 5, 1), D(2026, 4, 29)),  # 30/4 and 1/5
        # Into the previous month, and the previous year.
        ("hằng tháng ngày 1", D(2027, 1, 9), D(2027, 1, 1), D(2026, 12, 31)),
        ("hằng tháng ngày 1", D(2026, 3, 9), D(2026, 3, 1), D(2026, 2, 27)),
        ("6 tháng 15/06 và 15/12", D(2026, 3, 9), D(2026, 6, 15), D(2026, 6, 15)),
        ("6 tháng 20/06 và 20/12", D(2026, 9, 9), D(2026, 12, 20), D(2026, 12, 18)),
        ("hằng năm 15/12", D(2027, 3, 9), D(2027, 12, 15), D(2027, 12, 15)),
    ],
)
def test_due_dates(typed: str, day: date, nominal: date, due_on: date) -> None:
    found = due(typed, day)
    assert (found.nominal, found.due) == (nominal, due_on)
    assert found.due == due_date(parse(typed), found.period, VN)


def test_a_make_up_saturday_is_a_due_date() -> None:
    office = OfficeCalendar(working_days={D(2026, 8, 22): "Làm bù cho ngày 31/08/2026"})
    assert due("hằng tháng ngày 22", D(2026, 8, 2)).due == D(2026, 8, 21)
    assert due("hằng tháng ngày 22", D(2026, 8, 2), office).due == D(2026, 8, 22)
    assert due("hằng tuần thứ Bảy", D(2026, 8, 20), office).due == D(2026, 8, 22)
    # August 2026 has one working day more: the 16th is that Saturday.
    assert due("ngày làm việc thứ 16 của tháng", D(2026, 8, 2)).due == D(2026, 8, 24)
    assert due("ngày làm việc thứ 16 của tháng", D(2026, 8, 2), office).due == D(2026, 8, 22)


def test_a_local_day_off_moves_a_due_date() -> None:
    office = OfficeCalendar(days_off={D(2026, 3, 25): "Lễ hội truyền thống của tỉnh"})
    assert due("hằng tháng ngày 25", D(2026, 3, 2)).due == D(2026, 3, 25)
    moved = due("hằng tháng ngày 25", D(2026, 3, 2), office)
    assert (moved.nominal, moved.due) == (D(2026, 3, 25), D(2026, 3, 24))
    assert due("ngày làm việc thứ 18 của tháng", D(2026, 3, 2)).due == D(2026, 3, 25)
    assert due("ngày làm việc thứ 18 của tháng", D(2026, 3, 2), office).due == D(2026, 3, 26)
    # Two days off in a row push it back over both.
    office = office.with_overrides(days_off={D(2026, 3, 24): "Bầu cử", D(2026, 3, 25): "Lễ hội"})
    assert due("hằng tháng ngày 25", D(2026, 3, 2), office).due == D(2026, 3, 23)


@settings(max_examples=300, deadline=None)
@given(rules, st.dates(D(2001, 1, 1), D(2099, 12, 31)))
def test_due_date_rule(rule: Rule, day: date) -> None:
    """The one rule, for every rule and period: the due date is a working day, on or
    before the date the rule names, with no working day between them; the date the
    rule names lies in the month the rule says."""
    period = period_of(rule, day)
    found = instance(rule, period, VN)
    assert VN.is_working_day(found.due)
    assert found.due <= found.nominal
    assert VN.working_days_after(found.due, found.nominal) == 0
    if rule.every == WEEK:
        assert period.start <= found.nominal <= period.end and found.nominal.weekday() == rule.weekday
        return
    anchor = rule.anchor_for(period)
    year, month = divmod(period.start.year * 12 + period.start.month - 1 + anchor.month, 12)
    assert (found.nominal.year, found.nominal.month) == (year, month + 1)
    if not anchor.working and anchor.day != LAST:
        assert found.nominal.day == anchor.day or (found.nominal + timedelta(days=1)).day == 1
    # The next period's instance is never due earlier.
    assert instance(rule, next_period(rule, period), VN).due >= found.due


# -- the instance a series starts with, and editing a series ----------------------------------------


@pytest.mark.parametrize(
    ("typed", "created", "label", "due_on"),
    [
        # Created mid-period: this period's instance while its due date has not passed...
        ("hằng tháng ngày 25", D(2026, 3, 10), "Tháng 03/2026", D(2026, 3, 25)),
        ("hằng tháng ngày 25", D(2026, 3, 25), "Tháng 03/2026", D(2026, 3, 25)),  # due today
        # ... else the next period's.
        ("hằng tháng ngày 25", D(2026, 3, 26), "Tháng 04/2026", D(2026, 4, 24)),
        # A due date moved back counts: 30/05/2026 is a Saturday, due 29/05.
        ("hằng tháng ngày 30", D(2026, 5, 30), "Tháng 06/2026", D(2026, 6, 30)),
        ("hằng quý ngày 15 tháng cuối quý", D(2026, 11, 20), "Quý IV/2026", D(2026, 12, 15)),
        ("hằng quý ngày 15 tháng cuối quý", D(2026, 12, 16), "Quý I/2027", D(2027, 3, 15)),
        ("6 tháng 15/06 và 15/12", D(2026, 6, 16), "6 tháng cuối năm 2026", D(2026, 12, 15)),
        ("hằng năm 15/12", D(2026, 12, 16), "Năm 2027", D(2027, 12, 15)),
        ("hằng tuần thứ Sáu", D(2026, 3, 14), "Tuần 12/2026 (16/03–22/03/2026)", D(2026, 3, 20)),
        # A rule due after its period: the previous period's report while still due.
        ("hằng tháng ngày 5 tháng sau", D(2026, 3, 3), "Tháng 02/2026", D(2026, 3, 5)),
        ("hằng tháng ngày 5 tháng sau", D(2026, 3, 6), "Tháng 03/2026", D(2026, 4, 3)),
        ("hằng quý ngày 5 tháng đầu quý sau", D(2027, 1, 4), "Quý IV/2026", D(2027, 1, 5)),
        # Created during Tết, after its period's due date moved before it.
        ("hằng tháng ngày 10", D(2027, 2, 8), "Tháng 03/2027", D(2027, 3, 10)),
    ],
)
def test_first_instance_of_a_series_created_mid_period(typed: str, created: date, label: str, due_on: date) -> None:
    first = first_instance(parse(typed), created, VN)
    assert (first.period.label, first.due) == (label, due_on)


def test_instances_follow_each_other() -> None:
    got = [(i.period.key, i.due) for _, i in zip(range(6), instances_from(QUARTERLY, D(2026, 11, 20), VN))]
    assert got == [
        ("2026-Q4", D(2026, 12, 15)),
        ("2027-Q1", D(2027, 3, 15)),
        ("2027-Q2", D(2027, 6, 15)),
        ("2027-Q3", D(2027, 9, 15)),
        ("2027-Q4", D(2027, 12, 15)),
        ("2028-Q1", D(2028, 3, 15)),
    ]


def test_editing_a_series() -> None:
    """A monthly series made up to March 2026 (instances through 31/03) is edited on 10/03."""
    made_through = D(2026, 3, 31)
    # A new day: the March instance stays as it is; the series goes on in April.
    edited = first_instance(parse("hằng tháng ngày 10"), D(2026, 3, 10), VN, after=made_through)
    assert (edited.period.label, edited.due) == ("Tháng 04/2026", D(2026, 4, 10))
    # A new frequency: from the first quarter after what was made.
    edited = first_instance(QUARTERLY, D(2026, 3, 10), VN, after=made_through)
    assert (edited.period.label, edited.due) == ("Quý II/2026", D(2026, 6, 15))
    # Made only up to February: March is next, unless its new due date has passed.
    edited = first_instance(parse("hằng tháng ngày 20"), D(2026, 3, 10), VN, after=D(2026, 2, 28))
    assert (edited.period.label, edited.due) == ("Tháng 03/2026", D(2026, 3, 20))
    edited = first_instance(parse("hằng tháng ngày 5"), D(2026, 3, 10), VN, after=D(2026, 2, 28))
    assert (edited.period.label, edited.due) == ("Tháng 04/2026", D(2026, 4, 3))  # 05/04 a Sunday
    # Made far ahead (a year of instances): the edit starts after them.
    edited = first_instance(MONTHLY, D(2026, 3, 10), VN, after=D(2026, 12, 31))
    assert edited.period.key == "2027-01"


@settings(max_examples=300, deadline=None)
@given(rules, st.dates(D(2001, 1, 1), D(2099, 12, 31)), st.none() | st.integers(-400, 400))
def test_first_instance_is_the_first_not_passed(rule: Rule, day: date, after_shift: int | None) -> None:
    after = None if after_shift is None else day + timedelta(days=after_shift)
    first = first_instance(rule, day, VN, after=after)
    assert first.due >= day
    if after is not None:
        assert first.period.start > after
    # The period before it was already made, or is already due.
    before = previous_period(rule, first.period)
    assert (after is not None and before.start <= after) or instance(rule, before, VN).due < day


def test_periods_are_values() -> None:
    assert period_of(MONTHLY, D(2026, 3, 5)) == Period(MONTH, D(2026, 3, 1), D(2026, 3, 31))
    assert len({period_of(MONTHLY, D(2026, 3, d)) for d in range(1, 32)}) == 1
