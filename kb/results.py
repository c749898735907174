"""What was achieved rather than what was planned, when the question does not ask for a target.

A province's plan for a year lists each indicator with its target («Chỉ tiêu năm 2023: Từ
95%»); its report or an article at the end of the year gives what was achieved («cấp xã đạt
96,88%»).  Both share the question's words, and the plan's row often shares more.  A question
that asks a figure of that year without naming a target («lac ha 2023 ty le hs dung han cap
xa», «… đạt mấy %», «có vượt chỉ tiêu không») asks what happened: when the passage chosen only
sets a target for the year, a passage further down that reports a figure achieved in that
year, holding (nearly) all of the question's words and passing every check, answers instead.
"""

from __future__ import annotations

import re

from kb.checks import (
    TARGET_Q,
    as_typed,
    asked_years,
    constraint_problem,
    from_named_document,
    local_unit_text,
    own_years,
    period_years,
    phrases,
)
from kb.index import Hit, KnowledgeIndex, QueryTerm, answer_type
from kb.text import tokens

SEARCHED = 20  # passages looked through for a figure achieved
MIN_COVERAGE = 0.9  # ... each with (nearly) all of the question's words

# A target set for a year (folded): «Chỉ tiêu năm 2023: Từ 95%», «phấn đấu», «từ 90% trở lên»
# («kế hoạch» names a document as often as a target, so it is no sign of one here).
_TARGET = re.compile(r"\b(chi tieu nam (?:19|20)\d\d|phan dau|tro len|it nhat|toi thieu|khong duoi|dat tu)\b")
# A figure achieved: «đạt 96,88%», «đã thông qua … 31 thủ tục, vượt chỉ tiêu».
_ACHIEVED = re.compile(r"\b(?:dat|dat duoc|da dat|chiem|len)\s+\d|\d[\d.,]*\s*%?\s*[,;]?\s*(?:vuot|cao hon|dat)\b")
_BEYOND = re.compile(r"\b(?:vuot|cao hon)\b")
# «có vượt chỉ tiêu không», «so với kế hoạch»: the target is named to compare the result with.
_COMPARED_WITH_TARGET = phrases("vượt chỉ tiêu", "vượt kế hoạch", "so với chỉ tiêu", "so với kế hoạch")


def _folded(text: str) -> str:
    return " ".join(t.folded for t in tokens(text))


def _sets_target_only(index: KnowledgeIndex, hit: Hit, years: set[str]) -> bool:
    """The passage only sets a target for the asked year: each clause naming it (or, in a
    passage naming no year, the whole of it when its document is of that year)."""
    unit = local_unit_text(index, hit.passage)
    clauses = [c for c in re.split(r"[;()]", unit) if years & period_years(c)]
    if not clauses and not period_years(unit) and years & period_years(index.docs[hit.passage.doc].title):
        clauses = [unit]
    return bool(clauses) and all(_TARGET.search(_folded(c)) and not _ACHIEVED.search(_folded(c)) for c in clauses)


def _reports_achieved(index: KnowledgeIndex, hit: Hit, years: set[str]) -> bool:
    """The passage's sentence gives a figure achieved in the asked year."""
    text = " ".join(p.text for p in index.sentence_of(hit.passage))
    if not years & own_years(text):
        return False
    sentence = _folded(text)
    return bool(_ACHIEVED.search(sentence)) and (not _TARGET.search(sentence) or bool(_BEYOND.search(sentence)))


def achieved_instead(index: KnowledgeIndex, question: str, chosen: Hit, qtoks, terms: list[QueryTerm]) -> Hit | None:
    """A passage reporting what was achieved in the year the question asks a figure of, when
    ``chosen`` only sets the target for it and the question asks for no target; else None."""
    years = asked_years(qtoks)
    typed = _COMPARED_WITH_TARGET.sub(" ", as_typed(qtoks))
    if not years or TARGET_Q.search(typed) or answer_type(qtoks) != "number":
        return None
    if not _sets_target_only(index, chosen, years):
        return None
    hits = from_named_document(index, question, index.search(question, k=SEARCHED), SEARCHED)
    for hit in hits:
        if hit.passage.pid == chosen.passage.pid or hit.coverage < MIN_COVERAGE:
            continue
        if _reports_achieved(index, hit, years) and not constraint_problem(index, hit, qtoks, terms):
            return hit
    return None
