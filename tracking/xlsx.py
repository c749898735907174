"""A small streaming writer of .xlsx workbooks (Office Open XML spreadsheets).

Only what the task export needs: several sheets of plain values (text,
numbers, dates, date-times, booleans, blanks), bold / wrapped / aligned cells,
number formats, column widths, a frozen header row and an auto filter. It
exists because openpyxl builds an object for every cell, which makes a
province's export take seconds; here a row becomes one short run of XML text,
compressed as it comes (``bench/xlsx.py`` measures both; figures in
``bench/README.md``).

Rows are turned into XML as they come and compressed into the sheet's zip
entry in chunks, so memory holds the compressed file, the shared strings and
a few hundred rows of text, never a grid of cell objects. Text goes to the
shared string table (each distinct string is stored once: names, units and
statuses repeat on every row, which keeps the sheet XML pure ASCII and
small). The zip container is written here too, so every sheet can keep its
own compressor open, and a workbook given its creation time comes out as the
same bytes every time.

Usage::

    book = Workbook()
    sheet = book.sheet("Nhiệm vụ", widths=[12, 40], freeze_header=True, auto_filter=True)
    sheet.row(["Mã", "Nhiệm vụ"], style=HEADER)
    sheet.row(["NV001", date(2026, 6, 30)])
    sheet.row([Styled("Tổng số", BOLD), 1])
    data = book.to_bytes()

Excel's rules are applied rather than left for Excel to "repair": sheet
names are checked, characters XML 1.0 cannot carry are dropped, text longer
than a cell holds is cut, and the worksheet's parts come in the schema's
order.
"""

from __future__ import annotations

import math
import re
import struct
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal, NamedTuple

__all__ = ["BOLD", "HEADER", "Sheet", "Style", "Styled", "Workbook", "column_letter"]

MAX_CELL_CHARS = 32_767  # Excel's limit, in UTF-16 code units
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
SHEET_NAME_MAX = 31
COMPRESS_LEVEL = 1  # deflate level: the sheet XML is repetitive, so the quickest level already packs it well
_ROWS_PER_CHUNK = 512  # rows of XML joined, encoded and compressed at a time
_STRINGS_PER_CHUNK = 4096

# Serial day numbers count from 1899-12-30 in the 1900 date system; Excel
# also counts a 29 February 1900 that never was, so days before 1 March 1900
# are one lower than the plain difference.
_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_FIRST_SERIAL_WITHOUT_LEAP_BUG = 61  # 1900-03-01
_SECONDS_PER_DAY = 86_400

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Code points XML 1.0 does not allow (a Python str may hold lone surrogates too).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel reads "_xHHHH_" in text as an escaped character; a literal one is kept
# by escaping its underscore as "_x005F_".
_ESCAPE_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

_BUILTIN_NUMBER_FORMATS = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
    "0.00E+00": 11,
    "mm-dd-yy": 14,
    "d-mmm-yy": 15,
    "d-mmm": 16,
    "mmm-yy": 17,
    "h:mm": 20,
    "h:mm:ss": 21,
    "@": 49,
}
_FIRST_CUSTOM_NUMBER_FORMAT = 164  # lower ids are Excel's built-in formats

_letters: list[str] = []  # "A", "B", …: grown on demand, shared by every sheet
_letters_lock = threading.Lock()


def column_letter(index: int) -> str:
    """The letters of the 1-based column ``index`` ("A", …, "Z", "AA", …)."""
    if not 1 <= index <= MAX_COLUMNS:
        raise ValueError(f"column {index} is outside 1..{MAX_COLUMNS}")
    _ensure_letters(index)
    return _letters[index - 1]


def _ensure_letters(count: int) -> None:
    if len(_letters) >= count:
        return
    with _letters_lock:  # two threads growing it at once would misplace letters
        while len(_letters) < count:
            index = len(_letters) + 1
            letters = ""
            while index:
                index, rest = divmod(index - 1, 26)
                letters = chr(65 + rest) + letters
            _letters.append(letters)


_ensure_letters(52)


# --------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How a cell looks; each distinct style becomes one entry of the workbook's style table."""

    bold: bool = False
    wrap: bool = False
    vertical: Literal["top", "center", "bottom"] | None = None
    number_format: str | None = None


BOLD = Style(bold=True)
HEADER = Style(bold=True, wrap=True, vertical="center")


class Styled(NamedTuple):
    """A value with its own style, for a cell styled unlike the rest of its row."""

    value: object
    style: Style


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------


def _cell_text(text: str) -> str:
    """The escaped content of a ``<t>`` element: valid XML, at most one cell's worth, read back unchanged."""
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_CHARS // 2:
        text = _truncated(text)
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in escaped:  # a parser turns a raw CR into LF; a reference survives
        escaped = escaped.replace("\r", "&#13;")
    if "_x" in escaped:
        escaped = _ESCAPE_LOOKALIKE.sub(r"_x005F_\1", escaped)
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{escaped}</t>'
    return f"<t>{escaped}</t>"


def _truncated(text: str) -> str:
    """``text`` cut to what a cell holds; Excel counts UTF-16 units, so an emoji counts twice."""
    encoded = text.encode("utf-16-le", "surrogatepass")
    if len(encoded) <= 2 * MAX_CELL_CHARS:
        return text
    # Cutting may split a surrogate pair; its dangling half is dropped.
    return encoded[: 2 * MAX_CELL_CHARS].decode("utf-16-le", "ignore")


def _attribute(text: str) -> str:
    """``text`` escaped for a double-quoted attribute."""
    text = _ILLEGAL_XML.sub("", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def _check_sheet_name(name: str, taken: Sequence[str]) -> None:
    """Excel refuses (or "repairs") a workbook whose sheet names break these rules."""
    if not name or len(name) > SHEET_NAME_MAX:
        raise ValueError(f"a sheet name has 1 to {SHEET_NAME_MAX} characters: {name!r}")
    if _SHEET_NAME_FORBIDDEN.search(name) or _ILLEGAL_XML.search(name):
        raise ValueError(f"a sheet name cannot contain []:*?/\\ or control characters: {name!r}")
    if name.startswith("'") or name.endswith("'"):
        raise ValueError(f"a sheet name cannot begin or end with an apostrophe: {name!r}")
    if name.casefold() == "history":
        raise ValueError("Excel keeps the sheet name 'History' for itself")
    if name.casefold() in (other.casefold() for other in taken):
        raise ValueError(f"two sheets named {name!r}")


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------


def _date_serial(value: date) -> int | None:
    """Excel's day number of ``value``; None before 1900, which Excel cannot show as a date."""
    serial = value.toordinal() - _EPOCH_ORDINAL
    if serial < _FIRST_SERIAL_WITHOUT_LEAP_BUG:
        serial -= 1
        if serial < 1:
            return None
    return serial


def _datetime_serial(value: datetime) -> int | float | None:
    if value.tzinfo is not None:
        raise ValueError("Excel has no time zones: convert the datetime to local time without tzinfo")
    serial = _date_serial(value)
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1_000_000
    if serial is None or not seconds:
        return serial
    return serial + seconds / _SECONDS_PER_DAY


# --------------------------------------------------------------------------
# Zip entries
# --------------------------------------------------------------------------


class _Entry:
    """A zip entry, deflated as it is written."""

    def __init__(self, name: str, level: int) -> None:
        self.name = name
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        self.chunks: list[bytes] = []
        self.crc = 0
        self.size = 0
        self.compressed_size = 0
        self.closed = False

    def write(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        out = self._compressor.compress(data)
        if out:
            self.chunks.append(out)

    def close(self) -> None:
        if not self.closed:
            self.chunks.append(self._compressor.flush())
            self.compressed_size = sum(len(chunk) for chunk in self.chunks)
            self.closed = True


def _zip(entries: Sequence[_Entry], moment: datetime) -> bytes:
    """The zip archive of ``entries`` (deflated, no ZIP64: an export stays far below 4 GB)."""
    dos_time = moment.hour << 11 | moment.minute << 5 | moment.second // 2
    dos_date = max(moment.year - 1980, 0) << 9 | moment.month << 5 | moment.day
    out: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for entry in entries:
        name = entry.name.encode("ascii")
        if max(entry.size, entry.compressed_size, offset) >= 0xFFFFFFFF:
            raise ValueError("the workbook is too large for a zip file without ZIP64")
        common = struct.pack("<HHHHHIII", 20, 0, 8, dos_time, dos_date, entry.crc, entry.compressed_size, entry.size)
        header = b"PK\x03\x04" + common + struct.pack("<HH", len(name), 0) + name
        out.append(header)
        out.extend(entry.chunks)
        directory.append(
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + common
            + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset)
            + name
        )
        offset += len(header) + entry.compressed_size
    listing = b"".join(directory)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(listing), offset, 0)
    return b"".join(out) + listing + end


# --------------------------------------------------------------------------
# Sheets
# --------------------------------------------------------------------------


class Sheet:
    """One worksheet, written a row at a time (see :meth:`row`); made by :meth:`Workbook.sheet`."""

    def __init__(
        self,
        book: Workbook,
        title: str,
        index: int,
        *,
        widths: Sequence[float | None],
        freeze_header: bool,
        auto_filter: bool,
    ) -> None:
        self.title = title
        self.index = index
        self.auto_filter = auto_filter
        self.rows = 0
        self.columns = 0  # the widest row's cell count
        self._book = book
        self._entry = _Entry(f"xl/worksheets/sheet{index}.xml", book.compress_level)
        self._parts: list[str] = [_XML_DECLARATION, self._head(widths, freeze_header)]

    def _head(self, widths: Sequence[float | None], freeze_header: bool) -> str:
        """What precedes the rows: views (the frozen pane), the default row format, column widths."""
        selected = ' tabSelected="1"' if self.index == 1 else ""
        if freeze_header:
            view = (
                f'<sheetView{selected} workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
            )
        else:
            view = f'<sheetView{selected} workbookViewId="0"/>'
        if len(widths) > MAX_COLUMNS:
            raise ValueError(f"at most {MAX_COLUMNS} columns")
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{float(w):g}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
            if w is not None
        )
        return (
            f'<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
            f"<sheetViews>{view}</sheetViews>"
            '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
        )

    def row(self, values: Sequence[Any], *, style: Style | None = None) -> None:
        """Append a row: str, int, float, Decimal, bool, date, datetime (naive) or None (no cell).

        Dates and date-times get the workbook's date formats; ``style`` applies to every cell
        of the row, a :class:`Styled` value to its own cell."""
        if self._entry.closed:
            raise RuntimeError(f"sheet {self.title!r} is already written")
        count = len(values)
        if count > self.columns:
            if count > MAX_COLUMNS:
                raise ValueError(f"at most {MAX_COLUMNS} columns")
            _ensure_letters(count)
            self.columns = count
        if self.rows >= MAX_ROWS:
            raise ValueError(f"a sheet holds at most {MAX_ROWS:,} rows")
        n = self.rows = self.rows + 1
        r = str(n)
        book = self._book
        parts = self._parts
        append = parts.append
        append(f'<row r="{r}">')
        if style is not None:
            xf = book._style_index(style)
            for letter, value in zip(_letters, values):
                append(book._cell(letter + r, value, xf))
        else:
            # The hot path: the common types inlined, each cell one f-string.
            strings = book._strings
            date_open, datetime_open = book._date_open, book._datetime_open
            texts = 0
            for letter, value in zip(_letters, values):
                kind = type(value)
                if kind is str:
                    tail = strings.get(value)
                    if tail is None:
                        tail = book._add_string(value)
                    append(f'<c r="{letter}{r}"{tail}')
                    texts += 1
                elif value is None:
                    continue
                elif kind is int:
                    append(f'<c r="{letter}{r}"><v>{value}</v></c>')
                elif kind is date and value.year > 1900:
                    append(f'<c r="{letter}{r}{date_open}{value.toordinal() - _EPOCH_ORDINAL}</v></c>')
                elif kind is datetime and value.year > 1900 and value.tzinfo is None:
                    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
                    serial = value.toordinal() - _EPOCH_ORDINAL + seconds / _SECONDS_PER_DAY
                    append(f'<c r="{letter}{r}{datetime_open}{serial!r}</v></c>')
                else:
                    append(book._cell(letter + r, value, None))
            book._string_refs += texts
        append("</row>")
        if n % _ROWS_PER_CHUNK == 0:
            self._flush()

    def _flush(self) -> None:
        if self._parts:
            self._entry.write("".join(self._parts).encode("utf-8"))
            self._parts = []

    def close(self) -> _Entry:
        """Finish the sheet's XML (the filter follows the rows); no rows can be added after."""
        if not self._entry.closed:
            tail = "</sheetData>"
            if self.auto_filter:
                tail += f'<autoFilter ref="{self.filter_range()}"/>'
            tail += '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            self._parts.append(tail + "</worksheet>")
            self._flush()
            self._entry.close()
        return self._entry

    def filter_range(self) -> str:
        """The auto filter's range: the header and every row below it, across the widest row."""
        return f"A1:{column_letter(max(self.columns, 1))}{max(self.rows, 1)}"


# --------------------------------------------------------------------------
# Workbook
# --------------------------------------------------------------------------


class Workbook:
    """A workbook written as it is filled: add sheets, add rows, then :meth:`to_bytes` once done."""

    def __init__(
        self,
        *,
        date_format: str = "dd/mm/yyyy",
        datetime_format: str = "dd/mm/yyyy hh:mm",
        created: datetime | None = None,
        compress_level: int = COMPRESS_LEVEL,
    ) -> None:
        self.compress_level = compress_level
        self.created = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        # The shared strings, in index order: text -> the rest of its cells' XML (' t="s"><v>7</v></c>').
        self._strings: dict[str, str] = {}
        self._string_refs = 0
        self._sheets: list[Sheet] = []
        self._styles: dict[Style, int] = {Style(): 0}
        self._style_list: list[Style] = [Style()]  # by index
        self._number_formats: dict[str, int] = {}
        self._date_style = Style(number_format=date_format)
        self._datetime_style = Style(number_format=datetime_format)
        self._date_xf = self._style_index(self._date_style)
        self._datetime_xf = self._style_index(self._datetime_style)
        # What follows a date cell's reference, up to its value (the hot path's share of the XML).
        self._date_open = f'" s="{self._date_xf}"><v>'
        self._datetime_open = f'" s="{self._datetime_xf}"><v>'
        self._dated: dict[tuple[int, bool], int] = {}

    def sheet(
        self, title: str, *, widths: Sequence[float | None] = (), freeze_header: bool = False, auto_filter: bool = False
    ) -> Sheet:
        """A new sheet after the others; ``widths`` in Excel's character units, from column A."""
        _check_sheet_name(title, [s.title for s in self._sheets])
        sheet = Sheet(
            self, title, len(self._sheets) + 1, widths=widths, freeze_header=freeze_header, auto_filter=auto_filter
        )
        self._sheets.append(sheet)
        return sheet

    # Cells -----------------------------------------------------------------

    def _add_string(self, text: str) -> str:
        """Put ``text`` in the shared string table; returns its cells' XML tail."""
        tail = self._strings[text] = f' t="s"><v>{len(self._strings)}</v></c>'
        return tail  # escaped when the table is written, once per distinct text

    def _cell(self, ref: str, value: object, xf: int | None) -> str:
        """One cell's XML, any supported value and style (the general, slower path)."""
        if type(value) is Styled:
            xf = self._style_index(value.style)
            value = value.value
        s = f' s="{xf}"' if xf else ""
        if value is None:
            return f'<c r="{ref}"{s}/>' if xf else ""
        if isinstance(value, str):
            return self._text_cell(ref, s, str(value))
        if isinstance(value, bool):
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int):
            return f'<c r="{ref}"{s}><v>{int(value)}</v></c>'
        if isinstance(value, (float, Decimal)):
            if not math.isfinite(value):  # Excel has no NaN or infinity: shown as text
                return self._text_cell(ref, s, str(value))
            return f'<c r="{ref}"{s}><v>{repr(float(value)) if isinstance(value, float) else value}</v></c>'
        if isinstance(value, datetime):
            serial = _datetime_serial(value)
            if serial is None:
                return self._text_cell(ref, s, value.isoformat(sep=" "))
            return f'<c r="{ref}" s="{self._dated_xf(xf, True)}"><v>{serial!r}</v></c>'
        if isinstance(value, date):
            serial = _date_serial(value)
            if serial is None:
                return self._text_cell(ref, s, value.isoformat())
            return f'<c r="{ref}" s="{self._dated_xf(xf, False)}"><v>{serial}</v></c>'
        raise TypeError(f"cannot write a {type(value).__name__} to a cell: {value!r}")

    def _text_cell(self, ref: str, s: str, text: str) -> str:
        self._string_refs += 1
        return f'<c r="{ref}"{s}{self._strings.get(text) or self._add_string(text)}'

    def _dated_xf(self, xf: int | None, with_time: bool) -> int:
        """The style of a date cell: the cell's style, with the date format unless it has a number format."""
        if not xf:
            return self._datetime_xf if with_time else self._date_xf
        found = self._dated.get((xf, with_time))
        if found is None:
            style = self._style_list[xf]
            if style.number_format is None:
                fmt = (self._datetime_style if with_time else self._date_style).number_format
                style = Style(style.bold, style.wrap, style.vertical, fmt)
            found = self._dated[(xf, with_time)] = self._style_index(style)
        return found

    def _style_index(self, style: Style) -> int:
        """The index of ``style`` in the style table (cellXfs), added on first use."""
        index = self._styles.get(style)
        if index is None:
            fmt = style.number_format
            if fmt is not None and fmt not in _BUILTIN_NUMBER_FORMATS and fmt not in self._number_formats:
                self._number_formats[fmt] = _FIRST_CUSTOM_NUMBER_FORMAT + len(self._number_formats)
            index = self._styles[style] = len(self._style_list)
            self._style_list.append(style)
        return index

    # Output ----------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The .xlsx file; the sheets are finished here, so rows cannot be added afterwards."""
        if not self._sheets:
            raise ValueError("a workbook needs at least one sheet")
        sheets = [sheet.close() for sheet in self._sheets]
        parts = [
            self._part(name, xml)
            for name, xml in (
                ("[Content_Types].xml", self._content_types()),
                ("_rels/.rels", self._package_rels()),
                ("docProps/app.xml", self._app()),
                ("docProps/core.xml", self._core()),
                ("xl/workbook.xml", self._workbook()),
                ("xl/_rels/workbook.xml.rels", self._workbook_rels()),
                ("xl/styles.xml", self._styles_xml()),
            )
        ]
        return _zip([*parts, *sheets, self._shared_strings()], self.created)

    def _part(self, name: str, xml: str) -> _Entry:
        entry = _Entry(name, self.compress_level)
        entry.write((_XML_DECLARATION + xml).encode("utf-8"))
        entry.close()
        return entry

    def _shared_strings(self) -> _Entry:
        """The shared string table, escaped and deflated a slice at a time."""
        entry = _Entry("xl/sharedStrings.xml", self.compress_level)
        entry.write(
            (
                f'{_XML_DECLARATION}<sst xmlns="{_NS_MAIN}" count="{self._string_refs}" '
                f'uniqueCount="{len(self._strings)}">'
            ).encode()
        )
        texts = list(self._strings)
        for start in range(0, len(texts), _STRINGS_PER_CHUNK):
            entry.write(
                "".join(f"<si>{_cell_text(text)}</si>" for text in texts[start : start + _STRINGS_PER_CHUNK]).encode(
                    "utf-8"
                )
            )
        entry.write(b"</sst>")
        entry.close()
        return entry

    def _content_types(self) -> str:
        sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{s.index}.xml" ContentType="{sheet}"/>' for s in self._sheets
        )
        return (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + overrides
            + '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>"
        )

    @staticmethod
    def _package_rels() -> str:
        return (
            f'<Relationships xmlns="{_NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_NS_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"
        )

    @staticmethod
    def _app() -> str:
        return (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop></Properties>"
        )

    def _core(self) -> str:
        moment = self.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        return (
            "<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{moment}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{moment}</dcterms:modified>'
            "</cp:coreProperties>"
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name="{_attribute(s.title)}" sheetId="{s.index}" r:id="rId{s.index}"/>' for s in self._sheets
        )
        # Excel keeps each sheet's filter range in this hidden name too, and writes it so.
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{s.index - 1}" hidden="1">'
            f"{_attribute(_quoted(s.title))}!{_absolute(s.filter_range())}</definedName>"
            for s in self._sheets
            if s.auto_filter
        )
        return (
            f'<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
            '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>" + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>"
        )

    def _workbook_rels(self) -> str:
        count = len(self._sheets)
        sheets = "".join(
            f'<Relationship Id="rId{s.index}" Type="{_NS_REL}/worksheet" Target="worksheets/sheet{s.index}.xml"/>'
            for s in self._sheets
        )
        return (
            f'<Relationships xmlns="{_NS_PKG_REL}">{sheets}'
            f'<Relationship Id="rId{count + 1}" Type="{_NS_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{count + 2}" Type="{_NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        )

    def _styles_xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{_attribute(code)}"/>' for code, i in self._number_formats.items()
        )
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
        xfs = []
        for style in self._style_list:
            fmt = style.number_format
            fmt_id = 0 if fmt is None else _BUILTIN_NUMBER_FORMATS.get(fmt) or self._number_formats[fmt]
            attrs = f'numFmtId="{fmt_id}" fontId="{int(style.bold)}" fillId="0" borderId="0" xfId="0"'
            if fmt_id:
                attrs += ' applyNumberFormat="1"'
            if style.bold:
                attrs += ' applyFont="1"'
            alignment = (f' vertical="{style.vertical}"' if style.vertical else "") + (
                ' wrapText="1"' if style.wrap else ""
            )
            if alignment:
                xfs.append(f'<xf {attrs} applyAlignment="1"><alignment{alignment}/></xf>')
            else:
                xfs.append(f"<xf {attrs}/>")
        return (
            f'<styleSheet xmlns="{_NS_MAIN}">'
            + (f'<numFmts count="{len(self._number_formats)}">{formats}</numFmts>' if formats else "")
            + f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '<dxfs count="0"/><tableStyles count="0"/>'
            "</styleSheet>"
        )


def _quoted(title: str) -> str:
    """A sheet name as a formula writes it: in apostrophes, an apostrophe doubled."""
    return "'" + title.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    """ "A1:O10" as "$A$1:$O$10"."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))
