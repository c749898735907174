"""What people type: dates, percentages, roles, unit paths, target values."""

from datetime import date, datetime

import pytest

from tracking.parse import (
    InputError,
    key,
    parse_date,
    parse_number,
    parse_percent,
    parse_role,
    target_value_in,
    unit_path,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("31/12/2026", date(2026, 12, 31)),
        ("1/2/2026", date(2026, 2, 1)),
        ("05.03.2026", date(2026, 3, 5)),
        ("5-3-26", date(2026, 3, 5)),
        ("2026-12-31", date(2026, 12, 31)),
        ("2026-12-31 00:00:00", date(2026, 12, 31)),
        (46022, date(2025, 12, 31)),  # Excel's serial number
        (46022.0, date(2025, 12, 31)),
        ("46022", date(2025, 12, 31)),
        (datetime(2026, 1, 2, 8, 30), date(2026, 1, 2)),
        (date(2026, 1, 2), date(2026, 1, 2)),
    ],
)
def test_dates_in_every_form(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value, words",
    [
        ("31/02/2026", "không có thật"),
        ("hôm nay", "dd/mm/yyyy"),
        ("", "chưa có ngày"),
        ("2026/13/01", "dd/mm/yyyy"),
    ],
)
def test_bad_dates_say_why(value, words):
    with pytest.raises(InputError, match=words):
        parse_date(value)


@pytest.mark.parametrize(
    "text, expected", [("50", 50), ("50%", 50), (" 75 % ", 75), ("0", 0), ("100", 100), ("33,3", 33)]
)
def test_percentages(text, expected):
    assert parse_percent(text) == expected


@pytest.mark.parametrize("text", ["150", "-5", "nửa", "nan", ""])
def test_bad_percentages(text):
    with pytest.raises(InputError):
        parse_percent(text)


@pytest.mark.parametrize(
    "text, role",
    [
        ("cán bộ", "officer"),
        ("CAN BO", "officer"),
        ("Lãnh đạo", "manager"),
        ("lanh  dao", "manager"),
        ("quản trị", "admin"),
        ("Quan tri vien", "admin"),
    ],
)
def test_roles(text, role):
    assert parse_role(text) == role


def test_unknown_role():
    with pytest.raises(InputError, match="cán bộ, lãnh đạo hoặc quản trị"):
        parse_role("giám đốc")


def test_unit_paths_and_keys():
    assert unit_path(" UBND tỉnh >Sở Nội vụ  >  Phòng CCHC ") == ["UBND tỉnh", "Sở Nội vụ", "Phòng CCHC"]
    assert unit_path("Phòng Tư pháp") == ["Phòng Tư pháp"]
    with pytest.raises(InputError):
        unit_path(" > ")
    assert key("  Mã   CÁN BỘ ") == "ma can bo"
    assert key("Người chịu trách nhiệm") == "nguoi chiu trach nhiem"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Chỉ số SIPAS > 85%", (85.0, "%", True)),
        ("Tỷ lệ hồ sơ đúng hạn ≥ 99,5%", (99.5, "%", True)),
        ("Hồ sơ trễ hạn < 1% năm 2026", (1.0, "%", False)),
        ("PAR INDEX năm 2026", (None, "", True)),
    ],
)
def test_target_values_in_names(text, expected):
    assert target_value_in(text) == expected


def test_numbers():
    assert parse_number("86,5") == 86.5
    assert parse_number("1.234,5") == 1234.5
    assert parse_number("90%") == 90
    with pytest.raises(InputError):
        parse_number("nhiều")


@pytest.mark.parametrize(
    "value",
    ["31/12/9999", "9999-12-31", "01/01/2101", 2958465, datetime(9999, 12, 31), date(2101, 1, 1), "31/12/1999", 45],
)
def test_dates_out_of_bounds_are_refused(value):
    """31/12/9999 (a common «no deadline») and years typed wrong: refused, saying the range."""
    with pytest.raises(InputError, match="nằm ngoài khoảng cho phép: chỉ nhận ngày từ 01/01/2000 đến 31/12/2100"):
        parse_date(value)


def test_the_bounds_themselves_are_dates():
    assert parse_date("01/01/2000") == date(2000, 1, 1) and parse_date("31/12/2100") == date(2100, 12, 31)
