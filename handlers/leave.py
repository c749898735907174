"""Leave: ``/nghiphep`` (alias ``/leave``).

    /nghiphep <từ ngày> <đến ngày> [mã người thay]              one's own leave
    /nghiphep <mã cán bộ> <từ ngày> <đến ngày> [mã người thay]  a manager (their scope), an admin
    /nghiphep                                                  leave current and to come, in scope
    /nghiphep huy [mã cán bộ]                                  back from today (ends leave early)

The service (who may, the checks, the audit) is ``tracking.leave``.
"""

from __future__ import annotations

from telegram import Update

import texts.calendar as copy
from bot.context import Context
from handlers.common import command_args, guarded, private_only, reply
from tracking import leave as service
from tracking.parse import key


async def leave(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split()
    today, now = context.today, context.now
    if not args:
        rows = await guarded(update, context, lambda s, a: service.listing(s, a, today=today))
        if rows is not None:
            await reply(update, copy.leave_list(rows, today))
        return
    if key(args[0]) in service.CANCEL_WORDS:
        if len(args) > 2:
            await reply(update, copy.LEAVE_USAGE)
            return
        done = await guarded(
            update,
            context,
            lambda s, a: service.end_early(s, a, code=args[1] if len(args) == 2 else None, today=today, now=now),
        )
        if done is not None:
            await reply(update, copy.leave_ended(done.leave, done.staff, done.own, today))
        return
    done = await guarded(update, context, lambda s, a: service.record(s, a, args=args, today=today, now=now))
    if done is not None:
        await reply(update, copy.leave_saved(done.leave, done.staff, done.substitute, done.own))
