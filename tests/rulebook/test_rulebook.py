"""The rulebook on its own (no Django, no subsidy): dated parameters read through a tracing context,
tiers with their own keys, setting placeholders, rules declared beside their functions, and the
combination principles — what the evaluations (亩均 weights, 碳效 cut-offs) will read the same way."""

from datetime import date
from decimal import Decimal as D

import pytest

from lianghua.rulebook.evaluation import (
    Award,
    Context,
    MissingSetting,
    NotApplied,
    RuleSet,
    combine,
    highest_only,
)
from lianghua.rulebook.parameters import RulebookDataError, document_compile

EVALUATION = {
    "id": "county-2024-mujun", "title": "亩均效益综合评价办法（测试）", "source": "test.txt", "status": "final",
    "period": {"start": "2024-01-01", "end": None, "clause": "第一条"},
    "parameters": {
        "weight.tax_per_mu": {"unit": "ratio", "clause": "第五条", "values": {"2024-01-01": 0.3, "2025-01-01": 0.35}},
        "grade.cut_offs": {"unit": "分", "clause": "第八条", "values": {"start": [
            {"min_score": 80, "grade": 1}, {"min_score": 60, "grade": 2}, {"min_score": 0, "grade": 3}]}},
        "benchmark.tax_per_mu": {"unit": "万元/亩", "clause": "第六条", "setting": True, "note": "县自定",
                                 "values": {"start": None}},
    },
}


def test_dated_values_tiers_and_settings_are_read_with_their_dates():
    document = document_compile(EVALUATION, {}, "test.yaml")
    ctx = Context({}, date(2025, 6, 30))
    ctx.doc = document
    assert ctx.num("weight.tax_per_mu") == D("0.35")
    assert ctx.num("weight.tax_per_mu", ordinal=date(2024, 12, 31).toordinal()) == D("0.3")
    assert ctx.tiers("grade.cut_offs") == ((D(0), D(3)), (D(60), D(2)), (D(80), D(1)))
    with pytest.raises(MissingSetting) as missing:
        ctx.num("benchmark.tax_per_mu")
    assert missing.value.parameter.note == "县自定"
    trace = {row["parameter"]: row for row in ctx.trace_rows()}
    assert trace["county-2024-mujun.weight.tax_per_mu"]["effective"] == "2024-01-01"  # the last read
    assert trace["county-2024-mujun.grade.cut_offs"]["value"][0] == {"min_score": D(0), "grade": D(3)}
    assert trace["county-2024-mujun.benchmark.tax_per_mu"]["setting"] is True
    filled = document_compile(EVALUATION, {"county-2024-mujun.benchmark.tax_per_mu": "30"}, "test.yaml")
    ctx.doc = filled
    assert ctx.num("benchmark.tax_per_mu") == D(30)


def test_a_placeholder_is_used_and_said_until_a_setting_replaces_it():
    borrowed = {**EVALUATION, "parameters": {**EVALUATION["parameters"], "weight.tax_per_mu": {
        "unit": "分", "clause": "黄岩区2022年计分办法", "setting": True, "placeholder": "借用黄岩区方案，待本县设定",
        "values": {"start": 30}}}}
    ctx = Context({}, date(2025, 6, 30))
    ctx.doc = document_compile(borrowed, {}, "test.yaml")
    assert ctx.num("weight.tax_per_mu") == 30
    row = ctx.trace_rows()[0]
    assert (row["value"], row["setting"], row["placeholder"]) == (30, True, "借用黄岩区方案，待本县设定")
    ctx = Context({}, date(2025, 6, 30))
    ctx.doc = document_compile(borrowed, {"county-2024-mujun.weight.tax_per_mu": "45"}, "test.yaml")
    assert ctx.num("weight.tax_per_mu") == 45 and "placeholder" not in ctx.trace_rows()[0]
    with pytest.raises(RulebookDataError, match="须是设置项"):
        document_compile({**EVALUATION, "parameters": {"w": {"unit": "", "clause": "x", "placeholder": "借用",
                                                              "values": {"start": 1}}}}, {}, "test.yaml")


def test_a_setting_may_fill_only_an_open_parameter_and_tiers_need_one_bound():
    with pytest.raises(RulebookDataError, match="不是设置项"):
        document_compile(EVALUATION, {"county-2024-mujun.weight.tax_per_mu": "0.5"}, "test.yaml")
    broken = {**EVALUATION, "parameters": {"t": {"unit": "", "clause": "x", "values": {"start": [{"a": 1, "b": 2}]}}}}
    with pytest.raises(RulebookDataError, match="分档"):
        document_compile(broken, {}, "test.yaml")


def test_rules_declared_beside_their_functions_combine_by_principle():
    rules: RuleSet[Context] = RuleSet("county-2024-mujun")

    @rules.rule("a", clause="第五条", title="甲", matter="m", kind="k")
    def pays_two(ctx: Context) -> tuple[D, str]:
        return D(2), "甲"

    @rules.rule("b", clause="第六条", title="乙", matter="m", kind="k")
    def pays_three(ctx: Context) -> tuple[D, str]:
        return D(3), "乙"

    @rules.rule("c", clause="第七条", title="丙", matter="m", kind="k")
    def does_not_apply(ctx: Context) -> tuple[D, str]:
        raise NotApplied("不适用")

    assert [r.id for r in rules.rules] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="declared twice"):
        rules.add("a", clause="", title="", matter="m", compute=pays_two)
    ctx = Context({}, date(2025, 1, 1))
    awards = [Award(rule, *rule.compute(ctx)) for rule in rules.rules[:2]]
    not_applied: list[dict[str, str]] = []
    assert [a.rule.id for a in highest_only(awards, ctx, None, not_applied)] == ["b"]
    assert not_applied[0]["rule"] == "a" and "就高不重复" in not_applied[0]["reason"]
    document = document_compile(EVALUATION, {}, "test.yaml")  # names no principle: 就高不重复
    assert [a.rule.id for a in combine(awards, ctx, [document], [])] == ["b"]
