"""Building the ``Application``: settings, database, knowledge base, handlers.

``build_application`` is used by ``python -m bot run``, by the demo and by the
end-to-end tests alike; only the Bot API address and the clock differ.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeDefault
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter, ContextTypes, Defaults

import texts.common
from bot.context import BotData, Context
from bot.logs import protect
from bot.ptb import intake
from bot.ptb.flood import FloodControl
from bot.ptb.sending import HookedRequest, PatientRateLimiter
from bot.settings import Settings
from kb.readers import DocumentCaps
from kb.service import Closing, KnowledgeBase
from storage.db import open_database

log = logging.getLogger(__name__)
T = TypeVar("T")


def new_event_loop() -> asyncio.AbstractEventLoop:
    """The event loop the bot runs on: uvloop's where it is installed (Linux and macOS), asyncio's
    otherwise. uvloop does the loop's work (sockets, callbacks, timers) in C: on PostgreSQL, where
    an update waits on the database several times, the bot handles more updates a second
    (bench/throughput.py --loop asyncio; figures in bench/README.md)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on the bot's event loop (``new_event_loop``)."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(main)


async def post_init(application: Application) -> None:
    data: BotData = application.bot_data
    loop = asyncio.get_running_loop()
    log.info("event loop: %s.%s", type(loop).__module__, type(loop).__name__)
    data.open_db()
    await intake.start(application)  # updates an earlier process left unfinished
    commands = [BotCommand(name, description) for name, description in texts.common.COMMANDS]
    await application.bot.set_my_commands(commands, scope=BotCommandScopeDefault())
    await application.bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats())
    # Build the search index now, in the background, rather than on the first question; a
    # question that comes first waits for this build instead of starting its own.
    data.kb_warmup = asyncio.create_task(warm_up(data.kb), name="kb-warm-up")
    if data.schedule_reminders and application.job_queue is not None:
        from reminders.schedule import schedule

        schedule(application)
    log.info("bot @%s ready", application.bot.username)


async def warm_up(kb: KnowledgeBase) -> None:
    try:
        await asyncio.to_thread(kb.index)
    except Closing:
        pass
    except Exception:
        log.exception("the search index could not be built at start-up; the first question will try again")


async def post_shutdown(application: Application) -> None:
    data: BotData = application.bot_data
    if data.kb_warmup is not None:  # its thread uses the database: let it stop first
        data.kb.close()
        await data.kb_warmup
        data.kb_warmup = None
    await intake.stop(application)
    if data.reminders is not None:
        from reminders.schedule import unschedule

        await unschedule(application)  # the heartbeat stops; this process leaves those sending
    await data.close_db()
    engine = getattr(data, "engine", None)
    if engine is not None:
        engine.dispose()


def prepare_database(settings: Settings) -> Engine:
    """Apply migrations, then return an engine."""
    return open_database(settings.sqlalchemy_url)


def build_application(
    settings: Settings,
    *,
    engine: Engine | None = None,
    token: str | None = None,
    clock: Callable[[], datetime] | None = None,
    rate_limiter: bool | BaseRateLimiter = True,
    schedule_reminders: bool = True,
) -> Application:
    from handlers import once, register

    token = token or settings.token()
    protect(token)  # masked in the log and in everything sent to a chat (bot.logs)
    engine = engine or prepare_database(settings)
    queue = intake.DurableQueue()  # each update written down before it is acknowledged
    arrivals = intake.ReceivingRequest()  # getUpdates: each batch written down at once
    builder: ApplicationBuilder = (
        ApplicationBuilder()
        .token(token)
        .request(HookedRequest(once.claim_before_send))  # each update recorded before its first answer
        .get_updates_request(arrivals)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .context_types(ContextTypes(context=Context, bot_data=BotData))
        .defaults(Defaults(parse_mode="HTML", tzinfo=settings.tz))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .update_queue(queue)
        .concurrent_updates(intake.FinishingProcessor(8, queue))
    )
    if rate_limiter:  # True: the production one; tests may give one on an injected clock
        builder = builder.rate_limiter(PatientRateLimiter(max_retries=3) if rate_limiter is True else rate_limiter)
    application = builder.build()
    data: BotData = application.bot_data
    data.settings = settings
    data.engine = engine
    data.kb = KnowledgeBase(engine, DocumentCaps.from_settings(settings), keep_versions=settings.kb_keep_versions)
    data.flood = FloodControl.from_settings(settings)
    if clock is not None:
        data.clock = clock
    data.schedule_reminders = schedule_reminders
    queue.data, queue.bot = data, application.bot
    arrivals.on_arrival = queue.keep_arrivals
    register(application)
    return application


@asynccontextmanager
async def polling(application: Application, *, timeout: int = 10) -> AsyncIterator[Application]:
    """Run the application with long polling inside an existing event loop.

    ``run_polling`` owns the loop and calls ``post_init``/``post_shutdown``;
    the demo and the end-to-end tests share their loop, so they use this,
    which goes through the same hooks in the same order."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        updater = application.updater
        if updater is None:
            raise RuntimeError("polling needs the application's updater")
        await updater.start_polling(poll_interval=0.0, timeout=timeout)
        try:
            yield application
        finally:
            await updater.stop()
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
