"""Who issued a document: organisation names read from prose or a letterhead, written as
Vietnamese prose names them, with their place ("UBND tỉnh Bình Sơn", "Sở Nội vụ tỉnh Bình Sơn")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.meta.codes import _DOC_TYPES, _UPPER
from kb.meta.title import _words

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
_BARE_ORGS = frozenset(
    {
        "UBND",
        "HĐND",
        "Ủy ban nhân dân",
        "Uỷ ban nhân dân",
        "Hội đồng nhân dân",
        "Chủ tịch UBND",
        "Chủ tịch HĐND",
    }
)
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
    r"(?:^|\s)(?:" + "|".join(sorted(_DOC_TYPES, key=len, reverse=True)) + r"|văn bản)\s*(?:số\s*:?\s*)?$",
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
            if (
                words[0] in _COMMA_HEADS
                and nxt
                and nxt.group(1)[0].isupper()
                and not _ORG_HEAD_RE.match(text, m.end() + len(nxt.group()) - len(nxt.group(1)))
            ):
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
    """ "08-CTr/TU của Thành ủy Hà Nội", "9535/QĐ-UBND ngày 25/12/2020 của UBND thành phố"."""
    m = _OF_AFTER_NUMBER.match(text, end)
    return _org_at(text, m.end()) if m else None


def _issuing_clause(text: str, start: int) -> tuple[bool, str | None]:
    """Is the code at ``start`` issued by the subject of its sentence, and by whom:
    "UBND thành phố Hà Nội vừa ban hành Kế hoạch số 27/KH-UBND" → (True, "UBND thành phố
    Hà Nội"); "tỉnh đã ban hành Kế hoạch số 45/KH-UBND" → (True, None)."""
    sentence = _CLAUSE_BREAK.split(text[max(0, start - 300) : start])[-1]
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
        return f"{org[: bare.start(1)]}{level} {name}" if name else org
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
    ("TỔNG", "CỤC"),
    ("CHI", "CỤC"),
    ("VĂN", "PHÒNG"),
    ("HỘI", "ĐỒNG"),
    ("TRUNG", "TÂM"),
    ("CÔNG", "AN"),
    ("BƯU", "ĐIỆN"),
    ("ĐẢNG", "BỘ"),
    ("LIÊN", "ĐOÀN"),
    ("SỞ",),
    ("BỘ",),
    ("BAN",),
    ("PHÒNG",),
    ("CỤC",),
    ("ĐOÀN",),
    ("HỘI",),
    ("VIỆN",),
)
_PARTY_UPPER = {("THÀNH", "ỦY"), ("TỈNH", "ỦY"), ("HUYỆN", "ỦY"), ("QUẬN", "ỦY"), ("THỊ", "ỦY"), ("ĐẢNG", "ỦY")}
_PROPER_WORDS = {
    ("CHÍNH", "PHỦ"): "Chính phủ",
    ("TRUNG", "ƯƠNG"): "Trung ương",
    ("VIỆT", "NAM"): "Việt Nam",
    ("QUỐC", "HỘI"): "Quốc hội",
}
_UPPER_LEVELS = {
    ("THÀNH", "PHỐ"): "thành phố",
    ("THỊ", "XÃ"): "thị xã",
    ("THỊ", "TRẤN"): "thị trấn",
    ("TỈNH",): "tỉnh",
    ("HUYỆN",): "huyện",
    ("QUẬN",): "quận",
    ("PHƯỜNG",): "phường",
    ("XÃ",): "xã",
    ("TP",): "thành phố",
    ("TP.",): "thành phố",
}
_VOWELS = set("AĂÂEÊIOÔƠUƯYÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ")


def _cap_word(word: str) -> str:
    return word[:1] + word[1:].lower()


_ACRONYMS = frozenset({"UBND", "HĐND", "UBMTTQ", "UBMTTQVN", "MTTQ", "CCHC", "TTHC", "VNPT"})


def _is_acronym(word: str) -> bool:
    """ "UBND", "HĐND", or capitals with no vowel ("TP", "KT")."""
    letters = [c for c in word if c.isalpha()]
    return word in _ACRONYMS or (len(letters) >= 2 and not any(c in _VOWELS for c in letters))


def _upper_place_start(words: Sequence[str]) -> int:
    """Where the place begins in an upper-case name ("... TỈNH BÌNH SƠN"), or len(words)."""
    start = len(words)
    i = 0
    while i < len(words) - 1:
        for key in sorted(_UPPER_LEVELS, key=len, reverse=True):
            n = len(key)
            if tuple(words[i : i + n]) == key and i + n < len(words):
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
        pair = tuple(body[i : i + 2])
        if pair in _PARTY_UPPER:
            out += [_cap_word(body[i]), body[i + 1].lower()]
            i, proper = i + 2, True
            continue
        if pair in _PROPER_WORDS:
            out.append(_PROPER_WORDS[pair])
            i += 2
            continue
        if not out:
            for key in _BODY_TYPES:
                if tuple(body[: len(key)]) == key:
                    out.append(" ".join(body[: len(key)]).lower().capitalize())
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
        level_words = next(k for k in sorted(_UPPER_LEVELS, key=len, reverse=True) if tuple(place[: len(k)]) == k)
        out.append(_UPPER_LEVELS[level_words])
        out += [_cap_word(w) for w in place[len(level_words) :]]
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
