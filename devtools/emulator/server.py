"""The emulator itself: an :mod:`aiohttp.web` server on 127.0.0.1 answering the Bot API,
made of the areas in the sibling modules."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from aiohttp import web

from devtools.emulator.callbacks import CallbacksMixin
from devtools.emulator.chats import ChatsMixin
from devtools.emulator.core import (
    MAX_UPLOAD_BYTES,
    BotAPIError,
    FakeUser,
    FaultHook,
    JSONDict,
    Signal,
    Upload,
    bad_request,
    copy_json,
)
from devtools.emulator.edits import EditsMixin
from devtools.emulator.files import FilesMixin
from devtools.emulator.limits import LimitsMixin
from devtools.emulator.messages import COMMAND_RE, MessagesMixin
from devtools.emulator.polling import UpdatesMixin
from devtools.emulator.requests import fault_error, read_params
from devtools.emulator.session import ChatSession
from devtools.emulator.waiting import WaitingMixin
from devtools.emulator.webhook import WebhookMixin

_LOGGER = logging.getLogger(__name__)


class BotAPIEmulator(
    ChatsMixin,
    UpdatesMixin,
    CallbacksMixin,
    FilesMixin,
    MessagesMixin,
    EditsMixin,
    WaitingMixin,
    WebhookMixin,
    LimitsMixin,
):
    """In-process fake of ``api.telegram.org`` for one bot (see the package docstring).

    Attributes meant for tests:

    ``sent``             every :class:`SentMessage` (sends and edits), in order.
    ``calls``            every API call as ``(method, params)`` (incl. getUpdates).
    ``callback_answers`` params of every successful ``answerCallbackQuery``.
    ``errors``           ``(method, params, status, description)`` of error answers.
    ``files``            ``file_id -> StoredFile`` (bytes of all known files).
    ``commands``         ``(scope_json, language_code) -> commands`` from setMyCommands.
    ``blocked_chats``    chat ids answering 403 "bot was blocked by the user".
    ``fault``            per-request hook ``fault(method, params)`` (may be async),
                         called after the token check.  Return ``None`` for normal
                         processing or a dict: ``{"status": 500}`` (error answer;
                         optional ``"description"``, ``"retry_after"`` – default 1
                         for 429 –, ``"migrate_to_chat_id"``), ``{"drop": True}``
                         (close the connection without answer, nothing happens),
                         ``{"drop_after": True}`` (process the call, then drop the
                         answer), ``{"delay": 2.0}`` (sleep first; combinable) or
                         ``{"result": ...}`` (answer ok with this result).
    ``enforce_limits``   emulate flood limits (429) using ``limiter``/``clock``.
    ``strict_chats``     unknown chat ids -> 400 "chat not found" (default: auto-create).
    ``strict_edits``     identical edits -> 400 "message is not modified" (default on).
    ``validate_markup``  parse HTML and reject invalid markup (default on).
    ``on_sent``          callbacks ``f(SentMessage)`` invoked for each send/edit.
    ``stats``            Counter: "requests", "faults", "dropped" and one key per
                         error status (e.g. ``stats["429"]``); webhook deliveries
                         count as "webhook_ok" and "webhook_failed".
    ``webhook_targets``  where "the reverse proxy" forwards webhook deliveries:
                         local ``http://`` URLs, used in turn. Telegram only posts
                         to the ``https://`` URL given to ``setWebhook``; with
                         targets set, queued updates are POSTed there (with the
                         ``X-Telegram-Bot-Api-Secret-Token`` header), and only a
                         2xx answer acknowledges an update: anything else is
                         retried later, as Telegram does.
    ``webhook_fault``    per-delivery hook ``f(update) -> str | None``: "lose"
                         posts the update but treats the answer as lost, so it
                         is delivered again (to the next target).
    ``webhook_deliveries`` ``(update_id, target, status)`` of every delivery.

    Only the methods the bot calls are answered; any other is 404 "method not found".
    """

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "campaign_test_bot",
        clock: Callable[[], float] = time.time,
        first_update_id: int = 1,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.bot_username = bot_username
        self.clock = clock
        bot_id_text = token.split(":", 1)[0]
        self.bot_id = int(bot_id_text) if bot_id_text.isdigit() else 123456
        self.bot_user: JSONDict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_username.removesuffix("_bot").replace("_", " ").title() or "Bot",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[tuple[str, JSONDict]] = []
        self.errors: list[tuple[str, JSONDict, int, str]] = []
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.stats: Counter[str] = Counter()
        self.fault: FaultHook | None = None
        self._call_signal = Signal()  # an API call was recorded
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._deliverer: asyncio.Task | None = None
        self._init_chats()
        self._init_updates(first_update_id)
        self._init_callbacks()
        self._init_files()
        self._init_messages()
        self._init_webhook()
        self._init_limits(clock)
        self._methods: dict[str, Callable[[JSONDict, dict[str, Upload]], Any]] = {
            name[len("_api_") :].lower(): getattr(self, name) for name in dir(self) if name.startswith("_api_")
        }

    # -- lifecycle ----------------------------------------------------------- #
    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url(...)``."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        """Start the HTTP server (binds ``port``; 0 picks a free port)."""
        if self._runner is not None:
            return
        self._closing = False
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        self._deliverer = asyncio.create_task(self._deliver_webhooks(), name="emulator-webhooks")
        _LOGGER.debug("Bot API emulator listening on %s", self.base_url)

    async def stop(self) -> None:
        """Wake pending long polls and stop the HTTP server."""
        if self._runner is None:
            return
        self._closing = True
        self._queue_signal.notify()
        if self._deliverer is not None:
            self._deliverer.cancel()
            try:
                await self._deliverer
            except asyncio.CancelledError:
                pass
            self._deliverer = None
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def chat(self, user: FakeUser | int, chat: JSONDict | int | None = None) -> ChatSession:
        """A :class:`ChatSession` for ``user`` in ``chat`` (default: private chat)."""
        return ChatSession(self, self._as_user(user), chat)

    # -- HTTP ---------------------------------------------------------------- #
    def _respond_error(self, method: str, params: JSONDict, error: BotAPIError) -> web.Response:
        self.stats[str(error.status)] += 1
        self.errors.append((method, params, error.status, error.description))
        return web.json_response(error.payload(), status=error.status)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self.stats["requests"] += 1
        if request.match_info["token"] != self.token:
            return self._respond_error(method, {}, BotAPIError(401, "Unauthorized"))
        try:
            params, uploads = await read_params(request)
        except Exception as exc:  # malformed body
            return self._respond_error(method, {}, bad_request(f"can't parse request body: {exc}"))
        self.calls.append((method, params))
        self._call_signal.notify()
        fault = await self._fault_of(method, params)
        if fault:
            if fault.get("drop"):
                return self._drop(request)
            if "status" in fault:
                return self._respond_error(method, params, fault_error(fault))
            if "result" in fault:
                return web.json_response({"ok": True, "result": fault["result"]})
        drop_after = bool(fault and fault.get("drop_after"))
        handler = self._methods.get(method.lower())
        try:
            if handler is None:
                raise BotAPIError(404, "Not Found: method not found")
            self._check_blocked(method, params)
            self._check_limits(method, params)
            result = handler(params, uploads)
            if inspect.isawaitable(result):
                result = await result
        except BotAPIError as error:
            if drop_after:
                return self._drop(request)
            return self._respond_error(method, params, error)
        if drop_after:
            return self._drop(request)
        return web.json_response({"ok": True, "result": result})

    async def _fault_of(self, method: str, params: JSONDict) -> JSONDict | None:
        """What the ``fault`` hook injects into this call (after its ``delay``), if anything."""
        if self.fault is None:
            return None
        fault = self.fault(method, params)
        if inspect.isawaitable(fault):
            fault = await fault
        if not fault:
            return None
        self.stats["faults"] += 1
        if fault.get("delay"):
            await asyncio.sleep(float(fault["delay"]))
        return fault

    def _drop(self, request: web.Request) -> web.StreamResponse:
        """Close the connection without answering (emulates a network failure)."""
        self.stats["dropped"] += 1
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError()

    # -- the bot itself ------------------------------------------------------ #
    def _api_getMe(self, p: JSONDict, files: dict[str, Upload]) -> JSONDict:
        return dict(self.bot_user)

    def _api_setMyCommands(self, p: JSONDict, files: dict[str, Upload]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            name = str(command.get("command", ""))
            if not COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        scope = p.get("scope") or {"type": "default"}
        key = json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")
        self.commands[key] = copy_json([{"command": c["command"], "description": c["description"]} for c in commands])
        return True
