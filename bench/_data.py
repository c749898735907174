"""Shared by the benchmarks: a fresh database (a temporary SQLite file, or a
fresh database on a PostgreSQL server) and a realistic province seeded fast.

The province: a people's committee at the top, departments (Sở) and districts
(huyện/thị xã/thành phố) below it, divisions (phòng) and wards/communes
(phường/xã) below those; a manager and one to three officers per unit;
tasks with varied statuses, deadlines and progress, their report history, and
a few campaign targets with recorded values. Rows go in through SQLAlchemy
core bulk inserts on the SQLModel tables, with the ids chosen here (so a
unit's ``path`` is known before it is inserted), in the shape the bot's own
import (``tracking.sheets``, ``storage.tracking.ensure_unit_path``) gives.
"""

from __future__ import annotations

import random
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bot.settings import sqlalchemy_url
from storage.models import (
    ROLE_ADMIN,
    ROLE_MANAGER,
    ROLE_OFFICER,
    STATUS_BLOCKED,
    STATUS_DONE,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    Report,
    Staff,
    Target,
    TargetValue,
    Task,
    Unit,
)
from tracking.parse import key

SEPARATOR = " > "
TELEGRAM_BASE = 700_000_000  # a staff member's Telegram id is this plus their staff id

# --------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------


@contextmanager
def fresh_database(url: str | None, *, label: str = "bench", keep: bool = False) -> Iterator[str]:
    """The URL of an empty database: a temporary SQLite file when ``url`` is
    None or a SQLite URL without a file, else a new database on the server
    ``url`` names (created here, dropped afterwards unless ``keep``)."""
    if not url or url in ("sqlite", "sqlite://", "sqlite:///"):
        with tempfile.TemporaryDirectory(prefix=f"{label}-") as folder:
            yield f"sqlite:///{folder}/{label}.db"
        return
    url = sqlalchemy_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        yield url  # a SQLite file the caller named: used as it is
        return
    name = f"{label}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def backend(url: str) -> str:
    return make_url(url).get_backend_name()


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

PROVINCE = "UBND tỉnh Thừa Thiên Huế"
DEPARTMENTS = [
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Giao thông vận tải",
    "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường",
    "Sở Thông tin và Truyền thông",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa và Thể thao",
    "Sở Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Ngoại vụ",
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "Ban Dân tộc",
    "Ban Quản lý Khu kinh tế, công nghiệp tỉnh",
    "Trung tâm Phục vụ hành chính công tỉnh",
]
DISTRICTS = [
    "UBND thành phố Huế",
    "UBND thị xã Hương Thủy",
    "UBND thị xã Hương Trà",
    "UBND huyện Phong Điền",
    "UBND huyện Quảng Điền",
    "UBND huyện Phú Vang",
    "UBND huyện Phú Lộc",
    "UBND huyện A Lưới",
    "UBND huyện Nam Đông",
]
DEPT_DIVISIONS = [
    "Văn phòng Sở",
    "Thanh tra Sở",
    "Phòng Cải cách hành chính",
    "Phòng Tổ chức biên chế",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Pháp chế",
    "Phòng Quản lý chuyên ngành",
    "Phòng Công chức, viên chức",
    "Phòng Chuyển đổi số",
    "Phòng Tổng hợp",
]
DISTRICT_DIVISIONS = [
    "Văn phòng HĐND và UBND",
    "Phòng Nội vụ",
    "Phòng Tư pháp",
    "Phòng Tài chính - Kế hoạch",
    "Phòng Tài nguyên và Môi trường",
    "Phòng Lao động - Thương binh và Xã hội",
    "Phòng Văn hóa và Thông tin",
    "Phòng Giáo dục và Đào tạo",
    "Phòng Y tế",
    "Phòng Kinh tế",
    "Phòng Quản lý đô thị",
    "Thanh tra huyện",
]
WARD_NAMES = [
    "Phú Hội",
    "Phú Nhuận",
    "Vĩnh Ninh",
    "Thuận Thành",
    "Tây Lộc",
    "An Cựu",
    "Xuân Phú",
    "Trường An",
    "Phước Vĩnh",
    "Kim Long",
    "Hương Sơ",
    "Thủy Xuân",
    "Thủy Biều",
    "Hương Long",
    "Phú Hậu",
    "An Đông",
    "Vỹ Dạ",
    "Thuận Lộc",
    "Đông Ba",
    "Gia Hội",
    "Thủy Dương",
    "Thủy Phương",
    "Phú Bài",
    "Thủy Châu",
    "Tứ Hạ",
    "Hương Văn",
    "Hương Chữ",
    "Phong Hiền",
    "Điền Hải",
    "Quảng Thái",
    "Vinh Thanh",
    "Lăng Cô",
    "Hồng Vân",
    "Khe Tre",
    "Thượng Lộ",
    "Hương Phú",
    "Lộc Điền",
    "Vinh Hưng",
    "Quảng Công",
    "Phú Thuận",
]
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Tôn Nữ",
    "Hoàng Trọng",
    "Nguyễn Phước",
]
MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Thanh", "Hữu", "Ngọc", "Đức", "Thu", "Kim", "Xuân", "Bảo", "Hoài"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Trung",
    "Tuấn",
    "Uyên",
    "Vân",
    "Việt",
    "Yến",
]
ACTIONS = [
    "Rà soát",
    "Xây dựng kế hoạch",
    "Tổ chức triển khai",
    "Báo cáo kết quả",
    "Số hóa hồ sơ",
    "Kiểm tra việc thực hiện",
    "Cập nhật dữ liệu",
    "Đề xuất đơn giản hóa",
    "Tuyên truyền",
    "Tổng hợp",
    "Khảo sát",
    "Niêm yết công khai",
    "Chuẩn hóa quy trình",
    "Tập huấn",
]
OBJECTS = [
    "thủ tục hành chính lĩnh vực {f}",
    "dịch vụ công trực tuyến toàn trình về {f}",
    "hồ sơ giải quyết TTHC về {f}",
    "chỉ số SIPAS tại bộ phận một cửa",
    "quy chế làm việc của cơ quan",
    "kết quả cải cách hành chính quý",
    "phần mềm quản lý văn bản",
    "cơ sở dữ liệu cán bộ, công chức",
    "chữ ký số cho cán bộ",
    "ý kiến phản ánh, kiến nghị của người dân",
    "kế hoạch chuyển đổi số năm nay",
    "bộ chỉ số PAR INDEX",
]
FIELDS = [
    "đất đai",
    "hộ tịch",
    "xây dựng",
    "đầu tư",
    "lao động",
    "giáo dục",
    "y tế",
    "giao thông",
    "tư pháp",
    "nội vụ",
    "môi trường",
    "văn hóa",
]
RESULTS = [
    "Báo cáo gửi đúng hạn",
    "100% hồ sơ được số hóa",
    "Giảm 20% thời gian giải quyết",
    "Thêm 10 dịch vụ công trực tuyến toàn trình",
    "Tỷ lệ hài lòng trên 90%",
    "Quy trình nội bộ được phê duyệt",
    "Danh mục TTHC cập nhật đầy đủ",
    "Kế hoạch được ký ban hành",
]
NOTES = [
    "",
    "",
    "",
    "đã hoàn thành phần khảo sát",
    "chờ số liệu của phòng chuyên môn",
    "đang tổng hợp ý kiến",
    "đã trình lãnh đạo xem xét",
    "đang phối hợp với đơn vị liên quan",
    "đã gửi dự thảo lấy ý kiến",
]
BLOCKED = [
    "chờ tài khoản quản trị Cổng DVC",
    "thiếu kinh phí thực hiện",
    "chờ hướng dẫn của Bộ",
    "phần mềm lỗi chưa khắc phục",
    "chờ ý kiến của Sở Tài chính",
]
TARGETS = [
    ("Chỉ số SIPAS", 85.0, "%", True, 78.0),
    ("Tỷ lệ hồ sơ giải quyết đúng hạn", 99.0, "%", True, 95.0),
    ("Tỷ lệ hồ sơ trực tuyến toàn trình", 50.0, "%", True, 30.0),
    ("Chỉ số PAR INDEX", 90.0, "điểm", True, 84.0),
    ("Tỷ lệ số hóa hồ sơ TTHC", 100.0, "%", True, 60.0),
    ("Số TTHC được đơn giản hóa", 120.0, "", True, 0.0),
    ("Thời gian giải quyết bình quân", 5.0, "ngày", False, 8.0),
    ("Tỷ lệ hồ sơ trễ hạn", 1.0, "%", False, 4.0),
    ("Tỷ lệ văn bản ký số", 95.0, "%", True, 70.0),
    ("Số phản ánh kiến nghị tồn đọng", 0.0, "", False, 40.0),
    ("Tỷ lệ thanh toán trực tuyến", 40.0, "%", True, 15.0),
    ("Tỷ lệ cán bộ được tập huấn", 100.0, "%", True, 50.0),
]


# --------------------------------------------------------------------------
# The province
# --------------------------------------------------------------------------


@dataclass
class Person:
    id: int
    code: str
    unit_id: int
    role: str
    manager_id: int | None
    telegram_id: int | None


@dataclass
class Province:
    """What was seeded, for the benchmarks to pick their actors from."""

    units: int = 0
    staff: int = 0
    tasks: int = 0
    reports: int = 0
    targets: int = 0
    target_values: int = 0
    admin: Person | None = None
    top_manager: Person | None = None  # the manager of the province (top of the tree)
    people: list[Person] = field(default_factory=list)
    # officer staff id → [(task id, task code)] of the open tasks they carry out, as /nhiemvu orders them
    open_tasks: dict[int, list[tuple[int, str]]] = field(default_factory=dict)


def _unit_plan(total: int, rng: random.Random) -> list[tuple[int, int | None, str]]:
    """(id, parent id, name) of ``total`` units: province > departments/districts > divisions/wards."""
    total = max(total, 3)
    level1 = max(2, round(total * 0.033))
    n_depts = max(1, round(level1 * 0.4))
    units: list[tuple[int, int | None, str]] = [(1, None, PROVINCE)]
    firsts = []
    for i in range(level1):
        if i < n_depts:
            name = DEPARTMENTS[i] if i < len(DEPARTMENTS) else f"Ban chuyên môn số {i + 1}"
            kind = "dept"
        else:
            j = i - n_depts
            name = DISTRICTS[j] if j < len(DISTRICTS) else f"UBND huyện {WARD_NAMES[-1 - j % len(WARD_NAMES)]}"
            if j >= len(DISTRICTS) + len(WARD_NAMES):
                name += f" {j // len(WARD_NAMES) + 1}"
            kind = "district"
        units.append((len(units) + 1, 1, name))
        firsts.append((units[-1][0], kind))
    # Share the rest between level-1 units: a department has ~8 divisions, a district ~43 divisions and wards.
    rest = total - len(units)
    weights = [8 if kind == "dept" else 43 for _, kind in firsts]
    shares = [rest * w // sum(weights) for w in weights]
    for i in range(rest - sum(shares)):
        shares[i % len(shares)] += 1
    for (parent, kind), share in zip(firsts, shares):
        for j in range(share):
            if kind == "dept":
                base = DEPT_DIVISIONS[j % len(DEPT_DIVISIONS)]
                name = base if j < len(DEPT_DIVISIONS) else f"{base} {j // len(DEPT_DIVISIONS) + 1}"
            elif j < len(DISTRICT_DIVISIONS):
                name = DISTRICT_DIVISIONS[j]
            else:
                w = j - len(DISTRICT_DIVISIONS)
                ward = WARD_NAMES[w % len(WARD_NAMES)]
                kind_name = "UBND phường" if rng.random() < 0.4 else "UBND xã"
                name = f"{kind_name} {ward}" + (f" {w // len(WARD_NAMES) + 1}" if w >= len(WARD_NAMES) else "")
            units.append((len(units) + 1, parent, name))
    return units


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _insert(conn, table, rows: list[dict], chunk: int = 5000) -> None:
    for i in range(0, len(rows), chunk):
        conn.execute(table.insert(), rows[i : i + chunk])


def seed_province(
    engine: Engine,
    *,
    units: int,
    tasks: int,
    today: date,
    now: datetime | None = None,
    seed: int = 20240501,
    link_share: float = 0.92,
    unreachable_share: float = 0.03,
) -> Province:
    """Fill an empty, migrated database; returns what was seeded."""
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    result = Province()

    # Units, with their folded full-name key and "/1/4/9/" path.
    plan = _unit_plan(units, rng)
    paths: dict[int, str] = {}
    keys: dict[int, str] = {}
    parent_of: dict[int, int | None] = {}
    unit_rows = []
    for uid, parent, name in plan:
        paths[uid] = f"{paths[parent] if parent else '/'}{uid}/"
        keys[uid] = f"{keys[parent]}{SEPARATOR}{key(name)}" if parent else key(name)
        parent_of[uid] = parent
        unit_rows.append(
            dict(
                id=uid,
                name=name,
                parent_id=parent,
                key=keys[uid],
                path=paths[uid],
                created_at=now - timedelta(days=200),
            )
        )
    result.units = len(unit_rows)

    # Staff: an admin; a manager per unit (answering to the parent unit's manager); officers.
    people: list[Person] = []
    names: dict[int, str] = {}

    def add(code: str, unit_id: int, role: str, manager_id: int | None) -> Person:
        pid = len(people) + 1
        person = Person(pid, code, unit_id, role, manager_id, None)
        people.append(person)
        names[pid] = _name(rng)
        return person

    result.admin = add("QT01", 1, ROLE_ADMIN, None)
    manager_of: dict[int, int] = {}
    for uid, parent, _ in plan:  # parents come before their children
        boss = manager_of[parent] if parent else result.admin.id
        manager_of[uid] = add(f"LD{uid:05d}", uid, ROLE_MANAGER, boss).id
    result.top_manager = people[manager_of[1] - 1]
    officers_of: dict[int, list[Person]] = {}
    n = 0
    for uid, parent, _ in plan:
        count = 3 if parent is None else 2 if parent == 1 else rng.choice((1, 1, 2, 2, 3))
        for _ in range(count):
            n += 1
            officers_of.setdefault(uid, []).append(add(f"CB{n:05d}", uid, ROLE_OFFICER, manager_of[uid]))
    for person in people:
        if person is result.admin or person is result.top_manager or rng.random() < link_share:
            person.telegram_id = TELEGRAM_BASE + person.id
    staff_rows = [
        dict(
            id=p.id,
            code=p.code,
            full_name=names[p.id],
            unit_id=p.unit_id,
            role=p.role,
            telegram_id=p.telegram_id,
            manager_id=p.manager_id,
            unreachable_since=(
                now - timedelta(days=rng.randint(1, 30))
                if p.role == ROLE_OFFICER and rng.random() < unreachable_share
                else None
            ),
            created_at=now - timedelta(days=180),
            updated_at=now - timedelta(days=180),
        )
        for p in people
    ]
    result.staff = len(staff_rows)
    result.people = people

    # Targets and their recorded values.
    target_rows, value_rows = [], []
    for i, (name, goal, unit, higher, baseline) in enumerate(TARGETS, start=1):
        target_rows.append(
            dict(
                id=i,
                code=f"CT{i:02d}",
                name=name,
                key=key(name),
                target_value=goal,
                measure_unit=unit,
                higher_is_better=higher,
                baseline=baseline,
                start_date=today - timedelta(days=120),
                due_date=today + timedelta(days=240),
                created_at=now - timedelta(days=120),
            )
        )
        for k in range(rng.randint(0, 3)):
            progress = rng.uniform(0.1, 0.6) * (k + 1) / 3
            value_rows.append(
                dict(
                    target_id=i,
                    value=round(baseline + (goal - baseline) * progress, 1),
                    recorded_at=now - timedelta(days=90 - 30 * k),
                    recorded_by=result.admin.id,
                    note="",
                )
            )
    for i, row in enumerate(value_rows, start=1):
        row["id"] = i
    result.targets, result.target_values = len(target_rows), len(value_rows)

    # Tasks and their reports.
    owners = [p for p in people if p.role == ROLE_OFFICER]
    managers = [p for p in people if p.role == ROLE_MANAGER]
    task_rows, report_rows = [], []
    open_tasks: dict[int, list[tuple[date, int]]] = {}
    statuses = [STATUS_DONE] * 35 + [STATUS_IN_PROGRESS] * 35 + [STATUS_NOT_STARTED] * 22 + [STATUS_BLOCKED] * 8
    for tid in range(1, tasks + 1):
        owner = rng.choice(managers) if rng.random() < 0.12 else rng.choice(owners)
        accountable = owner.manager_id or owner.id
        host = owner.unit_id if rng.random() < 0.9 or parent_of[owner.unit_id] is None else parent_of[owner.unit_id]
        created = now - timedelta(days=rng.randint(14, 150), minutes=rng.randint(0, 1440))
        deadline = max(today + timedelta(days=rng.randint(-60, 120)), created.date() + timedelta(days=7))
        status = rng.choice(statuses)
        partly = rng.choice((10, 20, 25, 30, 40, 50, 60, 75, 80, 90))
        progress = {STATUS_DONE: 100, STATUS_NOT_STARTED: 0}.get(status, partly)
        reports = 0 if status == STATUS_NOT_STARTED else rng.choice((1, 1, 2, 2, 3, 4))
        last_report = None
        if reports:
            if status == STATUS_DONE:
                # Most done tasks finished by their deadline.
                finish_by = datetime.combine(deadline, datetime.min.time(), UTC)
                if rng.random() > 0.78:
                    finish_by += timedelta(days=rng.randint(1, 20))
                span = (min(finish_by, now) - created).total_seconds()
            else:
                # Recent reports for most open tasks, silent ones for some.
                span = (now - created).total_seconds()
                if rng.random() < 0.65:
                    span = max(span - rng.uniform(0, 6) * 86400, 0)
                else:
                    span *= rng.uniform(0.2, 0.85)
            moments = sorted(
                created + timedelta(seconds=rng.uniform(0.05, 1.0) * max(span, 3600)) for _ in range(reports)
            )
            percents = sorted(rng.randint(5, max(progress, 6)) for _ in range(reports - 1)) + [progress]
            for k, (moment, percent) in enumerate(zip(moments, percents)):
                last = k == reports - 1
                report_rows.append(
                    dict(
                        task_id=tid,
                        staff_id=owner.id if rng.random() < 0.93 else accountable,
                        created_at=moment,
                        percent=percent,
                        status=status if last else (STATUS_DONE if percent >= 100 else STATUS_IN_PROGRESS),
                        note=rng.choice(BLOCKED) if last and status == STATUS_BLOCKED else rng.choice(NOTES),
                    )
                )
            last_report = moments[-1]
        if status != STATUS_DONE and owner.role == ROLE_OFFICER:
            open_tasks.setdefault(owner.id, []).append((deadline, tid))
        task_rows.append(
            dict(
                id=tid,
                code=f"NV{tid:05d}",
                title=f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS).format(f=rng.choice(FIELDS))}",
                description="",
                owner_id=owner.id,
                accountable_id=accountable,
                host_unit_id=host,
                coordinating_units="",
                start_date=created.date(),
                deadline=deadline,
                progress=progress,
                status=status,
                blocked_reason=report_rows[-1]["note"] if status == STATUS_BLOCKED else "",
                last_report_at=last_report,
                expected_result=rng.choice(RESULTS),
                measure="",
                target_id=rng.randint(1, len(TARGETS)) if rng.random() < 0.25 else None,
                snoozed_until=None,
                created_at=created,
                updated_at=last_report or created,
            )
        )
    for i, row in enumerate(report_rows, start=1):
        row["id"] = i
    # In the order /nhiemvu lists them: nearest deadline first, then by code.
    result.open_tasks = {
        owner: [(tid, f"NV{tid:05d}") for _, tid in sorted(items)] for owner, items in open_tasks.items()
    }
    result.tasks, result.reports = len(task_rows), len(report_rows)

    with engine.begin() as conn:
        _insert(conn, Unit.__table__, unit_rows)
        _insert(conn, Staff.__table__, staff_rows)
        _insert(conn, Target.__table__, target_rows)
        _insert(conn, TargetValue.__table__, value_rows)
        _insert(conn, Task.__table__, task_rows)
        _insert(conn, Report.__table__, report_rows)
        if conn.dialect.name == "postgresql":
            # The ids were chosen here: move the sequences past them, so the bot's own inserts work.
            for table in ("unit", "staff", "target", "target_value", "task", "report"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                    )
                )
    if engine.dialect.name == "postgresql":
        # Autovacuum would analyze the new tables within a minute; do it now. (The bot never runs
        # ANALYZE on SQLite, so SQLite plans without statistics, as in production.)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return result
