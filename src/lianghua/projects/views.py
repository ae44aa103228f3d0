"""Project pages: the list (filter, search, sort, page, export) and one project's record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.selectors import region_options
from lianghua.core.formatting import percent
from lianghua.core.pages import page_of
from lianghua.core.query_params import query_problem_page
from lianghua.core.tabular import tabular_response

from .import_kinds import PROJECT_EXPORT_ONLY, PROJECTS
from .listing import SORTS, project_list_filter, projects_listed
from .models import Project
from .selectors import projects_visible_to
from .services import project_advance_stage
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
         p.enterprise.name, p.enterprise.region.name, p.latest_cumulative_wan,
         percent(p.latest_cumulative_wan / p.total_investment_wan, empty="")
         if p.latest_cumulative_wan is not None and p.total_investment_wan else "",
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
    next_stage = stage_next(project.stage)
    values = {f: getattr(project, f) for f in ("planned_start", "planned_end", "total_investment_wan",
                                                 "actual_start", "actual_end", "accepted_on")}
    completed = reports[-1].cumulative_investment_wan if reports else None
    return render(request, "projects/detail.html", {
        "nav": "projects",
        "project": project,
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
