"""Logging set-up, and the one place secrets are masked.

The bot token must never be printed: not in a log line, a traceback, a line on
stderr, a message to the admins or ``check``'s report. Its secret part is in
every Bot API address, so every error naming the address it called carries it.
Rather than mending each message, everything that leaves the process goes
through :func:`redact`:

* ``protect(value)`` registers a secret (the token when the settings are read,
  the webhook secret); ``redact(text)`` replaces it, its URL-encoded forms and
  the token's part after the colon with ``<token>``, as well as anything shaped
  like a bot token;
* the log handler's formatter redacts the whole record as written: message,
  traceback (the exception chain) and stack;
* ``guard_output()`` wraps the process's stdout and stderr, so that whatever
  else is written there (an uncaught exception's traceback, a warning, a
  line printed by the command line) is redacted too;
* the bot's HTTP client masks the token in what it sends (``bot.ptb.transport``),
  so no message to a chat can carry it, and the error handler redacts its
  report before cutting it to length. (The webhook secret is protected with
  ``sent=True``: ``setWebhook`` must send it.)
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any, TextIO
from urllib.parse import quote, quote_plus

MASK = "<token>"
# A bot token as BotFather issues it (raw or with its colon URL-encoded), whether registered or not.
_TOKEN_RE = re.compile(r"\d{5,}(?::|%3[Aa])[A-Za-z0-9_-]{20,}")
# Shorter values are not registered: masking them would garble ordinary text.
MIN_SECRET = 6

_lock = threading.Lock()
_secrets: dict[bool, set[str]] = {False: set(), True: set()}  # never sent to Telegram / sent in some call
_patterns: dict[bool, re.Pattern[str] | None] = {False: None, True: None}  # longest first


def _forms(value: str) -> set[str]:
    forms = {value, quote(value, safe=""), quote_plus(value)}
    _, colon, secret = value.partition(":")
    if colon and len(secret) >= MIN_SECRET:  # the token's secret part, alone
        forms |= {secret, quote(secret, safe="")}
    return {form for form in forms if len(form) >= MIN_SECRET}


def protect(*values: str | None, sent: bool = False) -> None:
    """Register secrets, masked wherever this process writes text, and unless ``sent`` (a value
    that some Bot API call must carry) in every parameter it sends to Telegram."""
    with _lock:
        added = set()
        for value in values:
            if value and value.strip():
                added |= _forms(value.strip())
        if added - _secrets[sent]:
            _secrets[sent].update(added)
            _patterns[sent] = re.compile("|".join(re.escape(s) for s in sorted(_secrets[sent], key=len, reverse=True)))


def mask_secrets(text: str) -> str:
    """``text`` with the registered secrets that are never sent masked (exactly those): for what
    the bot sends to Telegram."""
    pattern = _patterns[False]
    if pattern is None or not text:
        return text
    return pattern.sub(MASK, text)


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with the registered secrets, ``extra`` ones and anything shaped like a bot token masked."""
    if not text:
        return text
    for secret in extra:
        for form in sorted(_forms(secret.strip()) if secret and secret.strip() else (), key=len, reverse=True):
            text = text.replace(form, MASK)
    text = mask_secrets(text)
    if (pattern := _patterns[True]) is not None:
        text = pattern.sub(MASK, text)
    return _TOKEN_RE.sub(MASK, text)


class RedactingFormatter(logging.Formatter):
    """Formats a record, traceback and stack included, then masks the secrets in the result.

    A rejected token is a fact of the settings, which the command line states in one line: its
    traceback is left out of the log (``InvalidToken: <reason>`` instead)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        from telegram.error import InvalidToken

        if ei and isinstance(ei[1], InvalidToken):
            return f"{type(ei[1]).__name__}: {ei[1].message}"
        return super().formatException(ei)


class RedactToken(logging.Filter):
    """Masks secrets in a record's message, for handlers with a formatter of their own."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [s for s in (secrets or []) if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


class RedactingStream:
    """A text stream that masks secrets in whatever is written to it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(redact(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_output() -> None:
    """Redact everything this process writes to stdout and stderr (``python -m bot``)."""
    import sys

    if sys.stdout is not None and not isinstance(sys.stdout, RedactingStream):
        sys.stdout = RedactingStream(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, RedactingStream):
        sys.stderr = RedactingStream(sys.stderr)


def setup_logging(level: str | int = "INFO", secrets: list[str] | None = None) -> None:
    """One handler on stderr, through ``RedactingFormatter``; ``secrets`` are masked in the log
    (``protect(..., sent=True)``: registering them does not change what is sent)."""
    protect(*(secrets or ()), sent=True)
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper() if isinstance(level, str) else level)
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
