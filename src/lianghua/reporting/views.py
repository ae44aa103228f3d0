"""填报与审核: the enterprise's reporting page and forms, the officer's queue, one submission's page with
approve / return, and reopening a locked month. Scope: a submission is seen by its enterprise and by the
officers (and leaders) whose region holds it; only officers of that region decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.scope import user_home_region, user_sees_region
from lianghua.accounts.selectors import region_options
from lianghua.audit.changes import changes_described
from lianghua.audit.services import snapshot
from lianghua.core.formatting import datetime_text
from lianghua.core.months import last_reported_month
from lianghua.core.query_params import QueryValueError, query_month, query_problem_page, query_year
from lianghua.core.tabular import tabular_response
from lianghua.enterprises.forms import EnterpriseYearForm
from lianghua.enterprises.models import EnterpriseYear
from lianghua.projects.forms import ProgressForm, ProjectProposalForm
from lianghua.projects.models import Project, ProjectProgress
from lianghua.projects.selectors import month_report_owed, projects_visible_to
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve

from .discipline import MISSING, month_discipline, reminders_open
from .models import Submission
from .selectors import submissions_visible_to
from .services import (
    REPORTING_STAGES,
    form_values,
    progress_reopen,
    reminders_send,
    submission_approve,
    submission_return,
    submission_submit,
    submitted_fields,
)

FORMS = {  # kind -> (form, title)
    Submission.Kind.PROGRESS: (ProgressForm, "填报月度进度"),
    Submission.Kind.YEAR: (EnterpriseYearForm, "填报年度数据"),
    Submission.Kind.PROJECT: (ProjectProposalForm, "申报新项目"),
}


def _due_state(project, latest, due_month, owing: set, pending: set) -> str:
    if project.pk not in owing or latest == due_month:
        return ""
    return "pending" if project.pk in pending else "owed"


@require_safe
@login_required
def reporting_home(request):
    """An enterprise user's 填报 page, or an officer's queue of what awaits them."""
    visible = submissions_visible_to(request.user).select_related("enterprise", "project", "submitted_by",
                                                                  "decided_by")
    if user_may(request.user, Capability.REPORT) and request.user.enterprise_id:
        due_month = last_reported_month(timezone.localdate())
        mine = projects_visible_to(request.user)
        projects = list(mine.filter(stage__in=REPORTING_STAGES).order_by("code"))
        owing = set(mine.filter(month_report_owed(due_month)).values_list("pk", flat=True))
        pending = set(visible.filter(kind=Submission.Kind.PROGRESS, status=Submission.Status.PENDING,
                                     month=due_month).values_list("project_id", flat=True))
        latest = {p: m for p, m in ProjectProgress.objects.filter(project__in=projects)
                  .order_by("project_id", "month").values_list("project_id", "month")}
        return render(request, "reporting/enterprise.html", {
            "nav": "reporting", "due_month": due_month, "submissions": visible[:100],
            # (project, latest approved month, the month just ended: "owed", "pending" (awaiting review) or "")
            "projects": [(p, latest.get(p.pk), _due_state(p, latest.get(p.pk), due_month, owing, pending))
                         for p in projects],
            "reminders": reminders_open(projects),
        })
    return render(request, "reporting/queue.html", {
        "nav": "reporting",
        "pending": visible.filter(status=Submission.Status.PENDING).order_by("submitted_at", "id"),
        "decided": visible.exclude(status=Submission.Status.PENDING).order_by("-decided_at", "-id")[:50],
        "may_decide": user_may(request.user, Capability.APPROVE),
    })


@login_required
def submission_new(request, kind: str):
    if kind not in FORMS:
        raise Http404("未知的填报类型")
    if not (user_may(request.user, Capability.REPORT) and request.user.enterprise_id):
        raise PermissionDenied("只有企业用户可以为本企业填报")
    form_class, title = FORMS[kind]
    project = None
    initial: dict = {}
    extra_context: dict = {}
    if kind == Submission.Kind.PROGRESS:
        project = get_object_or_404(projects_visible_to(request.user), pk=request.GET.get("project") or 0)
        title = f"{title}：{project.code} {project.name}"
        instance = ProjectProgress(project=project)
    elif kind == Submission.Kind.YEAR:
        instance = EnterpriseYear(enterprise=request.user.enterprise)
        stored_years = {y.year: y for y in request.user.enterprise.years.all()}
        try:
            year = query_year(request.GET.get("year"), label="年度")
        except QueryValueError:
            year = None
        year = year or (max(stored_years) if stored_years else timezone.localdate().year - 1)
        title = f"{title}：{year}年"
        # The year's figures as the registry holds them, to correct or complete (a blank keeps the value).
        stored = stored_years.get(year)
        initial = model_to_dict(stored, fields=form_class._meta.fields) if stored else {"year": year}
        extra_context = {"years": sorted({*stored_years, timezone.localdate().year - 1}), "year": year}
    else:
        instance = Project(enterprise=request.user.enterprise)
    if kind == Submission.Kind.PROGRESS:
        try:  # a reminder's link names the month owed; otherwise the last month due
            initial["month"] = query_month(request.GET.get("month")) or last_reported_month(timezone.localdate())
        except QueryValueError:
            initial["month"] = last_reported_month(timezone.localdate())
    form = form_class(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submission_submit(by=request.user, kind=kind, project=project,
                                           values=form_values(request.POST, list(form.fields)),
                                           attachment=request.FILES.get("attachment"),
                                           note=request.POST.get("note", ""))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已提交，待经信部门审核：{submission}")
            return redirect("reporting:home")
    return render(request, "reporting/submit.html", {
        "nav": "reporting", "form": form, "title": title, "back": reverse("reporting:home"),
        "attach": kind == Submission.Kind.PROGRESS, **extra_context,
    }, status=400 if request.method == "POST" else 200)


def _target_before_after(submission: Submission):
    """The registry's record now and as the submission would make it, field by field."""
    if submission.kind == Submission.Kind.PROGRESS:
        model = ProjectProgress
        current = ProjectProgress.objects.filter(project=submission.project, month=submission.month).first()
    elif submission.kind == Submission.Kind.YEAR:
        model = EnterpriseYear
        current = EnterpriseYear.objects.filter(enterprise=submission.enterprise, year=submission.year).first()
    else:
        model, current = Project, None
    before = snapshot(current) if current is not None else None
    form_class = FORMS[submission.kind][0]
    form = form_class(submission.values, instance=model())
    form.is_valid()
    written = submitted_fields(form, submission.values) if submission.kind == Submission.Kind.YEAR else form.cleaned_data
    after = {**(before or {}), **{(model._meta.get_field(n).attname): v for n, v in written.items()}}
    return changes_described(model, [(before, after)])[0], current


@require_safe
@login_required
def submission_detail(request, pk: int):
    submission = get_object_or_404(submissions_visible_to(request.user).select_related(
        "enterprise__region", "project", "submitted_by", "decided_by"), pk=pk)
    changes, current = _target_before_after(submission)
    return render(request, "reporting/detail.html", {
        "nav": "reporting", "submission": submission, "changes": changes, "current": current,
        "may_decide": submission.status == Submission.Status.PENDING and user_may(request.user, Capability.APPROVE),
    })


@require_safe
@login_required
def submission_attachment(request, pk: int):
    submission = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    if not submission.attachment:
        raise Http404("该填报没有附件")
    return FileResponse(submission.attachment.open("rb"), as_attachment=True,
                        filename=submission.attachment.name.rsplit("/", 1)[-1])


def _decided(request, pk: int) -> Submission:
    if not user_may(request.user, Capability.APPROVE):
        raise PermissionDenied("您的账号不能审核填报")
    return get_object_or_404(submissions_visible_to(request.user), pk=pk)


@require_POST
@login_required
def submission_approve_view(request, pk: int):
    submission = _decided(request, pk)
    try:
        submission_approve(submission=submission, by=request.user, code=request.POST.get("code", ""),
                           note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, "审核未通过检查，未写入：" + "；".join(error.messages))
        return redirect("reporting:detail", pk=pk)
    messages.success(request, f"已审核通过：{submission}")
    return redirect("reporting:home")


@require_POST
@login_required
def submission_return_view(request, pk: int):
    submission = _decided(request, pk)
    try:
        submission_return(submission=submission, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("reporting:detail", pk=pk)
    messages.success(request, f"已退回：{submission}")
    return redirect("reporting:home")


@require_POST
@login_required
def progress_reopen_view(request, report_pk: int):
    if not user_may(request.user, Capability.APPROVE):
        raise PermissionDenied("您的账号不能解锁进度")
    report = get_object_or_404(ProjectProgress.objects.filter(project__in=projects_visible_to(request.user))
                               .select_related("project__enterprise__region"), pk=report_pk)
    try:
        progress_reopen(report=report, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已解锁 {report.month:%Y-%m} 的进度，可以修改")
    return redirect("projects:detail", pk=report.project_id)


def _officers_and_leaders_only(request) -> None:
    if not user_may(request.user, Capability.VIEW) or request.user.enterprise_id:
        raise PermissionDenied("填报情况只对经信部门和领导开放")


def _discipline_query(request) -> tuple[Region | None, object, list[str]]:
    """The region (default: the user's) and month (default: the last month due) a discipline page reads."""
    problems: list[str] = []
    region = user_home_region(request.user)
    if request.GET.get("region") or request.POST.get("region"):
        try:
            region = region_resolve(request.GET.get("region") or request.POST["region"])
        except Region.DoesNotExist as error:
            problems.append(str(error.args[0]) if error.args else "未知区域")
    if region is not None and not user_sees_region(request.user, region):
        raise PermissionDenied(f"您的账号不能查看{region.name}的填报情况")
    try:
        month = query_month(request.GET.get("month") or request.POST.get("month"))
    except QueryValueError as error:
        problems.append(str(error))
        month = None
    return region, month or last_reported_month(timezone.localdate()), problems


@require_safe
@login_required
def discipline(request):
    """填报情况: for a region and month, each town's 应报 / 按时 / 逾期 / 待审核 / 未报, 填报率 and 及时率,
    and the projects that have not reported, with 催报."""
    _officers_and_leaders_only(request)
    region, month, problems = _discipline_query(request)
    if problems or region is None:
        return query_problem_page(request, problems or ["没有可查看的区域"], title="填报情况",
                                  back=reverse("reporting:discipline"))
    return render(request, "reporting/discipline.html", {
        "nav": "discipline", "report": month_discipline(request.user, region, month),
        "regions": region_options(request.user), "spec": {"region": region},
        "may_remind": user_may(request.user, Capability.APPROVE),
    })


DISCIPLINE_EXPORT_HEADERS = ["所属区域", "项目编号", "项目名称", "企业", "联系人", "联系电话", "填报情况", "填报时间",
                             "最近催报", "催报次数"]


@require_safe
@login_required
def discipline_export(request):
    """填报情况 as a sheet to phone down: every project owing the month, the missing ones first."""
    _officers_and_leaders_only(request)
    region, month, problems = _discipline_query(request)
    if problems or region is None:
        return query_problem_page(request, problems or ["没有可查看的区域"], title="填报情况导出",
                                  back=reverse("reporting:discipline"))
    report = month_discipline(request.user, region, month)
    rows = ((d.project.enterprise.region.name, d.project.code, d.project.name, d.project.enterprise.name,
             d.project.enterprise.contact_person, d.project.enterprise.contact_phone, d.status_text,
             datetime_text(d.reported_at, empty=""), datetime_text(d.reminder.sent_at, empty="") if d.reminder else "",
             d.reminder.times if d.reminder else "")
            for d in report.due)
    return tabular_response(headers=DISCIPLINE_EXPORT_HEADERS, rows=rows,
                            filename=f"{region.name}{month:%Y年%m月}项目进度填报情况", fmt=request.GET.get("format", "xlsx"))


@require_POST
@login_required
def discipline_remind(request):
    """一键催报: remind every project of the region and month still missing (or the one posted)."""
    if not user_may(request.user, Capability.APPROVE):
        raise PermissionDenied("您的账号不能催报")
    region, month, problems = _discipline_query(request)
    if problems or region is None:
        return query_problem_page(request, problems or ["没有可催报的区域"], title="催报",
                                  back=reverse("reporting:discipline"))
    missing = [d.project for d in month_discipline(request.user, region, month).due if d.status == MISSING]
    if request.POST.get("project"):
        missing = [p for p in missing if str(p.pk) == request.POST["project"]]
    sent = reminders_send(by=request.user, region=region, month=month, projects=missing)
    if sent:
        messages.success(request, f"已向{sent}个未填报项目的企业发出{month:%Y年%-m月}进度催报")
    else:
        messages.info(request, "没有需要催报的项目")
    return redirect(f"{reverse('reporting:discipline')}?region={region.code}&month={month:%Y-%m}")
