"""Data access for the knowledge base. Every function takes the caller's session."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import AppState, Document, utcnow

KB_REVISION = "kb_revision"


def list_documents(*, session: Session) -> Sequence[Document]:
    return session.exec(select(Document).order_by(col(Document.file_name))).all()


def get_document(*, session: Session, file_name: str) -> Document | None:
    return session.exec(select(Document).where(Document.file_name == file_name)).first()


def upsert_document(*, session: Session, doc: Document) -> tuple[Document, bool]:
    """Insert, or replace the document of the same file name. Returns (row, replaced)."""
    existing = get_document(session=session, file_name=doc.file_name)
    if existing is None:
        session.add(doc)
        session.flush()
        bump_revision(session=session)
        return doc, False
    for field in ("title", "number", "issuer", "doc_date", "text", "sha256", "size_bytes", "added_by"):
        setattr(existing, field, getattr(doc, field))
    existing.updated_at = utcnow()
    session.add(existing)
    session.flush()
    bump_revision(session=session)
    return existing, True


def remove_document(*, session: Session, file_name: str) -> bool:
    existing = get_document(session=session, file_name=file_name)
    if existing is None:
        return False
    session.delete(existing)
    session.flush()
    bump_revision(session=session)
    return True


def kb_revision(*, session: Session) -> int:
    row = session.get(AppState, KB_REVISION)
    return int(row.value) if row and row.value else 0


def bump_revision(*, session: Session) -> int:
    """Tell every bot process that the knowledge base changed."""
    row = session.get(AppState, KB_REVISION, with_for_update=True)
    if row is None:
        row = AppState(key=KB_REVISION, value="1")
    else:
        row.value = str(int(row.value or 0) + 1)
    session.add(row)
    session.flush()
    return int(row.value)


def count_documents(*, session: Session) -> int:
    return session.exec(select(func.count()).select_from(Document)).one()
