import re

import pytest
from django.core.management import call_command

from lianghua.accounts.models import ApiToken
from lianghua.audit.models import DomainEvent

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def token(county_officer, capsys):
    call_command("createtoken", county_officer.username, "--name", "测试脚本")
    return capsys.readouterr().out.strip()


def _bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_createtoken_prints_the_key_once_and_stores_only_its_hash(token, county_officer):
    stored = ApiToken.objects.get(user=county_officer)
    assert token.startswith("lh_") and stored.key_hash == ApiToken.hash_key(token) and token not in stored.key_hash
    assert stored.name == "测试脚本"
    assert DomainEvent.objects.filter(kind="api_token.created", payload__user=county_officer.username).exists()


def test_unknown_user_for_createtoken_fails():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不存在"):
        call_command("createtoken", "nobody")


def test_without_auth_401_and_with_a_bad_token_401(client):
    assert client.get(f"{API}/regions/").status_code == 401
    assert client.get(f"{API}/regions/", **_bearer("lh_wrong")).status_code == 401


def test_revoked_token_is_refused(client, token, county_officer):
    from django.utils import timezone

    ApiToken.objects.filter(user=county_officer).update(revoked_at=timezone.now())
    assert client.get(f"{API}/regions/", **_bearer(token)).status_code == 401


def test_regions_are_the_users_subtree_with_parent_codes(client, token):
    response = client.get(f"{API}/regions/", **_bearer(token))
    assert response.status_code == 200
    regions = {r["code"]: r for r in response.json()}
    assert "330424" in regions and "330424102" in regions and "330481" not in regions
    assert regions["330424102"]["parent_code"] == "330424"
    assert regions["330424102"]["name"] == "百步镇"


def test_plans_and_targets(client, token):
    plans = client.get(f"{API}/plans/", **_bearer(token)).json()
    # the county's plan and those of the city and the province above it, newest first
    assert [p["code"] for p in plans] == ["haiyan-2024-2026", "jiaxing-2024-2027", "jiaxing-2022-2025",
                                          "zhejiang-2022", "jiaxing-2020-2021"]
    targets = client.get(f"{API}/plans/haiyan-2024-2026/targets", {"region": "武原", "year": 2026},
                         **_bearer(token)).json()
    digital = next(t for t in targets if t["indicator"] == "digital_projects")
    assert digital == {**digital, "region_code": "330424001", "basis": "cumulative", "value": "66"}
    assert {t["region_code"] for t in targets} == {"330424001"}


def test_progress_with_children(client, token, two_towns):
    response = client.get(f"{API}/plans/haiyan-2024-2026/progress",
                          {"region": "330424", "year": 2026, "as_of": "2026-06-30", "children": "true"},
                          **_bearer(token))
    assert response.status_code == 200
    rows = response.json()
    county = next(r for r in rows if r["region_code"] == "330424" and r["indicator"] == "digital_projects")
    assert county["actual"] == "2" and county["target"] == "160"  # exact decimal text
    assert county["completion"] == "0.0125"  # 2 / 160
    wuyuan = next(r for r in rows if r["region_code"] == "330424001" and r["indicator"] == "digital_projects")
    assert wuyuan["actual"] == "1" and wuyuan["basis"] == "cumulative" and wuyuan["rank"] is not None


def test_records_behind_a_number(client, token, two_towns):
    response = client.get(f"{API}/plans/haiyan-2024-2026/records",
                          {"indicator": "digital_projects", "region": "330424", "year": 2026, "basis": "annual",
                           "as_of": "2026-06-30"}, **_bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "projects" and body["total"] == "2"
    assert sorted(r["code"] for r in body["rows"]) == ["HY-B-1", "HY-W-1"]


def test_check_reports_rounding_and_mismatch(client, token):
    checks = client.get(f"{API}/plans/haiyan-2024-2026/check", **_bearer(token)).json()
    investment_2024 = next(c for c in checks if c["indicator"] == "investment" and c["year"] == 2024)
    assert investment_2024["status"] == "rounding" and investment_2024["target"] == "50"
    assert investment_2024["children_sum"] == "49.99"
    assert any(c["status"] == "mismatch" for c in checks)


def test_enterprises_paginated_filtered_and_detail(client, token, two_towns):
    page = client.get(f"{API}/enterprises/", {"region": "330424102"}, **_bearer(token)).json()
    assert page["count"] == 1 and page["items"][0]["name"] == "百步电子科技有限公司"
    assert page["items"][0]["above_scale"] in (True, None)
    detail = client.get(f"{API}/enterprises/{two_towns.wuyuan.credit_code}", **_bearer(token)).json()
    assert detail["project_codes"] == ["HY-W-1", "HY-W-2"]
    assert detail["years"][0]["year"] == 2025 and detail["years"][0]["land_mu"] == "20"
    unknown = client.get(f"{API}/enterprises/", {"region": "不存在"}, **_bearer(token))
    assert unknown.status_code == 400 and "未知区域" in unknown.json()["detail"]


def test_projects_paginated_and_detail_with_progress(client, token, two_towns):
    page = client.get(f"{API}/projects/", {"category": "digital"}, **_bearer(token)).json()
    assert page["count"] == 2 and [p["code"] for p in page["items"]] == ["HY-B-1", "HY-W-1"]
    detail = client.get(f"{API}/projects/HY-W-1", **_bearer(token)).json()
    assert detail["progress"] == [{"month": "2026-03", "cumulative_investment_wan": "200"},
                                  {"month": "2026-04", "cumulative_investment_wan": "450"}]
    assert detail["latest_cumulative_wan"] == "450" and detail["stage"] == "in_progress"


def test_session_auth_works_for_the_browser(client, county_officer):
    client.force_login(county_officer)
    assert client.get(f"{API}/plans/").status_code == 200


PATHS = [
    "/api/v1/regions/",
    "/api/v1/plans/",
    "/api/v1/plans/{code}/targets",
    "/api/v1/plans/{code}/progress",
    "/api/v1/plans/{code}/records",
    "/api/v1/plans/{code}/check",
    "/api/v1/enterprises/",
    "/api/v1/enterprises/{credit_code}",
    "/api/v1/projects/",
    "/api/v1/projects/{code}",
]


def test_openapi_schema_lists_every_path_with_chinese_descriptions(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    missing = [p for p in PATHS if p not in schema["paths"]]
    assert missing == []
    progress = schema["components"]["schemas"]["TargetProgressOut"]["properties"]
    assert progress["completion"]["description"] == "完成率（小数，1 = 100%）"
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()
    # Every Decimal leaves the API as exact decimal text, and the schema says so.
    decimal = {"type": "string", "format": "decimal", "examples": ["1234.5"]}
    years = schema["components"]["schemas"]["EnterpriseYearOut"]["properties"]
    for field in (progress["actual"], progress["completion"], years["revenue_wan"], years["land_mu"]):
        assert decimal in field["anyOf"], field


def test_api_lists_do_not_query_per_row(client, token, django_assert_max_num_queries):
    from tests.factories import EnterpriseFactory, ProjectFactory, ProjectProgressFactory

    for _ in range(40):
        ProjectProgressFactory(project=ProjectFactory(enterprise=EnterpriseFactory(region_code="330424102")))
    with django_assert_max_num_queries(6):
        enterprises = client.get(f"{API}/enterprises/", **_bearer(token)).json()
    with django_assert_max_num_queries(6):
        projects = client.get(f"{API}/projects/", **_bearer(token)).json()
    assert enterprises["count"] == 40 and len(enterprises["items"]) == 40
    assert projects["count"] == 40 and projects["items"][0]["latest_cumulative_wan"] == "100"


def test_the_docs_page_works_offline(client, county_officer):
    """/api/v1/docs loads Swagger from our own static files, never a CDN."""
    client.force_login(county_officer)
    page = client.get(f"{API}/docs").content.decode()
    # No asset from another host (a bare "cdn" test failed once in ~150 runs on a random CSRF token).
    assert re.findall(r'(?:src|href)\s*=\s*["\'](?:https?:)?//', page) == []
    assert "unpkg" not in page and "jsdelivr" not in page
    assets = [src for src in ("/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui.css") if src in page]
    assert len(assets) == 2, page[:500]
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200 and b"".join(response.streaming_content)[:10]
