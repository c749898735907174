"""Zip containers (.xlsx, .docx) checked before any library inflates them.

An Office file is a zip, and a few kilobytes of zip can inflate to gigabytes
(a "zip bomb"). :func:`open_checked` reads only the archive's directory, the
sizes each entry declares, and refuses the file when

* an entry's compressed data would lie outside the file, or the entries'
  compressed data add up to more than the file holds (entries sharing their
  data: an "overlapping" bomb);
* an entry larger than :data:`RATIO_GRACE` inflates more than
  :data:`MAX_RATIO` times, or the whole archive does (Apache POI's bound: the
  parts of real Office files deflate 3 to 20 times, pictures hardly at all);
* everything in it would inflate to more than ``max_unpacked`` bytes.

Python's ``zipfile`` never inflates an entry beyond the size it declares (an
entry that lies about its size fails its CRC check instead), so these
declared sizes bound what any reader, openpyxl or python-docx, can get out of
the file. The caller turns :class:`ZipRefused` into a message of its own.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

__all__ = ["MAX_RATIO", "RATIO_GRACE", "ZipRefused", "open_checked"]

MAX_RATIO = 100
RATIO_GRACE = 1024 * 1024  # entries smaller than this are not held to the ratio (tiny parts may deflate well)


@dataclass(eq=False)
class ZipRefused(Exception):
    """``reason``: "corrupt" (not a zip, or its directory does not add up), "ratio"
    (``entry`` inflates ``ratio`` times) or "size" (``unpacked`` bytes in all)."""

    reason: str
    unpacked: int = 0
    entry: str = ""
    ratio: float = 0.0

    def __str__(self) -> str:
        return f"{self.reason}: {self.entry or self.unpacked}"


def open_checked(data: bytes, *, max_unpacked: int) -> zipfile.ZipFile:
    """The archive in ``data``, once its declared sizes pass the checks above."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except Exception:  # not a zip, or a damaged directory: zipfile fails in many ways
        raise ZipRefused("corrupt") from None
    packed = unpacked = 0
    for entry in entries:
        if entry.compress_size < 0 or entry.file_size < 0 or entry.header_offset + entry.compress_size > len(data):
            raise ZipRefused("corrupt", entry=entry.filename)
        packed += entry.compress_size
        unpacked += entry.file_size
        if entry.file_size > RATIO_GRACE and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise ZipRefused("ratio", entry=entry.filename, ratio=entry.file_size / max(entry.compress_size, 1))
    if packed > len(data):
        raise ZipRefused("corrupt")
    if unpacked > RATIO_GRACE and unpacked > MAX_RATIO * len(data):
        raise ZipRefused("ratio", unpacked=unpacked, ratio=unpacked / len(data))
    if unpacked > max_unpacked:
        raise ZipRefused("size", unpacked=unpacked)
    return archive
