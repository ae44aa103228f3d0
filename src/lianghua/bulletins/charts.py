"""The bulletin's charts as vector images drawn here (SVG text): the same picture on the page, in print
and in the PDF, with no browser script."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from lianghua.core.formatting import number

from .compose import RegionStanding
from .trends import Line

ROW, LABEL, BAR = 26, 96, 360


def score_chart_svg(standings: list[RegionStanding], cap: Decimal) -> str:
    """Each region's 赛马 score as a bar, the on-schedule line at 1 dashed."""
    ranked = [s for s in standings if s.score is not None]
    if not ranked:
        return ""
    height = ROW * len(ranked) + 30
    scale = BAR / float(cap)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LABEL + BAR + 70} {height}" '
             f'width="{LABEL + BAR + 70}" height="{height}" role="img" aria-label="综合得分">']
    for i, s in enumerate(ranked):
        y = 10 + i * ROW
        width = max(1.0, float(s.score or 0) * scale)
        colour = "#2f855a" if (s.score or 0) >= 1 else "#c05621" if (s.score or 0) >= Decimal("0.8") else "#c53030"
        parts.append(f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="13">{escape(s.name)}</text>'
                     f'<rect x="{LABEL}" y="{y + 3}" width="{width:.1f}" height="16" fill="{colour}"/>'
                     f'<text x="{LABEL + width + 4:.1f}" y="{y + 15}" font-size="12">{s.score:.2f}</text>')
    one = LABEL + scale
    parts.append(f'<line x1="{one:.1f}" y1="4" x2="{one:.1f}" y2="{height - 18}" stroke="#1a202c" '
                 f'stroke-dasharray="4 3"/><text x="{one:.1f}" y="{height - 4}" text-anchor="middle" '
                 f'font-size="11">1 = 与时间进度同步</text></svg>')
    return "".join(parts)


CURVE_W, CURVE_H, PAD_L, PAD_B, PAD_T = 300, 150, 44, 22, 12


def curve_chart_svg(line: Line, *, forecast: bool = False) -> str:
    """One target's months: the actual (solid, cumulative on the target's basis), what time progress asks
    (dotted: target × time progress at each month end), the target (dashed); with `forecast`, the
    year-end forecast as a point with its range."""
    points = [p for p in line.points if p.actual is not None]
    if line.target is None or not points:
        return ""
    top = max([float(line.target), *(float(p.actual or 0) for p in points)]
              + ([float(line.forecast.high)] if forecast and line.forecast else [])) * 1.1 or 1.0
    width, height = CURVE_W - PAD_L - 8, CURVE_H - PAD_B - PAD_T

    def x(month: int) -> float:
        return PAD_L + (month - 0.5) / 12 * width

    def y(value: float) -> float:
        return PAD_T + height - value / top * height

    target_y = y(float(line.target))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CURVE_W} {CURVE_H}" width="{CURVE_W}" '
             f'height="{CURVE_H}" role="img" aria-label="{escape(line.indicator_name)}逐月完成">',
             f'<line x1="{PAD_L}" y1="{PAD_T + height}" x2="{CURVE_W - 8}" y2="{PAD_T + height}" stroke="#718096"/>',
             f'<text x="{PAD_L - 4}" y="{target_y + 4:.1f}" text-anchor="end" font-size="10">{number(line.target)}</text>',
             f'<text x="{PAD_L - 4}" y="{PAD_T + height + 4}" text-anchor="end" font-size="10">0</text>',
             f'<line x1="{PAD_L}" y1="{target_y:.1f}" x2="{CURVE_W - 8}" y2="{target_y:.1f}" stroke="#2b6cb0" '
             f'stroke-dasharray="6 3"/>']
    for month in (1, 3, 6, 9, 12):
        parts.append(f'<text x="{x(month):.1f}" y="{CURVE_H - 6}" text-anchor="middle" font-size="10">{month}月</text>')
    paced = [(p.as_of.month, float(line.target) * float(p.time_progress)) for p in line.points
             if p.time_progress is not None]
    if paced:
        parts.append('<polyline fill="none" stroke="#a0aec0" stroke-dasharray="2 2" points="'
                     + " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in paced) + '"/>')
    parts.append('<polyline fill="none" stroke="#c05621" stroke-width="2" stroke-linejoin="round" points="'
                 + " ".join(f"{x(p.as_of.month):.1f},{y(float(p.actual or 0)):.1f}" for p in points) + '"/>')
    if forecast and line.forecast:
        f = line.forecast
        parts.append(f'<line x1="{x(12):.1f}" y1="{y(float(f.low)):.1f}" x2="{x(12):.1f}" y2="{y(float(f.high)):.1f}" '
                     f'stroke="#805ad5" stroke-width="3" opacity="0.5"/><circle cx="{x(12):.1f}" '
                     f'cy="{y(float(f.value)):.1f}" r="3.5" fill="none" stroke="#805ad5" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)
