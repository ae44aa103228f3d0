"""Subsidy pages: the calculator, the claims (申报) list and record, and the budget table."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.scope import user_home_region, user_sees_region
from lianghua.accounts.selectors import region_options
from lianghua.core.pages import page_of
from lianghua.core.query_params import QueryValueError, query_problem_page, query_year
from lianghua.enterprises.selectors import credentials_visible_to
from lianghua.projects.selectors import projects_visible_to
from lianghua.regions.models import Region
from lianghua.rulebook.facts import FactsError

from .engine import evaluate_case
from .estimates import budget_estimate, budget_estimate_xlsx
from .fact_form import (
    FACT_LABELS,
    MATTER_NAMES,
    FormErrors,
    bound_fields,
    facts_from_form,
    field_label,
    form_values,
    labelled,
    matter_fields,
    tax_fields,
)
from .facts import credential_facts, project_facts, project_matter_date
from .models import SubsidyApplication, SubsidyResult
from .rules import policy_set_current
from .selectors import subsidy_applications_visible_to
from .services import (
    STATUS_NEXT,
    policy_setting_clear,
    policy_setting_set,
    subsidy_application_advance,
    subsidy_application_submit,
    subsidy_result_compute,
)
from .settings_open import open_settings, setting_value_read, setting_value_text
from .vocabulary import FACT_KINDS, parse_case

EXAMPLE_FACTS = {
    "matter": "project",
    "categories": ["green_energy"],
    "equipment_investment": Decimal(2000),
    "first_set_price": Decimal(400),
    "third_party_verified": True,
    "energy_saving_tce": Decimal(350),
}
PROJECT_CHOICES_SHOWN = 30


def _facts_from_text(text: str) -> dict:
    try:
        facts = json.loads(text or "{}", parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"事实须为 JSON 对象：第{exc.lineno}行第{exc.colno}列 {exc.msg}") from exc
    if not isinstance(facts, dict):
        raise ValidationError('事实须为 JSON 对象，如 {"matter": "project", …}')
    return facts


def _json_number(value: Decimal) -> int | float:
    # Shown to experts and parsed back with parse_float=Decimal: the shortest float repr of a Decimal
    # of a few places reads back as the same digits.
    return int(value) if value == value.to_integral_value() else float(value)


def _facts_text(facts: dict) -> str:
    shown = {
        k: _json_number(v) if isinstance(v, Decimal) else sorted(v) if isinstance(v, set | frozenset) else v
        for k, v in facts.items()
    }
    return json.dumps(shown, ensure_ascii=False, indent=2)


def _projects_matching(user, query: str):
    projects = projects_visible_to(user).select_related("enterprise").order_by("code")
    if query:
        projects = projects.filter(Q(code__icontains=query) | Q(name__icontains=query))
    return list(projects[:PROJECT_CHOICES_SHOWN])


def _calculator_context(request, *, date: str, facts: dict, use_json: bool, facts_text: str | None = None,
                        field_errors: dict | None = None, error: str = "", result=None, project_code: str = ""):
    matter = facts.get("matter") if facts.get("matter") in MATTER_NAMES else "project"
    field_errors = field_errors or {}
    values = form_values(facts)
    return {
        "nav": "subsidies",
        "form": {
            "date": date,
            "matter": matter,
            "facts": facts_text if facts_text is not None else _facts_text(facts),
            "use_json": use_json,
            "json_open": use_json or request.POST.get("json_open") == "1",
            "project": project_code,
        },
        "matters": list(MATTER_NAMES.items()),
        "rows": bound_fields(matter_fields(matter), values, field_errors),
        "tax_rows": bound_fields(tax_fields(), values, field_errors),
        "tax_open": any(key in values for key in (f.name for f in tax_fields())),
        "date_error": field_errors.get("date", ""),
        "projects": _projects_matching(request.user, ""),
        "result": result,
        "error": error,
        "rule_version": policy_set_current().version,
        "documents": sorted(policy_set_current().documents.values(), key=lambda d: d.start),
    }


def _error_text(errors: dict[str, str]) -> str:
    return "；".join(f"{field_label(key)}：{message}" for key, message in errors.items())


@login_required
def calculator(request):
    """The calculator: a form per matter (fields from policies/fact_form.py), or JSON for experts."""
    today = timezone.localdate().isoformat()
    if request.method != "POST":
        code = request.GET.get("project", "").strip()
        if not code:
            context = _calculator_context(request, date=today, facts=dict(EXAMPLE_FACTS), use_json=False)
            return render(request, "policies/calculator.html", context)
        project = projects_visible_to(request.user).filter(code=code).first()
        if project is None:
            context = _calculator_context(
                request, date=today, facts=dict(EXAMPLE_FACTS), use_json=False, project_code=code,
                error=f"找不到项目编号 {code}（或不在您的范围内），未带入",
            )
            return render(request, "policies/calculator.html", context)
        matter_date = project_matter_date(project)
        context = _calculator_context(
            request, date=matter_date.isoformat() if matter_date else today, facts=project_facts(project),
            use_json=False, project_code=code,
        )
        context["prefilled"] = project
        return render(request, "policies/calculator.html", context)

    date = request.POST.get("date") or today
    # A POST without the form's fields (scripts, the old JSON-only page) is the JSON mode.
    use_json = request.POST.get("use_json") == "on" or "matter" not in request.POST
    facts: dict = {"matter": request.POST.get("matter") or "project"}
    facts_text = None
    field_errors: dict[str, str] = {}
    result = None
    try:
        if use_json:
            facts_text = request.POST.get("facts", "")
            facts = _facts_from_text(facts_text)
        else:
            facts = facts_from_form(request.POST)
        policy_set = policy_set_current()
        result = evaluate_case(policy_set, parse_case({"id": "测算", "date": date, "facts": facts}))
    except FormErrors as exc:
        field_errors = exc.errors
        # Keep what the officer typed in the fields that were fine.
        facts = {"matter": request.POST.get("matter") or "project"}
        facts.update(_typed_values(request.POST))
    except FactsError as exc:
        field_errors = {exc.key: labelled(exc.message)}
    except ValidationError as exc:
        field_errors = {"facts": exc.messages[0]}
    context = _calculator_context(
        request, date=date, facts=facts, use_json=use_json, facts_text=facts_text,
        field_errors=field_errors, error=_error_text(field_errors), result=result,
        project_code=request.POST.get("project", ""),
    )
    template = "policies/_calculator_body.html" if request.htmx else "policies/calculator.html"
    return render(request, template, context)


def _typed_values(data) -> dict:
    """The raw text of every fact field, keyed by fact key, to re-show a form that had errors."""
    typed: dict = {}
    for key in FACT_LABELS:
        name = f"f_{key}"
        if key == "categories":
            typed[key] = data.getlist(name)
        elif data.get(name):
            raw = data.get(name)
            typed[key] = {"yes": True, "no": False}.get(raw, raw) if FACT_KINDS[key] == "bool" else raw
    return typed


@login_required
def calculator_fields(request):
    """htmx: the fields of the matter just chosen."""
    matter = request.GET.get("matter", "project")
    if matter not in MATTER_NAMES:
        matter = "project"
    return render(
        request,
        "policies/_fact_fields.html",
        {"rows": bound_fields(matter_fields(matter), {}, {}), "tax_rows": bound_fields(tax_fields(), {}, {})},
    )


@login_required
def calculator_json(request):
    """htmx: the JSON panel, rebuilt from the form on each change (left as typed in JSON mode or on errors)."""
    text = request.POST.get("facts", "")
    if request.POST.get("use_json") != "on":
        try:
            text = _facts_text(facts_from_form(request.POST))
        except FormErrors:
            pass
    return render(request, "policies/_facts_json.html", {"form": {"facts": text}})


@login_required
def calculator_projects(request):
    """htmx: the <option>s of the visible projects whose code or name contains q."""
    return render(
        request,
        "policies/_project_options.html",
        {"projects": _projects_matching(request.user, request.GET.get("q", "").strip())},
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


def _claim_subject(request, params):
    """The project (by code) or credential (by number) a claim is for, within the user's scope."""
    code = (params.get("project") or "").strip()
    credential_pk = (params.get("credential") or "").strip()
    if code:
        project = projects_visible_to(request.user).select_related("enterprise").filter(code=code).first()
        if project is None:
            raise ValidationError(f"找不到项目编号 {code}（或不在您的范围内）")
        return project, None
    if credential_pk:
        credential = (credentials_visible_to(request.user).select_related("kind", "enterprise")
                      .filter(pk=credential_pk if credential_pk.isdigit() else 0).first())
        if credential is None:
            raise ValidationError("找不到该认定（或不在您的范围内）")
        return None, credential
    return None, None


def _facts_beyond_registry(typed: dict, registry: dict) -> dict:
    """What the claimant added to or changed from the registry's facts: stored as the claim's own facts."""
    def same(a, b):
        if isinstance(a, list | tuple | set | frozenset) and isinstance(b, list | tuple | set | frozenset):
            return sorted(a) == sorted(b)
        return a == b

    return {k: v for k, v in typed.items() if k != "matter" and not (k in registry and same(registry[k], v))}


@login_required
def application_new(request):
    """A claim on one registered project or credential: choose it, then the matter's Chinese form,
    prefilled from the registry (the calculator's fields); what the registry lacks is filled in here."""
    if not user_may(request.user, Capability.CLAIM):
        raise PermissionDenied("您的账号不能提交奖补申报")
    params = request.POST if request.method == "POST" else request.GET
    context: dict = {"nav": "subsidies", "projects": _projects_matching(request.user, ""),
                     "credentials": credentials_visible_to(request.user).select_related("kind", "enterprise")
                     .order_by("-granted_on")[:PROJECT_CHOICES_SHOWN],
                     "chosen": {"project": params.get("project", ""), "credential": params.get("credential", "")}}
    try:
        project, credential = _claim_subject(request, params)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return render(request, "policies/application_new.html", context, status=400 if params else 200)
    if project is None and credential is None:
        return render(request, "policies/application_new.html", context)
    registry = project_facts(project) if project else credential_facts(credential)
    matter = registry["matter"]
    default_date = project_matter_date(project) if project else credential.granted_on
    form = {"matter_date": params.get("matter_date") or (default_date.isoformat() if default_date else ""),
            "note": params.get("note", "")}
    values, field_errors = form_values(registry), {}
    if request.method == "POST":
        data = request.POST.copy()
        data["matter"] = matter
        try:
            typed = facts_from_form(data)
            matter_date = datetime.date.fromisoformat(form["matter_date"]) if form["matter_date"] else None
            application = subsidy_application_submit(
                by=request.user, project=project, credential=credential, matter_date=matter_date,
                extra_facts=_facts_beyond_registry(typed, registry), note=form["note"])
        except FormErrors as exc:
            field_errors = exc.errors
            values = form_values({"matter": matter, **_typed_values(request.POST)})
            messages.error(request, "输入有误：" + _error_text(exc.errors))
        except ValueError:
            messages.error(request, "事项日期格式应为 YYYY-MM-DD（如 2025-06-30）")
        except ValidationError as exc:
            messages.error(request, "；".join(labelled(m) for m in exc.messages))
        else:
            messages.success(request, "已提交申报并完成测算")
            return redirect("policies:application_detail", pk=application.pk)
    context.update({
        "project": project, "credential": credential, "form": form, "matter_name": MATTER_NAMES[matter],
        "rows": bound_fields(matter_fields(matter), values, field_errors),
    })
    return render(request, "policies/application_new.html", context, status=400 if field_errors else 200)


@login_required
def application_detail(request, pk: int):
    application = get_object_or_404(subsidy_applications_visible_to(request.user), pk=pk)
    if request.method == "POST":
        recompute = request.POST.get("action") == "recompute"
        if not user_may(request.user, Capability.WRITE if recompute else Capability.APPROVE):
            raise PermissionDenied("您的账号不能测算或审核奖补申报")
        try:
            if recompute:
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


BUDGET_TITLE = "奖补预算测算"


@login_required
def budget(request):
    region = _budget_region(request)
    try:
        year = query_year(request.GET.get("year")) or timezone.localdate().year
    except QueryValueError as error:
        return query_problem_page(request, [str(error)], title=BUDGET_TITLE, back=reverse("policies:budget"))
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
    try:
        year = query_year(request.GET.get("year")) or timezone.localdate().year
    except QueryValueError as error:
        return query_problem_page(request, [str(error)], title=BUDGET_TITLE, back=reverse("policies:budget"))
    content = budget_estimate_xlsx(budget_estimate(region=region, year=year))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=subsidy-budget-{region.code}-{year}.xlsx"
    return response


@login_required
def settings_page(request):
    """The numbers the documents leave open, set by an administrator (policies/settings_open.py)."""
    if not user_may(request.user, Capability.ADMINISTER):
        raise PermissionDenied("只有管理员可以设置奖补参数")
    settings = {s.name: s for s in open_settings()}
    if request.method == "POST":
        found = settings.get(request.POST.get("name", ""))
        if found is None:
            messages.error(request, "未知的参数")
            return redirect("policies:settings")
        try:
            if request.POST.get("clear"):
                policy_setting_clear(name=found.name, by=request.user, note=request.POST.get("note", ""))
                messages.success(request, f"已清除：{found.note}")
            else:
                value = setting_value_read(found, request.POST.get("value", ""))
                policy_setting_set(name=found.name, value=value, by=request.user, note=request.POST.get("note", ""))
                messages.success(request, f"已设置：{found.note} = {setting_value_text(found.form, value)}")
        except ValueError as exc:
            messages.error(request, f"{found.note}：{exc}")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("policies:settings")
    return render(request, "policies/settings.html", {"nav": "subsidies", "settings": list(settings.values())})

