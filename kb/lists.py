"""A list answered whole: a heading, an article or an item ending in «:» quoted with the items
under it, each cut to its first clause when they do not all fit."""

from __future__ import annotations

import re

from kb.index import KnowledgeIndex

COMFORT = 620  # a longer answer is trimmed to its best clauses, a longer list to its first ones
MAX_ANSWER = 700  # hard limit of an answer


def _heads_a_list(p) -> bool:
    text = p.text.rstrip()
    return (
        p.kind == "heading"
        or p.label.startswith("dieu")
        or (p.kind == "item" and (text.endswith(":") or (len(text) <= 100 and not text.endswith((".", ";")))))
    )


_FIRST_CLAUSE = re.compile(r"(?<=\S)(?::\s|;\s|\.\s)")
_FIRST_COMMA = re.compile(r"(?<=\S),\s(?=\D)")
SHORTEST_CLAUSE = 12  # characters an item keeps before a colon, a semicolon or a full stop
SHORTEST_PHRASE = 40  # ... and before a comma («1. Tự nguyện, tự giác, công khai» is one phrase)


def _first_clause(text: str) -> str:
    """An item cut to its first clause («- Phiếu giấy (tối thiểu 50% số phiếu): điều tra viên…» →
    «- Phiếu giấy (tối thiểu 50% số phiếu) …»)."""
    cuts = [
        m.start()
        for m in (_FIRST_CLAUSE.search(text, SHORTEST_CLAUSE), _FIRST_COMMA.search(text, SHORTEST_PHRASE))
        if m
    ]
    return text[: min(cuts)].rstrip() + " …" if cuts else text


def _fit(parts: list[str], head: str) -> str:
    """``head`` and its items within COMFORT characters: the items whole, or each cut to its first
    clause when they do not fit whole, or as many as fit."""
    for items in (parts, [_first_clause(t) for t in parts]):
        if len(head) + sum(1 + len(t) for t in items) <= COMFORT:
            return " ".join([head, *items])
    out, length = [head], len(head)
    for t in items:
        if length + 1 + len(t) > COMFORT:
            out.append("…")
            break
        out.append(t)
        length += 1 + len(t)
    return " ".join(out)


def with_children(index: KnowledgeIndex, p) -> str:
    """A heading, an article or an item ending in «:» answered with the items under it (a list whole)."""
    if not _heads_a_list(p) or p.kind == "title":
        return ""
    key = p.text.strip()[:40]
    head: list[str] = [p.text]
    parts: list[str] = []
    q = p.pid + 1
    while q < index.n and index.passages[q].doc == p.doc and len(parts) < 60:
        nxt = index.passages[q]
        if nxt.unit == p.unit and not parts:
            head.append(nxt.text)
        elif not parts and nxt.text.rstrip().endswith(":"):
            # «4. Phương thức khảo sát» over «Mỗi đơn vị áp dụng… như sau:» and its list.
            head.append(nxt.text)
            key = nxt.text.strip()[:40]
        elif not any(c.startswith(key) for c in nxt.context):
            break
        else:
            parts.append(nxt.text)
        q += 1
    if not parts and len(head) == 1:
        return ""
    return _fit(parts, " ".join(head))


_ASKS_LIST = re.compile(r"\b(nhung|gom|bao gom)\b|\bcac\b.*\bnao\b")


def with_siblings(index: KnowledgeIndex, p, folded_question: str) -> str:
    """A line ending in «:» that leads a dash list («Kính gửi:», «Nơi nhận:») quoted with its
    items; and one of those items, with the line and all the items, when the question asks for
    several («Công văn kính gửi những đối tượng nào?»)."""

    def dash_item(q: int) -> bool:
        if not (0 <= q < index.n):
            return False
        other = index.passages[q]
        return other.doc == p.doc and other.kind == "item" and other.text.startswith(("-", "–", "+"))

    if p.text.rstrip().endswith(":") and dash_item(p.pid + 1):
        lead, first = p, p.pid + 1
    elif dash_item(p.pid) and _ASKS_LIST.search(folded_question):
        first = p.pid
        while dash_item(first - 1):
            first -= 1
        lead = index.passages[first - 1]
        if first == 0 or lead.doc != p.doc or not lead.text.rstrip().endswith(":"):
            return ""
    else:
        return ""
    if len(lead.text) > 160:
        return ""
    last = first
    while dash_item(last + 1) and last - first < 60:
        last += 1
    if last == first and lead is not p:
        return ""
    return _fit([index.passages[q].text for q in range(first, last + 1)], lead.text)
