"""Describe a document from its text: title, own number, issuer and date.

The documents are either official papers (letterhead, "Số: 27/KH-UBND",
"Hà Nội, ngày 05 tháng 02 năm 2022", then "KẾ HOẠCH" and its subject) or news
articles about them (headline first, page furniture such as "Bỏ qua nội dung
chính" or "Xem cỡ chữ", a publication date, then prose such as "UBND thành phố
Hà Nội vừa ban hành Kế hoạch số 27/KH-UBND ..."). Every heuristic here is
general, best effort and never raises: what cannot be told is ``None`` (or, for
the title, the file name).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DocMeta", "MAX_TITLE_CHARS", "extract_meta", "find_document_numbers"]

MAX_TITLE_CHARS = 200


@dataclass(frozen=True)
class DocMeta:
    """What a document is, as far as its text tells."""

    title: str                   # headline / subject; never empty, at most MAX_TITLE_CHARS
    number: str | None           # the document's own number, e.g. "27/KH-UBND"
    issuer: str | None           # e.g. "UBND thành phố Hà Nội"
    date: datetime.date | None   # the document's date as shown


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


# "Số: 27/KH-UBND" / "Số hiệu: ..." — the label of an official paper's own number.
_NUMBER_LABEL = re.compile(r"(?<!\w)Số(?:\s+hiệu(?:\s+văn\s+bản)?)?\s*:\s*$|\n[^\S\n]*Số[^\S\n]+$")
_AFTER_SO = re.compile(r"(?<!\w)số\s*:?\s*$", re.IGNORECASE)


def _choose_number(text: str, title: str, occ: dict[str, list[tuple[int, int]]]) -> str | None:
    """The document's own number among the codes it mentions.

    Ranking: labelled "Số: ..." (an official paper's header) > appears in the
    title > written after "số" ("Kế hoạch số 27/KH-UBND") > most frequent >
    earliest.
    """
    best: tuple[bool, bool, bool, int, int] | None = None
    chosen = None
    title = title.translate(_LOOKALIKES)
    for code, spans in occ.items():
        # a "\n" stands for the start of the text, so "Số 27/KH-UBND" there is a label too
        before = [("\n" if s < 24 else "") + text[max(0, s - 24):s] for s, _ in spans]
        key = (
            any(_NUMBER_LABEL.search(b) for b in before),
            code in title,
            any(_AFTER_SO.search(b) for b in before),
            len(spans),
            -spans[0][0],
        )
        if best is None or key > best:
            best, chosen = key, code
    return chosen


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


def _early_date(lines: Sequence[str], n_lines: int = 6) -> datetime.date | None:
    """The first valid full date in the first ``n_lines`` non-empty lines (publication
    date of an article, place-and-date line of an official paper)."""
    seen = 0
    for line in lines:
        if not any(c.isalnum() for c in line):
            continue
        for m in _ANY_DATE.finditer(line):
            value = _date_of(m)
            if value:
                return value
        seen += 1
        if seen >= n_lines:
            break
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


def _issuer_before(text: str, start: int) -> str | None:
    """"UBND thành phố Hà Nội vừa ban hành Kế hoạch số 27/KH-UBND"."""
    sentence = _CLAUSE_BREAK.split(text[max(0, start - 300):start])[-1]
    doc_type = _DOC_TYPE_TAIL.search(sentence)
    if not doc_type:
        return None
    sentence = sentence[: doc_type.start()]
    verb = _VERB_TAIL.search(sentence)
    if not verb:
        return None
    pieces = sentence[: verb.start()].split(",")
    # the subject is normally the last comma-separated piece ("Ngày 20/4, Hội đồng ...");
    # look further back only for names with a comma ("Bộ Văn hóa, Thể thao và Du lịch")
    for k in range(1, min(3, len(pieces)) + 1):
        clause = ",".join(pieces[-k:])
        head = _ORG_HEAD_RE.search(clause)
        if head:
            found = _org_span(clause, head.start())
            if k == 1:
                return found[0] if found else None
            if found and found[1] >= len(clause.rstrip()):
                return found[0]
            return None
    return None


def _issuer_from_letterhead(lines: Sequence[str], number: str) -> str | None:
    """The upper-case organisation lines above "Số: <number>" in an official header."""
    head_lines = [line for line in lines if line.strip()][:12]
    for i, line in enumerate(head_lines):
        at = line.find(number)
        if at < 0:
            continue
        label = re.search(r"Số(?:\s+hiệu)?\s*:?\s*$", line[:at])
        if not label:
            return None
        parts: list[str] = []
        same_line = line[: label.start()].split(" | ")[-1]
        candidates = [same_line, *reversed(head_lines[:i])]
        for cand in candidates:
            cand = _MOTTO_RE.sub(" ", cand)
            cand = " ".join(re.sub(r"[-–_=]{2,}", " ", cand).split()).strip(" |")
            if not cand:
                continue
            if not _is_letterhead(cand) and not (parts and cand == cand.upper() and _words(cand)):
                break
            parts.insert(0, cand)
            if _is_letterhead(cand) and not cand.startswith(("THÀNH PHỐ", "TỈNH ", "QUẬN ",
                                                              "HUYỆN ", "THỊ XÃ", "TP")):
                break  # reached the organisation's first line
        org = " ".join(parts)
        return org if org and _is_letterhead(org) else None
    return None


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


def _find_issuer(text: str, lines: Sequence[str], number: str,
                 spans: Sequence[tuple[int, int]]) -> str | None:
    for start, end in spans:
        org = _issuer_after(text, end) or _issuer_before(text, start)
        if org:
            return org
    return _issuer_from_letterhead(lines, number) or _issuer_from_code(number)


# ---------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------


def extract_meta(text: str, file_name: str) -> DocMeta:
    """Title, own number, issuer and date of a document (see the module docstring).

    * title: the first meaningful line (page furniture, date lines, bylines and
      official-paper header lines skipped; "KẾ HOẠCH" + its subject line joined),
      at most :data:`MAX_TITLE_CHARS`; else the file name without extension;
    * number: the best-ranked official code (see :func:`find_document_numbers`);
    * issuer: the organisation named next to that number, else the letterhead
      above "Số: <number>", else the national body its code names; else None;
    * date: the date written after the number ("... ngày 25/12/2020"), else the
      first valid date in the first six non-empty lines; else None.
    """
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    title = _find_title(lines) or _stem(file_name)
    occ = _occurrences(text)
    number = _choose_number(text, title, occ)
    issuer = _find_issuer(text, lines, number, occ[number]) if number else None
    date = (_date_next_to(text, occ[number]) if number else None) or _early_date(lines)
    return DocMeta(title=title, number=number, issuer=issuer, date=date)
