"""Subsidy pages: the calculator, the claims (申报) list and record, and the budget table."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from lianghua.accounts.scope import user_home_region, user_sees_region
from lianghua.core.pages import page_of, region_options
from lianghua.enterprises.selectors import credentials_visible_to
from lianghua.projects.selectors import projects_visible_to
from lianghua.regions.models import Region

from .engine import FactsError, evaluate_case, parse_case
from .estimates import budget_estimate, budget_estimate_xlsx
from .models import SubsidyApplication, SubsidyResult
from .rules import policy_set_current
from .selectors import subsidy_applications_visible_to
from .services import (
    STATUS_NEXT,
    subsidy_application_advance,
    subsidy_application_submit,
    subsidy_result_compute,
)

EXAMPLE_FACTS = {
    "matter": "project",
    "categories": ["green_energy"],
    "equipment_investment": 2000,
    "first_set_price": 400,
    "third_party_verified": True,
    "energy_saving_tce": 350,
}


def _facts_from_text(text: str) -> dict:
    try:
        facts = json.loads(text or "{}", parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"事实须为 JSON 对象：第{exc.lineno}行第{exc.colno}列 {exc.msg}") from exc
    if not isinstance(facts, dict):
        raise ValidationError('事实须为 JSON 对象，如 {"matter": "project", …}')
    return facts


@login_required
def calculator(request):
    form = {
        "date": request.POST.get("date") or timezone.localdate().isoformat(),
        "facts": request.POST.get("facts") or json.dumps(EXAMPLE_FACTS, ensure_ascii=False, indent=2),
    }
    result = error = None
    policy_set = policy_set_current()
    if request.method == "POST":
        try:
            facts = _facts_from_text(form["facts"])
            result = evaluate_case(
                policy_set, parse_case({"id": "测算", "date": form["date"], "facts": facts})
            )
        except FactsError as exc:
            error = f"{exc.key}：{exc.message}"
        except ValidationError as exc:
            error = exc.messages[0]
    template = "policies/_result.html" if request.htmx else "policies/calculator.html"
    return render(
        request,
        template,
        {
            "nav": "subsidies",
            "form": form,
            "result": result,
            "error": error,
            "rule_version": policy_set.version,
        },
    )


@login_required
def application_list(request):
    status = request.GET.get("status", "")
    latest = SubsidyResult.objects.filter(application=OuterRef("pk")).order_by("-computed_at", "-id")
    applications = subsidy_applications_visible_to(request.user).annotate(
        latest_total=Subquery(latest.values("total_wan")[:1])
    )
    if status in SubsidyApplication.Status.values:
        applications = applications.filter(status=status)
    return render(
        request,
        "policies/application_list.html",
        {
            "nav": "subsidies",
            "page": page_of(request, applications),
            "statuses": SubsidyApplication.Status.choices,
            "status": status,
        },
    )


@login_required
def application_new(request):
    if not request.user.can_write and request.user.role != request.user.Role.ENTERPRISE:
        raise PermissionDenied
    form = {
        k: request.POST.get(k, request.GET.get(k, ""))
        for k in ("project", "credential", "matter_date", "facts", "note")
    }
    if request.method == "POST":
        try:
            project = credential = None
            if form["project"]:
                project = projects_visible_to(request.user).filter(code=form["project"].strip()).first()
                if project is None:
                    raise ValidationError("找不到该项目编号（或不在您的范围内）")
            if form["credential"]:
                credential = (
                    credentials_visible_to(request.user).filter(pk=form["credential"].strip() or 0).first()
                )
                if credential is None:
                    raise ValidationError("找不到该认定（或不在您的范围内）")
            matter_date = datetime.date.fromisoformat(form["matter_date"]) if form["matter_date"] else None
            application = subsidy_application_submit(
                by=request.user,
                project=project,
                credential=credential,
                matter_date=matter_date,
                extra_facts=_facts_from_text(form["facts"]),
                note=form["note"],
            )
        except ValueError:
            messages.error(request, "事项日期格式应为 YYYY-MM-DD")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已提交申报并完成测算")
            return redirect("policies:application_detail", pk=application.pk)
    return render(request, "policies/application_new.html", {"nav": "subsidies", "form": form})


@login_required
def application_detail(request, pk: int):
    application = get_object_or_404(subsidy_applications_visible_to(request.user), pk=pk)
    if request.method == "POST":
        if not request.user.can_write:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "recompute":
                subsidy_result_compute(application=application, by=request.user)
                messages.success(request, "已按现行规则重新测算（原结果保留）")
            else:
                subsidy_application_advance(
                    application=application,
                    to_status=request.POST.get("to_status", ""),
                    by=request.user,
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "状态已变更")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("policies:application_detail", pk=application.pk)
    results = list(application.results.all())
    return render(
        request,
        "policies/application_detail.html",
        {
            "nav": "subsidies",
            "application": application,
            "results": results,
            "latest": results[0] if results else None,
            "status_log": list(application.status_log.select_related("by")),
            "next_statuses": [
                (s, SubsidyApplication.Status(s).label) for s in STATUS_NEXT[application.status]
            ],
            "status_names": dict(SubsidyApplication.Status.choices),
        },
    )


def _budget_region(request) -> Region | None:
    code = request.GET.get("region")
    region = Region.objects.filter(code=code).first() if code else user_home_region(request.user)
    if region is not None and not user_sees_region(request.user, region):
        raise PermissionDenied
    return region


@login_required
def budget(request):
    region = _budget_region(request)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    estimate = budget_estimate(region=region, year=year) if region is not None else None
    rows = []
    if estimate:
        rows = [
            (
                rule,
                title,
                [estimate.amounts.get((rule, code)) for code, _ in estimate.towns],
                estimate.rule_total(rule),
            )
            for rule, title in estimate.rules
        ]
    return render(
        request,
        "policies/budget.html",
        {
            "nav": "subsidies",
            "region": region,
            "year": year,
            "estimate": estimate,
            "rows": rows,
            "town_totals": [estimate.town_total(code) for code, _ in estimate.towns] if estimate else [],
            "regions": region_options(request.user),
        },
    )


@login_required
def budget_xlsx(request):
    region = _budget_region(request)
    if region is None:
        raise PermissionDenied
    year = int(request.GET.get("year") or timezone.localdate().year)
    content = budget_estimate_xlsx(budget_estimate(region=region, year=year))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=subsidy-budget-{region.code}-{year}.xlsx"
    return response
