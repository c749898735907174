"""The campaign handbook: targets and results of the campaigns, shipped as data.

``kb/data/targets.json`` is written in the project's own words, every row
citing its source document's number.  ``search`` filters by year, place or
keyword, comparing without diacritics.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kb.text import fold


@dataclass(frozen=True)
class Target:
    indicator: str
    target: str
    year: int
    place: str
    kind: str  # "chỉ tiêu" (a target) or "kết quả" (a reported result)
    source: str  # the source document's number


@lru_cache(maxsize=1)
def load_targets() -> tuple[Target, ...]:
    raw = json.loads(resources.files("kb").joinpath("data/targets.json").read_text(encoding="utf-8"))
    return tuple(Target(**row) for row in raw["targets"])


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def search(query: str = "", targets: tuple[Target, ...] | None = None) -> list[Target]:
    """Rows matching every word of the query: a year, a place, or a keyword."""
    rows = list(targets if targets is not None else load_targets())
    words = _words(query)
    for word in words:
        if re.fullmatch(r"(19|20)\d\d", word):
            rows = [t for t in rows if t.year == int(word)]
            continue
        rows = [
            t
            for t in rows
            if word in _words(f"{t.indicator} {t.target} {t.place} {t.kind} {t.source}")
            or word == "".join(_words(t.place))
            or (len(word) >= 4 and word in fold(f"{t.indicator} {t.place}"))
        ]
    return sorted(rows, key=lambda t: (-t.year, t.place, t.kind != "chỉ tiêu"))
