"""«KH 18 về CCHC năm 2024 của Bình Sơn ký ngày nào?»: the day a document was signed, asked of a
document the knowledge base holds, is answered from that document, not from another one that
cites it in its «Căn cứ …» lines."""

from __future__ import annotations

import re
from datetime import date

from kb.index import DOCUMENT_KINDS, Hit, KnowledgeIndex
from kb.text import fold

# «ký ngày nào», «ban hành ngày bao nhiêu», «ngày ký», «ban hành vào ngày mấy» (folded)
_ISSUED_Q = re.compile(
    r"\b(?:ky|ban hanh)\s+(?:vao\s+)?ngay\s+(?:nao|bao nhieu|may)\b|\bngay\s+(?:ky|ban hanh)\b(?!\s+(?:den|toi))"
)
# a document named by its kind and number: «KH 18», «Quyết định số 412/QĐ-UBND», «cv 356»
_NAMED = re.compile(rf"\b({DOCUMENT_KINDS})\s+(?:so\s+)?0*(\d+)(/[\w./-]+)?")
# a kind of document named, with a number or without («Luật Thi đua, khen thưởng»)
_KIND = re.compile(rf"\b(?:{DOCUMENT_KINDS})\b")
# the code a kind of document writes in its number («18/KH-UBND»); a letter's has none
_CODES = {
    "ke hoach": "kh",
    "kh": "kh",
    "quyet dinh": "qd",
    "qd": "qd",
    "thong bao": "tb",
    "tb": "tb",
    "huong dan": "hd",
    "hd": "hd",
    "bao cao": "bc",
    "bc": "bc",
    "chuong trinh": "ctr",
    "ctr": "ctr",
}


def issued_document(index: KnowledgeIndex, question: str) -> int | None:
    """The document whose own number the question names just before asking the day it was signed;
    ``None`` when it asks no such day, or names a document the knowledge base does not hold (a
    decree a plan cites is answered from the plan's «Căn cứ» line)."""
    folded = fold(question)
    asked = _ISSUED_Q.search(folded)
    if asked is None:
        return None
    named = list(_NAMED.finditer(folded, 0, asked.start()))
    if not named:
        return None
    if any(k.start() >= named[-1].end() for k in _KIND.finditer(folded, 0, asked.start())):
        return None  # «QĐ 412 căn cứ Luật Thi đua, khen thưởng ban hành ngày nào»: the law's day
    kind, number, rest = named[-1].groups()  # «TB 47 căn cứ QĐ 2710 ban hành ngày nào»: the last
    code = _CODES.get(kind)
    own = []
    for d, doc in enumerate(index.docs):
        if not doc.number:
            continue
        theirs = fold(doc.number)
        head, _, tail = theirs.partition("/")
        if head.lstrip("0") != number or (rest and tail != rest[1:]) or (code and not re.match(rf"{code}\b", tail)):
            continue
        own.append(d)
    return own[0] if len(own) == 1 else None


def issued_document_first(index: KnowledgeIndex, question: str, hits: list[Hit], k: int) -> list[Hit]:
    """``hits`` with the passages of the document asked about (``issued_document``) first."""
    doc = issued_document(index, question)
    if doc is None:
        return hits
    first = [h for h in index.search(question, k=max(k, 40)) if h.passage.doc == doc][:k]
    day = index.docs[doc].date
    if day is not None:
        # its dateline («Bình Sơn, ngày 12 tháng 01 năm 2024») before the decrees it cites
        dated = _dated(day)
        first.sort(key=lambda h: not dated.search(h.passage.text))
    return first + [h for h in hits if h.passage.doc != doc] if first else hits


def _dated(day: date) -> re.Pattern[str]:
    """The day written as documents write it: «12/01/2024», «12/1/2024», «ngày 12 tháng 01 năm 2024»."""
    d, m, y = day.day, day.month, day.year
    return re.compile(rf"\b0?{d}/0?{m}/{y}\b|\bngày\s+0?{d}\s+tháng\s+0?{m}\s+năm\s+{y}\b", re.IGNORECASE)
