"""Wiring the reminder cycle into PTB's JobQueue (APScheduler 3).

Two triggers, both reading the database: a cron rule at REMINDER_TIME on the
working weekdays (written with weekday *names*: APScheduler 3 numbers weekdays
from Monday = 0, unlike cron, so names avoid an off-by-one), and a scan every
REMINDER_SCAN_SECONDS that catches up after downtime, sends digests at their
times and retries the outbox. Nothing that matters lives in the jobs.

Beside them, the process's heartbeat (``reminders/recovery.py``), every
PROCESS_HEARTBEAT_SECONDS from the start: at start, and when it finds a process
gone (the messages that one had claimed released), what is due is sent at once,
not at the next tick."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from reminders.cycle import ReminderCycle
from reminders.dispatch import Dispatcher
from reminders.hours import WorkHours
from reminders.policy import parse_work_week
from reminders.recovery import Presence
from reminders.scan import ScanConfig

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def cron_days(work_week: str) -> str:
    return ",".join(DAY_NAMES[d] for d in sorted(parse_work_week(work_week)))


async def _tick(context) -> None:
    await context.bot_data.reminders.run()


async def _send(context) -> None:
    await context.bot_data.reminders.send()


def schedule(application: Application) -> ReminderCycle:
    data = application.bot_data
    settings = data.settings
    # A message a dead process was sending is sent again as soon as this process sees it gone
    # (its heartbeat), or else after OUTBOX_LEASE_SECONDS.
    presence = Presence(data.engine, clock=data.clock, gone_after=timedelta(seconds=settings.process_gone_seconds))
    dispatcher = Dispatcher(
        data.engine,
        application.bot,
        clock=data.clock,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        presence=presence,
        hours=WorkHours.from_settings(settings),
    )
    cycle = ReminderCycle(
        data.engine,
        application.bot,
        ScanConfig.from_settings(settings),
        clock=data.clock,
        dispatcher=dispatcher,
        exports=data.exports,
        retention=timedelta(days=settings.retention_days),
    )
    data.reminders = cycle
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("the reminders need the application's job queue (python-telegram-bot[job-queue])")
    # At start, and when a beat finds a process gone, what is due is sent at once (a job: one
    # running at a clean stop is finished first, as the ticks are).
    presence.start(settings.process_heartbeat_seconds, send=lambda: queue.run_once(_send, when=0, name="outbox-send"))
    at = settings.reminder_at
    queue.run_custom(
        _tick,
        job_kwargs={
            "trigger": "cron",
            "day_of_week": cron_days(settings.work_week),
            "hour": at.hour,
            "minute": at.minute,
            "timezone": settings.tz,
            "misfire_grace_time": 3600,
            "coalesce": True,
        },
        name="reminders-daily",
    )
    # Two at a time: while one tick's scan takes long (digests of a large province), the next
    # tick sends what is queued meanwhile (``ReminderCycle.run`` only sends while a scan runs).
    queue.run_repeating(
        _tick,
        interval=settings.reminder_scan_seconds,
        first=5,
        name="reminders-scan",
        job_kwargs={"coalesce": True, "max_instances": 2},
    )
    return cycle


async def unschedule(application: Application) -> None:
    """At a clean stop (``post_shutdown``, once the jobs and sends are over): the heartbeat stops
    and this process leaves the list of those sending."""
    cycle = application.bot_data.reminders
    if cycle is not None and cycle.dispatcher.presence is not None:
        await cycle.dispatcher.presence.stop()
