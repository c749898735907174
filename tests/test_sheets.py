"""Staff and task sheets: reading CSV and XLSX, all-or-nothing imports with
row-numbered errors, re-imports by code with audit entries, templates and the
task export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlmodel import func, select

from storage.db import session_scope
from storage.models import AuditEntry, Milestone, Staff, Target, Task, Unit
from storage.tracking import Scope, add_report, ensure_unit_path, staff_by_code, task_by_code, unit_full_name
from tracking.export import export_tasks
from tracking.sheets import SheetError, import_sheet, read_table, write_templates

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TABLES = (Unit, Staff, Target, Task, Milestone, AuditEntry)

STAFF_HEADER = ["Mã cán bộ", "Họ và tên", "Đơn vị", "Vai trò", "Telegram ID", "Cấp trên"]
STAFF_ROWS = [
    ["CB01", "Nguyễn Thị Lan", "UBND tỉnh > Sở Nội vụ > Phòng CCHC", "cán bộ", "", "LD01"],  # manager further down
    ["LD01", "Phạm Quốc Hùng", "UBND tỉnh > Sở Nội vụ", "lãnh đạo", "1002", ""],
    ["CB02", "Lê Văn Nam", "Phòng CCHC", "cán bộ", "", "LD01"],  # a lone name: the unit written above
    ["QT01", "Trần Văn Minh", "UBND tỉnh", "quản trị", "9001", ""],
]
TASK_HEADER = [
    "Mã nhiệm vụ",
    "Nhiệm vụ",
    "Người thực hiện",
    "Người chịu trách nhiệm",
    "Thời hạn",
    "Kết quả cần đạt",
    "Chỉ tiêu",
]
TASK_ROWS = [
    ["NV001", "Khảo sát sự hài lòng", "CB01", "LD01", "30/06/2026", "300 phiếu khảo sát", "Tỷ lệ hài lòng SIPAS > 85%"],
    ["NV002", "Rà soát thủ tục", "CB02", "LD01", "30/04/2026", "Danh mục thủ tục", "ty le hai long sipas > 85%"],
    ["NV003", "Số hóa hồ sơ", "CB02", "LD01", "15/03/2026", "1.000 hồ sơ được số hóa", ""],
]


def csv_bytes(rows: list[list[object]], *, bom: bool = True, delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(rows: list[list[object]], *, blank_rows_before: int = 0) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for _ in range(blank_rows_before):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counts(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in TABLES}


def run_import(engine, file_name: str, data: bytes, actor_code: str | None = None):
    with session_scope(engine) as session:
        actor = staff_by_code(session=session, code=actor_code) if actor_code else None
        return import_sheet(session=session, file_name=file_name, data=data, actor=actor, actor_name="dòng lệnh")


def refused(engine, file_name: str, data: bytes) -> SheetError:
    before = counts(engine)
    with pytest.raises(SheetError) as caught:
        run_import(engine, file_name, data)
    assert counts(engine) == before, "a refused file must write nothing"
    return caught.value


@pytest.fixture
def staffed(engine):
    run_import(engine, "can-bo.csv", csv_bytes([STAFF_HEADER, *STAFF_ROWS]))
    return engine


@pytest.fixture
def tasked(staffed):
    run_import(staffed, "nhiem-vu.csv", csv_bytes([TASK_HEADER, *TASK_ROWS]))
    return staffed


# --------------------------------------------------------------------------
# Staff sheets
# --------------------------------------------------------------------------

FOLDED_HEADER = ["MA CAN BO", "ho  va   ten", "Don vi", "VAI TRÒ", "telegram id", "cap tren"]


@pytest.mark.parametrize(
    "file_name,data",
    [
        ("can-bo.csv", csv_bytes([STAFF_HEADER, *STAFF_ROWS], bom=True)),
        ("can-bo.csv", csv_bytes([FOLDED_HEADER, *STAFF_ROWS], bom=False, delimiter=";")),
        ("can-bo.csv", csv_bytes([FOLDED_HEADER, *STAFF_ROWS], bom=False, delimiter="\t")),
        ("Can-Bo.XLSX", xlsx_bytes([[h.upper() for h in STAFF_HEADER], *STAFF_ROWS], blank_rows_before=2)),
    ],
    ids=["csv-bom", "csv-semicolon-folded-headers", "csv-tab", "xlsx-upper-headers"],
)
def test_good_staff_file(engine, file_name, data):
    result = run_import(engine, file_name, data)
    assert (result.kind, result.created, result.updated, result.unchanged) == ("staff", 4, 0, 0)
    assert result.summary() == "Danh sách cán bộ: thêm 4, cập nhật 0, không đổi 0."
    with session_scope(engine) as session:
        lan, hung, nam, minh = (staff_by_code(session=session, code=c) for c in ("CB01", "LD01", "CB02", "QT01"))
        assert lan.full_name == "Nguyễn Thị Lan" and lan.role == "officer"
        assert (hung.role, hung.telegram_id, minh.role, minh.telegram_id) == ("manager", 1002, "admin", 9001)
        assert lan.manager_id == hung.id and nam.manager_id == hung.id and hung.manager_id is None
        assert nam.unit_id == lan.unit_id
        assert (
            unit_full_name(session=session, unit=session.get(Unit, lan.unit_id)) == "UBND tỉnh > Sở Nội vụ > Phòng CCHC"
        )
        assert session.get(Unit, minh.unit_id).parent_id is None
        entries = session.exec(select(AuditEntry)).all()
    assert counts(engine)["Unit"] == 3
    assert sorted(e.entity_code for e in entries) == ["CB01", "CB02", "LD01", "QT01"]
    assert all((e.action, e.entity, e.actor) == ("import", "staff", "dòng lệnh") for e in entries)


def test_a_title_above_the_table_is_skipped(engine):
    rows = [
        ["DANH SÁCH CÁN BỘ THAM GIA PHONG TRÀO"],
        [],
        STAFF_HEADER,
        STAFF_ROWS[1],
        ["CB01", "Nguyễn Thị Lan", "UBND tỉnh > Sở Nội vụ", "trưởng nhóm", "", ""],
    ]
    error = refused(engine, "can-bo.xlsx", xlsx_bytes(rows))
    assert error.errors == [
        "Dòng 5 (Vai trò): vai trò «trưởng nhóm» không hợp lệ; hãy ghi: cán bộ, lãnh đạo hoặc quản trị."
    ]
    rows[-1][3] = "cán bộ"
    assert run_import(engine, "can-bo.xlsx", xlsx_bytes(rows)).created == 2


def test_staff_reimport_updates_by_code_and_audits_each_change(staffed):
    rows = [list(r) for r in STAFF_ROWS]
    rows[0][1] = "Nguyễn Thị Lan Anh"  # CB01: new name and role
    rows[0][3] = "lãnh đạo"
    rows[1][4] = ""  # LD01: a blank Telegram ID keeps the link
    rows[2][0] = "cb02"  # codes match whatever the case
    rows.append(["CB03", "Võ Thị Hoa", "UBND tỉnh > Sở Nội vụ > Phòng CCHC", "cán bộ", "", "CB01"])
    result = run_import(staffed, "can-bo-2.xlsx", xlsx_bytes([STAFF_HEADER, *rows]), actor_code="QT01")
    assert (result.created, result.updated, result.unchanged) == (1, 1, 3)
    with session_scope(staffed) as session:
        lan = staff_by_code(session=session, code="CB01")
        assert (lan.full_name, lan.role) == ("Nguyễn Thị Lan Anh", "manager")
        assert staff_by_code(session=session, code="LD01").telegram_id == 1002
        assert staff_by_code(session=session, code="CB02").code == "CB02"
        assert staff_by_code(session=session, code="CB03").manager_id == lan.id
        changes = session.exec(select(AuditEntry).where(AuditEntry.field != "")).all()
        actor_id = staff_by_code(session=session, code="QT01").id
    assert {(e.entity_code, e.field, e.old_value, e.new_value) for e in changes} == {
        ("CB01", "Họ và tên", "Nguyễn Thị Lan", "Nguyễn Thị Lan Anh"),
        ("CB01", "Vai trò", "cán bộ", "lãnh đạo"),
    }
    assert all(e.actor_id == actor_id and e.note == "tệp can-bo-2.xlsx" for e in changes)


def test_staff_manager_and_unit_changes_are_shown_by_name(staffed):
    rows = [list(r) for r in STAFF_ROWS]
    rows[2][2] = "UBND tỉnh > Sở Nội vụ"
    rows[2][5] = ""
    run_import(staffed, "can-bo.csv", csv_bytes([STAFF_HEADER, *rows]))
    with session_scope(staffed) as session:
        nam = staff_by_code(session=session, code="CB02")
        assert nam.manager_id is None
        changes = {
            e.field: (e.old_value, e.new_value)
            for e in session.exec(select(AuditEntry).where(AuditEntry.field != "")).all()
        }
    assert changes == {
        "Đơn vị": ("UBND tỉnh > Sở Nội vụ > Phòng CCHC", "UBND tỉnh > Sở Nội vụ"),
        "Cấp trên": ("Phạm Quốc Hùng (LD01)", ""),
    }


def test_a_lone_unit_name_matches_the_database_or_is_created_at_the_root(staffed):
    run_import(
        staffed,
        "them.csv",
        csv_bytes(
            [
                STAFF_HEADER[:4],
                ["CB05", "Hồ Văn Tư", "phong cchc", "cán bộ"],
                ["CB06", "Mai Thu", "Văn phòng", "cán bộ"],
            ]
        ),
    )
    with session_scope(staffed) as session:
        tu, thu, lan = (staff_by_code(session=session, code=c) for c in ("CB05", "CB06", "CB01"))
        assert tu.unit_id == lan.unit_id
        assert session.get(Unit, thu.unit_id).parent_id is None


@pytest.mark.parametrize(
    "row,expected",
    [
        (["CB07", "", "UBND tỉnh", "", "", ""], "Dòng 3: thiếu «Họ và tên», «Vai trò»."),
        (["CB07", "Hà", "UBND tỉnh", "thủ trưởng", "", ""], "Dòng 3 (Vai trò): vai trò «thủ trưởng» không hợp lệ"),
        (["CB07", "Hà", "UBND tỉnh", "cán bộ", "12ab", ""], "Dòng 3 (Telegram ID): «12ab» không phải là Telegram ID"),
        (
            ["CB07", "Hà", "UBND tỉnh", "cán bộ", "9001", ""],
            "Dòng 3 (Telegram ID): Telegram ID 9001 đã gắn với cán bộ Trần Văn Minh (QT01).",
        ),
        (["CB07", "Hà", "UBND tỉnh", "cán bộ", "555", ""], "Dòng 3 (Telegram ID): Telegram ID 555 trùng với dòng 2."),
        (["CB06", "Hà", "UBND tỉnh", "cán bộ", "", ""], "Dòng 3 (Mã cán bộ): mã «CB06» trùng với dòng 2."),
        (["CB07", "Hà", "UBND tỉnh", "cán bộ", "", "LD99"], "Dòng 3 (Cấp trên): mã cán bộ «LD99» chưa có"),
        (["CB07", "Hà", "UBND tỉnh", "cán bộ", "", "cb07"], "Dòng 3 (Cấp trên): một người không thể là cấp trên"),
    ],
    ids=[
        "missing",
        "role",
        "telegram-format",
        "telegram-taken",
        "telegram-twice",
        "duplicate-code",
        "unknown-manager",
        "own-manager",
    ],
)
def test_bad_staff_row_refuses_the_whole_file(staffed, row, expected):
    good = ["CB06", "Đỗ Minh", "UBND tỉnh", "cán bộ", "555", "LD01"]
    error = refused(staffed, "can-bo.csv", csv_bytes([STAFF_HEADER, good, row]))
    assert any(line.startswith(expected) for line in error.errors), error.errors


def test_ambiguous_unit_name_asks_for_the_full_path(staffed):
    with session_scope(staffed) as session:
        ensure_unit_path(session=session, names=["UBND huyện A", "Phòng CCHC"], keys=["ubnd huyen a", "phong cchc"])
    error = refused(staffed, "can-bo.csv", csv_bytes([STAFF_HEADER[:4], ["CB09", "Lý Hà", "Phòng CCHC", "cán bộ"]]))
    assert len(error.errors) == 1
    line = error.errors[0]
    assert line.startswith("Dòng 2 (Đơn vị): có 2 đơn vị tên «Phòng CCHC»")
    assert "UBND huyện A > Phòng CCHC" in line and "UBND tỉnh > Sở Nội vụ > Phòng CCHC" in line
    assert "đường dẫn đầy đủ" in line


# --------------------------------------------------------------------------
# Task sheets
# --------------------------------------------------------------------------


def test_good_task_file_with_every_date_form(staffed):
    serial = (date(2026, 9, 30) - date(1899, 12, 30)).days
    header = TASK_HEADER + ["Ngày bắt đầu", "Mốc tiến độ", "Đơn vị chủ trì", "Mô tả"]
    rows = [
        [*TASK_ROWS[0], date(2026, 3, 1), "15/03/2026: Khảo sát; 30/04/2026: Báo cáo", "", "Ở Bộ phận Một cửa"],
        ["NV002", "Rà soát", "CB02", "LD01", "2026-07-15", "Danh mục", "", None, None, "UBND tỉnh > Sở Nội vụ", ""],
        ["NV003", "Số hóa", "CB02", "QT01", datetime(2026, 8, 31), "Hồ sơ", "", None, None, "", ""],
        ["NV004", "Công khai", "CB01", "LD01", serial, "Danh mục công khai", "", None, None, "", ""],
    ]
    result = run_import(staffed, "nhiem-vu.xlsx", xlsx_bytes([header, *rows]))
    assert (result.kind, result.created, result.updated, result.unchanged) == ("tasks", 4, 0, 0)
    with session_scope(staffed) as session:
        tasks = {c: task_by_code(session=session, code=c) for c in ("NV001", "NV002", "NV003", "NV004")}
        assert [t.deadline for t in tasks.values()] == [
            date(2026, 6, 30),
            date(2026, 7, 15),
            date(2026, 8, 31),
            date(2026, 9, 30),
        ]
        first = tasks["NV001"]
        lan = staff_by_code(session=session, code="CB01")
        assert (first.status, first.progress, first.start_date) == ("not_started", 0, date(2026, 3, 1))
        assert first.host_unit_id == lan.unit_id and first.description == "Ở Bộ phận Một cửa"
        host = session.get(Unit, tasks["NV002"].host_unit_id)
        assert unit_full_name(session=session, unit=host) == "UBND tỉnh > Sở Nội vụ"
        assert tasks["NV003"].accountable_id == staff_by_code(session=session, code="QT01").id
        steps = session.exec(select(Milestone).order_by(Milestone.due_date)).all()
        assert [(m.task_id, m.due_date, m.title) for m in steps] == [
            (first.id, date(2026, 3, 15), "Khảo sát"),
            (first.id, date(2026, 4, 30), "Báo cáo"),
        ]
        audited = session.exec(select(AuditEntry).where(AuditEntry.entity == "task")).all()
    assert sorted(e.entity_code for e in audited) == ["NV001", "NV002", "NV003", "NV004"]


def test_targets_are_created_from_task_rows_and_shared(staffed):
    with session_scope(staffed) as session:
        session.add(Target(code="CT01", name="Dịch vụ công toàn trình", key="dich vu cong toan trinh"))
    rows = [list(r) for r in TASK_ROWS]
    rows[2][6] = "ct01"
    run_import(staffed, "nhiem-vu.csv", csv_bytes([TASK_HEADER, *rows]))
    with session_scope(staffed) as session:
        targets = session.exec(select(Target).order_by(Target.code)).all()
        assert [t.code for t in targets] == ["CT01", "CT02"]
        sipas = targets[1]
        assert (sipas.name, sipas.target_value, sipas.measure_unit, sipas.higher_is_better) == (
            "Tỷ lệ hài lòng SIPAS > 85%",
            85.0,
            "%",
            True,
        )
        codes = {c: task_by_code(session=session, code=c).target_id for c in ("NV001", "NV002", "NV003")}
    assert codes == {"NV001": sipas.id, "NV002": sipas.id, "NV003": targets[0].id}


def test_task_reimport_updates_fields_not_progress_and_replaces_milestones(tasked):
    with session_scope(tasked) as session:
        task = task_by_code(session=session, code="NV001")
        add_report(
            session=session,
            task=task,
            staff=staff_by_code(session=session, code="CB01"),
            percent=50,
            status="in_progress",
            note="Đã thu 150 phiếu",
        )
    header = TASK_HEADER + ["Mốc tiến độ"]
    rows = [[*r, ""] for r in TASK_ROWS]
    rows[0][4] = "31/07/2026"
    rows[0][2] = "CB02"
    rows[0][7] = "01/06/2026: Tổng hợp"
    result = run_import(tasked, "nhiem-vu.csv", csv_bytes([header, *rows]))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    with session_scope(tasked) as session:
        task = task_by_code(session=session, code="NV001")
        nam = staff_by_code(session=session, code="CB02")
        assert (task.progress, task.status, task.deadline, task.owner_id) == (
            50,
            "in_progress",
            date(2026, 7, 31),
            nam.id,
        )
        assert [m.title for m in session.exec(select(Milestone)).all()] == ["Tổng hợp"]
        changes = {
            e.field: (e.old_value, e.new_value)
            for e in session.exec(select(AuditEntry).where(AuditEntry.field != "")).all()
        }
    assert changes["Thời hạn"] == ("30/06/2026", "31/07/2026")
    assert changes["Người thực hiện"] == ("Nguyễn Thị Lan (CB01)", "Lê Văn Nam (CB02)")
    assert changes["Mốc tiến độ"] == ("", "01/06/2026: Tổng hợp")
    assert "Đơn vị chủ trì" not in changes  # both work in the same unit


@pytest.mark.parametrize(
    "change,expected",
    [
        ((1, 5, ""), "Dòng 3: thiếu «Kết quả cần đạt»."),
        ((1, 1, ""), "Dòng 3: thiếu «Nhiệm vụ»."),
        ((1, 2, "CB99"), "Dòng 3: mã cán bộ «CB99» ở cột «Người thực hiện» chưa có trong danh sách cán bộ."),
        ((1, 3, "LD99"), "Dòng 3: mã cán bộ «LD99» ở cột «Người chịu trách nhiệm» chưa có"),
        ((1, 4, "31/02/2026"), "Dòng 3 (Thời hạn): ngày «31/02/2026» không có thật."),
        ((1, 4, "sớm nhất có thể"), "Dòng 3 (Thời hạn): «sớm nhất có thể» không phải là ngày"),
        ((1, 0, "nv001"), "Dòng 3 (Mã nhiệm vụ): mã «nv001» trùng với dòng 2."),
        ((1, 6, "CT42"), "Dòng 3 (Chỉ tiêu): chưa có chỉ tiêu mã «CT42»."),
    ],
    ids=[
        "missing-result",
        "missing-title",
        "unknown-owner",
        "unknown-accountable",
        "impossible-date",
        "not-a-date",
        "duplicate-code",
        "unknown-target-code",
    ],
)
def test_bad_task_row_refuses_the_whole_file(staffed, change, expected):
    rows = [list(r) for r in TASK_ROWS]
    index, column, value = change
    rows[index][column] = value
    error = refused(staffed, "nhiem-vu.csv", csv_bytes([TASK_HEADER, *rows]))
    assert any(line.startswith(expected) for line in error.errors), error.errors


def test_every_problem_is_listed_by_row_in_order(staffed):
    header = TASK_HEADER + ["Ngày bắt đầu", "Đơn vị chủ trì", "Mốc tiến độ"]
    rows = [
        ["NV001", "Việc", "CB01", "LD01", "30/06/2026", "", "", "01/07/2026", "", ""],
        ["NV002", "Việc", "CB01", "LD01", "30/06/2026", "Kết quả", "", "", "Sở Tư pháp", ""],
        ["NV003", "Việc", "CB01", "LD01", "30/06/2026", "Kết quả", "", "", "", "cuối tháng: họp"],
    ]
    error = refused(staffed, "nhiem-vu.xlsx", xlsx_bytes([header, *rows]))
    assert error.errors == [
        "Dòng 2: thiếu «Kết quả cần đạt».",
        "Dòng 2 (Ngày bắt đầu): ngày bắt đầu 01/07/2026 sau thời hạn 30/06/2026.",
        "Dòng 3 (Đơn vị chủ trì): chưa có đơn vị «Sở Tư pháp»; hãy ghi đúng tên như trong danh sách cán bộ.",
        "Dòng 4 (Mốc tiến độ): mốc «cuối tháng: họp»: «cuối tháng» không phải là ngày; "
        "hãy viết dd/mm/yyyy, ví dụ 31/12/2026.",
    ]
    assert str(error) == "\n".join(error.errors)


def test_lookups_by_long_lists_go_in_batches(staffed, monkeypatch):
    """Tiny batches: a staff sheet, a task sheet and its re-import with milestones all go through
    the batched lookups and come out as with one statement each."""
    import storage.tracking

    monkeypatch.setattr(storage.tracking, "IN_BATCH", 2)
    run_import(staffed, "can-bo.csv", csv_bytes([STAFF_HEADER, *STAFF_ROWS]))
    header = TASK_HEADER + ["Mốc tiến độ"]
    rows = [[*r, "01/03/2026: Bắt đầu"] for r in TASK_ROWS]
    assert run_import(staffed, "nhiem-vu.csv", csv_bytes([header, *rows])).created == 3
    rows[2][7] = "01/03/2026: Bắt đầu; 10/03/2026: Rà soát"
    result = run_import(staffed, "nhiem-vu.csv", csv_bytes([header, *rows]))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    with session_scope(staffed) as session:
        assert len(session.exec(select(Milestone)).all()) == 4
        assert counts(staffed)["Task"] == 3


def test_more_codes_than_one_statement_may_carry(staffed):
    """PostgreSQL's protocol caps a statement's parameters at 65,535 (SQLite builds at 32,766, or
    999 before 3.32, or more where a distribution raised it): 70,000 codes are looked up in batches."""
    from tracking.sheets.writing import _staff_by_codes

    codes = [f"CB{n:06d}" for n in range(70_000)] + ["CB01"]
    with session_scope(staffed) as session:
        assert list(_staff_by_codes(session, codes)) == ["CB01"]


def test_long_error_lists_are_cut_short():
    error = SheetError([f"Dòng {n}: thiếu «Thời hạn»." for n in range(2, 52)])
    lines = str(error).splitlines()
    assert len(lines) == 31 and lines[-1] == "… và 20 lỗi khác."


@pytest.mark.parametrize(
    "rows,expected",
    [
        ([["Họ tên", "Số điện thoại"], ["A", "1"]], "Không nhận ra bảng"),
        (
            [TASK_HEADER[:4] + TASK_HEADER[5:], ["NV001", "Việc", "CB01", "LD01", "Kết quả", ""]],
            "Tệp giống danh sách nhiệm vụ nhưng thiếu cột: «Thời hạn».",
        ),
        ([STAFF_HEADER], "chưa có dòng dữ liệu"),
        ([STAFF_HEADER + ["STT"], ["", "", "", "", "", "", "1"]], "chưa có dòng dữ liệu"),
        (
            [STAFF_HEADER + ["Họ và tên"], ["CB01", "A", "UBND tỉnh", "cán bộ", "", "", "B"]],
            "Cột «Họ và tên» có nhiều lần",
        ),
    ],
    ids=["unknown", "missing-column", "header-only", "only-row-numbers", "doubled-column"],
)
def test_bad_header_or_no_data_refuses_the_file(staffed, rows, expected):
    error = refused(staffed, "bang.csv", csv_bytes(rows))
    assert expected in str(error)


@pytest.mark.parametrize(
    "file_name,data,expected",
    [
        ("bang.csv", b"M\xe3 c\xe1n b\xf4\xf2;H\xf4 t\xean\r\n", "UTF-8"),  # "Mã cán bộ;Hô tên" in Windows-1258
        ("bang.xlsx", b"PK\x03\x04 not really a workbook", "Không mở được tệp Excel"),
        ("bang.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
        ("bang.csv", b"\n  \n", "trống"),
    ],
)
def test_unreadable_files(engine, file_name, data, expected):
    with pytest.raises(SheetError) as caught:
        read_table(file_name, data)
    assert expected in str(caught.value)


def test_read_table_numbers_rows_as_the_sheet_does():
    data = xlsx_bytes([["Mã cán bộ", "Họ và tên", None], [None, None], ["CB01", "  Lan  ", 5.0]], blank_rows_before=1)
    header, rows = read_table("a.xlsx", data)
    assert header == ["Mã cán bộ", "Họ và tên"]
    assert rows == [(4, ["CB01", "Lan", 5.0])]


# --------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------


def test_templates_read_back_and_import(engine, tmp_path: Path):
    paths = write_templates(tmp_path / "mau")
    assert sorted(p.name for p in paths) == [
        "mau-can-bo.csv",
        "mau-can-bo.xlsx",
        "mau-lich-co-quan.csv",
        "mau-lich-co-quan.xlsx",
        "mau-nhiem-vu.csv",
        "mau-nhiem-vu.xlsx",
    ]
    staff_csv = (tmp_path / "mau" / "mau-can-bo.csv").read_bytes()
    assert staff_csv.startswith(b"\xef\xbb\xbf")
    for path in paths:
        header, rows = read_table(path.name, path.read_bytes())
        assert rows == [] and header[0] in ("Mã cán bộ", "Mã nhiệm vụ", "Ngày")
        with pytest.raises(SheetError, match="chưa có dòng dữ liệu"):
            run_import(engine, path.name, path.read_bytes())

    book = openpyxl.load_workbook(tmp_path / "mau" / "mau-can-bo.xlsx")
    assert book.sheetnames == ["Cán bộ", "Hướng dẫn"]
    sheet = book["Cán bộ"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2" and sheet.column_dimensions["C"].width > 30
    guide = [[c for c in row if c is not None] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    assert any(row[:2] == ["Vai trò", "có"] for row in guide)
    assert ["CB01", "Nguyễn Thị Lan", "UBND tỉnh > Sở Nội vụ > Phòng CCHC", "cán bộ", "LD01"] in guide
    for row in STAFF_ROWS:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    assert run_import(engine, "mau-can-bo.xlsx", out.getvalue()).created == 4

    task_csv = (tmp_path / "mau" / "mau-nhiem-vu.csv").read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(task_csv)))
    values = {
        "Mã nhiệm vụ": "NV010",
        "Nhiệm vụ": "Việc",
        "Người thực hiện": "CB01",
        "Người chịu trách nhiệm": "LD01",
        "Thời hạn": "30/06/2026",
        "Kết quả cần đạt": "Kết quả",
        "Mốc tiến độ": "01/05/2026: Bắt đầu",
    }
    row = [values.get(h, "") for h in header]
    result = run_import(engine, "mau-nhiem-vu.csv", csv_bytes([header, row]))
    assert (result.kind, result.created) == ("tasks", 1)


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def exported(engine, scope: Scope, today: date) -> openpyxl.Workbook:
    with session_scope(engine) as session:
        data = export_tasks(session=session, scope=scope, today=today, tz=TZ)
    return openpyxl.load_workbook(io.BytesIO(data))


def test_export_reflects_reports_and_overdue(tasked):
    at = datetime(2026, 4, 2, 1, 30, tzinfo=UTC)
    with session_scope(tasked) as session:
        lan = staff_by_code(session=session, code="CB01")
        task = task_by_code(session=session, code="NV001")
        add_report(
            session=session,
            task=task,
            staff=lan,
            percent=25,
            status="in_progress",
            note="Bắt đầu",
            at=at - timedelta(days=1),
        )
        add_report(
            session=session, task=task, staff=lan, percent=50, status="in_progress", note="Đã thu 150/300 phiếu", at=at
        )
        done = task_by_code(session=session, code="NV003")
        add_report(
            session=session,
            task=done,
            staff=staff_by_code(session=session, code="CB02"),
            percent=100,
            status="done",
            at=at,
        )
    book = exported(tasked, Scope(everything=True), today=date(2026, 5, 10))
    assert book.sheetnames == ["Nhiệm vụ", "Tổng hợp"]
    sheet = book["Nhiệm vụ"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Mã nhiệm vụ", "Nhiệm vụ", "Người thực hiện"] and header[-1] == "Chỉ tiêu"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:O4"
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == ["NV003", "NV002", "NV001"]  # nearest deadline first

    first = rows["NV001"]
    assert first["Người thực hiện"] == "Nguyễn Thị Lan (CB01)"
    assert first["Người chịu trách nhiệm"] == "Phạm Quốc Hùng (LD01)"
    assert first["Đơn vị chủ trì"] == "UBND tỉnh > Sở Nội vụ > Phòng CCHC"
    assert first["Thời hạn"] == datetime(2026, 6, 30) and first["Tiến độ (%)"] == 50
    assert first["Trạng thái"] == "đang thực hiện" and first["Số ngày quá hạn"] is None
    assert first["Báo cáo gần nhất"] == datetime(2026, 4, 2, 8, 30)  # Hà Nội time
    assert first["Người báo cáo"] == "Nguyễn Thị Lan (CB01)" and first["Ghi chú gần nhất"] == "Đã thu 150/300 phiếu"
    assert first["Chỉ tiêu"] == "CT01 · Tỷ lệ hài lòng SIPAS > 85%"
    assert sheet["G2"].number_format == "dd/mm/yyyy" and sheet["K4"].number_format == "dd/mm/yyyy hh:mm"

    late = rows["NV002"]
    assert late["Trạng thái"] == "quá hạn (chưa bắt đầu)" and late["Số ngày quá hạn"] == 10
    assert late["Báo cáo gần nhất"] is None and late["Người báo cáo"] is None
    assert rows["NV003"]["Trạng thái"] == "hoàn thành" and rows["NV003"]["Số ngày quá hạn"] is None

    summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Ngày xuất"] == datetime(2026, 5, 10)
    assert [summary[s] for s in ("chưa bắt đầu", "đang thực hiện", "vướng mắc", "hoàn thành", "Tổng số")] == [
        1,
        1,
        0,
        1,
        3,
    ]
    assert summary["quá hạn (chưa hoàn thành, đã qua thời hạn)"] == 1


def test_export_keeps_to_the_scope_and_reimports_unchanged(tasked):
    with session_scope(tasked) as session:
        nam = staff_by_code(session=session, code="CB02")
    own = exported(tasked, Scope(staff_id=nam.id), today=date(2026, 5, 10))["Nhiệm vụ"]
    assert [r[0] for r in own.iter_rows(min_row=2, values_only=True)] == ["NV003", "NV002"]

    everything = exported(tasked, Scope(everything=True), today=date(2026, 5, 10))
    out = io.BytesIO()
    everything.save(out)
    before = counts(tasked)
    result = run_import(tasked, "bao-cao.xlsx", out.getvalue())
    assert (result.kind, result.created, result.updated, result.unchanged) == ("tasks", 0, 0, 3)
    assert counts(tasked) == before
