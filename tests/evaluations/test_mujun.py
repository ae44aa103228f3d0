"""亩均效益综合评价, the pure method (evaluations/mujun.py) on the data file's own parameters: every
formula with numbers worked by hand, the class boundaries, ties, missing data and the groups listed apart."""

import datetime as dt
from decimal import Decimal as D

import pytest

from lianghua.evaluations.methods import EVALUATION_DIR, MUJUN_DOCUMENT
from lianghua.evaluations.mujun import (
    ABOVE,
    BELOW,
    EXEMPT,
    SMALL,
    EnterpriseInput,
    class_of,
    method_read,
    mujun_evaluate,
)
from lianghua.rulebook.parameters import documents_load

CLASS_NAMES = {"A": "优先发展", "B": "鼓励提升", "C": "帮扶整治", "D": "倒逼整治"}


def method(settings=None, year=2025):
    document = documents_load(EVALUATION_DIR, settings or {}).documents[MUJUN_DOCUMENT]
    return method_read(document, year, CLASS_NAMES)


def firm(n, *, above=True, **figures):
    base = dict(land_mu=10, tax_wan=100, value_added_wan=500, energy_tce=250, pollutant_t=1, employees=50,
                rd_wan=30, revenue_wan=1000) if above else dict(land_mu=10, tax_wan=50)
    base.update(figures)
    return EnterpriseInput(enterprise_id=n, credit_code=f"9133042400000000{n:02d}", name=f"企业{n}", region="武原街道",
                           is_above_scale=above, **{k: None if v is None else float(v) for k, v in base.items()})


def close(value, expected):
    """Scores are doubles published to 4 places: equal there."""
    return round(value, 4) == round(float(expected), 4)


def test_the_parameters_are_the_data_files_and_say_which_are_placeholders():
    used = method()
    assert used.groups[ABOVE].weights == {"mu_tax": 30, "mu_value_added": 20, "energy_productivity": 20,
                                          "emission_productivity": 10, "labour_productivity": 10, "rd_intensity": 10}
    assert used.groups[BELOW].weights == {"mu_tax": 100, "electricity_tax": 0}
    assert used.groups[ABOVE].shares == {"A": D("0.20"), "B": D("0.80"), "C": D("0.95")}  # exact: they cut ranks
    assert (used.min_land_mu, used.min_years_in_production) == (3, 2)
    assert used.groups[ABOVE].benchmarks == {} and used.groups[ABOVE].caps == {}  # not set: aggregate, no cap
    assert {row["parameter"] for row in used.placeholders} == {
        "mujun-zhejiang.above.weights", "mujun-zhejiang.below.weights", "mujun-zhejiang.above.class_shares",
        "mujun-zhejiang.below.class_shares", "mujun-zhejiang.exempt.min_years_in_production"}
    local = method({"mujun-zhejiang.above.weights": {"mu_tax": 50, "mu_value_added": 50}})
    assert local.groups[ABOVE].weights == {"mu_tax": 50, "mu_value_added": 50}
    assert "mujun-zhejiang.above.weights" not in {row["parameter"] for row in local.placeholders}


def test_terms_are_weight_times_value_over_the_groups_aggregate():
    # Two 规上 firms. 亩均税收 benchmark = (100 + 300) ÷ (10 + 20) = 13.3333 万元/亩.
    a = firm(1)
    b = firm(2, land_mu=D(20), tax_wan=D(300), value_added_wan=D(1500), energy_tce=D(250), pollutant_t=D(3),
             employees=D(100), rd_wan=D(10), revenue_wan=D(4000))
    evaluation = mujun_evaluate([a, b], method())
    first, second = evaluation.of_group(ABOVE)
    assert first.enterprise is b and second.enterprise is a
    tax = second.term("mu_tax")
    assert tax.value == 10 and close(tax.benchmark, D(400) / D(30))
    assert close(tax.points, D("22.5"))  # 30 × 10 ÷ 13.3333
    # 亩均增加值 500/10 = 50 against 2000/30; 单位能耗增加值 500/250 = 2 against 2000/500 = 4 → 10 points;
    # 单位排放 500/1 against 2000/4 = 500 → 10; 劳动生产率 10 against 2000/150; R&D 0.03 against 40/5000.
    assert close(second.term("energy_productivity").points, 10)
    assert close(second.term("emission_productivity").points, 10)
    assert close(second.score, D("102.5"))  # 22.5 + 15 + 10 + 10 + 7.5 + 37.5
    assert close(first.score, D("110.625"))  # 33.75 + 22.5 + 30 + 10 + 11.25 + 3.125
    assert close(evaluation.benchmarks[ABOVE]["rd_intensity"], D(40) / D(5000))


def test_without_emission_data_the_groups_average_term_counts_and_other_gaps_unrank():
    evaluation = mujun_evaluate([firm(1, pollutant_t=D(1)), firm(2, pollutant_t=D(2)), firm(3, pollutant_t=None),
                                 firm(4, employees=None)], method())
    by_n = {r.enterprise.enterprise_id: r for r in evaluation.results}
    # Benchmark of 单位排放增加值 over those with the data: 1000 ÷ 3; terms 10 × 500 ÷ 333.33 = 15 and 7.5.
    assert close(by_n[1].term("emission_productivity").points, 15)
    assert close(by_n[2].term("emission_productivity").points, "7.5")
    missing = by_n[3].term("emission_productivity")
    assert missing.value is None and close(missing.points, "11.25")  # (15 + 7.5) ÷ 2
    assert "平均得分" in missing.note
    assert by_n[4].rank is None and by_n[4].reason == "数据不全，不参加排名：缺少年均职工人数"
    assert by_n[4].term("labour_productivity").value is None and by_n[4].term("mu_tax").points is None


def test_small_exempt_and_young_firms_are_listed_apart_with_the_reason():
    firms = [firm(1, above=False, land_mu=2.5), firm(2, above=False, land_mu=None), firm(3, above=False, land_mu=3),
             EnterpriseInput(4, "913304240000000004", "新厂", "百步镇", True, land_mu=5.0, tax_wan=1.0,
                             production_started_on=dt.date(2024, 3, 1)),
             EnterpriseInput(5, "913304240000000005", "老厂", "百步镇", True, land_mu=5.0, tax_wan=1.0,
                             production_started_on=dt.date(2023, 12, 1)),
             EnterpriseInput(6, "913304240000000006", "水厂", "百步镇", True, exemption="公用事业（自来水）")]
    by_n = {r.enterprise.enterprise_id: r for r in mujun_evaluate(firms, method()).results}
    assert (by_n[1].group, by_n[1].reason) == (SMALL, "规下企业，用地2.5亩，不足3亩，列出不排名")
    assert by_n[2].group == SMALL and "缺少用地面积" in by_n[2].reason
    assert (by_n[3].group, by_n[3].rank, by_n[3].klass) == (BELOW, 1, "B")  # N = 1: round(0.2) = 0, round(0.8) = 1
    assert (by_n[4].group, by_n[4].reason) == (EXEMPT, "2024年3月投产，至2025年末投产不满2年")
    assert by_n[5].group == ABOVE  # 2023-12 to the end of 2025: two years
    assert (by_n[6].group, by_n[6].reason) == (EXEMPT, "公用事业（自来水）")


@pytest.mark.parametrize(("ranked", "counts"), [
    (1, {"A": 0, "B": 1, "C": 0, "D": 0}),
    (5, {"A": 1, "B": 3, "C": 1, "D": 0}),    # cuts 1, 4, round(4.75) = 5
    (19, {"A": 4, "B": 11, "C": 3, "D": 1}),  # cuts round(3.8) = 4, round(15.2) = 15, round(18.05) = 18
    (20, {"A": 4, "B": 12, "C": 3, "D": 1}),  # cuts 4, 16, 19
    (21, {"A": 4, "B": 13, "C": 3, "D": 1}),  # cuts round(4.2) = 4, round(16.8) = 17, round(19.95) = 20
])
def test_class_boundaries_by_rank(ranked, counts):
    shares = {"A": D("0.20"), "B": D("0.80"), "C": D("0.95")}
    classes = [class_of(rank, ranked, shares) for rank in range(1, ranked + 1)]
    assert {k: classes.count(k) for k in "ABCD"} == counts
    evaluation = mujun_evaluate([firm(n, tax_wan=100 + n) for n in range(ranked)], method())
    assert evaluation.class_counts(ABOVE) == counts


def test_round_half_up_at_the_cut():
    # A cut that lands on .5 rounds up (0.25 × 10 = 2.5 → 3; banker's rounding would give 2); 0.2 × 38 = 7.6 → 8.
    assert class_of(3, 10, {"A": D("0.25"), "B": D("0.80"), "C": D("0.95")}) == "A"
    assert class_of(8, 38, {"A": D("0.20"), "B": D("0.80"), "C": D("0.95")}) == "A"


def test_ties_go_by_mu_tax_then_credit_code():
    # Same score: the 规下 group scores 亩均税收 only, so equal 亩均税收 are equal scores, then the code decides;
    # 规上 at 50/50: (10 万元/亩 tax, 40 VA) and (8, 50) against benchmarks 9 and 45 both score 100; the
    # higher 亩均税收 goes first although its credit code is the larger.
    below = mujun_evaluate([firm(3, above=False), firm(1, above=False), firm(2, above=False, tax_wan=60)], method())
    assert [r.enterprise.enterprise_id for r in below.of_group(BELOW)] == [2, 1, 3]
    weights = {"mujun-zhejiang.above.weights": {"mu_tax": 50, "mu_value_added": 50}}
    tied = mujun_evaluate([firm(1, tax_wan=80, value_added_wan=500), firm(2, tax_wan=100, value_added_wan=400)],
                          method(weights))
    first, second = tied.of_group(ABOVE)
    assert close(first.score, 100) and close(second.score, 100)
    assert (first.enterprise.enterprise_id, first.rank, second.rank) == (2, 1, 2)


def test_published_benchmarks_and_caps_where_a_county_sets_them():
    settings = {"mujun-zhejiang.above.benchmarks": {"mu_tax": "24.097"},
                "mujun-zhejiang.above.term_caps": {"mu_tax": 45}}
    evaluation = mujun_evaluate([firm(1, tax_wan=500), firm(2)], method(settings))
    by_n = {r.enterprise.enterprise_id: r for r in evaluation.results}
    assert by_n[2].term("mu_tax").benchmark == 24.097  # 黄岩区 2022 的基准值
    assert close(by_n[2].term("mu_tax").points, D(300) / D("24.097"))  # 30 × 10 ÷ 24.097 = 12.4497
    capped = by_n[1].term("mu_tax")  # 30 × 50 ÷ 24.097 = 62.25 → 45
    assert capped.points == 45 and "上限" in capped.note


def test_the_inputs_are_read_in_the_order_the_dataclass_takes_them():
    from lianghua.evaluations.selectors import INPUT_FIELDS

    names = list(EnterpriseInput._fields)
    assert names[5:5 + len(INPUT_FIELDS)] == list(INPUT_FIELDS)  # mujun_inputs builds them positionally
    assert names[5 + len(INPUT_FIELDS):] == ["production_started_on", "exemption"]
