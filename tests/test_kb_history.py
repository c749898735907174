"""The knowledge base's history: every add, replace, remove and restore of a document is a line of
the audit log (who, when, file, old and new sha256); replaced and removed versions are kept (at
most KB_KEEP_VERSIONS a file, the oldest dropped first) and can be listed and restored, in the
service, and by admins in chat (``/tailieu lichsu``, ``/tailieu khoiphuc``). The command line is
in ``tests/test_cli.py``, the permission matrix in ``tests/test_permissions.py``."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

import kb.index as index_module
import kb.service as service
from kb.analysis import ANALYSER_VERSION, analyse
from kb.service import Editor, HistoryError, KnowledgeBase, indexed_doc
from kb.store import load_analysis
from storage import documents as repo
from storage import tracking as audit_db
from storage.db import session_scope
from storage.models import AuditEntry, Document, DocumentVersion
from tests.conftest import ADMIN_ID, OFFICER_ID

NAME = "ke-hoach-cchc-2024.txt"


def plan(sipas: str) -> bytes:
    return (
        "KẾ HOẠCH\nCải cách hành chính năm 2024 của tỉnh Hòa Bình\n"
        "I. CHỈ TIÊU\n"
        f"1. Chỉ số hài lòng của người dân (SIPAS) đạt trên {sipas}.\n"
        "2. Tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 98%.\n"
        "II. NHIỆM VỤ\n"
        "1. Sở Nội vụ chủ trì tổng hợp báo cáo trước ngày 15/12/2024.\n"
    ).encode()


GOOD, BAD = plan("85%"), plan("50%")  # what the bot answered before, and after the unlucky replacement
QUESTION = "Chỉ số SIPAS năm 2024 phải đạt bao nhiêu?"
MINH = Editor("Trần Văn Minh", None, ADMIN_ID)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def audit_lines(engine) -> list[AuditEntry]:
    with session_scope(engine) as session:
        return list(
            session.execute(select(AuditEntry).where(AuditEntry.entity == "document").order_by(AuditEntry.id)).scalars()
        )


def current(engine, name: str = NAME) -> Document | None:
    with session_scope(engine) as session:
        return repo.get_document(session=session, file_name=name)


def answer(kb: KnowledgeBase) -> str:
    got = kb.ask(QUESTION)
    assert got.found, got
    return got.text


def test_add_replace_and_remove_each_write_an_audit_line(engine):
    kb = KnowledgeBase(engine)
    started = datetime.now(UTC)
    kb.add([(NAME, GOOD)], by=MINH)
    kb.add([(NAME, BAD)], by=Editor("Lê Thị Hoa", None, 777))
    assert kb.remove(NAME)  # from the command line: no editor given
    finished = datetime.now(UTC)

    lines = audit_lines(engine)
    assert [(e.action, e.actor, e.entity_code, e.field, e.old_value, e.new_value) for e in lines] == [
        ("document_add", "Trần Văn Minh", NAME, "sha256", "", sha(GOOD)),
        ("document_replace", "Lê Thị Hoa", NAME, "sha256", sha(GOOD), sha(BAD)),
        ("document_remove", "dòng lệnh", NAME, "sha256", sha(BAD), ""),
    ]
    assert all(started <= e.at <= finished for e in lines)
    assert "phiên bản 2 thay phiên bản 1" in lines[1].note and "gỡ phiên bản 2" in lines[2].note
    # /nhatky <file> finds them.
    with session_scope(engine) as session:
        assert len(audit_db.audit_entries(session=session, entity_code=NAME.upper())) == 3


def test_a_long_file_name_and_a_large_telegram_id_are_recorded_whole(engine):
    """The audit log names a document by its whole file name (up to 255 characters, as the documents
    table), and the document keeps who added it whatever their Telegram id (they pass 2**31)."""
    name = "ke-hoach-" + "cai-cach-hanh-chinh-" * 11 + "2024.txt"
    assert 200 < len(name) <= 255
    kb = KnowledgeBase(engine)
    kb.add([(name, GOOD)], by=Editor("Telegram 7123456789", None, 7_123_456_789))
    [line] = audit_lines(engine)
    assert line.entity_code == name
    assert current(engine, name).added_by == 7_123_456_789
    with session_scope(engine) as session:
        assert len(audit_db.audit_entries(session=session, entity_code=name)) == 1


def test_history_lists_the_versions_newest_first_with_dates_and_checksums(engine):
    kb = KnowledgeBase(engine)
    t0 = datetime.now(UTC)
    kb.add([(NAME, GOOD)])
    t1 = datetime.now(UTC)
    kb.add([(NAME, BAD)])
    t2 = datetime.now(UTC)
    third = plan("90%")
    kb.add([(NAME, third)])
    history = kb.history(NAME)
    assert [(v.version, v.sha256, v.retired_how) for v in history.versions] == [
        (3, sha(third), ""),
        (2, sha(BAD), "replace"),
        (1, sha(GOOD), "replace"),
    ]
    assert history.current.version == 3 and history.current.retired_at is None
    v2, v1 = history.kept
    assert t0 <= v1.added_at <= t1 <= v1.retired_at <= v2.added_at <= t2
    assert v2.size_bytes == len(BAD) and "cải cách hành chính năm 2024" in v2.title

    # Sending the very same file again is audited but keeps no copy of it.
    kb.add([(NAME, third)])
    assert [v.version for v in kb.history(NAME).versions] == [3, 2, 1]
    assert audit_lines(engine)[-1].old_value == audit_lines(engine)[-1].new_value == sha(third)

    kb.remove(NAME)
    history = kb.history(NAME)
    assert history.current is None and [(v.version, v.retired_how) for v in history.versions] == [
        (3, "remove"),
        (2, "replace"),
        (1, "replace"),
    ]
    files, total = kb.files_with_history()
    assert total == 1 and (files[0].file_name, files[0].versions, files[0].current) == (NAME, 3, None)
    assert kb.history("khong-co.txt") is None


def test_a_restored_version_is_answered_from_again_in_every_process(engine, monkeypatch):
    ours, theirs = KnowledgeBase(engine), KnowledgeBase(engine)  # two bot processes
    ours.add([(NAME, GOOD)])
    assert "85%" in answer(ours) and "85%" in answer(theirs)
    ours.add([(NAME, BAD)], by=MINH)
    assert "50%" in answer(ours) and "50%" in answer(theirs)

    done = theirs.restore(NAME, 1, by=Editor("Lê Thị Hoa", None, 777))
    assert (done.restored, done.version, done.previous) == (1, 3, 2)
    row = current(engine)
    assert (row.version, row.sha256, row.text) == (3, sha(GOOD), GOOD.decode().strip())
    # Its search analysis comes with it: the other process loads it and analyses nothing.
    assert row.analysis_version == ANALYSER_VERSION
    assert load_analysis(row.analysis) == analyse(indexed_doc(row, row.text))

    def fail(doc):
        raise AssertionError(f"analysed {doc.file_name}")

    monkeypatch.setattr(service, "analyse", fail)
    monkeypatch.setattr(index_module, "analyse", fail)
    assert "85%" in answer(ours) and "50%" not in answer(ours)
    assert "85%" in answer(KnowledgeBase(engine))  # a process started now

    line = audit_lines(engine)[-1]
    assert (line.action, line.actor, line.old_value, line.new_value) == (
        "document_restore",
        "Lê Thị Hoa",
        sha(BAD),
        sha(GOOD),
    )
    assert "khôi phục phiên bản 1 thành phiên bản 3" in line.note
    # The version it replaced is kept: restoring it again is possible.
    assert [(v.version, v.retired_how) for v in ours.history(NAME).kept] == [(2, "restore"), (1, "replace")]


def test_a_removed_document_can_be_restored(engine):
    kb = KnowledgeBase(engine)
    kb.add([(NAME, GOOD)])
    assert "85%" in answer(kb)
    removed = kb.remove(NAME, by=MINH)
    assert (removed.version, removed.kept) == (1, True)
    assert not kb.ask(QUESTION).found

    done = kb.restore(NAME, 1, by=MINH)
    assert (done.restored, done.version, done.previous) == (1, 2, None)
    assert "85%" in answer(kb)
    assert [(e.action, e.old_value, e.new_value) for e in audit_lines(engine)][-2:] == [
        ("document_remove", sha(GOOD), ""),
        ("document_restore", "", sha(GOOD)),
    ]


def test_what_cannot_be_restored_is_refused_and_changes_nothing(engine):
    kb = KnowledgeBase(engine)
    with pytest.raises(HistoryError, match="Không có tài liệu hay phiên bản cũ nào"):
        kb.restore(NAME, 1)
    kb.add([(NAME, GOOD)])
    with pytest.raises(HistoryError, match="đang dùng"):
        kb.restore(NAME, 1)
    kb.add([(NAME, BAD)])
    with pytest.raises(HistoryError, match="không có phiên bản 7 được lưu. Các phiên bản còn lưu: 1"):
        kb.restore(NAME, 7)
    kb.add([(NAME, GOOD)])  # version 3: the same file as version 1
    with pytest.raises(HistoryError, match="giống hệt"):
        kb.restore(NAME, 1)
    assert len(audit_lines(engine)) == 3 and current(engine).version == 3


def test_versions_beyond_the_cap_are_dropped_oldest_first(engine):
    kb = KnowledgeBase(engine, keep_versions=3)
    for n in range(1, 7):
        kb.add([(NAME, plan(f"{80 + n}%"))])
    history = kb.history(NAME)
    assert [v.version for v in history.versions] == [6, 5, 4, 3]
    assert [v.sha256 for v in history.kept] == [sha(plan(f"{80 + n}%")) for n in (5, 4, 3)]
    notes = [e.note for e in audit_lines(engine)]
    assert "bỏ phiên bản cũ 1" in notes[4] and "bỏ phiên bản cũ 2" in notes[5]
    with pytest.raises(HistoryError, match="Các phiên bản còn lưu: 5, 4, 3"):
        kb.restore(NAME, 2)
    kb.remove(NAME)  # removing keeps the removed version, dropping the oldest
    assert [v.version for v in kb.history(NAME).versions] == [6, 5, 4]

    # A lower cap (the setting lowered) applies at the file's next change.
    KnowledgeBase(engine, keep_versions=1).restore(NAME, 5)
    assert [(v.version, v.retired_at is None) for v in kb.history(NAME).versions] == [(7, True), (6, False)]

    # None kept: every change is still audited, nothing can be restored.
    none = KnowledgeBase(engine, keep_versions=0)
    none.add([(NAME, GOOD)])
    none.remove(NAME)
    assert none.history(NAME) is None
    with session_scope(engine) as session:
        assert session.execute(select(DocumentVersion)).first() is None
    assert [e.action for e in audit_lines(engine)][-2:] == ["document_replace", "document_remove"]


# --------------------------------------------------------------------------
# In chat, end to end through the emulator
# --------------------------------------------------------------------------


async def test_admins_list_and_restore_versions_in_chat(tracked):
    """The admin replaces a document by mistake, then removes it; the history lists both versions
    and restoring the first brings the officer's answer back. Officers are refused."""
    application, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))

    assert "Đã thêm" in (await admin.send_document(NAME, GOOD)).text
    assert "85%" in (await officer.say(QUESTION)).plain_text
    reply = await admin.send_document(NAME, BAD)
    assert "Đã thay thế" in reply.text and "Phiên bản cũ (1) được lưu lại" in reply.plain_text
    assert "50%" in (await officer.say(QUESTION)).plain_text
    reply = await admin.say(f"/xoatailieu {NAME}")
    assert "Đã gỡ" in reply.text and f"/tailieu khoiphuc {NAME} 2" in reply.plain_text

    # Who did what, with the checksums, in the audit log.
    lines = audit_lines(engine)
    assert [(e.action, e.actor, e.actor_id is not None, e.old_value, e.new_value) for e in lines] == [
        ("document_add", "Trần Văn Minh", True, "", sha(GOOD)),
        ("document_replace", "Trần Văn Minh", True, sha(GOOD), sha(BAD)),
        ("document_remove", "Trần Văn Minh", True, sha(BAD), ""),
    ]
    reply = await admin.say(f"/nhatky {NAME}")
    assert "gỡ tài liệu" in reply.plain_text and sha(GOOD) in reply.plain_text

    for text in (
        "/tailieu lichsu",
        f"/tailieu lichsu {NAME}",
        f"/tailieu khoiphuc {NAME} 1",
        f"/documents history {NAME}",
    ):
        reply = await officer.say(text)
        assert "Chỉ quản trị viên" in reply.text and sha(GOOD) not in reply.plain_text, text
    assert current(engine) is None and len(audit_lines(engine)) == 3

    reply = await admin.say("/tailieu lichsu")
    assert NAME in reply.plain_text and "đã gỡ" in reply.plain_text
    reply = await admin.say(f"/tailieu lịch sử {NAME}")
    shown = reply.plain_text
    assert "đã được gỡ" in shown
    assert shown.index("Phiên bản 2") < shown.index("Phiên bản 1")  # newest first
    assert sha(BAD) in shown and sha(GOOD) in shown and "thay bằng bản mới" in shown

    reply = await admin.say(f"/tailieu khoiphuc {NAME} 9")
    assert "không có phiên bản 9" in reply.plain_text and "Không có gì thay đổi" in reply.plain_text
    reply = await admin.say(f"/tailieu khoiphuc {NAME} hai")
    assert "không phải số phiên bản" in reply.plain_text
    reply = await admin.say(f"/tailieu khôi phục {NAME} 1")
    assert "Đã khôi phục" in reply.text and "phiên bản 3" in reply.plain_text
    assert "85%" in (await officer.say(QUESTION)).plain_text

    line = audit_lines(engine)[-1]
    assert (line.action, line.actor, line.old_value, line.new_value) == (
        "document_restore",
        "Trần Văn Minh",
        "",
        sha(GOOD),
    )
    # Restored in chat, it is added by the admin: their Telegram id, as for a file sent.
    assert current(engine).added_by == ADMIN_ID
    assert not emu.errors
