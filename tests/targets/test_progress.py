"""Progress against the real Haiyan 2024–2026 targets, with small hand-built data in its towns.

Every expected number below is worked out by hand in the comment beside it. Towns: 百步镇 330424102,
武原街道 330424001; the county is 海盐县 330424. Haiyan 2025 targets used: 百步 cumulative digital
projects 54, investment 13.88 亿元, energy 0.55 万吨标煤, tech centres 4, trainings 3; county annual
digital projects 160, investment 50, energy 3, loans 20, 亩均增加值 180, 亩均税收 39, 劳动生产率 41.5.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianghua.enterprises.models import CredentialKind
from lianghua.targets import progress_math as pm
from lianghua.targets.models import Indicator, Plan, Target
from lianghua.targets.progress import progress_compute, progress_series
from lianghua.targets.services import reported_actual_record
from tests.factories import (
    ActivityFactory,
    CredentialFactory,
    DigitalLevelFactory,
    EnterpriseFactory,
    EnterpriseYearFactory,
    ProjectFactory,
    ProjectProgressFactory,
)

pytestmark = pytest.mark.django_db

COUNTY, BAIBU, WUYUAN = "330424", "330424102", "330424001"
MID_2025 = dt.date(2025, 6, 30)
TP_ANNUAL = D(181) / D(365)
TP_CUMULATIVE = D(547) / D(731)


@pytest.fixture
def haiyan():
    return Plan.objects.get(code="haiyan-2024-2026")


def compute(plan, region, year=2025, as_of=MID_2025, children=True):
    return progress_compute(plan=plan, region=region(COUNTY), year=year, as_of=as_of, children=children)


def pick(rows, region_code, indicator, basis):
    found = [r for r in rows if (r.region_code, r.indicator, r.basis) == (region_code, indicator, basis)]
    assert len(found) == 1, (region_code, indicator, basis)
    return found[0]


def kind(code):
    return CredentialKind.objects.get(code=code)


# ── projects started ──────────────────────────────────────────────────────────────────────────────


def test_digital_projects_started_by_actual_start_in_the_window(haiyan, region):
    baibu = EnterpriseFactory(region_code=BAIBU)
    for start in (dt.date(2025, 1, 1), dt.date(2025, 3, 10), dt.date(2025, 6, 30)):
        ProjectFactory(enterprise=baibu, actual_start=start, stage="in_progress")
    ProjectFactory(enterprise=baibu, actual_start=dt.date(2024, 12, 31), stage="completed")  # cumulative only
    ProjectFactory(enterprise=baibu, actual_start=dt.date(2025, 2, 1), stage="terminated")   # never
    ProjectFactory(enterprise=baibu, actual_start=dt.date(2025, 2, 1), category="green")     # other category
    ProjectFactory(enterprise=baibu, actual_start=dt.date(2025, 7, 1))                       # after as-of
    ProjectFactory(enterprise=baibu, actual_start=None)                                       # not started
    ProjectFactory(enterprise=EnterpriseFactory(region_code=WUYUAN), actual_start=dt.date(2025, 2, 1))

    rows = compute(haiyan, region)
    baibu_row = pick(rows, BAIBU, "digital_projects", "cumulative")
    assert baibu_row.actual == 4                      # 3 in 2025 + the one of 2024-12-31
    assert baibu_row.target == 54
    assert baibu_row.completion == D(4) / D(54)
    assert baibu_row.time_progress == TP_CUMULATIVE
    assert baibu_row.status == "severe" and baibu_row.status_label == "严重滞后"
    assert (baibu_row.window_start, baibu_row.window_end) == (dt.date(2024, 1, 1), MID_2025)
    assert pick(rows, WUYUAN, "digital_projects", "cumulative").actual == 1
    assert pick(rows, COUNTY, "digital_projects", "annual").actual == 4       # 3 百步 + 1 武原
    assert pick(rows, COUNTY, "digital_projects", "cumulative").actual == 5
    assert pick(rows, COUNTY, "green_projects", "annual").actual == 1
    # Ranks among the towns by completion: 百步 4/54, 武原 1/44, the seven others 0 (tied 3rd).
    ranks = {r.region_code: r.rank for r in rows if (r.indicator, r.basis) == ("digital_projects", "cumulative")}
    assert ranks.pop(COUNTY) is None
    assert ranks.pop(BAIBU) == 1 and ranks.pop(WUYUAN) == 2
    assert set(ranks.values()) == {3} and len(ranks) == 7


def test_as_of_boundaries_for_projects(haiyan, region):
    baibu = EnterpriseFactory(region_code=BAIBU)
    ProjectFactory(enterprise=baibu, actual_start=dt.date(2025, 1, 1))
    ProjectFactory(enterprise=baibu, actual_start=dt.date(2024, 12, 31))
    # As of the last day of 2024, the 2025 annual window has not begun: nothing counts, time progress 0.
    rows = compute(haiyan, region, as_of=dt.date(2024, 12, 31))
    annual = pick(rows, COUNTY, "digital_projects", "annual")
    assert annual.actual == 0 and annual.time_progress == 0 and annual.status == "normal"
    assert pick(rows, COUNTY, "digital_projects", "cumulative").actual == 1
    # As of New Year's Day both count cumulatively; annual counts only 2025-01-01.
    rows = compute(haiyan, region, as_of=dt.date(2025, 1, 1))
    assert pick(rows, COUNTY, "digital_projects", "annual").actual == 1
    assert pick(rows, COUNTY, "digital_projects", "cumulative").actual == 2
    assert pick(rows, COUNTY, "digital_projects", "annual").time_progress == D(1) / D(365)


def test_project_counts_over_categories_size_lists_and_equipment(haiyan, region):
    """"两化" counts digital and green together; a count may ask for a size, a list of a year inside the
    window, an equipment share; robots count when their project is completed, equipment investment when it
    starts."""
    from lianghua.targets import progress_math as pm
    from lianghua.targets.computation import RegionFold
    from lianghua.targets.computations.projects import actual_equipment_investment, actual_robots_added

    county = region(COUNTY)
    firm = EnterpriseFactory(region_code=BAIBU)
    started = dt.date(2025, 4, 1)
    ProjectFactory(enterprise=firm, category="digital", actual_start=started, total_investment_wan=D(120000),
                   equipment_investment_wan=D(90000), provincial_key_year=2025, robots_added=30,
                   actual_end=dt.date(2025, 11, 1), stage="completed")
    ProjectFactory(enterprise=firm, category="green", actual_start=started, total_investment_wan=D(5000),
                   equipment_investment_wan=D(1000), provincial_key_year=2024, robots_added=5)  # not completed
    ProjectFactory(enterprise=firm, category="green", actual_start=started, total_investment_wan=D(8000),
                   equipment_investment_wan=D(6000), municipal_key_year=2025, stage="terminated")
    window = pm.progress_window(basis=pm.ANNUAL, year=2025, plan_start_year=2024, as_of=dt.date(2025, 12, 31))
    fold = RegionFold.of([county])

    def started_count(**params):
        from lianghua.targets.computations.projects import actual_projects_started

        return actual_projects_started(params, [window], 2025, fold)[0][COUNTY].value

    assert started_count(category="digital") == 1
    assert started_count(categories=["digital", "green"]) == 2  # the terminated one never counts
    assert started_count(categories=["digital", "green"], listed="provincial_key") == 1  # the 2024 list: not 2025
    assert started_count(categories=["digital", "green"], min_total_investment_wan=100000) == 1
    assert started_count(categories=["digital", "green"], min_equipment_share="0.75") == 1  # 90000 ÷ 120000
    assert started_count(categories=["digital", "green"], min_equipment_share="0.2") == 2  # 1000 ÷ 5000 = 0.2
    assert actual_robots_added({}, [window], 2025, fold)[0][COUNTY].value == 30
    assert actual_equipment_investment({}, [window], 2025, fold)[0][COUNTY].value == D("9.1")  # 91000 万元
    assert actual_equipment_investment({"listed": "provincial_key"}, [window], 2025, fold)[0][COUNTY].value == 9

    # Asked together (as progress asks a plan's project flows), one query gives each the same answer.
    from lianghua.targets.computations.projects import count_project_flows

    annual_and_cumulative = [window, pm.progress_window(basis=pm.CUMULATIVE, year=2025, plan_start_year=2024,
                                                        as_of=dt.date(2025, 6, 30))]
    with CaptureQueriesContext(connection) as queries:
        together = count_project_flows([("projects_started", {"categories": ["digital", "green"]}, annual_and_cumulative),
                                        ("robots_added", {}, [window]),
                                        ("equipment_investment", {"listed": "provincial_key"}, [window])], 2025, fold)
    assert len(queries) == 1
    assert [[w[COUNTY].value for w in answer] for answer in together] == [[2, 2], [30], [9]]


# ── investment ────────────────────────────────────────────────────────────────────────────────────


def reports(project, *pairs):
    for month, cumulative in pairs:
        ProjectProgressFactory(project=project, month=month, cumulative_investment_wan=D(cumulative))


def test_investment_is_cumulative_at_window_end_minus_before_window(haiyan, region):
    baibu = EnterpriseFactory(region_code=BAIBU)
    p1 = ProjectFactory(enterprise=baibu, actual_start=dt.date(2024, 10, 1))
    reports(p1, (dt.date(2024, 11, 1), 100), (dt.date(2024, 12, 1), 150), (dt.date(2025, 3, 1), 400),
            (dt.date(2025, 6, 1), 700), (dt.date(2025, 7, 1), 900))
    p3 = ProjectFactory(enterprise=baibu, category="green")
    reports(p3, (dt.date(2024, 6, 1), 300))                          # nothing in 2025
    p2 = ProjectFactory(enterprise=EnterpriseFactory(region_code=WUYUAN), category="green")
    reports(p2, (dt.date(2025, 2, 1), D("1000.5")))

    rows = compute(haiyan, region)
    # Annual 2025 at 2025-06-30: p1 700 − 150 = 550; p2 1000.5 − 0; p3 300 − 300 = 0 → 1550.5 万元.
    county = pick(rows, COUNTY, "investment", "annual")
    assert county.actual == D("0.15505")
    assert county.as_dict()["actual"] == "0.1551"     # 0.15505 rounded half-up to 4 places
    # Cumulative since 2024-01-01: p1 700, p3 300 → 百步 1000 万元 = 0.1 亿元.
    baibu_row = pick(rows, BAIBU, "investment", "cumulative")
    assert baibu_row.actual == D("0.1")
    assert baibu_row.completion == D("0.1") / D("13.88")
    # At 2025-06-29 June is not over, so May is the last month counted: p1 400 − 150 = 250.
    rows = compute(haiyan, region, as_of=dt.date(2025, 6, 29))
    assert pick(rows, BAIBU, "investment", "cumulative").actual == D("0.07")   # 400 + 300 = 700 万元
    assert pick(rows, COUNTY, "investment", "annual").actual == D("0.12505")   # 250 + 1000.5


def test_a_series_gives_at_each_date_what_progress_compute_gives_there(haiyan, region):
    """Many as-of dates counted together (a history, a bulletin with its previous period) must not share
    one window end: each date's investment is cumulative at its own last counted month."""
    baibu = EnterpriseFactory(region_code=BAIBU)
    p1 = ProjectFactory(enterprise=baibu, actual_start=dt.date(2024, 10, 1))
    reports(p1, (dt.date(2024, 12, 1), 150), (dt.date(2025, 3, 1), 400), (dt.date(2025, 6, 1), 700),
            (dt.date(2025, 8, 1), 900))
    # A town 填报值 only stands in where the county's registry holds none: the city plan's counties do.
    jiaxing = Plan.objects.get(code="jiaxing-2020-2021")
    digital = Indicator.objects.get(code="digital_projects")
    for as_of, value in ((dt.date(2021, 2, 1), "5"), (dt.date(2021, 5, 1), "9")):
        reported_actual_record(plan=jiaxing, indicator=digital, region=region("330402"), year=2021, as_of=as_of,
                               value=value, source="区经信局月报", by=None)
    for plan, year, ends in ((haiyan, 2025, [dt.date(2025, m, d) for m, d in ((3, 31), (5, 31), (6, 30), (8, 31))]),
                             (jiaxing, 2021, [dt.date(2021, m, d) for m, d in ((1, 31), (3, 31), (6, 30))])):
        top = region(COUNTY) if plan == haiyan else region("330400")
        series = progress_series(plan=plan, region=top, year=year, dates=ends, children=True)
        for day in ends:
            one = progress_compute(plan=plan, region=top, year=year, as_of=day, children=True)
            assert [r.as_dict() for r in series[day]] == [r.as_dict() for r in one], day
    spring, summer = dt.date(2025, 3, 31), dt.date(2025, 6, 30)
    series = progress_series(plan=haiyan, region=region(COUNTY), year=2025, dates=[spring, summer])
    assert [pick(series[d], COUNTY, "investment", "annual").actual for d in (spring, summer)] == [
        D("0.025"), D("0.055")]  # 400 − 150 and 700 − 150 万元


# ── energy ────────────────────────────────────────────────────────────────────────────────────────


def test_energy_saved_counts_verified_savings_of_green_projects_accepted_in_window(haiyan, region):
    baibu = EnterpriseFactory(region_code=BAIBU)

    def green(accepted, tce, verified=True, category="green", stage="accepted"):
        ProjectFactory(enterprise=baibu, category=category, accepted_on=accepted, energy_saved_tce=D(tce),
                       energy_saving_verified=verified, stage=stage)

    green(dt.date(2025, 3, 1), 2500)
    green(dt.date(2025, 4, 1), 1000, verified=False)        # not verified (确权)
    green(dt.date(2024, 12, 31), 500)                       # cumulative only
    green(dt.date(2025, 3, 1), 700, category="digital")     # not a green project
    green(dt.date(2025, 7, 15), 800)                        # after as-of
    green(dt.date(2025, 5, 1), 900, stage="terminated")

    rows = compute(haiyan, region)
    assert pick(rows, COUNTY, "energy_saved", "annual").actual == D("0.25")   # 2500 tce
    baibu_row = pick(rows, BAIBU, "energy_saved", "cumulative")
    assert baibu_row.actual == D("0.3")                                       # 2500 + 500 tce
    # completion 0.3/0.55 = 54.5% < 80% × 74.83% = 59.9% → 严重滞后
    assert baibu_row.status == "severe"
    rows = compute(haiyan, region, as_of=dt.date(2025, 12, 31))
    assert pick(rows, COUNTY, "energy_saved", "annual").actual == D("0.33")   # + 800


# ── coverage ──────────────────────────────────────────────────────────────────────────────────────


def above_scale(region_code, year=2025, **fields):
    enterprise = EnterpriseFactory(region_code=region_code)
    EnterpriseYearFactory(enterprise=enterprise, year=year, **fields)
    return enterprise


def test_digital_coverage_uses_the_latest_level_assessed_by_window_end(haiyan, region):
    e1 = above_scale(BAIBU)
    DigitalLevelFactory(enterprise=e1, level=D("2.0"), assessed_on=dt.date(2025, 3, 1))      # hit
    e2 = above_scale(BAIBU)
    DigitalLevelFactory(enterprise=e2, level=D("2.5"), assessed_on=dt.date(2024, 5, 1))
    DigitalLevelFactory(enterprise=e2, level=D("1.5"), assessed_on=dt.date(2025, 5, 1))      # latest: miss
    e3 = above_scale(BAIBU)
    DigitalLevelFactory(enterprise=e3, level=D("1.8"), assessed_on=dt.date(2025, 1, 1))      # miss
    e4 = above_scale(BAIBU)
    DigitalLevelFactory(enterprise=e4, level=D("1.0"), assessed_on=dt.date(2024, 1, 1))
    DigitalLevelFactory(enterprise=e4, level=D("3.0"), assessed_on=dt.date(2025, 8, 1))      # after mid-year
    e5 = above_scale(BAIBU, is_above_scale=False)                                            # not 规上
    DigitalLevelFactory(enterprise=e5, level=D("3.0"), assessed_on=dt.date(2025, 1, 1))

    rows = compute(haiyan, region)
    baibu_row = pick(rows, BAIBU, "digital_2_coverage", "cumulative")
    assert baibu_row.actual == 25 and baibu_row.data_year == 2025                            # 1 of 4
    assert baibu_row.completion == D("0.3125") and baibu_row.time_progress is None
    assert baibu_row.is_stock and baibu_row.status == "severe"
    rows = compute(haiyan, region, as_of=dt.date(2025, 12, 31))
    assert pick(rows, BAIBU, "digital_2_coverage", "cumulative").actual == 50               # e4 now 3.0
    # No 规上 list in 武原 → 无数据, never 0.
    wuyuan = pick(rows, WUYUAN, "digital_2_coverage", "cumulative")
    assert wuyuan.actual is None and wuyuan.status == "nodata" and wuyuan.actual_source == "none"


def test_coverage_falls_back_to_the_latest_earlier_year_and_reports_it(haiyan, region):
    e1 = above_scale(WUYUAN, year=2024)
    DigitalLevelFactory(enterprise=e1, level=D("2.0"), assessed_on=dt.date(2024, 6, 1))
    above_scale(WUYUAN, year=2024)
    above_scale(WUYUAN, year=2026)          # a later year is never used for 2025
    rows = compute(haiyan, region)
    wuyuan = pick(rows, WUYUAN, "digital_2_coverage", "cumulative")
    assert (wuyuan.actual, wuyuan.data_year) == (50, 2024)
    assert wuyuan.as_dict()["data_year"] == 2024


def test_green_factory_coverage_counts_municipal_or_higher_held_at_window_end(haiyan, region):
    def key_energy(level=None, granted=None, ends=None):
        enterprise = above_scale(BAIBU, is_key_energy=True, is_above_scale=False)
        if level:
            CredentialFactory(enterprise=enterprise, kind=kind("green_factory"), level=level, granted_on=granted,
                              ends_on=ends)
        return enterprise

    key_energy("municipal", dt.date(2024, 6, 1))                           # held
    key_energy("county", dt.date(2024, 6, 1))                              # below 市级
    key_energy("provincial", dt.date(2025, 9, 1))                          # granted after mid-year
    key_energy("municipal", dt.date(2023, 1, 1), ends=dt.date(2025, 1, 31))  # expired
    rows = compute(haiyan, region)
    row = pick(rows, BAIBU, "green_factory_coverage", "cumulative")
    assert row.actual == 25                                                 # 1 of 4
    assert row.completion == D(25) / D(45) and row.status == "severe"      # 55.6% < 80%
    rows = compute(haiyan, region, as_of=dt.date(2025, 12, 31))
    assert pick(rows, BAIBU, "green_factory_coverage", "cumulative").actual == 50


# ── 亩均 and productivity ─────────────────────────────────────────────────────────────────────────


def test_mujun_and_productivity_sum_over_above_scale_enterprises(haiyan, region):
    above_scale(BAIBU, value_added_wan=D(1200), tax_wan=D(300), land_mu=D(20), employees=100)
    above_scale(WUYUAN, value_added_wan=D(800), tax_wan=D(100), land_mu=D(10), employees=60)
    above_scale(BAIBU, value_added_wan=D(500), tax_wan=D(50), land_mu=None, employees=40)   # no land
    above_scale(BAIBU, value_added_wan=D(10000), tax_wan=D(900), land_mu=D(5), employees=9,
                is_above_scale=False)                                                       # not 规上
    rows = compute(haiyan, region)
    va = pick(rows, COUNTY, "mujun_value_added", "annual")
    assert va.actual == D(2000) / D(30) and va.data_year == 2025                            # 66.67 万元/亩
    assert va.as_dict()["actual"] == "66.6667"
    assert pick(rows, COUNTY, "mujun_tax", "annual").actual == D(400) / D(30)               # 13.33
    productivity = pick(rows, COUNTY, "labour_productivity", "annual")
    assert productivity.actual == D("12.5")                                                 # 2500 ÷ 200
    assert productivity.completion == D("12.5") / D("41.5") and productivity.status == "severe"
    # 2026: no 2026 figures → the 2025 ones, data_year 2025.
    rows = compute(haiyan, region, year=2026, as_of=dt.date(2026, 6, 30))
    assert pick(rows, COUNTY, "mujun_value_added", "annual").data_year == 2025
    # 2024: no figures of 2024 or before → 无数据.
    rows = compute(haiyan, region, year=2024, as_of=dt.date(2024, 6, 30))
    row = pick(rows, COUNTY, "mujun_tax", "annual")
    assert row.actual is None and row.status == "nodata" and row.data_year is None


# ── credentials ──────────────────────────────────────────────────────────────────────────────────


def test_new_tech_centres_count_first_grants_and_not_upgrades(haiyan, region):
    tech = kind("tech_center")

    def centre(enterprise, level, granted):
        CredentialFactory(enterprise=enterprise, kind=tech, level=level, granted_on=granted)

    t1 = EnterpriseFactory(region_code=BAIBU)
    centre(t1, "municipal", dt.date(2023, 5, 1))
    centre(t1, "provincial", dt.date(2025, 3, 1))          # an upgrade: not new
    centre(EnterpriseFactory(region_code=BAIBU), "municipal", dt.date(2025, 2, 1))   # new
    t3 = EnterpriseFactory(region_code=BAIBU)
    centre(t3, "county", dt.date(2024, 3, 1))
    centre(t3, "municipal", dt.date(2025, 4, 1))           # first at 市级 or above: new
    centre(EnterpriseFactory(region_code=BAIBU), "provincial", dt.date(2024, 6, 1))  # new in the cumulative window
    centre(EnterpriseFactory(region_code=BAIBU), "municipal", dt.date(2025, 8, 1))   # after as-of
    rows = compute(haiyan, region)
    row = pick(rows, BAIBU, "tech_centers", "cumulative")
    assert row.actual == 3 and row.target == 4
    # 75% ≥ 74.83% time progress → 正常
    assert row.status == "normal"
    assert pick(rows, COUNTY, "tech_centers", "cumulative").actual == 3


def test_credentials_held_with_any_of_and_max_level(haiyan, region):
    def give(enterprise, code, level, granted=dt.date(2025, 1, 1)):
        CredentialFactory(enterprise=enterprise, kind=kind(code), level=level, granted_on=granted)

    f1 = EnterpriseFactory(region_code=BAIBU)
    give(f1, "future_factory", "provincial")
    give(f1, "future_factory_pilot", "provincial")          # same enterprise: counted once
    give(EnterpriseFactory(region_code=WUYUAN), "future_factory_pilot", "provincial")
    give(EnterpriseFactory(region_code=BAIBU), "smart_demo_factory", "national")
    give(EnterpriseFactory(region_code=BAIBU), "future_factory", "municipal")   # below 省级
    give(EnterpriseFactory(region_code=BAIBU), "smart_demo_factory", "provincial")  # below 国家级
    p1 = EnterpriseFactory(region_code=BAIBU)
    give(p1, "green_factory", "provincial")
    p2 = EnterpriseFactory(region_code=WUYUAN)
    give(p2, "green_factory", "provincial", dt.date(2024, 1, 1))
    give(p2, "green_factory", "national")                    # now national: not counted as 省级
    rows = compute(haiyan, region, year=2026, as_of=dt.date(2026, 12, 31), children=False)
    assert pick(rows, COUNTY, "future_factories", "cumulative").actual == 3
    assert pick(rows, COUNTY, "green_factories_provincial", "cumulative").actual == 1
    assert pick(rows, COUNTY, "green_factories_national", "cumulative").actual == 1
    row = pick(rows, COUNTY, "future_factories", "cumulative")
    assert row.is_stock and row.time_progress is None
    assert row.completion == D("0.6") and row.status == "severe"             # 3 of 5 = 60% < 80%


# ── activities ───────────────────────────────────────────────────────────────────────────────────


def test_trainings_in_the_window_in_the_subtree(haiyan, region):
    baibu = region(BAIBU)
    for day in (dt.date(2025, 1, 1), dt.date(2025, 6, 30), dt.date(2024, 12, 31)):
        ActivityFactory(region=baibu, date=day)
    ActivityFactory(region=baibu, date=dt.date(2025, 3, 1), kind="meeting")      # not a training
    ActivityFactory(region=baibu, date=dt.date(2025, 7, 1))                       # after as-of
    ActivityFactory(region=region(WUYUAN), date=dt.date(2025, 2, 1))
    ActivityFactory(region=region(COUNTY), date=dt.date(2025, 2, 1))              # held by the county itself
    rows = compute(haiyan, region)
    assert pick(rows, BAIBU, "trainings", "cumulative").actual == 3
    row = pick(rows, BAIBU, "trainings", "cumulative")
    assert row.status == "done" and row.completion == 1                          # 3 of 3
    assert pick(rows, COUNTY, "trainings", "annual").actual == 4                  # 2 + 1 + 1
    assert pick(rows, COUNTY, "trainings", "cumulative").actual == 5


# ── reported values and unreadable targets ───────────────────────────────────────────────────────


def test_reported_indicator_without_entries_is_nodata_not_zero(haiyan, region):
    row = pick(compute(haiyan, region), COUNTY, "loans", "annual")
    assert row.actual is None and row.status == "nodata" and row.status_label == "无数据"
    assert row.actual_source == "none" and row.as_dict()["actual"] is None


def test_reported_indicator_uses_the_latest_entry_up_to_as_of(haiyan, region, county_officer):
    loans = Indicator.objects.get(code="loans")
    county = region(COUNTY)
    for as_of, value in ((dt.date(2025, 3, 31), "5"), (dt.date(2025, 6, 30), "12")):
        reported_actual_record(plan=haiyan, indicator=loans, region=county, year=2025, value=value, as_of=as_of,
                               source="县金融发展服务中心", by=county_officer)
    row = pick(compute(haiyan, region), COUNTY, "loans", "annual")
    assert row.actual == 12 and row.actual_source == "reported"
    assert row.completion == D("0.6") and row.status == "normal"        # 60% ≥ 49.59%
    row = pick(compute(haiyan, region, as_of=dt.date(2025, 5, 1)), COUNTY, "loans", "annual")
    assert row.actual == 5
    # 25% < 80% × (121/365 = 33.15%) = 26.5% → 严重滞后
    assert row.status == "severe"


def test_unreadable_target_is_nodata_with_its_note(haiyan, region):
    Target.objects.filter(plan=haiyan, indicator__code="trainings", region__code=BAIBU, year=2025).update(
        value=None, note="单元格无法识别")
    ActivityFactory(region=region(BAIBU), date=dt.date(2025, 2, 1))
    row = pick(compute(haiyan, region), BAIBU, "trainings", "cumulative")
    assert row.actual == 1 and row.target is None
    assert row.status == "nodata" and row.note == "单元格无法识别" and row.rank is None


# ── shape of the result ──────────────────────────────────────────────────────────────────────────


def test_rows_order_and_json_keys(haiyan, region):
    rows = compute(haiyan, region)
    codes = [r.region_code for r in rows]
    assert codes[0] == COUNTY and codes.index(WUYUAN) < codes.index(BAIBU)   # tree order after the county
    assert codes.count(COUNTY) == sum(1 for _ in Target.objects.filter(plan=haiyan, region__code=COUNTY, year=2025))
    payload = rows[0].as_dict()
    for key in ("plan", "region_code", "region_name", "indicator", "unit", "year", "basis", "target", "actual",
                "completion", "time_progress", "status", "data_year", "stretch", "comparator", "status_label",
                "window_start", "window_end", "actual_source", "note", "rank", "indicator_name"):
        assert key in payload
    assert payload["window_start"] == "2025-01-01" and payload["plan"] == "haiyan-2024-2026"
    without = progress_compute(plan=haiyan, region=region(COUNTY), year=2025, as_of=MID_2025)
    assert {r.region_code for r in without} == {COUNTY}
    town_only = progress_compute(plan=haiyan, region=region(BAIBU), year=2025, as_of=MID_2025, children=True)
    assert {r.region_code for r in town_only} == {BAIBU} and all(r.rank is None for r in town_only)


def test_query_count_does_not_grow_with_the_data(haiyan, region):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            compute(haiyan, region)
        return len(captured.captured_queries)

    def add(count):
        for n in range(count):
            enterprise = EnterpriseFactory(region_code=BAIBU if n % 2 else WUYUAN)
            project = ProjectFactory(enterprise=enterprise, actual_start=dt.date(2025, 2, 1))
            ProjectProgressFactory(project=project, month=dt.date(2025, 2, 1))
            EnterpriseYearFactory(enterprise=enterprise)
            DigitalLevelFactory(enterprise=enterprise)

    add(1)  # the registry holds projects: project indicators are counted, not 填报
    baseline = queries()
    add(14)
    assert queries() == baseline
    # one query for the targets, then per indicator × basis one for the actuals (+ one region fold per
    # distinct set of target regions, one EXISTS per kind of record the registry may hold, and the
    # 填报值 of indicators whose records it does not hold)
    indicators = Target.objects.filter(plan=haiyan, year=2025).values("indicator", "basis").distinct().count()
    assert baseline <= 1 + 3 * indicators


def test_investment_before_the_window_is_zero_even_with_later_reports(haiyan, region):
    project = ProjectFactory(enterprise=EnterpriseFactory(region_code=BAIBU))
    reports(project, (dt.date(2024, 3, 1), 100), (dt.date(2024, 9, 1), 400), (dt.date(2025, 2, 1), 900))
    # As of 2024-06-30 the 2025 annual window has not begun (0, never negative); the cumulative one
    # (since 2024) counts March only: June is the last month ended, and its latest report is March's.
    rows = compute(haiyan, region, as_of=dt.date(2024, 6, 30))
    assert pick(rows, COUNTY, "investment", "annual").actual == 0
    assert pick(rows, COUNTY, "investment", "cumulative").actual == D("0.01")
    rows = compute(haiyan, region, year=2024, as_of=dt.date(2023, 12, 31))
    assert pick(rows, COUNTY, "investment", "annual").actual == 0
    assert pick(rows, COUNTY, "investment", "annual").time_progress == 0


def test_a_stock_reads_the_same_on_both_bases(haiyan, region):
    enterprise = above_scale(BAIBU)
    DigitalLevelFactory(enterprise=enterprise, level=D("2.5"), assessed_on=dt.date(2025, 1, 1))
    above_scale(WUYUAN)
    rows = compute(haiyan, region)
    annual = pick(rows, COUNTY, "digital_2_coverage", "annual")
    cumulative = pick(rows, COUNTY, "digital_2_coverage", "cumulative")
    assert annual.actual == cumulative.actual == 50
    assert annual.window_start == dt.date(2025, 1, 1) and cumulative.window_start == dt.date(2024, 1, 1)


# ── where the registry holds no records of a kind ────────────────────────────────────────────────


def test_an_empty_registry_gives_no_data_not_zero(haiyan, region):
    rows = compute(haiyan, region)
    counted = [r for r in rows if r.indicator in ("digital_projects", "investment", "energy_saved", "tech_centers",
                                                  "trainings")]
    assert counted and all(r.actual is None and r.status == "nodata" and r.actual_source == "none" for r in counted)
    assert {r.status_label for r in counted} == {"无数据"}


def test_once_the_county_holds_projects_a_town_without_any_has_a_real_zero(haiyan, region):
    ProjectFactory(enterprise=EnterpriseFactory(region_code=WUYUAN), actual_start=dt.date(2025, 2, 1))
    rows = compute(haiyan, region)
    assert pick(rows, WUYUAN, "digital_projects", "cumulative").actual == 1
    baibu_row = pick(rows, BAIBU, "digital_projects", "cumulative")
    assert (baibu_row.actual, baibu_row.actual_source, baibu_row.status) == (0, "computed", "severe")
    # Technology centres are another kind of record: still none in the county, so still 无数据.
    assert pick(rows, BAIBU, "tech_centers", "cumulative").status == "nodata"
    CredentialFactory(enterprise=EnterpriseFactory(region_code=WUYUAN), kind=kind("tech_center"),
                      level="provincial", granted_on=dt.date(2023, 5, 1))  # before the plan: counts for nobody
    rows = compute(haiyan, region)
    assert pick(rows, BAIBU, "tech_centers", "cumulative").actual == 0


def test_where_the_registry_holds_none_a_reported_value_stands_in_until_records_arrive(haiyan, region, county_officer):
    digital = Indicator.objects.get(code="digital_projects")
    entry = dict(plan=haiyan, indicator=digital, region=region(COUNTY), year=2025, as_of=dt.date(2025, 6, 1),
                 source="县经信局月报", by=county_officer)
    reported_actual_record(value="95", **entry)
    county_row = pick(compute(haiyan, region), COUNTY, "digital_projects", "annual")
    # 95 of the county's 160 at 181/365 of the year: 59.375% ≥ 49.59% → 正常.
    assert (county_row.actual, county_row.actual_source, county_row.status) == (95, "reported", "normal")

    ProjectFactory(enterprise=EnterpriseFactory(region_code=BAIBU), actual_start=dt.date(2025, 3, 1))
    county_row = pick(compute(haiyan, region), COUNTY, "digital_projects", "annual")
    assert (county_row.actual, county_row.actual_source) == (1, "computed")  # the registry now counts
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="自动计算"):
        reported_actual_record(value="96", **entry)


def test_city_plan_counties_without_records_show_no_data_while_haiyan_and_the_city_count(region):
    jiaxing = Plan.objects.get(code="jiaxing-2020-2021")
    ProjectFactory(enterprise=EnterpriseFactory(region_code=BAIBU), actual_start=dt.date(2021, 3, 1))
    rows = progress_compute(plan=jiaxing, region=region("330400"), year=2021, as_of=dt.date(2021, 12, 31),
                            children=True)
    smart = {r.region_code: r for r in rows if r.indicator == "smart_mfg_projects" and r.basis == "annual"}
    assert smart["330424"].actual == 1 and smart["330400"].actual == 1
    others = [r for code, r in smart.items() if code not in ("330424", "330400")]
    assert len(others) == 8 and all(r.actual is None and r.status == "nodata" for r in others)


def test_items_count_each_workshop_and_product_and_an_upgrade_once(haiyan, region):
    """Two 数字化车间 of one firm are two items (one enterprise); the upgrade of a workshop is not a new
    one; a held item counts once at its highest level."""
    from lianghua.targets.computation import RegionFold
    from lianghua.targets.computations.credentials import _credentials_held, actual_credentials_new

    county = region(COUNTY)
    firm = EnterpriseFactory(region_code=WUYUAN)
    other = EnterpriseFactory(region_code=BAIBU)
    workshop = kind("digital_workshop")
    CredentialFactory(enterprise=firm, kind=workshop, level="municipal", item="一号冲压车间", granted_on=dt.date(2025, 3, 1))
    CredentialFactory(enterprise=firm, kind=workshop, level="provincial", item="一号冲压车间", granted_on=dt.date(2025, 9, 1))
    CredentialFactory(enterprise=firm, kind=workshop, level="municipal", item="二号装配车间", granted_on=dt.date(2025, 5, 1))
    CredentialFactory(enterprise=other, kind=workshop, level="municipal", item="", granted_on=dt.date(2024, 5, 1))
    window = pm.progress_window(basis=pm.ANNUAL, year=2025, plan_start_year=2024, as_of=dt.date(2025, 12, 31))
    fold = RegionFold.of([county])
    params = {"kind": "digital_workshop", "min_level": "municipal"}
    assert actual_credentials_new(params, [window], 2025, fold)[0][COUNTY].value == 1  # enterprises: the firm
    assert actual_credentials_new({**params, "count": "items"}, [window], 2025, fold)[0][COUNTY].value == 2
    assert _credentials_held({**params, "count": "items"}, window, 2025, fold)[COUNTY].value == 3
    assert _credentials_held(params, window, 2025, fold)[COUNTY].value == 2
