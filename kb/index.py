"""The search index over the knowledge base: passages scored with BM25.

The index is assembled from each document's reading (``kb.analysis``: its
passages, indexed under folded and accented unigrams, bigrams, their own
number and, as a weaker second field, the words of their heading path).
Besides the BM25 score each hit carries a *coverage*: how much of the
question's content (weighted by rarity) the passage, its context, its
neighbours and its document's title contain.  The answering layer refuses
when coverage is low.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from kb.analysis import ANALYSER_VERSION, DocAnalysis, IndexedDoc, analyse, label_key
from kb.lexicon import expansions
from kb.text import Token, fold, is_stopword, tokens

K1 = 1.2
B = 0.75
TITLE_FACTOR = 0.6
CTX_WEIGHT = 0.45  # a question word found in the heading path, against one in the passage
DOC_CREDIT = 0.6  # coverage: a question word found elsewhere in the passage's document
FOLDED_CREDIT = 0.25  # ... near the passage but only without its diacritics (maybe another word)
TOPIC_DISCOUNT = 0.5  # a question word that is in the document's title, as found in one of its passages
LABEL_BOOST = 2.5  # ... and as a factor
LABEL_WEIGHT = 1.0  # "số 9" matching an item numbered 9, in units of the largest idf


@dataclass
class Passage:
    doc: int  # position in KnowledgeIndex.docs
    ord: int  # position in its document
    text: str
    is_title: bool = False
    sent: int = 0  # passages cut from one sentence share this number
    length: int = 0  # number of unigram tokens
    pid: int = 0  # position in KnowledgeIndex.passages
    unit: int = 0  # passages of one paragraph, item or table row share this number
    kind: str = "text"  # "title", "facts", "heading", "item", "row", "text"
    label: str = ""  # the unit's own number ("9", "3.5", "dieu 7")
    context: tuple[str, ...] = ()


@dataclass
class QueryTerm:
    key: str
    weight: float  # importance in the question (before idf)
    unigram: bool  # counts for coverage
    folded: str = ""  # the folded key, for partial credit
    token: Token | None = None
    alts: tuple[str, ...] = ()  # other keys that count as this term (synonyms)


@dataclass
class Hit:
    passage: Passage
    score: float
    coverage: float
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


# -- what a question asks for ---------------------------------------------------

_NUMBER_Q = re.compile(r"\b(bao nhieu|may|so luong|ty le|ti le|phan tram|thu may|xep thu|bao xa|muc nao|diem)\b")
_DATE_Q = re.compile(
    r"\b(ngay nao|ngay may|khi nao|bao gio|luc nao|thoi diem nao|thoi gian nao|nam nao|thang nao|"
    r"giai doan nao|dip nao|thoi han|han chot|truoc ngay|han nop|han gui|den ngay|tu ngay)\b"
)
_ORG_Q = re.compile(
    r"\b(co quan nao|don vi nao|ai ban hanh|ai k[yi]|cap nao|do ai|ben nao|to chuc nao|so nao|"
    r"ai chu tri|ai phoi hop|ai la|la ai|ai viet|tac gia)\b"
)
NUMBER_WORDS = frozenset(
    "e:" + w for w in "mươi2 mươi hai ba bôn1 sau1 bay3 tam1 chin1 trăm nghin2 ngan2 triêu5 ty3 ti3 chuc5".split()
)
DATE_RE = re.compile(r"\d{1,2}/\d{1,2}(/\d{2,4})?|(19|20)\d\d[-/](19|20)\d\d")
# Words of the question's frame ("what is the target..."), weak evidence either way.
GENERIC_PHRASES = frozenset(
    tuple(p.split())
    for p in (
        "chi tieu",
        "muc tieu",
        "ket qua",
        "thuc hien",
        "phan dau",
        "noi dung",
        "quy dinh",
        "cu the",
        "de ra",
        "dat duoc",
        "nhu the",
        "the nao",
        "ra sao",
        "gom nhung",
        "bao gom",
    )
)
# the parts of a table a question points at («dòng», «cột», «ô»; «cot» has no other reading)
_TABLE_WORD = re.compile(r"bảng|dòng|cột|ô|cot")
DOC_KIND_WORDS = frozenset(
    "so ke hoach kh quyet dinh qd chuong trinh ctr chi thi ct nghi quyet nq bao cao bc cong van cv thong tu "
    "thong bao tb huong dan hd theo tai cua".split()
)
YEAR_RE = re.compile(r"(19|20)\d\d")


# «chậm so với thời hạn», «đúng thời hạn»: a time limit named, not asked
_TIME_LIMIT_NAMED = re.compile(r"\b(?:so voi|dung|qua|theo|trong|dam bao|tre) thoi han\b")


def answer_type(toks: list[Token]) -> str:
    """'number', 'date', 'org' or '' from the question's wording (with or without diacritics)."""
    folded = " ".join(t.folded for t in toks)
    if _ORG_Q.search(folded):
        return "org"
    if _DATE_Q.search(_TIME_LIMIT_NAMED.sub(" ", folded)):
        return "date"
    if _NUMBER_Q.search(folded) and not determiner_may(folded):
        return "number"
    return ""


# «… để trị mấy cán bộ hạch sách?» asks «làm gì»: «mấy» before a noun only points at it
_OTHER_ASKED = re.compile(r"\b(?:gi|nao|ai|dau|sao)\b")


def determiner_may(folded: str) -> bool:
    """Whether «mấy» in a question (folded) points at what follows rather than counting it: the
    question asks something else as well («gì», «nào», «ai», «đâu», «sao»), and nothing else
    counts."""
    return not any(m.group(1) != "may" for m in _NUMBER_Q.finditer(folded)) and bool(_OTHER_ASKED.search(folded))


# "mục tiêu số 9", "chỉ tiêu thứ 7", "tiêu chí 3.2", "Điều 7", "yếu tố thứ ba", "xếp thứ 2"
_ORDINALS = {
    "nhat": "1",
    "hai": "2",
    "ba": "3",
    "tu": "4",
    "nam": "5",
    "sau": "6",
    "bay": "7",
    "tam": "8",
    "chin": "9",
    "muoi": "10",
}
_LABEL_NOUNS = (
    r"muc tieu|chi tieu|nhiem vu|tieu chi thanh phan|tieu chi|yeu to|khoan|muc|diem|noi dung|"
    r"giai phap|nhom|linh vuc|phan|chuong|stt|dong|hang|bieu"
)
# Nouns that name a section of any document, whatever it calls its lists.
_SECTION_NOUNS = frozenset({"muc", "diem", "phan", "stt", "dong", "hang"})
_LABEL_NOUN = re.compile(rf"\b(?:{_LABEL_NOUNS})\b")
_LABEL_Q = re.compile(
    rf"\bdieu\s+(?P<article>\d{{1,3}})\b"
    rf"|\b(?:{_LABEL_NOUNS})\s+(?:so\s+|thu\s+)?(?P<code>\d{{1,2}}(?:[.,]\d{{1,2}}){{0,3}})(?![\d/-])"
    rf"|(?<!trong )(?<!tong )\b(?:so|thu)\s+(?P<num>\d{{1,2}})(?![\d/.,-])"  # «trong số 14 xã» counts
    rf"|\bthu\s+(?P<word>nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi)\b"
)


def question_labels(question: str) -> set[str]:
    """The item numbers a question points at, as ``analyse`` writes them."""
    return set(question_label_nouns(question))


_MORE_CODES = re.compile(r"\s*,\s*\d+[.,]\d+\s*,\s*\d+[.,]\d+")  # two more item codes after one


# the kinds of document a question names, full or short (folded)
DOCUMENT_KINDS = (
    r"ke hoach|quyet dinh|thong bao|cong van|huong dan|bao cao|chuong trinh|nghi dinh|nghi quyet|chi thi|"
    r"thong tu|luat|kh|qd|tb|cv|hd|bc|ctr|nd|nq"
)
# a document named by its number («kế hoạch số 18», «qđ 412»)
_DOCUMENT_NOUN = re.compile(rf"\b(?:{DOCUMENT_KINDS})$")


def question_label_nouns(question: str) -> dict[str, str]:
    """{item number: the words naming the list ("muc tieu"; for an article the kind of text,
    "quy che"; "" when none)}."""
    folded = fold(question)
    out: dict[str, str] = {}
    for m in _LABEL_Q.finditer(folded):
        noun = ""
        if m.group("code") and _MORE_CODES.match(folded, m.end()):
            continue  # «các tiêu chí 3.3, 3.4, 3.5, 7.3»: what they share is asked, not one item
        if m.group("article"):
            # The kind of text the article belongs to, when the question names it.
            kind = re.search(
                r"\b(quy che|quyet dinh|quy dinh|ke hoach|huong dan|nghi dinh|thong tu)\b", folded[m.end() :]
            )
            out[f"dieu {m.group('article')}"] = kind.group(1) if kind else ""
            continue
        if m.group("code"):
            label = m.group("code").replace(",", ".")
            noun = m.group(0).split()[0] if not m.group(0).startswith(("so ", "thu ")) else ""
            noun = re.match(rf"(?:{_LABEL_NOUNS})", m.group(0)).group(0)  # type: ignore[union-attr]
        elif m.group("num"):
            label = m.group("num")
        else:
            label = _ORDINALS[m.group("word")]
        if not noun:
            before = folded[: m.start()].split()[-3:]
            noun = " ".join(before[-2:]) if before else ""
            if _DOCUMENT_NOUN.search(noun):
                continue  # «Kế hoạch số 18»: a document's number, not an item of a list
            if before and before[-1] in ("xep", "dung", "hang"):
                noun = "xep"  # «xếp thứ 2», «đứng thứ 2»: a ranking
            else:
                # «chỉ tiêu cuối cùng (số 12)»: the list's name a few words before the number.
                named = list(_LABEL_NOUN.finditer(folded, max(0, m.start() - 24), m.start()))
                if named and not _LABEL_NOUN.search(noun):
                    noun = named[-1].group(0)
                    gap = folded[named[-1].end() : m.start()]
                    if re.fullmatch(r"(?:\s+[^\W\d_]+){1,2}\s+", gap):
                        # «nội dung thi đua số 3»: the list's whole name, tried before its noun alone
                        noun = f"{noun} {' '.join(gap.split())}"
        out[label] = noun
    return out


# the parts documents number in Roman figures, and those figures
_ROMAN_NUMBERED = frozenset({"chuong", "phan", "muc"})
_ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def label_hits(index: KnowledgeIndex, label_nouns: dict[str, str]) -> np.ndarray:
    """How much each passage is the item the question numbers: 1 per number matched, the
    article's own heading 1.5 («Điều 6»), a clause under it 1 more («Khoản 2 Điều 6»)."""
    hits = np.zeros(index.n, dtype=np.float64)
    articles = [label.split()[1] for label in label_nouns if label.startswith("dieu ")]
    for label, noun in label_nouns.items():
        post = index.postings.get(label_key(label))
        ids = post[0].tolist() if post is not None else []
        if noun in _ROMAN_NUMBERED and label.isdigit() and 0 < int(label) < len(_ROMAN):
            # «chương 3» is the «Chương III» a regulation writes
            roman = index.postings.get(label_key(_ROMAN[int(label)]))
            ids += roman[0].tolist() if roman is not None else []
        if noun == "chuong":
            # a chapter is its own heading («Chương III»), not an item «3.» of some chapter
            ids = [pid for pid in ids if fold(index.passages[pid].text).startswith("chuong")]
        if label.startswith("dieu "):
            under = index.ctx_postings.get(f"b:{label}")
            if ids:
                hits[np.asarray(ids, dtype=np.int64)] += 0.5
            if under is not None:
                ids = sorted(set(ids) | set(under.tolist()))
            if noun and ids:
                # «Điều 2 của Quyết định…» and «Điều 2 của Quy chế…» in one file: the
                # article under a heading of the kind the question names.
                pattern = re.compile(rf"\b{re.escape(noun)}\b")
                own = [pid for pid in ids if pattern.search(fold(" ".join(index.passages[pid].context)))]
                if own:
                    hits[np.asarray(own, dtype=np.int64)] += 0.5
        else:
            # An item under the heading numbered so («điểm d mục 5»: the «d)» under «5.»)
            # is within it, after the heading itself.
            labelled = set(ids)
            under_ids = [pid for pid in _under_heading(index, label) if pid not in labelled]
            if noun and noun.split()[0] not in _SECTION_NOUNS:
                # The list's name must be the passage's own, its heading's or its document's
                # («yếu tố thứ 3», «mục tiêu số 6» of «Mười mục tiêu…»); a clause is under its
                # article.  «mục», «điểm», «phần» name a section of any document.
                words = " ".join(w for w in noun.split() if w not in ("so", "thu"))
                if words == "khoan" and articles:
                    words = f"dieu {articles[0]}"
                base = _LABEL_NOUN.match(words)
                for name in dict.fromkeys((words, base.group(0) if base else words)):
                    pattern = re.compile(rf"\b{re.escape(name)}\b")
                    named_ids = [pid for pid in ids if pattern.search(index._label_scope(pid))]
                    named_under = [pid for pid in under_ids if pattern.search(index._label_scope(pid))]
                    if named_ids or named_under:
                        break  # «nội dung thi đua»; where no heading writes it, «nội dung»
                ids, under_ids, words = named_ids, named_under, name
                # A passage that writes the item's name and number («… được 2 điểm tại tiêu chí
                # 3.7») speaks of it too, less than the item itself.
                under_ids += _mentions(index, words, label, set(ids) | set(under_ids))
            if noun.split()[:1] in (["dong"], ["hang"], ["stt"]):
                # «dòng số 6», «STT 6»: a row of a table, not item 6 of a list
                rows = [pid for pid in ids if index.passages[pid].kind == "row"]
                ids, under_ids = (rows, []) if rows else (ids, under_ids)
            if under_ids:
                hits[np.asarray(under_ids, dtype=np.int64)] += 0.5
        if ids:
            hits[np.asarray(ids, dtype=np.int64)] += 1
    return hits


def _mentions(index: KnowledgeIndex, words: str, label: str, known: set[int]) -> list[int]:
    """The passages, not among ``known``, whose text writes «<words> <label>» («tiêu chí 3.7»)."""
    post = index.postings.get(label.replace(".", ","))
    if post is None or "." not in label:
        return []
    written = re.compile(rf"\b{re.escape(words)}\s+{re.escape(label)}(?!\d|\.\d)")
    return [pid for pid in post[0].tolist() if pid not in known and written.search(fold(index.passages[pid].text))]


def _under_heading(index: KnowledgeIndex, label: str) -> list[int]:
    """The passages whose heading path holds a heading numbered ``label`` («5. …», «3.2 …»)."""
    post = index.ctx_postings.get(label.replace(".", ","))  # headings are analysed: «5.2» is the number 5,2
    if post is None:
        return []
    heading = re.compile(rf"{re.escape(label)}[.)]?\s")
    return [pid for pid in post.tolist() if any(heading.match(h) for h in index.passages[pid].context)]


# -- the index -------------------------------------------------------------------


class Postings(Mapping):
    """term -> (ids of the passages that have it, their BM25 weights): slices of two arrays,
    cut when the term is looked up (cutting every term's slices up front was a good part of
    assembling an index: bench/kb_scale.py, figures in bench/README.md)."""

    __slots__ = ("_bounds", "_ids", "_number", "_weights")

    def __init__(self, number: dict[str, int], bounds: list[int], ids: np.ndarray, weights: np.ndarray) -> None:
        self._number = number  # term -> its postings' place: ids[bounds[i]:bounds[i + 1]]
        self._bounds = bounds
        self._ids = ids
        self._weights = weights

    def get(self, term: str, default=None):
        i = self._number.get(term)
        if i is None:
            return default
        a, b = self._bounds[i], self._bounds[i + 1]
        return self._ids[a:b], self._weights[a:b]

    def __getitem__(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        got = self.get(term)
        if got is None:
            raise KeyError(term)
        return got

    def __contains__(self, term: object) -> bool:
        return term in self._number

    def __iter__(self) -> Iterator[str]:
        return iter(self._number)

    def __len__(self) -> int:
        return len(self._number)


class KnowledgeIndex:
    """BM25 over passages with document context; immutable once built.

    ``analyses`` may give the stored reading of some documents (same order as
    ``docs``; ``None`` where there is none or it is of another version).
    """

    def __init__(self, docs: list[IndexedDoc], analyses: list[DocAnalysis | None] | None = None) -> None:
        self.docs = list(docs)
        got = list(analyses) if analyses is not None else [None] * len(self.docs)
        self.analyses: list[DocAnalysis] = [
            a if a is not None and a.version == ANALYSER_VERSION else analyse(d) for d, a in zip(self.docs, got)
        ]
        flat_terms, sizes, ctx_groups = self._gather_passages()
        self.n = len(self.passages)
        self.idf, self.postings = self._bm25_postings(flat_terms, sizes)
        ctx_postings: dict[str, list[int]] = defaultdict(list)
        for key, (_, pids) in ctx_groups.items():
            for term in key:
                ctx_postings[term].extend(pids)
        self.ctx_postings = {t: np.sort(np.array(ids, dtype=np.int64)) for t, ids in ctx_postings.items()}
        self.is_title = np.array([p.is_title for p in self.passages], dtype=bool)
        self.max_idf = math.log(1 + (self.n + 0.5) / 0.5) if self.n else 1.0
        self._document_lookups()

    def _gather_passages(self) -> tuple[list[str], list[int], dict[tuple[str, ...], tuple[frozenset[str], list[int]]]]:
        """The passages of every analysis numbered in one list, with their terms, context and
        numbers, and each document's terms; returns every passage's terms in one flat list, the
        number of them per passage, and the passages under each distinct heading path."""
        self.passages: list[Passage] = []
        self.meta_terms: list[set[str]] = []
        self.doc_terms: list[set[str]] = []
        self.doc_places: list[set[str]] = []
        self.doc_years: list[set[str]] = []
        self.passage_terms: list[set[str]] = []
        self.passage_ctx: list[frozenset[str]] = []
        self.passage_numbers: list[set[str]] = []
        # Every passage's terms go into one flat list, counted and grouped into postings
        # with numpy (``_bm25_postings``): a Python step per (term, passage) pair was most
        # of the time of assembling 10,000 passages.
        flat_terms: list[str] = []
        sizes: list[int] = []
        # The passages under one heading path share its terms: one (frozen) set and one list
        # of passages per distinct path, rather than a step per (term, passage) pair.
        ctx_groups: dict[tuple[str, ...], tuple[frozenset[str], list[int]]] = {}

        for d, an in enumerate(self.analyses):
            meta = set(an.meta_terms)
            self.meta_terms.append(meta)
            start = len(flat_terms)
            doc_ctx: dict[tuple[str, ...], frozenset[str]] = {}
            for o, pd in enumerate(an.passages):
                pid = len(self.passages)
                self.passages.append(
                    Passage(
                        d,
                        o,
                        pd.text,
                        pd.kind == "title",
                        pd.sent,
                        pd.length,
                        pid,
                        pd.unit,
                        pd.kind,
                        pd.label,
                        pd.context,
                    )
                )
                flat_terms.extend(pd.terms)
                sizes.append(len(pd.terms))
                key = tuple(pd.ctx_terms)
                group = ctx_groups.get(key)
                if group is None:
                    group = ctx_groups[key] = (frozenset(key), [])
                group[1].append(pid)
                doc_ctx[key] = group[0]
                self.passage_terms.append(set(pd.terms))
                self.passage_ctx.append(group[0])
                self.passage_numbers.append(set(pd.numbers))
            all_terms = set(meta)
            all_terms.update(flat_terms[start:])
            all_terms.update(*doc_ctx.values())
            self.doc_terms.append(all_terms)
            self.doc_places.append(set(an.places))
            self.doc_years.append(set(an.years))
        return flat_terms, sizes, ctx_groups

    def _bm25_postings(self, flat_terms: list[str], sizes: list[int]) -> tuple[dict[str, float], Postings]:
        """Each term's idf, and its postings with their BM25 weights (``sizes``: the number of
        terms of each passage in ``flat_terms``, in order)."""
        n = self.n
        lengths = np.array([p.length for p in self.passages], dtype=np.float64) if n else np.zeros(0)
        avg = float(lengths.mean()) if n else 1.0
        norm = K1 * (1 - B + B * lengths / max(avg, 1e-9)) if n else lengths
        if not flat_terms:
            return {}, Postings({}, [0], np.zeros(0, dtype=np.int64), np.zeros(0))
        # Terms numbered in order of first appearance; (term, passage) pairs counted by
        # sorting term * n + passage, which also orders each term's postings by passage.
        vocab = list(dict.fromkeys(flat_terms))
        number = {t: i for i, t in enumerate(vocab)}
        codes = np.fromiter(map(number.__getitem__, flat_terms), dtype=np.int64, count=len(flat_terms))
        pair, counts = np.unique(codes * n + np.repeat(np.arange(n, dtype=np.int64), sizes), return_counts=True)
        term_of = pair // n
        ids = pair - term_of * n
        dfs = np.bincount(term_of, minlength=len(vocab))
        idfs = [math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in dfs.tolist()]
        tfs = counts.astype(np.float64)
        weights = np.array(idfs)[term_of] * tfs * (K1 + 1) / (tfs + norm[ids])
        return dict(zip(vocab, idfs)), Postings(number, [0] + np.cumsum(dfs).tolist(), ids, weights)

    def _document_lookups(self) -> None:
        """What the search asks of documents: which have a term in their title, number or
        issuer; the documents' own numbers; their places; each passage's document and unit."""
        # Term -> the documents whose title, number or issuer has it (searched once a question term).
        meta_docs: dict[str, list[int]] = defaultdict(list)
        for d, meta in enumerate(self.meta_terms):
            for term in meta:
                meta_docs[term].append(d)
        self.meta_docs = {t: np.array(ds, dtype=np.int64) for t, ds in meta_docs.items()}
        # Documents' own numbers, and those of the documents articles report on.
        self.numbers = {fold(d.number) for d in self.docs if d.number} | {
            t.folded for d in self.docs if d.reports_on for t in tokens(d.reports_on) if t.kind == "code"
        }
        self.known_places = frozenset().union(*self.doc_places) if self.doc_places else frozenset()
        self._doc_texts: dict[int, str] = {}
        self.meta_places = [set(an.home_places) for an in self.analyses]
        self.doc_of = np.array([p.doc for p in self.passages], dtype=np.int64)
        self.unit_of = np.array([p.unit for p in self.passages], dtype=np.int64)

    def doc_text(self, d: int) -> str:
        """A document's text as its passages hold it: the same whether the index was built from
        the texts or assembled from stored analyses (which do not keep the text)."""
        cached = self._doc_texts.get(d)
        if cached is None:
            cached = self._doc_texts[d] = "\n".join(pd.text for pd in self.analyses[d].passages)
        return cached

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
                j = i - 1  # "Kế hoạch (số) 27/KH-UBND": the words naming the document
                while j >= 0 and toks[j].folded in DOC_KIND_WORDS:
                    skip.add(j)
                    j -= 1
        generic: set[int] = set()
        for i in range(len(toks) - 1):
            if (toks[i].folded, toks[i + 1].folded) in GENERIC_PHRASES:
                generic.update((i, i + 1))
        # «bảng …, dòng …, cột … ghi gì»: the words that find one's way in a table name no content
        generic.update(i for i, t in enumerate(toks) if _TABLE_WORD.fullmatch(t.surface.lower()))
        generic.update(i for i in range(len(toks) - 1) if (toks[i].folded, toks[i + 1].folded) == ("ghi", "gi"))
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
            if (is_stopword(a) and is_stopword(b)) or a.in_code or b.in_code:
                continue
            key = f"b:{a.folded} {b.folded}"
            if key not in seen:
                seen.add(key)
                terms.append(QueryTerm(key, 0.6, False))
        # Everyday words for administrative terms: the term's words join the search.
        folded_q = ["" if t.in_code or i in skip else t.folded for i, t in enumerate(toks)]
        for variant_span, replacement in expansions(folded_q):
            for t in tokens(replacement):
                if is_stopword(t) or t.folded in seen:
                    continue
                seen.add(t.folded)
                terms.append(QueryTerm(t.folded, 0.8, False, t.folded, t))
            rtoks = tokens(replacement)
            for a, b in zip(rtoks, rtoks[1:]):
                key = f"b:{a.folded} {b.folded}"
                if key not in seen:
                    seen.add(key)
                    terms.append(QueryTerm(key, 0.6, False))
            # The everyday words themselves count as found where the term is.
            alts = tuple(t.folded for t in rtoks if not is_stopword(t))
            for qt in terms:
                if qt.unigram and qt.token is not None and qt.folded in variant_span:
                    qt.alts = tuple(dict.fromkeys(qt.alts + alts))
        return terms, toks

    def unknown_words(self, terms: list[QueryTerm]) -> list[str]:
        """Content words of the question that no document contains, accented or not."""
        return [
            qt.key
            for qt in terms
            if qt.unigram
            and qt.token is not None
            and qt.token.kind == "word"
            and qt.weight >= 1.0
            and qt.key not in self.idf
            and qt.folded not in self.idf
            and not any(a in self.idf for a in qt.alts)
        ]

    def meta_mask(self, key: str) -> np.ndarray | None:
        """Which documents have the term in their title, number or issuer (None: none)."""
        docs = self.meta_docs.get(key)
        if docs is None:
            return None
        mask = np.zeros(len(self.docs), dtype=bool)
        mask[docs] = True
        return mask

    def idf_of(self, key: str) -> float:
        return self.idf.get(key, self.max_idf)

    def search(self, question: str, k: int = 5) -> list[Hit]:
        if not self.n:
            return []
        terms, toks = self.query_terms(question)
        label_nouns = question_label_nouns(question)
        labels = set(label_nouns)
        if not terms and not labels:
            return []
        scores = np.zeros(self.n, dtype=np.float64)
        ctx_scores = np.zeros(self.n, dtype=np.float64)
        for qt in terms:
            post = self.postings.get(qt.key)
            if post is not None:
                ids, w = post
                # A word of a document's title says which document, not which passage:
                # the document bonus below counts it, its passages count it less.
                topic = self.meta_mask(qt.key)
                discount = np.where(topic[self.doc_of[ids]], TOPIC_DISCOUNT, 1.0) if topic is not None else 1.0
                scores[ids] += qt.weight * w * discount
            if qt.unigram or qt.weight >= 0.8:
                cids = self.ctx_postings.get(qt.key)
                if cids is None and qt.folded:
                    cids = self.ctx_postings.get(qt.folded)
                if cids is not None:
                    ctx_scores[cids] += qt.weight * self.idf_of(qt.key)
        label_hits = self.label_hits(label_nouns)
        label_hit = label_hits > 0
        # Context: a share of the neighbours' scores, the heading path, the document's title and number.
        ctx = np.zeros_like(scores)
        same_prev = self.doc_of[1:] == self.doc_of[:-1]
        ctx[1:] += np.where(same_prev, scores[:-1], 0.0)
        ctx[:-1] += np.where(same_prev, scores[1:], 0.0)
        doc_bonus = np.zeros(len(self.docs))
        for qt in terms:
            if not qt.unigram:
                continue
            # A document's own number in the question chooses that document.
            gain = self.max_idf if qt.key in self.numbers else 0.5 * self.idf_of(qt.key) * qt.weight
            hit = self.meta_mask(qt.key)
            if qt.folded and qt.folded != qt.key:
                other = self.meta_mask(qt.folded)
                hit = other if hit is None else hit if other is None else hit | other
            if hit is not None:
                doc_bonus[hit] += gain
        is_title = self.is_title
        relevant = (scores > 0) | label_hit
        total = (
            scores + 0.25 * ctx + CTX_WEIGHT * ctx_scores + np.where(is_title, 0.0, doc_bonus[self.doc_of])
        ) * relevant
        if labels:
            # "Điều 10", "mục tiêu số 9": the item of that number, over items that share more words.
            total = total * LABEL_BOOST**label_hits + label_hit * LABEL_WEIGHT * self.max_idf
        pool = min(max(k, 40), self.n)
        top = np.argpartition(-total, pool - 1)[:pool] if self.n > pool else np.arange(self.n)
        want = answer_type(toks)
        q_numbers = {t.folded for t in toks if t.kind in ("num", "code")}
        own = {t.folded for t in toks if t.kind == "code" and t.folded in self.numbers}
        hits = []
        for pid in top:
            pid = int(pid)
            base = float(total[pid])
            if base <= 0:
                continue
            cov, matched, missing = self.coverage(pid, terms)
            factor = 0.4 + cov
            p = self.passages[pid]
            if (p.is_title or p.kind == "heading") and not (want == "number" and self.passage_numbers[pid]):
                factor *= TITLE_FACTOR  # a heading names the topic; it rarely answers (unless it has the figure)
            elif p.kind == "facts" and want not in ("date", "org"):
                factor *= TITLE_FACTOR  # who issued it and when: for questions that ask that
            if want in ("number", "date"):
                factor *= 1.25 if self.has_type(pid, want, q_numbers) else 0.75
            if want in ("org", "date") and own:
                # "Who issued / when was 27/KH-UBND issued": the sentence naming the number says.
                factor *= 1.6 if own & self.passage_terms[pid] else 1.0
            hits.append(Hit(p, base * factor, cov, matched, missing))
        hits.sort(key=lambda h: -h.score)
        return hits[:k]

    def label_hits(self, label_nouns: dict[str, str]) -> np.ndarray:
        """How much each passage is the item the question numbers (``label_hits``)."""
        return label_hits(self, label_nouns)

    def _label_scope(self, pid: int) -> str:
        """A passage's text, headings and document title, folded: where a list's name is written."""
        p = self.passages[pid]
        return fold(" ".join((p.text, *p.context, self.docs[p.doc].title)))

    def sentence_of(self, p: Passage) -> list[Passage]:
        """All chunks of the sentence a passage was cut from."""
        lo = hi = p.pid
        while lo > 0 and self.passages[lo - 1].doc == p.doc and self.passages[lo - 1].sent == p.sent:
            lo -= 1
        while hi + 1 < self.n and self.passages[hi + 1].doc == p.doc and self.passages[hi + 1].sent == p.sent:
            hi += 1
        return self.passages[lo : hi + 1]

    def unit_of_passage(self, p: Passage) -> list[Passage]:
        """All passages of the paragraph, item or row a passage belongs to."""
        lo = hi = p.pid
        while lo > 0 and self.passages[lo - 1].doc == p.doc and self.passages[lo - 1].unit == p.unit:
            lo -= 1
        while hi + 1 < self.n and self.passages[hi + 1].doc == p.doc and self.passages[hi + 1].unit == p.unit:
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
        near = set(self.passage_terms[pid]) | self.passage_ctx[pid]
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
            if qt.key in near or qt.key in meta or any(a in near for a in qt.alts):
                got += w
                matched.append(qt.key)
            elif qt.key in doc:
                got += DOC_CREDIT * w
                matched.append(qt.key)
            elif qt.folded and qt.folded != qt.key and (qt.folded in near or qt.folded in meta):
                got += FOLDED_CREDIT * w
                matched.append(qt.folded)
            elif qt.alts and any(a in doc for a in qt.alts):
                got += 0.5 * w
                matched.append(qt.key)
            else:
                missing.append(qt.key)
        return (got / total if total else 0.0), matched, missing
