"""Feedback on answers, on the database: questions folded and counted once, votes changed rather
than added, 👎 withdrawn, texts cut to their column, both stores bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from kb import feedback
from storage import feedback as store
from storage.db import session_scope
from storage.models import QUESTION_CHARS, AnswerGiven, AnswerVote, KeptQuestion
from tracking.service import Actor, Refused

T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
ADMIN = Actor(telegram_id=1, staff=None, super_admin=True)
NOBODY = Actor(telegram_id=2, staff=None)


def rows(engine, model) -> list:
    with session_scope(engine) as session:
        return list(session.exec(select(model).order_by(model.id)))


def test_questions_are_compared_folded():
    same = ["Tỷ giá đô la hôm nay?", "ty gia do la hom nay", "  TỶ GIÁ   đô la\nhôm nay ? ", "«Tỷ giá» đô la hôm nay!"]
    assert len({feedback.question_key(q) for q in same}) == 1
    assert feedback.question_key("tỷ giá đô la hôm qua") != feedback.question_key(same[0])
    assert feedback.folded("Chỉ tiêu 27/KH-UBND, 80,09%?") == "chi tieu 27/kh-ubnd 80,09%"
    assert not feedback.worth_keeping("👍 ??? ...") and feedback.worth_keeping("sipas?")


def test_a_refused_question_counts_up_and_keeps_its_accented_wording(engine):
    with session_scope(engine) as session:
        feedback.record_refusal(session, question="ty gia do la", at=T0)
        feedback.record_refusal(session, question="Tỷ giá đô la?", at=T0 + timedelta(hours=1))
        feedback.record_refusal(session, question="TY GIA DO LA", at=T0 + timedelta(hours=2))
        feedback.record_refusal(session, question="???", at=T0)  # nothing to keep
    [row] = rows(engine, KeptQuestion)
    assert (row.text, row.refused, row.disliked, row.times) == ("Tỷ giá đô la?", 3, 0, 3)
    assert row.first_at == T0 and row.last_at == T0 + timedelta(hours=2)


def test_a_long_question_is_cut_to_its_column(engine):
    long = "chỉ tiêu " * 200 + "\x00 cuối"
    with session_scope(engine) as session:
        feedback.record_refusal(session, question=long, at=T0)
        feedback.record_refusal(session, question=long + " khác ở đuôi", at=T0)  # the same once cut
        answer_id = feedback.record_answer(session, question=long, source="a.txt", passage="Đoạn.", at=T0)
    [row] = rows(engine, KeptQuestion)
    assert len(row.text) <= QUESTION_CHARS and row.refused == 2
    assert len(rows(engine, AnswerGiven)[0].question) <= QUESTION_CHARS and answer_id


def test_votes_change_rather_than_add_and_a_withdrawn_dislike_is_uncounted(engine):
    with session_scope(engine) as session:
        answer_id = feedback.record_answer(session, question="SIPAS 2022?", source="a.txt", passage="Trên 85%.", at=T0)
        assert (
            feedback.record_answer(session, question="sipas 2022", source="a.txt", passage="Trên 85%.", at=T0)
            == answer_id
        )
        assert (
            feedback.record_answer(session, question="sipas 2022", source="b.txt", passage="Khác.", at=T0) != answer_id
        )
    steps = [
        (10, feedback.DOWN, None, 1),
        (10, feedback.DOWN, feedback.DOWN, 1),
        (11, feedback.DOWN, None, 2),
        (10, feedback.UP, feedback.DOWN, 1),
        (11, feedback.UP, feedback.DOWN, None),
    ]
    for who, vote, previous, disliked in steps:
        with session_scope(engine) as session:
            result = feedback.vote(session, answer_id=answer_id, telegram_id=who, vote=vote, at=T0)
        assert result.previous == previous
        kept = rows(engine, KeptQuestion)
        assert (kept[0].disliked if kept else None) == disliked, (who, vote)
    assert sorted((v.telegram_id, v.vote) for v in rows(engine, AnswerVote)) == [(10, 1), (11, 1)]
    with session_scope(engine) as session, pytest.raises(Refused):
        feedback.vote(session, answer_id=999, telegram_id=10, vote=feedback.UP, at=T0)
    with session_scope(engine) as session, pytest.raises(Refused):
        feedback.vote(session, answer_id=answer_id, telegram_id=10, vote=0, at=T0)


def test_both_stores_are_bounded_dropping_the_oldest(engine):
    with session_scope(engine) as session:
        for n in range(8):
            store.keep_question(
                session=session, key=f"k{n}", text=f"q{n}", refused=1, at=T0 + timedelta(minutes=n), cap=5
            )
        store.keep_question(session=session, key="k3", text="q3", refused=1, at=T0 + timedelta(hours=1), cap=5)
        ids = [
            store.record_answer(
                session=session, key=f"a{n}", question=f"q{n}", source="", at=T0 + timedelta(minutes=n), cap=3
            )
            for n in range(5)
        ]
        store.set_vote(
            session=session, answer=store.get_answer(session=session, answer_id=ids[-1]), telegram_id=1, vote=1, at=T0
        )
        first = store.get_answer(session=session, answer_id=ids[2])
        store.set_vote(session=session, answer=first, telegram_id=1, vote=-1, at=T0)
        store.record_answer(session=session, key="a5", question="q5", source="", at=T0 + timedelta(hours=1), cap=3)
    assert sorted(r.text for r in rows(engine, KeptQuestion)) == ["q3", "q4", "q5", "q6", "q7"]
    assert [r.question for r in rows(engine, AnswerGiven)] == ["q3", "q4", "q5"]
    assert [(v.answer_id, v.vote) for v in rows(engine, AnswerVote)] == [(ids[4], 1)]  # q2's vote went with it


def test_the_listing_is_for_admins_most_often_first(engine):
    with session_scope(engine) as session:
        for n, times in enumerate((1, 3, 2)):
            for _ in range(times):
                feedback.record_refusal(session, question=f"câu {n}", at=T0 + timedelta(minutes=n))
        page = feedback.kept_questions(session, ADMIN)
        assert [r.text for r in page.rows] == ["câu 1", "câu 2", "câu 0"]
        assert (page.page, page.pages, page.total, page.first) == (1, 1, 3, 1)
        with pytest.raises(Refused, match="Chỉ quản trị viên"):
            feedback.kept_questions(session, NOBODY)
        assert session.exec(select(func.count()).select_from(KeptQuestion)).one() == 3
