"""Staff and task lists as spreadsheets (.csv, .xlsx): importing them, and
blank templates. The task export is :mod:`tracking.export`.

An import is all or nothing. Every row is checked before anything is
written, and every problem is collected with the row number the user sees in
the sheet and the column it is in; only a file without problems is written.
Rows are matched to existing staff and tasks by their code (case does not
matter); each created row, and each changed field of an updated row, gets an
audit entry.

Headers are compared folded: case, diacritics, spacing, a trailing hint in
brackets ("Thời hạn (dd/mm/yyyy)") and "*" do not matter; unknown columns
(e.g. "STT") are ignored, and so are rows that are blank in every known
column. On re-import, a column left out of the file leaves that field as it
is, while a blank cell in a column that is there clears it; the one exception
is «Telegram ID», which a blank cell keeps, since accounts are usually linked
by invite.

A task sheet also accepts what :func:`tracking.export.export_tasks`
writes, so an export can be edited and imported back: a staff cell
"Họ tên (MÃ)" is read as the code in brackets, a target cell "MÃ · tên" as
the target with that code.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func
from sqlmodel import Session, col, select

from kb.text import nfc
from bot.texts import ROLE_LABELS
from tracking.parse import InputError, format_date, key, parse_date, parse_role, target_value_in, unit_path
from common.zipcheck import ZipRefused, open_checked
from storage import tracking as db
from storage.models import Milestone, Staff, Target, Task, Unit, utcnow

T = TypeVar("T")

MAX_SHOWN_ERRORS = 30
HEADER_SEARCH_ROWS = 10  # a title above the table may push the header down this far
NAME_MAX = 255
# A unit's full path is stored folded in ``unit.key``, and its ids ("/1/4/9/") in ``unit.path``:
# a path must fit both columns (an id is at most 10 digits and its "/").
UNIT_PATH_MAX = Unit.__table__.c.key.type.length
UNIT_DEPTH_MAX = (Unit.__table__.c.path.type.length - 1) // 11
TELEGRAM_ID_MAX = 2**63 - 1
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


class SheetError(Exception):
    """The whole file is refused; ``errors`` are Vietnamese lines, one per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__(*self.errors)

    def __str__(self) -> str:
        shown = self.errors[:MAX_SHOWN_ERRORS]
        rest = len(self.errors) - len(shown)
        return "\n".join(shown + ([f"… và {rest} lỗi khác."] if rest else []))


@dataclass
class ImportResult:
    kind: str  # "staff" or "tasks"
    created: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        return (f"{KINDS[self.kind].label}: thêm {self.created}, cập nhật {self.updated}, "
                f"không đổi {self.unchanged}.")


# --------------------------------------------------------------------------
# Sheet formats
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    help: str
    example: str = ""
    required: bool = False
    width: int = 18
    max_len: int | None = None
    aliases: tuple[str, ...] = ()

    def keys(self) -> set[str]:
        return {header_key(self.header), *(header_key(a) for a in self.aliases)}


@dataclass(frozen=True)
class SheetKind:
    name: str
    label: str  # "Danh sách cán bộ"
    sheet_title: str
    template: str  # file name without the extension
    intro: str
    columns: tuple[Column, ...]

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


S_CODE = Column("Mã cán bộ", "Mã riêng của mỗi người, không trùng nhau; dùng để cập nhật về sau và để giao nhiệm vụ.",
                "CB01", required=True, width=12, max_len=64)
S_NAME = Column("Họ và tên", "Họ và tên đầy đủ.", "Nguyễn Thị Lan", required=True, width=26, max_len=NAME_MAX,
                aliases=("Họ tên",))
S_UNIT = Column("Đơn vị", "Đơn vị công tác, ghi từ cấp trên xuống, các cấp cách nhau bằng dấu >. "
                "Chỉ ghi riêng tên đơn vị khi không có đơn vị nào khác trùng tên.",
                "UBND tỉnh > Sở Nội vụ > Phòng CCHC", required=True, width=44)
S_ROLE = Column("Vai trò", "Một trong: cán bộ, lãnh đạo, quản trị.", "cán bộ", required=True, width=12)
S_TELEGRAM = Column("Telegram ID", "Không bắt buộc. Số ID Telegram của người này. Thường để trống: người đó tự gắn "
                    "tài khoản bằng mã mời. Ô trống khi cập nhật thì giữ nguyên.", "", width=14)
S_MANAGER = Column("Cấp trên", "Không bắt buộc. Mã cán bộ của lãnh đạo trực tiếp; người này có thể ở ngay trong tệp.",
                   "LD01", width=12, max_len=64)

T_CODE = Column("Mã nhiệm vụ", "Mã riêng của mỗi nhiệm vụ, không trùng nhau; nhập lại cùng mã là cập nhật nhiệm vụ đó.",
                "NV001", required=True, width=12, max_len=64)
T_TITLE = Column("Nhiệm vụ", "Rõ việc: việc cần làm.", "Khảo sát sự hài lòng của người dân tại Bộ phận Một cửa",
                 required=True, width=40, max_len=500)
T_DESCRIPTION = Column("Mô tả", "Không bắt buộc. Mô tả thêm về nhiệm vụ.", "", width=30)
T_OWNER = Column("Người thực hiện", "Rõ người: mã cán bộ của người thực hiện.", "CB01", required=True, width=16)
T_ACCOUNTABLE = Column("Người chịu trách nhiệm", "Rõ trách nhiệm: mã cán bộ của lãnh đạo chịu trách nhiệm.", "LD01",
                       required=True, width=16)
T_HOST = Column("Đơn vị chủ trì", "Không bắt buộc. Đơn vị đã có trong danh sách cán bộ (đường dẫn hoặc tên); "
                "để trống thì lấy đơn vị của người thực hiện.", "", width=30)
T_COORDINATING = Column("Đơn vị phối hợp", "Không bắt buộc. Ghi tự do.", "Văn phòng UBND tỉnh", width=24,
                        max_len=1000)
T_START = Column("Ngày bắt đầu", "Không bắt buộc. Ngày dạng dd/mm/yyyy.", "01/03/2026", width=13)
T_DEADLINE = Column("Thời hạn", "Rõ tiến độ: hạn hoàn thành, dạng dd/mm/yyyy.", "30/06/2026", required=True, width=12,
                    aliases=("Hạn hoàn thành",))
T_MILESTONES = Column("Mốc tiến độ", "Không bắt buộc. Các mốc «ngày: việc», cách nhau bằng dấu chấm phẩy; "
                      "nhập lại thì thay các mốc cũ.", "15/03/2026: Khảo sát; 30/04/2026: Báo cáo", width=36)
T_EXPECTED = Column("Kết quả cần đạt", "Rõ hiệu quả: sản phẩm hoặc kết quả cụ thể.",
                    "Báo cáo kết quả khảo sát 300 phiếu", required=True, width=36, max_len=1000)
T_MEASURE = Column("Cách đo", "Không bắt buộc. Đo kết quả bằng gì.", "Số phiếu khảo sát thu về", width=24, max_len=255)
T_TARGET = Column("Chỉ tiêu", "Không bắt buộc. Mã chỉ tiêu (ví dụ CT01) hoặc tên chỉ tiêu; tên chưa có thì "
                  "thêm chỉ tiêu mới.", "Tỷ lệ hài lòng SIPAS > 85%", width=30, max_len=500)

STAFF_SHEET = SheetKind(
    "staff", "Danh sách cán bộ", "Cán bộ", "mau-can-bo",
    "Mỗi dòng là một người. Nhập danh sách cán bộ trước danh sách nhiệm vụ.",
    (S_CODE, S_NAME, S_UNIT, S_ROLE, S_TELEGRAM, S_MANAGER))
TASK_SHEET = SheetKind(
    "tasks", "Danh sách nhiệm vụ", "Nhiệm vụ", "mau-nhiem-vu",
    "Mỗi dòng là một nhiệm vụ, rõ 5 điểm: rõ việc, rõ người, rõ trách nhiệm, rõ tiến độ, rõ hiệu quả. "
    "Người thực hiện và người chịu trách nhiệm phải có trong danh sách cán bộ đã nhập.",
    (T_CODE, T_TITLE, T_DESCRIPTION, T_OWNER, T_ACCOUNTABLE, T_HOST, T_COORDINATING, T_START, T_DEADLINE,
     T_MILESTONES, T_EXPECTED, T_MEASURE, T_TARGET))
KINDS = {kind.name: kind for kind in (STAFF_SHEET, TASK_SHEET)}

# What the audit log calls each imported field.
FIELD_LABELS = {
    "full_name": S_NAME.header, "unit_id": S_UNIT.header, "role": S_ROLE.header,
    "telegram_id": S_TELEGRAM.header, "manager_id": S_MANAGER.header,
    "title": T_TITLE.header, "description": T_DESCRIPTION.header, "owner_id": T_OWNER.header,
    "accountable_id": T_ACCOUNTABLE.header, "host_unit_id": T_HOST.header,
    "coordinating_units": T_COORDINATING.header, "start_date": T_START.header, "deadline": T_DEADLINE.header,
    "expected_result": T_EXPECTED.header, "measure": T_MEASURE.header, "target_id": T_TARGET.header,
    "milestones": T_MILESTONES.header,
}


def header_key(text: str) -> str:
    """How a header cell is compared: folded, without a "(...)" hint or "*"."""
    return key(re.sub(r"\([^)]*\)|\*", " ", str(text)))


_KNOWN_HEADERS = {k for kind in KINDS.values() for column in kind.columns for k in column.keys()}


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
        return cls(rows=settings.import_max_rows, columns=settings.import_max_columns,
                   cells=settings.import_max_cells, unpacked_bytes=settings.import_max_unpacked_mb * 1024 * 1024)


# Elements of a workbook outside its sheets and shared strings (styles, names, properties...): openpyxl
# builds objects for each, at about 50 µs and 1 KB apiece. Real workbooks have a few thousand; Excel
# itself stops at 64,000 cell formats.
OTHER_ELEMENTS_MAX = 100_000
_CHUNK = 1 << 20  # bytes of a zip entry inflated at a time while counting


def read_table(file_name: str, data: bytes,
               caps: SheetCaps = SheetCaps()) -> tuple[list[str], list[tuple[int, list[object]]]]:
    """The header cells and the non-blank data rows, each with its row number in the sheet
    (trailing blank cells dropped). Refuses a file beyond ``caps`` before parsing it."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(file_name, data, caps)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(file_name, data, caps)
    else:
        raise SheetError([f"Tệp «{file_name}» không phải bảng tính .xlsx hoặc .csv. Hãy lưu thành .xlsx (Excel) "
                          "hoặc .csv (UTF-8) rồi gửi lại."])
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
    return SheetError([f"Tệp «{file_name}» có dữ liệu tới dòng {_number(row)}, quá giới hạn {_number(caps.rows)} "
                       "dòng một lần nhập. Hãy tách thành nhiều tệp nhỏ hơn rồi gửi lần lượt, hoặc xóa các dòng "
                       "thừa ở cuối trang tính."])


def _too_many_columns(file_name: str, where: str, columns: int, caps: SheetCaps) -> SheetError:
    return SheetError([f"Tệp «{file_name}» có {where} dài tới cột {get_column_letter(min(columns, 16_384))} "
                       f"({_number(columns)} cột), quá giới hạn {_number(caps.columns)} cột. Hãy xóa các cột thừa ở "
                       "bên phải bảng (kể cả cột trống đã tô màu, kẻ khung) rồi gửi lại."])


def _too_many_cells(file_name: str, caps: SheetCaps) -> SheetError:
    return SheetError([f"Tệp «{file_name}» có hơn {_number(caps.cells)} ô (kể cả ô trống đã tô màu, kẻ khung), "
                       "quá giới hạn một lần nhập. Hãy tách thành nhiều tệp nhỏ hơn, hoặc chép riêng bảng cần nhập "
                       "sang một tệp mới rồi gửi lại."])


def _csv_rows(file_name: str, data: bytes, caps: SheetCaps) -> Iterator[list[str]]:
    if len(data) > caps.unpacked_bytes:
        raise SheetError([f"Tệp «{file_name}» nặng {_megabytes(len(data))} MB, quá giới hạn "
                          f"{_megabytes(caps.unpacked_bytes)} MB một lần nhập. Hãy tách thành nhiều tệp nhỏ hơn "
                          "rồi gửi lần lượt."])
    try:
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError([f"Tệp «{file_name}» không ở bảng mã UTF-8. Trong Excel, hãy chọn Lưu thành → "
                          "«CSV UTF-8 (Comma delimited)», hoặc gửi tệp .xlsx."]) from None
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
        raise SheetError([f"Không đọc được tệp CSV «{file_name}» ({exc}). Hãy mở bằng Excel, lưu lại rồi gửi lại."]) \
            from None


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the first non-blank line has most of."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=first.count)


def _xlsx_rows(file_name: str, data: bytes, caps: SheetCaps) -> Iterator[tuple[object, ...]]:
    try:
        archive = open_checked(data, max_unpacked=caps.unpacked_bytes)
    except ZipRefused as refused:
        if refused.reason == "size":
            raise SheetError([f"Tệp «{file_name}» khi giải nén ra tới {_megabytes(refused.unpacked)} MB, quá giới hạn "
                              f"{_megabytes(caps.unpacked_bytes)} MB một lần nhập. Hãy tách thành nhiều tệp nhỏ hơn, "
                              "hoặc xóa hình ảnh và các trang tính khác rồi gửi lại."]) from None
        if refused.reason == "ratio":
            raise SheetError([f"Tệp «{file_name}» giải nén ra lớn bất thường (gấp {refused.ratio:.0f} lần tệp gửi), "
                              "không giống một bảng tính thật. Hãy mở bằng Excel, lưu lại thành .xlsx rồi gửi lại."]) \
                from None
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
        name = entry.filename.lower()
        kind = ("sheet" if name.startswith("xl/worksheets/") or name.endswith("calcchain.xml")
                else "strings" if name.endswith("sharedstrings.xml") else "other")
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
                            raise SheetError([f"Tệp «{file_name}» có quá nhiều định dạng, kiểu ô hoặc đối tượng "
                                              "ngoài bảng dữ liệu. Hãy chép bảng sang một tệp Excel mới (Dán đặc "
                                              "biệt → Giá trị) rồi gửi lại."])
                    chunk = part.read(_CHUNK)
                    if not chunk and carry:
                        chunk, carry = carry + b" ", b""  # the last piece, counted on its own
        except SheetError:
            raise
        except Exception:  # a damaged entry (its CRC, its data)
            raise _unreadable(file_name) from None
    return widest


def _column_number(letters: bytes) -> int:
    """b"AB" → 28 (more than four letters count as four: beyond any sheet's last column anyway)."""
    number = 0
    for letter in letters[:4].upper():
        number = number * 26 + letter - 64
    return number


def _unreadable(file_name: str) -> SheetError:
    return SheetError([f"Không mở được tệp Excel «{file_name}»: tệp hỏng, có mật khẩu hoặc không phải .xlsx. "
                       "Hãy mở bằng Excel, lưu thành .xlsx rồi gửi lại."])


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


def _locate_header(header: list[str], body: list[tuple[int, list[object]]]
                   ) -> tuple[SheetKind, dict[Column, int], list[tuple[int, list[object]]]]:
    """The header row and the rows below it. Usually the first row; but a title
    ("DANH SÁCH CÁN BỘ") may sit above the table, so the row among the first few
    with the most known headers is taken."""
    candidates = [header, *([_cell_text(c) for c in cells] for _, cells in body[:HEADER_SEARCH_ROWS - 1])]
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
        hits = sorted(i for k in column.keys() for i in positions.get(k, []))
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
    return ("Không nhận ra bảng: dòng tiêu đề (dòng đầu tiên) phải có các cột của danh sách cán bộ "
            f"({names(STAFF_SHEET.required)}) hoặc của danh sách nhiệm vụ ({names(TASK_SHEET.required)}).")


# --------------------------------------------------------------------------
# Importing
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedSheet:
    """A file read and recognised, not yet checked against the database."""

    file_name: str
    kind: SheetKind
    rows: list[_Row]


def parse_sheet(file_name: str, data: bytes, caps: SheetCaps = SheetCaps()) -> ParsedSheet:
    """Read a file and recognise its kind and columns. It needs no database, so the bot does
    it on a thread of its own before the import's transaction."""
    header, body = read_table(file_name, data, caps)
    kind, positions, body = _locate_header(header, body)
    rows = [_Row(number, {c: cells[i] if i < len(cells) else None for c, i in positions.items()})
            for number, cells in body]
    rows = [row for row in rows if any(v is not None for v in row.cells.values())]
    if not rows:
        raise SheetError([f"Tệp «{file_name}» chỉ có dòng tiêu đề, chưa có dòng dữ liệu nào."])
    return ParsedSheet(file_name, kind, rows)


def import_sheet(*, session: Session, file_name: str, data: bytes, actor: Staff | None,
                 actor_name: str = "", caps: SheetCaps = SheetCaps()) -> ImportResult:
    """Import a staff or a task sheet, all or nothing (see the module docstring)."""
    return import_parsed(session=session, sheet=parse_sheet(file_name, data, caps), actor=actor,
                         actor_name=actor_name)


def import_parsed(*, session: Session, sheet: ParsedSheet, actor: Staff | None, actor_name: str = "") -> ImportResult:
    """Import a sheet :func:`parse_sheet` read, all or nothing."""
    log = _AuditLog(session=session, actor=actor, actor_name=actor_name,
                    entity="staff" if sheet.kind is STAFF_SHEET else "task", note=f"tệp {sheet.file_name}")
    result = (_import_staff(session, sheet.rows, log) if sheet.kind is STAFF_SHEET
              else _import_tasks(session, sheet.rows, log))
    log.write()
    return result


class _Problems:
    """Problems found while checking, shown in row order."""

    def __init__(self) -> None:
        self._lines: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return len(self._lines)

    def add(self, row: _Row, message: str, column: Column | None = None) -> None:
        where = f"Dòng {row.number}" + (f" ({column.header})" if column else "")
        self._lines.append((row.number, f"{where}: {message.rstrip('.')}."))

    def raise_if_any(self) -> None:
        if self._lines:
            raise SheetError([line for _, line in sorted(self._lines, key=lambda item: item[0])])


def _check_cells(row: _Row, kind: SheetKind, problems: _Problems) -> None:
    missing = [f"«{c.header}»" for c in kind.required if not row.text(c)]
    if missing:
        problems.add(row, "thiếu " + ", ".join(missing))
    for column in kind.columns:
        length = len(row.text(column, multiline=True))
        if column.max_len and length > column.max_len:
            problems.add(row, f"dài {length} ký tự, quá giới hạn {column.max_len}", column)


def _parsed(problems: _Problems, row: _Row, column: Column, parse: Callable[[Any], T], value: object) -> T | None:
    try:
        return parse(value)
    except InputError as exc:
        problems.add(row, str(exc), column)
        return None


def _first_seen(seen: dict[object, int], value: object, row: _Row) -> int | None:
    """The row where ``value`` was already seen, else remember this one."""
    if value in seen:
        return seen[value]
    seen[value] = row.number
    return None


@dataclass(frozen=True)
class _AuditLog:
    """The import's lines of the audit log, written in one batch at its end."""

    session: Session
    actor: Staff | None
    actor_name: str
    entity: str
    note: str
    lines: list[dict] = field(default_factory=list)

    def created(self, code: str, summary: str) -> None:
        self.lines.append(db.audit_values(actor=self.actor, actor_name=self.actor_name, action="import",
                                          entity=self.entity, entity_code=code, new=summary, note=self.note))

    def changed(self, code: str, changes: list[tuple[str, object, object]]) -> None:
        for attr, old, new in changes:
            self.lines.append(db.audit_values(
                actor=self.actor, actor_name=self.actor_name, action="import", entity=self.entity,
                entity_code=code, field=FIELD_LABELS[attr], old=_shown(self.session, attr, old),
                new=_shown(self.session, attr, new), note=self.note))

    def write(self) -> None:
        db.audit_many(session=self.session, lines=self.lines)


def _shown(session: Session, attr: str, value: object) -> object:
    """A field value as the audit log shows it: people, units and targets by name."""
    if attr in _REFERENCES and isinstance(value, int):
        return _REFERENCES[attr](session, value)
    if attr == "role":
        return ROLE_LABELS.get(str(value), value)
    return value


def _person(session: Session, staff_id: int) -> str:
    staff = session.get(Staff, staff_id)
    return f"{staff.full_name} ({staff.code})" if staff else str(staff_id)


def _unit_name(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    return db.unit_full_name(session=session, unit=unit) if unit else str(unit_id)


def _target_name(session: Session, target_id: int) -> str:
    target = session.get(Target, target_id)
    return f"{target.code} · {target.name}" if target else str(target_id)


_REFERENCES: dict[str, Callable[[Session, int], str]] = {
    "manager_id": _person, "owner_id": _person, "accountable_id": _person,
    "unit_id": _unit_name, "host_unit_id": _unit_name, "target_id": _target_name,
}


def _apply(obj: Staff | Task, values: dict[str, object]) -> list[tuple[str, object, object]]:
    """Set the attributes that differ; (name, old, new) of each one changed."""
    changes = [(name, getattr(obj, name), value) for name, value in values.items() if getattr(obj, name) != value]
    for name, _, value in changes:
        setattr(obj, name, value)
    if changes:
        obj.updated_at = utcnow()
    return changes


def _staff_by_codes(session: Session, codes: Iterable[str]) -> dict[str, Staff]:
    wanted = {c.upper() for c in codes if c}
    if not wanted:
        return {}
    return {s.code.upper(): s for batch in db.batches(sorted(wanted))
            for s in session.exec(select(Staff).where(func.upper(Staff.code).in_(batch))).all()}


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _UnitRef:
    """A unit named in a sheet: one that exists, or a path to create."""

    names: tuple[str, ...]
    keys: tuple[str, ...]
    existing: Unit | None = None

    def unit(self, session: Session) -> Unit:
        return self.existing or db.ensure_unit_path(session=session, names=self.names, keys=self.keys)


class _UnitFinder:
    """Reads unit cells: a path "A > B > C", or the name of a single unit.

    With ``create`` (staff sheets) a path is created if missing, and a lone
    name may also match the end of a path written elsewhere in the same file;
    otherwise (task sheets) the unit must exist."""

    def __init__(self, session: Session, *, create: bool, texts: Iterable[str] = ()) -> None:
        self.session = session
        self.create = create
        self.file_paths: dict[str, _UnitRef] = {}
        for text in texts if create else ():
            try:
                ref = self._ref(text)
            except InputError:
                continue
            if len(ref.names) > 1:
                self.file_paths[db.UNIT_SEPARATOR.join(ref.keys)] = ref

    @staticmethod
    def _ref(text: str) -> _UnitRef:
        names = tuple(unit_path(text))
        if any(len(name) > NAME_MAX for name in names):
            raise InputError(f"tên đơn vị dài quá {NAME_MAX} ký tự")
        keys = tuple(key(name) for name in names)
        if len(names) > UNIT_DEPTH_MAX:
            raise InputError(f"đơn vị lồng {len(names)} cấp, quá giới hạn {UNIT_DEPTH_MAX} cấp; "
                             "hãy bỏ bớt các cấp trung gian")
        length = max(len(db.UNIT_SEPARATOR.join(names)), len(db.UNIT_SEPARATOR.join(keys)))
        if length > UNIT_PATH_MAX:
            raise InputError(f"đường dẫn đơn vị dài {length} ký tự (kể cả dấu >), quá giới hạn {UNIT_PATH_MAX}; "
                             "hãy viết tắt tên các cấp (ví dụ «UBND» thay cho «Ủy ban nhân dân»)")
        return _UnitRef(names, keys)

    def find(self, text: str) -> _UnitRef:
        ref = self._ref(text)
        if len(ref.names) > 1:
            return ref if self.create else self._existing_path(ref)
        candidates = {u.key: _UnitRef(ref.names, ref.keys, u)
                      for u in db.units_by_name_key(session=self.session, name_key=ref.keys[0])}
        if self.create:
            candidates |= {k: r for k, r in self.file_paths.items()
                           if r.keys[-1] == ref.keys[0] and k not in candidates}
        if len(candidates) == 1:
            return next(iter(candidates.values()))
        if not candidates:
            if self.create:
                return ref
            raise InputError(f"chưa có đơn vị «{ref.names[0]}»; hãy ghi đúng tên như trong danh sách cán bộ")
        shown = "; ".join(sorted(self._full_name(r) for r in candidates.values()))
        raise InputError(f"có {len(candidates)} đơn vị tên «{ref.names[0]}» ({shown}); "
                         "hãy ghi đường dẫn đầy đủ, các cấp cách nhau bằng dấu >")

    def _existing_path(self, ref: _UnitRef) -> _UnitRef:
        unit = db.unit_by_key(session=self.session, key=db.UNIT_SEPARATOR.join(ref.keys))
        if unit is None:
            raise InputError(f"chưa có đơn vị «{db.UNIT_SEPARATOR.join(ref.names)}»; "
                             "hãy ghi đúng như trong danh sách cán bộ")
        return _UnitRef(ref.names, ref.keys, unit)

    def _full_name(self, ref: _UnitRef) -> str:
        if ref.existing is not None:
            return db.unit_full_name(session=self.session, unit=ref.existing)
        return db.UNIT_SEPARATOR.join(ref.names)


# --------------------------------------------------------------------------
# Staff sheets
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _StaffPlan:
    number: int
    code: str
    full_name: str
    unit: _UnitRef
    role: str
    telegram_id: int | None  # None: keep the current one
    manager_code: str | None  # None: no «Cấp trên» column; "": no manager


def _import_staff(session: Session, rows: list[_Row], log: _AuditLog) -> ImportResult:
    problems = _Problems()
    known = _staff_by_codes(session, [r.text(S_CODE) for r in rows] + [r.text(S_MANAGER) for r in rows])
    plans = _plan_staff(session, rows, known, problems)
    _check_telegram_holders(session, plans, rows, problems)
    problems.raise_if_any()
    return _write_staff(session, plans, known, log)


def _plan_staff(session: Session, rows: list[_Row], known: dict[str, Staff],
                problems: _Problems) -> list[_StaffPlan]:
    units = _UnitFinder(session, create=True, texts=[r.text(S_UNIT) for r in rows])
    in_file = {r.text(S_CODE).upper() for r in rows if r.text(S_CODE)}
    codes: dict[object, int] = {}
    telegram_ids: dict[object, int] = {}
    plans = []
    for row in rows:
        before = len(problems)
        _check_cells(row, STAFF_SHEET, problems)
        code = row.text(S_CODE)
        if code and (earlier := _first_seen(codes, code.upper(), row)):
            problems.add(row, f"mã «{code}» trùng với dòng {earlier}", S_CODE)
        role = _parsed(problems, row, S_ROLE, parse_role, row.text(S_ROLE)) if row.text(S_ROLE) else None
        unit = _parsed(problems, row, S_UNIT, units.find, row.text(S_UNIT)) if row.text(S_UNIT) else None
        telegram_id = _parsed(problems, row, S_TELEGRAM, _parse_telegram_id, row.text(S_TELEGRAM))
        if telegram_id and (earlier := _first_seen(telegram_ids, telegram_id, row)):
            problems.add(row, f"Telegram ID {telegram_id} trùng với dòng {earlier}", S_TELEGRAM)
        manager = row.text(S_MANAGER) if row.has(S_MANAGER) else None
        if manager and manager.upper() == code.upper():
            problems.add(row, "một người không thể là cấp trên của chính mình", S_MANAGER)
        elif manager and manager.upper() not in in_file and manager.upper() not in known:
            problems.add(row, f"mã cán bộ «{manager}» chưa có trong danh sách cán bộ (trong tệp này hoặc đã nhập)",
                         S_MANAGER)
        if len(problems) == before and role and unit:
            plans.append(_StaffPlan(row.number, code, row.text(S_NAME), unit, role, telegram_id, manager))
    return plans


def _parse_telegram_id(text: str) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d+", text) or not 0 < int(text) <= TELEGRAM_ID_MAX:
        raise InputError(f"«{text}» không phải là Telegram ID (một số nguyên dương, ví dụ 123456789)")
    return int(text)


def _check_telegram_holders(session: Session, plans: list[_StaffPlan], rows: list[_Row],
                            problems: _Problems) -> None:
    """A Telegram ID already linked to someone else in the database is refused."""
    wanted = {p.telegram_id for p in plans if p.telegram_id}
    if not wanted:
        return
    holders = {s.telegram_id: s for batch in db.batches(sorted(wanted))
               for s in session.exec(select(Staff).where(col(Staff.telegram_id).in_(batch))).all()}
    by_number = {row.number: row for row in rows}
    for plan in plans:
        holder = holders.get(plan.telegram_id)
        if holder is not None and holder.code.upper() != plan.code.upper():
            problems.add(by_number[plan.number], f"Telegram ID {plan.telegram_id} đã gắn với cán bộ "
                         f"{holder.full_name} ({holder.code})", S_TELEGRAM)


def _write_staff(session: Session, plans: list[_StaffPlan], known: dict[str, Staff],
                 log: _AuditLog) -> ImportResult:
    people = dict(known)
    created: list[_StaffPlan] = []
    changes: dict[str, list[tuple[str, object, object]]] = {}
    for plan in plans:
        unit = plan.unit.unit(session)
        staff = people.get(plan.code.upper())
        if staff is None:
            staff = Staff(code=plan.code, full_name=plan.full_name, unit_id=unit.id, role=plan.role,
                          telegram_id=plan.telegram_id)
            session.add(staff)
            people[plan.code.upper()] = staff
            created.append(plan)
            continue
        values: dict[str, object] = {"full_name": plan.full_name, "unit_id": unit.id, "role": plan.role}
        if plan.telegram_id is not None:
            values["telegram_id"] = plan.telegram_id
        changes[staff.code] = _apply(staff, values)
    session.flush()
    for plan in plans:
        if plan.manager_code is not None:
            staff = people[plan.code.upper()]
            manager_id = people[plan.manager_code.upper()].id if plan.manager_code else None
            changed = _apply(staff, {"manager_id": manager_id})
            if staff.code in changes:
                changes[staff.code] += changed
    session.flush()
    for plan in created:
        staff = people[plan.code.upper()]
        log.created(staff.code, _staff_summary(session, staff))
    for code, changed in changes.items():
        log.changed(code, changed)
    updated = sum(1 for changed in changes.values() if changed)
    return ImportResult("staff", created=len(created), updated=updated, unchanged=len(plans) - len(created) - updated)


def _staff_summary(session: Session, staff: Staff) -> str:
    parts = [staff.full_name, _unit_name(session, staff.unit_id), ROLE_LABELS.get(staff.role, staff.role)]
    if staff.manager_id:
        parts.append(f"cấp trên {_person(session, staff.manager_id)}")
    return " · ".join(parts)


# --------------------------------------------------------------------------
# Task sheets
# --------------------------------------------------------------------------

_TARGET_CODE = re.compile(r"CT\d+", re.IGNORECASE)
_BRACKETED_CODE = re.compile(r"\(([^()]+)\)\s*$")

# Optional text columns and the task attribute each one sets.
_TASK_TEXTS = ((T_DESCRIPTION, "description"), (T_COORDINATING, "coordinating_units"), (T_MEASURE, "measure"))


@dataclass(frozen=True)
class _TaskPlan:
    number: int
    code: str
    values: dict[str, object]  # the Task attributes the file gives
    owner_code: str
    target: str | None  # None: no «Chỉ tiêu» column; "": no target
    milestones: list[tuple[date, str]] | None  # None: no «Mốc tiến độ» column


def _import_tasks(session: Session, rows: list[_Row], log: _AuditLog) -> ImportResult:
    problems = _Problems()
    people = _staff_by_codes(session, [_staff_code(r.text(c)) for r in rows for c in (T_OWNER, T_ACCOUNTABLE)])
    units = _UnitFinder(session, create=False)
    codes: dict[object, int] = {}
    plans = []
    for row in rows:
        before = len(problems)
        code = row.text(T_CODE)
        if code and (earlier := _first_seen(codes, code.upper(), row)):
            problems.add(row, f"mã «{code}» trùng với dòng {earlier}", T_CODE)
        plan = _plan_task(session, row, people, units, problems)
        if plan is not None and len(problems) == before:
            plans.append(plan)
    problems.raise_if_any()
    return _write_tasks(session, plans, log)


def _plan_task(session: Session, row: _Row, people: dict[str, Staff], units: _UnitFinder,
               problems: _Problems) -> _TaskPlan | None:
    _check_cells(row, TASK_SHEET, problems)
    owner = _staff_in(row, T_OWNER, people, problems)
    accountable = _staff_in(row, T_ACCOUNTABLE, people, problems)
    deadline = _parsed(problems, row, T_DEADLINE, parse_date, row.raw(T_DEADLINE)) if row.text(T_DEADLINE) else None
    start = _parsed(problems, row, T_START, parse_date, row.raw(T_START)) if row.text(T_START) else None
    if start and deadline and start > deadline:
        problems.add(row, f"ngày bắt đầu {format_date(start)} sau thời hạn {format_date(deadline)}", T_START)
    host = _parsed(problems, row, T_HOST, units.find, row.text(T_HOST)) if row.text(T_HOST) else None
    milestones = (_parsed(problems, row, T_MILESTONES, _parse_milestones, row.text(T_MILESTONES, multiline=True))
                  if row.has(T_MILESTONES) else None)
    target = row.text(T_TARGET) if row.has(T_TARGET) else None
    if target:
        _parsed(problems, row, T_TARGET, lambda text: _check_target(session, text), target)
    if not (owner and accountable and deadline and row.text(T_CODE)):
        return None
    values: dict[str, object] = {
        "title": row.text(T_TITLE), "owner_id": owner.id, "accountable_id": accountable.id,
        "host_unit_id": host.existing.id if host and host.existing else owner.unit_id,
        "deadline": deadline, "expected_result": row.text(T_EXPECTED),
    }
    values |= {attr: row.text(column, multiline=True) for column, attr in _TASK_TEXTS if row.has(column)}
    if row.has(T_START):
        values["start_date"] = start
    return _TaskPlan(row.number, row.text(T_CODE), values, owner.code, target, milestones)


def _staff_code(text: str) -> str:
    """"CB01", or "Nguyễn Thị Lan (CB01)" as the export writes it → "CB01"."""
    match = _BRACKETED_CODE.search(text)
    return match.group(1).strip() if match else text


def _staff_in(row: _Row, column: Column, people: dict[str, Staff], problems: _Problems) -> Staff | None:
    code = _staff_code(row.text(column))
    if not code:
        return None
    staff = people.get(code.upper())
    if staff is None:
        problems.add(row, f"mã cán bộ «{code}» ở cột «{column.header}» chưa có trong danh sách cán bộ")
    return staff


def _check_target(session: Session, text: str) -> None:
    code = _target_code(text)
    if _TARGET_CODE.fullmatch(code) and db.target_by_code(session=session, code=code) is None:
        raise InputError(f"chưa có chỉ tiêu mã «{code}»")


def _target_code(text: str) -> str:
    """The code part of "CT01 · Tên chỉ tiêu" as the export writes it (or the whole text)."""
    return text.split(" · ", 1)[0].strip()


def _parse_milestones(text: str) -> list[tuple[date, str]]:
    """"15/03/2026: Khảo sát; 30/04/2026: Báo cáo" → [(date, title), ...], by date."""
    items = []
    for part in (p.strip() for p in re.split(r"[;\n]", text)):
        if not part:
            continue
        when, colon, title = part.partition(":")
        title = " ".join(title.split())
        if not colon or not title:
            raise InputError(f"mốc «{part}» chưa đúng dạng «dd/mm/yyyy: việc»; các mốc cách nhau bằng dấu ;")
        if len(title) > 500:
            raise InputError(f"tên mốc «{title[:40]}…» dài quá 500 ký tự")
        try:
            items.append((parse_date(when.strip()), title))
        except InputError as exc:
            raise InputError(f"mốc «{part}»: {exc}") from None
    return sorted(items)


def _write_tasks(session: Session, plans: list[_TaskPlan], log: _AuditLog) -> ImportResult:
    existing = {t.code.upper(): t for batch in db.batches(sorted({p.code.upper() for p in plans}))
                for t in session.exec(select(Task).where(func.upper(Task.code).in_(batch))).all()}
    milestones = _milestones_of(session, [t.id for t in existing.values()])
    created = updated = 0
    for plan in plans:
        values = dict(plan.values)
        if plan.target is not None:
            values["target_id"] = _target_for(session, plan.target).id if plan.target else None
        task = existing.get(plan.code.upper())
        if task is None:
            task = Task(code=plan.code, **values)
            session.add(task)
            session.flush()
            _replace_milestones(session, task, [], plan.milestones or [])
            log.created(task.code, f"{task.title} · {plan.owner_code} · hạn {format_date(task.deadline)}")
            created += 1
            continue
        changes = _apply(task, values)
        if plan.milestones is not None:
            changes += _replace_milestones(session, task, milestones.get(task.id, []), plan.milestones)
        log.changed(task.code, changes)
        updated += bool(changes)
    session.flush()
    return ImportResult("tasks", created=created, updated=updated, unchanged=len(plans) - created - updated)


def _target_for(session: Session, text: str) -> Target:
    """The target with this code or name; a new one otherwise (found again by name later in the file)."""
    found = (db.target_by_code(session=session, code=_target_code(text))
             or db.target_by_key(session=session, key=key(text)))
    if found is not None:
        return found
    value, unit, higher = target_value_in(text)
    target = Target(code=db.next_target_code(session=session), name=text, key=key(text),
                    target_value=value, measure_unit=unit, higher_is_better=higher)
    session.add(target)
    session.flush()
    return target


def _milestones_of(session: Session, task_ids: list[int]) -> dict[int, list[Milestone]]:
    by_task: dict[int, list[Milestone]] = {}
    for batch in db.batches(task_ids):
        for m in session.exec(select(Milestone).where(col(Milestone.task_id).in_(batch))).all():
            by_task.setdefault(m.task_id, []).append(m)
    return by_task


def _replace_milestones(session: Session, task: Task, old: list[Milestone],
                        new: list[tuple[date, str]]) -> list[tuple[str, object, object]]:
    """Replace a task's milestones if they differ, keeping "done" on those that stay."""
    before = sorted((m.due_date, m.title) for m in old)
    if before == new:
        return []
    done = {(m.due_date, key(m.title)) for m in old if m.done}
    for m in old:
        session.delete(m)
    for due, title in new:
        session.add(Milestone(task_id=task.id, title=title, due_date=due, done=(due, key(title)) in done))
    return [("milestones", _milestones_text(before), _milestones_text(new))]


def _milestones_text(items: list[tuple[date, str]]) -> str:
    return "; ".join(f"{format_date(due)}: {title}" for due, title in items)


# --------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------


def write_templates(folder: Path) -> list[Path]:
    """Blank staff and task templates, as .xlsx (with a «Hướng dẫn» sheet) and as .csv (header only)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in KINDS.values():
        book_path = folder / f"{kind.template}.xlsx"
        book_path.write_bytes(_template_book(kind))
        csv_path = folder / f"{kind.template}.csv"
        csv_path.write_bytes(_template_csv(kind))
        paths += [book_path, csv_path]
    return paths


def _template_book(kind: SheetKind) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = kind.sheet_title
    _header_row(sheet, [c.header for c in kind.columns], [c.width for c in kind.columns])
    guide = book.create_sheet("Hướng dẫn")
    guide.append([f"Cách điền {kind.label.lower()}"])
    guide.append([f"{kind.intro} Giữ nguyên dòng tiêu đề ở trang «{kind.sheet_title}». Nếu tệp có lỗi, "
                  "không dòng nào được ghi và bot chỉ rõ dòng, cột cần sửa. Nhập lại tệp đã sửa thì cập nhật "
                  "theo mã; cột không có trong tệp thì giữ nguyên."])
    guide.append([])
    guide.append(["Cột", "Bắt buộc", "Cách ghi", "Ví dụ"])
    for column in kind.columns:
        guide.append([column.header, "có" if column.required else "không", column.help, column.example])
    guide.append([])
    guide.append(["Một dòng ví dụ:"])
    guide.append([c.header for c in kind.columns])
    guide.append([c.example for c in kind.columns])
    for row in (1, 4, guide.max_row - 1):
        for cell in guide[row]:
            cell.font = _BOLD
    for letter, width in zip("ABCD", (24, 10, 70, 36)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=5, max_row=4 + len(kind.columns)):
        for cell in row:
            cell.alignment = _WRAP
    return _book_bytes(book)


def _template_csv(kind: SheetKind) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerow([c.header for c in kind.columns])
    return out.getvalue().encode("utf-8-sig")


def _header_row(sheet: Worksheet, headers: list[str], widths: list[int]) -> None:
    sheet.append(headers)
    for index, (cell, width) in enumerate(zip(sheet[1], widths), start=1):
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _book_bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
