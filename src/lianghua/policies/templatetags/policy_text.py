"""Engine texts for officers: fact keys shown by their Chinese labels, true/false as 是/否."""

from django import template

from lianghua.policies.fact_form import labelled
from lianghua.policies.settings_open import NUMBER, RATIO, TIERS, setting_value_text

register = template.Library()


@register.filter
def for_officers(text: str) -> str:
    return labelled(str(text)).replace("不为 true", "不为“是”").replace("不为 false", "不为“否”")


@register.filter
def setting_value(row) -> str:
    """A parameter row of a result (its trace) as a person reads the value: 1,000万元, 30%, the tiers."""
    value, unit = row.get("value"), row.get("unit", "")
    form = TIERS if isinstance(value, list) else RATIO if unit == "ratio" else NUMBER
    shown = setting_value_text(form, value)
    return f"{shown}{unit}" if form == NUMBER and unit and unit != "ratio" else shown
