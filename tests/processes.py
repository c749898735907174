"""Real bot processes for the tests: ``python -m bot ...`` in a subprocess,
talking to the in-test Bot API emulator on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Mapping

from tests.conftest import ADMIN_ID, ROOT

# The public address Telegram posts to; the emulator's "proxy" forwards each
# delivery to one of the processes' local ports.
PUBLIC_WEBHOOK = "https://bot.example.gov.vn/telegram"

# Variables of the developer's shell that must not leak into a test process.
SCRUBBED = (
    "TELEGRAM_BOT_TOKEN",
    "DATABASE_URL",
    "ADMIN_IDS",
    "BOT_TIMEZONE",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_PORT",
    "WEBHOOK_LISTEN",
    "TELEGRAM_API_BASE_URL",
    "TELEGRAM_API_FILE_URL",
    "REMINDER_TIME",
    "WORK_WEEK",
    "PUBLIC_HOLIDAYS",
    "REMINDER_SCAN_SECONDS",
    "WORK_HOURS",
    "LOG_LEVEL",
    "OUTBOX_LEASE_SECONDS",
    "PROCESS_HEARTBEAT_SECONDS",
    "PROCESS_GONE_SECONDS",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_env(emulator, db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        TELEGRAM_API_FILE_URL=emulator.base_file_url,
        DATABASE_URL=db_url,
        ADMIN_IDS=str(ADMIN_ID),
        LOG_LEVEL="INFO",
        # Real processes run on the machine's clock: their reminders go out whatever the hour the tests run.
        WORK_HOURS="00:00-24:00",
    )
    env.update(extra)
    return env


class BotProcess:
    """``python -m bot <args>`` running in the background; its output is kept."""

    def __init__(self, args: list[str], env: Mapping[str, str], cwd, *, preexec_fn=None) -> None:
        self.args = args
        self.env = dict(env)
        self.cwd = cwd
        self.preexec_fn = preexec_fn  # run in the child before the bot starts (e.g. resource limits)
        self.proc: asyncio.subprocess.Process | None = None
        self.output: list[str] = []
        self._reader: asyncio.Task | None = None

    async def start(self) -> BotProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *self.args,
            env=self.env,
            cwd=self.cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=self.preexec_fn,
        )
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        async for line in self.proc.stdout:
            self.output.append(line.decode("utf-8", "replace").rstrip())

    @property
    def text(self) -> str:
        return "\n".join(self.output)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine dies."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()

    async def stop(self, timeout: float = 20) -> int:
        """SIGTERM (a clean stop), then SIGKILL if it takes too long."""
        if self.proc is None:
            return 0
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(timeout):
                code = await self.proc.wait()
        except TimeoutError:
            self.proc.kill()
            code = await self.proc.wait()
        if self._reader is not None:
            await self._reader
        return code

    async def __aenter__(self) -> BotProcess:
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()


async def run_cli(args: list[str], env: Mapping[str, str], cwd, timeout: float = 60) -> tuple[int, str]:
    """Run ``python -m bot <args>`` to the end without blocking the event loop."""
    proc = BotProcess(args, env, cwd)
    await proc.start()
    try:
        async with asyncio.timeout(timeout):
            code = await proc.proc.wait()
    finally:
        proc.kill()
    await proc._reader
    return code, proc.text
