"""Notices to people about their work (a task given to them, taken from them, extended, returned,
awaiting their review...), sent through the outbox at once.

A notice is an outbox row queued in the same transaction as the change it tells of (``tell``): the
change and its notice commit together, or neither does, and a notice is never queued twice (its
key is unique). Sending it at once is the handlers' part: ``handlers.common.in_db`` opens a
:class:`Batch` around each transaction (``collecting``), and when the transaction queued any notice
it asks the process's outbox sender to run now instead of at its next tick. A process with no
sender (the command line) leaves them to the next reminder cycle.

Someone with no linked Telegram account cannot be told: ``tell_staff`` returns False for them (the
digests and the admins see who is not connected: ``storage.leaders.unlinked_staff``).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from storage import outbox as box
from storage.models import Outbox, Staff

NOTICE = "notice"  # the outbox kind: sent in any hour (reminders.hours holds only reminders)
KEY_MAX = 160


@dataclass
class Batch:
    """The notices one transaction queued (shared with the thread a transaction may run on)."""

    queued: int = 0


_batch: ContextVar[Batch | None] = ContextVar("notices_batch", default=None)


def collecting() -> Batch:
    """Start counting the notices queued from here on in this context (one update's transaction)."""
    batch = Batch()
    _batch.set(batch)
    return batch


def tell(
    session: Session,
    *,
    key: str,
    chat_id: int,
    text: str,
    now: datetime,
    staff_id: int | None = None,
    markup: dict | None = None,
) -> bool:
    """Queue ``text`` (HTML) for ``chat_id`` under ``key``, with an inline keyboard (``markup``: the
    Bot API's ``reply_markup`` as a dict); False when a notice with that key was queued before."""
    import json

    queued = box.enqueue(
        session=session,
        row=Outbox(
            key=key[:KEY_MAX],
            kind=NOTICE,
            chat_id=chat_id,
            staff_id=staff_id,
            text=text,
            markup=json.dumps(markup, ensure_ascii=False) if markup else "",
            not_before=now,
        ),
    )
    batch = _batch.get()
    if queued and batch is not None:
        batch.queued += 1
    return queued


def tell_staff(
    session: Session, staff: Staff | None, *, key: str, text: str, now: datetime, markup: dict | None = None
) -> bool:
    """``tell`` a staff member in their private chat; False when they have no linked account."""
    if staff is None or staff.telegram_id is None:
        return False
    return tell(session, key=key, chat_id=staff.telegram_id, staff_id=staff.id, text=text, now=now, markup=markup)


async def send_queued(*, engine, bot, clock) -> None:
    """Send the notices due now, alone, in a process whose reminder cycle is not scheduled (tests,
    ``schedule_reminders=False``): reminders, digests and alerts stay queued for the cycle. A failure
    loses nothing: the row stays queued (or is retried) for the next cycle."""
    from sqlmodel import select

    from reminders.dispatch import Dispatcher

    class NoticesOnly(Dispatcher):
        def _held_kinds(self) -> tuple[str, ...]:
            with Session(self.engine) as session:
                return tuple(session.exec(select(Outbox.kind).where(Outbox.kind != NOTICE).distinct()).all())

    await NoticesOnly(engine, bot, clock=clock).run_once()
