"""The bot's HTTP client for the Bot API: python-telegram-bot's request interface
(``BaseRequest``) over an aiohttp client session.

PTB's own client (``HTTPXRequest``, on httpx) costs more CPU a call than
aiohttp's client, whose HTTP parser is compiled: a bare echo bot handles fewer
updates a second on the first (bench/throughput.py; figures in
bench/README.md). Everything else is as PTB's: each call is a POST with
the parameters form-encoded (a multipart form when it carries files), file
downloads are GETs, the same default timeouts, the same exceptions
(``TimedOut``, ``NetworkError``), and ``HTTP_PROXY``/``HTTPS_PROXY`` from the
environment are honoured as httpx does. The status code and the body go back
to PTB, which reads Telegram's answer and raises for its errors (an answer that
is not JSON, from something else than the Bot API, is an error with its reason,
not also a logged traceback).

The secrets ``bot.logs.protect`` registered (the bot token) are masked in every
parameter sent: whatever a message says, an error report to the admins
included, it never carries the token to a chat.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import aiohttp
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.logs import mask_secrets

_DEFAULT = type(BaseRequest.DEFAULT_NONE)  # PTB's DefaultValue: a timeout left to the client
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_FILE_NAME_ESCAPES = {ord('"'): "%22", ord("\r"): "%0D", ord("\n"): "%0A"}


class AiohttpRequest(BaseRequest):
    """A pool of up to ``connection_pool_size`` connections to the Bot API (PTB's defaults)."""

    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        self._closed = False
        self._open()

    def _open(self) -> aiohttp.ClientSession:
        """The session, made on first use, inside the running event loop that will use it (a call
        before ``initialize`` works, as with PTB's own client)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0),
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets no cookies
                trust_env=True,  # HTTP(S)_PROXY, as httpx
            )
        return self._session

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """As PTB's, without logging a traceback when the answer is not JSON: the error raised
        says so (and PTB adds the status and the answer's start to it)."""
        try:
            return json.loads(payload.decode("utf-8", "replace"))
        except ValueError as exc:
            raise TelegramError("Invalid server response") from exc

    async def shutdown(self) -> None:
        self._closed = True
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._closed:
            raise RuntimeError("This AiohttpRequest is shut down.")
        session = self._open()
        files = request_data.multipart_data if request_data is not None else None
        if isinstance(read_timeout, _DEFAULT):  # not given for this call: this client's own
            read_timeout = self._read_timeout
        if isinstance(connect_timeout, _DEFAULT):
            connect_timeout = self._connect_timeout
        if isinstance(pool_timeout, _DEFAULT):
            pool_timeout = self._pool_timeout
        if isinstance(write_timeout, _DEFAULT):
            write_timeout = self._media_write_timeout if files else self._write_timeout
        # aiohttp has no write timeout of its own: sending is bounded by the whole call's time,
        # which the other limits already bound when they are all set.
        waits = (connect_timeout, pool_timeout, read_timeout, write_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None if None in waits else sum(waits),
            # Waiting for a free connection in the pool, then connecting.
            connect=None if connect_timeout is None or pool_timeout is None else connect_timeout + pool_timeout,
            sock_connect=connect_timeout,
            sock_read=read_timeout,
        )
        if files:
            body: Any = aiohttp.FormData(quote_fields=False)
            for name, value in request_data.json_parameters.items():  # type: ignore[union-attr]
                body.add_field(name, mask_secrets(value))
            for name, part in files.items():
                file_name, content, *mime = part
                if file_name:  # as browsers and httpx write a name: UTF-8, with " CR LF percent-encoded
                    file_name = file_name.translate(_FILE_NAME_ESCAPES)
                body.add_field(name, content, filename=file_name, content_type=mime[0] if mime else None)
            headers = None
        elif request_data is not None:
            parameters = {name: mask_secrets(value) for name, value in request_data.json_parameters.items()}
            body, headers = urlencode(parameters).encode("ascii"), _FORM
        else:
            body, headers = None, None
        try:
            async with session.request(method, url, data=body, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The class name helps when the message is empty, as PTB's own client does.
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error
