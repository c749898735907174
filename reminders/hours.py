"""Working hours: reminders reach people only while the office works.

``WORK_HOURS`` ("07:30-17:00", local time) and the office's calendar (the work week, the national
holidays and the office's own days, ``reminders.calendar.OfficeCalendar``) say when the office
works: on a working day, from the first time included to the second excluded. The dispatcher
(``reminders.dispatch``) holds the outbox rows of the kinds in ``HELD_KINDS`` (a task's reminders
to its owner and the escalations to its leader) outside these hours: they stay queued and go out
at the start of the next working period. Digests keep the time they were subscribed for, and
notices (the answers to people's own actions) are never held.

Pure: nothing here reads the clock or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from common.timespec import parse_hhmm
from reminders.calendar import OfficeCalendar

HELD_KINDS: tuple[str, ...] = ("reminder",)  # the outbox kind of reminders and escalations (reminders.scan)


def parse_work_hours(spec: str) -> tuple[time, time]:
    """ "07:30-17:00" → (07:30, 17:00), "00:00-24:00" the whole day; ``ValueError`` (in Vietnamese)
    for anything else."""
    parts = str(spec).replace("–", "-").split("-")
    if len(parts) != 2:
        raise ValueError(f"'{spec}' không phải khung giờ làm việc; hãy viết HH:MM-HH:MM, ví dụ 07:30-17:00")
    try:
        start = parse_hhmm(parts[0].strip())
        end = time.max if parts[1].strip() == "24:00" else parse_hhmm(parts[1].strip())
    except ValueError:
        raise ValueError(f"'{spec}' không phải khung giờ làm việc; hãy viết HH:MM-HH:MM, ví dụ 07:30-17:00") from None
    if end <= start:
        raise ValueError(f"Khung giờ '{spec}': giờ kết thúc phải sau giờ bắt đầu, ví dụ 07:30-17:00")
    return start, end


@dataclass(frozen=True)
class WorkHours:
    start: time
    end: time
    tz: tzinfo
    calendar: OfficeCalendar  # the national calendar; the office's own days are added when asked

    @classmethod
    def from_settings(cls, settings) -> WorkHours:
        start, end = parse_work_hours(settings.work_hours)
        return cls(start, end, settings.tz, OfficeCalendar(settings.work_week, settings.public_holidays))

    def is_open(self, moment: datetime, calendar: OfficeCalendar | None = None) -> bool:
        """Whether ``moment`` is in working hours of a working day (of ``calendar``, the office's)."""
        cal = calendar or self.calendar
        local = moment.astimezone(self.tz)
        return cal.is_working_day(local.date()) and self.start <= local.time() < self.end

    def next_opening(self, moment: datetime, calendar: OfficeCalendar | None = None) -> datetime:
        """``moment`` if the office works then, else the start of its next working period."""
        if self.is_open(moment, calendar):
            return moment
        cal = calendar or self.calendar
        local = moment.astimezone(self.tz)
        day = local.date()
        if local.time() >= self.start:
            day += timedelta(days=1)
        day = cal.next_working_day(day)
        return datetime.combine(day, self.start, tzinfo=self.tz)
