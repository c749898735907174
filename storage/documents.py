"""Data access for the knowledge base. Every function takes the caller's session."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Row, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from storage.models import AppState, Document, utcnow

KB_REVISION = "kb_revision"


def list_documents(*, session: Session) -> Sequence[Document]:
    """Every document, by file name; without its stored analysis, which only the index reads."""
    return session.exec(select(Document).options(defer(Document.analysis))  # type: ignore[arg-type]
                        .order_by(col(Document.file_name))).all()


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
    for field in ("title", "number", "issuer", "doc_date", "kind", "source", "reports_on", "text", "sha256",
                  "size_bytes", "added_by"):
        setattr(existing, field, getattr(doc, field))
    # The search analysis goes with the text it was made of.
    existing.analysis, existing.analysis_version = doc.analysis, doc.analysis_version
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


# -- what the search index reads (bot.kb.service) ------------------------------------
# Rows rather than objects, and only the columns needed: at start-up a process reads
# 200 documents' stored analyses, not their texts.

_HEAD = [c for c in Document.__table__.c if c.name not in ("text", "analysis")]  # type: ignore[attr-defined]
_CHUNK = 500   # ids per IN (...)


def document_heads(*, session: Session) -> list[Row]:
    """Every document's columns but its text and analysis, by file name."""
    return list(session.execute(sa_select(*_HEAD).order_by(Document.file_name)))


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def stored_analyses(*, session: Session, ids: Iterable[int], version: int) -> list[Row]:
    """(id, sha256, updated_at, analysis) of those documents whose stored analysis is of ``version``."""
    out: list[Row] = []
    for chunk in _chunks(ids):
        out.extend(session.execute(
            sa_select(Document.id, Document.sha256, Document.updated_at, Document.analysis)
            .where(col(Document.id).in_(chunk), Document.analysis_version == version,
                   col(Document.analysis).is_not(None))))
    return out


def document_texts(*, session: Session, ids: Iterable[int]) -> list[Row]:
    """The heads of those documents (see ``document_heads``) with their texts."""
    out: list[Row] = []
    for chunk in _chunks(ids):
        out.extend(session.execute(sa_select(*_HEAD, Document.text).where(col(Document.id).in_(chunk))))
    return out


def save_analysis(*, session: Session, doc_id: int, sha256: str, updated_at: datetime,
                  analysis: bytes, version: int) -> bool:
    """Keep the analysis of a document as it was read (same sha256 and updated_at: not replaced
    since), unless a newer analyser's is already there. Not a change of the knowledge base: the
    revision stays."""
    result = session.execute(
        update(Document)
        .where(col(Document.id) == doc_id, col(Document.sha256) == sha256,
               col(Document.updated_at) == updated_at,
               or_(col(Document.analysis_version).is_(None), col(Document.analysis_version) <= version))
        .values(analysis=analysis, analysis_version=version))
    return result.rowcount == 1
