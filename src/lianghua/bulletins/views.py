"""The bulletin page (choose plan, region and period; read it; download it; publish it), the archive of
kept bulletins, one kept bulletin and its files."""

import base64
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.scope import scope_queryset, user_home_region, user_sees_region
from lianghua.accounts.selectors import region_options
from lianghua.core.months import last_reported_month, month_add
from lianghua.core.pages import page_of
from lianghua.core.query_params import QueryValueError, query_problem_page
from lianghua.core.tabular import XLSX_TYPE, content_disposition, tabular_response
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve, subtree_regions
from lianghua.targets.dashboard import dashboard_choice, default_year, plan_year_read
from lianghua.targets.selectors import plans_visible_to

from .charts import curve_chart_svg
from .compose import BulletinError, bulletin_compose
from .document import bulletin_context, bulletin_document
from .jobs import draft_run_start
from .models import DraftRun, Issue, IssueFile
from .pdf import bulletin_pdf
from .periods import MONTH, Period, period_read
from .services import bulletin_publish, issue_file, latest_published
from .trends import trends_compute
from .warnings import warnings_compute
from .workbook import bulletin_workbook


def _refuse_enterprise_users(user) -> None:
    if not user_may(user, Capability.VIEW) or user.enterprise_id:
        raise PermissionDenied("进度通报只对经信部门和领导开放")


def _choice(request, params):
    """(plans, plan, region, period, problems) from the query string or the posted form."""
    plans = list(plans_visible_to(request.user).order_by("code"))
    problems = []
    plan = next((p for p in plans if p.code == params.get("plan")), plans[0] if plans else None)
    if params.get("plan") and (plan is None or plan.code != params["plan"]):
        problems.append(f"未知方案“{params['plan']}”（或不在您的范围内）")
    region = user_home_region(request.user)
    if params.get("region"):
        try:
            region = region_resolve(params["region"])
        except Region.DoesNotExist as error:
            problems.append(str(error.args[0]) if error.args else "未知区域")
    if region is not None and not user_sees_region(request.user, region):
        raise PermissionDenied(f"您的账号不能查看{region.name}的通报")
    try:
        period = period_read(params["period"]) if params.get("period") else None
    except ValueError as error:
        problems.append(str(error))
        period = None
    if period is None:
        month = last_reported_month(timezone.localdate())
        period = Period(MONTH, month.year, month.month)
    if plan is None or region is None:
        problems.append("没有可通报的方案或区域")
    return plans, plan, region, period, problems


def _file_response(content: bytes, kind: str, name: str, sha256: str | None = None) -> HttpResponse:
    types = {"pdf": "application/pdf", "xlsx": XLSX_TYPE, "html": "text/html; charset=utf-8"}
    response = HttpResponse(content, content_type=types[kind])
    response["Content-Disposition"] = content_disposition(f"{name}.{kind}")
    if sha256:  # RFC 9530: lets a reader check the file against the fingerprint kept when it was published
        response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode()}:"
    return response


@require_safe
@login_required
def bulletin_page(request):
    _refuse_enterprise_users(request.user)
    plans, plan, region, period, problems = _choice(request, request.GET)
    if problems:
        return query_problem_page(request, problems, title="进度通报", back=reverse("bulletins:page"))
    try:
        bulletin = bulletin_compose(user=request.user, plan=plan, region=region, period=period)
    except BulletinError as error:
        return query_problem_page(request, [str(error)], title="进度通报", back=reverse("bulletins:page"))
    name = f"{bulletin.title}（截至{bulletin.as_of:%Y-%m-%d}）"
    fmt = request.GET.get("format")
    writers = {"xlsx": bulletin_workbook, "pdf": bulletin_pdf, "html": lambda b: bulletin_document(b).encode("utf-8")}
    if fmt in writers:
        return _file_response(writers[fmt](bulletin), fmt, name)
    query = urlencode({"plan": plan.code, "region": region.code, "period": period.code})
    return render(request, "bulletins/page.html", {
        **bulletin_context(bulletin), "nav": "bulletins", "plans": plans, "query": query,
        "regions": region_options(request.user), "spec": {"region": region},
        "published": latest_published(plan, region, period.code),
        "may_publish": user_may(request.user, Capability.PUBLISH),
    })


@require_POST
@login_required
def bulletin_publish_view(request):
    _refuse_enterprise_users(request.user)
    if not user_may(request.user, Capability.PUBLISH):
        raise PermissionDenied("您的账号不能发布通报")
    _, plan, region, period, problems = _choice(request, request.POST)
    if problems:
        return query_problem_page(request, problems, title="发布进度通报", back=reverse("bulletins:page"))
    try:
        issue = bulletin_publish(user=request.user, plan=plan, region=region, period=period,
                                 note=request.POST.get("note", ""))
    except BulletinError as error:
        messages.error(request, f"未发布：{error}")
        return redirect(reverse("bulletins:page") + "?" + urlencode(
            {"plan": plan.code, "region": region.code, "period": period.code}))
    messages.success(request, f"已发布：{issue.title}（{issue.version_label}）")
    return redirect("bulletins:issue", pk=issue.pk)


def issues_visible_to(user):
    """Kept bulletins a user may open: within their regions (drafts only for those who may publish), and
    the published bulletins of the regions above theirs — the city's 赛马 ranking a county is judged by.
    A published bulletin holds aggregates only; the records behind a neighbour's figure stay closed."""
    issues = scope_queryset(user, Issue.objects.all(), region_field="region", enterprise_field=None)
    if not user_may(user, Capability.PUBLISH):
        issues = issues.filter(status=Issue.Status.PUBLISHED)
    region = getattr(user, "region", None)
    if region is not None and user_may(user, Capability.VIEW):
        above = [code for code in region.path.split("/")[:-1] if code != region.code]
        issues = issues | Issue.objects.filter(status=Issue.Status.PUBLISHED, region__code__in=above)
    return issues


@require_safe
@login_required
def archive_page(request):
    _refuse_enterprise_users(request.user)
    issues = (issues_visible_to(request.user).select_related("plan", "region", "published_by")
              .defer("snapshot", "body_html"))
    shown = {}
    if request.GET.get("region"):
        try:
            region = region_resolve(request.GET["region"])
        except Region.DoesNotExist as error:
            return query_problem_page(request, [str(error.args[0]) if error.args else "未知区域"],
                                      title="通报档案", back=reverse("bulletins:archive"))
        issues = issues.filter(region__in=subtree_regions(region))
        shown["region"] = region
    if request.GET.get("period"):
        issues = issues.filter(period__startswith=request.GET["period"].strip())
    if request.GET.get("status") in Issue.Status.values:
        issues = issues.filter(status=request.GET["status"])
    last = last_reported_month(timezone.localdate())
    return render(request, "bulletins/archive.html", {
        "nav": "bulletins", "page": page_of(request, issues), "regions": region_options(request.user),
        "runs": _runs_visible_to(request.user)[:5], "may_publish": user_may(request.user, Capability.PUBLISH),
        "draft_month": f"{last:%Y-%m}",
        "spec": shown, "period": request.GET.get("period", ""), "status": request.GET.get("status", ""),
        "statuses": Issue.Status.choices,
    })


@require_safe
@login_required
def issue_page(request, pk: int):
    _refuse_enterprise_users(request.user)
    issue = get_object_or_404(issues_visible_to(request.user).select_related("plan", "region", "published_by",
                                                                            "created_by"), pk=pk)
    versions = (Issue.objects.filter(plan=issue.plan, region=issue.region, period=issue.period)
                .filter(pk__in=issues_visible_to(request.user)).defer("snapshot", "body_html")
                .select_related("published_by").order_by("status", "-version"))
    return render(request, "bulletins/issue.html", {
        "nav": "bulletins", "issue": issue, "versions": versions,
        "files": issue.files.defer("content").order_by("kind"),
        "may_publish": user_may(request.user, Capability.PUBLISH),
        "query": urlencode({"plan": issue.plan.code, "region": issue.region.code, "period": issue.period}),
    })


@require_safe
@login_required
def issue_file_download(request, pk: int, kind: str):
    _refuse_enterprise_users(request.user)
    issue = get_object_or_404(issues_visible_to(request.user), pk=pk)
    if kind not in IssueFile.Kind.values:
        raise Http404("没有这种文件")
    try:
        stored = issue_file(issue, kind)
    except IssueFile.DoesNotExist as error:
        raise Http404("这份通报没有这种文件") from error
    name = f"{issue.title}（截至{issue.as_of:%Y-%m-%d}，{issue.version_label}）"
    return _file_response(bytes(stored.content), kind, name, stored.sha256)


@require_safe
@login_required
def trends_page(request):
    """A year of the plan month by month: each own target's actual and change, its curve and year-end
    forecast; each child region's 赛马 rank per month; the child targets whose forecast misses."""
    _refuse_enterprise_users(request.user)
    plans, plan, region, _, problems = _choice(request, {k: v for k, v in request.GET.items() if k != "period"})
    year = None
    if plan is not None:
        try:
            year = plan_year_read(plan, request.GET.get("year")) or default_year(plan, timezone.localdate())
        except QueryValueError as error:
            problems.append(str(error))
    if problems:
        return query_problem_page(request, problems, title="趋势与预测", back=reverse("bulletins:trends"))
    as_of = min(last_reported_month_end(timezone.localdate()), dt.date(year, 12, 31))
    trends = trends_compute(plan=plan, region=region, year=year, as_of=as_of)
    return render(request, "bulletins/trends.html", {
        "nav": "bulletins", "t": trends, "plans": plans, "plan": plan, "year": year,
        "years": range(plan.start_year, plan.end_year + 1), "regions": region_options(request.user),
        "spec": {"region": region}, "as_of": as_of,
        "curves": [(line, curve_chart_svg(line, forecast=True)) for line in trends.lines
                   if not line.is_stock and line.target is not None],
    })


def last_reported_month_end(today: dt.date) -> dt.date:
    """The last day of the latest month whose reports are due (the month before today's)."""
    return month_add(last_reported_month(today), 1) - dt.timedelta(days=1)


def _warnings_of(request):
    """(choice, warnings) for the dashboard's plan, region and date; or (choice, None) with its problems."""
    _refuse_enterprise_users(request.user)
    choice = dashboard_choice(request.user, request.GET)
    if choice.problems or choice.plan is None or choice.region is None:
        return choice, None
    return choice, warnings_compute(user=request.user, plan=choice.plan, region=choice.region, as_of=choice.as_of,
                                    forecasts=request.GET.get("fragment") != "summary")


@require_safe
@login_required
def warnings_page(request):
    choice, found = _warnings_of(request)
    if found is None:
        return query_problem_page(request, choice.problems or ["没有可预警的方案或区域"], title="三色预警",
                                  back=reverse("bulletins:warnings"))
    if request.GET.get("fragment") == "summary":  # the dashboard's card (without forecasts: it must be quick)
        return render(request, "bulletins/_warnings_card.html", {"w": found, "choice": choice,
                                                                 "query": request.GET.urlencode()})
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return tabular_response(
            headers=["预警", "类型", "区域", "对象", "情况", "链接"],
            rows=[[w.level_text, w.kind_text, w.region, w.subject, w.detail, request.build_absolute_uri(w.url)]
                  for w in found.items],
            filename=f"{found.region.name}三色预警（截至{found.as_of:%Y-%m-%d}）", fmt=fmt)
    return render(request, "bulletins/warnings.html", {
        "nav": "bulletins", "w": found, "choice": choice, "spec": {"region": choice.region},
        "regions": region_options(request.user),
        "query": urlencode({"plan": choice.plan.code, "region": choice.region.code,
                            "as_of": choice.as_of.isoformat()}),
    })


def _runs_visible_to(user):
    return scope_queryset(user, DraftRun.objects.select_related("region", "requested_by"), region_field="region",
                          enterprise_field=None)


@require_POST
@login_required
def drafts_start(request):
    """Queue the drafts of a month for the officer's own subtree (the worker renders them; the archive
    shows the run's progress)."""
    _refuse_enterprise_users(request.user)
    if not user_may(request.user, Capability.PUBLISH):
        raise PermissionDenied("您的账号不能生成通报草稿")
    region = user_home_region(request.user)
    try:
        period = period_read(request.POST.get("month", ""))
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("bulletins:archive")
    if period.kind != MONTH:
        messages.error(request, "请填写月份，如 2026-11")
        return redirect("bulletins:archive")
    run = draft_run_start(month=period.last_month, region=region, by=request.user)
    messages.success(request, f"已开始生成{region.name}{run.month:%Y年%-m月}的通报草稿，完成后会通知您")
    return redirect("bulletins:archive")


@require_safe
@login_required
def drafts_status(request):
    """The recent runs with their progress (the archive polls it while one is under way)."""
    _refuse_enterprise_users(request.user)
    return render(request, "bulletins/_runs.html", {"runs": _runs_visible_to(request.user)[:5]})
