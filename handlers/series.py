"""Periodic reports: ``/dinhky`` (alias ``/series``) and ``/kybaocao`` (alias ``/period``), for admins
and managers (the series whose owner is in their scope).

    /dinhky                          the series of the scope, each with its current instance
    /dinhky <mã> <quy tắc mới>       a new rule, from the next period (audited)
    /dinhky <mã> ten <tên mới>       a new title, from the next period's instance (audited)
    /dinhky <mã> giao <mã cán bộ>    a new owner (of the caller's scope), from the next period's
                                     instance; the new and the old owner told (audited)
    /dinhky <mã> dung                no more instances (audited)
    /kybaocao [mã]                   who has and has not submitted for the current period (or the
                                     period of an instance's code)

The service is ``tracking.series``; the office's calendar gives the due dates.
"""

from __future__ import annotations

from telegram import Update

import texts.series as copy
from bot.context import Context
from handlers.calendar import national
from handlers.common import command_args, guarded, private_only, reply
from tracking import series as service
from tracking.office_calendar import office_calendar
from tracking.parse import key
from tracking.service import require_manager

USAGE = object()


async def series(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split(maxsplit=1)
    today, base = context.today, national(context)
    if not args:
        lines = await guarded(update, context, lambda s, a: service.listing(s, a))
        if lines is not None:
            await reply(update, copy.series_list(lines, today))
        return

    def work(session, actor):
        require_manager(actor, copy.ACTION)  # before the usage: an officer or a stranger learns nothing more
        if len(args) < 2:
            return USAGE
        if key(args[1]) in service.END_WORDS:
            return service.end_series(session, actor, code=args[0], today=today)
        word, _, rest = args[1].partition(" ")
        calendar = office_calendar(session, base)
        if key(word) in service.TITLE_WORDS:
            return service.change_title(session, actor, code=args[0], title=rest, today=today, calendar=calendar)
        if key(word) in service.OWNER_WORDS:
            return service.change_owner(
                session, actor, code=args[0], staff_code=rest, today=today, calendar=calendar, at=context.now
            )
        return service.change_rule(session, actor, code=args[0], text=args[1], today=today, calendar=calendar)

    result = await guarded(update, context, work)
    if result is None:
        return
    if result is USAGE:
        await reply(update, copy.SERIES_USAGE)
    elif isinstance(result, service.RuleChange):
        await reply(update, copy.rule_changed(result))
    elif isinstance(result, service.SeriesChange):
        await reply(update, copy.series_changed(result))
    else:
        await reply(update, copy.ended(*result))


async def period(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split()
    today, base = context.today, national(context)

    def work(session, actor):
        require_manager(actor, copy.ACTION)
        if len(args) > 1:
            return USAGE
        calendar = office_calendar(session, base)
        groups = service.period_status(session, actor, code=args[0] if args else "", today=today, calendar=calendar)
        return copy.period_status(groups, today, lambda task: service.overdue_days(task, today, calendar))

    result = await guarded(update, context, work)
    if result is USAGE:
        await reply(update, copy.PERIOD_USAGE)
    elif result is not None:
        await reply(update, result)
