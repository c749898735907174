"""A document's text read as the structure it was written in.

Official documents are numbered outlines: «I.» parts, «1.» items, «a)»
points, «Chương» / «Điều» / «khoản», appendix tables.  A sentence cut out of
that outline loses what it is about: «9. Thực hiện đánh giá…» is the ninth
*target* only because of the heading above it, and «Sở Tài chính» in a table
row is the *host unit* only because of its column's header.  ``units`` turns
the text (one paragraph, list item or table row per line, as the readers
write it) into units that keep that context:

* ``context``: the path of headings above the unit («II. CHỈ TIÊU CHỦ YẾU NĂM
  2024 › 1. Cải cách thể chế»);
* ``label``: the unit's own number («9», «3.5», «dieu 7»), so "mục tiêu số
  9" or "Điều 7" finds it;
* a table row is rendered with its column headers («Đơn vị chủ trì: Sở Tài
  chính; Thời gian hoàn thành: …»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_HEADING = 160  # characters of a heading kept in a context path


@dataclass(frozen=True, slots=True)
class Unit:
    text: str  # as shown to the user
    kind: str  # "heading", "item", "row", "text"
    context: tuple[str, ...] = ()
    label: str = ""  # "9", "3.5", "dieu 7", "a"
    line: int = 0  # line number in the text


_ROMAN = r"[IVXLC]{1,6}"
_PART = re.compile(rf"^(?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục)\s+({_ROMAN}|\d+)\b\.?\s*(.*)$")
_ROMAN_HEAD = re.compile(rf"^({_ROMAN})[.)]\s*(\S.*)$")
_ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+(\d+)\s*[.:]?\s*(.*)$")
_MULTI = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(\S.*)$")
_NUMBERED = re.compile(r"^(\d{1,2})\s?[.)]\s?(?=\D)(.*)$")
_LETTERED = re.compile(r"^([a-zđ])\)\s*(\S.*)$")
_BULLET = re.compile(r"^[-–•+*]\s+(\S.*)$")
_ROW_LABEL = re.compile(r"^(\d{1,3}(?:\.\d{1,2}){0,3}|[A-Z]|[IVX]{1,4})\.?$")


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_HEADING else text[: MAX_HEADING - 1].rsplit(" ", 1)[0] + "…"


def _row_text(cells: list[str], header: list[str] | None) -> tuple[str, str]:
    """A table row as «label. Header: value; …» and its label."""
    label = ""
    if cells and _ROW_LABEL.match(cells[0]):
        label = cells[0].rstrip(".")
    parts = []
    for i, cell in enumerate(cells):
        if not cell:
            continue
        head = header[i] if header and i < len(header) else ""
        if i == 0 and label:
            parts.append(f"{head} {label}".strip() if head and len(head) <= 12 else label)
        elif head and head != cell:
            parts.append(f"{head}: {cell}")
        else:
            parts.append(cell)
    return "; ".join(parts), label


def _looks_like_header(cells: list[str]) -> bool:
    return (
        all(len(c) <= 60 for c in cells)
        and not _ROW_LABEL.match(cells[0] or "0")
        and not any(re.fullmatch(r"[\d.,%/ ]+", c) for c in cells)
    )


def _table(lines: list[str], i: int, j: int, ctx: tuple[str, ...]) -> list[Unit]:
    """Rows i..j-1 of a table as units; a group row («3 | CẢI CÁCH THỦ TỤC HÀNH CHÍNH | 10») and
    a numbered row with sub-rows («3.4» over «3.4.1») head the rows under them."""
    first = _cells(lines[i])
    header = first if _looks_like_header(first) else None
    out: list[Unit] = []
    if header:
        out.append(Unit(" | ".join(header), "heading", ctx, "", i))
    groups: list[tuple[str, str]] = []  # (label, row text) of the rows heading the current one
    for k in range(i + 1 if header else i, j):
        cells = _cells(lines[k])
        row, label = _row_text(cells, header)
        if not row:
            continue
        while groups and not (label and label.startswith(groups[-1][0] + ".")):
            groups.pop()
        out.append(Unit(row, "row", ctx + tuple(_short(g[1]) for g in groups), label, k))
        if label and (
            (len(cells) > 1 and _is_caps(cells[1]))
            or "." not in label
            or (k + 1 < j and _cells(lines[k + 1])[0].startswith(label + "."))
        ):
            groups.append((label, row))
    return out


class _Outline:
    """The headings above the current line, by level."""

    def __init__(self) -> None:
        self.levels: dict[float, str] = {}

    def set(self, level: float, text: str) -> None:
        for lv in [lv for lv in self.levels if lv >= level]:
            del self.levels[lv]
        self.levels[level] = _short(text)

    def drop(self, level: float) -> None:
        for lv in [lv for lv in self.levels if lv >= level]:
            del self.levels[lv]

    def path_above(self, level: float) -> tuple[str, ...]:
        return tuple(self.levels[lv] for lv in sorted(self.levels) if lv < level)

    def extend(self, level: int, text: str) -> None:
        if level in self.levels:
            self.levels[level] = _short(f"{self.levels[level]} {text}")

    def path(self) -> tuple[str, ...]:
        return tuple(self.levels[lv] for lv in sorted(self.levels))


def units(text: str) -> list[Unit]:
    """The text's units, in order, each with its heading path and own number."""
    return _UnitReader(text).read()


class _UnitReader:
    """Reads a text's lines in order into units, keeping the outline of headings above."""

    def __init__(self, text: str) -> None:
        self.lines = [ln.strip() for ln in text.splitlines()]
        self.out: list[Unit] = []
        self.outline = _Outline()
        self.pending_name: int | None = None  # a «Chương I» whose name is on the next line
        self.nested: list[float] = []  # [level, last number] of a numbered list nested in an item
        self.heading_item: float | None = None  # the level of the item just before, if it heads a list
        self.i = 0  # the next line to read

    def read(self) -> list[Unit]:
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if not line:
                self.i += 1
                self.pending_name = None
                continue
            if "|" in line:
                row = self._table_or_row(line)
                if row is None:
                    continue
                line = row
            self.i += 1
            self._line(line)
        return self.out

    def _table_or_row(self, line: str) -> str | None:
        """A table: consecutive lines of (>= 2) cells, the header first when it looks like one;
        read as a whole (None). A line of cells on its own is read as their text."""
        lines, i = self.lines, self.i
        cells = _cells(line)
        j = i + 1
        while j < len(lines) and "|" in lines[j] and 2 <= len(_cells(lines[j])) <= max(len(cells), 2) + 1:
            j += 1
        if len(cells) >= 2 and j - i >= 2:
            self.out.extend(_table(lines, i, j, self.outline.path()))
            self.i = j
            return None
        return " ".join(c for c in cells if c)

    def _line(self, line: str) -> None:
        """One line that is not part of a table (``self.i`` is already past it)."""
        n = self.i - 1
        if self.pending_name is not None and _is_caps(line) and len(line) <= MAX_HEADING:
            self.outline.extend(self.pending_name, line)
            self.out.append(Unit(line, "heading", self.outline.path(), "", n))
            self.pending_name = None
            return
        self.pending_name = None
        if self._part(line, n) or self._article(line, n) or self._roman_heading(line, n) or self._listed(line, n):
            return
        self.heading_item = None
        if _BULLET.match(line):
            self.out.append(Unit(line, "item", self.outline.path(), "", n))
        elif _is_caps(line) and len(line) <= MAX_HEADING:
            self._caps_heading(line, n)
        else:
            self._paragraph(line, n)

    def _part(self, line: str, n: int) -> bool:
        m = _PART.match(line)
        if not m:
            return False
        level = 1 if line[0].upper() in "PC" else 2
        self.outline.set(level, line)
        if not m.group(2):
            self.pending_name = level
        self.out.append(Unit(line, "heading", self.outline.path()[:-1], m.group(1), n))
        return True

    def _article(self, line: str, n: int) -> bool:
        m = _ARTICLE.match(line)
        if not m:
            return False
        head = line if len(line) <= MAX_HEADING else f"Điều {m.group(1)}"
        self.outline.set(3, head)
        self.out.append(Unit(line, "item", self.outline.path()[:-1], f"dieu {m.group(1)}", n))
        return True

    def _roman_heading(self, line: str, n: int) -> bool:
        m = _ROMAN_HEAD.match(line)
        if m:
            self.nested.clear()
        if m and (len(line) <= MAX_HEADING or _is_caps(m.group(2)[:40])):
            self.outline.set(2, line)
            self.out.append(Unit(line, "heading", self.outline.path()[:-1], m.group(1), n))
            return True
        return False

    def _listed(self, line: str, n: int) -> bool:
        """A numbered or lettered item («1.», «3.2», «a)»)."""
        m = _MULTI.match(line) or _NUMBERED.match(line) or _LETTERED.match(line)
        if not (m and m.group(2).strip()):
            return False
        level = 3.2 if m.re is _MULTI else 4 if m.re is _NUMBERED else 6
        if m.re is _NUMBERED:
            level = self._nested_level(int(m.group(1)), level)
        ctx = self.outline.path_above(level)
        # An item heads what follows only when it says so («…như sau:») or is a bare title.
        if line.endswith(":") or (len(line) <= 100 and not line.endswith((".", ";"))):
            self.outline.set(level, line)
            self.heading_item = level
        else:
            self.outline.drop(level)
            self.heading_item = None
        self.out.append(Unit(line, "item", ctx, m.group(1), n))
        return True

    def _nested_level(self, number: int, level: float) -> float:
        """«1.» right under an item that heads a list («a) Nhóm xếp loại Tốt:») starts a
        nested list; it goes on while the numbers follow each other (across sibling
        headings), and a number out of sequence is the outer list's next item."""
        nested = self.nested
        if number == 1 and self.heading_item is not None:
            nested[:] = [self.heading_item + 0.5, 1]
        elif nested and number == nested[1] + 1:
            nested[1] = number
        else:
            nested.clear()
        return nested[0] if nested else level

    def _caps_heading(self, line: str, n: int) -> None:
        out, lines = self.out, self.lines
        if (
            out
            and out[-1].kind == "heading"
            and not out[-1].context
            and out[-1].line == n - 1
            and _is_caps(out[-1].text)
        ):
            self.outline.extend(0, line)  # a caps title over two lines
        else:
            self.outline.set(0, line)
        out.append(Unit(line, "heading", (), "", n))
        # The subject line under a caps heading («KẾ HOẠCH» / «Cải cách hành chính năm 2024…»).
        i = self.i
        if (
            i < len(lines)
            and lines[i]
            and len(lines[i]) <= MAX_HEADING
            and not _is_caps(lines[i])
            and not lines[i].endswith((".", ";", ":"))
            and "|" not in lines[i]
            and not any(
                p.match(lines[i]) for p in (_PART, _ARTICLE, _ROMAN_HEAD, _MULTI, _NUMBERED, _LETTERED, _BULLET)
            )
        ):
            self.outline.extend(0, lines[i])
            out.append(Unit(lines[i], "heading", (), "", i))
            self.i += 1

    def _paragraph(self, line: str, n: int) -> None:
        self.out.append(Unit(line, "text", self.outline.path_above(3.5), "", n))
        # «Phiếu gồm 05 yếu tố:» heads the list that follows; another paragraph ends it.
        if line.endswith(":"):
            self.outline.set(3.5, line)
        else:
            self.outline.drop(3.5)
