"""/chitieu (/targets): the campaign handbook, filtered by year, place or keyword."""

from __future__ import annotations

from telegram import Update

import texts.ask
from kb import handbook
from bot.context import Context
from handlers.common import command_args, reply


async def targets(update: Update, context: Context) -> None:
    query = command_args(update)[:200]
    await reply(update, texts.ask.targets_blocks(handbook.search(query), query))
