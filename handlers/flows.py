"""The kinds of conversation a person can be in the middle of, and starting one.

A conversation's state stays in the database (``storage.tracking.set_flow``: the kind, a small
dict, an expiry), so any process can take its next message; ``handlers.conversation`` holds the
table of what each kind does with the next text or file.
"""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session

from bot.context import Context
from storage import tracking as db
from tracking import service


class Kind(StrEnum):
    """A conversation in progress (the value is what the database stores)."""

    NEW_TASK = "newtask"  # /themnhiemvu's six steps, then «Lưu» / «Hủy»: {"step", "fields"}
    NOTE = "note"  # a note or evidence for a report just made: {"report_id"}
    BLOCKED = "blocked"  # the reason of a "vướng mắc" report: {"task_id"}
    CORRECT_BLOCKED = "correct_blocked"  # the reason of a report corrected to "vướng mắc": {"report_id"}
    COMMENT = "comment"  # a comment on a task (button «Trả lời» / «Trao đổi»): {"task_id"}
    REFUSE_EXTENSION = "xrefuse"  # the reason for refusing an extension request: {"request_id"}
    EXTEND = "extend"  # a new deadline and its reason (button «Gia hạn»): {"task_id"}
    REVIEW_RETURN = "review_return"  # the reason for returning a task awaiting review («Trả lại»): {"task_id"}


def start(session: Session, context: Context, *, telegram_id: int, kind: Kind, data: dict) -> None:
    """Start (or move on) ``kind`` for ``telegram_id``, valid for ``service.FLOW_VALID_FOR``."""
    db.set_flow(
        session=session,
        telegram_id=telegram_id,
        kind=kind.value,
        data=data,
        expires_at=context.now + service.FLOW_VALID_FOR,
    )


def current(session: Session, context: Context, *, telegram_id: int) -> tuple[Kind, dict] | None:
    """The conversation ``telegram_id`` is in, if any (one of a kind this version does not know: none)."""
    flow = db.get_flow(session=session, telegram_id=telegram_id, now=context.now)
    if flow is None:
        return None
    try:
        return Kind(flow[0]), flow[1]
    except ValueError:
        return None
