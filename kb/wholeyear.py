"""«báo cáo CCHC kỳ năm 2024 chốt số liệu từ ngày nào?»: a question that names no part of the year is
about the whole year, unless its document is of a part of it.  When the passage chosen speaks of a part of it («Kỳ báo cáo: 6 tháng đầu năm
2024») and one nearly as good a match, passing every check, speaks of none, that one answers."""

from __future__ import annotations

from kb.checks import constraint_problem, periods_in
from kb.index import Hit, KnowledgeIndex, QueryTerm

WINDOW = 0.85  # a passage this close to the chosen one's score may answer instead
SEARCHED = 4  # passages after the chosen one looked at


def _own_periods(index: KnowledgeIndex, hit: Hit) -> set[str]:
    return periods_in(" ".join(p.text for p in index.unit_of_passage(hit.passage)))


def whole_year_instead(
    index: KnowledgeIndex, chosen: Hit, hits: list[Hit], qtoks, terms: list[QueryTerm]
) -> Hit | None:
    if periods_in(" ".join(t.surface for t in qtoks)) or not _own_periods(index, chosen):
        return None
    if periods_in(index.docs[chosen.passage.doc].title):
        return None  # a quarter's report speaks of its quarter, asked or not
    after = [h for h in hits if h.passage.pid != chosen.passage.pid and h.score >= WINDOW * chosen.score]
    for hit in after[:SEARCHED]:
        if not _own_periods(index, hit) and not constraint_problem(index, hit, qtoks, terms):
            return hit
    return None
