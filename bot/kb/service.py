"""The knowledge base as the rest of the bot sees it: add, list, remove, ask.

The documents live in the database; the search index is a cache built from
them and rebuilt when the knowledge-base revision (bumped in the same
transaction as every change) moves, so every bot process answers from the
same documents.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.kb.answer import Answer, answer_question
from bot.kb.index import IndexedDoc, KnowledgeIndex
from bot.kb.meta import extract_meta
from bot.kb.readers import MAX_BYTES, DocumentError, read_document
from storage import documents as repo
from storage.db import session_scope
from storage.models import Document

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Added:
    file_name: str
    title: str
    number: str | None
    replaced: bool


def prepare(file_name: str, data: bytes, *, added_by: int | None = None,
            max_bytes: int = MAX_BYTES) -> Document:
    """Read and describe a file; raises DocumentError (Vietnamese) when it cannot be used."""
    name = Path(file_name).name
    if len(data) > max_bytes:
        raise DocumentError(
            f"Tệp «{name}» quá lớn ({len(data) / 1048576:.1f} MB); giới hạn là {max_bytes // 1048576} MB."
        )
    text = read_document(name, data)
    meta = extract_meta(text, name)
    return Document(
        file_name=name, title=meta.title[:500], number=meta.number, issuer=meta.issuer,
        doc_date=meta.date, text=text, sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data), added_by=added_by,
    )


class KnowledgeBase:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._index: KnowledgeIndex | None = None
        self._revision = -1

    # -- changes (all-or-nothing) ----------------------------------------------------
    def add(self, files: Sequence[tuple[str, bytes]], *, added_by: int | None = None) -> list[Added]:
        """Add or replace documents; if any file is unusable nothing is stored."""
        prepared = [prepare(name, data, added_by=added_by) for name, data in files]
        out = []
        with session_scope(self.engine) as session:
            for doc in prepared:
                row, replaced = repo.upsert_document(session=session, doc=doc)
                out.append(Added(row.file_name, row.title, row.number, replaced))
        return out

    def add_paths(self, paths: Sequence[str | Path]) -> list[Added]:
        files = []
        for path in paths:
            p = Path(path)
            if not p.is_file():
                raise DocumentError(f"Không tìm thấy tệp «{path}».")
            files.append((p.name, p.read_bytes()))
        return self.add(files)

    def remove(self, file_name: str) -> bool:
        with session_scope(self.engine) as session:
            return repo.remove_document(session=session, file_name=Path(file_name).name)

    def documents(self) -> list[Document]:
        with session_scope(self.engine) as session:
            return list(repo.list_documents(session=session))

    # -- questions -------------------------------------------------------------------
    def index(self) -> KnowledgeIndex:
        with session_scope(self.engine) as session:
            revision = repo.kb_revision(session=session)
        if self._index is not None and revision == self._revision:
            return self._index
        with self._lock:
            if self._index is None or revision != self._revision:
                docs = self.documents()
                self._index = KnowledgeIndex([
                    IndexedDoc(d.file_name, d.title, d.text, d.number, d.issuer, d.doc_date, d.id)
                    for d in docs
                ])
                self._revision = revision
                log.info("knowledge base index built: %d documents, %d passages",
                         len(docs), self._index.n)
        return self._index

    def ask(self, question: str) -> Answer:
        return answer_question(self.index(), question)


__all__ = ["KnowledgeBase", "Added", "DocumentError", "prepare"]
