"""``python -m bot demo``: the real bot, a local Bot API emulator, and you in the terminal.

No Telegram token is needed: the emulator built into the project plays
Telegram, the real ``Application`` polls it over HTTP on 127.0.0.1, and what
you type is sent as a message from a demo officer or a demo admin.

Terminal commands (everything else is sent to the bot as a chat message):
    :canbo / :lanhdao / :admin   speak as the demo officer / manager / admin
    :bam N                   press button N of the bot's last message
    :gui ĐƯỜNG_DẪN           send a file (as a document) to the bot
    :thoat                   quit (so does Ctrl-D)
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from datetime import datetime
from pathlib import Path

from bot.app import run
from devtools.emulator import BotAPIEmulator, FakeUser, SentMessage
from bot.settings import Settings

OFFICER = FakeUser(id=1001, first_name="Lan", last_name="Nguyễn")
MANAGER = FakeUser(id=5001, first_name="Hùng", last_name="Phạm")
ADMIN = FakeUser(id=9001, first_name="Minh", last_name="Trần")
PERSONAS = {
    ":canbo": (OFFICER, "cán bộ Nguyễn Thị Lan (CB01)"),
    ":lanhdao": (MANAGER, "lãnh đạo Phạm Quốc Hùng (LD01, Phòng CCHC)"),
    ":admin": (ADMIN, "quản trị viên Trần Văn Minh (QT01)"),
}

INTRO = """\
=== Chạy thử Trợ lý phong trào thi đua CCHC (không cần Telegram) ===
Bạn đang là: {who}. Gõ tin nhắn như trên Telegram, ví dụ:
  /start   /nhiemvu   /baocao NV001 50 xong 150 phiếu   /tonghop   chi tieu sipas nam 2022
Đổi vai:  :canbo  :lanhdao  :admin      Bấm nút:  :bam N      Gửi tệp:  :gui TỆP      Thoát:  :thoat
"""


def render(message: SentMessage) -> str:
    """HTML of a bot message, readable in a terminal."""
    if message.document is not None:
        return f"[tệp] {message.file_name} ({len(message.document)} byte) {message.caption or ''}".strip()
    if message.photo is not None:
        return f"[ảnh] {len(message.photo)} byte {message.caption or ''}".strip()
    text = message.plain_text if message.plain_text is not None else (message.text or "")
    lines = [("  " + line) for line in text.splitlines()]
    for i, (label, _data) in enumerate(message.buttons(), start=1):
        lines.append(f"  [{i}] {label}")
    return "\n".join(lines)


async def _printer(emu: BotAPIEmulator, state: dict) -> None:
    cursor = 0
    while True:
        message = await emu.wait_for(lambda m: True, after=cursor, timeout=10**9)
        cursor = emu.sent.index(message) + 1
        if message.method in ("setMyCommands", "sendChatAction"):
            continue
        state["last"] = message
        verb = "(sửa) " if message.edited else ""
        print(f"\n🤖 {verb}Bot:\n{render(message)}\n", flush=True)


async def _demo(settings: Settings, docs: Path | None) -> int:
    from bot.app import build_application, polling, prepare_database
    from kb.readers import SUPPORTED_EXTENSIONS, DocumentError
    from kb.service import KnowledgeBase

    from bot.demo_data import seed

    engine = prepare_database(settings)
    tz = settings.tz
    if seed(engine, today=datetime.now(tz).date()):
        print("Đã tạo dữ liệu mẫu: 6 cán bộ, 6 nhiệm vụ (xem /nhiemvu, /tonghop).")
    if docs is not None:
        paths = sorted(p for p in docs.iterdir() if p.suffix.lower() in SUPPORTED_EXTENSIONS
                           and not p.name.lower().startswith("readme")) if docs.is_dir() else [docs]
        try:
            added = KnowledgeBase(engine, keep_versions=settings.kb_keep_versions).add_paths(paths)
            print(f"Đã nạp {len(added)} tài liệu từ {docs}.")
        except DocumentError as exc:
            print(f"Không nạp được tài liệu: {exc}", file=sys.stderr)
            return 1
    # Update ids keep growing from one demo to the next, as Telegram's do: the
    # database remembers which it has handled.
    async with BotAPIEmulator(first_update_id=int(time.time())) as emu:
        demo_settings = settings.model_copy(update={
            "telegram_api_base_url": emu.base_url,
            "telegram_api_file_url": emu.base_file_url,
        })
        application = build_application(demo_settings, engine=engine, token=emu.token, rate_limiter=False)
        async with polling(application, timeout=5):
            state: dict = {"user": OFFICER, "last": None}
            printer = asyncio.create_task(_printer(emu, state))
            print(INTRO.format(who=PERSONAS[":canbo"][1]), flush=True)
            loop = asyncio.get_running_loop()
            try:
                while True:
                    line = await loop.run_in_executor(None, sys.stdin.readline)
                    if not line:
                        break
                    line = line.strip()
                    if not line:
                        continue
                    user: FakeUser = state["user"]
                    if line in (":thoat", ":quit", ":q"):
                        break
                    if line in PERSONAS:
                        state["user"], who = PERSONAS[line]
                        print(f"(Bạn đang là {who}.)", flush=True)
                        continue
                    if line.startswith(":bam"):
                        last = state["last"]
                        buttons = last.buttons() if last else []
                        try:
                            label, data = buttons[int(line.split()[1]) - 1]
                        except (IndexError, ValueError):
                            print("(Không có nút đó. Dùng :bam N với N là số thứ tự nút.)", flush=True)
                            continue
                        emu.press_button(user, last, data)
                        continue
                    if line.startswith(":gui"):
                        path = Path(line[4:].strip()).expanduser()
                        if not path.is_file():
                            print(f"(Không thấy tệp {path}.)", flush=True)
                            continue
                        emu.send_document(user, path.name, path.read_bytes())
                        continue
                    mark = emu.mark()
                    emu.send_text(user, line)
                    try:
                        await emu.wait_for(lambda m: m.chat_id == user.id, after=mark, timeout=30)
                    except asyncio.TimeoutError:
                        pass
                # Let replies to the last messages arrive before closing.
                await emu.wait_idle(timeout=5)
            finally:
                printer.cancel()
    return 0


def run_demo(settings: Settings, docs: Path | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if settings.database_url is None:
        settings = settings.model_copy(update={"database_url": f"sqlite:///{settings.data_dir / 'demo.db'}"})
    try:
        return run(_demo(settings, docs))
    except KeyboardInterrupt:
        return 0
