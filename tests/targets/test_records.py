"""The records behind a number add up to the number, for every computation, within the user's scope."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from lianghua.enterprises.models import CredentialKind
from lianghua.targets.models import Indicator, Plan
from lianghua.targets.progress import progress_compute
from lianghua.targets.records import progress_records
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
AS_OF = dt.date(2025, 9, 30)


@pytest.fixture
def haiyan():
    return Plan.objects.get(code="haiyan-2024-2026")


@pytest.fixture
def world(region):
    """A little of everything in 百步镇 and 武原街道."""
    kinds = {k.code: k for k in CredentialKind.objects.all()}
    for town, shift in ((BAIBU, 0), (WUYUAN, 1)):
        for n in range(3):
            enterprise = EnterpriseFactory(region_code=town)
            EnterpriseYearFactory(enterprise=enterprise, year=2025, is_key_energy=n != 1,
                                  value_added_wan=D(1000 + 100 * n + shift), land_mu=D(10 + n), employees=50 + n,
                                  tax_wan=D(200 + n))
            DigitalLevelFactory(enterprise=enterprise, level=D("1.5") + D(n) / 2, assessed_on=dt.date(2025, 2, 1))
            project = ProjectFactory(enterprise=enterprise, category="digital" if n % 2 else "green",
                                     actual_start=dt.date(2024 + n % 2, 3, 1), accepted_on=dt.date(2025, 4, 1),
                                     energy_saved_tce=D(1000 + n), energy_saving_verified=True, stage="accepted")
            ProjectProgressFactory(project=project, month=dt.date(2024, 12, 1), cumulative_investment_wan=D(100))
            ProjectProgressFactory(project=project, month=dt.date(2025, 8, 1),
                                   cumulative_investment_wan=D("350.25") + n)
            CredentialFactory(enterprise=enterprise, kind=kinds["tech_center"], level="municipal",
                              granted_on=dt.date(2025 - n, 3, 1))
            CredentialFactory(enterprise=enterprise, kind=kinds["green_factory"],
                              level=("county", "municipal", "provincial")[n], granted_on=dt.date(2024, 3, 1))
            CredentialFactory(enterprise=enterprise, kind=kinds["clean_production"], level="municipal",
                              granted_on=dt.date(2025, 1, 10 + n))
        ActivityFactory(region=region(town), date=dt.date(2025, 3, 1 + shift))
    reported_actual_record(plan=Plan.objects.get(code="haiyan-2024-2026"), indicator=Indicator.objects.get(code="loans"),
                           region=region(COUNTY), year=2025, value="7.5", as_of=dt.date(2025, 6, 30),
                           source="县金融发展服务中心", by=None)


def records_total(records):
    """The actual recomputed from the rows alone."""
    if records.factor is not None:
        if records.weight_total == 0:
            return None
        return records.contribution_total * records.factor / records.weight_total
    if records.kind == "reported":
        return records.contribution_total if records.rows else None
    return records.contribution_total / records.scale


@pytest.mark.parametrize("year", [2025, 2026])
def test_records_add_up_to_every_actual(haiyan, region, world, admin_user, year):
    rows = progress_compute(plan=haiyan, region=region(COUNTY), year=year, as_of=AS_OF, children=True)
    computations = set()
    for row in rows:
        indicator = Indicator.objects.get(code=row.indicator)
        records = progress_records(user=admin_user, plan=haiyan, indicator=indicator, region=region(row.region_code),
                                   year=year, basis=row.basis, as_of=AS_OF)
        assert records.total == row.actual, (row.indicator, row.region_code, row.basis)
        assert records_total(records) == row.actual, (row.indicator, row.region_code, row.basis)
        assert records.explanation
        assert all({key for key, _ in records.columns} <= set(r) for r in records.rows)
        if row.data_year is not None:
            assert records.data_year == row.data_year
        computations.add(indicator.computation)
    assert computations >= {"projects_started", "investment_completed", "energy_saved_accepted",
                            "digital_level_coverage", "green_factory_coverage", "mujun_value_added", "mujun_tax",
                            "labour_productivity", "credentials_new", "activities", "reported"}
    assert any(r.actual for r in rows if r.indicator == "investment")


def test_held_credentials_records(haiyan, region, world, admin_user):
    kinds = {k.code: k for k in CredentialKind.objects.all()}
    enterprise = EnterpriseFactory(region_code=BAIBU)
    CredentialFactory(enterprise=enterprise, kind=kinds["research_institute"], level="provincial",
                      granted_on=dt.date(2024, 5, 1))
    indicator = Indicator.objects.get(code="research_institutes")
    records = progress_records(user=admin_user, plan=haiyan, indicator=indicator, region=region(COUNTY), year=2026,
                               basis="cumulative", as_of=dt.date(2026, 12, 31))
    assert records.kind == "credentials" and records.total == 1
    assert records.rows[0]["credit_code"] == enterprise.credit_code and records.rows[0]["level"] == "省级"
    assert "省级及以上企业研究院" in records.explanation


def test_investment_records_show_each_project_contribution(haiyan, region, world, admin_user):
    indicator = Indicator.objects.get(code="investment")
    records = progress_records(user=admin_user, plan=haiyan, indicator=indicator, region=region(BAIBU), year=2025,
                               basis="cumulative", as_of=AS_OF)
    # 3 projects: 350.25 + 351.25 + 352.25 since 2024-01-01 = 1053.75 万元
    assert records.kind == "projects" and len(records.rows) == 3
    assert [r["contribution"] for r in records.rows] == [D("350.25"), D("351.25"), D("352.25")]
    assert records.total == D("0.105375")
    assert "1,053.75 万元" in records.explanation
    annual = progress_records(user=admin_user, plan=haiyan, indicator=indicator, region=region(COUNTY), year=2025,
                              basis="annual", as_of=AS_OF)
    assert annual.contribution_total == 6 * D("250.25") + 2 * 3   # (350.25 + n) − 100 in each town


def test_a_town_officer_cannot_open_another_towns_records(haiyan, region, world, baibu_officer):
    indicator = Indicator.objects.get(code="digital_projects")
    with pytest.raises(PermissionDenied):
        progress_records(user=baibu_officer, plan=haiyan, indicator=indicator, region=region(WUYUAN), year=2025,
                         basis="cumulative", as_of=AS_OF)
    with pytest.raises(PermissionDenied):
        progress_records(user=baibu_officer, plan=haiyan, indicator=indicator, region=region(COUNTY), year=2025,
                         basis="cumulative", as_of=AS_OF)
    own = progress_records(user=baibu_officer, plan=haiyan, indicator=indicator, region=region(BAIBU), year=2025,
                           basis="cumulative", as_of=AS_OF)
    assert own.total == 1 and {r["region"] for r in own.rows} == {"百步镇"}


def test_reported_records_list_every_entry_and_mark_the_one_used(haiyan, region, world, county_officer):
    loans = Indicator.objects.get(code="loans")
    reported_actual_record(plan=haiyan, indicator=loans, region=region(COUNTY), year=2025, value="11",
                           as_of=dt.date(2025, 9, 30), source="县金融发展服务中心", by=county_officer)
    records = progress_records(user=county_officer, plan=haiyan, indicator=loans, region=region(COUNTY), year=2025,
                               basis="annual", as_of=AS_OF)
    assert records.total == 11 and [r["counted"][0] for r in records.rows] == ["是", "否"]
    payload = records.as_dict()
    assert payload["total"] == "11" and payload["rows"][0]["as_of"] == "2025-09-30"


def test_where_the_registry_holds_no_records_of_the_kind_the_records_are_the_reported_entries(
        haiyan, region, world, county_officer):
    # The world holds no 省级企业研究院 credential anywhere in 海盐县: the number is the 填报值, not a count.
    institutes = Indicator.objects.get(code="research_institutes")
    empty = progress_records(user=county_officer, plan=haiyan, indicator=institutes, region=region(COUNTY), year=2026,
                             basis="cumulative", as_of=dt.date(2026, 3, 31))
    assert (empty.kind, empty.total, empty.rows) == ("reported", None, [])
    assert "海盐县（含下辖区域）尚无任何" in empty.explanation and "不按 0 计" in empty.explanation
    reported_actual_record(plan=haiyan, indicator=institutes, region=region(COUNTY), year=2026, value="4",
                           as_of=dt.date(2026, 3, 31), source="县科技局", by=county_officer)
    records = progress_records(user=county_officer, plan=haiyan, indicator=institutes, region=region(COUNTY),
                               year=2026, basis="cumulative", as_of=dt.date(2026, 3, 31))
    row = next(r for r in progress_compute(plan=haiyan, region=region(COUNTY), year=2026, as_of=dt.date(2026, 3, 31))
               if r.indicator == "research_institutes")
    assert records.total == row.actual == 4 and row.actual_source == "reported"


def test_project_records_show_the_stage_on_the_chosen_date(haiyan, region, admin_user):
    """The records page reads the stage log: a project completed in February 2026 was 在建 at the end of 2025."""
    from lianghua.projects.models import ProjectStageLog

    project = ProjectFactory(code="HY-STAGE-1", enterprise=EnterpriseFactory(region_code=BAIBU), category="digital",
                             stage="completed", actual_start=dt.date(2025, 3, 1), actual_end=dt.date(2026, 2, 1))
    ProjectStageLog.objects.create(project=project, from_stage="pooled", to_stage="in_progress",
                                   changed_on=dt.date(2025, 3, 1))
    ProjectStageLog.objects.create(project=project, from_stage="in_progress", to_stage="completed",
                                   changed_on=dt.date(2026, 2, 1))
    unlogged = ProjectFactory(code="HY-STAGE-2", enterprise=EnterpriseFactory(region_code=BAIBU), category="digital",
                              stage="in_progress", actual_start=dt.date(2025, 5, 1))
    indicator = Indicator.objects.get(code="digital_projects")

    def stages(as_of):
        records = progress_records(user=admin_user, plan=haiyan, indicator=indicator, region=region(BAIBU),
                                   year=as_of.year, basis="cumulative", as_of=as_of)
        assert dict(records.columns)["stage"] == f"{as_of:%Y-%m-%d}时的项目阶段"
        return {row["code"]: row["stage"] for row in records.rows}

    assert stages(dt.date(2025, 12, 31)) == {"HY-STAGE-1": "在建", unlogged.code: "在建"}
    assert stages(dt.date(2026, 6, 30)) == {"HY-STAGE-1": "竣工", unlogged.code: "在建"}
    # Before its first logged change a project is in the stage that change moved it from.
    ProjectStageLog.objects.filter(project=project, to_stage="in_progress").delete()
    assert stages(dt.date(2025, 12, 31))["HY-STAGE-1"] == "在建"


def test_the_new_counts_records_add_up_too(haiyan, region, world, admin_user, county_officer):
    """两化 projects, robots, equipment investment of listed projects, diagnosis coverage and the 高耗低效 loop:
    each indicator's records give its actual."""
    from lianghua.evaluations.models import InefficientCase
    from lianghua.evaluations.services import diagnosis_submit, questionnaire_current
    from lianghua.targets.models import Target

    county = region(COUNTY)
    firm = EnterpriseFactory(region_code=WUYUAN)
    EnterpriseYearFactory(enterprise=firm, year=2025)
    ProjectFactory(enterprise=firm, category="digital", actual_start=dt.date(2025, 2, 1), actual_end=dt.date(2025, 8, 1),
                   stage="completed", robots_added=12, equipment_investment_wan=D(3000), provincial_key_year=2025)
    diagnosis_submit(enterprise=firm, answers={q.code: 2 for _, q in questionnaire_current().questions},
                     by=county_officer, today=dt.date(2025, 5, 1))
    InefficientCase.objects.create(region=county, enterprise=firm, year=2024, reasons=["亩均效益评价D档"],
                                   listed_on=dt.date(2025, 1, 5), status="improved", closed_on=dt.date(2025, 7, 1),
                                   land_freed_mu=D("8.5"), energy_freed_tce=D(1200))
    codes = ("lianghua_projects", "robots_added", "provincial_key_equipment_investment", "diagnosis_coverage",
             "inefficient_rectified", "inefficient_land_freed", "inefficient_energy_freed")
    for code in codes:
        Target.objects.create(plan=haiyan, indicator=Indicator.objects.get(code=code), region=county, year=2025,
                              basis="annual", value=1, comparator="gte")
    rows = {r.indicator: r for r in progress_compute(plan=haiyan, region=county, year=2025, as_of=AS_OF)}
    expected = {"robots_added": 12, "provincial_key_equipment_investment": D("0.3"), "inefficient_rectified": 1,
                "inefficient_land_freed": D("0.00085"), "inefficient_energy_freed": D("0.12")}
    for code in codes:
        row = rows[code]
        records = progress_records(user=admin_user, plan=haiyan, indicator=Indicator.objects.get(code=code),
                                   region=county, year=2025, basis="annual", as_of=AS_OF)
        assert records.total == row.actual and records_total(records) == row.actual, code
        assert records.explanation, code
        if code in expected:
            assert row.actual == expected[code], code
    assert rows["lianghua_projects"].actual == 3  # the world's two 2025 starts (one per town, of both categories) and this one
    assert rows["diagnosis_coverage"].actual == D(100) / 7  # 1 of the 7 规上 firms of 2025
