"""Word files (.docx): the visible text of the body, tables one row per line."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from common.zipcheck import ZipRefused, open_checked
from kb.readers.base import DocumentCaps, DocumentError, _capped_join, _mb, _row_line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_P, _W_TBL, _W_TR, _W_TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML = _W + "sdt", _W + "sdtContent", _W + "customXml"
# Subtrees whose text is not part of the visible document.
_W_SKIP = frozenset(
    {
        _W + "del",
        _W + "delText",
        _W + "moveFrom",
        _W + "instrText",
        _W + "delInstrText",
        _W + "pPr",
        _W + "rPr",
        _W + "sectPr",
        _W + "tblPr",
        _W + "trPr",
        _W + "tcPr",
        _W + "footnoteReference",
        _W + "endnoteReference",
        _W + "commentReference",
        _MC_FALLBACK,
    }
)


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
