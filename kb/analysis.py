"""Reading one document for the search index: its passages and their terms.

A document is read as the outline it was written in (``kb.structure``):
paragraphs, numbered items and points, articles, table rows with their column
headers.  Each unit is cut into passages (a sentence, or a clause-packed chunk
of a long one) that keep their unit's heading path and own number.  A passage
is indexed under:

* folded unigrams (``tthc``, ``sipas``, ``1720``, ``27/kh-ubnd``),
* accented unigrams (``e:hoa1``), used for the words a question typed with
  diacritics, so "lương" does not match "luồng",
* folded bigrams (``b:don gian``), which reward the right word order,
* its own number (``#9``, ``#3.5``, ``#dieu 7``), for "mục tiêu số 9";

and, as a weaker second field, the words of its heading path.

The reading of one document (``analyse``) is kept with the document
(``kb.store``), so a process assembles the index (``kb.index``) from stored
analyses instead of reading every text again, and adding a document costs
only that document's reading.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from kb.structure import units
from kb.text import Token, fold, is_stopword, places_named, tokens, years_in

ANALYSER_VERSION = 13  # bump when ``analyse`` changes what it produces


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
    kind: str | None = None  # "document" or "article": how it is cited (kb.meta)
    source: str | None = None  # an article's publisher
    reports_on: str | None = None  # the document an article reports on


@dataclass
class PassageData:
    """One passage as ``analyse`` produces it (no position in an index yet)."""

    text: str
    kind: str
    unit: int
    sent: int
    label: str
    context: tuple[str, ...]
    terms: list[str]  # with repeats: term frequencies
    ctx_terms: list[str]  # distinct terms of the heading path
    numbers: list[str]  # numbers and codes in the passage
    length: int


@dataclass
class DocAnalysis:
    """Everything the index needs of one document, computed once and stored."""

    version: int
    passages: list[PassageData]
    meta_terms: list[str]
    places: list[str]
    years: list[str]
    home_places: list[str] = field(default_factory=list)  # named in its title or letterhead


def label_key(label: str) -> str:
    return "#" + fold(label).lstrip("0") if label else ""


# -- splitting -------------------------------------------------------------------

_NO_SPLIT_AFTER = re.compile(r"(?:\b(?:TP|Tp|tp|TS|ThS|PGS|GS|Q|P|TT|Th|St|ông|bà|số|No)|(?:^|\s)\d{1,2})\.$")
_SENT_END = re.compile(r"(?<=[.!?…])\s+|(?<=\.[”\"'])\s+")


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
UNIT_WHOLE = 420  # a list item or table row up to this long is one passage


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


def _ctx_terms(context: tuple[str, ...], cache: dict[tuple[str, ...], list[str]]) -> list[str]:
    got = cache.get(context)
    if got is None:
        keys: set[str] = set()
        for heading in context:
            toks = tokens(heading)
            for t in toks:
                if not is_stopword(t):
                    keys.add(t.folded)
                    if t.exact != t.folded:
                        keys.add("e:" + t.exact)
            keys.update(f"b:{a.folded} {b.folded}" for a, b in zip(toks, toks[1:]))
        got = cache[context] = sorted(keys)
    return got


def analyse(doc: IndexedDoc) -> DocAnalysis:
    """One document read into passages and their terms (pure; the part of the index kept per document)."""
    meta_text = " ".join(
        x for x in (doc.title, doc.number or "", doc.issuer or "", doc.reports_on or "", doc.source or "") if x
    )
    meta_toks = tokens(meta_text)
    meta_terms = set(_passage_terms(meta_toks))
    # The document's own places: its title, issuer and letterhead.
    head = "\n".join(doc.text.splitlines()[:6])
    home = places_named(f"{meta_text}\n{head}")
    counts: Counter[str] = Counter()
    for line in doc.text.splitlines():
        counts.update(places_named(line))
    places = set(counts) | home
    if counts and not home:  # an article's title may not say where: the place it names most
        top, n = counts.most_common(1)[0]
        if n >= 3:
            home.add(top)
    passages: list[PassageData] = []
    ctx_cache: dict[tuple[str, ...], list[str]] = {}
    title_norm = doc.title.strip()
    doc_units = units(doc.text)
    if not any(u.text.strip() == title_norm for u in doc_units[:4]):
        passages.append(_passage(title_norm, "title", 0, 0, "", (), ctx_cache))
    facts = document_facts(doc)
    if facts:
        passages.append(_passage(facts, "facts", 0, 0, "", (), ctx_cache))
    sent = 1
    for u_no, unit in enumerate(doc_units, start=1):
        kind = "title" if unit.text.strip() == title_norm else unit.kind
        if unit.kind in ("item", "row") and len(unit.text) <= UNIT_WHOLE:
            sentences = [unit.text]
        else:
            sentences = split_sentences(unit.text) or [unit.text]
        for s_i, sentence in enumerate(sentences):
            for chunk in split_chunks(sentence):
                # The unit's number belongs to its first passage only.
                label = unit.label if s_i == 0 else ""
                p = _passage(chunk, kind, u_no, sent, label, unit.context, ctx_cache)
                if p.length:
                    passages.append(p)
            sent += 1
    return DocAnalysis(
        ANALYSER_VERSION,
        passages,
        sorted(meta_terms),
        sorted(places),
        sorted(years_in(f"{doc.title} {doc.text}")),
        sorted(home),
    )


_UNPAD = re.compile(r"(?<![\d/])0(\d)(?=/)|(?<=/)0(\d)(?=/)")


_BYLINE = re.compile(r"^([A-ZĐ][^\W\d_]*(?:[ \t]+[A-ZĐ][^\W\d_]*){1,3})(?:[ \t]*\([^()]{2,80}\))?$")


def byline(text: str) -> str:
    """An article's author: a short line of two to four capitalised words (and an affiliation
    in brackets) among its last lines, as news sites sign them («Tuấn Anh (Phòng Tư pháp)»)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][-5:]
    for line in reversed(lines):
        m = _BYLINE.match(line)
        if m and not m.group(1).isupper():
            return line
    return ""


_SIGNER_TITLE = re.compile(
    r"(PHÓ CHỦ TỊCH|CHỦ TỊCH|PHÓ GIÁM ĐỐC|GIÁM ĐỐC|PHÓ TRƯỞNG BAN|TRƯỞNG BAN|"
    r"CHÁNH VĂN PHÒNG|BÍ THƯ|THỦ TRƯỞNG)"
)
_TITLE_CASE = {
    "PHÓ CHỦ TỊCH": "Phó Chủ tịch",
    "CHỦ TỊCH": "Chủ tịch",
    "PHÓ GIÁM ĐỐC": "Phó Giám đốc",
    "GIÁM ĐỐC": "Giám đốc",
    "PHÓ TRƯỞNG BAN": "Phó Trưởng ban",
    "TRƯỞNG BAN": "Trưởng ban",
    "CHÁNH VĂN PHÒNG": "Chánh Văn phòng",
    "BÍ THƯ": "Bí thư",
    "THỦ TRƯỞNG": "Thủ trưởng",
}
_NAME = re.compile(r"(?:\(Đã ký\)\s*)?([A-ZĐ][a-zà-ỹđ]+(?:[ \t]+[A-ZĐ][a-zà-ỹđ]+){1,3})\s*$")


def signer(text: str) -> str:
    """Who signed an official document: the name under its last signing title («KT. CHỦ TỊCH /
    PHÓ CHỦ TỊCH / (Đã ký) Trần Minh Khoa», before any appendix), with that title."""
    tail = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for i in range(len(tail) - 1, -1, -1):
        titles = _SIGNER_TITLE.findall(tail[i])
        if not titles:
            continue
        rest = [tail[i].split(titles[-1], 1)[1]] + tail[i + 1 : i + 3]
        for line in rest:
            m = _NAME.search(line.strip())
            if m and not m.group(1).isupper():
                return f"{m.group(1)} ({_TITLE_CASE.get(titles[-1], titles[-1].capitalize())})"
        return ""
    return ""


def document_facts(doc: IndexedDoc) -> str:
    """What the citation knows of a document, as a sentence that can answer
    «bài viết đăng ngày nào», «ai ban hành Kế hoạch 18/KH-UBND»."""
    when = f"{doc.date.day}/{doc.date.month}/{doc.date.year}" if doc.date else ""
    if doc.kind == "article":
        parts = [f"Bài viết «{doc.title}»"]
        if when:
            parts.append(f"đăng ngày {when}")
        if doc.source:
            parts.append(f"nguồn {doc.source}")
        if doc.reports_on:
            parts.append("về " + _UNPAD.sub(lambda m: m.group(1) or m.group(2), doc.reports_on))
        author = byline(doc.text)
        if author:
            parts.append(f"tác giả {author}")
        return ", ".join(parts) + "." if len(parts) > 1 else ""
    if not doc.number:
        return ""
    text = f"{doc.title} số {doc.number}"
    if when:
        text += f" ban hành ngày {when}"
    if doc.issuer:
        text += f" của {doc.issuer}"
    who = signer(doc.text)
    if who:
        text += f", người ký: {who}"
    return text + "."


def _passage(
    text: str,
    kind: str,
    unit: int,
    sent: int,
    label: str,
    context: tuple[str, ...],
    ctx_cache: dict[tuple[str, ...], list[str]],
) -> PassageData:
    toks = tokens(text)
    terms = _passage_terms(toks)
    if label:
        terms.append(label_key(label))
    numbers = sorted({t.folded for t in toks if t.kind in ("num", "code")})
    return PassageData(
        text, kind, unit, sent, label, context, terms, _ctx_terms(context, ctx_cache), numbers, len(toks)
    )
