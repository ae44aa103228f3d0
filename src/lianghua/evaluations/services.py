"""Keeping an evaluation and taking it through 公示 (evaluations/models.py):

draft (computed from the registry, replaced by a later draft) → 公示 (each enterprise sees its own result
and may file an objection until the deadline: LIANGHUA_EVALUATION_PUBLICITY_WORKING_DAYS working days) →
an officer accepts an objection (correcting the figure through the audited edit path, which re-scores
the evaluation) or rejects it, with a reason → 定档 once the period is over and no objection is open:
final and locked. A later data change is a new version, which must say why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lianghua.accounts.models import User
from lianghua.accounts.notifications import notify
from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.scope import user_sees_region
from lianghua.audit.editing import record_delete, record_save
from lianghua.audit.models import DomainEvent
from lianghua.audit.services import domain_event_record
from lianghua.enterprises.models import DigitalLevel, Enterprise, EnterpriseYear
from lianghua.projects.models import Project
from lianghua.projects.services import project_save
from lianghua.regions.models import Region
from lianghua.rulebook.evaluation import Context, MissingSetting

from .diagnosis import DiagnosisScore, Questionnaire, QuestionnaireError, diagnosis_score, questionnaire_load
from .kinds import KINDS
from .ladder import RUNG_BY_KIND, LadderMethod, LadderStep, ladder_method_read, ladder_step
from .models import (
    CultivationEntry,
    Diagnosis,
    DiagnosisProject,
    Evaluation,
    EvaluationResult,
    Exemption,
    InefficientCase,
    MethodSetting,
    Objection,
)
from .selectors import ladder_inputs, latest_evaluation

OBJECTION_SOURCE = "亩均效益评价异议处理"
LADDER_DOCUMENT = "ladder-zhejiang"
INEFFICIENT_DOCUMENT = "inefficient-zhejiang"


class EvaluationError(ValueError):
    """A step the evaluation's state or the user's role does not allow; the message says why, in Chinese."""


def working_days_after(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day (Monday to Friday) after `day`."""
    while count > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _refuse_unless_evaluator(user: Any, region: Region) -> None:
    if not user_may(user, Capability.PUBLISH):
        raise EvaluationError("您的账号不能生成、公示或定档评价（仅经信部门工作人员和管理员可以）")
    if not user_sees_region(user, region):
        raise EvaluationError(f"您的账号不能评价{region.name}的企业")


def _compute(kind: str, region: Region, year: int) -> Any:
    try:
        return KINDS[kind].compute(region, year)
    except MissingSetting as exc:
        raise EvaluationError(f"评价参数“{exc.parameter.name}”尚未设置：{exc.parameter.note}") from exc
    except ValueError as exc:
        raise EvaluationError(str(exc)) from exc


def _store(evaluation: Evaluation, computed: Any) -> None:
    """Replace the evaluation's results with `computed` (the method and counts with them)."""
    kind = KINDS[evaluation.kind]
    evaluation.results.all().delete()
    EvaluationResult.objects.bulk_create([EvaluationResult(evaluation=evaluation, **row) for row in kind.rows(computed)],
                                         batch_size=2000)
    evaluation.method = kind.method(computed, evaluation.region)
    evaluation.counts = kind.counts(computed)
    evaluation.computed_at = timezone.now()
    evaluation.save(update_fields=["method", "counts", "computed_at"])


def evaluation_draft(*, region: Region, year: int, by: Any, note: str = "",
                     kind: str = Evaluation.Kind.MUJUN) -> Evaluation:
    """Compute and keep the year's draft: replacing an earlier draft; after a 定档 version, a new version
    that says why (`note`); refused while a version is in 公示 (its objections re-score it)."""
    _refuse_unless_evaluator(by, region)
    computed = _compute(kind, region, year)
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=region.pk).first()  # one version number at a time
        latest = latest_evaluation(kind, region, year)
        version = 1
        if latest is not None and latest.status == Evaluation.Status.PUBLICISED:
            raise EvaluationError(f"{latest.title}第{latest.version}版正在公示，须定档后才能另起新版本")
        if latest is not None and latest.status == Evaluation.Status.DRAFT:
            version, note = latest.version, note or latest.note
            latest.delete()
        elif latest is not None:
            if not note.strip():
                raise EvaluationError(f"{latest.title}第{latest.version}版已定档；另起新版本须说明原因（如哪些数据更正）")
            version = latest.version + 1
        evaluation = Evaluation.objects.create(kind=kind, region=region, year=year, version=version,
                                               note=note.strip()[:300], computed_at=timezone.now(),
                                               created_by=by if getattr(by, "pk", None) else None)
        _store(evaluation, computed)
        domain_event_record(kind=DomainEvent.Kind.EVALUATION_DRAFTED, actor=by, region=region,
                            evaluation=kind, year=year, version=version, enterprises=len(computed.results))
    return evaluation


def _enterprise_users(enterprise_ids: list[int]) -> list[User]:
    return list(User.objects.filter(is_active=True, role="enterprise", enterprise_id__in=enterprise_ids))


def _officers(region: Region) -> list[User]:
    return list(User.objects.filter(is_active=True, role="officer", region=region))


def evaluation_publicise(*, evaluation: Evaluation, by: Any, today: dt.date | None = None) -> Evaluation:
    """Open the draft for 公示: each enterprise sees its own result and may object until the deadline."""
    _refuse_unless_evaluator(by, evaluation.region)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if current.status != Evaluation.Status.DRAFT:
            raise EvaluationError(f"{current.title}第{current.version}版{current.get_status_display()}，不能再公示")
        current.status = Evaluation.Status.PUBLICISED
        current.publicised_at = timezone.now()
        current.objections_until = working_days_after(today, settings.LIANGHUA_EVALUATION_PUBLICITY_WORKING_DAYS)
        current.save(update_fields=["status", "publicised_at", "objections_until"])
        domain_event_record(kind=DomainEvent.Kind.EVALUATION_PUBLICISED, actor=by, region=current.region,
                            evaluation=current.kind, year=current.year, version=current.version,
                            until=current.objections_until)
        enterprise_ids = list(current.results.values_list("enterprise_id", flat=True))
        transaction.on_commit(lambda: notify(
            _enterprise_users(enterprise_ids), title=f"{current.title}结果公示",
            body=f"贵企业的评价结果已公示，如有异议请于{current.objections_until:%Y年%-m月%-d日}前提出。",
            url=reverse("evaluations:mine")))
    return current


def _answerable(objection: Objection, by: Any) -> Objection:
    if not user_may(by, Capability.APPROVE) or not user_sees_region(by, objection.evaluation.region):
        raise EvaluationError("您的账号不能处理该评价的异议")
    current = Objection.objects.select_for_update().select_related("evaluation", "enterprise").get(pk=objection.pk)
    if current.status != Objection.Status.OPEN:
        raise EvaluationError(f"该异议已{current.get_status_display()}，不能重复处理")
    if current.evaluation.status != Evaluation.Status.PUBLICISED:
        raise EvaluationError("该评价不在公示中，异议不能再处理")
    return current


def objection_file(*, evaluation: Evaluation, by: Any, reason: str, attachment: bytes | None = None,
                   attachment_name: str = "", today: dt.date | None = None) -> Objection:
    """An enterprise's objection to its own result, while the evaluation is in 公示 and before the deadline."""
    today = today or timezone.localdate()
    enterprise_id = getattr(by, "enterprise_id", None)
    if not user_may(by, Capability.REPORT) or enterprise_id is None:
        raise EvaluationError("只有企业用户可以对本企业的评价结果提出异议")
    if evaluation.status != Evaluation.Status.PUBLICISED:
        raise EvaluationError("该评价不在公示期，不能提出异议")
    if evaluation.objections_until and today > evaluation.objections_until:
        raise EvaluationError(f"公示期已于{evaluation.objections_until:%Y年%-m月%-d日}结束，不能再提出异议")
    if not evaluation.results.filter(enterprise_id=enterprise_id).exists():
        raise EvaluationError("本企业不在该评价中")
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError("请填写异议理由（哪项数据有误、应为多少、依据是什么）")
    if attachment is not None and len(attachment) > settings.LIANGHUA_OBJECTION_ATTACHMENT_MAX_BYTES:
        raise EvaluationError(f"附件不能超过{settings.LIANGHUA_OBJECTION_ATTACHMENT_MAX_BYTES // (1024 * 1024)}MB")
    with transaction.atomic():
        objection = Objection.objects.create(evaluation=evaluation, enterprise_id=enterprise_id, reason=reason[:2000],
                                             attachment=attachment or None, attachment_name=attachment_name[:200],
                                             filed_by=by)
        domain_event_record(kind=DomainEvent.Kind.OBJECTION_FILED, actor=by, region=evaluation.region,
                            evaluation=evaluation.kind, year=evaluation.year, enterprise=enterprise_id)
        transaction.on_commit(lambda: notify(
            _officers(evaluation.region), title=f"{objection.enterprise.name}对{evaluation.title}提出异议",
            body=reason[:200], url=reverse("evaluations:objection", args=[objection.pk])))
    return objection


def evaluation_rescore(*, evaluation: Evaluation, by: Any) -> Evaluation:
    """Recompute a draft or a version in 公示 from the registry as it stands (after a correction)."""
    _refuse_unless_evaluator(by, evaluation.region)
    if evaluation.is_final:
        raise EvaluationError("已定档的评价不能重新计算；数据变化请另起新版本")
    computed = _compute(evaluation.kind, evaluation.region, evaluation.year)
    with transaction.atomic():
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _store(current, computed)
        domain_event_record(kind=DomainEvent.Kind.EVALUATION_RESCORED, actor=by, region=current.region,
                            evaluation=current.kind, year=current.year, version=current.version)
    return current


def _answered(objection: Objection, *, status: str, by: Any, answer: str) -> Objection:
    objection.status, objection.answer = status, answer[:2000]
    objection.answered_by, objection.answered_at = by, timezone.now()
    objection.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    domain_event_record(kind=DomainEvent.Kind.OBJECTION_ANSWERED, actor=by, region=objection.evaluation.region,
                        evaluation=objection.evaluation.kind, year=objection.evaluation.year,
                        enterprise=objection.enterprise_id, status=status)
    filer = objection.filed_by
    transaction.on_commit(lambda: notify(
        [filer], title=f"您对{objection.evaluation.title}的异议{objection.get_status_display()}", body=answer[:300],
        url=reverse("evaluations:mine")))
    return objection


def objection_reject(*, objection: Objection, by: Any, answer: str) -> Objection:
    answer = (answer or "").strip()
    if not answer:
        raise EvaluationError("不予采纳须说明理由")
    with transaction.atomic():
        return _answered(_answerable(objection, by), status=Objection.Status.REJECTED, by=by, answer=answer)


def objection_accept(*, objection: Objection, by: Any, answer: str, corrections: Mapping[str, Any] | None = None,
                     version: int | None = None) -> Objection:
    """Accept: correct the enterprise's figures for the year through the audited edit path (`corrections`:
    field → value; `version` the record's version the officer saw), then re-score the evaluation."""
    answer = (answer or "").strip()
    if not answer:
        raise EvaluationError("采纳异议须写明处理意见（更正了哪些数据）")
    with transaction.atomic():
        current = _answerable(objection, by)
        if corrections:
            year = EnterpriseYear.objects.get(enterprise=current.enterprise, year=current.evaluation.year)
            record_save(instance=year, values=dict(corrections), by=by, version=version, source=OBJECTION_SOURCE,
                        subject=current.enterprise, reason=answer)
        _answered(current, status=Objection.Status.ACCEPTED, by=by, answer=answer)
    evaluation_rescore(evaluation=current.evaluation, by=by)
    return current


def evaluation_finalise(*, evaluation: Evaluation, by: Any, today: dt.date | None = None) -> Evaluation:
    """定档: after the 公示 period, with every objection answered; the classes are then locked."""
    _refuse_unless_evaluator(by, evaluation.region)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if current.status != Evaluation.Status.PUBLICISED:
            raise EvaluationError("只有公示中的评价可以定档（草稿须先公示）")
        if current.objections_until and today <= current.objections_until:
            raise EvaluationError(f"公示期至{current.objections_until:%Y年%-m月%-d日}，期满后方可定档")
        open_count = current.objections.filter(status=Objection.Status.OPEN).count()
        if open_count:
            raise EvaluationError(f"还有{open_count}条异议未处理，处理完毕后方可定档")
        current.status, current.finalised_at = Evaluation.Status.FINAL, timezone.now()
        current.finalised_by = by if getattr(by, "pk", None) else None
        # Saved with an UPDATE: the model refuses saves of a final version, and this one is the last.
        Evaluation.objects.filter(pk=current.pk).update(status=current.status, finalised_at=current.finalised_at,
                                                        finalised_by=current.finalised_by)
        domain_event_record(kind=DomainEvent.Kind.EVALUATION_FINALISED, actor=by, region=current.region,
                            evaluation=current.kind, year=current.year, version=current.version,
                            counts=current.counts)
        enterprise_ids = list(current.results.values_list("enterprise_id", flat=True))
        transaction.on_commit(lambda: notify(_enterprise_users(enterprise_ids), title=f"{current.title}已定档",
                                             url=reverse("evaluations:mine")))
    return current


def exemption_set(*, enterprise: Enterprise, year: int, reason: str, by: Any) -> Exemption | None:
    """Keep an enterprise out of the year's ranking with the reason (an empty reason lifts it)."""
    if not user_may(by, Capability.WRITE) or not user_sees_region(by, enterprise.region):
        raise EvaluationError("您的账号不能登记该企业的评价例外")
    reason = (reason or "").strip()
    with transaction.atomic():
        Exemption.objects.filter(enterprise=enterprise, year=year).delete()
        exemption = None
        if reason:
            exemption = Exemption.objects.create(enterprise=enterprise, year=year, reason=reason[:200],
                                                 recorded_by=by if getattr(by, "pk", None) else None)
        domain_event_record(kind=DomainEvent.Kind.EXEMPTION_CHANGED, actor=by, region=enterprise.region,
                            enterprise=enterprise.credit_code, year=year, reason=reason)
    return exemption


def method_setting_set(*, region: Region, name: str, value: Any, basis: str, by: Any) -> MethodSetting | None:
    """A region's own value of an open method parameter, with its basis (the local file); None lifts it.
    The value is checked by compiling the method with it before it is kept."""
    from lianghua.rulebook.parameters import RulebookDataError

    from .methods import mujun_method

    _refuse_unless_evaluator(by, region)
    if value is not None and not (basis or "").strip():
        raise EvaluationError("请填写设置依据（本地文件名称和文号）")
    with transaction.atomic():
        MethodSetting.objects.filter(region=region, name=name).delete()
        setting = None
        if value is not None:
            setting = MethodSetting.objects.create(region=region, name=name, value=value, basis=basis.strip()[:300],
                                                   set_by=by if getattr(by, "pk", None) else None)
        try:
            mujun_method(region, timezone.localdate().year)
        except (RulebookDataError, ValueError) as exc:  # the rulebook's own message says what is wrong
            raise EvaluationError(f"设置无效：{exc}") from exc
        domain_event_record(kind=DomainEvent.Kind.EVALUATION_SETTING_CHANGED, actor=by, region=region,
                            name=name, value=value, basis=basis)
    return setting



# ── the online digital diagnosis ──────────────────────────────────────────────────────────────────

DIAGNOSIS_SOURCE = "在线诊断"
_questionnaires: dict[Any, Questionnaire] = {}


def questionnaire_current() -> Questionnaire:
    """The questionnaire in use: the last file of data/evaluations/questionnaires/ by name, read once per
    state of the file."""
    from .methods import EVALUATION_DIR

    path = sorted((EVALUATION_DIR / "questionnaires").glob("*.yaml"))[-1]
    key = (path.name, path.stat().st_mtime_ns)
    if key not in _questionnaires:
        _questionnaires.clear()
        _questionnaires[key] = questionnaire_load(path)
    return _questionnaires[key]


def _refuse_unless_diagnoser(user: Any, enterprise: Enterprise) -> None:
    """The enterprise itself, or an officer (a service provider acting for it registers as one) in scope."""
    own = user_may(user, Capability.REPORT) and getattr(user, "enterprise_id", None) == enterprise.pk
    officer = user_may(user, Capability.WRITE) and user_sees_region(user, enterprise.region)
    if not (own or officer):
        raise EvaluationError("您的账号不能为该企业填写在线诊断")


def _score_of(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> DiagnosisScore:
    try:
        return diagnosis_score(questionnaire, {str(k): int(v) for k, v in answers.items()})
    except (QuestionnaireError, ValueError, TypeError) as exc:
        raise EvaluationError(str(exc)) from exc


def _diagnosis_fields(questionnaire: Questionnaire, score: DiagnosisScore) -> dict[str, Any]:
    return {"questionnaire": questionnaire.id, "questionnaire_version": questionnaire.version, "score": score.total,
            "dimensions": score.as_dict()["dimensions"], "level": score.level or "",
            "zhejiang_level": score.zhejiang_level, "weak": score.as_dict()["weak"]}


def _diagnosis_level(diagnosis: Diagnosis, by: Any) -> None:
    """Keep the diagnosis's 数字化水平 as the enterprise's assessment of that day (source 在线诊断), through
    the audited edit path; an assessment of the same day from another source (an import, an officer's
    entry) is left as it is."""
    existing = DigitalLevel.objects.filter(enterprise=diagnosis.enterprise, assessed_on=diagnosis.assessed_on).first()
    if existing is not None and existing.source != DigitalLevel.Source.DIAGNOSIS:
        return
    if diagnosis.zhejiang_level is None:  # below 一级: no level to record
        if existing is not None:
            record_delete(instance=existing, by=by, version=None, reason="在线诊断重新评分后未达一级",
                          source=DIAGNOSIS_SOURCE, subject=diagnosis.enterprise)
        diagnosis.digital_level = None
        return
    diagnosis.digital_level = record_save(
        instance=existing or DigitalLevel(enterprise=diagnosis.enterprise, assessed_on=diagnosis.assessed_on),
        values={"level": diagnosis.zhejiang_level, "source": DigitalLevel.Source.DIAGNOSIS}, by=by, version=None,
        source=DIAGNOSIS_SOURCE, subject=diagnosis.enterprise)


def diagnosis_submit(*, enterprise: Enterprise, answers: Mapping[str, Any], by: Any,
                     today: dt.date | None = None) -> Diagnosis:
    """Score the answers and keep them, with the 数字化水平 they give (the coverage indicators move)."""
    _refuse_unless_diagnoser(by, enterprise)
    questionnaire = questionnaire_current()
    score = _score_of(questionnaire, answers)
    with transaction.atomic():
        diagnosis = Diagnosis.objects.create(enterprise=enterprise, assessed_on=today or timezone.localdate(),
                                             answers={str(k): int(v) for k, v in answers.items()},
                                             filled_by=by if getattr(by, "pk", None) else None,
                                             **_diagnosis_fields(questionnaire, score))
        _diagnosis_level(diagnosis, by)
        diagnosis.save(update_fields=["digital_level"])
        domain_event_record(kind=DomainEvent.Kind.DIAGNOSIS_SUBMITTED, actor=by, region=enterprise.region,
                            enterprise=enterprise.credit_code, score=score.total, level=score.level or "")
    return diagnosis


def diagnosis_rescore(*, diagnosis: Diagnosis, by: Any) -> Diagnosis:
    """Score the kept answers again with the questionnaire in use (after its scoring changed)."""
    if not (user_may(by, Capability.WRITE) and user_sees_region(by, diagnosis.enterprise.region)):
        raise EvaluationError("您的账号不能重新评分该诊断")
    questionnaire = questionnaire_current()
    score = _score_of(questionnaire, diagnosis.answers)
    with transaction.atomic():
        for name, value in _diagnosis_fields(questionnaire, score).items():
            setattr(diagnosis, name, value)
        diagnosis.rescored_at = timezone.now()
        _diagnosis_level(diagnosis, by)
        diagnosis.save()
        domain_event_record(kind=DomainEvent.Kind.DIAGNOSIS_RESCORED, actor=by, region=diagnosis.enterprise.region,
                            enterprise=diagnosis.enterprise.credit_code, score=score.total)
    return diagnosis


def diagnosis_project_create(*, diagnosis: Diagnosis, question: str, by: Any) -> Project:
    """Turn a weak area's suggestion into a 储备 project of the enterprise, linked back to the diagnosis."""
    enterprise = diagnosis.enterprise
    if not (user_may(by, Capability.WRITE) and user_sees_region(by, enterprise.region)):
        raise EvaluationError("您的账号不能为该企业新建项目")
    try:
        asked = questionnaire_current().question(question)
    except KeyError:
        raise EvaluationError("未知的诊断题目") from None
    with transaction.atomic():
        existing = DiagnosisProject.objects.filter(diagnosis=diagnosis, question=question).select_related("project").first()
        if existing is not None:
            raise EvaluationError(f"该建议已生成储备项目 {existing.project.code}")
        number = DiagnosisProject.objects.filter(diagnosis=diagnosis).count() + 1
        code = f"ZD{diagnosis.assessed_on:%Y}-{diagnosis.pk:05d}-{number}"
        project = project_save(instance=Project(enterprise=enterprise), by=by, version=None, source=DIAGNOSIS_SOURCE,
                               values={"code": code, "name": f"{asked.subtype or asked.suggestion}项目"[:200],
                                       "category": asked.category, "subtype": asked.subtype, "stage": "reserve"})
        DiagnosisProject.objects.create(diagnosis=diagnosis, question=question, project=project,
                                        created_by=by if getattr(by, "pk", None) else None)
        domain_event_record(kind=DomainEvent.Kind.DIAGNOSIS_PROJECT_CREATED, actor=by, region=enterprise.region,
                            enterprise=enterprise.credit_code, project=code, question=question)
    return project


# ── the cultivation ladder and its 培育库 ──────────────────────────────────────────────────────────


def ladder_steps(region: Region, day: dt.date) -> tuple[LadderMethod, list[LadderStep]]:
    """Every enterprise of the region with the next rung it does not hold, whether it qualifies and what is
    missing."""
    from .methods import documents_for

    method = ladder_method_read(documents_for(region).documents[LADDER_DOCUMENT], day)
    return method, [ladder_step(e, method) for e in ladder_inputs(region, day, method.window_years)]


def cultivation_add(*, region: Region, enterprise: Enterprise, rung: str, note: str, by: Any) -> CultivationEntry:
    if not (user_may(by, Capability.WRITE) and user_sees_region(by, enterprise.region)
            and user_sees_region(by, region)):
        raise EvaluationError("您的账号不能调整该企业的培育库")
    if rung not in RUNG_BY_KIND:
        raise EvaluationError("未知的培育方向")
    if CultivationEntry.objects.filter(enterprise=enterprise, rung=rung, dropped_at__isnull=True).exists():
        raise EvaluationError(f"{enterprise.name}已在{RUNG_BY_KIND[rung].name}培育库中")
    with transaction.atomic():
        entry = CultivationEntry.objects.create(region=region, enterprise=enterprise, rung=rung, note=note.strip()[:300],
                                                added_by=by if getattr(by, "pk", None) else None)
        domain_event_record(kind=DomainEvent.Kind.CULTIVATION_CHANGED, actor=by, region=region,
                            enterprise=enterprise.credit_code, rung=rung, action="add", note=note)
    return entry


def cultivation_drop(*, entry: CultivationEntry, reason: str, by: Any) -> CultivationEntry:
    if not (user_may(by, Capability.WRITE) and user_sees_region(by, entry.enterprise.region)):
        raise EvaluationError("您的账号不能调整该企业的培育库")
    if not (reason or "").strip():
        raise EvaluationError("移出培育库须说明原因")
    with transaction.atomic():
        entry.dropped_at, entry.drop_reason = timezone.now(), reason.strip()[:300]
        entry.dropped_by = by if getattr(by, "pk", None) else None
        entry.save(update_fields=["dropped_at", "drop_reason", "dropped_by"])
        domain_event_record(kind=DomainEvent.Kind.CULTIVATION_CHANGED, actor=by, region=entry.region,
                            enterprise=entry.enterprise.credit_code, rung=entry.rung, action="drop", reason=reason)
    return entry


# ── the 高耗低效 list and its closed loop ───────────────────────────────────────────────────────────

# Where a case may go next; a closed case (提升销号, 关停退出) goes nowhere.
CASE_NEXT = {
    InefficientCase.Status.LISTED: (InefficientCase.Status.PLANNED,),
    InefficientCase.Status.PLANNED: (InefficientCase.Status.RECTIFYING, InefficientCase.Status.EXITED),
    InefficientCase.Status.RECTIFYING: (InefficientCase.Status.IMPROVED, InefficientCase.Status.EXITED),
}


def inefficient_proposals(region: Region, year: int) -> list[tuple[Enterprise, list[str]]]:
    """The enterprises the rule proposes for the year's list (亩均 class and 碳效 grade of the latest kept
    versions), that are not on it yet, with why."""
    from .methods import documents_for

    ctx = Context({}, dt.date(year, 12, 31))
    ctx.doc = documents_for(region).documents[INEFFICIENT_DOCUMENT]
    classes = {k for k, v in ctx.table("propose.mujun_classes").items() if v}
    min_grade = int(ctx.num("propose.carbon_min_grade"))
    reasons: dict[int, list[str]] = {}
    for kind, label in ((Evaluation.Kind.MUJUN, "亩均效益评价"), (Evaluation.Kind.CARBON, "工业碳效评价")):
        evaluation = latest_evaluation(kind, region, year)
        if evaluation is None:
            continue
        results = evaluation.results.all()
        if kind == Evaluation.Kind.MUJUN:
            hits = results.filter(klass__in=classes).values_list("enterprise_id", "klass")
            text = "{}档"
        else:
            hits = ((r.enterprise_id, r.klass) for r in results.exclude(klass="") if int(r.klass) >= min_grade)
            text = "{}级"
        for enterprise_id, klass in hits:
            reasons.setdefault(enterprise_id, []).append(
                f"{label}{text.format(klass)}（第{evaluation.version}版，{evaluation.get_status_display()}）")
    listed = set(InefficientCase.objects.filter(year=year, enterprise_id__in=reasons).values_list("enterprise_id",
                                                                                                 flat=True))
    enterprises = Enterprise.objects.in_bulk([pk for pk in reasons if pk not in listed])
    return sorted(((enterprises[pk], reasons[pk]) for pk in enterprises), key=lambda pair: pair[0].name)


def inefficient_list(*, region: Region, year: int, enterprise: Enterprise, reasons: list[str], by: Any,
                     today: dt.date | None = None) -> InefficientCase:
    """An officer confirms an enterprise onto the year's 高耗低效 list."""
    if not (user_may(by, Capability.WRITE) and user_sees_region(by, enterprise.region)):
        raise EvaluationError("您的账号不能将该企业列入高耗低效整治清单")
    if InefficientCase.objects.filter(enterprise=enterprise, year=year).exists():
        raise EvaluationError(f"{enterprise.name}已列入{year}年高耗低效整治清单")
    with transaction.atomic():
        case = record_save(instance=InefficientCase(region=region, enterprise=enterprise, year=year), by=by,
                           version=None, source="高耗低效整治", subject=enterprise,
                           values={"reasons": reasons, "listed_on": today or timezone.localdate(),
                                   "listed_by": by if getattr(by, "pk", None) else None})
        assert isinstance(case, InefficientCase)
        domain_event_record(kind=DomainEvent.Kind.INEFFICIENT_CHANGED, actor=by, region=region,
                            enterprise=enterprise.credit_code, year=year, status=case.status)
    return case


def inefficient_update(*, case: InefficientCase, values: Mapping[str, Any], by: Any, version: int | None = None,
                       today: dt.date | None = None) -> InefficientCase:
    """Record the case's plan, deadline, owner, notes and freed land and energy, and move it along its loop
    (one step at a time, through the audited edit path): 整治方案 needs the way, the deadline and who is
    responsible; a closed case records its day and is not changed again."""
    if not (user_may(by, Capability.WRITE) and user_sees_region(by, case.enterprise.region)):
        raise EvaluationError("您的账号不能修改该企业的整治情况")
    if case.is_closed:
        raise EvaluationError("该企业已销号或关停退出，整治记录不再修改")
    changes = dict(values)
    to = changes.get("status", case.status)
    if to != case.status:
        if to not in CASE_NEXT.get(case.status, ()):
            raise EvaluationError(f"不能从“{case.get_status_display()}”直接转为“{InefficientCase.Status(to).label}”")
        if to == InefficientCase.Status.PLANNED:
            missing = [label for name, label in (("plan", "整治方式"), ("deadline", "整治期限"), ("owner", "责任单位（人）"))
                       if not changes.get(name, getattr(case, name))]
            if missing:
                raise EvaluationError(f"制定整治方案须填写{'、'.join(missing)}")
        if to in InefficientCase.CLOSED:
            changes["closed_on"] = today or timezone.localdate()
    with transaction.atomic():
        saved = record_save(instance=case, values=changes, by=by, version=version, source="高耗低效整治",
                            subject=case.enterprise)
        if to != case.status:
            domain_event_record(kind=DomainEvent.Kind.INEFFICIENT_CHANGED, actor=by, region=case.region,
                                enterprise=case.enterprise.credit_code, year=case.year, status=to)
    assert isinstance(saved, InefficientCase)
    return saved
