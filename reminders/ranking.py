"""The emulation scoreboard: units ranked by on-time completion, and a PNG
chart of progress per unit. The figures are gathered by a :class:`ScoreTally`
from the scan of the scope's tasks that the digest makes anyway."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, tzinfo

from sqlmodel import Session, col, select

from storage.models import STATUS_DONE, Unit
from storage.tracking import batches
from texts.common import number


@dataclass(frozen=True)
class UnitScore:
    unit: str
    total: int
    done: int
    done_on_time: int
    overdue: int
    avg_progress: float

    @property
    def judged(self) -> int:
        """Tasks that can be judged on time or not: finished, or open past their deadline."""
        return self.done + self.overdue

    @property
    def on_time_rate(self) -> float:
        """Tasks finished by their deadline, among those finished or already late (none: 0, and the unit
        is ranked after every unit with results, shown as «chưa có việc đến hạn»)."""
        return self.done_on_time / self.judged if self.judged else 0.0


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
                moment = reported if reported.tzinfo is not None else reported.replace(tzinfo=UTC)
                if moment.astimezone(self.tz).date() <= deadline:
                    figures[2] += 1
        elif deadline < self.today:
            figures[3] += 1

    def scores(self, *, session: Session, limit: int = 15) -> list[UnitScore]:
        """The units with results, best on-time rate first (then progress, then name), then those with
        nothing due yet. Units of the same name
        (a «Văn phòng» in every department) are told apart by the unit above them."""
        names: dict[int, str] = {}
        parents: dict[int, int | None] = {}
        for ids in batches(sorted(self.units)):
            for unit_id, name, parent_id in session.execute(
                select(Unit.id, Unit.name, Unit.parent_id).where(col(Unit.id).in_(ids))
            ):
                names[unit_id], parents[unit_id] = name, parent_id
        scores = {
            unit_id: UnitScore(names.get(unit_id, ""), total, done, on_time, late, progress / total)
            for unit_id, (total, done, on_time, late, progress) in self.units.items()
        }
        # Units with nothing due and nothing done yet come after every unit with results, whatever
        # their rate would read.
        ranked = sorted(
            scores,
            key=lambda unit_id: (
                not scores[unit_id].judged,
                -scores[unit_id].on_time_rate,
                -scores[unit_id].avg_progress,
                scores[unit_id].unit,
            ),
        )[:limit]
        shown = Counter(scores[unit_id].unit for unit_id in ranked)
        above = {
            unit_id: parents[unit_id]
            for unit_id in ranked
            if shown[scores[unit_id].unit] > 1 and parents.get(unit_id) is not None
        }
        above_names = (
            dict(
                session.execute(select(Unit.id, Unit.name).where(col(Unit.id).in_(sorted(set(above.values())))))
                .tuples()
                .all()
            )
            if above
            else {}
        )
        return [
            replace(scores[unit_id], unit=f"{scores[unit_id].unit} ({above_names[above[unit_id]]})")
            if above.get(unit_id) in above_names
            else scores[unit_id]
            for unit_id in ranked
        ]


def progress_chart(scores: list[UnitScore], *, title: str) -> bytes:
    """A horizontal bar chart (PNG) of average progress per unit, one bar each, the best on top.

    Every text is drawn as written: a unit named «Quỹ $5$» or «Tổ $^$» is not read as
    mathematics (which would print it otherwise, or fail on it), nor handed to LaTeX."""
    import matplotlib

    matplotlib.use("Agg")
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        return _draw_chart(scores, title=title)


TITLE_LINE = 72  # characters of the title on one line of the 8-inch chart at 11 points
TITLE_LINES = 3


def _wrap_title(title: str) -> str:
    """The title on lines that fit the image (a long unit's path would run past its edges), at most
    TITLE_LINES, the last shortened."""
    import textwrap

    lines = textwrap.wrap(" ".join(title.split()), TITLE_LINE) or [""]
    if len(lines) > TITLE_LINES:
        lines = lines[:TITLE_LINES]
        lines[-1] = lines[-1][: TITLE_LINE - 1] + "…"
    return "\n".join(lines)


def _draw_chart(scores: list[UnitScore], *, title: str) -> bytes:
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    names = [s.unit if len(s.unit) <= 40 else s.unit[:39] + "…" for s in scores][::-1] or ["(không có)"]
    values = [s.avg_progress for s in scores][::-1] or [0]
    title = _wrap_title(title)
    extra = 0.22 * title.count("\n")  # inches for each line of the title past the first
    height = 1.2 + 0.45 * len(names) + extra
    fig, ax = plt.subplots(figsize=(8, height), dpi=100)
    try:
        # Bars at positions, named by their ticks: two units of one name keep a bar each.
        bars = ax.barh(range(len(names)), values, color="#2e7d32")
        ax.set_yticks(range(len(names)), names)
        ax.set_xlim(0, 100)
        ax.set_xlabel("Tiến độ bình quân (%)")
        # Over the whole image, not the bars (which start after the units' names): a long title stays inside.
        fig.suptitle(title, fontsize=11, y=1 - 6 / (fig.get_size_inches()[1] * fig.dpi), va="top")
        for bar, value in zip(bars, values):
            ax.text(
                min(value + 1, 92), bar.get_y() + bar.get_height() / 2, f"{number(value)}%", va="center", fontsize=8
            )
        # Margins from the widest unit name, measured: tight_layout would draw the figure once
        # more for it (bench/README.md).
        canvas = fig.canvas
        assert isinstance(canvas, FigureCanvasAgg)  # the backend chosen above
        renderer = canvas.get_renderer()
        label_width = max(label.get_window_extent(renderer).width for label in ax.get_yticklabels())
        width, height_px = fig.get_size_inches() * fig.dpi
        fig.subplots_adjust(
            left=min(0.6, (label_width + 16) / width),
            right=1 - 14 / width,
            top=1 - (30 + extra * fig.dpi) / height_px,
            bottom=46 / height_px,
        )
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)
