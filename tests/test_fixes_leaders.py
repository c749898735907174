"""Fixes found while building the leader's loop (issue 20, point 9), each shown by a test that fails
without it: the note window after a one-line report, re-imports that would undo changes made in chat,
ranking units with nothing due, /donvi's parsing and the numbers and times shown to people, one rule
of lateness, names in /themnhiemvu, and paging /nhiemvu and /nhatky."""

from __future__ import annotations

from sqlmodel import func, select

from storage.db import session_scope
from storage.models import Evidence, Report, Task
from storage.tracking import task_by_code
from tests.conftest import ADMIN_ID, MANAGER_ID, OFFICER_ID


def _task(engine, code: str) -> Task:
    with session_scope(engine) as session:
        return task_by_code(session=session, code=code)


def _count(engine, model, *where) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


# --------------------------------------------------------------------------
# 1. A one-line /baocao opens the note and evidence window its «Bỏ qua ghi chú» speaks of
# --------------------------------------------------------------------------


async def test_one_line_report_opens_the_note_and_evidence_window(tracked):
    _, emu, engine = tracked
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    saved = await officer.say("/baocao NV002 50 xong dự thảo")
    assert "Bỏ qua ghi chú" in saved.plain_text and "minh chứng" in saved.plain_text
    stored = await officer.send_document("du-thao.pdf", b"%PDF-1.4 du thao")
    assert "Đã lưu minh chứng" in stored.plain_text
    assert _count(engine, Evidence) == 1
    noted = await officer.say("đã gửi lãnh đạo phòng góp ý")
    assert "Đã thêm ghi chú" in noted.plain_text
    with session_scope(engine) as session:
        report = session.exec(select(Report).order_by(Report.id.desc())).first()
        assert report.percent == 50 and "góp ý" in report.note and "dự thảo" in report.note
    # The window is closed by the note: a text now is a question again, a file is refused.
    refused = await officer.send_document("khac.pdf", b"%PDF-1.4")
    assert "Chỉ quản trị viên" in refused.plain_text
    assert _count(engine, Evidence) == 1


async def test_one_line_report_window_closes_with_skip(tracked):
    _, emu, engine = tracked
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    saved = await officer.say("/baocao NV002 vướng mắc chờ ý kiến Sở Tư pháp")
    done = await officer.click(saved, "Bỏ qua")
    assert "vướng mắc" in done.plain_text
    refused = await officer.send_document("khac.pdf", b"%PDF-1.4")
    assert "Chỉ quản trị viên" in refused.plain_text
    assert _count(engine, Evidence) == 0
