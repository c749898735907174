"""The XLSX writer's cost a cell: ``tracking.xlsx`` (the export's own streaming
writer) against openpyxl (write-only and normal mode), the same rows of an
export (text, staff and unit names, dates, a date-time, numbers) written and
zipped into a workbook in memory. Prints the best CPU time of ``--runs`` and
microseconds a cell.

    .venv/bin/python bench/xlsx.py [--rows 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracking.export import DATE_FORMAT, DATETIME_FORMAT, EXPORT_COLUMNS
from tracking.xlsx import HEADER, Workbook

ROW = [
    "NV000001",
    "Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực đất đai",
    "Nguyễn Văn An (CB00001)",
    "UBND tỉnh > Sở Nội vụ > Phòng Cải cách hành chính",
    "Trần Văn Bình (LD00001)",
    date(2026, 1, 5),
    date(2026, 6, 30),
    50,
    "Đang thực hiện",
    0,
    datetime(2026, 5, 2, 9, 30),
    "Nguyễn Văn An (CB00001)",
    "đã xong dự thảo, chờ góp ý của các sở",
    "Báo cáo kết quả rà soát",
    "CT01 · Chỉ số SIPAS",
]
assert len(ROW) == len(EXPORT_COLUMNS)


def rows(n: int):
    for i in range(n):
        row = list(ROW)
        row[0] = f"NV{i:06d}"
        row[7] = i % 101
        yield row


def ours(n: int) -> bytes:
    book = Workbook(date_format=DATE_FORMAT, datetime_format=DATETIME_FORMAT)
    sheet = book.sheet("Nhiệm vụ", widths=[width for _, width in EXPORT_COLUMNS], freeze_header=True, auto_filter=True)
    sheet.row([title for title, _ in EXPORT_COLUMNS], style=HEADER)
    for row in rows(n):
        sheet.row(row)
    return book.to_bytes()


def openpyxl_book(n: int, *, write_only: bool) -> bytes:
    from openpyxl import Workbook as OpenpyxlWorkbook

    book = OpenpyxlWorkbook(write_only=write_only)
    sheet = book.create_sheet("Nhiệm vụ") if write_only else book.active
    sheet.append([title for title, _ in EXPORT_COLUMNS])
    for row in rows(n):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cells = args.rows * len(EXPORT_COLUMNS)
    writers = (
        ("tracking.xlsx", lambda: ours(args.rows)),
        ("openpyxl, write-only", lambda: openpyxl_book(args.rows, write_only=True)),
        ("openpyxl", lambda: openpyxl_book(args.rows, write_only=False)),
    )
    print(f"{args.rows:,} rows x {len(EXPORT_COLUMNS)} columns = {cells:,} cells; best CPU time of {args.runs}")
    for name, write in writers:
        best, size = float("inf"), 0
        for _ in range(args.runs):
            started = time.process_time()
            size = len(write())
            best = min(best, time.process_time() - started)
        print(f"{name:22} {best:7.3f} s  {best / cells * 1e6:5.2f} µs a cell  {size / 1e6:5.1f} MB")


if __name__ == "__main__":
    main()
