"""Checking rows: the problems found, with the row and column the user sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tracking.parse import InputError
from tracking.sheets.layout import Column, SheetError, SheetKind
from tracking.sheets.reading import _Row

T = TypeVar("T")


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


def _check_cells(row: _Row, kind: SheetKind, problems: _Problems, optional: tuple[Column, ...] = ()) -> None:
    """Required cells filled (but those of ``optional``, which this row need not fill), lengths within caps."""
    missing = [f"«{c.header}»" for c in kind.required if not row.text(c) and c not in optional]
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
