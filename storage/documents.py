"""Data access for the knowledge base. Every function takes the caller's session."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Row, delete, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from storage.db import rowcount
from storage.models import AppState, Document, DocumentVersion, table_of, utcnow

KB_REVISION = "kb_revision"
KEEP_VERSIONS = 10  # replaced and removed versions kept per file name (setting KB_KEEP_VERSIONS)
# What a kept version takes from the document it was, and gives back when it is restored.
CONTENT = ("title", "number", "issuer", "doc_date", "kind", "source", "reports_on", "text", "sha256", "size_bytes")


@dataclass
class Change:
    """What a change did to one file of the knowledge base."""

    row: Document | None  # the file's document after the change; None once removed
    old_sha256: str = ""  # the replaced or removed version's, "" when the file had none
    old_version: int | None = None
    kept: int | None = None  # the version this change put in the history (None: none, or identical)
    dropped: list[int] = field(default_factory=list)  # versions dropped beyond the cap, oldest first

    @property
    def replaced(self) -> bool:
        return self.old_version is not None

    @property
    def document(self) -> Document:
        """``row`` after an add, a replacement or a restore, which leave the file there."""
        if self.row is None:
            raise LookupError("the file was removed by this change")
        return self.row


def list_documents(*, session: Session) -> Sequence[Document]:
    """Every document, by file name; without its stored analysis, which only the index reads."""
    return session.exec(
        select(Document)
        .options(defer(Document.analysis))  # type: ignore[arg-type]
        .order_by(col(Document.file_name))
    ).all()


def get_document(*, session: Session, file_name: str, for_update: bool = False) -> Document | None:
    """The document of that file name; ``for_update``: locked until the transaction ends (PostgreSQL),
    so two changes of one file take turns."""
    query = select(Document).where(Document.file_name == file_name)
    return session.exec(query.with_for_update() if for_update else query).first()


def upsert_document(
    *, session: Session, doc: Document, keep: int = KEEP_VERSIONS, retired_how: str = "replace"
) -> Change:
    """Insert, or replace the document of the same file name; the replaced version is kept in the
    history (``retired_how``: "replace", or "restore" when an older version comes back), unless it
    was the very same file (same checksum and text). ``doc.version`` is set here: one more than any
    version the file had."""
    existing = get_document(session=session, file_name=doc.file_name, for_update=True)
    if existing is None:
        doc.version = next_version(session=session, file_name=doc.file_name)
        session.add(doc)
        session.flush()
        change = Change(doc, dropped=prune_versions(session=session, file_name=doc.file_name, keep=keep))
        bump_revision(session=session)
        return change
    change = Change(existing, old_sha256=existing.sha256, old_version=existing.version)
    if existing.sha256 != doc.sha256 or existing.text != doc.text:
        change.kept = _keep(session=session, doc=existing, how=retired_how, keep=keep)
        existing.version = next_version(session=session, file_name=doc.file_name, current=existing.version)
    for name in (*CONTENT, "added_by"):
        setattr(existing, name, getattr(doc, name))
    # The search analysis goes with the text it was made of.
    existing.analysis, existing.analysis_version = doc.analysis, doc.analysis_version
    existing.updated_at = utcnow()
    session.add(existing)
    session.flush()
    change.dropped = prune_versions(session=session, file_name=doc.file_name, keep=keep)
    bump_revision(session=session)
    return change


def remove_document(*, session: Session, file_name: str, keep: int = KEEP_VERSIONS) -> Change | None:
    """Remove the document of that file name, keeping it in the history; None when there is none."""
    existing = get_document(session=session, file_name=file_name, for_update=True)
    if existing is None:
        return None
    change = Change(None, old_sha256=existing.sha256, old_version=existing.version)
    change.kept = _keep(session=session, doc=existing, how="remove", keep=keep)
    session.delete(existing)
    session.flush()
    change.dropped = prune_versions(session=session, file_name=file_name, keep=keep)
    bump_revision(session=session)
    return change


# -- history: the replaced and removed versions of each file ---------------------------------------


def _keep(*, session: Session, doc: Document, how: str, keep: int) -> int | None:
    """Put the document's current version in the history (nothing when none are kept)."""
    if keep <= 0:
        return None
    session.add(
        DocumentVersion(
            file_name=doc.file_name,
            version=doc.version,
            added_at=doc.updated_at,
            retired_at=utcnow(),
            retired_how=how,
            **{name: getattr(doc, name) for name in CONTENT},
        )
    )
    session.flush()
    return doc.version


def next_version(*, session: Session, file_name: str, current: int = 0) -> int:
    """The number of the file's next version: one more than any it had, kept or current."""
    kept = session.exec(select(func.max(DocumentVersion.version)).where(DocumentVersion.file_name == file_name)).one()
    return max(current, kept or 0) + 1


def prune_versions(*, session: Session, file_name: str, keep: int) -> list[int]:
    """Drop the file's kept versions beyond the newest ``keep``; their numbers, oldest first."""
    numbers = session.exec(
        select(DocumentVersion.version)
        .where(DocumentVersion.file_name == file_name)
        .order_by(col(DocumentVersion.version).desc())
    ).all()
    dropped = sorted(numbers[max(keep, 0) :])
    if dropped:
        session.execute(
            delete(DocumentVersion).where(
                col(DocumentVersion.file_name) == file_name, col(DocumentVersion.version).in_(dropped)
            )
        )
    return dropped


_VERSION_HEAD = [c for c in table_of(DocumentVersion).c if c.name != "text"]


def version_heads(*, session: Session, file_name: str) -> list[Row]:
    """The file's kept versions, newest first, without their texts."""
    return list(
        session.execute(
            sa_select(*_VERSION_HEAD)
            .where(col(DocumentVersion.file_name) == file_name)
            .order_by(col(DocumentVersion.version).desc())
        )
    )


def get_version(*, session: Session, file_name: str, version: int) -> DocumentVersion | None:
    return session.exec(
        select(DocumentVersion).where(DocumentVersion.file_name == file_name, DocumentVersion.version == version)
    ).first()


def files_with_history(*, session: Session, limit: int) -> tuple[list[Row], int]:
    """The files that have kept versions, the most recently changed first (at most ``limit``):
    (file_name, versions, last_retired_at, current_version or None); and how many there are."""
    grouped = (
        sa_select(
            col(DocumentVersion.file_name),
            func.count().label("versions"),
            func.max(DocumentVersion.retired_at).label("last_retired_at"),
        )
        .group_by(DocumentVersion.file_name)
        .subquery()
    )
    total = session.execute(sa_select(func.count()).select_from(grouped)).scalar_one()
    rows = session.execute(
        sa_select(
            grouped.c.file_name,
            grouped.c.versions,
            grouped.c.last_retired_at,
            col(Document.version).label("current_version"),
        )
        .outerjoin(Document, col(Document.file_name) == grouped.c.file_name)
        .order_by(grouped.c.last_retired_at.desc(), grouped.c.file_name)
        .limit(limit)
    )
    return list(rows), total


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


# -- what the search index reads (kb.service) ------------------------------------
# Rows rather than objects, and only the columns needed: at start-up a process reads
# 200 documents' stored analyses, not their texts.

_HEAD = [c for c in table_of(Document).c if c.name not in ("text", "analysis")]
_CHUNK = 500  # ids per IN (...)


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
        out.extend(
            session.execute(
                sa_select(
                    col(Document.id), col(Document.sha256), col(Document.updated_at), col(Document.analysis)
                ).where(
                    col(Document.id).in_(chunk),
                    col(Document.analysis_version) == version,
                    col(Document.analysis).is_not(None),
                )
            )
        )
    return out


def document_texts(*, session: Session, ids: Iterable[int]) -> list[Row]:
    """The heads of those documents (see ``document_heads``) with their texts."""
    out: list[Row] = []
    for chunk in _chunks(ids):
        out.extend(session.execute(sa_select(*_HEAD, col(Document.text)).where(col(Document.id).in_(chunk))))
    return out


def save_analysis(
    *, session: Session, doc_id: int, sha256: str, updated_at: datetime, analysis: bytes, version: int
) -> bool:
    """Keep the analysis of a document as it was read (same sha256 and updated_at: not replaced
    since), unless a newer analyser's is already there. Not a change of the knowledge base: the
    revision stays."""
    result = session.execute(
        update(Document)
        .where(
            col(Document.id) == doc_id,
            col(Document.sha256) == sha256,
            col(Document.updated_at) == updated_at,
            or_(col(Document.analysis_version).is_(None), col(Document.analysis_version) <= version),
        )
        .values(analysis=analysis, analysis_version=version)
    )
    return rowcount(result) == 1
