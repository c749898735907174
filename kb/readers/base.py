"""What every document reader shares: the caps, the error, normalisation and messages.

:class:`DocumentError` carries a message for the officer who sent the file (Vietnamese, saying
what was wrong and what to do); the helpers here word the messages common to every format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SUPPORTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf")


@dataclass(frozen=True)
class DocumentCaps:
    """What one document may hold (settings ``DOC_MAX_*``): its uncompressed size (a .docx's
    zip inflated; a PDF's page contents decompressed), its text, a PDF's pages."""

    unpacked_bytes: int = 50 * 1024 * 1024
    chars: int = 1_000_000
    pdf_pages: int = 1_000

    @classmethod
    def from_settings(cls, settings: Any) -> DocumentCaps:
        return cls(
            unpacked_bytes=settings.doc_max_unpacked_mb * 1024 * 1024,
            chars=settings.doc_max_chars,
            pdf_pages=settings.doc_max_pdf_pages,
        )


class DocumentError(ValueError):
    """A file cannot be used; ``str(error)`` is a user-facing reason in Vietnamese
    saying what was wrong and how to fix it."""


# ---------------------------------------------------------------------------
# normalisation
# ---------------------------------------------------------------------------

_NEWLINE_CHARS = "\x0b\x0c\x85\u2028\u2029"
# Invisible format characters that carry no text: soft hyphen, zero-width
# space/joiners, word joiner, BOM, bidi marks and embeddings.
_INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff" + "".join(
    map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
)


def _translation_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        table[cp] = None  # control characters (C0, DEL, C1)
    table[ord("\n")] = "\n"
    table[ord("\t")] = " "
    for ch in _NEWLINE_CHARS:
        table[ord(ch)] = "\n"
    for ch in _INVISIBLE:
        table[ord(ch)] = None
    # every other "space separator" (no-break, thin, ideographic ...) → space
    for cp in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
        table[cp] = " "
    return table


_TABLE = _translation_table()


def normalize_text(text: str) -> str:
    """NFC, ``\\n`` newlines, no control/invisible characters, trailing spaces
    trimmed, at most one blank line in a row, no leading/trailing blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TABLE)
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    blank = True  # drops leading blank lines
    for line in text.split("\n"):
        line = line.rstrip()
        if not line:
            if not blank:
                out.append("")
            blank = True
            continue
        out.append(line)
        blank = False
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


# ---------------------------------------------------------------------------
# messages and small helpers
# ---------------------------------------------------------------------------


def _display_name(file_name: str) -> str:
    """Base name of ``file_name`` (either slash), without control characters."""
    base = re.split(r"[\\/]", file_name or "")[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if len(base) > 120:
        base = base[:80] + "…" + base[-30:]
    return base or "không tên"


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _supported_list() -> str:
    exts = list(SUPPORTED_EXTENSIONS)
    return exts[0] if len(exts) == 1 else ", ".join(exts[:-1]) + " hoặc " + exts[-1]


def _mb(n: int) -> str:
    value = n / (1024 * 1024)
    text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return text.replace(".", ",")  # Vietnamese decimal comma


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Vietnamese thousands separator


def _too_long(name: str, caps: DocumentCaps) -> DocumentError:
    return DocumentError(
        f"Tệp «{name}» có hơn {_number(caps.chars)} ký tự, quá giới hạn một tài liệu. Hãy tách thành nhiều "
        "tệp nhỏ hơn, hoặc chỉ gửi phần văn bản cần dùng (bỏ phụ lục, bảng số liệu dài)."
    )


def _capped_join(lines: Iterable[str], name: str, caps: DocumentCaps, sep: str = "\n") -> str:
    """``sep.join(lines)``, stopping with :func:`_too_long` as soon as the text passes the cap
    (so a file that would expand to millions of characters is not read to its end)."""
    out: list[str] = []
    total = 0
    for line in lines:
        total += len(line) + len(sep)
        if total > caps.chars + len(sep):
            raise _too_long(name, caps)
        out.append(line)
    return sep.join(out)


def _empty_message(name: str) -> str:
    return f"Tệp «{name}» không có nội dung văn bản (tệp trống). Hãy kiểm tra lại tệp rồi gửi tệp có nội dung."


def _encoding_message(name: str) -> str:
    return (
        f"Không đọc được tệp «{name}»: không nhận ra bảng mã ký tự (phông chữ cũ như TCVN3/VNI "
        "hoặc tệp không phải văn bản). Hãy lưu tệp dưới dạng UTF-8 (Unicode) rồi gửi lại."
    )


def _row_line(cells: list[str]) -> str:
    """A table row as one line: cells joined by ``" | "``, trailing empty cells
    dropped, empty cells inside kept (``"a | | b"``); ``""`` for an empty row."""
    cells = list(cells)
    while cells and not cells[-1]:
        cells.pop()
    if not any(cells):
        return ""
    return re.sub(r"(?<=\|) {2}(?=\|)", " ", " | ".join(cells))
