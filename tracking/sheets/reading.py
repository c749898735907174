"""Reading a sheet file (.csv, .xlsx) within its caps, and recognising its kind and columns."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from common.zipcheck import ZipRefused, open_checked
from kb.text import nfc
from tracking.sheets.layout import (
    _KNOWN_HEADERS,
    CALENDAR_SHEET,
    KINDS,
    STAFF_SHEET,
    TASK_SHEET,
    Column,
    SheetError,
    SheetKind,
    header_key,
)

HEADER_SEARCH_ROWS = 10  # a title above the table may push the header down this far


# --------------------------------------------------------------------------
# Reading a file
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetCaps:
    """What one imported file may hold (settings ``IMPORT_MAX_*``). They are checked as the
    file is read, before a library parses any of it: a zip's declared sizes first
    (:mod:`common.zipcheck`), then a count of the workbook's rows, columns, cells and other
    elements, then the rows are read streaming, and no more of them than the caps allow."""

    rows: int = 100_000
    columns: int = 100
    cells: int = 1_000_000
    unpacked_bytes: int = 50 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Any) -> SheetCaps:
        return cls(
            rows=settings.import_max_rows,
            columns=settings.import_max_columns,
            cells=settings.import_max_cells,
            unpacked_bytes=settings.import_max_unpacked_mb * 1024 * 1024,
        )


# Elements of a workbook outside its sheets and shared strings (styles, names, properties...): openpyxl
# builds objects for each, time and memory apiece (bench/README.md). Real workbooks have a few thousand;
# Excel itself stops at 64,000 cell formats.
OTHER_ELEMENTS_MAX = 100_000
_CHUNK = 1 << 20  # bytes of a zip entry inflated at a time while counting


def read_table(
    file_name: str, data: bytes, caps: SheetCaps = SheetCaps()
) -> tuple[list[str], list[tuple[int, list[object]]]]:
    """The header cells and the non-blank data rows, each with its row number in the sheet
    (trailing blank cells dropped). Refuses a file beyond ``caps`` before parsing it."""
    suffix = Path(file_name).suffix.lower()
    rows: Iterator[Sequence[object]]
    if suffix == ".csv":
        rows = _csv_rows(file_name, data, caps)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(file_name, data, caps)
    else:
        raise SheetError(
            [
                f"Tệp «{file_name}» không phải bảng tính .xlsx hoặc .csv. Hãy lưu thành .xlsx (Excel) "
                "hoặc .csv (UTF-8) rồi gửi lại."
            ]
        )
    numbered = []
    for n, cells in enumerate(rows, start=1):
        cleaned = [_clean(c) for c in cells]
        while cleaned and cleaned[-1] is None:
            cleaned.pop()
        if cleaned:
            numbered.append((n, cleaned))
    if not numbered:
        raise SheetError([f"Tệp «{file_name}» trống."])
    (_, header), *body = numbered
    texts = [_cell_text(c) for c in header]
    while texts and not texts[-1]:
        texts.pop()
    return texts, body


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _megabytes(n: int) -> str:
    return f"{n / 1048576:.1f}".replace(".", ",").removesuffix(",0")


def _too_many_rows(file_name: str, row: int, caps: SheetCaps) -> SheetError:
    return SheetError(
        [
            f"Tệp «{file_name}» có dữ liệu tới dòng {_number(row)}, quá giới hạn {_number(caps.rows)} "
            "dòng một lần nhập. Hãy tách thành nhiều tệp nhỏ hơn rồi gửi lần lượt, hoặc xóa các dòng "
            "thừa ở cuối trang tính."
        ]
    )


def _too_many_columns(file_name: str, where: str, columns: int, caps: SheetCaps) -> SheetError:
    return SheetError(
        [
            f"Tệp «{file_name}» có {where} dài tới cột {get_column_letter(min(columns, 16_384))} "
            f"({_number(columns)} cột), quá giới hạn {_number(caps.columns)} cột. Hãy xóa các cột thừa ở "
            "bên phải bảng (kể cả cột trống đã tô màu, kẻ khung) rồi gửi lại."
        ]
    )


def _too_many_cells(file_name: str, caps: SheetCaps) -> SheetError:
    return SheetError(
        [
            f"Tệp «{file_name}» có hơn {_number(caps.cells)} ô (kể cả ô trống đã tô màu, kẻ khung), "
            "quá giới hạn một lần nhập. Hãy tách thành nhiều tệp nhỏ hơn, hoặc chép riêng bảng cần nhập "
            "sang một tệp mới rồi gửi lại."
        ]
    )


def _csv_rows(file_name: str, data: bytes, caps: SheetCaps) -> Iterator[list[str]]:
    if len(data) > caps.unpacked_bytes:
        raise SheetError(
            [
                f"Tệp «{file_name}» nặng {_megabytes(len(data))} MB, quá giới hạn "
                f"{_megabytes(caps.unpacked_bytes)} MB một lần nhập. Hãy tách thành nhiều tệp nhỏ hơn "
                "rồi gửi lần lượt."
            ]
        )
    try:
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(
            [
                f"Tệp «{file_name}» không ở bảng mã UTF-8. Trong Excel, hãy chọn Lưu thành → "
                "«CSV UTF-8 (Comma delimited)», hoặc gửi tệp .xlsx."
            ]
        ) from None
    return _csv_records(file_name, text, caps)


def _csv_records(file_name: str, text: str, caps: SheetCaps) -> Iterator[list[str]]:
    cells = 0
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)), 1):
            width = len(record)
            while width and not record[width - 1].strip():
                width -= 1
            if not width:
                yield []
                continue
            if number > caps.rows:
                raise _too_many_rows(file_name, number, caps)
            if width > caps.columns:
                raise _too_many_columns(file_name, f"dòng {_number(number)}", width, caps)
            cells += width
            if cells > caps.cells:
                raise _too_many_cells(file_name, caps)
            yield record[:width]
    except csv.Error as exc:
        raise SheetError(
            [f"Không đọc được tệp CSV «{file_name}» ({exc}). Hãy mở bằng Excel, lưu lại rồi gửi lại."]
        ) from None


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the first non-blank line has most of."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=first.count)


def _xlsx_rows(file_name: str, data: bytes, caps: SheetCaps) -> Iterator[tuple[object, ...]]:
    try:
        archive = open_checked(data, max_unpacked=caps.unpacked_bytes)
    except ZipRefused as refused:
        if refused.reason == "size":
            raise SheetError(
                [
                    f"Tệp «{file_name}» khi giải nén ra tới {_megabytes(refused.unpacked)} MB, quá giới hạn "
                    f"{_megabytes(caps.unpacked_bytes)} MB một lần nhập. Hãy tách thành nhiều tệp nhỏ hơn, "
                    "hoặc xóa hình ảnh và các trang tính khác rồi gửi lại."
                ]
            ) from None
        if refused.reason == "ratio":
            raise SheetError(
                [
                    f"Tệp «{file_name}» giải nén ra lớn bất thường (gấp {refused.ratio:.0f} lần tệp gửi), "
                    "không giống một bảng tính thật. Hãy mở bằng Excel, lưu lại thành .xlsx rồi gửi lại."
                ]
            ) from None
        raise _unreadable(file_name) from None
    with archive:
        widest = _count_xlsx(file_name, archive, caps)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged or foreign file fails in many ways inside openpyxl
        raise _unreadable(file_name) from None
    return _sheet_rows(file_name, book, caps.rows, widest)


def _sheet_rows(file_name: str, book: Any, rows: int, columns: int) -> Iterator[tuple[object, ...]]:
    """The first sheet's rows, streamed, at most ``rows`` of them and ``columns`` wide (the caps
    and the widest row counted: the bounds keep openpyxl's padding of a sparse sheet small)."""
    try:
        if not book.worksheets:
            return
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers record wrong dimensions; read every row there is
        yield from sheet.iter_rows(max_row=rows, max_col=columns, values_only=True)
    except Exception:
        raise _unreadable(file_name) from None
    finally:
        book.close()


# A start tag of a row or a cell (any namespace prefix), and a cell reference ("AB12") in its attributes.
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)")
_REFERENCE = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]*)\$?(\d*)""")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si(?=[\s/>])")


def _count_xlsx(file_name: str, archive: zipfile.ZipFile, caps: SheetCaps) -> int:
    """Refuse a workbook beyond the caps, counting its XML as it inflates, a chunk at a time;
    return the widest row's number of columns.

    Every entry that is XML is counted (whatever its name, since the workbook's relationships may
    point anywhere): in the sheets (and the calculation chain, which lists cells), the row number
    and the column of every cell and the cells in all; in the shared strings, the strings; in
    every other part, its elements. A document type declaration (entities: a "billion laughs")
    is refused: no Office file has one."""
    cells = strings = others = 0
    widest = 1
    for entry in archive.infolist():
        if entry.is_dir():
            continue
        kind = _part_kind(entry.filename.lower())
        row = column = 0
        try:
            with archive.open(entry) as part:
                head = part.read(_CHUNK)
                start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2]
                if start[:1] != b"<":
                    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in start:
                        raise _unreadable(file_name)  # UTF-16 XML: not what Office writes; not counted here
                    continue  # a picture, a binary part
                carry, chunk = b"", head
                while chunk:
                    text = carry + chunk
                    cut = text.rfind(b"<")
                    if cut <= 0:
                        cut = len(text)
                    text, carry = text[:cut], text[cut:]
                    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
                        raise _unreadable(file_name)
                    if kind == "sheet":
                        for match in _ROW_OR_CELL.finditer(text):
                            reference = _REFERENCE.search(match.group(2))
                            if match.group(1) == b"row":
                                row = int(reference.group(2)) if reference and reference.group(2) else row + 1
                                column = 0
                                continue
                            cells += 1
                            if reference and reference.group(1):
                                column = _column_number(reference.group(1))
                            else:
                                column += 1
                            if row > caps.rows:
                                raise _too_many_rows(file_name, row, caps)
                            if row and column > widest:
                                if column > caps.columns:
                                    raise _too_many_columns(file_name, f"dòng {_number(row)}", column, caps)
                                widest = column
                        if cells > caps.cells:
                            raise _too_many_cells(file_name, caps)
                    elif kind == "strings":
                        strings += sum(1 for _ in _SHARED_STRING.finditer(text))
                        if strings > caps.cells:
                            raise _too_many_cells(file_name, caps)
                    else:
                        others += text.count(b"<") - text.count(b"</") - text.count(b"<?") - text.count(b"<!")
                        if others > OTHER_ELEMENTS_MAX:
                            raise SheetError(
                                [
                                    f"Tệp «{file_name}» có quá nhiều định dạng, kiểu ô hoặc đối tượng "
                                    "ngoài bảng dữ liệu. Hãy chép bảng sang một tệp Excel mới (Dán đặc "
                                    "biệt → Giá trị) rồi gửi lại."
                                ]
                            )
                    chunk = part.read(_CHUNK)
                    if not chunk and carry:
                        chunk, carry = carry + b" ", b""  # the last piece, counted on its own
        except SheetError:
            raise
        except Exception:  # a damaged entry (its CRC, its data)
            raise _unreadable(file_name) from None
    return widest


def _part_kind(name: str) -> str:
    """How a workbook's part is counted: "sheet" (cells), "strings" (shared strings) or "other" (elements)."""
    if name.startswith("xl/worksheets/") or name.endswith("calcchain.xml"):
        return "sheet"
    return "strings" if name.endswith("sharedstrings.xml") else "other"


def _column_number(letters: bytes) -> int:
    """b"AB" → 28 (more than four letters count as four: beyond any sheet's last column anyway)."""
    number = 0
    for letter in letters[:4].upper():
        number = number * 26 + letter - 64
    return number


def _unreadable(file_name: str) -> SheetError:
    return SheetError(
        [
            f"Không mở được tệp Excel «{file_name}»: tệp hỏng, có mật khẩu hoặc không phải .xlsx. "
            "Hãy mở bằng Excel, lưu thành .xlsx rồi gửi lại."
        ]
    )


def _clean(value: object) -> object:
    """A cell as read: strings trimmed, blank strings as None."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def _cell_text(value: object, *, multiline: bool = False) -> str:
    """A cell as text: whole numbers without ".0", spaces collapsed (and line breaks, unless ``multiline``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfc(str(value))
    if multiline:
        return "\n".join(line for line in (" ".join(part.split()) for part in text.splitlines()) if line)
    return " ".join(text.split())


# --------------------------------------------------------------------------
# Recognising the sheet
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    number: int
    cells: dict[Column, object]  # only the columns the file has

    def has(self, column: Column) -> bool:
        return column in self.cells

    def raw(self, column: Column) -> object:
        return self.cells.get(column)

    def text(self, column: Column, *, multiline: bool = False) -> str:
        return _cell_text(self.cells.get(column), multiline=multiline)


def _locate_header(
    header: list[str], body: list[tuple[int, list[object]]]
) -> tuple[SheetKind, dict[Column, int], list[tuple[int, list[object]]]]:
    """The header row and the rows below it. Usually the first row; but a title
    ("DANH SÁCH CÁN BỘ") may sit above the table, so the row among the first few
    with the most known headers is taken."""
    candidates = [header, *([_cell_text(c) for c in cells] for _, cells in body[: HEADER_SEARCH_ROWS - 1])]
    best = max(range(len(candidates)), key=lambda i: sum(header_key(c) in _KNOWN_HEADERS for c in candidates[i]))
    kind, positions = _recognise(candidates[best])
    return kind, positions, body[best:]


def _recognise(header: list[str]) -> tuple[SheetKind, dict[Column, int]]:
    positions: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        if cell:
            positions.setdefault(header_key(cell), []).append(index)
    found = {kind.name: _columns_found(kind, positions) for kind in KINDS.values()}
    complete = [kind for kind in KINDS.values() if all(c in found[kind.name] for c in kind.required)]
    if not complete:
        raise SheetError([_unknown_header(found)])
    kind = complete[0]
    doubled = [c.header for c, hits in found[kind.name].items() if len(hits) > 1]
    if doubled:
        raise SheetError([f"Cột «{h}» có nhiều lần trong dòng tiêu đề; hãy giữ một cột." for h in doubled])
    return kind, {column: hits[0] for column, hits in found[kind.name].items()}


def _columns_found(kind: SheetKind, positions: dict[str, list[int]]) -> dict[Column, list[int]]:
    found: dict[Column, list[int]] = {}
    for column in kind.columns:
        hits = sorted(i for k in column.keys() for i in positions.get(k, []))  # noqa: SIM118 (a Column, not a dict)
        if hits:
            found[column] = hits
    return found


def _unknown_header(found: dict[str, dict[Column, list[int]]]) -> str:
    def required_found(kind: SheetKind) -> int:
        return sum(c in found[kind.name] for c in kind.required)

    def names(columns: Iterable[Column]) -> str:
        return ", ".join(f"«{c.header}»" for c in columns)

    likely = max(KINDS.values(), key=required_found)
    if required_found(likely) >= 2:
        missing = [c for c in likely.required if c not in found[likely.name]]
        return f"Tệp giống {likely.label.lower()} nhưng thiếu cột: {names(missing)}."
    return (
        "Không nhận ra bảng: dòng tiêu đề (dòng đầu tiên) phải có các cột của danh sách cán bộ "
        f"({names(STAFF_SHEET.required)}), của danh sách nhiệm vụ ({names(TASK_SHEET.required)}) "
        f"hoặc của lịch cơ quan ({names(CALENDAR_SHEET.required)})."
    )
