"""The project page's 推进 button goes through project_advance_stage: the stage log, the history and
the event, or the Chinese reason when the next stage's fields are missing."""

import datetime as dt

import pytest

from lianghua.audit.models import ChangeRecord, DomainEvent
from lianghua.projects.models import Project
from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_an_officer_advances_a_project_from_its_page(client, county_officer):
    project = ProjectFactory(enterprise=EnterpriseFactory(region_code="330424102"), stage="in_progress",
                             actual_start=dt.date(2025, 2, 1))
    client.force_login(county_officer)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "尚缺：<strong>实际竣工日期</strong>" in page and "推进到" not in page
    refused = client.post(f"/projects/{project.pk}/stage/", {"to_stage": "completed"}, follow=True)
    assert "进入“竣工”阶段前须填写：实际竣工日期" in refused.content.decode()
    Project.objects.filter(pk=project.pk).update(actual_end=dt.date(2025, 11, 20))
    assert "推进到“竣工”" in client.get(f"/projects/{project.pk}/").content.decode()
    done = client.post(f"/projects/{project.pk}/stage/", {"to_stage": "completed"}, follow=True)
    assert "已推进到“竣工”（2025-11-20）" in done.content.decode()
    project.refresh_from_db()
    assert project.stage == "completed"
    log = project.stage_log.get()
    assert (log.from_stage, log.to_stage, log.changed_on, log.by) == ("in_progress", "completed",
                                                                      dt.date(2025, 11, 20), county_officer)
    assert ChangeRecord.objects.filter(model="projects.project", object_pk=str(project.pk), actor=county_officer,
                                       action="update").exists()
    assert DomainEvent.objects.filter(kind="project.stage_changed", actor=county_officer).exists()
