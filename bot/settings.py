"""Settings, read from environment variables (and a ``.env`` file when present).

Every setting has one environment variable; ``Settings.from_env()`` turns a
missing or malformed one into :class:`SettingsError`, which the CLI prints as a
single line naming the variable (exit status 2).  The bot token is a
``SecretStr`` so that it never shows up in a repr or a log line.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default=TELEGRAM_API, alias="TELEGRAM_API_BASE_URL")
    telegram_api_file_url: str = Field(default=TELEGRAM_FILE_API, alias="TELEGRAM_API_FILE_URL")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    data_dir: Path = Field(default=Path("data"), alias="DATA_DIR")
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list, alias="ADMIN_IDS")
    bot_timezone: str = Field(default="Asia/Ho_Chi_Minh", alias="BOT_TIMEZONE")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    max_upload_mb: int = Field(default=20, alias="MAX_UPLOAD_MB", ge=1, le=50)

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

    @field_validator("bot_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"múi giờ '{value}' không tồn tại (ví dụ: Asia/Ho_Chi_Minh)") from None
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

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _empty_token(cls, value: object) -> object:
        return value or None

    # -- derived -----------------------------------------------------------------
    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.bot_timezone)

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with the driver the app uses."""
        return sqlalchemy_url(self.database_url or f"sqlite:///{self.data_dir / 'campaign.db'}")

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
    def from_env(cls, **overrides: object) -> "Settings":
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
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def parse_hhmm(value: str) -> time:
    hours, _, minutes = value.strip().partition(":")
    return time(int(hours), int(minutes or 0))


__all__ = ["Settings", "SettingsError", "sqlalchemy_url", "parse_hhmm"]
