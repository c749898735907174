"""The search index over the knowledge base: sentences scored with BM25.

Documents are cut into passages (one sentence each; the title is a passage
too).  Each passage is indexed under three kinds of terms:

* folded unigrams (``tthc``, ``sipas``, ``1720``, ``27/kh-ubnd``),
* accented unigrams (``e:hoa1``), used for the words a question typed with
  diacritics, so "lương" does not match "luồng",
* folded bigrams (``b:don gian``), which reward the right word order.

Scoring a question is a few numpy additions per term, so a question over ten
thousand passages takes a few milliseconds.  Besides the BM25 score, each hit
carries a *coverage*: how much of the question's content (weighted by
rarity) the passage, its neighbours and its document's title and number
contain.  The answering layer refuses when coverage is low.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from bot.kb.text import Token, fold, is_stopword, places_in, tokens, years_in

K1 = 1.2
TITLE_FACTOR = 0.6
B = 0.75


@dataclass(frozen=True)
class IndexedDoc:
    """What the index needs of a stored document."""

    file_name: str
    title: str
    text: str
    number: str | None = None
    issuer: str | None = None
    date: date | None = None
    doc_id: int | None = None


@dataclass
class Passage:
    doc: int            # position in KnowledgeIndex.docs
    ord: int            # position in its document
    text: str
    is_title: bool = False
    sent: int = 0       # passages cut from one long sentence share this number
    length: int = 0     # number of unigram tokens
    pid: int = 0        # position in KnowledgeIndex.passages


@dataclass
class QueryTerm:
    key: str
    weight: float       # importance in the question (before idf)
    unigram: bool       # counts for coverage
    folded: str = ""    # the folded key, for partial credit
    token: Token | None = None


@dataclass
class Hit:
    passage: Passage
    score: float
    coverage: float
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


# -- what a question asks for ---------------------------------------------------

_NUMBER_Q = re.compile(r"\b(bao nhieu|may|so luong|ty le|ti le|phan tram|thu may|xep thu|bao xa)\b")
_DATE_Q = re.compile(r"\b(ngay nao|ngay may|khi nao|bao gio|luc nao|thoi diem nao|thoi gian nao|nam nao|thang nao|giai doan nao|dip nao)\b")
_ORG_Q = re.compile(r"\b(co quan nao|don vi nao|ai ban hanh|ai ky|cap nao|do ai|ben nao|to chuc nao)\b")
NUMBER_WORDS = frozenset("e:" + w for w in "mươi2 mươi hai ba bôn1 sau1 bay3 tam1 chin1 trăm nghin2 ngan2 triêu5 ty3 ti3 chuc5".split())
DATE_RE = re.compile(r"\d{1,2}/\d{1,2}(/\d{2,4})?|(19|20)\d\d[-/](19|20)\d\d")
# Words of the question's frame ("what is the target..."), weak evidence either way.
GENERIC_PHRASES = frozenset(tuple(p.split()) for p in (
    "chi tieu", "muc tieu", "ket qua", "thuc hien", "phan dau", "noi dung", "quy dinh", "cu the",
    "de ra", "dat duoc", "nhu the", "the nao", "ra sao"))
DOC_KIND_WORDS = frozenset(
    "so ke hoach kh quyet dinh qd chuong trinh ctr chi thi ct nghi quyet nq bao cao bc cong van thong tu "
    "theo tai cua".split())
YEAR_RE = re.compile(r"(19|20)\d\d")


def answer_type(toks: list[Token]) -> str:
    """'number', 'date', 'org' or '' from the question's wording (with or without diacritics)."""
    folded = " ".join(t.folded for t in toks)
    if _ORG_Q.search(folded):
        return "org"
    if _DATE_Q.search(folded):
        return "date"
    if _NUMBER_Q.search(folded):
        return "number"
    return ""


# -- splitting -------------------------------------------------------------------

_NO_SPLIT_AFTER = re.compile(r"(?:\b(?:TP|Tp|tp|TS|ThS|PGS|GS|Q|P|TT|Th|St|ông|bà|số|No)|\b\d{1,2})\.$")
_SENT_END = re.compile(r"(?<=[.!?…])\s+|(?<=\.[”\"'])\s+")
_FURNITURE = re.compile(r"^(?:xem cỡ chữ|đọc bài viết|bỏ qua nội dung|danh mục|top|tin mới hơn|tin đã đưa|"
                        r"xem tiếp|xem theo ngày|số lượt|bản in|quay lại)", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, one paragraph per line; list markers stay attached."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip().strip("|").strip()
        if not line:
            continue
        pieces = _SENT_END.split(line) if len(line) > 1 else [line]
        buf = ""
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            buf = f"{buf} {piece}".strip() if buf else piece
            if _NO_SPLIT_AFTER.search(buf) or len(buf) < 12:
                continue
            out.append(buf)
            buf = ""
        if buf:
            out.append(buf)
    return out


_CLAUSE_END = re.compile(r"(?<=;)\s+")
_COMMA = re.compile(r"(?<=,)\s+")
CHUNK = 320


def split_chunks(sentence: str, limit: int = CHUNK) -> list[str]:
    """A long sentence packed into chunks of whole clauses (';' first, then ',')."""
    if len(sentence) <= limit:
        return [sentence]
    pieces: list[str] = []
    for clause in _CLAUSE_END.split(sentence):
        pieces.extend(_COMMA.split(clause) if len(clause) > limit else [clause])
    chunks: list[str] = []
    buf = ""
    for piece in pieces:
        if buf and len(buf) + 1 + len(piece) > limit:
            chunks.append(buf)
            buf = piece
        else:
            buf = f"{buf} {piece}" if buf else piece
    if buf:
        chunks.append(buf)
    return chunks


def _passage_terms(toks: list[Token]) -> list[str]:
    terms: list[str] = []
    for t in toks:
        terms.append(t.folded)
        if t.exact != t.folded:
            terms.append("e:" + t.exact)
    for a, b in zip(toks, toks[1:]):
        terms.append(f"b:{a.folded} {b.folded}")
    return terms


# -- the index -------------------------------------------------------------------


class KnowledgeIndex:
    """BM25 over sentences with document context; immutable once built."""

    def __init__(self, docs: list[IndexedDoc]) -> None:
        self.docs = list(docs)
        self.passages: list[Passage] = []
        self.doc_terms: list[set[str]] = []     # every term of a document
        self.meta_terms: list[set[str]] = []    # title, number, issuer of a document
        self.doc_places: list[set[str]] = []
        passage_terms: list[set[str]] = []
        passage_numbers: list[set[str]] = []
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)

        for d, doc in enumerate(self.docs):
            meta_text = " ".join(x for x in (doc.title, doc.number or "", doc.issuer or "") if x)
            meta_toks = tokens(meta_text)
            self.meta_terms.append(set(_passage_terms(meta_toks)))
            all_terms: set[str] = set(self.meta_terms[-1])
            places = places_in(meta_toks)
            sentences = split_sentences(doc.text)
            title_norm = doc.title.strip()
            if not any(s.strip() == title_norm for s in sentences[:3]):
                sentences.insert(0, title_norm)
            chunks = [(o, c) for o, sentence in enumerate(sentences) for c in split_chunks(sentence)]
            for o, (sent, chunk) in enumerate(chunks):
                toks = tokens(chunk)
                if not toks:
                    continue
                terms = _passage_terms(toks)
                pid = len(self.passages)
                self.passages.append(
                    Passage(d, o, chunk, chunk.strip() == title_norm, sent, len(toks), pid))
                counts = Counter(terms)
                for term, tf in counts.items():
                    postings[term].append((pid, tf))
                passage_terms.append(set(counts))
                passage_numbers.append({t.folded for t in toks if t.kind in ("num", "code")})
                all_terms.update(counts)
                places |= places_in(toks)
            self.doc_terms.append(all_terms)
            self.doc_places.append(places)

        n = len(self.passages)
        self.n = n
        lengths = np.array([p.length for p in self.passages], dtype=np.float64) if n else np.zeros(0)
        avg = float(lengths.mean()) if n else 1.0
        norm = K1 * (1 - B + B * lengths / max(avg, 1e-9)) if n else lengths
        self.idf: dict[str, float] = {}
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, plist in postings.items():
            ids = np.fromiter((p for p, _ in plist), dtype=np.int64, count=len(plist))
            tfs = np.fromiter((tf for _, tf in plist), dtype=np.float64, count=len(plist))
            df = len(plist)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            self.idf[term] = idf
            self.postings[term] = (ids, idf * tfs * (K1 + 1) / (tfs + norm[ids]))
        self.passage_terms = passage_terms
        self.is_title = np.array([p.is_title for p in self.passages], dtype=bool)
        self.passage_numbers = passage_numbers
        self.max_idf = math.log(1 + (n + 0.5) / 0.5) if n else 1.0
        self.numbers = {fold(d.number) for d in self.docs if d.number}
        self.doc_years = [years_in(f"{d.title} {d.text}") for d in self.docs]
        self.doc_of = np.array([p.doc for p in self.passages], dtype=np.int64)

    # -- questions -----------------------------------------------------------------
    def query_terms(self, question: str) -> tuple[list[QueryTerm], list[Token]]:
        toks = tokens(question)
        # A code that is a document's own number chooses the document (through the
        # title bonus), not the sentence: its parts are not searched on their own.
        own_numbers = {t.folded for t in toks if t.kind == "code" and t.folded in self.numbers}
        skip: set[int] = set()
        for i, t in enumerate(toks):
            if t.kind == "code" and t.folded in own_numbers:
                j = i + 1
                while j < len(toks) and toks[j].in_code:
                    skip.add(j)
                    j += 1
                j = i - 1   # "Kế hoạch (số) 27/KH-UBND": the words naming the document
                while j >= 0 and toks[j].folded in DOC_KIND_WORDS:
                    skip.add(j)
                    j -= 1
        generic: set[int] = set()
        for i in range(len(toks) - 1):
            if (toks[i].folded, toks[i + 1].folded) in GENERIC_PHRASES:
                generic.update((i, i + 1))
        terms: list[QueryTerm] = []
        seen: set[str] = set()
        for i, t in enumerate(toks):
            if is_stopword(t) or i in skip:
                continue
            key = "e:" + t.exact if t.accented and t.exact != t.folded else t.folded
            if key in seen:
                continue
            seen.add(key)
            weight = 0.3 if t.folded in own_numbers or i in generic else 1.0
            terms.append(QueryTerm(key, weight, True, t.folded, t))
            if key != t.folded:
                terms.append(QueryTerm(t.folded, 0.35, False, t.folded, t))
        for a, b in zip(toks, toks[1:]):
            if is_stopword(a) and is_stopword(b) or a.in_code or b.in_code:
                continue
            key = f"b:{a.folded} {b.folded}"
            if key not in seen:
                seen.add(key)
                terms.append(QueryTerm(key, 0.6, False))
        return terms, toks

    def unknown_words(self, terms: list[QueryTerm]) -> list[str]:
        """Content words of the question that no document contains, accented or not."""
        return [
            qt.key for qt in terms
            if qt.unigram and qt.token is not None and qt.token.kind == "word" and qt.weight >= 1.0
            and qt.key not in self.idf and qt.folded not in self.idf
        ]

    def idf_of(self, key: str) -> float:
        return self.idf.get(key, self.max_idf)

    def search(self, question: str, k: int = 5) -> list[Hit]:
        if not self.n:
            return []
        terms, toks = self.query_terms(question)
        if not terms:
            return []
        scores = np.zeros(self.n, dtype=np.float64)
        for qt in terms:
            post = self.postings.get(qt.key)
            if post is not None:
                ids, w = post
                scores[ids] += qt.weight * w
        # Context: a share of the neighbours' scores, and the document's title and number.
        ctx = np.zeros_like(scores)
        same_prev = self.doc_of[1:] == self.doc_of[:-1]
        ctx[1:] += np.where(same_prev, scores[:-1], 0.0)
        ctx[:-1] += np.where(same_prev, scores[1:], 0.0)
        doc_bonus = np.zeros(len(self.docs))
        for qt in terms:
            if not qt.unigram:
                continue
            idf = self.idf_of(qt.key)
            for d, meta in enumerate(self.meta_terms):
                if qt.key in meta:
                    doc_bonus[d] += 0.5 * idf
        is_title = self.is_title
        total = scores + 0.25 * ctx + np.where(is_title, 0.0, doc_bonus[self.doc_of]) * (scores > 0)
        pool = min(max(k, 30), self.n)
        top = np.argpartition(-total, pool - 1)[:pool] if self.n > pool else np.arange(self.n)
        want = answer_type(toks)
        q_numbers = {t.folded for t in toks if t.kind in ("num", "code")}
        own = {t.folded for t in toks if t.kind == "code" and t.folded in self.numbers}
        hits = []
        for pid in top:
            base = float(total[pid])
            if base <= 0:
                continue
            cov, matched, missing = self.coverage(int(pid), terms)
            factor = 0.4 + cov
            if self.passages[int(pid)].is_title:
                factor *= TITLE_FACTOR   # a heading names the topic; it rarely answers
            if want in ("number", "date"):
                factor *= 1.25 if self.has_type(int(pid), want, q_numbers) else 0.75
            if want in ("org", "date") and own:
                # "Who issued / when was 27/KH-UBND issued": the sentence naming the number says.
                factor *= 1.6 if own & self.passage_terms[int(pid)] else 1.0
            hits.append(Hit(self.passages[int(pid)], base * factor, cov, matched, missing))
        hits.sort(key=lambda h: -h.score)
        return hits[:k]

    def sentence_of(self, p: Passage) -> list[Passage]:
        """All chunks of the sentence a passage was cut from."""
        lo = hi = p.pid
        while lo > 0 and self.passages[lo - 1].doc == p.doc and self.passages[lo - 1].sent == p.sent:
            lo -= 1
        while hi + 1 < self.n and self.passages[hi + 1].doc == p.doc and self.passages[hi + 1].sent == p.sent:
            hi += 1
        return self.passages[lo : hi + 1]

    def has_type(self, pid: int, want: str, q_numbers: set[str]) -> bool:
        """Does the passage hold an answer of the kind asked (a number, a date)?"""
        found = self.passage_numbers[pid] - q_numbers
        if want == "number":
            return bool(found) or bool(self.passage_terms[pid] & NUMBER_WORDS)
        if want == "date":
            return any(DATE_RE.fullmatch(x) or YEAR_RE.fullmatch(x) for x in found)
        return True

    def coverage(self, pid: int, terms: list[QueryTerm]) -> tuple[float, list[str], list[str]]:
        """Share of the question's content words (idf-weighted) found near the passage."""
        p = self.passages[pid]
        near = set(self.passage_terms[pid])
        for q in (pid - 1, pid + 1):
            if 0 <= q < self.n and self.passages[q].doc == p.doc:
                near |= self.passage_terms[q]
        meta = self.meta_terms[p.doc]
        doc = self.doc_terms[p.doc]
        got = total = 0.0
        matched, missing = [], []
        for qt in terms:
            if not qt.unigram:
                continue
            w = self.idf_of(qt.key) * qt.weight
            total += w
            if qt.key in near or qt.key in meta:
                got += w
                matched.append(qt.key)
            elif qt.key in doc:
                got += 0.6 * w
                matched.append(qt.key)
            elif qt.folded and qt.folded != qt.key and (qt.folded in near or qt.folded in meta):
                got += 0.5 * w
                matched.append(qt.folded)
            else:
                missing.append(qt.key)
        return (got / total if total else 0.0), matched, missing
