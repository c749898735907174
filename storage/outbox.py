"""The outbox: messages queued in the database, claimed by one sender at a time.

A row goes ``pending`` → ``sending`` (claimed, with a lease) → ``sent``, or back
to ``pending`` with a later ``not_before`` (rate limit, transient error), or to
``failed``/``unreachable``. A sender killed mid-dispatch leaves its rows
``sending``; as soon as another process (or its own restart) sees it is gone, they are
pending again (``reminders/recovery.py``), or else once the lease expires, so at most
the messages that were in flight are repeated. Every function takes the caller's
session; each claim is one UPDATE statement, atomic on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, func, update
from sqlmodel import Session, col, select

from storage.db import rowcount
from storage.models import (
    OUTBOX_FAILED,
    OUTBOX_PENDING,
    OUTBOX_SENDING,
    OUTBOX_SENT,
    OUTBOX_UNREACHABLE,
    Outbox,
    Staff,
)


def existing_keys(*, session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(session.exec(select(Outbox.key).where(col(Outbox.key).in_(chunk))).all())
    return found


def enqueue(*, session: Session, row: Outbox) -> bool:
    """Queue ``row`` unless a row with its key exists (the caller holds the scan lock)."""
    if existing_keys(session=session, keys=[row.key]):
        return False
    session.add(row)
    session.flush()
    return True


def release_expired(*, session: Session, now: datetime, lease: timedelta) -> int:
    """Rows claimed longer than ``lease`` ago, by a sender that died unseen: pending again. (The
    claims of a process known to be gone are released at once: ``release_claims_of``.)"""
    result = session.execute(
        update(Outbox)
        .where(col(Outbox.status) == OUTBOX_SENDING, col(Outbox.claimed_at) < now - lease)
        .values(status=OUTBOX_PENDING, claimed_by="")
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) or 0


def release_claims_of(*, session: Session, process_id: str) -> int:
    """Rows claimed by the process ``process_id`` (its tokens are ``<id>:<round>``), now gone:
    pending again at once, still due."""
    result = session.execute(
        update(Outbox)
        .where(
            col(Outbox.status) == OUTBOX_SENDING, col(Outbox.claimed_by).startswith(f"{process_id}:", autoescape=True)
        )
        .values(status=OUTBOX_PENDING, claimed_by="")
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) or 0


def claim(*, session: Session, token: str, now: datetime, limit: int, held_kinds: Sequence[str] = ()) -> list[Outbox]:
    """Claim up to ``limit`` due rows for the sender identified by ``token``; rows of ``held_kinds``
    (reminders outside working hours) stay queued."""
    due = (
        select(Outbox.id)
        .where(
            Outbox.status == OUTBOX_PENDING,
            col(Outbox.not_before) <= now,
            col(Outbox.kind).not_in(held_kinds) if held_kinds else col(Outbox.id).is_not(None),
        )
        .order_by(col(Outbox.not_before), col(Outbox.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Not ``id IN (subquery)``: PostgreSQL may run a locking subquery there once for each row it
        # looks at (a semi-join), each run skipping the rows the runs before locked, and so claim
        # every due row rather than ``limit``. A materialized CTE runs once.
        locked = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
        chosen = col(Outbox.id) == locked.c.id
    else:
        chosen = col(Outbox.id).in_(due.scalar_subquery())
    session.execute(
        update(Outbox)
        .where(col(Outbox.status) == OUTBOX_PENDING, chosen)
        .values(status=OUTBOX_SENDING, claimed_by=token, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return list(
        session.exec(
            select(Outbox).where(Outbox.claimed_by == token, Outbox.status == OUTBOX_SENDING).order_by(col(Outbox.id))
        ).all()
    )


def _finish(session: Session, row_id: int, token: str, **values) -> bool:
    """Update a row only while this sender still holds it."""
    result = session.execute(
        update(Outbox)
        .where(col(Outbox.id) == row_id, col(Outbox.claimed_by) == token, col(Outbox.status) == OUTBOX_SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(rowcount(result))


def mark_sent(*, session: Session, row_id: int, token: str, now: datetime) -> bool:
    return _finish(session, row_id, token, status=OUTBOX_SENT, sent_at=now, error="")


def retry_later(
    *, session: Session, row_id: int, token: str, at: datetime, error: str, count_attempt: bool = True
) -> bool:
    values = dict(status=OUTBOX_PENDING, not_before=at, claimed_by="", error=error[:500])
    if count_attempt:
        values["attempts"] = Outbox.attempts + 1
    return _finish(session, row_id, token, **values)


def mark_failed(*, session: Session, row_id: int, token: str, error: str) -> bool:
    return _finish(session, row_id, token, status=OUTBOX_FAILED, error=error[:500], attempts=Outbox.attempts + 1)


def mark_unreachable(*, session: Session, row: Outbox, token: str, now: datetime, error: str) -> bool:
    """The chat refused the bot (blocked, never started): the row stops here and
    the person is marked unreachable, for their manager's digest."""
    done = _finish(session, row.id, token, status=OUTBOX_UNREACHABLE, error=error[:500])
    session.execute(
        update(Staff)
        .where(and_(col(Staff.telegram_id) == row.chat_id, col(Staff.unreachable_since).is_(None)))
        .values(unreachable_since=now)
        .execution_options(synchronize_session=False)
    )
    return done


def counts(*, session: Session) -> dict[str, int]:
    rows = session.exec(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
    return {status: n for status, n in rows}
