"""What the bot keeps only for a while, and erasing a person's personal data on request.

``purge`` runs with each reminder cycle: a sent message's payload (its text, buttons, chart and
workbook) is needed only until it is sent, and the bookkeeping around it (expired conversations,
invites long used or expired, settled scan failures) only for a while. The outbox row itself
stays, emptied, because its unique key is what makes a reminder or digest go out exactly once.

``erase_person`` answers a request under Nghị định 13/2023/NĐ-CP: the person's name, Telegram
id and the notes they wrote are removed; the tasks, reports' figures and the audit trail stay,
the audit trail naming them by a pseudonym (the same one everywhere, so it still reads as one
person's actions).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from storage.db import rowcount
from storage.models import (
    OUTBOX_FAILED,
    OUTBOX_PENDING,
    OUTBOX_SENT,
    OUTBOX_UNREACHABLE,
    AnswerVote,
    AuditEntry,
    Document,
    Flow,
    Invite,
    Outbox,
    Report,
    ScanFailure,
    Staff,
    Subscription,
    TargetValue,
    Task,
)

ERASED_NOTE = ""


def purge(session: Session, *, before: datetime) -> dict[str, int]:
    """Drop what is older than ``before`` and needed no more; how many rows of each kind."""
    done = (OUTBOX_SENT, OUTBOX_FAILED, OUTBOX_UNREACHABLE)
    emptied = rowcount(
        session.execute(
            update(Outbox)
            .where(
                col(Outbox.status).in_(done),
                col(Outbox.created_at) < before,
                or_(
                    col(Outbox.text) != "",
                    col(Outbox.markup) != "",
                    col(Outbox.photo).is_not(None),
                    col(Outbox.document).is_not(None),
                ),
            )
            .values(text="", markup="", photo=None, document=None)
            .execution_options(synchronize_session=False)
        )
    )
    flows = rowcount(
        session.execute(delete(Flow).where(col(Flow.expires_at) < before).execution_options(synchronize_session=False))
    )
    invites = rowcount(
        session.execute(
            delete(Invite).where(col(Invite.expires_at) < before).execution_options(synchronize_session=False)
        )
    )
    failures = rowcount(
        session.execute(
            delete(ScanFailure).where(col(ScanFailure.last_at) < before).execution_options(synchronize_session=False)
        )
    )
    return {"outbox": emptied or 0, "flows": flows or 0, "invites": invites or 0, "scan_failures": failures or 0}


@dataclass
class Erased:
    code: str
    pseudonym: str
    counts: dict[str, int] = field(default_factory=dict)


def pseudonym_of(staff: Staff) -> str:
    """Stable for one staff row, and telling nothing of the person."""
    digest = hashlib.sha256(f"{staff.id}:{staff.code}:{staff.created_at}".encode()).hexdigest()[:6].upper()
    return f"Ẩn danh {digest}"


def _erase_messages(run: Callable[[str, Any], None], to_them: Any) -> None:
    """Messages to them (``to_them`` picks them): the pending ones are not sent, the text of all of them goes."""
    run(
        "outbox",
        update(Outbox)
        .where(to_them, col(Outbox.status) == OUTBOX_PENDING)
        .values(status=OUTBOX_FAILED, error="người nhận đã yêu cầu xoá dữ liệu"),
    )
    run("outbox", update(Outbox).where(to_them).values(text="", markup="", photo=None, document=None))


def erase_person(session: Session, *, staff: Staff, at: datetime) -> Erased:
    """Remove ``staff``'s personal data. The caller writes the audit line of the erasure."""
    alias = pseudonym_of(staff)
    name, telegram_id = staff.full_name, staff.telegram_id
    counts: dict[str, int] = {}

    def run(key: str, statement) -> None:
        counts[key] = counts.get(key, 0) + (
            rowcount(session.execute(statement.execution_options(synchronize_session=False))) or 0
        )

    # The notes they wrote, and the reasons for blocked tasks taken from them.
    notes = [n for n in session.exec(select(Report.note).where(Report.staff_id == staff.id, Report.note != ""))]
    run(
        "report_notes",
        update(Report).where(col(Report.staff_id) == staff.id, col(Report.note) != "").values(note=ERASED_NOTE),
    )
    if notes:
        run("blocked_reasons", update(Task).where(col(Task.blocked_reason).in_(set(notes))).values(blocked_reason=""))
    run(
        "target_notes",
        update(TargetValue)
        .where(col(TargetValue.recorded_by) == staff.id, col(TargetValue.note) != "")
        .values(note=ERASED_NOTE),
    )
    # The audit trail: their own lines name them by the pseudonym and lose the note text they
    # typed; every line that wrote their name or Telegram id as a value gets the pseudonym.
    run("audit", update(AuditEntry).where(col(AuditEntry.actor_id) == staff.id).values(actor=alias))
    run(
        "audit",
        update(AuditEntry)
        .where(
            col(AuditEntry.actor_id) == staff.id,
            col(AuditEntry.action).in_(("report", "report_note", "report_correct", "target_value")),
        )
        .values(note=ERASED_NOTE),
    )
    if len(name.strip()) >= 3:
        for column in ("actor", "old_value", "new_value", "note"):
            attr = getattr(AuditEntry, column)
            for entry_id, value in session.execute(select(AuditEntry.id, attr).where(col(attr).contains(name))):
                run(
                    "audit",
                    update(AuditEntry)
                    .where(AuditEntry.id == entry_id)
                    .values({column: value.replace(name, alias)[:1000]}),
                )
    if telegram_id is not None:
        tid = str(telegram_id)
        for column in ("old_value", "new_value"):
            attr = getattr(AuditEntry, column)
            run("audit", update(AuditEntry).where(attr == tid).values({column: "(đã xoá)"}))
        run("flows", delete(Flow).where(col(Flow.telegram_id) == telegram_id))
        run("votes", delete(AnswerVote).where(col(AnswerVote.telegram_id) == telegram_id))
        run("documents", update(Document).where(col(Document.added_by) == telegram_id).values(added_by=None))
        run(
            "subscriptions",
            update(Subscription)
            .where(col(Subscription.owner_telegram_id) == telegram_id)
            .values(owner_telegram_id=None),
        )
        _erase_messages(run, Outbox.chat_id == telegram_id)
    _erase_messages(run, Outbox.staff_id == staff.id)
    run(
        "subscriptions",
        update(Subscription)
        .where(col(Subscription.staff_id) == staff.id, col(Subscription.disabled_at).is_(None))
        .values(disabled_at=at, disabled_reason="người đăng ký đã yêu cầu xoá dữ liệu cá nhân"),
    )
    run("invites", delete(Invite).where(col(Invite.staff_id) == staff.id))
    run("invites", update(Invite).where(col(Invite.created_by) == staff.id).values(created_by=None))
    staff.full_name = alias
    staff.telegram_id = None
    staff.unreachable_since = None
    staff.updated_at = at
    session.add(staff)
    return Erased(code=staff.code, pseudonym=alias, counts=counts)
