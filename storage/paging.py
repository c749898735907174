"""Pages of the long lists people read in chat: one's own open tasks (``/nhiemvu``) and the audit log
(``/nhatky``), each with how many there are in all."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from storage.models import STATUS_DONE, AuditEntry, Task


def own_open_tasks(*, session: Session, owner_id: int, offset: int, limit: int) -> Sequence[Task]:
    """The open tasks a person carries out, nearest deadline first (then by code), from ``offset``."""
    return session.exec(
        select(Task)
        .where(Task.owner_id == owner_id, Task.status != STATUS_DONE)
        .order_by(col(Task.deadline), col(Task.code))
        .offset(offset)
        .limit(limit)
    ).all()


def count_own_open_tasks(*, session: Session, owner_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(Task).where(Task.owner_id == owner_id, Task.status != STATUS_DONE)
    ).one()


def _audit_filter(entity_code: str | None):
    return func.upper(AuditEntry.entity_code) == entity_code.upper() if entity_code else True


def audit_entries(*, session: Session, entity_code: str | None, offset: int, limit: int) -> Sequence[AuditEntry]:
    """Lines of the audit log, newest first, from ``offset``; those about ``entity_code`` only, when given."""
    return session.exec(
        select(AuditEntry)
        .where(_audit_filter(entity_code))
        .order_by(col(AuditEntry.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()


def count_audit_entries(*, session: Session, entity_code: str | None) -> int:
    return session.exec(select(func.count()).select_from(AuditEntry).where(_audit_filter(entity_code))).one()
