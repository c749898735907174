"""Digest of a whole province: the manager at the top of a 2,000-unit tree asks
for the digest over 50,000 tasks, through the bot's own code paths.

Measured separately, each in its own session as the bot does it:
  * /tonghop: the digest text it replies (handlers/manage.py: the actor, the
    scope, ``build_digest`` + ``digest_blocks``, packed into messages);
  * /xuatbaocao: the XLSX export (``BotData.export``: by the export worker);
  * a daily subscription digest: what the reminder scan queues for it
    (reminders/scan.py ``_render_digest``: text, ranking, PNG chart);
  * a weekly subscription digest: the same plus the XLSX report it attaches,
    written by the export worker meanwhile.
As in the bot, exports go to one export worker (bot/workers.py), started by
the first export; ``--in-process`` writes them in this process instead, as
with ``EXPORT_WORKERS=0`` (the weekly digest then gathered by the workbook's
own scan of the tasks).
Wall time: the first run in this process (imports, caches cold, the worker
starting) and the best of ``--runs``; memory: the tracemalloc peak of each
step in this process (a separate pass, since tracing slows everything), this
process's max RSS (``getrusage``) after each step, and the worker's peak RSS
(``/proc``). The data is seeded in a child process so the RSS is the digest's,
not the seeding's. Targets: under 1 s and under 300 MB (the bot process and
its worker together) for a digest over 50,000 tasks.

    .venv/bin/python bench/digest.py [--tasks 50000] [--units 2000] [--runs 3]
                                     [--database-url postgresql+psycopg://user@host:port/db] [--profile]
                                     [--in-process]

With a PostgreSQL URL a fresh database is created on that server for the run
and dropped afterwards (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import multiprocessing
import os
import pstats
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The bot's modules are imported where they are used: the export worker is a fresh interpreter
# that imports this script again (multiprocessing's spawn), and should carry what the bot's worker
# carries, no more.

TIME_LIMIT = 1.0  # seconds
MEMORY_LIMIT = 300.0  # MB
MB = 1024 * 1024


# --------------------------------------------------------------------------
# Seeding (in a child process)
# --------------------------------------------------------------------------


def _seed_child(url: str, units: int, tasks: int, today: str, now: str, out) -> None:
    from _data import seed_province

    from storage.db import make_engine

    engine = make_engine(url)
    started = time.perf_counter()
    province = seed_province(
        engine, units=units, tasks=tasks, today=date.fromisoformat(today), now=datetime.fromisoformat(now)
    )
    engine.dispose()
    out.send(
        dict(
            seconds=time.perf_counter() - started,
            units=province.units,
            staff=province.staff,
            tasks=province.tasks,
            reports=province.reports,
            targets=province.targets,
            target_values=province.target_values,
            top_manager=province.top_manager.telegram_id,
            top_manager_code=province.top_manager.code,
        )
    )
    out.close()


def seed_in_child(url: str, *, units: int, tasks: int, today: date, now: datetime) -> dict:
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_seed_child, args=(url, units, tasks, today.isoformat(), now.isoformat(), sending))
    child.start()
    sending.close()
    try:
        summary = receiving.recv()
    except EOFError:
        summary = None
    child.join()
    if summary is None or child.exitcode != 0:
        raise SystemExit(f"seeding failed (exit code {child.exitcode})")
    return summary


# --------------------------------------------------------------------------
# The steps, as the bot runs them
# --------------------------------------------------------------------------


@dataclass
class Shared:
    """What the later steps take from the /tonghop step: the scope, and the figures printed."""

    scope: object = None
    facts: dict = field(default_factory=dict)


def step_text(engine, telegram_id: int, day: date, moment: datetime, shared: Shared) -> None:
    """/tonghop: handlers/manage.py ``digest`` (guarded → actor → scope → build_digest), then the reply's packing."""
    from reminders.digest import build_digest, digest_blocks
    from storage.db import session_scope
    from texts.common import pack
    from tracking import service

    with session_scope(engine) as session:
        actor = service.resolve_actor(session, telegram_id=telegram_id, admin_ids=[])
        service.require_manager(actor, "xem tổng hợp")
        scope = actor.scope(session)
        title = service.scope_title(session, actor.staff, everything=actor.is_admin)
        digest = build_digest(session=session, scope=scope, today=day, now=moment, title=title)
    messages = pack(digest_blocks(digest))
    shared.scope = scope
    shared.facts.update(
        total=digest.total,
        by_status=digest.by_status,
        stale=digest.stale_count,
        targets_behind=len(digest.targets_behind),
        unreachable=digest.unreachable_count,
        messages=len(messages),
        chars=sum(len(m) for m in messages),
    )


def step_xlsx(engine, exports, day: date, tz, shared: Shared) -> None:
    """/xuatbaocao (bot/context.py ``BotData.export``): by the export worker, else here."""
    from storage.db import session_scope
    from tracking.export import export_tasks

    data = exports.result(exports.submit(scope=shared.scope, today=day, tz=tz))
    if data is None:
        with session_scope(engine) as session:
            data = export_tasks(session=session, scope=shared.scope, today=day, tz=tz)
    shared.facts.update(xlsx_bytes=len(data))


def step_subscription(engine, exports, frequency: str, staff_id: int, moment: datetime, config, shared: Shared) -> None:
    """What the reminder scan queues for a subscription of the top manager (reminders/scan.py ``_render_digest``)."""
    from reminders.scan import _render_digest
    from storage.db import session_scope
    from storage.models import Subscription

    sub = Subscription(chat_id=1, staff_id=staff_id, frequency=frequency)
    with session_scope(engine) as session:
        rows, _ = _render_digest(session, sub=sub, period="bench", now=moment, config=config, exports=exports)
    shared.facts[frequency] = dict(
        messages=sum(1 for r in rows if r.text and not (r.photo or r.document)),
        png_bytes=sum(len(r.photo or b"") for r in rows),
        xlsx_bytes=sum(len(r.document or b"") for r in rows),
    )


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------


def max_rss_mb() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / (MB if sys.platform == "darwin" else 1024)


def workers_max_rss_mb() -> float:
    """The export workers' peak RSS (summed), from /proc; 0 without a worker, nan where /proc is missing."""
    total = 0.0
    for worker in multiprocessing.active_children():
        try:
            with open(f"/proc/{worker.pid}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
        except (OSError, StopIteration):
            return float("nan")
    return total


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB
    except OSError:
        return float("nan")


def timed(step: Callable[[], None]) -> float:
    gc.collect()
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def traced_peak(step: Callable[[], None]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MB


def profile(name: str, step: Callable[[], None], lines: int = 18) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    step()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    print(f"\n--- profile: {name} (cumulative) ---")
    print("\n".join(out.getvalue().splitlines()[4:]))


def verdict(value: float, limit: float) -> str:
    return "ok" if value <= limit else "OVER"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs after the first (best is reported)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="default: a temporary SQLite file; a PostgreSQL URL gets a fresh database",
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of each step")
    parser.add_argument(
        "--in-process", action="store_true", help="exports in the bot's own process, as with EXPORT_WORKERS=0"
    )
    args = parser.parse_args()

    from _data import backend, fresh_database
    from sqlmodel import select

    from bot.settings import Settings
    from bot.workers import Exports
    from reminders.scan import ScanConfig
    from storage.db import open_database, session_scope
    from storage.models import Staff

    with fresh_database(args.database_url or None, label="digest", keep=args.keep) as url:
        settings = Settings.from_env(DATABASE_URL=url, _env_file=None)
        tz = settings.tz
        moment = datetime.now(UTC)
        day = moment.astimezone(tz).date()
        engine = open_database(settings.sqlalchemy_url)
        engine.dispose()
        seeded = seed_in_child(settings.sqlalchemy_url, units=args.units, tasks=args.tasks, today=day, now=moment)
        print(f"database: {backend(url)} ({engine.url.render_as_string(hide_password=True)})")
        print(
            f"seeded in {seeded['seconds']:.1f} s (child process): {seeded['units']:,} units, "
            f"{seeded['staff']:,} staff, {seeded['tasks']:,} tasks, {seeded['reports']:,} reports, "
            f"{seeded['targets']} targets ({seeded['target_values']} values)"
        )
        print(f"digest for {seeded['top_manager_code']}, the manager of the province (top of the tree)\n")

        engine = open_database(settings.sqlalchemy_url)
        rss_before = current_rss_mb()
        shared = Shared()
        config = ScanConfig.from_settings(settings)
        # As the bot has it (bot/context.py): one export worker, started by the first export.
        exports = Exports(engine, processes=0 if args.in_process else settings.export_workers)
        with session_scope(engine) as session:
            top = session.exec(select(Staff.id).where(Staff.code == seeded["top_manager_code"])).one()
        steps: dict[str, Callable[[], None]] = {
            "text": lambda: step_text(engine, seeded["top_manager"], day, moment, shared),
            "xlsx": lambda: step_xlsx(engine, exports, day, tz, shared),
            "daily": lambda: step_subscription(engine, exports, "daily", top, moment, config, shared),
            "weekly": lambda: step_subscription(engine, exports, "weekly", top, moment, config, shared),
        }
        where = "in the bot's process" if not exports.processes else "by the export worker"
        labels = {
            "text": "/tonghop: digest text (build_digest + digest_blocks)",
            "xlsx": f"/xuatbaocao: XLSX export, {where}",
            "daily": "daily subscription digest (text, ranking, chart)",
            "weekly": (
                "weekly subscription digest (+ XLSX, one scan)"
                if not exports.processes
                else "weekly digest (+ XLSX by the worker meanwhile)"
            ),
        }

        # The first run: what the first digest after the bot starts costs (imports, cold caches).
        first: dict[str, float] = {}
        rss_after: dict[str, float] = {}
        for name, step in steps.items():
            first[name] = timed(step)
            rss_after[name] = max_rss_mb()
        runs = {name: [] for name in steps}
        for _ in range(args.runs):
            for name, step in steps.items():
                runs[name].append(timed(step))
        best = {name: min(times) if times else first[name] for name, times in runs.items()}
        rss_max = max_rss_mb()  # before the traced pass: tracemalloc's own bookkeeping would count
        worker_rss = workers_max_rss_mb()
        peaks = {name: traced_peak(step) for name, step in steps.items()}
        if args.profile:
            for name, step in steps.items():
                profile(labels[name], step)
            print()
        exports.close()
        engine.dispose()

    facts = shared.facts
    by_status = facts["by_status"]
    print(
        f"digest: {facts['total']:,} tasks ("
        + ", ".join(f"{k} {v:,}" for k, v in by_status.items())
        + f"), {facts['stale']:,} silent, {facts['targets_behind']} targets behind, "
        f"{facts['unreachable']} unreachable owners; {facts['messages']} message(s), {facts['chars']:,} chars"
    )
    print(
        f"daily: {facts['daily']['messages']} message(s) and a {facts['daily']['png_bytes'] / 1024:.0f} KB chart; "
        f"weekly: the same and a {facts['weekly']['xlsx_bytes'] / MB:.1f} MB workbook; "
        f"/xuatbaocao: {facts['xlsx_bytes'] / MB:.1f} MB\n"
    )

    print(
        f"targets: under {TIME_LIMIT:.0f} s and under {MEMORY_LIMIT:.0f} MB for a digest over "
        f"{facts['total']:,} tasks (ratio = figure / limit; above 1.00 misses it)\n"
    )
    width = max(len(v) for v in labels.values()) + 2
    print(
        f"{'step':<{width}} {'best':>8} {'first':>8} {'ratio':>6}   {'traced peak':>11} {'ratio':>6}   "
        f"{'max RSS after':>13}"
    )
    for name in steps:
        print(
            f"{labels[name]:<{width}} {best[name]:>7.3f}s {first[name]:>7.3f}s {best[name] / TIME_LIMIT:>6.2f}   "
            f"{peaks[name]:>9.1f}MB {peaks[name] / MEMORY_LIMIT:>6.2f}   {rss_after[name]:>11.0f}MB"
        )
    print()
    for name in ("text", "daily", "weekly"):
        print(
            f"{labels[name]}: best {best[name]:.3f} s = {best[name] / TIME_LIMIT:.2f} of {TIME_LIMIT:.0f} s "
            f"[{verdict(best[name], TIME_LIMIT)}], first run {first[name]:.3f} s; traced peak {peaks[name]:.1f} MB "
            f"= {peaks[name] / MEMORY_LIMIT:.2f} of {MEMORY_LIMIT:.0f} MB [{verdict(peaks[name], MEMORY_LIMIT)}]"
        )
    total = rss_max + worker_rss
    if exports.processes:
        print(
            "(traced peaks are the bot process's: what the worker allocates shows in its RSS, and in the "
            "traced peaks of --in-process)"
        )
        print(
            f"max RSS: bot process {rss_max:.0f} MB + export worker {worker_rss:.0f} MB = {total:.0f} MB = "
            f"{total / MEMORY_LIMIT:.2f} of {MEMORY_LIMIT:.0f} MB [{verdict(total, MEMORY_LIMIT)}] "
            f"(the bot process's RSS before the first digest: {rss_before:.0f} MB)"
        )
    else:
        print(
            f"process max RSS: {rss_max:.0f} MB = {rss_max / MEMORY_LIMIT:.2f} of {MEMORY_LIMIT:.0f} MB "
            f"[{verdict(rss_max, MEMORY_LIMIT)}] (RSS before the first digest: {rss_before:.0f} MB)"
        )


if __name__ == "__main__":
    main()
