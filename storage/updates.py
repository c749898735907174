"""Bookkeeping shared by bot processes: which Telegram updates have been
received and not yet handled (so a killed process loses none), which have been
taken, so that each is handled once even when Telegram delivers it twice or
several processes receive it; and when each process last ran a reminder cycle."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.db import rowcount
from storage.models import AppState, HandledUpdate, ReceivedUpdate, table_of
from storage.tracking import batches


def _insert(session: Session):
    """INSERT with ON CONFLICT, in the session's dialect."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


# The same words on SQLite (3.35 and later) and PostgreSQL. Written as text, since SQLAlchemy
# compiles its dialects' INSERT ... ON CONFLICT constructs anew each time, and this runs once an update.
_CLAIM = text(
    "INSERT INTO handled_update (update_id, handled_at) VALUES (:update_id, :handled_at) "
    "ON CONFLICT (update_id) DO NOTHING RETURNING update_id"
).bindparams(
    bindparam("update_id", type_=table_of(HandledUpdate).c.update_id.type),
    bindparam("handled_at", type_=table_of(HandledUpdate).c.handled_at.type),
)


def claim_update(session: Session, *, update_id: int, at: datetime) -> bool:
    """Record ``update_id``; False when some process recorded it before."""
    # On the session's connection: a plain statement needs none of the ORM's execution steps.
    return session.connection().execute(_CLAIM, {"update_id": update_id, "handled_at": at}).first() is not None


def forget_handled_updates(session: Session, *, before: datetime) -> int:
    """Drop records older than ``before`` (Telegram keeps an update 24 hours at most)."""
    return rowcount(session.execute(delete(HandledUpdate).where(col(HandledUpdate.handled_at) < before)))


_RECEIVE = text(
    "INSERT INTO received_update (update_id, payload, received_at, retry_at) "
    "VALUES (:update_id, :payload, :received_at, :retry_at) ON CONFLICT (update_id) DO NOTHING"
).bindparams(*(bindparam(c.name, type_=c.type) for c in table_of(ReceivedUpdate).columns))


def keep_received(session: Session, *, updates: list[tuple[int, str]], at: datetime, retry_at: datetime) -> None:
    """Keep updates (id, JSON as Telegram sent it) as they arrive, in one statement (a second
    delivery of an update changes nothing); one still here at ``retry_at`` was not seen through."""
    if updates:
        session.execute(
            _RECEIVE,
            [
                {"update_id": update_id, "payload": payload, "received_at": at, "retry_at": retry_at}
                for update_id, payload in updates
            ],
        )


def forget_received(session: Session, *, update_ids: list[int]) -> None:
    """Drop updates seen through to the end."""
    for batch in batches(update_ids):
        session.execute(delete(ReceivedUpdate).where(col(ReceivedUpdate.update_id).in_(batch)))


def take_unfinished(
    session: Session, *, now: datetime, retry_at: datetime, everything: bool = False, limit: int = 500
) -> list[tuple[int, str]]:
    """Updates left unfinished (due for a retry; with ``everything``, all of them), oldest first,
    to be handled again; they are due again at ``retry_at``, so no other process takes them
    meanwhile. Those some process did handle (only the note that it finished was lost) are dropped."""
    due = col(ReceivedUpdate.retry_at).is_not(None) if everything else col(ReceivedUpdate.retry_at) <= now
    handled = (
        select(col(HandledUpdate.update_id))
        .where(col(HandledUpdate.update_id) == col(ReceivedUpdate.update_id))
        .exists()
    )
    session.execute(delete(ReceivedUpdate).where(due, handled))
    rows = session.execute(
        select(col(ReceivedUpdate.update_id), col(ReceivedUpdate.payload))
        .where(due)
        .order_by(col(ReceivedUpdate.update_id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if rows:
        session.execute(
            table_of(ReceivedUpdate)
            .update()
            .where(col(ReceivedUpdate.update_id).in_([update_id for update_id, _ in rows]))
            .values(retry_at=retry_at)
        )
    return [(update_id, payload) for update_id, payload in rows]


def forget_old_received(session: Session, *, before: datetime) -> int:
    """Drop updates that arrived before ``before`` (Telegram keeps none longer than 24 hours:
    too late to answer, or one that brings its handler down every time)."""
    return rowcount(session.execute(delete(ReceivedUpdate).where(col(ReceivedUpdate.received_at) < before)))


HEARTBEAT_PREFIX = "cycle:"


def beat(session: Session, *, process: str, at: datetime) -> None:
    """Record that ``process`` finished a reminder cycle at ``at`` (one row a
    process; ``python -m bot check`` lists them)."""
    key = (HEARTBEAT_PREFIX + process)[:64]
    value = at.astimezone(UTC).isoformat(timespec="seconds")
    session.execute(
        _insert(session)(AppState)
        .values(key=key, value=value)
        .on_conflict_do_update(index_elements=["key"], set_={"value": value})
    )


def heartbeats(session: Session) -> dict[str, datetime]:
    rows = session.execute(
        select(col(AppState.key), col(AppState.value)).where(col(AppState.key).startswith(HEARTBEAT_PREFIX))
    )
    return {key[len(HEARTBEAT_PREFIX) :]: datetime.fromisoformat(value) for key, value in rows}


def forget_heartbeats(session: Session, *, before: datetime) -> int:
    gone = [process for process, at in heartbeats(session).items() if at < before]
    if gone:
        session.execute(delete(AppState).where(col(AppState.key).in_([(HEARTBEAT_PREFIX + p)[:64] for p in gone])))
    return len(gone)
