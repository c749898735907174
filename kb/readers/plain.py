"""Plain text and markdown files: the encoding found, then markdown syntax dropped."""

from __future__ import annotations

import re
import unicodedata

from kb.readers.base import (
    DocumentCaps,
    DocumentError,
    _encoding_message,
    _supported_list,
    _too_long,
)

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
    for base in ("a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b", "u", "u\u031b", "y"):
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
