"""The template face of core/formatting.py: pages show figures, dates and times one way."""

import re

from django import template
from django.http import QueryDict

from lianghua.core import formatting

register = template.Library()


@register.filter
def num(value, places=None):
    """12345.6000 → "12,345.6"; with `places`, rounded half-up to that many decimals. None → "—"."""
    return formatting.number(value, None if places in (None, "") else int(places))


@register.filter
def qty(value, unit):
    """A figure in its unit's stated decimals (万元 2, counts 0, % 1): {{ r.actual|qty:r.unit }}."""
    return formatting.quantity(value, str(unit or ""))


@register.filter
def pct(value, places=1):
    """A fraction as a percentage: 0.8523 → "85.2%". None → "—"."""
    return formatting.percent(value, int(places))



@register.filter
def signed_pct(value, places=1):
    """A % change in points with its sign: 8 → "+8.0%", −3.4 → "-3.4%". None → "—"."""
    return formatting.signed_percent(value, int(places))


@register.filter
def per_mu(year_row, field):
    """亩均: a yearly figure (万元) ÷ the year's land (亩), two decimals; "—" without land."""
    value = formatting.as_decimal(getattr(year_row, field, None))
    land = formatting.as_decimal(getattr(year_row, "land_mu", None))
    if value is None or not land:
        return formatting.EMPTY
    return formatting.number(value / land, 2)



@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None or "" removes one); for sort and
    page links that keep the filters."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def when(moment):
    """A moment in Asia/Shanghai to the minute: "2026-12-02 09:28". None → "—"."""
    return formatting.datetime_text(moment)


_SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\s*")


@register.filter
def without_seed_file(text) -> str:
    """A source citation as officers read it: the clause, without the seed's file name (kept for experts
    in the page's details fold): "000_9a05….txt 一、主要目标" -> "一、主要目标"."""
    return _SEED_FILE.sub("", str(text or "")).strip()
