"""Choosing the answer: the shortest passage that answers, or an honest "not found".

``answer_question`` searches the index, decides whether the best passage
really answers (enough of the question's content is there; ``kb.checks``: the places,
years, departments, rates… the question names belong to that passage), trims a long
sentence to the clauses that matter (a list: ``kb.lists``) and returns the passage with
its citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.abbrev import expand_abbreviations
from kb.checks import (
    constraint_problem,
    department_first,
    from_named_document,
    signer_hit,
)
from kb.index import Hit, KnowledgeIndex, QueryTerm, question_label_nouns
from kb.intents import small_talk
from kb.issued import issued_document_first
from kb.lexicon import expand_shorthand
from kb.lists import COMFORT, MAX_ANSWER, with_children, with_siblings
from kb.parts import with_second_part
from kb.results import achieved_instead
from kb.slots import covered_instead, framed_instead, list_instead, whole_year_instead
from kb.text import tokens

MIN_COVERAGE = 0.62  # share of the question's content that must be found
CANDIDATES = 3  # the best hits tried in turn (within 70% of the best score)
EXTRA_CANDIDATES = 2  # ... and after them, passages that have (nearly) all of its words
EXTRA_COVERAGE = 0.9
SCORE_WINDOW = 0.7  # candidates within this share of the best score
MAX_UNKNOWN = 2  # content words found in no document at all: the question is about something else


@dataclass(frozen=True)
class Source:
    file: str
    title: str
    score: float
    number: str | None = None
    date: str | None = None  # dd/mm/yyyy
    issuer: str | None = None
    kind: str | None = None  # "document" or "article" (kb.meta)
    source: str | None = None  # an article's publisher
    reports_on: str | None = None  # the document an article reports on

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "title": self.title,
            "score": round(self.score, 4),
            "number": self.number,
            "date": self.date,
            "issuer": self.issuer,
            "kind": self.kind,
            "source": self.source,
            "reports_on": self.reports_on,
        }


@dataclass
class Answer:
    found: bool
    text: str  # the quoted passage, or why nothing was found
    sources: list[Source] = field(default_factory=list)
    coverage: float = 0.0
    reason: str = ""  # for logs: why a question was refused

    def to_dict(self) -> dict:
        return {"found": self.found, "answer": self.text, "sources": [s.to_dict() for s in self.sources]}


_CLAUSE = re.compile(r"(?<=[;:])\s+|(?<=,)\s+(?=\S)|\s+-\s+")


def _trim(text: str, terms: list[QueryTerm]) -> str:
    """A long sentence cut down to its best clauses (window kept under COMFORT)."""
    if len(text) <= COMFORT:
        return text
    pieces = [p for p in _CLAUSE.split(text) if p]
    if len(pieces) < 2:
        return text[: MAX_ANSWER - 1].rsplit(" ", 1)[0] + "…"
    keys = {q.key for q in terms if q.unigram} | {q.folded for q in terms if q.folded}

    def piece_score(p: str) -> float:
        found = set()
        for t in tokens(p):
            for k in (t.folded, "e:" + t.exact):
                if k in keys:
                    found.add(k)
        return float(len(found))

    scores = [piece_score(p) for p in pieces]
    best = max(range(len(pieces)), key=lambda i: (scores[i], -abs(i)))
    lo = hi = best
    length = len(pieces[best])
    while True:
        grow = []
        if lo > 0 and length + len(pieces[lo - 1]) + 1 <= COMFORT:
            grow.append((scores[lo - 1], 1, lo - 1))
        if hi + 1 < len(pieces) and length + len(pieces[hi + 1]) + 1 <= COMFORT:
            grow.append((scores[hi + 1], 0, hi + 1))
        if not grow:
            break
        _, _, idx = max(grow)
        length += len(pieces[idx]) + 1
        lo, hi = min(lo, idx), max(hi, idx)
    out = " ".join(pieces[lo : hi + 1])
    if len(out) > MAX_ANSWER:
        out = out[: MAX_ANSWER - 2].rsplit(" ", 1)[0]
    return ("… " if lo > 0 else "") + out + (" …" if hi < len(pieces) - 1 else "")


def _fmt_date(d) -> str | None:
    return d.strftime("%d/%m/%Y") if d else None


def answer_question(index: KnowledgeIndex, question: str, *, k: int = 8) -> Answer:
    question = expand_shorthand((question or "").strip())
    if not question:
        return Answer(False, "", reason="empty question")
    if small_talk(question):
        return Answer(False, "", reason="small talk, not a question to the documents")
    question = expand_abbreviations(index, question)
    hits = index.search(question, k=k)
    if not hits:
        return Answer(False, "", reason="no passage shares a word with the question")
    terms, qtoks = index.query_terms(question)
    hits = from_named_document(index, question, hits, k)
    hits = issued_document_first(index, question, hits, k)  # «KH 18 … ký ngày nào?»
    hits = department_first(index, hits, qtoks)  # «Sở Kế hoạch và Đầu tư được bao nhiêu điểm?»
    unknown = index.unknown_words(terms)
    if len(unknown) >= MAX_UNKNOWN:
        return Answer(False, "", coverage=hits[0].coverage, reason=f"words unknown to every document: {unknown}")
    chosen: Hit | None = None
    reason = ""
    # «Mục tiêu số 11», «Điều 20»: an item the documents number must be found as numbered.
    label_nouns = {
        label: noun
        for label, noun in question_label_nouns(question).items()
        if label.startswith("dieu ") or (noun and noun != "xep")
    }
    numbered = index.label_hits(label_nouns) if label_nouns else None
    signed = signer_hit(index, hits, qtoks)
    for rank, hit in enumerate(hits[: CANDIDATES + EXTRA_CANDIDATES] if signed is None else ()):
        if hit.score < SCORE_WINDOW * hits[0].score:
            break
        if rank >= CANDIDATES and hit.coverage < EXTRA_COVERAGE:
            continue  # past the first few, only a passage with (nearly) all the question's words
        if hit.coverage < MIN_COVERAGE:
            reason = reason or f"coverage {hit.coverage:.2f} (missing {hit.missing})"
            continue
        problem = constraint_problem(index, hit, qtoks, terms)
        if not problem and numbered is not None and numbered[hit.passage.pid] <= 0:
            problem = f"no item numbered {sorted(label_nouns)} here"
        if problem:
            reason = reason or problem
            continue
        chosen = hit
        break
    if chosen is not None:
        chosen = _better_instead(index, question, chosen, hits, qtoks, terms, numbered)
    chosen = chosen or signed
    if chosen is None:
        return Answer(False, "", coverage=hits[0].coverage, reason=reason)

    text = (
        with_children(index, chosen.passage)
        or with_siblings(index, chosen.passage, " ".join(t.folded for t in qtoks))
        or _trim(_with_sentence_context(index, chosen, terms), terms)
    )
    text = with_second_part(index, question, chosen, hits, qtoks, terms, text)  # «… bao nhiêu xã và bao nhiêu phiếu?»
    text = _YEAR_RANGE.sub(r"\1-\2", text)  # «2021 - 2030» written as a period is read as one
    return Answer(True, text, _sources(index, chosen, hits), coverage=chosen.coverage)


def _better_instead(
    index: KnowledgeIndex, question: str, chosen: Hit, hits: list[Hit], qtoks, terms: list[QueryTerm], numbered
) -> Hit:
    """The passage chosen, or one that answers what is asked better (each in turn, and none that is
    not the item the question numbers)."""
    choices = (
        # a year's figure asked without a target named: what was achieved, not the plan's target
        lambda c: achieved_instead(index, question, c, qtoks, terms),
        lambda c: framed_instead(index, question, c, hits, qtoks, terms),  # «ít nhất 20 thủ tục»
        lambda c: whole_year_instead(index, c, hits, qtoks, terms),  # «kỳ năm», not «6 tháng»
        lambda c: list_instead(index, question, c, hits, qtoks, terms),  # «là những cơ quan nào»
        lambda c: covered_instead(index, c, hits, qtoks, terms),
    )
    for choose in choices:
        other = choose(chosen)
        if other is not None and (numbered is None or numbered[other.passage.pid] > 0):
            chosen = other
    return chosen


def _sources(index: KnowledgeIndex, chosen: Hit, hits: list[Hit]) -> list[Source]:
    """The chosen passage's document, then each other document with a hit nearly as good."""
    sources: list[Source] = []
    seen: set[int] = set()
    for hit in [chosen] + [h for h in hits if h is not chosen]:
        d = hit.passage.doc
        if d in seen:
            continue
        if hit is not chosen and (hit.score < 0.5 * chosen.score or hit.coverage < MIN_COVERAGE):
            continue
        seen.add(d)
        doc = index.docs[d]
        sources.append(
            Source(
                doc.file_name,
                doc.title,
                hit.score,
                doc.number,
                _fmt_date(doc.date),
                doc.issuer,
                doc.kind,
                doc.source,
                doc.reports_on,
            )
        )
    return sources


_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s+[-–]\s+((?:19|20)\d\d)\b")


def _with_sentence_context(index: KnowledgeIndex, hit: Hit, terms: list[QueryTerm]) -> str:
    """The chunk, grown with the neighbouring chunks of its own sentence while short enough;
    a bare heading gets the next sentence."""
    p = hit.passage
    keys = {q.key for q in terms if q.unigram} | {q.folded for q in terms if q.folded}
    lo = hi = p.pid
    text_len = len(p.text)

    def same_sentence(q: int) -> bool:
        return 0 <= q < index.n and index.passages[q].doc == p.doc and index.passages[q].sent == p.sent

    while True:
        options = []
        for q in (lo - 1, hi + 1):
            if same_sentence(q) and text_len + 1 + len(index.passages[q].text) <= COMFORT:
                options.append((len(keys & index.passage_terms[q]), q == hi + 1, q))
        if not options:
            break
        _, _, q = max(options)
        text_len += 1 + len(index.passages[q].text)
        lo, hi = min(lo, q), max(hi, q)
    # An answer that runs on into the next (or previous) sentence keeps it: a neighbour with
    # question words the passage lacks is added while the answer stays short enough.
    have: set[str] = set().union(*(index.passage_terms[q] for q in range(lo, hi + 1)))
    wanted = {q.key for q in terms if q.unigram and q.weight >= 1.0} | {
        q.folded for q in terms if q.unigram and q.weight >= 1.0 and q.folded
    }
    lacking = wanted - have - index.meta_terms[p.doc] - index.passage_ctx[p.pid]
    for q in (hi + 1, lo - 1):
        if not lacking or not (0 <= q < index.n) or index.passages[q].doc != p.doc or same_sentence(q):
            continue
        nxt = index.passages[q]
        if index.passage_terms[q] & lacking and text_len + 1 + len(nxt.text) <= COMFORT:
            lacking -= index.passage_terms[q]
            text_len += 1 + len(nxt.text)
            lo, hi = min(lo, q), max(hi, q)
    text = " ".join(index.passages[q].text for q in range(lo, hi + 1))
    if same_sentence(lo - 1):
        text = "… " + text
    if same_sentence(hi + 1):
        text = text + " …"
    if len(text) < 90 and not p.is_title and hi + 1 < index.n and index.passages[hi + 1].doc == p.doc:
        following = index.passages[hi + 1].text
        if len(text) + len(following) + 1 <= COMFORT:
            text = f"{text} {following}"
    return text
