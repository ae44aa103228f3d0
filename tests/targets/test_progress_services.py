"""填报值 (reported actuals): validated, permission-checked and audited."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lianghua.audit.models import ChangeRecord, DomainEvent
from lianghua.targets.models import Indicator, Plan, ReportedActual
from lianghua.targets.services import reported_actual_record
from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def haiyan():
    return Plan.objects.get(code="haiyan-2024-2026")


def record(user, region, indicator="loans", **overrides):
    values = {"plan": Plan.objects.get(code="haiyan-2024-2026"), "indicator": Indicator.objects.get(code=indicator),
              "region": region, "year": 2025, "value": "12.5", "as_of": dt.date(2025, 6, 30),
              "source": "县金融发展服务中心", "by": user}
    values.update(overrides)
    return reported_actual_record(**values)


def test_a_reported_value_is_stored_and_audited(region, county_officer):
    entry = record(county_officer, region("330424"))
    assert entry.value == D("12.5") and entry.reported_by == county_officer
    change = ChangeRecord.objects.get(model="targets.reportedactual", object_pk=str(entry.pk))
    assert change.actor == county_officer and change.action == "create" and change.after["value"] == "12.5"
    event = DomainEvent.objects.get(kind="target.actual_reported")
    assert event.payload["indicator"] == "loans" and event.payload["value"] == "12.5"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"indicator": "digital_projects"}, "indicator", "自动计算"),
    ({"year": 2030}, "year", "不在方案期"),
    ({"year": 10000}, "year", "不在方案期"),  # no date of year 10000 is ever built
    ({"year": 0}, "year", "不在方案期"),
    ({"value": "abc"}, "value", "不是数字"),
    ({"value": "-1"}, "value", "负数"),
    ({"as_of": dt.date(2024, 12, 31)}, "as_of", "早于"),
    ({"source": " "}, "source", "来源"),
])
def test_bad_entries_are_refused_with_chinese_reasons(region, county_officer, overrides, field, message):
    if "indicator" in overrides:
        # The registry holds a project of the county: its project counts are computed, never reported.
        ProjectFactory(enterprise=EnterpriseFactory(region_code="330424102"))
        overrides = {**overrides, "indicator": Indicator.objects.get(code=overrides["indicator"])}
        with pytest.raises(ValidationError) as error:
            reported_actual_record(plan=Plan.objects.get(code="haiyan-2024-2026"), region=region("330424"),
                                   year=2025, value="1", as_of=dt.date(2025, 6, 30), source="x", by=county_officer,
                                   **overrides)
    else:
        with pytest.raises(ValidationError) as error:
            record(county_officer, region("330424"), **overrides)
    assert message in " ".join(error.value.message_dict[field])
    assert not ReportedActual.objects.exists()


def test_only_writers_of_the_region_may_report(region, baibu_officer, county_leader):
    with pytest.raises(PermissionDenied):
        record(baibu_officer, region("330424"))          # the county is above the town officer
    with pytest.raises(PermissionDenied):
        record(county_leader, region("330424"))          # leaders read only
    assert record(baibu_officer, region("330424102")).region.code == "330424102"
