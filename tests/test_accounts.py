"""Accounts end to end through the emulator: invites for a person already linked need an explicit
re-link and the old account is told; using an invite revokes the person's other invites; admins
revoke invites. Digest subscriptions belong to their owner, whose role is checked at every sending:
one whose owner lost the right stops, and its chat is told once. Also the add-task conversation
given text after its last step, and the owners the migration finds for existing subscriptions."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from reminders.cycle import ReminderCycle
from reminders.dispatch import Dispatcher, Pacer
from reminders.scan import SCANNED_THROUGH, ScanConfig
from storage.db import session_scope
from storage.models import AppState, AuditEntry, Invite, Outbox, Subscription
from storage.tracking import staff_by_code
from tests.conftest import ADMIN_ID, MANAGER_ID, OFFICER2_ID, OFFICER_ID
from tracking.sheets import import_sheet

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
APOLOGY = "Xin lỗi, tôi gặp lỗi"


def _invite_code(message) -> str:
    return re.search(r"start=([\w-]+)", message.plain_text).group(1)


def _count(engine, model, *where) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _telegram_of(engine, code: str) -> int | None:
    with session_scope(engine) as session:
        return staff_by_code(session=session, code=code).telegram_id


# --------------------------------------------------------------------------
# Invites
# --------------------------------------------------------------------------


async def test_an_invite_for_a_linked_person_needs_an_explicit_relink_and_the_old_account_is_told(tracked):
    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    old = emu.chat(emu.user(OFFICER2_ID, "Nam"))  # CB02, linked
    assert "Lê Văn Nam" in (await old.say("/start")).plain_text

    refused = await admin.say("/moi CB02")
    assert "đã gắn với một tài khoản Telegram" in refused.plain_text
    assert "/moi CB02 lienketlai" in refused.plain_text
    assert _count(engine, Invite) == 0

    made = await admin.say("/moi CB02 liên kết lại")
    assert "Lê Văn Nam" in made.plain_text and "liên kết lại" in made.plain_text
    code = _invite_code(made)

    mark = emu.mark()
    new = emu.chat(emu.user(7777, "Nam (máy mới)"))
    linked = await new.say(f"/start {code}")
    assert "Đã gắn" in linked.plain_text and "Lê Văn Nam" in linked.plain_text
    assert _telegram_of(engine, "CB02") == 7777
    told = await emu.wait_for(lambda m: m.chat_id == OFFICER2_ID, after=mark)
    assert "không còn gắn với cán bộ" in told.plain_text and "CB02" in told.plain_text
    assert len([m for m in emu.sent[mark:] if m.chat_id == OFFICER2_ID]) == 1
    # The old account has no access any more; the new one has.
    assert "chưa được gắn" in (await old.say("/nhiemvu")).plain_text
    assert "NV003" in (await new.say("/nhiemvu")).plain_text
    with session_scope(engine) as session:
        line = session.exec(select(AuditEntry).where(AuditEntry.action == "link")).one()
        assert (line.old_value, line.new_value) == (str(OFFICER2_ID), "7777") and "liên kết lại" in line.note


async def test_an_invite_does_not_take_a_link_made_meanwhile(tracked):
    """A plain invite, made while the person was not linked, does not move a link made since."""
    _, emu, engine = tracked
    with session_scope(engine) as session:
        staff_by_code(session=session, code="CB02").telegram_id = None
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    code = _invite_code(await admin.say("/moi CB02"))
    with session_scope(engine) as session:  # e.g. a staff sheet with a Telegram ID
        staff_by_code(session=session, code="CB02").telegram_id = OFFICER2_ID
    mark = emu.mark()
    refused = await emu.chat(emu.user(7777, "Ai đó")).say(f"/start {code}")
    assert "đã gắn với một tài khoản Telegram khác" in refused.plain_text
    assert _telegram_of(engine, "CB02") == OFFICER2_ID
    assert not [m for m in emu.sent[mark:] if m.chat_id == OFFICER2_ID]


async def test_using_an_invite_revokes_the_other_invites_of_that_person(tracked):
    _, emu, engine = tracked
    with session_scope(engine) as session:
        for code in ("CB02", "LD02"):
            staff_by_code(session=session, code=code).telegram_id = None
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    first = _invite_code(await admin.say("/moi CB02"))
    second = _invite_code(await admin.say("/moi CB02"))
    other = _invite_code(await admin.say("/moi LD02"))
    listing = await admin.say("/moi")
    assert all(code in listing.plain_text for code in (first, second, other)), listing.plain_text

    assert "Đã gắn" in (await emu.chat(emu.user(7777, "Nam")).say(f"/start {second}")).plain_text
    late = await emu.chat(emu.user(7778, "Ai đó")).say(f"/start {first}")
    assert "thu hồi" in late.plain_text
    assert _telegram_of(engine, "CB02") == 7777
    with session_scope(engine) as session:
        assert session.get(Invite, first).revoked_at is not None
        assert session.get(Invite, other).revoked_at is None  # another person's invite stays
    listing = await admin.say("/moi")
    assert other in listing.plain_text and first not in listing.plain_text and second not in listing.plain_text
    assert "Đã gắn" in (await emu.chat(emu.user(7779, "Mai")).say(f"/start {other}")).plain_text


async def test_an_admin_revokes_an_invite_and_it_links_nobody(tracked):
    _, emu, engine = tracked
    with session_scope(engine) as session:
        staff_by_code(session=session, code="CB02").telegram_id = None
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    code = _invite_code(await admin.say("/moi CB02"))
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    assert "Chỉ quản trị viên" in (await officer.say(f"/moi huy {code}")).plain_text
    with session_scope(engine) as session:
        assert session.get(Invite, code).revoked_at is None

    done = await admin.say(f"/moi huy {code}")
    assert "Đã thu hồi 1 mã mời" in done.plain_text and "Lê Văn Nam" in done.plain_text
    refused = await emu.chat(emu.user(7777, "Nam")).say(f"/start {code}")
    assert "thu hồi" in refused.plain_text
    assert _telegram_of(engine, "CB02") is None
    assert "đã bị thu hồi" in (await admin.say(f"/moi huy {code}")).plain_text
    assert "Không có mã mời" in (await admin.say("/moi huy khong-co-ma-nay")).plain_text
    # By the person's code: all their open invites.
    for _ in range(2):
        await admin.say("/moi CB02")
    assert "Đã thu hồi 2 mã mời" in (await admin.say("/moi huy CB02")).plain_text
    assert "không có mã mời nào còn hiệu lực" in (await admin.say("/moi huy CB02")).plain_text
    assert "Không có mã mời nào còn hiệu lực" in (await admin.say("/moi")).plain_text
    assert "thu hồi mã mời" in (await admin.say("/nhatky CB02")).plain_text


# --------------------------------------------------------------------------
# /themnhiemvu after its last step
# --------------------------------------------------------------------------


async def test_text_after_the_last_add_task_step_asks_for_the_buttons(tracked):
    _, emu, engine = tracked
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    await admin.say("/themnhiemvu")
    for answer in ("Tập huấn một cửa", "CB02", "LD01", "không", "15/12/2030", "100% cán bộ được tập huấn"):
        await admin.say(answer)
    summary = await admin.say("không")
    assert "Kiểm tra lại" in summary.plain_text
    mark = emu.mark()
    again = await admin.say("còn gì nữa không?")
    assert APOLOGY not in again.plain_text
    assert "«Lưu»" in again.plain_text and "Kiểm tra lại" in again.plain_text
    assert not [m for m in emu.sent[mark:] if APOLOGY in (m.plain_text or "")]
    saved = await admin.click(again, "Lưu")
    assert "Đã giao nhiệm vụ" in saved.plain_text


# --------------------------------------------------------------------------
# Digest subscriptions and their owners
# --------------------------------------------------------------------------


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


QT02 = 9100  # an admin by role, not in ADMIN_IDS
LD02 = 5002
GROUP = -100777
STAFF = (
    "Mã cán bộ,Họ và tên,Đơn vị,Vai trò,Telegram ID,Cấp trên\n"
    f"QT02,Trần Thị Quản,Sở Nội vụ > Phòng Tổ chức,quản trị,{QT02},\n"
    f"LD01,Phạm Quốc Hùng,Sở Nội vụ > Phòng CCHC,lãnh đạo,{MANAGER_ID},\n"
    f"CB01,Nguyễn Thị Lan,Sở Nội vụ > Phòng CCHC,cán bộ,{OFFICER_ID},LD01\n"
    f"LD02,Hoàng Thị Mai,Sở Nội vụ > Phòng Tổ chức,lãnh đạo,{LD02},\n"
    f"CB02,Lê Văn Nam,Sở Nội vụ > Phòng Tổ chức,cán bộ,{OFFICER2_ID},LD02\n"
)
TASKS = (
    "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt\n"
    "NV1,Khảo sát SIPAS,CB01,LD01,20/11/2026,Báo cáo khảo sát\n"
    "NV2,Rà soát vị trí việc làm,CB02,LD02,20/11/2026,Đề án\n"
)


@pytest.fixture
async def province(settings, engine, emulator):
    """Two divisions, their managers, an admin by role; the real app and reminder cycle on a fake clock
    (a Friday, 10:00)."""
    from bot.app import build_application, polling

    clock = Clock(datetime(2026, 11, 27, 10, tzinfo=TZ))
    with session_scope(engine) as session:
        for name, text in (("cb.csv", STAFF), ("nv.csv", TASKS)):
            import_sheet(session=session, file_name=name, data=text.encode(), actor=None, actor_name="test")
        session.merge(AppState(key=SCANNED_THROUGH, value="2026-11-27"))  # no reminders: digests only
    emulator.group(GROUP, "Tổ công tác CCHC", admins=[MANAGER_ID, ADMIN_ID])
    test_settings = settings.model_copy(
        update={"telegram_api_base_url": emulator.base_url, "telegram_api_file_url": emulator.base_file_url}
    )
    application = build_application(
        test_settings, engine=engine, token=emulator.token, rate_limiter=False, clock=clock, schedule_reminders=False
    )

    def cycle(settings_now=test_settings) -> ReminderCycle:
        """The reminder cycle of a process started with ``settings_now``."""
        fast = Pacer(per_second=10_000, per_chat_interval=0)
        return ReminderCycle(
            engine,
            application.bot,
            ScanConfig.from_settings(settings_now),
            clock=clock,
            dispatcher=Dispatcher(engine, application.bot, clock=clock, pacer=fast),
        )

    async with polling(application, timeout=1):
        yield cycle, test_settings, clock, emulator, engine


def _texts(emu, chat_id: int, after: int) -> list[str]:
    return [
        m.plain_text or m.caption or ""
        for m in emu.sent[after:]
        if m.chat_id == chat_id and m.method.startswith("send")
    ]


def _digests(texts: list[str]) -> list[str]:
    return [t for t in texts if "Tổng hợp:" in t]


def _stops(texts: list[str]) -> list[str]:
    return [t for t in texts if "dừng gửi bản tổng hợp" in t]


async def _day(cycle, clock, day: date):
    clock.moment = datetime(day.year, day.month, day.day, 16, 31, tzinfo=TZ)
    return (await cycle.run()).scan


async def test_a_group_subscribed_by_an_admin_id_stops_once_the_id_leaves_admin_ids(province):
    cycle_of, settings, clock, emu, engine = province
    admin_in_group = emu.chat(emu.user(ADMIN_ID, "Minh"), GROUP)
    answer = await admin_in_group.say("/dangkytonghop hằng ngày 16:30")
    assert "Đã đăng ký" in answer.plain_text
    with session_scope(engine) as session:
        sub = session.exec(select(Subscription)).one()
        assert (sub.chat_id, sub.staff_id, sub.owner_telegram_id) == (GROUP, None, ADMIN_ID)

    mark = emu.mark()
    assert (await _day(cycle_of(), clock, date(2026, 11, 27))).digests == 1
    (digest,) = _digests(_texts(emu, GROUP, mark))
    assert "toàn bộ nhiệm vụ" in digest and "NV1" in digest and "NV2" in digest

    # The id is removed from ADMIN_IDS: the processes start again with the new settings.
    cycle = cycle_of(settings.model_copy(update={"admin_ids": []}))
    mark = emu.mark()
    result = await _day(cycle, clock, date(2026, 11, 28))
    assert (result.digests, result.stopped) == (0, 1)
    texts = _texts(emu, GROUP, mark)
    assert not _digests(texts) and not [t for t in texts if "NV1" in t or "NV2" in t], texts
    (stop,) = _stops(texts)
    assert (
        f"tài khoản Telegram {ADMIN_ID}" in stop and "không còn là quản trị viên" in stop and "/dangkytonghop" in stop
    )
    with session_scope(engine) as session:
        sub = session.exec(select(Subscription)).one()
        assert sub.disabled_at is not None and "quản trị viên" in sub.disabled_reason
    # Told once: nothing more on the following days.
    mark = emu.mark()
    for day in (date(2026, 11, 29), date(2026, 11, 30)):
        assert (await _day(cycle, clock, day)).digests == 0
    assert _texts(emu, GROUP, mark) == []
    assert _count(engine, Outbox, Outbox.chat_id == GROUP, Outbox.kind == "notice") == 1


async def test_a_managers_subscription_follows_their_current_role(province):
    cycle_of, settings, clock, emu, engine = province
    cycle = cycle_of()
    manager_in_group = emu.chat(emu.user(MANAGER_ID, "Hùng"), GROUP)
    assert "Đã đăng ký" in (await manager_in_group.say("/dangkytonghop hằng ngày 16:30")).plain_text
    role_admin = emu.chat(emu.user(QT02, "Quản"))
    assert "Đã đăng ký" in (await role_admin.say("/dangkytonghop hằng ngày 16:30")).plain_text

    mark = emu.mark()
    assert (await _day(cycle, clock, date(2026, 11, 27))).digests == 2
    (group,) = _digests(_texts(emu, GROUP, mark))
    assert "Phòng CCHC" in group and "NV1" in group and "NV2" not in group
    (mine,) = _digests(_texts(emu, QT02, mark))
    assert "toàn bộ nhiệm vụ" in mine and "NV1" in mine and "NV2" in mine

    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    assert "lãnh đạo" in (await admin.say("/vaitro QT02 lãnh đạo")).plain_text  # admin → manager: narrows
    assert "cán bộ" in (await admin.say("/vaitro LD01 cán bộ")).plain_text  # manager → officer: stops

    mark = emu.mark()
    result = await _day(cycle, clock, date(2026, 11, 28))
    assert (result.digests, result.stopped) == (1, 1)
    (mine,) = _digests(_texts(emu, QT02, mark))
    assert "Phòng Tổ chức" in mine and "NV2" in mine and "NV1" not in mine and "toàn bộ" not in mine
    texts = _texts(emu, GROUP, mark)
    assert not _digests(texts), texts
    (stop,) = _stops(texts)
    assert "Phạm Quốc Hùng (LD01)" in stop and "không còn là lãnh đạo hay quản trị viên" in stop

    mark = emu.mark()
    await _day(cycle, clock, date(2026, 11, 29))
    assert _texts(emu, GROUP, mark) == []  # told once

    # Made a manager again, he subscribes again: the digests start again.
    assert "lãnh đạo" in (await admin.say("/vaitro LD01 lãnh đạo")).plain_text
    assert "Đã đăng ký" in (await manager_in_group.say("/dangkytonghop hằng ngày 16:30")).plain_text
    assert _count(engine, Subscription) == 2
    mark = emu.mark()
    await _day(cycle, clock, date(2026, 11, 30))
    (group,) = _digests(_texts(emu, GROUP, mark))
    assert "NV1" in group


async def test_a_subscription_without_a_known_or_linked_owner_stops_and_says_why(province):
    """An owner no longer linked to Telegram, and an owner unknown (a subscription made before owners
    were recorded), stop their subscriptions; the others go out."""
    cycle_of, settings, clock, emu, engine = province
    for chat_id in (-100801, -100802, -100803):
        emu.group(chat_id, f"Nhóm {chat_id}")
    with session_scope(engine) as session:
        ld02 = staff_by_code(session=session, code="LD02")
        long_ago = datetime(2026, 11, 1, tzinfo=UTC)
        session.add(Subscription(chat_id=-100801, staff_id=ld02.id, at_time="16:30", created_at=long_ago))
        session.add(Subscription(chat_id=-100802, at_time="16:30", created_at=long_ago))
        session.add(Subscription(chat_id=-100803, owner_telegram_id=ADMIN_ID, at_time="16:30", created_at=long_ago))
        ld02.telegram_id = None
    mark = emu.mark()
    result = await _day(cycle_of(), clock, date(2026, 11, 27))
    assert (result.digests, result.stopped) == (1, 2)
    (unlinked,) = _stops(_texts(emu, -100801, mark))
    assert "Hoàng Thị Mai (LD02)" in unlinked and "không còn gắn với bot" in unlinked
    (unknown,) = _stops(_texts(emu, -100802, mark))
    assert "không biết ai đã đăng ký" in unknown
    assert len(_digests(_texts(emu, -100803, mark))) == 1


# --------------------------------------------------------------------------
# The migration: owners of the subscriptions made before it
# --------------------------------------------------------------------------


def test_the_migration_finds_the_owners_of_existing_subscriptions(empty_db_url):
    from sqlalchemy import text

    from storage.db import make_engine, upgrade

    upgrade(empty_db_url, "0008")
    engine = make_engine(empty_db_url)
    try:
        now = datetime(2026, 11, 1, tzinfo=UTC)
        with engine.begin() as conn:

            def subscribe(chat_id: int) -> None:
                conn.execute(
                    text(
                        "INSERT INTO subscription (chat_id, frequency, weekday, at_time, last_period, "
                        "last_counts, created_at) VALUES (:chat, 'daily', 0, '08:00', '', '', :at)"
                    ),
                    {"chat": chat_id, "at": now},
                )

            def audit(actor: str, chat_id: int, new: str) -> None:
                conn.execute(
                    text(
                        "INSERT INTO audit_entry (at, actor, action, entity, entity_code, field, "
                        "old_value, new_value, note) VALUES (:at, :actor, 'subscribe', 'chat', :chat, '', "
                        "'', :new, '')"
                    ),
                    {"at": now, "actor": actor, "chat": str(chat_id), "new": new},
                )

            subscribe(9001)  # a private chat: its person
            subscribe(-1001)  # a group: the admin who last subscribed it, from the audit log
            audit("Telegram 9002", -1001, "daily 08:00")
            audit("Telegram 9003", -1001, "daily 17:00")
            audit("Telegram 9004", -1001, "hủy")
            subscribe(-1002)  # nobody known: stopped at its next sending
        upgrade(empty_db_url)
        with engine.connect() as conn:
            owners = dict(conn.execute(text("SELECT chat_id, owner_telegram_id FROM subscription")).all())
            disabled = conn.execute(text("SELECT count(*) FROM subscription WHERE disabled_at IS NOT NULL")).scalar()
        assert owners == {9001: 9001, -1001: 9003, -1002: None}
        assert disabled == 0
    finally:
        engine.dispose()
