"""A document's search analysis (``kb.analysis.analyse``) as it is kept in the database.

``dump_analysis`` turns a :class:`DocAnalysis` into a compact blob for
``Document.analysis``; ``load_analysis`` turns it back, or gives ``None`` when the
blob cannot be used (another analyser version, dataclasses whose fields have
changed, damaged bytes), so the caller analyses the text again.

The blob is a zlib-compressed pickle of plain values only: tuples, lists,
strings and numbers (each dataclass as the tuple of its fields, with the
field names alongside to notice a change of shape). Pickle is used because
the blob comes from our own database, written only by the bot itself, and it
is the quickest to load of the forms tried (as quick as uncompressed pickled
dataclasses, several times smaller; quicker than JSON, which must also turn
lists back into tuples: figures in ``bench/README.md``). Even so it is read by an
unpickler that refuses every class and function outside a short list of
plain value types, so bytes that someone slipped into the column could not
run code.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import pickle
import zlib
from typing import Any

from kb.analysis import ANALYSER_VERSION, DocAnalysis, PassageData

log = logging.getLogger(__name__)

FORMAT = 1  # the layout of the blob below, not the analyser's version
_LEVEL = 6  # zlib: smaller than level 1, as quick to read (bench/README.md); writing is per document
_DOC_FIELDS = tuple(f.name for f in dataclasses.fields(DocAnalysis))
_PASSAGE_FIELDS = tuple(f.name for f in dataclasses.fields(PassageData))
# What the blob may hold besides the built-in containers, strings and numbers.
_SAFE_GLOBALS = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
}


def dump_analysis(analysis: DocAnalysis) -> bytes:
    """The blob for ``Document.analysis``."""
    same: dict[Any, Any] = {}  # equal strings and tuples pickled once, and shared once loaded

    def shared(value: Any) -> Any:
        if isinstance(value, str):
            return same.setdefault(value, value)
        if isinstance(value, list):
            return [shared(v) for v in value]
        if isinstance(value, tuple):
            value = tuple(shared(v) for v in value)
            try:
                return same.setdefault(value, value)
            except TypeError:  # a tuple holding a list
                return value
        return value

    passages = [tuple(shared(getattr(p, name)) for name in _PASSAGE_FIELDS) for p in analysis.passages]
    rest = tuple(None if name == "passages" else shared(getattr(analysis, name)) for name in _DOC_FIELDS)
    payload = (FORMAT, _DOC_FIELDS, _PASSAGE_FIELDS, rest, passages)
    return zlib.compress(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL), _LEVEL)


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a stored analysis")


def load_analysis(blob: bytes | None) -> DocAnalysis | None:
    """The analysis a blob holds, or None when it cannot be used as this analyser's."""
    if not blob:
        return None
    try:
        payload = _PlainUnpickler(io.BytesIO(zlib.decompress(blob))).load()
        fmt, doc_fields, passage_fields, rest, passages = payload
        if fmt != FORMAT or tuple(doc_fields) != _DOC_FIELDS or tuple(passage_fields) != _PASSAGE_FIELDS:
            return None
        values = dict(zip(_DOC_FIELDS, rest))
        values["passages"] = [PassageData(*p) for p in passages]
        analysis = DocAnalysis(**values)
    except Exception as exc:  # damaged or foreign bytes: the text is analysed again
        log.warning("a stored analysis could not be read (%s: %s)", type(exc).__name__, exc)
        return None
    return analysis if analysis.version == ANALYSER_VERSION else None
