"""The command line, run as a user would: ``python -m bot ...`` in a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def run(args: list[str], env_extra: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "BOT_TIMEZONE")
    }
    env.update(env_extra)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


@pytest.fixture
def env(db_url: str) -> dict[str, str]:
    return {"DATABASE_URL": db_url}


@pytest.mark.parametrize(
    "variable,value",
    [
        ("ADMIN_IDS", "12,abc"),
        ("BOT_TIMEZONE", "Mars/Olympus"),
        ("DATABASE_URL", "mysql://x"),
        ("TELEGRAM_API_BASE_URL", "ftp://x"),
    ],
)
def test_malformed_setting_is_one_line_exit_2(tmp_path, variable, value):
    proc = run(["kb", "list"], {variable: value}, tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr


def test_run_without_token_says_which_variable(tmp_path, env):
    proc = run(["run"], env, tmp_path)
    assert proc.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in proc.stderr and "Traceback" not in proc.stderr


def test_env_file_is_read(tmp_path):
    (tmp_path / ".env").write_text("ADMIN_IDS=not-a-number\n", encoding="utf-8")
    proc = run(["kb", "list"], {}, tmp_path)
    assert proc.returncode == 2 and "ADMIN_IDS" in proc.stderr


def test_kb_add_list_replace_remove_and_ask(tmp_path, env):
    doc = tmp_path / "ke-hoach-15.md"
    doc.write_text(
        "# Kế hoạch cải cách hành chính năm 2023 của tỉnh Quảng Ninh\n\n"
        "Ngày 05/01/2023, UBND tỉnh Quảng Ninh ban hành Kế hoạch số 15/KH-UBND.\n\n"
        "Năm 2023, tỉnh phấn đấu chỉ số SIPAS đạt trên 90%.\n",
        encoding="utf-8",
    )
    bad = tmp_path / "anh.png"
    bad.write_bytes(b"\x89PNG....")
    proc = run(["kb", "add", str(doc), str(bad)], env, tmp_path)
    assert proc.returncode == 1 and "không được hỗ trợ" in proc.stderr
    assert "Chưa có tài liệu" in run(["kb", "list"], env, tmp_path).stdout  # all or nothing

    proc = run(["kb", "add", str(doc)], env, tmp_path)
    assert proc.returncode == 0 and "Đã thêm" in proc.stdout and "15/KH-UBND" in proc.stdout
    proc = run(["kb", "add", str(doc)], env, tmp_path)
    assert "Đã thay thế" in proc.stdout
    listing = run(["kb", "list"], env, tmp_path).stdout
    assert listing.count("ke-hoach-15.md") == 1 and "05/01/2023" in listing

    proc = run(["ask", "--json", "chi so sipas quang ninh 2023"], env, tmp_path)
    out = json.loads(proc.stdout)  # exactly one JSON object
    assert out["found"] is True and "90%" in out["answer"]
    assert out["sources"][0]["file"] == "ke-hoach-15.md" and isinstance(out["sources"][0]["score"], float)
    assert set(out) == {"found", "answer", "sources"}
    proc = run(["ask", "--json", "lương cơ sở năm 2024"], env, tmp_path)
    assert json.loads(proc.stdout)["found"] is False
    proc = run(["ask", "chi so sipas quang ninh 2023"], env, tmp_path)
    assert "90%" in proc.stdout and "Nguồn:" in proc.stdout
    # A greeting is not a question to the documents: a short reply, nothing found, no source.
    out = json.loads(run(["ask", "--json", "Xin chào bot!"], env, tmp_path).stdout)
    assert out["found"] is False and out["sources"] == [] and "đồng chí" in out["answer"]

    assert run(["kb", "remove", "ke-hoach-15.md"], env, tmp_path).returncode == 0
    assert run(["kb", "remove", "ke-hoach-15.md"], env, tmp_path).returncode == 1


def test_kb_history_and_restore_from_the_command_line(tmp_path, env):
    """A replacement that made the bot answer 50% instead of 85%, then a removal: both in the audit
    log, both versions listed with their checksums, and the first brought back."""
    import hashlib

    doc = tmp_path / "ke-hoach-15.md"
    good = (
        "# Kế hoạch cải cách hành chính năm 2023 của tỉnh Quảng Ninh\n\n"
        "Năm 2023, tỉnh phấn đấu chỉ số SIPAS đạt trên 85%.\n"
    ).encode()
    bad = good.replace(b"85%", b"50%")
    question = ["ask", "--json", "chi so sipas quang ninh 2023"]
    doc.write_bytes(good)
    assert run(["kb", "add", str(doc)], env, tmp_path).returncode == 0
    assert "85%" in json.loads(run(question, env, tmp_path).stdout)["answer"]
    doc.write_bytes(bad)
    assert run(["kb", "add", str(doc)], env, tmp_path).returncode == 0
    assert "50%" in json.loads(run(question, env, tmp_path).stdout)["answer"]
    proc = run(["kb", "remove", "ke-hoach-15.md"], env, tmp_path)
    assert proc.returncode == 0 and "kb restore ke-hoach-15.md 2" in proc.stdout
    assert json.loads(run(question, env, tmp_path).stdout)["found"] is False

    good_sha, bad_sha = hashlib.sha256(good).hexdigest(), hashlib.sha256(bad).hexdigest()
    proc = run(["kb", "history"], env, tmp_path)
    assert proc.returncode == 0 and "ke-hoach-15.md" in proc.stdout and "đã gỡ" in proc.stdout
    proc = run(["kb", "history", "ke-hoach-15.md"], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("phiên bản")]
    assert len(lines) == 2 and lines[0].startswith("phiên bản 2") and lines[1].startswith("phiên bản 1")
    assert bad_sha in lines[0] and "(gỡ)" in lines[0] and good_sha in lines[1] and "(thay bằng bản mới)" in lines[1]
    assert all(re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d → \d\d/\d\d/\d{4} \d\d:\d\d", line) for line in lines)

    proc = run(["kb", "restore", "ke-hoach-15.md", "5"], env, tmp_path)
    assert proc.returncode == 1 and "không có phiên bản 5" in proc.stderr and "Không có gì thay đổi" in proc.stderr
    proc = run(["kb", "restore", "khong-co.md", "1"], env, tmp_path)
    assert proc.returncode == 1 and "Không có tài liệu hay phiên bản cũ nào" in proc.stderr
    assert run(["kb", "history", "khong-co.md"], env, tmp_path).returncode == 1
    proc = run(["kb", "restore", "ke-hoach-15.md", "1"], env, tmp_path)
    assert proc.returncode == 0 and "phiên bản 1, nay là phiên bản 3" in proc.stdout, proc.stderr
    assert "85%" in json.loads(run(question, env, tmp_path).stdout)["answer"]
    proc = run(["kb", "history", "ke-hoach-15.md"], env, tmp_path)
    assert "phiên bản 3\tđang dùng" in proc.stdout and good_sha in proc.stdout.splitlines()[1]

    from sqlalchemy import select

    from storage.db import make_engine, session_scope
    from storage.models import AuditEntry

    engine = make_engine(env["DATABASE_URL"])
    with session_scope(engine) as session:
        audit = [
            (e.actor, e.action, e.entity_code, e.old_value, e.new_value)
            for e in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
        ]
    engine.dispose()
    assert audit == [
        ("dòng lệnh", "document_add", "ke-hoach-15.md", "", good_sha),
        ("dòng lệnh", "document_replace", "ke-hoach-15.md", good_sha, bad_sha),
        ("dòng lệnh", "document_remove", "ke-hoach-15.md", bad_sha, ""),
        ("dòng lệnh", "document_restore", "ke-hoach-15.md", "", good_sha),
    ]


def test_db_upgrade_is_idempotent(tmp_path, empty_db_url):
    for _ in range(2):  # the first migrates the empty database, the second has nothing to do
        proc = run(["db", "upgrade"], {"DATABASE_URL": empty_db_url}, tmp_path)
        assert proc.returncode == 0, proc.stderr


@pytest.mark.unit
def test_token_never_logged():
    import logging

    from bot.logs import RedactToken

    token = "1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST https://api.telegram.org/bot%s/getUpdates", (token,), None
    )
    RedactToken([token]).filter(record)
    assert token not in record.getMessage() and "<token>" in record.getMessage()


def test_template_then_import_from_the_command_line(tmp_path, env):
    """The README's import path: write the templates, fill them, import; a bad file changes nothing."""
    made = run(["template", str(tmp_path / "mau")], env, tmp_path)
    assert made.returncode == 0, made.stderr
    names = sorted(p.name for p in (tmp_path / "mau").iterdir())
    assert names == [
        "mau-can-bo.csv",
        "mau-can-bo.xlsx",
        "mau-lich-co-quan.csv",
        "mau-lich-co-quan.xlsx",
        "mau-nhiem-vu.csv",
        "mau-nhiem-vu.xlsx",
    ]

    staff = tmp_path / "can-bo.csv"
    header = (tmp_path / "mau" / "mau-can-bo.csv").read_text(encoding="utf-8-sig").strip()
    staff.write_text(
        header + "\n"
        "CB01,Nguyễn Thị Lan,Sở Nội vụ > Phòng CCHC,cán bộ,,LD01\n"
        "LD01,Phạm Quốc Hùng,Sở Nội vụ > Phòng CCHC,lãnh đạo,,\n",
        encoding="utf-8-sig",
    )
    tasks = tmp_path / "nhiem-vu.csv"
    tasks.write_text(
        "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt\n"
        "NV001,Khảo sát SIPAS,CB01,LD01,31/12/2030,Báo cáo khảo sát\n",
        encoding="utf-8",
    )
    done = run(["import", str(staff), str(tasks)], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "can-bo.csv" in done.stdout and "nhiem-vu.csv" in done.stdout

    bad = tmp_path / "sai.csv"
    bad.write_text(
        "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt\n"
        "NV002,Việc mới,CB01,LD01,30/06/2030,Kết quả\n"
        "NV003,Việc khác,CB01,LD01,31/02/2030,Kết quả\n",
        encoding="utf-8",
    )
    refused = run(["import", str(bad)], env, tmp_path)
    assert refused.returncode == 1
    assert "Dòng 3" in refused.stderr and "không có gì được ghi" in refused.stderr

    from storage.db import make_engine, session_scope
    from storage.tracking import task_by_code

    engine = make_engine(env["DATABASE_URL"])
    with session_scope(engine) as session:
        assert task_by_code(session=session, code="NV001") is not None
        assert task_by_code(session=session, code="NV002") is None
    engine.dispose()
