"""Enterprise pages: the list (filter, search, sort, page, export) and one enterprise's record."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.selectors import region_options
from lianghua.audit.editing import history_of, record_save
from lianghua.audit.pages import record_delete_page, record_form_page
from lianghua.core.pages import page_of
from lianghua.core.query_params import query_problem_page
from lianghua.core.tabular import tabular_response
from lianghua.regions.selectors import region_cell_writer

from .forms import CredentialEndForm, CredentialForm, DigitalLevelForm, EnterpriseForm, EnterpriseYearForm
from .import_kinds import ENTERPRISE_EXPORT_ONLY, ENTERPRISES
from .listing import SORTS, enterprise_list_filter, enterprises_listed
from .models import Credential, DigitalLevel, Enterprise, EnterpriseYear, Industry
from .selectors import enterprises_visible_to
from .services import credential_save

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
         e.contact_person, e.contact_phone, e.address, e.production_started_on,
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
    tab = "history" if request.GET.get("tab") == "history" else "record"
    history = history_of(enterprise, children={
        EnterpriseYear: [y.pk for y in enterprise.years.all()],
        Credential: [c.pk for c in enterprise.credentials.all()],
        DigitalLevel: [d.pk for d in enterprise.digital_levels.all()],
    }) if tab == "history" else []
    return render(request, "enterprises/detail.html", {
        "nav": "enterprises",
        "enterprise": enterprise,
        "tab": tab,
        "history": history,
        "may_edit": user_may(request.user, Capability.WRITE),
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


# ----------------------------------------------------------------------------------------------------
# Editing: officers within their scope and administrators, through audit.editing (history, no lost update)

PAGE = "企业信息页"


def _writer(request) -> None:
    if not user_may(request.user, Capability.WRITE):
        raise PermissionDenied("您的账号不能修改企业信息（仅管理员和经信部门工作人员可以修改）")


def _own_enterprise(request, pk: int) -> Enterprise:
    _writer(request)
    return get_object_or_404(enterprises_visible_to(request.user).select_related("region"), pk=pk)


def _detail(enterprise: Enterprise) -> str:
    return reverse("enterprises:detail", args=[enterprise.pk])


def _saver(request, instance, *, subject=None, source=PAGE):
    """save(values, version) for record_form_page: the record's own fields through record_save."""
    def save(values, version):
        return record_save(instance=instance, values=values, by=request.user, version=version, source=source,
                           subject=subject)
    return save


@login_required
def enterprise_create(request):
    _writer(request)
    instance = Enterprise()
    form = EnterpriseForm(request.POST or None, instance=Enterprise(), user=request.user)
    return record_form_page(request, form=form, instance=instance, title="新增企业",
                            back=reverse("enterprises:list"), save=_saver(request, instance),
                            done=_detail)


@login_required
def enterprise_edit(request, pk: int):
    enterprise = _own_enterprise(request, pk)
    form = EnterpriseForm(request.POST or None, instance=Enterprise.objects.get(pk=pk), user=request.user)
    return record_form_page(request, form=form, instance=enterprise, title=f"修改企业信息：{enterprise.name}",
                            back=_detail(enterprise), save=_saver(request, enterprise))


@login_required
def enterprise_delete(request, pk: int):
    enterprise = _own_enterprise(request, pk)
    return record_delete_page(request, instance=enterprise, title=f"删除企业：{enterprise.name}",
                              back=_detail(enterprise), done=reverse("enterprises:list"), by=request.user,
                              source=PAGE)


# The records an enterprise holds, each edited on its own form: (model, form, name in titles).
PARTS = {
    "years": (EnterpriseYear, EnterpriseYearForm, "年度数据"),
    "credentials": (Credential, CredentialForm, "认定"),
    "levels": (DigitalLevel, DigitalLevelForm, "数字化水平评定"),
}


def _part_saver(request, enterprise: Enterprise, model, instance):
    if model is Credential:
        return lambda values, version: credential_save(instance=instance, values=values, by=request.user,
                                                       version=version, source=PAGE)
    extra = {"source": DigitalLevel.Source.PAGE} if model is DigitalLevel else {}

    def save(values, version):
        return record_save(instance=instance, values={**values, **extra}, by=request.user, version=version,
                           source=PAGE, subject=enterprise)
    return save


@login_required
def enterprise_part_add(request, pk: int, part: str):
    enterprise = _own_enterprise(request, pk)
    if part not in PARTS:
        raise Http404("未知的记录类型")
    model, form_class, name = PARTS[part]
    instance = model(enterprise=enterprise)
    form = form_class(request.POST or None, instance=model(enterprise=enterprise))
    return record_form_page(request, form=form, instance=instance, title=f"{enterprise.name}：新增{name}",
                            back=_detail(enterprise), save=_part_saver(request, enterprise, model, instance))


def _part_of(request, pk: int, part: str, part_pk: int):
    enterprise = _own_enterprise(request, pk)
    if part not in PARTS:
        raise Http404("未知的记录类型")
    model, form_class, name = PARTS[part]
    return enterprise, model, form_class, name, get_object_or_404(model, pk=part_pk, enterprise=enterprise)


@login_required
def enterprise_part_edit(request, pk: int, part: str, part_pk: int):
    enterprise, model, form_class, name, instance = _part_of(request, pk, part, part_pk)
    form = form_class(request.POST or None, instance=model.objects.get(pk=instance.pk))
    return record_form_page(request, form=form, instance=instance, title=f"{enterprise.name}：修改{name}",
                            back=_detail(enterprise), save=_part_saver(request, enterprise, model, instance))


@login_required
def credential_end(request, pk: int, part_pk: int):
    """到期 or 撤销 a credential: its end date (and a note), kept in its history."""
    enterprise, model, _, _, instance = _part_of(request, pk, "credentials", part_pk)
    form = CredentialEndForm(request.POST or None, instance=Credential.objects.get(pk=instance.pk))
    return record_form_page(request, form=form, instance=instance, title=f"{enterprise.name}：认定到期或撤销",
                            note=f"{instance}（{instance.granted_on:%Y-%m-%d}认定）",
                            back=_detail(enterprise), save=_part_saver(request, enterprise, model, instance))


@login_required
def enterprise_part_delete(request, pk: int, part: str, part_pk: int):
    enterprise, _, _, name, instance = _part_of(request, pk, part, part_pk)
    return record_delete_page(request, instance=instance, title=f"{enterprise.name}：删除{name}",
                              back=_detail(enterprise), done=_detail(enterprise), by=request.user, source=PAGE,
                              subject=enterprise)
