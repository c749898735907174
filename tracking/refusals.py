"""Why an action is refused: the exceptions the tracking service (and the handlers and the knowledge
base's feedback) raise before changing anything. Each carries what was wrong, not a sentence: the
handlers and the command line render it (``texts.refusals.render``, which ``str()`` also gives, so
a log or a traceback reads the same)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class Refused(Exception):
    """An action the actor may not do, or that cannot be done. ``Refused(text)`` carries its own
    (already rendered, HTML) text; the subclasses below carry data."""

    def __str__(self) -> str:
        from texts.refusals import render

        return render(self)


@dataclass(eq=False)
class Typed(Refused):
    """A refusal that carries data (a dataclass: its fields say what was wrong)."""

    def __post_init__(self) -> None:
        Exception.__init__(self, *vars(self).values())

    __str__ = Refused.__str__


# Who may act -----------------------------------------------------------------------------------


@dataclass(eq=False)
class NotLinked(Typed):
    """The Telegram account is linked to no staff member."""


@dataclass(eq=False)
class AdminOnly(Typed):
    action: str  # what was asked, as a verb phrase ("thêm nhiệm vụ")


@dataclass(eq=False)
class ManagerOnly(Typed):
    action: str


# Tasks and reports -----------------------------------------------------------------------------


@dataclass(eq=False)
class TaskNotVisible(Typed):
    """No such task in the actor's scope (the same for an unknown code, so none is disclosed)."""

    code: str | None = None  # None: asked by id (a button), said nothing of


@dataclass(eq=False)
class NotOwnTask(Typed):
    """The actor neither carries out nor manages the task."""

    code: str
    doing: str = "report"  # "report" (a report, from a command), "button" (a report button), "snooze"


@dataclass(eq=False)
class NotOwnReport(Typed):
    task_gone: bool = False  # the report is theirs, but its task no longer is


@dataclass(eq=False)
class NotLatestReport(Typed):
    pass


@dataclass(eq=False)
class NoReportYet(Typed):
    code: str


@dataclass(eq=False)
class PercentOutOfRange(Typed):
    pass


@dataclass(eq=False)
class ReasonMissing(Typed):
    doing: str  # "report" (a "vướng mắc" report), "correct" (corrected to "vướng mắc"), "extend"


@dataclass(eq=False)
class Unreadable(Typed):
    """A value the user typed that does not read (``reason``: the parser's, in Vietnamese)."""

    doing: str  # "report", "correct", "extend", "role", "record", "add", "unit", "deadline"
    reason: str


# Staff, invites and accounts -------------------------------------------------------------------


@dataclass(eq=False)
class StaffNotFound(Typed):
    code: str


@dataclass(eq=False)
class StaffAlreadyLinked(Typed):
    """An invite for a staff member already linked, without asking to re-link."""

    code: str


@dataclass(eq=False)
class InviteUnusable(Typed):
    state: str  # "unknown", "revoked", "used", "expired", "staff_linked" (linked meanwhile)


@dataclass(eq=False)
class AccountTaken(Typed):
    """The Telegram account is already linked to another staff member."""

    name: str
    code: str


@dataclass(eq=False)
class NothingToRevoke(Typed):
    code: str
    known: bool  # False: neither an invite nor a staff code; True: the staff member has no open invite


@dataclass(eq=False)
class InviteNotRevocable(Typed):
    state: str  # "revoked", "used", "expired"
    staff_code: str = ""


@dataclass(eq=False)
class CannotDropOwnAdmin(Typed):
    pass


# Admin changes ---------------------------------------------------------------------------------


@dataclass(eq=False)
class TaskCodeTaken(Typed):
    code: str
    wizard: bool = False  # from /themnhiemvu: suggest the automatic code


@dataclass(eq=False)
class Missing(Typed):
    labels: list[str]


@dataclass(eq=False)
class SameOwner(Typed):
    code: str
    name: str


@dataclass(eq=False)
class DeadlineNotLater(Typed):
    new: date
    old: date


@dataclass(eq=False)
class DeadlinePassed(Typed):
    new: date | None = None  # None: /themnhiemvu's deadline step


@dataclass(eq=False)
class TargetNotFound(Typed):
    code: str


@dataclass(eq=False)
class UnitNotFound(Typed):
    text: str


@dataclass(eq=False)
class UnitAmbiguous(Typed):
    text: str
    names: str


# Conversations ---------------------------------------------------------------------------------


@dataclass(eq=False)
class TextExpected(Typed):
    pass


@dataclass(eq=False)
class NothingToSave(Typed):
    """«Lưu» / «Hủy» pressed with no new task waiting."""


@dataclass(eq=False)
class UnreadableSubscription(Typed):
    text: str
    hour: bool = False  # the time of day is what does not read
    day: bool = False  # the day of the month (of a monthly or quarterly digest) is what does not read
    weekday: bool = False  # the day of the week (of a weekly digest) is what does not read
