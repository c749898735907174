"""Quick recovery after a crash (reminders/recovery.py): the outbox rows a dead process had
claimed go out as soon as another process, or its own restart, sees it is gone, not after the
lease; a live process keeps its claims whatever its clock says; one taken for gone while alive
sends none of what it had claimed. The release logic on an injected clock, then real
``python -m bot`` processes: one killed with SIGKILL a third of the way through 600 reminders and
restarted (on SQLite, and on PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from telegram import Bot

from bot.settings import Settings, SettingsError
from reminders.dispatch import LEASE, Dispatcher, Pacer
from reminders.recovery import Presence
from storage import outbox as box
from storage.db import session_scope
from storage.models import BotProcess, Outbox
from tests.processes import BotProcess as RunningBot
from tests.processes import bot_env, run_cli
from tests.test_instances import until

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
RUNNING = 4321  # the pid of process "a" in the tests below


class Clock:
    def __init__(self, moment: datetime = NOW) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def queue(engine, n: int, *, chat_from: int = 800_000, at: datetime = NOW) -> None:
    with session_scope(engine) as session:
        for i in range(n):
            session.add(
                Outbox(
                    key=f"test:{i}",
                    kind="reminder",
                    chat_id=chat_from + i,
                    text=f"Nhắc việc số {i}",
                    not_before=at - timedelta(minutes=1),
                )
            )


def claim_as(presence: Presence, engine, clock, limit: int) -> list[Outbox]:
    """``presence``'s process claims rows, as its dispatcher does, and dies (or freezes) holding them."""
    with presence.claiming(), session_scope(engine) as session:
        return box.claim(session=session, token=f"{presence.id}:round1", now=clock(), limit=limit)


def statuses(engine) -> Counter:
    with session_scope(engine) as session:
        return Counter(row.status for row in session.exec(select(Outbox)))


def process_ids(engine) -> set[str]:
    with session_scope(engine) as session:
        return set(session.exec(select(BotProcess.id)).all())


def presence(engine, clock, name: str, *, machine: str, pid: int, running=lambda pid: True) -> Presence:
    return Presence(
        engine,
        clock=clock,
        gone_after=timedelta(seconds=15),
        process_id=name * 16,
        host=machine,
        pid=pid,
        pid_space=machine,
        pid_running=running,
    )


def test_a_process_silent_for_the_gone_time_has_its_claims_released_at_once(engine):
    queue(engine, 10)
    clock = Clock()
    a = presence(engine, clock, "a", machine="machine-a", pid=RUNNING)
    b = presence(engine, clock, "b", machine="machine-b", pid=RUNNING)  # another machine: only beats tell
    a.beat()
    b.beat()
    claimed = claim_as(a, engine, clock, limit=4)
    assert len(claimed) == 4
    clock.advance(10)
    a.beat()  # a's last beat
    assert b.beat().released == 0
    clock.advance(14)
    assert b.beat().released == 0  # silent for 14 s: not gone yet
    clock.advance(1)
    seen = b.beat()
    assert seen.gone == [a.id] and seen.released == 4
    assert statuses(engine) == {"pending": 10}
    assert process_ids(engine) == {b.id}
    # Long before the lease would have let them go.
    assert clock() - NOW < LEASE
    with session_scope(engine) as session:
        rows = session.exec(select(Outbox).where(Outbox.id.in_([r.id for r in claimed]))).all()
        assert all(r.claimed_by == "" and r.not_before <= clock() for r in rows)  # due at once
    assert b.beat().released == 0  # released once


def test_a_process_whose_pid_is_gone_from_this_machine_is_gone_at_once(engine):
    queue(engine, 10)
    clock = Clock()
    alive = {RUNNING, 700}
    a = presence(engine, clock, "a", machine="this-machine", pid=RUNNING)
    a.beat()
    claim_as(a, engine, clock, limit=3)
    sibling = presence(engine, clock, "s", machine="this-machine", pid=700, running=lambda pid: pid in alive)
    sibling.beat()  # started beside a, which still runs: a keeps its claims
    assert statuses(engine)["sending"] == 3
    alive.discard(RUNNING)  # a killed with SIGKILL: no beat, no clean-up
    seen = sibling.beat()  # no clock moved
    assert seen.gone == [a.id] and seen.released == 3
    assert statuses(engine) == {"pending": 10}


def test_a_restart_that_gets_the_dead_process_s_pid_takes_its_claims_at_once(engine):
    """In a container every start is pid 1 on the same machine: a row of another process with this
    process's own pid is one that ran before it."""
    queue(engine, 5)
    clock = Clock()
    before = presence(engine, clock, "a", machine="container", pid=1)
    before.beat()
    claim_as(before, engine, clock, limit=5)
    clock.advance(2)
    after = presence(engine, clock, "c", machine="container", pid=1)
    assert after.beat().released == 5


def test_a_live_process_keeps_its_claims_whatever_its_clock(engine):
    """Liveness is read from beats counting up, on the observer's own clock: a process whose clock
    is an hour behind (another machine) is not taken for gone while it beats."""
    queue(engine, 10)
    clock = Clock()
    behind = Clock(NOW - timedelta(hours=1))
    a = presence(engine, behind, "a", machine="machine-a", pid=RUNNING)
    b = presence(engine, clock, "b", machine="machine-b", pid=RUNNING, running=lambda pid: False)
    a.beat()
    claim_as(a, engine, clock, limit=4)
    for _ in range(24):  # two minutes, a beat every 5 s
        clock.advance(5)
        behind.advance(5)
        a.beat()
        assert b.beat().released == 0
    assert statuses(engine)["sending"] == 4
    assert process_ids(engine) == {a.id, b.id}
    # A beat just before the observer looks is a beat: 14 s silent, then one beat, then 14 s again.
    clock.advance(14)
    a.beat()
    assert b.beat().released == 0
    clock.advance(14)
    assert b.beat().released == 0


def test_silence_is_counted_only_while_the_observer_reaches_the_database(engine, monkeypatch):
    """After an outage no one could beat through, a process is not taken for gone at once."""
    from storage import processes

    queue(engine, 4)
    clock = Clock()
    a = presence(engine, clock, "a", machine="machine-a", pid=RUNNING)
    b = presence(engine, clock, "b", machine="machine-b", pid=RUNNING)
    a.beat()
    b.beat()
    claim_as(a, engine, clock, limit=4)
    beat = processes.beat

    def unreachable(*args, **kwargs):
        raise ConnectionError("the database is unreachable")

    monkeypatch.setattr(processes, "beat", unreachable)
    for _ in range(4):  # 20 s of outage: neither can beat
        clock.advance(5)
        for process in (a, b):
            with pytest.raises(ConnectionError):
                process.beat()
    monkeypatch.setattr(processes, "beat", beat)
    assert b.beat().released == 0  # back: a's silence counts from now
    clock.advance(5)
    a.beat()
    assert b.beat().released == 0 and statuses(engine)["sending"] == 4


def test_claims_of_a_process_that_left_no_row_wait_for_the_lease(engine):
    """A sender with no row (one of an older version during an upgrade) is not known to be gone:
    its claims go back only when the lease runs out, as before."""
    queue(engine, 4)
    clock = Clock()
    with session_scope(engine) as session:
        box.claim(session=session, token="olderversion:1", now=clock(), limit=4)
    b = presence(engine, clock, "b", machine="machine-b", pid=RUNNING, running=lambda pid: False)
    for _ in range(6):
        clock.advance(10)
        assert b.beat().released == 0
    with session_scope(engine) as session:
        assert box.release_expired(session=session, now=clock() + LEASE, lease=LEASE) == 4


def test_a_clean_stop_leaves_the_list(engine):
    clock = Clock()
    a = presence(engine, clock, "a", machine="machine-a", pid=RUNNING)
    a.beat()
    assert process_ids(engine) == {a.id}
    a.leave()
    assert process_ids(engine) == set()


async def test_a_process_taken_for_gone_while_alive_sends_none_of_its_claims(engine, emulator):
    """Frozen longer than PROCESS_GONE_SECONDS in the middle of a dispatch: another process releases
    its claims; at its next beat it learns it, and what it had claimed is not sent by it in that
    round. Every message reaches its chat, repeated at most when it was in flight."""
    queue(engine, 6)
    clock = Clock()
    a = presence(engine, clock, "a", machine="machine-a", pid=RUNNING)
    b = presence(engine, clock, "b", machine="machine-b", pid=RUNNING)
    b.beat()
    taken_over = asyncio.Event()
    taking_over = False

    async def frozen(seconds: float) -> None:
        """The pacer's wait before the second message: a freezes here while b finds it gone."""
        nonlocal taking_over
        if taking_over:
            await taken_over.wait()
            return
        taking_over = True
        b.beat()  # b reads a's beats ...
        clock.advance(16)
        assert b.beat().gone == [a.id]  # ... and 16 s later they have not moved
        assert a.beat().rejoined  # a's next beat: its row was gone
        taken_over.set()

    # One message a second on a clock standing still: the first goes at once, the others wait (frozen).
    pacer = Pacer(per_second=1, per_chat_interval=0, clock=lambda: 0.0, sleep=frozen)
    async with Bot(emulator.token, base_url=emulator.base_url) as bot:
        first = await Dispatcher(engine, bot, clock=clock, pacer=pacer, presence=a).run_once(max_rounds=1)
        assert first.sent == 1 and first.handed_over == 5
        rest = await Dispatcher(
            engine, bot, clock=clock, pacer=Pacer(per_second=10_000, per_chat_interval=0), presence=b
        ).run_once()
    # The first message was in flight when b released it: b sends it again, and the five others once.
    assert rest.sent == 6
    delivered = Counter(m.chat_id for m in emulator.sent)
    assert delivered == {800_000: 2, **{chat: 1 for chat in range(800_001, 800_006)}}
    assert statuses(engine) == {"sent": 6}


def test_the_gone_time_must_outlast_two_heartbeats():
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(_env_file=None, PROCESS_HEARTBEAT_SECONDS="5", PROCESS_GONE_SECONDS="8")
    assert refused.value.variable == "PROCESS_GONE_SECONDS" and "PROCESS_HEARTBEAT_SECONDS" in refused.value.reason
    settings = Settings.from_env(_env_file=None)
    assert (settings.process_heartbeat_seconds, settings.process_gone_seconds) == (5, 15)


REMINDERS = 600


@pytest.mark.process
async def test_a_process_killed_a_third_of_the_way_through_600_reminders_and_restarted_sends_them_all_soon(
    emulator, engine, db_url, tmp_path
):
    """SIGKILL a third of the way through 600 reminders; the process restarted at once sends all the
    rest within 30 s, the ones the dead process had claimed included (with OUTBOX_LEASE_SECONDS at
    its default 120 s), each once except those in flight."""
    queue(engine, REMINDERS, at=datetime.now(UTC))
    env = bot_env(emulator, db_url, EXPORT_WORKERS="0")
    first = RunningBot(["run"], env, tmp_path)

    def kill_a_third_of_the_way(message) -> None:
        if len(emulator.sent) >= REMINDERS // 3:
            first.kill()  # in the emulator's own handler: exactly there, no cleanup of any kind

    emulator.on_sent.append(kill_a_third_of_the_way)
    await first.start()
    try:
        await until(lambda: first.proc.returncode is not None, timeout=60, what="a third of the reminders sent")
    finally:
        first.kill()
        await first.stop()
    emulator.on_sent.clear()
    in_flight = statuses(engine)["sending"]
    assert in_flight > 0, first.text[-3000:]  # killed in the middle of a dispatch, holding claims
    sent_before = len(emulator.sent)
    assert sent_before < REMINDERS / 2

    second = RunningBot(["run"], env, tmp_path)
    loop = asyncio.get_running_loop()
    restarted = loop.time()
    await second.start()
    try:
        texts = {f"Nhắc việc số {i}" for i in range(REMINDERS)}
        await until(
            lambda: {m.text for m in emulator.sent} >= texts,
            timeout=30,
            what="every reminder to be sent within 30 s of the restart",
        )
        took = loop.time() - restarted
        await until(lambda: statuses(engine) == {"sent": REMINDERS}, timeout=10, what="every row marked sent")
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{statuses(engine)}\n{second.text[-4000:]}") from None
    finally:
        code = await second.stop()
    assert code == 0, second.text[-3000:]
    delivered = Counter(m.text for m in emulator.sent)
    repeats = sum(count - 1 for count in delivered.values())
    assert repeats <= in_flight, (repeats, in_flight)
    assert took < 30
    assert "is gone" in second.text and "Traceback" not in second.text, second.text[-3000:]
    assert process_ids(engine) == set()  # the dead one forgotten by its restart, which left at its clean stop


def test_a_claim_takes_its_batch_and_no_more(engine):
    """On PostgreSQL a locking subquery under ``id IN (...)`` ran once per row looked at and claimed
    every due row: one process held them all, and a crash left them all to the lease."""
    queue(engine, 10)
    with session_scope(engine) as session:
        first = box.claim(session=session, token="p:1", now=NOW, limit=4)
    with session_scope(engine) as session:
        second = box.claim(session=session, token="p:2", now=NOW, limit=4)
    assert [r.key for r in first] == [f"test:{i}" for i in range(4)]
    assert [r.key for r in second] == [f"test:{i}" for i in range(4, 8)]
    assert statuses(engine) == {"sending": 8, "pending": 2}


def a_dead_pid() -> int:
    """The pid of a process of this machine that has run and exited."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


@pytest.mark.process
async def test_remind_now_sends_at_once_what_a_process_killed_on_this_machine_had_claimed(
    emulator, engine, db_url, tmp_path
):
    """``remind --now`` (cron) is among the processes sending: it sees at its first beat that a
    process of this machine died holding claims, and sends those messages in its one cycle."""
    now = datetime.now(UTC)
    queue(engine, 5, at=now)
    killed = Presence(engine, process_id="d" * 16, pid=a_dead_pid())  # this machine's pid space
    killed.beat()
    assert len(claim_as(killed, engine, lambda: now, limit=3)) == 3
    code, out = await run_cli(["remind", "--now"], bot_env(emulator, db_url, EXPORT_WORKERS="0"), tmp_path)
    assert code == 0, out
    assert "Đã gửi 5," in out, out
    assert sorted(m.chat_id for m in emulator.sent) == list(range(800_000, 800_005))
    assert statuses(engine) == {"sent": 5}
    assert process_ids(engine) == set()  # the dead one forgotten, and remind --now left at its end


def test_check_lists_the_processes_running_on_the_database(settings, engine):
    from bot.check import Report, check_database

    report = Report()
    check_database(settings, report)
    assert ("✓", "Không có tiến trình bot nào đang chạy trên cơ sở dữ liệu này.") in report.lines
    running = Presence(engine, host="may-chu-1", pid=RUNNING)
    running.beat()
    report = Report()
    check_database(settings, report)
    line = "Đang chạy: 1 tiến trình bot trên cơ sở dữ liệu này: may-chu-1 (pid 4321)."
    assert ("✓", line) in report.lines
