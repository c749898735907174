"""The README's run command: the demo starts, answers a person typing, and quits."""

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_demo_chats_in_the_terminal(tmp_path, db_url):
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "ADMIN_IDS")}
    env.update(DATABASE_URL=db_url, PYTHONPATH=str(ROOT))
    doc = tmp_path / "docs"
    doc.mkdir()
    (doc / "ke-hoach.txt").write_text(
        "Kế hoạch số 15/KH-UBND về cải cách hành chính năm 2023 của tỉnh Quảng Ninh\n"
        "Năm 2023, tỉnh phấn đấu chỉ số SIPAS đạt trên 90%.\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--docs", str(doc)],
        input="/start\nsipas quang ninh 2023\n:admin\n/huongdan\n:thoat\n",
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Đã nạp 1 tài liệu" in out
    assert "Xin chào <b>Nguyễn Thị Lan</b>" in out or "Xin chào Nguyễn Thị Lan" in out
    assert "90%" in out and "15/KH-UBND" in out
    assert "Quản trị" in out  # the admin's help
