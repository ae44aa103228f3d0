"""Enterprise pages: the list (filter, search, sort, page, export) and one enterprise's record."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from lianghua.accounts.selectors import region_options
from lianghua.core.pages import page_of
from lianghua.core.query_params import query_problem_page
from lianghua.core.tabular import tabular_response
from lianghua.regions.selectors import region_cell_writer

from .import_kinds import ENTERPRISE_EXPORT_ONLY, ENTERPRISES
from .listing import SORTS, enterprise_list_filter, enterprises_listed
from .models import Industry
from .selectors import enterprises_visible_to

# The import's columns first, then the ones it skips: the export imports back as it is.
EXPORT_HEADERS = [*ENTERPRISES.headers, *ENTERPRISE_EXPORT_ONLY]


@require_safe
@login_required
def enterprise_list(request):
    spec = enterprise_list_filter(request.GET)
    enterprises = enterprises_listed(request.user, spec)
    return render(request, "enterprises/list.html", {
        "nav": "enterprises",
        "spec": spec,
        "page": page_of(request, enterprises),
        "regions": region_options(request.user),
        "industries": Industry.objects.filter(disabled_on__isnull=True),
        "sorts": SORTS,
    })


@require_safe
@login_required
def enterprise_export(request):
    spec = enterprise_list_filter(request.GET)
    if spec.problems:
        return query_problem_page(request, spec.problems, title="企业名单导出", back=reverse("enterprises:list"))
    region_cell = region_cell_writer()
    rows = (
        (e.credit_code, e.name, region_cell(e.region), e.industry.code if e.industry else "",
         e.contact_person, e.contact_phone, e.address,
         e.region.code, e.industry.name if e.industry else "", spec.year, e.year_above_scale, e.year_revenue_wan,
         e.project_count)
        for e in enterprises_listed(request.user, spec).iterator(chunk_size=2000)
    )
    return tabular_response(headers=EXPORT_HEADERS, rows=rows, filename="企业名单",
                            fmt=request.GET.get("format", "csv"))


@require_safe
@login_required
def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(
        enterprises_visible_to(request.user).select_related("region", "region__parent", "industry")
        .prefetch_related(
            "years",
            "credentials__kind",
            "digital_levels",
        ),
        pk=pk,
    )
    return render(request, "enterprises/detail.html", {
        "nav": "enterprises",
        "enterprise": enterprise,
        "years": sorted(enterprise.years.all(), key=lambda y: y.year, reverse=True),
        "credentials": sorted(enterprise.credentials.all(), key=lambda c: c.granted_on, reverse=True),
        "digital_levels": sorted(enterprise.digital_levels.all(), key=lambda d: d.assessed_on, reverse=True),
        "projects": list(enterprise.projects.order_by("-actual_start", "code")),
    })


@require_safe
@login_required
def enterprise_by_code(request, credit_code: str):
    """/enterprises/c/<credit_code>/ → the detail page; the records behind a dashboard number link here."""
    found = get_object_or_404(enterprises_visible_to(request.user).only("pk"), credit_code=credit_code)
    return redirect("enterprises:detail", pk=found.pk)
