"""The pure arithmetic of progress (no database): windows, time progress, completion, status, ranks."""

import datetime as dt
from decimal import Decimal as D

import pytest

from lianghua.targets import progress_math as pm


def window(basis="annual", year=2025, as_of=dt.date(2025, 6, 30), start_year=2024):
    return pm.progress_window(basis=basis, year=year, plan_start_year=start_year, as_of=as_of)


def test_annual_window_is_the_year_cut_at_as_of():
    w = window()
    assert (w.start, w.period_end, w.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2025, 6, 30))
    assert window(as_of=dt.date(2026, 3, 1)).end == dt.date(2025, 12, 31)


def test_cumulative_window_starts_with_the_plan():
    w = window("cumulative")
    assert (w.start, w.end) == (dt.date(2024, 1, 1), dt.date(2025, 6, 30))


def test_as_of_before_the_window_gives_an_empty_window_and_zero_time_progress():
    w = window(as_of=dt.date(2024, 11, 30))
    assert w.is_empty
    assert pm.time_progress(w, dt.date(2024, 11, 30)) == 0


def test_time_progress_counts_days_including_the_as_of_day():
    # 2025-01-01 … 2025-06-30 is 181 of 365 days; 2024-01-01 … 2025-06-30 is 366 + 181 of 731.
    assert pm.time_progress(window(), dt.date(2025, 6, 30)) == D(181) / D(365)
    assert pm.time_progress(window("cumulative"), dt.date(2025, 6, 30)) == D(547) / D(731)
    assert pm.time_progress(window(), dt.date(2025, 1, 1)) == D(1) / D(365)
    assert pm.time_progress(window(as_of=dt.date(2025, 12, 31)), dt.date(2025, 12, 31)) == 1
    assert pm.time_progress(window(as_of=dt.date(2026, 2, 1)), dt.date(2026, 2, 1)) == 1


def test_completion_higher_and_lower_is_better():
    assert pm.completion(D(4), D(54)) == D(4) / D(54)
    assert pm.completion(None, D(5)) is None
    assert pm.completion(D(5), None) is None
    assert pm.completion(D(5), D(0)) is None
    # A ceiling: 8 against ≤ 10 is 125%; 12 against ≤ 10 is 10/12.
    assert pm.completion(D(8), D(10), better="lower") == D("1.25")
    assert pm.completion(D(12), D(10), better="lower") == D(10) / D(12)
    assert pm.completion(D(0), D(10), better="lower") == 1


TP = D(181) / D(365)  # 0.4959: mid-2025


@pytest.mark.parametrize(("actual", "target", "comparator", "tp", "expected"), [
    (D(160), D(160), "gte", TP, pm.DONE),            # met, whatever the date
    (D(80), D(160), "gte", TP, pm.NORMAL),           # 50% ≥ 49.59%
    (D(64), D(160), "gte", TP, pm.LAGGING),          # 40% ≥ 0.8 × 49.59% = 39.67%
    (D(63), D(160), "gte", TP, pm.SEVERE),           # 39.375% < 39.67%
    (D(0), D(160), "gte", D(0), pm.NORMAL),          # before the window: nothing due yet
    (None, D(160), "gte", TP, pm.NODATA),
    (D(5), None, "gte", TP, pm.NODATA),              # unreadable target cell
    (D(70), D(80), "gte", None, pm.LAGGING),         # stock: 87.5% of the target
    (D(60), D(80), "gte", None, pm.SEVERE),          # stock: 75% < 80%
    (D(80), D(80), "gte", None, pm.DONE),
    (D(8), D(10), "lte", TP, pm.DONE),
    (D(10), D(10), "eq", TP, pm.DONE),
])
def test_status_rules(actual, target, comparator, tp, expected):
    done = pm.completion(actual, target)
    status = pm.progress_status(actual=actual, target=target, comparator=comparator, completion_value=done,
                                time_progress_value=tp)
    assert status == expected
    assert pm.STATUS_LABELS[status] in ("已完成", "正常", "滞后", "严重滞后", "无数据")


def test_a_missed_ceiling_is_judged_against_time_progress_by_its_inverted_completion():
    done = pm.completion(D(12), D(10), better="lower")  # 0.8333
    assert pm.progress_status(actual=D(12), target=D(10), comparator="lte", completion_value=done,
                              time_progress_value=D(1)) == pm.LAGGING


def test_competition_ranks():
    assert pm.competition_ranks([D("0.5"), None, D("0.9"), D("0.5"), D(0)]) == [2, None, 1, 2, 4]


def test_ratio():
    assert pm.ratio(D(1), D(4), scale=D(100)) == 25
    assert pm.ratio(D(1), D(0)) is None
