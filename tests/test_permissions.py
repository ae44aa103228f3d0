"""The permission matrix (issue 2 §5): every role × every list, detail, export and API endpoint.

The world (tests/web/scenario.py): enterprise W and projects HY-W-1, HY-W-2 in 武原街道; enterprise B and
project HY-B-1 in 百步镇; `town_records` adds an import batch run in each town, a subsidy claim of each
enterprise and a 填报值 of 武原街道. Who sees what:

    admin, 海盐县 officer, 海盐县 leader:  W and B
    百步镇 officer:                        B only   (never a 武原街道 enterprise or project)
    W's enterprise user:                   W only

Every case names the route (URL name; the API's are `api:<operation>`) it requests.
`test_every_route_is_in_the_matrix` lists every URL pattern of the project, pages and API alike, and
fails when one is named by no case here: a new endpoint cannot skip the check.
"""

import datetime as dt
import hashlib
import io
import json

import openpyxl
import pytest
from django.contrib import admin as django_admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from lianghua.accounts.models import ApiToken
from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.services import api_token_create
from lianghua.audit.models import ChangeRecord
from lianghua.bulletins.models import DraftRun, Issue, IssueFile
from lianghua.evaluations.models import CultivationEntry, Evaluation, InefficientCase, Objection
from lianghua.evaluations.services import (
    diagnosis_submit,
    evaluation_draft,
    evaluation_publicise,
    objection_file,
    questionnaire_current,
)
from lianghua.imports.kinds import import_kinds
from lianghua.imports.models import ImportBatch
from lianghua.imports.services import import_upload
from lianghua.policies.models import SubsidyApplication
from lianghua.policies.services import subsidy_application_submit
from lianghua.projects.models import Activity
from lianghua.regions.models import Region
from lianghua.reporting.services import submission_submit
from lianghua.targets.models import Indicator, Plan, ReportedActual
from lianghua.targets.services import reported_actual_record
from tests.factories import CredentialFactory, UserFactory
from tests.web.scenario import two_towns  # noqa: F401

pytestmark = pytest.mark.django_db

PLAN = "haiyan-2024-2026"
WUYUAN, BAIBU = "330424001", "330424102"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ROLES = ["admin", "county_officer", "baibu_officer", "county_leader", "enterprise"]
SEES = {
    "admin": {"W", "B"},
    "county_officer": {"W", "B"},
    "baibu_officer": {"B"},
    "county_leader": {"W", "B"},
    "enterprise": {"W"},
}


@pytest.fixture
def world(request, two_towns):  # noqa: F811
    """The scenario plus the user of the requested role."""
    role = request.param
    user = two_towns.enterprise_user if role == "enterprise" else request.getfixturevalue(
        "admin_user" if role == "admin" else role)
    return role, user, two_towns


def _marks(t):
    """Text that identifies W's and B's records in a page, an export or an API answer."""
    return {
        "W": [t.wuyuan.credit_code, "HY-W-1"],
        "B": [t.baibu.credit_code, "HY-B-1"],
    }


def _text(response) -> str:
    """What a response shows: the page, the JSON (non-ASCII unescaped), every cell of an xlsx, a file."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith(XLSX):
        book = openpyxl.load_workbook(io.BytesIO(body))
        return " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                        for v in row if v is not None)
    if content_type.startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body.decode("utf-8-sig")


# ----------------------------------------------------------------------------------------------------
# Lists, exports, details and region figures × every role

LISTS = [
    # (label, route, how to get it, which marks can appear on it)
    ("enterprise list", "enterprises:list", lambda c, t: c.get(reverse("enterprises:list")), "enterprise"),
    ("enterprise export csv", "enterprises:export",
     lambda c, t: c.get(reverse("enterprises:export"), {"format": "csv"}), "enterprise"),
    ("enterprise export xlsx", "enterprises:export",
     lambda c, t: c.get(reverse("enterprises:export"), {"format": "xlsx"}), "enterprise"),
    ("project list", "projects:list", lambda c, t: c.get(reverse("projects:list")), "project"),
    ("project export csv", "projects:export", lambda c, t: c.get(reverse("projects:export")), "project"),
    ("project export xlsx", "projects:export",
     lambda c, t: c.get(reverse("projects:export"), {"format": "xlsx"}), "project"),
    ("api enterprises", "api:enterprise_list", lambda c, t: c.get("/api/v1/enterprises/"), "enterprise"),
    ("api projects", "api:project_list", lambda c, t: c.get("/api/v1/projects/"), "project"),
]


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("label,route,fetch,kind", LISTS, ids=[x[0] for x in LISTS])
def test_lists_and_exports_show_exactly_the_scope(client, world, label, route, fetch, kind):
    role, user, t = world
    client.force_login(user)
    response = fetch(client, t)
    assert response.status_code == 200, label
    content = _text(response)
    index = 0 if kind == "enterprise" else 1
    for owner, marks in _marks(t).items():
        shown = marks[index] in content
        assert shown == (owner in SEES[role]), f"{role} {label}: {owner} shown={shown}"


DETAILS = [
    ("enterprise page", "enterprises:detail", lambda t, o: reverse("enterprises:detail", args=[getattr(t, o["e"]).pk])),
    ("enterprise by code", "enterprises:by_code",
     lambda t, o: reverse("enterprises:by_code", args=[getattr(t, o["e"]).credit_code])),
    ("project page", "projects:detail", lambda t, o: reverse("projects:detail", args=[getattr(t, o["p"]).pk])),
    ("project by code", "projects:by_code", lambda t, o: reverse("projects:by_code", args=[getattr(t, o["p"]).code])),
    ("api enterprise", "api:enterprise_detail", lambda t, o: f"/api/v1/enterprises/{getattr(t, o['e']).credit_code}"),
    ("api project", "api:project_detail", lambda t, o: f"/api/v1/projects/{getattr(t, o['p']).code}"),
]
OWNERS = {"W": {"e": "wuyuan", "p": "w1"}, "B": {"e": "baibu", "p": "b1"}}


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("label,route,url", DETAILS, ids=[x[0] for x in DETAILS])
def test_details_are_404_outside_scope(client, world, label, route, url):
    role, user, t = world
    client.force_login(user)
    for owner, objects in OWNERS.items():
        status = client.get(url(t, objects)).status_code
        expected = (200, 302) if owner in SEES[role] else (404,)
        assert status in expected, f"{role} {label} {owner}: {status}"


REGION_VIEWS = [
    ("dashboard", "targets:dashboard", lambda region: ("/", {"plan": PLAN, "region": region, "year": "2026"})),
    ("records", "targets:records", lambda region: (reverse("targets:records"), {
        "plan": PLAN, "indicator": "digital_projects", "region": region, "year": "2026",
        "basis": "cumulative", "as_of": "2026-06-30"})),
    ("api progress", "api:plan_progress",
     lambda region: (f"/api/v1/plans/{PLAN}/progress", {"region": region, "year": 2026})),
    ("api records", "api:plan_records", lambda region: (f"/api/v1/plans/{PLAN}/records", {
        "indicator": "digital_projects", "region": region, "year": 2026, "basis": "cumulative"})),
    ("api targets", "api:plan_targets", lambda region: (f"/api/v1/plans/{PLAN}/targets", {"region": region})),
]
REGION_SEES = {
    "admin": {WUYUAN, BAIBU},
    "county_officer": {WUYUAN, BAIBU},
    "baibu_officer": {BAIBU},
    "county_leader": {WUYUAN, BAIBU},
    "enterprise": set(),
}


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("label,route,request_for", REGION_VIEWS, ids=[x[0] for x in REGION_VIEWS])
def test_region_figures_are_403_outside_scope(client, world, label, route, request_for):
    role, user, t = world
    client.force_login(user)
    for region in (WUYUAN, BAIBU):
        path, params = request_for(region)
        status = client.get(path, params).status_code
        if role == "enterprise":
            # Enterprise users have no region figures: the dashboard sends them to their enterprise.
            assert status in ((302,) if label == "dashboard" else (403, 404)), f"{role} {label}: {status}"
        elif region in REGION_SEES[role]:
            assert status == 200, f"{role} {label} {region}: {status}"
        else:
            assert status == 403, f"{role} {label} {region}: {status}"


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_api_regions_and_plans_follow_the_scope(client, world):
    role, user, t = world
    client.force_login(user)
    codes = {r["code"] for r in client.get("/api/v1/regions/").json()}
    plans = {p["code"] for p in client.get("/api/v1/plans/").json()}
    if role == "enterprise":
        assert codes == set() and plans == set()
    elif role == "baibu_officer":
        # a town officer follows the county's, the city's and the province's plans (published policy)…
        above = {"jiaxing-2020-2021", "jiaxing-2022-2025", "jiaxing-2024-2027", "zhejiang-2022"}
        assert codes == {BAIBU} and plans == {PLAN} | above
        # …but their targets list only the town's own rows, and a neighbour's figures stay closed
        own = client.get("/api/v1/plans/jiaxing-2020-2021/targets").json()
        assert {t["region_code"] for t in own} <= {BAIBU}
        assert client.get("/api/v1/plans/jiaxing-2020-2021/progress", {"region": "330481"}).status_code == 403
    else:
        assert {"330424", WUYUAN, BAIBU} <= codes and PLAN in plans
        assert ("330481" in codes) == (role == "admin")


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_token_auth_applies_the_same_scope(client, world):
    role, user, t = world
    _, key = api_token_create(user=user, name="matrix")
    assert ApiToken.objects.filter(user=user).count() == 1
    response = client.get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Bearer {key}")
    codes = {p["code"] for p in response.json()["items"]}
    expected = {"W": {"HY-W-1", "HY-W-2"}, "B": {"HY-B-1"}}
    assert codes == set().union(*(expected[o] for o in SEES[role]))


PAGES = ["/", reverse("targets:plans"), reverse("enterprises:list"), reverse("projects:list"),
         reverse("enterprises:export"), reverse("projects:export")]


def test_leaders_cannot_post_anything(client, county_leader, two_towns):  # noqa: F811
    client.force_login(county_leader)
    assert not user_may(county_leader, Capability.WRITE)
    for path in [*PAGES, reverse("enterprises:detail", args=[two_towns.wuyuan.pk]),
                 reverse("projects:detail", args=[two_towns.w1.pk])]:
        assert client.post(path, {"name": "x"}).status_code in (403, 405), path
    assert client.post(reverse("projects:advance", args=[two_towns.w1.pk]),
                       {"to_stage": "completed"}).status_code == 403
    # The import page (imports app) refuses a leader's upload.
    assert client.post("/imports/", {"kind": "projects"}).status_code == 403
    # The API offers a leader no write either (no POST route on these resources).
    for path in ("/api/v1/enterprises/", "/api/v1/projects/", "/api/v1/plans/"):
        assert client.post(path, {}, content_type="application/json").status_code in (403, 405), path


# ----------------------------------------------------------------------------------------------------
# Every other route, seen by the 百步镇 officer: nothing of 武原街道's records anywhere


def _batch(user, credit_code: str, name: str) -> ImportBatch:
    header = ",".join(import_kinds()["enterprise-years"].headers)
    row = f"{credit_code},2024,是,否,6000,1300,310,100,20,2000,50"
    upload = SimpleUploadedFile(name, f"{header}\n{row}\n".encode("utf-8-sig"), content_type="text/csv")
    return import_upload(kind="enterprise-years", upload=upload, by=user)


@pytest.fixture
def town_records(two_towns, wuyuan_officer, baibu_officer, county_officer, settings, tmp_path):  # noqa: F811
    """two_towns plus, in each town, an import batch run there and a subsidy claim; and a 填报值 of 武原."""
    settings.MEDIA_ROOT = tmp_path  # the batches keep their files
    t = two_towns
    t.w_batch = _batch(wuyuan_officer, t.wuyuan.credit_code, "武原年度数据.csv")
    t.b_batch = _batch(baibu_officer, t.baibu.credit_code, "百步年度数据.csv")
    assert t.w_batch.status == t.b_batch.status == ImportBatch.Status.APPLIED, t.w_batch.errors
    t.w_claim = subsidy_application_submit(by=county_officer, credential=t.wuyuan.credentials.get())
    t.b_claim = subsidy_application_submit(by=county_officer, credential=CredentialFactory(enterprise=t.baibu))
    t.w_reported = reported_actual_record(
        plan=Plan.objects.get(code=PLAN), indicator=Indicator.objects.get(code="loans"),
        region=Region.objects.get(code=WUYUAN), year=2026, value="7", as_of=dt.date(2026, 6, 30),
        source="武原街道金融服务月报", by=county_officer)
    t.w_activity, t.b_activity = _activity(WUYUAN, "武原街道数字化培训"), _activity(BAIBU, "百步镇培训")
    baibu_user = UserFactory(username="baibu_enterprise", role="enterprise", region=None, enterprise=t.baibu)
    t.w_submission = submission_submit(by=t.enterprise_user, kind="year", values={"year": "2026", "revenue_wan": "1"})
    t.b_submission = submission_submit(by=baibu_user, kind="year", values={"year": "2026", "revenue_wan": "2"})
    t.w_issue, t.b_issue = _issue(WUYUAN, county_officer), _issue(BAIBU, baibu_officer)
    for code in (WUYUAN, BAIBU):
        DraftRun.objects.create(month=dt.date(2026, 6, 1), region=Region.objects.get(code=code))
    county = Region.objects.get(code="330424")
    t.evaluation = evaluation_publicise(evaluation=evaluation_draft(region=county, year=2025, by=county_officer),
                                        by=county_officer)
    t.w_objection = objection_file(evaluation=t.evaluation, by=t.enterprise_user, reason="武原税收有误",
                                   attachment=b"scan", attachment_name="武原完税证明.pdf")
    questionnaire = questionnaire_current()
    t.w_diagnosis = diagnosis_submit(enterprise=t.wuyuan, answers={q.code: 1 for _, q in questionnaire.questions},
                                     by=county_officer)
    t.w_entry = CultivationEntry.objects.create(region=county, enterprise=t.wuyuan, rung="digital_workshop",
                                                note="武原培育备注")
    t.w_case = InefficientCase.objects.create(region=county, enterprise=t.wuyuan, year=2025, reasons=["武原列入依据"],
                                              listed_on=dt.date(2026, 3, 1))
    return t


def _issue(region_code: str, by) -> Issue:
    """A published bulletin of a town, stored directly (publishing itself: tests/bulletins/test_publishing.py)."""
    region = Region.objects.get(code=region_code)
    issue = Issue.objects.create(
        plan=Plan.objects.get(code=PLAN), region=region, period="2026-06", period_label="2026年6月",
        as_of=dt.date(2026, 6, 30), title=f"{region.name}“两化”改造2026年6月进度通报", status="published",
        version=1, summary="", body_html=f"<p>{region.name}</p>", snapshot={}, sha256="0" * 64,
        composed_at=timezone.now(), published_at=timezone.now(), published_by=by)
    content = f"{region.name}".encode()
    IssueFile.objects.create(issue=issue, kind="pdf", content=content, size=len(content),
                             sha256=hashlib.sha256(content).hexdigest())
    return issue


def _activity(region_code: str, title: str) -> Activity:
    return Activity.objects.create(date=dt.date(2026, 5, 8), region=Region.objects.get(code=region_code),
                                   kind="training", title=title, attendance=40)


def _wuyuan_marks(t) -> list[str]:
    return [t.wuyuan.credit_code, t.wuyuan.name, "HY-W-1", "HY-W-2", t.w_batch.original_name, "武原街道数字化培训",
            f"/reporting/{t.w_submission.pk}/",
            "武原街道金融服务月报", f"/imports/{t.w_batch.pk}/", f"/subsidies/applications/{t.w_claim.pk}/"]


def _records(indicator: str, region: str, year: int, basis: str = "annual") -> dict:
    return {"plan": PLAN, "indicator": indicator, "region": region, "year": year, "basis": basis,
            "as_of": "2026-06-30"}


BAIBU_VIEWS = [
    # (label, route, method, url, params, what else marks 武原 there, what must show for B) — url and
    # params may be functions of the world. The 百步镇 officer gets 200 without any 武原 mark; the
    # 海盐县 officer gets the same request with the 武原 marks shown (so the check is not vacuous).
    ("plan list", "targets:plans", "get", "/plans/", {}, [], None),
    ("plan page", "targets:plan", "get", f"/plans/{PLAN}/", {}, ["武原街道"], None),
    ("dashboard of 百步", "targets:dashboard", "get", "/", {"plan": PLAN, "region": BAIBU, "year": "2026"},
     ["武原街道"], None),
    ("records: projects", "targets:records", "get", "/records/", _records("digital_projects", BAIBU, 2026),
     [], "HY-B-1"),
    ("records: enterprises", "targets:records", "get", "/records/", _records("mujun_tax", BAIBU, 2025), [],
     lambda t: t.baibu.credit_code),
    ("records: reported", "targets:records", "get", "/records/", _records("loans", BAIBU, 2026), [], None),
    ("api records: projects", "api:plan_records", "get", f"/api/v1/plans/{PLAN}/records",
     _records("digital_projects", BAIBU, 2026), [], "HY-B-1"),
    ("api records: enterprises", "api:plan_records", "get", f"/api/v1/plans/{PLAN}/records",
     _records("mujun_tax", BAIBU, 2025), [], lambda t: t.baibu.credit_code),
    ("api records: reported", "api:plan_records", "get", f"/api/v1/plans/{PLAN}/records",
     _records("loans", BAIBU, 2026), [], None),
    ("api progress with children", "api:plan_progress", "get", f"/api/v1/plans/{PLAN}/progress",
     {"year": "2026", "children": "1"}, [WUYUAN], BAIBU),
    ("api targets", "api:plan_targets", "get", f"/api/v1/plans/{PLAN}/targets", {}, [WUYUAN], BAIBU),
    ("api check", "api:plan_check", "get", f"/api/v1/plans/{PLAN}/check", {}, [WUYUAN], None),
    ("api regions", "api:region_list", "get", "/api/v1/regions/", {}, [WUYUAN], BAIBU),
    ("api plans", "api:plan_list", "get", "/api/v1/plans/", {}, [], PLAN),
    ("import page batch list", "imports:page", "get", "/imports/", {}, [],
     lambda t: t.b_batch.original_name),
    ("api import batch list", "api:batch_list", "get", "/api/v1/imports/", {}, [],
     lambda t: t.b_batch.original_name),
    ("claims list", "policies:application_list", "get", "/subsidies/applications/", {}, [],
     lambda t: t.baibu.name),
    ("api claims list", "api:applications", "get", "/api/v1/subsidies/applications", {}, [],
     lambda t: t.baibu.name),
    ("calculator project search", "policies:calculator_projects", "get", "/subsidies/calculator/projects/",
     {"q": "HY-"}, [], "HY-B-1"),
    ("calculator prefilled from a project", "policies:calculator", "get", "/subsidies/", {"project": "HY-W-1"},
     [], None),
    ("budget of 百步", "policies:budget", "get", "/subsidies/budget/", {"year": "2024"}, ["武原街道"], "百步镇"),
    # The new-record forms offer only the officer's own regions and enterprises in their search lists.
    ("new enterprise form", "enterprises:create", "get", "/enterprises/new/", {}, ["武原街道"], "百步镇"),
    ("new project form", "projects:create", "get", "/projects/new/", {}, [], lambda t: t.baibu.credit_code),
    ("activity list", "projects:activities", "get", "/projects/activities/", {}, ["武原街道"], "百步镇培训"),
    ("new activity form", "projects:activity_create", "get", "/projects/activities/new/", {}, ["武原街道"], "百步镇"),
    ("reporting queue", "reporting:home", "get", "/reporting/", {}, [], lambda t: t.baibu.name),
    ("reporting discipline", "reporting:discipline", "get", "/reporting/discipline/", {"month": "2026-05"}, [],
     "HY-B-1"),
    ("bulletin of 百步", "bulletins:page", "get", "/bulletins/", {"plan": PLAN, "region": BAIBU, "period": "2026-06"},
     ["武原街道"], "百步镇"),
    ("bulletin file of 百步", "bulletins:page", "get", "/bulletins/",
     {"plan": PLAN, "region": BAIBU, "period": "2026-06", "format": "html"}, ["武原街道"], "百步镇"),
    ("trends of 百步", "bulletins:trends", "get", "/bulletins/trends/", {"plan": PLAN, "region": BAIBU, "year": "2026"},
     ["武原街道"], "百步镇"),
    ("warnings of 百步", "bulletins:warnings", "get", "/bulletins/warnings/",
     {"plan": PLAN, "region": BAIBU, "as_of": "2026-06-30"}, ["武原街道"], "HY-B-1"),
    ("warnings export of 百步", "bulletins:warnings", "get", "/bulletins/warnings/",
     {"plan": PLAN, "region": BAIBU, "as_of": "2026-06-30", "format": "csv"}, ["武原街道"], "HY-B-1"),
    ("draft runs", "bulletins:drafts", "get", "/bulletins/drafts/", {}, ["武原街道"], "百步镇"),
    ("bulletin archive", "bulletins:archive", "get", "/bulletins/archive/", {}, ["武原街道“两化”改造"],
     "百步镇“两化”改造"),
    ("reporting discipline export", "reporting:discipline_export", "get", "/reporting/discipline/export/",
     {"month": "2026-05", "format": "csv"}, [], "HY-B-1"),
    # A town officer reads the county's evaluation for the town's enterprises only.
    ("mujun evaluation of the county", "evaluations:mujun", "get", "/evaluations/mujun/",
     {"region": "330424", "year": "2025"}, ["武原税收有误"], lambda t: t.baibu.name),
    ("mujun evaluation export", "evaluations:mujun", "get", "/evaluations/mujun/",
     {"region": "330424", "year": "2025", "format": "xlsx"}, [], lambda t: t.baibu.name),
    ("carbon evaluation of the county", "evaluations:carbon", "get", "/evaluations/carbon/",
     {"region": "330424", "year": "2025"}, [], lambda t: t.baibu.name),
    ("carbon evaluation export", "evaluations:carbon", "get", "/evaluations/carbon/",
     {"region": "330424", "year": "2025", "format": "xlsx"}, [], lambda t: t.baibu.name),
    ("evaluation exemptions", "evaluations:exemptions", "get", "/evaluations/exemptions/",
     {"region": "330424", "year": "2025"}, [], None),
    ("evaluation method", "evaluations:method", "get", "/evaluations/method/", {"region": "330424"}, [], None),
    ("online diagnoses", "evaluations:diagnoses", "get", "/evaluations/diagnosis/", {}, [], "百步镇"),
    ("cultivation ladder", "evaluations:ladder", "get", "/evaluations/ladder/", {}, ["武原培育备注"], "百步镇"),
    ("inefficient list of the county", "evaluations:inefficient", "get", "/evaluations/inefficient/",
     {"region": "330424", "year": "2025"}, ["武原列入依据"], None),
    ("diagnose a 百步 enterprise", "evaluations:diagnosis_new", "get",
     lambda t: f"/evaluations/diagnosis/new/?enterprise={t.baibu.pk}", {}, [], lambda t: t.baibu.name),
    ("a 百步 enterprise's evaluations", "evaluations:enterprise_results", "get",
     lambda t: f"/evaluations/enterprise/{t.baibu.pk}/", {}, [], "海盐县2025年度亩均效益综合评价"),
]


def _resolved(value, t):
    return value(t) if callable(value) else value


@pytest.mark.parametrize("label,route,method,url,params,extra,b_mark", BAIBU_VIEWS, ids=[x[0] for x in BAIBU_VIEWS])
def test_baibu_officer_sees_nothing_of_wuyuan(client, baibu_officer, town_records, label, route, method, url, params,
                                              extra, b_mark):
    t = town_records
    client.force_login(baibu_officer)
    params = _resolved(params, t)
    response = getattr(client, method)(_resolved(url, t), params)
    assert response.status_code == 200, f"{label}: {response.status_code}"
    content = _text(response)
    typed = {str(v) for v in params.values()}  # what the officer typed may be echoed back
    leaked = [mark for mark in [*_wuyuan_marks(t), *extra] if mark in content and mark not in typed]
    assert leaked == [], f"{label} shows 武原's {leaked}"
    if b_mark is not None:
        assert _resolved(b_mark, t) in content, f"{label}: 百步's own record missing"
    if label == "calculator prefilled from a project":
        assert "找不到项目编号 HY-W-1（或不在您的范围内）" in content


@pytest.mark.parametrize("label", ["plan page", "dashboard of 百步", "api targets", "import page batch list",
                                   "claims list", "calculator project search", "api records: projects"])
def test_the_county_officer_sees_wuyuan_where_baibu_does_not(client, county_officer, town_records, label):
    """The other side of test_baibu_officer_sees_nothing_of_wuyuan: the marks are on those pages."""
    t = town_records
    _, route, method, url, params, extra, _ = next(v for v in BAIBU_VIEWS if v[0] == label)
    params = dict(_resolved(params, t))
    if "region" in params:
        params["region"] = "330424"
    # A batch is visible to users whose region holds its runner's: the 武原 officer's, to the county.
    client.force_login(county_officer)
    content = _text(getattr(client, method)(_resolved(url, t), params))
    assert any(mark in content for mark in [*_wuyuan_marks(t), *extra]), label


OUT_OF_SCOPE = [
    # (label, route, method, url, data, status for the 百步镇 officer, who may: their status)
    ("import batch page", "imports:batch", "get", lambda t: f"/imports/{t.w_batch.pk}/", {}, 404,
     "wuyuan_officer"),
    ("import batch file", "imports:file", "get", lambda t: f"/imports/{t.w_batch.pk}/file/", {}, 404,
     "wuyuan_officer"),
    ("import batch confirm", "imports:confirm", "post", lambda t: f"/imports/{t.w_batch.pk}/confirm/", {}, 404,
     None),
    ("api import batch detail", "api:batch_detail", "get", lambda t: f"/api/v1/imports/batches/{t.w_batch.pk}",
     {}, 404, "wuyuan_officer"),
    ("api import batch confirm", "api:batch_confirm", "post",
     lambda t: f"/api/v1/imports/batches/{t.w_batch.pk}/confirm", {}, 404, None),
    ("claim page", "policies:application_detail", "get",
     lambda t: f"/subsidies/applications/{t.w_claim.pk}/", {}, 404, "county_officer"),
    ("claim status change", "policies:application_detail", "post",
     lambda t: f"/subsidies/applications/{t.w_claim.pk}/", {"to_status": "reviewing"}, 404, None),
    ("budget of 武原", "policies:budget", "get", "/subsidies/budget/", {"region": WUYUAN, "year": "2024"}, 403,
     "county_officer"),
    ("budget xlsx of 武原", "policies:budget_xlsx", "get", "/subsidies/budget.xlsx",
     {"region": WUYUAN, "year": "2024"}, 403, "county_officer"),
    ("api budget estimate of 武原", "api:estimate", "get", "/api/v1/subsidies/estimate",
     {"region": WUYUAN, "year": "2024"}, 403, "county_officer"),
    ("records of the county", "targets:records", "get", "/records/", _records("digital_projects", "330424", 2026),
     403, "county_officer"),
    ("records of 武原: reported", "targets:records", "get", "/records/", _records("loans", WUYUAN, 2026), 403,
     "county_officer"),
    ("api records of the county", "api:plan_records", "get", f"/api/v1/plans/{PLAN}/records",
     _records("digital_projects", "330424", 2026), 403, "county_officer"),
    ("api records of 武原: reported", "api:plan_records", "get", f"/api/v1/plans/{PLAN}/records",
     _records("loans", WUYUAN, 2026), 403, "county_officer"),
    ("advance a 武原 project", "projects:advance", "post", lambda t: f"/projects/{t.w1.pk}/stage/",
     {"to_stage": "completed"}, 404, None),
    ("subsidy settings page", "policies:settings", "get", "/subsidies/settings/", {}, 403, "admin_user"),
    ("a subsidy setting", "policies:settings", "post", "/subsidies/settings/",
     {"name": "jiaxing-2020-003.other_smart.min_investment", "value": "1000"}, 403, None),
    ("a 武原 submission", "reporting:detail", "get", lambda t: f"/reporting/{t.w_submission.pk}/", {}, 404,
     "county_officer"),
    ("a 武原 submission's attachment", "reporting:attachment", "get",
     lambda t: f"/reporting/{t.w_submission.pk}/attachment/", {}, 404, None),
    ("approve a 武原 submission", "reporting:approve", "post", lambda t: f"/reporting/{t.w_submission.pk}/approve/",
     {}, 404, None),
    ("return a 武原 submission", "reporting:return", "post", lambda t: f"/reporting/{t.w_submission.pk}/return/",
     {"reason": "x"}, 404, None),
    ("reopen a 武原 month", "reporting:reopen", "post",
     lambda t: f"/reporting/progress/{t.w1.progress_reports.last().pk}/reopen/", {"reason": "x"}, 404, None),
    ("an enterprise's submission form", "reporting:new", "get", "/reporting/new/year/", {}, 403, None),
    ("reporting discipline of 武原", "reporting:discipline", "get", "/reporting/discipline/",
     {"region": WUYUAN, "month": "2026-05"}, 403, "county_officer"),
    ("reporting discipline export of 武原", "reporting:discipline_export", "get", "/reporting/discipline/export/",
     {"region": WUYUAN, "month": "2026-05"}, 403, "county_officer"),
    ("bulletin of 武原", "bulletins:page", "get", "/bulletins/", {"plan": PLAN, "region": WUYUAN, "period": "2026-06"},
     403, "county_officer"),
    ("warnings of 武原", "bulletins:warnings", "get", "/bulletins/warnings/", {"plan": PLAN, "region": WUYUAN}, 403,
     "county_officer"),
    ("trends of 武原", "bulletins:trends", "get", "/bulletins/trends/", {"plan": PLAN, "region": WUYUAN}, 403,
     "county_officer"),
    ("a 武原 bulletin", "bulletins:issue", "get", lambda t: f"/bulletins/archive/{t.w_issue.pk}/", {}, 404,
     "county_officer"),
    ("a 武原 bulletin's file", "bulletins:issue_file", "get", lambda t: f"/bulletins/archive/{t.w_issue.pk}/pdf/",
     {}, 404, "county_leader"),
    ("publish 武原's bulletin", "bulletins:publish", "post", "/bulletins/publish/",
     {"plan": PLAN, "region": WUYUAN, "period": "2026-06"}, 403, None),
    ("remind 武原's projects", "reporting:remind", "post", "/reporting/discipline/remind/",
     {"region": WUYUAN, "month": "2026-05"}, 403, None),
    ("the city's evaluations", "evaluations:mujun", "get", "/evaluations/mujun/", {"region": "330400", "year": "2025"},
     403, "admin_user"),
    ("a 武原 evaluation result", "evaluations:result", "get",
     lambda t: f"/evaluations/{t.evaluation.pk}/enterprises/{t.wuyuan.pk}/", {}, 404, "county_officer"),
    ("a 武原 objection", "evaluations:objection", "get", lambda t: f"/evaluations/objections/{t.w_objection.pk}/",
     {}, 404, "county_officer"),
    ("answer a 武原 objection", "evaluations:objection", "post",
     lambda t: f"/evaluations/objections/{t.w_objection.pk}/", {"decision": "reject", "answer": "百步代答"}, 404, None),
    ("a 武原 objection's attachment", "evaluations:objection_attachment", "get",
     lambda t: f"/evaluations/objections/{t.w_objection.pk}/attachment/", {}, 404, "county_officer"),
    ("a 武原 enterprise's evaluations", "evaluations:enterprise_results", "get",
     lambda t: f"/evaluations/enterprise/{t.wuyuan.pk}/", {}, 404, "county_officer"),
    ("a 武原 diagnosis", "evaluations:diagnosis", "get", lambda t: f"/evaluations/diagnosis/{t.w_diagnosis.pk}/",
     {}, 404, "county_officer"),
    ("diagnose a 武原 enterprise", "evaluations:diagnosis_new", "get",
     lambda t: f"/evaluations/diagnosis/new/?enterprise={t.wuyuan.pk}", {}, 404, "county_officer"),
    ("turn a 武原 diagnosis into a project", "evaluations:diagnosis_project", "post",
     lambda t: f"/evaluations/diagnosis/{t.w_diagnosis.pk}/project/", {"question": "equipment_network"}, 404, None),
    ("rescore a 武原 diagnosis", "evaluations:diagnosis_rescore", "post",
     lambda t: f"/evaluations/diagnosis/{t.w_diagnosis.pk}/rescore/", {}, 404, None),
    ("add a 武原 enterprise to a library", "evaluations:ladder_add", "post", "/evaluations/ladder/add/",
     lambda t: {"enterprise": t.wuyuan.pk, "rung": "smart_factory"}, 404, None),
    ("drop a 武原 library entry", "evaluations:ladder_drop", "post", lambda t: f"/evaluations/ladder/{t.w_entry.pk}/drop/",
     {"reason": "百步代移"}, 404, None),
    ("list a 武原 enterprise as 高耗低效", "evaluations:inefficient_list", "post", "/evaluations/inefficient/list/",
     lambda t: {"region": "330424", "year": "2026", "enterprise": t.wuyuan.pk}, 404, None),
    ("a 武原 高耗低效 case", "evaluations:inefficient_case", "get", lambda t: f"/evaluations/inefficient/{t.w_case.pk}/",
     {}, 404, "county_officer"),
    ("update a 武原 高耗低效 case", "evaluations:inefficient_case", "post",
     lambda t: f"/evaluations/inefficient/{t.w_case.pk}/", {"notes": "百步代填"}, 404, None),
    ("publicise the county's evaluation", "evaluations:publicise", "post",
     lambda t: f"/evaluations/{t.evaluation.pk}/publicise/", {}, 404, None),
    ("finalise the county's evaluation", "evaluations:finalise", "post",
     lambda t: f"/evaluations/{t.evaluation.pk}/finalise/", {}, 404, None),
    ("report a 武原 actual", "targets:report_actual", "post", "/records/report/",
     {"plan": PLAN, "indicator": "loans", "region": WUYUAN, "year": "2026", "basis": "annual",
      "as_of": "2026-06-30", "value": "1", "source": "百步代填"}, 403, None),
]


@pytest.mark.parametrize("label,route,method,url,data,status,owner", OUT_OF_SCOPE, ids=[x[0] for x in OUT_OF_SCOPE])
def test_baibu_officer_is_refused_wuyuan_records(request, client, baibu_officer, town_records, label, route, method,
                                                 url, data, status, owner):
    t = town_records
    claims, reported = SubsidyApplication.objects.count(), ReportedActual.objects.count()
    client.force_login(baibu_officer)
    data = _resolved(data, t)
    response = getattr(client, method)(_resolved(url, t), data)
    assert response.status_code == status, f"{label}: {response.status_code}"
    if status == 404 and response.get("Content-Type", "").startswith("application/json"):
        content = _text(response)
        assert [mark for mark in _wuyuan_marks(t) if mark in content] == []
    t.w_claim.refresh_from_db()
    t.w_submission.refresh_from_db()
    assert t.w_claim.status == "submitted" and SubsidyApplication.objects.count() == claims
    assert t.w_submission.status == "pending" and not t.w1.progress_reports.filter(locked=True).exists()
    assert ReportedActual.objects.count() == reported
    t.w_objection.refresh_from_db()
    t.evaluation.refresh_from_db()
    assert (t.w_objection.status, t.evaluation.status) == ("open", "publicised")
    assert CultivationEntry.objects.filter(enterprise=t.wuyuan, dropped_at__isnull=True).count() == 1
    assert list(InefficientCase.objects.filter(enterprise=t.wuyuan).values_list("year", "notes")) == [(2025, "")]
    if owner is not None:  # whoever may see it gets it: the refusal is the scope, not a broken URL
        client.force_login(request.getfixturevalue(owner))
        assert getattr(client, method)(_resolved(url, t), data).status_code == 200, f"{label} for {owner}"


def test_baibu_officer_cannot_claim_for_or_import_into_wuyuan(client, baibu_officer, town_records):
    """Writes that name a 武原 record: refused as not found, and the refusal names nothing of 武原."""
    t = town_records
    client.force_login(baibu_officer)
    claims = SubsidyApplication.objects.count()
    response = client.post("/subsidies/applications/new/", {"project": "HY-W-2"}, follow=True)  # route: policies:application_new
    assert "找不到项目编号 HY-W-2（或不在您的范围内）" in response.content.decode()  # what was typed, nothing more
    assert SubsidyApplication.objects.count() == claims

    header = ",".join(import_kinds()["enterprise-years"].headers)
    text = f"{header}\n{t.wuyuan.credit_code},2023,是,否,1,1,1,1,1,1,1\n"
    api = client.post("/api/v1/imports/enterprise-years",  # route: api:batch_create
                      {"file": SimpleUploadedFile("y.csv", text.encode("utf-8-sig"), content_type="text/csv")})
    assert api.status_code == 200 and api.json()["status"] == "rejected"
    page = client.post("/imports/", {"kind": "enterprise-years",  # route: imports:page (POST)
                                     "file": SimpleUploadedFile("y.csv", text.encode("utf-8-sig"))}, follow=True)
    for answer in (_text(api), _text(page)):
        assert t.wuyuan.credit_code in answer  # their own cell, echoed
        assert [m for m in (t.wuyuan.name, "武原街道", "HY-W-1") if m in answer] == []
    assert not t.wuyuan.years.filter(year=2023).exists()


NO_RECORDS = [
    # Routes that show no registry record at all: the 百步镇 officer gets them, without any 武原 mark.
    ("notifications", "accounts:notifications", "get", "/notifications/", {}),
    ("mark notifications read", "accounts:notifications_read", "post", "/notifications/read/", {}),
    ("own password page", "accounts:password_change", "get", "/notifications/password/", {}),
    ("set up one's second factor", "accounts:otp_setup", "get", "/notifications/otp/setup/", {}),
    ("second factor, a wrong code", "accounts:otp_verify", "post", "/notifications/otp/verify/", {"code": "000000"}),
    ("own password change refused (wrong old password)", "accounts:password_change", "post",
     "/notifications/password/", {"old_password": "不对", "new_password1": "x", "new_password2": "x"}),
    ("start the drafts of one's region", "bulletins:drafts_start", "post", "/bulletins/drafts/start/",
     {"month": "2026-06"}),
    ("my evaluations (an officer is sent to the county's)", "evaluations:mine", "get", "/evaluations/mine/", {}),
    # Refused with the reason on the page they return to (a town officer may not draft the county's, nor
    # object for an enterprise): nothing changes, nothing of 武原 is shown.
    ("draft the county's evaluation", "evaluations:draft", "post", "/evaluations/mujun/draft/",
     {"region": "330424", "year": "2025"}),
    ("object as an officer", "evaluations:object", "post", lambda t: f"/evaluations/{t.evaluation.pk}/object/",
     {"reason": "百步代提"}),
    ("login page", "login", "get", "/login/", {}),
    ("logout", "logout", "post", "/logout/", {}),
    ("import form template", "imports:template", "get", "/imports/template/enterprise-years/", {}),
    ("calculator fields", "policies:calculator_fields", "get", "/subsidies/calculator/fields/", {"matter": "project"}),
    ("calculator json", "policies:calculator_json", "post", "/subsidies/calculator/json/", {"matter": "project"}),
    ("api calc", "api:calc", "post", "/api/v1/subsidies/calc", json.dumps(
        {"cases": [{"id": "A", "date": "2023-06-01",
                    "facts": {"matter": "credential", "credential": "first_set", "level": "international"}}]})),
    ("openapi json", "api:openapi-json", "get", "/api/v1/openapi.json", {}),
    ("openapi docs", "api:openapi-view", "get", "/api/v1/docs", {}),
    ("api root", "api:api-root", "get", "/api/v1/", {}),  # ninja's placeholder: 404
]


@pytest.mark.parametrize("label,route,method,url,data", NO_RECORDS, ids=[x[0] for x in NO_RECORDS])
def test_routes_without_records_show_nothing_of_wuyuan(client, baibu_officer, town_records, label, route, method,
                                                       url, data):
    t = town_records
    client.force_login(baibu_officer)
    kwargs = {"content_type": "application/json"} if isinstance(data, str) else {}
    versions, objections = Evaluation.objects.count(), Objection.objects.count()
    response = getattr(client, method)(_resolved(url, t), data, **kwargs)
    assert (Evaluation.objects.count(), Objection.objects.count()) == (versions, objections), label
    assert response.status_code in ((404,) if route == "api:api-root" else (200, 302)), f"{label}: {response.status_code}"
    content = _text(response)
    assert [m for m in _wuyuan_marks(t) if m in content] == [], label


def test_admin_is_for_staff_only(client, baibu_officer, town_records):
    """Every admin URL (routes admin:*): a 百步镇 officer is no staff and is sent to the admin login."""
    t = town_records
    client.force_login(baibu_officer)
    urls = ["/admin/", f"/admin/enterprises/enterprise/{t.wuyuan.pk}/change/"]
    urls += [f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in django_admin.site._registry]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url


# ----------------------------------------------------------------------------------------------------
# Editing: a 武原 record's forms are 404 to the 百步镇 officer (read and write), 403 to leaders and
# enterprise users, and open to the county officer

EDITS = [
    # (label, route, url of the 武原 record's form, a POST that would change it)
    ("edit enterprise", "enterprises:edit", lambda t: f"/enterprises/{t.wuyuan.pk}/edit/",
     lambda t: {"name": "改名", "region": "百步镇"}),
    ("delete enterprise", "enterprises:delete", lambda t: f"/enterprises/{t.wuyuan.pk}/delete/",
     lambda t: {"reason": "重复"}),
    ("add a year", "enterprises:part_add", lambda t: f"/enterprises/{t.wuyuan.pk}/years/new/",
     lambda t: {"year": "2024", "revenue_wan": "1"}),
    ("edit a year", "enterprises:part_edit",
     lambda t: f"/enterprises/{t.wuyuan.pk}/years/{t.wuyuan.years.get(year=2025).pk}/edit/", lambda t: {"revenue_wan": "1"}),
    ("delete a credential", "enterprises:part_delete",
     lambda t: f"/enterprises/{t.wuyuan.pk}/credentials/{t.wuyuan.credentials.get().pk}/delete/",
     lambda t: {"reason": "错录"}),
    ("end a credential", "enterprises:credential_end",
     lambda t: f"/enterprises/{t.wuyuan.pk}/credentials/{t.wuyuan.credentials.get().pk}/end/",
     lambda t: {"ends_on": "2026-01-01"}),
    ("edit a project", "projects:edit", lambda t: f"/projects/{t.w1.pk}/edit/", lambda t: {"name": "改名"}),
    ("delete a project", "projects:delete", lambda t: f"/projects/{t.w1.pk}/delete/", lambda t: {"reason": "错录"}),
    ("change a stage", "projects:stage", lambda t: f"/projects/{t.w1.pk}/stage/change/",
     lambda t: {"to_stage": "terminated", "note": "撤项"}),
    ("set health", "projects:health", lambda t: f"/projects/{t.w1.pk}/health/",
     lambda t: {"health": "stalled", "reason": "停工"}),
    ("add a report", "projects:progress_add", lambda t: f"/projects/{t.w1.pk}/progress/new/",
     lambda t: {"month": "2026-05", "cumulative_investment_wan": "500"}),
    ("edit a report", "projects:progress_edit",
     lambda t: f"/projects/{t.w1.pk}/progress/{t.w1.progress_reports.last().pk}/edit/",
     lambda t: {"cumulative_investment_wan": "460"}),
    ("delete a report", "projects:progress_delete",
     lambda t: f"/projects/{t.w1.pk}/progress/{t.w1.progress_reports.last().pk}/delete/",
     lambda t: {"reason": "错录"}),
    ("edit an activity", "projects:activity_edit", lambda t: f"/projects/activities/{t.w_activity.pk}/edit/",
     lambda t: {"title": "改名"}),
    ("delete an activity", "projects:activity_delete", lambda t: f"/projects/activities/{t.w_activity.pk}/delete/",
     lambda t: {"reason": "错录"}),
]


@pytest.mark.parametrize("label,route,url,data", EDITS, ids=[x[0] for x in EDITS])
def test_edit_forms_follow_the_scope(request, client, baibu_officer, county_leader, county_officer, town_records,
                                     label, route, url, data):
    t = town_records
    changes = ChangeRecord.objects.count()
    path = url(t)
    client.force_login(baibu_officer)
    assert client.get(path).status_code == 404, label
    assert client.post(path, data(t)).status_code == 404, label
    for refused in (county_leader, t.enterprise_user):
        client.force_login(refused)
        assert client.get(path).status_code == 403, f"{label} for {refused}"
        assert client.post(path, data(t)).status_code == 403, f"{label} for {refused}"
    assert ChangeRecord.objects.count() == changes  # nothing was written
    client.force_login(county_officer)
    assert client.get(path).status_code == 200, f"{label} for the county officer"


def test_baibu_officer_cannot_create_records_in_wuyuan(client, baibu_officer, town_records):
    """New records naming 武原 (its region, its enterprise): a form error, nothing written."""
    t = town_records
    client.force_login(baibu_officer)
    changes = ChangeRecord.objects.count()
    page = client.post("/enterprises/new/", {"credit_code": "91330424MA2B00001X", "name": "新企业",  # route: enterprises:create (POST)
                                             "region": "武原街道"})
    assert page.status_code == 400 and "武原街道不在您的管辖范围内" in page.content.decode()
    page = client.post("/projects/new/", {"code": "HY-NEW", "name": "新项目", "category": "digital",  # route: projects:create (POST)
                                          "stage": "reserve", "enterprise": t.wuyuan.credit_code})
    assert page.status_code == 400 and f"在您的管辖范围内未找到企业“{t.wuyuan.credit_code}”" in page.content.decode()
    assert t.wuyuan.name not in page.content.decode()
    page = client.post("/projects/activities/new/", {"date": "2026-06-01", "region": WUYUAN,  # route: projects:activity_create (POST)
                                                     "kind": "training", "title": "培训"})
    assert page.status_code == 400 and ChangeRecord.objects.count() == changes


# ----------------------------------------------------------------------------------------------------
# The matrix covers every route

# Routes checked by a named test rather than a case table (each test names the route in a comment).
COVERED_BY_TESTS = {
    "policies:application_new": test_baibu_officer_cannot_claim_for_or_import_into_wuyuan,
    "api:batch_create": test_baibu_officer_cannot_claim_for_or_import_into_wuyuan,
}


def _route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(p for p in (namespace, pattern.namespace) if p) if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            else:
                name = pattern.name or str(pattern.pattern)
                names.add(f"{namespace}:{name}" if namespace else name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_is_in_the_matrix():
    routes = {n for n in _route_names() if not n.startswith("admin:")}  # admin: test_admin_is_for_staff_only
    assert {"imports:file", "api:batch_detail", "api:estimate"} <= routes  # the walk reaches every app
    covered = {case[1] for table in (LISTS, DETAILS, REGION_VIEWS, BAIBU_VIEWS, OUT_OF_SCOPE, NO_RECORDS, EDITS)
               for case in table}
    covered |= set(COVERED_BY_TESTS)
    missing = sorted(routes - covered)
    assert missing == [], f"routes no scope test requests — add a case for each: {missing}"
    assert sorted(covered - routes) == [], "cases name routes that no longer exist"
