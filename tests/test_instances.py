"""Several instances: two real bot processes on one database, behind one
webhook address (the emulator's "proxy" posts each delivery to one of them in
turn). Every reminder and digest goes out once, and every update is handled
once, even when Telegram delivers an update again after losing an answer.

On SQLite (the default) the two processes share one file; with
TEST_DATABASE_URL they share one PostgreSQL database."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.models import HandledUpdate, Outbox, Report, Staff, Subscription
from storage.tracking import staff_by_code
from storage.updates import heartbeats
from tests.conftest import MANAGER_ID, OFFICER2_ID, OFFICER_ID, WARD_OFFICER_ID, seed_tracking
from tests.data import wall_now
from tests.processes import PUBLIC_WEBHOOK, BotProcess, bot_env, free_port

GROUP_ID = -100_777
STRANGERS = list(range(7000, 7016))

# Every day a working day at every hour and reminders due from midnight, so that the test
# finds reminders due whatever day it runs; a scan every second.
REMINDER_ENV = {
    "WORK_WEEK": "mon-sun",
    "PUBLIC_HOLIDAYS": "none",
    "REMINDER_TIME": "00:00",
    "REMINDER_SCAN_SECONDS": "1",
    "WORK_HOURS": "00:00-24:00",
}


async def until(condition, *, timeout: float, what: str, every: float = 0.1):
    """Check ``condition()`` until it holds: the processes run on the real
    clock, so the test watches the database and the emulator for the outcome."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(every)


def subscribe_digests(engine) -> None:
    """A manager's daily digest in private and a weekly one in a group, both due now."""
    local_now = datetime.now(timezone(timedelta(hours=7)))
    with session_scope(engine) as session:
        manager = staff_by_code(session=session, code="LD01")
        long_ago = datetime.now(UTC) - timedelta(days=10)
        session.add(
            Subscription(
                chat_id=MANAGER_ID, staff_id=manager.id, frequency="daily", at_time="00:00", created_at=long_ago
            )
        )
        session.add(
            Subscription(
                chat_id=GROUP_ID,
                staff_id=manager.id,
                frequency="weekly",
                weekday=local_now.weekday(),
                at_time="00:00",
                created_at=long_ago,
            )
        )


def reports_by_user(engine) -> Counter:
    with session_scope(engine) as session:
        telegram = {s.id: s.telegram_id for s in session.exec(select(Staff))}
        return Counter(telegram[r.staff_id] for r in session.exec(select(Report)))


def outbox_rows(engine) -> list[Outbox]:
    with session_scope(engine) as session:
        return list(session.exec(select(Outbox)))


async def test_two_processes_send_each_reminder_and_digest_once_and_handle_each_update_once(
    emulator, engine, db_url, tmp_path
):
    seed_tracking(engine, now=wall_now())  # read by real processes, on the machine's clock
    subscribe_digests(engine)
    emulator.group(GROUP_ID, "Tổ công tác CCHC", admins=[MANAGER_ID])
    reports_before = reports_by_user(engine)

    ports = [free_port(), free_port()]
    emulator.webhook_targets = [f"http://127.0.0.1:{port}/telegram" for port in ports]
    chance = random.Random(20261123)
    emulator.webhook_fault = lambda update: "lose" if chance.random() < 0.2 else None

    processes = [
        BotProcess(
            ["run", "--webhook"],
            bot_env(emulator, db_url, WEBHOOK_URL=PUBLIC_WEBHOOK, WEBHOOK_PORT=str(port), **REMINDER_ENV),
            tmp_path,
        )
        for port in ports
    ]
    for process in processes:
        await process.start()
    try:
        await until(
            lambda: sum(1 for name, _ in emulator.calls if name == "setWebhook") >= 2,
            timeout=60,
            what="both processes to set the webhook",
        )

        # Users talk while the reminders go out: strangers ask for help twice
        # each, officers report on their tasks from the chat.
        for user in STRANGERS:
            emulator.send_text(user, "/start")
            emulator.send_text(user, "/huongdan")
        reports = {OFFICER_ID: "/baocao NV001 40", OFFICER2_ID: "/baocao NV003 60", WARD_OFFICER_ID: "/baocao NV005 30"}
        for user, text in reports.items():
            emulator.send_text(user, text)

        def talk_done() -> bool:
            return all(len(emulator.messages_to(u)) >= 2 for u in STRANGERS) and not emulator.pending_updates

        await until(talk_done, timeout=90, what="every user to be answered")

        def outbox_done() -> bool:
            rows = outbox_rows(engine)
            kinds = Counter(r.kind for r in rows)
            return bool(rows) and kinds["digest"] >= 2 and all(r.status == "sent" for r in rows)

        await until(outbox_done, timeout=90, what="the reminders and digests to be sent")

        # Let both processes run two more full cycles each: any duplicate would show now. (Messages
        # go out while a scan runs: the outbox may be sent before either process finished one.)
        def beating() -> bool:
            with session_scope(engine) as session:
                return len(heartbeats(session)) >= 2

        await until(beating, timeout=60, what="a reminder cycle finished in each process")
        with session_scope(engine) as session:
            seen = heartbeats(session)

        def two_more_cycles() -> bool:
            with session_scope(engine) as session:
                now = heartbeats(session)
            return len(now) >= 2 and all(now[p] >= seen.get(p, now[p]) + timedelta(seconds=2) for p in now)

        await until(two_more_cycles, timeout=60, what="two more reminder cycles in each process")
    except AssertionError as failure:
        for process in processes:
            process.kill()
        raise AssertionError(f"{failure}\n" + "\n----\n".join(p.text[-4000:] for p in processes)) from None
    finally:
        codes = [await process.stop() for process in processes]
    assert codes == [0, 0], [p.text[-3000:] for p in processes]

    # Each outbox row (reminder, escalation, digest text, chart, workbook) reached its chat once.
    rows = outbox_rows(engine)
    assert {r.kind for r in rows} >= {"reminder", "digest"}, Counter(r.kind for r in rows)
    delivered = Counter(
        (m.chat_id, m.text if m.method == "sendMessage" else m.caption) for m in emulator.sent if not m.edited
    )
    for row in rows:
        assert delivered[(row.chat_id, row.text or None)] == 1, (row.key, delivered[(row.chat_id, row.text)])
    group = emulator.messages_to(GROUP_ID)
    assert [m.method for m in group] == ["sendMessage", "sendPhoto", "sendDocument"]

    # Each update handled once: two answers a stranger, one report per /baocao,
    # though a fifth of the deliveries were made twice.
    for user in STRANGERS:
        assert len(emulator.messages_to(user)) == 2, emulator.messages_to(user)
    reports_after = reports_by_user(engine)
    for user in reports:
        assert reports_after[user] == reports_before[user] + 1, (reports_before, reports_after)
    assert emulator.stats["webhook_failed"] > 0
    answered_by = Counter(target for _, target, status in emulator.webhook_deliveries if status == 200)
    assert len(answered_by) == 2, answered_by  # both processes took updates

    for process in processes:
        assert "Traceback" not in process.text, process.text[-3000:]


async def test_a_killed_process_loses_nothing_and_a_new_one_takes_over(emulator, engine, db_url, tmp_path):
    """SIGKILL while reminders are going out; users keep writing while the bot
    is down; a fresh process on the same database finishes the work: every
    reminder and digest delivered, repeats only of what was in flight, and
    every message written during the downtime answered."""
    seed_tracking(engine, now=wall_now())  # read by real processes, on the machine's clock
    subscribe_digests(engine)
    emulator.group(GROUP_ID, "Tổ công tác CCHC", admins=[MANAGER_ID])
    port = free_port()
    emulator.webhook_targets = [f"http://127.0.0.1:{port}/telegram"]
    # Slow sends, so that the kill lands in the middle of a dispatch.
    emulator.fault = lambda method, params: {"delay": 0.3} if method.startswith("send") else None
    env = bot_env(
        emulator, db_url, WEBHOOK_URL=PUBLIC_WEBHOOK, WEBHOOK_PORT=str(port), OUTBOX_LEASE_SECONDS="5", **REMINDER_ENV
    )

    first = await BotProcess(["run", "--webhook"], env, tmp_path).start()
    try:
        await until(
            lambda: any(r.status == "sent" for r in outbox_rows(engine)),
            timeout=90,
            what="the first reminder to be sent",
        )
    except AssertionError:
        first.kill()
        raise AssertionError(first.text[-4000:]) from None
    first.kill()
    await first.stop()
    in_flight = sum(1 for r in outbox_rows(engine) if r.status == "sending")

    down = list(range(7200, 7206))
    for user in down:  # Telegram keeps these until the webhook answers again
        emulator.send_text(user, "/start")

    async with BotProcess(["run", "--webhook"], env, tmp_path) as second:
        try:
            await until(
                lambda: all(emulator.messages_to(u) for u in down),
                timeout=90,
                what="the messages written during the downtime to be answered",
            )
            # The first process may have died before its scan queued the digests (what the scan
            # queued first goes out while it renders them): the new one queues them.
            await until(
                lambda: (
                    (rows := outbox_rows(engine))
                    and {r.kind for r in rows} >= {"reminder", "digest"}
                    and all(r.status == "sent" for r in rows)
                ),
                timeout=90,
                what="the reminders and digests to be sent",
            )
        except AssertionError as failure:
            raise AssertionError(f"{failure}\n{second.text[-4000:]}") from None
    rows = outbox_rows(engine)
    delivered = Counter(
        (m.chat_id, m.text if m.method == "sendMessage" else m.caption) for m in emulator.sent if not m.edited
    )
    repeats = 0
    for row in rows:
        count = delivered[(row.chat_id, row.text or None)]
        assert count >= 1, row.key  # none lost
        repeats += count - 1
    assert repeats <= in_flight, (repeats, in_flight)  # repeats only of the in-flight messages
    assert {r.kind for r in rows} >= {"reminder", "digest"}
    for user in down:
        assert len(emulator.messages_to(user)) == 1


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_updates_taken_but_not_yet_handled_survive_a_kill(emulator, engine, db_url, tmp_path, mode):
    """PTB acknowledges an update (the next getUpdates confirms it, the webhook answers 200) as soon
    as it is queued, before any handler runs: a process killed then took its queue with it. Each
    update is written to the database first, so the next process handles every one, and none twice."""
    strangers = list(range(7300, 7330))
    release = asyncio.Event()
    held: list[int] = []

    async def hold_sends(method, params):  # Telegram not answering: the handlers pile up
        if method == "sendMessage":
            held.append(int(params["chat_id"]))
            await release.wait()
        return None

    emulator.fault = hold_sends
    args, env = ["run"], bot_env(emulator, db_url)
    if mode == "webhook":
        port = free_port()
        emulator.webhook_targets = [f"http://127.0.0.1:{port}/telegram"]
        args, env = ["run", "--webhook"], bot_env(emulator, db_url, WEBHOOK_URL=PUBLIC_WEBHOOK, WEBHOOK_PORT=str(port))
    first = await BotProcess(args, env, tmp_path).start()
    try:
        update_of = {user: emulator.send_text(user, "/start")["update_id"] for user in strangers}
        await emulator.wait_idle(timeout=60)  # every update acknowledged: Telegram forgets them
        await until(lambda: held, timeout=30, what="the first process to start answering")
    finally:
        first.kill()
        await first.stop()
    emulator.fault = None
    release.set()
    with session_scope(engine) as session:
        begun = set(session.exec(select(HandledUpdate.update_id)).all())
    # Handling had begun (the update recorded as taken) for a few: their answer was on its way.
    in_flight = {user for user, update_id in update_of.items() if update_id in begun}
    assert len(in_flight) < len(strangers) / 2, in_flight  # most were still queued when the process died

    async with BotProcess(args, env, tmp_path) as second:
        try:
            await until(
                lambda: all(emulator.messages_to(u) for u in strangers if u not in in_flight),
                timeout=60,
                what="the updates queued in the killed process to be answered",
            )
        except AssertionError as failure:
            raise AssertionError(f"{failure}\n{second.text[-4000:]}") from None
    for user in strangers:
        answers = len(emulator.messages_to(user))
        assert answers == 1 if user not in in_flight else answers <= 1, (user, answers)
    assert "Traceback" not in second.text, second.text[-3000:]
