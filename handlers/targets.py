"""/chitieu (/targets): the campaign handbook, filtered by year, place or keyword."""

from __future__ import annotations

from telegram import Update

import texts.ask
from bot.context import Context
from handlers.common import command_args, reply
from kb import handbook


async def targets(update: Update, context: Context) -> None:
    query = command_args(update)[:200]
    await reply(update, texts.ask.targets_blocks(handbook.search(query), query))
