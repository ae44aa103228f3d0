"""The bulletin page: choose plan, region and period; read it; download it as Excel or as a web file."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.scope import user_home_region, user_sees_region
from lianghua.accounts.selectors import region_options
from lianghua.core.months import last_reported_month
from lianghua.core.query_params import query_problem_page
from lianghua.core.tabular import XLSX_TYPE, content_disposition
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve
from lianghua.targets.selectors import plans_visible_to

from .charts import score_chart_svg
from .compose import BulletinError, bulletin_compose
from .pdf import bulletin_pdf
from .periods import MONTH, Period, period_read
from .workbook import bulletin_workbook


def bulletin_document(bulletin) -> str:
    """The bulletin as a whole HTML document (the web file, and the source of the PDF)."""
    return render_to_string("bulletins/document.html", {"b": bulletin, "chart": _chart(bulletin)})


def _chart(bulletin) -> str:
    return score_chart_svg(bulletin.standings, bulletin.rule.cap)


@require_safe
@login_required
def bulletin_page(request):
    if not user_may(request.user, Capability.VIEW) or request.user.enterprise_id:
        raise PermissionDenied("进度通报只对经信部门和领导开放")
    plans = list(plans_visible_to(request.user).order_by("code"))
    problems = []
    plan = next((p for p in plans if p.code == request.GET.get("plan")), plans[0] if plans else None)
    if request.GET.get("plan") and (plan is None or plan.code != request.GET["plan"]):
        problems.append(f"未知方案“{request.GET['plan']}”（或不在您的范围内）")
    region = user_home_region(request.user)
    if request.GET.get("region"):
        try:
            region = region_resolve(request.GET["region"])
        except Region.DoesNotExist as error:
            problems.append(str(error.args[0]) if error.args else "未知区域")
    if region is not None and not user_sees_region(request.user, region):
        raise PermissionDenied(f"您的账号不能查看{region.name}的通报")
    try:
        period = period_read(request.GET["period"]) if request.GET.get("period") else None
    except ValueError as error:
        problems.append(str(error))
        period = None
    if period is None:
        month = last_reported_month(timezone.localdate())
        period = Period(MONTH, month.year, month.month)
    if plan is None or region is None:
        problems.append("没有可通报的方案或区域")
    if problems:
        return query_problem_page(request, problems, title="进度通报", back=reverse("bulletins:page"))
    try:
        bulletin = bulletin_compose(user=request.user, plan=plan, region=region, period=period)
    except BulletinError as error:
        return query_problem_page(request, [str(error)], title="进度通报", back=reverse("bulletins:page"))
    name = f"{bulletin.title}（截至{bulletin.as_of:%Y-%m-%d}）"
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        response = HttpResponse(bulletin_workbook(bulletin), content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition(f"{name}.xlsx")
        return response
    if fmt == "pdf":
        response = HttpResponse(bulletin_pdf(bulletin), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(f"{name}.pdf")
        return response
    if fmt == "html":
        response = HttpResponse(bulletin_document(bulletin), content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = content_disposition(f"{name}.html")
        return response
    query = urlencode({"plan": plan.code, "region": region.code, "period": period.code})
    return render(request, "bulletins/page.html", {
        "nav": "bulletins", "b": bulletin, "chart": _chart(bulletin), "plans": plans, "query": query,
        "regions": region_options(request.user), "spec": {"region": region},
    })
