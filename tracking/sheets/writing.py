"""What staff and task imports share when writing: the audit log's lines, the fields an
update changes, staff looked up by code."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from storage import tracking as db
from storage.models import Staff, Target, Task, TaskSeries, Unit, utcnow
from texts.common import ROLE_LABELS
from tracking.sheets.layout import FIELD_LABELS


@dataclass(frozen=True)
class _AuditLog:
    """The import's lines of the audit log, written in one batch at its end."""

    session: Session
    actor: Staff | None
    actor_name: str
    entity: str
    note: str
    lines: list[dict] = field(default_factory=list)

    def created(self, code: str, summary: str) -> None:
        self.lines.append(
            db.audit_values(
                actor=self.actor,
                actor_name=self.actor_name,
                action="import",
                entity=self.entity,
                entity_code=code,
                new=summary,
                note=self.note,
            )
        )

    def changed(self, code: str, changes: list[tuple[str, object, object]]) -> None:
        for attr, old, new in changes:
            self.lines.append(
                db.audit_values(
                    actor=self.actor,
                    actor_name=self.actor_name,
                    action="import",
                    entity=self.entity,
                    entity_code=code,
                    field=FIELD_LABELS[attr],
                    old=_shown(self.session, attr, old),
                    new=_shown(self.session, attr, new),
                    note=self.note,
                )
            )

    def write(self) -> None:
        db.audit_many(session=self.session, lines=self.lines)


def _shown(session: Session, attr: str, value: object) -> object:
    """A field value as the audit log shows it: people, units and targets by name."""
    if attr in _REFERENCES and isinstance(value, int):
        return _REFERENCES[attr](session, value)
    if attr == "role":
        return ROLE_LABELS.get(str(value), value)
    return value


def _person(session: Session, staff_id: int) -> str:
    staff = session.get(Staff, staff_id)
    return f"{staff.full_name} ({staff.code})" if staff else str(staff_id)


def _unit_name(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    return db.unit_full_name(session=session, unit=unit) if unit else str(unit_id)


def _target_name(session: Session, target_id: int) -> str:
    target = session.get(Target, target_id)
    return f"{target.code} · {target.name}" if target else str(target_id)


_REFERENCES: dict[str, Callable[[Session, int], str]] = {
    "manager_id": _person,
    "owner_id": _person,
    "accountable_id": _person,
    "unit_id": _unit_name,
    "host_unit_id": _unit_name,
    "target_id": _target_name,
}


def _apply(obj: Staff | Task | TaskSeries, values: dict[str, object]) -> list[tuple[str, object, object]]:
    """Set the attributes that differ; (name, old, new) of each one changed."""
    changes = [(name, getattr(obj, name), value) for name, value in values.items() if getattr(obj, name) != value]
    for name, _, value in changes:
        setattr(obj, name, value)
    if changes:
        obj.updated_at = utcnow()
    return changes


def _staff_by_codes(session: Session, codes: Iterable[str]) -> dict[str, Staff]:
    wanted = {c.upper() for c in codes if c}
    if not wanted:
        return {}
    return {
        s.code.upper(): s
        for batch in db.batches(sorted(wanted))
        for s in session.exec(select(Staff).where(func.upper(Staff.code).in_(batch))).all()
    }
