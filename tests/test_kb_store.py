"""The search analyses kept with the documents: written when a document is added or replaced,
read instead of the texts when a process builds its index, recomputed once when stale, and
reused per document when the knowledge base changes under a running process."""

from __future__ import annotations

import pickle
import threading
import zlib
from dataclasses import replace

import pytest
from sqlalchemy import select, update

import kb.index as index_module
import kb.service as service
from kb.analysis import ANALYSER_VERSION, analyse
from kb.answer import answer_question
from kb.index import KnowledgeIndex
from kb.service import KnowledgeBase, indexed_doc
from kb.store import dump_analysis, load_analysis
from storage import documents as repo
from storage.db import session_scope
from storage.models import Document
from tests.conftest import CORPUS
from tests.data import NOW, Clock

PLAN = (
    "KẾ HOẠCH\nCải cách hành chính năm 2024 của tỉnh Hòa Bình\n"
    "I. CHỈ TIÊU\n"
    "1. Tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 98%.\n"
    "2. Chỉ số hài lòng của người dân (SIPAS) đạt trên 85%.\n"
    "II. NHIỆM VỤ\n"
    "1. Sở Nội vụ chủ trì tổng hợp báo cáo trước ngày 15/12/2024.\n"
)
DIGITAL = (
    "KẾ HOẠCH\nChuyển đổi số năm 2024 của tỉnh Hòa Bình\n"
    "Mục tiêu: 80% thủ tục hành chính được cung cấp dịch vụ công trực tuyến toàn trình.\n"
    "Sở Thông tin và Truyền thông chủ trì, phối hợp với các sở, ngành.\n"
    "STT | Nhiệm vụ | Đơn vị chủ trì | Thời gian hoàn thành\n"
    "1 | Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính | Văn phòng UBND tỉnh | Quý II/2024\n"
)
REWARD = (
    "QUYẾT ĐỊNH\nKhen thưởng phong trào thi đua cải cách hành chính năm 2023\n"
    "Tặng Bằng khen cho 12 tập thể có thành tích xuất sắc trong cải cách hành chính.\n"
)
NEW = (
    "THÔNG BÁO\nKết quả chỉ số cải cách hành chính năm 2023\n"
    "Chỉ số cải cách hành chính của tỉnh đạt 89,5%, xếp thứ 9/63 tỉnh, thành phố.\n"
)
FILES = [
    ("ke-hoach-cchc.txt", PLAN.encode()),
    ("chuyen-doi-so.txt", DIGITAL.encode()),
    ("khen-thuong.txt", REWARD.encode()),
]
QUESTIONS = [
    "Tỷ lệ hồ sơ giải quyết đúng hạn là bao nhiêu?",
    "chi so sipas dat bao nhieu",
    "Ai chủ trì chuyển đổi số?",
    "Bao nhiêu tập thể được tặng Bằng khen?",
    "Số hóa hồ sơ hoàn thành khi nào?",
    "Giá xăng hôm nay?",
    "Chỉ số cải cách hành chính xếp thứ mấy?",
]


def rows(engine) -> dict[str, Document]:
    with session_scope(engine) as session:
        return {d.file_name: d for d in session.execute(select(Document)).scalars()}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file names ``analyse`` is called for, wherever it is called from."""
    seen: list[str] = []

    def counting(doc):
        seen.append(doc.file_name)
        return analyse(doc)

    monkeypatch.setattr(service, "analyse", counting)
    monkeypatch.setattr(index_module, "analyse", counting)
    return seen


def forbid_analysing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(doc):
        raise AssertionError(f"analysed {doc.file_name}")

    def no_texts(**kwargs):
        raise AssertionError("read the texts")

    monkeypatch.setattr(service, "analyse", fail)
    monkeypatch.setattr(index_module, "analyse", fail)
    monkeypatch.setattr(repo, "document_texts", no_texts)


def test_the_analysis_is_stored_on_add_and_replaced_on_replace(engine):
    kb = KnowledgeBase(engine)
    kb.add(FILES)
    stored = rows(engine)
    for name, _ in FILES:
        row = stored[name]
        assert row.analysis_version == ANALYSER_VERSION
        assert load_analysis(row.analysis) == analyse(indexed_doc(row, row.text))
    before = stored["khen-thuong.txt"].analysis

    [added] = kb.add([("khen-thuong.txt", NEW.encode())])
    assert added.replaced
    row = rows(engine)["khen-thuong.txt"]
    assert row.analysis != before and row.analysis_version == ANALYSER_VERSION
    assert load_analysis(row.analysis) == analyse(indexed_doc(row, NEW))


def test_a_new_process_builds_from_the_stored_analyses_and_answers_as_from_the_texts(engine, monkeypatch):
    files = list(FILES)
    if CORPUS.is_dir():  # the campaign documents too, where they are
        files += [(p.name, p.read_bytes()) for p in sorted(CORPUS.glob("*.txt"))]
    KnowledgeBase(engine).add(files)
    with session_scope(engine) as session:
        from_texts = KnowledgeIndex([indexed_doc(d, d.text) for d in repo.list_documents(session=session)])

    forbid_analysing(monkeypatch)
    kb = KnowledgeBase(engine)  # as a freshly started process has it
    index = kb.index()
    assert kb.last_build.loaded == len(files) and kb.last_build.analysed == 0
    assert index.n == from_texts.n and all(d.text == "" for d in index.docs)
    questions = QUESTIONS + ["Chỉ số SIPAS năm 2022 đạt bao nhiêu?", "Kế hoạch 27/KH-UBND do ai ban hành?"]
    answers = [kb.ask(q).to_dict() for q in questions]
    assert answers == [answer_question(from_texts, q).to_dict() for q in questions]
    assert any(a["found"] for a in answers) and not all(a["found"] for a in answers)


def test_a_stale_or_unreadable_analysis_is_recomputed_once_and_written_back(engine, calls):
    KnowledgeBase(engine).add(FILES)
    with session_scope(engine) as session:
        session.execute(
            update(Document)
            .where(Document.file_name == "ke-hoach-cchc.txt")
            .values(analysis_version=ANALYSER_VERSION - 1)
        )
        session.execute(
            update(Document).where(Document.file_name == "chuyen-doi-so.txt").values(analysis=b"not an analysis")
        )
    calls.clear()

    kb = KnowledgeBase(engine)
    kb.index()
    assert sorted(calls) == ["chuyen-doi-so.txt", "ke-hoach-cchc.txt"]
    assert (kb.last_build.loaded, kb.last_build.analysed) == (1, 2)
    for row in rows(engine).values():
        assert row.analysis_version == ANALYSER_VERSION
        assert load_analysis(row.analysis) == analyse(indexed_doc(row, row.text))

    calls.clear()
    KnowledgeBase(engine).index()  # the next process finds them written back
    assert calls == []


def test_adding_a_document_to_a_built_index_analyses_only_that_document(engine, calls):
    kb = KnowledgeBase(engine)
    kb.add(FILES)
    kb.index()
    assert len(calls) == len(FILES)  # once each, when added
    calls.clear()

    kb.add([("ket-qua-par.txt", NEW.encode())])
    index = kb.index()
    assert calls == ["ket-qua-par.txt"]
    assert (kb.last_build.kept, kb.last_build.loaded, kb.last_build.analysed) == (len(FILES), 1, 0)
    [hit] = index.search("chỉ số cải cách hành chính xếp thứ 9/63", k=1)
    assert index.docs[hit.passage.doc].file_name == "ket-qua-par.txt"

    # Replacing one, then removing another: the rest are kept as they were.
    kept = {d.file_name: a for d, a in zip(index.docs, index.analyses)}
    kb.add([("khen-thuong.txt", REWARD.replace("12 tập thể", "15 tập thể").encode())])
    kb.remove("chuyen-doi-so.txt")
    index = kb.index()
    assert calls == ["ket-qua-par.txt", "khen-thuong.txt"]
    assert (kb.last_build.kept, kb.last_build.loaded) == (2, 1)
    assert [d.file_name for d in index.docs] == ["ke-hoach-cchc.txt", "ket-qua-par.txt", "khen-thuong.txt"]
    assert index.analyses[0] is kept["ke-hoach-cchc.txt"] and index.analyses[1] is kept["ket-qua-par.txt"]


def test_another_process_change_is_picked_up_per_document(engine, calls):
    ours, theirs = KnowledgeBase(engine), KnowledgeBase(engine)
    ours.add(FILES)
    ours.index()
    theirs.add([("ket-qua-par.txt", NEW.encode())])
    calls.clear()
    ours.index()
    assert calls == [] and (ours.last_build.kept, ours.last_build.loaded) == (len(FILES), 1)


def test_concurrent_first_questions_build_once(engine, monkeypatch):
    KnowledgeBase(engine).add(FILES)
    kb = KnowledgeBase(engine)
    builds = []
    started = threading.Event()

    def slow_index(docs, analyses):
        builds.append(len(docs))
        started.set()
        threading.Event().wait(0.2)  # the second question arrives during the build
        return KnowledgeIndex(docs, analyses)

    monkeypatch.setattr(service, "KnowledgeIndex", slow_index)
    got = []
    first = threading.Thread(target=lambda: got.append(kb.index()))
    first.start()
    assert started.wait(10)
    second = kb.index()
    first.join(10)
    assert builds == [len(FILES)] and got == [second]


def test_a_write_back_does_not_overwrite_a_replaced_document(engine):
    kb = KnowledgeBase(engine)
    kb.add(FILES)
    with session_scope(engine) as session:
        head = next(h for h in repo.document_heads(session=session) if h.file_name == "khen-thuong.txt")
    old = dump_analysis(analyse(indexed_doc(head, REWARD)))
    kb.add([("khen-thuong.txt", NEW.encode())])  # replaced after the head was read
    with session_scope(engine) as session:
        assert not repo.save_analysis(
            session=session,
            doc_id=head.id,
            sha256=head.sha256,
            updated_at=head.updated_at,
            analysis=old,
            version=ANALYSER_VERSION,
        )
        now = next(h for h in repo.document_heads(session=session) if h.file_name == "khen-thuong.txt")
        # The same document as read now is written (a newer analyser's analysis is not).
        assert repo.save_analysis(
            session=session,
            doc_id=now.id,
            sha256=now.sha256,
            updated_at=now.updated_at,
            analysis=old,
            version=ANALYSER_VERSION,
        )
        assert not repo.save_analysis(
            session=session,
            doc_id=now.id,
            sha256=now.sha256,
            updated_at=now.updated_at,
            analysis=old,
            version=ANALYSER_VERSION - 1,
        )


def test_the_stored_form_round_trips_and_refuses_what_it_cannot_use():
    doc = indexed_doc(Document(file_name="d.txt", title="Kế hoạch", text=DIGITAL, sha256=""), DIGITAL)
    analysis = analyse(doc)
    blob = dump_analysis(analysis)
    assert load_analysis(blob) == analysis
    assert len(blob) < len(pickle.dumps(analysis))
    assert load_analysis(dump_analysis(replace(analysis, version=ANALYSER_VERSION + 1))) is None
    assert load_analysis(None) is None and load_analysis(b"") is None and load_analysis(b"junk") is None

    class Boom:
        def __reduce__(self):
            return (print, ("this must not run",))

    assert load_analysis(zlib.compress(pickle.dumps(Boom()))) is None  # no class or function is loaded
    fmt, doc_fields, passage_fields, rest, passages = pickle.loads(zlib.decompress(blob))
    changed = (fmt, doc_fields, passage_fields[:-1], rest, [p[:-1] for p in passages])
    assert load_analysis(zlib.compress(pickle.dumps(changed))) is None  # a field was added or removed


async def test_the_bot_answers_while_its_index_is_built_at_start_up(settings, engine, emulator, monkeypatch):
    """post_init starts the build in the background; the first question waits for that build
    rather than starting another, and the event loop serves everyone meanwhile."""
    import asyncio

    from bot.app import build_application, polling
    from tests.conftest import OFFICER_ID

    KnowledgeBase(engine).add(FILES)
    entered, release = threading.Event(), threading.Event()
    builds = []
    build = KnowledgeBase._build

    def slow_build(self):
        builds.append(1)
        entered.set()
        release.wait(10)
        build(self)

    monkeypatch.setattr(KnowledgeBase, "_build", slow_build)
    test_settings = settings.model_copy(
        update={"telegram_api_base_url": emulator.base_url, "telegram_api_file_url": emulator.base_file_url}
    )
    application = build_application(
        test_settings,
        engine=engine,
        token=emulator.token,
        rate_limiter=False,
        clock=Clock(NOW),
        schedule_reminders=False,
    )
    async with polling(application, timeout=1):
        assert await asyncio.to_thread(entered.wait, 10)  # started up while the index is being built
        chat = emulator.chat(emulator.user(OFFICER_ID, "Lan"))
        assert "Xin chào" in (await chat.say("/start")).text
        question = asyncio.create_task(chat.say("Tỷ lệ hồ sơ giải quyết đúng hạn là bao nhiêu?"))
        await asyncio.sleep(0.3)
        assert not question.done()
        release.set()
        assert "98%" in (await question).text
        assert len(builds) == 1
