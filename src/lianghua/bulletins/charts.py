"""The bulletin's charts as vector images drawn here (SVG text): the same picture on the page, in print
and in the PDF, with no browser script."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from .compose import RegionStanding

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
