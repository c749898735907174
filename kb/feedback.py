"""Feedback on answers: what the handlers call to record an answer given (for its 👍/👎
buttons), a refused question, a vote, and to list the kept questions for the admins.

A question is recognised again by its folded form: lower case, no diacritics, punctuation
at the ends of words dropped, single spaces (``Tỷ giá đô la hôm nay?`` = ``ty gia do la hom nay``).
The stores are bounded (``storage.feedback``): a question is kept cut to
``storage.models.QUESTION_CHARS`` characters, at most ``KEPT_QUESTIONS_CAP`` questions and
``ANSWERS_CAP`` answers, those asked or given longest ago dropped first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from kb.text import fold, has_diacritics
from storage import feedback as db
from storage.models import QUESTION_CHARS, KeptQuestion
from tracking.service import Actor, Refused, require_admin

UP, DOWN = db.UP, db.DOWN
VOTES = (UP, DOWN)
PAGE = 20  # kept questions a page of /cauhoi

# Stripped from the ends of words when questions are compared: "2022?" = "2022", "«SIPAS»" = "SIPAS".
_EDGES = "!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»…–—・。，、？！"


def clean(question: str) -> str:
    """The question as kept: on one line, single spaces, cut to QUESTION_CHARS."""
    return " ".join(question.split())[:QUESTION_CHARS].strip()


def folded(question: str) -> str:
    """How questions are compared."""
    return " ".join(w for w in (w.strip(_EDGES) for w in fold(question).split()) if w)


def question_key(question: str) -> str:
    return hashlib.sha256(folded(clean(question)).encode()).hexdigest()


def _answer_key(question: str, source: str, passage: str) -> str:
    raw = "\x1f".join((folded(clean(question)), source, passage))
    return hashlib.sha256(raw.encode()).hexdigest()


def worth_keeping(question: str) -> bool:
    """A question with some letter or digit in it ("???" or "👍" is not)."""
    return any(c.isalnum() for c in clean(question))


def record_answer(session: Session, *, question: str, source: str, passage: str, at: datetime) -> int:
    """The id of this answer (question and passage) for its 👍/👎 buttons."""
    return db.record_answer(
        session=session,
        key=_answer_key(question, source, passage),
        question=clean(question),
        source=source[:255],
        at=at,
    )


def record_refusal(session: Session, *, question: str, at: datetime) -> None:
    """The bot found nothing: keep the question (asked again, it counts up)."""
    if worth_keeping(question):
        text = clean(question)
        db.keep_question(
            session=session, key=question_key(text), text=text, at=at, refused=1, prefer_text=has_diacritics(text)
        )


@dataclass(frozen=True)
class VoteResult:
    vote: int
    previous: int | None
    ups: int
    downs: int

    @property
    def changed(self) -> bool:
        return self.previous != self.vote


def vote(session: Session, *, answer_id: int, telegram_id: int, vote: int, at: datetime) -> VoteResult:
    """``telegram_id`` votes ``vote`` (UP or DOWN) on an answer; pressing again changes the vote.
    A 👎 keeps the question for the admins; a 👎 changed to 👍 is counted no more."""
    if vote not in VOTES:
        raise Refused("Nút không hợp lệ.")
    answer = db.get_answer(session=session, answer_id=answer_id)
    if answer is None:
        raise Refused("Câu trả lời này đã cũ nên không ghi nhận đánh giá được. Đồng chí hãy hỏi lại.")
    done = db.set_vote(session=session, answer=answer, telegram_id=telegram_id, vote=vote, at=at)
    if done.previous != vote:
        key = question_key(answer.question)
        if vote == DOWN:
            db.keep_question(
                session=session,
                key=key,
                text=answer.question,
                at=at,
                disliked=1,
                prefer_text=has_diacritics(answer.question),
            )
        elif done.previous == DOWN:
            db.unkeep_dislike(session=session, key=key)
    counts = db.count_votes(session=session, answer_id=answer_id)
    return VoteResult(vote, done.previous, counts.get(UP, 0), counts.get(DOWN, 0))


@dataclass(frozen=True)
class KeptPage:
    rows: list[KeptQuestion]
    page: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        """The number of the page's first question in the whole list."""
        return (self.page - 1) * PAGE + 1


def kept_questions(session: Session, actor: Actor, *, page: int = 1) -> KeptPage:
    """The kept questions, most often first, one page of PAGE (admins only)."""
    require_admin(actor, "xem các câu hỏi chưa được trả lời tốt")
    total = db.count_kept_questions(session=session)
    pages = max(1, -(-total // PAGE))
    page = min(max(1, page), pages)
    rows = db.kept_questions(session=session, offset=(page - 1) * PAGE, limit=PAGE)
    return KeptPage(rows, page, pages, total)
