"""``python -m bot backup FILE``, ``restore FILE`` and ``erase STAFF_CODE``: the administrator's
care of the database (``storage/backup.py``, ``storage/retention.py``)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.settings import Settings


def _print_error(text: str) -> int:
    print(f"✗ {text}", file=sys.stderr)
    return 1


def _bots_running(settings: Settings, engine) -> list:
    """The bot processes that beat lately on this database (reminders/recovery.py)."""
    from storage.db import session_scope
    from storage.processes import running

    since = datetime.now(UTC) - timedelta(seconds=2 * settings.process_gone_seconds)
    try:
        with session_scope(engine) as session:
            return running(session, since=since)
    except Exception:  # no such table yet: an empty or very old database, where nothing runs
        return []


def cmd_backup(settings: Settings, file: Path) -> int:
    from storage.backup import BackupError, make_backup, record_backup
    from storage.db import open_database, session_scope

    url = settings.sqlalchemy_url
    try:
        engine = open_database(url)
    except Exception as exc:
        return _print_error(f"Không mở được cơ sở dữ liệu: {str(exc).splitlines()[0][:300]}")
    try:
        make_backup(url, file)
        at = datetime.now(UTC)
        with session_scope(engine) as session:
            record_backup(session, at=at, file=file)
    except BackupError as exc:
        return _print_error(str(exc))
    finally:
        engine.dispose()
    size = file.expanduser().stat().st_size
    print(
        f"✓ Đã sao lưu vào {file} ({size / 1_048_576:.1f} MB) lúc "
        f"{at.astimezone(settings.tz):%H:%M %d/%m/%Y}. Khôi phục: python -m bot restore {file}"
    )
    return 0


def cmd_restore(settings: Settings, file: Path) -> int:
    from storage.backup import BackupError, is_sqlite, kind_of, make_backup, record_backup, restore, sqlite_path
    from storage.db import make_engine, session_scope, upgrade

    url = settings.sqlalchemy_url
    try:
        kind_of(file.expanduser())  # a missing or foreign file is refused before anything else
        engine = make_engine(url)
        try:
            running = _bots_running(settings, engine)
        finally:
            engine.dispose()
        if running:
            names = ", ".join(f"{p.host} (pid {p.pid})" for p in running[:5])
            return _print_error(
                f"Có {len(running)} tiến trình bot đang chạy trên cơ sở dữ liệu này ({names}): "
                "dừng bot rồi chạy lại lệnh khôi phục."
            )
        # The database as it is now, kept beside the backup: a restore of the wrong file can be undone.
        stamp = datetime.now(settings.tz).strftime("%Y%m%d-%H%M%S")
        saved: Path | None = None
        if not is_sqlite(url) or sqlite_path(url).exists():
            saved = file.expanduser().with_name(f"truoc-khoi-phuc-{stamp}{file.suffix or '.bak'}")
            make_backup(url, saved)
        restore(file, url)
        upgrade(url)  # a backup from an older version of the bot is brought up to date
        # The restored database is that backup: it is now the last one made of it.
        engine = make_engine(url)
        try:
            with session_scope(engine) as session:
                made = datetime.fromtimestamp(file.expanduser().stat().st_mtime, UTC)
                record_backup(session, at=made, file=file)
        finally:
            engine.dispose()
    except BackupError as exc:
        return _print_error(str(exc))
    print(f"✓ Đã khôi phục cơ sở dữ liệu từ {file}.")
    if saved is not None:
        print(f"  Bản trước khi khôi phục được giữ ở {saved}.")
    return 0


def cmd_erase(settings: Settings, code: str, *, yes: bool) -> int:
    """Erase a person's personal data on request; asks for the code again unless ``--yes``."""
    from storage import tracking as db
    from storage.db import open_database, session_scope
    from storage.retention import erase_person

    engine = open_database(settings.sqlalchemy_url)
    try:
        with session_scope(engine) as session:
            staff = db.staff_by_code(session=session, code=code)
            if staff is None:
                return _print_error(f"Không có cán bộ mã {code}. Xem danh sách bằng tệp cán bộ hoặc /canbo.")
            if staff.full_name.startswith("Ẩn danh ") and staff.telegram_id is None:
                print(f"Dữ liệu cá nhân của {staff.code} đã được xoá trước đây.")
                return 0
            if not yes:
                print(
                    f"Sẽ xoá họ tên, Telegram ID và các ghi chú của {staff.code} ({staff.full_name}); "
                    "nhiệm vụ, số liệu báo cáo và nhật ký vẫn giữ, với một bí danh."
                )
                answer = input(f"Gõ lại mã {staff.code} để xác nhận: ").strip()
                if answer.upper() != staff.code.upper():
                    return _print_error("Mã không khớp, không xoá gì.")
            erased = erase_person(session, staff=staff, at=datetime.now(UTC))
            db.audit(
                session=session,
                actor=None,
                actor_name="dòng lệnh",
                action="erase",
                entity="staff",
                entity_code=staff.code,
                new=erased.pseudonym,
                note="xoá dữ liệu cá nhân theo yêu cầu (Nghị định 13/2023/NĐ-CP)",
            )
    finally:
        engine.dispose()
    changed = ", ".join(f"{n} {kind}" for kind, n in erased.counts.items() if n) or "không có ghi chú nào"
    print(f"✓ Đã xoá dữ liệu cá nhân của {erased.code}; nhật ký ghi là «{erased.pseudonym}» ({changed}).")
    return 0
