"""Backups, restores, retention and erasure of personal data (``python -m bot backup | restore |
erase``, ``storage/backup.py``, ``storage/retention.py``), through real processes, on SQLite and
on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, text
from sqlmodel import select

from storage.backup import BackupError, kind_of, last_backup, pg_tool
from storage.db import session_scope
from storage.models import (
    OUTBOX_PENDING,
    OUTBOX_SENT,
    AuditEntry,
    BotProcess,
    Outbox,
    Report,
    Staff,
    Subscription,
    Task,
)
from storage.retention import erase_person, pseudonym_of, purge
from tests.conftest import ROOT, on_postgres, seed_tracking


def _pg_tools_missing() -> bool:
    try:
        pg_tool("pg_dump")
    except BackupError:
        return True
    return False


pytestmark = pytest.mark.skipif(on_postgres() and _pg_tools_missing(), reason="pg_dump is not installed")


def run_bot(db_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "ADMIN_IDS")}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=db_url)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def add_audit_batch(engine, batch: int, size: int) -> None:
    with session_scope(engine) as session:
        for i in range(size):
            session.add(AuditEntry(action="test", entity="batch", entity_code=f"{batch}:{i}"))


@pytest.mark.process
def test_backup_while_writing_is_consistent_and_restore_puts_it_back(engine, db_url, tmp_path):
    seed_tracking(engine)
    stop = threading.Event()
    batches = []

    def writer() -> None:  # a bot at work: transactions of 50 lines, one after another
        n = 0
        while not stop.is_set():
            add_audit_batch(engine, n, 50)
            batches.append(n)
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(batches) < 3:
            stop.wait(0.01)
        file = tmp_path / "saved" / "bot.backup"
        done = run_bot(db_url, "backup", str(file))
    finally:
        stop.set()
        thread.join()
    assert done.returncode == 0, done.stderr
    assert "✓ Đã sao lưu" in done.stdout
    assert file.exists() and oct(file.stat().st_mode & 0o777) == "0o600"
    assert kind_of(file) == ("pg_dump" if on_postgres() else "sqlite")
    with session_scope(engine) as session:
        recorded = last_backup(session)
    assert recorded is not None and recorded.file == "bot.backup"
    assert datetime.now(UTC) - recorded.at < timedelta(minutes=2)

    # After more changes, restoring gives back the database as the backup saw it: whole batches.
    written = count(engine, AuditEntry)
    with session_scope(engine) as session:
        session.exec(select(Task)).first().title = "đổi sau khi sao lưu"
    engine.dispose()
    done = run_bot(db_url, "restore", str(file))
    assert done.returncode == 0, done.stderr
    assert "✓ Đã khôi phục" in done.stdout and "truoc-khoi-phuc-" in done.stdout
    engine.dispose()
    restored = count(engine, AuditEntry)
    with session_scope(engine) as session:
        test_lines = session.exec(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "batch")
        ).one()
        titles = session.exec(select(Task.title)).all()
    assert test_lines % 50 == 0 and 0 < test_lines <= written
    assert restored >= test_lines
    assert "đổi sau khi sao lưu" not in titles
    saved = [p for p in file.parent.iterdir() if p.name.startswith("truoc-khoi-phuc-")]
    assert len(saved) == 1 and kind_of(saved[0]) == kind_of(file)

    checked = run_bot(db_url, "check")
    assert "Sao lưu gần nhất" in checked.stdout


@pytest.mark.process
def test_restore_is_refused_while_a_bot_runs_and_for_foreign_files(engine, db_url, tmp_path):
    seed_tracking(engine)
    file = tmp_path / "b.backup"
    assert run_bot(db_url, "backup", str(file)).returncode == 0
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        session.add(
            BotProcess(
                id=uuid.uuid4().hex[:16],
                host="may-chu-1",
                pid=4321,
                pid_space="x",
                started_at=now,
                seen_at=now,
                beats=3,
            )
        )
    refused = run_bot(db_url, "restore", str(file))
    assert refused.returncode == 1
    assert "đang chạy" in refused.stderr and "may-chu-1" in refused.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("truoc-khoi-phuc-")]

    foreign = tmp_path / "notes.txt"
    foreign.write_text("không phải bản sao lưu")
    done = run_bot(db_url, "restore", str(foreign))
    assert done.returncode == 1 and "không phải tệp sao lưu" in done.stderr
    missing = run_bot(db_url, "restore", str(tmp_path / "nothing.db"))
    assert missing.returncode == 1 and "Không có tệp" in missing.stderr
    assert "Traceback" not in done.stderr + missing.stderr + refused.stderr


@pytest.mark.process
def test_check_says_when_no_backup_was_made(engine, db_url):
    checked = run_bot(db_url, "check")
    assert "Chưa có bản sao lưu nào" in checked.stdout


def test_purge_empties_old_sent_payloads_only(engine):
    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    old = now - timedelta(days=100)
    with session_scope(engine) as session:
        session.add(
            Outbox(
                key="old-sent",
                kind="digest",
                chat_id=1,
                text="x",
                photo=b"png",
                document=b"xlsx",
                status=OUTBOX_SENT,
                created_at=old,
                sent_at=old,
            )
        )
        session.add(
            Outbox(key="old-pending", kind="reminder", chat_id=1, text="y", status=OUTBOX_PENDING, created_at=old)
        )
        session.add(
            Outbox(
                key="new-sent",
                kind="digest",
                chat_id=1,
                text="z",
                photo=b"png",
                status=OUTBOX_SENT,
                created_at=now,
                sent_at=now,
            )
        )
    with session_scope(engine) as session:
        counts = purge(session, before=now - timedelta(days=90))
    assert counts["outbox"] == 1
    with session_scope(engine) as session:
        rows = {row.key: row for row in session.exec(select(Outbox))}
    assert rows["old-sent"].text == "" and rows["old-sent"].photo is None and rows["old-sent"].document is None
    assert rows["old-pending"].text == "y"  # not sent yet: kept whole
    assert rows["new-sent"].photo == b"png"


def every_text(engine) -> str:
    """All the database's text, to look for what must be gone."""
    found = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                found.extend(str(value) for value in row if value is not None)
    return "\n".join(found)


@pytest.mark.process
def test_erase_removes_name_telegram_id_and_notes_keeping_a_readable_audit_trail(engine, db_url):
    seed_tracking(engine)
    with session_scope(engine) as session:
        staff = session.exec(select(Staff).where(Staff.code == "CB01")).one()
        name, telegram_id = staff.full_name, staff.telegram_id
        task = session.exec(select(Task).where(Task.owner_id == staff.id)).first()
        session.add(
            Report(
                task_id=task.id,
                staff_id=staff.id,
                percent=40,
                status="blocked",
                note="Vướng vì chờ ý kiến sở, gọi số riêng 0912345678",
            )
        )
        task.blocked_reason = "Vướng vì chờ ý kiến sở, gọi số riêng 0912345678"
        session.add(
            AuditEntry(
                actor_id=staff.id,
                actor=name,
                action="report",
                entity="task",
                entity_code=task.code,
                note="Vướng vì chờ ý kiến sở, gọi số riêng 0912345678",
            )
        )
        session.add(
            AuditEntry(
                actor="Quản trị",
                action="link",
                entity="staff",
                entity_code="CB01",
                field="Telegram ID",
                old_value="",
                new_value=str(telegram_id),
            )
        )
        session.add(
            AuditEntry(
                actor="Quản trị",
                action="reassign",
                entity="task",
                entity_code=task.code,
                field="người thực hiện",
                old_value="Ai đó",
                new_value=name,
            )
        )
        session.add(Subscription(chat_id=-100, staff_id=staff.id, owner_telegram_id=telegram_id))
        staff_id, task_code = staff.id, task.code
    assert name in every_text(engine)

    done = run_bot(db_url, "erase", "cb01", "--yes")
    assert done.returncode == 0, done.stderr
    everything = every_text(engine)
    assert name not in everything
    assert "0912345678" not in everything
    with session_scope(engine) as session:
        staff = session.get(Staff, staff_id)
        alias = pseudonym_of(staff)
        assert staff.full_name == alias and staff.telegram_id is None and staff.code == "CB01"
        lines = session.exec(select(AuditEntry).where(AuditEntry.entity_code.in_([task_code, "CB01"]))).all()
        assert any(line.actor == alias and line.action == "report" for line in lines)
        assert any(line.new_value == alias for line in lines if line.action == "reassign")
        assert any(line.action == "erase" and line.new_value == alias for line in lines)
        assert not any(line.new_value == str(telegram_id) for line in lines)
        sub = session.exec(select(Subscription).where(Subscription.chat_id == -100)).one()
        assert sub.disabled_at is not None and sub.owner_telegram_id is None
        # The work stays: the task, its report's figure.
        assert session.exec(select(Report.percent).where(Report.staff_id == staff_id)).all() == [40]

    again = run_bot(db_url, "erase", "CB01", "--yes")
    assert again.returncode == 0 and "đã được xoá trước đây" in again.stdout
    unknown = run_bot(db_url, "erase", "KHONGCO", "--yes")
    assert unknown.returncode == 1 and "Không có cán bộ mã KHONGCO" in unknown.stderr


@pytest.mark.process
def test_erase_asks_for_the_code_again(engine, db_url):
    seed_tracking(engine)
    wrong = run_bot(db_url, "erase", "CB01", stdin="CB02\n")
    assert wrong.returncode == 1 and "không xoá gì" in wrong.stderr
    with session_scope(engine) as session:
        assert not session.exec(select(Staff).where(Staff.code == "CB01")).one().full_name.startswith("Ẩn danh")
        staff = session.exec(select(Staff).where(Staff.code == "CB01")).one()
        erased = erase_person(session, staff=staff, at=datetime.now(UTC))
    assert erased.pseudonym.startswith("Ẩn danh ")


def test_each_reminder_cycle_purges_after_the_days_set(engine, settings):
    from reminders.cycle import ReminderCycle
    from reminders.scan import ScanConfig

    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        session.add(
            Outbox(
                key="sent-40-days-ago",
                kind="digest",
                chat_id=1,
                text="x",
                photo=b"png",
                status=OUTBOX_SENT,
                created_at=now - timedelta(days=40),
            )
        )
    keep_90 = ReminderCycle(engine, None, ScanConfig.from_settings(settings), clock=lambda: now)
    keep_90.scan_now()
    with session_scope(engine) as session:
        assert session.exec(select(Outbox.photo)).one() == b"png"
    keep_30 = ReminderCycle(
        engine,
        None,
        ScanConfig.from_settings(settings),
        clock=lambda: now,
        retention=timedelta(days=settings.retention_days - 60),
    )
    keep_30.scan_now()
    with session_scope(engine) as session:
        assert session.exec(select(Outbox.photo)).one() is None
        session.add(
            Outbox(
                key="sent-50-days-ago",
                kind="digest",
                chat_id=1,
                text="y",
                photo=b"png",
                status=OUTBOX_SENT,
                created_at=now - timedelta(days=50),
            )
        )
    keep_30.scan_now()  # the same day: the purge ran already
    with session_scope(engine) as session:
        assert session.exec(select(Outbox.photo).where(Outbox.key == "sent-50-days-ago")).one() == b"png"
    now += timedelta(days=1)
    keep_30.scan_now()  # the next day it runs again
    with session_scope(engine) as session:
        assert session.exec(select(Outbox.photo).where(Outbox.key == "sent-50-days-ago")).one() is None
