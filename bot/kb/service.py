"""The knowledge base as the rest of the bot sees it: add, list, remove, ask.

The documents live in the database; the search index is a cache built from
them and rebuilt when the knowledge-base revision (bumped in the same
transaction as every change) moves, so every bot process answers from the
same documents.

Building it does not read the texts. Each document's analysis (everything
the index needs of it, ``bot.kb.index.analyse``) is made once, when the
document is added, and stored with it (``Document.analysis``, see
``bot.kb.store``). A process loads the stored analyses and assembles the
index from them; when the revision moves it keeps the analyses of the
documents that did not change and loads only the others'. A document whose
stored analysis is missing or of another analyser version is analysed from
its text and the analysis written back, so an upgrade of the analyser
re-reads each document once, not once per process.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import random
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from bot.kb.answer import Answer, answer_question
from bot.kb.index import ANALYSER_VERSION, DocAnalysis, IndexedDoc, KnowledgeIndex, analyse
from bot.kb.meta import extract_meta
from bot.kb.readers import MAX_BYTES, DocumentError, read_document
from bot.kb.store import dump_analysis, load_analysis
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
    kind: str | None = None
    reports_on: str | None = None   # an article's subject, e.g. "Kế hoạch 27/KH-UBND của ..."


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
    doc = Document(
        file_name=name, title=meta.title[:500], number=meta.number, issuer=meta.issuer,
        doc_date=meta.date, kind=meta.kind, source=meta.source and meta.source[:255],
        reports_on=meta.reports_on, text=text, sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data), added_by=added_by,
    )
    doc.analysis, doc.analysis_version = dump_analysis(analyse(indexed_doc(doc, text))), ANALYSER_VERSION
    return doc


def indexed_doc(row: Any, text: str = "") -> IndexedDoc:
    """What the index needs of a document (a ``Document`` or a row with its columns). The text
    is needed only to analyse it: an index assembled from stored analyses never reads it."""
    return IndexedDoc(row.file_name, row.title, text, row.number, row.issuer, row.doc_date, row.id,
                      kind=row.kind, source=row.source, reports_on=row.reports_on)


Key = tuple[str, datetime]   # what a stored analysis was made of: the document's sha256 and updated_at


def _key(row: Any) -> Key:
    return (row.sha256, row.updated_at)


@dataclass(frozen=True)
class Build:
    """How the last index was built, for the logs and ``bench/kb_scale.py``."""

    documents: int
    passages: int
    kept: int          # analyses kept from the previous index of this process
    loaded: int        # stored analyses read from the database
    analysed: int      # documents analysed from their text (and the analysis written back)
    load_s: float      # reading the database, deserialising and analysing
    assemble_s: float  # KnowledgeIndex(...) from the analyses

    def __str__(self) -> str:
        return (f"{self.documents} documents, {self.passages} passages in {self.load_s + self.assemble_s:.2f} s "
                f"({self.kept} kept, {self.loaded} loaded, {self.analysed} analysed; "
                f"load {self.load_s:.2f} s, assembly {self.assemble_s:.2f} s)")


class Closing(Exception):
    """The knowledge base was closed while it analysed documents."""


ANALYSE_BATCH = 16   # documents analysed, then written back, at a time


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector held off while stored analyses are read and the index assembled:
    it would walk the growing heap again and again as their objects are made (a quarter of the
    assembly's time at 10,000 passages); it runs as usual afterwards. Nothing made there holds a
    cycle, so nothing waits for it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class KnowledgeBase:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._index: KnowledgeIndex | None = None
        self._revision = -1
        self._analyses: dict[int, tuple[Key, DocAnalysis]] = {}   # by document id, those of ``_index``
        self._closing = threading.Event()
        self.last_build: Build | None = None

    # -- changes (all-or-nothing) ----------------------------------------------------
    def add(self, files: Sequence[tuple[str, bytes]], *, added_by: int | None = None) -> list[Added]:
        """Add or replace documents; if any file is unusable nothing is stored."""
        prepared = [prepare(name, data, added_by=added_by) for name, data in files]
        out = []
        with session_scope(self.engine) as session:
            for doc in prepared:
                row, replaced = repo.upsert_document(session=session, doc=doc)
                out.append(Added(row.file_name, row.title, row.number, replaced, row.kind, row.reports_on))
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
        """The index of the current revision; built here when the revision moved. Callers that
        arrive during a build wait for it (one build at a time) rather than build again."""
        with session_scope(self.engine) as session:
            revision = repo.kb_revision(session=session)
        if self._index is not None and revision == self._revision:
            return self._index
        with self._lock:
            if self._index is None or self._revision < revision:
                self._build()
        assert self._index is not None
        return self._index

    def close(self) -> None:
        """Stop a build that is analysing documents (at its next batch); for shutting down."""
        self._closing.set()

    def _build(self) -> None:
        started = time.perf_counter()
        with session_scope(self.engine) as session:
            revision = repo.kb_revision(session=session)
            heads = repo.document_heads(session=session)
        got: dict[int, tuple[Key, DocAnalysis]] = {}
        wanted = []
        for head in heads:
            kept = self._analyses.get(head.id)
            if kept is not None and kept[0] == _key(head):
                got[head.id] = kept
            else:
                wanted.append(head)
        n_kept = len(got)
        if wanted:
            with _gc_paused(), session_scope(self.engine) as session:
                rows = repo.stored_analyses(session=session, ids=[h.id for h in wanted], version=ANALYSER_VERSION)
                got.update(self._loaded(rows))
        missing = [h for h in wanted if h.id not in got]
        n_analysed = 0
        if missing:
            analysed, n_analysed = self._analyse(missing)
            got.update(analysed)
        docs, analyses = [], []
        for head in heads:
            entry = got.get(head.id)
            if entry is not None:   # else it was removed while this was built
                docs.append(indexed_doc(head))
                analyses.append(entry[1])
        loaded_at = time.perf_counter()
        with _gc_paused():
            index = KnowledgeIndex(docs, analyses)
        done = time.perf_counter()
        # A stored analysis read after the document changed is kept under what it was made of
        # (see _key): the revision moved too, so the next question builds again and reuses it.
        self._analyses = got
        self._index, self._revision = index, revision
        self.last_build = Build(len(docs), index.n, n_kept, len(got) - n_kept - n_analysed, n_analysed,
                                loaded_at - started, done - loaded_at)
        log.info("knowledge base index built: %s", self.last_build)

    @staticmethod
    def _loaded(rows) -> dict[int, tuple[Key, DocAnalysis]]:
        out = {}
        for row in rows:
            analysis = load_analysis(row.analysis)
            if analysis is not None:
                out[row.id] = (_key(row), analysis)
        return out

    def _analyse(self, heads: list) -> tuple[dict[int, tuple[Key, DocAnalysis]], int]:
        """Analyse documents from their texts and write the analyses back, a batch at a time.
        Processes started together after an upgrade of the analyser take the documents in
        different orders and skip those another process has written back meanwhile. Returns the
        analyses and how many of them were made here."""
        out: dict[int, tuple[Key, DocAnalysis]] = {}
        n_made = 0
        order = [h.id for h in heads]
        random.shuffle(order)
        for start in range(0, len(order), ANALYSE_BATCH):
            if self._closing.is_set():
                raise Closing()
            ids = order[start : start + ANALYSE_BATCH]
            with session_scope(self.engine) as session:
                out.update(self._loaded(repo.stored_analyses(session=session, ids=ids, version=ANALYSER_VERSION)))
                rows = repo.document_texts(session=session, ids=[i for i in ids if i not in out])
            made = []
            for row in rows:
                analysis = analyse(indexed_doc(row, row.text))
                out[row.id] = (_key(row), analysis)
                made.append((row, dump_analysis(analysis)))
            n_made += len(made)
            try:
                with session_scope(self.engine) as session:
                    for row, blob in made:
                        repo.save_analysis(session=session, doc_id=row.id, sha256=row.sha256,
                                           updated_at=row.updated_at, analysis=blob, version=ANALYSER_VERSION)
            except Exception:   # the analyses still serve this process; another will write them
                log.warning("could not store %d document analyses", len(made), exc_info=True)
        if n_made:
            log.info("analysed %d documents whose stored analysis was missing or of another version", n_made)
        return out, n_made

    def ask(self, question: str) -> Answer:
        return answer_question(self.index(), question)


__all__ = ["KnowledgeBase", "Added", "Build", "Closing", "DocumentError", "indexed_doc", "prepare"]
