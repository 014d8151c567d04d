"""SVG charts drawn from the numbers of a score card or a trend, inline in the page.

Every chart is an `<svg role="img">` with a `<title>` and a `<desc>` for screen readers, a
`<title>` on each mark, and its numbers written as text beside the marks, so that it reads
without colour and prints in black and white. Every text that comes from a questionnaire or an
organization is escaped here (these strings are inserted into the page as markup).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

from scoring import DomainScore, DomainScoreV1, EnablerScore, EnablerScoreV1

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
NONE_SHOWN = "\u2013"  # an en dash where there is no number
HEAT_STOPS = ((0.0, (238, 242, 247)), (0.5, (133, 170, 211)), (1.0, (31, 63, 112)))


def _t(text: object) -> str:
    return str(escape(str(text)))


def percent(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage with at most `digits` decimals ("41.7%", "75%").

    `NONE_SHOWN` for None.
    """
    if value is None:
        return NONE_SHOWN
    shown = f"{value * 100:.{digits}f}"
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return f"{shown}%"


def decimal(value: float | None, digits: int = 2) -> str:
    """A number with `digits` decimals; `NONE_SHOWN` for None."""
    return NONE_SHOWN if value is None else f"{value:.{digits}f}"


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


def _svg(chart_id: str, height: float, title: str, desc: str, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart" id="{chart_id}" role="img" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{_t(title)}</title>'
        f'<desc id="{chart_id}-desc">{_t(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text above is escaped


def _clip(text: str, length: int = 24) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass(frozen=True)
class StageLabel:
    id: str
    name: str


def domain_levels(
    chart_id: str,
    domains: Sequence[DomainScore | DomainScoreV1],
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

    height = top + row * len(domains) + 28
    body: list[str] = []
    for index, stage in enumerate(stages):
        body.append(
            f'<text x="{x(index + 0.5):.1f}" y="16" text-anchor="middle" '
            f'fill="{MUTED}" font-size="12">{_t(_clip(stage.name, 22))}</text>'
        )
    for level in range(count + 1):
        body.append(
            f'<line x1="{x(level):.1f}" y1="24" x2="{x(level):.1f}" y2="{height - 24}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{x(level):.1f}" y="{height - 8}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="12">{level}</text>'
        )
    summary: list[str] = []
    for position, domain in enumerate(domains):
        y = top + row * position
        body.append(
            f'<text x="0" y="{y + 17}" fill="{INK}" font-size="14" font-weight="600">'
            f"{_t(_clip(domain.name))}</text>"
        )
        target = targets.get(domain.id)
        if not domain.assessed or domain.index is None:
            body.append(
                f'<text x="0" y="{y + 35}" fill="{MUTED}" font-size="12">not assessed</text>'
            )
            summary.append(f"{domain.name}: not assessed")
        else:
            body.append(
                f'<text x="0" y="{y + 35}" fill="{MUTED}" font-size="12">'
                f"Level {domain.level} · {_t(_clip(domain.level_name or '', 20))}</text>"
            )
            body.append(
                f'<rect x="{left}" y="{y + 4}" width="{span}" height="28" fill="{TRACK}"/>'
                f'<rect class="bar" data-domain="{_t(domain.id)}" x="{left}" y="{y + 4}" '
                f'width="{span * domain.index / count:.1f}" height="28" fill="{BAR}">'
                f"<title>{_t(domain.name)}: level {domain.level} ({_t(domain.level_name)}), "
                f"index {decimal(domain.index)} of {count}</title></rect>"
                f'<text x="{x(domain.index) + 6:.1f}" y="{y + 23}" fill="{INK}" font-size="13" '
                f'font-weight="600">{decimal(domain.index)}</text>'
            )
            summary.append(
                f"{domain.name}: level {domain.level} ({domain.level_name}), "
                f"index {decimal(domain.index)}"
            )
        if target is not None:
            tx = x(min(target, count))
            body.append(
                f'<g class="target" data-domain="{_t(domain.id)}">'
                f'<line x1="{tx:.1f}" y1="{y}" x2="{tx:.1f}" y2="{y + 36}" stroke="{TARGET}" '
                f'stroke-width="3" stroke-dasharray="5 3"/>'
                f'<path d="M{tx:.1f} {y + 36} l6 8 h-12 z" fill="{TARGET}"/>'
                f"<title>{_t(domain.name)}: target level {target}</title></g>"
                f'<text x="{tx + 9:.1f}" y="{y + 46}" fill="{TARGET}" font-size="11">'
                f"target {target}</text>"
            )
            summary[-1] += f", target level {target}"
    desc = f"Maturity index per domain on a scale of 0 to {count}. " + "; ".join(summary) + "."
    return _svg(chart_id, height, "Maturity level by domain", desc, body)


def stage_heatmap(
    chart_id: str, domains: Sequence[DomainScore | DomainScoreV1], stages: Sequence[StageLabel]
) -> Markup:
    """Attainment per domain and stage (the OPM3 picture), with the numbers in each cell."""
    left, top = LABEL_WIDTH, 34
    cell_w = (WIDTH - left) / max(1, len(stages))
    cell_h = 62
    height = top + cell_h * len(domains) + 4
    body: list[str] = [
        '<defs><pattern id="' + chart_id + '-none" width="8" height="8" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="#f7f8fa"/><line x1="0" y1="0" x2="0" y2="8" '
        f'stroke="{GRID}" stroke-width="3"/></pattern></defs>'
    ]
    for column, stage in enumerate(stages):
        body.append(
            f'<text x="{left + cell_w * (column + 0.5):.1f}" y="20" text-anchor="middle" '
            f'fill="{MUTED}" font-size="12" font-weight="600">{_t(_clip(stage.name, 22))}</text>'
        )
    summary: list[str] = []
    for row, domain in enumerate(domains):
        y = top + cell_h * row
        body.append(
            f'<text x="0" y="{y + cell_h / 2 + 5:.1f}" fill="{INK}" font-size="14" '
            f'font-weight="600">{_t(_clip(domain.name))}</text>'
        )
        cells = {cell.id: cell for cell in domain.stages}
        for column, stage in enumerate(stages):
            x = left + cell_w * column
            cell = cells.get(stage.id)
            attainment = cell.attainment if cell is not None else None
            if cell is None or attainment is None:
                fill, ink = f"url(#{chart_id}-none)", MUTED
                big, small = NONE_SHOWN, "not assessed"
                spoken = "not assessed"
            else:
                fill, ink = heat_colour(attainment), _ink_on(attainment)
                big = percent(attainment)
                small = f"{cell.practices_attained} of {cell.practices_assessed}"
                if cell.achieved:
                    small += " · achieved ✓"
                spoken = (
                    f"{percent(attainment)} attained ({cell.practices_attained} of "
                    f"{cell.practices_assessed} best practices)"
                    + (", stage achieved" if cell.achieved else ", not achieved")
                )
            summary.append(f"{domain.name}, {stage.name}: {spoken}")
            body.append(
                f'<g class="cell" data-domain="{_t(domain.id)}" data-stage="{_t(stage.id)}">'
                f"<title>{_t(domain.name)}, {_t(stage.name)}: {_t(spoken)}</title>"
                f'<rect x="{x + 2:.1f}" y="{y + 2}" width="{cell_w - 4:.1f}" '
                f'height="{cell_h - 4}" rx="4" fill="{fill}"'
                + (
                    f' stroke="{INK}" stroke-width="2"'
                    if cell is not None and cell.achieved
                    else ""
                )
                + "/>"
                f'<text class="value" x="{x + cell_w / 2:.1f}" y="{y + 30}" text-anchor="middle" '
                f'fill="{ink}" font-size="18" font-weight="700">{_t(big)}</text>'
                f'<text x="{x + cell_w / 2:.1f}" y="{y + 48}" text-anchor="middle" fill="{ink}" '
                f'font-size="11">{_t(small)}</text></g>'
            )
    desc = "Share of assessed best practices attained per domain and stage. " + "; ".join(summary)
    return _svg(chart_id, height, "Attainment by domain and stage", desc + ".", body)


def enabler_bars(chart_id: str, enablers: Sequence[EnablerScore | EnablerScoreV1]) -> Markup:
    """Attainment per organizational enabler category, on 0 to 100%."""
    left, right, top, row = LABEL_WIDTH, WIDTH - 150, 24, 40
    span = right - left
    height = top + row * len(enablers) + 26
    body: list[str] = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        tx = left + span * tick
        body.append(
            f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{height - 22}" '
            f'stroke="{GRID}"/><text x="{tx:.1f}" y="{height - 6}" text-anchor="middle" '
            f'fill="{MUTED}" font-size="12">{percent(tick)}</text>'
        )
    summary: list[str] = []
    for position, enabler in enumerate(enablers):
        y = top + row * position
        body.append(
            f'<text x="0" y="{y + 18}" fill="{INK}" font-size="14" font-weight="600">'
            f"{_t(_clip(enabler.name))}</text>"
            f'<rect x="{left}" y="{y + 2}" width="{span}" height="24" fill="{TRACK}"/>'
        )
        if enabler.attainment is None:
            body.append(
                f'<text x="{left + 8}" y="{y + 19}" fill="{MUTED}" font-size="12">'
                "not assessed</text>"
            )
            summary.append(f"{enabler.name}: not assessed")
            continue
        label = (
            f"{percent(enabler.attainment)} ({enabler.practices_attained} of "
            f"{enabler.practices_assessed})"
        )
        body.append(
            f'<rect class="bar" data-enabler="{_t(enabler.id)}" x="{left}" y="{y + 2}" '
            f'width="{span * enabler.attainment:.1f}" height="24" fill="{BAR}">'
            f"<title>{_t(enabler.name)}: {_t(label)} attained</title></rect>"
            f'<text x="{right + 8}" y="{y + 19}" fill="{INK}" font-size="13" font-weight="600">'
            f"{_t(label)}</text>"
        )
        summary.append(f"{enabler.name}: {label} best practices attained")
    desc = "Share of assessed best practices attained per enabler category. " + "; ".join(summary)
    return _svg(chart_id, height, "Organizational enablers", desc + ".", body)


@dataclass(frozen=True)
class Series:
    id: str
    name: str
    values: tuple[float | None, ...]
    overall: bool = False


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
    height = bottom + 44
    count = len(labels)
    colours = {
        item.id: OVERALL_COLOUR if item.overall else SERIES_COLOURS[i % len(SERIES_COLOURS)]
        for i, item in enumerate(s for s in series if not s.overall)
    }
    colours.update({item.id: OVERALL_COLOUR for item in series if item.overall})

    def x(position: int) -> float:
        if count == 1:
            return (left + right) / 2
        return left + (right - left) * position / (count - 1)

    def y(value: float) -> float:
        return bottom - (bottom - top) * value / maximum

    def stroke(item: Series) -> str:
        if item.overall:
            return f'stroke="{OVERALL_COLOUR}" stroke-width="3.5" stroke-dasharray="9 6"'
        return f'stroke="{colours[item.id]}" stroke-width="2.5"'

    body: list[str] = []
    for position, item in enumerate(series):
        lx = left + 150 * position
        body.append(
            f'<line x1="{lx}" y1="14" x2="{lx + 26}" y2="14" {stroke(item)}/>'
            f'<text x="{lx + 32}" y="18" fill="{INK}" font-size="12">{_t(_clip(item.name, 18))}'
            "</text>"
        )
    for level in range(maximum + 1):
        body.append(
            f'<line x1="{left}" y1="{y(level):.1f}" x2="{right}" y2="{y(level):.1f}" '
            f'stroke="{GRID}"/><text x="{left - 10}" y="{y(level) + 4:.1f}" text-anchor="end" '
            f'fill="{MUTED}" font-size="12">{level}</text>'
        )
    for position, label in enumerate(labels):
        body.append(
            f'<text x="{x(position):.1f}" y="{bottom + 22}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="12">{_t(_clip(label, 16))}</text>'
        )
    summary: list[str] = []
    ends: list[tuple[Series, float, float]] = []
    for item in sorted(series, key=lambda item: item.overall):  # overall drawn last, on top
        points = [(x(p), y(v), v, p) for p, v in enumerate(item.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in points)
            body.append(
                f'<polyline points="{path}" fill="none" {stroke(item)} stroke-linejoin="round"/>'
            )
        for px, py, value, p in points:
            body.append(
                f'<circle class="point" data-series="{_t(item.id)}" cx="{px:.1f}" cy="{py:.1f}" '
                f'r="{5 if item.overall else 4}" fill="{colours[item.id]}" stroke="#ffffff" '
                'stroke-width="1.5">'
                f"<title>{_t(item.name)}, {_t(labels[p])}: index {decimal(value)}</title></circle>"
            )
        if points:
            ends.append((item, points[-1][1], points[-1][2]))
        values = ", ".join(
            f"{labels[p]} {decimal(v)}" for p, v in enumerate(item.values) if v is not None
        )
        summary.append(f"{item.name}: {values or 'no value'}")
    label_y = _spread_labels([end[1] + 4 for end in ends], 15, top - 4, bottom + 4)
    last_x = x(count - 1) if count else right
    for (item, _, value), ly in zip(ends, label_y, strict=True):
        body.append(
            f'<text class="end-label" x="{last_x + 12:.1f}" y="{ly:.1f}" fill="{colours[item.id]}" '
            f'font-size="12" font-weight="{700 if item.overall else 600}">'
            f"{decimal(value)} {_t(_clip(item.name, 12))}</text>"
        )
    desc = f"Maturity index (0 to {maximum}) per assessment, oldest first. " + "; ".join(summary)
    return _svg(chart_id, height, "Maturity index over time", desc + ".", body)
