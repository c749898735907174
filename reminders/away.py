"""Who is on leave over the days a scan covers, and where a task's reminders go meanwhile.

While a person is on leave (``leave``, recorded by ``/nghiphep``: ``tracking.leave``) no reminder
goes to them. A reminder due on a day of their leave goes to the substitute they named, saying on
whose behalf; with no substitute, the owner's reminders of those days are dropped and an
escalation about their task waits until they are back (``reminders.policy``'s
``escalation_waits``: the first working day after the leave). The same holds for the accountable
leader: an escalation due while they are away goes to their substitute, or waits for their return.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlmodel import Session

from reminders.policy import OWNER, Due, Window
from storage import calendar as store
from storage.models import Leave, Task

# Leave that ended this long before a scan's window can no longer move an escalation into it.
_LOOK_BACK = timedelta(days=400)


class Away:
    def __init__(self, leaves: Iterable[Leave]) -> None:
        self.by_staff: dict[int, list[Leave]] = defaultdict(list)
        for leave in leaves:
            if leave.end >= leave.start:
                self.by_staff[leave.staff_id].append(leave)

    @classmethod
    def load(cls, session: Session, *, first: date, last: date) -> Away:
        return cls(store.leaves_between(session=session, first=first - _LOOK_BACK, last=last))

    def leave_on(self, staff_id: int | None, day: date) -> Leave | None:
        if staff_id is None:
            return None
        for leave in self.by_staff.get(staff_id, ()):
            if leave.start <= day <= leave.end:
                return leave
        return None

    def substitutes(self) -> set[int]:
        return {
            leave.substitute_id
            for leaves in self.by_staff.values()
            for leave in leaves
            if leave.substitute_id is not None
        }

    def waits(self, task: Task) -> tuple[Window, ...]:
        """The owner's and the accountable leader's leave with no substitute: escalations wait."""
        return tuple(
            sorted(
                (leave.start, leave.end)
                for staff_id in {task.owner_id, task.accountable_id}
                for leave in self.by_staff.get(staff_id, ())
                if leave.substitute_id is None
            )
        )

    def recipient(self, task: Task, due: Due) -> tuple[int | None, Leave | None]:
        """Whom ``due`` goes to, and the leave they stand in for (None: to the person themself);
        (None, leave) when no one is to receive it (away, with no substitute who is at work)."""
        person = task.owner_id if due.to == OWNER else task.accountable_id
        leave = self.leave_on(person, due.on)
        if leave is None:
            return person, None
        if leave.substitute_id is not None and self.leave_on(leave.substitute_id, due.on) is None:
            return leave.substitute_id, leave
        return None, leave
