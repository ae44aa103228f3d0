"""The project invariants are stated once (projects/invariants.py): the database holds them, the admin
and the import say the same in Chinese, and the import's columns agree with the models' constraints."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from lianghua.enterprises.import_kinds import ENTERPRISE_YEARS
from lianghua.enterprises.models import EnterpriseYear
from lianghua.projects.import_kinds import PROJECTS
from lianghua.projects.invariants import NON_NEGATIVE, cumulative_problems, project_problems
from lianghua.projects.models import Project, ProjectProgress
from tests.factories import EnterpriseFactory, ProjectFactory, ProjectProgressFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_database_refuses_what_the_import_refuses():
    project = ProjectFactory(stage="reserve")
    for change in ({"actual_start": dt.date(2025, 5, 1), "actual_end": dt.date(2025, 4, 1)},
                   {"total_investment_wan": D("-1")},
                   {"stage": "completed", "actual_start": dt.date(2025, 1, 1)}):  # 竣工 without 实际竣工日期
        with pytest.raises(IntegrityError), transaction.atomic():
            Project.objects.filter(pk=project.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectProgress.objects.create(project=project, month=dt.date(2025, 1, 1), cumulative_investment_wan=D(-5))
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseYear.objects.create(enterprise=EnterpriseFactory(), year=2025, tax_wan=D(-1))


def test_one_function_gives_the_import_its_messages():
    assert project_problems({"actual_start": dt.date(2025, 5, 1), "actual_end": dt.date(2025, 4, 1),
                             "stage": "completed"}) == [("actual_end", "实际竣工日期早于实际开工日期（2025-05-01）"),
                                                        ("planned_start", "项目阶段为“竣工”时必填"),
                                                        ("planned_end", "项目阶段为“竣工”时必填"),
                                                        ("total_investment_wan", "项目阶段为“竣工”时必填")]
    stored = [(dt.date(2025, 1, 1), D(100), None), (dt.date(2025, 3, 1), D(300), None)]
    assert cumulative_problems([*stored, (dt.date(2025, 2, 1), D(50), 7)]) == [
        (7, "累计完成投资低于2025-01的100万元（累计数不应减少）")]
    assert cumulative_problems([*stored, (dt.date(2025, 2, 1), D(400), 8)]) == [
        (8, "累计完成投资高于已报的2025-03的300万元（累计数不应减少）")]


def test_the_admin_refuses_out_of_order_dates_and_a_falling_cumulative(client, admin_user):
    project = ProjectFactory(stage="reserve")
    ProjectProgressFactory(project=project, month=dt.date(2025, 1, 1), cumulative_investment_wan=D(100))
    client.force_login(admin_user)
    page = client.get(f"/admin/projects/project/{project.pk}/change/")
    form = {k: ("" if v is None else v) for k, v in page.context["adminform"].form.initial.items()}
    form.update({"actual_start": "2025-05-01", "actual_end": "2025-04-01", "enterprise": project.enterprise_id})
    response = client.post(f"/admin/projects/project/{project.pk}/change/", form)
    assert response.status_code == 200 and "实际竣工日期早于实际开工日期" in response.content.decode()
    assert Project.objects.get(pk=project.pk).actual_end is None
    response = client.post("/admin/projects/projectprogress/add/", {
        "project": project.pk, "month": "2025-02-01", "cumulative_investment_wan": "80"})
    assert response.status_code == 200
    assert "累计完成投资低于2025-01的100万元（累计数不应减少）" in response.content.decode()
    assert ProjectProgress.objects.filter(project=project).count() == 1


def test_the_import_columns_state_the_models_non_negative_constraints():
    for field in NON_NEGATIVE:
        assert PROJECTS.column(field).minimum == "0", field
    year_constraints = {c.name for c in EnterpriseYear._meta.constraints}
    for column in ENTERPRISE_YEARS.columns:
        if column.minimum == "0" and column.type == "decimal":
            assert f"enterprise_year_{column.field}_not_negative" in year_constraints, column.field
