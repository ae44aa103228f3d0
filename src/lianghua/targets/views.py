"""Target pages: the dashboard (the main job), the records behind a number, the plans and their check.

Thin: the choice is read by targets/dashboard.py, numbers come from targets/progress.py and
targets/records.py (helper modules of their own), and everything is scoped to the user there.
"""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.scope import user_sees_region
from lianghua.core.formatting import cell_text, unit_of_label
from lianghua.core.query_params import QueryValueError, query_date, query_problem_page, query_year
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_children, region_resolve

from .dashboard import (
    dashboard_choice,
    default_year,
    plan_year_read,
    progress_layout,
    records_query,
    responsible_departments,
)
from .decomposition import MISMATCH, ROUNDING, STATUS_LABELS
from .models import Indicator, Target
from .progress import progress_compute
from .records import progress_records
from .selectors import plan_decomposition_check, plan_undecomposed, plans_visible_to, targets_visible_to
from .services import reported_actual_record


def _is_figure(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _wants_fragment(request) -> bool:
    """htmx swapping part of a page gets the fragment; a boosted link or a history restore (cache miss
    after Back) needs the whole page."""
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def _region_views_allowed(user):
    if not user_may(user, Capability.VIEW):
        raise PermissionDenied("企业用户只能查看本企业信息")


@require_safe
@login_required
def dashboard(request):
    user = request.user
    if not user_may(user, Capability.VIEW):
        if user.enterprise_id:  # an enterprise user's home is their enterprise's page
            return redirect("enterprises:detail", pk=user.enterprise_id)
        raise PermissionDenied("企业用户只能查看本企业信息")
    choice = dashboard_choice(user, request.GET)
    layout = None
    departments, responsible = [], ""
    if choice.plan is not None and choice.region is not None:
        rows = progress_compute(plan=choice.plan, region=choice.region, year=choice.year, as_of=choice.as_of,
                                children=True, undecomposed=True)
        departments = responsible_departments(rows)
        responsible = request.GET.get("responsible", "")
        if responsible:
            rows = [r for r in rows if responsible in r.responsible]
        child_order = [(r.code, r.name) for r in region_children(choice.region)]
        layout = progress_layout(rows, region_code=choice.region.code, child_order=child_order,
                                 chart_indicator=choice.chart_indicator)
        for row in rows:
            row.records_url = reverse("targets:records") + "?" + records_query(row, choice.as_of)
            if row.base_year is not None:
                row.base_url = reverse("targets:records") + "?" + records_query(row, choice.as_of, year=row.base_year)
    parent_link = None
    parent = choice.region.parent if choice.region is not None else None
    if parent is not None and any(r.pk == parent.pk for r in choice.regions):
        parent_link = {"name": parent.name, "url": reverse("targets:dashboard") + "?" + urlencode(
            {"plan": choice.plan.code, "region": parent.code, "year": choice.year, "as_of": choice.as_of.isoformat()})}
    template = "targets/_dashboard_body.html" if _wants_fragment(request) else "targets/dashboard.html"
    return render(request, template, {"nav": "dashboard", "choice": choice, "layout": layout,
                                      "parent_link": parent_link, "departments": departments,
                                      "responsible": responsible})


RECORDS_TITLE = "实际值明细"


def _record_link(kind: str, row: dict, query: dict) -> str | None:
    """Project rows open the project, enterprise and credential rows the enterprise (by natural key); the
    parts of a rolled-up or composed number open the part's own records (`query`: this page's)."""
    if kind == "parts" and (row.get("region_code") or row.get("indicator_code")):
        part = {**query, "region": row.get("region_code") or query["region"],
                "indicator": row.get("indicator_code") or query["indicator"]}
        return reverse("targets:records") + "?" + urlencode(part)
    if kind == "projects" and row.get("code"):
        return reverse("projects:by_code", args=[row["code"]])
    if row.get("credit_code"):
        return reverse("enterprises:by_code", args=[row["credit_code"]])
    return None


@require_safe
@login_required
def records(request):
    """The projects / enterprises / credentials / activities counted in one actual value."""
    user = request.user
    _region_views_allowed(user)
    params = request.GET
    plan = plans_visible_to(user).filter(code=params.get("plan", "")).first()
    indicator = Indicator.objects.filter(code=params.get("indicator", "")).first()
    try:
        region = region_resolve(params.get("region", ""))
    except Region.DoesNotExist:
        region = None
    unknown = [text for missing, text in (
        (plan is None, f"没有可查看的目标方案“{params.get('plan', '')}”"),
        (indicator is None, f"未知指标“{params.get('indicator', '')}”"),
        (region is None, f"未知区域“{params.get('region', '')}”"),
    ) if missing]
    if unknown:
        return query_problem_page(request, unknown, title=RECORDS_TITLE, status=404, back=reverse("targets:dashboard"))
    if not user_sees_region(user, region):
        raise PermissionDenied("无权查看该区域")
    problems = []
    year = as_of = None
    try:
        year = plan_year_read(plan, params.get("year"), with_base_years=True) or default_year(plan, dt.date.today())
    except QueryValueError as error:
        problems.append(str(error))
    try:
        as_of = query_date(params.get("as_of"), label="截至日期") or dt.date.today()
    except QueryValueError as error:
        problems.append(str(error))
    basis = params.get("basis") or Target.Basis.ANNUAL
    if basis not in Target.Basis.values:
        problems.append(f"口径“{basis}”无法识别，应为 annual（年度）或 cumulative（累计）")
    if problems:
        return query_problem_page(request, problems, title=RECORDS_TITLE, back=reverse("targets:dashboard"))
    found = progress_records(user=user, plan=plan, indicator=indicator, region=region, year=year,
                             basis=basis, as_of=as_of, industry=params.get("industry", ""))
    units = [(key, unit_of_label(label)) for key, label in found.columns]
    query = {"plan": plan.code, "indicator": indicator.code, "region": region.code, "year": year, "basis": basis,
             "as_of": as_of.isoformat()}
    rows = [{"cells": [{"text": cell_text(row.get(key), unit=unit), "numeric": _is_figure(row.get(key))}
                       for key, unit in units],
             "link": _record_link(found.kind, row, query)} for row in found.rows]
    template = "targets/_records_body.html" if _wants_fragment(request) else "targets/records.html"
    back = reverse("targets:dashboard") + "?" + "&".join(
        f"{k}={v}" for k, v in (("plan", plan.code), ("region", region.code), ("year", year),
                                ("as_of", as_of.isoformat())))
    return render(request, template, {
        "nav": "dashboard", "plan": plan, "indicator": indicator, "region": region, "year": year,
        "basis": basis, "basis_label": Target.Basis(basis).label, "as_of": as_of, "found": found,
        "rows": rows, "back": back,
        "can_report": found.kind == "reported" and user_may(user, Capability.WRITE) and user_sees_region(user, region),
    })


@require_POST
@login_required
def report_actual(request):
    """填报值: an officer enters the actual of an indicator the registry cannot count."""
    user = request.user
    form = request.POST
    plan = plans_visible_to(user).filter(code=form.get("plan", "")).first()
    indicator = Indicator.objects.filter(code=form.get("indicator", "")).first()
    region = Region.objects.filter(code=form.get("region", "")).first()
    if plan is None or indicator is None or region is None:
        raise Http404("方案、指标或区域不存在")
    basis = form.get("basis") or Target.Basis.ANNUAL
    try:
        year = query_year(form.get("year"))
        as_of = query_date(form.get("as_of"), label="截至日期")
        if year is None or as_of is None:
            raise QueryValueError("请填写年度和截至日期")
    except QueryValueError as error:
        messages.error(request, f"填报失败：{error}")
        year = None
    if year is not None:
        try:
            reported_actual_record(plan=plan, indicator=indicator, region=region, year=year,
                                   value=form.get("value", ""), as_of=as_of, source=form.get("source", ""), by=user)
            messages.success(request, f"已填报：{region.name} {indicator.name} {year}年 {form.get('value')}{indicator.unit}")
        except ValidationError as error:
            messages.error(request, "填报失败：" + "；".join(m for ms in error.message_dict.values() for m in ms))
    query = urlencode({"plan": plan.code, "indicator": indicator.code, "region": region.code,
                       "year": form.get("year", ""), "basis": basis, "as_of": form.get("as_of", "")})
    return redirect(reverse("targets:records") + "?" + query)


@require_safe
@login_required
def plan_list(request):
    _region_views_allowed(request.user)
    plans = list(plans_visible_to(request.user).order_by("-start_year", "code"))
    counts = {}
    for plan_id in targets_visible_to(request.user).values_list("plan_id", flat=True):
        counts[plan_id] = counts.get(plan_id, 0) + 1
    for plan in plans:
        plan.visible_target_count = counts.get(plan.pk, 0)
    return render(request, "targets/plan_list.html", {"nav": "plans", "plans": plans})


@require_safe
@login_required
def plan_detail(request, code: str):
    user = request.user
    _region_views_allowed(user)
    plan = get_object_or_404(plans_visible_to(user), code=code)
    targets = list(
        targets_visible_to(user).filter(plan=plan).select_related("indicator", "region")
        .order_by("indicator__order", "indicator__code", "basis", "region__path", "year")
    )
    departments = responsible_departments(targets)
    responsible = request.GET.get("responsible", "")
    if responsible:
        targets = [t for t in targets if responsible in t.responsible]
    visible_codes = {t.region.code for t in targets}
    checks = [c for c in plan_decomposition_check(plan) if c.region in visible_codes]
    issues = [c for c in checks if c.status != "ok"]
    return render(request, "targets/plan_detail.html", {
        "nav": "plans", "plan": plan, "targets": targets, "checks": checks, "issues": issues,
        "check_labels": STATUS_LABELS, "MISMATCH": MISMATCH, "ROUNDING": ROUNDING,
        "ambiguous": [t for t in targets if t.note], "departments": departments, "responsible": responsible,
        "undecomposed": plan_undecomposed(plan),
    })
