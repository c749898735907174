"""Each update once: the update id is recorded in the database before the update
changes anything or gets an answer; an update some process already took is
dropped silently.

Telegram delivers an update again when it did not get a webhook's answer in
time, and several bot processes may share one database.

The record costs no transaction of its own. ``take_update`` (first of all, in
a group of its own) only notes the update's :class:`Claim`; the claim is then
written inside the first transaction the handler opens (``in_db``), so the
update and its effects are committed together, or, when the handler answers
before touching the database (help, refusals), just before its first call to
the Bot API (``claim_before_send``, hooked into every request). A duplicate is
dropped at that point by ``ApplicationHandlerStop``: nothing of it was written
or sent."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session
from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import BotData, Context
from storage.updates import claim_update

log = logging.getLogger(__name__)

PENDING, TAKEN, FAILED = "pending", "taken", "failed"


@dataclass
class Claim:
    """The update being handled in this task (PTB runs each update in a task of its own,
    so a context variable follows it into every call the handler makes)."""

    update_id: int
    at: datetime
    data: BotData  # where to write it
    state: str = PENDING


_current: ContextVar[Claim | None] = ContextVar("update_claim", default=None)


class AlreadyHandled(ApplicationHandlerStop):
    """Another process (or an earlier delivery) took this update: stop here, silently."""


async def take_update(update: Update, context: Context) -> None:
    _current.set(Claim(update.update_id, context.now, context.bot_data))


def pending() -> Claim | None:
    """This update's claim while it is not yet written, else None (also outside updates)."""
    claim = _current.get()
    return claim if claim is not None and claim.state == PENDING else None


def claim_in(session: Session, claim: Claim) -> None:
    """Write ``claim`` in the handler's transaction; AlreadyHandled when it was taken before.
    The caller marks it TAKEN once that transaction has committed."""
    if not claim_update(session, update_id=claim.update_id, at=claim.at):
        claim.state = TAKEN
        log.info("update %s was already handled; skipped", claim.update_id)
        raise AlreadyHandled


async def claim_before_send() -> None:
    """Before a Bot API call made while handling an update (or a change outside ``in_db``):
    write its claim if still pending; AlreadyHandled when it was taken before.

    When the database cannot be reached the call goes ahead unclaimed: it may well be the message
    telling the user that nothing could be saved."""
    claim = pending()
    if claim is None:
        return
    claim.state = TAKEN

    def write(session: Session) -> bool:
        return claim_update(session, update_id=claim.update_id, at=claim.at)

    try:
        fresh = await claim.data.db.transaction(write)
    except Exception as error:  # noqa: BLE001 - e.g. the database is unreachable
        claim.state = FAILED
        log.warning("update %s could not be recorded before answering: %s", claim.update_id, error)
        return
    if not fresh:
        log.info("update %s was already handled; skipped", claim.update_id)
        raise AlreadyHandled
