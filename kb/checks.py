"""Whether a passage answers the question it was found for: the checks on place, department,
year, part of the year, level, indicator, rate, count, date and deadline, target or result,
that make the bot refuse rather than quote a passage about something else; and the document
an opening clause names.

Each ``_…_problem`` returns why the passage cannot be the answer, or ``""``.
"""

from __future__ import annotations

import re
import weakref
from functools import lru_cache

from kb.index import DOCUMENT_KINDS, NUMBER_WORDS, Hit, KnowledgeIndex, QueryTerm, answer_type, determiner_may
from kb.lists import with_children
from kb.text import acronyms_in, fold, is_stopword, is_syllable, places_in, raw_tokens, tokens, years_in


def phrases(*texts: str) -> re.Pattern[str]:
    """Phrases written with diacritics, to be searched in ``as_typed`` text: a word the question
    typed with diacritics matches only its own accented form («Bến Đá đặt» is no «đã đạt», «muộn»
    no «muốn»), a word typed without them matches every accented form it folds from. ``*`` in a
    phrase stands for any one word."""
    alts = []
    for phrase in texts:
        words = []
        for w in phrase.split():
            if w == "*":
                words.append(r"\S+")
                continue
            (t,) = raw_tokens(w)
            words.append(f"(?:{re.escape(t.exact)}|{re.escape(t.folded)})" if t.accented else re.escape(t.folded))
        alts.append(" ".join(words))
    return re.compile(r"(?<!\S)(?:" + "|".join(alts) + r")(?!\S)")


def as_typed(qtoks) -> str:
    """The question's words for ``phrases``: an accented word by its accented key, others folded."""
    return " ".join(t.exact if t.accented else t.folded for t in qtoks)


TARGET_Q = phrases(
    "chỉ tiêu", "mục tiêu", "phấn đấu", "kế hoạch", "đặt ra", "đề ra", "tối thiểu", "ít nhất", "tối đa",
    "muốn", "cần đạt", "phải đạt", "yêu cầu", "quy định", "tiêu chuẩn", "điều kiện", "được xét", "để được",
    "đạt từ", "trở lên", "dự kiến", "nhằm",
)  # fmt: skip
_RESULT_Q = phrases(
    "đạt bao nhiêu", "đạt được", "đạt mức", "đã đạt", "thực tế", "kết quả", "đạt * bao nhiêu", "đạt * phần trăm"
)
_TARGET_P = re.compile(
    r"\b(tu \d[\d.,]*\s*(?:%|diem)?\s*tro len|dat tu|phan dau|it nhat|toi thieu|khong duoi|"
    r"chi tieu|muc tieu|ke hoach)\b"
)
_RESULT_P = re.compile(r"\b(da dat|dat duoc|ket qua|uoc dat|thuc hien duoc|xep thu|tang|giam)\b|\bdat \d")
# A question asking for a set target («chỉ tiêu… là bao nhiêu», «phấn đấu đạt mức nào») and not
# for what was achieved; a passage, its headings or its document must then speak of a target.
_ASKS_TARGET = phrases("chỉ tiêu", "mục tiêu", "phấn đấu", "đặt ra", "đề ra")
_TARGET_NEAR = re.compile(
    r"\b(chi tieu|muc tieu|phan dau|ke hoach|tro len|it nhat|toi thieu|khong duoi|"
    r"dat tu|dat tren|nham|huong toi|yeu cau|nhiem vu)\b"
)
_ACHIEVED_Q = phrases("đạt bao nhiêu", "đạt được", "đạt mức", "thực tế", "kết quả")
# «Ai ký…», «người ký…»: the document's signer, from its facts.
_SIGNER_Q = phrases("ai ký", "ai kí", "người ký", "người kí", "ký bởi", "kí bởi")
_AUTHOR_Q = phrases("ai viết", "người viết", "tác giả", "viết bởi", "ai đưa tin")


# Short forms so common in these documents that they say nothing about the indicator.
_COMMON_TERMS = frozenset({"tthc", "cchc", "ubnd", "hdnd", "tp", "cbccvc", "vbqppl", "hdtdkt", "csdl", "cntt"})
_FULL_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)\d\d\b")


_RANGE_TEXT = re.compile(r"(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d")


def _single_years(text: str) -> set[str]:
    """Years a text names on their own, not only as the ends or inside of a range."""
    return period_years(_RANGE_TEXT.sub(" ", _FULL_DATE.sub(" ", text)))


def period_years(text: str) -> set[str]:
    """Years a text speaks of as periods («năm 2023», «2021 - 2025»), not the years of dates."""
    return years_in(_FULL_DATE.sub(" ", text))


# «tăng 1,9 điểm so với năm 2022»: a year the text only compares with, giving no figure of it
# (unlike «so với năm 2022 (82,17 điểm)»).
_COMPARED = re.compile(r"\bso với (?:cùng kỳ )?(?:năm )?((?:19|20)\d\d)\b(?!\s*[(:]\s*\d)", re.IGNORECASE)


def own_years(text: str) -> set[str]:
    """The years a text speaks of, less those it only compares with."""
    return period_years(_COMPARED.sub(" ", text))


def asked_years(qtoks) -> set[str]:
    """The years a question asks about, less those it only compares with («tăng bao nhiêu so với
    năm 2022» asks of no year)."""
    years = years_in(qtoks)
    surface = " ".join(t.surface for t in qtoks)
    compared = set(_COMPARED.findall(surface))
    return years - (compared - period_years(_COMPARED.sub(" ", surface)))


_PERIOD = re.compile(r"\bquy\s+(iv|i{1,3}|[1-4])\b|\b(6|9)\s+thang\b")
_ROMAN_Q = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


def periods_in(text: str) -> set[str]:
    """The parts of a year a text names: «quý III» → q3, «9 tháng» → m9."""
    out = set()
    for m in _PERIOD.finditer(fold(text)):
        if m.group(1):
            out.add("q" + _ROMAN_Q.get(m.group(1), m.group(1)))
        else:
            out.add("m" + m.group(2))
    return out


_FIGURE = re.compile(r"(?<![\d/.,])\d+(?:[.,]\d+)?\s*(?:%|điểm|hồ sơ|thủ tục)?")


def _figure_places(text: str, known) -> list[set[str]]:
    """For each figure of a text (not a year, a date or a code), the places named just before it."""
    out = []
    for m in _FIGURE.finditer(text):
        raw = m.group(0).strip()
        if (
            _YEAR_TOKEN.fullmatch(raw)
            or text[m.end() : m.end() + 1] in "/-"
            or (len(raw) <= 2 and not raw.endswith("%"))
        ):
            continue
        before = text[max(0, m.start() - 40) : m.start()]
        out.append(places_in(tokens(before.split(";")[-1].split(":")[-1]), known))
    return out


def _asks_result(qtoks) -> bool:
    """What was achieved is asked («đạt bao nhiêu», or a part of the year: a plan sets no target
    for «9 tháng»), not a target."""
    typed = _RETURNED_Q.sub(" ", as_typed(qtoks))
    if _SURELY_RESULT_Q.search(typed):
        return True  # «thực tế đạt mấy điểm, có được 87 điểm như kế hoạch không?»
    asked = _RESULT_Q.search(typed) or periods_in(" ".join(t.surface for t in qtoks))
    return bool(asked) and not TARGET_Q.search(typed)


_SURELY_RESULT_Q = phrases("thực tế", "trên thực tế", "đã đạt được", "thực đạt")


def _states_target_only(text: str) -> bool:
    folded = " ".join(t.folded for t in tokens(text))
    # «trả kết quả» (handing back the outcome of a procedure) is no result achieved
    folded = _RETURNED.sub(" ", folded)
    return bool(_TARGET_P.search(folded)) and not _RESULT_P.search(folded)


_RETURNED = re.compile(r"\btra ket qua\b")
_RETURNED_Q = phrases("trả kết quả")


def local_unit_text(index: KnowledgeIndex, p) -> str:
    return " ".join(q.text for q in index.unit_of_passage(p))


_CLAUSE_SPLIT = re.compile(r"[;()]|(?<!\d),|,(?!\d)|(?<!\d)\s-\s|\s-\s(?!\d)|:\s")  # «2021 - 2025» is one period
_YEAR_TOKEN = re.compile(r"\b(?:19|20)\d\d\b")


def _local_text(index: KnowledgeIndex, p) -> str:
    """The passage's unit, its neighbouring sentences and its heading path."""
    parts = [q.text for q in index.unit_of_passage(p)]
    if p.kind not in ("row", "item"):  # a list's or table's neighbours are other facts
        for q in (p.pid - 1, p.pid + 1):
            if 0 <= q < index.n and index.passages[q].doc == p.doc:
                parts.append(index.passages[q].text)
    parts.extend(p.context)
    return " ".join(parts)


def constraint_problem(index: KnowledgeIndex, hit: Hit, qtoks, terms: list[QueryTerm]) -> str:
    """Why the hit cannot be what the question is about (another place or year), or ''."""
    p = hit.passage
    alts = {qt.folded: qt.alts for qt in terms if qt.alts}
    return (
        _boilerplate_problem(index, p)
        or _place_problem(index, p, qtoks)
        or _department_problem(index, p, qtoks)
        or _indicator_problem(index, p, qtoks, alts)
        or _count_problem(index, p, qtoks)
        or _negated_problem(index, p, qtoks)
        or _result_problem(index, p, qtoks)
        or _target_problem(index, p, qtoks)
        or _period_problem(index, p, qtoks)
        or _level_problem(index, p, qtoks)
        or _year_problem(index, p, qtoks, terms)
        or _percent_problem(index, p, qtoks)
        or _deadline_problem(index, p, qtoks)
        or _day_problem(index, p, qtoks)
        or _no_number_problem(index, p, qtoks)
        or _rate_problem(index, p, qtoks, alts)
        or _award_problem(index, p, qtoks)
        or _document_number_problem(index, p, qtoks)
        or _facts_problem(index, p, terms)
    )


def _facts_problem(index: KnowledgeIndex, p, terms: list[QueryTerm]) -> str:
    """A document's facts («Kế hoạch … số 09/KH-UBND ban hành ngày …, người ký …») answer what the
    question asks of the document itself; they share the words that name it with every question
    naming it («Theo Kế hoạch 09/KH-UBND, các xã gửi kế hoạch về đâu?»), and those do not count."""
    if p.kind != "facts":
        return ""
    meta = index.meta_terms[p.doc]
    rest = [t for t in terms if t.unigram and t.weight >= 1.0 and t.key not in meta and t.folded not in meta]
    if not rest:
        return ""
    own = {t.folded for t in tokens(p.text)} | {"e:" + t.exact for t in tokens(p.text)}
    found = sum(1 for t in rest if t.key in own or t.folded in own)
    return "" if 2 * found >= len(rest) else "the document's facts answer nothing of what is asked"


_NUMBER_OF_DOCUMENT_Q = phrases("số hiệu", "ký hiệu")
_DOCUMENT_NUMBER = re.compile(r"\b\d+/(?:\d{4}/)?[A-ZĐ][\w-]*")


def _document_number_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """«… số hiệu đầy đủ là gì?» asks a document's number («54/2017/QH14»): a passage naming the
    document without it («Nghị quyết 54 của Quốc hội») does not say it."""
    if not _NUMBER_OF_DOCUMENT_Q.search(as_typed(qtoks)):
        return ""
    if _DOCUMENT_NUMBER.search(" ".join(q.text for q in index.sentence_of(p))):
        return ""
    return "a document's number is asked; the passage writes none"


# The awards of an emulation movement and the groups units compete in (folded).
_AWARD = re.compile(r"\b(co thi dua|bang khen|giay khen)\b")
_GROUP = re.compile(r"\bkhoi (iv|i{1,3}|[1-4])\b")


def _award_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """The award («Giấy khen») or the group («Khối I») the question names is not the one the
    passage, its item or its headings speak of («Điều 7. Tiêu chuẩn Cờ thi đua»)."""
    asked_text = " ".join(t.folded for t in qtoks)
    where = fold(" ".join((local_unit_text(index, p), *p.context)))
    for pattern, what in ((_AWARD, "award"), (_GROUP, "group")):
        asked = set(pattern.findall(asked_text))
        named = set(pattern.findall(where)) if asked else set()
        if named and not asked & named:
            return f"{what} {sorted(asked)}: the passage speaks of {sorted(named)}"
    return ""


_RATE_STOP = frozenset(
    "cua nam o tai trong la dat bao nhieu may thang quy cap khoi tinh huyen xa thi phuong so nganh theo duoc va".split()
)


def _rated_words(qtoks) -> list:
    """«tỷ lệ thanh toán trực tuyến của huyện…»: the words naming the rate the question asks."""
    for i, t in enumerate(qtoks[:-1]):
        if t.folded in ("ti", "ty") and qtoks[i + 1].folded == "le":
            out = []
            for u in qtoks[i + 2 :]:
                if u.kind != "word" or u.folded in _RATE_STOP or is_stopword(u):
                    break
                out.append(u)
            return out[:4]
    return []


# The national motto and the signature block head and close every official text: they answer
# nothing (who signed is read from the document's facts, ``signer_hit``).
_BOILERPLATE = re.compile(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|\(Đã ký\)")


def _boilerplate_problem(index: KnowledgeIndex, p) -> str:
    """The motto, or the signature block: «(Đã ký)» and the signer's name just after it."""
    before = index.passages[p.pid - 1] if p.pid > 0 else None
    signed_above = before is not None and before.doc == p.doc and "(Đã ký)" in before.text
    if _BOILERPLATE.search(p.text) or (signed_above and len(p.text) <= 40):
        return "the passage is the document's heading or signature"
    return ""


def _rate_problem(index: KnowledgeIndex, p, qtoks, alts: dict[str, tuple[str, ...]]) -> str:
    """The rate the question names («tỷ lệ thanh toán trực tuyến») is not the passage's («tỷ lệ
    hồ sơ trực tuyến toàn trình»): each of its words must be in the passage's item or sentence."""
    words = _rated_words(qtoks)
    if not words:
        return ""
    local = {t.folded for q in (*index.unit_of_passage(p), *index.sentence_of(p)) for t in tokens(q.text)}
    local |= {t.folded for t in tokens(" ".join(p.context[-1:]))}
    lost = [w.folded for w in words if w.folded not in local and not any(a in local for a in alts.get(w.folded, ()))]
    return f"the rate asked ({' '.join(lost)}) is not the passage's" if lost else ""


_DUTY_Q = phrases("phải", "cần", "hạn chót", "chậm nhất", "không muộn hơn", "thời hạn")
_DONE_P = re.compile(r"\bđã\b", re.IGNORECASE)
# «phải», or a plan's column of deadlines («Thời gian hoàn thành: Trước ngày 31/5/2024»), whatever
# «đã» another column holds («Sản phẩm: Thỏa thuận đã ký»)
_DUTY_P = re.compile(r"\b(?:phải|cần|chậm nhất)\b|\bthời (?:gian|hạn) hoàn thành\s*:|\bthời hạn\s*:", re.IGNORECASE)
# «1. Trước ngày 25/9/2024: các sở … trích xuất danh sách người dân đã nhận kết quả …»: an entry
# of a schedule sets the deadline, whatever «đã» its sentence holds.
_SCHEDULE_ENTRY = re.compile(
    r"^\W*(?:\d+[.)]\s*)?(?:trước|đến|chậm nhất)\s+ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?\s*:", re.IGNORECASE
)


def _deadline_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """«… phải ban hành kế hoạch trước ngày nào?» asks the deadline set; a report that it «đã ban
    hành… trước ngày 31/01/2024» tells what was done, not the rule."""
    if answer_type(qtoks) != "date" or not _DUTY_Q.search(as_typed(qtoks)):
        return ""
    unit = local_unit_text(index, p)
    if _DONE_P.search(unit) and not _DUTY_P.search(unit) and not _SCHEDULE_ENTRY.match(unit):
        return "the question asks a deadline set; the passage reports what was done"
    return ""


_WHICH_DAY_Q = phrases("ngày nào", "ngày mấy", "hôm nào")
_DAY_P = re.compile(r"\b(?:[12]?\d|3[01])/(?:0?[1-9]|1[0-2])\b|\bngày\s+\d{1,2}\b", re.IGNORECASE)  # not «14/14 xã»


def _day_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """«… từ ngày nào?», «hôm nào?» asks a day: a passage naming only a quarter or a year
    («từ quý III/2024») or no time at all does not say it."""
    if not _WHICH_DAY_Q.search(as_typed(qtoks)):
        return ""
    text = " ".join(q.text for q in (*index.unit_of_passage(p), *index.sentence_of(p)))
    return "" if _DAY_P.search(text) else "the question asks a day; the passage names none"


_HOW_MANY_Q = phrases("bao nhiêu", "mấy")
_ANY_NUMBER = re.compile(r"\d")


def _no_number_problem(index: KnowledgeIndex, p, qtoks) -> str:
    if answer_type(qtoks) != "number" or not _HOW_MANY_Q.search(as_typed(qtoks)):
        return ""
    asked = {t.surface for t in qtoks if t.kind in ("num", "code")}
    # A row, an item or a heading with its own unit; a sentence of a paragraph alone, not with the
    # figures of the paragraph's other sentences.
    unit = index.unit_of_passage(p) if p.kind in ("row", "item", "heading") else []
    text = " ".join(q.text for q in (*unit, *index.sentence_of(p)))
    for n in asked:
        text = text.replace(n, " ")
    text = _YEAR_TOKEN.sub(" ", text)
    if _ANY_NUMBER.search(text) or {f"e:{t.exact}" for t in tokens(text)} & NUMBER_WORDS:
        return ""  # a figure, or a number written out («Mười mục tiêu»)
    return "a count is asked; the passage gives no figure"


_PERCENTAGE = re.compile(r"\d\s*%")


def _percent_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """«đạt bao nhiêu %», «bao nhiêu phần trăm»: the answer is a percentage, so a passage
    (with its paragraph, item or row) that holds none does not answer."""
    if not any(t.folded == "phantram" for t in qtoks):
        return ""
    # «Đơn vị tính: %» names the unit of a column and gives no percentage
    if any(_PERCENTAGE.search(q.text) or "phần trăm" in q.text.lower() for q in index.unit_of_passage(p)):
        return ""
    return "the question asks a percentage; the passage holds none"


# «Theo báo cáo quý III/2024 của Bình Sơn, …», «Trong KH 18: …», «Báo cáo 298 của Bình Sơn: …»
_SOURCE_CLAUSE = re.compile(
    r"^\s*(?:(?:theo|trong|tại)\s+([^,:?]{6,120})"
    r"|((?:báo cáo|kế hoạch|quyết định|công văn|hướng dẫn|thông báo|quy chế|chương trình|bc|kh|qđ|qd|cv|hd|hđ|tb)"
    r"\s+[^,:?]{2,120}))[,:]",
    re.IGNORECASE,
)


# the kinds of document an opening clause may name (folded), or a document's number
_DOCUMENT_KIND = re.compile(
    rf"\b(?:{DOCUMENT_KINDS}|quy che|quy dinh|bo tieu chi|van ban|bai (?:bao|viet)|phu luc)\b|\d+/[\w-]+"
)


def from_named_document(index: KnowledgeIndex, question: str, hits: list[Hit], k: int) -> list[Hit]:
    """«Theo báo cáo quý III/2024 của Bình Sơn, …»: the opening clause names the document; the
    passages of the document(s) whose title, number and issuer hold most of its words come first."""
    m = _SOURCE_CLAUSE.match(question)
    if not m:
        return hits
    named = m.group(1) or m.group(2)
    if not _DOCUMENT_KIND.search(fold(named)):
        return hits  # «Trong các chỉ tiêu năm 2023 của Lạc Hà, …» names no document
    clause = [t for t in tokens(named) if not is_stopword(t)]
    if len(clause) < 2:
        return hits
    scores = [
        sum(index.idf_of(t.folded) for t in clause if t.folded in meta or ("e:" + t.exact) in meta)
        for meta in index.meta_terms
    ]
    best = max(scores, default=0.0)
    total = sum(index.idf_of(t.folded) for t in clause)
    if best <= 0.5 * total:
        return hits  # the clause does not name a document the knowledge base holds
    chosen = {d for d, sc in enumerate(scores) if sc >= 0.9 * best}
    if len(chosen) > 2:
        return hits  # too vague to choose
    wide = index.search(question, k=max(k, 40))
    first = [h for h in wide if h.passage.doc in chosen][:k]
    return first + [h for h in hits if h.passage.doc not in chosen] if first else hits


_DEPARTMENT = re.compile(r"\bSở\s+(\w+)\s+(\w+)")
_DEPARTMENTS: weakref.WeakKeyDictionary[KnowledgeIndex, tuple[list[frozenset[str]], frozenset[str]]] = (
    weakref.WeakKeyDictionary()
)


def departments_named(text: str) -> frozenset[str]:
    """The departments a text names, folded: «Sở Tư pháp» → ``so tu phap``."""
    return frozenset(f"so {fold(a)} {fold(b)}" for a, b in _DEPARTMENT.findall(text) if a[:1].isupper())


def _departments(index: KnowledgeIndex) -> tuple[list[frozenset[str]], frozenset[str]]:
    """The departments each document names, and all of them; read once per index, when a
    question first needs them."""
    got = _DEPARTMENTS.get(index)
    if got is None:
        per_doc = [departments_named(index.doc_text(d)) for d in range(len(index.docs))]
        got = _DEPARTMENTS[index] = (per_doc, frozenset().union(*per_doc))
    return got


def _departments_asked(index: KnowledgeIndex, qtoks) -> list[str]:
    """The departments a document names that the question names too (folded)."""
    words = " " + " ".join(t.folded for t in qtoks if t.kind == "word") + " "
    if " so " not in words:
        return []  # every department is «Sở …»
    return [d for d in _departments(index)[1] if f" {d} " in words]


def department_first(index: KnowledgeIndex, hits: list[Hit], qtoks) -> list[Hit]:
    """«Sở Kế hoạch và Đầu tư được bao nhiêu điểm?»: the hits whose passage names the department
    the question names come first; the others, other units' rows, cannot answer."""
    named = _departments_asked(index, qtoks)
    if not named:
        return hits

    def names(h: Hit) -> bool:
        doc = index.docs[h.passage.doc]
        said = fold(f"{doc.issuer or ''} {doc.title or ''} {_local_text(index, h.passage)}")
        return all(d in said for d in named)  # near the passage, or the document's issuer

    near = [h for h in hits if names(h)]
    return near + [h for h in hits if h not in near] if near else hits


def _department_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """A department the question names («Sở Tư pháp») must be in the passage's document and, unless
    it issued the document, named near the passage: the province's figure is not the department's."""
    if " so " not in " " + " ".join(t.folded for t in qtoks if t.kind == "word") + " ":
        return ""  # every department is «Sở …»
    per_doc, known = _departments(index)
    named = _departments_asked(index, qtoks)
    # A department written out («Sở Ngoại vụ») that no document names: they say nothing of it.
    unknown = {
        d for d in departments_named(" ".join(t.surface for t in qtoks)) - known if all(map(is_syllable, d.split()))
    }  # «Sở TTTT», «Sở GD&ĐT»: short forms, not a name to compare
    if unknown:
        return f"«{min(unknown)}» named in no document"
    if not named:
        return ""
    doc = index.docs[p.doc]
    own = fold(f"{doc.issuer or ''} {doc.title or ''}")
    for d in named:
        if d not in per_doc[p.doc]:
            return f"«{d}» not in the document"
        if d not in own and d not in fold(_local_text(index, p)):
            return f"«{d}» not near the passage"
    return ""


def _place_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """The places the question names are not the document's, or not near the passage, or the
    passage's figures are all of other places."""
    doc = p.doc
    wanted = places_in(qtoks, index.known_places)
    if wanted:
        if not wanted <= index.doc_places[doc]:
            return f"place {sorted(wanted - index.doc_places[doc])} not in document"
        # A place other than the document's own must be named near the passage.
        foreign = wanted - index.meta_places[doc]
        if foreign and not foreign <= places_in(tokens(_local_text(index, p)), index.known_places):
            return f"place {sorted(foreign)} not near the passage"
    if answer_type(qtoks) == "number" and not wanted - index.meta_places[doc]:
        # «thị xã Bến Đá 19,6%; huyện Sơn Hà 21,3%»: every figure of the passage belongs to a
        # place the question does not ask about.
        owners = _figure_places(local_unit_text(index, p), index.known_places)
        if owners and all(owners) and not set().union(*owners) & wanted:
            return f"the passage's figures are for {sorted(set().union(*owners))}"
    return ""


_NUMBER_BEFORE = r"(?<![\w/.,])\d(?:[\d.,/]*\d)?\s*%?\s*"


def _counted_word(qtoks) -> str:
    """«được bao nhiêu điểm», «bao nhiêu hồ sơ», «mấy ngày»: the (first word of) what the question counts."""
    for a, b, c in zip(qtoks, qtoks[1:], qtoks[2:]):
        if a.folded == "bao" and b.folded == "nhieu" and c.kind in ("word", "abbr") and not is_stopword(c):
            return fold(c.surface.split()[0])
    if determiner_may(" ".join(t.folded for t in qtoks)):
        return ""  # «… để trị mấy cán bộ hạch sách?»
    for a, b in zip(qtoks, qtoks[1:]):
        # «mấy» typed with or without its marks (not «máy», a machine)
        if a.surface.lower() in ("mấy", "may") and b.kind in ("word", "abbr") and not is_stopword(b):
            return fold(b.surface.split()[0])
    return ""


@lru_cache(maxsize=512)
def _is_unit_in(text: str, word: str) -> bool:
    """The text writes ``word`` often (a third of the times) after a figure: a unit («điểm», «phiếu»), not a noun that
    other words count as well («sở» is also «06 cơ quan»)."""
    folded = fold(text)
    w = re.escape(word)
    return 3 * len(re.findall(_NUMBER_BEFORE + w + r"\b", folded)) >= max(1, len(re.findall(r"\b" + w + r"\b", folded)))


@lru_cache(maxsize=512)
def _counts_in(text: str, word: str) -> bool:
    """A figure of ``word`` in the text: «91,25 điểm», or a column of it («Điểm tối đa: 2»)."""
    w = re.escape(word)
    return bool(re.search(_NUMBER_BEFORE + w + r"\b|\b" + w + r"\b[^;:.]{0,40}:\s*\d", fold(text)))


def _count_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """The question counts something its document gives figures of («bao nhiêu điểm»); the passage
    gives none («Sở Tư pháp chủ trì xây dựng Kế hoạch…» for the department's score)."""
    word = _counted_word(qtoks)
    if not word or p.kind == "facts":
        return ""
    local = " ".join((local_unit_text(index, p), *(q.text for q in index.sentence_of(p)), with_children(index, p)))
    if word.isalpha() and word not in _NOT_COUNTED and not _has_figure(local, sums=False):
        # «bao nhiêu điều tra viên»: a date or a sum of money counts no one and nothing
        return f"the question counts «{word}»; the passage's figures are dates and sums"
    # «mấy ngày», «bao nhiêu lần»: a length of time or a count of times is always a figure; other
    # words are checked where the document counts in them («điểm», «phiếu»), not where it names them.
    if word not in _ALWAYS_COUNTED and not _is_unit_in(index.doc_text(p.doc), word):
        return ""
    return "" if _counts_in(local, word) else f"the question counts «{word}»; the passage gives no figure of it"


_ALWAYS_COUNTED = frozenset({"ngay", "gio", "tuan", "lan", "dot"})
# What a date or a sum of money may be the figure of.
_NOT_COUNTED = frozenset({"ngay", "thang", "nam", "tien", "kinh", "trieu", "ty", "dong", "nghin", "ngan"})
_MONEY = re.compile(r"\d[\d.,]*\s*(?:triệu|tỷ|nghìn|ngàn)?\s*(?:đồng|VNĐ|VND)\b", re.IGNORECASE)
_ANY_FIGURE = re.compile(r"\d")


def _has_figure(text: str, *, sums: bool = True) -> bool:
    """Whether the text holds a figure other than a date, a year, a part of the year («quý
    IV/2024», «9 tháng») or a document's number, nor (``sums=False``) a sum of money; a figure
    written in words («Mười mục tiêu») counts."""
    rest = _OTHER_NUMBERS.sub(" ", _FULL_DATE.sub(" ", _PART_OF_YEAR.sub(" ", text)))
    if not sums:
        rest = _MONEY.sub(" ", rest)
    return bool(_ANY_FIGURE.search(rest)) or bool(NUMBER_WORDS & {"e:" + t.exact for t in tokens(rest)})


_PART_OF_YEAR = re.compile(r"\b(?:quý|quy)\s+\w+(?:/(?:19|20)\d\d)?|\b\d{1,2}\s+(?:tháng|thang)\b", re.IGNORECASE)
# a day and month («28/9»), a year, a document's number («298/BC-UBND»)
_OTHER_NUMBERS = re.compile(
    r"\b(?:[12]?\d|3[01])/(?:0?[1-9]|1[0-2])\b(?!/)|\b(?:19|20)\d\d\b|\b\d+(?:/[\w.-]*[^\W\d_][\w.-]*)+"
)


_NEGATION = frozenset({"khong", "chua", "cam", "chang"})


def _negated_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """«Ai phát phiếu…?» asks who does it: a passage saying who must not («Công chức… không được
    trực tiếp phát phiếu») does not answer it."""
    folded = [t.folded for t in qtoks]
    # «ai là người phát phiếu»: the act follows «là người»
    folded = " ".join(folded).replace("ai la nguoi ", "ai ").split()
    verbs = [folded[i + 1] for i, w in enumerate(folded[:-1]) if w == "ai" and folded[i + 1] not in ("la", "ki", "ky")]
    if not verbs:
        return ""
    text = [t.folded for t in tokens(" ".join(q.text for q in index.sentence_of(p)))]
    at = [i for i, w in enumerate(text) if w == verbs[0]]
    if at and all(_NEGATION & set(text[max(0, i - 4) : i]) for i in at):
        return f"the passage says who does not «{verbs[0]}»"
    return ""


def _indicator_problem(index: KnowledgeIndex, p, qtoks, alts: dict[str, tuple[str, ...]]) -> str:
    """An abbreviation the question names (SIPAS, PAR INDEX, DVCTT…) is not in the document,
    or not what the passage is about."""
    doc = p.doc
    missing = [
        a
        for a in acronyms_in(qtoks)
        if a not in index.doc_terms[doc] and not any(x in index.doc_terms[doc] for x in alts.get(a, ()))
    ]
    if missing:
        return f"{missing} not in document"
    # The indicator the question names (SIPAS, PAR INDEX, DVCTT…) must be what the passage is about.
    local = {t.folded for t in tokens(_local_text(index, p))} | index.meta_terms[doc]
    typed = {t.folded for t in qtoks if " " not in t.surface}
    far = [
        a
        for a in acronyms_in(qtoks)
        if "/" not in a
        and a in typed
        and a not in _COMMON_TERMS
        and a not in local
        and not any(x in local for x in alts.get(a, ()))
    ]
    if far:
        return f"{far} not near the passage"
    return ""


def _result_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """The question asks what was achieved; the passage states a target (for the asked year)."""
    if not _asks_result(qtoks):
        return ""
    unit = local_unit_text(index, p)
    if _states_target_only(unit):
        return "the question asks what was achieved; the passage states a target"
    # «năm 2024 đạt từ 85% trở lên (năm 2022 đạt 82,67%)»: what it says of the asked year is a target.
    asked = years_in(qtoks)
    clauses = [c for c in re.split(r"[;()]", unit) if re.search(r"\w", c)]
    # The clauses of the asked year, or when none names it, those naming no year.
    of_year = [c for c in clauses if asked & period_years(c)] or [c for c in clauses if not period_years(c)]
    open_ = [c for c in clauses if not period_years(c) or asked & period_years(c)]
    # A clause of the year with no figure («Kết quả 9 tháng: Khảo sát trong quý IV/2024») gives none.
    of_year = [c for c in of_year if _has_figure(c)]
    if (
        asked
        and of_year
        and not any(_RESULT_P.search(" ".join(t.folded for t in tokens(c))) and _has_figure(c) for c in open_)
        and all(_states_target_only(c) for c in of_year)
    ):
        return f"the question asks what was achieved in {sorted(asked)}; the passage states its target"
    return ""


def _target_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """The question asks for a figure set as a target; the passage only reports results
    («tỷ lệ… thấp: thị xã Bến Đá 28,4%» is no target of Bến Đá)."""
    typed = as_typed(qtoks)
    if answer_type(qtoks) != "number" or not _ASKS_TARGET.search(typed) or _ACHIEVED_Q.search(typed):
        return ""
    if p.kind == "facts":
        return ""
    where = " ".join((local_unit_text(index, p), *p.context, index.docs[p.doc].title))
    if _TARGET_NEAR.search(" ".join(t.folded for t in tokens(where))):
        return ""
    return "the question asks for a target; the passage reports results"


def signer_hit(index: KnowledgeIndex, hits: list[Hit], qtoks) -> Hit | None:
    """«Ai ký Thông báo 47/TB-UBND?», «bài viết do ai viết?»: the facts of the document the best
    hit is in, when they name a signer (an article's author)."""
    typed = as_typed(qtoks)
    if _SIGNER_Q.search(typed):
        said = "người ký"
    elif _AUTHOR_Q.search(typed):
        said = "tác giả"
    else:
        return None
    doc = hits[0].passage.doc
    for p in index.passages:
        if p.doc == doc and p.kind == "facts":
            return Hit(p, hits[0].score, hits[0].coverage) if said in p.text else None
    return None


def _period_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """The question names a part of the year («9 tháng», «quý III») the passage does not speak of:
    another one, or none where its document names none either (a year's plan is no 9 months'
    result)."""
    asked = periods_in(" ".join(t.surface for t in qtoks))
    if asked:
        named = periods_in(_local_text(index, p)) | periods_in(index.docs[p.doc].title)
        if named and not asked & named:
            return f"period {sorted(asked)}: the passage speaks of {sorted(named)}"
        if not named and not _text_periods(index.doc_text(p.doc)):
            return f"period {sorted(asked)}: its document speaks of no part of a year"
    return ""


@lru_cache(maxsize=512)
def _text_periods(text: str) -> frozenset[str]:
    """``_periods`` of a whole document, once per document."""
    return frozenset(periods_in(text))


@lru_cache(maxsize=512)
def _text_levels(text: str) -> frozenset[str]:
    """The levels a whole document gives figures for, once per document."""
    return frozenset(_LEVEL.findall(fold(text)))


_LEVEL = re.compile(
    r"\b(?:cap|khoi(?: uy ban nhan dan| ubnd)?(?: cac)?) (tinh|huyen|xa|so)\b"
)  # «cấp huyện», «khối huyện», «Khối Ủy ban nhân dân các huyện», «khối sở»


def _level_problem(index: KnowledgeIndex, p, qtoks) -> str:
    """A figure asked for one level («cấp xã») from a passage that names levels, none of them that
    one, or names none where its document gives figures by level."""
    if answer_type(qtoks) != "number":
        return ""
    asked = set(_LEVEL.findall(" ".join(t.folded for t in qtoks)))
    if not asked:
        return ""
    named = set(_LEVEL.findall(fold(_local_text(index, p))))
    if named and not asked & named:
        return f"level {sorted(asked)}: the passage speaks of {sorted(named)}"
    if not named and len(_text_levels(index.doc_text(p.doc))) > 1:
        return f"level {sorted(asked)}: the passage names no level, its document gives several"
    return ""


def _year_problem(index: KnowledgeIndex, p, qtoks, terms: list[QueryTerm]) -> str:
    """The years the question names are not those the passage (or its document) speaks of."""
    years = asked_years(qtoks)
    if not years:
        return ""
    doc = p.doc
    sentence = " ".join(q.text for q in index.sentence_of(p))
    said = own_years(sentence) or own_years(local_unit_text(index, p))
    said |= period_years(" ".join(p.context))
    if said and not years & said:
        return f"year {sorted(years)} not in the passage (it speaks of {sorted(said)})"
    if len(years) == 1 and not _RANGE_TEXT.search(" ".join(t.surface for t in qtoks)):
        # One year asked: a passage about a whole period («giai đoạn 2016-2020») that
        # does not name that year on its own gives no figure for it.
        unit = local_unit_text(index, p)
        plain = _single_years(unit) | _single_years(" ".join(p.context))
        ranged = period_years(" ".join(_RANGE_TEXT.findall(unit)))
        if years & ranged and not years & plain:
            return f"year {sorted(years)}: the passage speaks of a period, not of that year"
    if not said and not years <= index.doc_years[doc]:
        return f"year {sorted(years)} not in document"
    if not said:
        # A passage that names no year speaks of its document's year (its title's, else its date's).
        d = index.docs[doc]
        own = period_years(d.title) or ({str(d.date.year)} if d.date else set())
        # ... or, for a document without either, the year of the dates its figures are given at
        # («Tính đến 31/8/2020, …»).
        own = own or {m[-4:] for m in _FULL_DATE.findall(local_unit_text(index, p))}
        if own and not years & own:
            return f"year {sorted(years)}: the passage names none and its document is of {sorted(own)}"
    return _clause_year_problem(sentence, years, terms)


def _clause_year_problem(sentence: str, years: set[str], terms: list[QueryTerm]) -> str:
    """The clause that carries the question's words speaks of another year."""
    keys = {q.folded for q in terms if q.unigram and q.folded and not q.folded.isdigit()}
    best, best_n = "", 0
    for clause in _CLAUSE_SPLIT.split(sentence):
        n = len(keys & {t.folded for t in tokens(clause)})
        if n > best_n:
            best, best_n = clause, n
    in_clause = own_years(best)  # «tăng 20% so với năm 2021» speaks of no 2021
    # ... unless another clause gives a figure for the asked year («(năm 2022 đạt 82,67%)»).
    figure_of_year = any(
        years & period_years(c) and re.search(r"\d", _YEAR_TOKEN.sub("", c)) for c in _CLAUSE_SPLIT.split(sentence)
    )
    if in_clause and not years & in_clause and best_n >= 2 and not figure_of_year:
        return f"year {sorted(years)}: the passage's clause speaks of {sorted(in_clause)}"
    return ""
