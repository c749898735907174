"""The demo: the README's run command in a real process, and the demo's loop driven in the test's
event loop (whom each message is for, whose chat is shown, buttons, saved files, ``--reset``, and
``remind --now --demo`` from another process)."""

import asyncio
import io
import os
import struct
import subprocess
import sys
import zlib

from telegram import Bot

from devtools import demo
from devtools.emulator import BotAPIEmulator
from tests.conftest import ROOT


def test_demo_chats_in_the_terminal(tmp_path, db_url):
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "ADMIN_IDS")}
    env.update(DATABASE_URL=db_url, PYTHONPATH=str(ROOT))
    doc = tmp_path / "docs"
    doc.mkdir()
    (doc / "ke-hoach.txt").write_text(
        "Kế hoạch số 15/KH-UBND về cải cách hành chính năm 2023 của tỉnh Quảng Ninh\n"
        "Năm 2023, tỉnh phấn đấu chỉ số SIPAS đạt trên 90%.\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--docs", str(doc), "--all"],
        input="/start\nsipas quang ninh 2023\n:admin\n/huongdan\n:thoat\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Đã nạp 1 tài liệu" in out
    assert "Đang hiện: tin của mọi người." in out  # --all
    assert "Xin chào <b>Nguyễn Thị Lan</b>" in out or "Xin chào Nguyễn Thị Lan" in out
    assert "90%" in out and "15/KH-UBND" in out
    assert "Quản trị" in out  # the admin's help


# --------------------------------------------------------------------------
# The demo's loop, driven in the test's event loop
# --------------------------------------------------------------------------
class Terminal:
    """The keyboard and the screen of the demo: lines typed one by one, what was printed."""

    def __init__(self) -> None:
        self.lines: asyncio.Queue[str] = asyncio.Queue()
        self.out = io.StringIO()
        self.seen = 0

    async def read_line(self) -> str:
        return await self.lines.get()

    def type(self, *lines: str) -> None:
        for line in lines:
            self.lines.put_nowait(line + "\n")

    def since(self) -> str:
        return self.out.getvalue()[self.seen :]

    async def expect(self, text: str, timeout: float = 60) -> str:
        """Wait until ``text`` is printed after what was already expected; the output up to it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while text not in self.since():
            assert loop.time() < deadline, f"{text!r} not printed; since the last one:\n{self.since()}"
            await asyncio.sleep(0.05)
        start, end = self.seen, self.out.getvalue().index(text, self.seen) + len(text)
        self.seen = end
        return self.out.getvalue()[start:end]


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" + b"\x00" * 6 + b"\x00" + b"\x00" * 6))
        + chunk(b"IEND", b"")
    )


async def test_messages_say_whom_they_are_for_and_only_the_played_persons_are_shown(tmp_path):
    out = io.StringIO()
    async with BotAPIEmulator() as emu:
        screen = demo.TerminalDemo(emu, files=tmp_path / "files", show_all=False, out=out)
        follower = asyncio.create_task(screen.follow())
        async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as bot:
            try:
                await bot.send_message(demo.OFFICER.id, "Nhắc việc cho chị Lan")
                await bot.send_message(demo.MANAGER.id, "Báo cáo lãnh đạo: NV003 quá hạn")
                await bot.send_document(demo.MANAGER.id, b"PK fake xlsx", filename="bao-cao.xlsx")
                await emu.wait_for(lambda m: m.file_name == "bao-cao.xlsx")
                await asyncio.sleep(0.1)  # the follower prints
                text = out.getvalue()
                assert "🤖 Bot → cán bộ Nguyễn Thị Lan (CB01), chat 1001:\n  Nhắc việc cho chị Lan" in text
                # The manager's messages are announced, not shown, while the officer is played.
                assert "Báo cáo lãnh đạo" not in text and "bao-cao.xlsx" not in text
                assert (
                    text.count(
                        "(🔔 Có tin mới cho lãnh đạo Phạm Quốc Hùng (LD01, Phòng CCHC), chat 5001; gõ :lanhdao để xem.)"
                    )
                    == 2
                )
                # Every file is saved as it arrives, whoever it is for.
                saved = tmp_path / "files" / "bao-cao.xlsx"
                assert saved.read_bytes() == b"PK fake xlsx"

                mark = len(out.getvalue())
                assert await screen.handle(":lanhdao")
                shown = out.getvalue()[mark:]
                assert shown.index("Báo cáo lãnh đạo: NV003") < shown.index("[tệp] bao-cao.xlsx (12 byte)")
                assert f"(đã lưu: {saved.resolve()})" in shown
                assert "→ lãnh đạo Phạm Quốc Hùng (LD01, Phòng CCHC), chat 5001:" in shown

                # :tatca shows everyone's (a group's too), :rieng only the person's again.
                assert await screen.handle(":tatca")
                emu.group(-100, "Tổ công tác CCHC")
                await bot.send_photo(-100, _png(), caption="Biểu đồ xếp hạng")
                await bot.send_message(demo.ADMIN.id, "Cho quản trị viên")
                await emu.wait_for(lambda m: m.chat_id == demo.ADMIN.id)
                await asyncio.sleep(0.1)
                text = out.getvalue()
                assert "🤖 Bot → nhóm Tổ công tác CCHC:\n  [ảnh]" in text
                assert (tmp_path / "files" / "anh--100-1.png").read_bytes()[:4] == b"\x89PNG"
                assert "→ quản trị viên Trần Văn Minh (QT01), chat 9001:\n  Cho quản trị viên" in text
                assert await screen.handle(":rieng")
                await bot.send_message(demo.OFFICER.id, "Lại cho chị Lan")
                await emu.wait_for(lambda m: m.text == "Lại cho chị Lan")
                await asyncio.sleep(0.1)
                assert "Lại cho chị Lan" not in out.getvalue()
                assert (
                    "(🔔 Có tin mới cho cán bộ Nguyễn Thị Lan (CB01), chat 1001; gõ :canbo để xem.)" in out.getvalue()
                )
                # :bam presses a button of the played person's last message: the manager has none.
                await bot.send_message(
                    demo.OFFICER.id,
                    "Có nút",
                    reply_markup={"inline_keyboard": [[{"text": "Nút của Lan", "callback_data": "x"}]]},
                )
                assert await screen.handle(":bam 1")
                assert "(Tin cuối gửi lãnh đạo Phạm Quốc Hùng (LD01, Phòng CCHC) không có nút đó." in out.getvalue()
                assert emu.pending_updates == []
                assert not await screen.handle(":thoat")
            finally:
                follower.cancel()


async def test_demo_session_buttons_files_remind_and_reset(settings, tmp_path):
    settings = settings.model_copy(update={"data_dir": tmp_path / "data"})
    files = (tmp_path / "data" / "demo-files").resolve()
    session_file = tmp_path / "data" / "demo-session.json"
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "ADMIN_IDS", "DATABASE_URL")}
    env.update(PYTHONPATH=str(ROOT), DATA_DIR=str(tmp_path / "data"))

    terminal = Terminal()
    running = asyncio.create_task(demo.session(settings, read_line=terminal.read_line, out=terminal.out))
    intro = await terminal.expect("python -m bot remind --now --demo")
    assert "Đã tạo dữ liệu mẫu" in intro and f"được lưu vào: {files}" in intro
    assert f"DATABASE_URL={settings.database_url}" in intro
    assert session_file.exists()

    terminal.type("/nhiemvu")
    await terminal.expect("🤖 Bot → cán bộ Nguyễn Thị Lan (CB01), chat 1001:\n  Nhiệm vụ của Nguyễn Thị Lan")
    await terminal.expect("[1] 1. NV001")
    terminal.type(":bam 1")  # the officer's own task list: NV001's card
    await terminal.expect("→ cán bộ Nguyễn Thị Lan (CB01), chat 1001:\n  NV001")
    terminal.type("/baocao NV002 50 xong dự thảo")
    await terminal.expect("NV002")

    terminal.type(":lanhdao", ":bam 1")  # the officer's buttons are not the manager's
    await terminal.expect("(Bạn đang là lãnh đạo Phạm Quốc Hùng (LD01, Phòng CCHC).)")
    await terminal.expect("(Tin cuối gửi lãnh đạo Phạm Quốc Hùng (LD01, Phòng CCHC) không có nút đó.")
    terminal.type("/xuatbaocao")
    await terminal.expect("→ lãnh đạo Phạm Quốc Hùng (LD01, Phòng CCHC), chat 5001:\n  [tệp] bao-cao-nhiem-vu-")
    saved = await terminal.expect(".xlsx)")
    exports = list(files.glob("bao-cao-nhiem-vu-*.xlsx"))
    assert len(exports) == 1 and f"(đã lưu: {exports[0]}" in saved
    assert exports[0].read_bytes()[:2] == b"PK"

    # The quarterly report of two units (one has submitted, one has not) and NV002's milestones.
    from datetime import datetime

    from reminders.calendar import OfficeCalendar
    from tracking import recurrence, series

    quarterly = recurrence.parse("hằng quý ngày 15 tháng cuối quý")
    period = series.reporting_period(quarterly, datetime.now(settings.tz).date(), OfficeCalendar())
    terminal.type("/kybaocao")
    status = await terminal.expect("Chưa nộp")
    assert "Báo cáo CCHC quý" in status and f"kỳ {period.label}" in status and "Đã nộp 1/2" in status
    assert "Nguyễn Thị Lan (CB01)" in status and f"BCQ-CCHC-{period.key.replace('-', '')} (chờ duyệt)" in status
    await terminal.expect(f"Võ Minh Tuấn (CB03) — UBND phường Phú Hội · BCQ-PH-{period.key.replace('-', '')}")
    terminal.type("/dinhky")
    listing = await terminal.expect("BCQ-PH")
    assert "BCQ-CCHC" in listing and "hằng quý ngày 15 tháng cuối quý" in listing
    terminal.type(f"/xem BCQ-PH-{period.key.replace('-', '')}")
    await terminal.expect(f"Báo cáo định kỳ BCQ-PH: hằng quý ngày 15 tháng cuối quý · kỳ {period.label}")
    terminal.type("/xem NV002")
    card = await terminal.expect("Lấy ý kiến các phòng, đơn vị · 0%")
    assert "✅ Mốc 1" in card and "Dự thảo phương án đơn giản hóa · 100%" in card and "Mốc 2" in card

    # One reminder cycle from another process, on the demo's database, through the demo's emulator.
    remind = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "remind",
        "--now",
        "--demo",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(remind.communicate(), 120)
    assert remind.returncode == 0, stderr.decode()
    assert "Quét đến ngày" in stdout.decode()

    terminal.type(":thoat")
    assert await asyncio.wait_for(running, 60) == 0
    assert not session_file.exists()

    # Without a running demo, remind --demo says so.
    alone = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "remind",
        "--now",
        "--demo",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(alone.communicate(), 60)
    assert alone.returncode == 1 and "Bản chạy thử chưa chạy" in stderr.decode()

    # --reset: the sample data afresh (NV002 back to 0%), the saved files gone.
    terminal = Terminal()
    running = asyncio.create_task(demo.session(settings, reset=True, read_line=terminal.read_line, out=terminal.out))
    intro = await terminal.expect("python -m bot remind --now --demo")
    assert "Đã xóa dữ liệu chạy thử cũ." in intro and "Đã tạo dữ liệu mẫu" in intro
    assert not list(files.glob("*"))
    terminal.type("/nhiemvu")
    tasks = await terminal.expect("Bấm một nhiệm vụ")
    assert "NV002" in tasks and "50%" not in tasks
    terminal.type(":thoat")
    assert await asyncio.wait_for(running, 60) == 0

    # A database that is not the demo's is never wiped.
    from sqlalchemy import create_engine, text

    engine = create_engine(settings.sqlalchemy_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE staff SET telegram_id = 123 WHERE code = 'QT01'"))
    engine.dispose()
    refused = demo.reset_database(settings)
    assert refused and "không phải của bản chạy thử" in refused
