"""Fan-out: N reminders through the outbox to the Bot API emulator enforcing
Telegram's flood limits (30 messages a second overall, one a second per chat).

Prints messages a second against the 30/s limit, 429s received, and how many
were lost or duplicated.

    .venv/bin/python bench/fanout.py [--n 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Bot

from devtools.emulator import BotAPIEmulator
from reminders.dispatch import Dispatcher
from storage.db import open_database, session_scope
from storage.models import Outbox

LIMIT = 30.0


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(f"sqlite:///{folder}/fanout.db")
        with session_scope(engine) as session:
            for i in range(n):
                session.add(Outbox(key=f"bench:{i}", kind="reminder", chat_id=100_000 + i, text=f"🔔 Nhắc việc số {i}"))
        async with BotAPIEmulator() as emu:
            emu.enforce_limits = True
            bot = Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url)
            async with bot:
                dispatcher = Dispatcher(engine, bot)
                started = time.perf_counter()
                rounds = 0
                while True:
                    await dispatcher.run_once()
                    rounds += 1
                    sent = Counter(m.text for m in emu.sent if m.method == "sendMessage")
                    if len(sent) >= n or rounds > 50:
                        break
                elapsed = time.perf_counter() - started
        engine.dispose()
    delivered = sum(1 for _ in sent)
    duplicated = sum(c - 1 for c in sent.values() if c > 1)
    rate = delivered / elapsed
    print(f"reminders: {n}")
    print(
        f"delivered: {delivered} in {elapsed:.1f} s = {rate:.1f} msg/s "
        f"= {rate / LIMIT:.0%} of Telegram's {LIMIT:.0f}/s limit"
    )
    print(f"429 received: {emu.stats['429']}")
    print(f"lost: {n - delivered}, duplicated: {duplicated}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    asyncio.run(main(parser.parse_args().n))
