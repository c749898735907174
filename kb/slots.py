"""Of the passages nearly as good a match as the one chosen and passing every check, one that fits
what the question asks better answers instead:

* the question's frame around the figure asked («ít nhất bao nhiêu thủ tục?», «xếp loại Tốt từ mấy
  điểm?») written around a figure («ít nhất 20 thủ tục», «Tốt từ 90 điểm»);
* a list, when several things are asked («… là những cơ quan nào?»);
* more of the question's words («nội dung phong trào thi đua cao điểm đã mang nhiều yếu tố…»
  against a sentence that shares only «phong trào thi đua cao điểm»);
* the whole year, when no part of it is asked («báo cáo kỳ năm 2024 chốt số liệu từ ngày nào?»,
  not «Kỳ báo cáo: 6 tháng đầu năm 2024»), unless the document is itself of a part of the year.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.checks import constraint_problem, periods_in
from kb.index import Hit, KnowledgeIndex, QueryTerm
from kb.lists import with_children
from kb.text import fold

WINDOW = 0.85  # a passage this close to the chosen one's score may answer instead
SEARCHED = 4  # passages after the chosen one looked at
COVERAGE_MARGIN = 0.12  # «clearly more of the question's words» (swept 0.05–0.15 on the deciding halves)

# «<word> bao nhiêu|mấy <word>» (folded)
_SLOT_Q = re.compile(r"\b(\w+)\s+(?:bao nhieu|may)\s+(\w+)\b")
_FIGURE = r"\d[\d.,]*\s*%?"


def _nearly_as_good(
    index: KnowledgeIndex, chosen: Hit, hits: list[Hit], qtoks, terms: list[QueryTerm], fits: Callable[[Hit], bool]
) -> Hit | None:
    """The first of the next few hits, within ``WINDOW`` of ``chosen``'s score, that ``fits`` and
    passes every check."""
    after = [h for h in hits if h.passage.pid != chosen.passage.pid and h.score >= WINDOW * chosen.score]
    for hit in after[:SEARCHED]:
        if fits(hit) and not constraint_problem(index, hit, qtoks, terms):
            return hit
    return None


def _frames(question: str) -> list[re.Pattern[str]]:
    return [
        re.compile(rf"\b{re.escape(before)}\s+{_FIGURE}\s+{re.escape(after)}\b")
        for before, after in _SLOT_Q.findall(fold(question))
    ]


def framed_instead(
    index: KnowledgeIndex, question: str, chosen: Hit, hits: list[Hit], qtoks, terms: list[QueryTerm]
) -> Hit | None:
    """A passage among the next few, within ``WINDOW`` of ``chosen``'s score and passing every
    check, that writes the question's frame around a figure where ``chosen`` does not."""
    frames = _frames(question)
    if not frames:
        return None

    def framed(hit: Hit) -> bool:
        text = fold(" ".join(p.text for p in index.unit_of_passage(hit.passage)))
        return any(f.search(text) for f in frames)

    return None if framed(chosen) else _nearly_as_good(index, chosen, hits, qtoks, terms, framed)


# «… là những cơ quan nào?», «gồm những gì», «các tiêu chí nào» (folded): several things are asked
_MANY_Q = re.compile(r"\b(?:nhung|cac)\s+(?:\w+\s+){0,3}?(?:nao|gi)\b|\bgom\s+(?:nhung\s+)?(?:gi|ai)\b")


def list_instead(index: KnowledgeIndex, question: str, chosen: Hit, hits: list[Hit], qtoks, terms) -> Hit | None:
    """«Ba cơ quan xếp loại Tốt là những cơ quan nào?»: a passage nearly as good a match as the one
    chosen that heads a list («a) Nhóm xếp loại Tốt (03 cơ quan):») answers with the list, when the
    one chosen heads none."""
    if not _MANY_Q.search(fold(question)) or with_children(index, chosen.passage):
        return None
    return _nearly_as_good(index, chosen, hits, qtoks, terms, lambda h: bool(with_children(index, h.passage)))


def _own_periods(index: KnowledgeIndex, hit: Hit) -> set[str]:
    return periods_in(" ".join(p.text for p in index.unit_of_passage(hit.passage)))


def whole_year_instead(
    index: KnowledgeIndex, chosen: Hit, hits: list[Hit], qtoks, terms: list[QueryTerm]
) -> Hit | None:
    """A passage of no part of the year, when the question names none and the one chosen does."""
    if periods_in(" ".join(t.surface for t in qtoks)) or not _own_periods(index, chosen):
        return None
    if periods_in(index.docs[chosen.passage.doc].title):
        return None  # a quarter's report speaks of its quarter, asked or not
    return _nearly_as_good(index, chosen, hits, qtoks, terms, lambda h: not _own_periods(index, h))


def covered_instead(index: KnowledgeIndex, chosen: Hit, hits: list[Hit], qtoks, terms: list[QueryTerm]) -> Hit | None:
    """A passage nearly as good a match that holds clearly more of the question's words
    (``COVERAGE_MARGIN`` more of their weight) than the one chosen."""
    return _nearly_as_good(index, chosen, hits, qtoks, terms, lambda h: h.coverage >= chosen.coverage + COVERAGE_MARGIN)
