"""Updates handled a second, end to end: the real Application polling the
project's Bot API emulator (devtools/emulator/), against a bare
python-telegram-bot echo bot on the same emulator with the same updates.

The province (bench/_data.py, 400 units and 5,000 tasks by default) has its
staff linked to Telegram ids. Several hundred officers with open tasks and a
few dozen managers send a shuffled mix, all queued at once:
  * /nhiemvu (the bot answers with one message listing the open tasks, up to 10, a button each),
  * a task's button pressed on that list (callback ``t:<task id>``: the bot sends the task's card),
  * /baocao NVxxxxx <percent> <note>,
  * a percent button pressed on one of their task cards (callback ``p:<task id>:<percent>``),
  * /tonghop from managers (of departments and districts first, then of divisions and wards).
Before the timed batch, untimed, to both bots: every officer sends /nhiemvu and
then opens the cards of their first tasks (so there are cards to press), every
manager sends /tonghop.

An update counts as handled once its reply has been recorded by the emulator
(``emu.on_sent``): for /nhiemvu the list, for a task's button the card, for a
percent button the edited card, for /tonghop the digest. The rate is the number of updates over
the time from queueing them to the last reply. The echo bot replies to every
text with the text and answers a button press by answering the callback query
and editing the message (the same two Bot API calls as ours), so each of its
updates has one recorded reply too. Both run with ``concurrent_updates(8)``,
``bot.app.polling`` (poll_interval 0, long polling), without PTB's rate
limiter (the emulator enforces no flood limits here). Target: ours/echo >= 0.5.

The bot talks to the Bot API through its own HTTP client (bot/ptb/transport.py, on
aiohttp), PTB's echo bot through PTB's default one (httpx), which costs several
times more CPU a call. So that the ratio does not hide what the bot's own
machinery costs, the echo bot also runs on the bot's client, and that ratio is
printed beside the target's.

    .venv/bin/python bench/throughput.py [--updates 2000] [--officers 400] [--managers 30] [--repeat 1]
                                         [--database-url postgresql+psycopg://user@host:port/db] [--loop asyncio]

SQLite (a temporary file) always runs; with ``--database-url`` (or
TEST_DATABASE_URL) naming a PostgreSQL server, a fresh database on it also
runs (created and dropped here). One line per database. The two bots share
the machine with the emulator, and the process and its event loop with it:
the bot's loop (uvloop where installed, as ``python -m bot run`` uses), or
asyncio's own with ``--loop asyncio``. On a busy machine use ``--repeat 3``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import Province, backend, fresh_database, seed_province
from telegram import Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.app import build_application, new_event_loop, polling
from bot.ptb.transport import AiohttpRequest
from bot.settings import Settings
from devtools.emulator import BotAPIEmulator, SentMessage
from storage.db import open_database
from storage.models import ROLE_MANAGER, ROLE_OFFICER
from texts.common import ERROR_APOLOGY

TARGET_RATIO = 0.5
ADMIN_ID = 9001  # ADMIN_IDS; nobody sends from it
CARDS_SHOWN = 10  # handlers/tasks.py LIST_LIMIT: tasks listed by /nhiemvu
CARDS_OPENED = 3  # cards each officer opens in the warm-up; the percent buttons pressed are on these
PERCENTS = (25, 50, 75)  # never 100: every officer keeps the same open tasks throughout
NOTES = ("", "", "đang triển khai", "đã xong phần khảo sát", "chờ số liệu của phòng")
MIX = (("nhiemvu", 0.25), ("open", 0.10), ("baocao", 0.35), ("button", 0.25), ("tonghop", 0.05))


# --------------------------------------------------------------------------
# The load: who sends what (the same for both bots)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    kind: str  # nhiemvu | open | baocao | button | tonghop
    user: int  # Telegram id (= the private chat id)
    text: str = ""  # a message's text
    task_id: int = 0  # open: the task whose button is pressed on the list; button: whose card is pressed
    percent: int = 0


@dataclass
class Plan:
    officers: dict[int, list[tuple[int, str]]]  # Telegram id → open tasks (id, code)
    managers: list[int]
    warmup: list[Item]
    opened: list[Item]  # the warm-up's second step: cards opened from the lists
    timed: list[Item]


def make_plan(province: Province, *, updates: int, officers: int, managers: int, seed: int = 7) -> Plan:
    rng = random.Random(seed)
    linked = [p for p in province.people if p.telegram_id is not None]
    with_tasks = [p for p in linked if p.role == ROLE_OFFICER and province.open_tasks.get(p.id)]
    chosen = rng.sample(with_tasks, min(officers, len(with_tasks)))
    by_officer = {p.telegram_id: province.open_tasks[p.id] for p in chosen}
    # Managers of departments and districts (the level below the province), then of divisions and wards.
    below_top = [p for p in linked if p.role == ROLE_MANAGER and p.manager_id == province.top_manager.id]
    others = [p for p in linked if p.role == ROLE_MANAGER and p not in below_top and p is not province.top_manager]
    picked = rng.sample(below_top, min(managers, len(below_top)))
    picked += rng.sample(others, min(managers - len(picked), len(others)))
    bosses = [p.telegram_id for p in picked]
    warmup = [Item("nhiemvu", user, "/nhiemvu") for user in by_officer]
    warmup += [Item("tonghop", user, "/tonghop") for user in bosses]
    opened = [
        Item("open", user, task_id=task_id) for user, tasks in by_officer.items() for task_id, _ in tasks[:CARDS_OPENED]
    ]

    kinds = [kind for kind, _ in MIX]
    weights = [share for _, share in MIX]
    users = list(by_officer)
    timed = []
    for _ in range(updates):
        kind = rng.choices(kinds, weights)[0] if bosses else rng.choices(kinds[:4], weights[:4])[0]
        if kind == "tonghop":
            timed.append(Item("tonghop", rng.choice(bosses), "/tonghop"))
            continue
        user = rng.choice(users)
        task_id, code = rng.choice(by_officer[user][:CARDS_SHOWN])
        if kind == "nhiemvu":
            timed.append(Item("nhiemvu", user, "/nhiemvu"))
        elif kind == "open":
            timed.append(Item("open", user, task_id=task_id))
        elif kind == "baocao":
            note = rng.choice(NOTES)
            timed.append(Item("baocao", user, f"/baocao {code} {rng.randrange(10, 95, 5)} {note}".rstrip()))
        else:
            task_id, _ = rng.choice(by_officer[user][:CARDS_OPENED])
            timed.append(Item("button", user, task_id=task_id, percent=rng.choice(PERCENTS)))
    return Plan(by_officer, bosses, warmup, opened, timed)


# --------------------------------------------------------------------------
# Counting replies
# --------------------------------------------------------------------------


class Replies:
    """Counts what the bot sends (or edits) per chat, with the moment of the last one."""

    def __init__(self, emu: BotAPIEmulator) -> None:
        self.counts: Counter[int] = Counter()
        self.last = 0.0
        self.errors = Counter()
        emu.on_sent.append(self._on_sent)

    def _on_sent(self, message: SentMessage) -> None:
        self.counts[message.chat_id] += 1
        self.last = time.perf_counter()
        body = message.text or message.caption or ""
        if body.startswith("⛔"):
            self.errors["refused"] += 1
        elif body == ERROR_APOLOGY:
            self.errors["error"] += 1

    def reset(self) -> None:
        self.counts.clear()
        self.errors.clear()

    async def wait(
        self, expected: Counter[int], *, quiet: float = 0.5, stall: float = 15.0, timeout: float = 600.0
    ) -> bool:
        """Until every chat has its expected replies and nothing more came for ``quiet`` seconds;
        False when nothing came for ``stall`` seconds while replies are still missing."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            silent = time.perf_counter() - max(self.last, started)
            if all(self.counts[chat] >= n for chat, n in expected.items()):
                if silent >= quiet:
                    return True
            elif silent >= stall:
                return False
            await asyncio.sleep(0.02)
        return False

    def handled(self, items: list[Item], expected: Counter[int]) -> int:
        done = {chat for chat, n in expected.items() if self.counts[chat] >= n}
        return sum(1 for item in items if item.user in done)


@dataclass
class Outcome:
    updates: int
    handled: int
    seconds: float
    errors: Counter = field(default_factory=Counter)
    api_errors: Counter = field(default_factory=Counter)
    log_errors: int = 0

    @property
    def rate(self) -> float:
        return self.handled / self.seconds if self.seconds else 0.0


class LogCounter(logging.Handler):
    """Counts WARNING+ records while a bot runs; keeps the first one."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if not self.first:
            self.first = f"{record.name}: {record.getMessage()}"
            if record.exc_info and record.exc_info[1] is not None:
                self.first += f" ({record.exc_info[1]!r})"[:300]


class Buttons:
    """Where each button is: the latest message in a chat carrying ``t:<task>`` (a list) or
    ``p:<task>:...`` (a card), and each chat's latest message (the echo bot's replies have no buttons)."""

    def __init__(self, emu: BotAPIEmulator) -> None:
        self.at: dict[tuple[int, str, int], SentMessage] = {}
        self.last: dict[int, SentMessage] = {}
        self.missing = 0
        for message in emu.sent:
            self.last[message.chat_id] = message
            for _, data in message.buttons():
                kind, _, rest = data.partition(":")
                if kind in ("t", "p"):
                    self.at[(message.chat_id, kind, int(rest.split(":")[0]))] = message

    def press(self, emu: BotAPIEmulator, item: Item) -> None:
        kind, data = ("t", f"t:{item.task_id}") if item.kind == "open" else ("p", f"p:{item.task_id}:{item.percent}")
        message = self.at.get((item.user, kind, item.task_id))
        if message is None:
            self.missing += bool(self.at)  # ours should always find it; the echo bot never does
            message = self.last[item.user]
        emu.press_button(item.user, message, data)


def send(emu: BotAPIEmulator, items: list[Item], buttons: Buttons | None = None) -> None:
    for item in items:
        if item.kind in ("open", "button"):
            buttons.press(emu, item)
        else:
            emu.send_text(item.user, item.text)


async def drive(emu: BotAPIEmulator, plan: Plan, expected_of) -> Outcome:
    """Warm up, then queue the timed updates at once and wait for every reply."""
    replies = Replies(emu)
    # Warm-up, untimed: the lists, then cards opened from them (something to press).
    for step in (plan.warmup, plan.opened):
        send(emu, step, Buttons(emu))
        warm_expected = Counter()
        for item in step:
            warm_expected[item.user] += expected_of(item)
        if not await replies.wait(warm_expected):
            print(
                f"  (warm-up: {sum(1 for c, n in warm_expected.items() if replies.counts[c] < n)} chats "
                "without all their replies)"
            )
        replies.reset()

    buttons = Buttons(emu)
    expected = Counter()
    for item in plan.timed:
        expected[item.user] += expected_of(item)
    started = time.perf_counter()
    send(emu, plan.timed, buttons)
    if buttons.missing:
        print(
            f"  ({buttons.missing} button presses found no message with their button; pressed on the chat's last one)"
        )
    finished = await replies.wait(expected)
    seconds = replies.last - started
    handled = replies.handled(plan.timed, expected)
    if not finished:
        print(f"  (gave up waiting: {len(plan.timed) - handled} updates in chats still missing replies)")
    api_errors = Counter(f"{method} {status}" for method, _, status, _ in emu.errors)
    return Outcome(len(plan.timed), handled, seconds, replies.errors, api_errors)


# --------------------------------------------------------------------------
# The two bots
# --------------------------------------------------------------------------


def one_reply(item: Item) -> int:
    """Replies that mark an update handled, for both bots: /nhiemvu, the list; a task's button, its card;
    /baocao, one reply; a percent button, the edited card; /tonghop, at least its first message."""
    return 1


async def run_ours(url: str, plan_of, args) -> tuple[Outcome, Plan, Province]:
    settings = Settings.from_env(DATABASE_URL=url, ADMIN_IDS=str(ADMIN_ID), _env_file=None)
    engine = open_database(settings.sqlalchemy_url)
    now = datetime.now(UTC)
    province = seed_province(
        engine, units=args.units, tasks=args.tasks, today=now.astimezone(settings.tz).date(), now=now
    )
    plan = plan_of(province)
    counter = LogCounter()
    logging.getLogger().addHandler(counter)
    try:
        async with BotAPIEmulator() as emu:
            for user in list(plan.officers) + plan.managers:
                emu.user(user, "Cán bộ")
            test_settings = settings.model_copy(
                update={"telegram_api_base_url": emu.base_url, "telegram_api_file_url": emu.base_file_url}
            )
            application = build_application(
                test_settings, engine=engine, token=emu.token, rate_limiter=False, schedule_reminders=False
            )
            async with polling(application):
                outcome = await drive(emu, plan, one_reply)
    finally:
        logging.getLogger().removeHandler(counter)
        engine.dispose()
    outcome.log_errors = counter.count
    if counter.first:
        print(f"  first warning/error logged by our bot: {counter.first}")
    return outcome, plan, province


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


async def _echo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer(f"Đã ghi {query.data}")
    await query.edit_message_text(f"{query.data} (#{update.update_id})")


async def run_echo(plan: Plan, *, our_client: bool = False) -> Outcome:
    """The bare echo bot: PTB's own HTTP client (httpx), or with ``our_client`` the bot's (bot.ptb.transport)."""
    async with BotAPIEmulator() as emu:
        for user in list(plan.officers) + plan.managers:
            emu.user(user, "Cán bộ")
        builder = (
            ApplicationBuilder()
            .token(emu.token)
            .base_url(emu.base_url)
            .base_file_url(emu.base_file_url)
            .concurrent_updates(8)
        )
        if our_client:
            builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(connection_pool_size=1))
        application = builder.build()
        application.add_handler(MessageHandler(filters.TEXT, _echo))
        application.add_handler(CallbackQueryHandler(_echo_button))
        async with polling(application):
            return await drive(emu, plan, one_reply)


# --------------------------------------------------------------------------


def describe(outcome: Outcome) -> str:
    text = f"{outcome.rate:6.1f} updates/s ({outcome.handled}/{outcome.updates} in {outcome.seconds:.1f} s)"
    problems = dict(outcome.errors)
    if outcome.api_errors:
        problems["Bot API errors"] = dict(outcome.api_errors)
    if outcome.log_errors:
        problems["logged warnings/errors"] = outcome.log_errors
    return text + (f" {problems}" if problems else "")


async def main(args) -> None:
    # Warnings and errors are counted while a bot runs (LogCounter), not printed.
    logging.getLogger().setLevel(logging.WARNING)
    loop = asyncio.get_running_loop()
    print(f"event loop (both bots and the emulator): {type(loop).__module__}.{type(loop).__name__}")
    urls = [None]
    extra = args.database_url or os.environ.get("TEST_DATABASE_URL", "").strip()
    if extra:
        urls.append(extra)

    def plan_of(province: Province) -> Plan:
        return make_plan(province, updates=args.updates, officers=args.officers, managers=args.managers)

    lines = []
    for url in urls:
        best_ours = best_echo = best_echo_ours = None
        for attempt in range(args.repeat):
            # A fresh database each time: the update ids start again at 1 and are claimed once per database.
            with fresh_database(url, label="throughput") as db_url:
                name = backend(db_url)
                print(f"{name}: seeding and running our bot ...", flush=True)
                ours, plan, province = await run_ours(db_url, plan_of, args)
            if attempt == 0:
                kinds = Counter(item.kind for item in plan.timed)
                print(
                    f"  {province.units:,} units, {province.staff:,} staff, {province.tasks:,} tasks; "
                    f"{len(plan.officers)} officers and {len(plan.managers)} managers send {len(plan.timed):,} "
                    "updates: " + ", ".join(f"{kinds[k]} {k}" for k, _ in MIX),
                    flush=True,
                )
            print(f"  ours: {describe(ours)}", flush=True)
            echo = await run_echo(plan)
            print(f"  echo: {describe(echo)}", flush=True)
            echo_ours = await run_echo(plan, our_client=True)
            print(f"  echo on the bot's HTTP client: {describe(echo_ours)}", flush=True)
            best_ours = ours if best_ours is None or ours.rate > best_ours.rate else best_ours
            best_echo = echo if best_echo is None or echo.rate > best_echo.rate else best_echo
            best_echo_ours = (
                echo_ours if best_echo_ours is None or echo_ours.rate > best_echo_ours.rate else best_echo_ours
            )
        ratio = best_ours.rate / best_echo.rate if best_echo.rate else 0.0
        same_client = best_ours.rate / best_echo_ours.rate if best_echo_ours.rate else 0.0
        lines.append(
            f"{name:<10} ours {best_ours.rate:6.1f} updates/s, echo {best_echo.rate:6.1f} updates/s, "
            f"ours/echo = {ratio:.2f} (target >= {TARGET_RATIO}: "
            f"{'ok' if ratio >= TARGET_RATIO else 'MISSED'})" + (" [best of each]" if args.repeat > 1 else "")
        )
        lines.append(
            f"{'':<10} echo on the bot's HTTP client {best_echo_ours.rate:6.1f} updates/s, "
            f"ours/that = {same_client:.2f} (the bot's own cost beside PTB's, the client set aside)"
        )
    print()
    for line in lines:
        print(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--updates", type=int, default=2000, help="timed updates per bot")
    parser.add_argument("--officers", type=int, default=400, help="distinct officers sending updates")
    parser.add_argument("--managers", type=int, default=30, help="distinct managers sending /tonghop")
    parser.add_argument("--units", type=int, default=400, help="units in the seeded province")
    parser.add_argument("--tasks", type=int, default=5000, help="tasks in the seeded province")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each bot per database; the best is kept")
    parser.add_argument(
        "--database-url",
        default="",
        help="also run on this PostgreSQL server (a fresh database); default: env TEST_DATABASE_URL",
    )
    parser.add_argument(
        "--loop",
        choices=("bot", "asyncio"),
        default="bot",
        help="the event loop both bots run on: the bot's (uvloop where installed, as python -m bot "
        "run) or asyncio's own",
    )
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=new_event_loop if args.loop == "bot" else asyncio.new_event_loop) as runner:
        runner.run(main(args))
