"""``python -m bot check``: is this deployment ready? Checks the settings, the
database (reachable, migrations applied) and the bot token (getMe), and in
webhook mode what Telegram knows of the webhook. Prints one line a check, in
Vietnamese, and exits 1 when something must be fixed. Changes nothing. Like
everything the command line prints, the lines never carry the token
(``bot.logs``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.settings import Settings, SettingsError

OK, WARN, FAIL = "✓", "!", "✗"


@dataclass
class Report:
    lines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, mark: str, text: str) -> None:
        self.lines.append((mark, text))

    @property
    def failed(self) -> bool:
        return any(mark == FAIL for mark, _ in self.lines)


def describe_database(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite, tệp {parsed.database}"
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    return f"PostgreSQL, cơ sở {parsed.database} tại {where}, người dùng {parsed.username or '(mặc định)'}"


def check_settings(settings: Settings, report: Report) -> None:
    report.add(
        OK,
        f"Múi giờ {settings.bot_timezone}; nhắc việc lúc {settings.reminder_time} các ngày "
        f"{settings.work_week}, ngày lễ: {settings.public_holidays}.",
    )
    if settings.admin_ids:
        report.add(OK, f"ADMIN_IDS: {len(settings.admin_ids)} quản trị viên.")
    else:
        report.add(WARN, "ADMIN_IDS trống: không ai nhận thông báo lỗi và chưa có quản trị viên để mời cán bộ.")
    if settings.webhook_url:
        report.add(
            OK,
            f"Chế độ webhook: Telegram gửi tới {settings.webhook_url}; bot nghe tại "
            f"{settings.webhook_listen}:{settings.webhook_port}/{settings.webhook_path} "
            f"(chạy: python -m bot run --webhook).",
        )
    else:
        report.add(OK, "Chế độ long polling (python -m bot run); đặt WEBHOOK_URL để chạy webhook sau proxy.")


def check_database(settings: Settings, report: Report) -> None:
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from storage.db import alembic_config, current_revision, make_engine

    url = settings.sqlalchemy_url
    what = describe_database(url)
    parsed = make_url(url)
    database = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if database and database != ":memory:" and not Path(database).expanduser().exists():
        report.add(OK, f"Cơ sở dữ liệu: {what} chưa có; sẽ được tạo khi bot chạy lần đầu.")
        return
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    try:
        engine = make_engine(url)
    except ImportError as exc:  # a postgresql:// URL, and the postgres extra (psycopg) not installed
        report.add(FAIL, _missing_driver(exc, what))
        return
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        if engine.dialect.name != "sqlite":
            asyncio.run(_reach_with_handlers_engine(engine))
        revision = current_revision(engine)
        beats = _heartbeats(engine) if revision == head else {}
        running = _running(engine, settings) if revision == head else []
        backed_up = _last_backup(engine) if revision == head else None
    except ImportError as exc:  # what the handlers' asyncio engine needs (greenlet) not installed
        report.add(FAIL, _missing_driver(exc, what))
        return
    except Exception as exc:  # any driver error: say what and where
        report.add(
            FAIL,
            f"Không kết nối được cơ sở dữ liệu ({what}): {_first_line(exc)}. "
            "Kiểm tra DATABASE_URL, máy chủ và mật khẩu.",
        )
        return
    finally:
        engine.dispose()
    if revision == head:
        report.add(OK, f"Cơ sở dữ liệu: {what}; lược đồ mới nhất ({head}).")
        if beats:
            latest = max(beats.values()).astimezone(settings.tz)
            report.add(
                OK,
                f"{len(beats)} tiến trình bot đã chạy vòng nhắc việc trong 2 ngày qua; "
                f"lần gần nhất lúc {latest:%H:%M %d/%m/%Y}.",
            )
        if running:
            names = ", ".join(f"{process.host} (pid {process.pid})" for process in running[:5])
            more = f" và {len(running) - 5} tiến trình khác" if len(running) > 5 else ""
            report.add(OK, f"Đang chạy: {len(running)} tiến trình bot trên cơ sở dữ liệu này: {names}{more}.")
        else:
            report.add(OK, "Không có tiến trình bot nào đang chạy trên cơ sở dữ liệu này.")
        if backed_up is None:
            report.add(WARN, "Chưa có bản sao lưu nào: chạy python -m bot backup TỆP (được cả khi bot đang chạy).")
        else:
            report.add(
                OK, f"Sao lưu gần nhất lúc {backed_up.at.astimezone(settings.tz):%H:%M %d/%m/%Y}, tệp {backed_up.file}."
            )
    else:
        report.add(
            WARN,
            f"Cơ sở dữ liệu: {what}; lược đồ {revision or 'trống'}, bản mới nhất {head}: "
            "sẽ tự cập nhật khi bot chạy, hoặc chạy python -m bot db upgrade.",
        )


async def _reach_with_handlers_engine(engine) -> None:
    """The handlers reach a server database through an engine of their own (asyncpg): it must
    connect too."""
    from sqlalchemy import text

    from storage.db import make_async_engine

    handlers_engine = make_async_engine(engine)
    try:
        async with handlers_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    finally:
        await handlers_engine.dispose()


async def check_telegram(settings: Settings, report: Report) -> None:
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.ptb.transport import AiohttpRequest
    from bot.startup import TelegramRefused, TelegramUnreachable, get_me, refusal_of

    try:
        token = settings.token()
    except SettingsError as exc:
        report.add(FAIL, f"{exc.variable}: {exc.reason}")
        return
    # getMe as the bot asks it at start (bot.startup): a refusal names the setting to check.
    try:
        me = await get_me(settings)
    except (TelegramRefused, TelegramUnreachable) as exc:
        report.add(FAIL, str(exc))
        return
    report.add(OK, f"Mã bot hợp lệ: @{me['username']} ({me.get('first_name', '')}).")
    if not settings.webhook_url:
        return
    # Through the client the bot itself uses (its proxy settings too).
    request = AiohttpRequest()
    bot = Bot(
        token, base_url=settings.telegram_api_base_url, base_file_url=settings.telegram_api_file_url, request=request
    )
    try:
        async with asyncio.timeout(30):
            info = await bot.get_webhook_info(read_timeout=10, connect_timeout=10)
            if info.url == settings.webhook_url:
                report.add(OK, f"Telegram đang gửi tới webhook này; {info.pending_update_count} cập nhật chờ.")
            elif info.url:
                report.add(
                    WARN, f"Telegram đang gửi tới {info.url}, khác WEBHOOK_URL; bot sẽ đặt lại khi chạy --webhook."
                )
            else:
                report.add(OK, "Chưa đặt webhook; bot sẽ đặt khi chạy --webhook.")
            if info.last_error_message:
                report.add(WARN, f"Lỗi webhook gần nhất Telegram báo: {info.last_error_message}")
    except InvalidToken as exc:
        report.add(FAIL, str(refusal_of(exc, settings)))
    except (NetworkError, TimeoutError) as exc:
        report.add(FAIL, f"Không kết nối được Telegram tại {settings.telegram_api_base_url}: {_first_line(exc)}.")
    except TelegramError as exc:
        report.add(FAIL, f"Telegram báo lỗi: {_first_line(exc)}.")
    finally:
        await request.shutdown()  # the bot was never started: its client is closed here


def _heartbeats(engine) -> dict:
    from storage.db import session_scope
    from storage.updates import heartbeats

    with session_scope(engine) as session:
        return heartbeats(session)


def _last_backup(engine):
    from storage.backup import last_backup
    from storage.db import session_scope

    with session_scope(engine) as session:
        return last_backup(session)


def _running(engine, settings: Settings) -> list:
    """The processes sending the outbox that beat lately (reminders/recovery.py)."""
    from datetime import datetime, timedelta

    from storage.db import session_scope
    from storage.processes import running

    since = datetime.now(UTC) - timedelta(seconds=2 * settings.process_gone_seconds)
    with session_scope(engine) as session:
        return running(session, since=since)


def _missing_driver(exc: ImportError, what: str) -> str:
    return (
        f"Thiếu thư viện {exc.name or 'psycopg'} để kết nối cơ sở dữ liệu ({what}): cài phần PostgreSQL "
        "của bot, pip install 'campaign-assistant[postgres]' (trong thư mục mã nguồn: "
        "pip install -e '.[postgres]')."
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else exc.__class__.__name__


def run_checks(settings: Settings) -> int:
    report = Report()
    check_settings(settings, report)
    check_database(settings, report)
    asyncio.run(check_telegram(settings, report))
    for mark, text in report.lines:
        print(f"{mark} {text}")
    if report.failed:
        print("Chưa sẵn sàng: sửa các mục ✗ ở trên rồi chạy lại python -m bot check.")
        return 1
    print("Sẵn sàng.")
    return 0
