"""The bulletin as HTML: the whole document (the web file, and the source of the PDF) and its chart."""

from __future__ import annotations

from django.template.loader import render_to_string

from .charts import score_chart_svg
from .compose import Bulletin


def chart_of(bulletin: Bulletin) -> str:
    return score_chart_svg(bulletin.standings, bulletin.rule.cap)


def bulletin_document(bulletin: Bulletin) -> str:
    return render_to_string("bulletins/document.html", {"b": bulletin, "chart": chart_of(bulletin)})
