"""The bulletin as HTML: the whole document (the web file, and the source of the PDF) and its chart."""

from __future__ import annotations

from django.template.loader import render_to_string

from lianghua.targets.progress_math import ANNUAL

from .charts import curve_chart_svg, score_chart_svg
from .compose import Bulletin


def chart_of(bulletin: Bulletin) -> str:
    return score_chart_svg(bulletin.standings, bulletin.rule.cap)


def curves_of(bulletin: Bulletin) -> list[tuple[object, str]]:
    """Each own flow indicator's monthly curve (the year so far, month by month) against its target line:
    the yearly target where the plan sets one, else the plan-period one."""
    yearly = {line.indicator for line in bulletin.history if line.basis == ANNUAL}
    return [(line, svg) for line in bulletin.history
            if (line.basis == ANNUAL or line.indicator not in yearly) and (svg := curve_chart_svg(line))]


def bulletin_context(bulletin: Bulletin) -> dict:
    return {"b": bulletin, "chart": chart_of(bulletin), "curves": curves_of(bulletin)}


def bulletin_document(bulletin: Bulletin) -> str:
    return render_to_string("bulletins/document.html", bulletin_context(bulletin))
