"""Server-rendered score charts: one per exam, the learner's scores over their attempts (plain Python).

The template draws the SVG from these coordinates and shows the same numbers as a table, so the chart
needs no script and a screen reader gets the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 12, 44
MAX_DATE_LABELS = 8


@dataclass(frozen=True)
class ScorePoint:
    x: float
    y: float
    percent: float
    when: datetime
    passed: bool | None  # None: practice (no pass mark) or provisional
    label: str  # the date under the axis; "" when thinned out


@dataclass(frozen=True)
class ScoreChart:
    points: tuple[ScorePoint, ...]
    pass_mark: int | None
    pass_y: float | None
    gridlines: tuple[tuple[int, float], ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    axis_y: int = HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x},{point.y}" for point in self.points)


def _y(percent: float) -> float:
    return round(TOP + (100 - percent) / 100 * (HEIGHT - TOP - BOTTOM), 1)


def score_chart(scores: Sequence[tuple[datetime, float, bool | None]], pass_mark: int | None) -> ScoreChart:
    """Scores (when, percent, passed) oldest first, evenly spaced along x, each labelled with its date."""
    span = WIDTH - LEFT - RIGHT
    step = span / max(1, len(scores) - 1)
    every = -(-len(scores) // MAX_DATE_LABELS)  # ceil: at most MAX_DATE_LABELS dates under the axis
    points = tuple(
        ScorePoint(
            x=round(LEFT + (index * step if len(scores) > 1 else span / 2), 1),
            y=_y(percent),
            percent=percent,
            when=when,
            passed=passed,
            label=f"{when.day} {when:%b}" if index % every == 0 or index == len(scores) - 1 else "",
        )
        for index, (when, percent, passed) in enumerate(scores)
    )
    return ScoreChart(
        points=points,
        pass_mark=pass_mark,
        pass_y=_y(pass_mark) if pass_mark is not None else None,
        gridlines=tuple((percent, _y(percent)) for percent in (0, 25, 50, 75, 100)),
    )
