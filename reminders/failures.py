"""Items of the reminder cycle that failed: a task whose reminders could not be worked out or
written, a subscription whose digest could not be rendered.

One such item must not stop the others. It is skipped, remembered in ``scan_failure``, reported
to the admins once (a message to each through the outbox, queued in the transaction that makes
the row, so however many processes scan, the admins hear of it once), and tried again every
cycle until it goes through, which forgets it. A task or subscription that is gone (done,
deleted, unsubscribed) is forgotten too. The database being unreachable is no item's failure:
that error stops the cycle, whose next run does the work.

Every function takes the caller's session, which holds the scan lock."""

from __future__ import annotations

import html
import logging
from datetime import date, datetime

from sqlalchemy import delete, exists
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session, col, select

from storage import outbox as box
from storage.models import ROLE_ADMIN, STATUS_DONE, Outbox, ScanFailure, Staff, Subscription, Task

log = logging.getLogger(__name__)

TASK = "task"
DIGEST = "digest"
ALERT = "alert"  # the outbox kind of a report to the admins


def isolated(error: BaseException) -> bool:
    """Whether ``error`` belongs to the item being scanned, rather than to the database."""
    if isinstance(error, (OperationalError, PoolTimeout)):
        return False
    return not (isinstance(error, DBAPIError) and error.connection_invalidated)


def reason_of(error: BaseException) -> str:
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first}"[:300] if first else type(error).__name__


def pending(session: Session, *, kind: str) -> dict[int, ScanFailure]:
    """The items of ``kind`` that failed and are to be tried again, by id."""
    return {row.item_id: row for row in session.exec(select(ScanFailure).where(ScanFailure.kind == kind)).all()}


def failed(
    session: Session,
    *,
    kind: str,
    item_id: int,
    code: str,
    error: BaseException,
    now: datetime,
    admins: tuple[int, ...] | list[int] = (),
    scan_from: date | None = None,
) -> bool:
    """Remember that the item failed again, or for the first time: then the admins are told, and
    True is returned. ``scan_from`` (tasks): the day after which reminders are still to be found."""
    reason = reason_of(error)
    row = session.exec(select(ScanFailure).where(ScanFailure.kind == kind, ScanFailure.item_id == item_id)).first()
    if row is not None:
        row.attempts += 1
        row.last_at = now
        row.reason = reason[:500]
        if scan_from is not None and (row.scan_from is None or scan_from < row.scan_from):
            row.scan_from = scan_from
        session.add(row)
        return False
    log.error("reminders: %s %s skipped, tried again every cycle: %s", kind, code, reason, exc_info=error)
    row = ScanFailure(
        kind=kind, item_id=item_id, code=code[:120], scan_from=scan_from, reason=reason[:500], first_at=now, last_at=now
    )
    session.add(row)
    session.flush()
    text = _report(kind, code, reason)
    for chat_id in admin_chats(session, admins):
        # The key names this failure (its item and first moment): a later failure of the same item,
        # after it went through, is reported again.
        box.enqueue(
            session=session,
            row=Outbox(
                key=f"f:{kind}:{item_id}:{now.isoformat()}:{chat_id}"[:160],
                kind=ALERT,
                chat_id=chat_id,
                text=text,
                not_before=now,
            ),
        )
    return True


def went_through(session: Session, *, kind: str, item_ids) -> None:
    """These items went through (or are gone): forget their failures."""
    ids = sorted(set(item_ids))
    for start in range(0, len(ids), 500):
        for row in session.exec(
            select(ScanFailure).where(ScanFailure.kind == kind, col(ScanFailure.item_id).in_(ids[start : start + 500]))
        ):
            log.info("reminders: %s %s goes through again after %s failed attempts", kind, row.code, row.attempts)
            session.delete(row)


def forget_gone(session: Session) -> None:
    """Failures of tasks now done or deleted, and of subscriptions cancelled, are no longer tried."""
    session.execute(
        delete(ScanFailure)
        .where(
            col(ScanFailure.kind) == TASK,
            ~exists().where(col(Task.id) == col(ScanFailure.item_id), col(Task.status) != STATUS_DONE),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(ScanFailure)
        .where(col(ScanFailure.kind) == DIGEST, ~exists().where(col(Subscription.id) == col(ScanFailure.item_id)))
        .execution_options(synchronize_session=False)
    )


def admin_chats(session: Session, admins: tuple[int, ...] | list[int] = ()) -> list[int]:
    """The admins' chats: ``ADMIN_IDS`` and the staff whose role is admin and who use the bot."""
    staff = session.exec(
        select(Staff.telegram_id).where(Staff.role == ROLE_ADMIN, col(Staff.telegram_id).is_not(None))
    ).all()
    return sorted(set(admins) | {t for t in staff if t is not None})


def _report(kind: str, code: str, reason: str) -> str:
    if kind == TASK:
        what = f"lời nhắc của nhiệm vụ <code>{html.escape(code)}</code>"
        check = "nhiệm vụ này (thời hạn, người thực hiện...)"
    else:
        what = f"bản tổng hợp {html.escape(code)}"
        check = "phạm vi của bản tổng hợp (tên đơn vị, người đăng ký...)"
    return (
        f"⚠️ <b>Nhắc việc</b>: chưa lập được {what}, lỗi <code>{html.escape(reason)}</code>.\n"
        "Các lời nhắc và bản tổng hợp khác vẫn được gửi. Bot thử lại ở mỗi lượt quét và gửi bù khi được; "
        f"đồng chí hãy kiểm tra dữ liệu của {check}. Lỗi này chỉ báo một lần."
    )
