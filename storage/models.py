"""SQLModel tables.

Timestamps are time-zone aware and stored in UTC (``utcnow()``); the bot
converts them to the configured time zone for display.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Document(SQLModel, table=True):
    """A campaign document in the knowledge base (one uploaded file)."""

    __tablename__ = "document"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255, unique=True, index=True)
    title: str = Field(max_length=500)
    number: str | None = Field(default=None, max_length=120)
    issuer: str | None = Field(default=None, max_length=255)
    doc_date: date | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
    size_bytes: int = 0
    added_by: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AppState(SQLModel, table=True):
    """Small key/value facts shared by every bot process (e.g. the KB revision)."""

    __tablename__ = "app_state"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="", max_length=255)
