"""The export worker (bot/workers.py): exports written in a process of their
own, the same workbook as the bot's own process writes, and every way the
worker can fail handing the export back to the bot's process."""

from __future__ import annotations

import asyncio
import io
import logging
import multiprocessing
import os
import select
import signal
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.workers import Exports, shared_database
from storage.db import make_engine, session_scope
from storage.tracking import Scope
from tests.conftest import MANAGER_ID, seed_tracking
from tracking.export import export_tasks

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 24)
EVERYTHING = Scope(everything=True)
ROOT = Path(__file__).resolve().parents[1]


def sheets(workbook: bytes) -> dict[str, bytes]:
    """The workbook's parts but its properties (which carry the moment it was written)."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.startswith("docProps/")}


def workers_of_this_process() -> list[multiprocessing.Process]:
    return multiprocessing.active_children()


@pytest.fixture
def exports(engine):
    exports = Exports(engine)
    yield exports
    exports.close()


def test_the_worker_writes_the_workbook_the_bot_would(engine, exports):
    seed_tracking(engine)
    pending = exports.submit(scope=EVERYTHING, today=TODAY, tz=TZ)
    assert pending is not None and exports.running
    assert workers_of_this_process(), "no worker process was started"
    made_there = exports.result(pending)
    with session_scope(engine) as session:
        made_here = export_tasks(session=session, scope=EVERYTHING, today=TODAY, tz=TZ)
    assert made_there is not None
    assert sheets(made_there) == sheets(made_here)
    rows = list(openpyxl.load_workbook(io.BytesIO(made_there)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) > 3 and rows[0][0] == "Mã nhiệm vụ"

    # The worker stays for the next export, and sees what was written since.
    with session_scope(engine) as session:
        from storage.tracking import task_by_code

        task_by_code(session=session, code="NV001").title = "Tiêu đề mới của NV001"
    again = exports.result(exports.submit(scope=EVERYTHING, today=TODAY, tz=TZ))
    assert (
        b"Ti\xc3\xaau \xc4\x91\xe1\xbb\x81 m\xe1\xbb\x9bi c\xe1\xbb\xa7a NV001" in sheets(again)["xl/sharedStrings.xml"]
    )


async def test_waiting_for_the_worker_leaves_the_event_loop_free(engine, exports):
    seed_tracking(engine)
    pending = exports.submit(scope=EVERYTHING, today=TODAY, tz=TZ)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while not pending.future.done():
            ticks += 1
            await asyncio.sleep(0)

    workbook, _ = await asyncio.gather(exports.wait(pending), tick())
    assert workbook is not None and workbook.startswith(b"PK")
    assert ticks > 1  # the loop ran other work while the worker exported


async def test_exports_waiting_when_the_workers_close_are_handed_back(engine):
    seed_tracking(engine)
    exports = Exports(engine)
    waiting = [exports.submit(scope=EVERYTHING, today=TODAY, tz=TZ) for _ in range(4)]
    closing = asyncio.create_task(asyncio.to_thread(exports.close))
    results = await asyncio.gather(*(exports.wait(pending) for pending in waiting))
    await closing
    assert results[0] is not None and results[0].startswith(b"PK")  # under way: finished first
    assert results[-1] is None  # not started: cancelled, for the caller to export itself
    assert exports.submit(scope=EVERYTHING, today=TODAY, tz=TZ) is None


def test_a_worker_that_dies_hands_the_export_back_and_is_replaced(engine, exports, caplog):
    seed_tracking(engine)
    pending = exports.submit(scope=EVERYTHING, today=TODAY, tz=TZ)
    for worker in workers_of_this_process():  # still starting: killed before it exports
        os.kill(worker.pid, signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger="bot.workers"):
        assert exports.result(pending) is None
    assert "export worker failed" in caplog.text
    assert not exports.running  # the broken pool is dropped...
    workbook = exports.result(exports.submit(scope=EVERYTHING, today=TODAY, tz=TZ))
    assert workbook is not None and workbook.startswith(b"PK")  # ...and the next export gets a new one


def test_a_worker_that_cannot_read_the_database_hands_the_export_back(tmp_path, caplog):
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no tables: every query fails
    with session_scope(empty):
        pass
    exports = Exports(empty)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.workers"):
            assert exports.result(exports.submit(scope=EVERYTHING, today=TODAY, tz=TZ)) is None
        assert "no such table" in caplog.text  # the worker's traceback, for the log
        assert exports.running  # the worker itself is fine
    finally:
        exports.close()
        empty.dispose()


def test_exports_stay_in_the_bot_when_there_is_no_worker(engine):
    assert not shared_database(make_engine("sqlite://"))
    assert not shared_database(make_engine("sqlite:///file:campaign?mode=memory&uri=true"))
    assert shared_database(engine)
    assert Exports(make_engine("sqlite://")).submit(scope=EVERYTHING, today=TODAY, tz=TZ) is None
    assert Exports(engine, processes=0).submit(scope=EVERYTHING, today=TODAY, tz=TZ) is None
    closed = Exports(engine)
    closed.close()
    assert closed.submit(scope=EVERYTHING, today=TODAY, tz=TZ) is None
    assert closed.result(None) is None


@pytest.mark.process
@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="waits on a pidfd (Linux)")
def test_a_killed_bot_takes_its_worker_with_it(db_url, engine):
    """SIGKILL gives the bot no chance to stop its worker: the worker goes by itself."""
    script = (
        "import sys, multiprocessing\n"
        "from datetime import date\n"
        "from zoneinfo import ZoneInfo\n"
        "from bot.workers import Exports\n"
        "from storage.db import make_engine\n"
        "from storage.tracking import Scope\n"
        "if __name__ == '__main__':\n"
        "    exports = Exports(make_engine(sys.argv[1]))\n"
        "    exports.result(exports.submit(scope=Scope(everything=True), today=date(2026, 11, 24),"
        " tz=ZoneInfo('Asia/Ho_Chi_Minh')))\n"
        "    print(*(p.pid for p in multiprocessing.active_children()), flush=True)\n"
        "    sys.stdin.read()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, db_url], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as bot:  # its pipes closed at the end
        try:
            worker = int(bot.stdout.readline().split()[0])
            os.kill(bot.pid, signal.SIGKILL)
            bot.wait()
        finally:
            bot.kill()
    try:
        gone = os.pidfd_open(worker)  # readable once that process has ended
    except ProcessLookupError:
        return  # already gone
    try:
        readable, _, _ = select.select([gone], [], [], 30)
    finally:
        os.close(gone)
    assert readable, "the worker outlived the bot"


async def test_xuatbaocao_is_written_by_the_worker_or_in_the_bot(tracked):
    application, emu, _ = tracked
    exports = application.bot_data.exports
    manager = emu.chat(emu.user(MANAGER_ID, "Hùng"))
    for worker in (True, False):
        if not worker:
            exports.close()  # as with EXPORT_WORKERS=0: written in the bot's process
        mark = emu.mark()
        emu.send_text(manager.user, "/xuatbaocao")
        sent = await emu.wait_for(lambda m: m.chat_id == MANAGER_ID and m.document is not None, after=mark)
        codes = {
            row[0]
            for row in openpyxl.load_workbook(io.BytesIO(sent.document))
            .worksheets[0]
            .iter_rows(min_row=2, values_only=True)
        }
        assert codes == {"NV001", "NV002", "NV003", "NV006"}  # his division, not the ward's
        assert exports.running is worker
