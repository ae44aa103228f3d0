"""The calculator's Chinese form (/subsidies/): the same amounts as the engine's JSON, errors naming the field."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from lianghua.policies.engine import evaluate_case
from lianghua.policies.fact_form import ENUM_NAMES, FACT_LABELS, enum_names_complete, matter_fields
from lianghua.policies.rules import policy_set_current
from lianghua.policies.vocabulary import ENUMS, FACT_KINDS, parse_case
from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db

WUYUAN, BAIBU = "330424001", "330424102"


def green_project(region_code: str):
    return ProjectFactory(
        enterprise=EnterpriseFactory(region_code=region_code),
        category="green",
        subtype="节能降碳",
        total_investment_wan=Decimal("1500"),
        equipment_investment_wan=Decimal("1234"),
        civil_investment_wan=Decimal("200"),
        energy_saved_tce=Decimal("400"),
        energy_saving_verified=True,
        actual_start=datetime.date(2024, 1, 10),
        actual_end=datetime.date(2024, 5, 20),
        accepted_on=datetime.date(2024, 6, 1),
        stage="accepted",
    )


def test_the_form_describes_every_fact_of_the_engine_and_nothing_else():
    assert set(FACT_LABELS) == set(FACT_KINDS)
    assert enum_names_complete() and set(ENUM_NAMES) == set(ENUMS)
    assert [f.key for f in matter_fields("credential")] == ["credential", "level", "count", "year_index"]


def test_green_project_form_gives_the_engine_amount(client, county_officer):
    client.force_login(county_officer)
    page = client.get("/subsidies/").content.decode()
    assert "绿色节能" in page and "吨标准煤/年" in page and "高级：JSON" in page
    response = client.post(
        "/subsidies/",
        {
            "date": "2025-06-01",
            "matter": "project",
            "f_categories": ["green_energy"],
            "f_equipment_investment": "2000",
            "f_third_party_verified": "yes",
            "f_energy_saving_tce": "350",
        },
    )
    body = response.content.decode()
    # 001 三（二）: equipment ≥ 300万, 350 tce ≥ 300, verified → 10% × 2000 = 200万 (cap 500万).
    assert response.status_code == 200 and "合计 <strong>200.00</strong> 万元" in body, body
    assert "绿色化改造项目补助" in body
    same = evaluate_case(
        policy_set_current(),
        parse_case(
            {
                "id": "json",
                "date": "2025-06-01",
                "facts": {
                    "matter": "project",
                    "categories": ["green_energy"],
                    "equipment_investment": 2000,
                    "third_party_verified": True,
                    "energy_saving_tce": 350,
                },
            }
        ),
    )
    assert same["total"] == Decimal(200)
    # The JSON panel shows what went to the engine.
    assert "&quot;equipment_investment&quot;: 2000" in body


def test_waste_utilisation_is_typed_in_percent(client, county_officer):
    client.force_login(county_officer)
    base = {"date": "2025-06-01", "matter": "project", "f_categories": ["green_resource"],
            "f_equipment_investment": "400", "f_third_party_verified": "yes"}
    paid = client.post("/subsidies/", {**base, "f_waste_utilization_rate": "85%"}).content.decode()
    # 001 三（二）: verified, 85% ≥ 30% → 10% × 400 = 40万.
    assert "合计 <strong>40.00</strong> 万元" in paid and "&quot;waste_utilization_rate&quot;: 0.85" in paid
    short = client.post("/subsidies/", {**base, "f_waste_utilization_rate": "25"}).content.decode()
    assert "合计 <strong>0.00</strong> 万元" in short
    too_big = client.post("/subsidies/", {**base, "f_waste_utilization_rate": "120"}).content.decode()
    assert "废弃物综合利用率：应在0～100%之间" in too_big


def test_credential_form(client, county_officer):
    client.force_login(county_officer)
    fields = client.get("/subsidies/calculator/fields/", {"matter": "credential"}).content.decode()
    assert "企业技术中心奖励" in fields and "省级" in fields and "f_equipment_investment" not in fields
    body = client.post(
        "/subsidies/",
        {"date": "2023-06-01", "matter": "credential", "f_credential": "tech_center", "f_level": "provincial",
         "f_count": "", "f_year_index": ""},
    ).content.decode()
    # 001 三（三）: 省级企业技术中心 50万元.
    assert "合计 <strong>50.00</strong> 万元" in body and "企业技术中心奖励" in body
    with_tax = client.post(
        "/subsidies/",
        {"date": "2024-06-01", "matter": "credential", "f_credential": "tech_center", "f_level": "provincial",
         "f_rd_expense": "100"},
    ).content.decode()
    # 002 三、13: R&D 100万 × 100% = 100万 of deduction, shown apart, not in the total; the tax group stays open.
    assert "合计 <strong>50.00</strong> 万元" in with_tax and "研发费用加计扣除 100.00 万元" in with_tax
    assert '<details class="calc-tax" open>' in with_tax


def test_bad_input_is_named_in_chinese_next_to_the_field(client, county_officer):
    client.force_login(county_officer)
    typed = client.post(
        "/subsidies/",
        {"date": "2025-06-01", "matter": "project", "f_categories": ["green_energy"],
         "f_equipment_investment": "两千", "f_energy_saving_tce": "350"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "设备（实际）投资额：应为数值（单位万元），实为“两千”" in typed and "测算结果" not in typed
    assert 'value="350"' in typed  # what was fine stays typed
    engine = client.post(
        "/subsidies/",
        {"date": "2025-06-01", "matter": "project", "f_categories": ["smart_renovation"],
         "f_implementation_year": "1800"},
    ).content.decode()
    assert "实施年度：应在 1990～2100 之间" in engine
    too_dear = client.post(
        "/subsidies/",
        {"date": "2025-06-01", "matter": "project", "f_categories": ["green_energy"],
         "f_equipment_investment": "100", "f_first_set_price": "150"},
    ).content.decode()
    assert "不能大于 “设备（实际）投资额”" in too_dear and "不能大于 equipment" not in too_dear
    missing = client.post("/subsidies/", {"date": "2025-06-01", "matter": "credential"}).content.decode()
    assert "认定/荣誉类别：请选择" in missing


def test_expert_json_is_still_accepted(client, county_officer):
    client.force_login(county_officer)
    facts = {"matter": "credential", "credential": "first_set", "level": "international"}
    body = client.post(
        "/subsidies/",
        {"date": "2023-06-01", "matter": "project", "use_json": "on", "facts": json.dumps(facts)},
    ).content.decode()
    # 001 三（三）: 国际首台（套） 200万元; the form switches to the credential fields.
    assert "合计 <strong>200.00</strong> 万元" in body and 'value="first_set" selected' in body


def test_prefill_from_a_registered_project(client, baibu_officer):
    mine = green_project(BAIBU)
    client.force_login(baibu_officer)
    options = client.get("/subsidies/calculator/projects/", {"q": mine.code}).content.decode()
    assert mine.code in options
    page = client.get("/subsidies/", {"project": mine.code}).content.decode()
    assert 'value="1234"' in page and 'value="2024-06-01"' in page and "已带入" in page
    body = client.post(
        "/subsidies/",
        {"date": "2024-06-01", "matter": "project", "f_categories": ["green_energy"],
         "f_equipment_investment": "1234", "f_third_party_verified": "yes", "f_energy_saving_tce": "400"},
    ).content.decode()
    assert "合计 <strong>123.40</strong> 万元" in body  # 10% × 1234


def test_prefill_from_another_town_is_refused(client, baibu_officer):
    theirs = green_project(WUYUAN)
    client.force_login(baibu_officer)
    assert theirs.code not in client.get("/subsidies/calculator/projects/", {"q": theirs.code}).content.decode()
    page = client.get("/subsidies/", {"project": theirs.code}).content.decode()
    assert "不在您的范围内" in page and 'value="1234"' not in page and "已带入" not in page


def test_json_panel_follows_the_form(client, county_officer):
    client.force_login(county_officer)
    panel = client.post(
        "/subsidies/calculator/json/",
        {"matter": "project", "f_categories": ["green_water"], "f_water_saving_t": "25000", "facts": "old"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "&quot;water_saving_t&quot;: 25000" in panel and "old" not in panel
    expert = client.post(
        "/subsidies/calculator/json/", {"matter": "project", "use_json": "on", "facts": '{"matter": "x"}'}
    ).content.decode()
    assert "{&quot;matter&quot;: &quot;x&quot;}" in expert


def test_finance_form(client, county_officer):
    client.force_login(county_officer)
    body = client.post(
        "/subsidies/",
        {"date": "2024-06-01", "matter": "finance", "f_finance": "first_set_insurance", "f_premium": "30",
         "f_insured_amount": "2000"},
    ).content.decode()
    # 001 三（三）: premium 30 ≤ 2% × 2000 = 40 → 70% × 30 = 21万 (≤ 50万 per set per year).
    assert "合计 <strong>21.00</strong> 万元" in body and "首台（套）保险保费补偿" in body


def test_reasons_name_facts_by_their_chinese_labels(client, county_officer):
    """A green project without third-party verification: the reason reads in Chinese, not in fact keys."""
    client.force_login(county_officer)
    page = client.post("/subsidies/", {
        "date": "2025-06-01", "matter": "project", "f_categories": ["green_energy"],
        "f_equipment_investment": "2000", "f_third_party_verified": "no", "f_energy_saving_tce": "350",
    }).content.decode()
    assert "未经有资质的第三方检测机构认定" in page
    assert "third_party_verified 不为 true" not in page
    assert "不为“是”" in page
