"""The choice of a person in /themnhiemvu when a name fits several (``tracking.naming``).

Callback data (checked again on the server: a manager or admin in the middle of /themnhiemvu, at the
«Rõ người» or «Rõ trách nhiệm» step, choosing someone of their own scope):
    ch:<staff id>      this person is the owner (or the accountable leader) of the task being added
"""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update

import texts.naming as copy
from bot.context import Context
from handlers import admin, flows
from handlers.buttons import button
from handlers.common import actor_of, answer_button, edit_or_send, in_db, sender_id
from handlers.flows import Kind
from storage.models import Staff
from tracking import naming, service
from tracking import refusals as no
from tracking.service import Actor


def with_example(session: Session, actor: Actor, prompt: str) -> str:
    """The prompt of the «Rõ người» or «Rõ trách nhiệm» step with a real example under it."""
    for step, leaders in (("owner", False), ("accountable", True)):
        if prompt == admin.copy.STEP_PROMPTS[step]:
            return prompt + copy.example(naming.example(session, actor, leaders=leaders))
    return prompt


@button()
async def choose(update: Update, context: Context, staff_id: int = 0, *_) -> None:
    """``ch:<staff id>``: the person chosen among those a name fits."""
    telegram_id = sender_id(update)

    def work(session: Session, actor: Actor):
        service.require_manager(actor, "thêm nhiệm vụ")
        flow = flows.current(session, context, telegram_id=telegram_id)
        step = int(flow[1].get("step", 0)) if flow is not None and flow[0] is Kind.NEW_TASK else -1
        name = admin.STEPS[step] if 0 <= step < len(admin.STEPS) else ""
        if flow is None or name not in ("owner", "accountable"):
            return None
        staff = session.get(Staff, staff_id)
        if staff is None or not service.staff_in_scope(session, actor, staff):  # forged: nobody is named
            raise no.Refused(copy.NOT_IN_SCOPE)
        # The same checks as a code typed at this step: of the actor's scope; a leader for «Rõ trách nhiệm».
        chosen = (
            service.scoped_staff(session, actor, staff.code)
            if name == "owner"
            else service.accountable_leader(session, actor, staff.code)
        )
        fields = dict(flow[1].get("fields", {}), **{name: chosen.code})
        prompt, done = admin._next_step(session, context, telegram_id, step, fields)
        return chosen, with_example(session, actor, prompt), done

    result = await in_db(context, lambda s: work(s, actor_of(s, update, context)))
    await answer_button(update)
    if result is None:
        await edit_or_send(update, copy.CHOICE_STALE)
        return
    chosen, prompt, done = result
    await edit_or_send(update, copy.chosen(chosen) + "\n\n" + prompt, admin._step_markup(prompt, done))
