"""The online digital diagnosis: the questionnaire adds up, answers score by hand-counted points, levels
cut at 20/40/60/80, the weakest areas come first with their directions; a diagnosis becomes the
enterprise's 数字化水平 (source 在线诊断) so the coverage indicators move, its suggestions become 储备
projects, and its kept answers are re-scored when the scoring changes."""

import datetime as dt
import shutil
from decimal import Decimal as D

import pytest

from lianghua.enterprises.models import DigitalLevel
from lianghua.evaluations import methods
from lianghua.evaluations.diagnosis import QuestionnaireError, diagnosis_score, questionnaire_load
from lianghua.evaluations.models import DiagnosisProject
from lianghua.evaluations.services import (
    EvaluationError,
    diagnosis_project_create,
    diagnosis_rescore,
    diagnosis_submit,
    questionnaire_current,
)
from lianghua.targets.models import Indicator, Plan, Target
from lianghua.targets.progress import progress_compute
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, UserFactory

QUESTIONNAIRE = methods.EVALUATION_DIR / "questionnaires" / "diagnosis-2024.yaml"


def answers_with(points_wanted):
    """Answers picking, for each question in order, the option at the index given (default the lowest)."""
    questionnaire = questionnaire_load(QUESTIONNAIRE)
    return {q.code: points_wanted.get(q.code, 0) for _, q in questionnaire.questions}


def test_the_questionnaire_adds_up_to_100_in_four_dimensions():
    questionnaire = questionnaire_load(QUESTIONNAIRE)
    assert [d.name for d in questionnaire.dimensions] == ["数字化基础", "数字化经营", "数字化管理", "数字化成效"]
    assert [d.max_points for d in questionnaire.dimensions] == [25, 25, 25, 25]
    assert questionnaire.cuts == (("一级", 20), ("二级", 40), ("三级", 60), ("四级", 80))
    assert questionnaire.zhejiang["二级"] == D("2.0")


def test_scores_levels_and_weak_areas_by_hand():
    questionnaire = questionnaire_load(QUESTIONNAIRE)
    best = {q.code: len(q.options) - 1 for _, q in questionnaire.questions}
    top = diagnosis_score(questionnaire, best)
    assert (top.total, top.level, top.zhejiang_level, top.weak) == (100, "四级", D("4.0"), ())
    lowest = diagnosis_score(questionnaire, answers_with({}))
    assert (lowest.total, lowest.level, lowest.zhejiang_level) == (0, None, None)
    assert len(lowest.weak) == 12 and lowest.weak[0].question.max_points == 10  # the biggest gaps first at 0%
    # 设备联网 10 + 网络 8 + 编码 2nd option 3 = 21 in 数字化基础 alone: 一级 from 20.
    some = diagnosis_score(questionnaire, answers_with({"equipment_network": 3, "it_infrastructure": 3,
                                                        "data_standards": 1}))
    assert (some.total, some.dimensions["foundation"], some.level) == (21, (21, 25), "一级")
    assert some.weak[0].question.code != "equipment_network"
    nineteen = diagnosis_score(questionnaire, answers_with({"equipment_network": 3, "data_standards": 2,
                                                            "talent_investment": 1}))  # 10 + 5 + 2 = 17
    assert (nineteen.total, nineteen.level) == (17, None)


def test_incomplete_answers_are_refused_with_the_question():
    questionnaire = questionnaire_load(QUESTIONNAIRE)
    answers = answers_with({})
    del answers["quality_traceability"]
    answers["equipment_network"] = 9
    with pytest.raises(QuestionnaireError) as refused:
        diagnosis_score(questionnaire, answers)
    assert "第1题“主要生产设备的联网与数据采集情况”的选项无效" in str(refused.value)
    assert "第5题“质量检测与产品追溯”未作答" in str(refused.value)


@pytest.mark.django_db
def test_a_diagnosis_sets_the_level_moves_the_coverage_and_makes_projects(region, county_officer, baibu_officer):
    firm = EnterpriseFactory(region_code="330424001", name="武原诊断测试企业")
    other = EnterpriseFactory(region_code="330424001")
    for enterprise in (firm, other):
        EnterpriseYearFactory(enterprise=enterprise, year=2026)
    owner = UserFactory(username="diag_firm", role="enterprise", region=None, enterprise=firm)
    plan, county = Plan.objects.get(code="haiyan-2024-2026"), region("330424")
    Target.objects.create(plan=plan, indicator=Indicator.objects.get(code="diagnosis_coverage"), region=county,
                          year=2026, basis="annual", value=100, comparator="gte")

    def coverage():
        rows = progress_compute(plan=plan, region=county, year=2026, as_of=dt.date(2026, 11, 30))
        return next(r for r in rows if r.indicator == "diagnosis_coverage").actual

    assert coverage() == 0
    answers = answers_with({"equipment_network": 3, "it_infrastructure": 3, "data_standards": 3,
                            "production_planning": 3, "finance_procurement": 2})  # 25 + 10 + 7 = 42: 二级
    diagnosis = diagnosis_submit(enterprise=firm, answers=answers, by=owner, today=dt.date(2026, 11, 20))
    assert (diagnosis.score, diagnosis.level, diagnosis.zhejiang_level) == (42, "二级", D("2.0"))
    level = DigitalLevel.objects.get(enterprise=firm)
    assert (level.level, level.source, level.assessed_on) == (D("2.0"), "diagnosis", dt.date(2026, 11, 20))
    assert coverage() == 50  # one of the two 规上 firms of 2026

    with pytest.raises(EvaluationError, match="不能为该企业填写"):
        diagnosis_submit(enterprise=other, answers=answers, by=owner)
    with pytest.raises(EvaluationError, match="不能为该企业填写"):
        diagnosis_submit(enterprise=other, answers=answers, by=baibu_officer)

    weakest = diagnosis.weak[0]["question"]
    project = diagnosis_project_create(diagnosis=diagnosis, question=weakest, by=county_officer)
    assert (project.stage, project.enterprise, project.category) == ("reserve", firm, "digital")
    assert DiagnosisProject.objects.get(project=project).diagnosis == diagnosis
    with pytest.raises(EvaluationError, match="已生成储备项目"):
        diagnosis_project_create(diagnosis=diagnosis, question=weakest, by=county_officer)
    with pytest.raises(EvaluationError, match="不能为该企业新建项目"):
        diagnosis_project_create(diagnosis=diagnosis, question="energy_management", by=owner)


@pytest.mark.django_db
def test_kept_answers_are_rescored_when_the_scoring_changes(region, county_officer, tmp_path, monkeypatch):
    firm = EnterpriseFactory(region_code="330424102")
    answers = answers_with({"equipment_network": 3, "it_infrastructure": 3, "data_standards": 3})  # 25
    diagnosis = diagnosis_submit(enterprise=firm, answers=answers, by=county_officer, today=dt.date(2026, 3, 2))
    assert (diagnosis.score, diagnosis.zhejiang_level) == (25, D("1.0"))
    # The scoring changes (the file must still add up to 100): the top option of 设备联网 is now worth 20,
    # and 生产效率提升 no longer scores.
    changed = tmp_path / "evaluations"
    shutil.copytree(methods.EVALUATION_DIR, changed)
    path = changed / "questionnaires" / "diagnosis-2024.yaml"
    text = path.read_text(encoding="utf-8").replace("{text: 70%以上设备联网并实时采集运行数据, points: 10}",
                                                    "{text: 70%以上设备联网并实时采集运行数据, points: 20}")
    for option in ("提升10%以内, points: 4", "提升10%–30%, points: 7", "提升30%以上, points: 10"):
        text = text.replace(option, option.rsplit(" ", 1)[0] + " 0")
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(methods, "EVALUATION_DIR", changed)
    assert questionnaire_current().version != diagnosis.questionnaire_version
    rescored = diagnosis_rescore(diagnosis=diagnosis, by=county_officer)
    assert (rescored.score, rescored.level, rescored.zhejiang_level) == (35, "一级", D("1.0"))
    assert rescored.answers == answers and rescored.rescored_at is not None
