"""工业碳效码 (evaluations/carbon.py) on the data files' own cuts and factors: CO2 given or computed from
energy use, L, the industry's L, K, the grade boundaries and the band, with numbers worked by hand."""

import json

import pytest
from django.core.management import call_command

from lianghua.evaluations.carbon import CarbonInput, _band, _grade, carbon_evaluate, carbon_method_read
from lianghua.evaluations.methods import CARBON_DOCUMENT, EVALUATION_DIR, FACTORS_DOCUMENT
from lianghua.rulebook.parameters import documents_load
from tests.factories import EnterpriseFactory, EnterpriseYearFactory


def method(year=2025):
    documents = documents_load(EVALUATION_DIR, {}).documents
    return carbon_method_read(documents[CARBON_DOCUMENT], documents[FACTORS_DOCUMENT], year)


def firm(n, industry="C34", **figures):
    return CarbonInput(n, f"9133042400000000{n:02d}", f"企业{n}", "武原街道", industry, "通用设备制造业",
                       **{k: float(v) for k, v in figures.items()})


def close(value, expected):
    return round(value, 4) == round(expected, 4)


def test_the_factors_and_cuts_are_the_data_files_with_their_dates():
    assert method(2021).factors["electricity"] == 0.5568  # 生态环境部、国家统计局 2021
    assert method(2022).factors["electricity"] == 0.5366
    assert method(2025).factors["electricity"] == 0.5306  # 2024 on: the latest published (2023) until the next
    used = method()
    assert used.k_bounds == [(1, 0.6), (2, 0.8), (3, 1.2), (4, 2.0)]
    assert used.l_bounds == [("低碳", 0.6), ("中碳", 2.0)]
    assert {row["parameter"] for row in used.placeholders} >= {"carbon-zhejiang.grade.k_upper_bounds",
                                                               "emission-factors.natural_gas"}
    assert "emission-factors.electricity" not in {row["parameter"] for row in used.placeholders}


def test_co2_given_or_computed_then_l_k_grade_and_band():
    # Industry C34: A gives 600 t on 1000 万元; B burns 100 万千瓦时 and 10 万立方米 of gas on 1000 万元:
    # 100 × 10 MWh × 0.5306 + 10 × 21.62 = 530.6 + 216.2 = 746.8 t. Industry L = 1346.8 ÷ 2000 = 0.6734.
    a = firm(1, value_added_wan=1000, co2_t=600, electricity_wan_kwh=999)  # given CO2 wins over energy use
    b = firm(2, value_added_wan=1000, electricity_wan_kwh=100, natural_gas_wan_m3=10)
    evaluation = carbon_evaluate([a, b], method())
    by_n = {r.enterprise.enterprise_id: r for r in evaluation.results}
    assert (by_n[1].co2, by_n[1].co2_source) == (600, "企业填报")
    assert close(by_n[2].co2, 746.8) and by_n[2].co2_source == "按能耗折算（用电、天然气）"
    assert close(evaluation.industries["C34"].intensity, 0.6734)
    # K: 0.6 ÷ 0.6734 = 0.891 → grade 3; 0.7468 ÷ 0.6734 = 1.109 → grade 3. Bands: 0.6 低碳 (≤ 0.6), 0.7468 中碳.
    assert close(by_n[1].k, 0.6 / 0.6734) and by_n[1].grade == 3 and by_n[1].band == "低碳"
    assert by_n[2].grade == 3 and by_n[2].band == "中碳"


@pytest.mark.parametrize(("k", "grade"), [(0.6, 1), (0.61, 2), (0.8, 2), (1.2, 3), (1.21, 4), (2.0, 4), (2.01, 5)])
def test_grade_boundaries(k, grade):
    assert _grade(k, method().k_bounds) == grade  # each upper bound belongs to its grade


@pytest.mark.parametrize(("intensity", "band"), [(0.6, "低碳"), (0.61, "中碳"), (2.0, "中碳"), (2.01, "高碳")])
def test_band_boundaries(intensity, band):
    assert _band(intensity, method().l_bounds) == band


def test_the_industry_is_the_regions_own_and_gaps_are_listed_with_the_reason():
    firms = [firm(1, value_added_wan=100, co2_t=50), firm(2, industry="C26", value_added_wan=100, co2_t=300),
             firm(3, value_added_wan=100), firm(4, value_added_wan=0, co2_t=5), firm(5, industry="", value_added_wan=10,
                                                                                     co2_t=1)]
    evaluation = carbon_evaluate(firms, method())
    by_n = {r.enterprise.enterprise_id: r for r in evaluation.results}
    assert (by_n[1].k, by_n[1].grade) == (1.0, 3)  # alone in C34: its own average
    assert by_n[2].band == "高碳" and by_n[2].grade == 3  # 3 t/万元, but the chemicals' average is its own
    assert by_n[3].reason == "缺少二氧化碳排放，也无分品种能耗可折算" and by_n[3].grade is None
    assert by_n[4].reason.startswith("缺少工业增加值")
    assert by_n[5].reason == "缺少行业代码，无法与行业平均比较" and by_n[5].band == "低碳"
    assert evaluation.grade_counts() == {1: 0, 2: 0, 3: 2, 4: 0, 5: 0}


@pytest.mark.django_db
def test_the_command_grades_the_regions_above_scale_enterprises(region, tmp_path):
    for n, co2 in enumerate((300, 600, 2400), start=1):
        EnterpriseYearFactory(enterprise=EnterpriseFactory(region_code="330424001", name=f"碳效测试企业{n}"), year=2025,
                              value_added_wan=1000, co2_t=co2)
    EnterpriseYearFactory(enterprise=EnterpriseFactory(region_code="330424102"), year=2025, is_above_scale=False,
                          co2_t=1)  # 规下: not evaluated
    call_command("evaluate", "carbon", "--region", "海盐县", "--year", "2025", "--format", "json",
                 "-o", str(tmp_path / "carbon.json"))
    data = json.loads((tmp_path / "carbon.json").read_text(encoding="utf-8"))
    # Industry C34: L = 3300 ÷ 3000 = 1.1; K = 0.2727, 0.5455, 2.1818 → grades 1, 1, 5.
    assert [(e["grade"], e["k"], e["band"]) for e in data["enterprises"]] == [
        (1, "0.2727", "低碳"), (1, "0.5455", "低碳"), (5, "2.1818", "高碳")]
    assert data["method"]["industries"][0] == {"code": "C34", "name": "通用设备制造业", "intensity": "1.1",
                                               "enterprises": 3, "grades": {"1": 2, "2": 0, "3": 0, "4": 0, "5": 1}}
