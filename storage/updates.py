"""Bookkeeping shared by bot processes: which Telegram updates have been
taken, so that each is handled once even when Telegram delivers it twice or
several processes receive it; and when each process last ran a reminder cycle."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import AppState, HandledUpdate


def _insert(session: Session):
    """INSERT with ON CONFLICT, in the session's dialect."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


# The same words on SQLite (3.35 and later) and PostgreSQL. Written as text, since SQLAlchemy
# compiles its dialects' INSERT ... ON CONFLICT constructs anew each time, and this runs once an update.
_CLAIM = text("INSERT INTO handled_update (update_id, handled_at) VALUES (:update_id, :handled_at) "
              "ON CONFLICT (update_id) DO NOTHING RETURNING update_id").bindparams(
    bindparam("update_id", type_=HandledUpdate.__table__.c.update_id.type),
    bindparam("handled_at", type_=HandledUpdate.__table__.c.handled_at.type))


def claim_update(session: Session, *, update_id: int, at: datetime) -> bool:
    """Record ``update_id``; False when some process recorded it before."""
    return session.execute(_CLAIM, {"update_id": update_id, "handled_at": at}).first() is not None


def forget_handled_updates(session: Session, *, before: datetime) -> int:
    """Drop records older than ``before`` (Telegram keeps an update 24 hours at most)."""
    return session.execute(delete(HandledUpdate).where(HandledUpdate.handled_at < before)).rowcount


HEARTBEAT_PREFIX = "cycle:"


def beat(session: Session, *, process: str, at: datetime) -> None:
    """Record that ``process`` finished a reminder cycle at ``at`` (one row a
    process; ``python -m bot check`` lists them)."""
    key = (HEARTBEAT_PREFIX + process)[:64]
    value = at.astimezone(timezone.utc).isoformat(timespec="seconds")
    session.execute(_insert(session)(AppState).values(key=key, value=value)
                    .on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def heartbeats(session: Session) -> dict[str, datetime]:
    rows = session.execute(select(AppState.key, AppState.value).where(AppState.key.startswith(HEARTBEAT_PREFIX)))
    return {key[len(HEARTBEAT_PREFIX):]: datetime.fromisoformat(value) for key, value in rows}


def forget_heartbeats(session: Session, *, before: datetime) -> int:
    gone = [process for process, at in heartbeats(session).items() if at < before]
    if gone:
        session.execute(delete(AppState).where(AppState.key.in_([(HEARTBEAT_PREFIX + p)[:64] for p in gone])))
    return len(gone)
