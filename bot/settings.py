"""Settings, read from environment variables (and a ``.env`` file when present).

Every setting has one environment variable; ``Settings.from_env()`` turns a
missing or malformed one into :class:`SettingsError`, which the CLI prints as a
single line naming the variable (exit status 2).  The bot token is a
``SecretStr`` so that it never shows up in a repr or a log line.
"""

from __future__ import annotations

import hashlib
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from common.timespec import parse_hhmm, parse_work_week

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILE_API = "https://api.telegram.org/file/bot"


class SettingsError(Exception):
    """A setting is missing or malformed; ``variable`` names it."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(f"{variable}: {reason}")
        self.variable = variable
        self.reason = reason


def _csv(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False)

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default=TELEGRAM_API, alias="TELEGRAM_API_BASE_URL")
    telegram_api_file_url: str = Field(default=TELEGRAM_FILE_API, alias="TELEGRAM_API_FILE_URL")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    data_dir: Path = Field(default=Path("data"), alias="DATA_DIR")
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list, alias="ADMIN_IDS")
    bot_timezone: str = Field(default="Asia/Ho_Chi_Minh", alias="BOT_TIMEZONE")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    max_upload_mb: int = Field(default=20, alias="MAX_UPLOAD_MB", ge=1, le=50)
    # Reminders and digests.
    reminder_time: str = Field(default="08:00", alias="REMINDER_TIME")
    work_week: str = Field(default="mon-fri", alias="WORK_WEEK")
    public_holidays: str = Field(default="VN", alias="PUBLIC_HOLIDAYS")
    # Reminders and escalations go out only then, on the office's working days (reminders/hours.py).
    work_hours: str = Field(default="07:30-17:00", alias="WORK_HOURS")
    reminder_scan_seconds: int = Field(default=60, alias="REMINDER_SCAN_SECONDS", ge=1, le=3600)
    reminder_days_before: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [7, 3, 1], alias="REMINDER_DAYS_BEFORE"
    )
    overdue_repeat_days: int = Field(default=2, alias="OVERDUE_REPEAT_DAYS", ge=1, le=60)
    escalate_after_days: int = Field(default=3, alias="ESCALATE_AFTER_DAYS", ge=1, le=60)
    # A task reported 100% awaits its accountable leader's confirmation («chờ duyệt») before it counts
    # as done (tracking/review.py); false: 100% is done at once.
    review_completion: bool = Field(default=True, alias="REVIEW_COMPLETION")
    outbox_lease_seconds: int = Field(default=120, alias="OUTBOX_LEASE_SECONDS", ge=5, le=3600)
    # Each process sending the outbox beats this often; one silent this long (or whose pid is gone
    # from this machine) is gone, and the messages it had claimed go out at once (reminders/recovery.py).
    process_heartbeat_seconds: int = Field(default=5, alias="PROCESS_HEARTBEAT_SECONDS", ge=1, le=60)
    process_gone_seconds: int = Field(default=15, alias="PROCESS_GONE_SECONDS", ge=2, le=3600)
    # Processes that write XLSX exports beside the bot (bot/workers.py); 0: in the bot's own process.
    export_workers: int = Field(default=1, alias="EXPORT_WORKERS", ge=0, le=8)
    # Flood control (bot/ptb/flood.py): updates a minute, per person by kind and per group; 0: no limit.
    flood_staff_per_minute: int = Field(default=30, alias="FLOOD_STAFF_PER_MINUTE", ge=0, le=100_000)
    flood_stranger_per_minute: int = Field(default=10, alias="FLOOD_STRANGER_PER_MINUTE", ge=0, le=100_000)
    flood_group_per_minute: int = Field(default=20, alias="FLOOD_GROUP_PER_MINUTE", ge=0, le=100_000)
    flood_pause_seconds: int = Field(default=60, alias="FLOOD_PAUSE_SECONDS", ge=1, le=86_400)
    # Caps on what one file may hold, checked before it is parsed: sheets (tracking/sheets/,
    # SheetCaps) and documents (kb/readers/, DocumentCaps).
    import_max_rows: int = Field(default=100_000, alias="IMPORT_MAX_ROWS", ge=10, le=1_048_576)
    import_max_columns: int = Field(default=100, alias="IMPORT_MAX_COLUMNS", ge=20, le=16_384)
    import_max_cells: int = Field(default=1_000_000, alias="IMPORT_MAX_CELLS", ge=1_000, le=100_000_000)
    import_max_unpacked_mb: int = Field(default=50, alias="IMPORT_MAX_UNPACKED_MB", ge=1, le=4_096)
    doc_max_unpacked_mb: int = Field(default=50, alias="DOC_MAX_UNPACKED_MB", ge=1, le=4_096)
    doc_max_chars: int = Field(default=1_000_000, alias="DOC_MAX_CHARS", ge=10_000, le=100_000_000)
    doc_max_pdf_pages: int = Field(default=1_000, alias="DOC_MAX_PDF_PAGES", ge=1, le=100_000)
    # Replaced and removed versions of each document file kept to be restored (kb/service.py);
    # beyond that the oldest are dropped; 0: none kept (the audit log still has every change).
    kb_keep_versions: int = Field(default=10, alias="KB_KEEP_VERSIONS", ge=0, le=1_000)
    # Days a sent message's payload (text, chart, workbook) and other bookkeeping are kept
    # (storage/retention.py, run with each reminder cycle).
    retention_days: int = Field(default=90, alias="RETENTION_DAYS", ge=1, le=3_650)
    # Webhook mode (python -m bot run --webhook), behind a reverse proxy.
    webhook_url: str | None = Field(default=None, alias="WEBHOOK_URL")
    webhook_listen: str = Field(default="127.0.0.1", alias="WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8080, alias="WEBHOOK_PORT", ge=1, le=65535)
    webhook_secret: SecretStr | None = Field(default=None, alias="WEBHOOK_SECRET")
    webhook_max_connections: int = Field(default=40, alias="WEBHOOK_MAX_CONNECTIONS", ge=1, le=100)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> list[int]:
        ids = []
        for part in _csv(value):
            try:
                ids.append(int(part))
            except ValueError:
                raise ValueError(f"'{part}' không phải là một Telegram user id (số nguyên)") from None
        return ids

    @field_validator("reminder_days_before", mode="before")
    @classmethod
    def _parse_days(cls, value: object) -> list[int]:
        days = []
        for part in _csv(value):
            if not part.isdigit() or not 0 < int(part) <= 366:
                raise ValueError(f"'{part}' không phải số ngày (1..366); ví dụ: 7,3,1")
            days.append(int(part))
        return sorted(set(days), reverse=True)

    @field_validator("reminder_time")
    @classmethod
    def _check_time(cls, value: str) -> str:
        try:
            parse_hhmm(value)
        except ValueError:
            raise ValueError(f"'{value}' không phải giờ HH:MM (ví dụ 08:00)") from None
        return value.strip()

    @field_validator("work_week")
    @classmethod
    def _check_work_week(cls, value: str) -> str:
        parse_work_week(value)
        return value.strip().lower()

    @field_validator("work_hours")
    @classmethod
    def _check_work_hours(cls, value: str) -> str:
        from reminders.hours import parse_work_hours

        parse_work_hours(value)
        return value.strip()

    @field_validator("public_holidays")
    @classmethod
    def _check_holidays(cls, value: str) -> str:
        if value.strip().lower() not in ("vn", "none"):
            raise ValueError("chỉ nhận VN (ngày lễ Việt Nam) hoặc none (không tính ngày lễ)")
        return value.strip().upper() if value.strip().lower() == "vn" else "none"

    @field_validator("bot_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"múi giờ '{value}' không tồn tại (ví dụ: Asia/Ho_Chi_Minh)") from None
        return value

    @field_validator("process_gone_seconds")
    @classmethod
    def _check_gone_after(cls, value: int, info: ValidationInfo) -> int:
        heartbeat = info.data.get("process_heartbeat_seconds")
        if heartbeat is not None and value < 2 * heartbeat:
            raise ValueError(
                f"phải ít nhất gấp đôi PROCESS_HEARTBEAT_SECONDS ({heartbeat} giây), "
                f"để một tiến trình chậm một nhịp không bị coi là đã dừng"
            )
        return value

    @field_validator("telegram_api_base_url", "telegram_api_file_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("phải là một địa chỉ http:// hoặc https://")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_db_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith(("sqlite:", "postgresql", "postgres:")):
            raise ValueError("chỉ hỗ trợ sqlite:///ĐƯỜNG_DẪN hoặc postgresql://...")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith("https://") or len(value) <= len("https://"):
            raise ValueError("Telegram chỉ gửi tới địa chỉ https://, ví dụ https://bot.tinh.gov.vn/telegram")
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _check_webhook_secret(cls, value: object) -> object:
        if value is None or not str(value).strip():
            return None
        value = str(value).strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("chỉ gồm chữ không dấu, số, _ và -, dài 1..256 ký tự")
        return value

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _empty_token(cls, value: object) -> object:
        return value or None

    # -- derived -----------------------------------------------------------------
    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.bot_timezone)

    @property
    def reminder_at(self) -> time:
        return parse_hhmm(self.reminder_time)

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with the driver the app uses."""
        return sqlalchemy_url(self.database_url or f"sqlite:///{self.data_dir / 'campaign.db'}")

    @property
    def webhook_path(self) -> str:
        """The path of WEBHOOK_URL, where the local webhook server listens."""
        from urllib.parse import urlsplit

        return urlsplit(self.webhook_url or "").path.strip("/")

    def webhook_secret_token(self) -> str:
        """The secret Telegram sends with each update: WEBHOOK_SECRET, or by
        default one derived from the bot token, so that every process of one
        bot agrees on it without another setting."""
        if self.webhook_secret is not None:
            return self.webhook_secret.get_secret_value()
        return hashlib.sha256(b"webhook:" + self.token().encode()).hexdigest()

    def token(self) -> str:
        """The bot token; raises SettingsError when it is needed but not set."""
        if self.telegram_bot_token is None:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN",
                "chưa đặt mã bot (lấy từ @BotFather); muốn chạy thử không cần mã, dùng `python -m bot demo`",
            )
        token = self.telegram_bot_token.get_secret_value().strip()
        if ":" not in token:
            raise SettingsError("TELEGRAM_BOT_TOKEN", "không đúng dạng <số>:<chuỗi> của BotFather")
        return token

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        try:
            return cls(**overrides)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = err.get("loc") or ("?",)
            name = str(loc[0])
            field = cls.model_fields.get(name)
            variable = (field.alias if field and field.alias else name).upper()
            msg = err.get("msg", "giá trị không hợp lệ").removeprefix("Value error, ")
            raise SettingsError(variable, msg) from None


def sqlalchemy_url(url: str) -> str:
    """Map plain ``postgresql://`` / ``postgres://`` URLs to the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


__all__ = ["Settings", "SettingsError", "sqlalchemy_url", "parse_hhmm"]
