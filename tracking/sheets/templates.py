"""Blank staff and task templates, as .xlsx (with a «Hướng dẫn» sheet) and as .csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracking.sheets.layout import KINDS, SheetKind

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


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
    sheet = book.worksheets[0]  # the one a new workbook has
    sheet.title = kind.sheet_title
    _header_row(sheet, [c.header for c in kind.columns], [c.width for c in kind.columns])
    guide = book.create_sheet("Hướng dẫn")
    guide.append([f"Cách điền {kind.label.lower()}"])
    guide.append(
        [
            f"{kind.intro} Giữ nguyên dòng tiêu đề ở trang «{kind.sheet_title}». Nếu tệp có lỗi, "
            "không dòng nào được ghi và bot chỉ rõ dòng, cột cần sửa. Nhập lại tệp đã sửa thì cập nhật "
            "theo mã; cột không có trong tệp thì giữ nguyên."
        ]
    )
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
