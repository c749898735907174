"""Digest subscriptions: a manager (or admin) subscribes a chat, private or a
group, to a digest of their scope, daily, weekly, monthly or quarterly, at a time.

    /dangkytonghop                    daily at 08:00
    /dangkytonghop hằng tuần thứ 2 07:30
    /dangkytonghop hang ngay 17:00
    /dangkytonghop hằng tháng ngày 1 08:00     the 1st of every month
    /dangkytonghop hang quy 08:00              the 1st of January, April, July, October
    /huydangky                        stop the digests of this chat
"""

from __future__ import annotations

import re

from sqlmodel import Session
from telegram import Update

import texts.reminders as copy
from bot.context import Context
from bot.settings import parse_hhmm
from handlers.common import chat_id_of, command_args, guarded, reply
from storage.models import Subscription
from tracking import service
from tracking import subscriptions as subs
from tracking.parse import key
from tracking.refusals import UnreadableSubscription
from tracking.service import Actor

WEEKDAYS = {
    "2": 0,
    "hai": 0,
    "3": 1,
    "ba": 1,
    "4": 2,
    "tu": 2,
    "5": 3,
    "nam": 3,
    "6": 4,
    "sau": 4,
    "7": 5,
    "bay": 5,
    "cn": 6,
    "chu nhat": 6,
}


def parse_subscription(text: str) -> tuple[str, int, int, str]:
    """ "hằng tuần thứ 2 07:30" → ("weekly", 0, 1, "07:30"), "hằng tháng ngày 31 8:00" → ("monthly", 0, 31,
    "08:00"): the frequency, weekday, day of the month and time; UnreadableSubscription (said with the usage)."""
    words = key(text)
    at = "08:00"
    m = re.search(r"\b(\d{1,2})(?::|h)(\d{2})?\b", words)
    if m:
        hours, minutes = int(m.group(1)), int(m.group(2) or 0)
        if hours > 23 or minutes > 59:
            raise UnreadableSubscription(m.group(0), hour=True)
        at = f"{hours:02d}:{minutes:02d}"
        words = (words[: m.start()] + words[m.end() :]).strip()
    frequency, weekday = "daily", 0
    periodic = _periodic(words)
    if periodic is not None:
        parse_hhmm(at)
        return periodic[0], 0, periodic[1], at
    if "tuan" in words or "weekly" in words:
        frequency = "weekly"
        rest = " ".join(words.replace("hang tuan", "").replace("moi tuan", "").replace("weekly", "").split())
        day = re.fullmatch(r"(?:thu\s+)?(2|3|4|5|6|7|hai|ba|tu|nam|sau|bay)|(cn|chu nhat)", rest)
        if day:
            weekday = WEEKDAYS[day.group(1) or day.group(2)]
        elif rest:  # «thứ 8», «thứ mười»: no such day, not Monday without a word
            raise UnreadableSubscription(rest, weekday=True)
    elif words and not any(w in words for w in ("ngay", "daily")):
        raise UnreadableSubscription(text)
    parse_hhmm(at)
    return frequency, weekday, 1, at


def _periodic(words: str) -> tuple[str, int] | None:
    """ "hang quy ngay 5" → ("quarter", 5), "hang thang" → ("monthly", 1); None for neither."""
    if re.search(r"\b(quy|quarterly|quarter)\b", words):
        frequency = "quarter"
    elif re.search(r"\b(thang|monthly|month)\b", words):
        frequency = "monthly"
    else:
        return None
    day = re.search(r"\b(?:ngay|day)\s+(\S+)", words) or re.search(r"\b(\d+)\b", words)
    if day is None:
        return frequency, 1
    if not day.group(1).isdigit() or not 1 <= int(day.group(1)) <= 31:
        raise UnreadableSubscription(day.group(1), day=True)
    return frequency, int(day.group(1))


async def subscribe(update: Update, context: Context) -> None:
    args = command_args(update)
    chat_id = chat_id_of(update)
    moment = context.now

    def work(session: Session, actor: Actor) -> Subscription:
        service.require_manager(actor, "đăng ký nhận tổng hợp")
        frequency, weekday, month_day, at = parse_subscription(args)
        return subs.subscribe(
            session,
            actor,
            chat_id=chat_id,
            frequency=frequency,
            weekday=weekday,
            at=at,
            now=moment,
            month_day=month_day,
        )

    sub = await guarded(update, context, work)
    if sub is None:
        return
    await reply(update, copy.subscribed(subs.schedule_label(sub)))


async def unsubscribe(update: Update, context: Context) -> None:
    chat_id = chat_id_of(update)
    removed = await guarded(update, context, lambda s, a: subs.unsubscribe(s, a, chat_id=chat_id))
    if removed is None:
        return
    await reply(update, copy.UNSUBSCRIBED if removed else copy.NOT_SUBSCRIBED)
