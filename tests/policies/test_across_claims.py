"""就高不重复 across claims: a later claim on a project or credential an earlier claim already covers is
computed against it, by the principle of the governing document (001 就高不重复; from 002's start,
2024-04-25, renovation awards stack to 3000万元 per project, 002 三、11)."""

import datetime
from decimal import Decimal

import pytest

from lianghua.policies.engine import EarlierGrant, evaluate_case
from lianghua.policies.rules import policy_set_current
from lianghua.policies.services import subsidy_application_advance, subsidy_application_submit
from lianghua.policies.vocabulary import parse_case
from tests.factories import CredentialFactory, EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def green_project(accepted_on: datetime.date):
    return ProjectFactory(
        enterprise=EnterpriseFactory(region_code="330424001"), category="green", subtype="节能降碳",
        total_investment_wan=Decimal("1500"), equipment_investment_wan=Decimal("1000"),
        civil_investment_wan=Decimal("200"), energy_saved_tce=Decimal("400"), energy_saving_verified=True,
        actual_start=accepted_on - datetime.timedelta(days=150), actual_end=accepted_on - datetime.timedelta(days=10),
        accepted_on=accepted_on, stage="accepted")


def test_highest_only_pays_a_later_claim_only_the_excess(county_officer):
    # 2023-06-01: only 001 (征求意见稿) is in force, 就高不重复. 设备投资 1000万元 × 10% = 100万元.
    project = green_project(datetime.date(2023, 6, 1))
    first = subsidy_application_submit(by=county_officer, project=project)
    assert first.latest_result.total_wan == Decimal("100")
    assert first.latest_result.result["against_earlier"] is None

    # The same project claimed again with 1500万元 of equipment: 150 computed, 100 already granted.
    second = subsidy_application_submit(by=county_officer, project=project,
                                        extra_facts={"equipment_investment": Decimal("1500")})
    result = second.latest_result
    assert result.total_wan == Decimal("50")
    against = result.result["against_earlier"]
    assert against["principle"] == "就高不重复" and against["gross"] == "150" and against["deducted"] == "100"
    assert f"第{first.pk}号申报" in against["explanation"] and "只补超出部分50万元" in against["explanation"]

    # A third, the same again: 150 already granted (100 + 50), nothing more.
    third = subsidy_application_submit(by=county_officer, project=project,
                                       extra_facts={"equipment_investment": Decimal("1500")})
    assert third.latest_result.total_wan == Decimal("0")
    assert "不再重复补助" in third.latest_result.result["against_earlier"]["explanation"]

    # A rejected claim grants nothing, so it does not count against a later one.
    subsidy_application_advance(application=second, to_status="rejected", by=county_officer, note="重复申报")
    subsidy_application_advance(application=third, to_status="rejected", by=county_officer, note="重复申报")
    fourth = subsidy_application_submit(by=county_officer, project=project,
                                        extra_facts={"equipment_investment": Decimal("1500")})
    assert fourth.latest_result.total_wan == Decimal("50")


def test_a_credential_is_not_paid_twice(county_officer):
    credential = CredentialFactory(level="provincial", granted_on=datetime.date(2024, 3, 1))
    first = subsidy_application_submit(by=county_officer, credential=credential)
    assert first.latest_result.total_wan == Decimal("50")  # 省级绿色低碳工厂
    again = subsidy_application_submit(by=county_officer, credential=credential)
    assert again.latest_result.total_wan == Decimal("0")
    assert f"第{first.pk}号申报" in again.latest_result.result["against_earlier"]["explanation"]


def test_stacking_does_not_pay_a_rule_twice(county_officer, client):
    # 2024-06-01: 002 is in force, awards stack; the same rule is still paid once.
    project = green_project(datetime.date(2024, 6, 1))
    first = subsidy_application_submit(by=county_officer, project=project)
    assert first.latest_result.total_wan == Decimal("100")
    again = subsidy_application_submit(by=county_officer, project=project)
    assert again.latest_result.total_wan == Decimal("0")
    against = again.latest_result.result["against_earlier"]
    assert against["principle"] == "叠加享受、合计封顶" and "同一规则不重复补助，本次新增0万元" in against["explanation"]

    # The claim's page names the documents by their titles, not their seed numbers.
    client.force_login(county_officer)
    page = client.get(f"/subsidies/applications/{again.pk}/").content.decode()
    assert "可叠加享受（《嘉兴市推进制造业领域大规模设备更新专项行动实施方案（嘉制高办〔2024〕5号）》三、11）" in page
    assert "002 三、11" not in page and f"第{first.pk}号申报" in page


def test_under_stacking_the_cap_counts_both_claims():
    """An earlier claim granted 2950万元 on the project; a new rule's 100万元 stacks only to the 3000万元
    cap of 002 三、11, so 50万元."""
    case = parse_case({"id": "后续申报", "date": "2024-06-01", "facts": {
        "matter": "project", "categories": ["green_energy"], "equipment_investment": 1000,
        "third_party_verified": True, "energy_saving_tce": 400}})
    earlier = [EarlierGrant(label="第1号申报（已拨付，2024-07-01提交）", total=Decimal("2950"),
                            by_rule={"001.smart_renovation": Decimal("2950")})]
    result = evaluate_case(policy_set_current(), case, earlier)
    assert result["total"] == Decimal("50")
    assert "单个项目上限3000万元" in result["against_earlier"]["explanation"]
    assert "002 三、11" in result["against_earlier"]["explanation"]
    # Without the earlier grant the same case pays its full 100万元.
    assert evaluate_case(policy_set_current(), case)["total"] == Decimal("100")
