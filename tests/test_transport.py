"""The bot's HTTP client (bot.ptb.transport): what reaches the server, and the
errors PTB expects, against a small HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.ptb.transport import AiohttpRequest

pytestmark = pytest.mark.asyncio


class Server:
    """Records each request; answers with ``status`` after ``delay`` seconds."""

    def __init__(self) -> None:
        self.seen: list[dict] = []
        self.delay = 0.0
        self.status = 200
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        entry = {
            "method": request.method,
            "path": request.path,
            "agent": request.headers.get("User-Agent", ""),
            "type": request.content_type,
        }
        if request.content_type == "multipart/form-data":
            fields, files = {}, {}
            reader = await request.multipart()
            async for part in reader:
                if part.filename:
                    files[part.name] = (part.filename, part.headers.get("Content-Type"), await part.read())
                else:
                    fields[part.name] = await part.text()
            entry.update(fields=fields, files=files)
        elif request.method == "POST":
            entry["fields"] = dict(await request.post())
        self.seen.append(entry)
        if self.delay:
            await asyncio.sleep(self.delay)
        if request.method == "GET":
            return web.Response(body=b"file bytes")
        return web.json_response({"ok": True, "result": {"echo": entry.get("fields", {})}}, status=self.status)

    async def __aenter__(self) -> Server:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc) -> None:
        assert self.runner is not None
        await self.runner.cleanup()


@asynccontextmanager
async def opened(request: AiohttpRequest | None = None) -> AsyncIterator[AiohttpRequest]:
    request = request or AiohttpRequest()
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()


def params(**values) -> RequestData:
    return RequestData([RequestParameter.from_input(name, value) for name, value in values.items()])


async def test_parameters_go_form_encoded_as_with_ptbs_own_client():
    async with Server() as server, opened() as request:
        result = await request.post(
            f"{server.url}/botTOKEN/sendMessage", params(chat_id=42, text="Chào & «bạn» 100%", reply_markup={"a": [1]})
        )
    (seen,) = server.seen
    assert seen["method"] == "POST" and seen["path"] == "/botTOKEN/sendMessage"
    assert seen["type"] == "application/x-www-form-urlencoded"
    assert seen["agent"] == AiohttpRequest.USER_AGENT
    assert seen["fields"] == {"chat_id": "42", "text": "Chào & «bạn» 100%", "reply_markup": json.dumps({"a": [1]})}
    assert result == {"echo": seen["fields"]}


async def test_a_file_goes_as_a_multipart_form_with_its_name_and_type():
    async with Server() as server, opened() as request:
        # PTB's own parameters for a document, as sendDocument makes them.
        await request.post(
            f"{server.url}/bot1:TOKEN/sendDocument",
            params(
                chat_id=7,
                caption="Báo cáo tuần",
                document=InputFile(b"PK\x03\x04 workbook", filename="báo cáo tuần.xlsx"),
            ),
        )
    (seen,) = server.seen
    assert seen["type"] == "multipart/form-data"
    assert seen["fields"] == {"chat_id": "7", "caption": "Báo cáo tuần"}
    ((name, mime, content),) = seen["files"].values()
    assert name == "báo cáo tuần.xlsx" and content == b"PK\x03\x04 workbook"
    assert mime == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_download_is_a_get_and_works_before_initialize():
    async with Server() as server:
        request = AiohttpRequest()
        try:
            assert await request.retrieve(f"{server.url}/file/botTOKEN/documents/a.xlsx") == b"file bytes"
        finally:
            await request.shutdown()
    assert [(s["method"], s["path"]) for s in server.seen] == [("GET", "/file/botTOKEN/documents/a.xlsx")]


@pytest.mark.parametrize("delay, status, error", [(1.0, 200, TimedOut), (0.0, 502, NetworkError)])
async def test_a_slow_answer_times_out_and_a_server_error_is_a_network_error(delay, status, error):
    """As PTB expects of its clients (a 5xx is read and raised by PTB itself)."""
    async with Server() as server, opened() as request:
        server.delay, server.status = delay, status
        with pytest.raises(error):
            await request.post(f"{server.url}/botTOKEN/getMe", read_timeout=0.05)


async def test_a_refused_connection_is_a_network_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with opened() as request:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{port}/botTOKEN/getMe")
    assert not isinstance(caught.value, TimedOut)
    assert "aiohttp." in str(caught.value)


async def test_no_call_after_shutdown_and_initialize_opens_it_again():
    async with Server() as server:
        request = AiohttpRequest()
        await request.initialize()
        await request.shutdown()
        with pytest.raises(NetworkError, match="shut down"):  # PTB wraps the client's RuntimeError
            await request.post(f"{server.url}/botTOKEN/getMe")
        async with opened(request):
            assert await request.post(f"{server.url}/botTOKEN/getMe") == {"echo": {}}


async def test_a_multipart_form_reads_as_ptbs_own_client_writes_it():
    """Part by part (the boundaries aside), a file upload is the bytes PTB's httpx client sends:
    the file's name in UTF-8 with its quotes percent-encoded, as browsers write it. (aiohttp also
    labels each text field as UTF-8 text, which is what a form field is read as anyway.)"""
    from telegram.request import HTTPXRequest

    bodies: list[tuple[str, bytes]] = []

    async def keep(request: web.Request) -> web.Response:
        bodies.append((request.content_type, await request.read()))
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/{tail:.*}", keep)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/bot1:TOKEN/sendDocument"  # type: ignore
    try:
        for request in (HTTPXRequest(), AiohttpRequest()):
            await request.initialize()
            try:
                await request.post(
                    url,
                    params(
                        chat_id=7,
                        caption="Báo cáo «tuần» 48",
                        document=InputFile(b"PK\x03\x04", filename='báo "cáo".xlsx'),
                    ),
                )
            finally:
                await request.shutdown()
    finally:
        await runner.cleanup()

    def parts(body: bytes) -> list[tuple[list[bytes], bytes]]:
        boundary = body.split(b"\r\n", 1)[0]
        found = []
        for chunk in body.split(boundary)[1:-1]:
            head, _, content = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
            lines = [line.lower() for line in head.split(b"\r\n")]
            found.append(
                (sorted(line for line in lines if line != b"content-type: text/plain; charset=utf-8"), content)
            )
        return found

    (theirs_type, theirs), (ours_type, ours) = bodies
    assert theirs_type == ours_type == "multipart/form-data"
    assert parts(ours) == parts(theirs)
    assert b'filename="b\xc3\xa1o %22c\xc3\xa1o%22.xlsx"' in ours
