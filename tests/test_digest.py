"""The manager's digest: counts, overdue and silent tasks, targets behind plan,
scopes, and how it reads in chat."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert
from sqlmodel import Session

from reminders.digest import Digest, build_digest, digest_blocks, expected_value
from storage.models import (
    ROLE_MANAGER,
    STATUS_BLOCKED,
    STATUS_DONE,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    STATUS_REVIEW,
    Staff,
    Target,
    TargetValue,
    Task,
    Unit,
)
from storage.tracking import Scope, add_report, ensure_unit_path, scope_of

TODAY = date(2025, 6, 15)
NOW = datetime(2025, 6, 15, 3, 0, tzinfo=UTC)  # 10:00 in Huế


def ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def unit(session: Session, *names: str) -> Unit:
    return ensure_unit_path(session=session, names=names, keys=[n.lower() for n in names])


def person(
    session: Session, code: str, name: str, where: Unit, role: str = "officer", unreachable: bool = False
) -> Staff:
    staff = Staff(
        code=code, full_name=name, unit_id=where.id, role=role, unreachable_since=ago(3) if unreachable else None
    )
    session.add(staff)
    session.flush()
    return staff


def target(
    session: Session,
    code: str,
    name: str,
    goal: float | None,
    *,
    unit_text: str = "%",
    higher: bool = True,
    baseline: float | None = None,
    days: tuple[int, int] | None = None,
    values: tuple[float, ...] = (),
) -> Target:
    start, due = (TODAY - timedelta(days=days[0]), TODAY + timedelta(days=days[1])) if days else (None, None)
    item = Target(
        code=code,
        name=name,
        key=name.lower(),
        target_value=goal,
        measure_unit=unit_text,
        higher_is_better=higher,
        baseline=baseline,
        start_date=start,
        due_date=due,
    )
    session.add(item)
    session.flush()
    for n, value in enumerate(values):
        session.add(TargetValue(target_id=item.id, value=value, recorded_at=ago(len(values) - n)))
    session.flush()
    return item


def task(
    session: Session,
    code: str,
    title: str,
    owner: Staff,
    accountable: Staff,
    host: Unit,
    *,
    due_in: int,
    created_days_ago: int = 60,
    report: tuple[int, str, int] | None = None,
    goal: Target | None = None,
) -> Task:
    """A task; ``report`` is (percent, status, days ago) of its one progress report."""
    item = Task(
        code=code,
        title=title,
        owner_id=owner.id,
        accountable_id=accountable.id,
        host_unit_id=host.id,
        deadline=TODAY + timedelta(days=due_in),
        expected_result="Kết quả",
        created_at=ago(created_days_ago),
        target_id=goal.id if goal else None,
    )
    session.add(item)
    session.flush()
    if report is not None:
        percent, status, days = report
        add_report(session=session, task=item, staff=owner, percent=percent, status=status, at=ago(days))
    return item


@dataclass(frozen=True)
class World:
    ward_path: str  # UBND phường Phú Hội
    quiet_path: str  # Phòng Tổ chức: one task, all well
    manager_id: int  # LD01, manager of the Sở Nội vụ subtree


@pytest.fixture
def world(engine) -> World:
    with Session(engine) as session:
        department = unit(session, "UBND tỉnh", "Sở Nội vụ")
        division = unit(session, "UBND tỉnh", "Sở Nội vụ", "Phòng Cải cách hành chính")
        ward = unit(session, "UBND tỉnh", "UBND phường Phú Hội")
        quiet = unit(session, "UBND tỉnh", "Phòng Tổ chức")
        ld01 = person(session, "LD01", "Lê Văn Hùng", department, ROLE_MANAGER)
        cb01 = person(session, "CB01", "Nguyễn Văn A", division)
        cb02 = person(session, "CB02", "Trần Thị B", division, unreachable=True)
        ld02 = person(session, "LD02", "Phạm Thị Mai", ward, ROLE_MANAGER)
        cb03 = person(session, "CB03", "Hoàng Văn C", ward)
        cb04 = person(session, "CB04", "Đỗ Thị D", quiet)

        sipas = target(session, "CT01", "SIPAS", 85, values=(90, 80))  # latest 80 < 85
        files = target(
            session, "CT02", "Hồ sơ số hóa", 100, unit_text="hồ sơ", baseline=20, days=(50, 50), values=(70,)
        )  # plan today: 60
        late_files = target(
            session, "CT03", "Tỷ lệ hồ sơ trễ hạn", 2, higher=False, baseline=10, days=(10, 10), values=(7,)
        )  # plan today: 6, lower is better
        no_value = target(session, "CT04", "Dịch vụ công trực tuyến", 50)
        no_goal = target(session, "CT05", "Chưa có mục tiêu", None, values=(1,))
        ward_only = target(session, "CT06", "Chỉ tiêu của phường", 90, values=(10,))

        task(
            session,
            "NV01",
            "Khảo sát SIPAS",
            cb01,
            ld01,
            division,
            due_in=-5,
            report=(40, STATUS_IN_PROGRESS, 3),
            goal=sipas,
        )
        task(session, "NV02", "Số hóa hồ sơ", cb02, ld01, division, due_in=10, created_days_ago=30, goal=files)
        task(
            session,
            "NV03",
            "Sửa quy chế <một cửa> & liên thông",
            cb01,
            ld01,
            division,
            due_in=-2,
            report=(30, STATUS_BLOCKED, 20),
            goal=late_files,
        )
        task(
            session,
            "NV04",
            "Rà soát TTHC",
            cb01,
            ld01,
            division,
            due_in=-10,
            report=(100, STATUS_DONE, 40),
            goal=no_value,
        )
        task(
            session, "NV05", "Niêm yết TTHC tại phường", cb03, ld02, ward, due_in=-1, created_days_ago=1, goal=ward_only
        )
        # Hosted by the ward, but LD01 answers for it.
        task(
            session,
            "NV06",
            "Phối hợp liên thông",
            cb03,
            ld01,
            ward,
            due_in=5,
            report=(60, STATUS_IN_PROGRESS, 1),
            goal=no_goal,
        )
        task(session, "NV07", "Tập huấn một cửa", cb03, ld02, ward, due_in=20, report=(25, STATUS_IN_PROGRESS, 8))
        task(session, "NV08", "Kiện toàn tổ chức", cb04, cb04, quiet, due_in=30, report=(50, STATUS_IN_PROGRESS, 6))
        world = World(ward_path=ward.path, quiet_path=quiet.path, manager_id=ld01.id)
        session.commit()
        return world


def digest_of(engine, scope: Scope, *, now: datetime = NOW, **options) -> Digest:
    with Session(engine) as session:
        return build_digest(session=session, scope=scope, today=TODAY, now=now, title="Phạm vi", **options)


def manager_scope(engine, world: World) -> Scope:
    with Session(engine) as session:
        return scope_of(session=session, staff=session.get(Staff, world.manager_id))


def test_counts_by_status_and_overdue(engine, world):
    digest = digest_of(engine, Scope(everything=True))
    assert digest.total == 8
    assert digest.by_status == {
        STATUS_NOT_STARTED: 2,
        STATUS_IN_PROGRESS: 4,
        STATUS_BLOCKED: 1,
        STATUS_REVIEW: 0,
        STATUS_DONE: 1,
        "overdue": 3,
    }
    assert digest.overdue_count == 3  # NV04 is past its deadline but done


def test_overdue_list_is_most_late_first_with_days_late(engine, world):
    digest = digest_of(engine, Scope(everything=True))
    # Working days of the national calendar (the one rule of lateness), today a Sunday: NV01 due on
    # Tuesday 10/06 is 3 working days late; NV03 (Friday) and NV05 (Saturday) no working day yet.
    assert [(i.code, i.days_late) for i in digest.overdue] == [("NV01", 3), ("NV03", 0), ("NV05", 0)]
    first = digest.overdue[0]
    assert (first.owner_name, first.owner_code, first.progress, first.deadline) == (
        "Nguyễn Văn A",
        "CB01",
        40,
        TODAY - timedelta(days=5),
    )


def test_stale_tasks_never_reported_and_reported_long_ago(engine, world):
    digest = digest_of(engine, Scope(everything=True))
    # NV02 never reported (created 30 days ago), NV03 silent 20 days, NV07 8 days;
    # not NV05 (created yesterday), NV08 (6 days), NV04 (done).
    assert [(i.code, i.days_silent) for i in digest.stale] == [("NV02", None), ("NV03", 20), ("NV07", 8)]
    assert digest.stale_count == 3
    assert digest.stale[0].owner_name == "Trần Thị B"
    assert [i.code for i in digest_of(engine, Scope(everything=True), stale_days=5).stale] == [
        "NV02",
        "NV03",
        "NV07",
        "NV08",
    ]


def test_now_in_local_time_means_the_same_moment(engine, world):
    local_now = NOW.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert digest_of(engine, Scope(everything=True), now=local_now) == digest_of(engine, Scope(everything=True))


def test_manager_scope_is_subtree_plus_tasks_answered_for(engine, world):
    digest = digest_of(engine, manager_scope(engine, world))
    # NV01-NV04 in his subtree, NV06 in the ward but he answers for it; not NV05, NV07, NV08.
    assert digest.total == 5
    assert [i.code for i in digest.overdue] == ["NV01", "NV03"]
    assert [i.code for i in digest.stale] == ["NV02", "NV03"]
    assert digest.unreachable == ["Trần Thị B (CB02)"] and digest.unreachable_count == 1


def test_unit_only_scope(engine, world):
    digest = digest_of(engine, Scope(unit_path=world.ward_path))
    assert digest.total == 3
    assert [i.code for i in digest.overdue] == ["NV05"]
    assert [i.code for i in digest.stale] == ["NV07"]
    assert digest.unreachable == []
    assert [t.code for t in digest.targets_behind] == ["CT06"]


def test_targets_behind_plan(engine, world):
    digest = digest_of(engine, manager_scope(engine, world))
    behind = {t.code: t for t in digest.targets_behind}
    # CT02 is ahead of its linear plan; CT05 has no goal; CT06 belongs to the ward.
    assert list(behind) == ["CT01", "CT03", "CT04"]
    assert digest.targets_checked == 4
    assert (behind["CT01"].actual, behind["CT01"].expected) == (80, 85)  # the latest value counts
    assert behind["CT03"].actual == 7 and behind["CT03"].expected == pytest.approx(6)
    assert behind["CT04"].actual is None and behind["CT04"].expected == 50


def test_expected_value_is_linear_inside_the_period_only():
    goal = Target(
        code="X",
        name="X",
        key="x",
        target_value=100,
        baseline=20,
        start_date=TODAY - timedelta(days=10),
        due_date=TODAY + timedelta(days=30),
    )
    assert expected_value(goal, TODAY) == pytest.approx(40)
    assert expected_value(goal, TODAY + timedelta(days=30)) == 100
    assert expected_value(goal, TODAY + timedelta(days=31)) == 100
    goal.baseline = None
    assert expected_value(goal, TODAY) == pytest.approx(25)
    goal.start_date = None
    assert expected_value(goal, TODAY) == 100


def test_blocks_read_well_and_escape_user_text(engine, world):
    text = "\n\n".join(digest_blocks(digest_of(engine, manager_scope(engine, world))))
    assert "<b>📊 Tổng hợp: Phạm vi</b> — ngày 15/06/2025" in text
    assert "Tổng số nhiệm vụ: <b>5</b>" in text
    assert "🔵 Đang thực hiện: 2" in text and "🔴 Quá hạn: 2" in text
    assert "<b>🔴 Quá hạn (2)</b>" in text
    assert "• <code>NV01</code> Khảo sát SIPAS — Nguyễn Văn A, quá hạn 3 ngày làm việc (40%)" in text
    assert "Sửa quy chế &lt;một cửa&gt; &amp; liên thông — Nguyễn Văn A, quá hạn (30%)" in text
    assert "Sửa quy chế &lt;một cửa&gt; &amp; liên thông" in text and "<một cửa>" not in text
    assert "<b>⏳ Chưa báo cáo 7 ngày (2)</b>" in text
    assert "• <code>NV02</code> Số hóa hồ sơ — Trần Thị B, chưa báo cáo lần nào" in text
    assert "Nguyễn Văn A, 20 ngày chưa báo cáo" in text
    assert "<b>🎯 Chỉ tiêu chậm so với kế hoạch</b>" in text
    assert "• <code>CT01</code> SIPAS: đạt 80% / kế hoạch 85%" in text
    assert "CT03</code> Tỷ lệ hồ sơ trễ hạn: đạt 7% / kế hoạch 6%" in text
    assert "CT04</code> Dịch vụ công trực tuyến: chưa có số liệu / kế hoạch 50%" in text
    assert "📵 Chưa liên lạc được (1)" in text and "• Trần Thị B (CB02)" in text
    assert "… và" not in text


def test_blocks_escape_the_title(engine, world):
    with Session(engine) as session:
        digest = build_digest(
            session=session, scope=Scope(everything=True), today=TODAY, now=NOW, title="Phòng <CCHC> & Tổ chức"
        )
    assert digest_blocks(digest)[0].startswith("<b>📊 Tổng hợp: Phòng &lt;CCHC&gt; &amp; Tổ chức</b>")


def test_lists_are_truncated_with_the_full_count(engine, world):
    digest = digest_of(engine, Scope(everything=True), limit=1)
    assert [i.code for i in digest.overdue] == ["NV01"] and digest.overdue_count == 3
    assert [i.code for i in digest.stale] == ["NV02"] and digest.stale_count == 3
    text = "\n\n".join(digest_blocks(digest))
    assert "<b>🔴 Quá hạn (3)</b>" in text and "… và 2 nhiệm vụ khác" in text
    assert "NV03" not in text.split("<b>🟠 Vướng mắc")[0]  # listed only among the blocked tasks, with its reason


def test_a_calm_scope_says_so(engine, world):
    blocks = digest_blocks(digest_of(engine, Scope(unit_path=world.quiet_path)))
    text = "\n\n".join(blocks)
    assert "Không có nhiệm vụ quá hạn." in text
    assert "đều có báo cáo trong 7 ngày qua" in text
    assert "🎯" not in text and "📵" not in text  # no targets linked, everyone reachable


def test_an_empty_scope_is_one_friendly_block(engine, world):
    digest = digest_of(engine, Scope())
    assert digest.total == 0 and digest.overdue == [] and digest.targets_behind == []
    blocks = digest_blocks(digest)
    assert len(blocks) == 1 and "Chưa có nhiệm vụ nào trong phạm vi này" in blocks[0]


def test_thousands_of_tasks(engine):
    units, staff_count, task_count = 100, 300, 3000
    with Session(engine) as session:
        leaves = [unit(session, "UBND tỉnh", f"Sở {n // 10}", f"Phòng {n}") for n in range(units)]
        session.execute(
            insert(Staff),
            [
                dict(
                    code=f"CB{n:04d}",
                    full_name=f"Cán bộ {n}",
                    unit_id=leaves[n % units].id,
                    role="officer",
                    unreachable_since=ago(1) if n % 50 == 0 else None,
                    created_at=NOW,
                    updated_at=NOW,
                )
                for n in range(staff_count)
            ],
        )
        session.execute(
            insert(Task),
            [
                dict(
                    code=f"NV{n:05d}",
                    title=f"Nhiệm vụ {n}",
                    description="",
                    owner_id=1 + n % staff_count,
                    accountable_id=1 + n % staff_count,
                    host_unit_id=leaves[n % staff_count % units].id,
                    deadline=TODAY + timedelta(days=n % 40 - 20),
                    progress=n % 100,
                    status=(STATUS_NOT_STARTED, STATUS_IN_PROGRESS, STATUS_BLOCKED, STATUS_DONE)[n % 4],
                    expected_result="Kết quả",
                    coordinating_units="",
                    blocked_reason="",
                    measure="",
                    created_at=ago(n % 15),
                    updated_at=NOW,
                )
                for n in range(task_count)
            ],
        )
        session.commit()
        everything = build_digest(
            session=session, scope=Scope(everything=True), today=TODAY, now=NOW, title="Toàn tỉnh"
        )
        first_department = leaves[0].path.rsplit("/", 2)[0] + "/"
        department = build_digest(
            session=session, scope=Scope(unit_path=first_department), today=TODAY, now=NOW, title="Sở 0"
        )
    assert everything.total == task_count
    assert (
        sum(everything.by_status[s] for s in (STATUS_NOT_STARTED, STATUS_IN_PROGRESS, STATUS_BLOCKED, STATUS_DONE))
        == task_count
    )
    assert len(everything.overdue) == 15 < everything.overdue_count
    assert everything.unreachable_count == staff_count // 50
    assert department.total == task_count * 10 // units
    assert len(digest_blocks(everything)) == 6  # its 300 staff never linked Telegram: a block lists them


@pytest.mark.parametrize("which", ["everything", "manager", "ward", "quiet", "empty"])
def test_the_workbooks_scan_gathers_the_same_digest(engine, world, which):
    """A weekly digest takes its figures from the scan that writes its workbook: the same
    digest as build_digest's own query, for every kind of scope."""
    from reminders.digest import DigestTally, with_unlinked
    from tracking.export import export_tasks

    scope = {
        "everything": Scope(everything=True),
        "manager": manager_scope(engine, world),
        "ward": Scope(unit_path=world.ward_path),
        "quiet": Scope(unit_path=world.quiet_path),
        "empty": Scope(),
    }[which]
    for limit in (15, 1):
        expected = digest_of(engine, scope, limit=limit)
        tally = DigestTally(today=TODAY, now=NOW)
        with Session(engine) as session:
            workbook = export_tasks(
                session=session, scope=scope, today=TODAY, tz=ZoneInfo("Asia/Ho_Chi_Minh"), tally=tally
            )
            gathered = with_unlinked(
                session=session,
                digest=tally.digest(session=session, title="Phạm vi", limit=limit),
                scope=scope,
                limit=limit,
            )  # as the scan does
        assert workbook.startswith(b"PK")
        assert gathered == expected
        assert digest_blocks(gathered) == digest_blocks(expected)


def test_units_ranked_by_on_time_completion_from_the_digests_scan(engine, world):
    from reminders.digest import DigestTally, scan_digest
    from reminders.ranking import ScoreTally

    ranking = ScoreTally(today=TODAY, tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    with Session(engine) as session:
        digest = scan_digest(
            session=session,
            scope=Scope(everything=True),
            tally=DigestTally(today=TODAY, now=NOW, scores=ranking),
            title="Phạm vi",
        )
        scores = ranking.scores(session=session)
    assert digest == digest_of(engine, Scope(everything=True))
    assert [(s.unit, s.total, s.done, s.done_on_time, s.overdue) for s in scores] == [
        ("Phòng Cải cách hành chính", 4, 1, 1, 2),  # NV04 done on time; NV01, NV03 late
        ("UBND phường Phú Hội", 3, 0, 0, 1),  # NV05 late
        ("Phòng Tổ chức", 1, 0, 0, 0),  # nothing due, nothing done: after the units with results
    ]
    assert scores[0].on_time_rate == pytest.approx(1 / 3) and scores[0].avg_progress == pytest.approx(42.5)
    assert scores[1].avg_progress == pytest.approx(85 / 3)


def test_on_time_is_judged_by_the_local_date_of_the_last_report():
    from reminders.ranking import ScoreTally

    ranking = ScoreTally(today=TODAY, tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    deadline = date(2025, 6, 14)
    # 16:59 UTC is 23:59 in Huế on the deadline: on time. 17:00 UTC is already the next day there.
    ranking.add(1, STATUS_DONE, deadline, 100, datetime(2025, 6, 14, 16, 59, tzinfo=UTC))
    ranking.add(1, STATUS_DONE, deadline, 100, datetime(2025, 6, 14, 17, 0, tzinfo=UTC))
    ranking.add(1, STATUS_DONE, deadline, 100, datetime(2025, 6, 14, 17, 0))  # SQLite: UTC without a zone
    ranking.add(1, STATUS_DONE, deadline, 100, None)  # done without a report: not on time
    ranking.add(1, STATUS_IN_PROGRESS, deadline, 40, None)  # open and past its deadline
    ranking.add(1, STATUS_IN_PROGRESS, TODAY, 20, None)  # due today: not late yet
    assert ranking.units[1] == [6, 4, 1, 1, 460]


def test_units_of_one_name_are_told_apart_on_the_scoreboard_and_the_chart(engine):
    """Every department has its «Văn phòng»: the scoreboard names the unit above each, and the
    chart draws a bar for each rather than one bar for the name."""
    from io import BytesIO

    from PIL import Image

    from reminders.ranking import ScoreTally, progress_chart

    with Session(engine) as session:
        home = unit(session, "Sở Nội vụ", "Văn phòng")
        other = unit(session, "Sở Tư pháp", "Văn phòng")
        alone = unit(session, "Sở Tư pháp", "Phòng Hành chính tư pháp")
        ranking = ScoreTally(today=TODAY, tz=ZoneInfo("Asia/Ho_Chi_Minh"))
        ranking.add(home.id, STATUS_IN_PROGRESS, TODAY, 80, None)
        ranking.add(other.id, STATUS_IN_PROGRESS, TODAY, 60, None)
        ranking.add(alone.id, STATUS_IN_PROGRESS, TODAY, 40, None)
        scores = ranking.scores(session=session)
    assert [s.unit for s in scores] == ["Văn phòng (Sở Nội vụ)", "Văn phòng (Sở Tư pháp)", "Phòng Hành chính tư pháp"]

    def bars(scores) -> int:
        """Bands of rows holding the bars' green, top to bottom."""
        image = Image.open(BytesIO(progress_chart(scores, title="Toàn tỉnh"))).convert("RGB")
        width, height = image.size
        pixels = image.load()
        rows = [any(pixels[x, y] == (0x2E, 0x7D, 0x32) for x in range(0, width, 2)) for y in range(height)]
        return sum(1 for y in range(height) if rows[y] and (y == 0 or not rows[y - 1]))

    assert bars(scores) == 3
    same_name = [replace(s, unit="Văn phòng") for s in scores]
    assert bars(same_name) == 3


def test_chart_draws_unit_names_and_title_as_written():
    """A unit named with dollar signs is not mathematics to the chart: «Tổ $^$» or «Ban $_{$», which
    matplotlib's math text refuses, are drawn, and «$5$» keeps its dollars (the label is wider)."""
    from io import BytesIO

    from PIL import Image

    from reminders.ranking import UnitScore, progress_chart

    def score(name: str) -> UnitScore:
        return UnitScore(unit=name, total=2, done=1, done_on_time=1, overdue=0, avg_progress=50.0)

    chart = progress_chart(
        [score("Tổ công tác $^$"), score("Ban $_{$ hỗ trợ"), score("Phòng $\\frac{$")], title="Quỹ $_$ tỉnh"
    )
    assert Image.open(BytesIO(chart)).format == "PNG"

    def bar_left(name: str) -> int:
        """The first column of the bar's green: the label's width sets the left margin."""
        image = Image.open(BytesIO(progress_chart([score(name)], title="Toàn tỉnh"))).convert("RGB")
        pixels = image.load()
        width, height = image.size
        return min(x for x in range(width) for y in range(0, height, 2) if pixels[x, y] == (0x2E, 0x7D, 0x32))

    assert bar_left("Quỹ $5$ triệu") - bar_left("Quỹ 5 triệu") >= 8  # two dollar signs drawn
