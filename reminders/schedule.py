"""Wiring the reminder cycle into PTB's JobQueue (APScheduler 3).

Two triggers, both reading the database: a cron rule at REMINDER_TIME on the
working weekdays (written with weekday *names*: APScheduler 3 numbers weekdays
from Monday = 0, unlike cron, so names avoid an off-by-one), and a scan every
REMINDER_SCAN_SECONDS that catches up after downtime, sends digests at their
times and retries the outbox. Nothing that matters lives in the jobs."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from reminders.cycle import ReminderCycle
from reminders.dispatch import Dispatcher
from reminders.policy import parse_work_week
from reminders.scan import ScanConfig

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def cron_days(work_week: str) -> str:
    return ",".join(DAY_NAMES[d] for d in sorted(parse_work_week(work_week)))


async def _tick(context) -> None:
    await context.bot_data.reminders.run()


def schedule(application: Application) -> ReminderCycle:
    data = application.bot_data
    settings = data.settings
    # A message a dead process was sending is sent again after OUTBOX_LEASE_SECONDS.
    dispatcher = Dispatcher(data.engine, application.bot, clock=data.clock,
                            lease=timedelta(seconds=settings.outbox_lease_seconds))
    cycle = ReminderCycle(data.engine, application.bot, ScanConfig.from_settings(settings), clock=data.clock,
                          dispatcher=dispatcher, exports=data.exports)
    data.reminders = cycle
    queue = application.job_queue
    at = settings.reminder_at
    queue.run_custom(_tick, job_kwargs={
        "trigger": "cron", "day_of_week": cron_days(settings.work_week), "hour": at.hour, "minute": at.minute,
        "timezone": settings.tz, "misfire_grace_time": 3600, "coalesce": True,
    }, name="reminders-daily")
    queue.run_repeating(_tick, interval=settings.reminder_scan_seconds, first=5, name="reminders-scan",
                        job_kwargs={"coalesce": True, "max_instances": 1})
    return cycle
