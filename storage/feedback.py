"""Data access for feedback on answers: the answers given (what their 👍/👎 buttons name), the
votes on them, and the questions kept for the admins because the bot found nothing or its answer
was voted 👎. Every function takes the caller's session.

Both stores are bounded: a new row beyond ``KEPT_QUESTIONS_CAP`` (or ``ANSWERS_CAP``) drops the
rows asked (or given) longest ago, an answer's votes with it. Texts are cut by the caller
(``storage.models.QUESTION_CHARS``); ``key`` is the caller's digest of the folded question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.models import AnswerGiven, AnswerVote, KeptQuestion, table_of

KEPT_QUESTIONS_CAP = 5_000  # questions kept for /cauhoi; beyond, those asked longest ago go
ANSWERS_CAP = 20_000  # answers whose buttons can still be pressed; beyond, those given longest ago go
UP, DOWN = 1, -1


def _insert(session: Session):
    """INSERT with ON CONFLICT, in the session's dialect (the same words on SQLite and PostgreSQL)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _prune(session: Session, model, cap: int) -> list[int]:
    """The ids of the rows beyond the ``cap`` most recent (by ``last_at``), to drop."""
    return list(
        session.execute(
            select(model.id).order_by(col(model.last_at).desc(), col(model.id).desc()).offset(cap).limit(500)
        ).scalars()
    )


# --------------------------------------------------------------------------
# Answers and votes
# --------------------------------------------------------------------------


def record_answer(
    *, session: Session, key: str, question: str, source: str, at: datetime, cap: int = ANSWERS_CAP
) -> int:
    """The id of the answer ``key`` (a question and the passage given for it), counted once more,
    or added."""
    table = table_of(AnswerGiven)
    statement = _insert(session)(table).values(
        key=key, question=question, source=source, times=1, first_at=at, last_at=at
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"times": table.c.times + 1, "last_at": at},
    ).returning(table.c.id, table.c.times)
    answer_id, times = session.execute(statement).one()
    if times == 1:  # a new row
        forget_answers(session=session, ids=_prune(session, AnswerGiven, cap))
    return answer_id


def forget_answers(*, session: Session, ids: Sequence[int]) -> None:
    if ids:
        session.execute(delete(AnswerVote).where(col(AnswerVote.answer_id).in_(ids)))
        session.execute(delete(AnswerGiven).where(col(AnswerGiven.id).in_(ids)))


def get_answer(*, session: Session, answer_id: int) -> AnswerGiven | None:
    return session.get(AnswerGiven, answer_id)


@dataclass(frozen=True)
class Voted:
    answer: AnswerGiven
    previous: int | None  # the person's vote before this press, if any
    vote: int


def set_vote(*, session: Session, answer: AnswerGiven, telegram_id: int, vote: int, at: datetime) -> Voted:
    """Record ``telegram_id``'s vote on ``answer``: a second press changes the vote, never adds one."""
    previous = session.execute(
        select(col(AnswerVote.vote))
        .where(col(AnswerVote.answer_id) == answer.id, col(AnswerVote.telegram_id) == telegram_id)
        .with_for_update()
    ).scalar_one_or_none()
    if previous != vote:
        table = table_of(AnswerVote)
        statement = _insert(session)(table).values(answer_id=answer.id, telegram_id=telegram_id, vote=vote, voted_at=at)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.answer_id, table.c.telegram_id], set_={"vote": vote, "voted_at": at}
            )
        )
    return Voted(answer, previous, vote)


def count_votes(*, session: Session, answer_id: int) -> dict[int, int]:
    """{vote: how many} on one answer."""
    rows = session.execute(
        select(col(AnswerVote.vote), func.count())
        .where(col(AnswerVote.answer_id) == answer_id)
        .group_by(col(AnswerVote.vote))
    )
    return {vote: count for vote, count in rows}


# --------------------------------------------------------------------------
# Kept questions
# --------------------------------------------------------------------------


def keep_question(
    *,
    session: Session,
    key: str,
    text: str,
    at: datetime,
    refused: int = 0,
    disliked: int = 0,
    prefer_text: bool = False,
    cap: int = KEPT_QUESTIONS_CAP,
) -> None:
    """Count the question ``key`` once more as refused or disliked (or add it). Its first wording is
    kept, unless ``prefer_text`` (e.g. the new one has its diacritics and the old one had not)."""
    table = table_of(KeptQuestion)
    times = refused + disliked
    assert times > 0, "a kept question counts at least once"
    statement = _insert(session)(table).values(
        key=key, text=text, refused=refused, disliked=disliked, times=times, first_at=at, last_at=at
    )
    updates = {
        "refused": table.c.refused + refused,
        "disliked": table.c.disliked + disliked,
        "times": table.c.times + times,
        "last_at": at,
    }
    if prefer_text:
        updates["text"] = statement.excluded.text
    statement = statement.on_conflict_do_update(index_elements=[table.c.key], set_=updates)
    counted = session.execute(statement.returning(table.c.times)).scalar_one()
    if counted == times:  # a new row (a kept row counts at least 1, so an update counts more)
        ids = _prune(session, KeptQuestion, cap)
        if ids:
            session.execute(delete(KeptQuestion).where(col(KeptQuestion.id).in_(ids)))


def unkeep_dislike(*, session: Session, key: str) -> None:
    """A 👎 withdrawn (the vote changed): count it no more; a question left with no count goes."""
    row = session.execute(
        select(KeptQuestion).where(col(KeptQuestion.key) == key).with_for_update()
    ).scalar_one_or_none()
    if row is None or row.disliked <= 0:
        return
    if row.times <= 1:
        session.delete(row)
    else:
        row.disliked -= 1
        row.times -= 1
        session.add(row)
    session.flush()


def kept_questions(*, session: Session, offset: int = 0, limit: int = 20) -> list[KeptQuestion]:
    """Most often first, then most recent."""
    return list(
        session.execute(
            select(KeptQuestion)
            .order_by(col(KeptQuestion.times).desc(), col(KeptQuestion.last_at).desc(), col(KeptQuestion.id).desc())
            .offset(offset)
            .limit(limit)
        ).scalars()
    )


def count_kept_questions(*, session: Session) -> int:
    return session.execute(select(func.count()).select_from(KeptQuestion)).scalar_one()


def kept_question(*, session: Session, key: str) -> KeptQuestion | None:
    return session.execute(select(KeptQuestion).where(col(KeptQuestion.key) == key)).scalar_one_or_none()
