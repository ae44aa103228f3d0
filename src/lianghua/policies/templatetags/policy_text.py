"""Engine texts for officers: fact keys shown by their Chinese labels, true/false as 是/否."""

import re

from django import template

from lianghua.policies.fact_form import labelled
from lianghua.policies.rules import document_titles
from lianghua.policies.settings_open import NUMBER, RATIO, TIERS, setting_value_text

register = template.Library()


_SHORT_BEFORE_TITLE = re.compile(r"(?<![0-9])(\d{3})(?=《)")
_SHORT_BEFORE_CLAUSE = re.compile(r"(?<![0-9])(\d{3}) (?=[一二三四五六七八九十]、|[一二三四五六七八九十]（)")


@register.filter
def for_officers(text: str) -> str:
    """An engine text as officers read it: facts by their Chinese labels, 是/否, and documents by their
    titles ("002 三、11" -> "《…》三、11"; "003《…》" -> "《…》"), never the seed numbers."""
    titles = dict(document_titles().values())  # seed number -> title
    text = _SHORT_BEFORE_TITLE.sub("", labelled(str(text)))
    text = _SHORT_BEFORE_CLAUSE.sub(lambda m: f"《{titles[m.group(1)]}》" if m.group(1) in titles else m.group(0),
                                    text)
    return text.replace("不为 true", "不为“是”").replace("不为 false", "不为“否”")


@register.filter
def setting_value(row) -> str:
    """A parameter row of a result (its trace) as a person reads the value: 1,000万元, 30%, the tiers."""
    value, unit = row.get("value"), row.get("unit", "")
    form = TIERS if isinstance(value, list) else RATIO if unit == "ratio" else NUMBER
    shown = setting_value_text(form, value)
    return f"{shown}{unit}" if form == NUMBER and unit and unit != "ratio" else shown


@register.filter
def rule_title(rule_id: str) -> str:
    """A rule as officers name it (its title); its id stays for experts in the details fold."""
    from lianghua.policies.engine import RULES_BY_ID

    rule = RULES_BY_ID.get(str(rule_id))
    return rule.title if rule is not None else ("—" if rule_id == "-" else str(rule_id))


@register.filter
def document_cited(document_id: str, clause: str = "") -> str:
    """《title》clause: a document by its title, never its data file or seed file name."""
    _, title = document_titles().get(str(document_id), ("", str(document_id)))
    return f"《{title}》{clause}"
