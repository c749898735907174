"""PDF files: the text layer page by page, ruled tables one row per line.

Text comes from pypdf, page by page. Pages that hold a ruled table (cell
borders drawn as lines or rectangles, as Word, LibreOffice and ReportLab
draw them) are read with pdfplumber instead: each table becomes one line per
row with the cells joined by " | ", like a Word table, and the text around it
is read from the words' positions. A table that runs onto the next page is
joined into one table: its repeated header is dropped and a row split by
the page break is put back together. Tables without borders stay as text.
"""

from __future__ import annotations

import bisect
import io
import re
from typing import Any

from kb.readers.base import (
    DocumentCaps,
    DocumentError,
    _mb,
    _number,
    _row_line,
    _too_long,
)

_SENTENCE_END = tuple('.!?:;…"”»)]')
_LIST_START = re.compile(r"^(?:[a-zđ]\)|[a-zđ]\.\s|[-+•*–]\s)")

# Bounds of the table search (beyond them a page is read as plain text): pages
# searched per file, ruling segments per page (more is a drawing or a chart,
# and pdfplumber's cell finding grows quickly with them), characters per page,
# bytes of a page's content (decompressed: more is a drawing, not a table, and
# pdfplumber would hold every object of it at once).
_PDF_TABLE_MAX_PAGES = 200
_PDF_TABLE_MAX_EDGES = 2000
_PDF_TABLE_MAX_CHARS = 20_000
_PDF_TABLE_MAX_CONTENT = 2 * 1024 * 1024
_PDF_TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
# A page number alone on a line ("3", "- 3 -", "Trang 3", "3/12"): page furniture
# that may sit between the two parts of a table split by a page break.
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s]*$", re.IGNORECASE)


def _full_line_length(lines: list[str]) -> int:
    """The length of a typical full line of a page (80th percentile); 0 if unknown."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < 2:
        return 0
    return lengths[int(0.8 * (len(lengths) - 1))]


def _reflow_pdf_page(text: str, full: int | None = None) -> str:
    """Join the lines that the page layout wrapped inside one paragraph.

    Conservative: a line is joined to the next only when it is nearly as long
    as the page's typical full line (``full``, measured on ``text`` unless
    given), does not end a sentence, and the next line starts with a
    lower-case word (not a list marker such as ``a)``) or a figure that is no
    numbered item (``_continues``).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if full is None:
        full = _full_line_length(lines)
    if full < 30:
        return text
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if out and stripped and _continues(stripped):
            prev = out[-1].rstrip()
            if prev and len(prev.strip()) >= 0.7 * full and not prev.endswith(_SENTENCE_END):
                out[-1] = prev + " " + stripped
                continue
        out.append(line)
    return "\n".join(out)


def _continues(line: str) -> bool:
    """Whether a line may carry on the paragraph above: it starts with a lower-case word that is
    no list marker, or with a figure that is no numbered item («14/12/2024, trùng với…», «7.4)
    được trích xuất…»: a numbered item's text starts with a capital)."""
    if line[0].islower():
        return not _LIST_START.match(line)
    if not line[0].isdigit() or _PAGE_NUMBER.match(line):
        return False
    item = _NUMBERED_START.match(line)
    return item is None or item.group(1).islower()


_NUMBERED_START = re.compile(r"^\d+(?:\.\d+)*[.)]\s+(\S)")


class _PdfTable:
    """A ruled table found on a page: its rows (cells as clean text, empty for
    a cell merged into the one before it) and its column boundaries."""

    __slots__ = ("columns", "rows")

    def __init__(self, rows: list[list[str]], columns: list[float]) -> None:
        self.rows = rows
        self.columns = columns

    def lines(self) -> list[str]:
        return [line for line in map(_row_line, self.rows) if line]


_PdfBlock = str | _PdfTable  # a page's content: paragraphs (one str per band of text) and tables


def _closing_rules(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal rules where two or more vertical rules end at the same height.

    ReportLab (among others) leaves out the horizontal border where a row is
    split by a page break: the columns' rules just stop. Drawing the missing
    border there lets the table finder close the row; where a border is
    drawn already the extra rule changes nothing.
    """
    ends: list[tuple[float, float]] = []
    for e in edges:
        if e["orientation"] == "v" and e["bottom"] - e["top"] >= 10:
            ends += [(e["top"], e["x0"]), (e["bottom"], e["x0"])]
    ends.sort()
    rules: list[dict[str, Any]] = []
    i = 0
    while i < len(ends):
        j = i
        while j + 1 < len(ends) and ends[j + 1][0] - ends[i][0] <= 1.5:
            j += 1
        xs = [x for _, x in ends[i : j + 1]]
        x0, x1 = min(xs), max(xs)
        if x1 - x0 >= 10:
            y = ends[i][0]
            rules.append(
                {"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0}
            )
        i = j + 1
    return rules


def _text_lines(words: list[dict[str, Any]]) -> list[str]:
    """Words placed on a page → lines of text, top to bottom.

    Words whose tops are within 3 pt share a line, read left to right; a wide
    gap (more than four times the text height: the two blocks of an official
    paper's heading, say) starts a new line.
    """
    lines: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and w["top"] - lines[-1][0]["top"] <= 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    out: list[str] = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        parts = [line[0]["text"]]
        for prev, w in zip(line, line[1:]):
            if w["x0"] - prev["x1"] > 4 * max(w["bottom"] - w["top"], 1.0):
                out.append(" ".join(parts))
                parts = []
            parts.append(w["text"])
        out.append(" ".join(parts))
    return out


def _cell_texts(table: Any, chars: list[dict[str, Any]], middles: list[float]) -> list[list[str]]:
    """The text of each cell of a pdfplumber table, row by row (``""`` for a
    slot covered by a merged cell).

    Does what ``Table.extract`` does (a character belongs to the cell that
    holds its middle), with ``chars`` sorted by their vertical middles
    (``middles``) so that each row looks only at its own characters: the
    library's version scans the whole page for every row.
    """
    from pdfplumber.utils import extract_text

    out: list[list[str]] = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        lo, hi = bisect.bisect_left(middles, top), bisect.bisect_left(middles, bottom)
        row_chars = [c for c in chars[lo:hi] if x0 <= (c["x0"] + c["x1"]) / 2 < x1]
        cells: list[str] = []
        for cell in row.cells:
            if cell is None:
                cells.append("")
                continue
            cx0, ctop, cx1, cbottom = cell
            inside = [
                c
                for c in row_chars
                if cx0 <= (c["x0"] + c["x1"]) / 2 < cx1 and ctop <= (c["top"] + c["bottom"]) / 2 < cbottom
            ]
            cells.append(extract_text(inside) if inside else "")
        out.append(cells)
    return out


def _pdf_page_blocks(page: Any) -> list[_PdfBlock] | None:
    """A page's paragraphs and ruled tables in reading order (pdfplumber page),
    or None when the page has no table (it is then read as plain text)."""
    edges = page.edges
    if len(edges) < 4 or len(edges) > _PDF_TABLE_MAX_EDGES or len(page.chars) > _PDF_TABLE_MAX_CHARS:
        return None
    if sum(c["text"].startswith("(cid:") for c in page.chars) > len(page.chars) // 100:
        return None  # glyphs pdfminer cannot map to text: pypdf may do better
    settings = dict(_PDF_TABLE_SETTINGS, explicit_horizontal_lines=_closing_rules(edges))
    found: list[tuple[tuple[float, float, float, float], _PdfTable]] = []
    chars = sorted(page.chars, key=lambda c: c["top"] + c["bottom"])
    middles = [(c["top"] + c["bottom"]) / 2 for c in chars]
    for table in page.find_tables(settings):
        rows = [[" ".join(cell.split()) for cell in row] for row in _cell_texts(table, chars, middles)]
        rows = [row for row in rows if any(row)]
        if len(rows) < 2 or len(rows[0]) < 2:
            continue  # a framed paragraph or a lone box: its text stays text
        columns = sorted({cell[0] for cell in table.cells}) + [table.bbox[2]]
        found.append((table.bbox, _PdfTable(rows, columns)))
    if not found:
        return None
    found.sort(key=lambda item: item[0][1])

    bands: list[list[dict[str, Any]]] = [[] for _ in range(len(found) + 1)]
    for w in page.extract_words():
        x, y = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        if any(x0 <= x <= x1 and top <= y <= bottom for (x0, top, x1, bottom), _ in found):
            continue  # the table's own text
        bands[sum(bbox[1] < y for bbox, _ in found)].append(w)
    band_lines = [_text_lines(words) for words in bands]
    full = _full_line_length([line for lines in band_lines for line in lines])
    blocks: list[_PdfBlock] = []
    for i, lines in enumerate(band_lines):
        if lines:
            blocks.append(_reflow_pdf_page("\n".join(lines), full))
        if i < len(found):
            blocks.append(found[i][1])
    return blocks


# Operators that draw a rectangle or a straight line, between white space.
_PATH_OPERATOR = re.compile(rb"\s(?:re|l)\s")


def _page_streams(page: Any) -> list[Any]:
    """A page's content streams (pypdf): its own, and those of the forms it places."""
    streams = [page.get_contents()]
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else {}
    xobjects = resources.get("/XObject")
    for ref in (xobjects.get_object() if xobjects is not None else {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            streams.append(xobject)
    return [stream for stream in streams if stream is not None]


def _content_size(page: Any) -> int:
    """Bytes of a page's content, decompressed (0 when pypdf cannot tell: extraction decides)."""
    try:
        return sum(len(stream.get_data()) for stream in _page_streams(page))
    except Exception:
        return 0


def _draws_rules(page: Any) -> bool:
    """Whether a page (pypdf) draws at least three lines or rectangles, in its
    content or in a form it places: cheap, and the fewest that draw a grid of
    two rows and two columns (a box and two rules). Pages that draw fewer (a
    rule under a heading, say) are not searched for tables at all:
    pdfplumber's parse costs tens of milliseconds a page, pypdf's a few."""
    try:
        count = 0
        for stream in _page_streams(page):
            for _ in _PATH_OPERATOR.finditer(stream.get_data()):
                count += 1
                if count >= 3:
                    return True
        return False
    except Exception:
        return True  # unsure: let the table search decide


def _pdf_tables_by_page(data: bytes, page_count: int, candidates: list[int]) -> dict[int, list[_PdfBlock]]:
    """The blocks of each page that holds a ruled table, by page index, among
    the pages ``candidates`` (at most :data:`_PDF_TABLE_MAX_PAGES` of them).

    Best effort: a page pdfplumber cannot read, or the whole file, is left
    out (and read as plain text).
    """
    candidates = candidates[:_PDF_TABLE_MAX_PAGES]
    if not candidates:
        return {}
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a dependency; plain text without it
        return {}
    found: dict[int, list[_PdfBlock]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) != page_count:
                return {}
            for index in candidates:
                page = pdf.pages[index]
                try:
                    blocks = _pdf_page_blocks(page)
                except Exception:
                    blocks = None
                finally:
                    page.close()  # drops the page's parsed objects
                if blocks:
                    found[index] = blocks
    except Exception:
        return {}
    return found


def _is_page_number(block: _PdfBlock) -> bool:
    return isinstance(block, str) and all(_PAGE_NUMBER.match(line) for line in block.split("\n") if line.strip())


def _header_rows(table: _PdfTable, part: _PdfTable) -> int:
    """How many of ``part``'s first rows repeat ``table``'s header (0 to 3 rows)."""
    n = 0
    while (
        n < 3
        and n < len(part.rows) - 1
        and n < len(table.rows)
        and [c.casefold() for c in part.rows[n]] == [c.casefold() for c in table.rows[n]]
    ):
        n += 1
    return n


def _continues_table(table: _PdfTable, part: _PdfTable) -> bool:
    """Whether ``part``, at the top of a page, is the rest of ``table``: the
    same columns, or the same width and the same header row."""

    def near(x: float, y: float) -> bool:
        return abs(x - y) <= 3

    if len(table.columns) == len(part.columns) and all(map(near, table.columns, part.columns)):
        return True
    return (
        near(table.columns[0], part.columns[0])
        and near(table.columns[-1], part.columns[-1])
        and _header_rows(table, part) > 0
    )


def _continues_row(last: list[str], row: list[str]) -> bool:
    """Whether ``row``, at the top of a page, is the rest of ``last``, the row
    a page break split: text only under cells that had text, the first
    (key) cell empty or continued, and a cell going on with a lower-case word."""
    if len(last) != len(row) or not any(row):
        return False
    if any(cell and not above for cell, above in zip(row, last)):
        return False

    def goes_on(cell: str) -> bool:
        return cell[:1].islower() and not _LIST_START.match(cell)

    return (not row[0] or goes_on(row[0])) and any(goes_on(cell) for cell in row if cell)


def _join_split_tables(pages: list[list[_PdfBlock]]) -> None:
    """Join, in place, each table that runs onto the next page with its first part.

    The part on the next page is the same table when it is that page's first
    block, the previous page's last block is a table (page numbers aside on
    both) and the two have the same columns (or the same width and header).
    Its repeated header rows are dropped, and its first row is joined to the
    first part's last row when it is the rest of that row. A table may run
    over many pages.
    """
    open_table: _PdfTable | None = None  # the table that ends the previous page
    for page in pages:
        content = [b for b in page if not _is_page_number(b)]
        if (
            open_table is not None
            and content
            and isinstance(part := content[0], _PdfTable)
            and _continues_table(open_table, part)
        ):
            content.pop(0)
            rows = part.rows[_header_rows(open_table, part) :]  # without the repeated header
            if rows and _continues_row(open_table.rows[-1], rows[0]):
                open_table.rows[-1] = [" ".join(filter(None, pair)) for pair in zip(open_table.rows[-1], rows[0])]
                rows = rows[1:]
            open_table.rows.extend(rows)
            page.remove(part)
            if not content:
                continue  # the table fills this page and may go on
        open_table = content[-1] if content and isinstance(content[-1], _PdfTable) else None


def _render_pdf_blocks(blocks: list[_PdfBlock]) -> str:
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, _PdfTable):
            parts.extend(block.lines())
        elif block.strip():
            parts.append(block)
    return "\n".join(parts)


def _read_pdf(name: str, data: bytes, caps: DocumentCaps) -> str:
    corrupt = DocumentError(
        f"Không đọc được tệp «{name}»: tệp PDF bị hỏng hoặc không đúng định dạng. "
        "Hãy xuất (Export) lại tệp PDF từ bản gốc, hoặc gửi bản .docx/.txt."
    )
    locked = DocumentError(
        f"Tệp «{name}» được đặt mật khẩu hoặc mã hóa nên không đọc được. "
        "Hãy gỡ mật khẩu rồi gửi lại, hoặc gửi bản .docx/.txt."
    )
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise locked
            except DocumentError:
                raise
            except Exception:
                raise locked from None
        page_count = len(reader.pages)
        if page_count > caps.pdf_pages:
            raise DocumentError(
                f"Tệp «{name}» có {_number(page_count)} trang, quá giới hạn {_number(caps.pdf_pages)} trang một "
                "tài liệu. Hãy tách thành nhiều tệp nhỏ hơn, hoặc chỉ gửi phần văn bản cần dùng."
            )
        pages = list(reader.pages)
    except DocumentError:
        raise
    except Exception:
        raise corrupt from None
    if not pages:
        raise corrupt

    sizes = [_content_size(page) for page in pages]  # before any text is extracted
    if sum(sizes) > caps.unpacked_bytes:
        raise DocumentError(
            f"Tệp «{name}» có nội dung giải nén ra tới {_mb(sum(sizes))} MB, quá giới hạn {_mb(caps.unpacked_bytes)} "
            "MB. Hãy tách thành nhiều tệp nhỏ hơn, hoặc xuất (Export) lại tệp PDF từ bản gốc rồi gửi lại."
        )
    with_tables = _pdf_tables_by_page(
        data,
        len(pages),
        [i for i, page in enumerate(pages) if sizes[i] <= _PDF_TABLE_MAX_CONTENT and _draws_rules(page)],
    )
    page_blocks: list[list[_PdfBlock]] = []
    failed = 0
    chars = 0
    for index, page in enumerate(pages):
        if index in with_tables:
            page_blocks.append(with_tables[index])
        else:
            try:
                page_blocks.append([_reflow_pdf_page(page.extract_text() or "")])
            except Exception:
                page_blocks.append([])
                failed += 1
        chars += sum(
            len(block) if isinstance(block, str) else sum(map(len, block.lines())) for block in page_blocks[-1]
        )
        if chars > caps.chars:
            raise _too_long(name, caps)
    if failed == len(pages):
        raise corrupt
    _join_split_tables(page_blocks)
    text = "\n\n".join(_render_pdf_blocks(blocks) for blocks in page_blocks)
    if not text.strip():
        raise DocumentError(
            f"Tệp «{name}» là PDF dạng ảnh (bản scan/chụp) nên không có chữ để đọc. "
            "Hãy nhận dạng chữ (OCR) trước khi gửi, hoặc gửi bản văn bản (.docx, .txt hoặc PDF "
            "xuất trực tiếp từ Word)."
        )
    return text
