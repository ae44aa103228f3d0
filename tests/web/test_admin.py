"""The Django admin: data loaded from data/ is view-only, and every delete leaves a ChangeRecord for each row
it removes (the cascaded ones and the changelist's bulk 删除所选 included)."""

import datetime as dt
from decimal import Decimal

import pytest

from lianghua.audit.models import ChangeRecord
from lianghua.enterprises.models import CredentialKind, EnterpriseYear, Industry
from lianghua.projects.models import Project, ProjectProgress
from lianghua.regions.models import Region
from lianghua.targets.models import Indicator, Plan, ReportedActual, Target
from lianghua.targets.services import reported_actual_record
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, ProjectFactory, ProjectProgressFactory

pytestmark = pytest.mark.django_db

PLAN = "haiyan-2024-2026"


def _deleted(model: str, pk) -> ChangeRecord:
    return ChangeRecord.objects.get(model=model, object_pk=str(pk), action="delete")


@pytest.mark.parametrize("model,lookup", [
    (Plan, {"code": PLAN}),
    (Indicator, {"code": "digital_projects"}),
    (Industry, {"code": "C34"}),
    (CredentialKind, {"code": "green_factory"}),
    (Region, {"code": "330424102"}),
])
def test_loaded_data_is_view_only_in_the_admin(client, admin_user, model, lookup):
    obj = model.objects.get(**lookup)
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    client.force_login(admin_user)
    assert client.get(base).status_code == 200
    page = client.get(f"{base}{obj.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{obj.pk}/change/", {"name": "改名"}).status_code == 403
    assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk, name=obj.name).exists()


def test_a_plan_cannot_be_bulk_deleted_with_its_targets(client, admin_user):
    plan = Plan.objects.get(code=PLAN)
    targets = Target.objects.filter(plan=plan).count()
    assert targets > 0
    client.force_login(admin_user)
    changelist = client.get("/admin/targets/plan/")
    assert "delete_selected" not in changelist.content.decode()
    response = client.post("/admin/targets/plan/", {"action": "delete_selected", "_selected_action": [plan.pk],
                                                   "post": "yes"})
    assert response.status_code in (200, 302)  # the changelist again: the action is not offered
    assert Plan.objects.filter(pk=plan.pk).exists() and Target.objects.filter(plan=plan).count() == targets
    assert not ChangeRecord.objects.filter(action="delete").exists()


def test_bulk_deleting_reported_actuals_records_every_row(client, admin_user, county_officer):
    plan, loans = Plan.objects.get(code=PLAN), Indicator.objects.get(code="loans")
    region = Region.objects.get(code="330424")
    reported = [reported_actual_record(plan=plan, indicator=loans, region=region, year=2025, value=value,
                                       as_of=dt.date(2025, 6, 30), source="县金融发展服务中心月报", by=county_officer)
                for value in ("10", "12.5")]
    client.force_login(admin_user)
    response = client.post("/admin/targets/reportedactual/", {
        "action": "delete_selected", "_selected_action": [r.pk for r in reported], "post": "yes"})
    assert response.status_code == 302
    assert not ReportedActual.objects.exists()
    assert {Decimal(_deleted("targets.reportedactual", r.pk).before["value"]) for r in reported} == {
        Decimal("10"), Decimal("12.5")}
    assert all(_deleted("targets.reportedactual", r.pk).actor == admin_user for r in reported)
    # Targets are loaded data: the changelist offers no delete (tests/core/test_admin_audit.py).
    target = Target.objects.filter(plan__code=PLAN).first()
    client.post("/admin/targets/target/", {"action": "delete_selected", "_selected_action": [target.pk],
                                           "post": "yes"})
    assert Target.objects.filter(pk=target.pk).exists()


def test_deleting_a_project_records_its_monthly_reports_too(client, admin_user):
    project = ProjectFactory(code="HY-DEL-1", enterprise=EnterpriseFactory(region_code="330424102"))
    reports = [ProjectProgressFactory(project=project, month=dt.date(2025, m, 1), cumulative_investment_wan=m * 10)
               for m in (1, 2)]
    client.force_login(admin_user)
    assert client.post(f"/admin/projects/project/{project.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists() and not ProjectProgress.objects.filter(
        project_id=project.pk).exists()
    assert _deleted("projects.project", project.pk).before["code"] == "HY-DEL-1"
    for report in reports:
        assert _deleted("projects.projectprogress", report.pk).before["month"] == report.month.isoformat()


def test_bulk_deleting_enterprises_records_their_yearly_figures(client, admin_user):
    enterprises = [EnterpriseFactory(region_code="330424102") for _ in range(2)]
    years = [EnterpriseYearFactory(enterprise=e, year=2025) for e in enterprises]
    client.force_login(admin_user)
    response = client.post("/admin/enterprises/enterprise/", {
        "action": "delete_selected", "_selected_action": [e.pk for e in enterprises], "post": "yes"})
    assert response.status_code == 302
    assert not EnterpriseYear.objects.filter(pk__in=[y.pk for y in years]).exists()
    for enterprise, year in zip(enterprises, years, strict=True):
        assert _deleted("enterprises.enterprise", enterprise.pk).before["credit_code"] == enterprise.credit_code
        assert _deleted("enterprises.enterpriseyear", year.pk).before["enterprise_id"] == enterprise.pk


def test_reported_actuals_are_entered_through_the_service_not_the_admin(client, admin_user, region):
    entry = reported_actual_record(plan=Plan.objects.get(code=PLAN), indicator=Indicator.objects.get(code="loans"),
                                   region=region("330424"), year=2025, value="7", as_of=dt.date(2025, 6, 30),
                                   source="县金融发展服务中心", by=None)
    base = "/admin/targets/reportedactual/"
    client.force_login(admin_user)
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{entry.pk}/change/", {"value": "70"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not ReportedActual.objects.exists() and _deleted("targets.reportedactual", entry.pk).actor == admin_user
