"""Writes for subsidies: claims, their status, computed results and policy settings.

Pages, the API and the command all call these. Each writes its audit trail (change record and domain
event) through lianghua.audit.services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lianghua.accounts.roles import Capability, user_may
from lianghua.audit.models import ChangeRecord
from lianghua.audit.services import change_record, domain_event_record, snapshot
from lianghua.rulebook.facts import FactsError
from lianghua.rulebook.parameters import RulebookDataError

from .engine import EarlierGrant, evaluate_case, load_policy_set, to_jsonable
from .facts import credential_facts, facts_from_json, facts_jsonable, project_facts, project_matter_date
from .models import PolicySetting, SubsidyApplication, SubsidyApplicationStatusLog, SubsidyResult
from .rules import policy_set_current, policy_settings
from .vocabulary import parse_case

Status = SubsidyApplication.Status
# 申报 → 审核 → 公示 → 拨付; 驳回 from any open status. 拨付 and 驳回 are final.
STATUS_NEXT: dict[str, tuple[str, ...]] = {
    Status.SUBMITTED: (Status.REVIEWING, Status.REJECTED),
    Status.REVIEWING: (Status.PUBLICIZED, Status.REJECTED),
    Status.PUBLICIZED: (Status.PAID, Status.REJECTED),
    Status.PAID: (),
    Status.REJECTED: (),
}


def application_facts(application: SubsidyApplication) -> dict[str, Any]:
    extra = facts_from_json(application.extra_facts or {})
    if application.project_id:
        return project_facts(application.project, extra)
    return credential_facts(application.credential, extra)


@transaction.atomic
def subsidy_application_submit(
    *,
    by,
    project=None,
    credential=None,
    matter_date: datetime.date | None = None,
    extra_facts: dict[str, Any] | None = None,
    note: str = "",
) -> SubsidyApplication:
    """File a claim on one project or one credential and compute it at once."""
    if (project is None) == (credential is None):
        raise ValidationError("申报须且只能针对一个项目或一项认定")
    subject = project or credential
    enterprise = subject.enterprise
    matter_date = matter_date or (project_matter_date(project) if project else credential.granted_on)
    if matter_date is None:
        raise ValidationError("缺少事项日期（项目无验收、竣工或计划竣工日期）")
    application = SubsidyApplication(
        enterprise=enterprise,
        region=enterprise.region,
        project=project,
        credential=credential,
        matter_date=matter_date,
        extra_facts=facts_jsonable(extra_facts or {}),
        note=note[:300],
        submitted_by=by if getattr(by, "pk", None) else None,
    )
    _check_facts(application)
    application.save()
    SubsidyApplicationStatusLog.objects.create(
        application=application, from_status="", to_status=Status.SUBMITTED, by=application.submitted_by
    )
    change_record(actor=by, instance=application, action=ChangeRecord.Action.CREATE)
    domain_event_record(
        kind="subsidy.submitted",
        actor=by,
        region=application.region,
        application=application.pk,
        subject=str(subject),
        matter_date=matter_date,
    )
    subsidy_result_compute(application=application, by=by)
    return application


def _check_facts(application: SubsidyApplication) -> None:
    try:
        parse_case({"id": "申报", "date": application.matter_date, "facts": application_facts(application)})
    except FactsError as exc:
        raise ValidationError(f"申报事实有误：{exc.key} — {exc.message}") from exc


def earlier_grants(application: SubsidyApplication) -> list[EarlierGrant]:
    """The claims on the same project or credential filed before this one and not rejected, with what
    their latest computation granted: a later claim is computed against them (就高不重复 across claims)."""
    subject = {"project_id": application.project_id} if application.project_id else {
        "credential_id": application.credential_id}
    earlier = (SubsidyApplication.objects.filter(**subject, pk__lt=application.pk)
               .exclude(status=Status.REJECTED).order_by("pk"))
    grants = []
    for claim in earlier:
        result = claim.latest_result
        if result is None:
            continue
        by_rule: dict[str, Decimal] = {}
        for award in result.result.get("awards", []):
            by_rule[award["rule"]] = by_rule.get(award["rule"], Decimal(0)) + Decimal(award["amount"])
        grants.append(EarlierGrant(
            label=f"第{claim.pk}号申报（{claim.get_status_display()}，{timezone.localtime(claim.created_at):%Y-%m-%d}提交）",
            total=result.total_wan, by_rule=by_rule))
    return grants


@transaction.atomic
def subsidy_result_compute(*, application: SubsidyApplication, by) -> SubsidyResult:
    """Compute a claim with the rules in force now and store everything needed to explain it later."""
    policy_set = policy_set_current()
    try:
        case = parse_case(
            {
                "id": f"申报#{application.pk}",
                "date": application.matter_date,
                "facts": application_facts(application),
            }
        )
    except FactsError as exc:
        raise ValidationError(f"申报事实有误：{exc.key} — {exc.message}") from exc
    result = evaluate_case(policy_set, case, earlier_grants(application))
    stored = to_jsonable(result)
    saved = SubsidyResult.objects.create(
        application=application,
        case_date=application.matter_date,
        facts=facts_jsonable(case.facts),
        result=stored,
        parameters=stored["trace"],
        policy_settings=to_jsonable(policy_set.settings),
        rule_version=policy_set.version,
        total_wan=result["total"],
        computed_by=by if getattr(by, "pk", None) else None,
    )
    domain_event_record(
        kind="subsidy.computed",
        actor=by,
        region=application.region,
        application=application.pk,
        total_wan=result["total"],
        rule_version=policy_set.version,
    )
    return saved


@transaction.atomic
def subsidy_application_advance(
    *, application: SubsidyApplication, to_status: str, by, note: str = ""
) -> SubsidyApplicationStatusLog:
    """Move a claim along 申报 → 审核 → 公示 → 拨付, or reject it (驳回) while it is open."""
    application = SubsidyApplication.objects.select_for_update().get(pk=application.pk)
    if to_status not in Status.values:
        raise ValidationError(f"未知的申报状态“{to_status}”")
    allowed = STATUS_NEXT[application.status]
    if to_status not in allowed:
        current = Status(application.status).label
        if not allowed:
            raise ValidationError(f"申报已“{current}”，不能再变更")
        names = "、".join(Status(s).label for s in allowed)
        raise ValidationError(f"当前状态“{current}”只能变更为：{names}")
    if to_status == Status.REJECTED and not note.strip():
        raise ValidationError("驳回须写明理由")
    before = snapshot(application)
    from_status = application.status
    application.status = to_status
    application.save(update_fields=["status", "updated_at"])
    log = SubsidyApplicationStatusLog.objects.create(
        application=application,
        from_status=from_status,
        to_status=to_status,
        by=by if getattr(by, "pk", None) else None,
        note=note[:300],
    )
    change_record(actor=by, instance=application, action=ChangeRecord.Action.UPDATE, before=before)
    domain_event_record(
        kind="subsidy.status_changed",
        actor=by,
        region=application.region,
        application=application.pk,
        from_status=from_status,
        to_status=to_status,
    )
    return log


@transaction.atomic
def policy_setting_set(*, name: str, value: Any, by, note: str = "") -> PolicySetting:
    """Set a parameter the documents leave open; refused unless the data files mark it a setting, and
    unless `by` administers the installation (None: the command line's operator)."""
    if not user_may(by, Capability.ADMINISTER):
        raise PermissionDenied("只有管理员可以设置奖补参数")
    candidate = {**policy_settings(), name: value}
    try:
        load_policy_set(settings=candidate)
    except RulebookDataError as exc:
        raise ValidationError(str(exc)) from exc
    setting, created = PolicySetting.objects.get_or_create(name=name, defaults={"value": value})
    before = None if created else snapshot(setting)
    setting.value = value
    setting.note = note[:300]
    setting.set_by = by if getattr(by, "pk", None) else None
    setting.save()
    change_record(
        actor=by,
        instance=setting,
        action=ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE,
        before=before,
    )
    domain_event_record(kind="subsidy.setting_changed", actor=by, name=name, value=value, note=setting.note)
    return setting


@transaction.atomic
def policy_setting_clear(*, name: str, by, note: str = "") -> None:
    """Remove an administrator's value: the rule reading it pays nothing again, and says so."""
    if not user_may(by, Capability.ADMINISTER):
        raise PermissionDenied("只有管理员可以设置奖补参数")
    setting = PolicySetting.objects.select_for_update().filter(name=name).first()
    if setting is None:
        raise ValidationError(f"参数“{name}”未设置")
    change_record(actor=by, instance=setting, action=ChangeRecord.Action.DELETE, before=snapshot(setting))
    setting.delete()
    domain_event_record(kind="subsidy.setting_changed", actor=by, name=name, value=None, note=note[:300])
