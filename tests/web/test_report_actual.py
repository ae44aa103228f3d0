"""填报值 entered on the records page of an indicator the registry cannot count."""

from decimal import Decimal

from lianghua.audit.models import ChangeRecord
from lianghua.targets.models import ReportedActual

RECORDS = "/records/?plan=haiyan-2024-2026&indicator=loans&region=330424&year=2025&basis=annual&as_of=2025-12-31"
FORM = {"plan": "haiyan-2024-2026", "indicator": "loans", "region": "330424", "year": "2025", "basis": "annual",
        "as_of": "2025-06-30", "value": "12.5", "source": "县金融发展服务中心月报"}


def test_officer_reports_loans_and_the_dashboard_figure_follows(client, county_officer):
    client.force_login(county_officer)
    page = client.get(RECORDS)
    assert "新增填报值" in page.content.decode()
    response = client.post("/records/report/", FORM)
    assert response.status_code == 302
    entry = ReportedActual.objects.get(indicator__code="loans", region__code="330424", year=2025)
    assert entry.value == Decimal("12.5") and entry.reported_by == county_officer
    assert ChangeRecord.objects.filter(model="targets.reportedactual", object_pk=str(entry.pk),
                                       actor=county_officer).exists()
    progress = client.get("/api/v1/plans/haiyan-2024-2026/progress?region=330424&year=2025&as_of=2025-12-31").json()
    loans = next(r for r in progress if r["indicator"] == "loans" and r["basis"] == "annual")
    assert loans["actual"] == "12.5" and loans["target"] == "20"


def test_bad_value_is_refused_in_chinese_and_nothing_is_written(client, county_officer):
    client.force_login(county_officer)
    response = client.post("/records/report/", {**FORM, "value": "十二"}, follow=True)
    assert "填报值“十二”不是数字" in response.content.decode()
    assert not ReportedActual.objects.filter(indicator__code="loans").exists()


def test_leader_and_other_town_cannot_report(client, county_leader, baibu_officer):
    client.force_login(county_leader)
    assert "新增填报值" not in client.get(RECORDS).content.decode()
    client.post("/records/report/", FORM)
    client.force_login(baibu_officer)
    assert client.post("/records/report/", FORM).status_code == 403
    assert not ReportedActual.objects.exists()


def test_computed_indicator_has_no_report_form(client, county_officer, two_towns):
    # The county holds digital projects (two_towns), so digital_projects is counted, never entered; with
    # none of its records at all a 填报值 would stand in (docs/progress.md).
    client.force_login(county_officer)
    page = client.get(RECORDS.replace("indicator=loans", "indicator=digital_projects"))
    assert "新增填报值" not in page.content.decode()


def test_a_counted_indicator_without_any_record_of_its_kind_takes_a_reported_value(client, county_officer):
    # Nothing of 海盐县 is in the registry: its digital projects are entered until they are imported.
    client.force_login(county_officer)
    page = client.get(RECORDS.replace("indicator=loans", "indicator=digital_projects")).content.decode()
    assert "尚无任何改造项目记录" in page and "新增填报值" in page
    response = client.post("/records/report/", {**FORM, "indicator": "digital_projects", "value": "120",
                                                "source": "县经信局项目月报"})
    assert response.status_code == 302
    progress = client.get("/api/v1/plans/haiyan-2024-2026/progress?region=330424&year=2025&as_of=2025-12-31").json()
    digital = next(r for r in progress if r["indicator"] == "digital_projects" and r["basis"] == "annual")
    assert (digital["actual"], digital["actual_source"], digital["target"]) == ("120", "reported", "160")
