"""Backups: a consistent copy of the database while the bot runs, and putting one back.

SQLite (the default, in WAL mode) is copied with its online backup API: the copy is a snapshot
of one moment even while other connections write, which copying the file is not (the WAL holds
committed pages the main file does not have yet). PostgreSQL is copied with ``pg_dump`` in its
custom format and put back with ``pg_restore``.

Restoring replaces everything, so it refuses while a bot process is running on the database
(``storage.processes``: the processes beat every few seconds), and first saves the current
database next to the file being restored, so a restore of the wrong file can be undone.
The time and file of the last backup are kept in ``app_state`` for ``python -m bot check``.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlmodel import Session

from storage.models import AppState

LAST_BACKUP = "last_backup"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """What went wrong, in Vietnamese, for the person at the command line."""


@dataclass(frozen=True)
class LastBackup:
    at: datetime
    file: str


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if not parsed.database or parsed.database == ":memory:" or parsed.query.get("mode") == "memory":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không có gì để sao lưu.")
    return Path(parsed.database).expanduser()


# ---- what check reads ----------------------------------------------------------------------


def record_backup(session: Session, *, at: datetime, file: Path) -> None:
    value = f"{at.astimezone(UTC).isoformat(timespec='seconds')} {file.name}"[:255]
    row = session.get(AppState, LAST_BACKUP)
    if row is None:
        session.add(AppState(key=LAST_BACKUP, value=value))
    else:
        row.value = value
        session.add(row)


def last_backup(session: Session) -> LastBackup | None:
    row = session.get(AppState, LAST_BACKUP)
    if row is None or not row.value:
        return None
    when, _, name = row.value.partition(" ")
    try:
        return LastBackup(datetime.fromisoformat(when), name)
    except ValueError:
        return None


# ---- making a backup -------------------------------------------------------------------------


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy the database at ``source`` to ``target`` through SQLite's online backup API, into a
    temporary file renamed at the end: ``target`` is either the old file or the whole new copy."""
    if not source.exists():
        raise BackupError(f"Không có tệp cơ sở dữ liệu {source}.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # it holds personal data
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=4096)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()
    os.replace(partial, target)


def pg_tool(name: str) -> str:
    """``pg_dump`` / ``pg_restore``: on the PATH, else the newest of Debian's server packages."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parts[-3].split(".")],
    )
    if candidates:
        return candidates[-1]
    raise BackupError(f"Không tìm thấy {name}: cài gói postgresql-client (cùng phiên bản máy chủ) rồi chạy lại.")


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password (which goes in the environment, not on a command line
    other users can read), and that environment."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{Path(command[0]).name} thất bại: {reason[-1] if reason else done.returncode}")


def backup_postgres(url: str, target: Path) -> None:
    uri, env = _libpq(make_url(url))
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), "--dbname", uri], env)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)


def make_backup(url: str, target: Path) -> None:
    """A consistent copy of the database at ``url`` in ``target`` (its folder is created)."""
    target = target.expanduser()
    if target.is_dir():
        raise BackupError(f"{target} là một thư mục: hãy ghi tên tệp, ví dụ {target / 'bot-backup.db'}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if is_sqlite(url):
        source = sqlite_path(url)
        if source.resolve() == target.resolve():
            raise BackupError("Tệp sao lưu không được trùng với tệp cơ sở dữ liệu.")
        backup_sqlite(source, target)
    else:
        backup_postgres(url, target)


# ---- putting one back ------------------------------------------------------------------------


def kind_of(file: Path) -> str:
    """``sqlite`` or ``pg_dump``, read from the file's first bytes."""
    try:
        with open(file, "rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        raise BackupError(f"Không có tệp {file}.") from None
    except IsADirectoryError:
        raise BackupError(f"{file} là một thư mục, không phải tệp sao lưu.") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pg_dump"
    raise BackupError(f"{file} không phải tệp sao lưu của bot (SQLite hoặc pg_dump dạng custom).")


def check_sqlite_backup(file: Path) -> None:
    """The file is a whole SQLite database of this bot: it passes a quick integrity check and
    has the migrations' version table."""
    conn = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{file} hỏng, không đọc được: {error}.") from None
    finally:
        conn.close()
    if not ok or ok[0] != "ok":
        raise BackupError(f"{file} không toàn vẹn (quick_check: {ok[0] if ok else '?'}).")
    if "alembic_version" not in tables or "staff" not in tables:
        raise BackupError(f"{file} là một cơ sở dữ liệu SQLite nhưng không phải của bot này.")


def restore_sqlite(file: Path, url: str) -> None:
    """Write ``file``'s content over the database at ``url`` through the backup API (it takes
    the database's locks and its WAL into account, unlike copying over the file)."""
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()


def restore_postgres(file: Path, url: str) -> None:
    """Replace the database's tables with the dump's in one transaction: the dump, as SQL from
    ``pg_restore``, after dropping and re-creating the ``public`` schema, run by ``psql`` with
    ``--single-transaction`` and stopping at the first error (nothing is half restored: tables
    that a newer version of the bot added are dropped too, and the migrations bring the schema
    up to date afterwards)."""
    uri, env = _libpq(make_url(url))
    script = subprocess.run(
        [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", "-", str(file)], env=env, capture_output=True
    )
    if script.returncode != 0:
        reason = script.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(f"pg_restore thất bại: {reason[-1] if reason else script.returncode}")
    sql = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n" + script.stdout
    done = subprocess.run(
        [pg_tool("psql"), "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1", "--dbname", uri],
        input=sql,
        env=env,
        capture_output=True,
    )
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(f"psql thất bại, cơ sở dữ liệu giữ nguyên: {reason[-1] if reason else done.returncode}")


def restore(file: Path, url: str) -> None:
    """Put the backup ``file`` in place of the database at ``url`` (the caller has checked that
    no bot runs on it, and saved the current one)."""
    file = file.expanduser()
    kind = kind_of(file)
    if is_sqlite(url):
        if kind != "sqlite":
            raise BackupError(f"{file} là bản sao lưu PostgreSQL (pg_dump), còn DATABASE_URL là SQLite.")
        if sqlite_path(url).exists() and sqlite_path(url).resolve() == file.resolve():
            raise BackupError("Tệp cần khôi phục chính là tệp cơ sở dữ liệu đang dùng.")
        check_sqlite_backup(file)
        restore_sqlite(file, url)
    else:
        if kind != "pg_dump":
            raise BackupError(f"{file} là tệp SQLite, còn DATABASE_URL là PostgreSQL.")
        restore_postgres(file, url)
