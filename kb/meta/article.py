"""A news article: its publication date, its source and the document it reports on."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from kb.meta.codes import (
    _LOOKALIKES,
    _TYPES_ALT,
    _occurrences,
    _type_before,
    doc_type_name,
)
from kb.meta.dates import _ANY_DATE, _date_next_to, _date_of, _make_date
from kb.meta.issuers import (
    _issuer_after,
    _issuer_from_code,
    _issuing_clause,
    _org_at,
    _tidy_org,
)
from kb.meta.title import (
    _DATE_LIKE_RE,
    _FURNITURE_RE,
    _TIME_RE,
    _WEEKDAY_RE,
    _cap,
    _clean_title_line,
    _is_furniture,
    _words,
)

_LEAD_SOURCE_RE = re.compile(r"^\(([^()\n]{2,60})\)\s*[-–—:]")
_SOURCE_LABEL_RE = re.compile(r"^\(?\s*Nguồn(?:\s+tin)?\s*:\s*(.{2,150}?)\s*\)?\.?$", re.IGNORECASE)
_ARTICLE_OF_RE = re.compile(r"(?<!\w)bài\s+viết\b[^.\n]{0,150}?\s+của\s+", re.IGNORECASE)
_BYLINE_RE = re.compile(r"^([^()\d]{2,40}?)\s*\(([^()]{3,80})\)\s*\.?$")
_SOURCE_HEAD_RE = re.compile(
    r"^(?:Phòng|Ban|Sở|Bộ|Văn\s+phòng|Trung\s+tâm|Báo|Tạp\s+chí|Cổng|Trang|Đài|Thông\s+tấn"
    r"|UBND|Ủy\s+ban|Uỷ\s+ban|Hội\s+đồng|Cục|Chi\s+cục|Tổng\s+cục|Học\s+viện|Viện|Trường)(?!\w)"
)
_URL_HOST_RE = re.compile(r"^(?:https?://)?(?:www\.)?([\w.-]+\.[a-z]{2,})(?:[/:?#]\S*)?$", re.IGNORECASE)


def _meaningful(lines: Sequence[str]) -> list[str]:
    return [c for c in (_clean_title_line(line) for line in lines) if any(ch.isalnum() for ch in c)]


def _residue(line: str) -> str:
    """A dateline without its date, time, weekday and furniture words."""
    rest = _WEEKDAY_RE.sub(" ", _TIME_RE.sub(" ", _DATE_LIKE_RE.sub(" ", line)))
    rest = _FURNITURE_RE.sub(" ", rest)
    return " ".join(rest.split()).strip(" ,|-–—:")


def _publication(lines: Sequence[str]) -> tuple[datetime.date | None, str | None]:
    """An article's publication date and the unit of its dateline: the first line among
    the first few that is a date line ("05/02/2022 8:37 AM", "Phòng cải cách hành chính
    Thứ Năm, 10/10/2019, 15:05"); prose dates ("Ngày 01/4/2024, ...") are not one."""
    for line in _meaningful(lines)[:8]:
        if not _is_furniture(line):
            continue
        for m in _ANY_DATE.finditer(line):
            value = _date_of(m)
            if value:
                unit = _residue(line)
                return value, unit if unit and _SOURCE_HEAD_RE.match(unit) else None
    return None, None


def _is_person(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words)


def _source(text: str, lines: Sequence[str], dateline_unit: str | None) -> str | None:
    """Who published an article, as it says: "Nguồn: ..." > "(Chinhphu.vn) - " at the head of
    its lead > "bài viết ... của <body>" near its end > the unit of its byline ("Tuấn Anh
    (Phòng Tư pháp TP Huế)") > the unit of its dateline. An author's bare name is no source."""
    kept = _meaningful(lines)
    for line in reversed(kept):
        m = _SOURCE_LABEL_RE.match(line)
        if m:
            value = m.group(1).strip(" .")
            host = _URL_HOST_RE.match(value)
            return host.group(1) if host else value
    for line in kept[:12]:
        m = _LEAD_SOURCE_RE.match(line)
        if m and _words(m.group(1)):
            return " ".join(m.group(1).split())
    tail = "\n".join(kept[-5:])
    for m in _ARTICLE_OF_RE.finditer(tail):
        org = _org_at(tail, m.end())
        if org:
            return _tidy_org(org)
    for line in reversed(kept[-3:]):
        m = _BYLINE_RE.match(line)
        if m and _is_person(m.group(1).strip(" -–,")) and _SOURCE_HEAD_RE.match(m.group(2).strip()):
            return " ".join(m.group(2).split())
    return dateline_unit


# a line that opens citing it: "(Quyết định số 9535/QĐ-UBND ngày ...)", "Theo Kế hoạch số 45/KH-UBND ..."
_CITING_LINE_RE = re.compile(rf"^\s*(?:\(\s*(?:theo\s+)?|theo\s+)(?:{_TYPES_ALT})(?:\s+số)?\s*:?\s*$", re.IGNORECASE)
_SENTENCE_DATE_RE = re.compile(
    r"^\s*(?:\([^()\n]{2,60}\)\s*[-–—:]\s*)?"  # after the lead's "(Chinhphu.vn) - "
    r"Ngày\s+(?:(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?"
    r"|(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?)\s*,",
    re.IGNORECASE,
)
_SHORT_DATE_AFTER = re.compile(
    r"[^\S\n]*,?[^\S\n]*(?:(?:được\s+)?(?:ban\s+hành|ký)\s+)?ngày\s+(\d{1,2})[/.\-](\d{1,2})(?![/.\-]?\d)",
    re.IGNORECASE,
)


def _with_year(day: str, month: str, year: str | None, published: datetime.date | None) -> datetime.date | None:
    """A date; one written without its year ("ngày 20/4") is the last such day up to the
    article's publication."""
    if year:
        return _make_date(day, month, year)
    if published is None:
        return None
    value = _make_date(day, month, str(published.year))
    if value and value > published:
        value = _make_date(day, month, str(published.year - 1))
    return value


def _date_beside(
    text: str, span: tuple[int, int], issued: bool, published: datetime.date | None
) -> datetime.date | None:
    """A date the article gives a number short: "05/KH-HĐTĐKT ngày 20/4", or at the head
    of the sentence that issues it: "Ngày 20/4, Hội đồng ... có Kế hoạch số 05/KH-HĐTĐKT"."""
    short = _SHORT_DATE_AFTER.match(text, span[1])
    if short:
        return _with_year(short.group(1), short.group(2), None, published)
    if not issued:
        return None
    line = text[text.rfind("\n", 0, span[0]) + 1 : span[0]]
    m = _SENTENCE_DATE_RE.match(re.split(r"(?<=[.;!?])\s+", line)[-1])
    if not m:
        return None
    g = m.groups()
    return _with_year(g[0], g[1], g[2], published) if g[0] is not None else _with_year(g[3], g[4], g[5], published)


def _reported(text: str, title: str, published: datetime.date | None, places: Sequence[tuple[str, str]]) -> str | None:
    """The document an article reports on, written out: its type, number, date and issuer.

    A code counts when the headline names it, when the subject of its sentence issues it
    ("UBND thành phố Hà Nội vừa ban hành Kế hoạch số 27/KH-UBND"), or when it opens a
    line that cites it ("(Quyết định số 9535/QĐ-UBND ngày 25/12/2020 của UBND thành
    phố ...)"); the headline's first, then the earliest. A document the article only
    mentions (carried out, measured against) is not what it reports on. Its date and
    issuer are taken from wherever the article writes them beside its number."""
    title = title.translate(_LOOKALIKES)
    occ = _occurrences(text)
    clauses = {span: _issuing_clause(text, span[0]) for spans in occ.values() for span in spans}

    def strength(code: str, span: tuple[int, int]) -> int:
        if code in title:
            return 2
        line = text[text.rfind("\n", 0, span[0]) + 1 : span[0]]
        return 1 if clauses[span][0] or _CITING_LINE_RE.match(line) else 0

    best = max(((strength(code, span), -span[0], code) for code, spans in occ.items() for span in spans), default=None)
    if best is None or best[0] == 0:
        return None
    code, spans = best[2], occ[best[2]]
    kind = _type_before(text, -best[1]) or doc_type_name(code) or "Văn bản"
    date = _date_next_to(text, spans) or next(
        (d for span in spans if (d := _date_beside(text, span, clauses[span][0], published))), None
    )
    issuer = (
        next((org for _, end in spans if (org := _issuer_after(text, end))), None)
        or next((clauses[span][1] for span in spans if clauses[span][1]), None)
        or _issuer_from_code(code)
    )
    out = f"{kind} {code}"
    if date:
        out += f" ngày {date:%d/%m/%Y}"
    if issuer:
        out += f" của {_tidy_org(issuer, places)}"
    return _cap(out, 255)
