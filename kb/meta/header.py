"""An official document's header (letterhead, "Số:", motto, place and date, type line), and
a document named by its number in a header or a formal first line."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kb.meta.codes import _CODE_RE, _LOOKALIKES, _TYPES_ALT, _is_code
from kb.meta.dates import _NUM_DATE, _date_next_to, _make_date
from kb.meta.issuers import (
    _BARE_ORGS,
    _PARTY_UPPER,
    _complete_place,
    _issuer_after,
    _issuer_from_code,
    _places,
    _tidy_org,
)
from kb.meta.title import _DOC_TYPE_LINE_RE, _MOTTO_RE, _is_letterhead, _words

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
_ANNEX_RE = re.compile(rf"Ban\s+hành\s+kèm\s+theo\s+({_TYPES_ALT})\s+số\s*:?\s*", re.IGNORECASE)
_FORMAL_TITLE_RE = re.compile(rf"^(?:{_TYPES_ALT})\s+số\s*:?\s*", re.IGNORECASE)
_BODY_START_RE = re.compile(r"^(?:Căn\s+cứ|Kính\s+gửi|Thực\s+hiện|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị)(?!\w)")


@dataclass
class _Header:
    letterhead: list[str]  # its upper-case lines, in order
    number: str | None = None  # after "Số:"
    number_end: int = -1  # where that number ends in the header's text
    place_date: datetime.date | None = None
    dated_line: bool = False  # a place-and-date line, even with the date left blank
    motto: bool = False
    doc_type_line: bool = False  # "KẾ HOẠCH", "QUYẾT ĐỊNH" alone on a line
    text: str = ""  # the header's lines joined by spaces


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
    head: list[str] = []
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
                piece = piece[code.end() :].strip()  # "Số: 47/TB-UBND Bình Sơn, ngày ..." from a PDF
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
                h.letterhead and piece == piece.upper() and _words(piece) and len(_words(piece)) <= 10
            )
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


def _code_after(label: re.Match[str] | None, text: str) -> re.Match[str] | None:
    """The official code right after a label ("Ban hành kèm theo Quyết định số ", "Kế hoạch số ")."""
    code = _CODE_RE.match(text, label.end()) if label else None
    return code if code and _is_code(code.group()) else None


def _named_with(
    code: re.Match[str], text: str, places: Sequence[tuple[str, str]], letterhead_issuer: str | None
) -> tuple[str, datetime.date | None, str | None]:
    """Number, date and issuer of a document named by its number in ``text``: "Quyết định số
    315/QĐ-UBND ngày 02/02/2024 của Ủy ban nhân dân tỉnh Bình Sơn"."""
    number = code.group().translate(_LOOKALIKES)
    found = _issuer_after(text, code.end())
    issuer = _tidy_org(found, places) if found else letterhead_issuer or _issuer_from_code(number)
    return number, _date_next_to(text, [code.span()]), issuer
