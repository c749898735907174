"""Turn an uploaded file (.txt, .md, .docx, .pdf) into clean plain text.

:func:`read_document` is the only entry point the rest of the bot needs. It
returns text that is ready for indexing:

* Unicode NFC (decomposed Vietnamese, e.g. from macOS or Windows-1258, is
  composed), newlines ``"\\n"`` only;
* control characters and invisible format characters removed, tabs and
  exotic spaces turned into plain spaces;
* trailing spaces trimmed, at most one blank line in a row, no blank lines at
  the start or end;
* one paragraph per line (for PDF, lines that a page layout merely wrapped
  are joined back, conservatively).

Anything that cannot be read raises :class:`DocumentError`, whose message is
written for the officer who sent the file: in Vietnamese, saying what was
wrong and what to do. Library exceptions never escape.

What a file may hold is capped (:class:`DocumentCaps`, settings ``DOC_MAX_*``):
a .docx whose zip would inflate beyond the cap, or far more than real Word
files do, is refused before python-docx reads it (:mod:`common.zipcheck`); a PDF
with too many pages or too much content before its text is extracted; and
extraction stops as soon as the text passes the cap on characters.

Parsing a large PDF or DOCX is CPU-bound: call this from a worker thread
(``asyncio.to_thread``) in async code.

One module per format family reads the raw text: :mod:`kb.readers.plain`
(.txt, .md), :mod:`kb.readers.word` (.docx), :mod:`kb.readers.pdf`; what they
share (caps, errors, normalisation, messages) is :mod:`kb.readers.base`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from kb.readers.base import (
    SUPPORTED_EXTENSIONS,
    DocumentCaps,
    DocumentError,
    _display_name,
    _empty_message,
    _extension,
    _mb,
    _supported_list,
    _too_long,
    normalize_text,
)
from kb.readers.pdf import _read_pdf
from kb.readers.plain import _read_md, _read_txt, strip_markdown
from kb.readers.word import _read_docx

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "MAX_BYTES",
    "DocumentCaps",
    "DocumentError",
    "read_document",
    "normalize_text",
    "strip_markdown",
]

MAX_BYTES: int = 20 * 1024 * 1024


# ---------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------


def read_document(file_name: str, data: bytes, caps: DocumentCaps | None = None) -> str:
    """Return the text of an uploaded file, normalised (see the module docstring).

    The format is chosen by the extension of ``file_name`` (case-insensitive);
    a supported file whose content is plainly another supported format (a PDF
    or Word file saved with the wrong extension) is read as what it really is.

    Raises :class:`DocumentError` for an unsupported extension, a file larger
    than :data:`MAX_BYTES`, an empty file, undecodable text, a corrupt or
    password-protected DOCX/PDF, a scanned PDF without a text layer, or a
    file that yields no text at all, and a file beyond ``caps`` (the defaults
    when None).
    """
    caps = caps or DocumentCaps()
    if not isinstance(data, bytes):  # bytearray (Telegram downloads), memoryview
        data = bytes(data)
    name = _display_name(file_name)
    ext = _extension(name)
    if ext not in SUPPORTED_EXTENSIONS:
        raise DocumentError(f"Tệp «{name}» không được hỗ trợ. Hãy gửi tệp {_supported_list()}.")
    limit = MAX_BYTES  # read at call time so tests (and settings) can change it
    if len(data) > limit:
        raise DocumentError(
            f"Tệp «{name}» quá lớn ({_mb(len(data))} MB). Dung lượng tối đa là {_mb(limit)} MB: "
            "hãy tách thành nhiều tệp nhỏ hơn hoặc chỉ gửi phần văn bản cần dùng."
        )
    if not data.strip():
        raise DocumentError(_empty_message(name))

    reader = _READERS[_sniff_format(data, ext)]
    try:
        raw = reader(name, data, caps)
    except DocumentError:
        raise
    except Exception as exc:  # a library failed in an unexpected way
        raise DocumentError(
            f"Không đọc được tệp «{name}»: tệp bị hỏng hoặc không đúng định dạng {ext}. "
            "Hãy mở tệp, lưu lại rồi gửi lại (hoặc gửi bản .docx/.txt)."
        ) from exc

    text = normalize_text(raw)
    if not text.strip():
        raise DocumentError(_empty_message(name))
    if len(text) > caps.chars:
        raise _too_long(name, caps)
    return text


def _sniff_format(data: bytes, ext: str) -> str:
    """The format to read ``data`` as: its real format when it is plainly a PDF
    or a Word document, else the one its extension says."""
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return ".pdf"
    if ext != ".docx" and data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if "word/document.xml" in zf.namelist():
                    return ".docx"
        except Exception:
            pass
    return ext


_READERS: dict[str, Callable[[str, bytes, DocumentCaps], str]] = {
    ".txt": _read_txt,
    ".md": _read_md,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
}
