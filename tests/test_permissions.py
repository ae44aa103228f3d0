"""The permission matrix (issue 2 §5): every role × every list, detail, export and API endpoint.

The world (tests/web/scenario.py): enterprise W and projects HY-W-1, HY-W-2 in 武原街道; enterprise B and
project HY-B-1 in 百步镇. Who sees what:

    admin, 海盐县 officer, 海盐县 leader:  W and B
    百步镇 officer:                        B only   (never a 武原街道 enterprise or project)
    W's enterprise user:                   W only
"""

import pytest
from django.urls import reverse

from lianghua.accounts.models import ApiToken
from lianghua.accounts.services import api_token_create
from tests.web.scenario import two_towns  # noqa: F401

pytestmark = pytest.mark.django_db

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


LISTS = [
    # (label, how to get it, which marks can appear on it)
    ("enterprise list", lambda c, t: c.get(reverse("enterprises:list")), "enterprise"),
    ("enterprise export csv", lambda c, t: c.get(reverse("enterprises:export"), {"format": "csv"}), "enterprise"),
    ("enterprise export xlsx", lambda c, t: c.get(reverse("enterprises:export"), {"format": "xlsx"}), "xlsx"),
    ("project list", lambda c, t: c.get(reverse("projects:list")), "project"),
    ("project export csv", lambda c, t: c.get(reverse("projects:export")), "project"),
    ("project export xlsx", lambda c, t: c.get(reverse("projects:export"), {"format": "xlsx"}), "xlsx"),
    ("api enterprises", lambda c, t: c.get("/api/v1/enterprises/"), "enterprise"),
    ("api projects", lambda c, t: c.get("/api/v1/projects/"), "project"),
]


def _content(response, kind):
    if kind == "xlsx":
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return " ".join(str(v) for row in book.active.iter_rows(values_only=True) for v in row)
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("label,fetch,kind", LISTS, ids=[x[0] for x in LISTS])
def test_lists_and_exports_show_exactly_the_scope(client, world, label, fetch, kind):
    role, user, t = world
    client.force_login(user)
    response = fetch(client, t)
    assert response.status_code == 200, label
    content = _content(response, kind)
    marks = _marks(t)
    index = 0 if kind == "enterprise" else 1
    if kind == "xlsx":
        index = 0 if "enterprise" in label else 1
    for owner in ("W", "B"):
        shown = marks[owner][index] in content
        assert shown == (owner in SEES[role]), f"{role} {label}: {owner} shown={shown}"


DETAILS = [
    ("enterprise page", lambda t, o: reverse("enterprises:detail", args=[getattr(t, o["e"]).pk])),
    ("enterprise by code", lambda t, o: reverse("enterprises:by_code", args=[getattr(t, o["e"]).credit_code])),
    ("project page", lambda t, o: reverse("projects:detail", args=[getattr(t, o["p"]).pk])),
    ("project by code", lambda t, o: reverse("projects:by_code", args=[getattr(t, o["p"]).code])),
    ("api enterprise", lambda t, o: f"/api/v1/enterprises/{getattr(t, o['e']).credit_code}"),
    ("api project", lambda t, o: f"/api/v1/projects/{getattr(t, o['p']).code}"),
]
OWNERS = {"W": {"e": "wuyuan", "p": "w1"}, "B": {"e": "baibu", "p": "b1"}}


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("label,url", DETAILS, ids=[x[0] for x in DETAILS])
def test_details_are_404_outside_scope(client, world, label, url):
    role, user, t = world
    client.force_login(user)
    for owner, objects in OWNERS.items():
        status = client.get(url(t, objects)).status_code
        expected = (200, 302) if owner in SEES[role] else (404,)
        assert status in expected, f"{role} {label} {owner}: {status}"


REGION_VIEWS = [
    ("dashboard", lambda region: ("/", {"plan": "haiyan-2024-2026", "region": region, "year": "2026"})),
    ("records", lambda region: (reverse("targets:records"), {
        "plan": "haiyan-2024-2026", "indicator": "digital_projects", "region": region, "year": "2026",
        "basis": "cumulative", "as_of": "2026-06-30"})),
    ("api progress", lambda region: ("/api/v1/plans/haiyan-2024-2026/progress", {"region": region, "year": 2026})),
    ("api records", lambda region: ("/api/v1/plans/haiyan-2024-2026/records", {
        "indicator": "digital_projects", "region": region, "year": 2026, "basis": "cumulative"})),
]
REGION_SEES = {
    "admin": {"330424001", "330424102"},
    "county_officer": {"330424001", "330424102"},
    "baibu_officer": {"330424102"},
    "county_leader": {"330424001", "330424102"},
    "enterprise": set(),
}


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("label,request_for", REGION_VIEWS, ids=[x[0] for x in REGION_VIEWS])
def test_region_figures_are_403_outside_scope(client, world, label, request_for):
    role, user, t = world
    client.force_login(user)
    for region in ("330424001", "330424102"):
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
        assert codes == {"330424102"} and plans == {"haiyan-2024-2026"}
    else:
        assert {"330424", "330424001", "330424102"} <= codes and "haiyan-2024-2026" in plans
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
    assert not county_leader.can_write
    for path in [*PAGES, reverse("enterprises:detail", args=[two_towns.wuyuan.pk]),
                 reverse("projects:detail", args=[two_towns.w1.pk])]:
        assert client.post(path, {"name": "x"}).status_code in (403, 405), path
    # The import page (imports app) refuses a leader's upload.
    assert client.post("/imports/", {"kind": "projects"}).status_code == 403
    # The API offers a leader no write either (no POST route on these resources).
    for path in ("/api/v1/enterprises/", "/api/v1/projects/", "/api/v1/plans/"):
        assert client.post(path, {}, content_type="application/json").status_code in (403, 405), path
