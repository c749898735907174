"""The milestones of a scope in its digest: /tonghop shows the same block as the scheduled digest of
the same scope on the same day (one function makes it, ``reminders.digest.with_milestones``), and a
scope without them shows none. Through the real bot and the emulator, on the injected clock."""

from __future__ import annotations

from datetime import date

import pytest

from reminders.scan import SCANNED_THROUGH
from storage.db import session_scope
from storage.models import AppState, Milestone
from storage.tracking import task_by_code
from tests.conftest import MANAGER_ID, WARD_MANAGER_ID
from tests.people import bot_cycle, chats

HEADER = "📍 Mốc tiến độ: 1 quá hạn chưa xong · 1 đến hạn trong 7 ngày tới"


@pytest.fixture
async def world(tracked):
    """NV002 (CB01's, in LD01's scope) with a milestone past its date on 11/03/2026 and one due in the
    week after; the reminder cycle on the test clock, reminders already scanned (digests only)."""
    application, emu, engine = tracked
    clock = application.bot_data.clock
    with session_scope(engine) as session:
        task = task_by_code(session=session, code="NV002")
        session.add(Milestone(task_id=task.id, title="Khảo sát hiện trạng", due_date=date(2026, 3, 9)))
        session.add(Milestone(task_id=task.id, title="Dự thảo phương án", due_date=date(2026, 3, 13)))
        session.add(Milestone(task_id=task.id, title="Xin ý kiến", due_date=date(2026, 3, 6), done=True, progress=100))
        session.merge(AppState(key=SCANNED_THROUGH, value="2026-12-31"))
    cycle = bot_cycle(application, engine)
    yield cycle, clock, emu, engine


def milestone_lines(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(HEADER)
    return lines[start : start + 3]


async def test_tonghop_shows_the_milestones_as_the_scheduled_digest_does(world):
    cycle, clock, emu, engine = world
    c = chats(emu)
    assert "Đã đăng ký" in (await c["leader"].say("/dangkytonghop hằng ngày 08:00")).plain_text
    clock.set(date(2026, 3, 11), 8, 1)
    mark = emu.mark()
    assert (await cycle.run()).scan.digests == 1
    scheduled = "\n".join(m.plain_text or "" for m in emu.sent[mark:] if m.chat_id == MANAGER_ID)

    mark = emu.mark()
    await c["leader"].say("/tonghop")
    asked = (
        await emu.wait_for(lambda m: m.chat_id == MANAGER_ID and "Mốc tiến độ" in m.plain_text, after=mark)
    ).plain_text
    shown = milestone_lines(asked)
    assert shown == milestone_lines(scheduled)
    assert shown[1:] == [
        "• 09/03/2026 NV002 Khảo sát hiện trạng (0%)",
        "• 13/03/2026 NV002 Dự thảo phương án (0%)",
    ]
    assert "Xin ý kiến" not in asked  # done

    # The ward's manager: no milestone in his scope, no block.
    ward = await c["ward"].say("/tonghop")
    assert "Mốc tiến độ" not in "\n".join(m.plain_text or "" for m in emu.messages_to(WARD_MANAGER_ID))
    assert "Tổng hợp" in ward.plain_text
