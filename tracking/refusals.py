"""Why an action is refused: the exceptions the tracking service (and the knowledge base's feedback)
raise before changing anything. Each carries what was wrong, not a sentence; the handlers and the
command line render it (``texts.refusals.render``)."""

from __future__ import annotations


class Refused(Exception):
    """An action the actor may not do, or that cannot be done."""
