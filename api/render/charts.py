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
    DomainScoreV2,
    EnablerScore,
    EnablerScoreV1,
    StageScore,
    StageScoreV1,
    StageScoreV2,
)

__all__ = [
    "BAR",
    "GRID",
    "HEAT_STOPS",
    "INK",
    "LABEL_WIDTH",
    "MUTED",
    "NONE_SHOWN",
    "OUT_OF_SCOPE",
    "OVERALL_COLOUR",
    "PARTIAL",
    "SERIES_COLOURS",
    "TARGET",
    "TRACK",
    "WIDTH",
    "AnyDomain",
    "AnyEnabler",
    "AnyStage",
    "Chart",
    "DomainBar",
    "EnablerBar",
    "EnablerChart",
    "EndLabel",
    "HeatCell",
    "HeatRow",
    "Heatmap",
    "Label",
    "LevelsChart",
    "Series",
    "StageLabel",
    "TrendChart",
    "TrendLine",
    "TrendMark",
    "attained_words",
    "decimal",
    "domain_in_scope",
    "domain_levels",
    "enabler_bars",
    "heat_colour",
    "percent",
    "progress_of",
    "stage_heatmap",
    "trend_lines",
]

# A card of any scoring version: a stored older card is drawn as it was stored.
AnyDomain = DomainScore | DomainScoreV2 | DomainScoreV1
AnyEnabler = EnablerScore | EnablerScoreV1
AnyStage = StageScore | StageScoreV2 | StageScoreV1

WIDTH = 760
LABEL_WIDTH = 170
INK = "#1f2933"
MUTED = "#5f6b7a"
GRID = "#d9dee5"
TRACK = "#eef1f5"
BAR = "#2f5d8c"
PARTIAL = "#9fbbd9"  # the partial credit of practices not yet attained, beside the BAR
TARGET = "#b4541a"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
SERIES_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#7f7f7f")
OVERALL_COLOUR = "#1f2933"
OUT_OF_SCOPE = "not in this assessment's scope"  # how a domain outside the scope is named
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
        "PARTIAL": PARTIAL,
        "TARGET": TARGET,
        "OUT_OF_SCOPE": OUT_OF_SCOPE,
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


# Figures a stored version "1" card lacks


def progress_of(group: AnyDomain | AnyEnabler | AnyStage) -> float | None:
    """A group's progress; None for a group of a stored version "1" card, which had none."""
    if isinstance(group, DomainScore | DomainScoreV2 | EnablerScore | StageScore | StageScoreV2):
        return group.progress
    return None


def domain_in_scope(domain: AnyDomain) -> bool:
    """Whether the domain is in the assessment's scope (a version "1" card covered every one)."""
    return domain.in_scope if isinstance(domain, DomainScore | DomainScoreV2) else True


def attained_words(attained: int, assessed: int) -> str:
    """ "3 of 5 attained"."""
    return f"{attained} of {assessed} attained"


# Maturity level by domain


@dataclass(frozen=True)
class DomainBar:
    y: int
    height: int
    domain: AnyDomain
    name: str  # clipped to fit the label column
    in_scope: bool
    level_name: str  # clipped
    width: float | None  # None when the domain is not assessed (or out of scope)
    figure: str  # the index, written beside the bar
    attained: str  # the next stage's practices attained, or "all stages achieved"
    stage: str  # "in Control": the next stage (clipped), or ""
    spoken: str  # the row in words
    target: int | None
    target_x: float


@dataclass(frozen=True)
class LevelsChart(Chart):
    left: int
    span: int
    count: int
    figures_x: int
    stages: list[Label]
    grid: list[Label]
    rows: list[DomainBar]
    bottom: int


def _next_stage(domain: AnyDomain, stage_names: Mapping[str, str]) -> tuple[str, str, str]:
    """What the fraction of the index is made of: (counts in words, stage name, spoken)."""
    if domain.next_level is None:
        return "all stages achieved", "", "all stages achieved"
    stage_id = domain.next_level.stage
    name = stage_names.get(stage_id, stage_id)
    cell = next((cell for cell in domain.stages if cell.id == stage_id), None)
    if cell is None or cell.practices_assessed == 0:
        return "not assessed", name, f"{name} not assessed"
    counts = attained_words(cell.practices_attained, cell.practices_assessed)
    progress = progress_of(cell)
    if progress is None:  # a version "1" index: level + the next stage's attainment
        spoken = f"{name}: {counts}"
    else:
        spoken = f"{name}: {percent(progress)} progress, {counts}"
    return counts, name, spoken


def domain_levels(
    chart_id: str,
    domains: Sequence[AnyDomain],
    stages: Sequence[StageLabel],
    targets: Mapping[str, int],
) -> Markup:
    """Each domain's maturity index as a bar on a 0..stages scale, with its target level.

    The scale is divided into one band per stage. On a version "3" card the bar is the index
    (the running minimum of the stages' progress, summed), which is not the level: the level is
    named beside the domain. On older cards its whole part was the level and its fraction the
    progress (version "1": the attainment) of the next stage. Beside the bar: the index, and how
    many of the next stage's practices are attained. A domain outside the assessment's scope is
    named as such, with no bar.
    """
    count = len(stages)
    left, right, top, row, short_row = LABEL_WIDTH, WIDTH - 150, 40, 56, 34
    span = right - left
    stage_names = {stage.id: stage.name for stage in stages}

    def x(value: float) -> float:
        return left + span * value / count

    rows: list[DomainBar] = []
    summary: list[str] = []
    y = top
    for domain in domains:
        target = targets.get(domain.id)
        in_scope = domain_in_scope(domain)
        index = domain.index if domain.assessed else None
        attained, stage, spoken = "", "", ""
        if not in_scope:
            spoken = f"{domain.name}: {OUT_OF_SCOPE}"
        elif index is None:
            spoken = f"{domain.name}: not assessed"
        else:
            attained, stage, next_spoken = _next_stage(domain, stage_names)
            spoken = (
                f"{domain.name}: level {domain.level} ({domain.level_name}), index "
                f"{decimal(index)} of {count}; {next_spoken}"
            )
        if target is not None:
            spoken += f"; target level {target}"
        summary.append(spoken)
        height = row if in_scope else short_row
        rows.append(
            DomainBar(
                y=y,
                height=height,
                domain=domain,
                name=_clip(domain.name),
                in_scope=in_scope,
                level_name=_clip(domain.level_name or "", 20),
                width=None if index is None else span * index / count,
                figure=decimal(index),
                attained=attained,
                stage=f"in {_clip(stage, 21)}" if stage else "",
                spoken=spoken,
                target=target if in_scope else None,
                target_x=x(min(target, count)) if target is not None else 0,
            )
        )
        y += height
    chart = LevelsChart(
        id=chart_id,
        height=y + 28,
        desc=f"Maturity index per domain on a scale of 0 to {count}. " + "; ".join(summary) + ".",
        left=left,
        span=span,
        count=count,
        figures_x=right + 12,
        stages=[Label(x(index + 0.5), _clip(stage.name, 22)) for index, stage in enumerate(stages)],
        grid=[Label(x(level), str(level)) for level in range(count + 1)],
        rows=rows,
        bottom=y + 4,
    )
    return _draw("domain_levels", chart)


# Progress by domain and stage


@dataclass(frozen=True)
class HeatCell:
    x: float
    stage: StageLabel
    fill: str
    ink: str
    big: str  # the progress (the attainment on a version "1" card)
    small: str  # practices attained of assessed
    achieved: bool
    spoken: str  # the cell in words


@dataclass(frozen=True)
class HeatRow:
    y: int
    height: int
    domain: AnyDomain
    name: str  # clipped
    in_scope: bool
    cells: list[HeatCell]


@dataclass(frozen=True)
class Heatmap(Chart):
    title: str  # "Progress by domain and stage"; "Attainment ..." on a version "1" card
    left: int
    cell_width: float
    stages: list[Label]
    rows: list[HeatRow]


def _heat_cell(chart_id: str, x: float, stage: StageLabel, cell: AnyStage | None) -> HeatCell:
    if cell is None or cell.attainment is None:
        return HeatCell(
            x=x,
            stage=stage,
            fill=f"url(#{chart_id}-none)",
            ink=MUTED,
            big=NONE_SHOWN,
            small="not assessed",
            achieved=False,
            spoken="not assessed",
        )
    progress = progress_of(cell)
    shown = cell.attainment if progress is None else progress
    counts = attained_words(cell.practices_attained, cell.practices_assessed)
    figure = f"{percent(shown)} {'attained' if progress is None else 'progress'}"
    return HeatCell(
        x=x,
        stage=stage,
        fill=heat_colour(shown),
        ink=_ink_on(shown),
        big=percent(shown),
        small=counts,
        achieved=cell.achieved,
        spoken=(
            f"{figure}, {cell.practices_attained} of {cell.practices_assessed} best practices "
            "attained" + (", stage achieved" if cell.achieved else ", not achieved")
        ),
    )


def stage_heatmap(
    chart_id: str, domains: Sequence[AnyDomain], stages: Sequence[StageLabel]
) -> Markup:
    """Progress per domain and stage, with the practices attained in each cell.

    On a version "1" card, which has no progress, each cell shows its attainment (the OPM3
    picture). A domain outside the assessment's scope is named as such, with no cells.
    """
    left, top = LABEL_WIDTH, 34
    cell_width = (WIDTH - left) / max(1, len(stages))
    cell_height, short_row = 72, 34
    rows: list[HeatRow] = []
    summary: list[str] = []
    y = top
    for domain in domains:
        in_scope = domain_in_scope(domain)
        cells = {cell.id: cell for cell in domain.stages}
        row = HeatRow(
            y=y,
            height=cell_height if in_scope else short_row,
            domain=domain,
            name=_clip(domain.name),
            in_scope=in_scope,
            cells=(
                [
                    _heat_cell(chart_id, left + cell_width * column, stage, cells.get(stage.id))
                    for column, stage in enumerate(stages)
                ]
                if in_scope
                else []
            ),
        )
        if in_scope:
            summary.extend(f"{domain.name}, {cell.stage.name}: {cell.spoken}" for cell in row.cells)
        else:
            summary.append(f"{domain.name}: {OUT_OF_SCOPE}")
        rows.append(row)
        y += row.height
    figure = "Progress" if any(progress_of(d) is not None for d in domains) else "Attainment"
    chart = Heatmap(
        id=chart_id,
        title=f"{figure} by domain and stage",
        height=y + 4,
        desc=f"{figure} per domain and stage, with the best practices attained. "
        + "; ".join(summary)
        + ".",
        left=left,
        cell_width=cell_width,
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
    attained_width: float | None  # None when not assessed
    progress_width: float | None  # None when not assessed, or on a version "1" card
    figure: str  # "67%"
    counts: str  # "1 of 3 attained"
    spoken: str


@dataclass(frozen=True)
class EnablerChart(Chart):
    left: int
    right: int
    top: int
    span: int
    ticks: list[Label]
    rows: list[EnablerBar]


def enabler_bars(chart_id: str, enablers: Sequence[AnyEnabler]) -> Markup:
    """Progress per organizational enabler category, on 0 to 100%, with practices attained.

    The bar is the progress; its dark part is the share attained, so the lighter rest is the
    partial credit of practices not yet attained. On a version "1" card the bar is the share
    attained alone.
    """
    left, right, top, row = LABEL_WIDTH, WIDTH - 170, 24, 40
    span = right - left
    rows: list[EnablerBar] = []
    summary: list[str] = []
    for position, enabler in enumerate(enablers):
        progress = progress_of(enabler)
        attainment = enabler.attainment
        if attainment is None:
            spoken = f"{enabler.name}: not assessed"
            figure = counts = ""
        else:
            counts = attained_words(enabler.practices_attained, enabler.practices_assessed)
            if progress is None:
                figure = percent(attainment)
                spoken = f"{enabler.name}: {figure} attained ({counts})"
            else:
                figure = percent(progress)
                spoken = f"{enabler.name}: {figure} progress, {counts}"
        summary.append(spoken)
        rows.append(
            EnablerBar(
                y=top + row * position,
                enabler=enabler,
                name=_clip(enabler.name),
                attained_width=None if attainment is None else span * attainment,
                progress_width=(
                    None if attainment is None or progress is None else span * progress
                ),
                figure=figure,
                counts=counts,
                spoken=spoken,
            )
        )
    figure = "Progress" if any(progress_of(e) is not None for e in enablers) else "Attainment"
    chart = EnablerChart(
        id=chart_id,
        height=top + row * len(enablers) + 26,
        desc=f"{figure} per enabler category, with the best practices attained. "
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
    short_name: str | None = None  # beside the line's last value, where room is short


@dataclass(frozen=True)
class TrendMark:
    position: int  # the assessment's, oldest first
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
    def paths(self) -> list[str]:
        """The line through consecutive values: an assessment without a value (a domain
        outside its scope, or not assessed) breaks it rather than being bridged."""
        if not self.points:  # a domain in no assessment's scope: no line at all
            return []
        runs: list[list[TrendMark]] = [[]]
        for mark, following in zip(self.points, [*self.points[1:], None], strict=True):
            runs[-1].append(mark)
            if following is not None and following.position != mark.position + 1:
                runs.append([])
        return [
            " ".join(f"{mark.x:.1f},{mark.y:.1f}" for mark in run) for run in runs if len(run) > 1
        ]


@dataclass(frozen=True)
class EndLabel:
    line: TrendLine
    x: float
    y: float
    text: str  # "2.82 Project"; "Portfolio: none in 2026" for a line that stops earlier
    latest: bool  # the line has a value in the latest assessment


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


def _end_label(line: TrendLine, x: float, y: float, latest: int, labels: Sequence[str]) -> EndLabel:
    """The label at the right of a line: its latest value, or that it has none there."""
    name = line.series.short_name or line.series.name
    last = line.points[-1]
    if last.position == latest:
        return EndLabel(line, x, y, f"{decimal(last.value)} {_clip(name, 16)}", latest=True)
    return EndLabel(line, x, y, f"{_clip(name, 12)}: none in {_clip(labels[latest], 8)}", False)


def trend_lines(
    chart_id: str, labels: Sequence[str], series: Sequence[Series], maximum: int
) -> Markup:
    """Maturity index over time, one line per series, 0..maximum; the last value labelled.

    The overall line is drawn last, dark and dashed, so that the domain line it coincides
    with (the weakest) still shows between its dashes.
    """
    left, right, top, bottom = 44, WIDTH - 170, 56, 250
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
                TrendMark(p, x(p), y(v), v, labels[p])
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
            _end_label(line, last_x + 12, ly, count - 1, labels)
            for line, ly in zip(ended, label_y, strict=True)
        ],
    )
    return _draw("trend_lines", chart)
