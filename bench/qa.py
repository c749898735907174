"""Question-answering benchmark: accuracy, latency and scale, against a plain BM25 peer.

This is a benchmark, not a test: it prints figures and always exits 0 unless it
crashes.  Run it from the project root::

    .venv/bin/python bench/qa.py
    .venv/bin/python bench/qa.py --questions bench/qa_heldout.jsonl
    .venv/bin/python bench/qa.py --questions ../shared/eval/qa_dev.jsonl --questions bench/qa_heldout.jsonl
    .venv/bin/python bench/qa.py --json            # one JSON object with every figure
    .venv/bin/python bench/qa.py --passages 2000   # smaller synthetic corpus, quicker
    .venv/bin/python bench/qa.py -v                # also list the questions each system got wrong

``--questions`` may be given several times; when it is given the default set
(``../shared/eval/qa_dev.jsonl``) is *replaced*, so pass it explicitly to score
both.  Relative paths are tried against the working directory, then the project
root.

Three parts:

1. **Accuracy** on the question sets, scored by ``judge`` from
   ``../shared/eval/qa_score.py`` (imported from that file, not copied), over the
   documents of ``../shared/corpus`` and ``../shared/corpus-province`` (``--corpus DIR``, repeatable).  The index is built once
   and ``answer_question`` is called in-process per question; accuracy is given
   for answerable and unanswerable items separately and overall, with latency
   p50/p95 per question.  Skipped, with a message, when the shared folder is absent.
2. **Baseline**: the same questions answered by ``rank_bm25.BM25Okapi`` over the
   sentences of ``split_sentences``, tokenised by a lower-case ``\\w+`` split (no
   diacritics folding): answer = best sentence, found = its score > 0, source =
   its file.  Same figures, and ours/baseline ratios.
3. **Scale**: a seeded synthetic corpus of ``--passages`` sentences (default
   10,000) over ~200 documents, built from the real corpus' vocabulary mixed with
   random numbers and document codes, plus the real documents.  Index build
   time, then p50/p95/max latency of ``answer_question`` over ~300 questions (the
   loaded questions plus synthetic ones taken from random passages, half of them
   without diacritics), against the target p95 <= 50 ms; the same for the
   rank_bm25 peer on the same passages (its query count is capped by
   ``--baseline-queries`` and a time budget; the report says when it was cut).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from rank_bm25 import BM25Okapi  # noqa: E402

from kb.abbrev import word_pairs as abbrev_pairs  # noqa: E402
from kb.analysis import IndexedDoc, split_sentences  # noqa: E402
from kb.answer import answer_question  # noqa: E402
from kb.index import KnowledgeIndex  # noqa: E402
from kb.text import fold  # noqa: E402

try:  # metadata extraction may not exist yet
    from kb.meta import extract_meta  # type: ignore
except Exception:  # pragma: no cover - depends on the state of the tree
    extract_meta = None

try:  # the production reader normalises text (NFC, spaces); fall back to a plain read
    from kb.readers import read_document
except Exception:  # pragma: no cover
    read_document = None

SHARED = ROOT.parent / "shared"
DEFAULT_QUESTIONS = SHARED / "eval" / "qa_dev.jsonl"
DEFAULT_CORPORA = (SHARED / "corpus", SHARED / "corpus-province")
DOC_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
SCORER = SHARED / "eval" / "qa_score.py"
TARGET_P95_MS = 50.0


# -- helpers ---------------------------------------------------------------------------


def latency(ms: list[float]) -> dict:
    if not ms:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None, "mean_ms": None}
    a = np.asarray(ms, dtype=np.float64)
    return {
        "n": len(ms),
        "p50_ms": round(float(np.percentile(a, 50)), 3),
        "p95_ms": round(float(np.percentile(a, 95)), 3),
        "max_ms": round(float(a.max()), 3),
        "mean_ms": round(float(a.mean()), 3),
    }


def ratio(a, b):
    if a is None or b is None or not b:
        return None
    return round(a / b, 3)


def fmt(x, nd=1, unit=""):
    return "n/a" if x is None else f"{x:.{nd}f}{unit}"


def resolve(path: str) -> Path:
    base, sep, half = path.rpartition(":")
    if sep and half in ("odd", "even"):
        found = resolve(base)
        return found.with_name(f"{found.name}:{half}")
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    alt = ROOT / p
    return alt if alt.exists() else p


def load_judge():
    """``judge`` from the shared scorer, loaded from its file; None when absent."""
    if not SCORER.is_file():
        return None
    spec = importlib.util.spec_from_file_location("qa_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.judge


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if read_document is not None:
        try:
            return read_document(path.name, data)
        except Exception:
            pass
    return unicodedata.normalize("NFC", data.decode("utf-8", errors="replace"))


def make_doc(file_name: str, text: str) -> IndexedDoc:
    if extract_meta is not None:
        meta = extract_meta(text, file_name)
        return IndexedDoc(file_name, (meta.title or file_name)[:500], text, meta.number, meta.issuer, meta.date)
    title = next((line.strip() for line in text.splitlines() if line.strip()), file_name)
    return IndexedDoc(file_name, title[:500], text)


def load_corpus(directory: Path) -> list[IndexedDoc]:
    """The documents as the bot stores them (reader, metadata, citation fields)."""
    from kb.service import indexed_doc, prepare

    docs = []
    for p in sorted(directory.iterdir()):
        if p.suffix.lower() in DOC_SUFFIXES and p.name.lower() != "readme.md":
            row = prepare(p.name, p.read_bytes())
            docs.append(indexed_doc(row, row.text))
    return docs


# -- the naive peer ----------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def naive_tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class Baseline:
    """rank_bm25 over sentences, lower-case \\w+ tokens, no folding."""

    def __init__(self, docs: list[IndexedDoc]) -> None:
        self.sentences: list[tuple[str, str]] = []  # (file, sentence)
        corpus = []
        for doc in docs:
            for s in split_sentences(doc.text):
                toks = naive_tokens(s)
                if toks:
                    self.sentences.append((doc.file_name, s))
                    corpus.append(toks)
        self.n = len(corpus)
        self.bm25 = BM25Okapi(corpus)

    def answer(self, question: str) -> dict:
        q = naive_tokens(question)
        if not q or not self.n:
            return {"found": False, "answer": "", "sources": []}
        scores = self.bm25.get_scores(q)
        best = int(np.argmax(scores))
        if scores[best] <= 0:
            return {"found": False, "answer": "", "sources": []}
        file, sentence = self.sentences[best]
        return {"found": True, "answer": sentence, "sources": [{"file": file}]}


# -- accuracy ----------------------------------------------------------------------------


def run_questions(answer, items: list[dict], judge) -> dict:
    """Answer every item, judge it, time it. ``answer(q) -> dict``."""
    if items:
        answer(items[0]["q"])  # warm-up, not timed
    ans = [0, 0]
    una = [0, 0]
    times, failures = [], []
    for item in items:
        t0 = time.perf_counter()
        out = answer(item["q"])
        times.append((time.perf_counter() - t0) * 1000)
        ok, why = judge(item, out)
        bucket = una if item.get("unanswerable") else ans
        bucket[0] += ok
        bucket[1] += 1
        if not ok:
            failures.append(
                {"id": item.get("id"), "why": why, "q": item["q"], "answer": (out.get("answer") or "")[:160]}
            )
    total = [ans[0] + una[0], ans[1] + una[1]]

    def acc(c):
        return {"correct": c[0], "total": c[1], "accuracy": round(c[0] / c[1], 4) if c[1] else None}

    return {
        "answerable": acc(ans),
        "unanswerable": acc(una),
        "overall": acc(total),
        "latency": latency(times),
        "failures": failures,
        "_times": times,
    }


def merge(results: list[dict]) -> dict:
    out = {}
    for part in ("answerable", "unanswerable", "overall"):
        c = sum(r[part]["correct"] for r in results)
        t = sum(r[part]["total"] for r in results)
        out[part] = {"correct": c, "total": t, "accuracy": round(c / t, 4) if t else None}
    return out


def _id_parity(item: dict) -> int | None:
    digits = re.findall(r"\d+", str(item.get("id", "")))
    return int(digits[-1]) % 2 if digits else None


def load_questions(paths: list[Path]) -> list[tuple[Path, list[dict]]]:
    """Each set's items; ``PATH:odd`` / ``PATH:even`` keeps the items whose id ends in an odd / even number."""
    sets = []
    for p in paths:
        half = None
        if p.name.endswith((":odd", ":even")):
            half = 1 if p.name.endswith(":odd") else 0
            p = p.with_name(p.name.rsplit(":", 1)[0])
        if not p.is_file():
            print(f"! question set {p} not found: skipped", file=sys.stderr)
            continue
        items = [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
        if half is not None:
            items = [it for it in items if _id_parity(it) == half]
            p = p.with_name(p.name + (":odd" if half else ":even"))
        sets.append((p, items))
    return sets


# -- synthetic corpus ----------------------------------------------------------------------

_FALLBACK_VOCAB = """cải cách hành chính thủ tục hồ sơ giải quyết đúng hạn trực tuyến dịch vụ công mức độ
kế hoạch chương trình thành phố quận huyện xã phường sở ban ngành đơn vị cán bộ công chức viên chức
người dân doanh nghiệp chỉ số hài lòng phấn đấu mục tiêu năm giai đoạn triển khai thực hiện kết quả
đánh giá xếp hạng tỷ lệ tiếp nhận trả kết quả một cửa liên thông bưu chính công ích số hóa dữ liệu
văn bản quy phạm pháp luật kiểm tra thanh tra thi đua khen thưởng tổng kết báo cáo""".split()

_CODES = ("KH-UBND", "QĐ-UBND", "TB-UBND", "KH-HĐTĐKT", "CTr-TU", "NQ-HĐND", "CV-SNV", "BC-UBND")


def vocabulary(docs: list[IndexedDoc]) -> list[str]:
    """Words of the real corpus, with repetition (so sampling follows their frequency)."""
    words = [w for d in docs for w in re.findall(r"[^\W\d_]+", d.text)]
    words = [w if w.isupper() and len(w) > 1 else w.lower() for w in words]
    return words if len(words) >= 200 else _FALLBACK_VOCAB * 20


def random_number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
        return str(rng.randint(1, 999))
    if kind < 0.40:
        n = rng.randint(1000, 99999)
        return f"{n:,}".replace(",", ".")
    if kind < 0.60:
        return f"{rng.randint(1, 99)},{rng.randint(1, 99):02d}%"
    if kind < 0.75:
        return f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2015, 2025)}"
    if kind < 0.85:
        return str(rng.randint(2010, 2030))
    return f"{rng.randint(1, 9999)}/{rng.choice(_CODES)}"


def synthetic_sentence(rng: random.Random, vocab: list[str]) -> str:
    n = rng.randint(10, 28)
    words = []
    for _ in range(n):
        words.append(random_number(rng) if rng.random() < 0.08 else rng.choice(vocab))
    if rng.random() < 0.3:
        words.insert(rng.randint(1, len(words) - 1), ",")
    text = " ".join(words).replace(" ,", ",")
    return text[0].upper() + text[1:] + "."


def synthetic_docs(n_passages: int, n_docs: int, vocab: list[str], seed: int) -> list[IndexedDoc]:
    rng = random.Random(seed)
    docs = []
    per = [n_passages // n_docs + (1 if i < n_passages % n_docs else 0) for i in range(n_docs)]
    for i, count in enumerate(per):
        code = f"{rng.randint(1, 999)}/{rng.choice(_CODES)}"
        topic = " ".join(rng.choice(vocab) for _ in range(rng.randint(4, 9)))
        title = f"Kế hoạch {code} về {topic}"
        day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2016, 2024)}"
        lines = [title, day] + [synthetic_sentence(rng, vocab) for _ in range(count)]
        docs.append(make_doc(f"synthetic-{i:03d}.txt", "\n".join(lines)))
    return docs


_Q_TEMPLATES = ("{w} là gì?", "{w} bao nhiêu?", "{w} như thế nào", "{w}?", "cho hỏi {w}", "{w} năm nào?")


def synthetic_questions(docs: list[IndexedDoc], count: int, seed: int) -> list[tuple[str, str]]:
    """(question, its passage's file) from random passages' words; every other one without diacritics."""
    rng = random.Random(seed + 1)
    sentences = [(d.file_name, s) for d in docs for s in split_sentences(d.text)[2:]]
    out = []
    for i in range(count):
        file, sentence = rng.choice(sentences)
        words = re.findall(r"\S+", sentence.rstrip("."))
        k = min(len(words), rng.randint(3, 7))
        if rng.random() < 0.5:  # a contiguous phrase
            start = rng.randint(0, len(words) - k)
            picked = words[start : start + k]
        else:  # scattered words, in order
            picked = [words[j] for j in sorted(rng.sample(range(len(words)), k))]
        q = rng.choice(_Q_TEMPLATES).format(w=" ".join(picked).strip(",").lower())
        out.append((fold(q) if i % 2 else q, file))
    return out


def time_queries(answer, questions: list[str], budget_s: float | None = None) -> tuple[list[float], list[dict]]:
    if questions:
        answer(questions[0])  # warm-up
    times, outs = [], []
    start = time.perf_counter()
    for q in questions:
        t0 = time.perf_counter()
        outs.append(answer(q))
        times.append((time.perf_counter() - t0) * 1000)
        if budget_s is not None and time.perf_counter() - start > budget_s:
            break
    return times, outs


# -- report ---------------------------------------------------------------------------------


def acc_cell(a: dict) -> str:
    if not a["total"]:
        return "       -"
    return f"{a['correct']:>3}/{a['total']:<3} {100 * a['correct'] / a['total']:5.1f}%"


def print_accuracy_table(rows: list[tuple[str, dict, dict]]) -> None:
    print(
        f"  {'set':<22} {'system':<9} {'answerable':>15} {'unanswerable':>15} {'overall':>15}"
        f" {'p50 ms':>8} {'p95 ms':>8}"
    )
    for name, ours, base in rows:
        for label, r in (("ours", ours), ("bm25", base)):
            lat = r.get("latency") or {}
            print(
                f"  {name:<22} {label:<9} {acc_cell(r['answerable']):>15} {acc_cell(r['unanswerable']):>15}"
                f" {acc_cell(r['overall']):>15} {fmt(lat.get('p50_ms'), 2):>8} {fmt(lat.get('p95_ms'), 2):>8}"
            )


def kinds_table(sets, ours, baseline, judge, say) -> None:
    """Accuracy by kind of question (the ``kind`` field; the first 19 of the dev set have none), per set."""
    for path, items in sets:
        by: dict[str, list[int]] = {}
        for it in items:
            kind = it.get("kind") or ("unanswerable" if it.get("unanswerable") else "original")
            row = by.setdefault(kind, [0, 0, 0])
            row[0] += judge(it, ours(it["q"]))[0]
            row[1] += judge(it, baseline(it["q"]))[0]
            row[2] += 1
        say(f"\n  {Path(path).name}: by kind of question   ours        rank_bm25")
        for kind, (o, b, n) in sorted(by.items()):
            say(f"  {kind:<22} {o:>3}/{n:<3} {100 * o / n:5.1f}%   {b:>3}/{n:<3} {100 * b / n:5.1f}%")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--questions",
        action="append",
        metavar="PATH",
        help=f"JSONL question set (repeatable; default {DEFAULT_QUESTIONS})",
    )
    ap.add_argument(
        "--corpus",
        action="append",
        metavar="DIR",
        help="directory of documents (.txt .md .docx .pdf; repeatable; default: "
        "../shared/corpus and ../shared/corpus-province)",
    )
    ap.add_argument("--passages", type=int, default=10000, help="synthetic passages for the scale part (0 skips it)")
    ap.add_argument("--docs", type=int, default=200, help="synthetic documents for the scale part")
    ap.add_argument("--scale-queries", type=int, default=300, help="questions timed on the scale corpus")
    ap.add_argument(
        "--baseline-queries", type=int, default=300, help="cap on rank_bm25 questions timed on the scale corpus"
    )
    ap.add_argument(
        "--baseline-budget",
        type=float,
        default=30.0,
        help="seconds allowed for the rank_bm25 scale run before it is cut short",
    )
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    ap.add_argument("-v", "--verbose", action="store_true", help="list failed questions")
    args = ap.parse_args(argv)

    t_start = time.perf_counter()
    say = (lambda *a, **k: None) if args.json else print
    report: dict = {"meta_extraction": extract_meta is not None, "target_p95_ms": TARGET_P95_MS}

    # ---- corpus and questions
    corpus_dirs = [resolve(c) for c in args.corpus] if args.corpus else list(DEFAULT_CORPORA)
    real_docs = [d for c in corpus_dirs if c.is_dir() for d in load_corpus(c)]
    corpus_dir = ", ".join(str(c) for c in corpus_dirs)
    q_paths = [resolve(p) for p in args.questions] if args.questions else [DEFAULT_QUESTIONS]
    judge = load_judge()
    sets = load_questions(q_paths)
    report["corpus"] = {"dir": str(corpus_dir), "docs": len(real_docs)}

    say("Question-answering benchmark")
    say("=" * 100)
    say(f"corpus      {corpus_dir}  ({len(real_docs)} documents)")
    say(f"metadata    {'kb.meta.extract_meta' if extract_meta else 'first non-empty line as title (kb.meta missing)'}")

    # ---- 1 + 2: accuracy
    skip = None
    if not SHARED.is_dir():
        skip = f"shared folder {SHARED} is absent"
    elif judge is None:
        skip = f"scorer {SCORER} is absent"
    elif not real_docs:
        skip = f"no documents in {corpus_dir}"
    elif not sets:
        skip = "no question set could be read"
    if skip:
        say(f"\n[accuracy] SKIPPED: {skip}; only the scale part runs.")
        report["accuracy"] = {"skipped": skip}
    else:
        t0 = time.perf_counter()
        index = KnowledgeIndex(real_docs)
        build_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        base = Baseline(real_docs)
        base_build_ms = (time.perf_counter() - t0) * 1000
        report["corpus"].update(
            passages=index.n,
            build_ms=round(build_ms, 2),
            baseline_sentences=base.n,
            baseline_build_ms=round(base_build_ms, 2),
        )
        say(
            f"index       {index.n} passages, built in {build_ms:.1f} ms "
            f"(baseline: {base.n} sentences, {base_build_ms:.1f} ms)"
        )

        def ours(q):
            return answer_question(index, q).to_dict()

        rows, per_set, all_ours, all_base = [], [], [], []
        for path, items in sets:
            r_ours = run_questions(ours, items, judge)
            r_base = run_questions(base.answer, items, judge)
            name = path.name
            rows.append((name, r_ours, r_base))
            all_ours.append(r_ours)
            all_base.append(r_base)
            per_set.append(
                {
                    "path": str(path),
                    "items": len(items),
                    "ours": r_ours,
                    "baseline": r_base,
                    "ratio_overall_accuracy": ratio(r_ours["overall"]["accuracy"], r_base["overall"]["accuracy"]),
                    "ratio_p50": ratio(r_ours["latency"]["p50_ms"], r_base["latency"]["p50_ms"]),
                }
            )
        kinds_table(sets, ours, base.answer, judge, say)
        tot_ours, tot_base = merge(all_ours), merge(all_base)
        tot_ours["latency"] = latency([t for r in all_ours for t in r.pop("_times")])
        tot_base["latency"] = latency([t for r in all_base for t in r.pop("_times")])
        if len(sets) > 1:
            rows.append(("ALL", tot_ours, tot_base))
        say("\n[1+2] accuracy on the question sets (scored by qa_score.judge), ours vs rank_bm25 sentence baseline")
        say("-" * 100)
        if not args.json:
            print_accuracy_table(rows)
        acc_ratio = ratio(tot_ours["overall"]["accuracy"], tot_base["overall"]["accuracy"])
        ans_ratio = ratio(tot_ours["answerable"]["accuracy"], tot_base["answerable"]["accuracy"])
        say(
            f"  ours/baseline   overall accuracy x{fmt(acc_ratio, 2)}   answerable accuracy x{fmt(ans_ratio, 2)}"
            f"   unanswerable {tot_ours['unanswerable']['correct']} vs {tot_base['unanswerable']['correct']}"
            f" of {tot_ours['unanswerable']['total']}"
        )
        lo, lb = tot_ours["latency"], tot_base["latency"]
        lat_ratio = {"p50": ratio(lo["p50_ms"], lb["p50_ms"]), "p95": ratio(lo["p95_ms"], lb["p95_ms"])}
        say(
            f"  ours/baseline   latency per question p50 x{fmt(lat_ratio['p50'], 2)}   p95 x{fmt(lat_ratio['p95'], 2)}"
            f"   (on {len(real_docs)} documents; >1 means ours is slower)"
        )
        if args.verbose and not args.json:
            for s in per_set:
                for label in ("ours", "baseline"):
                    fails = s[label]["failures"]
                    print(f"\n  failures of {label} on {Path(s['path']).name} ({len(fails)}):")
                    for f in fails:
                        print(f"    {f['id']}: {f['why']} | q={f['q']!r} | a={f['answer'][:100]!r}")
        report["accuracy"] = {
            "sets": per_set,
            "total": {
                "ours": tot_ours,
                "baseline": tot_base,
                "ratio_overall": acc_ratio,
                "ratio_answerable": ans_ratio,
                "ratio_latency": lat_ratio,
            },
        }
        if not args.verbose:
            for s in per_set:  # keep the JSON readable; -v keeps the failure lists
                s["ours"].pop("failures")
                s["baseline"].pop("failures")

    # ---- 3: scale
    if args.passages > 0:
        t0 = time.perf_counter()
        vocab = vocabulary(real_docs)
        synth = synthetic_docs(args.passages, max(1, min(args.docs, args.passages)), vocab, args.seed)
        docs = synth + real_docs
        gen_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        big = KnowledgeIndex(docs)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        big_base = Baseline(docs)
        base_build_s = time.perf_counter() - t0
        # read once per index, on the first question with a short form no document writes
        t0 = time.perf_counter()
        abbrev_pairs(big)
        pairs_s = time.perf_counter() - t0

        real_items = [it for _, items in sets for it in items]
        n_synth = max(args.scale_queries - len(real_items), args.scale_queries // 2)
        synth_qs = synthetic_questions(synth, n_synth, args.seed)
        questions = [it["q"] for it in real_items] + [q for q, _ in synth_qs]
        # interleave deterministically so a time-budget cut samples both kinds
        rng = random.Random(args.seed + 2)
        order = list(range(len(questions)))
        rng.shuffle(order)
        questions = [questions[i] for i in order]

        def ours_big(q):
            return answer_question(big, q).to_dict()

        ours_ms, ours_out = time_queries(ours_big, questions)
        base_qs = questions[: args.baseline_queries]
        base_ms, _ = time_queries(big_base.answer, base_qs, args.baseline_budget)
        cut = len(base_ms) < len(questions)
        lo, lb = latency(ours_ms), latency(base_ms)
        # the same questions for both systems, when the peer was cut short
        lo_same = latency(ours_ms[: len(base_ms)])

        # extra figures: the question sets' accuracy with thousands of distractor passages
        # around the real documents, and how often a synthetic question finds its own document
        outs = dict(zip(questions, ours_out))
        scale_acc = None
        if judge is not None and real_items and real_docs:
            ok = {"answerable": [0, 0], "unanswerable": [0, 0]}
            for it in real_items:
                good, _ = judge(it, outs[it["q"]])
                b = ok["unanswerable" if it.get("unanswerable") else "answerable"]
                b[0] += good
                b[1] += 1
            scale_acc = merge(
                [
                    {k: {"correct": v[0], "total": v[1]} for k, v in ok.items()}
                    | {"overall": {"correct": sum(v[0] for v in ok.values()), "total": sum(v[1] for v in ok.values())}}
                ]
            )
        found = right = 0
        for q, file in synth_qs:
            out = outs[q]
            found += bool(out.get("found"))
            srcs = out.get("sources") or []
            right += bool(out.get("found") and srcs and srcs[0].get("file") == file)
        n_syn_done = len(synth_qs)

        meets = lo["p95_ms"] is not None and lo["p95_ms"] <= TARGET_P95_MS
        report["scale"] = {
            "synthetic_passages": args.passages,
            "synthetic_docs": len(synth),
            "real_docs": len(real_docs),
            "index_passages": big.n,
            "baseline_sentences": big_base.n,
            "generate_ms": round(gen_ms, 1),
            "build_s": round(build_s, 3),
            "baseline_build_s": round(base_build_s, 3),
            "short_form_pairs_s": round(pairs_s, 3),
            "questions": len(questions),
            "real_questions": len(real_items),
            "synthetic_questions": len(synth_qs),
            "ours": lo,
            "baseline": lb,
            "ours_on_baseline_questions": lo_same,
            "baseline_cut_short": cut,
            "ratio_p50": ratio(lo_same["p50_ms"], lb["p50_ms"]),
            "ratio_p95": ratio(lo_same["p95_ms"], lb["p95_ms"]),
            "meets_target": meets,
            "synthetic_found_rate": round(found / n_syn_done, 4) if n_syn_done else None,
            "synthetic_right_doc_rate": round(right / n_syn_done, 4) if n_syn_done else None,
            "real_questions_accuracy_in_scale_corpus": scale_acc,
        }
        say(
            f"\n[3] scale: {args.passages} synthetic passages in {len(synth)} documents + {len(real_docs)} real documents"
            f" (seed {args.seed})"
        )
        say("-" * 100)
        say(
            f"  generated in {gen_ms:.0f} ms; our index: {big.n} passages built in {build_s:.2f} s;"
            f" rank_bm25: {big_base.n} sentences built in {base_build_s:.2f} s"
        )
        say(
            f"  short forms (kb.abbrev): the documents' word pairs read in {pairs_s:.2f} s, once per index,"
            f" by the first question that needs them"
        )
        say(
            f"  questions: {len(questions)} ({len(real_items)} from the question sets, {len(synth_qs)} synthetic,"
            f" half of those without diacritics)"
        )
        say(f"  {'system':<26} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9} {'mean ms':>9}")
        for label, lat in (
            ("ours", lo),
            ("ours (peer's questions)", lo_same) if cut else (None, None),
            ("rank_bm25", lb),
        ):
            if label is None:
                continue
            say(
                f"  {label:<26} {lat['n']:>5} {fmt(lat['p50_ms'], 2):>9} {fmt(lat['p95_ms'], 2):>9}"
                f" {fmt(lat['max_ms'], 2):>9} {fmt(lat['mean_ms'], 2):>9}"
            )
        say(f"  target p95 <= {TARGET_P95_MS:.0f} ms: {'MET' if meets else 'NOT MET'} (p95 {fmt(lo['p95_ms'], 2)} ms)")
        say(
            f"  ours/baseline latency: p50 x{fmt(report['scale']['ratio_p50'], 3)}  p95 x{fmt(report['scale']['ratio_p95'], 3)}"
            f"  (speed-up p50 {fmt(ratio(lb['p50_ms'], lo_same['p50_ms']), 1)}x)"
        )
        if cut:
            say(
                f"  note: rank_bm25 timed on {len(base_ms)} of {len(questions)} questions"
                f" (cap --baseline-queries {args.baseline_queries}, budget {args.baseline_budget:.0f} s);"
                f" ratios compare the same questions"
            )
        say(
            f"  synthetic questions: found {fmt(100 * found / n_syn_done if n_syn_done else None, 1)}%,"
            f" citing the passage's own document first {fmt(100 * right / n_syn_done if n_syn_done else None, 1)}%"
        )
        if scale_acc:
            say(
                f"  question-set accuracy inside the scale corpus: answerable {acc_cell(scale_acc['answerable']).strip()},"
                f" unanswerable {acc_cell(scale_acc['unanswerable']).strip()}, overall {acc_cell(scale_acc['overall']).strip()}"
            )
    else:
        report["scale"] = {"skipped": "--passages 0"}

    total_s = time.perf_counter() - t_start
    report["total_runtime_s"] = round(total_s, 2)
    say(f"\ntotal runtime {total_s:.1f} s")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
