"""Digest lag: a manager taps /tonghop on a large scope while an officer uses the bot.

The real bot polls the Bot API emulator; the province is seeded with ``--tasks`` tasks under
``--units`` units (bench/_data.py), and the manager at the top of the tree, whose scope is all of
it, taps /tonghop ``--taps`` times at once. Meanwhile an officer sends /nhiemvu every 0.2 s and
a probe on the bot's event loop measures how late its 10 ms sleeps wake up. Prints the officer's
answer times while the digests were being made (against the same answers when the bot is idle)
and the event loop's worst stall, against issue 18's target: no one else delayed by more than
0.5 s.

    .venv/bin/python bench/digest_lag.py [--tasks 30000] [--units 600] [--taps 5]
                                         [--database-url postgresql+psycopg://user@host:port/db]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._data import backend, fresh_database, seed_province
from bot.app import build_application, polling, run
from bot.settings import Settings
from storage.db import open_database

TARGET = 0.5  # seconds: the most anyone else may be delayed (issue 18, point 4)
ADMIN = 9001


class LoopProbe:
    """How late the event loop wakes a task that sleeps 10 ms, again and again."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, time.perf_counter() - before - 0.01)

    def start(self) -> None:
        self.worst = 0.0
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> float:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        return self.worst


async def ask_tasks(emu, officers: Iterator[int], rounds: int, pause: float) -> list[float]:
    """/nhiemvu from each officer in turn (one chat at a time would meet Telegram's limit of about
    one message a second a chat, which is not what is measured here)."""
    times = []
    for _ in range(rounds):
        officer = next(officers)
        mark, sent = emu.mark(), time.perf_counter()
        emu.send_text(officer, "/nhiemvu")
        await emu.wait_for(lambda m: m.chat_id == officer, after=mark, timeout=120)  # noqa: B023 (awaited here)
        times.append(time.perf_counter() - sent)
        await asyncio.sleep(pause)
    return times


async def wait_digests(emu, manager: int, mark: int, taps: int) -> None:
    after = mark
    for _ in range(taps):
        found = await emu.wait_for(
            lambda m: m.chat_id == manager and "Tổng hợp" in (m.plain_text or ""), after=after, timeout=600
        )
        after = found.index + 1


async def main(args) -> None:
    from devtools.emulator import BotAPIEmulator

    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    with fresh_database(args.database_url, label="digestlag") as url:
        settings = Settings.from_env(DATABASE_URL=url, ADMIN_IDS=str(ADMIN), _env_file=None, FLOOD_STAFF_PER_MINUTE=0)
        engine = open_database(settings.sqlalchemy_url)
        province = seed_province(engine, units=args.units, tasks=args.tasks, today=today, now=datetime.now(UTC))
        manager = province.top_manager.telegram_id
        officers = itertools.cycle(
            [p.telegram_id for p in province.people if p.role == "officer" and p.telegram_id][:20]
        )
        try:
            async with BotAPIEmulator() as emu:
                application = build_application(
                    settings.model_copy(
                        update={"telegram_api_base_url": emu.base_url, "telegram_api_file_url": emu.base_file_url}
                    ),
                    engine=engine,
                    token=emu.token,
                    schedule_reminders=False,
                )
                async with polling(application, timeout=1):
                    probe = LoopProbe()
                    await ask_tasks(emu, officers, 3, 0.05)  # warm: caches, connections
                    probe.start()
                    idle = await ask_tasks(emu, officers, 10, 0.2)
                    idle_stall = await probe.stop()

                    mark = emu.mark()
                    probe.start()
                    started = time.perf_counter()
                    for _ in range(args.taps):
                        emu.send_text(manager, "/tonghop")
                    digests = asyncio.create_task(wait_digests(emu, manager, mark, args.taps))
                    busy: list[float] = []
                    while not digests.done():
                        busy += await ask_tasks(emu, officers, 1, 0.2)
                    await digests
                    digest_seconds = time.perf_counter() - started
                    busy_stall = await probe.stop()
        finally:
            engine.dispose()
    print(
        f"database: {backend(url)}; {args.tasks} tasks under {args.units} units; "
        f"{args.taps} taps of /tonghop by the top manager, answered in {digest_seconds:.1f} s"
    )
    print(
        f"officer's /nhiemvu, bot idle:    median {statistics.median(idle):.3f} s, max {max(idle):.3f} s; "
        f"event loop's worst stall {idle_stall * 1000:.0f} ms"
    )
    delay = max(busy) - statistics.median(idle)
    print(
        f"officer's /nhiemvu, during them: median {statistics.median(busy):.3f} s, max {max(busy):.3f} s "
        f"({len(busy)} answers); event loop's worst stall {busy_stall * 1000:.0f} ms"
    )
    verdict = "met" if max(delay, busy_stall) <= TARGET else "MISSED"
    print(
        f"worst delay to the officer: {delay:.3f} s; {max(delay, busy_stall) / TARGET:.2f} of the "
        f"{TARGET} s target ({verdict})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=30_000)
    parser.add_argument("--units", type=int, default=600)
    parser.add_argument("--taps", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server (a database is made there)")
    run(main(parser.parse_args()))
