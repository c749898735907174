"""A question that asks two things is answered with the two passages that answer them.

«Khảo sát cấp xã bao nhiêu xã và bao nhiêu phiếu?», «có bao nhiêu hồ sơ quá hạn, trong đó bao
nhiêu có văn bản xin lỗi?»: the two figures often sit in two neighbouring items, rows or
sentences of one document, each as good a match as the other.  When the question has two
clauses that each ask something, the passage chosen is followed by the next best one of the same
document (another paragraph, item or row, nearly as good a match, passing every check) while the
answer stays within its length.
"""

from __future__ import annotations

import re

from kb.checks import as_typed, constraint_problem, phrases
from kb.index import Hit, KnowledgeIndex, QueryTerm
from kb.lists import MAX_ANSWER
from kb.text import tokens

CLOSE = 0.85  # the second passage scores at least this share of the first's
LOOKED_AT = 5  # among the best hits

_ASKS = phrases("bao nhiêu", "mấy", "nào", "gì", "ai", "khi nào", "ở đâu", "thế nào", "ra sao", "bao giờ")
_CLAUSES = re.compile(r"\s(?:và|va|còn|con|đồng thời|dong thoi|trong đó|trong do)\s|[,;?]", re.IGNORECASE)


def asks_two_things(question: str) -> bool:
    """Two clauses of the question each ask something."""
    return sum(1 for clause in _CLAUSES.split(question) if _ASKS.search(as_typed(tokens(clause)))) >= 2


def with_second_part(
    index: KnowledgeIndex, question: str, chosen: Hit, hits: list[Hit], qtoks, terms: list[QueryTerm], text: str
) -> str:
    """``text`` (the chosen passage's answer) followed by the passage that answers the question's
    other part, when there is one and both fit in MAX_ANSWER characters."""
    if not asks_two_things(question):
        return text
    p = chosen.passage
    for hit in hits[:LOOKED_AT]:
        other = hit.passage
        if other.doc != p.doc or other.unit == p.unit or hit.score < CLOSE * chosen.score:
            continue
        more = " ".join(q.text for q in index.unit_of_passage(other))
        if more[:60] in text or len(text) + 1 + len(more) > MAX_ANSWER:
            continue
        if not constraint_problem(index, hit, qtoks, terms):
            return f"{text} {more}"
    return text
