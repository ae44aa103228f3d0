"""Subsidy claims in the registry: facts from projects and credentials, services, scope, the command,
the pages and the API."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from lianghua.audit.models import ChangeRecord, DomainEvent
from lianghua.enterprises.models import CredentialKind
from lianghua.policies.facts import project_categories, project_facts
from lianghua.policies.models import SubsidyApplication, SubsidyResult
from lianghua.policies.selectors import subsidy_applications_visible_to
from lianghua.policies.services import (
    policy_setting_set,
    subsidy_application_advance,
    subsidy_application_submit,
    subsidy_result_compute,
)
from tests.factories import CredentialFactory, EnterpriseFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

WUYUAN, BAIBU = "330424001", "330424102"


def green_project(region_code: str = WUYUAN, **overrides):
    values = {
        "enterprise": EnterpriseFactory(region_code=region_code),
        "category": "green",
        "subtype": "节能降碳",
        "total_investment_wan": Decimal("1500"),
        "equipment_investment_wan": Decimal("1000"),
        "civil_investment_wan": Decimal("200"),
        "energy_saved_tce": Decimal("400"),
        "energy_saving_verified": True,
        "actual_start": datetime.date(2024, 1, 10),
        "actual_end": datetime.date(2024, 5, 20),
        "accepted_on": datetime.date(2024, 6, 1),
        "stage": "accepted",
    }
    values.update(overrides)
    return ProjectFactory(**values)


def digital_project(region_code: str = BAIBU):
    return ProjectFactory(
        enterprise=EnterpriseFactory(region_code=region_code),
        category="digital",
        subtype="纯数字化改造",
        total_investment_wan=Decimal("300"),
        it_investment_wan=Decimal("200"),
        accepted_on=datetime.date(2024, 9, 1),
        stage="accepted",
    )


@pytest.fixture
def officer(county_officer):
    return county_officer


# --- facts from the registry -------------------------------------------------------------------


def test_project_categories_from_category_and_subtype():
    assert project_categories("digital", "纯数字化改造") == ["digital_pure"]
    assert project_categories("digital", "数字化车间") == ["smart_factory"]
    assert project_categories("digital", "机器换人") == ["smart_renovation"]
    assert project_categories("green", "节水改造") == ["green_water"]
    assert project_categories("green", "固废资源综合利用") == ["green_resource"]
    assert project_categories("green", "") == ["green_energy"]
    assert project_categories("green", "green_water") == ["green_water"]


def test_project_facts_from_registry_fields():
    project = green_project()
    facts = project_facts(project, {"grade": "B"})
    assert facts["categories"] == ["green_energy"]
    assert facts["productive_investment"] == Decimal("1300")  # total minus civil works
    assert facts["equipment_investment"] == Decimal("1000")
    assert facts["accepted"] is True and facts["third_party_verified"] is True
    assert facts["implementation_year"] == 2024 and facts["completed_within_one_year"] is True
    assert facts["grade"] == "B"


# --- services ----------------------------------------------------------------------------------


def test_submit_computes_and_stores_an_explainable_result(officer):
    project = green_project()
    application = subsidy_application_submit(by=officer, project=project)
    assert application.region.code == WUYUAN and application.matter_date == datetime.date(2024, 6, 1)
    result = application.latest_result
    assert result.total_wan == Decimal("100")  # 1000 × 10%
    assert result.result["awards"][0]["rule"] == "001.green_project"
    assert result.rule_version and result.parameters and result.facts["equipment_investment"] == "1000"
    assert [log.to_status for log in application.status_log.all()] == ["submitted"]
    assert ChangeRecord.objects.filter(
        model="policies.subsidyapplication", object_pk=str(application.pk)
    ).exists()
    assert DomainEvent.objects.filter(kind="subsidy.computed").count() == 1


def test_submit_refuses_bad_extra_facts_and_two_subjects(officer):
    project = green_project()
    with pytest.raises(ValidationError):
        subsidy_application_submit(by=officer, project=project, extra_facts={"grade": "Z"})
    with pytest.raises(ValidationError):
        subsidy_application_submit(by=officer, project=project, credential=CredentialFactory())
    assert not SubsidyApplication.objects.exists()


def test_credential_claim_uses_the_credential_level(officer):
    credential = CredentialFactory(level="provincial", granted_on=datetime.date(2024, 3, 1))
    application = subsidy_application_submit(by=officer, credential=credential)
    assert application.latest_result.total_wan == Decimal("50")  # 省级绿色低碳工厂


def test_status_moves_forward_and_rejection_needs_a_reason(officer):
    application = subsidy_application_submit(by=officer, project=green_project())
    with pytest.raises(ValidationError):
        subsidy_application_advance(application=application, to_status="paid", by=officer)
    for status in ("reviewing", "publicized", "paid"):
        subsidy_application_advance(application=application, to_status=status, by=officer)
    with pytest.raises(ValidationError):
        subsidy_application_advance(application=application, to_status="rejected", by=officer, note="x")
    other = subsidy_application_submit(by=officer, project=green_project())
    with pytest.raises(ValidationError):
        subsidy_application_advance(application=other, to_status="rejected", by=officer)
    subsidy_application_advance(application=other, to_status="rejected", by=officer, note="材料不全")
    other.refresh_from_db()
    assert other.status == "rejected"
    assert [log.to_status for log in application.status_log.all()] == [
        "submitted",
        "reviewing",
        "publicized",
        "paid",
    ]


def test_an_old_result_stays_explainable_after_the_settings_change(officer, admin_user):
    project = ProjectFactory(
        enterprise=EnterpriseFactory(region_code=WUYUAN),
        category="digital",
        subtype="机器换人",
        total_investment_wan=Decimal("2000"),
        actual_start=datetime.date(2020, 5, 1),
        actual_end=datetime.date(2020, 12, 1),
        accepted_on=datetime.date(2021, 3, 1),
        stage="accepted",
    )
    application = subsidy_application_submit(by=officer, project=project)
    first = application.latest_result
    assert first.total_wan == 0 and "other_smart.min_investment" in " ".join(first.result["warnings"])
    policy_setting_set(  # an administrator sets what the document leaves open
        name="jiaxing-2020-003.other_smart.min_investment", value=1000, by=admin_user, note="县局设定"
    )
    second = subsidy_result_compute(application=application, by=officer)
    assert second.total_wan == Decimal("400")  # 2020年实施 2000 × 20%
    assert second.rule_version != first.rule_version
    first.refresh_from_db()
    assert first.total_wan == 0 and first.result["not_applied"]
    assert SubsidyResult.objects.filter(application=application).count() == 2


def test_only_open_parameters_can_be_set(admin_user, officer):
    with pytest.raises(ValidationError):
        policy_setting_set(name="jiaxing-2022-draft-001.green_project.rate", value=0.2, by=admin_user)
    with pytest.raises(PermissionDenied):  # and only by an administrator
        policy_setting_set(name="jiaxing-2020-003.other_smart.min_investment", value=1000, by=officer)


# --- scope -------------------------------------------------------------------------------------


def test_town_officer_never_sees_another_towns_application(officer, baibu_officer, wuyuan_officer):
    in_wuyuan = subsidy_application_submit(by=officer, project=green_project(WUYUAN))
    in_baibu = subsidy_application_submit(by=officer, project=digital_project(BAIBU))
    assert list(subsidy_applications_visible_to(baibu_officer)) == [in_baibu]
    assert list(subsidy_applications_visible_to(wuyuan_officer)) == [in_wuyuan]
    assert set(subsidy_applications_visible_to(officer)) == {in_wuyuan, in_baibu}
    enterprise_user = UserFactory(username="ent_user", role="enterprise", enterprise=in_baibu.enterprise)
    assert list(subsidy_applications_visible_to(enterprise_user)) == [in_baibu]


# --- command -----------------------------------------------------------------------------------


def test_calc_command_json_and_table(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(
        json.dumps(
            {
                "cases": [
                    {
                        "id": "C1",
                        "date": "2023-06-01",
                        "facts": {"matter": "credential", "credential": "tech_center", "level": "provincial"},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("subsidy", "calc", str(path), stdout=out)
    data = json.loads(out.getvalue())
    assert data["results"][0]["total"] == "50"
    out = io.StringIO()
    call_command("subsidy", "calc", str(path), "--format", "table", stdout=out)
    assert "合计 50 万元" in out.getvalue() and "001.tech_center" in out.getvalue()


def test_calc_command_names_the_bad_case_and_key(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "cases": [
                    {
                        "id": "X9",
                        "date": "2023-06-01",
                        "facts": {"matter": "project", "categories": ["digital_pure"], "bogus": 1},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("subsidy", "calc", str(path), stderr=err)
    assert "X9" in err.getvalue() and "bogus" in err.getvalue()


def test_estimate_command_json_and_xlsx(tmp_path, officer):
    green_project(WUYUAN)  # 100
    digital_project(BAIBU)  # 200 × 50% = 100
    CredentialFactory(
        enterprise=EnterpriseFactory(region_code=WUYUAN),
        kind=CredentialKind.objects.get(code="green_factory"),
        level="municipal",
        granted_on=datetime.date(2024, 3, 1),
    )  # 20
    ProjectFactory(
        enterprise=EnterpriseFactory(region_code=WUYUAN), accepted_on=datetime.date(2023, 6, 1)
    )  # other year
    out = io.StringIO()
    call_command("subsidy", "estimate", "--region", "330424", "--year", "2024", stdout=out)
    data = json.loads(out.getvalue())
    assert data["total"] == "220"
    by_town = {row["code"]: row["total"] for row in data["by_town"]}
    assert by_town == {WUYUAN: "120", BAIBU: "100"}
    by_rule = {row["rule"]: row["total"] for row in data["by_rule"]}
    assert by_rule == {"001.digital_pure": "100", "001.green_project": "100", "001.green_factory": "20"}

    target = tmp_path / "budget.xlsx"
    call_command(
        "subsidy",
        "estimate",
        "--region",
        "330424",
        "--year",
        "2024",
        "--format",
        "xlsx",
        "-o",
        str(target),
        stdout=io.StringIO(),
    )
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("按规则和镇").to_python()
    assert sheet[2][-1] == "合计"
    assert sheet[-1][0] == "合计" and sheet[-1][-1] == 220
    with pytest.raises(CommandError):
        call_command("subsidy", "estimate", "--region", "999999", "--year", "2024", stdout=io.StringIO())


# --- pages -------------------------------------------------------------------------------------


def test_calculator_page_explains_the_amount(client, officer):
    client.force_login(officer)
    assert client.get("/subsidies/").status_code == 200
    facts = {"matter": "project", "categories": ["digital_pure"], "it_investment": 100, "accepted": True}
    response = client.post("/subsidies/", {"date": "2023-06-01", "facts": json.dumps(facts)})
    body = response.content.decode()
    assert (
        response.status_code == 200 and "合计 <strong>50.00</strong> 万元" in body and "纯数字化改造项目" in body
    )
    partial = client.post("/subsidies/", {"date": "2023-06-01", "facts": "{bad"}, HTTP_HX_REQUEST="true")
    assert "输入有误" in partial.content.decode() and "<html" not in partial.content.decode()


def test_application_pages_are_scoped(client, officer, baibu_officer):
    in_wuyuan = subsidy_application_submit(by=officer, project=green_project(WUYUAN))
    in_baibu = subsidy_application_submit(by=officer, project=digital_project(BAIBU))
    client.force_login(baibu_officer)
    listing = client.get("/subsidies/applications/").content.decode()
    assert f"#{in_baibu.pk}<" in listing and f"#{in_wuyuan.pk}<" not in listing
    assert client.get(f"/subsidies/applications/{in_wuyuan.pk}/").status_code == 404
    detail = client.get(f"/subsidies/applications/{in_baibu.pk}/")
    assert detail.status_code == 200 and "纯数字化改造项目" in detail.content.decode()
    response = client.post(f"/subsidies/applications/{in_baibu.pk}/", {"to_status": "reviewing"})
    assert response.status_code == 302
    in_baibu.refresh_from_db()
    assert in_baibu.status == "reviewing"


def test_new_application_page(client, officer):
    """The claim form is the calculator's Chinese form for the matter, prefilled from the registry; what the
    officer adds (the 综合评价档次 the registry lacks) is kept as the claim's own facts."""
    project = green_project()
    client.force_login(officer)
    assert client.get("/subsidies/applications/new/").status_code == 200
    form = client.get("/subsidies/applications/new/", {"project": project.code}).content.decode()
    assert "设备（实际）投资额" in form and 'name="f_equipment_investment" value="1000"' in form
    assert "JSON" not in form and 'name="facts"' not in form
    assert 'value="2024-06-01"' in form  # the matter date: its acceptance

    typed = {"project": project.code, "matter_date": "2024-06-01", "f_categories": "green_energy",
             "f_equipment_investment": "1000", "f_accepted": "yes", "f_third_party_verified": "yes",
             "f_energy_saving_tce": "400", "f_grade": "A", "f_investment": "1500", "f_productive_investment": "1300"}
    bad = client.post("/subsidies/applications/new/", {**typed, "f_equipment_investment": "一千"})
    assert bad.status_code == 400 and "设备（实际）投资额" in bad.content.decode() and "一千" in bad.content.decode()
    assert not SubsidyApplication.objects.exists()

    response = client.post("/subsidies/applications/new/", typed)
    assert response.status_code == 302
    claim = SubsidyApplication.objects.get()
    assert claim.project == project and claim.extra_facts == {"grade": "A"}
    assert claim.latest_result.total_wan == Decimal("100")  # 1000 × 10%, as the calculator gives it

    unknown = client.get("/subsidies/applications/new/", {"project": "HY-NONE"})
    assert unknown.status_code == 400 and "找不到项目编号 HY-NONE" in unknown.content.decode()


def test_budget_page_and_export(client, officer, baibu_officer):
    green_project(WUYUAN)
    client.force_login(officer)
    page = client.get("/subsidies/budget/?region=330424&year=2024")
    assert page.status_code == 200 and "绿色化改造项目补助" in page.content.decode()
    export = client.get("/subsidies/budget.xlsx?region=330424&year=2024")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    client.force_login(baibu_officer)
    assert client.get("/subsidies/budget/?region=330424001&year=2024").status_code == 403


# --- API ---------------------------------------------------------------------------------------


def test_api_calc_applications_and_estimate(client, officer, baibu_officer):
    subsidy_application_submit(by=officer, project=green_project(WUYUAN))
    mine = subsidy_application_submit(by=officer, project=digital_project(BAIBU))
    client.force_login(baibu_officer)
    body = {
        "cases": [
            {
                "id": "A",
                "date": "2023-06-01",
                "facts": {"matter": "credential", "credential": "first_set", "level": "international"},
            }
        ]
    }
    response = client.post("/api/v1/subsidies/calc", json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and response.json()["results"][0]["total"] == "200"
    bad = {
        "cases": [{"id": "B", "date": "2023-06-01", "facts": {"matter": "credential", "credential": "nope"}}]
    }
    assert (
        client.post("/api/v1/subsidies/calc", json.dumps(bad), content_type="application/json").status_code
        == 422
    )
    listing = client.get("/api/v1/subsidies/applications").json()
    assert [row["id"] for row in listing["items"]] == [mine.pk]
    assert listing["items"][0]["latest_total_wan"] == "100"
    assert client.get("/api/v1/subsidies/estimate?region=330424001&year=2024").status_code == 403
    estimate = client.get("/api/v1/subsidies/estimate?region=330424102&year=2024").json()
    assert estimate["total"] == "100"
