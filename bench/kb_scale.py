"""Knowledge base at scale: a process's first answer, and adding one document, with 200 documents.

This is a benchmark, not a test: it prints figures and exits 0 unless it crashes.
Run it from the project root::

    .venv/bin/python bench/kb_scale.py
    .venv/bin/python bench/kb_scale.py --docs 200 --passages 10000 --json
    .venv/bin/python bench/kb_scale.py --database-url postgresql://user@host:5432/postgres

It builds a synthetic knowledge base of ``--docs`` documents (about
``--passages`` passages in all: plans with a letterhead, numbered parts, items
and points, and a table in every third document, in words drawn from the
campaign corpus in ``../shared``) in a fresh database, through
``KnowledgeBase.add``, then measures:

1. the time to add them all;
2. a fresh process's first answer: the wall time of a real
   ``python -m bot ask --json QUESTION`` with ``DATABASE_URL`` naming that
   database (median of ``--runs``), and that process's own index build (read,
   deserialise, assemble), from its log;
3. adding one more document where a process already has its index: the time of
   ``KnowledgeBase.add`` of one file, then of the next question's index refresh;
4. the same with the stored analyses removed: the first answer of a fresh
   process that must analyse every text (one run, as each writes the analyses
   back; they are removed again before the run that logs its build), and a
   rebuild of the whole index from the texts, which is what every change cost
   before the analyses were stored.

Targets (from the issue): a fresh process answers its first question within 2 s;
adding one document costs at most 3 s. Ratios are figure / target (<= 1 meets it).
Each time is given with the CPU time it took (user + system), which other work
on a busy machine does not inflate; the load average is printed first.

SQLite by default (a temporary file). ``--database-url`` names a PostgreSQL server
and a role allowed to create databases: a database of its own is created there
and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text, update  # noqa: E402

from bot.settings import sqlalchemy_url  # noqa: E402
from kb.index import KnowledgeIndex  # noqa: E402
from kb.service import KnowledgeBase, indexed_doc  # noqa: E402
from storage import documents as repo  # noqa: E402
from storage.db import open_database, session_scope  # noqa: E402
from storage.models import Document  # noqa: E402

SHARED = ROOT.parent / "shared"
TARGET_FIRST_S = 2.0
TARGET_ADD_S = 3.0

_FALLBACK_VOCAB = """cải cách hành chính thủ tục hồ sơ giải quyết đúng hạn trực tuyến dịch vụ công mức độ
kế hoạch chương trình thành phố quận huyện xã phường sở ban ngành đơn vị cán bộ công chức viên chức
người dân doanh nghiệp chỉ số hài lòng phấn đấu mục tiêu năm giai đoạn triển khai thực hiện kết quả
đánh giá xếp hạng tỷ lệ tiếp nhận trả kết quả một cửa liên thông bưu chính công ích số hóa dữ liệu
văn bản quy phạm pháp luật kiểm tra thanh tra thi đua khen thưởng tổng kết báo cáo""".split()
_CODES = ("KH-UBND", "QĐ-UBND", "KH-HĐTĐKT", "CTr-TU", "NQ-HĐND", "BC-UBND")
_UNITS = (
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Văn phòng UBND tỉnh",
    "Sở Thông tin và Truyền thông",
    "Sở Tài chính",
    "UBND các huyện, thị xã, thành phố",
    "Sở Kế hoạch và Đầu tư",
    "Trung tâm Phục vụ hành chính công",
)
_PARTS = ("MỤC ĐÍCH, YÊU CẦU", "CHỈ TIÊU CHỦ YẾU", "NHIỆM VỤ, GIẢI PHÁP", "TỔ CHỨC THỰC HIỆN")
_ROMAN = ("I", "II", "III", "IV", "V", "VI")


# -- the synthetic knowledge base ----------------------------------------------------------


def vocabulary() -> list[str]:
    """Words of the campaign corpus, with repetition (sampling follows their frequency)."""
    words: list[str] = []
    for folder in (SHARED / "corpus", SHARED / "corpus-province"):
        for path in sorted(folder.glob("*.txt")) if folder.is_dir() else ():
            found = re.findall(r"[^\W\d_]+", path.read_text(encoding="utf-8", errors="replace"))
            words += [w if w.isupper() and len(w) > 1 else w.lower() for w in found]
    return words if len(words) >= 500 else _FALLBACK_VOCAB * 20


def _number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return str(rng.randint(1, 999))
    if kind < 0.55:
        return f"{rng.randint(1, 99)},{rng.randint(1, 99):02d}%"
    if kind < 0.75:
        return f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2019, 2025)}"
    return f"{rng.randint(1, 999)}/{rng.choice(_CODES)}"


def _sentence(rng: random.Random, vocab: list[str], lo: int = 10, hi: int = 26) -> str:
    words = [_number(rng) if rng.random() < 0.07 else rng.choice(vocab) for _ in range(rng.randint(lo, hi))]
    if len(words) > 6 and rng.random() < 0.3:
        words.insert(rng.randint(2, len(words) - 2), ",")
    out = " ".join(words).replace(" ,", ",")
    return out[0].upper() + out[1:] + "."


def synthetic_file(i: int, passages: int, vocab: list[str], rng: random.Random) -> tuple[str, bytes]:
    """One plan of about ``passages`` passages: letterhead, title, parts, items, points, paragraphs;
    a table of tasks in every third."""
    year = rng.randint(2019, 2025)
    code = f"{rng.randint(1, 999)}/{rng.choice(_CODES)}"
    topic = " ".join(rng.choice(vocab) for _ in range(rng.randint(4, 8)))
    lines = [
        "ỦY BAN NHÂN DÂN",
        f"TỈNH {rng.choice(vocab).upper()}",
        f"Số: {code}",
        f"{rng.choice(vocab).capitalize()}, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {year}",
        "KẾ HOẠCH",
        f"Thực hiện {topic} năm {year}",
    ]
    budget = passages - 2
    table = i % 3 == 0
    rows = rng.randint(6, 10) if table else 0
    budget -= rows + 1
    for part, name in zip(_ROMAN, _PARTS):
        if budget <= 0:
            break
        lines.append(f"{part}. {name}")
        budget -= 1
        for item in range(1, rng.randint(3, 6)):
            if budget <= 0:
                break
            lines.append(f"{item}. {_sentence(rng, vocab, 6, 14)}")
            budget -= 1
            for point in "abcd"[: rng.randint(0, 4)]:
                if budget <= 0:
                    break
                lines.append(f"{point}) {_sentence(rng, vocab)}")
                budget -= 1
            paragraph = []
            for _ in range(min(budget, rng.randint(1, 4))):
                paragraph.append(_sentence(rng, vocab))
                budget -= 1
            if paragraph:
                lines.append(" ".join(paragraph))
    while budget > 0:
        lines.append(_sentence(rng, vocab))
        budget -= 1
    if table:
        lines.append("PHỤ LỤC: DANH MỤC NHIỆM VỤ")
        lines.append("STT | Nhiệm vụ | Đơn vị chủ trì | Thời gian hoàn thành")
        for r in range(1, rows + 1):
            lines.append(
                f"{r} | {_sentence(rng, vocab, 5, 12)} | {rng.choice(_UNITS)} | Quý {rng.randint(1, 4)}/{year}"
            )
    return f"ke-hoach-{i:03d}.txt", "\n".join(lines).encode("utf-8")


def synthetic_files(n_docs: int, n_passages: int, seed: int) -> list[tuple[str, bytes]]:
    """``n_docs`` documents, then one more (the document added last)."""
    rng = random.Random(seed)
    vocab = vocabulary()
    per = max(8, n_passages // max(1, n_docs))
    return [synthetic_file(i, per, vocab, rng) for i in range(n_docs + 1)]


# -- the database ----------------------------------------------------------------------------


class Database:
    """A fresh database: a SQLite file in a temporary folder, or a new database on a PostgreSQL
    server (dropped on close)."""

    def __init__(self, server_url: str | None) -> None:
        self._tmp = None
        self._admin = None
        if not server_url:
            self._tmp = tempfile.TemporaryDirectory(prefix="kb-scale-")
            self.url = f"sqlite:///{Path(self._tmp.name) / 'kb.db'}"
        else:
            from sqlalchemy import create_engine
            from sqlalchemy.engine import make_url

            admin_url = make_url(sqlalchemy_url(server_url))
            self._admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            self._name = f"kb_scale_{uuid.uuid4().hex[:12]}"
            with self._admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._name}"'))
            self.url = admin_url.set(database=self._name).render_as_string(hide_password=False)
        self.engine = open_database(sqlalchemy_url(self.url))

    @property
    def kind(self) -> str:
        return self.engine.dialect.name

    def forget_analyses(self) -> None:
        with session_scope(self.engine) as session:
            session.execute(update(Document).values(analysis=None, analysis_version=None))

    def close(self) -> None:
        self.engine.dispose()
        if self._admin is not None:
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)'))
            self._admin.dispose()
        if self._tmp is not None:
            self._tmp.cleanup()


# -- a fresh process -------------------------------------------------------------------------

# ``python -m bot ask`` logs only warnings; this runs the same module the same way (runpy is
# what ``-m`` does) with the knowledge base's INFO lines on stderr, for the process's own figures.
_WITH_LOG = (
    "import logging, runpy, sys\n"
    "logging.basicConfig(level=logging.WARNING, format='%(name)s: %(message)s')\n"
    "logging.getLogger('kb.service').setLevel(logging.INFO)\n"
    "sys.argv = ['bot', 'ask', '--json', sys.argv[1]]\n"
    "runpy.run_module('bot', run_name='__main__', alter_sys=True)\n"
)
_BUILT = re.compile(
    r"index built: (\d+) documents, (\d+) passages in ([\d.]+) s \((\d+) kept, (\d+) loaded, "
    r"(\d+) analysed; load ([\d.]+) s, assembly ([\d.]+) s\)"
)


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = url
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def first_answer(url: str, question: str) -> tuple[float, float, dict]:
    """Wall and CPU time of ``python -m bot ask --json QUESTION`` in a new process, and its answer."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", question],
        cwd=ROOT,
        env=_env(url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"python -m bot ask failed ({done.returncode}):\n{done.stderr}")
    return wall, _children_cpu() - cpu, json.loads(done.stdout)


class Timer:
    """Wall and CPU time of this process over a ``with`` block."""

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def first_build(url: str, question: str) -> dict:
    """The index build of a new ``python -m bot ask`` process, as it logs it."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WITH_LOG, question],
        cwd=ROOT,
        env=_env(url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.perf_counter() - started
    m = _BUILT.search(done.stderr)
    if done.returncode != 0 or m is None:
        raise SystemExit(f"python -m bot ask (with its log) failed ({done.returncode}):\n{done.stderr}")
    docs, passages, build, _kept, loaded, analysed, load, assembly = m.groups()
    return {
        "wall_s": round(wall, 3),
        "documents": int(docs),
        "passages": int(passages),
        "build_s": float(build),
        "loaded": int(loaded),
        "analysed": int(analysed),
        "load_s": float(load),
        "assembly_s": float(assembly),
    }


# -- the run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--passages", type=int, default=10000, help="about this many passages in all")
    ap.add_argument("--runs", type=int, default=3, help="fresh processes timed per figure (median)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--database-url", help="a PostgreSQL server (a database is created on it, then dropped)")
    ap.add_argument("--json", action="store_true", help="print one JSON object with every figure")
    args = ap.parse_args(argv)
    say = (lambda *a: None) if args.json else print
    out: dict = {}

    *files, extra = synthetic_files(args.docs, args.passages, args.seed)
    # A question from one document's words, so the answer is found and timed to its end.
    probe = re.findall(r"[^\W\d_]+", files[len(files) // 2][1].decode("utf-8").splitlines()[8])
    question = " ".join(probe[1:7]).lower() + " là gì?"

    db = Database(args.database_url)
    try:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        busy = f" (load average {load:.1f} on {os.cpu_count()} CPUs)" if load is not None else ""
        say(f"kb_scale: {args.docs} synthetic documents on {db.kind}{busy}")
        kb = KnowledgeBase(db.engine)
        with Timer() as t:
            kb.add(files)
        add_all = t.wall
        index = kb.index()
        out.update(
            database=db.kind,
            load_average=load,
            cpus=os.cpu_count(),
            documents=len(files),
            passages=index.n,
            add_all_s=round(add_all, 3),
            add_all_cpu_s=round(t.cpu, 3),
            add_per_doc_ms=round(1000 * add_all / len(files), 1),
        )
        say(
            f"  {len(files)} documents, {index.n} passages; added in {add_all:.2f} s, CPU {t.cpu:.2f} s "
            f"({out['add_per_doc_ms']:.0f} ms a document, analysis included)"
        )

        # A fresh process, with the stored analyses.
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu, answer = first_answer(db.url, question)
            walls.append(wall)
            cpus.append(cpu)
        build = first_build(db.url, question)
        first, first_cpu = statistics.median(walls), statistics.median(cpus)
        out["stored"] = {
            "first_answer_s": round(first, 3),
            "first_answer_cpu_s": round(first_cpu, 3),
            "runs_s": [round(w, 3) for w in walls],
            "found": answer.get("found"),
            "process_build": build,
        }
        say("\nA fresh `python -m bot ask --json` (stored analyses):")
        say(
            f"  first answer, wall time of the process: {first:.2f} s, CPU {first_cpu:.2f} s (median of "
            f"{len(walls)}: {', '.join(f'{w:.2f}' for w in walls)}; found: {answer.get('found')})"
            f"  -> {first / TARGET_FIRST_S:.2f} of the {TARGET_FIRST_S:.0f} s target"
        )
        say(
            f"  its index build: {build['build_s']:.2f} s ({build['loaded']} analyses loaded, "
            f"{build['analysed']} analysed; read and deserialise {build['load_s']:.2f} s, "
            f"assembly {build['assembly_s']:.2f} s)"
        )

        # One more document in a process that has its index.
        with Timer() as t_add:
            kb.add([extra])
        with Timer() as t_refresh:
            kb.index()
        b = kb.last_build
        add_one, refresh = t_add.wall, t_refresh.wall
        total, total_cpu = add_one + refresh, t_add.cpu + t_refresh.cpu
        out["add_one"] = {
            "add_s": round(add_one, 3),
            "refresh_s": round(refresh, 3),
            "total_s": round(total, 3),
            "total_cpu_s": round(total_cpu, 3),
            "kept": b.kept,
            "loaded": b.loaded,
            "analysed": b.analysed,
            "assembly_s": round(b.assemble_s, 3),
        }
        say("\nOne more document where the index is built:")
        say(
            f"  KnowledgeBase.add: {add_one:.2f} s; the next question's refresh: {refresh:.2f} s "
            f"({b.kept} analyses kept, {b.loaded} loaded, {b.analysed} analysed; assembly {b.assemble_s:.2f} s)"
        )
        say(
            f"  together {total:.2f} s, CPU {total_cpu:.2f} s  -> {total / TARGET_ADD_S:.2f} of the "
            f"{TARGET_ADD_S:.0f} s target"
        )

        # Without the stored analyses (as before they were stored).
        # Once each: every run analyses all the texts (each seconds of CPU), and writes them back.
        db.forget_analyses()
        first_none, first_none_cpu, _ = first_answer(db.url, question)
        walls = [first_none]
        db.forget_analyses()
        build_none = first_build(db.url, question)
        with session_scope(db.engine) as session:
            docs = [indexed_doc(d, d.text) for d in repo.list_documents(session=session)]
        with Timer() as t:
            KnowledgeIndex(docs)
        rebuild, rebuild_cpu = t.wall, t.cpu
        out["without_analyses"] = {
            "first_answer_s": round(first_none, 3),
            "first_answer_cpu_s": round(first_none_cpu, 3),
            "runs_s": [round(w, 3) for w in walls],
            "process_build": build_none,
            "rebuild_from_texts_s": round(rebuild, 3),
            "rebuild_cpu_s": round(rebuild_cpu, 3),
        }
        say("\nWithout stored analyses:")
        say(
            f"  first answer of a fresh process: {first_none:.2f} s, CPU {first_none_cpu:.2f} s  -> "
            f"{first_none / TARGET_FIRST_S:.2f} of the target; its index build {build_none['build_s']:.2f} s "
            f"({build_none['analysed']} analysed)"
        )
        say(
            f"  a change rebuilt the index from every text: {rebuild:.2f} s, CPU {rebuild_cpu:.2f} s  -> "
            f"{rebuild / TARGET_ADD_S:.2f} of the {TARGET_ADD_S:.0f} s target"
        )
        say(f"\nGain: first answer {first_none / first:.1f}x quicker; adding a document {rebuild / total:.1f}x quicker")
        out["targets_s"] = {"first_answer": TARGET_FIRST_S, "add_one": TARGET_ADD_S}
        out["ratios"] = {
            "first_answer": round(first / TARGET_FIRST_S, 3),
            "add_one": round(total / TARGET_ADD_S, 3),
            "first_answer_without_analyses": round(first_none / TARGET_FIRST_S, 3),
            "add_one_without_analyses": round(rebuild / TARGET_ADD_S, 3),
        }
        if args.json:
            print(json.dumps(out, ensure_ascii=False))
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
