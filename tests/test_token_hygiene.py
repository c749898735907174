"""The bot token is never printed: not in the log, a traceback, stderr, ``check``'s report or an
error report to the admins (issue 18, point 3).

Real ``python -m bot`` processes start against the emulator on 127.0.0.1 while Telegram refuses:
401 (a wrong token), 404 (a valid token, ``TELEGRAM_API_BASE_URL`` mistyped; or Telegram's own
JSON 404), or a refusal after ``getMe`` has passed. Every output of the process is searched for
the token as it is, URL-encoded and for its secret part, and the process must stop with one line
naming the setting to check."""

from __future__ import annotations

import asyncio
import io
import logging
import traceback
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, quote_plus

import pytest

from tests.conftest import ADMIN_ID
from tests.data import NOW, Clock
from tests.processes import PUBLIC_WEBHOOK, BotProcess, bot_env, free_port, run_cli

# As BotFather issues them: the bot's id, a colon, 35 characters of secret.
TOKEN = "7312045698:AAFq3xZr9K-vLm2Tn8Wp_QeYs5Hd7Jc4UbA"
WRONG = "7312045698:AAHe1Vb_4sQk9Zt-Lx2Pm7Ny0Rc3Wd8FgJo"


def forms(token: str) -> list[str]:
    secret = token.split(":", 1)[1]
    return [token, quote(token, safe=""), quote_plus(token), secret]


def leaks(text: str, *tokens: str) -> list[str]:
    return [form for token in tokens for form in forms(token) if form in text]


def files_leaking(folder: Path, *tokens: str) -> list[str]:
    """Every file the process left in its working folder (its SQLite database too): none may
    hold the token."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {form}" for token in tokens for form in forms(token) if form.encode() in data]
    return found


@pytest.fixture
async def telegram():
    from devtools.emulator import BotAPIEmulator

    async with BotAPIEmulator(token=TOKEN) as emu:
        yield emu


COMMANDS = {"run": ["run"], "run --webhook": ["run", "--webhook"], "remind --now": ["remind", "--now"]}


def refused_env(telegram, db_url: str, command: str, failure: str) -> tuple[dict[str, str], str]:
    """The process's environment for ``failure``, and the line it must stop with."""
    extra: dict[str, str] = {}
    if command == "run --webhook":
        extra.update(WEBHOOK_URL=PUBLIC_WEBHOOK, WEBHOOK_PORT=str(free_port()))
    if failure == "401":  # a token Telegram does not know: 401 to every call
        extra["TELEGRAM_BOT_TOKEN"] = WRONG
        line = "Không khởi động được: Telegram từ chối mã bot: TELEGRAM_BOT_TOKEN sai hoặc đã bị thu hồi"
    elif failure == "404 address":  # the valid token, the address mistyped: no Bot API there
        base = telegram.base_url.replace("/bot", "/api/bot")
        extra["TELEGRAM_API_BASE_URL"] = base
        line = f"Không khởi động được: Không có Bot API tại {base} (404 Not Found): kiểm tra TELEGRAM_API_BASE_URL"
    elif failure == "404 json":  # Telegram's own answer to a malformed token: JSON, 404
        telegram.fault = lambda method, params: {"status": 404, "description": "Not Found"}
        line = (
            f"Không khởi động được: Không có Bot API tại {telegram.base_url} (404 Not Found): "
            "kiểm tra TELEGRAM_API_BASE_URL"
        )
    else:  # "401 after getMe": the token revoked while the bot starts (setMyCommands, setWebhook...)
        calls = {"getMe": 0}

        def revoked_after_first_get_me(method, params):
            if method == "getMe" and calls["getMe"] < 2:  # the bot's own check, then PTB's
                calls["getMe"] += 1
                return None
            return {"status": 401, "description": "Unauthorized"}

        telegram.fault = revoked_after_first_get_me
        line = "Không khởi động được: Telegram từ chối mã bot: TELEGRAM_BOT_TOKEN sai hoặc đã bị thu hồi"
    env = bot_env(telegram, db_url, **extra)
    return env, line


@pytest.mark.process
@pytest.mark.parametrize("failure", ["401", "404 address", "404 json"])
@pytest.mark.parametrize("command", list(COMMANDS))
async def test_a_refused_start_is_one_line_without_the_token(telegram, db_url, tmp_path, command, failure):
    env, line = refused_env(telegram, db_url, command, failure)
    code, out = await run_cli(COMMANDS[command], env, tmp_path, timeout=120)
    assert not leaks(out, TOKEN, WRONG), out
    assert not files_leaking(tmp_path, TOKEN, WRONG)
    assert code == 2, out
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(line), out  # before anything else: nothing but that line
    if failure != "404 address":  # (a request for no route is not a call the emulator records)
        assert telegram.errors and all(status in (401, 404) for _, _, status, _ in telegram.errors)


@pytest.mark.process
@pytest.mark.parametrize("command", ["run", "run --webhook"])
async def test_a_token_refused_after_get_me_stops_the_bot_with_one_line(telegram, db_url, tmp_path, command):
    env, line = refused_env(telegram, db_url, command, "401 after getMe")
    code, out = await run_cli(COMMANDS[command], env, tmp_path, timeout=120)
    assert not leaks(out, TOKEN), out
    assert not files_leaking(tmp_path, TOKEN)
    assert code == 2, out
    assert out.strip().splitlines()[-1].startswith(line), out
    assert "Traceback" not in out, out
    assert [status for _, _, status, _ in telegram.errors][:1] == [401]


@pytest.mark.process
@pytest.mark.parametrize("failure", ["404 address", "404 json"])
async def test_check_names_the_setting_without_the_token(telegram, db_url, tmp_path, failure):
    env, line = refused_env(telegram, db_url, "check", failure)
    code, out = await run_cli(["check"], env, tmp_path)
    assert not leaks(out, TOKEN, WRONG), out
    assert code == 1 and "Traceback" not in out, out
    assert "✗ " + line.removeprefix("Không khởi động được: ") in out, out


@pytest.mark.process
async def test_an_unreachable_telegram_is_one_line_for_remind_and_a_warning_a_try_for_run(db_url, tmp_path):
    port = free_port()  # nothing listens there
    nowhere = SimpleNamespace(
        token=TOKEN, base_url=f"http://127.0.0.1:{port}/bot", base_file_url=f"http://127.0.0.1:{port}/file/bot"
    )
    env = bot_env(nowhere, db_url)
    code, out = await run_cli(["remind", "--now"], env, tmp_path)
    assert not leaks(out, TOKEN), out
    assert code == 1, out
    lines = out.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_API_BASE_URL" in lines[0], out
    assert lines[0].startswith(f"Không khởi động được: Không kết nối được Telegram tại {nowhere.base_url}: "), out

    async with BotProcess(["run"], env, tmp_path) as bot:  # run waits for Telegram, saying so at each try
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while sum("Thử lại sau" in line for line in bot.output) < 2:
            assert loop.time() < deadline and bot.proc.returncode is None, bot.text
            await asyncio.sleep(0.1)
    assert not leaks(bot.text, TOKEN), bot.text
    assert all("WARNING" in line and "TELEGRAM_API_BASE_URL" in line for line in bot.output), bot.text


def test_a_traceback_is_redacted_whole():
    """The log and stderr mask the token wherever a traceback carries it: in an address, URL-encoded,
    or its secret part alone, down the exception chain."""
    from bot.logs import RedactingFormatter, RedactingStream, protect

    protect(TOKEN)
    secret = TOKEN.split(":", 1)[1]

    def call_telegram():
        try:
            raise ValueError(f"POST https://api.telegram.org/bot{quote(TOKEN, safe='')}/getMe refused")
        except ValueError as exc:
            raise ConnectionError(f"https://api.telegram.org/bot{TOKEN}/getMe: secret {secret}") from exc

    try:
        call_telegram()
    except ConnectionError as exc:
        error = exc
    raw = "".join(traceback.format_exception(error))
    assert len(leaks(raw, TOKEN)) == 4  # what there is to mask

    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("tests.token")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error("call to %s failed", f"https://api.telegram.org/bot{TOKEN}/getMe", exc_info=error)
        logger.error("stack", stack_info=True, extra={"token": TOKEN})
    finally:
        logger.removeHandler(handler)
    written = log.getvalue()
    assert not leaks(written, TOKEN), written
    assert "Traceback" in written and "ConnectionError" in written and "ValueError" in written
    assert written.count("<token>") >= 4

    stderr = io.StringIO()
    traceback.print_exception(error, file=RedactingStream(stderr))  # what sys.excepthook writes
    assert not leaks(stderr.getvalue(), TOKEN) and "<token>" in stderr.getvalue()
    # A token it was never told of is masked too, when shaped like one.
    assert not leaks(RedactingFormatter().format(logging.makeLogRecord({"msg": f"bot{WRONG}/getMe"})), WRONG)


@pytest.mark.e2e
async def test_error_reports_to_admins_never_carry_the_token(settings, engine, telegram):
    """A bug whose error names a Bot API address: the admin's report says what failed, without the
    token, raw, URL-encoded or in part."""
    from telegram.error import NetworkError
    from telegram.ext import CommandHandler

    from bot.app import build_application, polling

    app_settings = settings.model_copy(
        update={"telegram_api_base_url": telegram.base_url, "telegram_api_file_url": telegram.base_file_url}
    )
    application = build_application(
        app_settings, engine=engine, token=TOKEN, rate_limiter=False, clock=Clock(NOW), schedule_reminders=False
    )

    async def broken(update, context):
        try:
            raise ValueError(f"{telegram.base_url}{quote(TOKEN, safe='')}/sendMessage: secret {TOKEN.split(':', 1)[1]}")
        except ValueError as exc:
            raise NetworkError(f"aiohttp.InvalidURL: {telegram.base_url}{TOKEN}/sendMessage") from exc

    application.handlers[0].insert(0, CommandHandler("hong", broken))
    async with polling(application, timeout=1):
        telegram.send_text(4242, "/hong")
        report = await telegram.wait_for(
            lambda m: m.chat_id == ADMIN_ID and "NetworkError" in (m.text or ""), timeout=30
        )
    sent = [str(params) for _, params in telegram.calls]
    assert not leaks(report.text, TOKEN), report.text
    assert not [call for call in sent if leaks(call, TOKEN)]
    assert "aiohttp.InvalidURL" in report.text and f"{telegram.base_url}&lt;token&gt;/sendMessage" in report.text
