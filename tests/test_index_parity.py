"""The index a bot process assembles from the documents' stored analyses (which keep no text)
answers every question exactly as an index built from the texts: the checks that read a whole
document (the units it counts in, the parts of the year and the levels it speaks of, the
departments it names) read the text its passages hold, not the file."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from kb.analysis import IndexedDoc, analyse
from kb.answer import answer_question
from kb.index import KnowledgeIndex

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FOLDERS = (SHARED / "corpus", SHARED / "corpus-province")
QUESTIONS = SHARED / "eval" / "qa_dev.jsonl"
BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def documents() -> list[IndexedDoc]:
    from kb.service import indexed_doc, prepare

    files = [p for folder in FOLDERS if folder.is_dir() for p in sorted(folder.iterdir()) if p.name != "README.md"]
    if not files or not QUESTIONS.is_file():
        pytest.skip("the shared documents and questions are not available")
    docs = []
    for path in files:
        row = prepare(path.name, path.read_bytes())
        docs.append(indexed_doc(row, row.text))
    return docs


def test_an_index_from_stored_analyses_answers_as_one_from_the_texts(documents):
    from_texts = KnowledgeIndex(documents)
    stored = KnowledgeIndex([dataclasses.replace(d, text="") for d in documents], [analyse(d) for d in documents])
    questions = [
        json.loads(line)["q"]
        for path in (QUESTIONS, *sorted(BENCH.glob("qa_*.jsonl")))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(questions) > 500
    differ = [q for q in questions if answer_question(from_texts, q).to_dict() != answer_question(stored, q).to_dict()]
    assert differ == []
