"""The knowledge base as the rest of the bot sees it: add, list, remove, ask.

The documents live in the database; the search index is a cache built from
them and rebuilt when the knowledge-base revision (bumped in the same
transaction as every change) moves, so every bot process answers from the
same documents.

Building it does not read the texts. Each document's analysis (everything
the index needs of it, ``kb.analysis.analyse``) is made once, when the
document is added, and stored with it (``Document.analysis``, see
``kb.store``). A process loads the stored analyses and assembles the
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

from kb.analysis import ANALYSER_VERSION, DocAnalysis, IndexedDoc, analyse
from kb.answer import Answer, answer_question
from kb.index import KnowledgeIndex
from kb.meta import extract_meta
from kb.readers import MAX_BYTES, DocumentCaps, DocumentError, read_document
from kb.store import dump_analysis, load_analysis
from storage import documents as repo
from storage import tracking as audit_log
from storage.db import session_scope
from storage.models import Document, DocumentVersion

log = logging.getLogger(__name__)

CLI_ACTOR = "dòng lệnh"  # who the audit log names for a change made from the command line


@dataclass(frozen=True)
class Editor:
    """Who changes the knowledge base, for its audit lines (a staff member's id and name, or a
    name alone: an ADMIN_IDS admin, the command line) and ``Document.added_by``."""

    name: str = CLI_ACTOR
    staff_id: int | None = None
    telegram_id: int | None = None


@dataclass(frozen=True)
class Added:
    file_name: str
    title: str
    number: str | None
    replaced: bool
    kind: str | None = None
    reports_on: str | None = None  # an article's subject, e.g. "Kế hoạch 27/KH-UBND của ..."
    version: int = 1  # the file's version number now
    kept: int | None = None  # the replaced version, now in the history


@dataclass(frozen=True)
class Removed:
    file_name: str
    version: int  # the version removed
    kept: bool  # it is in the history (KB_KEEP_VERSIONS > 0): it can be restored


@dataclass(frozen=True)
class Version:
    """One version of a file, as the history lists it."""

    version: int
    title: str
    number: str | None
    sha256: str
    size_bytes: int
    added_at: datetime  # when it became the file's current version
    retired_at: datetime | None  # when it stopped being so; None: it is the current version
    retired_how: str = ""  # replace | remove | restore


@dataclass(frozen=True)
class History:
    file_name: str
    versions: list[Version]  # newest first; the current one (if any) first of all

    @property
    def current(self) -> Version | None:
        return self.versions[0] if self.versions and self.versions[0].retired_at is None else None

    @property
    def kept(self) -> list[Version]:
        return [v for v in self.versions if v.retired_at is not None]


@dataclass(frozen=True)
class FileHistory:
    """A file with kept versions, for the list of them."""

    file_name: str
    versions: int  # kept versions
    last_change: datetime  # when the newest of them was replaced or removed
    current: int | None  # the current version's number; None: the file is removed


@dataclass(frozen=True)
class Restored:
    file_name: str
    title: str
    restored: int  # the version brought back
    version: int  # its number as the current version
    previous: int | None  # the version it replaced, now in the history (None: the file was removed)


class HistoryError(ValueError):
    """A version cannot be listed or restored; ``str(error)`` says why and what to do, in Vietnamese."""


def prepare(
    file_name: str,
    data: bytes,
    *,
    added_by: int | None = None,
    max_bytes: int = MAX_BYTES,
    caps: DocumentCaps | None = None,
) -> Document:
    """Read and describe a file; raises DocumentError (Vietnamese) when it cannot be used."""
    name = Path(file_name).name
    if len(data) > max_bytes:
        raise DocumentError(
            f"Tệp «{name}» quá lớn ({len(data) / 1048576:.1f} MB); giới hạn là {max_bytes // 1048576} MB."
        )
    text = read_document(name, data, caps)
    meta = extract_meta(text, name)
    doc = Document(
        file_name=name,
        title=meta.title[:500],
        number=meta.number,
        issuer=meta.issuer,
        doc_date=meta.date,
        kind=meta.kind,
        source=meta.source and meta.source[:255],
        reports_on=meta.reports_on,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        added_by=added_by,
    )
    doc.analysis, doc.analysis_version = dump_analysis(analyse(indexed_doc(doc, text))), ANALYSER_VERSION
    return doc


def indexed_doc(row: Any, text: str = "") -> IndexedDoc:
    """What the index needs of a document (a ``Document`` or a row with its columns). The text
    is needed only to analyse it: an index assembled from stored analyses never reads it."""
    return IndexedDoc(
        row.file_name,
        row.title,
        text,
        row.number,
        row.issuer,
        row.doc_date,
        row.id,
        kind=row.kind,
        source=row.source,
        reports_on=row.reports_on,
    )


Key = tuple[str, datetime]  # what a stored analysis was made of: the document's sha256 and updated_at


def _key(row: Any) -> Key:
    return (row.sha256, row.updated_at)


@dataclass(frozen=True)
class Build:
    """How the last index was built, for the logs and ``bench/kb_scale.py``."""

    documents: int
    passages: int
    kept: int  # analyses kept from the previous index of this process
    loaded: int  # stored analyses read from the database
    analysed: int  # documents analysed from their text (and the analysis written back)
    load_s: float  # reading the database, deserialising and analysing
    assemble_s: float  # KnowledgeIndex(...) from the analyses

    def __str__(self) -> str:
        return (
            f"{self.documents} documents, {self.passages} passages in {self.load_s + self.assemble_s:.2f} s "
            f"({self.kept} kept, {self.loaded} loaded, {self.analysed} analysed; "
            f"load {self.load_s:.2f} s, assembly {self.assemble_s:.2f} s)"
        )


class Closing(Exception):
    """The knowledge base was closed while it analysed documents."""


ANALYSE_BATCH = 16  # documents analysed, then written back, at a time


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
    def __init__(
        self, engine: Engine, caps: DocumentCaps | None = None, *, keep_versions: int = repo.KEEP_VERSIONS
    ) -> None:
        self.engine = engine
        self.caps = caps or DocumentCaps()  # what one document may hold (settings DOC_MAX_*)
        self.keep_versions = keep_versions  # replaced and removed versions kept per file (KB_KEEP_VERSIONS)
        self._lock = threading.Lock()
        self._index: KnowledgeIndex | None = None
        self._revision = -1
        self._analyses: dict[int, tuple[Key, DocAnalysis]] = {}  # by document id, those of ``_index``
        self._closing = threading.Event()
        self.last_build: Build | None = None

    # -- changes (all-or-nothing; each in the audit log, what it replaced or removed kept) --------
    def add(
        self, files: Sequence[tuple[str, bytes]], *, added_by: int | None = None, by: Editor | None = None
    ) -> list[Added]:
        """Add or replace documents; if any file is unusable nothing is stored. A replaced version
        is kept in the history; each file's change is a line of the audit log, in the same
        transaction (``by``: who; else the Telegram id ``added_by``, else the command line)."""
        by = _editor(by, added_by)
        prepared = [prepare(name, data, added_by=by.telegram_id, caps=self.caps) for name, data in files]
        out = []
        with session_scope(self.engine) as session:
            for doc in prepared:
                change = repo.upsert_document(session=session, doc=doc, keep=self.keep_versions)
                row = change.document
                if not change.replaced:
                    action, note = "document_add", f"phiên bản {row.version}"
                elif change.old_version == row.version:
                    action, note = (
                        "document_replace",
                        f"gửi lại đúng tệp ấy, nội dung không đổi (phiên bản {row.version})",
                    )
                else:
                    action, note = (
                        "document_replace",
                        (f"phiên bản {row.version} thay phiên bản {change.old_version}" + self._kept_note(change)),
                    )
                self._audit(
                    session,
                    by,
                    action,
                    row.file_name,
                    change.old_sha256,
                    row.sha256,
                    f"{note}{self._dropped_note(change)} · {row.title}",
                )
                out.append(
                    Added(
                        row.file_name,
                        row.title,
                        row.number,
                        change.replaced,
                        row.kind,
                        row.reports_on,
                        row.version,
                        change.kept,
                    )
                )
        return out

    def add_paths(self, paths: Sequence[str | Path]) -> list[Added]:
        files = []
        for path in paths:
            p = Path(path)
            if not p.is_file():
                raise DocumentError(f"Không tìm thấy tệp «{path}».")
            files.append((p.name, p.read_bytes()))
        return self.add(files)

    def remove(self, file_name: str, *, by: Editor | None = None) -> Removed | None:
        """Remove a document, keeping it in the history; None when there is none of that name."""
        by = _editor(by)
        name = Path(file_name).name
        with session_scope(self.engine) as session:
            change = repo.remove_document(session=session, file_name=name, keep=self.keep_versions)
            if change is None:
                return None
            self._audit(
                session,
                by,
                "document_remove",
                name,
                change.old_sha256,
                "",
                f"gỡ phiên bản {change.old_version}{self._kept_note(change)}{self._dropped_note(change)}",
            )
        return Removed(name, change.old_version or 0, change.kept is not None)

    def history(self, file_name: str) -> History | None:
        """The versions of a file, newest first (the current one first); None when it has none."""
        name = Path(file_name).name
        with session_scope(self.engine) as session:
            current = repo.get_document(session=session, file_name=name)
            kept = repo.version_heads(session=session, file_name=name)
        versions = (
            [
                Version(
                    current.version,
                    current.title,
                    current.number,
                    current.sha256,
                    current.size_bytes,
                    current.updated_at,
                    None,
                )
            ]
            if current is not None
            else []
        )
        versions += [
            Version(v.version, v.title, v.number, v.sha256, v.size_bytes, v.added_at, v.retired_at, v.retired_how)
            for v in kept
        ]
        return History(name, versions) if versions else None

    def files_with_history(self, limit: int = 50) -> tuple[list[FileHistory], int]:
        """The files that have kept versions, the most recently changed first; and how many there are."""
        with session_scope(self.engine) as session:
            rows, total = repo.files_with_history(session=session, limit=limit)
        return [FileHistory(r.file_name, r.versions, r.last_retired_at, r.current_version) for r in rows], total

    def restore(self, file_name: str, version: int, *, by: Editor | None = None) -> Restored:
        """Bring a kept version back as the file's current version (a new version number; the version
        it replaces is kept in the history), with its search analysis; audited. HistoryError (in
        Vietnamese) when there is no such version or it is the current one."""
        by = _editor(by)
        name = Path(file_name).name
        with session_scope(self.engine) as session:
            old = self._version_to_restore(session, name, version)
            current = repo.get_document(session=session, file_name=name)
            if current is not None and current.sha256 == old.sha256 and current.text == old.text:
                raise HistoryError(
                    f"Phiên bản {version} của «{name}» giống hệt phiên bản đang dùng ({current.version})."
                )
        # Analysed outside any transaction, as a new file is (a second or so for a long document).
        doc = Document(
            file_name=name, added_by=by.telegram_id, **{field: getattr(old, field) for field in repo.CONTENT}
        )
        doc.analysis, doc.analysis_version = dump_analysis(analyse(indexed_doc(doc, doc.text))), ANALYSER_VERSION
        with session_scope(self.engine) as session:
            self._version_to_restore(session, name, version)  # still kept (not dropped meanwhile)
            change = repo.upsert_document(session=session, doc=doc, keep=self.keep_versions, retired_how="restore")
            row = change.document
            previous = (
                f", thay phiên bản {change.old_version}{self._kept_note(change)}"
                if change.replaced
                else " (tệp đã bị gỡ trước đó)"
            )
            self._audit(
                session,
                by,
                "document_restore",
                name,
                change.old_sha256,
                row.sha256,
                f"khôi phục phiên bản {version} thành phiên bản {row.version}{previous}"
                f"{self._dropped_note(change)} · {row.title}",
            )
        return Restored(name, row.title, version, row.version, change.old_version)

    @staticmethod
    def _version_to_restore(session, name: str, version: int) -> DocumentVersion:
        old = repo.get_version(session=session, file_name=name, version=version)
        if old is not None:
            return old
        kept = [v.version for v in repo.version_heads(session=session, file_name=name)]
        current = repo.get_document(session=session, file_name=name)
        if current is not None and current.version == version:
            raise HistoryError(f"Phiên bản {version} là phiên bản đang dùng của «{name}».")
        if kept:
            raise HistoryError(
                f"Tệp «{name}» không có phiên bản {version} được lưu. Các phiên bản còn lưu: "
                f"{', '.join(map(str, kept))}."
            )
        if current is not None:
            raise HistoryError(f"Tệp «{name}» chưa có phiên bản cũ nào được lưu (chưa bị thay hay gỡ lần nào).")
        raise HistoryError(
            f"Không có tài liệu hay phiên bản cũ nào tên «{name}». Hãy kiểm tra tên tệp "
            "(đúng cả phần đuôi, ví dụ .docx) trong danh sách các tệp có lịch sử."
        )

    def _kept_note(self, change: repo.Change) -> str:
        if change.kept is not None:
            return f" (phiên bản {change.kept} được lưu, khôi phục được)"
        return " (không lưu: KB_KEEP_VERSIONS=0)" if change.old_version is not None else ""

    def _dropped_note(self, change: repo.Change) -> str:
        if not change.dropped:
            return ""
        return (
            f"; bỏ phiên bản cũ {', '.join(map(str, change.dropped))} (chỉ lưu {self.keep_versions} phiên bản gần nhất)"
        )

    @staticmethod
    def _audit(session, by: Editor, action: str, file_name: str, old_sha: str, new_sha: str, note: str) -> None:
        line = audit_log.audit_values(
            actor=None,
            actor_name=by.name,
            action=action,
            entity="document",
            entity_code=file_name,
            field="sha256",
            old=old_sha,
            new=new_sha,
            note=note,
        )
        line["actor_id"] = by.staff_id
        audit_log.audit_many(session=session, lines=[line])

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
        docs: list[IndexedDoc] = []
        analyses: list[DocAnalysis | None] = []
        for head in heads:
            entry = got.get(head.id)
            if entry is not None:  # else it was removed while this was built
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
        self.last_build = Build(
            len(docs),
            index.n,
            n_kept,
            len(got) - n_kept - n_analysed,
            n_analysed,
            loaded_at - started,
            done - loaded_at,
        )
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
                        repo.save_analysis(
                            session=session,
                            doc_id=row.id,
                            sha256=row.sha256,
                            updated_at=row.updated_at,
                            analysis=blob,
                            version=ANALYSER_VERSION,
                        )
            except Exception:  # the analyses still serve this process; another will write them
                log.warning("could not store %d document analyses", len(made), exc_info=True)
        if n_made:
            log.info("analysed %d documents whose stored analysis was missing or of another version", n_made)
        return out, n_made

    def ask(self, question: str) -> Answer:
        return answer_question(self.index(), question)


def _editor(by: Editor | None, telegram_id: int | None = None) -> Editor:
    if by is not None:
        return by
    return Editor(name=f"Telegram {telegram_id}", telegram_id=telegram_id) if telegram_id else Editor()


__all__ = [
    "KnowledgeBase",
    "Added",
    "Build",
    "Closing",
    "DocumentError",
    "Editor",
    "FileHistory",
    "History",
    "HistoryError",
    "Removed",
    "Restored",
    "Version",
    "indexed_doc",
    "prepare",
]
