"""API query values that cannot be read answer 400 with a Chinese `detail`, never 500 or pydantic's English."""

import pytest

pytestmark = pytest.mark.django_db

PLAN = "/api/v1/plans/haiyan-2024-2026"
RECORDS = {"indicator": "digital_projects", "region": "330424102", "basis": "annual"}


@pytest.mark.parametrize("path,params,message", [
    ("/api/v1/projects/", {"start_year": "99999999999"}, "开工年度“99999999999”超出范围，应在1900—2100年之间"),
    ("/api/v1/projects/", {"start_year": "10000"}, "开工年度“10000”超出范围"),
    ("/api/v1/projects/", {"start_year": "abc"}, "开工年度“abc”不是年份"),
    ("/api/v1/projects/", {"category": "x"}, "未知的项目类别“x”"),
    ("/api/v1/projects/", {"page": "abc"}, "页码“abc”应为不小于1的整数"),
    ("/api/v1/projects/", {"page": "0"}, "页码“0”应为不小于1的整数"),
    ("/api/v1/projects/", {"page_size": "-5"}, "每页条数“-5”"),
    ("/api/v1/enterprises/", {"year": "99999999999999999999"}, "年度“99999999999999999999”超出范围"),
    ("/api/v1/enterprises/", {"above_scale": "x"}, "是否规上“x”无法识别"),
    (f"{PLAN}/targets", {"year": "99999999999999999999"}, "年度“99999999999999999999”超出范围"),
    (f"{PLAN}/progress", {"region": "330424102", "year": "10000"}, "年度“10000”超出范围"),
    (f"{PLAN}/progress", {"region": "330424102", "year": "2030"}, "年度“2030”不在方案期内（2024—2026）"),
    (f"{PLAN}/progress", {"region": "330424102", "as_of": "9999-12-31"}, "截至日期“9999-12-31”超出范围"),
    (f"{PLAN}/progress", {"region": "330424102", "as_of": "2026-13-01"}, "截至日期“2026-13-01”无法识别"),
    (f"{PLAN}/progress", {"region": "330424102", "children": "maybe"}, "无法识别"),
    (f"{PLAN}/records", {**RECORDS, "year": "10000"}, "年度“10000”超出范围"),
    (f"{PLAN}/records", {**RECORDS, "year": "0"}, "年度“0”超出范围"),
    (f"{PLAN}/records", {**RECORDS, "year": "2025", "as_of": "0001-01-01"}, "截至日期“0001-01-01”超出范围"),
    (f"{PLAN}/records", {**RECORDS, "basis": "weekly"}, "口径“weekly”无法识别"),
    ("/api/v1/subsidies/estimate", {"region": "330424102", "year": "10000"}, "年度“10000”超出范围"),
    ("/api/v1/subsidies/estimate", {"region": "330424102"}, "请给出年度"),
    ("/api/v1/subsidies/applications", {"page": "abc"}, "页码“abc”"),
    ("/api/v1/imports/", {"page": "-1"}, "页码“-1”"),
])
def test_unreadable_query_values_are_400_with_a_chinese_detail(client, county_officer, two_towns, path, params,
                                                                  message):
    client.force_login(county_officer)
    response = client.get(path, params)
    assert response.status_code == 400, response.content.decode()[:300]
    assert message in response.json()["detail"]


def test_a_page_past_the_end_is_empty_and_good_values_still_work(client, county_officer, two_towns):
    client.force_login(county_officer)
    far = client.get("/api/v1/projects/", {"page": "99999999999999999999"}).json()
    assert far == {"items": [], "count": 3}
    assert client.get("/api/v1/imports/", {"page": "99999999999999999999"}).json()["items"] == []
    started = client.get("/api/v1/projects/", {"start_year": "2026", "page": "1", "page_size": "1"}).json()
    assert started["count"] == 2 and [p["code"] for p in started["items"]] == ["HY-B-1"]
    above = client.get("/api/v1/enterprises/", {"year": "2025", "above_scale": "true"}).json()
    assert above["count"] == 2
    progress = client.get(f"{PLAN}/progress", {"region": "330424", "year": "2026", "as_of": "2026-06-30",
                                              "children": "1"})
    assert progress.status_code == 200 and {r["region_code"] for r in progress.json()} >= {"330424", "330424001"}
