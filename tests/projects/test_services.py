"""Project write services: stage changes with their log, and the bulk upserts imports use."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lianghua.audit.models import ChangeRecord, DomainEvent
from lianghua.projects.models import ProjectProgress, ProjectStageLog
from lianghua.projects.services import (
    project_advance_stage,
    project_progress_bulk_upsert,
    projects_bulk_upsert,
)
from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_advance_writes_log_dated_by_the_stage_date_and_history(county_officer):
    project = ProjectFactory(stage="pooled", actual_start=datetime.date(2025, 4, 2))
    log = project_advance_stage(project=project, to_stage="in_progress", by=county_officer)
    assert (log.from_stage, log.to_stage, log.changed_on, log.by) == (
        "pooled", "in_progress", datetime.date(2025, 4, 2), county_officer)
    project.refresh_from_db()
    assert project.stage == "in_progress"
    record = ChangeRecord.objects.get(model="projects.project", object_pk=str(project.pk))
    assert (record.before["stage"], record.after["stage"]) == ("pooled", "in_progress")
    assert DomainEvent.objects.get(kind="project.stage_changed").payload["to_stage"] == "in_progress"


def test_advance_refuses_a_stage_whose_fields_are_missing(county_officer):
    project = ProjectFactory(stage="in_progress", actual_start=datetime.date(2025, 2, 1))
    with pytest.raises(ValidationError, match="进入“竣工”阶段前须填写：实际竣工日期"):
        project_advance_stage(project=project, to_stage="completed", by=county_officer)
    assert not ProjectStageLog.objects.filter(project=project).exists()


def test_advance_refuses_going_back_but_allows_termination(county_officer):
    project = ProjectFactory(stage="in_progress", actual_start=datetime.date(2025, 2, 1))
    with pytest.raises(ValidationError, match="只能向后推进"):
        project_advance_stage(project=project, to_stage="pooled", by=county_officer)
    log = project_advance_stage(project=project, to_stage="terminated", by=county_officer,
                                on=datetime.date(2025, 6, 30))
    assert log.changed_on == datetime.date(2025, 6, 30)
    with pytest.raises(ValidationError, match="已终止"):
        project_advance_stage(project=project, to_stage="in_progress", by=county_officer)


def test_bulk_upsert_keeps_fields_the_rows_do_not_name(county_officer):
    enterprise = EnterpriseFactory()
    project = ProjectFactory(code="HY-500", enterprise=enterprise, health="lagging", robots_added=3)
    result = projects_bulk_upsert(rows=[{"code": "HY-500", "name": "新名称", "enterprise_id": enterprise.pk,
                                         "category": "digital", "stage": "reserve"}], by=county_officer)
    assert result.updated_count == 1
    project.refresh_from_db()
    assert (project.name, project.health, project.robots_added) == ("新名称", "lagging", 3)
    assert not ProjectStageLog.objects.filter(project=project).exists()  # stage unchanged


def test_progress_upsert_by_project_and_month(county_officer):
    project = ProjectFactory()
    row = {"project_id": project.pk, "month": datetime.date(2025, 3, 1), "cumulative_investment_wan": Decimal("120")}
    project_progress_bulk_upsert(rows=[row], by=county_officer)
    result = project_progress_bulk_upsert(rows=[{**row, "cumulative_investment_wan": Decimal("130.25")}],
                                          by=county_officer)
    assert (result.created_count, result.updated_count) == (0, 1)
    assert ProjectProgress.objects.get(project=project).cumulative_investment_wan == Decimal("130.25")
