"""Inline buttons: how their callback data is read, and the one guard every button handler runs in.

Each family of buttons is registered with its own ``pattern=`` (``family``) in the ordered list of
``handlers.register``; the handler, decorated with :func:`button`, gets the data after the prefix
already read (``ids`` by default: 32-bit integers), and need not catch anything. The guard:

* answers a press whose data it cannot read with an alert (``Invalid``), touching nothing;
* catches a :class:`~tracking.refusals.Refused`: the press is answered with a short notification
  and the reason is sent to the chat (everything the transaction did is rolled back);
* answers the press, without text, when the handler did not.

Callback data is checked again on the server every time: a button is not a permission.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update

import texts.common as copy
from bot.context import Context
from handlers.common import answer_button, query_of, render_refusal, reply
from tracking.refusals import Refused

Parse = Callable[[str], tuple]
ButtonHandler = Callable[..., Awaitable[None]]
Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]  # what PTB's handlers take


class Invalid(Exception):
    """Callback data that does not read as its family's (forged, or garbled): the press is answered
    with this alert and nothing else happens."""

    def __init__(self, alert: str = copy.BUTTON_INVALID) -> None:
        super().__init__(alert)
        self.alert = alert


def family(prefix: str) -> str:
    """The ``pattern=`` of the buttons whose data starts ``<prefix>:``."""
    return rf"^{prefix}:"


def ids(data: str) -> tuple[int, ...]:
    """``<prefix>:<n>[:<n>...]`` → the numbers, each a 32-bit integer as the database's ids are
    (PostgreSQL refuses larger); ``Invalid`` otherwise."""
    rest = data.partition(":")[2]
    try:
        numbers = tuple(int(x) for x in rest.split(":")) if rest else ()
    except ValueError:
        raise Invalid() from None
    if any(abs(n) >= 2**31 for n in numbers):  # forged
        raise Invalid()
    return numbers


def word(data: str) -> tuple[str]:
    """``<prefix>:<word>`` → the word."""
    return (data.partition(":")[2],)


def percent(value: int) -> int:
    """A percentage carried by a button: 0 to 100, else the data was forged."""
    if not 0 <= value <= 100:
        raise Invalid()
    return value


def button(parse: Parse = ids) -> Callable[[ButtonHandler], Callback]:
    """Decorate ``handler(update, context, *parse(data))`` as a PTB callback (see the module)."""

    def decorate(handler: ButtonHandler) -> Callback:
        @functools.wraps(handler)
        async def pressed(update: Update, context: Context) -> None:
            query = query_of(update)
            try:
                args = parse(query.data or "")
                await handler(update, context, *args)
            except Invalid as exc:
                await answer_button(update, exc.alert, alert=True)
                return
            except Refused as exc:
                await refuse(update, exc)
                return
            await answer_button(update)  # no-op once the handler answered (see answer_button)

        return pressed

    return decorate


async def refuse(update: Update, exc: Refused) -> None:
    """A refused button: a short notification on the button, and the reason in the chat."""
    await answer_button(update, copy.NOT_DONE)
    await reply(update, render_refusal(exc))


async def stale(update: Update, context: Context) -> None:
    """A button no family claims (a keyboard of an older version, forged data, a game button)."""
    await answer_button(update, copy.BUTTON_STALE, alert=True)
