"""The command line: ``python -m bot <command>``.

    run [--webhook]          talk to Telegram: long polling, or a webhook server behind a proxy
    check                    check the settings, the database and the bot token, then exit
    demo [--docs DIR] [--reset] [--all]
                             the real bot against the Bot API emulator (devtools/), in the terminal
    ask [--json] QUESTION    answer one question
    kb add PATH... | kb list | kb remove NAME... | kb history [NAME] | kb restore NAME VERSION
    import FILE...           import staff or task sheets (.csv, .xlsx); all or nothing
    template [DIR]           write blank staff and task templates
    remind --now [--demo]    one reminder cycle (scan and send), then exit; --demo: on the running demo
    db upgrade               apply the database migrations
    backup FILE              a consistent copy of the database, also while the bot runs
    restore FILE             put a backup back (refused while a bot runs on the database)
    erase STAFF_CODE [--yes] erase a person's personal data on request

A missing or malformed setting prints one line naming the variable and exits 2;
so does a token Telegram refuses, or a Bot API address where nothing answers as
Telegram does (``bot.startup``). The token is never printed (``bot.logs``).
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import re
import sys
from pathlib import Path

from bot.logs import protect
from bot.settings import Settings, SettingsError
from bot.startup import TelegramRefused, TelegramUnreachable

EXIT_SETTINGS = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="Trợ lý phong trào thi đua cải cách hành chính")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="chạy bot với Telegram (mặc định: long polling)")
    run.add_argument("--webhook", action="store_true",
                     help="nhận cập nhật qua webhook (WEBHOOK_URL, sau reverse proxy) thay vì long polling")
    sub.add_parser("check", help="kiểm tra cấu hình, cơ sở dữ liệu và mã bot rồi thoát")
    demo = sub.add_parser("demo", help="chạy thử bot trong terminal, không cần mã bot")
    demo.add_argument("--docs", type=Path, help="thư mục tài liệu (.txt, .md, .docx, .pdf) nạp trước khi chạy")
    demo.add_argument("--reset", action="store_true", help="xóa dữ liệu chạy thử cũ, bắt đầu lại từ dữ liệu mẫu")
    demo.add_argument("--all", action="store_true", dest="show_all",
                      help="hiện tin của mọi người (mặc định: chỉ tin gửi người đang đóng vai; gõ :tatca / :rieng)")
    ask = sub.add_parser("ask", help="hỏi một câu")
    ask.add_argument("--json", action="store_true", help="in đúng một đối tượng JSON")
    ask.add_argument("question", nargs="+")
    kb = sub.add_parser("kb", help="quản lý tài liệu").add_subparsers(dest="kb_command", required=True)
    kb_add = kb.add_parser("add", help="thêm hoặc thay thế tài liệu")
    kb_add.add_argument("paths", nargs="+", type=Path)
    kb.add_parser("list", help="liệt kê tài liệu")
    kb_rm = kb.add_parser("remove", help="gỡ tài liệu theo tên tệp")
    kb_rm.add_argument("names", nargs="+")
    kb_hist = kb.add_parser("history", help="các phiên bản của một tài liệu, mới nhất trước (không ghi tên: "
                                            "các tệp có phiên bản được lưu)")
    kb_hist.add_argument("name", nargs="?")
    kb_restore = kb.add_parser("restore", help="dùng lại một phiên bản đã lưu của tài liệu")
    kb_restore.add_argument("name")
    kb_restore.add_argument("version", type=int)
    imp = sub.add_parser("import", help="nhập danh sách cán bộ hoặc nhiệm vụ (.csv, .xlsx)")
    imp.add_argument("files", nargs="+", type=Path)
    tpl = sub.add_parser("template", help="ghi các tệp mẫu trống (cán bộ, nhiệm vụ)")
    tpl.add_argument("folder", nargs="?", type=Path, default=Path("."))
    remind = sub.add_parser("remind", help="nhắc việc, gửi tổng hợp")
    remind.add_argument("--now", action="store_true", required=True, help="quét và gửi một lượt rồi thoát")
    remind.add_argument("--demo", action="store_true",
                        help="trên bản chạy thử đang mở (python -m bot demo): cơ sở dữ liệu và Telegram giả lập của nó")
    backup = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu (được cả khi bot đang chạy)")
    backup.add_argument("file", type=Path)
    restore = sub.add_parser("restore", help="khôi phục cơ sở dữ liệu từ bản sao lưu (bot phải dừng)")
    restore.add_argument("file", type=Path)
    erase = sub.add_parser("erase", help="xoá dữ liệu cá nhân của một cán bộ theo yêu cầu")
    erase.add_argument("code")
    erase.add_argument("--yes", action="store_true", help="không hỏi lại")
    db = sub.add_parser("db", help="cơ sở dữ liệu").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="áp dụng migration")
    return p


def _kb(settings: Settings):
    from kb.readers import DocumentCaps
    from kb.service import KnowledgeBase
    from storage.db import open_database

    return KnowledgeBase(open_database(settings.sqlalchemy_url), DocumentCaps.from_settings(settings),
                         keep_versions=settings.kb_keep_versions)


def cmd_ask(settings: Settings, args) -> int:
    from kb.intents import small_talk

    question = " ".join(args.question)
    kind = small_talk(question)
    if kind is not None:
        # A greeting or thanks is answered as in chat: not a question to the documents.
        from bot.texts import small_talk_reply

        reply = html.unescape(re.sub(r"<[^>]+>", "", small_talk_reply(kind)))
        if args.json:
            print(json.dumps({"found": False, "answer": reply, "sources": []}, ensure_ascii=False))
        else:
            print(reply)
        return 0
    answer = _kb(settings).ask(question)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
        return 0
    if answer.found:
        from bot.texts import plain_citation

        src = answer.sources[0]
        print(answer.text)
        print(f"\nNguồn: {plain_citation(src)} · tệp {src.file}")
    else:
        print("Không tìm thấy câu trả lời trong các tài liệu hiện có.")
    return 0


def cmd_kb(settings: Settings, args) -> int:
    from kb.readers import DocumentError

    kb = _kb(settings)
    if args.kb_command == "add":
        try:
            added = kb.add_paths(args.paths)
        except DocumentError as exc:
            print(f"Lỗi: {exc}\nKhông có tài liệu nào được lưu.", file=sys.stderr)
            return 1
        for item in added:
            verb = "thay thế" if item.replaced else "thêm"
            cited = item.number or (item.reports_on and f"bài viết về {item.reports_on}")
            print(f"Đã {verb}: {item.file_name} — {item.title}" + (f" [{cited}]" if cited else ""))
        return 0
    if args.kb_command == "list":
        from bot.texts import plain_citation

        docs = kb.documents()
        if not docs:
            print("Chưa có tài liệu nào. Thêm bằng: python -m bot kb add TỆP...")
        for d in docs:
            print(f"{d.file_name}\t{plain_citation(d)}")
        return 0
    if args.kb_command == "history":
        return _kb_history(kb, settings, args.name)
    if args.kb_command == "restore":
        from kb.service import HistoryError

        try:
            done = kb.restore(args.name, args.version)
        except HistoryError as exc:
            print(f"Lỗi: {exc}\nKhông có gì thay đổi. Xem các phiên bản: python -m bot kb history {Path(args.name).name}",
                  file=sys.stderr)
            return 1
        print(f"Đã khôi phục {done.file_name} phiên bản {done.restored}, nay là phiên bản {done.version}: {done.title}")
        if done.previous is not None:
            print(f"Bản đang dùng trước đó (phiên bản {done.previous}) được lưu lại: "
                  f"python -m bot kb restore {done.file_name} {done.previous} để quay lại.")
        return 0
    status = 0
    for name in args.names:
        removed = kb.remove(name)
        if removed:
            print(f"Đã gỡ: {name}" + (f" (phiên bản {removed.version} được lưu: python -m bot kb restore "
                                       f"{removed.file_name} {removed.version})" if removed.kept else ""))
        else:
            print(f"Không có tài liệu tên «{name}».", file=sys.stderr)
            status = 1
    return status


def _kb_history(kb, settings: Settings, name: str | None) -> int:
    """``kb history``: a file's versions, newest first; without a name, the files with kept versions."""
    from bot.texts import RETIRED_HOW
    from tracking.views import local

    tz = settings.tz
    if not name:
        files, total = kb.files_with_history(limit=1000)
        if not files:
            print("Chưa có tài liệu nào bị thay hoặc gỡ, nên chưa có phiên bản nào được lưu.")
        for f in files:
            state = f"đang dùng phiên bản {f.current}" if f.current is not None else "đã gỡ"
            print(f"{f.file_name}\t{f.versions} phiên bản lưu\t{state}\tthay đổi lúc {local(f.last_change, tz)}")
        if total > len(files):
            print(f"… và {total - len(files)} tệp khác.")
        return 0
    found = kb.history(name)
    if found is None:
        print(f"Không có tài liệu hay phiên bản cũ nào tên «{Path(name).name}». Xem các tệp có lịch sử: "
              "python -m bot kb history", file=sys.stderr)
        return 1
    print(f"{found.file_name}: {len(found.versions)} phiên bản, mới nhất trước"
          + ("" if found.current is not None else " (tệp đã gỡ)"))
    for v in found.versions:
        when = (f"đang dùng, từ {local(v.added_at, tz)}" if v.retired_at is None else
                f"{local(v.added_at, tz)} → {local(v.retired_at, tz)} ({RETIRED_HOW.get(v.retired_how, v.retired_how)})")
        print(f"phiên bản {v.version}\t{when}\tsha256 {v.sha256}\t{v.size_bytes} byte\t{v.title}")
    if found.kept:
        print(f"Khôi phục: python -m bot kb restore {found.file_name} {found.kept[0].version}")
    return 0


def cmd_import(settings: Settings, args) -> int:
    """Import each file in order (staff before tasks); one transaction for all,
    so a bad file leaves the database as it was."""
    from tracking.service import cli_actor
    from tracking.sheets import SheetCaps, SheetError, import_sheet
    from storage.db import open_database, session_scope

    actor = cli_actor()
    caps = SheetCaps.from_settings(settings)
    results = []
    try:
        with session_scope(open_database(settings.sqlalchemy_url)) as session:
            for path in args.files:
                current = path
                if not path.is_file():
                    raise SheetError([f"không thấy tệp {path}"])
                results.append((path, import_sheet(session=session, file_name=path.name, data=path.read_bytes(),
                                                   actor=None, actor_name=actor.name, caps=caps)))
    except SheetError as exc:
        print(f"Không nhập được {current.name}; không có gì được ghi.\n{exc}", file=sys.stderr)
        return 1
    for path, result in results:
        print(f"{path.name}: {result.summary()}")
    return 0


def cmd_remind(settings: Settings) -> int:
    """One scan-and-dispatch cycle, for cron and for tests."""
    from datetime import timedelta

    from telegram import Bot

    from telegram.error import InvalidToken, NetworkError

    from bot.app import run
    from bot.startup import get_me, refusal_of, unreachable
    from bot.ptb.transport import AiohttpRequest
    from bot.workers import Exports
    from reminders.cycle import ReminderCycle
    from reminders.dispatch import Dispatcher
    from reminders.recovery import Presence
    from reminders.scan import ScanConfig
    from storage.db import open_database

    async def once() -> int:
        await get_me(settings)  # a refused token or an unreachable Telegram: one line, before anything else
        engine = open_database(settings.sqlalchemy_url)
        bot = Bot(settings.token(), base_url=settings.telegram_api_base_url,
                  base_file_url=settings.telegram_api_file_url, request=AiohttpRequest())
        exports = Exports(engine, processes=settings.export_workers)
        try:
            # Among the processes sending the outbox while it runs (reminders/recovery.py).
            presence = Presence(engine, gone_after=timedelta(seconds=settings.process_gone_seconds))
            async with bot, presence.running(settings.process_heartbeat_seconds):
                dispatcher = Dispatcher(engine, bot, lease=timedelta(seconds=settings.outbox_lease_seconds),
                                        presence=presence)
                result = await ReminderCycle(engine, bot, ScanConfig.from_settings(settings),
                                             dispatcher=dispatcher, exports=exports,
                                             retention=timedelta(days=settings.retention_days)).run()
        except InvalidToken as exc:  # refused since get_me: the cycle itself keeps a failed send for later
            raise refusal_of(exc, settings) from None
        except NetworkError as exc:
            raise unreachable(settings, str(exc).strip().splitlines()[0][:300] if str(exc).strip()
                              else type(exc).__name__) from None
        finally:
            exports.close()
            engine.dispose()
        d = result.dispatch
        print(f"Quét đến ngày {result.scan.scanned_through:%d/%m/%Y}: {result.scan.messages} tin nhắc, "
              f"{result.scan.digests} bản tổng hợp mới. Đã gửi {d.sent}, chờ gửi lại {d.retried + d.rate_limited}, "
              f"không liên lạc được {d.unreachable}, lỗi {d.failed}."
              + (f" Bỏ qua {result.scan.failed} mục không lập được (quản trị viên được báo; thử lại ở lượt sau)."
                 if result.scan.failed else ""))
        return 0 if not d.failed else 1

    return run(once())


def cmd_template(args) -> int:
    from tracking.sheets import write_templates

    for path in write_templates(args.folder):
        print(f"Đã ghi {path}")
    return 0


def cmd_run(settings: Settings, args) -> int:
    import asyncio

    from telegram import Update
    from telegram.error import InvalidToken

    from bot.app import build_application, new_event_loop, run
    from bot.logs import setup_logging
    from bot.startup import refusal_of, wait_for_telegram

    token = settings.token()
    if args.webhook and not settings.webhook_url:
        raise SettingsError("WEBHOOK_URL", "cần cho chế độ --webhook: địa chỉ https:// công khai mà reverse proxy "
                                           "chuyển về WEBHOOK_LISTEN:WEBHOOK_PORT")
    secret = settings.webhook_secret_token() if args.webhook else ""
    setup_logging(settings.log_level, [token, secret] if secret else [token])
    # Telegram must know the token at this address: one line and exit 2 if not, before the database
    # is touched; while it cannot be reached, a warning a try (PTB's own start retries silently).
    run(wait_for_telegram(settings))
    application = build_application(settings)
    # PTB's run_polling / run_webhook run on the current event loop: the bot's (uvloop where installed).
    asyncio.set_event_loop(new_event_loop())
    try:
        if args.webhook:
            # Several processes may run this behind one proxy: each sets the same
            # webhook, and the database makes each update handled once.
            application.run_webhook(
                listen=settings.webhook_listen, port=settings.webhook_port, url_path=settings.webhook_path,
                webhook_url=settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES,
                max_connections=settings.webhook_max_connections, drop_pending_updates=False, bootstrap_retries=-1,
            )
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False,
                                    bootstrap_retries=-1)
    except InvalidToken as exc:  # refused after the first getMe (setWebhook, setMyCommands...): PTB stopped
        raise refusal_of(exc, settings) from None
    return 0


def cmd_check(settings: Settings) -> int:
    from bot.check import run_checks

    return run_checks(settings)


def cmd_demo(settings: Settings, args) -> int:
    from devtools.demo import run_demo

    return run_demo(settings, docs=args.docs, reset=args.reset, show_all=args.show_all)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        _protect(settings)
        if args.command == "ask":
            logging.basicConfig(level=logging.WARNING)
            return cmd_ask(settings, args)
        if args.command == "kb":
            logging.basicConfig(level=logging.WARNING)
            return cmd_kb(settings, args)
        if args.command == "template":
            return cmd_template(args)
        if args.command == "import":
            logging.basicConfig(level=logging.WARNING)
            return cmd_import(settings, args)
        if args.command == "remind":
            logging.basicConfig(level=logging.WARNING)
            if args.demo:
                from devtools.demo import remind_settings

                settings = remind_settings(settings)
                if settings is None:
                    return 1
            return cmd_remind(settings)
        if args.command == "db":
            from storage.db import upgrade

            upgrade(settings.sqlalchemy_url)
            print("Cơ sở dữ liệu đã ở phiên bản mới nhất.")
            return 0
        if args.command in ("backup", "restore", "erase"):
            from bot import maintenance

            logging.basicConfig(level=logging.WARNING)
            if args.command == "erase":
                return maintenance.cmd_erase(settings, args.code, yes=args.yes)
            return (maintenance.cmd_backup if args.command == "backup" else maintenance.cmd_restore)(settings,
                                                                                                 args.file)
        if args.command == "run":
            return cmd_run(settings, args)
        if args.command == "check":
            return cmd_check(settings)
        if args.command == "demo":
            return cmd_demo(settings, args)
    except SettingsError as exc:
        print(f"Lỗi cấu hình {exc.variable}: {exc.reason}", file=sys.stderr)
        return EXIT_SETTINGS
    except TelegramRefused as exc:
        print(f"Không khởi động được: {exc}", file=sys.stderr)
        return EXIT_SETTINGS
    except TelegramUnreachable as exc:
        print(f"Không khởi động được: {exc}", file=sys.stderr)
        return 1
    return 1


def _protect(settings: Settings) -> None:
    """The token and the webhook secret are masked in whatever this process writes or sends."""
    if settings.telegram_bot_token is not None:
        protect(settings.telegram_bot_token.get_secret_value())
    try:
        protect(settings.webhook_secret_token(), sent=True)  # setWebhook sends it
    except SettingsError:  # no token, or a malformed one: said by the commands that need it
        pass
