"""Short forms typed in a question that no document writes, read from the documents' own words.

Officers shorten what they type on phones: «BS» for Bình Sơn, «KQ» for kết quả, «HCC» for
hành chính công, «ktra» for kiểm tra.  A word of the question that no document contains and
that cannot be one Vietnamese syllable is read

* as initials, when it has no vowel, or is typed in capitals three letters or more: each
  letter the first of a word, the words a run the documents write (``kq`` → ``ket qua``,
  ``hcc`` → ``hanh chinh cong``, ``BCCI`` → ``buu chinh cong ich``);
* as a first letter before a syllable, otherwise (``ktra`` → ``kiem tra``, ``nvu`` →
  ``nhiem vu``);
* as a misspelt word, failing those: a word of the documents one letter away, with the same
  first letter, that they write next to the question's word before or after it (``Xây dựg``
  → ``xay dung``).  A syllable, a word in capitals or one with no vowel is never read so.

Of the runs that fit, the most common is taken.  Two letters: the commonest pair of words
that stands on its own (``word_pairs``: a pair that straddles two words, «lệ hồ» of «tỷ lệ hồ
sơ», does not count).  Three letters or more: the run most passages write as it stands within
one phrase (``cqnn`` → ``co quan nha nuoc``, ``bdv`` → ``ban dan van`` though «ban» binds «ban
hành» far more; «tỉnh. Số liệu» is no run).  Words that only join others («của», «và»...) take
no part in a run.  The short forms the lexicon knows (``kh``, ``hs``...) are
left to it.
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass, field

import numpy as np

from kb.index import KnowledgeIndex
from kb.lexicon import variant_pairs, variant_words
from kb.text import fold, is_syllable, tokens

MAX_LETTERS = 8  # longer words are not read as initials
BOUND = 0.5  # a pair weaker than this share of its words' other pairs straddles two words
CHECKED = 50  # passages read to find a run of three words or more written as it stands
BEAM = 40  # runs kept while a run of initials is extended letter by letter
_VOWELS = frozenset("aeiouy")
# Words that join others and stand in no name (folded); the search's stop words are too many
# for this: «hà», «chi», «con» are parts of names.
_FUNCTION_WORDS = frozenset(
    "la va cua cac nhung cho voi khong duoc trong tai theo de thi nay mot hoac khi neu boi vi nen cung "
    "da dang se roi nhu ve o".split()
)
_WORD = re.compile(rf"(?<![\w/&.-])([^\W\d_]{{2,{MAX_LETTERS}}})(?![\w/&-])")


@dataclass
class _Pairs:
    """The documents' pairs of neighbouring words (folded, no joining words) with how strongly
    each stands on its own, by the first letters of the pair and by the first or the second
    word, each list strongest first (``strength`` is negated so that lists sort ascending; 0
    for a pair that straddles two words)."""

    by_initials: dict[tuple[str, str], list[tuple[float, str, str]]] = field(default_factory=dict)
    following: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    before: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    count: dict[tuple[str, str], float] = field(default_factory=dict)


_PAIRS: weakref.WeakKeyDictionary[KnowledgeIndex, _Pairs] = weakref.WeakKeyDictionary()


def word_pairs(index: KnowledgeIndex) -> _Pairs:
    """Read once per index, when a question first needs it (an index never changes).

    A pair counts by the passages holding it, and only when it is no weaker than half of what
    binds its words to their other neighbours: «lệ hồ» of «tỷ lệ hồ sơ» is found often, but
    «tỷ lệ» and «hồ sơ» far more, so it straddles two words; «Lạc Hà» is not outweighed by
    «tỉnh Lạc» or «Hà Nội»."""
    got = _PAIRS.get(index)
    if got is not None:
        return got

    def df(idf: float) -> float:  # the number of passages, back from BM25's idf
        return max((index.n + 1) / math.exp(idf) - 0.5, 0.0)

    counts: dict[tuple[str, str], float] = {}
    left_max: dict[str, float] = {}  # word -> the count of its most frequent pair with a word before it
    right_max: dict[str, float] = {}
    for key, idf in index.idf.items():
        if not key.startswith("b:"):
            continue
        a, _, b = key[2:].partition(" ")
        if not (a.isalpha() and b.isalpha()):
            continue
        c = df(idf)
        left_max[b] = max(left_max.get(b, 0.0), c)
        right_max[a] = max(right_max.get(a, 0.0), c)
        if a not in _FUNCTION_WORDS and b not in _FUNCTION_WORDS and is_syllable(a) and is_syllable(b):
            counts[(a, b)] = c

    pairs = _Pairs(count=counts)
    for (a, b), c in counts.items():
        inner = -c  # inside a run only the pair's count matters
        strength = -c if c >= BOUND * max(left_max.get(a, 0.0), right_max.get(b, 0.0)) else 0.0
        pairs.by_initials.setdefault((a[0], b[0]), []).append((strength, a, b))
        pairs.following.setdefault(a, []).append((inner, b))
        pairs.before.setdefault(b, []).append((strength, a))
    for table in (pairs.by_initials, pairs.following, pairs.before):
        for runs in table.values():
            runs.sort()
    _PAIRS[index] = pairs
    return pairs


def _initials(index: KnowledgeIndex, pairs: _Pairs, letters: str) -> str | None:
    """The run of words whose first letters spell ``letters``.  Two letters: the strongest pair
    that stands on its own.  Three or more: the run most passages write as it stands, within
    one phrase (a run no passage writes is not extended), the commonest of those first."""
    seen: dict[tuple[str, ...], int] = {}

    def written(words: tuple[str, ...]) -> int:
        if words not in seen:
            seen[words] = _written(index, words)
        return seen[words]

    first = pairs.by_initials.get((letters[0], letters[1]), [])
    if len(letters) > 2:
        # A longer run must be written as it stands: its first pair need not stand on its own
        # («Ban Dân vận»: «ban» binds «ban hành» far more).
        first = sorted((-pairs.count[(a, b)], a, b) for _, a, b in first)
    beam: list[tuple[float, tuple[str, ...]]] = [(s, (a, b)) for s, a, b in first[:BEAM]]
    for letter in letters[2:]:
        grown: list[tuple[float, tuple[str, ...]]] = [
            (max(worst, s), (*words, w))
            for worst, words in beam
            for s, w in pairs.following.get(words[-1], ())
            if w[0] == letter
        ]
        # A run of three words or more that no passage writes as it stands goes no further.
        beam = [run for run in sorted(grown) if written(run[1])][:BEAM]
    if len(letters) == 2:
        return next((" ".join(words) for strength, words in beam if strength < 0), None)
    # The run written most often as it stands, of those the beam kept.
    runs = [(written(words), -strength, words) for strength, words in beam]
    return " ".join(max(runs)[2]) if runs else None


def _written(index: KnowledgeIndex, words: tuple[str, ...]) -> int:
    """How many passages write the run as it stands, within one phrase (its pairs may come from
    several passages; «tỉnh. Số liệu» is no run)."""
    ids = None
    for a, b in zip(words, words[1:]):
        got = index.postings.get(f"b:{a} {b}")
        if got is None:
            return 0
        ids = got[0] if ids is None else np.intersect1d(ids, got[0])
    if ids is None:
        return 0
    run = f" {' '.join(words)} "
    return sum(
        any(
            run in f" {' '.join(t.folded for t in tokens(phrase))} "
            for phrase in _PHRASE.split(index.passages[int(pid)].text)
        )
        for pid in ids[:CHECKED]
    )


_PHRASE = re.compile(r"[.,;:()?!–]\s|[;()|]")


def _first_letter(pairs: _Pairs, word: str) -> str | None:
    """``ktra`` → ``kiem tra``: the strongest pair of a word starting with the first letter
    and the syllable that follows it."""
    for s, a in pairs.before.get(word[1:], ()):
        if a[0] == word[0] and s < 0:
            return f"{a} {word[1:]}"
    return None


def resolve(index: KnowledgeIndex, word: str, *, before: str = "", after: str = "") -> str | None:
    """What a short form stands for in the documents (folded words), or None; ``before`` and
    ``after``, the question's words around it, tell a misspelt word."""
    folded = fold(word)
    # cheapest first: nearly every word of a question is a word of the documents
    if folded in index.idf or is_syllable(folded) or not (2 <= len(folded) <= MAX_LETTERS and folded.isalpha()):
        return None
    read = tokens(word)
    if len(read) != 1 or read[0].kind != "word" or folded in variant_words():
        return None  # «HN», «TPHCM», «kh»: short forms the reading or the lexicon knows
    pairs = word_pairs(index)
    if not _VOWELS & set(folded) or (word.isupper() and len(folded) >= 3):
        # no vowel, or capitals typed as a run of initials («BCCI», «ATTT»)
        got = _initials(index, pairs, folded)
        if got or not _VOWELS & set(folded):
            return got
    if len(folded) >= 3 and folded[0] not in _VOWELS and folded[1:] in index.idf and is_syllable(folded[1:]):
        got = _first_letter(pairs, folded)
        if got:
            return got
    return _misspelt(index, folded, fold(before), fold(after)) if len(folded) >= 3 and not word.isupper() else None


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _misspelt(index: KnowledgeIndex, folded: str, before: str, after: str) -> str | None:
    """«Xây dựg» → ``dung``: a word of the documents one letter away (a letter left out, added,
    changed or two swapped), with the same first letter, that the documents write next to the
    question's word before or after it (the commonest such pair)."""
    near: set[str] = set()
    for i in range(len(folded) + 1):
        head, tail = folded[:i], folded[i:]
        near.update(head + c + tail for c in _LETTERS)
        if tail:
            near.add(head + tail[1:])
            near.update(head + c + tail[1:] for c in _LETTERS)
        if len(tail) > 1:
            near.add(head + tail[1] + tail[0] + tail[2:])
    paired = [
        (idf, w)
        for w in near
        if w[0] == folded[0] and w in index.idf  # a folded word of the documents
        for idf in (index.idf.get(f"b:{before} {w}"), index.idf.get(f"b:{w} {after}"))
        if idf is not None
    ]
    return min(paired)[1] if paired else None


_LAST_WORD = re.compile(r"([^\W\d_]+)\s+$")
_FIRST_WORD = re.compile(r"\s+([^\W\d_]+)")


def expand_abbreviations(index: KnowledgeIndex, question: str) -> str:
    """The question with the short forms no document writes replaced by what they stand for."""

    def written_out(m: re.Match[str]) -> str:
        before = _LAST_WORD.search(question, 0, m.start())
        after = _FIRST_WORD.match(question, m.end())
        word = fold(m.group(1))
        if (before and (fold(before.group(1)), word) in variant_pairs()) or (
            after and (word, fold(after.group(1))) in variant_pairs()
        ):
            return m.group(0)  # «Sở GD ĐT»: a form of the lexicon
        return resolve(
            index, m.group(1), before=before.group(1) if before else "", after=after.group(1) if after else ""
        ) or m.group(0)

    return _WORD.sub(written_out, question)
