"""The leader's view of the work in their scope (``/theodoi``) and a task's card (``/xem``).

Who sees what: ``/theodoi`` is for managers (their unit's subtree, their direct reports and the
tasks they answer for: ``storage.tracking.Scope``) and admins (everything); officers are refused
with a hint to ``/nhiemvu``. ``/xem`` is for anyone who may see the task
(``tracking.service.visible_task``). Every button is checked again here: a button is not a
permission.

Filters (typed after ``/theodoi``, with or without diacritics, in any order, combined): ``quá hạn``,
``vướng mắc``, ``chờ duyệt``, ``sắp đến hạn`` (and the near phrasings of :data:`FILTER_WORDS`), a
unit of the caller's scope by name, a staff code. A filter travels in the paging buttons as a short
state (:meth:`Watch.state`): ``o`` overdue, ``b`` blocked, ``r`` awaiting review, ``s`` due soon,
``u<unit id>``, ``p<staff id>``.

The card's buttons (:func:`card_actions`), one callback family each (``handlers.register``):

==================  =======================  ==============================================
``t:<task>``        report progress          the owner
``cm:<task>``       comment                  the owner, the accountable leader, managers in scope, admins
``xe:<task>``       ask for an extension     the owner (none pending, the task not done)
``xa:<request>``    approve the extension    the accountable leader, admins
``xr:<request>``    refuse the extension     the accountable leader, admins
``rc:<task>``       confirm completion       the accountable leader, admins (task awaiting review)
``rr:<task>``       return completion        the accountable leader, admins (task awaiting review)
``xg:<task>``       extend the deadline      managers in scope, admins
``gl:<task>``       reassign                 managers in scope, admins
``ev:<evidence>``   send an evidence file    anyone who sees the task
``cd:<task>``       open the card            anyone who sees the task
``w:<page>:<st>``   a page of ``/theodoi``   managers, admins
==================  =======================  ==============================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlmodel import Session

import texts.leaders as copy
from kb.text import ABBREVIATIONS
from storage import leaders as store
from storage import tracking as db
from storage.models import (
    STATUS_DONE,
    STATUS_REVIEW,
    Evidence,
    ExtensionRequest,
    Milestone,
    Report,
    Staff,
    Target,
    TargetValue,
    Task,
    TaskComment,
    TaskSeries,
    Unit,
)
from tracking import refusals as no
from tracking.parse import key
from tracking.refusals import Refused
from tracking.service import Actor, require_manager, visible_task

PAGE_SIZE = 10
HISTORY = 10  # reports on the card
COMMENTS = 10  # comments on the card
EVIDENCE = 8  # evidence buttons on the card
UNIT_CHOICES = 8

# The filters and how officers type them (folded: no diacritics, lower case, single spaces).
FILTER_WORDS: dict[str, tuple[str, ...]] = {
    "overdue": (
        "qua han",
        "da qua han",
        "tre han",
        "bi tre",
        "tre hen",
        "tre tien do",
        "cham tien do",
        "bi cham",
        "het han",
        "qua thoi han",
        "quahan",
        "overdue",
    ),
    "blocked": (
        "vuong mac",
        "bi vuong",
        "dang vuong",
        "vuong",
        "kho khan",
        "gap kho khan",
        "bi ket",
        "vuongmac",
        "vm",
        "blocked",
    ),
    "review": (
        "cho duyet",
        "can duyet",
        "cho phe duyet",
        "cho xac nhan",
        "can xac nhan",
        "cho nghiem thu",
        "choduyet",
        "review",
    ),
    "due_soon": (
        "sap den han",
        "sap het han",
        "sap toi han",
        "gan den han",
        "gan toi han",
        "sap dao han",
        "sap han",
        "gan han",
        "sapdenhan",
        "due soon",
    ),
}
_PHRASES = sorted(
    ((tuple(p.split()), name) for name, ps in FILTER_WORDS.items() for p in ps), key=lambda item: -len(item[0])
)
# Words joining filters ("quá hạn và vướng mắc"), dropped at the edges of what is left.
_JOINERS = [
    tuple(p.split())
    for p in (
        "nhiem vu",
        "don vi",
        "can bo",
        "cua",
        "va",
        "voi",
        "tai",
        "o",
        "thuoc",
        "loc",
        "theo",
        "cac",
        "tat ca",
        "all",
        "and",
        "of",
    )
]
_STAFF_CODE = re.compile(r"^[a-z]{1,6}\d{1,6}$")
_STATE = re.compile(r"^(o?)(b?)(r?)(s?)(?:u(\d{1,9}))?(?:p(\d{1,9}))?$")


@dataclass(frozen=True)
class Watch:
    """What a leader asked ``/theodoi`` for; carried by the paging buttons as :meth:`state`."""

    overdue: bool = False
    blocked: bool = False
    review: bool = False
    due_soon: bool = False
    unit_id: int | None = None
    owner_id: int | None = None

    def state(self) -> str:
        flags = "".join(
            letter
            for letter, on in (("o", self.overdue), ("b", self.blocked), ("r", self.review), ("s", self.due_soon))
            if on
        )
        return (
            flags
            + (f"u{self.unit_id}" if self.unit_id is not None else "")
            + (f"p{self.owner_id}" if self.owner_id is not None else "")
        )

    @classmethod
    def from_state(cls, state: str) -> Watch | None:
        m = _STATE.match(state)
        if m is None:
            return None
        o, b, r, s, unit, owner = m.groups()
        return cls(bool(o), bool(b), bool(r), bool(s), int(unit) if unit else None, int(owner) if owner else None)

    def with_unit(self, unit_id: int) -> Watch:
        return Watch(self.overdue, self.blocked, self.review, self.due_soon, unit_id, self.owner_id)


@dataclass
class UnitChoice:
    """Several units of the scope match the name typed: the leader picks one (a button each)."""

    text: str
    watch: Watch  # the other filters, kept for the chosen unit
    units: list[tuple[Unit, str]]  # (unit, full name)


@dataclass
class WatchPage:
    watch: Watch
    lines: list  # tracking.service.TaskLine, with owner and accountable
    total: int
    page: int
    pages: int
    unit_name: str = ""
    owner: Staff | None = None
    scope_title: str = ""


# --------------------------------------------------------------------------
# /theodoi
# --------------------------------------------------------------------------


def require_watcher(actor: Actor) -> None:
    """Managers and admins; an officer is pointed to /nhiemvu, a stranger to the invite."""
    require_manager(actor, copy.WATCH_FOR)


def _split(text: str) -> tuple[set[str], list[str], dict[str, str]]:
    """The filters named in ``text``, the words left over (folded), and how each was typed."""
    typed = [w for w in re.split(r"[\s,;+/|]+", text) if key(w)]
    words = [key(w) for w in typed]
    found: set[str] = set()
    rest: list[str] = []
    i = 0
    while i < len(words):
        for phrase, name in _PHRASES:
            if tuple(words[i : i + len(phrase)]) == phrase:
                found.add(name)
                i += len(phrase)
                break
        else:
            rest.append(words[i])
            i += 1
    return found, rest, dict(zip(words, typed))


def _trim(words: list[str]) -> list[str]:
    """``words`` without joining words at either end."""
    trimmed = True
    while words and trimmed:
        trimmed = False
        for joiner in _JOINERS:
            n = len(joiner)
            if tuple(words[:n]) == joiner:
                words, trimmed = words[n:], True
            elif len(words) >= n and tuple(words[-n:]) == joiner:
                words, trimmed = words[:-n], True
    return words


def _contract(text: str) -> str:
    """Long forms to their abbreviation (``cai cach hanh chinh`` → ``cchc``), so either matches."""
    for short, forms in ABBREVIATIONS.items():
        for form in forms:
            text = re.sub(rf"\b{re.escape(form)}\b", short, text)
    return text


def _units_matching(session: Session, actor: Actor, query: str) -> list[Unit]:
    scope = actor.scope(session)
    units = [u for u in db.list_units(session=session) if scope.covers_unit(u)]
    short = _contract(query)

    def last(u: Unit) -> str:
        return u.key.rsplit(db.UNIT_SEPARATOR, 1)[-1]

    exact = [u for u in units if last(u) in (query, short) or _contract(last(u)) == short]
    if exact:
        return exact
    named = [u for u in units if query in last(u) or short in _contract(last(u))]
    return named or [u for u in units if query in u.key or short in _contract(u.key)]


def _staff_in_scope(session: Session, actor: Actor, staff: Staff) -> bool:
    if actor.is_admin:
        return True
    scope = actor.scope(session)
    unit = session.get(Unit, staff.unit_id)
    return (
        (unit is not None and scope.covers_unit(unit))
        or staff.manager_id == scope.staff_id
        or store.owns_task_in_scope(session=session, scope=scope, staff_id=staff.id)
    )


def read_filter(session: Session, actor: Actor, text: str) -> Watch | UnitChoice:
    """``/theodoi``'s words as a :class:`Watch`, or the units to choose from; refused when a word is
    neither a filter, a unit of the scope nor a staff code of it (with the valid filters)."""
    require_watcher(actor)
    found, rest, typed = _split(text)
    owner_id = None
    for word in list(rest):
        if _STAFF_CODE.match(word):
            staff = db.staff_by_code(session=session, code=word)
            # Someone outside the scope reads as an unknown code: whether they exist is not disclosed.
            if staff is not None and _staff_in_scope(session, actor, staff):
                if owner_id is not None and owner_id != staff.id:
                    raise Refused(copy.ONE_STAFF_ONLY)
                owner_id = staff.id
                rest.remove(word)
    watch = Watch("overdue" in found, "blocked" in found, "review" in found, "due_soon" in found, None, owner_id)
    rest = _trim(rest)
    if not rest:
        return watch
    query = " ".join(rest)
    units = _units_matching(session, actor, query)
    if not units:
        raise Refused(copy.unknown_filter(" ".join(typed.get(w, w) for w in rest)))
    if len(units) == 1:
        return watch.with_unit(units[0].id)
    return UnitChoice(
        text=query, watch=watch, units=[(u, db.unit_full_name(session=session, unit=u)) for u in units[:UNIT_CHOICES]]
    )


def watch_page(session: Session, actor: Actor, watch: Watch, *, page: int, today: date) -> WatchPage:
    """One page of ``/theodoi`` (10 tasks, most urgent first); the unit and the person filtered on
    are checked against the caller's scope again (the state may come from a forged button)."""
    from tracking.service import scope_title, task_lines

    require_watcher(actor)
    scope = actor.scope(session)
    unit_path, unit_name, owner = None, "", None
    if watch.unit_id is not None:
        unit = session.get(Unit, watch.unit_id)
        if unit is None or not scope.covers_unit(unit):
            raise Refused(copy.UNIT_NOT_IN_SCOPE)
        unit_path, unit_name = unit.path, db.unit_full_name(session=session, unit=unit)
    if watch.owner_id is not None:
        owner = session.get(Staff, watch.owner_id)
        if owner is None or not _staff_in_scope(session, actor, owner):
            raise Refused(copy.STAFF_NOT_IN_SCOPE)
    wanted = store.WatchFilter(
        overdue=watch.overdue,
        blocked=watch.blocked,
        review=watch.review,
        due_soon=watch.due_soon,
        unit_path=unit_path,
        owner_id=watch.owner_id,
    )
    page = max(1, page)
    tasks, total = store.watch_tasks(
        session=session, scope=scope, wanted=wanted, today=today, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages and total:
        page = pages
        tasks, total = store.watch_tasks(
            session=session, scope=scope, wanted=wanted, today=today, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
    return WatchPage(
        watch=watch,
        lines=task_lines(session, tasks),
        total=total,
        page=page,
        pages=pages,
        unit_name=unit_name,
        owner=owner,
        scope_title=scope_title(session, actor.staff, everything=actor.is_admin),
    )


# --------------------------------------------------------------------------
# The card
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CardAction:
    """A button of the card: what it does (``kind``, a key of ``texts.leaders.ACTION_LABELS``) and
    its callback data."""

    kind: str
    data: str


def _is_leader_of(session: Session, actor: Actor, task: Task) -> bool:
    """The accountable leader, or an admin: who confirms completions and decides extensions."""
    return actor.is_admin or (actor.staff is not None and actor.staff.id == task.accountable_id)


def _manages(session: Session, actor: Actor, task: Task) -> bool:
    """A manager whose scope holds the task, or an admin: who extends and reassigns."""
    if actor.is_admin:
        return True
    return actor.is_manager and db.task_in_scope(session=session, scope=actor.scope(session), task_id=task.id)


def card_actions(
    session: Session, actor: Actor, task: Task, pending: ExtensionRequest | Literal[False] | None = False
) -> list[CardAction]:
    """The buttons ``actor`` may press on ``task``'s card (see the module's table), in the order
    shown. ``pending``: the task's pending extension request if already read (False: read it)."""
    if pending is False:
        pending = store.pending_extension(session=session, task_id=task.id)
    me = actor.staff.id if actor.staff is not None else None
    owner = me is not None and me == task.owner_id
    leader = _is_leader_of(session, actor, task)
    manages = _manages(session, actor, task)
    done = task.status == STATUS_DONE
    actions: list[CardAction] = []
    if owner and not done and task.status != STATUS_REVIEW:
        actions.append(CardAction("report", f"t:{task.id}"))
    if owner or leader or manages:
        actions.append(CardAction("comment", f"cm:{task.id}"))
    if owner and not done and pending is None:
        actions.append(CardAction("ask_extension", f"xe:{task.id}"))
    if pending is not None and leader:
        actions += [
            CardAction("approve_extension", f"xa:{pending.id}"),
            CardAction("refuse_extension", f"xr:{pending.id}"),
        ]
    if task.status == STATUS_REVIEW and leader:
        actions += [CardAction("confirm_completion", f"rc:{task.id}"), CardAction("return_completion", f"rr:{task.id}")]
    if manages and not done:
        actions += [CardAction("extend", f"xg:{task.id}"), CardAction("reassign", f"gl:{task.id}")]
    return actions


def task_for_action(session: Session, actor: Actor, task_id: int, kind: str) -> Task:
    """A task the actor may see and on whose card ``kind`` is one of their buttons (the same rule as
    :func:`card_actions`, checked again on the server); refused otherwise."""
    task = visible_task(session, actor, task_id)
    if kind not in {a.kind for a in card_actions(session, actor, task)}:
        raise Refused(copy.action_not_allowed(kind, task.code))
    return task


@dataclass
class Card:
    """Everything the card of a task shows (``texts.leaders.card``)."""

    task: Task
    owner: Staff | None
    accountable: Staff | None
    host_unit: str
    milestones: list[Milestone]
    reports: list[Report]
    reports_total: int
    authors: dict[int, Staff]
    evidence: list[tuple[Evidence, Report]]
    comments: list[TaskComment]
    comments_total: int
    pending: ExtensionRequest | None
    target: Target | None
    target_value: TargetValue | None
    actions: list[CardAction] = field(default_factory=list)
    series: TaskSeries | None = None  # a periodic report's instance: its series
    period: str = ""  # and its period, as officers name it ("Quý I/2026")


def period_label(rule_text: str, key_text: str) -> str:
    """The period of a series' instance as officers name it ("Quý I/2026"), from its rule and key
    ("2026-Q1"); the key itself when either does not read."""
    from tracking import recurrence

    m = re.fullmatch(r"(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])|W(\d{2})))?", key_text or "")
    try:
        if m is None:
            return key_text
        year, month, quarter, half, week = m.groups()
        if week:
            day = date.fromisocalendar(int(year), int(week), 1)
        else:
            first = int(month) if month else (int(quarter) - 1) * 3 + 1 if quarter else 7 if half == "2" else 1
            day = date(int(year), first, 1)
        return recurrence.period_of(recurrence.parse(rule_text), day).label
    except (ValueError, recurrence.RuleError):
        return key_text


def card(session: Session, actor: Actor, code_or_id: str | int) -> Card:
    """The card of a task the actor may see (else TaskNotVisible, the same for an unknown code)."""
    task = visible_task(session, actor, code_or_id)
    reports, reports_total = store.reports_page(session=session, task_id=task.id, limit=HISTORY)
    comments, comments_total = store.comments_of(session=session, task_id=task.id, limit=COMMENTS)
    evidence = store.evidence_of(session=session, task_id=task.id, limit=EVIDENCE)
    pending = store.pending_extension(session=session, task_id=task.id)
    people = db.staff_by_ids(
        session=session,
        ids=[task.owner_id, task.accountable_id]
        + [r.staff_id for r in reports]
        + ([pending.staff_id] if pending else []),
    )
    unit = session.get(Unit, task.host_unit_id)
    series = session.get(TaskSeries, task.series_id) if task.series_id is not None else None
    target = session.get(Target, task.target_id) if task.target_id is not None else None
    value = (
        db.latest_target_values(session=session, target_ids=[target.id]).get(target.id) if target is not None else None
    )
    return Card(
        task=task,
        owner=people.get(task.owner_id),
        accountable=people.get(task.accountable_id),
        host_unit=db.unit_full_name(session=session, unit=unit) if unit else "",
        milestones=store.milestones_of(session=session, task_id=task.id),
        reports=reports,
        reports_total=reports_total,
        authors=people,
        evidence=evidence,
        comments=comments,
        comments_total=comments_total,
        pending=pending,
        target=target,
        target_value=value,
        actions=card_actions(session, actor, task, pending),
        series=series,
        period=period_label(series.rule, task.period_key) if series is not None else "",
    )


def evidence_file(session: Session, actor: Actor, evidence_id: int) -> tuple[Evidence, Task]:
    """An evidence file of a task the actor may see; the same refusal for an unknown id."""
    found = store.evidence_by_id(session=session, evidence_id=evidence_id)
    if found is None:
        if actor.staff is None and not actor.super_admin:
            raise no.NotLinked()
        raise no.TaskNotVisible()
    item, report = found
    return item, visible_task(session, actor, report.task_id)
