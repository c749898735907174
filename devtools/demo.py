"""``python -m bot demo``: the real bot, a local Bot API emulator, and you in the terminal.

No Telegram token is needed: the emulator plays Telegram, the real
``Application`` polls it over HTTP on 127.0.0.1, and what you type is sent as a
message from the person you play: the demo officer, her manager or the admin.

Every message the bot sends says whom it is for (the person and the chat). By
default only the chat of the person you play is shown; a message for someone
else is announced in one line and shown when you switch to that person (or at
once with ``:tatca`` / ``--all``). Files the bot sends (an XLSX export, a
chart) are saved in a folder whose path is printed. While the demo runs,
``python -m bot remind --now --demo`` in another terminal runs one reminder
cycle on the demo's database and sends through the demo's emulator.

Terminal commands (everything else is sent to the bot as a chat message):
    :canbo / :lanhdao / :admin   speak as the demo officer / manager / admin
    :tatca / :rieng          show every chat's messages / only the chat of the person played
    :bam N                   press button N of the last message sent to the person played
    :gui ĐƯỜNG_DẪN           send a file (as a document) to the bot
    :thoat                   quit (so does Ctrl-D)
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.app import run
from bot.settings import Settings
from devtools.demo_data import ADMIN_TELEGRAM_ID, MANAGER_TELEGRAM_ID, OFFICER_TELEGRAM_ID
from devtools.emulator import BotAPIEmulator, FakeUser, SentMessage


@dataclass(frozen=True)
class Persona:
    command: str
    user: FakeUser
    who: str  # name and role, as the demo prints it


OFFICER = FakeUser(id=OFFICER_TELEGRAM_ID, first_name="Lan", last_name="Nguyễn")
MANAGER = FakeUser(id=MANAGER_TELEGRAM_ID, first_name="Hùng", last_name="Phạm")
ADMIN = FakeUser(id=ADMIN_TELEGRAM_ID, first_name="Minh", last_name="Trần")
PERSONAS = {
    p.command: p
    for p in (
        Persona(":canbo", OFFICER, "cán bộ Nguyễn Thị Lan (CB01)"),
        Persona(":lanhdao", MANAGER, "lãnh đạo Phạm Quốc Hùng (LD01, Phòng CCHC)"),
        Persona(":admin", ADMIN, "quản trị viên Trần Văn Minh (QT01)"),
    )
}
SHOW_ALL = (":tatca", ":all")
SHOW_MINE = (":rieng", ":mine")
QUIT = (":thoat", ":quit", ":q")

SESSION_FILE = "demo-session.json"  # in DATA_DIR while the demo runs: what ``remind --now --demo`` needs
FILES_FOLDER = "demo-files"  # in DATA_DIR: the files the bot sent

INTRO = """\
=== Chạy thử Trợ lý phong trào thi đua CCHC (không cần Telegram) ===
Bạn đang là: {who}. Gõ tin nhắn như trên Telegram, ví dụ:
  /start   /nhiemvu   /baocao NV001 50 xong 150 phiếu   /tonghop   chi tieu sipas nam 2022
Đổi vai:  :canbo  :lanhdao  :admin      Bấm nút:  :bam N      Gửi tệp:  :gui TỆP      Thoát:  :thoat
Xem tin của mọi người:  :tatca      Chỉ xem tin của người đang đóng vai:  :rieng
Đang hiện: {shown}.
Tệp bot gửi (XLSX, biểu đồ) được lưu vào: {files}
Cơ sở dữ liệu chạy thử: DATABASE_URL={database}
Chạy một lượt nhắc việc ngay (trong cửa sổ khác, khi bản chạy thử đang mở):
  python -m bot remind --now --demo
Thử vai lãnh đạo (:lanhdao, Phạm Quốc Hùng): /theodoi (việc của phòng; /theodoi vướng mắc, /theodoi chờ duyệt),
  /xem NV007 (việc vướng mắc, có lý do), /xem NV008 (báo cáo 100% kèm minh chứng: «Xác nhận hoàn thành»
  hoặc «Trả lại»), /xem NV001 (đồng chí Lan xin gia hạn: «Đồng ý» / «Từ chối»), /xem NV002 (trao đổi).
  Vai cán bộ (:canbo): /xingiahan NV002 31/12/2030 chờ ý kiến Sở Tư pháp, /traodoi NV002 đã gửi dự thảo.
"""


def demo_database_url(settings: Settings) -> str:
    """The demo's database: DATABASE_URL when set, else ``DATA_DIR/demo.db``."""
    return settings.database_url or f"sqlite:///{settings.data_dir / 'demo.db'}"


def render(message: SentMessage) -> str:
    """HTML of a bot message, readable in a terminal."""
    if message.document is not None:
        return f"  [tệp] {message.file_name} ({len(message.document)} byte) {message.caption or ''}".rstrip()
    if message.photo is not None:
        return f"  [ảnh] {len(message.photo)} byte {message.caption or ''}".rstrip()
    text = message.plain_text if message.plain_text is not None else (message.text or "")
    lines = [("  " + line) for line in text.splitlines()]
    for i, (label, _data) in enumerate(message.buttons(), start=1):
        lines.append(f"  [{i}] {label}")
    return "\n".join(lines)


def save_file(folder: Path, message: SentMessage) -> Path | None:
    """Write the file of a bot message into ``folder`` under a name not yet taken; None if it has none."""
    if message.document is not None:
        data, name = message.document, message.file_name or "tep"
    elif message.photo is not None:
        data = message.photo
        name = f"anh-{message.chat_id}-{message.message_id}" + (".png" if data[:4] == b"\x89PNG" else ".jpg")
    else:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(name).name or "tep"
    path, stem, suffix, n = folder / name, Path(name).stem, Path(name).suffix, 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    path.write_bytes(data)
    return path.resolve()


class TerminalDemo:
    """The person played, which chats are shown, and the messages held for the others."""

    def __init__(self, emu: BotAPIEmulator, *, files: Path, show_all: bool, out: TextIO) -> None:
        self.emu = emu
        self.files = files
        self.show_all = show_all
        self.out = out
        self.persona = PERSONAS[":canbo"]
        self.held: dict[int, list[tuple[SentMessage, Path | None]]] = {}

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def recipient(self, chat_id: int) -> str:
        for persona in PERSONAS.values():
            if persona.user.id == chat_id:
                return f"{persona.who}, chat {chat_id}"
        chat = self.emu._chats.get(chat_id) or {}
        if chat_id < 0:
            return f"nhóm {chat.get('title') or chat_id}"
        return f"người dùng Telegram {chat_id} (không có trong vai chạy thử)"

    def visible(self, chat_id: int) -> bool:
        return self.show_all or chat_id == self.persona.user.id

    def arrived(self, message: SentMessage) -> None:
        """A message of the bot: its file saved, then shown or held for its person."""
        saved = None if message.edited else save_file(self.files, message)
        if self.visible(message.chat_id):
            self.show(message, saved)
            return
        self.held.setdefault(message.chat_id, []).append((message, saved))
        switch = next((p.command for p in PERSONAS.values() if p.user.id == message.chat_id), ":tatca")
        self.say(f"(🔔 Có tin mới cho {self.recipient(message.chat_id)}; gõ {switch} để xem.)")

    def show(self, message: SentMessage, saved: Path | None) -> None:
        verb = " (sửa tin)" if message.edited else ""
        lines = [f"\n🤖 Bot{verb} → {self.recipient(message.chat_id)}:", render(message)]
        if saved is not None:
            lines.append(f"  (đã lưu: {saved})")
        self.say("\n".join(lines) + "\n")

    def release(self) -> None:
        """Show the held messages that are now visible, in the order they came."""
        shown = [chat_id for chat_id in self.held if self.visible(chat_id)]
        waiting = sorted((m.index, m, saved) for chat_id in shown for m, saved in self.held.pop(chat_id))
        for _index, message, saved in waiting:
            self.show(message, saved)

    async def follow(self) -> None:
        """Print what the bot sends, as it comes."""
        cursor = 0
        while True:
            message = await self.emu.wait_for(lambda m: True, after=cursor, timeout=10**9)
            cursor = message.index + 1
            self.arrived(message)

    async def press(self, line: str) -> None:
        mine = self.emu.messages_to(self.persona.user.id)
        last = mine[-1] if mine else None
        buttons = last.buttons() if last else []
        try:
            _label, data = buttons[int(line.split()[1]) - 1]
        except (IndexError, ValueError):
            self.say(f"(Tin cuối gửi {self.persona.who} không có nút đó. Dùng :bam N với N là số thứ tự nút.)")
            return
        assert last is not None  # the button was found on it
        calls, mark = len(self.emu.calls), self.emu.mark()
        query = self.emu.press_button(self.persona.user, last, data)
        try:
            answer = await self.emu.wait_for_call(
                "answerCallbackQuery", lambda p: p.get("callback_query_id") == query, timeout=30, after=calls
            )
            if answer.get("text"):
                self.say(f"(Thông báo nổi: {answer['text']})")
            # What the press changed or sent in this chat, before the next line is read.
            await self.emu.wait_for(lambda m: m.chat_id == last.chat_id, after=mark, timeout=2)
        except TimeoutError:
            pass

    async def handle(self, line: str) -> bool:
        """One line typed; False when the person quits."""
        user = self.persona.user
        if not line:
            return True
        if line in QUIT:
            return False
        if line in PERSONAS:
            self.persona = PERSONAS[line]
            self.say(f"(Bạn đang là {self.persona.who}.)")
            self.release()
        elif line in SHOW_ALL or line in SHOW_MINE:
            self.show_all = line in SHOW_ALL
            self.say("(Hiện tin của mọi người.)" if self.show_all else f"(Chỉ hiện tin gửi {self.persona.who}.)")
            self.release()
        elif line.startswith(":bam"):
            await self.press(line)
        elif line.startswith(":gui"):
            path = Path(line[4:].strip()).expanduser()
            if not path.is_file():
                self.say(f"(Không thấy tệp {path}.)")
            else:
                self.emu.send_document(user, path.name, path.read_bytes())
        else:
            mark = self.emu.mark()
            self.emu.send_text(user, line)
            try:
                await self.emu.wait_for(lambda m: m.chat_id == user.id, after=mark, timeout=30)
            except TimeoutError:
                pass
        return True


def reset_database(settings: Settings) -> str | None:
    """Drop every table of the demo's database (migrations then build it afresh); the reason why not,
    if it holds data that is not the demo's."""
    from sqlalchemy import MetaData, create_engine, inspect, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SAWarning

    from bot.settings import sqlalchemy_url

    url = sqlalchemy_url(demo_database_url(settings))
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not (parsed.database and Path(parsed.database).exists()):
        return None  # nothing yet
    engine = create_engine(url)
    try:
        if "staff" in inspect(engine).get_table_names():
            with engine.connect() as conn:
                staff = conn.execute(text("SELECT code, telegram_id FROM staff")).all()
            if staff and ("QT01", ADMIN_TELEGRAM_ID) not in {(code, tid) for code, tid in staff}:
                return (
                    "cơ sở dữ liệu này không phải của bản chạy thử (không có quản trị viên mẫu QT01): "
                    "không xóa. Đặt DATABASE_URL tới cơ sở dữ liệu chạy thử, hoặc bỏ DATABASE_URL."
                )
        tables = MetaData()
        with warnings.catch_warnings():  # indexes on expressions are not reflected: they go with their tables
            warnings.simplefilter("ignore", SAWarning)
            tables.reflect(bind=engine)
        tables.drop_all(bind=engine)
    finally:
        engine.dispose()
    return None


def _load_documents(settings: Settings, engine, docs: Path, out: TextIO) -> bool:
    from kb.readers import SUPPORTED_EXTENSIONS, DocumentError
    from kb.service import KnowledgeBase

    paths = (
        sorted(
            p
            for p in docs.iterdir()
            if p.suffix.lower() in SUPPORTED_EXTENSIONS and not p.name.lower().startswith("readme")
        )
        if docs.is_dir()
        else [docs]
    )
    try:
        added = KnowledgeBase(engine, keep_versions=settings.kb_keep_versions).add_paths(paths)
    except DocumentError as exc:
        print(f"Không nạp được tài liệu: {exc}", file=sys.stderr)
        return False
    print(f"Đã nạp {len(added)} tài liệu từ {docs}.", file=out, flush=True)
    return True


def _write_session(path: Path, emu: BotAPIEmulator, database_url: str | None) -> None:
    """What ``remind --now --demo`` needs to reach this demo: its database and its emulator (owner-only:
    a PostgreSQL URL may hold a password)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(
        {
            "DATABASE_URL": database_url,
            "TELEGRAM_BOT_TOKEN": emu.token,
            "TELEGRAM_API_BASE_URL": emu.base_url,
            "TELEGRAM_API_FILE_URL": emu.base_file_url,
            "pid": os.getpid(),
        },
        indent=2,
    )
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(body)


def remind_settings(settings: Settings) -> Settings | None:
    """The settings of ``remind --now --demo``: the running demo's database and emulator; None (after
    saying why) when no demo runs."""
    from pydantic import SecretStr

    path = settings.data_dir / SESSION_FILE
    try:
        session = json.loads(path.read_text(encoding="utf-8"))
        os.kill(int(session["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        print(
            f"Bản chạy thử chưa chạy (không thấy {path}): mở `python -m bot demo` trong một cửa sổ khác, "
            "cùng thư mục, rồi chạy lại lệnh này.",
            file=sys.stderr,
        )
        return None
    return settings.model_copy(
        update={
            "database_url": session["DATABASE_URL"],
            "telegram_bot_token": SecretStr(session["TELEGRAM_BOT_TOKEN"]),
            "telegram_api_base_url": session["TELEGRAM_API_BASE_URL"],
            "telegram_api_file_url": session["TELEGRAM_API_FILE_URL"],
        }
    )


async def stdin_line() -> str:
    """The next line typed; "" at the end of input."""
    return await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


async def session(
    settings: Settings,
    *,
    docs: Path | None = None,
    reset: bool = False,
    show_all: bool = False,
    read_line: Callable[[], Awaitable[str]] = stdin_line,
    out: TextIO | None = None,
) -> int:
    """The demo, reading what is typed from ``read_line`` and printing to ``out``; its exit status."""
    from bot.app import prepare_database
    from devtools.demo_data import seed

    out = out or sys.stdout
    settings = settings.model_copy(update={"database_url": demo_database_url(settings)})
    files = (settings.data_dir / FILES_FOLDER).resolve()
    if reset:
        refused = reset_database(settings)
        if refused:
            print(f"Không làm lại được dữ liệu chạy thử: {refused}", file=sys.stderr)
            return 1
        for old in files.glob("*") if files.is_dir() else ():
            old.unlink()
        print("Đã xóa dữ liệu chạy thử cũ.", file=out, flush=True)
    engine = prepare_database(settings)
    if seed(engine, today=datetime.now(settings.tz).date()):
        print("Đã tạo dữ liệu mẫu: 6 cán bộ, 8 nhiệm vụ (xem /nhiemvu, /tonghop, /theodoi).", file=out, flush=True)
    if docs is not None and not _load_documents(settings, engine, docs, out):
        return 1
    try:
        await _converse(settings, engine, files=files, show_all=show_all, read_line=read_line, out=out)
    finally:
        engine.dispose()
    return 0


async def _converse(
    settings: Settings, engine, *, files: Path, show_all: bool, read_line: Callable[[], Awaitable[str]], out: TextIO
) -> None:
    """The real bot polling a fresh emulator, and the person at the terminal, until they quit."""
    from bot.app import build_application, polling
    from devtools.demo_data import share_sample_files

    session_file = settings.data_dir / SESSION_FILE
    # Update ids keep growing from one demo to the next, as Telegram's do: the
    # database remembers which it has handled.
    async with BotAPIEmulator(first_update_id=int(time.time())) as emu:
        share_sample_files(emu)  # the sample evidence, sent back from a task's card
        demo_settings = settings.model_copy(
            update={
                "telegram_api_base_url": emu.base_url,
                "telegram_api_file_url": emu.base_file_url,
                "work_hours": "00:00-24:00",  # the demo's reminders go out at whatever hour it is played
            }
        )
        application = build_application(demo_settings, engine=engine, token=emu.token, rate_limiter=False)
        async with polling(application, timeout=5):
            demo = TerminalDemo(emu, files=files, show_all=show_all, out=out)
            _write_session(session_file, emu, settings.database_url)
            printer = asyncio.create_task(demo.follow())
            demo.say(
                INTRO.format(
                    who=demo.persona.who,
                    files=files,
                    database=settings.database_url,
                    shown="tin của mọi người" if show_all else "chỉ tin gửi người bạn đang đóng vai",
                )
            )
            try:
                while (line := await read_line()) and await demo.handle(line.strip()):
                    pass
                # Let replies to the last messages arrive before closing.
                await emu.wait_idle(timeout=5)
            finally:
                printer.cancel()
                session_file.unlink(missing_ok=True)


def run_demo(settings: Settings, docs: Path | None = None, *, reset: bool = False, show_all: bool = False) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return run(session(settings, docs=docs, reset=reset, show_all=show_all))
    except KeyboardInterrupt:
        return 0
