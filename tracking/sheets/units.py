"""Unit cells: a path "A > B > C" or the name of a single unit, found or created."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from storage import tracking as db
from storage.models import Unit, column_length
from tracking.parse import InputError, key, unit_path
from tracking.sheets.layout import NAME_MAX

# A unit's full path is stored folded in ``unit.key``, and its ids ("/1/4/9/") in ``unit.path``:
# a path must fit both columns (an id is at most 10 digits and its "/").
UNIT_PATH_MAX = column_length(Unit, "key")
UNIT_DEPTH_MAX = (column_length(Unit, "path") - 1) // 11


@dataclass(frozen=True)
class _UnitRef:
    """A unit named in a sheet: one that exists, or a path to create."""

    names: tuple[str, ...]
    keys: tuple[str, ...]
    existing: Unit | None = None

    def unit(self, session: Session) -> Unit:
        return self.existing or db.ensure_unit_path(session=session, names=self.names, keys=self.keys)


class _UnitFinder:
    """Reads unit cells: a path "A > B > C", or the name of a single unit.

    With ``create`` (staff sheets) a path is created if missing, and a lone
    name may also match the end of a path written elsewhere in the same file;
    otherwise (task sheets) the unit must exist."""

    def __init__(self, session: Session, *, create: bool, texts: Iterable[str] = ()) -> None:
        self.session = session
        self.create = create
        self.file_paths: dict[str, _UnitRef] = {}
        for text in texts if create else ():
            try:
                ref = self._ref(text)
            except InputError:
                continue
            if len(ref.names) > 1:
                self.file_paths[db.UNIT_SEPARATOR.join(ref.keys)] = ref

    @staticmethod
    def _ref(text: str) -> _UnitRef:
        names = tuple(unit_path(text))
        if any(len(name) > NAME_MAX for name in names):
            raise InputError(f"tên đơn vị dài quá {NAME_MAX} ký tự")
        keys = tuple(key(name) for name in names)
        if len(names) > UNIT_DEPTH_MAX:
            raise InputError(
                f"đơn vị lồng {len(names)} cấp, quá giới hạn {UNIT_DEPTH_MAX} cấp; hãy bỏ bớt các cấp trung gian"
            )
        length = max(len(db.UNIT_SEPARATOR.join(names)), len(db.UNIT_SEPARATOR.join(keys)))
        if length > UNIT_PATH_MAX:
            raise InputError(
                f"đường dẫn đơn vị dài {length} ký tự (kể cả dấu >), quá giới hạn {UNIT_PATH_MAX}; "
                "hãy viết tắt tên các cấp (ví dụ «UBND» thay cho «Ủy ban nhân dân»)"
            )
        return _UnitRef(names, keys)

    def find(self, text: str) -> _UnitRef:
        ref = self._ref(text)
        if len(ref.names) > 1:
            return ref if self.create else self._existing_path(ref)
        candidates = {
            u.key: _UnitRef(ref.names, ref.keys, u)
            for u in db.units_by_name_key(session=self.session, name_key=ref.keys[0])
        }
        if self.create:
            candidates |= {
                k: r for k, r in self.file_paths.items() if r.keys[-1] == ref.keys[0] and k not in candidates
            }
        if len(candidates) == 1:
            return next(iter(candidates.values()))
        if not candidates:
            if self.create:
                return ref
            raise InputError(f"chưa có đơn vị «{ref.names[0]}»; hãy ghi đúng tên như trong danh sách cán bộ")
        shown = "; ".join(sorted(self._full_name(r) for r in candidates.values()))
        raise InputError(
            f"có {len(candidates)} đơn vị tên «{ref.names[0]}» ({shown}); "
            "hãy ghi đường dẫn đầy đủ, các cấp cách nhau bằng dấu >"
        )

    def _existing_path(self, ref: _UnitRef) -> _UnitRef:
        unit = db.unit_by_key(session=self.session, key=db.UNIT_SEPARATOR.join(ref.keys))
        if unit is None:
            raise InputError(
                f"chưa có đơn vị «{db.UNIT_SEPARATOR.join(ref.names)}»; hãy ghi đúng như trong danh sách cán bộ"
            )
        return _UnitRef(ref.names, ref.keys, unit)

    def _full_name(self, ref: _UnitRef) -> str:
        if ref.existing is not None:
            return db.unit_full_name(session=self.session, unit=ref.existing)
        return db.UNIT_SEPARATOR.join(ref.names)
