"""A text's title: its first meaningful line, page furniture, date lines, bylines and
official-paper header lines skipped."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.meta.codes import _CODE_RE, _DOC_TYPES
from kb.meta.dates import _ANY_DATE, _NUM_DATE

MAX_TITLE_CHARS = 200

_FURNITURE_PHRASES = (
    r"bỏ qua nội dung chính",
    r"chuyển đến nội dung chính",
    r"đi tới nội dung chính",
    r"skip to (?:main )?content",
    r"danh mục",
    r"(?:xem )?cỡ chữ",
    r"(?:nghe )?đọc bài viết",
    r"nghe bài viết",
    r"in bài viết",
    r"bản in",
    r"in trang",
    r"chia sẻ",
    r"trang chủ",
    r"quay lại",
    r"trở về",
    r"tin (?:mới hơn|cũ hơn|đã đưa|liên quan|khác)",
    r"bài viết liên quan",
    r"xem (?:tiếp|thêm|theo ngày)",
    r"số lượt (?:người )?(?:xem|truy cập)",
    r"lượt xem",
    r"top",
    r"menu",
    r"tìm kiếm",
    r"đăng nhập",
    r"email",
    r"facebook",
    r"zalo",
    r"twitter",
    r"print",
    r"(?:lên|về) đầu trang",
    r"cập nhật",
    r"ngày (?:đăng|cập nhật)",
    r"đăng (?:lúc|ngày)",
    r"thời gian",
    r"lúc",
    r"ngày",
    r"gmt\s*\+\s*7",
)
_FURNITURE_RE = re.compile(r"(?<!\w)(?:" + "|".join(_FURNITURE_PHRASES) + r")(?!\w)", re.IGNORECASE)
_WEEKDAY_RE = re.compile(r"(?<!\w)(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|T[2-7]|CN)(?!\w)", re.IGNORECASE)
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
    "ỦY BAN",
    "UỶ BAN",
    "UBND",
    "HĐND",
    "HỘI ĐỒNG",
    "THÀNH ỦY",
    "THÀNH UỶ",
    "TỈNH ỦY",
    "TỈNH UỶ",
    "HUYỆN ỦY",
    "HUYỆN UỶ",
    "QUẬN ỦY",
    "QUẬN UỶ",
    "ĐẢNG ỦY",
    "ĐẢNG UỶ",
    "ĐẢNG BỘ",
    "BỘ ",
    "SỞ ",
    "BAN ",
    "VĂN PHÒNG",
    "PHÒNG ",
    "CỤC ",
    "TỔNG CỤC",
    "THÀNH PHỐ",
    "TỈNH ",
    "QUẬN ",
    "HUYỆN ",
    "THỊ XÃ",
    "XÃ ",
    "PHƯỜNG ",
    "CHÍNH PHỦ",
    "QUỐC HỘI",
    "THỦ TƯỚNG",
    "MẶT TRẬN",
    "UBMTTQ",
    "BAN CHẤP HÀNH",
    "TP ",
    "TP. ",
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
        bool(words) and len(words) <= 10 and line == line.upper() and line.lstrip("-–_ ").startswith(_LETTERHEAD_STARTS)
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
    if has_date and (_WEEKDAY_RE.search(line) or _DATE_TIME_RE.search(line)) and len(_words(residue)) <= 8:
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
    """ "KẾ HOẠCH" + "Thực hiện Chương trình ..." → "Kế hoạch thực hiện Chương trình ..."."""
    kind = doc_type.rstrip(" :").lower()
    kind = kind[:1].upper() + kind[1:]
    parts = subject.split(maxsplit=2)
    if len(parts) >= 2 and parts[0][:1].isupper() and parts[0][1:].islower() and parts[1][:1].islower():
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
                subject = next((s for s in cleaned[i + 1 :] if not _is_furniture(s)), None)
                if subject and not _DOC_TYPE_LINE_RE.match(subject):
                    return _cap(_join_doc_type(line, subject))
                continue
            if len(_words(line)) >= min_words:
                return _cap(_with_wrapped_line(line, cleaned[i + 1 : i + 2]))
    return None


_NUMBERED_LINE_RE = re.compile(r"^\s*(?:[IVXLC]+|\d+|[a-zđ])[.)]\s", re.IGNORECASE)


def _with_wrapped_line(line: str, after: Sequence[str]) -> str:
    """A title in capitals wrapped onto a second line in capitals («BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CẢI
    CÁCH HÀNH CHÍNH» / «CỦA CÁC SỞ, BAN, NGÀNH TỈNH BÌNH SƠN NĂM 2024») is one title."""
    if not after or not line.isupper():
        return line
    nxt = after[0]
    if not nxt.isupper() or _is_furniture(nxt) or _NUMBERED_LINE_RE.match(nxt) or _DOC_TYPE_LINE_RE.match(nxt):
        return line
    return f"{line} {nxt}"


def _stem(file_name: str) -> str:
    base = re.split(r"[\\/]", file_name or "")[-1].strip()
    dot = base.rfind(".")
    stem = base[:dot] if dot > 0 else base
    return _cap(stem or base or "Tài liệu không tên")
