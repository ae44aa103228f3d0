"""The numbers the documents leave open: an administrator sets them on a page or with
`lianghua subsidy set`, every change is recorded, and every result that used one says so."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from lianghua.audit.models import ChangeRecord, DomainEvent
from lianghua.policies.models import PolicySetting
from lianghua.policies.services import subsidy_application_submit
from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db
OTHER_SMART = "jiaxing-2020-003.other_smart.min_investment"
TIERS = "jiaxing-2020-003.provider_revenue_award.tiers"


def test_the_page_lists_the_open_numbers_and_sets_them(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/subsidies/settings/").content.decode()
    for text in ("未设置", "三、1", "20～150万元分档"[:2], "jiaxing-2022-draft-001.start"):
        assert text in page
    response = client.post("/subsidies/settings/", {"name": OTHER_SMART, "value": "1,000", "note": "县局纪要"},
                           follow=True)
    assert "已设置" in response.content.decode()
    setting = PolicySetting.objects.get(name=OTHER_SMART)
    assert setting.value == "1000" and setting.note == "县局纪要" and setting.set_by == admin_user
    assert ChangeRecord.objects.filter(model="policies.policysetting", object_pk=str(setting.pk), actor=admin_user,
                                       action="create").exists()
    client.post("/subsidies/settings/", {"name": TIERS, "value": "200 20\n500 50\n1000 150"})
    assert PolicySetting.objects.get(name=TIERS).value == [
        {"min_revenue": "200", "amount": "20"}, {"min_revenue": "500", "amount": "50"},
        {"min_revenue": "1000", "amount": "150"}]
    bad = client.post("/subsidies/settings/", {"name": TIERS, "value": "200, 二十"}, follow=True).content.decode()
    assert "第1行“200, 二十”应为“服务营业收入下限(万元) 奖励(万元)”" in bad
    client.post("/subsidies/settings/", {"name": OTHER_SMART, "clear": "1"})
    assert not PolicySetting.objects.filter(name=OTHER_SMART).exists()
    assert ChangeRecord.objects.filter(model="policies.policysetting", action="delete").exists()
    assert DomainEvent.objects.filter(kind="subsidy.setting_changed").count() == 3


def test_the_command_sets_lists_and_clears(admin_user):
    out = StringIO()
    call_command("subsidy", "set", OTHER_SMART, "800", "--note", "命令行设置", stdout=out)
    assert "已设置" in out.getvalue() and PolicySetting.objects.get(name=OTHER_SMART).value == "800"
    listed = StringIO()
    call_command("subsidy", "settings", stdout=listed)
    assert OTHER_SMART in listed.getvalue() and "800" in listed.getvalue() and "未设置" in listed.getvalue()
    call_command("subsidy", "unset", OTHER_SMART, stdout=StringIO())
    assert not PolicySetting.objects.exists()


def test_a_result_names_the_settings_it_used(client, admin_user, county_officer):
    call_command("subsidy", "set", OTHER_SMART, "1000", stdout=StringIO())
    project = ProjectFactory(enterprise=EnterpriseFactory(region_code="330424001"), category="digital",
                             subtype="机器换人", total_investment_wan=Decimal("2000"),
                             actual_start=datetime.date(2020, 5, 1), actual_end=datetime.date(2020, 12, 1),
                             accepted_on=datetime.date(2021, 3, 1), stage="accepted")
    application = subsidy_application_submit(by=county_officer, project=project)
    result = application.latest_result.result
    assert [(s["parameter"], s["value"]) for s in result["settings_used"]] == [(OTHER_SMART, "1000")]
    client.force_login(county_officer)
    page = client.get(f"/subsidies/applications/{application.pk}/").content.decode()
    assert "所用管理员设置" in page and "1,000" in page
    cases = {"cases": [{"id": "A", "date": "2021-03-01", "facts": {
        "matter": "project", "categories": ["smart_renovation"], "investment": 2000, "implementation_year": 2020}}]}
    out = StringIO()
    path = __import__("tempfile").NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(cases, path)
    path.close()
    call_command("subsidy", "calc", path.name, "--format", "table", stdout=out)
    assert f"设置值 {OTHER_SMART} = 1000" in out.getvalue()
