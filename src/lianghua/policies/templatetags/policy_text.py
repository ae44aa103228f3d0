"""Engine texts for officers: fact keys shown by their Chinese labels, true/false as 是/否."""

from django import template

from lianghua.policies.fact_form import labelled

register = template.Library()


@register.filter
def for_officers(text: str) -> str:
    return labelled(str(text)).replace("不为 true", "不为“是”").replace("不为 false", "不为“否”")
