"""The 亩均效益评价 pages: a county's evaluation for a year (kept versions, or the live preview), with its
steps (draft, 公示, 定档); one enterprise's result explained; objections and their answers; the
enterprise's own results; exemptions; the county's method settings."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from lianghua.accounts.roles import Capability, Scope, role_of, user_may
from lianghua.accounts.scope import user_home_region, user_sees_region
from lianghua.accounts.selectors import region_options
from lianghua.audit.editing import EditConflict, record_version
from lianghua.audit.models import DomainEvent
from lianghua.core.formatting import decimal_text
from lianghua.core.query_params import query_problem_page
from lianghua.core.tabular import XLSX_TYPE, content_disposition
from lianghua.enterprises.models import Enterprise, EnterpriseYear
from lianghua.enterprises.selectors import enterprises_visible_to
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve, subtree_regions

from .carbon import GRADE_COLOURS, GRADES
from .diagnosis import answers_check
from .export import carbon_workbook, indicator_codes, mujun_workbook
from .kinds import KINDS
from .ladder import RUNG_BY_KIND, RUNGS
from .methods import CARBON_DOCUMENT, FACTORS_DOCUMENT, MUJUN_DOCUMENT, documents_for, method_settings_sources
from .models import CultivationEntry, Evaluation, Exemption, InefficientCase, Objection
from .mujun import CLASSES, GROUP_LABELS, INDICATOR_BY_CODE, RANKED_GROUPS
from .selectors import (
    INPUT_FIELDS,
    carbon_result_data,
    diagnoses_visible_to,
    diagnosis_coverage,
    evaluations_visible_to,
    latest_evaluation,
    result_data,
    results_visible_to,
)
from .services import (
    CASE_NEXT,
    EvaluationError,
    cultivation_add,
    cultivation_drop,
    diagnosis_project_create,
    diagnosis_rescore,
    diagnosis_submit,
    evaluation_draft,
    evaluation_finalise,
    evaluation_publicise,
    exemption_set,
    inefficient_list,
    inefficient_proposals,
    inefficient_update,
    ladder_steps,
    method_setting_set,
    objection_accept,
    objection_file,
    objection_reject,
    questionnaire_current,
)

COUNTY_DEPTH = 2
# What an officer may correct when accepting an objection: the year's figures the method reads.
CORRECTABLE = ("is_above_scale", *INPUT_FIELDS)


def _officer_view(user) -> None:
    if not user_may(user, Capability.VIEW) or role_of(user).scope == Scope.ENTERPRISE:
        raise PermissionDenied("评价结果汇总只对经信部门和领导开放；企业请在“本企业评价”中查看")


def _county_above(region: Region) -> Region | None:
    code = region.path.strip("/").split("/")[COUNTY_DEPTH] if region.depth > COUNTY_DEPTH else None
    return Region.objects.filter(code=code).first() if code else region


def _region_year(request, params):
    """(region, year, problems): the county asked for (or the user's own, or the county above a town
    officer's town) and the year (default: last year, whose figures are in)."""
    problems = []
    region = user_home_region(request.user)
    if params.get("region"):
        try:
            region = region_resolve(params["region"])
        except Region.DoesNotExist as error:
            problems.append(str(error.args[0]) if error.args else "未知区域")
    if region is not None and region.depth > COUNTY_DEPTH:
        region = _county_above(region)
    # A town officer reads the county's evaluation (its own town's enterprises only); above the county, only
    # what the user's scope holds.
    town_in_county = (region is not None and region.depth == COUNTY_DEPTH and request.user.region_id
                      and request.user.region.path.startswith(region.path))
    if region is not None and not (user_sees_region(request.user, region) or town_in_county):
        raise PermissionDenied(f"您的账号不能查看{region.name}的评价")
    try:
        year = int(params.get("year") or timezone.localdate().year - 1)
    except ValueError:
        problems.append(f"年度“{params.get('year')}”应为四位数字，如 2025")
        year = timezone.localdate().year - 1
    if region is None:
        problems.append("没有可评价的区域")
    return region, year, problems


def _page_url(region: Region, year: int) -> str:
    return reverse("evaluations:mujun") + "?" + urlencode({"region": region.code, "year": year})


def _visible_results(user, evaluation: Evaluation):
    return results_visible_to(user).filter(evaluation=evaluation).order_by("group", "rank", "enterprise__credit_code")


def _counts(results) -> dict:
    counts = {group: dict.fromkeys(CLASSES, 0) for group in RANKED_GROUPS}
    for result in results:
        if result["class"]:
            counts[result["group"]][result["class"]] += 1
    return counts


def _stored_rows(rows, class_names) -> list[dict]:
    """Kept results as the plain data the live computation gives (selectors.result_data)."""
    return [{
        "credit_code": r.enterprise.credit_code, "name": r.enterprise.name, "region": r.enterprise.region.name,
        "enterprise_id": r.enterprise_id, "group": r.group, "group_label": GROUP_LABELS[r.group],
        "indicators": r.terms, "score": None if r.score is None else str(r.score), "rank": r.rank,
        "class": r.klass or None, "class_name": class_names.get(r.klass, ""), "reason": r.reason,
    } for r in rows]


def _kept_or_live(request, kind: str, region: Region, year: int, title: str):
    """(the latest kept version or None, its results the user may see as plain data, its method) — or, before
    any version, the live trial's; a method the county left incomplete is a problem page, not a 500."""
    evaluation = latest_evaluation(kind, region, year)
    if evaluation is not None:
        rows = _visible_results(request.user, evaluation).select_related("enterprise__region")
        if kind == Evaluation.Kind.CARBON:
            results = [{**r.terms, "enterprise_id": r.enterprise_id} for r in rows]
        else:
            results = _stored_rows(rows, evaluation.method.get("class_names", {}))
        return evaluation, results, evaluation.method
    try:
        computed = KINDS[kind].compute(region, year)
    except Exception as error:
        return query_problem_page(request, [f"评价方法无法计算：{error}"], title=title,
                                  back=reverse(f"evaluations:{kind}"))
    visible = set(enterprises_visible_to(request.user).filter(
        pk__in=[r.enterprise.enterprise_id for r in computed.results]).values_list("pk", flat=True))
    data = (carbon_result_data if kind == Evaluation.Kind.CARBON
            else lambda r: result_data(r, computed.method.class_names))
    results = [{**data(r), "enterprise_id": r.enterprise.enterprise_id}
               for r in computed.results if r.enterprise.enterprise_id in visible]
    return None, results, KINDS[kind].method(computed, region)


def _workbook_response(writer, title: str, evaluation, results, method) -> HttpResponse:
    name = title + (f"（第{evaluation.version}版{evaluation.get_status_display()}）" if evaluation else "（试算）")
    response = HttpResponse(writer(title=name, results=results, method=method), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(f"{name}.xlsx")
    return response


@require_safe
@login_required
def mujun_page(request):
    _officer_view(request.user)
    region, year, problems = _region_year(request, request.GET)
    if problems:
        return query_problem_page(request, problems, title="亩均效益评价", back=reverse("evaluations:mujun"))
    if region.depth < COUNTY_DEPTH:  # a city or the province: its counties, each with its latest version
        counties = list(Region.objects.filter(parent=region, disabled_on__isnull=True).order_by("order", "code"))
        latest = {e.region_id: e for e in evaluations_visible_to(request.user).filter(
            kind=Evaluation.Kind.MUJUN, year=year, region__in=counties).order_by("version")}
        return render(request, "evaluations/overview.html", {
            "nav": "evaluations", "region": region, "year": year, "regions": region_options(request.user),
            "spec": {"region": region}, "rows": [(c, latest.get(c.pk)) for c in counties]})
    title = f"{region.name}{year}年度亩均效益综合评价"
    found = _kept_or_live(request, Evaluation.Kind.MUJUN, region, year, title)
    if isinstance(found, HttpResponse):
        return found
    evaluation, results, method = found
    if request.GET.get("format") == "xlsx":
        return _workbook_response(mujun_workbook, title, evaluation, results, method)
    groups = [(code, label, [r for r in results if r["group"] == code]) for code, label in GROUP_LABELS.items()]
    objections = (Objection.objects.filter(evaluation=evaluation, enterprise__in=enterprises_visible_to(request.user))
                  .select_related("enterprise").order_by("status", "-filed_at") if evaluation else [])
    return render(request, "evaluations/mujun.html", {
        "nav": "evaluations", "region": region, "year": year, "evaluation": evaluation, "groups": groups,
        "codes": indicator_codes(results), "names": {c: i.name for c, i in INDICATOR_BY_CODE.items()},
        "counts": _counts(results), "classes": CLASSES, "method": method,
        "placeholders": [p for p in method["parameters"] if p.get("placeholder")],
        "objections": objections, "regions": region_options(request.user), "spec": {"region": region},
        "may_evaluate": user_may(request.user, Capability.PUBLISH) and user_sees_region(request.user, region),
        "versions": Evaluation.objects.filter(kind=Evaluation.Kind.MUJUN, region=region, year=year).order_by("-version"),
        "query": urlencode({"region": region.code, "year": year}), "kind": Evaluation.Kind.MUJUN,
    })


@require_safe
@login_required
def carbon_page(request):
    """A region's 工业碳效码 for a year: the kept version (or the live trial), counts per grade and per
    industry, each 规上 enterprise's L, the industry's L, K, grade and band."""
    _officer_view(request.user)
    region, year, problems = _region_year(request, request.GET)
    if problems:
        return query_problem_page(request, problems, title="工业碳效评价", back=reverse("evaluations:carbon"))
    title = f"{region.name}{year}年度工业碳效评价"
    found = _kept_or_live(request, Evaluation.Kind.CARBON, region, year, title)
    if isinstance(found, HttpResponse):
        return found
    evaluation, results, method = found
    if request.GET.get("format") == "xlsx":
        return _workbook_response(carbon_workbook, title, evaluation, results, method)
    grades = dict.fromkeys(GRADES, 0)
    industries: dict[str, dict] = {}
    for r in results:
        if r["grade"]:
            grades[r["grade"]] += 1
        if r["industry"]:
            entry = industries.setdefault(r["industry"], {"code": r["industry"], "name": r["industry_name"],
                                                          "intensity": r["industry_intensity"], "count": 0,
                                                          "grades": dict.fromkeys(GRADES, 0)})
            entry["count"] += 1
            if r["grade"]:
                entry["grades"][r["grade"]] += 1
    return render(request, "evaluations/carbon.html", {
        "nav": "evaluations", "region": region, "year": year, "evaluation": evaluation, "results": results,
        "grades": grades, "industries": sorted(industries.values(), key=lambda i: i["code"]), "colours": GRADE_COLOURS,
        "placeholders": [p for p in method["parameters"] if p.get("placeholder")], "title": title,
        "regions": region_options(request.user), "spec": {"region": region},
        "may_evaluate": user_may(request.user, Capability.PUBLISH) and user_sees_region(request.user, region),
        "versions": Evaluation.objects.filter(kind=Evaluation.Kind.CARBON, region=region, year=year).order_by("-version"),
        "query": urlencode({"region": region.code, "year": year}), "kind": Evaluation.Kind.CARBON,
    })


def _step(request, action, done: str):
    try:
        evaluation = action()
    except EvaluationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done.format(e=evaluation))
    return redirect(request.POST.get("next") or reverse("evaluations:mujun"))


@require_POST
@login_required
def draft_view(request):
    _officer_view(request.user)
    region, year, problems = _region_year(request, request.POST)
    if problems:
        return query_problem_page(request, problems, title="生成评价草稿", back=reverse("evaluations:mujun"))
    kind = request.POST.get("kind") or Evaluation.Kind.MUJUN
    if kind not in Evaluation.Kind.values:
        raise Http404("未知的评价")
    return _step(request, lambda: evaluation_draft(region=region, year=year, by=request.user, kind=kind,
                                                   note=request.POST.get("note", "")),
                 "已生成{e.title}第{e.version}版草稿（{e.counts[total]}家企业）")


def _own_evaluation(request, pk: int) -> Evaluation:
    return get_object_or_404(evaluations_visible_to(request.user), pk=pk)


@require_POST
@login_required
def publicise_view(request, pk: int):
    _officer_view(request.user)
    evaluation = _own_evaluation(request, pk)
    return _step(request, lambda: evaluation_publicise(evaluation=evaluation, by=request.user),
                 "{e.title}第{e.version}版已公示，企业可于{e.objections_until:%Y年%-m月%-d日}前提出异议")


@require_POST
@login_required
def finalise_view(request, pk: int):
    _officer_view(request.user)
    evaluation = _own_evaluation(request, pk)
    return _step(request, lambda: evaluation_finalise(evaluation=evaluation, by=request.user),
                 "{e.title}第{e.version}版已定档")


def _arithmetic(item: dict, inputs: dict) -> str:
    indicator = INDICATOR_BY_CODE[item["code"]]
    numerator, denominator = inputs.get(indicator.numerator), inputs.get(indicator.denominator)
    return f"{indicator.numerator_label} {numerator or '—'} ÷ {indicator.denominator_label} {denominator or '—'}"


@require_safe
@login_required
def result_page(request, pk: int, enterprise_pk: int):
    """One enterprise's result in one version: the figures, each term's arithmetic, the parameters, its
    objections (and, for the enterprise itself during 公示, the objection form)."""
    result = get_object_or_404(results_visible_to(request.user).select_related("enterprise__region"),
                               evaluation_id=pk, enterprise_id=enterprise_pk)
    evaluation = result.evaluation
    own = getattr(request.user, "enterprise_id", None) == result.enterprise_id
    may_object = (own and evaluation.status == Evaluation.Status.PUBLICISED and evaluation.objections_until is not None
                  and timezone.localdate() <= evaluation.objections_until)
    common = {"nav": "evaluations", "result": result, "evaluation": evaluation, "own": own, "may_object": may_object,
              "objections": Objection.objects.filter(evaluation=evaluation, enterprise=result.enterprise),
              "placeholders": [p for p in evaluation.method.get("parameters", []) if p.get("placeholder")]}
    if evaluation.kind == Evaluation.Kind.CARBON:
        history = (results_visible_to(request.user).filter(enterprise=result.enterprise, evaluation__kind=evaluation.kind)
                   .order_by("-evaluation__year", "-evaluation__version"))
        return render(request, "evaluations/result_carbon.html", {**common, "data": result.terms, "history": history,
                                                                   "colours": GRADE_COLOURS})
    items = [{**item, "formula": _arithmetic(item, result.inputs)} for item in result.terms]
    return render(request, "evaluations/result.html", {
        "nav": "evaluations", "result": result, "evaluation": evaluation,
        "items": items, "inputs": [(EnterpriseYear._meta.get_field(f).verbose_name, result.inputs.get(f))
                                   for f in INPUT_FIELDS],
        "class_name": evaluation.method.get("class_names", {}).get(result.klass, ""),
        "group_label": GROUP_LABELS.get(result.group, result.group),
        "objections": Objection.objects.filter(evaluation=evaluation, enterprise=result.enterprise),
        "may_object": may_object, "own": own,
        "placeholders": [p for p in evaluation.method.get("parameters", []) if p.get("placeholder")],
    })


@require_POST
@login_required
def object_view(request, pk: int):
    evaluation = get_object_or_404(Evaluation, pk=pk)
    if not results_visible_to(request.user).filter(evaluation=evaluation).exists():
        raise Http404("没有该评价")
    upload = request.FILES.get("attachment")
    try:
        objection_file(evaluation=evaluation, by=request.user, reason=request.POST.get("reason", ""),
                       attachment=upload.read() if upload else None, attachment_name=upload.name if upload else "")
    except EvaluationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "异议已提交，经信部门处理后会通知您")
    return redirect("evaluations:result", pk=evaluation.pk, enterprise_pk=request.user.enterprise_id or 0)


def _objection_of(request, pk: int) -> Objection:
    objection = get_object_or_404(Objection.objects.select_related("evaluation", "evaluation__region", "enterprise"),
                                  pk=pk)
    if not results_visible_to(request.user).filter(evaluation=objection.evaluation,
                                                   enterprise=objection.enterprise).exists():
        raise Http404("没有该异议")
    return objection


@login_required
def objection_page(request, pk: int):
    """An objection and, for an officer who may answer it, the answer: accept with the corrected figures
    (saved through the audited edit path, then the evaluation is re-scored) or reject with the reason."""
    objection = _objection_of(request, pk)
    evaluation = objection.evaluation
    year = EnterpriseYear.objects.filter(enterprise=objection.enterprise, year=evaluation.year).first()
    may_answer = (user_may(request.user, Capability.APPROVE) and user_sees_region(request.user, evaluation.region)
                  and objection.status == Objection.Status.OPEN)
    fields = [(name, EnterpriseYear._meta.get_field(name).verbose_name, getattr(year, name) if year else None)
              for name in CORRECTABLE]
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied("您的账号不能处理该异议")
        answer = request.POST.get("answer", "")
        try:
            if request.POST.get("decision") == "accept":
                corrections = _corrections(request.POST, year)
                objection_accept(objection=objection, by=request.user, answer=answer, corrections=corrections,
                                 version=_version(request.POST))
                messages.success(request, "已采纳，数据已更正并重新计算评价结果")
            else:
                objection_reject(objection=objection, by=request.user, answer=answer)
                messages.success(request, "已答复：不予采纳")
        except (EvaluationError, ValidationError, EditConflict) as error:
            messages.error(request, _error_text(error))
            return redirect("evaluations:objection", pk=objection.pk)
        return redirect(_page_url(evaluation.region, evaluation.year))
    return render(request, "evaluations/objection.html", {
        "nav": "evaluations", "objection": objection, "evaluation": evaluation, "fields": fields,
        "may_answer": may_answer, "version": record_version(year) if year else "",
    })


def _version(post) -> int | None:
    try:
        return int(post.get("version")) if post.get("version") else None
    except ValueError:
        return None


def _corrections(post, year) -> dict:
    """The figures the officer changed (blank: cleared; untouched: left out), checked by the model."""
    if year is None:
        raise EvaluationError("该企业没有本年度数据，请先在企业页补录")
    changed = {}
    for name in CORRECTABLE:
        if name not in post:
            continue
        field = EnterpriseYear._meta.get_field(name)
        raw = post.get(name, "").strip()
        try:
            value = field.to_python(raw) if raw else (False if name == "is_above_scale" else None)
        except ValidationError as error:
            raise EvaluationError(f"{field.verbose_name}：{'；'.join(error.messages)}") from error
        if name == "is_above_scale":
            value = raw in ("1", "true", "on", "是")
        if value != getattr(year, name):
            changed[name] = value
    return changed


def _error_text(error) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


@require_safe
@login_required
def objection_attachment(request, pk: int):
    objection = _objection_of(request, pk)
    if not objection.attachment:
        raise Http404("该异议没有附件")
    response = HttpResponse(bytes(objection.attachment), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition(objection.attachment_name or "附件")
    return response


@require_safe
@login_required
def mine_page(request):
    """An enterprise's own results, every year and version it has seen (drafts never)."""
    if role_of(request.user).scope != Scope.ENTERPRISE:
        return redirect("evaluations:mujun")
    results = (results_visible_to(request.user).select_related("evaluation", "evaluation__region")
               .order_by("-evaluation__year", "-evaluation__version"))
    return render(request, "evaluations/mine.html", {"nav": "evaluations", "results": results,
                                                     "groups": GROUP_LABELS, "colours": GRADE_COLOURS})


@login_required
def exemptions_page(request):
    _officer_view(request.user)
    region, year, problems = _region_year(request, request.POST if request.method == "POST" else request.GET)
    if problems:
        return query_problem_page(request, problems, title="不参加排名的企业", back=reverse("evaluations:mujun"))
    if request.method == "POST":
        enterprise = enterprises_visible_to(request.user).filter(credit_code=request.POST.get("credit_code", "").strip()).first()
        if enterprise is None:
            messages.error(request, f"找不到统一社会信用代码为“{request.POST.get('credit_code', '')}”的企业（或不在您的范围内）")
        else:
            try:
                exemption_set(enterprise=enterprise, year=year, reason=request.POST.get("reason", ""), by=request.user)
                messages.success(request, f"已更新{enterprise.name}{year}年度是否参加排名")
            except EvaluationError as error:
                messages.error(request, str(error))
        return redirect(reverse("evaluations:exemptions") + "?" + urlencode({"region": region.code, "year": year}))
    exemptions = (Exemption.objects.filter(year=year, enterprise__in=enterprises_visible_to(request.user)
                                           .filter(region__in=subtree_regions(region)))
                  .select_related("enterprise", "enterprise__region", "recorded_by").order_by("enterprise__name"))
    return render(request, "evaluations/exemptions.html", {
        "nav": "evaluations", "region": region, "year": year, "exemptions": exemptions,
        "may_write": user_may(request.user, Capability.WRITE), "regions": region_options(request.user),
        "spec": {"region": region}})


@login_required
def method_page(request):
    """The methods in force for the county (亩均, 碳效, the emission factors): every parameter with its
    value, date, clause and whether it is a placeholder, the county's own settings with their basis; an
    officer sets or lifts one."""
    _officer_view(request.user)
    region, year, problems = _region_year(request, request.POST if request.method == "POST" else request.GET)
    if problems:
        return query_problem_page(request, problems, title="评价方法", back=reverse("evaluations:mujun"))
    documents = [documents_for(region).documents[d] for d in (MUJUN_DOCUMENT, CARBON_DOCUMENT, FACTORS_DOCUMENT)]
    open_names = {p.name for document in documents for p in document.parameters.values() if p.setting}
    if request.method == "POST":
        name = request.POST.get("name", "")
        if name not in open_names:
            messages.error(request, f"“{name}”不是可由本地设置的参数")
        else:
            raw = request.POST.get("value", "").strip()
            try:
                value = json.loads(raw) if raw else None
                method_setting_set(region=region, name=name, value=value, basis=request.POST.get("basis", ""),
                                   by=request.user)
                messages.success(request, f"已{'设置' if raw else '取消本地设置'}：{name}")
            except json.JSONDecodeError:
                messages.error(request, "取值格式不对：数值直接填（如 3），多项按 {\"A\": 0.25, \"B\": 0.7, \"C\": 0.95} 填写")
            except EvaluationError as error:
                messages.error(request, str(error))
        return redirect(reverse("evaluations:method") + "?" + urlencode({"region": region.code, "year": year}))
    local = method_settings_sources(region)
    sections = []
    for document in documents:
        parameters = []
        for parameter in document.parameters.values():
            value, _ = parameter.at(dt.date(year, 12, 31).toordinal())
            setting = local.get(parameter.name)
            parameters.append({"p": parameter, "value": _value_text(value), "local": setting,
                               "local_json": json.dumps(setting.value, ensure_ascii=False) if setting else ""})
        sections.append({"document": document, "parameters": parameters})
    return render(request, "evaluations/method.html", {
        "nav": "evaluations", "region": region, "year": year, "sections": sections,
        "may_set": user_may(request.user, Capability.PUBLISH) and user_sees_region(request.user, region),
        "regions": region_options(request.user), "spec": {"region": region}})


def _value_text(value) -> str:
    """A parameter's value as an officer reads it: 30；{A：0.2，B：0.8}；未设置."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "，".join(f"{INDICATOR_BY_CODE[k].name if k in INDICATOR_BY_CODE else k}：{decimal_text(v)}"
                        for k, v in value.items())
    if isinstance(value, tuple):
        return "；".join(f"≥{decimal_text(low)}：{decimal_text(v)}" for low, v in value)
    return decimal_text(value) or ""


@require_safe
@login_required
def enterprise_results(request, enterprise_pk: int):
    """The evaluation part of an enterprise's page (loaded into it): its results by year."""
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=enterprise_pk)
    results = (results_visible_to(request.user).filter(enterprise=enterprise)
               .select_related("evaluation", "evaluation__region").order_by("-evaluation__year", "-evaluation__version"))
    return render(request, "evaluations/_enterprise_results.html", {
        "enterprise": enterprise, "results": results, "groups": GROUP_LABELS, "colours": GRADE_COLOURS})



# ── the online digital diagnosis ──────────────────────────────────────────────────────────────────


@require_safe
@login_required
def diagnosis_list(request):
    """An enterprise's own diagnoses; for officers and leaders, the diagnoses in scope and the year's
    coverage of 规上 enterprises per region."""
    own = role_of(request.user).scope == Scope.ENTERPRISE
    diagnoses = diagnoses_visible_to(request.user)
    context = {"nav": "evaluations", "own": own, "questionnaire": questionnaire_current()}
    if own:
        context["diagnoses"] = diagnoses[:50]
        return render(request, "evaluations/diagnosis_list.html", context)
    region, year, problems = _region_year(request, request.GET)
    if problems:
        return query_problem_page(request, problems, title="在线诊断", back=reverse("evaluations:diagnoses"))
    region = user_home_region(request.user) if not request.GET.get("region") else region
    if request.GET.get("year") is None:
        year = timezone.localdate().year
    if not user_sees_region(request.user, region):
        region = request.user.region
    context.update({"region": region, "year": year, "coverage": diagnosis_coverage(request.user, region, year),
                    "diagnoses": diagnoses.filter(enterprise__region__in=subtree_regions(region),
                                                  assessed_on__year=year)[:200],
                    "regions": region_options(request.user), "spec": {"region": region},
                    "may_write": user_may(request.user, Capability.WRITE)})
    return render(request, "evaluations/diagnosis_list.html", context)


def _diagnosed_enterprise(request, params):
    """The enterprise to diagnose: the user's own, or (officers) the one named by id or credit code."""
    if role_of(request.user).scope == Scope.ENTERPRISE:
        return get_object_or_404(Enterprise, pk=request.user.enterprise_id)
    key = (params.get("enterprise") or "").strip()
    found = enterprises_visible_to(request.user)
    enterprise = found.filter(pk=int(key)).first() if key.isdigit() else found.filter(credit_code=key).first()
    if enterprise is None:
        raise Http404(f"找不到企业“{key}”（或不在您的范围内）")
    return enterprise


@login_required
def diagnosis_new(request):
    """The questionnaire: filled by the enterprise itself, or by an officer on its behalf."""
    enterprise = _diagnosed_enterprise(request, request.POST if request.method == "POST" else request.GET)
    questionnaire = questionnaire_current()
    chosen: dict[str, int] = {}
    problems: list[str] = []
    if request.method == "POST":
        given = {q.code: request.POST.get(q.code, "") for _, q in questionnaire.questions}
        chosen = {code: int(v) for code, v in given.items() if v.isdigit()}
        problems = answers_check(questionnaire, chosen)
        if not problems:
            try:
                diagnosis = diagnosis_submit(enterprise=enterprise, answers=chosen, by=request.user)
            except EvaluationError as error:
                problems = [str(error)]
            else:
                messages.success(request, f"诊断完成：{diagnosis.score}分")
                return redirect("evaluations:diagnosis", pk=diagnosis.pk)
    return render(request, "evaluations/diagnosis_form.html", {
        "nav": "evaluations", "enterprise": enterprise, "questionnaire": questionnaire, "answers": chosen,
        "problems": problems, "numbered": list(enumerate(questionnaire.questions, start=1))})


@require_safe
@login_required
def diagnosis_page(request, pk: int):
    diagnosis = get_object_or_404(diagnoses_visible_to(request.user), pk=pk)
    questionnaire = questionnaire_current()
    made = {link.question: link.project for link in diagnosis.projects.select_related("project")}
    dimension_of = {q.code: d.name for d, q in questionnaire.questions}
    weak = []
    for item in diagnosis.weak:
        try:
            question = questionnaire.question(item["question"])
        except KeyError:  # a question the questionnaire in use no longer asks
            continue
        weak.append({"question": question, "dimension": dimension_of[question.code], "points": item["points"],
                     "max": item["max"], "project": made.get(question.code)})
    dimensions = [(d.name, *diagnosis.dimensions.get(d.code, (None, d.max_points))) for d in questionnaire.dimensions]
    answers = []
    for number, (dimension, question) in enumerate(questionnaire.questions, start=1):
        index = diagnosis.answers.get(question.code)
        option = question.options[index] if index is not None and 0 <= index < len(question.options) else None
        answers.append((number, dimension.name, question, option))
    return render(request, "evaluations/diagnosis.html", {
        "nav": "evaluations", "diagnosis": diagnosis, "weak": weak, "dimensions": dimensions, "answers": answers,
        "questionnaire": questionnaire, "outdated": diagnosis.questionnaire_version != questionnaire.version,
        "may_write": user_may(request.user, Capability.WRITE) and user_sees_region(request.user,
                                                                                   diagnosis.enterprise.region)})


@require_POST
@login_required
def diagnosis_project(request, pk: int):
    diagnosis = get_object_or_404(diagnoses_visible_to(request.user), pk=pk)
    try:
        project = diagnosis_project_create(diagnosis=diagnosis, question=request.POST.get("question", ""),
                                           by=request.user)
    except (EvaluationError, ValidationError) as error:
        messages.error(request, _error_text(error))
        return redirect("evaluations:diagnosis", pk=diagnosis.pk)
    messages.success(request, f"已生成储备项目 {project.code}")
    return redirect("projects:detail", pk=project.pk)


@require_POST
@login_required
def diagnosis_rescore_view(request, pk: int):
    diagnosis = get_object_or_404(diagnoses_visible_to(request.user), pk=pk)
    try:
        diagnosis = diagnosis_rescore(diagnosis=diagnosis, by=request.user)
    except EvaluationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已按现行问卷重新评分：{diagnosis.score}分")
    return redirect("evaluations:diagnosis", pk=diagnosis.pk)


# ── the cultivation ladder ────────────────────────────────────────────────────────────────────────


def _scope_region(request, params) -> Region:
    """The region asked for, or the user's own; never outside the user's scope."""
    region = user_home_region(request.user)
    if params.get("region"):
        try:
            region = region_resolve(params["region"])
        except Region.DoesNotExist as error:
            raise Http404(str(error.args[0]) if error.args else "未知区域") from error
    if region is None or not user_sees_region(request.user, region):
        raise PermissionDenied("您的账号不能查看该区域")
    return region


@require_safe
@login_required
def ladder_page(request):
    """The region's 培育库 per rung (each entry with whether it qualifies now and what is missing) and the
    candidates the ladder suggests."""
    _officer_view(request.user)
    region = _scope_region(request, request.GET)
    method, steps = ladder_steps(region, timezone.localdate())
    by_enterprise = {s.enterprise.enterprise_id: s for s in steps}
    entries = (CultivationEntry.objects.filter(enterprise__in=enterprises_visible_to(request.user),
                                               enterprise__region__in=subtree_regions(region), dropped_at__isnull=True)
               .select_related("enterprise", "enterprise__region", "added_by"))
    in_library = {(e.enterprise_id, e.rung) for e in entries}
    rungs = []
    for rung in RUNGS:
        rows = [(e, by_enterprise.get(e.enterprise_id)) for e in entries if e.rung == rung.kind]
        candidates = [s for s in steps if s.next is rung and s.qualifies
                      and (s.enterprise.enterprise_id, rung.kind) not in in_library]
        near = [s for s in steps if s.next is rung and not s.qualifies and len(s.missing) == 1
                and (s.enterprise.enterprise_id, rung.kind) not in in_library]
        rungs.append({"rung": rung, "entries": rows, "candidates": candidates, "near": near[:30]})
    dropped = (CultivationEntry.objects.filter(enterprise__in=enterprises_visible_to(request.user),
                                               enterprise__region__in=subtree_regions(region), dropped_at__isnull=False)
               .select_related("enterprise", "dropped_by").order_by("-dropped_at")[:50])
    return render(request, "evaluations/ladder.html", {
        "nav": "evaluations", "region": region, "method": method, "rungs": rungs, "dropped": dropped,
        "placeholders": method.placeholders, "regions": region_options(request.user), "spec": {"region": region},
        "may_write": user_may(request.user, Capability.WRITE)})


@require_POST
@login_required
def ladder_add(request):
    region = _scope_region(request, request.POST)
    enterprise = enterprises_visible_to(request.user).filter(pk=request.POST.get("enterprise") or 0).first()
    if enterprise is None:
        raise Http404("找不到该企业（或不在您的范围内）")
    try:
        cultivation_add(region=region, enterprise=enterprise, rung=request.POST.get("rung", ""),
                        note=request.POST.get("note", ""), by=request.user)
    except EvaluationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{enterprise.name}已加入{RUNG_BY_KIND[request.POST['rung']].name}培育库")
    return redirect(reverse("evaluations:ladder") + "?" + urlencode({"region": region.code}))


@require_POST
@login_required
def ladder_drop(request, pk: int):
    entry = get_object_or_404(CultivationEntry.objects.filter(enterprise__in=enterprises_visible_to(request.user))
                              .select_related("enterprise", "region"), pk=pk)
    try:
        cultivation_drop(entry=entry, reason=request.POST.get("reason", ""), by=request.user)
    except EvaluationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{entry.enterprise.name}已移出培育库")
    return redirect(reverse("evaluations:ladder") + "?" + urlencode({"region": entry.region.code}))


# ── the 高耗低效 closed loop ──────────────────────────────────────────────────────────────────────


@require_safe
@login_required
def inefficient_page(request):
    """The year's 高耗低效 list of the county: what the rule proposes, the cases by status (overdue flagged),
    counts and the land and energy freed."""
    _officer_view(request.user)
    region, year, problems = _region_year(request, request.GET)
    if problems:
        return query_problem_page(request, problems, title="高耗低效整治", back=reverse("evaluations:inefficient"))
    visible = enterprises_visible_to(request.user)
    cases = list(InefficientCase.objects.filter(region=region, year=year, enterprise__in=visible)
                 .select_related("enterprise", "enterprise__region"))
    today = timezone.localdate()
    counts = {label: sum(1 for c in cases if c.status == code) for code, label in InefficientCase.Status.choices}
    closed = [c for c in cases if c.is_closed]
    try:
        proposals = [(e, reasons) for e, reasons in inefficient_proposals(region, year)
                     if user_sees_region(request.user, e.region)]
    except Exception as error:  # a rule the county left incomplete: said, not a 500
        messages.error(request, f"列入规则无法计算：{error}")
        proposals = []
    return render(request, "evaluations/inefficient.html", {
        "nav": "evaluations", "region": region, "year": year, "cases": cases, "counts": counts,
        "overdue": [c for c in cases if c.overdue_on(today)], "today": today, "proposals": proposals,
        "land": sum((c.land_freed_mu or 0 for c in closed), Decimal(0)),
        "energy": sum((c.energy_freed_tce or 0 for c in closed), Decimal(0)),
        "regions": region_options(request.user), "spec": {"region": region},
        "may_write": user_may(request.user, Capability.WRITE), "query": urlencode({"region": region.code, "year": year})})


@require_POST
@login_required
def inefficient_list_view(request):
    _officer_view(request.user)
    region, year, problems = _region_year(request, request.POST)
    if problems:
        return query_problem_page(request, problems, title="列入高耗低效整治清单", back=reverse("evaluations:inefficient"))
    enterprise = enterprises_visible_to(request.user).filter(pk=request.POST.get("enterprise") or 0).first()
    if enterprise is None:
        raise Http404("找不到该企业（或不在您的范围内）")
    proposed = dict(inefficient_proposals(region, year))
    try:
        inefficient_list(region=region, year=year, enterprise=enterprise, by=request.user,
                         reasons=proposed.get(enterprise, [request.POST.get("reason", "").strip() or "经信部门核定"]))
    except EvaluationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{enterprise.name}已列入{year}年高耗低效整治清单")
    return redirect(reverse("evaluations:inefficient") + "?" + urlencode({"region": region.code, "year": year}))


CASE_FIELDS = ("status", "plan", "deadline", "owner", "notes", "land_freed_mu", "energy_freed_tce")


@login_required
def inefficient_case(request, pk: int):
    case = get_object_or_404(InefficientCase.objects.filter(enterprise__in=enterprises_visible_to(request.user))
                             .select_related("enterprise", "enterprise__region", "region"), pk=pk)
    may_write = user_may(request.user, Capability.WRITE) and not case.is_closed
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("您的账号不能修改该企业的整治情况")
        values = {}
        try:
            for name in CASE_FIELDS:
                if name in request.POST:
                    field = InefficientCase._meta.get_field(name)
                    raw = request.POST[name].strip()
                    values[name] = field.to_python(raw) if raw else ("" if name in ("plan", "owner", "notes") else None)
            if not values.get("status"):
                values.pop("status", None)
            inefficient_update(case=case, values=values, by=request.user, version=_version(request.POST))
        except (EvaluationError, ValidationError, EditConflict) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, "整治情况已保存")
        return redirect("evaluations:inefficient_case", pk=case.pk)
    return render(request, "evaluations/inefficient_case.html", {
        "nav": "evaluations", "case": case, "may_write": may_write, "plans": InefficientCase.Plan.choices,
        "next": [(code, InefficientCase.Status(code).label) for code in CASE_NEXT.get(case.status, ())],
        "overdue": case.overdue_on(timezone.localdate()), "version": record_version(case),
        "history": [(e.at, e.actor, InefficientCase.Status(e.payload["status"]).label) for e in
                    DomainEvent.objects.filter(kind=DomainEvent.Kind.INEFFICIENT_CHANGED,
                                               payload__enterprise=case.enterprise.credit_code,
                                               payload__year=case.year).select_related("actor").order_by("at")]})
