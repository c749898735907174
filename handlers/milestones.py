"""Reporting a milestone's progress: ``/baocao <mã> moc <số> <%>`` (``mốc`` with or without its
accent), ``/baocao <mã> moc`` for the list with buttons, and the buttons themselves.

Callback data (checked again on the server every time):
    ms:<milestone id>:<percent>   report that milestone's progress
"""

from __future__ import annotations

from sqlmodel import Session
from telegram import Message, Update
from telegram.ext import filters

import texts.milestones as copy
from bot.context import Context
from handlers import buttons
from handlers.buttons import button
from handlers.common import actor_of, answer_button, command_args, edit_or_send, guarded, in_db, private_only, reply
from tracking import milestones as marks
from tracking.parse import key
from tracking.refusals import Refused
from tracking.service import Actor

MILESTONE_WORDS = ("moc", "milestone")


class MilestoneReport(filters.MessageFilter):
    """``/baocao <mã> moc …`` (or ``/report``): a report on a milestone rather than on the task."""

    def filter(self, message: Message) -> bool:
        parts = (message.text or "").split(maxsplit=3)
        return (
            len(parts) >= 3
            and parts[0].split("@", 1)[0].lower() in ("/baocao", "/report")
            and key(parts[2]) in MILESTONE_WORDS
        )


MILESTONE_REPORT = MilestoneReport()


async def report_command(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    parts = command_args(update).split()
    code, rest = parts[0], parts[2:]
    today, at = context.today, context.now

    def work(session: Session, actor: Actor):
        if not rest:  # the list, with buttons
            task, found = marks.reportable(session, actor, code)
            return copy.listing(task.code, found, today), copy.keyboard(found)
        if len(rest) != 2:
            raise Refused(copy.unreadable("Thiếu số thứ tự của mốc hoặc phần trăm."))
        task, mark, number = marks.report(session, actor, task=code, number=rest[0], percent=rest[1], at=at)
        return copy.saved(task.code, number, mark.title, mark.progress), None

    result = await guarded(update, context, work)
    if result is not None:
        text, markup = result
        await reply(update, text, reply_markup=markup)


@button()
async def report_button(update: Update, context: Context, milestone_id: int = 0, percent: int = -1, *_) -> None:
    """``ms:<milestone id>:<percent>``."""
    percent = buttons.percent(percent)
    at = context.now

    def work(session: Session):
        task, mark, number = marks.report_by_id(
            session, actor_of(session, update, context), milestone_id=milestone_id, percent=percent, at=at
        )
        return copy.saved(task.code, number, mark.title, mark.progress), number

    text, number = await in_db(context, work)
    await answer_button(update, copy.recorded(number, percent))
    await edit_or_send(update, text)
