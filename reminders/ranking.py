"""The emulation scoreboard: units ranked by on-time completion, and a PNG
chart of progress per unit. The figures are gathered by a :class:`ScoreTally`
from the scan of the scope's tasks that the digest makes anyway."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo

from sqlmodel import Session, col, select

from storage.models import STATUS_DONE, Unit
from storage.tracking import batches


@dataclass(frozen=True)
class UnitScore:
    unit: str
    total: int
    done: int
    done_on_time: int
    overdue: int
    avg_progress: float

    @property
    def on_time_rate(self) -> float:
        """Tasks finished by their deadline, among those finished or already late."""
        judged = self.done + self.overdue
        return self.done_on_time / judged if judged else 1.0


class ScoreTally:
    """Per host unit: tasks, those done, done on time (last report on or before the deadline,
    local date), open and past their deadline, and the sum of progress; one task at a time."""

    def __init__(self, *, today: date, tz: tzinfo) -> None:
        self.today = today
        self.tz = tz
        self.units: dict[int, list[int]] = {}  # unit id -> [total, done, on time, overdue, progress sum]

    def add(self, unit_id: int, status: str, deadline: date, progress: int, reported: datetime | None) -> None:
        figures = self.units.get(unit_id)
        if figures is None:
            figures = self.units[unit_id] = [0, 0, 0, 0, 0]
        figures[0] += 1
        figures[4] += progress
        if status == STATUS_DONE:
            figures[1] += 1
            if reported is not None:
                moment = reported if reported.tzinfo is not None else reported.replace(tzinfo=timezone.utc)
                if moment.astimezone(self.tz).date() <= deadline:
                    figures[2] += 1
        elif deadline < self.today:
            figures[3] += 1

    def scores(self, *, session: Session, limit: int = 15) -> list[UnitScore]:
        """The units, best on-time rate first (then progress, then name)."""
        names: dict[int, str] = {}
        for ids in batches(sorted(self.units)):
            names.update(session.execute(select(Unit.id, Unit.name).where(col(Unit.id).in_(ids))).tuples().all())
        scores = [UnitScore(names.get(unit_id, ""), total, done, on_time, late, progress / total)
                  for unit_id, (total, done, on_time, late, progress) in self.units.items()]
        scores.sort(key=lambda s: (-s.on_time_rate, -s.avg_progress, s.unit))
        return scores[:limit]


def progress_chart(scores: list[UnitScore], *, title: str) -> bytes:
    """A horizontal bar chart (PNG) of average progress per unit."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    names = [s.unit if len(s.unit) <= 32 else s.unit[:31] + "…" for s in scores][::-1]
    values = [s.avg_progress for s in scores][::-1]
    height = 1.2 + 0.45 * max(1, len(scores))
    fig, ax = plt.subplots(figsize=(8, height), dpi=100)
    try:
        bars = ax.barh(names or ["(không có)"], values or [0], color="#2e7d32")
        ax.set_xlim(0, 100)
        ax.set_xlabel("Tiến độ bình quân (%)")
        ax.set_title(title, fontsize=11)
        for bar, value in zip(bars, values):
            ax.text(min(value + 1, 92), bar.get_y() + bar.get_height() / 2, f"{value:.0f}%", va="center", fontsize=8)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


