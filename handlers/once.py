"""Each update once: before any other handler, the update id is recorded in the
database; an update some process already took is dropped silently.

Telegram delivers an update again when it did not get a webhook's answer in
time, and several bot processes may share one database."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import Context
from handlers.common import in_db
from storage.updates import claim_update

log = logging.getLogger(__name__)


async def take_update(update: Update, context: Context) -> None:
    now = context.bot_data.clock()
    try:
        fresh = await in_db(context, lambda session: claim_update(session, update_id=update.update_id, at=now))
    except Exception as error:  # noqa: BLE001 - e.g. the database is unreachable
        # PTB would go on to the other handlers, which need the database too:
        # report this once (the user hears nothing was saved) and stop here.
        await context.application.process_error(update, error)
        raise ApplicationHandlerStop from None
    if not fresh:
        log.info("update %s was already handled; skipped", update.update_id)
        raise ApplicationHandlerStop
