"""Quick recovery after a crash: which processes are sending the outbox, and which are gone.

Each process that sends the outbox (``run``, ``remind --now``) has a row in ``bot_process``
(``storage/processes.py``) while it runs, and beats every PROCESS_HEARTBEAT_SECONDS: the first
beat at start, then in the background and at every dispatch. At each beat it looks at the others.
One is gone when

* its pid no longer runs on this machine (processes of one machine, boot and pid namespace see
  each other's pids): a process restarted after a crash, or one beside it, sees it at once;
* or its beats have not moved for PROCESS_GONE_SECONDS on this process's own clock (a process on
  another machine: no two machines' clocks are compared).

The one that sees it deletes its row (only if it has not beaten since, so that two processes never
both act on it, and a live one is never taken for gone on a stale read) and puts the outbox rows it
had claimed back to pending, in the same transaction; they go out with this process's next send,
started at once. OUTBOX_LEASE_SECONDS stays the last resort, for claims of a process that left
no row.

A process taken for gone while alive (frozen, or cut from the database, for longer than
PROCESS_GONE_SECONDS) finds its row gone at its next beat: it writes it again, releases whatever it
still had claimed, and sends none of the messages claimed before that beat: they are being sent by
others. So at most the messages in flight at that moment are repeated.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from storage import outbox as box
from storage import processes
from storage.db import session_scope
from storage.models import BotProcess

log = logging.getLogger(__name__)

HEARTBEAT = timedelta(seconds=5)
GONE_AFTER = timedelta(seconds=15)


def utc_clock() -> datetime:
    return datetime.now(UTC)


def local_pid_space() -> str:
    """What processes that see each other's pids share: the machine's name, its boot (Linux) and
    the pid namespace (Linux: each container has its own)."""
    parts = [socket.gethostname()]
    try:
        parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
    except OSError:
        pass
    try:
        parts.append(os.readlink("/proc/self/ns/pid"))
    except OSError:
        pass
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def pid_running(pid: int) -> bool | None:
    """Whether a process with this pid runs in this pid space; None when it cannot be told."""
    if os.name != "posix" or pid <= 0:
        return None
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, only whether the pid exists
    except ProcessLookupError:
        return False
    except OSError:  # e.g. it runs as another user
        return True
    try:  # Linux: a zombie (killed, not yet reaped by its parent) runs no more
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


@dataclass
class Beat:
    """What one beat found: the processes it took for gone, and the messages they had claimed."""

    gone: list[str] = field(default_factory=list)
    released: int = 0
    rejoined: bool = False  # this process had been taken for gone by another


class Presence:
    """This process in ``bot_process``: its id (the prefix of its outbox claims), its beats, and
    its view of the others. ``clock`` and ``pid_running`` are injectable for the tests."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime] = utc_clock,
        gone_after: timedelta = GONE_AFTER,
        process_id: str | None = None,
        host: str | None = None,
        pid: int | None = None,
        pid_space: str | None = None,
        pid_running: Callable[[int], bool | None] = pid_running,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.gone_after = gone_after
        self.pid_running = pid_running
        now = clock()
        self.row = BotProcess(
            id=process_id or uuid.uuid4().hex[:16],
            host=(host or socket.gethostname())[:255],
            pid=os.getpid() if pid is None else pid,
            pid_space=pid_space or local_pid_space(),
            started_at=now,
            seen_at=now,
        )
        # Bumped when this process learns it was taken for gone: claims made before are not its own.
        self.epoch = 0
        self._joined = False
        self._observed: dict[str, tuple[int, datetime]] = {}  # id -> (beats, when first read so on my clock)
        self._lock = threading.Lock()  # a beat, a claim and leaving, one at a time
        self._task: asyncio.Task | None = None

    @property
    def id(self) -> str:
        return self.row.id

    def beat(self) -> Beat:
        """One beat, in one transaction: this process counted (its row written again if another
        process took it for gone), then the others looked at, and the claims of those gone released."""
        result = Beat()
        with self._lock:
            try:
                self._beat(result)
            except Exception:
                # Silence is counted only while this process reaches the database: others may not
                # have reached it meanwhile either (an outage), so their silence counts from now.
                self._observed.clear()
                raise
        return result

    def _beat(self, result: Beat) -> None:
        told: list[tuple[BotProcess, str, int]] = []
        with session_scope(self.engine) as session:
            now = self.clock()
            # Written first: on SQLite the transaction takes the write lock here, so that what it
            # reads next stays true until it commits.
            if not processes.beat(session, row=self.row, at=now) and self._joined:
                result.rejoined = True
                result.released += box.release_claims_of(session=session, process_id=self.id)
            present = set()
            for other in processes.others(session, me=self.id):
                present.add(other.id)
                why = self._why_gone(other, now)
                if why is None or not processes.forget(session, process_id=other.id, beats=other.beats):
                    continue
                released = box.release_claims_of(session=session, process_id=other.id)
                result.gone.append(other.id)
                result.released += released
                told.append((other, why, released))
        # Committed. No claim ran meanwhile (``claiming`` waits for the lock this beat holds).
        self._joined = True
        self._observed = {
            key: value for key, value in self._observed.items() if key in present and key not in result.gone
        }
        if result.rejoined:
            self.epoch += 1
            log.warning(
                "this process (%s) was taken for gone by another: the messages it had claimed are "
                "sent again, not by it in the round it was in",
                self.id,
            )
        for other, why, released in told:
            log.warning(
                "process %s (pid %s on %s) is gone: %s; %d message(s) it was sending released",
                other.id,
                other.pid,
                other.host,
                why,
                released,
            )

    def _why_gone(self, other: BotProcess, now: datetime) -> str | None:
        if other.pid_space == self.row.pid_space:
            if other.pid == self.row.pid:
                return "its pid is this process's own"
            if self.pid_running(other.pid) is False:
                return "its pid no longer runs"
        seen = self._observed.get(other.id)
        if seen is None or seen[0] != other.beats:
            self._observed[other.id] = (other.beats, now)
            return None
        silent = now - seen[1]
        if silent >= self.gone_after:
            return f"no heartbeat for {silent.total_seconds():.0f} s"
        return None

    @contextmanager
    def claiming(self) -> Iterator[int]:
        """Hold off beats while claiming; gives the epoch the claim belongs to (``Dispatcher``)."""
        with self._lock:
            yield self.epoch

    def leave(self) -> None:
        """At a clean stop: this process's row deleted, and anything it still had claimed released."""
        with self._lock, session_scope(self.engine) as session:
            processes.forget(session, process_id=self.id)
            box.release_claims_of(session=session, process_id=self.id)

    async def keep_beating(self, every: float, send: Callable[[], object] | None = None) -> None:
        """Beat every ``every`` seconds, the first at once; ``send`` (start sending the outbox) after
        the first beat, and after each that released claims."""
        first = True
        while True:
            try:
                result = await asyncio.to_thread(self.beat)
            except Exception as error:  # noqa: BLE001 - e.g. the database is unreachable: next time
                log.warning("heartbeat not recorded: %s", error)
            else:
                if (first or result.released) and send is not None:
                    send()
                first = False
            await asyncio.sleep(every)

    def start(self, every: float, send: Callable[[], object] | None = None) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.keep_beating(every, send), name="heartbeat")

    async def stop(self) -> None:
        """Stop beating and leave (the database unreachable: the others will find it gone)."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        try:
            await asyncio.to_thread(self.leave)
        except Exception as error:  # noqa: BLE001
            log.warning("could not leave the list of running processes: %s", error)

    @asynccontextmanager
    async def running(self, every: float) -> AsyncIterator[Presence]:
        """Beating while inside (``remind --now``), leaving at the end."""
        self.start(every)
        try:
            yield self
        finally:
            await self.stop()
