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
"""

from __future__ import annotations

import bisect
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from common.zipcheck import ZipRefused, open_checked

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "MAX_BYTES",
    "DocumentCaps",
    "DocumentError",
    "read_document",
    "normalize_text",
    "strip_markdown",
]

SUPPORTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf")
MAX_BYTES: int = 20 * 1024 * 1024



@dataclass(frozen=True)
class DocumentCaps:
    """What one document may hold (settings ``DOC_MAX_*``): its uncompressed size (a .docx's
    zip inflated; a PDF's page contents decompressed), its text, a PDF's pages."""

    unpacked_bytes: int = 50 * 1024 * 1024
    chars: int = 1_000_000
    pdf_pages: int = 1_000

    @classmethod
    def from_settings(cls, settings: Any) -> DocumentCaps:
        return cls(unpacked_bytes=settings.doc_max_unpacked_mb * 1024 * 1024, chars=settings.doc_max_chars,
                   pdf_pages=settings.doc_max_pdf_pages)


class DocumentError(ValueError):
    """A file cannot be used; ``str(error)`` is a user-facing reason in Vietnamese
    saying what was wrong and how to fix it."""


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
    return (
        f"Tệp «{name}» không có nội dung văn bản (tệp trống). "
        "Hãy kiểm tra lại tệp rồi gửi tệp có nội dung."
    )


def _encoding_message(name: str) -> str:
    return (
        f"Không đọc được tệp «{name}»: không nhận ra bảng mã ký tự (phông chữ cũ như TCVN3/VNI "
        "hoặc tệp không phải văn bản). Hãy lưu tệp dưới dạng UTF-8 (Unicode) rồi gửi lại."
    )


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


# ---------------------------------------------------------------------------
# plain text and markdown
# ---------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),  # before UTF-16 LE: same first two bytes
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _vietnamese_letters() -> frozenset[str]:
    """All precomposed Vietnamese letters that are not plain ASCII."""
    letters = {"đ", "Đ"}
    tones = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    for base in ("a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b",
                 "u", "u\u031b", "y"):
        for tone in tones:
            ch = unicodedata.normalize("NFC", base + tone)
            if len(ch) == 1 and not ch.isascii():
                letters.update((ch, ch.upper()))
    return frozenset(letters)


_VI_LETTERS = _vietnamese_letters()
# Non-ASCII punctuation a Vietnamese text in a legacy code page may contain.
_ALLOWED_SYMBOLS = frozenset("“”‘’„«»–—…•·°§€₫×")
_SAMPLE_CHARS = 256 * 1024  # enough to judge an encoding; keeps big files fast


def _looks_vietnamese(text: str) -> bool:
    """Whether a legacy-code-page decoding produced plausible Vietnamese.

    Wrong decodings (TCVN3/VNI fonts, Asian code pages, binary files) give
    non-Vietnamese accented letters or stray symbols; real Vietnamese gives
    almost only Vietnamese letters, on a good share of its words.
    """
    text = unicodedata.normalize("NFC", text[:_SAMPLE_CHARS])
    if _looks_binary(text):
        return False
    non_ascii = [c for c in text if not c.isascii() and not c.isspace()]
    if not non_ascii:
        return False
    vietnamese = sum(c in _VI_LETTERS for c in non_ascii)
    allowed = sum(c in _ALLOWED_SYMBOLS for c in non_ascii)
    if vietnamese == 0 or (vietnamese + allowed) / len(non_ascii) < 0.95:
        return False
    words = re.findall(r"[^\W\d_]+", text)
    marked = sum(any(c in _VI_LETTERS for c in w) for w in words)
    return marked / max(len(words), 1) >= 0.15


_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _looks_binary(text: str) -> bool:
    """Many control characters: not a text file (or a wrong decoding)."""
    controls = len(_CONTROL_RE.findall(text))
    return controls > max(8, len(text) // 50)


def _sniff_utf16(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` for UTF-16 without a BOM, else None.

    Text in UTF-16 has a NUL byte in most of the high halves of its code
    units (ASCII letters, spaces, digits) and almost none in the low halves.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    n = len(even)
    zero_even, zero_odd = even.count(0), odd.count(0)
    if zero_odd >= 0.3 * n and zero_even <= 0.02 * n:
        return "utf-16-le"
    if zero_even >= 0.3 * n and zero_odd <= 0.02 * n:
        return "utf-16-be"
    return None


def _decode_text(name: str, data: bytes, caps: DocumentCaps) -> str:
    if len(data) > 4 * caps.chars:  # more characters than the cap in any encoding
        raise _too_long(name, caps)
    text = _decode_any(name, data)
    if len(text) > caps.chars:
        raise _too_long(name, caps)
    return text


def _decode_any(name: str, data: bytes) -> str:
    """Decode a text file: BOM, UTF-16 without BOM, UTF-8, then Windows-1258 /
    Windows-1252 when (and only when) the result looks like Vietnamese."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise DocumentError(_encoding_message(name)) from None
    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            pass
        else:
            if not _looks_binary(text):
                return text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_binary(text):
            raise DocumentError(
                f"Tệp «{name}» không phải là tệp văn bản (có thể là tệp khác bị đổi đuôi). "
                f"Hãy gửi đúng tệp {_supported_list()}; tệp văn bản cần lưu dưới dạng UTF-8."
            )
        return text
    for codec in ("cp1258", "cp1252"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_vietnamese(text):
            return text
    raise DocumentError(_encoding_message(name))


def _read_txt(name: str, data: bytes, caps: DocumentCaps) -> str:
    return _decode_text(name, data, caps)


def _read_md(name: str, data: bytes, caps: DocumentCaps) -> str:
    text = _decode_text(name, data, caps).replace("\r\n", "\n").replace("\r", "\n")
    return strip_markdown(text)


_MD_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MD_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+.*$")
_MD_RULE = re.compile(r"^ {0,3}([-*_=])(?:[ \t]*\1){2,}[ \t]*$")
_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_MD_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_MD_BULLET = re.compile(r"^(\s*)[*+-][ \t]+(?:\[[ xX]\][ \t]+)?")
_MD_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_MD_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)"), r"\1"),  # image
    (re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)"), r"\1"),  # link
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference link
    (re.compile(r"<((?:https?|ftp|mailto):[^>\s]+|[^>\s@]+@[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"<br\s*/?>", re.IGNORECASE), " "),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),  # italic
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"), r"\1"),  # italic
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # strikethrough
)
_PLACEHOLDER_BASE = 0xF0000  # private-use plane: cannot occur in real text


def _strip_inline(line: str) -> str:
    """Remove inline markdown (links, emphasis, code spans, escapes) from a line."""
    protected: list[str] = []

    def protect(s: str) -> str:
        protected.append(s)
        return chr(_PLACEHOLDER_BASE + len(protected) - 1)

    line = _MD_ESCAPE.sub(lambda m: protect(m.group(1)), line)
    line = _MD_CODE_SPAN.sub(lambda m: protect(m.group(2).strip()), line)
    for pattern, repl in _MD_INLINE:
        line = pattern.sub(repl, line)
    if protected:
        line = re.sub(
            f"[{chr(_PLACEHOLDER_BASE)}-{chr(_PLACEHOLDER_BASE + len(protected) - 1)}]",
            lambda m: protected[ord(m.group()) - _PLACEHOLDER_BASE],
            line,
        )
    return line


def strip_markdown(text: str) -> str:
    """Light markdown → plain text: keeps every word, drops the syntax.

    Headings lose their ``#``, emphasis/strike markers and code backticks go,
    links and images become their text, block quotes lose ``>``, bullets become
    ``- ``, table rows become ``cell | cell`` and rules, table separators,
    code fences and link definitions are dropped. Code blocks are kept verbatim.
    """
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        m = _MD_FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            else:
                out.append(line)
            continue
        if m:
            fence = m.group(1)
            continue
        if _MD_REF_DEF.match(line):
            continue
        if _MD_TABLE_SEP.match(line) and "|" in line:
            continue
        if _MD_RULE.match(line):
            out.append("")
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1) or ""
        line = _MD_QUOTE.sub("", line)
        line = _MD_BULLET.sub(r"\1- ", line)
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            cells = [c.strip() for c in stripped[1:-1].split("|")]
            line = " | ".join(cells)
        out.append(_strip_inline(line))
    return "\n".join(out)


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_P, _W_TBL, _W_TR, _W_TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML = _W + "sdt", _W + "sdtContent", _W + "customXml"
# Subtrees whose text is not part of the visible document.
_W_SKIP = frozenset({
    _W + "del", _W + "delText", _W + "moveFrom", _W + "instrText", _W + "delInstrText",
    _W + "pPr", _W + "rPr", _W + "sectPr", _W + "tblPr", _W + "trPr", _W + "tcPr",
    _W + "footnoteReference", _W + "endnoteReference", _W + "commentReference",
    _MC_FALLBACK,
})


def _paragraph_text(p: Any) -> str:
    """Visible text of a ``w:p``, including hyperlinks, tracked insertions,
    fields, content controls and text boxes (each nested paragraph on its own line)."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _W_SKIP:
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == _W_P:  # paragraph inside a text box
                parts.append("\n")
                walk(child)
                parts.append("\n")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _block_lines(container: Any) -> Iterator[str]:
    """Lines of block-level content (paragraphs, tables, content controls) in order."""
    for child in container:
        tag = child.tag
        if tag == _W_P:
            yield _paragraph_text(child)
        elif tag == _W_TBL:
            yield from _table_lines(child)
        elif tag in (_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML):
            yield from _block_lines(child)


def _is_merge_continuation(tc: Any) -> bool:
    """A cell that continues a vertical merge: its text belongs to the cell above."""
    for tc_pr in tc.iterchildren(_W + "tcPr"):
        for v_merge in tc_pr.iterchildren(_W + "vMerge"):
            return v_merge.get(_W + "val", "continue") == "continue"
    return False


def _row_cells(tr: Any) -> Iterator[Any]:
    for child in tr:
        if child.tag == _W_TC:
            yield child
        elif child.tag in (_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML):
            yield from _row_cells(child)


def _table_rows(tbl: Any) -> Iterator[Any]:
    for child in tbl:
        if child.tag == _W_TR:
            yield child
        elif child.tag in (_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML):
            yield from _table_rows(child)


def _table_lines(tbl: Any) -> Iterator[str]:
    """One line per table row: the cells' text joined by ``" | "``.

    A cell's own paragraphs are joined with spaces; merged cells appear once.
    Empty rows are skipped; empty cells inside a row are kept (as empty) so the
    columns stay recognisable.
    """
    for tr in _table_rows(tbl):
        cells: list[str] = []
        for tc in _row_cells(tr):
            if _is_merge_continuation(tc):
                cells.append("")
                continue
            lines = (" ".join(line.split()) for line in _block_lines(tc))
            cells.append(" ".join(line for line in lines if line))
        line = _row_line(cells)
        if line:
            yield line


def _row_line(cells: list[str]) -> str:
    """A table row as one line: cells joined by ``" | "``, trailing empty cells
    dropped, empty cells inside kept (``"a | | b"``); ``""`` for an empty row."""
    cells = list(cells)
    while cells and not cells[-1]:
        cells.pop()
    if not any(cells):
        return ""
    return re.sub(r"(?<=\|) {2}(?=\|)", " ", " | ".join(cells))


def _read_docx(name: str, data: bytes, caps: DocumentCaps) -> str:
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: an old binary .doc renamed
        raise DocumentError(
            f"Tệp «{name}» là tệp Word đời cũ (.doc), không phải .docx. Hãy mở bằng Word, "
            "chọn «Lưu thành» (Save As) định dạng .docx rồi gửi lại."
        )
    corrupt = DocumentError(
        f"Không đọc được tệp «{name}»: tệp .docx bị hỏng hoặc không phải tệp Word. "
        "Hãy mở tệp bằng Word, lưu lại dưới dạng .docx rồi gửi lại (hoặc gửi bản .pdf/.txt)."
    )
    try:
        open_checked(data, max_unpacked=caps.unpacked_bytes).close()
    except ZipRefused as refused:
        if refused.reason == "size":
            raise DocumentError(
                f"Tệp «{name}» khi giải nén ra tới {_mb(refused.unpacked)} MB (nhiều hình ảnh hoặc dữ liệu nhúng), "
                f"quá giới hạn {_mb(caps.unpacked_bytes)} MB. Hãy xóa bớt hình ảnh hoặc sao chép phần văn bản "
                "sang tệp mới rồi gửi lại."
            ) from None
        if refused.reason == "ratio":
            raise DocumentError(
                f"Tệp «{name}» giải nén ra lớn bất thường (gấp {refused.ratio:.0f} lần tệp gửi), không giống "
                "một tài liệu Word thật. Hãy mở tệp bằng Word, lưu lại dưới dạng .docx rồi gửi lại."
            ) from None
        raise corrupt from None
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
        return _capped_join(_block_lines(document.element.body), name, caps)
    except DocumentError:
        raise
    except Exception:
        raise corrupt from None


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------
#
# Text comes from pypdf, page by page. Pages that hold a ruled table (cell
# borders drawn as lines or rectangles, as Word, LibreOffice and ReportLab
# draw them) are read with pdfplumber instead: each table becomes one line per
# row with the cells joined by " | ", like a Word table, and the text around it
# is read from the words' positions. A table that runs onto the next page is
# joined into one table: its repeated header is dropped and a row split by
# the page break is put back together. Tables without borders stay as text.

_SENTENCE_END = tuple(".!?:;…\"”»)]")
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
    lower-case word (not a list marker such as ``a)``).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if full is None:
        full = _full_line_length(lines)
    if full < 30:
        return text
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if out and stripped and stripped[0].islower() and not _LIST_START.match(stripped):
            prev = out[-1].rstrip()
            if (prev and len(prev.strip()) >= 0.7 * full and not prev.endswith(_SENTENCE_END)):
                out[-1] = prev + " " + stripped
                continue
        out.append(line)
    return "\n".join(out)


class _PdfTable:
    """A ruled table found on a page: its rows (cells as clean text, empty for
    a cell merged into the one before it) and its column boundaries."""

    __slots__ = ("rows", "columns")

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
        xs = [x for _, x in ends[i:j + 1]]
        x0, x1 = min(xs), max(xs)
        if x1 - x0 >= 10:
            y = ends[i][0]
            rules.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y,
                          "width": x1 - x0, "height": 0})
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
            inside = [c for c in row_chars if cx0 <= (c["x0"] + c["x1"]) / 2 < cx1
                      and ctop <= (c["top"] + c["bottom"]) / 2 < cbottom]
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
    return isinstance(block, str) and all(
        _PAGE_NUMBER.match(line) for line in block.split("\n") if line.strip())


def _header_rows(table: _PdfTable, part: _PdfTable) -> int:
    """How many of ``part``'s first rows repeat ``table``'s header (0 to 3 rows)."""
    n = 0
    while (n < 3 and n < len(part.rows) - 1 and n < len(table.rows)
           and [c.casefold() for c in part.rows[n]] == [c.casefold() for c in table.rows[n]]):
        n += 1
    return n


def _continues_table(table: _PdfTable, part: _PdfTable) -> bool:
    """Whether ``part``, at the top of a page, is the rest of ``table``: the
    same columns, or the same width and the same header row."""
    def near(x: float, y: float) -> bool:
        return abs(x - y) <= 3

    if len(table.columns) == len(part.columns) and all(map(near, table.columns, part.columns)):
        return True
    return (near(table.columns[0], part.columns[0]) and near(table.columns[-1], part.columns[-1])
            and _header_rows(table, part) > 0)


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
        if open_table is not None and content and isinstance(content[0], _PdfTable) \
                and _continues_table(open_table, content[0]):
            part = content.pop(0)
            rows = part.rows[_header_rows(open_table, part):]  # without the repeated header
            if rows and _continues_row(open_table.rows[-1], rows[0]):
                open_table.rows[-1] = [" ".join(filter(None, pair))
                                       for pair in zip(open_table.rows[-1], rows[0])]
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
        data, len(pages),
        [i for i, page in enumerate(pages) if sizes[i] <= _PDF_TABLE_MAX_CONTENT and _draws_rules(page)])
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
        chars += sum(len(block) if isinstance(block, str) else sum(map(len, block.lines()))
                     for block in page_blocks[-1])
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


_READERS: dict[str, Callable[[str, bytes, DocumentCaps], str]] = {
    ".txt": _read_txt,
    ".md": _read_md,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
}
