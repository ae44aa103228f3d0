"""The period a bulletin covers: a month, a quarter or a year, cut off at its last day (no Django)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lianghua.core.months import month_add

MONTH, QUARTER, YEAR = "month", "quarter", "year"
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})", re.ASCII)
_QUARTER = re.compile(r"([0-9]{4})-?[Qq]([1-4])", re.ASCII)
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)


@dataclass(frozen=True)
class Period:
    kind: str  # MONTH, QUARTER or YEAR
    year: int
    number: int = 0  # the month (1–12) or the quarter (1–4); 0 for a year

    @property
    def first_month(self) -> dt.date:
        if self.kind == MONTH:
            return dt.date(self.year, self.number, 1)
        if self.kind == QUARTER:
            return dt.date(self.year, 3 * self.number - 2, 1)
        return dt.date(self.year, 1, 1)

    @property
    def last_month(self) -> dt.date:
        """The 1st of the period's last month (the month whose reports the bulletin counts last)."""
        if self.kind == MONTH:
            return self.first_month
        if self.kind == QUARTER:
            return dt.date(self.year, 3 * self.number, 1)
        return dt.date(self.year, 12, 1)

    @property
    def as_of(self) -> dt.date:
        """The cut-off: the period's last day."""
        return month_add(self.last_month, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}年{self.number}月"
        if self.kind == QUARTER:
            return f"{self.year}年第{QUARTER_NAMES[self.number]}季度"
        return f"{self.year}年"

    @property
    def code(self) -> str:
        """As the command line and the URL write it: 2026-11, 2026-Q3, 2026."""
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    def previous(self) -> Period:
        if self.kind == MONTH:
            before = month_add(self.first_month, -1)
            return Period(MONTH, before.year, before.month)
        if self.kind == QUARTER:
            return Period(QUARTER, self.year - (self.number == 1), 4 if self.number == 1 else self.number - 1)
        return Period(YEAR, self.year - 1)


def period_read(text: str) -> Period:
    """2026-11 (a month), 2026-Q3 (a quarter) or 2026 (a year); ValueError with the Chinese reason."""
    text = (text or "").strip()
    if match := _QUARTER.fullmatch(text):
        return Period(QUARTER, int(match.group(1)), int(match.group(2)))
    if (match := _MONTH.fullmatch(text)) and 1 <= int(match.group(2)) <= 12:
        return Period(MONTH, int(match.group(1)), int(match.group(2)))
    if _YEAR.fullmatch(text):
        return Period(YEAR, int(text))
    raise ValueError(f"通报期“{text[:20]}”无法识别，应为月份 2026-11、季度 2026-Q3 或年度 2026")
