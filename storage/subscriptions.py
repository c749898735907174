"""Digest subscriptions' rows: which a chat has, and whose. Keyword-only functions taking the
caller's session (the caller owns the transaction)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import Subscription


def _owned_by(*, staff_id: int | None, telegram_id: int | None):
    """A staff member's subscriptions, or (no staff member) those of an ADMIN_IDS admin's account."""
    if staff_id is not None:
        return Subscription.staff_id == staff_id
    return (col(Subscription.staff_id).is_(None)) & (col(Subscription.owner_telegram_id) == telegram_id)


def owned_subscription(
    *, session: Session, chat_id: int, staff_id: int | None, telegram_id: int | None
) -> Subscription | None:
    """The subscription of ``chat_id`` its owner (``staff_id``, else ``telegram_id``) made, if any."""
    query = select(Subscription).where(
        Subscription.chat_id == chat_id, _owned_by(staff_id=staff_id, telegram_id=telegram_id)
    )
    return session.exec(query).first()


def chat_subscriptions(
    *, session: Session, chat_id: int, everyone: bool, staff_id: int | None = None, telegram_id: int | None = None
) -> list[Subscription]:
    """The subscriptions of ``chat_id``: all of them (``everyone``), or those of one owner."""
    query = select(Subscription).where(Subscription.chat_id == chat_id)
    if not everyone:
        query = query.where(_owned_by(staff_id=staff_id, telegram_id=telegram_id))
    return list(session.exec(query).all())


def delete_subscriptions(*, session: Session, subscriptions: list[Subscription]) -> None:
    for sub in subscriptions:
        session.delete(sub)
