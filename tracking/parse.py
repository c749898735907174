"""Reading what people type or put in spreadsheets: dates, percentages, roles,
unit paths, target values. Pure functions; errors are Vietnamese messages."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

from kb.text import fold, nfc
from storage.models import ROLE_ADMIN, ROLE_MANAGER, ROLE_OFFICER


class InputError(ValueError):
    """A value that cannot be read; ``str(exc)`` says why, in Vietnamese."""


def key(text: str) -> str:
    """Folded, single-spaced: how names and headers are compared."""
    return " ".join(fold(nfc(str(text))).split())


# Excel's day 0 (with the 1900 leap-year bug accounted for from day 61 on).
_EXCEL_EPOCH = date(1899, 12, 30)

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


# The dates a task, a milestone or a deadline may have. "31/12/9999" (a common «no deadline») or a
# year typed wrong is refused where it is typed, rather than carried into reminders and reports.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def check_date_bounds(day: date) -> date:
    """``day`` if it lies from FIRST_DAY to LAST_DAY; else an InputError saying so."""
    if FIRST_DAY <= day <= LAST_DAY:
        return day
    shown = f"{day.day:02d}/{day.month:02d}/{day.year:04d}"  # strftime drops a year's leading zeros
    why = (
        f"ngày «{shown}» nằm ngoài khoảng cho phép: chỉ nhận ngày từ {format_date(FIRST_DAY)} "
        f"đến {format_date(LAST_DAY)}"
    )
    if day > LAST_DAY:
        why += "; nếu chưa có hạn cụ thể, hãy ghi một hạn thật (ví dụ cuối năm nay) rồi gia hạn khi cần"
    raise InputError(why)


def parse_date(value: object) -> date:
    """dd/mm/yyyy (also with . or -), yyyy-mm-dd, or an Excel date (a date,
    a datetime, or the serial number Excel stores), from FIRST_DAY to LAST_DAY."""
    return check_date_bounds(_read_date(value))


def _read_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise InputError(f"«{value}» không phải là ngày")
    text = str(value or "").strip()
    if not text:
        raise InputError("chưa có ngày")
    m = _DMY.match(text)
    try:
        if m:
            d, mo, y = (int(x) for x in m.groups())
            if y < 100:
                y += 2000
            return date(y, mo, d)
        m = _YMD.match(text)
        if m:
            y, mo, d = (int(x) for x in m.groups())
            return date(y, mo, d)
    except ValueError:
        raise InputError(f"ngày «{text}» không có thật") from None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _read_date(float(text))
    raise InputError(f"«{text}» không phải là ngày; hãy viết dd/mm/yyyy, ví dụ 31/12/2026")


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def parse_percent(text: str) -> int:
    """ "50", "50%", "50 %" → 50; refuses what is not a whole number from 0 to 100."""
    raw = str(text).strip().rstrip("%").strip().replace(",", ".")
    try:
        number = float(raw)
    except ValueError:
        raise InputError(f"«{text}» không phải là phần trăm; hãy ghi một số từ 0 đến 100") from None
    if not 0 <= number <= 100 or number != number:
        raise InputError(f"phần trăm phải từ 0 đến 100 (đồng chí ghi {text})")
    return round(number)


_ROLES = {
    "can bo": ROLE_OFFICER,
    "cong chuc": ROLE_OFFICER,
    "chuyen vien": ROLE_OFFICER,
    "vien chuc": ROLE_OFFICER,
    "officer": ROLE_OFFICER,
    "nhan vien": ROLE_OFFICER,
    "lanh dao": ROLE_MANAGER,
    "quan ly": ROLE_MANAGER,
    "manager": ROLE_MANAGER,
    "truong phong": ROLE_MANAGER,
    "quan tri": ROLE_ADMIN,
    "quan tri vien": ROLE_ADMIN,
    "admin": ROLE_ADMIN,
}


def parse_role(text: str) -> str:
    role = _ROLES.get(key(text))
    if role is None:
        raise InputError(f"vai trò «{text}» không hợp lệ; hãy ghi: cán bộ, lãnh đạo hoặc quản trị")
    return role


def unit_path(text: str) -> list[str]:
    """ "UBND tỉnh > Sở Nội vụ > Phòng CCHC" → the names of each level."""
    parts = [" ".join(p.split()) for p in re.split(r"\s*[>›»]\s*", nfc(str(text or "")))]
    parts = [p for p in parts if p]
    if not parts:
        raise InputError("chưa có tên đơn vị")
    return parts


_VALUE = re.compile(
    r"(?P<op>>=|<=|≥|≤|>|<)?\s*(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>%|điểm|diem|hồ sơ|ho so)?", re.IGNORECASE
)


def target_value_in(text: str) -> tuple[float | None, str, bool]:
    """The goal written in a target's name: "SIPAS > 85%" → (85.0, "%", True).

    The last number in the text is taken (years are skipped); "<"/"≤" means
    lower is better."""
    best: tuple[float | None, str, bool] = (None, "", True)
    for m in _VALUE.finditer(str(text)):
        num = m.group("num")
        if re.fullmatch(r"(19|20)\d\d", num) and not m.group("unit"):
            continue
        op = m.group("op") or ""
        best = (float(num.replace(",", ".")), (m.group("unit") or "").lower(), op not in ("<", "<=", "≤"))
    return best


def parse_number(text: str) -> float:
    raw = str(text).strip().rstrip("%").strip()
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", raw):  # 1.234,5
        raw = raw.replace(".", "").replace(",", ".")
    else:
        raw = raw.replace(",", ".")
    try:
        number = float(raw)
    except ValueError:
        raise InputError(f"«{text}» không phải là một số") from None
    if not math.isfinite(number):  # "nan", "inf", "1e400": no value to record (nor to store: NaN is NULL)
        raise InputError(f"«{text}» không phải là một số")
    return number
