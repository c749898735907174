"""The reminder policy: working days on the real Vietnamese calendar, and which
reminder is due for whom on which day, day by day and when catching up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminders.policy import (
    Due,
    Policy,
    TaskFacts,
    WorkCalendar,
    due_between,
    due_today,
    parse_work_week,
)

VN = WorkCalendar()  # mon-fri, VN holidays
POLICY = Policy()  # before 7/3/1, overdue every 2, escalate after 3, stale after 7
D = date


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def brief(dues: list[Due]) -> list[tuple[str, int, str]]:
    return [(due.kind, due.days, due.to) for due in dues]


# --- the calendar -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working", "holiday"),
    [
        # Tết Nguyên Đán 2026 (Bính Ngọ): Giao thừa Mon 16/02, mùng 1 Tue 17/02 ... mùng 4 Fri 20/02,
        # so with the weekends the office is closed from Sat 14/02 to Sun 22/02.
        (D(2026, 2, 13), True, None),
        (D(2026, 2, 14), False, None),
        (D(2026, 2, 15), False, None),
        (D(2026, 2, 16), False, "Giao thừa"),
        (D(2026, 2, 17), False, "Tết Nguyên Đán"),
        (D(2026, 2, 18), False, "Mùng hai"),
        (D(2026, 2, 19), False, "Mùng ba"),
        (D(2026, 2, 20), False, "Mùng bốn"),
        (D(2026, 2, 21), False, None),
        (D(2026, 2, 22), False, None),
        (D(2026, 2, 23), True, None),
        # 30/4 and 1/5 (Thursday and Friday in 2026).
        (D(2026, 4, 29), True, None),
        (D(2026, 4, 30), False, "Chiến thắng"),
        (D(2026, 5, 1), False, "Lao động"),
        (D(2026, 5, 4), True, None),
        # 2/9 and its adjacent day (1/9), plus Mon 31/08/2026 given in exchange for Sat 22/08.
        (D(2026, 8, 28), True, None),
        (D(2026, 8, 31), False, "thay cho ngày 22/08/2026"),
        (D(2026, 9, 1), False, "Quốc khánh"),
        (D(2026, 9, 2), False, "Quốc khánh"),
        (D(2026, 9, 3), True, None),
        (D(2025, 9, 1), False, "Quốc khánh"),
        (D(2025, 9, 2), False, "Quốc khánh"),
        # Holidays on a weekend and their observed (nghỉ bù) days.
        (D(2026, 4, 26), False, "Giỗ Tổ Hùng Vương"),  # Sunday
        (D(2026, 4, 27), False, "Giỗ Tổ Hùng Vương (nghỉ bù)"),  # Monday
        (D(2026, 4, 28), True, None),
        (D(2028, 1, 1), False, "Tết Dương lịch"),  # Saturday
        (D(2028, 1, 3), False, "Tết Dương lịch (nghỉ bù)"),  # Monday
        (D(2029, 9, 2), False, "Quốc khánh"),  # Sunday
        (D(2029, 9, 3), False, "Quốc khánh"),  # the adjacent day
        (D(2029, 9, 4), False, "Quốc khánh (nghỉ bù)"),  # Tuesday: observed for the Sunday
        (D(2029, 9, 5), True, None),
        # Ordinary days.
        (D(2026, 3, 10), True, None),
        (D(2026, 3, 14), False, None),  # Saturday
    ],
)
def test_vn_calendar(day: date, working: bool, holiday: str | None) -> None:
    assert VN.is_working_day(day) is working
    name = VN.holiday_name(day)
    if holiday is None:
        assert name is None
    else:
        assert name is not None and holiday in name


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 2, 13), D(2026, 2, 23), 1),  # all of Tết is closed
        (D(2026, 2, 12), D(2026, 2, 24), 3),  # 13, 23, 24
        (D(2026, 2, 1), D(2026, 2, 28), 15),  # 20 weekdays in February minus 5 days of Tết
        (D(2026, 4, 24), D(2026, 5, 4), 3),  # 28, 29/4 and 4/5
        (D(2026, 8, 28), D(2026, 9, 4), 2),  # 3 and 4/9
        (D(2026, 2, 23), D(2026, 2, 23), 0),
        (D(2026, 2, 23), D(2026, 2, 13), 0),
    ],
)
def test_working_days_after(start: date, end: date, expected: int) -> None:
    assert VN.working_days_after(start, end) == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2026, 2, 13), 1, D(2026, 2, 23)),
        (D(2026, 2, 12), 2, D(2026, 2, 23)),
        (D(2026, 2, 12), 3, D(2026, 2, 24)),
        (D(2026, 2, 13), 0, D(2026, 2, 13)),
        (D(2026, 2, 14), 0, D(2026, 2, 23)),
        (D(2026, 2, 17), 0, D(2026, 2, 23)),
        (D(2026, 2, 17), 1, D(2026, 2, 23)),
        (D(2026, 2, 23), -1, D(2026, 2, 13)),
        (D(2026, 2, 18), -2, D(2026, 2, 12)),
        (D(2026, 4, 29), 1, D(2026, 5, 4)),
        (D(2026, 4, 24), 1, D(2026, 4, 28)),  # over the weekend and the observed Monday
    ],
)
def test_add_working_days(day: date, n: int, expected: date) -> None:
    assert VN.add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 2, 20), D(2026, 2, 13)),
        (D(2026, 2, 22), D(2026, 2, 13)),
        (D(2026, 2, 23), D(2026, 2, 23)),
        (D(2026, 5, 3), D(2026, 4, 29)),
        (D(2026, 4, 27), D(2026, 4, 24)),
    ],
)
def test_previous_working_day(day: date, expected: date) -> None:
    assert VN.previous_working_day(day) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon-sat", {0, 1, 2, 3, 4, 5}),
        ("mon,tue,wed,thu,fri,sat", {0, 1, 2, 3, 4, 5}),
        ("mon-fri,sun", {0, 1, 2, 3, 4, 6}),
        ("mon-wed,fri", {0, 1, 2, 4}),
        (" Mon - Fri ", {0, 1, 2, 3, 4}),
        ("sun", {6}),
        ("mon-mon,mon", {0}),
        ("mon-sun", set(range(7))),
    ],
)
def test_parse_work_week(spec: str, expected: set[int]) -> None:
    assert parse_work_week(spec) == frozenset(expected)


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ("", "trống"),
        ("   ", "trống"),
        ("mon-fry", '"fry"'),
        ("monday-friday", '"monday"'),
        ("fri-mon", '"fri-mon"'),
        ("mon,,tue", "mục trống"),
        ("mon-tue-wed", '"mon-tue-wed"'),
        ("t2-t6", '"t2"'),
        ("-", '"-"'),
    ],
)
def test_bad_work_week(spec: str, named: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_work_week(spec)
    message = str(error.value)
    assert named in message and "\n" not in message
    with pytest.raises(ValueError):
        WorkCalendar(work_week=spec)


@pytest.mark.parametrize("spec", ["US", "", "vietnam", "VN,none"])
def test_bad_public_holidays(spec: str) -> None:
    with pytest.raises(ValueError) as error:
        WorkCalendar(public_holidays=spec)
    assert f'"{spec}"' in str(error.value) and "\n" not in str(error.value)


def test_public_holidays_spelling() -> None:
    assert not WorkCalendar(public_holidays="vn").is_working_day(D(2026, 2, 17))
    assert WorkCalendar(public_holidays="None").is_working_day(D(2026, 2, 17))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 17), True),  # Tết, but no public holidays
        (D(2026, 9, 2), True),
        (D(2026, 2, 14), False),  # still a Saturday
    ],
)
def test_no_public_holidays(day: date, working: bool) -> None:
    cal = WorkCalendar(public_holidays="none")
    assert cal.is_working_day(day) is working
    assert cal.holiday_name(day) is None


def test_no_public_holidays_counts_weekdays_only() -> None:
    cal = WorkCalendar(public_holidays="none")
    assert cal.working_days_after(D(2026, 2, 13), D(2026, 2, 23)) == 6
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 16)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 3, 14), True),  # Saturday
        (D(2026, 3, 15), False),  # Sunday
        (D(2026, 2, 14), True),  # the Saturday before Tết is not a public holiday
        (D(2026, 2, 17), False),
        (D(2021, 5, 1), False),  # 1/5 on a Saturday
        (D(2021, 5, 3), False),  # and its observed Monday
    ],
)
def test_six_day_week(day: date, working: bool) -> None:
    assert WorkCalendar("mon-sat").is_working_day(day) is working


CALENDARS = [
    WorkCalendar(),
    WorkCalendar("mon-sat"),
    WorkCalendar("mon-fri", "none"),
    WorkCalendar("mon,wed,fri,sun"),
]
any_calendar = st.sampled_from(CALENDARS)
any_day = st.dates(D(2015, 1, 1), D(2030, 12, 31))


@settings(max_examples=200, deadline=None)
@given(any_calendar, any_day, st.integers(-60, 60))
def test_working_day_arithmetic_agrees(cal: WorkCalendar, start: date, span: int) -> None:
    end = start + timedelta(days=span)
    brute = sum(cal.is_working_day(d) for d in days(start + timedelta(days=1), end)) if span > 0 else 0
    assert cal.working_days_after(start, end) == brute


@settings(max_examples=200, deadline=None)
@given(any_calendar, any_day, st.integers(-40, 40))
def test_add_working_days_inverts_counting(cal: WorkCalendar, day: date, n: int) -> None:
    result = cal.add_working_days(day, n)
    assert cal.is_working_day(result)
    one = timedelta(days=1)
    if n > 0:
        assert result > day and cal.working_days_after(day, result) == n
    elif n < 0:
        assert result < day and cal.working_days_after(result - one, day - one) == -n
    else:
        assert result >= day and cal.working_days_after(day - one, result - one) == 0
    previous = cal.previous_working_day(day)
    assert previous <= day and cal.working_days_after(previous, day) == 0


# --- the reminders, day by day ----------------------------------------------------------

# Task 1: an ordinary March task, Monday 2 to Friday 20, never reported.
ORDINARY = TaskFacts(id=1, deadline=D(2026, 3, 20), done=False, created=D(2026, 3, 2), last_report=None)
ORDINARY_PLAN = {
    D(2026, 3, 9): [("stale", 7, "owner")],
    D(2026, 3, 13): [("before", 7, "owner")],
    D(2026, 3, 16): [("stale", 14, "owner")],
    D(2026, 3, 17): [("before", 3, "owner")],
    D(2026, 3, 19): [("before", 1, "owner")],
    D(2026, 3, 20): [("due_today", 0, "owner")],
    # Mon 23 is 1 working day late: nothing (due_today went out on Friday).
    D(2026, 3, 24): [("overdue", 2, "owner")],
    D(2026, 3, 25): [("escalate", 3, "accountable")],
    D(2026, 3, 26): [("overdue", 4, "owner")],
    D(2026, 3, 30): [("overdue", 6, "owner")],
    D(2026, 4, 1): [("overdue", 8, "owner")],
    D(2026, 4, 3): [("overdue", 10, "owner")],
}

# Task 2: the deadline is a Sunday; the owner reported on Tuesday 10.
SUNDAY = TaskFacts(id=2, deadline=D(2026, 3, 22), done=False, created=D(2026, 3, 2), last_report=D(2026, 3, 10))
SUNDAY_PLAN = {
    D(2026, 3, 13): [("before", 9, "owner")],  # 7 days before is Sunday 15: moved back to Friday
    D(2026, 3, 17): [("stale", 7, "owner")],
    D(2026, 3, 19): [("before", 3, "owner")],
    # Friday 20 is both "1 day before" (Sat 21, moved back) and the working day for the
    # Sunday deadline: due_today wins.
    D(2026, 3, 20): [("due_today", 0, "owner")],
    D(2026, 3, 24): [("overdue", 2, "owner")],
    D(2026, 3, 25): [("escalate", 3, "accountable")],
    D(2026, 3, 26): [("overdue", 4, "owner")],
    D(2026, 3, 30): [("overdue", 6, "owner")],
    D(2026, 4, 1): [("overdue", 8, "owner")],
    D(2026, 4, 3): [("overdue", 10, "owner")],
}

# Task 3: due on Monday 23/02/2026, the first working day after Tết; last report Thursday 5/02.
AFTER_TET = TaskFacts(id=3, deadline=D(2026, 2, 23), done=False, created=D(2026, 2, 2), last_report=D(2026, 2, 5))
AFTER_TET_PLAN = {
    D(2026, 2, 12): [("stale", 7, "owner")],
    # 7, 3 and 1 days before (16/02, 20/02, 22/02) all move back to Friday 13: one reminder.
    D(2026, 2, 13): [("before", 10, "owner")],
    # The second stale (19/02, Tết) moves forward to 23/02, where due_today wins.
    D(2026, 2, 23): [("due_today", 0, "owner")],
    D(2026, 2, 25): [("overdue", 2, "owner")],
    D(2026, 2, 26): [("escalate", 3, "accountable")],
    D(2026, 2, 27): [("overdue", 4, "owner")],
    D(2026, 3, 3): [("overdue", 6, "owner")],
}

# Task 4: due during Tết (Wednesday 18/02/2026, mùng 2).
IN_TET = TaskFacts(id=4, deadline=D(2026, 2, 18), done=False, created=D(2026, 2, 9), last_report=None)
IN_TET_PLAN = {
    D(2026, 2, 11): [("before", 7, "owner")],
    # 3 and 1 days before (15/02, 17/02) move back to Friday 13, the working day for the
    # deadline: due_today wins. The stale of 16/02 would move to 23/02, after the deadline.
    D(2026, 2, 13): [("due_today", 0, "owner")],
    D(2026, 2, 24): [("overdue", 2, "owner")],
    D(2026, 2, 25): [("escalate", 3, "accountable")],
    D(2026, 2, 26): [("overdue", 4, "owner")],
    D(2026, 3, 2): [("overdue", 6, "owner")],
}

# Task 5: assigned on Wednesday 18 for Friday 20: the 7- and 3-day reminders predate it.
LATE_ASSIGNED = TaskFacts(id=5, deadline=D(2026, 3, 20), done=False, created=D(2026, 3, 18), last_report=None)
LATE_ASSIGNED_PLAN = {
    D(2026, 3, 19): [("before", 1, "owner")],
    D(2026, 3, 20): [("due_today", 0, "owner")],
    D(2026, 3, 24): [("overdue", 2, "owner")],
    D(2026, 3, 25): [("escalate", 3, "accountable")],
    D(2026, 3, 26): [("overdue", 4, "owner")],
    D(2026, 3, 30): [("overdue", 6, "owner")],
    D(2026, 4, 1): [("overdue", 8, "owner")],
    D(2026, 4, 3): [("overdue", 10, "owner")],
}

# Task 6: entered on Wednesday 25 with a deadline already past (Friday 20).
BACKDATED = TaskFacts(id=6, deadline=D(2026, 3, 20), done=False, created=D(2026, 3, 25), last_report=None)
BACKDATED_PLAN = {
    D(2026, 3, 25): [("escalate", 3, "accountable")],
    D(2026, 3, 26): [("overdue", 4, "owner")],
    D(2026, 3, 30): [("overdue", 6, "owner")],
    D(2026, 4, 1): [("overdue", 8, "owner")],
    D(2026, 4, 3): [("overdue", 10, "owner")],
}

# Task 7: the ordinary task, snoozed until the deadline: only owner reminders before it go.
SNOOZED = TaskFacts(
    id=7,
    deadline=D(2026, 3, 20),
    done=False,
    created=D(2026, 3, 2),
    last_report=None,
    snoozed_until=D(2026, 3, 20),
)
SNOOZED_PLAN = {day: plan for day, plan in ORDINARY_PLAN.items() if day >= D(2026, 3, 20)}

# Task 8: snoozed far away: the escalation still goes to the leader.
SNOOZED_LONG = TaskFacts(
    id=8,
    deadline=D(2026, 3, 20),
    done=False,
    created=D(2026, 3, 2),
    last_report=None,
    snoozed_until=D(2026, 6, 1),
)
SNOOZED_LONG_PLAN = {D(2026, 3, 25): [("escalate", 3, "accountable")]}

# Task 9: done: nothing at all.
DONE = TaskFacts(id=9, deadline=D(2026, 3, 20), done=True, created=D(2026, 3, 2), last_report=None)
DONE_PLAN: dict[date, list[tuple[str, int, str]]] = {}

SCENARIOS = {
    "ordinary": (ORDINARY, ORDINARY_PLAN, D(2026, 2, 25), D(2026, 4, 3)),
    "sunday-deadline": (SUNDAY, SUNDAY_PLAN, D(2026, 2, 25), D(2026, 4, 3)),
    "after-tet": (AFTER_TET, AFTER_TET_PLAN, D(2026, 1, 25), D(2026, 3, 3)),
    "in-tet": (IN_TET, IN_TET_PLAN, D(2026, 1, 25), D(2026, 3, 3)),
    "late-assigned": (LATE_ASSIGNED, LATE_ASSIGNED_PLAN, D(2026, 2, 25), D(2026, 4, 3)),
    "backdated": (BACKDATED, BACKDATED_PLAN, D(2026, 2, 25), D(2026, 4, 3)),
    "snoozed": (SNOOZED, SNOOZED_PLAN, D(2026, 2, 25), D(2026, 4, 3)),
    "snoozed-long": (SNOOZED_LONG, SNOOZED_LONG_PLAN, D(2026, 2, 25), D(2026, 4, 3)),
    "done": (DONE, DONE_PLAN, D(2026, 2, 25), D(2026, 4, 3)),
}

DAILY_CASES = [
    pytest.param(task, day, plan.get(day, []), id=f"{name}-{day.isoformat()}")
    for name, (task, plan, first, last) in SCENARIOS.items()
    for day in days(first, last)
]


@pytest.mark.parametrize(("task", "day", "expected"), DAILY_CASES)
def test_due_today(task: TaskFacts, day: date, expected: list[tuple[str, int, str]]) -> None:
    result = due_today(task, day, VN, POLICY)
    assert brief(result) == expected
    assert all(due.on == day and due.task_id == task.id for due in result)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_one_window_is_the_whole_plan(name: str) -> None:
    task, plan, first, last = SCENARIOS[name]
    result = due_between(task, first - timedelta(days=1), last, VN, POLICY)
    expected = [(day, item) for day in sorted(plan) for item in plan[day]]
    assert [(due.on, (due.kind, due.days, due.to)) for due in result] == expected


def test_policy_knobs() -> None:
    policy = Policy(before_days=(2,), overdue_every=1, escalate_after=1, stale_days=30)
    result = due_between(ORDINARY, D(2026, 3, 1), D(2026, 3, 26), VN, policy)
    assert [(due.on.day, due.kind, due.days) for due in result] == [
        (18, "before", 2),
        (20, "due_today", 0),
        (23, "overdue", 1),
        (23, "escalate", 1),
        (24, "overdue", 2),
        (25, "overdue", 3),
        (26, "overdue", 4),
    ]


def test_six_day_week_reminders() -> None:
    # Saturdays are working days: "1 day before" a Monday deadline (Sunday) moves back
    # only to Saturday. The second stale (Monday 16) shares its day with the 7-day
    # reminder, and the third with the deadline: the more urgent reminder is kept.
    task = TaskFacts(id=10, deadline=D(2026, 3, 23), done=False, created=D(2026, 3, 2), last_report=None)
    result = due_between(task, D(2026, 3, 1), D(2026, 3, 28), WorkCalendar("mon-sat"), POLICY)
    assert [(due.on.day, due.kind, due.days) for due in result] == [
        (9, "stale", 7),
        (16, "before", 7),
        (20, "before", 3),
        (21, "before", 2),
        (23, "due_today", 0),
        (25, "overdue", 2),
        (26, "escalate", 3),
        (27, "overdue", 4),
    ]


def test_stale_restarts_after_a_report() -> None:
    task = TaskFacts(id=11, deadline=D(2026, 6, 30), done=False, created=D(2026, 6, 1), last_report=D(2026, 6, 10))
    stale = [due for due in due_between(task, D(2026, 6, 1), D(2026, 6, 29), VN, POLICY) if due.kind == "stale"]
    # 10 + 7 = 17 (Wed), + 14 = 24 (Wed); nothing from before the report.
    assert [(due.on, due.days) for due in stale] == [(D(2026, 6, 17), 7), (D(2026, 6, 24), 14)]


def test_stale_moves_forward_over_a_weekend() -> None:
    # Created Saturday 7/03: +7 is Saturday 14, sent Monday 16 after 9 days of silence.
    task = TaskFacts(id=12, deadline=D(2026, 4, 24), done=False, created=D(2026, 3, 7), last_report=None)
    stale = [due for due in due_between(task, D(2026, 3, 1), D(2026, 3, 31), VN, POLICY) if due.kind == "stale"]
    assert [(due.on, due.days) for due in stale] == [
        (D(2026, 3, 16), 9),
        (D(2026, 3, 23), 16),
        (D(2026, 3, 30), 23),
    ]


def test_a_later_report_cancels_missed_stale_reminders() -> None:
    # The bot was down from 8 to 18 March; the owner reported on the 15th meanwhile.
    task = TaskFacts(id=13, deadline=D(2026, 4, 30), done=False, created=D(2026, 3, 2), last_report=D(2026, 3, 15))
    result = due_between(task, D(2026, 3, 8), D(2026, 3, 18), VN, POLICY)
    assert result == []


# --- catching up --------------------------------------------------------------------


def test_catch_up_after_ten_days_of_downtime() -> None:
    # Last scanned Tuesday 10/03; back on Friday 20/03.
    result = due_between(ORDINARY, D(2026, 3, 10), D(2026, 3, 20), VN, POLICY)
    assert [(due.on.day, due.kind, due.days) for due in result] == [
        (13, "before", 7),
        (16, "stale", 14),
        (17, "before", 3),
        (19, "before", 1),
        (20, "due_today", 0),
    ]
    daily = [due for day in days(D(2026, 3, 11), D(2026, 3, 20)) for due in due_today(ORDINARY, day, VN, POLICY)]
    assert daily == result
    assert len({due.key for due in result}) == len(result)


def test_catch_up_over_tet() -> None:
    # Down over the whole of Tết: last scanned Thursday 12/02, back Wednesday 25/02.
    result = due_between(AFTER_TET, D(2026, 2, 12), D(2026, 2, 25), VN, POLICY)
    assert [(due.on, due.kind) for due in result] == [
        (D(2026, 2, 13), "before"),
        (D(2026, 2, 23), "due_today"),
        (D(2026, 2, 25), "overdue"),
    ]


def test_empty_and_reversed_windows() -> None:
    assert due_between(ORDINARY, D(2026, 3, 20), D(2026, 3, 20), VN, POLICY) == []
    assert due_between(ORDINARY, D(2026, 3, 21), D(2026, 3, 10), VN, POLICY) == []


def test_done_tasks_give_nothing_ever() -> None:
    assert due_between(DONE, D(2025, 1, 1), D(2027, 12, 31), VN, POLICY) == []


# --- keys -------------------------------------------------------------------------


def test_key_format() -> None:
    due = Due(kind="overdue", task_id=42, on=D(2026, 11, 23), days=2, to="owner")
    assert due.key == "overdue:42:2026-11-23"
    assert Due("overdue", 42, D(2026, 11, 23), 4, "owner").key == due.key  # the day names it, not the count


def test_keys_are_stable_and_unique() -> None:
    tasks = [task for task, *_ in SCENARIOS.values()]
    first = [due for task in tasks for due in due_between(task, D(2026, 1, 1), D(2026, 6, 30), VN, POLICY)]
    again = [due for task in tasks for due in due_between(task, D(2026, 1, 1), D(2026, 6, 30), VN, POLICY)]
    assert [due.key for due in first] == [due.key for due in again]
    assert len({due.key for due in first}) == len(first)
    assert len({(due.kind, due.task_id, due.on, due.to) for due in first}) == len(first)


# --- properties ---------------------------------------------------------------------

BASE = D(2026, 1, 1)


@st.composite
def tasks(draw: st.DrawFn) -> TaskFacts:
    created = BASE + timedelta(days=draw(st.integers(0, 120)))
    deadline = created + timedelta(days=draw(st.integers(-10, 60)))
    reported = draw(st.none() | st.integers(0, 60))
    snooze = draw(st.none() | st.integers(-5, 80))
    return TaskFacts(
        id=draw(st.integers(1, 10_000)),
        deadline=deadline,
        done=False,
        created=created,
        last_report=None if reported is None else created + timedelta(days=reported),
        snoozed_until=None if snooze is None else created + timedelta(days=snooze),
    )


policies = st.builds(
    Policy,
    before_days=st.lists(st.integers(1, 14), max_size=4).map(tuple),
    overdue_every=st.integers(1, 4),
    escalate_after=st.integers(1, 6),
    stale_days=st.integers(1, 10),
)


@settings(max_examples=150, deadline=None)
@given(tasks(), policies, any_calendar, st.integers(0, 200), st.integers(0, 60), st.integers(0, 60))
def test_splitting_a_window_changes_nothing(
    task: TaskFacts, policy: Policy, cal: WorkCalendar, a: int, ab: int, bc: int
) -> None:
    start = BASE + timedelta(days=a)
    middle = start + timedelta(days=ab)
    end = middle + timedelta(days=bc)
    whole = due_between(task, start, end, cal, policy)
    assert due_between(task, start, middle, cal, policy) + due_between(task, middle, end, cal, policy) == whole
    daily = [due for day in days(start + timedelta(days=1), end) for due in due_today(task, day, cal, policy)]
    assert daily == whole


@settings(max_examples=150, deadline=None)
@given(tasks(), policies, any_calendar)
def test_invariants_of_a_whole_history(task: TaskFacts, policy: Policy, cal: WorkCalendar) -> None:
    start, end = BASE - timedelta(days=30), BASE + timedelta(days=300)
    history = due_between(task, start, end, cal, policy)
    assert [due.on for due in history] == sorted(due.on for due in history)
    assert len({due.key for due in history}) == len(history)
    for due in history:
        assert cal.is_working_day(due.on)
        assert due.on >= task.created
        assert due.to == ("accountable" if due.kind == "escalate" else "owner")
        if due.to == "owner" and task.snoozed_until is not None:
            assert due.on >= task.snoozed_until
        if due.kind == "before":
            assert due.on < task.deadline and due.days == (task.deadline - due.on).days
        if due.kind in ("overdue", "escalate"):
            assert due.on > task.deadline and cal.working_days_after(task.deadline, due.on) == due.days
        snooze_day = task.snoozed_until and cal.next_working_day(task.snoozed_until)
        if due.kind == "overdue" and due.on != snooze_day:  # "remind me tomorrow" adds a day of its own
            assert due.days % policy.overdue_every == 0
        if due.kind == "stale":
            assert due.on <= task.deadline and due.days >= policy.stale_days
    owner_days = [due.on for due in history if due.to == "owner"]
    assert len(owner_days) == len(set(owner_days))
    assert len([due for due in history if due.kind == "escalate"]) <= 1
    assert len([due for due in history if due.kind == "due_today"]) <= 1
    assert (
        due_between(
            TaskFacts(task.id, task.deadline, True, task.created, task.last_report, task.snoozed_until),
            start,
            end,
            cal,
            policy,
        )
        == []
    )


@settings(max_examples=100, deadline=None)
@given(tasks(), policies)
def test_escalation_ignores_snooze(task: TaskFacts, policy: Policy) -> None:
    start, end = BASE - timedelta(days=30), BASE + timedelta(days=300)
    plain = TaskFacts(task.id, task.deadline, False, task.created, task.last_report)
    snoozed = TaskFacts(task.id, task.deadline, False, task.created, task.last_report, D(2099, 1, 1))
    escalations = [due for due in due_between(plain, start, end, VN, policy) if due.kind == "escalate"]
    assert due_between(snoozed, start, end, VN, policy) == escalations


# --- policy settings ----------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"before_days": (7, 0)},
        {"before_days": (-1,)},
        {"overdue_every": 0},
        {"escalate_after": 0},
        {"stale_days": 0},
    ],
)
def test_bad_policy(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Policy(**kwargs)  # type: ignore[arg-type]


def test_policy_accepts_a_list() -> None:
    assert Policy(before_days=[3, 1]).before_days == (3, 1)  # type: ignore[arg-type]


def test_remind_me_tomorrow_reminds_on_the_next_working_day():
    """Snoozed on Friday 27/11/2026 until Saturday: the owner hears again on
    Monday, though the policy alone has nothing due that day."""
    cal = WorkCalendar()
    policy = Policy(before_days=(7, 3, 1), overdue_every=2, escalate_after=3, stale_days=7)
    base = TaskFacts(
        id=1, deadline=date(2026, 12, 10), done=False, created=date(2026, 11, 20), last_report=date(2026, 11, 27)
    )
    assert due_today(base, date(2026, 11, 30), cal, policy) == []
    snoozed = TaskFacts(**{**base.__dict__, "snoozed_until": date(2026, 11, 28)})
    assert [(d.kind, d.days) for d in due_today(snoozed, date(2026, 11, 30), cal, policy)] == [("before", 10)]
    late = TaskFacts(**{**snoozed.__dict__, "deadline": date(2026, 11, 26)})
    assert [(d.kind, d.days) for d in due_today(late, date(2026, 11, 30), cal, policy)] == [("overdue", 2)]
    done = TaskFacts(**{**snoozed.__dict__, "done": True})
    assert due_today(done, date(2026, 11, 30), cal, policy) == []


@pytest.mark.parametrize("deadline", [date.max, D(9999, 12, 20), D(2101, 1, 1)])
def test_a_deadline_centuries_away_gives_stale_nudges_and_no_overflow(deadline: date) -> None:
    """31/12/9999 is a common «no deadline»: rows that have it are reminded like any task far
    from its deadline (a nudge a week without a report), and date arithmetic never overflows."""
    task = TaskFacts(id=1, deadline=deadline, done=False, created=D(2026, 10, 1), last_report=D(2026, 10, 20))
    next_year = TaskFacts(1, D(2027, 6, 30), False, D(2026, 10, 1), D(2026, 10, 20))
    dues = due_between(task, D(2026, 10, 31), D(2026, 11, 30), VN, POLICY)
    assert [d.kind for d in dues] == ["stale"] * 4
    assert dues == due_between(next_year, D(2026, 10, 31), D(2026, 11, 30), VN, POLICY)
    snoozed = TaskFacts(1, deadline, False, D(2026, 10, 1), D(2026, 11, 25), snoozed_until=D(2026, 11, 28))
    assert brief(due_between(snoozed, D(2026, 11, 27), D(2026, 11, 30), VN, POLICY)) == [
        ("before", (deadline - D(2026, 11, 30)).days, "owner")
    ]
    assert (
        due_between(TaskFacts(1, deadline, True, D(2026, 10, 1), None), D(2026, 10, 31), D(2026, 11, 30), VN, POLICY)
        == []
    )


@pytest.mark.parametrize("deadline", [date.min, D(1, 1, 9), D(1899, 12, 31)])
def test_a_deadline_centuries_ago_is_overdue_without_overflow(deadline: date) -> None:
    task = TaskFacts(id=1, deadline=deadline, done=False, created=D(2026, 10, 1), last_report=None)
    dues = due_between(task, D(2026, 11, 19), D(2026, 11, 30), VN, POLICY)
    assert dues and {d.kind for d in dues} == {"overdue"} and all(d.days % 2 == 0 for d in dues)
