"""The emulation scoreboard: units ranked by on-time completion, and a PNG
chart of progress per unit. One GROUP BY query over the tasks of a scope."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func
from sqlmodel import Session, select

from storage.models import STATUS_DONE, Task, Unit
from storage.tracking import Scope


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


def unit_scores(*, session: Session, scope: Scope, today: date, limit: int = 15) -> list[UnitScore]:
    """Units hosting tasks in ``scope``, best on-time rate first."""
    done = Task.status == STATUS_DONE
    on_time = done & Task.last_report_at.is_not(None) & (func.date(Task.last_report_at) <= Task.deadline)
    rows = session.exec(
        select(
            Unit.name,
            func.count(Task.id),
            func.sum(case((done, 1), else_=0)),
            func.sum(case((on_time, 1), else_=0)),
            func.sum(case(((~done) & (Task.deadline < today), 1), else_=0)),
            func.avg(Task.progress),
        )
        .join(Unit, Unit.id == Task.host_unit_id)
        .where(scope.task_filter())
        .group_by(Unit.id, Unit.name)
    ).all()
    scores = [UnitScore(name, int(total), int(done_n or 0), int(on_time or 0), int(late or 0), float(avg or 0))
              for name, total, done_n, on_time, late, avg in rows]
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


