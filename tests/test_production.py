"""Production mode, run as an operator would: ``python -m bot check`` and
``python -m bot run --webhook`` in real processes against the emulator."""

from __future__ import annotations

import aiohttp

from bot.app import new_event_loop
from tests.processes import PUBLIC_WEBHOOK, BotProcess, bot_env, free_port, run_cli


async def test_check_says_ready_when_everything_works(emulator, empty_db_url, tmp_path):
    env = bot_env(emulator, empty_db_url)
    code, out = await run_cli(["db", "upgrade"], env, tmp_path)
    assert code == 0, out
    code, out = await run_cli(["check"], env, tmp_path)
    assert code == 0, out
    assert "✓ Mã bot hợp lệ: @campaign_test_bot" in out
    assert "lược đồ mới nhất" in out
    assert out.strip().endswith("Sẵn sàng.")
    assert "✗" not in out


async def test_check_names_a_rejected_token(emulator, db_url, tmp_path):
    env = bot_env(emulator, db_url, TELEGRAM_BOT_TOKEN="123456:NOT-THE-TOKEN")
    code, out = await run_cli(["check"], env, tmp_path)
    assert code == 1, out
    assert "✗ Telegram từ chối mã bot: TELEGRAM_BOT_TOKEN sai" in out
    assert "NOT-THE-TOKEN" not in out  # a token is never printed


async def test_check_without_token_names_the_variable(emulator, db_url, tmp_path):
    env = bot_env(emulator, db_url)
    del env["TELEGRAM_BOT_TOKEN"]
    code, out = await run_cli(["check"], env, tmp_path)
    assert code == 1 and "✗ TELEGRAM_BOT_TOKEN" in out, out


async def test_check_reports_an_unreachable_database_and_telegram(emulator, tmp_path):
    port = free_port()  # nothing listens there
    env = bot_env(
        emulator,
        f"postgresql://campaign@127.0.0.1:{port}/campaign",
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot",
    )
    code, out = await run_cli(["check"], env, tmp_path)
    assert code == 1, out
    assert f"✗ Không kết nối được cơ sở dữ liệu (PostgreSQL, cơ sở campaign tại 127.0.0.1:{port}" in out
    assert f"✗ Không kết nối được Telegram tại http://127.0.0.1:{port}/bot" in out
    assert "Traceback" not in out


async def test_check_in_webhook_mode_shows_the_webhook(emulator, db_url, tmp_path):
    env = bot_env(emulator, db_url, WEBHOOK_URL=PUBLIC_WEBHOOK)
    code, out = await run_cli(["check"], env, tmp_path)
    assert code == 0, out
    assert f"Chế độ webhook: Telegram gửi tới {PUBLIC_WEBHOOK}" in out
    assert "Chưa đặt webhook" in out


async def test_webhook_mode_without_url_is_a_settings_error(emulator, db_url, tmp_path):
    code, out = await run_cli(["run", "--webhook"], bot_env(emulator, db_url), tmp_path)
    assert code == 2 and "WEBHOOK_URL" in out, out


async def test_malformed_webhook_settings_are_one_line(emulator, db_url, tmp_path):
    for variable, value in (("WEBHOOK_URL", "http://bot.example.gov.vn/x"), ("WEBHOOK_SECRET", "có dấu")):
        code, out = await run_cli(["check"], bot_env(emulator, db_url, **{variable: value}), tmp_path)
        assert code == 2 and variable in out and len(out.strip().splitlines()) == 1, out


async def test_webhook_server_answers_users_and_refuses_forged_posts(emulator, db_url, tmp_path):
    port = free_port()
    emulator.webhook_targets = [f"http://127.0.0.1:{port}/telegram"]
    env = bot_env(emulator, db_url, WEBHOOK_URL=PUBLIC_WEBHOOK, WEBHOOK_PORT=str(port))
    async with BotProcess(["run", "--webhook"], env, tmp_path) as bot:
        hook = await emulator.wait_for_call("setWebhook", timeout=60)
        assert hook["url"] == PUBLIC_WEBHOOK
        assert len(hook["secret_token"]) >= 32  # derived from the token unless WEBHOOK_SECRET is set

        mark = emulator.mark()
        emulator.send_text(4242, "/start")
        reply = await emulator.wait_for(lambda m: m.chat_id == 4242, after=mark, timeout=60)
        assert "Xin chào" in reply.text

        # Anyone may find the address; only Telegram knows the secret.
        forged = {
            "update_id": 999_999,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": 4243, "type": "private"},
                "from": {"id": 4243, "is_bot": False, "first_name": "X"},
                "text": "/start",
            },
        }
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
                async with http.post(emulator.webhook_targets[0], json=forged, headers=headers) as answer:
                    assert answer.status == 403
        mark = emulator.mark()
        emulator.send_text(4242, "/huongdan")
        await emulator.wait_for(lambda m: m.chat_id == 4242, after=mark, timeout=30)
        assert not emulator.messages_to(4243)
        assert await bot.stop() == 0  # SIGTERM: a clean stop
    # On the bot's event loop: uvloop's where it is installed.
    loop = new_event_loop()
    try:
        assert f"event loop: {type(loop).__module__}.{type(loop).__name__}" in bot.text
    finally:
        loop.close()


async def test_an_update_delivered_twice_is_handled_once(emulator, db_url, tmp_path):
    """Telegram posts an update again when it did not get the answer; the bot
    has handled it the first time and must not do it twice."""
    port = free_port()
    emulator.webhook_targets = [f"http://127.0.0.1:{port}/telegram"]
    delivered: dict[int, int] = {}

    def lose_first_answer(update: dict) -> str | None:
        delivered[update["update_id"]] = delivered.get(update["update_id"], 0) + 1
        return "lose" if delivered[update["update_id"]] == 1 else None

    env = bot_env(emulator, db_url, WEBHOOK_URL=PUBLIC_WEBHOOK, WEBHOOK_PORT=str(port))
    async with BotProcess(["run", "--webhook"], env, tmp_path):
        await emulator.wait_for_call("setWebhook", timeout=60)
        emulator.send_text(4300, "/start")  # the server is up once this is answered
        await emulator.wait_for(lambda m: m.chat_id == 4300, timeout=60)

        emulator.webhook_fault = lose_first_answer
        users = (4301, 4302, 4303)
        for user in users:
            emulator.send_text(user, "/huongdan")
        await emulator.wait_idle(timeout=60)  # every update acknowledged, after a second delivery
        for user in users:
            await emulator.wait_for(lambda m, user=user: m.chat_id == user, timeout=30)
        emulator.send_text(4300, "/huongdan")  # handled after the others: they are finished
        await emulator.wait_for(lambda m: m.chat_id == 4300 and "/nhiemvu" in m.text, timeout=30)
        for user in users:
            assert len(emulator.messages_to(user)) == 1, emulator.messages_to(user)
    assert [delivered[u] for u in sorted(delivered)][:3] == [2, 2, 2], delivered
