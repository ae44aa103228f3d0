"""Project pages: the list (filter, search, sort, page, export) and one project's record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.selectors import region_options
from lianghua.audit.editing import history_of, record_save
from lianghua.audit.pages import record_delete_page, record_form_page
from lianghua.core.formatting import percent
from lianghua.core.pages import page_of
from lianghua.core.query_params import query_problem_page
from lianghua.core.tabular import tabular_response

from .forms import ActivityForm, HealthForm, ProgressForm, ProjectForm, StageForm
from .import_kinds import PROJECT_EXPORT_ONLY, PROJECTS
from .listing import SORTS, project_list_filter, projects_listed
from .models import Activity, Project, ProjectProgress
from .selectors import activities_visible_to, projects_visible_to
from .services import project_advance_stage, project_health_set, project_save
from .stages import STAGE_BY_CODE, STAGES, stage_missing_fields

# The import's columns first, then the ones it skips: the export imports back as it is.
EXPORT_HEADERS = [*PROJECTS.headers, *PROJECT_EXPORT_ONLY]


def stage_next(stage_code: str):
    """The stage after this one in the lifecycle (None after 评价 and for 终止)."""
    ordered = [s for s in STAGES if s.code != "terminated"]
    codes = [s.code for s in ordered]
    if stage_code not in codes or codes.index(stage_code) == len(codes) - 1:
        return None
    return ordered[codes.index(stage_code) + 1]


@require_safe
@login_required
def project_list(request):
    spec = project_list_filter(request.GET)
    return render(request, "projects/list.html", {
        "nav": "projects",
        "spec": spec,
        "page": page_of(request, projects_listed(request.user, spec)),
        "regions": region_options(request.user),
        "categories": Project.Category.choices,
        "stages": [(s.code, s.name) for s in STAGES],
        "healths": Project.Health.choices,
        "sorts": SORTS,
    })


@require_safe
@login_required
def project_export(request):
    spec = project_list_filter(request.GET)
    if spec.problems:
        return query_problem_page(request, spec.problems, title="项目清单导出", back=reverse("projects:list"))
    rows = (
        (p.code, p.name, p.enterprise.credit_code, p.get_category_display(), p.subtype, p.total_investment_wan,
         p.equipment_investment_wan, p.it_investment_wan, p.civil_investment_wan, p.planned_start, p.planned_end,
         p.actual_start, p.actual_end, p.accepted_on, p.get_stage_display(), p.get_health_display(),
         p.energy_saved_tce, p.energy_saving_verified, p.co2_cut_t, p.water_saved_t, p.robots_added,
         p.provincial_key_year, p.municipal_key_year, p.enterprise.name, p.enterprise.region.name, p.latest_cumulative_wan,
         percent(p.investment_completion, empty=""),
         p.latest_month.strftime("%Y-%m") if p.latest_month else "")
        for p in projects_listed(request.user, spec).iterator(chunk_size=2000)
    )
    return tabular_response(headers=EXPORT_HEADERS, rows=rows, filename="项目清单",
                            fmt=request.GET.get("format", "csv"))


@require_safe
@login_required
def project_detail(request, pk: int):
    project = get_object_or_404(
        projects_visible_to(request.user).select_related("enterprise", "enterprise__region")
        .prefetch_related("stage_log__by", "progress_reports"),
        pk=pk,
    )
    reports = list(project.progress_reports.all())
    tab = "history" if request.GET.get("tab") == "history" else "record"
    history = history_of(project, children={ProjectProgress: [r.pk for r in reports]}) if tab == "history" else []
    next_stage = stage_next(project.stage)
    values = {f: getattr(project, f) for f in ("planned_start", "planned_end", "total_investment_wan",
                                                 "actual_start", "actual_end", "accepted_on")}
    completed = reports[-1].cumulative_investment_wan if reports else None
    return render(request, "projects/detail.html", {
        "nav": "projects",
        "project": project,
        "tab": tab,
        "history": history,
        "may_edit": user_may(request.user, Capability.WRITE),
        "stage_log": list(project.stage_log.all()),
        "stage_names": {s.code: s.name for s in STAGES},
        "stages": [s for s in STAGES if s.code != "terminated"],
        "current_order": STAGE_BY_CODE[project.stage].order,
        "reports": reports,
        "report_rows": [(r, r.cumulative_investment_wan - (reports[i - 1].cumulative_investment_wan if i else 0))
                        for i, r in enumerate(reports)],
        "completed_wan": completed,
        "completed_share": (completed / project.total_investment_wan
                            if completed is not None and project.total_investment_wan else None),
        "next_stage": next_stage,
        "missing_for_next": stage_missing_fields(next_stage.code, values) if next_stage else [],
        "chart": {
            "months": [r.month.strftime("%Y-%m") for r in reports],
            "values": [str(r.cumulative_investment_wan) for r in reports],
            "total": str(project.total_investment_wan) if project.total_investment_wan is not None else None,
        },
    })


@require_safe
@login_required
def project_by_code(request, code: str):
    """/projects/c/<code>/ → the detail page; the records behind a dashboard number link here."""
    found = get_object_or_404(projects_visible_to(request.user).only("pk"), code=code)
    return redirect("projects:detail", pk=found.pk)


@require_POST
@login_required
def project_advance(request, pk: int):
    """The detail page's 推进 button: the next stage, through the service (stage log, history, event)."""
    if not user_may(request.user, Capability.WRITE):
        raise PermissionDenied("您的账号不能变更项目阶段")
    project = get_object_or_404(projects_visible_to(request.user).select_related("enterprise__region"), pk=pk)
    try:
        log = project_advance_stage(project=project, to_stage=request.POST.get("to_stage", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已推进到“{log.get_to_stage_display()}”（{log.changed_on:%Y-%m-%d}）")
    return redirect("projects:detail", pk=project.pk)


# ----------------------------------------------------------------------------------------------------
# Editing: officers within their scope and administrators, through the services (history, no lost update)

PAGE = "项目信息页"
ACTIVITY_PAGE = "活动页"


def _writer(request) -> None:
    if not user_may(request.user, Capability.WRITE):
        raise PermissionDenied("您的账号不能修改项目（仅管理员和经信部门工作人员可以修改）")


def _own_project(request, pk: int) -> Project:
    _writer(request)
    return get_object_or_404(projects_visible_to(request.user).select_related("enterprise__region"), pk=pk)


def _detail(project) -> str:
    return reverse("projects:detail", args=[project.pk])


def _project_saver(request, instance):
    return lambda values, version: project_save(instance=instance, values=values, by=request.user,
                                                version=version, source=PAGE)


@login_required
def project_create(request):
    _writer(request)
    instance = Project()
    initial = {"enterprise": request.GET["enterprise"]} if request.GET.get("enterprise") else None
    form = ProjectForm(request.POST or None, instance=Project(), user=request.user, initial=initial)
    return record_form_page(request, form=form, instance=instance, title="新增项目", back=reverse("projects:list"),
                            save=_project_saver(request, instance), done=_detail,
                            note="新项目一般从“储备”阶段开始；之后在项目页用阶段按钮推进。")


@login_required
def project_edit(request, pk: int):
    project = _own_project(request, pk)
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=pk), user=request.user)
    return record_form_page(request, form=form, instance=project, title=f"修改项目：{project.code}",
                            back=_detail(project), save=_project_saver(request, project),
                            note="项目阶段和运行状态在项目页用各自的按钮变更（记录日期和原因）。")


@login_required
def project_delete(request, pk: int):
    project = _own_project(request, pk)
    return record_delete_page(request, instance=project, title=f"删除项目：{project.code}", back=_detail(project),
                              done=reverse("projects:list"), by=request.user, source=PAGE)


@login_required
def project_stage(request, pk: int):
    """Change the stage: forward as the dates allow, to 终止, or back as a correction (with a note)."""
    project = _own_project(request, pk)
    form = StageForm(request.POST or None, initial={"to_stage": getattr(stage_next(project.stage), "code", "")})
    if request.method == "POST" and form.is_valid():
        to_stage = form.cleaned_data["to_stage"]
        backwards = (to_stage != "terminated" and project.stage != "terminated"
                     and STAGE_BY_CODE[to_stage].order < STAGE_BY_CODE[project.stage].order)
        note = form.cleaned_data["note"]
        try:
            if to_stage == "terminated" and not note.strip():
                raise ValidationError("终止项目须填写说明")
            log = project_advance_stage(project=project, to_stage=to_stage, by=request.user, note=note,
                                        on=form.cleaned_data["changed_on"], source=PAGE,
                                        correction=backwards or project.stage == "terminated")
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, f"项目阶段已变更为“{log.get_to_stage_display()}”（{log.changed_on:%Y-%m-%d}）")
            return redirect(_detail(project))
    return render(request, "record_form.html", {
        "form": form, "title": f"变更项目阶段：{project.code}（当前“{project.get_stage_display()}”）",
        "back": _detail(project), "version": 0,
        "note": "推进到后一阶段须先填写该阶段要求的日期和投资；退回前一阶段视为更正，须写明原因。",
    }, status=400 if request.method == "POST" else 200)


@login_required
def project_health(request, pk: int):
    project = _own_project(request, pk)
    form = HealthForm(request.POST or None, initial={"health": project.health})
    if request.method == "POST" and form.is_valid():
        project_health_set(project=project, health=form.cleaned_data["health"], reason=form.cleaned_data["reason"],
                           by=request.user, source=PAGE)
        messages.success(request, f"运行状态已设为“{Project.Health(form.cleaned_data['health']).label}”")
        return redirect(_detail(project))
    return render(request, "record_form.html", {
        "form": form, "title": f"设置运行状态：{project.code}", "back": _detail(project), "version": 0,
    }, status=400 if request.method == "POST" else 200)


def _progress_saver(request, project, instance):
    return lambda values, version: record_save(instance=instance, values=values, by=request.user, version=version,
                                               source=PAGE, subject=project)


@login_required
def progress_add(request, pk: int):
    project = _own_project(request, pk)
    instance = ProjectProgress(project=project)
    form = ProgressForm(request.POST or None, instance=ProjectProgress(project=project))
    return record_form_page(request, form=form, instance=instance, title=f"{project.code}：填报月度进度",
                            back=_detail(project), save=_progress_saver(request, project, instance))


@login_required
def progress_edit(request, pk: int, report_pk: int):
    project = _own_project(request, pk)
    report = get_object_or_404(ProjectProgress, pk=report_pk, project=project)
    form = ProgressForm(request.POST or None, instance=ProjectProgress.objects.get(pk=report.pk))
    return record_form_page(request, form=form, instance=report, title=f"{project.code}：修改{report.month:%Y-%m}进度",
                            back=_detail(project), save=_progress_saver(request, project, report))


@login_required
def progress_delete(request, pk: int, report_pk: int):
    project = _own_project(request, pk)
    report = get_object_or_404(ProjectProgress, pk=report_pk, project=project)
    return record_delete_page(request, instance=report, title=f"{project.code}：删除{report.month:%Y-%m}进度",
                              back=_detail(project), done=_detail(project), by=request.user, source=PAGE,
                              subject=project)


@require_safe
@login_required
def activity_list(request):
    activities = activities_visible_to(request.user).select_related("region").order_by("-date", "title")
    return render(request, "projects/activities.html", {
        "nav": "projects", "page": page_of(request, activities), "may_edit": user_may(request.user, Capability.WRITE),
    })


def _activity_saver(request, instance):
    return lambda values, version: record_save(instance=instance, values=values, by=request.user, version=version,
                                               source=ACTIVITY_PAGE)


@login_required
def activity_create(request):
    _writer(request)
    instance = Activity()
    form = ActivityForm(request.POST or None, instance=Activity(), user=request.user)
    return record_form_page(request, form=form, instance=instance, title="新增活动", back=reverse("projects:activities"),
                            save=_activity_saver(request, instance))


def _own_activity(request, pk: int) -> Activity:
    _writer(request)
    return get_object_or_404(activities_visible_to(request.user), pk=pk)


@login_required
def activity_edit(request, pk: int):
    activity = _own_activity(request, pk)
    form = ActivityForm(request.POST or None, instance=Activity.objects.get(pk=pk), user=request.user)
    return record_form_page(request, form=form, instance=activity, title=f"修改活动：{activity.title}",
                            back=reverse("projects:activities"), save=_activity_saver(request, activity))


@login_required
def activity_delete(request, pk: int):
    activity = _own_activity(request, pk)
    return record_delete_page(request, instance=activity, title=f"删除活动：{activity.title}",
                              back=reverse("projects:activities"), done=reverse("projects:activities"),
                              by=request.user, source=ACTIVITY_PAGE)
