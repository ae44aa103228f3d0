import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_login_required_everywhere(client):
    for name in ("targets:dashboard", "targets:plans", "targets:records", "enterprises:list", "projects:list",
                 "enterprises:export", "projects:export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/login/"), name


def test_login_page_renders_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "用户登录" in response.content.decode()


def test_dashboard_shows_county_indicators_with_counted_actuals(client, county_officer, two_towns):
    client.force_login(county_officer)
    response = client.get("/", {"plan": "haiyan-2024-2026", "year": "2026", "as_of": "2026-06-30"})
    assert response.status_code == 200
    own = {r.indicator: r for r in response.context["layout"].own_rows if r.basis == "annual"}
    # HY-W-1 (2026-03-10) and HY-B-1 (2026-04-01) are the county's digital projects started in 2026.
    assert own["digital_projects"].actual == 2
    assert own["digital_projects"].target == 160
    page = _text(response)
    assert "海盐县 · 2026年 目标完成情况" in page
    assert "实施数字化改造项目" in page
    # The matrix has the towns as columns, 武原 with its one cumulative digital project (HY-W-1).
    layout = response.context["layout"]
    names = [name for _, name in layout.children]
    assert "武原街道" in names and "百步镇" in names
    row = next(m for m in layout.matrix if m.indicator == "digital_projects")
    cell = row.cells[[code for code, _ in layout.children].index("330424001")]
    assert cell.actual == 1 and cell.target == 66
    assert layout.chart["regions"] and len(layout.chart["completion"]) == len(layout.chart["regions"])
    # Each actual links to the records behind it.
    assert "/records/?plan=haiyan-2024-2026&amp;indicator=digital_projects&amp;region=330424&amp;year=2026" \
        "&amp;basis=annual&amp;as_of=2026-06-30" in response.content.decode()


def test_dashboard_defaults_to_home_region_and_a_plan_year(client, baibu_officer, two_towns):
    client.force_login(baibu_officer)
    response = client.get("/")
    choice = response.context["choice"]
    assert choice.region.code == "330424102"
    assert choice.plan.code == "haiyan-2024-2026"
    assert choice.plan.start_year <= choice.year <= choice.plan.end_year
    # A town officer may only pick their own town.
    assert [r.code for r in choice.regions] == ["330424102"]


def test_dashboard_refuses_a_region_outside_scope(client, baibu_officer):
    client.force_login(baibu_officer)
    assert client.get("/", {"region": "330424001"}).status_code == 403


def test_dashboard_htmx_returns_the_fragment(client, county_officer, two_towns):
    client.force_login(county_officer)
    response = client.get("/", {"year": "2026"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="dash">')
    assert "<html" not in body
    restored = client.get("/", {"year": "2026"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()


def test_dashboard_redirects_enterprise_users_to_their_enterprise(client, two_towns):
    client.force_login(two_towns.enterprise_user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:detail", args=[two_towns.wuyuan.pk])


def test_records_list_the_projects_behind_a_number(client, county_officer, two_towns):
    client.force_login(county_officer)
    response = client.get(reverse("targets:records"), {
        "plan": "haiyan-2024-2026", "indicator": "digital_projects", "region": "330424", "year": "2026",
        "basis": "annual", "as_of": "2026-06-30"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "HY-W-1" in body and "HY-B-1" in body and "HY-W-2" not in body
    assert reverse("projects:by_code", args=["HY-W-1"]) in body
    assert response.context["found"].total == 2


def test_records_for_a_town_officer_stay_in_the_town(client, baibu_officer, two_towns):
    client.force_login(baibu_officer)
    params = {"plan": "haiyan-2024-2026", "indicator": "digital_projects", "year": "2026",
              "basis": "cumulative", "as_of": "2026-06-30"}
    own = client.get(reverse("targets:records"), {**params, "region": "330424102"})
    assert own.status_code == 200 and "HY-B-1" in own.content.decode() and "HY-W-1" not in own.content.decode()
    assert client.get(reverse("targets:records"), {**params, "region": "330424001"}).status_code == 403
    assert client.get(reverse("targets:records"), {**params, "region": "330424"}).status_code == 403


def test_plan_page_shows_metadata_targets_and_the_decomposition_check(client, county_officer):
    client.force_login(county_officer)
    response = client.get(reverse("targets:plan", args=["haiyan-2024-2026"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "盐政发〔2024〕12号" in body and "000_9a05fa3bf4ad2be7.txt" in body
    checks = response.context["checks"]
    statuses = {c.status for c in checks}
    # Haiyan's annex: investment 2024 towns sum to 49.99 vs 50 (rounding); 清洁生产审核 to 2025: 10 vs 20.
    assert "rounding" in statuses and "mismatch" in statuses
    assert 'class="check-mismatch"' in body and 'class="check-rounding"' in body


def test_plan_page_for_a_town_officer_lists_only_the_town_targets(client, baibu_officer):
    client.force_login(baibu_officer)
    response = client.get(reverse("targets:plan", args=["haiyan-2024-2026"]))
    assert response.status_code == 200
    assert {t.region.code for t in response.context["targets"]} == {"330424102"}
    assert response.context["checks"] == []


def test_plan_list_shows_plans_with_targets_in_scope(client, county_officer, baibu_officer):
    client.force_login(county_officer)
    response = client.get(reverse("targets:plans"))
    # The Jiaxing plan has 海盐县 targets (annex 1), none for its towns; the city's and the province's
    # newer plans (no county split) are followed too.
    assert [p.code for p in response.context["plans"]] == ["haiyan-2024-2026", "jiaxing-2024-2027",
                                                           "jiaxing-2022-2025", "zhejiang-2022", "jiaxing-2020-2021"]
    client.force_login(baibu_officer)  # a town follows the plans of its county, city and province
    response = client.get(reverse("targets:plans"))
    assert [p.code for p in response.context["plans"]] == ["haiyan-2024-2026", "jiaxing-2024-2027",
                                                           "jiaxing-2022-2025", "zhejiang-2022", "jiaxing-2020-2021"]


def test_dashboard_queries_do_not_grow_with_the_data(client, county_officer, two_towns):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EnterpriseFactory, ProjectFactory

    client.force_login(county_officer)
    params = {"plan": "haiyan-2024-2026", "year": "2026", "as_of": "2026-06-30"}
    with CaptureQueriesContext(connection) as before:
        client.get("/", params)
    for code in ("330424001", "330424004", "330424102", "330424106"):
        for _ in range(5):
            ProjectFactory(enterprise=EnterpriseFactory(region_code=code), actual_start=two_towns.as_of)
    with CaptureQueriesContext(connection) as after:
        response = client.get("/", params)
    own = {r.indicator: r for r in response.context["layout"].own_rows if r.basis == "annual"}
    assert own["digital_projects"].actual == 2 + 20
    assert len(after.captured_queries) == len(before.captured_queries)


def test_dashboard_drills_down_to_a_town_and_back_up(client, county_officer, two_towns):
    client.force_login(county_officer)
    county = client.get("/", {"plan": "haiyan-2024-2026", "year": "2026", "as_of": "2026-06-30"}).content.decode()
    assert "?plan=haiyan-2024-2026&amp;region=330424102&amp;year=2026&amp;as_of=2026-06-30" in county
    town = client.get("/", {"plan": "haiyan-2024-2026", "region": "330424102", "year": "2026", "as_of": "2026-06-30"})
    assert town.context["parent_link"]["name"] == "海盐县"
    assert "region=330424&year=2026" in town.context["parent_link"]["url"]


def test_a_town_officer_gets_no_link_up_to_the_county(client, baibu_officer):
    client.force_login(baibu_officer)
    assert client.get("/").context["parent_link"] is None
