"""Digest subscriptions: whose each one is, and whether its owner may still receive it.

A subscription belongs to the person who made it: a staff member (``staff_id``), or an ``ADMIN_IDS``
admin who is no staff member (``owner_telegram_id``). Its scope is not stored: at every sending it is
worked out from what the owner is then (``owner_of``): an admin (by role, or by ``ADMIN_IDS`` now)
gets everything, a manager the scope of the unit they are in now. An owner who is no longer a manager
or admin, no longer linked to a Telegram account, or no longer in ``ADMIN_IDS``, has lost the right:
the subscription is stopped (``stop``), not kept, and its chat is told once why. Subscribing again in
that chat (``/dangkytonghop``) starts it again.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage import outbox as box
from storage import subscriptions as rows
from storage import tracking as db
from storage.models import Outbox, Staff, Subscription
from texts.common import esc
from texts.periodic import schedule_label as periodic_label
from tracking.service import Actor, require_manager

DAY_LABELS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
NOTICE = "notice"  # the outbox kind of the message telling a chat its digests stopped


class Stopped(Exception):
    """The owner of a subscription may no longer receive it; the message says why (Vietnamese)."""


def schedule_label(sub: Subscription) -> str:
    if sub.frequency in ("monthly", "quarter"):
        return periodic_label(sub.frequency, sub.month_day, sub.at_time)
    if sub.frequency == "weekly":
        return f"mỗi {DAY_LABELS[sub.weekday % 7]} lúc {sub.at_time}, kèm bảng Excel"
    return f"hằng ngày lúc {sub.at_time}"


def owner_of(session: Session, sub: Subscription, *, admin_ids) -> Actor:
    """The owner of ``sub`` as they are now, whose scope the digest covers; :class:`Stopped` when
    they may no longer receive it."""
    if sub.staff_id is not None:
        staff = session.get(Staff, sub.staff_id)
        if staff is None:
            raise Stopped("người đăng ký không còn trong danh sách cán bộ")
        who = f"đồng chí {staff.full_name} ({staff.code})"
        if staff.telegram_id is None:
            raise Stopped(f"tài khoản Telegram của {who}, người đăng ký, không còn gắn với bot")
        actor = Actor(telegram_id=staff.telegram_id, staff=staff, super_admin=staff.telegram_id in admin_ids)
    elif sub.owner_telegram_id is not None:
        telegram_id = sub.owner_telegram_id
        staff = db.staff_by_telegram(session=session, telegram_id=telegram_id)
        who = (
            f"đồng chí {staff.full_name} ({staff.code})"
            if staff is not None
            else f"người đăng ký (tài khoản Telegram {telegram_id})"
        )
        actor = Actor(telegram_id=telegram_id, staff=staff, super_admin=telegram_id in admin_ids)
        if staff is None and not actor.super_admin:
            raise Stopped(f"{who} không còn là quản trị viên")
    else:
        raise Stopped("bot không biết ai đã đăng ký (bản đăng ký có từ trước khi bot ghi người đăng ký)")
    if not actor.is_manager:
        raise Stopped(f"{who}, người đăng ký, không còn là lãnh đạo hay quản trị viên")
    return actor


def stop(session: Session, sub: Subscription, *, reason: str, now: datetime) -> bool:
    """Stop ``sub`` and queue the message telling its chat why, once (the caller holds the scan lock);
    False if it was stopped already."""
    if sub.disabled_at is not None:
        return False
    sub.disabled_at = now
    sub.disabled_reason = reason[:500]
    session.add(sub)
    text = (
        f"⏹ Bot đã dừng gửi bản tổng hợp định kỳ ({schedule_label(sub)}) ở chat này vì {esc(reason)}, "
        "nên không còn quyền nhận tổng hợp này.\n"
        "Muốn nhận lại, một lãnh đạo hoặc quản trị viên gõ /dangkytonghop tại đây."
    )
    box.enqueue(
        session=session,
        row=Outbox(
            key=f"s:{sub.id}:stop:{now.isoformat()}"[:160], kind=NOTICE, chat_id=sub.chat_id, text=text, not_before=now
        ),
    )
    db.audit(
        session=session,
        actor=None,
        actor_name="bot",
        action="subscribe",
        entity="chat",
        entity_code=str(sub.chat_id),
        new="dừng",
        note=reason,
    )
    return True


def subscribe(
    session: Session,
    actor: Actor,
    *,
    chat_id: int,
    frequency: str,
    weekday: int,
    at: str,
    now: datetime,
    month_day: int = 1,
) -> Subscription:
    """Subscribe the chat to the actor's digest (or change the time of theirs; a stopped one starts again).
    ``month_day``: the day of the month of a monthly or quarterly digest (a day the month lacks: its last).
    Changed to another frequency, it starts afresh: its first digest comes at its next time."""
    require_manager(actor, "đăng ký nhận tổng hợp")
    sub = rows.owned_subscription(
        session=session,
        chat_id=chat_id,
        staff_id=actor.staff.id if actor.staff else None,
        telegram_id=actor.telegram_id,
    )
    if sub is None:
        sub = Subscription(
            chat_id=chat_id,
            staff_id=actor.staff.id if actor.staff else None,
            owner_telegram_id=None if actor.staff else actor.telegram_id,
            created_at=now,
        )
    if sub.id is not None and sub.frequency != frequency:
        sub.last_period, sub.created_at = "", now
    sub.frequency, sub.weekday, sub.at_time, sub.month_day = frequency, weekday, at, month_day
    sub.disabled_at, sub.disabled_reason = None, ""
    session.add(sub)
    session.flush()
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="subscribe",
        entity="chat",
        entity_code=str(chat_id),
        new=f"{frequency} {at}" + (f" ngày {month_day}" if frequency in ("monthly", "quarter") else ""),
    )
    return sub


def unsubscribe(session: Session, actor: Actor, *, chat_id: int) -> int:
    """Stop this chat's digests: an admin's stops them all, a manager's their own; how many."""
    require_manager(actor, "hủy đăng ký tổng hợp")
    subs = rows.chat_subscriptions(
        session=session,
        chat_id=chat_id,
        everyone=actor.is_admin,
        staff_id=actor.staff.id if actor.staff else None,
        telegram_id=actor.telegram_id,
    )
    rows.delete_subscriptions(session=session, subscriptions=subs)
    if subs:
        db.audit(
            session=session,
            actor=actor.staff,
            actor_name=actor.name,
            action="subscribe",
            entity="chat",
            entity_code=str(chat_id),
            new="hủy",
        )
    return len(subs)
