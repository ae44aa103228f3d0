"""Month arithmetic of monthly reports (core/months.py), shared by progress and the synthesiser."""

import datetime as dt

import pytest

from lianghua.core.months import last_reported_month, month_add


def test_month_add_clamps_to_the_last_day():
    assert month_add(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert month_add(dt.date(2024, 11, 15), 3) == dt.date(2025, 2, 15)
    assert month_add(dt.date(2025, 3, 1), -3) == dt.date(2024, 12, 1)


def test_the_demo_reports_only_months_that_have_ended():
    # On 21 November only October has ended.
    assert last_reported_month(dt.date(2026, 11, 21)) == dt.date(2026, 10, 1)
    assert last_reported_month(dt.date(2026, 1, 1)) == dt.date(2025, 12, 1)


@pytest.mark.parametrize(("end", "month"), [
    (dt.date(2025, 6, 30), dt.date(2025, 6, 1)),   # June has ended: its report counts
    (dt.date(2025, 6, 29), dt.date(2025, 5, 1)),   # June not over: May is the last counted month
    (dt.date(2025, 1, 15), dt.date(2024, 12, 1)),
    (dt.date(2025, 12, 31), dt.date(2025, 12, 1)),
    (dt.date(2024, 2, 29), dt.date(2024, 2, 1)),
])
def test_last_reported_month_is_the_last_month_ended_by_the_window_end(end, month):
    assert last_reported_month(end) == month
