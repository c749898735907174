"""The knowledge base's files: the list (/tailieu), adding, removing, their history and restoring."""

from __future__ import annotations

from collections.abc import Sequence

from texts.ask import plain_citation
from texts.common import clip, esc, local


def documents_blocks(docs: Sequence) -> list[str]:
    if not docs:
        return ["Chưa có tài liệu nào."]
    lines = [f"<b>Tài liệu ({len(docs)})</b>"]
    for d in docs:
        lines.append(f"• {esc(plain_citation(d))}\n  <code>{esc(d.file_name)}</code>")
    return ["\n".join(lines)]


DOC_ADDED = "Đã {verb} tài liệu: <b>{title}</b>{number}\n<code>{file}</code>"
DOC_REFUSED = "Không thêm được tài liệu: {reason}\nKhông có gì được lưu."
REMOVE_USAGE = "Hãy ghi tên tệp cần gỡ, ví dụ: <code>/xoatailieu ke-hoach-27.txt</code> (xem /tailieu)."
REMOVED = "Đã gỡ tài liệu <code>{file}</code>."
REMOVED_KEPT = "Phiên bản {version} được lưu lại; dùng lại bằng <code>/tailieu khoiphuc {file} {version}</code>."
NOT_REMOVED = "Không có tài liệu tên <code>{file}</code>. Xem danh sách bằng /tailieu."
DOC_REPLACED_KEPT = "Phiên bản cũ ({kept}) được lưu lại: /tailieu lichsu {file}"


# Knowledge-base history (/tailieu lichsu, /tailieu khoiphuc; kb/service.py).
HISTORY_USAGE = (
    "Cách dùng:\n"
    "• <code>/tailieu lichsu TÊN_TỆP</code>: các phiên bản của một tài liệu (đang dùng, đã thay, đã gỡ), "
    "mới nhất trước, với ngày và mã kiểm tra sha256;\n"
    "• <code>/tailieu khoiphuc TÊN_TỆP PHIÊN_BẢN</code>, ví dụ <code>/tailieu khoiphuc ke-hoach-27.txt 2</code>: "
    "dùng lại một phiên bản đã lưu (bản đang dùng được lưu lại, quay lại được);\n"
    "• <code>/tailieu lichsu</code>: các tệp có phiên bản được lưu, kể cả tệp đã gỡ."
)
RETIRED_HOW = {"replace": "thay bằng bản mới", "remove": "gỡ", "restore": "thay bằng bản khôi phục"}


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB".replace(".", ",") if size >= 1024 else f"{size} byte"


def history_blocks(history, tz) -> list[str]:
    """A file's versions (``kb.service.History``), newest first."""
    name = esc(history.file_name)
    lines = [f"<b>Lịch sử tài liệu</b> <code>{name}</code>"]
    if history.current is None:
        lines.append("Tệp này đã được gỡ: khôi phục một phiên bản để dùng lại.")
    for v in history.versions:
        how = RETIRED_HOW.get(v.retired_how, esc(v.retired_how))
        when = (
            f"đang dùng, từ {local(v.added_at, tz)}"
            if v.retired_at is None
            else f"{local(v.added_at, tz)} → {local(v.retired_at, tz)}, {how}"
        )
        number = f" (số {esc(v.number)})" if v.number else ""
        lines.append(
            f"• <b>Phiên bản {v.version}</b> — {when}\n  {esc(clip(v.title, 150))}{number}\n"
            f"  sha256 <code>{v.sha256}</code> · {_kb(v.size_bytes)}"
        )
    if history.kept:
        lines.append(
            f"\nKhôi phục: <code>/tailieu khoiphuc {name} {history.kept[0].version}</code> "
            "(thay số phiên bản cần dùng)."
        )
    lines.append(f"Ai đã thay đổi: <code>/nhatky {name}</code>")
    return ["\n".join(lines)]


def histories_blocks(files, total: int, tz) -> list[str]:
    """The files that have kept versions (``kb.service.FileHistory``)."""
    if not files:
        return [HISTORY_USAGE, "Chưa có tài liệu nào bị thay hoặc gỡ, nên chưa có phiên bản nào được lưu."]
    lines = [f"<b>Tài liệu có phiên bản được lưu</b> ({total}), thay đổi gần nhất trước:"]
    for f in files:
        state = f"đang dùng phiên bản {f.current}" if f.current is not None else "<b>đã gỡ</b>"
        lines.append(
            f"• <code>{esc(f.file_name)}</code> — {f.versions} phiên bản lưu, {state}; "
            f"thay đổi lúc {local(f.last_change, tz)}"
        )
    if total > len(files):
        lines.append(f"… và {total - len(files)} tệp khác.")
    lines.append("Xem từng tệp: <code>/tailieu lichsu TÊN_TỆP</code>")
    return [HISTORY_USAGE, "\n".join(lines)]


# Commands' replies (handlers/documents.py)
ACTIONS = {
    "history": "xem lịch sử tài liệu",
    "restore": "khôi phục tài liệu",
    "add": "thêm tài liệu",
    "remove": "gỡ tài liệu",
}  # after «Chỉ quản trị viên mới được …»


def no_history(name: str) -> str:
    return (
        f"⛔ Không có tài liệu hay phiên bản cũ nào tên <code>{esc(name)}</code>. "
        "Đồng chí hãy kiểm tra tên tệp (cả phần đuôi, ví dụ .docx): /tailieu liệt kê tài liệu "
        "đang dùng, <code>/tailieu lichsu</code> các tệp có phiên bản được lưu, kể cả tệp đã gỡ."
    )


def restore_unreadable(version: str | None) -> list[str]:
    """``version``: what was typed where the version number goes (None: nothing was)."""
    what = f"«{esc(version)}» không phải số phiên bản" if version is not None else "cần tên tệp và số phiên bản"
    return [f"⛔ Không khôi phục được: {what}. Không có gì thay đổi.", HISTORY_USAGE]


def restore_refused(reason: str, name: str) -> str:
    return f"⛔ {esc(reason)} Không có gì thay đổi. Xem các phiên bản: <code>/tailieu lichsu {esc(name)}</code>"


def restored(done) -> str:
    """``done``: ``kb.service.Restored``."""
    file = esc(done.file_name)
    lines = [
        f"✅ Đã khôi phục <code>{file}</code> phiên bản {done.restored}, nay là phiên bản {done.version} "
        f"đang dùng: <b>{esc(done.title)}</b>."
    ]
    if done.previous is not None:
        lines.append(
            f"Bản đang dùng trước đó (phiên bản {done.previous}) được lưu lại; quay lại bằng "
            f"<code>/tailieu khoiphuc {file} {done.previous}</code>."
        )
    lines.append("Câu trả lời từ nay lấy theo phiên bản này.")
    return "\n".join(lines)


def unsupported(name: str, extensions) -> str:
    return DOC_REFUSED.format(reason=f"tệp «{esc(name)}» không được hỗ trợ. Hãy gửi tệp {', '.join(extensions)}.")


def too_large(name: str, limit_mb: int) -> str:
    return DOC_REFUSED.format(reason=f"tệp «{esc(name)}» quá lớn; giới hạn là {limit_mb} MB.")


def added(item) -> str:
    """``item``: what ``kb.service.KnowledgeBase.add`` says of one file."""
    text = DOC_ADDED.format(
        verb="thay thế" if item.replaced else "thêm",
        title=esc(item.title),
        number=f" (số {esc(item.number)})" if item.number else "",
        file=esc(item.file_name),
    )
    if item.kept is not None:
        text += "\n" + DOC_REPLACED_KEPT.format(kept=item.kept, file=esc(item.file_name))
    return text
