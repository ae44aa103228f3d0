"""Month arithmetic of monthly reports, shared by the progress rules and the data synthesiser (no Django)."""

from __future__ import annotations

import datetime as dt


def month_add(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def last_reported_month(day: dt.date) -> dt.date:
    """The last month (as its 1st day) whose monthly report counts on `day`.

    A monthly cumulative report speaks for the month's end, so a month counts only once its last day
    is on or before `day`: on 2025-06-15 the last counted month is May, on 2025-06-30 June.
    """
    following = day + dt.timedelta(days=1)
    if following.month == 1:
        return dt.date(following.year - 1, 12, 1)
    return dt.date(following.year, following.month - 1, 1)
