"""Enterprises report; officers approve (the model of DHIS2's data approval and Akvo RSR's period updates).

- An enterprise user submits a month's cumulative investment of one of its projects in 在建/竣工 (with
  an attachment if it likes), its yearly figures, or a new project. Each submission is 待审核.
- An officer whose region holds the enterprise approves it — the figures are written into the registry
  through the same services as a page edit (history, checks), and an approved month is locked — or
  returns it with a reason the enterprise sees and can answer with a new submission.
- Nothing submitted counts in progress or on the dashboard until approved: the registry only ever holds
  approved figures (an officer's own imports and edits count as approved).
- A locked month changes only after an officer reopens it, with a reason (audited).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.scope import user_sees_region
from lianghua.audit.editing import record_save
from lianghua.audit.services import domain_event_record
from lianghua.enterprises.forms import EnterpriseYearForm
from lianghua.enterprises.models import Enterprise, EnterpriseYear
from lianghua.projects.forms import ProgressForm, ProjectProposalForm
from lianghua.projects.models import Project, ProjectProgress
from lianghua.projects.services import project_save

from .models import Reminder, Submission

SOURCE = "企业填报审核"
# What an enterprise may attach (an invoice summary, a scan, a photo of the site) and how large.
ATTACHMENT_TYPES = ("pdf", "xlsx", "xls", "csv", "doc", "docx", "jpg", "jpeg", "png", "zip")
ATTACHMENT_MAX_MB = 20


def attachment_check(attachment: UploadedFile) -> None:
    name = attachment.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(f"附件“{name}”的类型不支持，可上传：{'、'.join(ATTACHMENT_TYPES)}")
    if (attachment.size or 0) > ATTACHMENT_MAX_MB * 1024 * 1024:
        raise ValidationError(f"附件“{name}”超过{ATTACHMENT_MAX_MB}MB，请压缩或拆分后上传")
REPORTING_STAGES = ("in_progress", "completed")  # the stages whose projects report monthly


def form_values(form_data: Any, fields: list[str]) -> dict[str, str]:
    """A form's posted fields as the submission keeps them (text), to be checked again on approval."""
    return {name: str(form_data.get(name)) for name in fields if form_data.get(name) not in (None, "")}


def submitted_fields(form: Any, values: dict[str, Any]) -> dict[str, Any]:
    """What a submission writes: the fields the enterprise filled in (and its yes/no boxes, which post
    nothing when unticked). A field left blank keeps the registry's value, as in an import."""
    return {name: value for name, value in form.cleaned_data.items()
            if name in values or isinstance(form.fields[name], forms.BooleanField)}


def _enterprise_of(by: Any) -> Enterprise:
    if not user_may(by, Capability.REPORT) or getattr(by, "enterprise_id", None) is None:
        raise PermissionDenied("只有企业用户可以为本企业填报")
    return by.enterprise


def _checked_form(kind: str, values: dict[str, Any], *, project: Project | None = None,
                  enterprise: Enterprise | None = None, month: Any = None) -> Any:
    """The submission's values through the form that checks them, against the registry as it is now."""
    if kind == Submission.Kind.PROGRESS:
        assert project is not None
        current = ProjectProgress.objects.filter(project=project, month=month).first() if month else None
        form: Any = ProgressForm(values, instance=current or ProjectProgress(project=project))
        if current is not None:
            form.fields["month"].disabled = False
    elif kind == Submission.Kind.YEAR:
        form = EnterpriseYearForm(values, instance=EnterpriseYear(enterprise=enterprise))
    else:
        form = ProjectProposalForm(values, instance=Project(enterprise=enterprise))
    if not form.is_valid():
        raise ValidationError([f"{form.fields[name].label if name in form.fields else ''}：{error}".lstrip("：")
                               for name, errors in form.errors.items() for error in errors])
    return form


@transaction.atomic
def submission_submit(*, by: Any, kind: str, values: dict[str, str], project: Project | None = None,
                      attachment: UploadedFile | None = None, note: str = "") -> Submission:
    """An enterprise user's submission, 待审核. A month that awaits review already is replaced by the
    new figures (the earlier ones are kept in its history); a locked month is refused."""
    enterprise = _enterprise_of(by)
    month = year = None
    if kind == Submission.Kind.PROGRESS:
        if project is None or project.enterprise_id != enterprise.pk:
            raise ValidationError("只能为本企业的项目填报")
        if project.stage not in REPORTING_STAGES:
            raise ValidationError(f"项目处于“{project.get_stage_display()}”阶段，在建和竣工的项目才按月填报")
        form = _checked_form(kind, values, project=project)
        month = form.cleaned_data["month"]
        stored = ProjectProgress.objects.filter(project=project, month=month).first()
        if stored is not None and stored.locked:
            raise ValidationError(f"{month:%Y-%m}的进度已审核锁定，如需更正请联系经信部门解锁")
    elif kind == Submission.Kind.YEAR:
        form = _checked_form(kind, values, enterprise=enterprise)
        year = form.cleaned_data["year"]
    elif kind == Submission.Kind.PROJECT:
        _checked_form(kind, values, enterprise=enterprise)
    else:
        raise ValidationError(f"未知的填报类型“{kind}”")
    pending = Submission.objects.select_for_update().filter(
        kind=kind, status=Submission.Status.PENDING, enterprise=enterprise, project=project,
        month=month, year=year).first() if kind != Submission.Kind.PROJECT else None
    fields: dict[str, Any] = {"values": values, "note": note[:200]}
    if attachment is not None:
        attachment_check(attachment)
        fields["attachment"] = attachment
    instance = pending or Submission(kind=kind, enterprise=enterprise, project=project, month=month, year=year,
                                     submitted_by=by)
    saved = record_save(instance=instance, values=fields, by=by, version=None, source="企业填报",
                        subject=enterprise)
    assert isinstance(saved, Submission)
    domain_event_record(kind="report.submitted", actor=by, region=enterprise.region, submission=saved.pk,
                        report_kind=kind, enterprise=enterprise.credit_code)
    return saved


def _decider(submission: Submission, by: Any) -> None:
    """An officer (or administrator) whose scope holds the enterprise; never the submitter."""
    if not user_may(by, Capability.APPROVE) or not user_sees_region(by, submission.enterprise.region):
        raise PermissionDenied("只有该企业所在镇（街道）或县级经信部门可以审核")
    if submission.status != Submission.Status.PENDING:
        raise ValidationError(f"该填报已{submission.get_status_display()}，不能再审核")


@transaction.atomic
def submission_approve(*, submission: Submission, by: Any, code: str = "", note: str = "") -> Submission:
    """Write the submission into the registry (checked again: the registry may have moved on) and lock
    an approved month. A new project enters 储备 under the code the officer gives it."""
    # of=self: PostgreSQL locks no row on the nullable side of the join (the project of a new-project proposal).
    submission = (Submission.objects.select_for_update(of=("self",)).select_related("enterprise__region", "project")
                  .get(pk=submission.pk))
    _decider(submission, by)
    values = submission.values
    if submission.kind == Submission.Kind.PROGRESS:
        project = submission.project
        assert project is not None
        form = _checked_form(submission.kind, values, project=project, month=submission.month)
        stored = ProjectProgress.objects.filter(project=project, month=submission.month).first()
        if stored is not None and stored.locked:
            raise ValidationError(f"{submission.month:%Y-%m}的进度已审核锁定，请先解锁")
        written = record_save(instance=stored or ProjectProgress(project=project), by=by, version=None,
                              source=SOURCE, subject=project, values={
                                  "month": submission.month, "locked": True, "reported_at": submission.submitted_at,
                                  "cumulative_investment_wan": form.cleaned_data["cumulative_investment_wan"]})
    elif submission.kind == Submission.Kind.YEAR:
        form = _checked_form(submission.kind, values, enterprise=submission.enterprise)
        stored_year = EnterpriseYear.objects.filter(enterprise=submission.enterprise, year=submission.year).first()
        written = record_save(instance=stored_year or EnterpriseYear(enterprise=submission.enterprise),
                              values=submitted_fields(form, values), by=by, version=None, source=SOURCE,
                              subject=submission.enterprise)
    else:
        if not code.strip():
            raise ValidationError("请为新项目编写项目编号")
        form = _checked_form(submission.kind, values, enterprise=submission.enterprise)
        written = project_save(instance=Project(enterprise=submission.enterprise, stage="reserve"), by=by,
                               version=None, source=SOURCE,
                               values={**form.cleaned_data, "code": code.strip(), "enterprise": submission.enterprise,
                                       "stage": "reserve"})
    decided = record_save(instance=submission, by=by, version=None, source=SOURCE, subject=submission.enterprise,
                          values={"status": Submission.Status.APPROVED, "decided_by": by, "decided_at": timezone.now(),
                                  "decision_note": note[:200], "result_pk": written.pk})
    assert isinstance(decided, Submission)
    domain_event_record(kind="report.approved", actor=by, region=submission.enterprise.region,
                        submission=submission.pk, report_kind=submission.kind)
    return decided


@transaction.atomic
def submission_return(*, submission: Submission, by: Any, reason: str) -> Submission:
    """Send a submission back with the reason the enterprise reads; it may submit again."""
    submission = (Submission.objects.select_for_update(of=("self",)).select_related("enterprise__region")
                  .get(pk=submission.pk))
    _decider(submission, by)
    if not (reason or "").strip():
        raise ValidationError("退回须填写原因（企业会看到）")
    returned = record_save(instance=submission, by=by, version=None, source=SOURCE, subject=submission.enterprise,
                           reason=reason.strip(),
                           values={"status": Submission.Status.RETURNED, "decided_by": by,
                                   "decided_at": timezone.now(), "decision_note": reason.strip()[:200]})
    assert isinstance(returned, Submission)
    domain_event_record(kind="report.returned", actor=by, region=submission.enterprise.region,
                        submission=submission.pk, report_kind=submission.kind, reason=reason.strip())
    return returned


@transaction.atomic
def progress_reopen(*, report: ProjectProgress, by: Any, reason: str) -> ProjectProgress:
    """Unlock an approved month so it can be corrected (by an officer, or by a new submission)."""
    project = report.project
    if not user_may(by, Capability.APPROVE) or not user_sees_region(by, project.enterprise.region):
        raise PermissionDenied("只有该项目所在地的经信部门可以解锁")
    if not (reason or "").strip():
        raise ValidationError("解锁须填写原因")
    reopened = record_save(instance=report, values={"locked": False}, by=by, version=None, source="项目信息页",
                           subject=project, reason=reason.strip())
    assert isinstance(reopened, ProjectProgress)
    return reopened


@transaction.atomic
def reminders_send(*, by: Any, region: Any, month: Any, projects: list[Project]) -> int:
    """催报: remind each project's enterprise of `month`'s missing report; reminding again counts and moves
    the date. Only officers whose region holds the project remind; returns how many were reminded."""
    if not user_may(by, Capability.APPROVE) or not user_sees_region(by, region):
        raise PermissionDenied("只有该地区的经信部门可以催报")
    now = timezone.now()
    sent = 0
    for project in projects:
        if not user_sees_region(by, project.enterprise.region):
            raise PermissionDenied("只能催报本地区的项目")
        reminder, created = Reminder.objects.select_for_update().get_or_create(
            project=project, month=month, defaults={"sent_by": by, "sent_at": now})
        if not created:
            reminder.sent_by, reminder.sent_at, reminder.times = by, now, reminder.times + 1
            reminder.save(update_fields=["sent_by", "sent_at", "times"])
        sent += 1
    if sent:
        domain_event_record(kind="report.reminded", actor=by, region=region, month=month.isoformat(),
                            projects=[p.code for p in projects])
    return sent
