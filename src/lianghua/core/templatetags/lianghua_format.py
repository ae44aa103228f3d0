"""Number display for the pages: Decimal figures without float, units kept beside them by the templates."""

from decimal import Decimal, InvalidOperation

from django import template
from django.http import QueryDict

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def num(value, places=None):
    """12345.6000 → "12,345.6"; with `places`, rounded to that many decimals. None → "—"."""
    number = _decimal(value)
    if number is None:
        return "—"
    if places not in (None, ""):
        number = number.quantize(Decimal(1).scaleb(-int(places)))
        return f"{number:,f}"
    # normalize() drops trailing zeros; the f format keeps it out of exponent notation (1E+2 → 100).
    text = f"{number.normalize():,f}"
    return text


@register.filter
def pct(value, places=1):
    """A fraction as a percentage: 0.8523 → "85.2%". None → "—"."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{(number * 100).quantize(Decimal(1).scaleb(-int(places))):f}%"


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
def per_mu(year_row, field):
    """亩均: a yearly figure (万元) ÷ the year's land (亩), two decimals; "—" without land."""
    value, land = _decimal(getattr(year_row, field, None)), _decimal(getattr(year_row, "land_mu", None))
    if value is None or not land:
        return "—"
    return num(value / land, 2)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@register.filter
def cell(value):
    """A record-table cell: numbers via `num`, dates as YYYY-MM-DD, booleans 是/否, None as —."""
    import datetime as dt

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return num(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.filter
def figure(value, places=2):
    """A computed figure for reading: rounded half-up to `places` decimals (default 2), trailing zeros
    dropped — 70.31700288… → "70.32", 134 → "134". The exact value stays in the records and the API."""
    from decimal import ROUND_HALF_UP

    number = _decimal(value)
    if number is None:
        return "—"
    return num(number.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP))
