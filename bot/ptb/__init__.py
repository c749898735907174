"""python-telegram-bot extension points: the HTTP transport (``transport``), the intake of
updates (``intake``), per-chat sending slots and flood control (``slots``, ``flood``) and the
rate-limited sender (``sending``). Nothing here knows the campaign domains."""
