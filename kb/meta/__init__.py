"""Describe a document from its text: what it is, its title, and how to cite it.

Two kinds of text come in:

* official documents (kind ``"document"``): a header with the issuing body's
  letterhead ("ỦY BAN NHÂN DÂN / TỈNH BÌNH SƠN", "UBND TỈNH BÌNH SƠN / SỞ NỘI VỤ"),
  the own number ("Số: 18/KH-UBND"), the motto, the place-and-date line ("Bình Sơn,
  ngày 12 tháng 01 năm 2024"), then the type ("KẾ HOẠCH") and the subject. An annex
  ("Ban hành kèm theo Quyết định số 315/QĐ-UBND ngày 02/02/2024 của Ủy ban nhân dân
  tỉnh Bình Sơn") is cited by the decision that issued it; a text whose first line
  names it formally ("Kế hoạch số 12/KH-UBND ngày 03/01/2023 của UBND tỉnh Mẫu Sơn
  về ...") by that name.
* news articles (kind ``"article"``): everything else: a headline, page furniture, a
  publication date, prose that mentions documents. An article has no number or issuer
  of its own, however many documents it names: it is cited by its publication date,
  its source as the text states it ("(Chinhphu.vn) - ", "Nguồn: ...", the unit of its
  dateline or byline, "bài viết ... của Bộ ...") and the document it reports on, when
  it reports on one: named in its headline, issued by the subject of a sentence ("UBND
  thành phố Hà Nội vừa ban hành Kế hoạch số 27/KH-UBND"), or given on a line of its own
  ("(Quyết định số 9535/QĐ-UBND ngày 25/12/2020 của UBND thành phố ...)").

Issuers are named as Vietnamese prose names them, with their place: "UBND tỉnh Bình
Sơn", "Sở Nội vụ tỉnh Bình Sơn", "UBND thành phố Huế" (what the name leaves out comes
from the letterhead's parent body or from the places the text names). Every rule is
general, best effort and never raises: what cannot be told is ``None`` (or, for the
title, the file name).

The reading is spread over one module per part of a citation: :mod:`kb.meta.codes`
(document numbers and the types they spell), :mod:`kb.meta.dates`, :mod:`kb.meta.title`,
:mod:`kb.meta.issuers` (names of bodies and their places), :mod:`kb.meta.header` (an
official paper's header) and :mod:`kb.meta.article` (an article's date, source and subject).
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from kb.meta.article import _publication, _reported, _source
from kb.meta.codes import doc_type_name, find_document_numbers
from kb.meta.dates import _date_next_to
from kb.meta.header import (
    _ANNEX_RE,
    _FORMAL_TITLE_RE,
    _code_after,
    _letterhead_bodies,
    _letterhead_issuer,
    _named_with,
    _read_header,
)
from kb.meta.issuers import _issuer_from_code, _places
from kb.meta.title import MAX_TITLE_CHARS, _find_title, _stem

__all__ = [
    "ARTICLE",
    "DOCUMENT",
    "DocMeta",
    "MAX_TITLE_CHARS",
    "doc_type_name",
    "extract_meta",
    "find_document_numbers",
]

DOCUMENT = "document"
ARTICLE = "article"


@dataclass(frozen=True)
class DocMeta:
    """What a document is and how to cite it, as far as its text tells."""

    title: str  # headline / subject; never empty, at most MAX_TITLE_CHARS
    number: str | None  # an official document's own number, e.g. "27/KH-UBND"
    issuer: str | None  # who issued it, with its place, e.g. "UBND thành phố Hà Nội"
    date: datetime.date | None  # a document's date; an article's publication date
    kind: str = DOCUMENT  # DOCUMENT or ARTICLE
    source: str | None = None  # an article's publisher, as the text states it
    reports_on: str | None = None  # the document an article reports on, e.g.
    # "Kế hoạch 05/KH-HĐTĐKT ngày 20/04/2021 của Hội đồng Thi đua - Khen thưởng thành phố Hà Nội"


# ---------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------


def extract_meta(text: str, file_name: str) -> DocMeta:
    """What a document is and how to cite it (see the module docstring).

    * title: the first meaningful line (page furniture, date lines, bylines and
      official-paper header lines skipped; "KẾ HOẠCH" + its subject line joined),
      at most :data:`MAX_TITLE_CHARS`; else the file name without extension;
    * kind: DOCUMENT when the text opens as an official paper (a "Số:" label, the
      motto, a place-and-date line or a type line such as "KẾ HOẠCH" in its header,
      "Ban hành kèm theo ... số ...", or a first line naming it "Kế hoạch số ..."),
      else ARTICLE;
    * a document: its own number ("Số: ..."; an annex: its decision's; a formal first
      line: the number it names), its date (the place-and-date line, or the one written
      with that number) and its issuer (the letterhead's body, or the one named with the
      number), the issuer's place said;
    * an article: no number or issuer; its publication date (a date line near the top),
      its source and the document it reports on (see :func:`_reported`).
    """
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    title = _find_title(lines) or _stem(file_name)
    header = _read_header(lines)
    bodies = _letterhead_bodies(header.letterhead)
    places = [*(p for b in reversed(bodies) for p in _places(b)), *_places(title), *_places(text)]
    lh_issuer = _letterhead_issuer(bodies, places)
    number = issuer = date = None
    annex = _code_after(_ANNEX_RE.search(header.text), header.text)
    formal = _code_after(_FORMAL_TITLE_RE.match(title), title)
    if formal and ": " in title[formal.end() :]:
        formal = None  # "Kế hoạch số 27/KH-UBND: Hà Nội phấn đấu ...", a headline
    if header.number:
        number = header.number
        date = header.place_date or (
            _date_next_to(header.text, [(0, header.number_end)]) if header.number_end >= 0 else None
        )
        issuer = lh_issuer or _issuer_from_code(number)
    elif annex:
        number, date, issuer = _named_with(annex, header.text, places, lh_issuer)
        date = date or header.place_date
    elif formal:
        number, date, issuer = _named_with(formal, title, places, lh_issuer)
    elif header.motto or header.dated_line or header.doc_type_line:
        date, issuer = header.place_date, lh_issuer
    else:
        published, unit = _publication(lines)
        return DocMeta(
            title=title,
            number=None,
            issuer=None,
            date=published,
            kind=ARTICLE,
            source=_source(text, lines, unit),
            reports_on=_reported(text, title, published, places),
        )
    return DocMeta(title=title, number=number, issuer=issuer, date=date, kind=DOCUMENT)
