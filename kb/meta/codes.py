"""Official document numbers ("27/KH-UBND", "08-CTr/TU") and the types they spell."""

from __future__ import annotations

import re
import unicodedata

# ---------------------------------------------------------------------------
# character classes
# ---------------------------------------------------------------------------


def _vietnamese_upper() -> str:
    letters = {"Đ"}
    for base in ("A", "A\u0306", "A\u0302", "E", "E\u0302", "I", "O", "O\u0302", "O\u031b", "U", "U\u031b", "Y"):
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


# The types of official documents, as prose writes them before a number.
_DOC_TYPES = (
    "kế hoạch",
    "quyết định",
    "chỉ thị",
    "nghị quyết",
    "nghị định",
    "thông tư",
    "thông tư liên tịch",
    "công văn",
    "chương trình",
    "thông báo",
    "hướng dẫn",
    "báo cáo",
    "tờ trình",
    "đề án",
    "luật",
    "quy định",
    "quy chế",
    "kết luận",
    "công điện",
    "chương trình hành động",
    "chương trình phối hợp",
)


# ---------------------------------------------------------------------------
# document types
# ---------------------------------------------------------------------------

# The type abbreviations of official numbers (Nghị định 30/2020/NĐ-CP, Phụ lục III, and
# the Party's own): "18/KH-UBND" is a Kế hoạch, "08-CTr/TU" a Chương trình. A number with
# no type before the issuer's abbreviation ("356/SNV-CCHC") is a Công văn's.
_TYPE_CODES = {
    "NQ": "Nghị quyết",
    "NĐ": "Nghị định",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "QYĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "KL": "Kết luận",
    "GM": "Giấy mời",
    "CV": "Công văn",
    "L": "Luật",
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
    m = _TYPE_BEFORE_CODE.search(text[max(0, start - 40) : start])
    if not m:
        return None
    kind = " ".join(m.group(1).lower().split())
    return kind[:1].upper() + kind[1:]
