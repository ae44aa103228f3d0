"""The city and province plans (001, 002, 004) with the seeds' own numbers; change targets at their
edges; mixed-source roll-ups; 未分解 rows; and what a county officer may see of the plans above.

Regions: 嘉兴市 330400 and its counties (海盐县 330424, 南湖区 330402, 海宁市 330481), 浙江省 330000.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from lianghua.targets import progress_math as pm
from lianghua.targets.models import Plan, Target
from lianghua.targets.progress import progress_compute
from lianghua.targets.records import progress_records
from lianghua.targets.services import reported_actual_record
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

CITY, PROVINCE, HAIYAN, NANHU, HAINING = "330400", "330000", "330424", "330402", "330481"
END_2021, END_2022 = dt.date(2021, 12, 31), dt.date(2022, 12, 31)


def target(plan, indicator, region, year, basis="annual"):
    return Target.objects.get(plan__code=plan, indicator__code=indicator, region__code=region, year=year, basis=basis)


def pick(rows, region_code, indicator, basis="annual"):
    [row] = [r for r in rows if (r.region_code, r.indicator, r.basis) == (region_code, indicator, basis)]
    return row


# ── every target loaded, cited, nothing invented ─────────────────────────────────────────────────


@pytest.mark.parametrize(("plan", "region", "count", "seed"), [
    ("jiaxing-2022-2025", CITY, 48, "001_b28e790ded4c5132.txt"),
    ("jiaxing-2024-2027", CITY, 48, "002_fcc87869217fd71d.txt"),
    ("zhejiang-2022", PROVINCE, 49, "004_0c2c9e2c979dd65b.txt"),
])
def test_each_plan_is_loaded_for_its_region_only_and_every_target_cites_its_seed(plan, region, count, seed):
    targets = Target.objects.filter(plan__code=plan)
    assert targets.count() == count
    assert set(targets.values_list("region__code", flat=True)) == {region}  # no split published: none invented
    assert all(t.source_clause.startswith(seed) and len(t.source_clause) > len(seed) + 4 for t in targets)
    assert not targets.filter(value__isnull=True).exists()


def test_the_city_draft_of_001_says_it_is_a_draft_and_what_was_assumed():
    plan = Plan.objects.get(code="jiaxing-2022-2025")
    assert (plan.status, plan.get_status_display(), plan.issued_on, plan.start_year) == ("draft", "征求意见稿", None, 2022)
    assert "推定自2022年1月1日起" in plan.assumptions and "以2020年为基期" in plan.assumptions
    assert Plan.objects.get(code="jiaxing-2024-2027").status == "issued"


def test_001_figures_to_2023_and_2025_and_for_2022():
    plan = "jiaxing-2022-2025"
    for indicator, by_2023, by_2025 in [("lianghua_projects", 2000, 4000), ("investment", 600, 1200),
                                        ("robots_added", 4000, 8000), ("energy_saved", 50, 100),
                                        ("future_factories_provincial", 4, 10), ("industry_brains", 5, 10),
                                        ("green_factories_new", 120, 240), ("tech_demands_published", 300, 500),
                                        ("first_set_products", 40, 100), ("loans", 400, 800)]:
        assert target(plan, indicator, CITY, 2023, "cumulative").value == by_2023, indicator
        assert target(plan, indicator, CITY, 2025, "cumulative").value == by_2025, indicator
    for indicator, value in [("diagnosed_enterprises", 3000), ("robots_added", 2100), ("digital_projects", 700),
                             ("digital_investment", 270), ("green_projects", 300), ("energy_saved", 30),
                             ("clean_production_provincial", 100), ("tech_centers", 80), ("loans", 200),
                             ("green_loan_share", 15)]:
        assert target(plan, indicator, CITY, 2022).value == value, indicator
    productivity = target(plan, "labour_productivity", CITY, 2025)
    assert (productivity.measure, productivity.base_year, productivity.value, productivity.comparator) == (
        "change", 2020, 15, "gte")
    energy = target(plan, "energy_intensity", CITY, 2025)
    assert (energy.measure, energy.base_year, energy.value, energy.comparator) == ("change", 2020, -15, "lte")
    assert target(plan, "energy_intensity", CITY, 2023).value == -8
    assert target(plan, "diagnosed_enterprises", CITY, 2022).responsible == "市经信局"
    assert target(plan, "clean_production_provincial", CITY, 2022).responsible == "市经信局、市生态环境局、市建设局、市水利局"


def test_002_yearly_targets_to_2027_and_the_2027_levels():
    plan = "jiaxing-2024-2027"
    for year in (2024, 2025, 2026, 2027):
        assert target(plan, "provincial_key_projects", CITY, year).value == 500
        assert target(plan, "provincial_key_equipment_investment", CITY, year).value == 200
        assert target(plan, "provincial_key_projects_over_1bn", CITY, year).value == 10
        assert target(plan, "first_set_products", CITY, year).value == 15
        growth = target(plan, "equipment_investment_total", CITY, year)
        assert (growth.measure, growth.base_year, growth.value) == ("change", year - 1, 10)
    assert target(plan, "manufacturing_investment", CITY, 2024).value == 1100
    assert [target(plan, "manufacturing_investment", CITY, y).value for y in (2025, 2026, 2027)] == [1000] * 3
    renovation = target(plan, "tech_renovation_investment", CITY, 2024)
    assert (renovation.measure, renovation.base_year, renovation.value) == ("change", 2023, 10)
    for indicator, value in [("tech_renovation_share", 55), ("mujun_value_added", 260), ("labour_productivity", 38),
                             ("digital_rd_design_rate", 95), ("cnc_rate", 80), ("new_product_rate", 55)]:
        assert target(plan, indicator, CITY, 2027).value == value, indicator
    assert target(plan, "robots_added", CITY, 2027, "cumulative").value == 10000


def test_004_province_targets_of_2022():
    plan = "zhejiang-2022"
    for indicator, value in [("robots_added", 15000), ("digital_projects", 5000), ("digital_investment", 1800),
                             ("inefficient_rectified", 5000), ("inefficient_land_freed", 5),
                             ("inefficient_energy_freed", 120), ("specialized_new", 2000), ("first_set_products", 200),
                             ("green_projects", 2000), ("clean_production_provincial", 685), ("rd_intensity", D("3.1")),
                             ("manager_trainings", 40000)]:
        assert target(plan, indicator, PROVINCE, 2022).value == value, indicator
    for indicator, value, comparator in [("mujun_tax", 8, "gte"), ("mujun_value_added", 6, "gte"),
                                         ("energy_intensity", D("-3.4"), "lte")]:
        found = target(plan, indicator, PROVINCE, 2022)
        assert (found.measure, found.base_year, found.value, found.comparator) == ("change", 2021, value, comparator)
    assert "二(五)14" in target(plan, "mujun_tax", PROVINCE, 2022).note  # restated: one target, both clauses


# ── change targets ───────────────────────────────────────────────────────────────────────────────


def test_change_arithmetic_at_its_edges():
    assert pm.change_percent(D(11), D(10)) == D(10)
    assert pm.change_percent(D("0.95"), D(1)) == D(-5)
    assert pm.change_percent(D(5), D(0)) is None  # a change on 0 means nothing
    assert pm.change_percent(D(5), None) is None and pm.change_percent(None, D(5)) is None
    assert pm.change_completion(D(6), D(8)) == D("0.75")
    assert pm.change_completion(D(-12), D(-15)) == D("0.8")  # a decline towards a decline target
    assert pm.change_completion(D(3), D(-15)) == D("-0.2")  # the wrong way
    assert pm.change_completion(D(3), D(0)) is None


def _haiyan_years(**years):
    """One 规上 enterprise of 海盐县 per year: tax, land, energy, value added as given."""
    firm = EnterpriseFactory(region_code="330424001")
    for year, figures in years.items():
        EnterpriseYearFactory(enterprise=firm, year=int(year[1:]), **figures)


def test_growth_of_the_province_on_its_2021_figure():
    # 亩均税收 2021: 300 ÷ 20 = 15; 2022: 330 ÷ 20 = 16.5 → +10% on a +8% target: done (10 ÷ 8 = 1.25).
    # 能耗 2021: 2000 ÷ 1000 = 2.0 t/万元; 2022: 1960 ÷ 1000 = 1.96 → −2% on a −3.4% target: 2 ÷ 3.4 → severe.
    _haiyan_years(y2021={"tax_wan": D(300), "land_mu": D(20), "energy_tce": D(2000), "value_added_wan": D(1000)},
                  y2022={"tax_wan": D(330), "land_mu": D(20), "energy_tce": D(1960), "value_added_wan": D(1000)})
    rows = progress_compute(plan=Plan.objects.get(code="zhejiang-2022"), region=_r(PROVINCE), year=2022,
                            as_of=END_2022)
    tax = pick(rows, PROVINCE, "mujun_tax")
    assert (tax.base_actual, tax.actual, tax.change, tax.completion, tax.status) == (
        D(15), D("16.5"), D(10), D("1.25"), pm.DONE)
    energy = pick(rows, PROVINCE, "energy_intensity")
    assert (energy.base_actual, energy.actual, energy.change) == (D(2), D("1.96"), D(-2))
    assert energy.completion == D(-2) / D("-3.4") and energy.status == pm.SEVERE
    assert tax.as_dict()["change"] == "10" and tax.as_dict()["base_year"] == 2021


def test_a_missing_or_zero_base_is_nobase_never_zero():
    # only 2022 figures: no base; 2021 tax 0: a change on 0 is undefined — both 无基数
    _haiyan_years(y2022={"tax_wan": D(330), "land_mu": D(20)})
    plan = Plan.objects.get(code="zhejiang-2022")
    tax = pick(progress_compute(plan=plan, region=_r(PROVINCE), year=2022, as_of=END_2022), PROVINCE, "mujun_tax")
    assert (tax.base_actual, tax.actual, tax.change, tax.status, tax.status_label) == (
        None, D("16.5"), None, pm.NOBASE, "无基数")
    _haiyan_years(y2021={"tax_wan": D(0), "land_mu": D(20)})  # a second enterprise, zero tax in 2021
    tax = pick(progress_compute(plan=plan, region=_r(PROVINCE), year=2022, as_of=END_2022), PROVINCE, "mujun_tax")
    assert tax.base_actual == D(0) and tax.change is None and tax.status == pm.NOBASE


def test_a_growth_of_entered_figures_reads_the_base_years_entry(admin):
    # 002: 技改投资 +10% on 2023; 2023 entered 200, 2024 entered 215 → +7.5%, completion 0.75 → severe (< 0.8)
    plan = Plan.objects.get(code="jiaxing-2024-2027")
    for year, value in ((2023, 200), (2024, 215)):
        reported_actual_record(plan=plan, indicator=target(plan.code, "tech_renovation_investment", CITY, 2024).indicator,
                               region=_r(CITY), year=year, value=str(value), as_of=dt.date(year, 12, 31),
                               source="市统计局年报", by=admin)
    row = pick(progress_compute(plan=plan, region=_r(CITY), year=2024, as_of=dt.date(2024, 12, 31)), CITY,
               "tech_renovation_investment")
    assert (row.base_actual, row.actual, row.change, row.completion, row.status) == (
        D(200), D(215), D("7.5"), D("0.75"), pm.SEVERE)


# ── mixed-source roll-ups ────────────────────────────────────────────────────────────────────────


@pytest.fixture
def admin(db):
    return UserFactory(username="admin_rollup", role="admin", region=None, is_superuser=True, is_staff=True)


def _r(code):
    from lianghua.regions.models import Region
    return Region.objects.get(code=code)


def test_the_city_adds_its_counties_whatever_their_source(admin):
    # 003 smart_mfg_projects 2021 annual (target 525): 海盐 holds projects (3 started in 2021, by records);
    # 南湖 70 and 海宁 180 entered; the 6 others have nothing. 嘉兴市 = 3 + 70 + 180 = 253.
    plan = Plan.objects.get(code="jiaxing-2020-2021")
    for day in (dt.date(2021, 3, 1), dt.date(2021, 5, 1), dt.date(2021, 9, 1)):
        ProjectFactory(actual_start=day, stage="in_progress")
    indicator = target(plan.code, "smart_mfg_projects", CITY, 2021).indicator
    for code, value in ((NANHU, 70), (HAINING, 180)):
        reported_actual_record(plan=plan, indicator=indicator, region=_r(code), year=2021, value=str(value),
                               as_of=END_2021, source="县经信局月报", by=admin)
    rows = progress_compute(plan=plan, region=_r(CITY), year=2021, as_of=END_2021, children=True)
    city = pick(rows, CITY, "smart_mfg_projects")
    assert (city.actual, city.actual_source, city.completion) == (D(253), "rollup", D(253) / D(525))
    assert city.parts_summary == "9 个县（市、区）：1 个按登记数据，2 个按填报值，6 个无数据"
    parts = {p["region_code"]: (p["value"], p["source"]) for p in city.parts}
    assert parts[HAIYAN] == (D(3), "computed") and parts[NANHU] == (D(70), "reported")
    assert parts["330411"] == (None, "none")
    assert [pick(rows, c, "smart_mfg_projects").actual for c in (HAIYAN, NANHU, HAINING)] == [D(3), D(70), D(180)]
    # the records under the city's number are its counties, each with its source and its own records
    found = progress_records(user=admin, plan=plan, indicator=indicator, region=_r(CITY), year=2021,
                             basis="annual", as_of=END_2021)
    assert found.kind == "parts" and found.total == D(253)
    assert sum(r["contribution"] for r in found.rows) == found.total
    # the city's own entry does not count while its counties have figures, and says so
    reported_actual_record(plan=plan, indicator=indicator, region=_r(CITY), year=2021, value="999",
                           as_of=END_2021, source="市统计", by=admin)
    city = pick(progress_compute(plan=plan, region=_r(CITY), year=2021, as_of=END_2021), CITY, "smart_mfg_projects")
    assert (city.actual, city.own_reported) == (D(253), D(999))
    assert "本级填报值 999" in progress_records(user=admin, plan=plan, indicator=indicator, region=_r(CITY), year=2021,
                                              basis="annual", as_of=END_2021).explanation


def test_a_city_without_any_county_figure_takes_its_own_entry(admin):
    plan = Plan.objects.get(code="jiaxing-2020-2021")
    indicator = target(plan.code, "smart_mfg_projects", CITY, 2021).indicator
    row = pick(progress_compute(plan=plan, region=_r(CITY), year=2021, as_of=END_2021), CITY, "smart_mfg_projects")
    assert (row.actual, row.status) == (None, pm.NODATA)  # nobody has a figure: 无数据, not 0
    reported_actual_record(plan=plan, indicator=indicator, region=_r(CITY), year=2021, value="480",
                           as_of=END_2021, source="市经信局", by=admin)
    row = pick(progress_compute(plan=plan, region=_r(CITY), year=2021, as_of=END_2021), CITY, "smart_mfg_projects")
    assert (row.actual, row.actual_source) == (D(480), "reported")


def test_the_province_adds_its_cities_and_ranks_them_by_their_actuals():
    # zhejiang-2022 new robots (15000, not split): 海盐 projects completed in 2022 add 12 robots; 嘉兴市
    # = 12 (rolled up from its counties), the province = 12; the other cities have no data and no rank.
    ProjectFactory(actual_start=dt.date(2022, 1, 5), actual_end=dt.date(2022, 8, 1), robots_added=12,
                   stage="completed")
    rows = progress_compute(plan=Plan.objects.get(code="zhejiang-2022"), region=_r(PROVINCE), year=2022,
                            as_of=END_2022, children=True, undecomposed=True)
    province = pick(rows, PROVINCE, "robots_added")
    assert (province.actual, province.completion) == (D(12), D(12) / D(15000))
    city = pick(rows, CITY, "robots_added")
    assert (city.status, city.target, city.reference_target, city.actual, city.rank) == (
        pm.UNDECOMPOSED, None, D(15000), D(12), 1)
    others = [r for r in rows if r.indicator == "robots_added" and r.region_code not in (PROVINCE, CITY)]
    assert len(others) == 10 and all(r.actual is None and r.rank is None for r in others)


# ── 未分解 and what a county officer sees of the plans above ─────────────────────────────────────


def test_a_county_follows_the_city_plan_as_undecomposed_with_its_own_figures(client):
    ProjectFactory(actual_start=dt.date(2022, 4, 1), stage="in_progress")  # a 海盐 digital project of 2022
    officer = UserFactory(username="haiyan_city_plan", role="officer", region_code=HAIYAN)
    client.force_login(officer)
    page = client.get("/", {"plan": "jiaxing-2022-2025", "year": 2022}).content.decode()
    assert "征求意见稿" in page and "未分解" in page and "嘉兴市目标" in page
    api = client.get("/api/v1/plans/jiaxing-2022-2025/progress", {"year": 2022}).json()
    digital = next(r for r in api if r["indicator"] == "digital_projects")
    assert digital == {**digital, "region_code": HAIYAN, "status": "undecomposed", "target": None,
                       "reference_target": "700", "actual": "1", "plan_status": "draft"}
    # the city's own row and a neighbour's figures are not theirs to open
    assert client.get("/api/v1/plans/jiaxing-2022-2025/progress", {"region": CITY}).status_code == 403
    assert client.get("/records/", {"plan": "jiaxing-2022-2025", "indicator": "digital_projects",
                                    "region": HAINING, "year": 2022}).status_code == 403


def test_garbled_county_cells_show_on_the_county_dashboard(client):
    officer = UserFactory(username="haiyan_2021", role="officer", region_code=HAIYAN)
    client.force_login(officer)
    page = client.get("/", {"plan": "jiaxing-2020-2021", "year": 2021}).content.decode()
    assert "数字车间" in page and "确保12家，力争15家" in page and "无法识别" not in page.split("数字车间")[0][-20:]


def test_the_dashboard_filters_by_responsible_department(client, admin):
    client.force_login(admin)
    page = client.get("/", {"plan": "jiaxing-2022-2025", "region": CITY, "year": 2022,
                            "responsible": "市科技局"}).content.decode()
    assert "揭榜对接转化" in page and "在线诊断企业数" not in page
    options = client.get("/", {"plan": "jiaxing-2022-2025", "region": CITY, "year": 2022}).content.decode()
    assert '<option value="人行嘉兴市中心支行"' in options


# ── industries ───────────────────────────────────────────────────────────────────────────────────


def test_key_industries_are_loaded_with_their_divisions_and_sources():
    from lianghua.targets.models import KeyIndustry

    paper = KeyIndustry.objects.get(code="330424-paper")
    assert (paper.region.code, paper.name, paper.divisions) == (HAIYAN, "造纸", ["C22"])
    assert "003_fa8d476d994e14c1.txt 附件2" in paper.source and "002_fcc87869217fd71d.txt 二(二)5" in paper.source
    fasteners = KeyIndustry.objects.get(code="330424-fasteners")
    assert fasteners.divisions == ["C34"] and "C3482" in fasteners.note  # narrower than its division: said
    assert KeyIndustry.objects.filter(region__code="330483").count() == 4


def test_an_industry_target_counts_only_that_industrys_enterprises(admin):
    # 海盐 2025: two digital projects of a 造纸 (C22) firm, one of a C34 firm. A 造纸 target of 10 counts 2.
    from lianghua.enterprises.models import Industry

    plan = Plan.objects.get(code="haiyan-2024-2026")
    paper_firm = EnterpriseFactory(industry=Industry.objects.get(code="C22"))
    for day in (dt.date(2025, 2, 1), dt.date(2025, 3, 1)):
        ProjectFactory(enterprise=paper_firm, actual_start=day, stage="in_progress")
    ProjectFactory(actual_start=dt.date(2025, 2, 1), stage="in_progress")  # C34
    every = target(plan.code, "digital_projects", HAIYAN, 2025)
    Target.objects.create(plan=plan, indicator=every.indicator, region=every.region, year=2025, basis="annual",
                          value=D(10), industry="330424-paper", source_clause="测试：造纸行业目标")
    rows = progress_compute(plan=plan, region=_r(HAIYAN), year=2025, as_of=dt.date(2025, 6, 30))
    by_industry = {r.industry: r for r in rows if r.indicator == "digital_projects" and r.basis == "annual"}
    assert (by_industry[""].actual, by_industry["330424-paper"].actual) == (D(3), D(2))
    found = progress_records(user=admin, plan=plan, indicator=every.indicator, region=_r(HAIYAN), year=2025,
                             basis="annual", as_of=dt.date(2025, 6, 30), industry="330424-paper")
    assert found.total == D(2) and {r["enterprise"] for r in found.rows} == {paper_firm.name}


def test_investment_by_category_counts_only_that_category():
    # 2022: a digital project reports 30000 万元 by June, a green one 5000 万元. 001 二(一)4 digital
    # investment (270亿) = 3 亿; 二(二)6 green (30亿) = 0.5 亿; the city rolls up 海盐's figures.
    from tests.factories import ProjectProgressFactory

    for category, amount in (("digital", 30000), ("green", 5000)):
        project = ProjectFactory(category=category, actual_start=dt.date(2022, 1, 10), stage="in_progress")
        ProjectProgressFactory(project=project, month=dt.date(2022, 6, 1), cumulative_investment_wan=D(amount))
    rows = progress_compute(plan=Plan.objects.get(code="jiaxing-2022-2025"), region=_r(CITY), year=2022,
                            as_of=END_2022)
    assert pick(rows, CITY, "digital_investment").actual == D(3)
    assert pick(rows, CITY, "green_investment").actual == D("0.5")


@pytest.mark.parametrize(("plan", "region", "year", "count"), [
    ("jiaxing-2022-2025", CITY, 2022, 21), ("jiaxing-2024-2027", CITY, 2024, 11), ("zhejiang-2022", PROVINCE, 2022, 49)])
def test_the_progress_command_gives_every_target_of_the_new_plans(plan, region, year, count):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("progress", "--plan", plan, "--region", region, "--year", str(year), "--as-of", f"{year}-12-31",
                 "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == count and {r["region_code"] for r in rows} == {region}
    assert all(r["source_clause"] and r["plan_status"] == ("draft" if plan == "jiaxing-2022-2025" else "issued")
               for r in rows)
    changes = [r for r in rows if r["measure"] == "change"]
    assert changes and all(r["status"] == "nobase" and r["base_year"] < year for r in changes)  # no data: 无基数
    table = StringIO()
    call_command("progress", "--plan", plan, "--region", region, "--year", str(year), "--children", stdout=table)
    assert "未分解（" in table.getvalue()
