"""The plans as loaded by `lianghua init` (the session's reference data), checked against the seeds.

Expected figures are copied by hand from 000_9a05fa3bf4ad2be7.txt and 003_fa8d476d994e14c1.txt, not
read back from data/plans/*.yaml, so a slip in the data files fails here.
"""

import textwrap
from decimal import Decimal

import pytest
import yaml

from lianghua.audit.models import ChangeRecord
from lianghua.targets.loaders import PlanDataError, load_indicators, load_plans, plan_file_read
from lianghua.targets.models import Indicator, Plan, Target

pytestmark = pytest.mark.django_db

HAIYAN = "haiyan-2024-2026"
JIAXING = "jiaxing-2020-2021"
TOWNS = ["330424001", "330424002", "330424005", "330424004", "330424101", "330424102", "330424103",
         "330424105", "330424106"]  # the annex's column order: 武原 开发区 望海 秦山 沈荡 百步 于城 澉浦 通元
ANNEX_INDICATORS = ["digital_projects", "investment", "digital_2_coverage", "green_projects", "energy_saved",
                    "green_factory_coverage", "clean_production_audits", "tech_centers", "trainings"]
COUNTY_TABLE = {  # 000 一、主要目标 任务指标表: 2024, 2025, 2026
    "digital_projects": ("160", "160", "160"),
    "green_projects": ("60", "60", "60"),
    "investment": ("50", "50", "50"),
    "energy_saved": ("3", "3", "3"),
    "digital_2_coverage": ("60", "80", "80"),
    "green_factory_coverage": ("30", "45", "60"),
    "mujun_value_added": ("170", "180", "200"),
    "mujun_tax": ("38", "39", "40"),
    "labour_productivity": ("41", "41.5", "42"),
}
TEXT_TARGETS_2026 = {  # 000 二、重点任务 "力争到2026年…" (county, cumulative to end 2026)
    "future_factories": "5", "industrial_internet_platforms": "18", "cloud_enterprises": "8",
    "segment_renovations": "2", "digital_benchmarks": "10", "green_parks": "1",
    "green_factories_national": "6", "green_factories_provincial": "9", "green_product_certs": "45",
    "water_saving_enterprises": "10", "water_saving_benchmarks": "2", "research_institutes": "35",
    "design_centers_national": "1", "service_design_demos": "16",
}


def target(plan, indicator, region, year, basis):
    return Target.objects.get(plan__code=plan, indicator__code=indicator, region__code=region, year=year,
                              basis=basis)


def value(plan, indicator, region, year, basis):
    return target(plan, indicator, region, year, basis).value


# ── indicators ────────────────────────────────────────────────────────────────


def test_mandatory_indicators_exist_with_their_units():
    units = dict(Indicator.objects.values_list("code", "unit"))
    assert {code: units.get(code) for code in [
        "digital_projects", "green_projects", "investment", "energy_saved", "digital_2_coverage",
        "green_factory_coverage", "mujun_value_added", "mujun_tax", "labour_productivity",
        "clean_production_audits", "tech_centers", "trainings", "smart_mfg_projects", "digital_workshops",
        "smart_factories", "loans",
    ]} == {
        "digital_projects": "个", "green_projects": "个", "investment": "亿元", "energy_saved": "万吨标煤",
        "digital_2_coverage": "%", "green_factory_coverage": "%", "mujun_value_added": "万元/亩",
        "mujun_tax": "万元/亩", "labour_productivity": "万元/人", "clean_production_audits": "家",
        "tech_centers": "家", "trainings": "场", "smart_mfg_projects": "项", "digital_workshops": "个",
        "smart_factories": "家", "loans": "亿元",
    }


def test_ratios_are_not_additive_and_counts_are():
    additive = dict(Indicator.objects.values_list("code", "additive"))
    for code in ["digital_2_coverage", "green_factory_coverage", "mujun_value_added", "mujun_tax",
                 "labour_productivity"]:
        assert additive[code] is False, code
    for code in ["digital_projects", "green_projects", "investment", "energy_saved", "clean_production_audits",
                 "tech_centers", "trainings", "smart_mfg_projects", "digital_workshops", "smart_factories"]:
        assert additive[code] is True, code


def test_facts_the_registry_cannot_hold_are_reported():
    computations = dict(Indicator.objects.values_list("code", "computation"))
    for code in ["loans", "segment_renovations", "green_parks", "green_product_certs"]:
        assert computations[code] == "reported", code
    assert Indicator.objects.get(code="tech_centers").params == {"kind": "tech_center", "min_level": "municipal"}


def test_loaders_are_idempotent():
    assert load_indicators() == 0
    assert load_plans() == 0


# ── haiyan-2024-2026 ──────────────────────────────────────────────────────────


def test_haiyan_plan_metadata():
    plan = Plan.objects.get(code=HAIYAN)
    assert (plan.doc_number, str(plan.issued_on), str(plan.effective_from), plan.effective_to) == (
        "盐政发〔2024〕12号", "2024-04-09", "2024-05-10", None)
    assert (plan.start_year, plan.end_year, plan.region.code) == (2024, 2026, "330424")


def test_haiyan_target_counts():
    targets = Target.objects.filter(plan__code=HAIYAN)
    # county table 9 × 3 annual + 每年 loans 3 + 每年 trainings 3
    assert targets.filter(basis="annual").count() == 27 + 3 + 3
    # annex 9 rows × 3 years × 10 columns + 14 text targets to 2026
    assert targets.filter(basis="cumulative").count() == 270 + 14
    assert targets.count() == 317


def test_haiyan_annex_is_complete():
    annex = Target.objects.filter(plan__code=HAIYAN, basis="cumulative", indicator__code__in=ANNEX_INDICATORS)
    cells = set(annex.values_list("indicator__code", "region__code", "year"))
    assert cells == {(i, r, y) for i in ANNEX_INDICATORS for r in ["330424", *TOWNS] for y in (2024, 2025, 2026)}


def test_haiyan_county_table():
    for indicator, values in COUNTY_TABLE.items():
        got = tuple(str(value(HAIYAN, indicator, "330424", y, "annual").normalize()) for y in (2024, 2025, 2026))
        assert got == tuple(str(Decimal(v).normalize()) for v in values), indicator


def test_haiyan_spot_values():
    assert value(HAIYAN, "investment", "330424005", 2026, "cumulative") == Decimal("20.82")  # 望海
    assert value(HAIYAN, "mujun_tax", "330424", 2025, "annual") == Decimal("39")  # 全县
    assert value(HAIYAN, "green_projects", "330424105", 2025, "cumulative") == Decimal("6")  # 澉浦
    assert value(HAIYAN, "investment", "330424002", 2024, "cumulative") == Decimal("24.21")  # 开发区
    assert value(HAIYAN, "investment", "330424103", 2024, "cumulative") == Decimal("1.90")  # 于城
    assert value(HAIYAN, "energy_saved", "330424102", 2026, "cumulative") == Decimal("0.85")  # 百步
    assert value(HAIYAN, "trainings", "330424102", 2026, "cumulative") == Decimal("4")  # 百步
    assert value(HAIYAN, "digital_projects", "330424106", 2024, "cumulative") == Decimal("5")  # 通元
    assert value(HAIYAN, "tech_centers", "330424005", 2025, "cumulative") == Decimal("4")  # 望海
    assert value(HAIYAN, "clean_production_audits", "330424", 2026, "cumulative") == Decimal("30")


def test_haiyan_annex_coverage_rows_are_per_cent_and_at_least():
    for region in ["330424", *TOWNS]:
        assert value(HAIYAN, "digital_2_coverage", region, 2025, "cumulative") == Decimal("80")
        last = target(HAIYAN, "green_factory_coverage", region, 2026, "cumulative")
        assert (last.value, last.comparator) == (Decimal("60"), "gte")
        assert "60%以上" in last.note


def test_haiyan_text_targets():
    for indicator, expected in TEXT_TARGETS_2026.items():
        row = target(HAIYAN, indicator, "330424", 2026, "cumulative")
        assert row.value == Decimal(expected), indicator
        assert row.source_clause.startswith("000_9a05fa3bf4ad2be7.txt 二("), indicator
        assert row.note, indicator  # the reading (力争, stock or new) is recorded
    for year in (2024, 2025, 2026):
        assert value(HAIYAN, "loans", "330424", year, "annual") == Decimal("20")
        assert value(HAIYAN, "trainings", "330424", year, "annual") == Decimal("10")


def test_text_clauses_restating_a_table_target_are_noted_on_it():
    row = target(HAIYAN, "clean_production_audits", "330424", 2026, "cumulative")
    assert "三年累计实施市级及以上清洁生产审核验收30家" in row.note
    assert "以上" in target(HAIYAN, "tech_centers", "330424", 2026, "cumulative").note


def test_every_target_cites_its_seed():
    for plan, seed in [(HAIYAN, "000_9a05fa3bf4ad2be7.txt "), (JIAXING, "003_fa8d476d994e14c1.txt ")]:
        clauses = Target.objects.filter(plan__code=plan).values_list("source_clause", flat=True)
        assert clauses and all(c.startswith(seed) for c in clauses), plan


# ── jiaxing-2020-2021 ─────────────────────────────────────────────────────────

JIAXING_PROJECTS = {  # 003 附件1 智能制造项目: 目标 (2020–2021), 2020, 2021
    "330400": (1000, 475, 525), "330402": (75, 35, 40), "330411": (75, 35, 40), "330421": (150, 70, 80),
    "330482": (150, 70, 80), "330424": (100, 45, 55), "330481": (200, 100, 100), "330483": (200, 100, 100),
    "330400901": (25, 10, 15), "330400902": (25, 10, 15),
}


def test_jiaxing_target_counts():
    targets = Target.objects.filter(plan__code=JIAXING)
    assert targets.filter(indicator__code="smart_mfg_projects").count() == 30
    assert targets.filter(indicator__code="digital_workshops").count() == 3 + 3 * 9
    assert targets.filter(indicator__code="smart_factories").count() == 1 + 9
    assert targets.count() == 70


def test_jiaxing_smart_manufacturing_projects():
    for region, (total, y2020, y2021) in JIAXING_PROJECTS.items():
        assert value(JIAXING, "smart_mfg_projects", region, 2021, "cumulative") == total, region
        assert value(JIAXING, "smart_mfg_projects", region, 2020, "annual") == y2020, region
        assert value(JIAXING, "smart_mfg_projects", region, 2021, "annual") == y2021, region


def test_jiaxing_garbled_cells_are_county_rows_without_a_number_and_notes_on_the_city_target():
    workshops = Target.objects.filter(plan__code=JIAXING, indicator__code="digital_workshops")
    factories = Target.objects.filter(plan__code=JIAXING, indicator__code="smart_factories")
    for county in JIAXING_PROJECTS:
        if county == "330400":
            continue
        rows = workshops.filter(region__code=county)
        assert sorted((t.year, t.basis, t.value) for t in rows) == [
            (2020, "annual", None), (2021, "annual", None), (2021, "cumulative", None)], county
        assert "确保12家，力争15家" in rows.get(year=2021, basis="cumulative").note
        assert "确保5家，力争6家" in rows.get(year=2020).note
        [factory] = factories.filter(region__code=county)
        assert factory.value is None and "确保1个，力争2个" in factory.note
    total = target(JIAXING, "digital_workshops", "330400", 2021, "cumulative")
    assert total.value == 100
    assert "确保12家，力争15家" in total.note and "确保9家，力争12家" in total.note
    assert value(JIAXING, "digital_workshops", "330400", 2020, "annual") == 45
    assert "确保5家，力争6家" in target(JIAXING, "digital_workshops", "330400", 2020, "annual").note
    assert value(JIAXING, "digital_workshops", "330400", 2021, "annual") == 55
    only = factories.get(region__code="330400")
    assert (only.year, only.basis, only.value) == (2021, "cumulative", 10)
    assert "确保1个，力争2个" in only.note


# ── loader validation and updates ─────────────────────────────────────────────


def _plan_dir(tmp_path, body: str):
    (tmp_path / "test.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return tmp_path


PLAN_HEAD = """\
plan:
  code: test-plan
  name: 测试方案
  start_year: 2024
  end_year: 2025
  region: 330424
region_names: {全县: 330424}
"""


def test_loader_lists_every_problem_and_writes_nothing(tmp_path):
    directory = _plan_dir(tmp_path, PLAN_HEAD + """\
tables:
  - source: 测试 表1
    indicator: investment
    basis: cumulative
    columns: {region: [全县, 武原, 不存在镇]}
    rows:
      2024: 1 2 3
      2025: 1 2
      2027: 1 2 3
  - source: 测试 表2
    region: 武原
    basis: cumulative
    columns: {year: [2024]}
    rows:
      investment: "9"
      no_such_indicator: "1"
      trainings: 1,5
targets:
  - {indicator: green_projects, region: 全县, year: 2024, basis: annual, value: 1.90, source: 测试}
""")
    before = Target.objects.count()
    with pytest.raises(PlanDataError) as caught:
        load_plans(directory)
    text = "\n".join(caught.value.errors)
    assert "未知区域“不存在镇”" in text
    assert "2 个单元格，而列有 3 个" in text
    assert "年度 2027 不在方案期 2024–2025 内" in text
    assert "未知指标 'no_such_indicator'" in text
    assert "无法识别的单元格 '1,5'" in text
    assert "重复" in text  # investment 2024 武原 is in both tables
    assert "请写成字符串" in text  # 1.90 unquoted would lose its published decimals
    assert Target.objects.count() == before
    assert not Plan.objects.filter(code="test-plan").exists()


def test_loader_upserts_and_removes_targets_and_records_each_change(tmp_path):
    directory = _plan_dir(tmp_path, PLAN_HEAD + """\
tables:
  - source: 测试 表
    indicator: investment
    basis: cumulative
    columns: {region: [全县, 武原, 开发区]}
    rows:
      2024: 3 1.90 1.1
      2025: 6 3.8 2.2
""")
    assert load_plans(directory) == 6
    assert load_plans(directory) == 0
    plan = Plan.objects.get(code="test-plan")
    assert plan.targets.get(region__code="330424002", year=2024).value == Decimal("1.1")

    _plan_dir(tmp_path, PLAN_HEAD + """\
tables:
  - source: 测试 表
    indicator: investment
    basis: cumulative
    columns: {region: [全县, 武原, 开发区]}
    rows:
      2024: 3 1.90 1.2
""")
    assert load_plans(directory) == 1 + 3  # one value changed, three 2025 targets removed
    assert plan.targets.count() == 3
    assert plan.targets.get(region__code="330424002", year=2024).value == Decimal("1.2")
    actions = list(ChangeRecord.objects.filter(model="targets.target", object_repr__startswith="test-plan ")
                   .values_list("action", flat=True))
    assert sorted(actions) == ["create"] * 6 + ["delete"] * 3 + ["update"]


def test_unreadable_cell_needs_a_note(tmp_path):
    directory = _plan_dir(tmp_path, PLAN_HEAD + """\
tables:
  - source: 测试
    indicator: investment
    year: 2024
    basis: annual
    columns: {region: [全县, 武原]}
    cells: 3 ?
""")
    with pytest.raises(PlanDataError, match="不可读的单元格必须在 note 中说明"):
        plan_file_read(directory / "test.yaml")
    text = (directory / "test.yaml").read_text(encoding="utf-8") + "    note: 武原一格提取后不可读。\n"
    (directory / "test.yaml").write_text(text, encoding="utf-8")
    load_plans(directory)
    row = Target.objects.get(plan__code="test-plan", region__code="330424001")
    assert row.value is None and row.note == "武原一格提取后不可读。"


def test_indicator_parameters_are_checked_by_their_computation(tmp_path):
    """Each computation states what its params must be (targets/computations/); the loader asks it, and
    a bad file names every problem with the indicator."""
    from lianghua.targets.loaders import indicator_file_read

    path = tmp_path / "indicators.yaml"
    common = {"unit": "个", "additive": True, "description": "口径", "source": "测试"}
    path.write_text(yaml.safe_dump({"indicators": [
        {"code": "a", "name": "甲", "computation": "projects_started", "params": {"category": "blue"}, **common},
        {"code": "b", "name": "乙", "computation": "credentials_new", "params": {"kind": "no_such",
                                                                              "min_level": "town"}, **common},
        {"code": "c", "name": "丙", "computation": "activities", "params": {"kind": "party"}, **common},
        {"code": "d", "name": "丁", "computation": "counted_somehow", **common},
    ]}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanDataError) as caught:
        indicator_file_read(path, kinds={"tech_center"})
    errors = caught.value.errors
    assert any(e.startswith("indicators.yaml a：projects_started 需要 params.category") for e in errors)
    assert "indicators.yaml b：credentials_new 未知的认定类型 'no_such'（见 data/reference/credential_kinds.csv）" in errors
    assert any(e.startswith("indicators.yaml b：credentials_new min_level 应为 county/municipal") for e in errors)
    assert any(e.startswith("indicators.yaml c：activities params.kind 应为 training/") for e in errors)
    assert any(e.startswith("indicators.yaml d：未知的计算方式 'counted_somehow'") for e in errors)
