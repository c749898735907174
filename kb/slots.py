"""«… ít nhất bao nhiêu thủ tục?», «xếp loại Tốt từ mấy điểm?»: the words on both sides of the figure
asked are the words the answer writes around its figure («ít nhất 20 thủ tục», «Tốt từ 90 điểm»).
Of the passages nearly as good a match as the one chosen, one that writes the question's frame with
a figure in it answers instead, when the one chosen does not."""

from __future__ import annotations

import re

from kb.checks import constraint_problem
from kb.index import Hit, KnowledgeIndex, QueryTerm
from kb.lists import with_children
from kb.text import fold

WINDOW = 0.85  # a passage this close to the chosen one's score may answer instead
SEARCHED = 4  # passages after the chosen one looked at

# «<word> bao nhiêu|mấy <word>» (folded)
_SLOT_Q = re.compile(r"\b(\w+)\s+(?:bao nhieu|may)\s+(\w+)\b")
_FIGURE = r"\d[\d.,]*\s*%?"


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

    if framed(chosen):
        return None
    after = [h for h in hits if h.passage.pid != chosen.passage.pid and h.score >= WINDOW * chosen.score]
    for hit in after[:SEARCHED]:
        if framed(hit) and not constraint_problem(index, hit, qtoks, terms):
            return hit
    return None


# «… là những cơ quan nào?», «gồm những gì», «các tiêu chí nào» (folded): several things are asked
_MANY_Q = re.compile(r"\b(?:nhung|cac)\s+(?:\w+\s+){0,3}?(?:nao|gi)\b|\bgom\s+(?:nhung\s+)?(?:gi|ai)\b")


def list_instead(index: KnowledgeIndex, question: str, chosen: Hit, hits: list[Hit], qtoks, terms) -> Hit | None:
    """«Ba cơ quan xếp loại Tốt là những cơ quan nào?»: a passage nearly as good a match as the one
    chosen that heads a list («a) Nhóm xếp loại Tốt (03 cơ quan):») answers with the list, when the
    one chosen heads none."""
    if not _MANY_Q.search(fold(question)) or with_children(index, chosen.passage):
        return None
    after = [h for h in hits if h.passage.pid != chosen.passage.pid and h.score >= WINDOW * chosen.score]
    for hit in after[:SEARCHED]:
        if with_children(index, hit.passage) and not constraint_problem(index, hit, qtoks, terms):
            return hit
    return None
