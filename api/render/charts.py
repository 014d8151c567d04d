"""SVG charts drawn from the numbers of a score card or a trend, inline in the page.

Every chart is an `<svg role="img">` with a `<title>` and a `<desc>` for screen readers, a
`<title>` on each mark, and its numbers written as text beside the marks, so that it reads
without colour and prints in black and white.

The layout (positions, colours, the sentences a screen reader hears) is computed here; the
markup is written by the Jinja macros of `templates/charts.html`, autoescaped like the pages,
so a name from a questionnaire or an organization is always inserted as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from markupsafe import Markup

from api.render.jinja import NONE_SHOWN, decimal, environment, percent
from scoring import (
    DomainScore,
    DomainScoreV1,
    EnablerScore,
    EnablerScoreV1,
    StageScore,
    StageScoreV1,
)

__all__ = [
    "NONE_SHOWN",
    "Series",
    "StageLabel",
    "decimal",
    "domain_levels",
    "enabler_bars",
    "heat_colour",
    "percent",
    "stage_heatmap",
    "trend_lines",
]

# A card of any scoring version: a stored version "1" card is drawn as it was stored.
AnyDomain = DomainScore | DomainScoreV1
AnyEnabler = EnablerScore | EnablerScoreV1
AnyStage = StageScore | StageScoreV1

WIDTH = 760
LABEL_WIDTH = 170
INK = "#1f2933"
MUTED = "#5f6b7a"
GRID = "#d9dee5"
TRACK = "#eef1f5"
BAR = "#2f5d8c"
TARGET = "#b4541a"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
SERIES_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#7f7f7f")
OVERALL_COLOUR = "#1f2933"
HEAT_STOPS = ((0.0, (238, 242, 247)), (0.5, (133, 170, 211)), (1.0, (31, 63, 112)))


@lru_cache(maxsize=1)
def _macros() -> Any:
    """The macros of `charts.html`, with the palette and the width they draw with."""
    palette = {
        "WIDTH": WIDTH,
        "INK": INK,
        "MUTED": MUTED,
        "GRID": GRID,
        "TRACK": TRACK,
        "BAR": BAR,
        "TARGET": TARGET,
    }
    return environment().get_template("charts.html").make_module(palette)


def _draw(macro: str, chart: Chart) -> Markup:
    """The chart's markup, written by the macro of that name."""
    markup: Markup = getattr(_macros(), macro)(chart)
    return markup


@dataclass(frozen=True)
class Chart:
    """What every chart has: its element id, its height and its description in words."""

    id: str
    height: int
    desc: str


def heat_colour(value: float) -> str:
    """The fill of a heatmap cell: light for 0, deep blue for 1 (linear between three stops)."""
    value = min(1.0, max(0.0, value))
    for (low, low_rgb), (high, high_rgb) in pairwise(HEAT_STOPS):
        if value <= high:
            share = (value - low) / (high - low)
            rgb = [round(a + (b - a) * share) for a, b in zip(low_rgb, high_rgb, strict=True)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*HEAT_STOPS[-1][1])


def _ink_on(value: float) -> str:
    return "#ffffff" if value > 0.55 else INK


def _clip(text: str, length: int = 24) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass(frozen=True)
class StageLabel:
    id: str
    name: str


@dataclass(frozen=True)
class Label:
    """A text at a horizontal position (an axis label, a column heading)."""

    x: float
    text: str


# Maturity level by domain


@dataclass(frozen=True)
class DomainBar:
    y: int
    domain: AnyDomain
    name: str  # clipped to fit the label column
    level_name: str  # clipped
    width: float | None  # None when the domain is not assessed
    value_x: float
    target: int | None
    target_x: float


@dataclass(frozen=True)
class LevelsChart(Chart):
    left: int
    span: int
    count: int
    stages: list[Label]
    grid: list[Label]
    rows: list[DomainBar]


def domain_levels(
    chart_id: str,
    domains: Sequence[AnyDomain],
    stages: Sequence[StageLabel],
    targets: Mapping[str, int],
) -> Markup:
    """Each domain's maturity index as a bar on a 0..stages scale, with its target level.

    The scale is divided into one band per stage: the bar's whole part is the level, its
    fraction the way through the next stage.
    """
    count = len(stages)
    left, right, top, row = LABEL_WIDTH, WIDTH - 70, 40, 54
    span = right - left

    def x(value: float) -> float:
        return left + span * value / count

    rows: list[DomainBar] = []
    summary: list[str] = []
    for position, domain in enumerate(domains):
        target = targets.get(domain.id)
        index = domain.index if domain.assessed else None
        if index is None:
            summary.append(f"{domain.name}: not assessed")
        else:
            summary.append(
                f"{domain.name}: level {domain.level} ({domain.level_name}), index {decimal(index)}"
            )
        if target is not None:
            summary[-1] += f", target level {target}"
        rows.append(
            DomainBar(
                y=top + row * position,
                domain=domain,
                name=_clip(domain.name),
                level_name=_clip(domain.level_name or "", 20),
                width=None if index is None else span * index / count,
                value_x=x(index or 0) + 6,
                target=target,
                target_x=x(min(target, count)) if target is not None else 0,
            )
        )
    chart = LevelsChart(
        id=chart_id,
        height=top + row * len(domains) + 28,
        desc=f"Maturity index per domain on a scale of 0 to {count}. " + "; ".join(summary) + ".",
        left=left,
        span=span,
        count=count,
        stages=[Label(x(index + 0.5), _clip(stage.name, 22)) for index, stage in enumerate(stages)],
        grid=[Label(x(level), str(level)) for level in range(count + 1)],
        rows=rows,
    )
    return _draw("domain_levels", chart)


# Attainment by domain and stage


@dataclass(frozen=True)
class HeatCell:
    x: float
    stage: StageLabel
    fill: str
    ink: str
    big: str  # the attainment
    small: str  # practices attained of assessed
    spoken: str  # the cell in words
    achieved: bool


@dataclass(frozen=True)
class HeatRow:
    y: int
    domain: AnyDomain
    name: str  # clipped
    cells: list[HeatCell]


@dataclass(frozen=True)
class Heatmap(Chart):
    cell_width: float
    cell_height: int
    stages: list[Label]
    rows: list[HeatRow]


def _heat_cell(chart_id: str, x: float, stage: StageLabel, cell: AnyStage | None) -> HeatCell:
    attainment = cell.attainment if cell is not None else None
    if cell is None or attainment is None:
        return HeatCell(
            x=x,
            stage=stage,
            fill=f"url(#{chart_id}-none)",
            ink=MUTED,
            big=NONE_SHOWN,
            small="not assessed",
            spoken="not assessed",
            achieved=False,
        )
    small = f"{cell.practices_attained} of {cell.practices_assessed}"
    return HeatCell(
        x=x,
        stage=stage,
        fill=heat_colour(attainment),
        ink=_ink_on(attainment),
        big=percent(attainment),
        small=small + (" · achieved ✓" if cell.achieved else ""),
        spoken=(
            f"{percent(attainment)} attained ({cell.practices_attained} of "
            f"{cell.practices_assessed} best practices)"
            + (", stage achieved" if cell.achieved else ", not achieved")
        ),
        achieved=cell.achieved,
    )


def stage_heatmap(
    chart_id: str, domains: Sequence[AnyDomain], stages: Sequence[StageLabel]
) -> Markup:
    """Attainment per domain and stage (the OPM3 picture), with the numbers in each cell."""
    left, top = LABEL_WIDTH, 34
    cell_width = (WIDTH - left) / max(1, len(stages))
    cell_height = 62
    rows: list[HeatRow] = []
    summary: list[str] = []
    for position, domain in enumerate(domains):
        cells = {cell.id: cell for cell in domain.stages}
        row = HeatRow(
            y=top + cell_height * position,
            domain=domain,
            name=_clip(domain.name),
            cells=[
                _heat_cell(chart_id, left + cell_width * column, stage, cells.get(stage.id))
                for column, stage in enumerate(stages)
            ],
        )
        summary.extend(f"{domain.name}, {cell.stage.name}: {cell.spoken}" for cell in row.cells)
        rows.append(row)
    chart = Heatmap(
        id=chart_id,
        height=top + cell_height * len(domains) + 4,
        desc="Share of assessed best practices attained per domain and stage. "
        + "; ".join(summary)
        + ".",
        cell_width=cell_width,
        cell_height=cell_height,
        stages=[
            Label(left + cell_width * (column + 0.5), _clip(stage.name, 22))
            for column, stage in enumerate(stages)
        ],
        rows=rows,
    )
    return _draw("stage_heatmap", chart)


# Organizational enablers


@dataclass(frozen=True)
class EnablerBar:
    y: int
    enabler: AnyEnabler
    name: str  # clipped
    width: float | None  # None when not assessed
    label: str  # "41.7% (5 of 12)"


@dataclass(frozen=True)
class EnablerChart(Chart):
    left: int
    right: int
    top: int
    span: int
    ticks: list[Label]
    rows: list[EnablerBar]


def enabler_bars(chart_id: str, enablers: Sequence[AnyEnabler]) -> Markup:
    """Attainment per organizational enabler category, on 0 to 100%."""
    left, right, top, row = LABEL_WIDTH, WIDTH - 150, 24, 40
    span = right - left
    rows: list[EnablerBar] = []
    summary: list[str] = []
    for position, enabler in enumerate(enablers):
        label = ""
        if enabler.attainment is None:
            summary.append(f"{enabler.name}: not assessed")
        else:
            label = (
                f"{percent(enabler.attainment)} ({enabler.practices_attained} of "
                f"{enabler.practices_assessed})"
            )
            summary.append(f"{enabler.name}: {label} best practices attained")
        rows.append(
            EnablerBar(
                y=top + row * position,
                enabler=enabler,
                name=_clip(enabler.name),
                width=None if enabler.attainment is None else span * enabler.attainment,
                label=label,
            )
        )
    chart = EnablerChart(
        id=chart_id,
        height=top + row * len(enablers) + 26,
        desc="Share of assessed best practices attained per enabler category. "
        + "; ".join(summary)
        + ".",
        left=left,
        right=right,
        top=top,
        span=span,
        ticks=[Label(left + span * tick, percent(tick)) for tick in (0, 0.25, 0.5, 0.75, 1)],
        rows=rows,
    )
    return _draw("enabler_bars", chart)


# Maturity index over time


@dataclass(frozen=True)
class Series:
    id: str
    name: str
    values: tuple[float | None, ...]
    overall: bool = False


@dataclass(frozen=True)
class TrendMark:
    x: float
    y: float
    value: float
    label: str  # the assessment's


@dataclass(frozen=True)
class TrendLine:
    series: Series
    colour: str
    legend_x: int
    legend_name: str  # clipped
    points: list[TrendMark]

    @property
    def path(self) -> str:
        return " ".join(f"{mark.x:.1f},{mark.y:.1f}" for mark in self.points)


@dataclass(frozen=True)
class EndLabel:
    line: TrendLine
    x: float
    y: float
    value: float
    name: str  # clipped


@dataclass(frozen=True)
class TrendChart(Chart):
    left: int
    right: int
    bottom: int
    legend: list[TrendLine]  # in the order given
    levels: list[tuple[float, int]]  # (y, level) of each grid line
    columns: list[Label]
    lines: list[TrendLine]  # the overall line last, drawn on top
    ends: list[EndLabel]


def _spread_labels(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label positions as close to `wanted` as can be with at least `gap` between them."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [0.0] * len(wanted)
    floor = low
    for i in order:
        placed[i] = max(wanted[i], floor)
        floor = placed[i] + gap
    overflow = (placed[order[-1]] - high) if order else 0
    if overflow > 0:  # push the stack back up from the bottom edge
        for i in order:
            placed[i] -= overflow
    return placed


def trend_lines(
    chart_id: str, labels: Sequence[str], series: Sequence[Series], maximum: int
) -> Markup:
    """Maturity index over time, one line per series, 0..maximum; the last value labelled.

    The overall line is drawn last, dark and dashed, so that the domain line it coincides
    with (the weakest) still shows between its dashes.
    """
    left, right, top, bottom = 44, WIDTH - 150, 56, 250
    count = len(labels)
    colours = {
        item.id: SERIES_COLOURS[i % len(SERIES_COLOURS)]
        for i, item in enumerate(s for s in series if not s.overall)
    }
    colours.update({item.id: OVERALL_COLOUR for item in series if item.overall})

    def x(position: int) -> float:
        if count == 1:
            return (left + right) / 2
        return left + (right - left) * position / (count - 1)

    def y(value: float) -> float:
        return bottom - (bottom - top) * value / maximum

    legend = [
        TrendLine(
            series=item,
            colour=colours[item.id],
            legend_x=left + 150 * position,
            legend_name=_clip(item.name, 18),
            points=[
                TrendMark(x(p), y(v), v, labels[p])
                for p, v in enumerate(item.values)
                if v is not None
            ],
        )
        for position, item in enumerate(series)
    ]
    lines = sorted(legend, key=lambda line: line.series.overall)  # overall drawn last, on top
    summary = [
        f"{line.series.name}: "
        + (", ".join(f"{mark.label} {decimal(mark.value)}" for mark in line.points) or "no value")
        for line in lines
    ]
    ended = [line for line in lines if line.points]
    label_y = _spread_labels([line.points[-1].y + 4 for line in ended], 15, top - 4, bottom + 4)
    last_x = x(count - 1) if count else right
    chart = TrendChart(
        id=chart_id,
        height=bottom + 44,
        desc=f"Maturity index (0 to {maximum}) per assessment, oldest first. "
        + "; ".join(summary)
        + ".",
        left=left,
        right=right,
        bottom=bottom,
        legend=legend,
        levels=[(y(level), level) for level in range(maximum + 1)],
        columns=[Label(x(position), _clip(label, 16)) for position, label in enumerate(labels)],
        lines=lines,
        ends=[
            EndLabel(line, last_x + 12, ly, line.points[-1].value, _clip(line.series.name, 12))
            for line, ly in zip(ended, label_y, strict=True)
        ],
    )
    return _draw("trend_lines", chart)
