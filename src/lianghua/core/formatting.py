"""One way to show a number, a date and a time, used by pages, exports, the CLI and the API.

- For people (pages, the CLI, explanations): thousands separators and a stated number of decimals per
  unit (`PLACES_BY_UNIT`: 万元 and 亿元 two, counts none, percentages one), rounded half-up; percentages
  without a space ("85.2%"); dates as YYYY-MM-DD; times in Asia/Shanghai, to the minute.
- For machines (the API, CSV): `decimal_text`, the exact Decimal as text ("262.047", never a float).

Pure Python (no Django), so every layer may use it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

EMPTY = "—"  # what a page shows for a missing figure
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
DEFAULT_PLACES = 2
PLACES_BY_UNIT: dict[str, int] = {
    "万元": 2, "亿元": 2, "万元/亩": 2, "万元/人": 2, "亩": 2, "吨标准煤": 2, "万吨标煤": 2, "吨": 2,
    "%": 1, "人": 0, "台": 0, "个": 0, "家": 0, "项": 0, "场": 0, "次": 0,
}


def as_decimal(value: Any) -> Decimal | None:
    """A figure from a model, a query or a template (Decimal, int, float, numeric text); None otherwise."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def decimal_plain(value: Decimal) -> str:
    """A Decimal as exact text without trailing zeros or exponent: 120.0000 -> "120", 12.5000 -> "12.5",
    1E+2 -> "100" (stored decimals carry 4 places; SQLite and PostgreSQL then read the same)."""
    text = format(value, "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def decimal_text(value: Any, places: int | None = None) -> str | None:
    """The API's form of a Decimal: exact text (rounded half-up to `places` first, when given); None stays
    None."""
    number = as_decimal(value)
    if number is None:
        return None
    return decimal_plain(number if places is None else round_half_up(number, places))


def places_for(unit: str) -> int:
    return PLACES_BY_UNIT.get(unit, DEFAULT_PLACES)


def number(value: Any, places: int | None = None, *, empty: str = EMPTY) -> str:
    """12345.6 -> "12,345.6"; with `places`, rounded half-up to exactly that many decimals
    ("12,345.60"). A missing figure is `empty`."""
    figure = as_decimal(value)
    if figure is None:
        return empty
    if places is None:
        text = decimal_plain(figure)
        whole, _, fraction = text.partition(".")
        grouped = f"{int(whole):,}" if whole not in ("", "-") else whole
        if whole.startswith("-") and int(whole) == 0:
            grouped = "-0"
        return f"{grouped}.{fraction}" if fraction else grouped
    rounded = round_half_up(figure, places)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    return f"{rounded:,.{places}f}"


def quantity(value: Any, unit: str, *, empty: str = EMPTY) -> str:
    """A figure in its unit's stated decimals (万元 2, counts 0…), without the unit."""
    return number(value, places_for(unit), empty=empty)


def with_unit(value: Any, unit: str, *, empty: str = EMPTY) -> str:
    """"262.05万元", "12家"; a missing figure is `empty` alone."""
    shown = quantity(value, unit, empty=empty)
    return shown if shown == empty else f"{shown}{unit}"


def percent(fraction: Any, places: int = 1, *, empty: str = EMPTY) -> str:
    """A fraction as a percentage: 0.8523 -> "85.2%"."""
    figure = as_decimal(fraction)
    if figure is None:
        return empty
    return f"{number(figure * 100, places)}%"


def signed_percent(points: Any, places: int = 1, *, empty: str = EMPTY) -> str:
    """A % change already in percentage points, with its sign: 8 -> "+8.0%", -3.4 -> "-3.4%"."""
    figure = as_decimal(points)
    if figure is None:
        return empty
    text = number(figure, places)
    return f"{'+' if figure > 0 else ''}{text}%"


def datetime_text(moment: dt.datetime | None, *, empty: str = EMPTY) -> str:
    """A moment as officers read it: Asia/Shanghai, to the minute ("2026-12-02 04:28")."""
    if moment is None:
        return empty
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TIME)
    return moment.strftime("%Y-%m-%d %H:%M")


def datetime_iso(moment: dt.datetime | None) -> str | None:
    """The API's form of a moment: ISO 8601 in Asia/Shanghai, to the second ("2026-12-02T04:28:27+08:00")."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TIME)
    return moment.isoformat(timespec="seconds")


def yes_no(flag: Any) -> str:
    return "是" if flag else "否"


_LABEL_UNIT = re.compile(r"[(（]([^()（）]+)[)）]$")


def unit_of_label(label: str) -> str:
    """The unit a column header states: "窗口内完成投资(万元)" -> "万元"; "" when it states none."""
    found = _LABEL_UNIT.search(label)
    return found[1] if found else ""


def cell_text(value: Any, *, empty: str = EMPTY, unit: str = "") -> str:
    """Any record cell for a person: figures by `number` (in the decimals of `unit`, when its column
    states one), dates and times as above, booleans 是/否."""
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int | float | Decimal):
        return quantity(value, unit) if unit in PLACES_BY_UNIT else number(value)
    if isinstance(value, dt.datetime):
        return datetime_text(value, empty=empty)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
