"""Years, dates and whole numbers read from a query string, for pages and the API alike.

Each reader takes the raw text (None or "" means "not given" and returns None) and either returns the
value or raises `QueryValueError` whose message is the Chinese sentence the user sees: a list page shows
it and ignores nothing silently, the API answers 400 with it as `detail`. Only ASCII digits are read
("²" and "１" pass str.isdigit but are no year), and years stay within YEAR_FIRST–YEAR_LAST so that
`date(year + 1, 1, 1)` and every window computed from them exist.
"""

import datetime as dt
import re
from typing import Annotated, Any

from django.shortcuts import render
from ninja import Field, Query, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination

YEAR_FIRST, YEAR_LAST = 1900, 2100
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_ISO_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_SHOWN = 20  # characters of a bad value repeated in the message


# API parameters read by the functions below: text in the schema, so that a malformed value reaches
# them and gets the Chinese 400 instead of pydantic's English 422.
YearText = Annotated[str | None, Query(description=f"年度，四位数字（{YEAR_FIRST}—{YEAR_LAST}）", examples=["2025"])]
DateText = Annotated[str | None, Query(description="日期 YYYY-MM-DD", examples=["2025-06-30"])]
FlagText = Annotated[str | None, Query(description="是否：1 / 0（也可 true / false）", examples=["1"])]


class QueryValueError(ValueError):
    """A query-string value that cannot be read; str(error) is the Chinese message."""


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def query_year(text: Any, *, label: str = "年度") -> int | None:
    """A four-digit year between YEAR_FIRST and YEAR_LAST, or None when not given."""
    text = "" if text is None else str(text).strip()
    if not text:
        return None
    if not _DIGITS.fullmatch(text):
        raise QueryValueError(f"{label}“{_shown(text)}”不是年份，应为四位数字（如 2025）")
    year = int(text)
    if not YEAR_FIRST <= year <= YEAR_LAST:
        raise QueryValueError(f"{label}“{_shown(text)}”超出范围，应在{YEAR_FIRST}—{YEAR_LAST}年之间")
    return year


def query_date(text: Any, *, label: str = "日期") -> dt.date | None:
    """A date written YYYY-MM-DD in the years YEAR_FIRST–YEAR_LAST, or None when not given."""
    text = "" if text is None else str(text).strip()
    if not text:
        return None
    match = _ISO_DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        day = dt.date(*map(int, match.groups()))
    except ValueError:
        raise QueryValueError(f"{label}“{_shown(text)}”无法识别，应为 YYYY-MM-DD（如 2025-06-30）") from None
    if not YEAR_FIRST <= day.year <= YEAR_LAST:
        raise QueryValueError(f"{label}“{text}”超出范围，应在{YEAR_FIRST}—{YEAR_LAST}年之间")
    return day


def query_month(text: Any, *, label: str = "月份") -> dt.date | None:
    """A month written YYYY-MM (as its 1st day) in the years YEAR_FIRST–YEAR_LAST, or None when not given."""
    text = "" if text is None else str(text).strip()
    if not text:
        return None
    match = _ISO_MONTH.fullmatch(text)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise QueryValueError(f"{label}“{_shown(text)}”无法识别，应为 YYYY-MM（如 2026-11）")
    year = int(match.group(1))
    if not YEAR_FIRST <= year <= YEAR_LAST:
        raise QueryValueError(f"{label}“{text}”超出范围，应在{YEAR_FIRST}—{YEAR_LAST}年之间")
    return dt.date(year, int(match.group(2)), 1)


def query_whole(text: Any, *, label: str, minimum: int = 1) -> int | None:
    """A whole number ≥ minimum (a page number, a page size), or None when not given."""
    text = "" if text is None else str(text).strip()
    if not text:
        return None
    if not _DIGITS.fullmatch(text) or int(text) < minimum:
        raise QueryValueError(f"{label}“{_shown(text)}”应为不小于{minimum}的整数")
    return int(text)


FLAG_VALUES = {"1": True, "true": True, "yes": True, "是": True, "0": False, "false": False, "no": False, "否": False}


def query_flag(text: Any, *, label: str) -> bool | None:
    """Yes or no (1/0, true/false, 是/否), or None when not given."""
    text = "" if text is None else str(text).strip()
    if not text:
        return None
    if text.lower() not in FLAG_VALUES:
        raise QueryValueError(f"{label}“{_shown(text)}”无法识别，应为 1（是）或 0（否）")
    return FLAG_VALUES[text.lower()]


def query_problem_page(request, problems, *, title: str, status: int = 400, back: str | None = None):
    """The page a person gets when a page or an export cannot be answered from its query string:
    each problem in Chinese, status 400 (404 when what is named does not exist)."""
    return render(request, "problem.html", {"title": title, "problems": list(problems), "back": back},
                  status=status)


def api_query(reader, *args: Any, **kwargs: Any):
    """`reader(*args, **kwargs)` in an API endpoint: an unreadable value answers 400 with the message."""
    try:
        return reader(*args, **kwargs)
    except QueryValueError as error:
        raise HttpError(400, str(error)) from None


class ApiPages(PageNumberPagination):
    """Ninja's page-number pagination with page and page_size read by `query_whole`: a malformed value is
    a Chinese 400 (not pydantic's English 422), and a page past the end is empty without handing the
    database an offset too large for it."""

    class Input(Schema):
        page: str | None = Field(None, description="页码（从1开始）")
        page_size: str | None = Field(None, description="每页条数")

    def paginate_queryset(self, queryset, pagination: Input, request, **params: Any) -> Any:
        page = api_query(query_whole, pagination.page, label="页码") or 1
        page_size = self._get_page_size(api_query(query_whole, pagination.page_size, label="每页条数"))
        count = self._items_count(queryset)
        offset = (page - 1) * page_size
        items = queryset[offset: offset + page_size] if offset < count else queryset.none()
        return {self.items_attribute: items, "count": count}
