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
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ARTICLE", "DOCUMENT", "DocMeta", "MAX_TITLE_CHARS", "doc_type_name", "extract_meta",
    "find_document_numbers",
]

MAX_TITLE_CHARS = 200
DOCUMENT = "document"
ARTICLE = "article"


@dataclass(frozen=True)
class DocMeta:
    """What a document is and how to cite it, as far as its text tells."""

    title: str                   # headline / subject; never empty, at most MAX_TITLE_CHARS
    number: str | None           # an official document's own number, e.g. "27/KH-UBND"
    issuer: str | None           # who issued it, with its place, e.g. "UBND thành phố Hà Nội"
    date: datetime.date | None   # a document's date; an article's publication date
    kind: str = DOCUMENT         # DOCUMENT or ARTICLE
    source: str | None = None    # an article's publisher, as the text states it
    reports_on: str | None = None  # the document an article reports on, e.g.
    # "Kế hoạch 05/KH-HĐTĐKT ngày 20/04/2021 của Hội đồng Thi đua - Khen thưởng thành phố Hà Nội"


# ---------------------------------------------------------------------------
# character classes
# ---------------------------------------------------------------------------


def _vietnamese_upper() -> str:
    letters = {"Đ"}
    for base in ("A", "A\u0306", "A\u0302", "E", "E\u0302", "I", "O", "O\u0302", "O\u031b",
                 "U", "U\u031b", "Y"):
        for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
            ch = unicodedata.normalize("NFC", base + tone)
            if len(ch) == 1 and not ch.isascii():
                letters.add(ch)
    return "A-Z" + "".join(sorted(letters))


_UPPER = _vietnamese_upper()  # for use inside [...]

# ---------------------------------------------------------------------------
# document numbers
# ---------------------------------------------------------------------------

# "Ð"/"ð" (U+00D0/U+00F0) are look-alikes of "Đ"/"đ" left by legacy fonts.
_CU, _CW = "A-ZĐÐ", "A-ZĐÐa-zđð0-9"
_CODE_RE = re.compile(
    r"(?<![\w/.\-])(?:"
    # 27/KH-UBND, 9535/QĐ-UBND, 54/2017/QH14, 06/CT-UBND, 1291/QĐ-TTg
    rf"\d+/(?:\d{{4}}/)?[{_CU}][{_CW}]*(?:-[{_CU}][{_CW}]*)*"
    # 08-CTr/TU, 03-CTr/BDVTU-BCSĐUBNDTP, 26-NQ/TW
    rf"|\d+-[{_CU}][A-ZĐÐa-zđð]*/[{_CU}][{_CW}]*(?:-[{_CU}][{_CW}]*)*"
    r")(?![\w\-/])"
)
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ"})


def _is_code(code: str) -> bool:
    """Real codes have at least two capitals after the number ("KH", "TTg", "QH14")."""
    suffix = code.split("/", 1)[1] if code[: code.find("/")].isdigit() else code
    return sum(c.isupper() for c in suffix) >= 2


def _occurrences(text: str) -> dict[str, list[tuple[int, int]]]:
    """Each official code (look-alike letters fixed) → its (start, end) spans, in order."""
    found: dict[str, list[tuple[int, int]]] = {}
    for m in _CODE_RE.finditer(text):
        code = m.group().translate(_LOOKALIKES)
        if _is_code(code):
            found.setdefault(code, []).append(m.span())
    return found


def find_document_numbers(text: str) -> list[str]:
    """All official document codes in ``text``, in order of first appearance, without repeats.

    Recognises ``27/KH-UBND``, ``9535/QĐ-UBND``, ``54/2017/QH14`` and the party style
    ``08-CTr/TU``, ``03-CTr/BDVTU-BCSĐUBNDTP``; ignores dates (``31/8/2020``),
    ratios (``9/63``) and numbers like ``1.671/1.720``.
    """
    return list(_occurrences(unicodedata.normalize("NFC", text)))


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------

_NUM_DATE = r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})"
_LONG_DATE = r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
_ANY_DATE = re.compile(
    rf"(?<![\d/.\-]){_NUM_DATE}(?!\d)(?![/.\-]\d)|{_LONG_DATE}", re.IGNORECASE
)
_DATE_AFTER_NUMBER = re.compile(
    r"[^\S\n]*,?[^\S\n]*(?:(?:được\s+)?(?:ban\s+hành|ký)\s+)?ngày\s+"
    rf"(?:{_NUM_DATE}(?!\d)|(\d{{1,2}})\s+tháng\s+(\d{{1,2}})\s+năm\s+(\d{{4}}))",
    re.IGNORECASE,
)


def _make_date(day: str, month: str, year: str) -> datetime.date | None:
    try:
        value = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2100 else None


def _date_of(m: re.Match[str]) -> datetime.date | None:
    g = m.groups()
    if g[0] is not None:
        return _make_date(g[0], g[2], g[3])
    return _make_date(g[4], g[5], g[6])


def _date_next_to(text: str, spans: Sequence[tuple[int, int]]) -> datetime.date | None:
    """The date written right after the number: "9535/QĐ-UBND ngày 25/12/2020"."""
    for _, end in spans:
        m = _DATE_AFTER_NUMBER.match(text, end)
        if m:
            value = _date_of(m)
            if value:
                return value
    return None


# ---------------------------------------------------------------------------
# title
# ---------------------------------------------------------------------------

_FURNITURE_PHRASES = (
    r"bỏ qua nội dung chính", r"chuyển đến nội dung chính", r"đi tới nội dung chính",
    r"skip to (?:main )?content", r"danh mục", r"(?:xem )?cỡ chữ", r"(?:nghe )?đọc bài viết",
    r"nghe bài viết", r"in bài viết", r"bản in", r"in trang", r"chia sẻ", r"trang chủ",
    r"quay lại", r"trở về", r"tin (?:mới hơn|cũ hơn|đã đưa|liên quan|khác)",
    r"bài viết liên quan", r"xem (?:tiếp|thêm|theo ngày)", r"số lượt (?:người )?(?:xem|truy cập)",
    r"lượt xem", r"top", r"menu", r"tìm kiếm", r"đăng nhập", r"email", r"facebook", r"zalo",
    r"twitter", r"print", r"(?:lên|về) đầu trang", r"cập nhật", r"ngày (?:đăng|cập nhật)",
    r"đăng (?:lúc|ngày)", r"thời gian", r"lúc", r"ngày", r"gmt\s*\+\s*7",
)
_FURNITURE_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(_FURNITURE_PHRASES) + r")(?!\w)", re.IGNORECASE
)
_WEEKDAY_RE = re.compile(
    r"(?<!\w)(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|T[2-7]|CN)(?!\w)", re.IGNORECASE
)
_TIME_RE = re.compile(
    r"(?<![\d:])\d{1,2}(?::\d{2}(?::\d{2})?|[hg]\d{2})(?![\d:])"
    r"(?:\s*(?:AM|PM|SA|CH|sáng|chiều|tối)(?!\w))?",
    re.IGNORECASE,
)
_DATE_LIKE_RE = re.compile(
    rf"{_ANY_DATE.pattern}|ngày[\s\d.…_]*tháng[\s\d.…_]*năm\s*\d{{4}}"
    r"|(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])",
    re.IGNORECASE,
)
# a date and a time written together: "05/02/2022 8:37 AM", "10/10/2019, 15:05", "15:05 10/10/2019"
_DATE_TIME_RE = re.compile(
    rf"(?:{_NUM_DATE})[\s,|\-–]*{_TIME_RE.pattern}"
    rf"|{_TIME_RE.pattern}[\s,|\-–]*\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{4}}",
    re.IGNORECASE,
)
_MOTTO_RE = re.compile(
    r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc",
    re.IGNORECASE,
)
_PLACE_DATE_RE = re.compile(
    rf"^[^\d,]{{1,40}},\s*(?:ngày\s+)?(?:{_NUM_DATE}|\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}}"
    r"|[\s.…_]*tháng[\s.…_]*năm\s*\d{4})\s*\.?$",
    re.IGNORECASE,
)
_NUMBER_LINE_RE = re.compile(r"^Số(?:\s+hiệu)?\s*:|^Số\s+\d")
_LETTERHEAD_STARTS = (
    "ỦY BAN", "UỶ BAN", "UBND", "HĐND", "HỘI ĐỒNG", "THÀNH ỦY", "THÀNH UỶ", "TỈNH ỦY", "TỈNH UỶ",
    "HUYỆN ỦY", "HUYỆN UỶ", "QUẬN ỦY", "QUẬN UỶ", "ĐẢNG ỦY", "ĐẢNG UỶ", "ĐẢNG BỘ", "BỘ ", "SỞ ",
    "BAN ", "VĂN PHÒNG", "PHÒNG ", "CỤC ", "TỔNG CỤC", "THÀNH PHỐ", "TỈNH ", "QUẬN ", "HUYỆN ",
    "THỊ XÃ", "XÃ ", "PHƯỜNG ", "CHÍNH PHỦ", "QUỐC HỘI", "THỦ TƯỚNG", "MẶT TRẬN", "UBMTTQ",
    "BAN CHẤP HÀNH", "TP ", "TP. ",
)
_DOC_TYPES = (
    "kế hoạch", "quyết định", "chỉ thị", "nghị quyết", "nghị định", "thông tư", "thông tư liên tịch",
    "công văn", "chương trình", "thông báo", "hướng dẫn", "báo cáo", "tờ trình", "đề án", "luật",
    "quy định", "quy chế", "kết luận", "công điện", "chương trình hành động", "chương trình phối hợp",
)
_DOC_TYPE_LINE_RE = re.compile(
    r"^(?:" + "|".join(sorted(_DOC_TYPES, key=len, reverse=True)) + r")\s*:?$", re.IGNORECASE
)
_WORD_RE = re.compile(r"[^\W\d_]+")


def _words(line: str) -> list[str]:
    return _WORD_RE.findall(line)


def _is_letterhead(line: str) -> bool:
    """An upper-case organisation line of an official paper's header."""
    words = _words(line)
    return (
        bool(words) and len(words) <= 10 and line == line.upper()
        and line.lstrip("-–_ ").startswith(_LETTERHEAD_STARTS)
    )


def _is_furniture(line: str) -> bool:
    """Page furniture, date/byline lines and official-paper header lines: not a title."""
    if not _words(line) or _MOTTO_RE.search(line) or _NUMBER_LINE_RE.match(line):
        return True
    if _CODE_RE.fullmatch(line.strip(" .")):
        return True
    has_date = bool(_DATE_LIKE_RE.search(line))
    residue = _WEEKDAY_RE.sub(" ", _TIME_RE.sub(" ", _DATE_LIKE_RE.sub(" ", line)))
    residue = _FURNITURE_RE.sub(" ", residue)
    if not _words(residue):
        return True  # only furniture, dates, times and weekdays
    if (has_date and (_WEEKDAY_RE.search(line) or _DATE_TIME_RE.search(line))
            and len(_words(residue)) <= 8):
        return True  # "Phòng cải cách hành chính Thứ Năm, 10/10/2019, 15:05"
    if _PLACE_DATE_RE.match(line):
        return True  # "Hà Nội, ngày 05 tháng 02 năm 2022"
    if _is_letterhead(line):
        return True
    segments = re.split(r"\s+[>»›]\s+", line)
    return len(segments) > 1 and all(len(s.split()) <= 4 for s in segments)  # breadcrumb


def _clean_title_line(line: str) -> str:
    line = re.sub(r"^\s*#{1,6}\s+", "", line)
    return " ".join(line.split()).strip(" |")


def _cap(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–") + "…"


def _join_doc_type(doc_type: str, subject: str) -> str:
    """"KẾ HOẠCH" + "Thực hiện Chương trình ..." → "Kế hoạch thực hiện Chương trình ..."."""
    kind = doc_type.rstrip(" :").lower()
    kind = kind[:1].upper() + kind[1:]
    parts = subject.split(maxsplit=2)
    if (len(parts) >= 2 and parts[0][:1].isupper() and parts[0][1:].islower()
            and parts[1][:1].islower()):
        subject = subject[:1].lower() + subject[1:]
    return f"{kind} {subject}"


def _find_title(lines: Sequence[str], max_lines: int = 40) -> str | None:
    """First meaningful line: skips furniture; prefers lines of three words or more."""
    cleaned = [c for c in (_clean_title_line(line) for line in lines) if c][:max_lines]
    for min_words in (3, 1):
        for i, line in enumerate(cleaned):
            if _is_furniture(line):
                continue
            if _DOC_TYPE_LINE_RE.match(line):
                subject = next((s for s in cleaned[i + 1:] if not _is_furniture(s)), None)
                if subject and not _DOC_TYPE_LINE_RE.match(subject):
                    return _cap(_join_doc_type(line, subject))
                continue
            if len(_words(line)) >= min_words:
                return _cap(line)
    return None


def _stem(file_name: str) -> str:
    base = re.split(r"[\\/]", file_name or "")[-1].strip()
    dot = base.rfind(".")
    stem = base[:dot] if dot > 0 else base
    return _cap(stem or base or "Tài liệu không tên")


# ---------------------------------------------------------------------------
# issuer
# ---------------------------------------------------------------------------

_NAME_NEXT = rf"(?=[^\S\n]+[{_UPPER}])"  # the organisation's proper name follows
_ORG_HEAD_RE = re.compile(
    r"(?<!\w)(?:"
    r"Chủ\s+tịch\s+(?:UBND|HĐND|[ỦU]ỷ?\s*ban\s+nhân\s+dân|Hội\s+đồng\s+nhân\s+dân)"
    r"|UBND|HĐND|UBMTTQ(?:VN)?"
    r"|(?:Ủy|Uỷ)\s+ban\s+nhân\s+dân|Hội\s+đồng\s+nhân\s+dân"
    r"|(?:Thành|Tỉnh|Huyện|Quận|Thị|Đảng|Xã|Phường)\s+(?:ủy|uỷ)"
    r"|Quốc\s+hội|Thủ\s+tướng(?:\s+Chính\s+phủ)?|Văn\s+phòng\s+Chính\s+phủ|Chính\s+phủ"
    r"|(?:(?:Ủy|Uỷ)\s+ban|Hội\s+đồng|Bộ|Sở|Ban|Văn\s+phòng|Phòng|Tổng\s+cục|Cục|Mặt\s+trận"
    rf"|Đảng\s+bộ|Liên\s+đoàn|Đoàn|Hội){_NAME_NEXT}"
    r")(?!\w)"
)
_BARE_ORGS = frozenset({
    "UBND", "HĐND", "Ủy ban nhân dân", "Uỷ ban nhân dân", "Hội đồng nhân dân",
    "Chủ tịch UBND", "Chủ tịch HĐND",
})
_ORG_TOKEN_RE = re.compile(r"[^\S\n]*(TP\.|Tp\.|,|[^\s,.;:!?()\[\]{}“”\"'«»/]+)")
# Heads whose proper names may contain a comma: "Bộ Văn hóa, Thể thao và Du lịch".
_COMMA_HEADS = frozenset({"Bộ", "Sở"})
# Lower-case words that end an organisation's name ("... Hà Nội vừa ban hành", "... về").
_ORG_STOP = frozenset(
    "về ngày tại để nhằm trên đối theo năm giai đến cho với trong khi đã vừa sẽ là thì gồm có "
    "ban ký phê thực triển này đó các những số cũng được mới hôm nay nhưng hoặc nên bị do bởi "
    "từ sau trước qua tới đang vẫn còn chỉ yêu đề quy hướng giao gửi chủ tổ xây phối vào ra "
    "như tiếp nhận lần kỳ cùng cấp thuộc trực".split()
)
_MAX_ORG_TOKENS = 14
_OF_AFTER_NUMBER = re.compile(
    r"[^\S\n]*,?[^\S\n]*(?:(?:được\s+)?(?:ban\s+hành|ký)\s+)?"
    r"(?:ngày\s+\d{1,2}(?:[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?|\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)"
    r"[^\S\n]*,?[^\S\n]*)?của[^\S\n]+"
)
_DOC_TYPE_TAIL = re.compile(
    r"(?:^|\s)(?:" + "|".join(sorted(_DOC_TYPES, key=len, reverse=True))
    + r"|văn bản)\s*(?:số\s*:?\s*)?$",
    re.IGNORECASE,
)
_VERB_TAIL = re.compile(
    r"(?:^|\s)(?:(?:vừa|đã|mới|cũng|chính thức|đồng thời)\s+)*"
    r"(?:ban hành|có|ký(?:\s+ban hành)?|phê duyệt|công bố|thông qua|xây dựng|trình)\s*$"
)
_CLAUSE_BREAK = re.compile(r"(?<!TP)(?<!Tp)[.;:!?\n(“”\"«»]")


def _org_at(text: str, pos: int) -> str | None:
    """The organisation name starting exactly at ``pos`` (head + proper name + place)."""
    found = _org_span(text, pos)
    return found[0] if found else None


def _org_span(text: str, pos: int) -> tuple[str, int] | None:
    """:func:`_org_at` plus where the name ends in ``text``."""
    head = _ORG_HEAD_RE.match(text, pos)
    if not head:
        return None
    words = [" ".join(head.group().split())]
    i = head.end()
    for _ in range(_MAX_ORG_TOKENS):
        m = _ORG_TOKEN_RE.match(text, i)
        if not m:
            break
        token = m.group(1)
        if token == ",":
            nxt = _ORG_TOKEN_RE.match(text, m.end())
            if (words[0] in _COMMA_HEADS and nxt and nxt.group(1)[0].isupper()
                    and not _ORG_HEAD_RE.match(text, m.end() + len(nxt.group()) - len(nxt.group(1)))):
                words[-1] += ","
                i = m.end()
                continue
            break
        if token in _ORG_STOP or token[0].isdigit():
            break
        if token == "và":  # inside a name only when a proper name follows
            nxt = _ORG_TOKEN_RE.match(text, m.end())
            if not nxt or not nxt.group(1)[0].isupper():
                break
        words.append(token)
        i = m.end()
    else:
        return None  # no end in sight: not a name
    while len(words) > 1 and words[-1] in ("và", "-", "–"):
        words.pop()
    org = " ".join(words).rstrip(",")
    return None if org in _BARE_ORGS else (org, i)


def _issuer_after(text: str, end: int) -> str | None:
    """"08-CTr/TU của Thành ủy Hà Nội", "9535/QĐ-UBND ngày 25/12/2020 của UBND thành phố"."""
    m = _OF_AFTER_NUMBER.match(text, end)
    return _org_at(text, m.end()) if m else None


def _issuing_clause(text: str, start: int) -> tuple[bool, str | None]:
    """Is the code at ``start`` issued by the subject of its sentence, and by whom:
    "UBND thành phố Hà Nội vừa ban hành Kế hoạch số 27/KH-UBND" → (True, "UBND thành phố
    Hà Nội"); "tỉnh đã ban hành Kế hoạch số 45/KH-UBND" → (True, None)."""
    sentence = _CLAUSE_BREAK.split(text[max(0, start - 300):start])[-1]
    doc_type = _DOC_TYPE_TAIL.search(sentence)
    if not doc_type:
        return False, None
    sentence = sentence[: doc_type.start()]
    verb = _VERB_TAIL.search(sentence)
    if not verb:
        return False, None
    pieces = sentence[: verb.start()].split(",")
    # the subject is normally the last comma-separated piece ("Ngày 20/4, Hội đồng ...");
    # look further back only for names with a comma ("Bộ Văn hóa, Thể thao và Du lịch")
    for k in range(1, min(3, len(pieces)) + 1):
        clause = ",".join(pieces[-k:])
        head = _ORG_HEAD_RE.search(clause)
        if head:
            found = _org_span(clause, head.start())
            if k == 1:
                return True, found[0] if found else None
            if found and found[1] >= len(clause.rstrip()):
                return True, found[0]
            return True, None
    return True, None


def _issuer_from_code(number: str) -> str | None:
    """National bodies spelled out by the code itself: QH → Quốc hội, CP, TTg."""
    last = number.rsplit("/", 1)[-1].rsplit("-", 1)[-1]
    if re.fullmatch(r"QH\d*", last):
        return "Quốc hội"
    if last == "TTg":
        return "Thủ tướng Chính phủ"
    if last == "CP":
        return "Chính phủ"
    return None


# ---------------------------------------------------------------------------
# document types
# ---------------------------------------------------------------------------

# The type abbreviations of official numbers (Nghị định 30/2020/NĐ-CP, Phụ lục III, and
# the Party's own): "18/KH-UBND" is a Kế hoạch, "08-CTr/TU" a Chương trình. A number with
# no type before the issuer's abbreviation ("356/SNV-CCHC") is a Công văn's.
_TYPE_CODES = {
    "NQ": "Nghị quyết", "NĐ": "Nghị định", "QĐ": "Quyết định", "CT": "Chỉ thị", "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch", "QC": "Quy chế", "QyĐ": "Quy định", "QYĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản",
    "TTr": "Tờ trình", "HĐ": "Hợp đồng", "CĐ": "Công điện", "KL": "Kết luận", "GM": "Giấy mời",
    "CV": "Công văn", "L": "Luật",
}


def doc_type_name(number: str | None) -> str | None:
    """The type an official number spells: "18/KH-UBND" → "Kế hoạch", "08-CTr/TU" →
    "Chương trình", "356/SNV-CCHC" → "Công văn"; None when the number does not say
    ("54/2017/QH14")."""
    if not number:
        return None
    number = number.translate(_LOOKALIKES)
    party = re.match(r"\d+-([^/]+)/", number)
    if party:
        return _TYPE_CODES.get(party.group(1))
    parts = number.split("/")[1:]
    if parts and parts[0].isdigit():
        parts = parts[1:]  # the year: 61/2018/NĐ-CP
    if not parts:
        return None
    first = parts[0].split("-")[0]
    if first in _TYPE_CODES:
        return _TYPE_CODES[first]
    return "Công văn" if "-" in parts[0] else None


_TYPES_ALT = "|".join(sorted(_DOC_TYPES, key=len, reverse=True))
# the type written just before a code: "Kế hoạch số ", "Chương trình phối hợp số ", "Chỉ thị "
_TYPE_BEFORE_CODE = re.compile(rf"(?<!\w)({_TYPES_ALT})[^\S\n]+(?:số[^\S\n]*:?[^\S\n]*)?$", re.IGNORECASE)


def _type_before(text: str, start: int) -> str | None:
    m = _TYPE_BEFORE_CODE.search(text[max(0, start - 40):start])
    if not m:
        return None
    kind = " ".join(m.group(1).lower().split())
    return kind[:1].upper() + kind[1:]


# ---------------------------------------------------------------------------
# places and the names of bodies
# ---------------------------------------------------------------------------

_NAME_WORD = rf"[{_UPPER}][^\W\d_]*"
# "tỉnh Bình Sơn", "thành phố Hà Nội", "TP. Hồ Chí Minh", "huyện Phú Lộc"
_PLACE_RE = re.compile(
    r"(?<!\w)(tỉnh|Tỉnh|thành[^\S\n]+phố|Thành[^\S\n]+phố|TP\.?|Tp\.?|huyện|Huyện|quận|Quận"
    r"|thị[^\S\n]+xã|Thị[^\S\n]+xã|thị[^\S\n]+trấn|xã|phường)"
    rf"[^\S\n]+({_NAME_WORD}(?:[^\S\n]+{_NAME_WORD}){{0,3}})"
)
# a name that stops at its level: "UBND thành phố", "Ủy ban nhân dân tỉnh"
_BARE_LEVEL_END = re.compile(r"(?<!\w)(tỉnh|thành\s+phố|TP\.?|Tp\.?|huyện|quận|thị\s+xã|xã|phường)\s*$")
_NATIONAL_RE = re.compile(
    r"^(?:Quốc\s+hội|Chính\s+phủ|Thủ\s+tướng|Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư|Bộ\s+(?!phận)"
    r"|Văn\s+phòng\s+(?:Chính\s+phủ|Quốc\s+hội|Trung\s+ương|Chủ\s+tịch\s+nước)|Tổng\s+cục|Cục"
    r"|Kiểm\s+toán\s+Nhà\s+nước|Ngân\s+hàng\s+Nhà\s+nước|Tòa\s+án|Viện\s+kiểm\s+sát)"
    r"|Trung\s+ương|Việt\s+Nam",
    re.IGNORECASE,
)
_PARTY_NAMED_RE = re.compile(rf"^(?:Thành|Tỉnh|Huyện|Quận|Thị)\s+(?:ủy|uỷ)\s+{_NAME_WORD}")
_PARTY_BARE = {"Thành ủy": "thành phố", "Tỉnh ủy": "tỉnh", "Huyện ủy": "huyện", "Quận ủy": "quận"}
_LOCAL_BODY_RE = re.compile(
    r"^(?:Chủ\s+tịch\s+)?(?:UBND|HĐND|Sở|Ban|Phòng|Văn\s+phòng|Hội\s+đồng|Công\s+an|Bưu\s+điện"
    r"|Trung\s+tâm|Chi\s+cục|Đảng\s+bộ)(?!\w)"
)


def _level(word: str) -> str:
    word = " ".join(word.lower().split())
    return "thành phố" if word in ("tp", "tp.") else word


def _places(text: str) -> list[tuple[str, str]]:
    """(level, name) of each place ``text`` names, in order: ("tỉnh", "Bình Sơn")."""
    return [(_level(m.group(1)), m.group(2)) for m in _PLACE_RE.finditer(text)]


def _has_place(org: str) -> bool:
    return bool(_PLACE_RE.search(org) or _NATIONAL_RE.search(org) or _PARTY_NAMED_RE.match(org))


def _complete_place(org: str, places: Sequence[tuple[str, str]]) -> str:
    """Say which place a body belongs to when its name does not: "UBND thành phố" →
    "UBND thành phố Huế", "Sở Nội vụ" → "Sở Nội vụ tỉnh Bình Sơn", from ``places``
    (the document's own first)."""
    if _has_place(org) or not places:
        return org
    bare = _BARE_LEVEL_END.search(org)
    if bare:
        level = _level(bare.group(1))
        name = next((n for lv, n in places if lv == level), None)
        return f"{org[:bare.start(1)]}{level} {name}" if name else org
    if org in _PARTY_BARE:
        name = next((n for lv, n in places if lv == _PARTY_BARE[org]), None)
        return f"{org} {name}" if name else org
    if _LOCAL_BODY_RE.match(org):
        wanted = ("tỉnh", "thành phố") if org.startswith("Sở") else None
        place = next(((lv, n) for lv, n in places if wanted is None or lv in wanted), None)
        return f"{org} {place[0]} {place[1]}" if place else org
    return org


_UBND_RE = re.compile(r"(?<!\w)(?:ủy|uỷ)\s+ban\s+nhân\s+dân(?!\w)", re.IGNORECASE)
_HDND_RE = re.compile(r"(?<!\w)hội\s+đồng\s+nhân\s+dân(?!\w)", re.IGNORECASE)
_PARTY_HEAD_RE = re.compile(r"(?<!\w)(Thành|Tỉnh|Huyện|Quận|Thị|Đảng)\s+uỷ(?!\w)")
# the type words that open a body's name; the next word starts its proper name
_BODY_TYPES = (
    ("TỔNG", "CỤC"), ("CHI", "CỤC"), ("VĂN", "PHÒNG"), ("HỘI", "ĐỒNG"), ("TRUNG", "TÂM"),
    ("CÔNG", "AN"), ("BƯU", "ĐIỆN"), ("ĐẢNG", "BỘ"), ("LIÊN", "ĐOÀN"), ("SỞ",), ("BỘ",), ("BAN",),
    ("PHÒNG",), ("CỤC",), ("ĐOÀN",), ("HỘI",), ("VIỆN",),
)
_PARTY_UPPER = {("THÀNH", "ỦY"), ("TỈNH", "ỦY"), ("HUYỆN", "ỦY"), ("QUẬN", "ỦY"), ("THỊ", "ỦY"),
                ("ĐẢNG", "ỦY")}
_PROPER_WORDS = {("CHÍNH", "PHỦ"): "Chính phủ", ("TRUNG", "ƯƠNG"): "Trung ương",
                 ("VIỆT", "NAM"): "Việt Nam", ("QUỐC", "HỘI"): "Quốc hội"}
_UPPER_LEVELS = {("THÀNH", "PHỐ"): "thành phố", ("THỊ", "XÃ"): "thị xã", ("THỊ", "TRẤN"): "thị trấn",
                 ("TỈNH",): "tỉnh", ("HUYỆN",): "huyện", ("QUẬN",): "quận", ("PHƯỜNG",): "phường",
                 ("XÃ",): "xã", ("TP",): "thành phố", ("TP.",): "thành phố"}
_VOWELS = set("AĂÂEÊIOÔƠUƯYÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ")


def _cap_word(word: str) -> str:
    return word[:1] + word[1:].lower()


_ACRONYMS = frozenset({"UBND", "HĐND", "UBMTTQ", "UBMTTQVN", "MTTQ", "CCHC", "TTHC", "VNPT"})


def _is_acronym(word: str) -> bool:
    """"UBND", "HĐND", or capitals with no vowel ("TP", "KT")."""
    letters = [c for c in word if c.isalpha()]
    return word in _ACRONYMS or (len(letters) >= 2 and not any(c in _VOWELS for c in letters))


def _upper_place_start(words: Sequence[str]) -> int:
    """Where the place begins in an upper-case name ("... TỈNH BÌNH SƠN"), or len(words)."""
    start = len(words)
    i = 0
    while i < len(words) - 1:
        for key in sorted(_UPPER_LEVELS, key=len, reverse=True):
            n = len(key)
            if tuple(words[i:i + n]) == key and i + n < len(words):
                if words[i + n] in ("HỘI", "ỦY") and n == 1:
                    continue  # XÃ HỘI, TỈNH ỦY
                start = i
                i += n - 1
                break
        i += 1
    return start


def _case_upper_name(name: str) -> str:
    """A letterhead's upper-case name as prose writes it: "ỦY BAN NHÂN DÂN TỈNH BÌNH SƠN" →
    "UBND tỉnh Bình Sơn", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" → "Sở Thông tin và Truyền thông"."""
    name = _HDND_RE.sub("HĐND", _UBND_RE.sub("UBND", name))
    words = name.replace("UỶ", "ỦY").split()
    cut = _upper_place_start(words)
    body, place = words[:cut], words[cut:]
    out: list[str] = []
    i, cap_next, proper = 0, False, False
    while i < len(body):
        pair = tuple(body[i:i + 2])
        if pair in _PARTY_UPPER:
            out += [_cap_word(body[i]), body[i + 1].lower()]
            i, proper = i + 2, True
            continue
        if pair in _PROPER_WORDS:
            out.append(_PROPER_WORDS[pair])  # type: ignore[index]
            i += 2
            continue
        if not out:
            for key in _BODY_TYPES:
                if tuple(body[:len(key)]) == key:
                    out.append(" ".join(body[:len(key)]).lower().capitalize())
                    i, cap_next = len(key), True
                    break
            else:
                out.append(body[0] if _is_acronym(body[0]) else _cap_word(body[0]))
                i = 1
            continue
        word = body[i]
        if _is_acronym(word):
            out.append(word)
        elif word == "VÀ":
            out.append("và")
            cap_next = True
        elif word in ("-", "–") or word.endswith(","):
            out.append(word.lower())
            cap_next = True
        elif cap_next or proper:
            out.append(_cap_word(word))
            cap_next = False
        else:
            out.append(word.lower())
        i += 1
    if place:
        level_words = next(k for k in sorted(_UPPER_LEVELS, key=len, reverse=True)
                           if tuple(place[:len(k)]) == k)
        out.append(_UPPER_LEVELS[level_words])
        out += [_cap_word(w) for w in place[len(level_words):]]
    return " ".join(out)


def _tidy_org(org: str, places: Sequence[tuple[str, str]] = ()) -> str:
    """A body's name as the bot writes it: upper-case letterheads in prose case, "Ủy ban nhân
    dân" → "UBND", "Hội đồng nhân dân" → "HĐND", and its place said."""
    org = " ".join(org.split()).strip(" ,;:-–")
    if _words(org) and org == org.upper() and not _is_acronym(org.replace(" ", "")):
        org = _case_upper_name(org)
    else:
        org = _HDND_RE.sub("HĐND", _UBND_RE.sub("UBND", org))
        org = _PARTY_HEAD_RE.sub(lambda m: f"{m.group(1)} ủy", org)
    return _complete_place(org, places)


# ---------------------------------------------------------------------------
# an official document's header
# ---------------------------------------------------------------------------

_HEADER_LINES = 14
_HEADER_LINE_CHARS = 300  # a longer line is prose: the header is over
_DASH_RUN = re.compile(r"[-–—_=]{2,}")
_LABEL_SPLIT = re.compile(r"(?<!\w)(?=Số(?:\s+hiệu)?\s*:)")
_LABEL_RE = re.compile(r"Số(?:\s+hiệu)?\s*:?\s*")
_MOTTO = "\x00"
_PLACE_DATE_FULL = re.compile(
    rf"^[^\d,|]{{1,40}},\s*(?:ngày\s+)?(?:{_NUM_DATE}|(\d{{1,2}})\s+tháng\s+(\d{{1,2}})\s+năm\s+(\d{{4}})"
    r"|[\s.…_]*tháng[\s.…_]*năm\s*\d{4})\s*\.?$",
    re.IGNORECASE,
)
_ANNEX_RE = re.compile(
    rf"Ban\s+hành\s+kèm\s+theo\s+({_TYPES_ALT})\s+số\s*:?\s*", re.IGNORECASE
)
_FORMAL_TITLE_RE = re.compile(rf"^(?:{_TYPES_ALT})\s+số\s*:?\s*", re.IGNORECASE)
_BODY_START_RE = re.compile(r"^(?:Căn\s+cứ|Kính\s+gửi|Thực\s+hiện|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị)(?!\w)")


@dataclass
class _Header:
    letterhead: list[str]              # its upper-case lines, in order
    number: str | None = None          # after "Số:"
    number_end: int = -1               # where that number ends in the header's text
    place_date: datetime.date | None = None
    dated_line: bool = False           # a place-and-date line, even with the date left blank
    motto: bool = False
    doc_type_line: bool = False        # "KẾ HOẠCH", "QUYẾT ĐỊNH" alone on a line
    text: str = ""                     # the header's lines joined by spaces


def _motto_mark(m: re.Match[str]) -> str:
    """The motto as a header writes it: "CỘNG HÒA XÃ HỘI ..." in capitals (prose may name
    the country, "nước Cộng hòa xã hội chủ nghĩa Việt Nam"), "Độc lập - Tự do - Hạnh phúc"."""
    motto = m.group()
    return f"\n{_MOTTO}\n" if motto.startswith("Độc") or motto == motto.upper() else motto


def _fragments(line: str) -> list[str]:
    """A header line cut into its pieces: table cells (" | "), rules ("-----"), the motto
    (returned as _MOTTO) and the "Số:" label."""
    out: list[str] = []
    for cell in line.split("|"):
        cell = _DASH_RUN.sub("\n", cell)
        cell = _MOTTO_RE.sub(_motto_mark, cell)
        cell = _LABEL_SPLIT.sub("\n", cell)
        out += [" ".join(p.split()) for p in cell.split("\n") if p.strip()]
    return out


def _read_header(lines: Sequence[str]) -> _Header:
    """What the first lines say of an official paper, up to its body ("Căn cứ ...", prose):
    the letterhead's upper-case lines until the "Số:" label, the motto standing alone or the
    place-and-date line; the number; the date; whether the motto or a type line is there."""
    head = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if _BODY_START_RE.match(line) or len(line) > _HEADER_LINE_CHARS or len(head) >= _HEADER_LINES:
            break
        head.append(line)
    h = _Header(letterhead=[], text=" ".join(head))
    collecting = True
    for line in head:
        pieces = _fragments(line)
        motto_only = bool(pieces) and all(p == _MOTTO for p in pieces)
        for piece in pieces:
            if piece == _MOTTO:
                h.motto = True
                if motto_only and h.letterhead:
                    collecting = False
                continue
            label = _LABEL_RE.match(piece) if piece.startswith("Số") else None
            code = _CODE_RE.match(piece, label.end()) if label else None
            if code and _is_code(code.group()):
                if h.number is None:
                    h.number = code.group().translate(_LOOKALIKES)
                    found = h.text.find(code.group())
                    h.number_end = found + len(code.group()) if found >= 0 else -1
                collecting = False
                piece = piece[code.end():].strip()  # "Số: 47/TB-UBND Bình Sơn, ngày ..." from a PDF
            pd = _PLACE_DATE_FULL.match(piece)
            if pd:
                h.dated_line = True
                g = pd.groups()
                if h.place_date is None:
                    if g[0] is not None:
                        h.place_date = _make_date(g[0], g[2], g[3])
                    elif g[4] is not None:
                        h.place_date = _make_date(g[4], g[5], g[6])
                collecting = False
                continue
            if not piece:
                continue
            if _DOC_TYPE_LINE_RE.match(piece):
                h.doc_type_line = True
                collecting = False
                continue
            starts = _is_letterhead(piece) or (
                h.letterhead and piece == piece.upper() and _words(piece) and len(_words(piece)) <= 10)
            if collecting and starts and len(h.letterhead) < 4:
                h.letterhead.append(piece)
            else:
                collecting = False
    return h


_PLACE_STARTS = ("TỈNH ", "THÀNH PHỐ", "HUYỆN ", "QUẬN ", "THỊ XÃ", "THỊ TRẤN", "XÃ ", "PHƯỜNG ", "TP")


def _letterhead_bodies(letterhead: Sequence[str]) -> list[str]:
    """The bodies a letterhead names, parent first, in prose case: "UBND TỈNH BÌNH SƠN /
    SỞ NỘI VỤ" → ["UBND tỉnh Bình Sơn", "Sở Nội vụ"]; "ỦY BAN NHÂN DÂN / TỈNH BÌNH SƠN" →
    ["UBND tỉnh Bình Sơn"] (a line that starts with a place goes on the line above)."""
    bodies: list[str] = []
    for line in letterhead:
        party = tuple(line.replace("UỶ", "ỦY").split()[:2]) in _PARTY_UPPER
        if bodies and line.startswith(_PLACE_STARTS) and not party:
            bodies[-1] += " " + line
        else:
            bodies.append(line)
    return [_tidy_org(b) for b in bodies]


def _letterhead_issuer(bodies: Sequence[str], places: Sequence[tuple[str, str]]) -> str | None:
    """The issuing body of a letterhead: its last, with its parent's place when its own
    name has none ("Sở Nội vụ" under "UBND tỉnh Bình Sơn" → "Sở Nội vụ tỉnh Bình Sơn")."""
    if not bodies or bodies[-1] in _BARE_ORGS:
        return None
    parents = [p for name in reversed(bodies[:-1]) for p in _places(name)]
    return _complete_place(bodies[-1], [*parents, *places])


# ---------------------------------------------------------------------------
# an article's date, source and subject
# ---------------------------------------------------------------------------

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
_CITING_LINE_RE = re.compile(
    rf"^\s*(?:\(\s*(?:theo\s+)?|theo\s+)(?:{_TYPES_ALT})(?:\s+số)?\s*:?\s*$", re.IGNORECASE)
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


def _with_year(day: str, month: str, year: str | None,
               published: datetime.date | None) -> datetime.date | None:
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


def _date_beside(text: str, span: tuple[int, int], issued: bool,
                 published: datetime.date | None) -> datetime.date | None:
    """A date the article gives a number short: "05/KH-HĐTĐKT ngày 20/4", or at the head
    of the sentence that issues it: "Ngày 20/4, Hội đồng ... có Kế hoạch số 05/KH-HĐTĐKT"."""
    short = _SHORT_DATE_AFTER.match(text, span[1])
    if short:
        return _with_year(short.group(1), short.group(2), None, published)
    if not issued:
        return None
    line = text[text.rfind("\n", 0, span[0]) + 1:span[0]]
    m = _SENTENCE_DATE_RE.match(re.split(r"(?<=[.;!?])\s+", line)[-1])
    if not m:
        return None
    g = m.groups()
    return (_with_year(g[0], g[1], g[2], published) if g[0] is not None
            else _with_year(g[3], g[4], g[5], published))


def _reported(text: str, title: str, published: datetime.date | None,
              places: Sequence[tuple[str, str]]) -> str | None:
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
        line = text[text.rfind("\n", 0, span[0]) + 1:span[0]]
        return 1 if clauses[span][0] or _CITING_LINE_RE.match(line) else 0

    best = max(((strength(code, span), -span[0], code) for code, spans in occ.items() for span in spans),
               default=None)
    if best is None or best[0] == 0:
        return None
    code, spans = best[2], occ[best[2]]
    kind = _type_before(text, -best[1]) or doc_type_name(code) or "Văn bản"
    date = _date_next_to(text, spans) or next(
        (d for span in spans if (d := _date_beside(text, span, clauses[span][0], published))), None)
    issuer = (next((org for _, end in spans if (org := _issuer_after(text, end))), None)
              or next((clauses[span][1] for span in spans if clauses[span][1]), None)
              or _issuer_from_code(code))
    out = f"{kind} {code}"
    if date:
        out += f" ngày {date:%d/%m/%Y}"
    if issuer:
        out += f" của {_tidy_org(issuer, places)}"
    return _cap(out, 255)


def _code_after(label: re.Match[str] | None, text: str) -> re.Match[str] | None:
    """The official code right after a label ("Ban hành kèm theo Quyết định số ", "Kế hoạch số ")."""
    code = _CODE_RE.match(text, label.end()) if label else None
    return code if code and _is_code(code.group()) else None


def _named_with(code: re.Match[str], text: str, places: Sequence[tuple[str, str]],
                letterhead_issuer: str | None) -> tuple[str, datetime.date | None, str | None]:
    """Number, date and issuer of a document named by its number in ``text``: "Quyết định số
    315/QĐ-UBND ngày 02/02/2024 của Ủy ban nhân dân tỉnh Bình Sơn"."""
    number = code.group().translate(_LOOKALIKES)
    found = _issuer_after(text, code.end())
    issuer = _tidy_org(found, places) if found else letterhead_issuer or _issuer_from_code(number)
    return number, _date_next_to(text, [code.span()]), issuer


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
    if formal and ": " in title[formal.end():]:
        formal = None  # "Kế hoạch số 27/KH-UBND: Hà Nội phấn đấu ...", a headline
    if header.number:
        number = header.number
        date = header.place_date or (_date_next_to(header.text, [(0, header.number_end)])
                                     if header.number_end >= 0 else None)
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
            title=title, number=None, issuer=None, date=published, kind=ARTICLE,
            source=_source(text, lines, unit),
            reports_on=_reported(text, title, published, places),
        )
    return DocMeta(title=title, number=number, issuer=issuer, date=date, kind=DOCUMENT)
