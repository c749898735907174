"""Paging ``/nhiemvu`` (ten tasks a page) and ``/nhatky`` (twenty lines a page): the page asked for,
clamped to those that exist, with the total, so a reader knows how many there are and can go on.
Who may read is checked here, for the command and for every ◀ ▶ press alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel import Session

from storage import paging as store
from tracking.service import Actor, TaskLine, require_admin, require_linked

T = TypeVar("T")

TASKS_PER_PAGE = 10
AUDIT_PER_PAGE = 20


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int  # 0-based
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """The 1-based position of the page's first item."""
        return self.number * self.size + 1


def _clamp(number: int, total: int, size: int) -> int:
    return max(0, min(number, max(0, (total - 1) // size)))


def my_tasks(session: Session, actor: Actor, *, page: int = 0, size: int = TASKS_PER_PAGE) -> tuple[str, Page]:
    """The actor's own open tasks, a page of them (``TaskLine`` as ``/nhiemvu`` shows them), and their name."""
    staff = require_linked(actor)
    total = store.count_own_open_tasks(session=session, owner_id=staff.id)
    page = _clamp(page, total, size)
    tasks = store.own_open_tasks(session=session, owner_id=staff.id, offset=page * size, limit=size)
    return staff.full_name, Page([TaskLine(t, None, None) for t in tasks], total, page, size)


def audit_log(
    session: Session, actor: Actor, *, code: str | None = None, page: int = 0, size: int = AUDIT_PER_PAGE
) -> Page:
    """A page of the audit log, newest first (about ``code`` only, when given): admins only."""
    require_admin(actor, "xem nhật ký thay đổi")
    total = store.count_audit_entries(session=session, entity_code=code)
    page = _clamp(page, total, size)
    entries = list(store.audit_entries(session=session, entity_code=code, offset=page * size, limit=size))
    return Page(entries, total, page, size)
