"""Trends and forecasts: each month of the history is the engine's figure at that month's end; the
year-end forecast follows the region's own seasonal shape where earlier years exist, else the linear
pace — and, tried on last year's data, the seasonal forecast lands nearer last year's outcome."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from lianghua.bulletins.forecast import LINEAR, SEASONAL, year_end_forecast
from lianghua.bulletins.trends import month_ends, trends_compute
from lianghua.regions.models import Region
from lianghua.targets.models import Plan
from lianghua.targets.progress import progress_compute
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
PLAN = "haiyan-2024-2026"
# Digital projects started per month in 武原街道: the second half of the year is busier, in both years.
STARTS = {2024: [1, 1, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4], 2025: [1, 1, 2, 1, 1, 2, 2, 3, 3, 3, 4, 5]}


def test_the_linear_forecast_and_its_range():
    flows = [Decimal(n) for n in (1, 2, 3, 4, 6, 9)]  # speeding up
    forecast = year_end_forecast(month=6, flows=flows)
    assert forecast.method == LINEAR and forecast.value == 18  # 9 × 12 ÷ 6
    assert (forecast.low, forecast.high) == (18, 21)  # the last three months: (9 − 3) ÷ 3 a month, 6 more months
    assert year_end_forecast(month=12, flows=flows * 2) is None  # the year is over: its outcome, not a forecast
    assert year_end_forecast(month=6, flows=[*flows[:5], None]) is None


def test_the_seasonal_forecast_counts_from_the_base():
    forecast = year_end_forecast(month=6, flows=[Decimal(n) for n in (1, 2, 3, 4, 5, 8)], base=Decimal(100),
                                 earlier_shares={2024: Decimal("0.25"), 2023: Decimal("0.5")})
    assert forecast.method == SEASONAL and forecast.years_used == (2023, 2024)
    assert forecast.value == Decimal("121.3333")  # 100 + 8 ÷ 0.375
    assert (forecast.low, forecast.high) == (Decimal("116"), Decimal("132"))  # 8 ÷ 0.5 and 8 ÷ 0.25 (linear: 16)


@pytest.fixture
def two_years_of_starts(two_towns):
    for year, counts in STARTS.items():
        for month, count in enumerate(counts, start=1):
            for n in range(count):
                ProjectFactory(code=f"BT-{year}-{month:02d}-{n}", enterprise=two_towns.wuyuan, category="digital",
                               stage="in_progress", actual_start=dt.date(year, month, 10))
    return two_towns


def test_the_history_is_the_engines_month_by_month(two_years_of_starts):
    plan, county = Plan.objects.get(code=PLAN), Region.objects.get(code="330424")
    trends = trends_compute(plan=plan, region=county, year=2025, as_of=dt.date(2025, 8, 15))
    assert trends.months == month_ends(2025, dt.date(2025, 8, 15)) and len(trends.months) == 7
    digital = next(line for line in trends.lines if line.indicator == "digital_projects" and line.basis == "annual")
    assert [p.actual for p in digital.points] == [1, 2, 4, 5, 6, 8, 10]
    assert [p.change for p in digital.points] == [None, 1, 2, 1, 1, 2, 2]
    engine = progress_compute(plan=plan, region=county, year=2025, as_of=dt.date(2025, 5, 31), children=True)
    for line in [*trends.lines, *trends.child_lines]:
        row = next(r for r in engine if (r.region_code, r.indicator, r.basis) == (line.region_code, line.indicator,
                                                                                  line.basis))
        assert (line.points[4].actual, line.points[4].completion) == (row.actual, row.completion)
    wuyuan = next(r for r in trends.ranks if r.name == "武原街道")
    assert len(wuyuan.ranks) == 7


def test_last_years_forecast_against_last_years_outcome(two_years_of_starts):
    """Forecast 2025 from its first half with 2024's shape, then compare with what 2025 became."""
    plan, county = Plan.objects.get(code=PLAN), Region.objects.get(code="330424")
    trends = trends_compute(plan=plan, region=county, year=2025, as_of=dt.date(2025, 6, 30))
    digital = next(line for line in trends.lines if line.indicator == "digital_projects" and line.basis == "annual")
    forecast = digital.forecast
    outcome = progress_compute(plan=plan, region=county, year=2025, as_of=dt.date(2025, 12, 31))
    actual = next(r.actual for r in outcome if r.indicator == "digital_projects" and r.basis == "annual")
    assert actual == sum(STARTS[2025]) == 28
    assert forecast.method == SEASONAL and forecast.years_used == (2024,)
    assert forecast.value == 32  # 8 started by June ÷ 2024's June share 6/24
    linear = Decimal(8) * 12 / 6  # 16: the first half's pace misses the busy second half
    assert abs(forecast.value - actual) / actual < Decimal("0.15") < abs(linear - actual) / actual
    assert forecast.low <= actual <= forecast.high
    assert digital.forecast_misses is True  # 32 < the target of 160


def test_the_trends_page(two_years_of_starts, county_officer, baibu_officer):
    client = Client()
    client.force_login(county_officer)
    page = client.get(reverse("bulletins:trends"), {"plan": PLAN, "region": "330424", "year": "2025"})
    text = page.content.decode()
    assert page.status_code == 200 and "海盐县 2025年趋势与预测" in text and 'id="ranks"' in text
    assert "不作全年预测" in text  # 2025 is over: outcomes only
    assert client.get(reverse("bulletins:trends"), {"plan": PLAN, "year": "2031"}).status_code == 400
    client.force_login(baibu_officer)
    assert client.get(reverse("bulletins:trends"), {"plan": PLAN, "region": "330424001"}).status_code == 403
