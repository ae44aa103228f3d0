"""The cultivation ladder (next rung, qualification, what is missing; the curated 培育库) and the 高耗低效
closed loop (proposed from 亩均 D and 碳效 5, confirmed, moved step by step, counted as plan indicators)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from lianghua.audit.models import ChangeRecord
from lianghua.enterprises.models import CredentialKind
from lianghua.evaluations.ladder import LadderInput, ladder_method_read, ladder_step
from lianghua.evaluations.methods import EVALUATION_DIR
from lianghua.evaluations.models import CultivationEntry, Evaluation, InefficientCase
from lianghua.evaluations.services import (
    EvaluationError,
    cultivation_add,
    cultivation_drop,
    evaluation_draft,
    inefficient_list,
    inefficient_proposals,
    inefficient_update,
    ladder_steps,
)
from lianghua.rulebook.parameters import documents_load
from lianghua.targets.models import Indicator, Plan, Target
from lianghua.targets.progress import progress_compute
from tests.factories import (
    CredentialFactory,
    DigitalLevelFactory,
    EnterpriseFactory,
    EnterpriseYearFactory,
    ProjectFactory,
)

DAY = dt.date(2026, 6, 30)


def method():
    return ladder_method_read(documents_load(EVALUATION_DIR, {}).documents["ladder-zhejiang"], DAY)


def firm(held=(), level=None, investment=0):
    return LadderInput(1, "913304240000000001", "企业", "武原街道", frozenset(held),
                       None if level is None else D(level), D(investment))


def test_the_next_rung_and_what_is_missing():
    used = method()
    assert (used.levels["digital_workshop"], used.investments["smart_factory"], used.window_years) == (2, 4000, 5)
    step = ladder_step(firm(level="1.8", investment=1500), used)
    assert (step.held, step.next.name, step.qualifies) == (None, "数字化车间", False)
    assert step.missing == ("数字化水平需达到2.0（现为1.8）", "近5年软硬件投资需达到2,000万元（现为1,500.00万元）")
    assert ladder_step(firm(level="2.0", investment=2000), used).qualifies  # each bound is enough
    factory = ladder_step(firm(held={"digital_workshop"}, level="2.5", investment=3999), used)
    assert (factory.held, factory.next.name, factory.missing) == (
        "数字化车间", "智能工厂", ("近5年软硬件投资需达到4,000万元（现为3,999.00万元）",))
    future = ladder_step(firm(held={"smart_factory"}, level="3.0"), used)
    assert (future.next.name, future.qualifies) == ("未来工厂（试点）", True)  # no investment asked
    top = ladder_step(firm(held={"future_factory"}, level="4.0"), used)
    assert (top.held, top.next) == ("未来工厂（试点）", None)


@pytest.mark.django_db
def test_the_registry_feeds_the_ladder_and_officers_curate_the_library(region, county_officer, baibu_officer):
    county = region("330424")
    ready = EnterpriseFactory(region_code="330424001", name="武原数字化车间候选")
    DigitalLevelFactory(enterprise=ready, level=D("2.3"), assessed_on=dt.date(2026, 1, 5))
    ProjectFactory(enterprise=ready, actual_start=dt.date(2023, 3, 1), equipment_investment_wan=D(1500),
                   it_investment_wan=D(600), civil_investment_wan=D(9000))
    ProjectFactory(enterprise=ready, actual_start=dt.date(2020, 3, 1), equipment_investment_wan=D(5000))  # too old
    holder = EnterpriseFactory(region_code="330424001")
    CredentialFactory(enterprise=holder, kind=CredentialKind.objects.get(code="digital_workshop"), level="municipal",
                      granted_on=dt.date(2024, 5, 1))
    _, steps = ladder_steps(county, DAY)
    step = next(s for s in steps if s.enterprise.enterprise_id == ready.pk)
    assert (step.enterprise.level, step.enterprise.investment_wan, step.qualifies) == (D("2.3"), D(2100), True)
    held = next(s for s in steps if s.enterprise.enterprise_id == holder.pk)
    assert (held.held, held.next.name, held.missing[0]) == ("数字化车间", "智能工厂", "数字化水平需达到2.0（无评定）")
    entry = cultivation_add(region=county, enterprise=ready, rung="digital_workshop", note="2026年重点培育",
                            by=county_officer)
    with pytest.raises(EvaluationError, match="已在数字化车间培育库中"):
        cultivation_add(region=county, enterprise=ready, rung="digital_workshop", note="", by=county_officer)
    with pytest.raises(EvaluationError, match="不能调整"):
        cultivation_add(region=county, enterprise=ready, rung="smart_factory", note="", by=baibu_officer)
    with pytest.raises(EvaluationError, match="说明原因"):
        cultivation_drop(entry=entry, reason="", by=county_officer)
    cultivation_drop(entry=entry, reason="企业暂缓改造计划", by=county_officer)
    assert CultivationEntry.objects.get(pk=entry.pk).dropped_at is not None
    cultivation_add(region=county, enterprise=ready, rung="digital_workshop", note="重新入库", by=county_officer)


@pytest.mark.django_db
def test_the_inefficient_loop_from_proposal_to_closing_and_its_indicators(region, county_officer):
    county = region("330424")
    firms = []
    for n in range(5):  # 亩均税收 5 … 25 万元/亩; N = 5 has no class D (the lowest is C)
        enterprise = EnterpriseFactory(region_code="330424001", name=f"高耗低效测试企业{n}")
        EnterpriseYearFactory(enterprise=enterprise, year=2025, tax_wan=D(100 * (n + 1)), pollutant_t=D(2),
                              rd_wan=D(100), co2_t=D(1000 if n else 30000))
        firms.append(enterprise)
    evaluation_draft(region=county, year=2025, by=county_officer)
    evaluation_draft(region=county, year=2025, by=county_officer, kind=Evaluation.Kind.CARBON)
    # Carbon: industry L = 34000 ÷ 6000; firm 0: 30000 ÷ 1200 = 25 → K = 4.41: grade 5. 亩均: no D among 5.
    proposals = inefficient_proposals(county, 2025)
    assert [(e, reasons) for e, reasons in proposals] == [(firms[0], ["工业碳效评价5级（第1版，草稿）"])]
    case = inefficient_list(region=county, year=2025, enterprise=firms[0], reasons=proposals[0][1],
                            by=county_officer, today=dt.date(2026, 3, 1))
    assert inefficient_proposals(county, 2025) == []
    with pytest.raises(EvaluationError, match="已列入"):
        inefficient_list(region=county, year=2025, enterprise=firms[0], reasons=[], by=county_officer)
    with pytest.raises(EvaluationError, match="不能从“列入”直接转为“整治中”"):
        inefficient_update(case=case, values={"status": "rectifying"}, by=county_officer)
    with pytest.raises(EvaluationError, match="须填写整治方式、整治期限"):
        inefficient_update(case=case, values={"status": "planned", "owner": "武原街道经发办"}, by=county_officer)
    case = inefficient_update(case=case, by=county_officer, values={
        "status": "planned", "plan": "upgrade", "deadline": dt.date(2026, 9, 30), "owner": "武原街道经发办"})
    assert case.overdue_on(dt.date(2026, 10, 1)) and not case.overdue_on(dt.date(2026, 9, 30))
    case = inefficient_update(case=case, values={"status": "rectifying", "notes": "更换燃煤锅炉"}, by=county_officer)
    case = inefficient_update(case=case, by=county_officer, today=dt.date(2026, 8, 15), values={
        "status": "improved", "land_freed_mu": D("12.5"), "energy_freed_tce": D(3000)})
    assert (case.status, case.closed_on, case.is_closed) == ("improved", dt.date(2026, 8, 15), True)
    assert ChangeRecord.objects.filter(object_pk=str(case.pk), source="高耗低效整治").count() == 4
    with pytest.raises(EvaluationError, match="不再修改"):
        inefficient_update(case=case, values={"notes": "补记"}, by=county_officer)

    plan = Plan.objects.get(code="haiyan-2024-2026")
    for code, value in (("inefficient_rectified", 3), ("inefficient_land_freed", 1), ("inefficient_energy_freed", 1)):
        Target.objects.create(plan=plan, indicator=Indicator.objects.get(code=code), region=county, year=2026,
                              basis="annual", value=value, comparator="gte")
    rows = {r.indicator: r for r in progress_compute(plan=plan, region=county, year=2026, as_of=dt.date(2026, 9, 30))}
    assert rows["inefficient_rectified"].actual == 1
    assert rows["inefficient_land_freed"].actual == D("0.00125")  # 12.5 亩 = 0.00125 万亩
    assert rows["inefficient_energy_freed"].actual == D("0.3")  # 3000 吨标准煤 = 0.3 万吨标煤
    assert InefficientCase.objects.get(pk=case.pk).status == "improved"
