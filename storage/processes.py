"""The processes that send the outbox, in the database: one row a process while it runs, its
``beats`` counting up (``reminders/recovery.py`` decides when one is gone). Every function takes
the caller's session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.db import rowcount
from storage.models import BotProcess


def beat(session: Session, *, row: BotProcess, at: datetime) -> bool:
    """Count one beat of ``row``'s process; False when its row was not there (never joined, or
    deleted by another process that took it for gone): it is written again."""
    done = session.execute(
        update(BotProcess)
        .where(col(BotProcess.id) == row.id)
        .values(beats=BotProcess.beats + 1, seen_at=at)
        .execution_options(synchronize_session=False)
    )
    if rowcount(done):
        return True
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = dict(
        id=row.id,
        host=row.host[:255],
        pid=row.pid,
        pid_space=row.pid_space,
        started_at=row.started_at,
        seen_at=at,
        beats=1,
    )
    session.execute(
        insert(BotProcess)
        .values(**values)
        .on_conflict_do_update(index_elements=["id"], set_={"seen_at": at, "beats": BotProcess.beats + 1})
    )
    return False


def others(session: Session, *, me: str) -> list[BotProcess]:
    return list(session.exec(select(BotProcess).where(BotProcess.id != me).order_by(col(BotProcess.id))).all())


def forget(session: Session, *, process_id: str, beats: int | None = None) -> bool:
    """Delete a process's row: with ``beats``, only if it has not beaten since it was read as that
    (a process that beat meanwhile is alive). True when this call deleted it."""
    statement = delete(BotProcess).where(col(BotProcess.id) == process_id)
    if beats is not None:
        statement = statement.where(col(BotProcess.beats) == beats)
    return bool(rowcount(session.execute(statement.execution_options(synchronize_session=False))))


def running(session: Session, *, since: datetime) -> list[BotProcess]:
    """The processes that beat at ``since`` or later (by their own clocks), most recent first."""
    return list(
        session.exec(
            select(BotProcess).where(BotProcess.seen_at >= since).order_by(col(BotProcess.seen_at).desc())
        ).all()
    )
