"""Decomposition check: the pure function on hand-made rows, then on the real plans and through the command.

Expected findings on the Haiyan annex, summed by hand from 000_9a05fa3bf4ad2be7.txt 附件:
- investment 到2024年 1.92+24.21+6.94+2.52+2.72+6.94+1.90+1.53+1.31 = 49.99 vs 50 (−0.01),
  到2025年 99.98 vs 100 (−0.02), 到2026年 149.97 vs 150 (−0.03); two decimals, 9 towns →
  tolerance 9 × 0.005 = 0.045 → rounding;
- clean_production_audits: towns 1+2+1+1+1+1+1+1+1 = 10 every year; vs 10 (ok), 20 (−10), 30 (−20) →
  mismatch in 2025 and 2026;
- every other additive row adds up exactly (digital projects 160/320/480, green 60/120/180, energy
  3.00/6.00/9.00, tech centres 12/24/36, trainings 10/20/30).
"""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lianghua.targets.decomposition import (
    MISMATCH,
    OK,
    ROUNDING,
    UNREADABLE,
    TargetFigure,
    decomposition_check,
    published_decimals,
    rounding_tolerance,
)
from lianghua.targets.models import Plan, Target
from lianghua.targets.selectors import plan_decomposition_check

D = Decimal


def fig(region, value, parent="P", indicator="x", year=2024, basis="cumulative"):
    return TargetFigure(indicator=indicator, region=region, parent=parent, year=year, basis=basis,
                        value=None if value is None else D(value))


def parent(value, **kwargs):
    return fig("P", value, parent=None, **kwargs)


# ── pure ──────────────────────────────────────────────────────────────────────


def test_published_decimals_ignores_stored_trailing_zeros():
    assert [published_decimals(D(v)) for v in ["1.9000", "50.0000", "0.15", "41.5", "1E+1"]] == [1, 0, 2, 1, 0]


def test_rounding_tolerance_is_half_a_unit_per_child():
    assert rounding_tolerance([D("1.92"), D("1.9"), D("3")]) == (2, D("0.015"))
    assert rounding_tolerance([D("0.3"), D("3.1")]) == (1, D("0.1"))
    assert rounding_tolerance([D("22"), D("30")]) == (0, D("0"))


def test_exact_sum_is_ok():
    [check] = decomposition_check([parent("3"), fig("a", "1.5"), fig("b", "1.50")], {"x"})
    assert (check.status, check.difference, check.children_sum) == (OK, D("0"), D("3.00"))


def test_within_tolerance_is_rounding_and_beyond_is_mismatch():
    children = [fig("a", "1.92"), fig("b", "1.53")]  # tolerance 2 × 0.005 = 0.01, sum 3.45
    [at_edge] = decomposition_check([parent("3.46"), *children], {"x"})
    assert (at_edge.status, at_edge.difference, at_edge.tolerance) == (ROUNDING, D("-0.01"), D("0.010"))
    [beyond] = decomposition_check([parent("3.47"), *children], {"x"})
    assert (beyond.status, beyond.difference) == (MISMATCH, D("-0.02"))
    assert beyond.relative == D("-0.02") / D("3.47")


def test_whole_numbers_are_exact():
    [check] = decomposition_check([parent("10"), fig("a", "4"), fig("b", "5")], {"x"})
    assert (check.status, check.difference, check.relative) == (MISMATCH, D("-1"), D("-0.1"))


def test_unreadable_child_or_parent():
    [check] = decomposition_check([parent("10"), fig("a", "4"), fig("b", None)], {"x"})
    assert (check.status, check.difference) == (UNREADABLE, None)
    [check] = decomposition_check([parent(None), fig("a", "4")], {"x"})
    assert check.status == UNREADABLE


def test_only_additive_indicators_and_matching_year_and_basis():
    rows = [
        parent("80", indicator="ratio"), fig("a", "80", indicator="ratio"), fig("b", "80", indicator="ratio"),
        parent("10"), fig("a", "4"), fig("b", "6"),
        fig("c", "99", basis="annual"), fig("d", "99", year=2025),  # other basis / year: not children here
        parent("7", basis="annual", year=2025),  # a parent with no children: nothing to check
    ]
    checks = decomposition_check(rows, {"x"})
    assert [(c.indicator, c.year, c.basis, c.status, len(c.children)) for c in checks] == [
        ("x", 2024, "cumulative", OK, 2),
    ]


def test_a_child_with_targets_in_other_years_but_not_this_one_is_named_missing():
    rows = [parent("10", year=2024), fig("a", "4", year=2024), fig("b", "6", year=2024),
            parent("12", year=2025), fig("a", "5", year=2025)]  # b's 2025 row left out
    checks = decomposition_check(rows, {"x"})
    assert [(c.year, c.status, c.missing) for c in checks] == [(2024, OK, ()), (2025, MISMATCH, (("b", ""),))]


def test_children_without_a_parent_target_are_not_checked():
    assert decomposition_check([fig("a", "4"), fig("b", "6")], {"x"}) == []


# ── the real plans ────────────────────────────────────────────────────────────


def issues(checks):
    return {(c.indicator, c.year, c.basis): (c.status, c.target, c.children_sum, c.difference)
            for c in checks if c.status != OK}


@pytest.mark.django_db
def test_haiyan_annex_findings():
    checks = plan_decomposition_check(Plan.objects.get(code="haiyan-2024-2026"))
    # 7 additive annex rows (digital, investment, green, energy, clean production, tech centres,
    # trainings) × 3 years, each 全县 vs its 9 towns; the county-only targets have no children.
    assert len(checks) == 21
    assert all(c.region == "330424" and len(c.children) == 9 for c in checks)
    assert issues(checks) == {
        ("investment", 2024, "cumulative"): (ROUNDING, D("50"), D("49.99"), D("-0.01")),
        ("investment", 2025, "cumulative"): (ROUNDING, D("100"), D("99.98"), D("-0.02")),
        ("investment", 2026, "cumulative"): (ROUNDING, D("150"), D("149.97"), D("-0.03")),
        ("clean_production_audits", 2025, "cumulative"): (MISMATCH, D("20"), D("10"), D("-10")),
        ("clean_production_audits", 2026, "cumulative"): (MISMATCH, D("30"), D("10"), D("-20")),
    }
    by_key = {(c.indicator, c.year): c for c in checks}
    assert by_key[("investment", 2024)].tolerance == D("0.045")
    assert by_key[("clean_production_audits", 2025)].relative == D("-0.5")
    assert by_key[("energy_saved", 2026)].children_sum == D("9")
    assert {c.indicator for c in checks} == {"digital_projects", "investment", "green_projects", "energy_saved",
                                            "clean_production_audits", "tech_centers", "trainings"}


@pytest.mark.django_db
def test_jiaxing_counties_add_up_and_the_garbled_rows_cannot_be_checked():
    checks = plan_decomposition_check(Plan.objects.get(code="jiaxing-2020-2021"))
    assert sorted((c.indicator, c.year, c.basis, c.region, c.children_sum, c.status, len(c.children))
                  for c in checks) == [
        ("digital_workshops", 2020, "annual", "330400", None, UNREADABLE, 9),
        ("digital_workshops", 2021, "annual", "330400", None, UNREADABLE, 9),
        ("digital_workshops", 2021, "cumulative", "330400", None, UNREADABLE, 9),
        ("smart_factories", 2021, "cumulative", "330400", None, UNREADABLE, 9),
        ("smart_mfg_projects", 2020, "annual", "330400", D("475"), OK, 9),
        ("smart_mfg_projects", 2021, "annual", "330400", D("525"), OK, 9),
        ("smart_mfg_projects", 2021, "cumulative", "330400", D("1000"), OK, 9),
    ]


# ── the command ───────────────────────────────────────────────────────────────


def run(*args):
    out = StringIO()
    call_command("targets", "check", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_json():
    before = list(Target.objects.order_by("pk").values_list("pk", "value", "note"))
    [plan] = json.loads(run("--plan", "haiyan-2024-2026", "--format", "json"))
    assert (plan["plan"], plan["checked"]) == ("haiyan-2024-2026", 21)
    assert plan["counts"] == {"ok": 16, "rounding": 3, "mismatch": 2, "unreadable": 0}
    found = {(c["indicator"], c["year"]): c for c in plan["checks"] if c["status"] != "ok"}
    assert set(found) == {("investment", 2024), ("investment", 2025), ("investment", 2026),
                          ("clean_production_audits", 2025), ("clean_production_audits", 2026)}
    first = found[("investment", 2024)]
    assert {k: first[k] for k in ["status", "target", "children_sum", "difference", "tolerance", "region_code",
                                   "unit", "basis"]} == {
        "status": "rounding", "target": "50", "children_sum": "49.99", "difference": "-0.01",
        "tolerance": "0.045", "region_code": "330424", "unit": "亿元", "basis": "cumulative"}
    assert {"region_code": "330424103", "region_name": "于城镇", "target": "1.9"} in first["children"]
    assert found[("clean_production_audits", 2026)]["relative"] == "-0.666667"
    assert list(Target.objects.order_by("pk").values_list("pk", "value", "note")) == before  # reads only


@pytest.mark.django_db
def test_command_json_all_plans():
    plans = json.loads(run("--format", "json"))
    # The three city and province plans publish no split: nothing to check.
    assert [p["plan"] for p in plans] == ["haiyan-2024-2026", "jiaxing-2020-2021", "jiaxing-2022-2025",
                                          "jiaxing-2024-2027", "zhejiang-2022"]
    assert plans[1]["counts"] == {"ok": 3, "rounding": 0, "mismatch": 0, "unreadable": 4}
    assert [(p["checked"], len(p["undecomposed"])) for p in plans[2:]] == [(0, 48), (0, 48), (0, 49)]
    # 000: the county's annual table and text targets (the towns' annex is cumulative)
    assert {t["indicator"] for t in plans[0]["undecomposed"]} >= {"future_factories", "loans", "digital_projects"}
    assert all(t["basis"] == "annual" or t["year"] == 2026 for t in plans[0]["undecomposed"])


@pytest.mark.django_db
def test_command_table_lists_the_findings_in_chinese():
    text = run("--plan", "haiyan-2024-2026")
    lines = text.splitlines()
    assert "一致 16，舍入误差 3，不一致 2，无法校核 0" in lines[1]
    rows = [line for line in lines if line.startswith(("直接拉动技改投资", "市级及以上清洁生产审核验收"))]
    assert len(rows) == 5
    assert rows[0].split() == ["直接拉动技改投资", "亿元", "累计", "2024", "海盐县", "50", "49.99", "-0.01", "-0.02%",
                               "0.045", "9", "舍入误差", "rounding"]
    assert rows[4].split()[-8:] == ["30", "10", "-20", "-66.67%", "0", "9", "不一致", "mismatch"]
    garbled = run("--plan", "jiaxing-2020-2021")
    assert "一致 3，舍入误差 0，不一致 0，无法校核 4" in garbled
    province = run("--plan", "zhejiang-2022")
    assert "校核 0 组" in province and "未分解：浙江省的 49 项目标没有下级区域目标" in province


@pytest.mark.django_db
def test_command_unknown_plan_exits_2():
    with pytest.raises(CommandError, match="未知方案“nope”") as caught:
        run("--plan", "nope")
    assert caught.value.returncode == 2


@pytest.mark.django_db
def test_a_town_row_left_out_is_named_in_the_table_and_json():
    Target.objects.get(plan__code="haiyan-2024-2026", indicator__code="tech_centers", year=2024,
                       region__code="330424001").delete()
    line = next(x for x in run("--plan", "haiyan-2024-2026").splitlines()
                if x.startswith("新增市级及以上企业技术中心") and " 2024 " in x)
    assert line.split()[-4:] == ["8", "不一致", "mismatch", "武原街道"]
    [plan] = json.loads(run("--plan", "haiyan-2024-2026", "--format", "json"))
    check = next(c for c in plan["checks"] if (c["indicator"], c["year"]) == ("tech_centers", 2024))
    assert check["missing_children"] == [{"region_code": "330424001", "region_name": "武原街道"}]
