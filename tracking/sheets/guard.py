"""A task sheet must not silently undo what was changed in chat since the task's last import.

An office keeps its sheet and sends it again weeks later; meanwhile a deadline was extended with
/giahan (or an extension request approved), a task given to someone else with /giao. Importing the
older sheet would put the old deadline back (the task overdue again) or the old owner. So, before
anything is written, each updated row is compared with the audit log: a field the row would change
that was changed in chat (any action but an import) after the task's last import refuses the
import, row by row, saying what was changed, by whom and when. The admin either corrects the sheet,
or confirms by sending it again with the caption «ghi đè» (``OVERRIDE_WORDS``); the import then
notes that it overrode changes made in chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import tracking as db
from storage.models import AuditEntry, Task
from tracking.parse import key
from tracking.sheets.layout import FIELD_LABELS, SheetError
from tracking.sheets.writing import _shown

OVERRIDE_WORDS = ("ghi de", "overwrite")  # a caption (folded) that confirms the import anyway
OVERRIDE_NOTE = "ghi đè thay đổi trong chat"
OFFICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # the times in the refusal, as the offices read them
_ATTRS = {key(label): attr for attr, label in FIELD_LABELS.items()}


def confirmed(caption: str | None) -> bool:
    """Whether a sheet's caption confirms overriding changes made in chat («ghi đè»)."""
    folded = key(caption or "")
    return any(word in folded for word in OVERRIDE_WORDS)


def refuse_undoing(session: Session, rows: Sequence[tuple[int, Task, dict[str, object]]]) -> None:
    """``rows``: (row number, the existing task, the values the row gives). ``SheetError`` with a line
    for each field a row would change back after a change in chat since the task's last import."""
    if not rows:
        return
    codes = sorted({task.code.upper() for _, task, _ in rows})
    last_import: dict[str, int] = {}
    changes: list[AuditEntry] = []
    for batch in db.batches(codes):
        code = func.upper(AuditEntry.entity_code)
        last_import.update(
            session.execute(
                select(code, func.max(AuditEntry.id))
                .where(AuditEntry.entity == "task", AuditEntry.action == "import", code.in_(batch))
                .group_by(code)
            )
            .tuples()
            .all()
        )
        changes += session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity == "task", AuditEntry.action != "import", AuditEntry.field != "", code.in_(batch))
            .order_by(col(AuditEntry.id))
        ).all()
    by_code: dict[str, list[AuditEntry]] = {}
    for entry in changes:
        if entry.id > last_import.get(entry.entity_code.upper(), 0):
            by_code.setdefault(entry.entity_code.upper(), []).append(entry)
    lines = []
    for number, task, values in sorted(rows, key=lambda item: item[0]):
        latest: dict[str, AuditEntry] = {}
        for entry in by_code.get(task.code.upper(), []):
            attr = _ATTRS.get(key(entry.field))
            if attr in values and getattr(task, attr) != values[attr]:
                latest[attr] = entry  # the last change of each field
        for attr, entry in latest.items():
            lines.append(_line(session, number, task, attr, values[attr], entry))
    if lines:
        raise SheetError(
            lines
            + [
                "Các thay đổi này được làm trong chat sau lần nhập trước; nhập tệp sẽ làm mất chúng. Hãy sửa các dòng "
                "trên theo số liệu mới rồi gửi lại, hoặc gửi lại tệp kèm chú thích «ghi đè» để vẫn nhập theo tệp."
            ]
        )


def _line(session: Session, number: int, task: Task, attr: str, value: object, entry: AuditEntry) -> str:
    at = entry.at if entry.at.tzinfo is not None else entry.at.replace(tzinfo=UTC)
    sheet_value = _shown(session, attr, value)
    if hasattr(sheet_value, "strftime"):
        sheet_value = sheet_value.strftime("%d/%m/%Y")
    return (
        f"Dòng {number} ({FIELD_LABELS[attr]}): {task.code} đã đổi trong chat lúc "
        f"{at.astimezone(OFFICE_TZ):%d/%m/%Y %H:%M} bởi {entry.actor or '?'} "
        f"({entry.old_value or '∅'} → {entry.new_value or '∅'}); tệp ghi {sheet_value}."
    )
