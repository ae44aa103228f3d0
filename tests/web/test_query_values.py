"""Years, dates and numbers in query strings: a value that cannot be read is a Chinese message, never a
500 and never a silently widened list (core/query_params.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from lianghua.core.query_params import QueryValueError, query_date, query_flag, query_whole, query_year
from lianghua.targets.models import ReportedActual

pytestmark = pytest.mark.django_db

RECORDS = {"plan": "haiyan-2024-2026", "indicator": "digital_projects", "region": "330424102", "year": "2026",
           "basis": "annual", "as_of": "2026-06-30"}


@pytest.mark.parametrize("text,expected", [(None, None), ("", None), (" 2025 ", 2025), ("1900", 1900), ("2100", 2100)])
def test_query_year_reads_plain_years(text, expected):
    assert query_year(text) == expected


@pytest.mark.parametrize("text,message", [
    ("10000", "超出范围，应在1900—2100年之间"),
    ("0", "超出范围"),
    ("99999999999999999999", "超出范围"),
    ("²", "不是年份"),  # str.isdigit() says yes, int() raises
    ("２０２５", "不是年份"),  # full-width digits
    ("-1", "不是年份"),
    ("2025.0", "不是年份"),
])
def test_query_year_refuses_with_a_chinese_message(text, message):
    with pytest.raises(QueryValueError, match=message):
        query_year(text, label="开工年度")


def test_query_date_and_whole_and_flag():
    assert query_date("2026-06-30") == dt.date(2026, 6, 30)
    for bad in ("2026-02-30", "20260630", "2026-6-30", "0001-01-01", "9999-12-31", "２０２６-06-30"):
        with pytest.raises(QueryValueError, match="截至日期"):
            query_date(bad, label="截至日期")
    assert query_whole("3", label="页码") == 3
    for bad in ("0", "-1", "abc", "1.5"):
        with pytest.raises(QueryValueError, match="页码"):
            query_whole(bad, label="页码")
    assert query_flag("1", label="规上") is True and query_flag("否", label="规上") is False
    with pytest.raises(QueryValueError, match="规上“x”无法识别"):
        query_flag("x", label="规上")


@pytest.mark.parametrize("value", ["10000", "0", "99999999999", "²", "abc"])
def test_project_list_reports_an_unreadable_start_year_and_lists_nothing(client, county_officer, two_towns, value):
    client.force_login(county_officer)
    response = client.get(reverse("projects:list"), {"start_year": value})
    assert response.status_code == 200
    assert "开工年度“" in response.content.decode()
    assert list(response.context["page"]) == []


def test_project_list_still_filters_by_a_good_start_year(client, county_officer, two_towns):
    client.force_login(county_officer)
    response = client.get(reverse("projects:list"), {"start_year": "2026"})
    assert {p.code for p in response.context["page"]} == {"HY-W-1", "HY-B-1"}


@pytest.mark.parametrize("value", ["10000", "²"])
def test_project_export_with_an_unreadable_start_year_is_a_400_page_not_a_file(client, county_officer, two_towns,
                                                                                 value):
    client.force_login(county_officer)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("projects:export"), {"start_year": value, "format": fmt})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert "开工年度“" in response.content.decode()


@pytest.mark.parametrize("params,message", [
    ({"year": "99999999999999999999"}, "年度“"),
    ({"year": "²"}, "不是年份"),
    ({"above_scale": "x"}, "是否规上“x”无法识别"),
])
def test_enterprise_list_and_export_report_unreadable_values(client, county_officer, two_towns, params, message):
    client.force_login(county_officer)
    listed = client.get(reverse("enterprises:list"), params)
    assert listed.status_code == 200 and message in listed.content.decode()
    assert list(listed.context["page"]) == []
    exported = client.get(reverse("enterprises:export"), params)
    assert exported.status_code == 400 and message in exported.content.decode()


@pytest.mark.parametrize("params,message", [
    ({"year": "0"}, "年度“0”超出范围"),
    ({"year": "10000"}, "年度“10000”超出范围"),
    ({"year": "2023"}, "年度“2023”不在方案期内（2024—2026）"),
    ({"year": "²"}, "不是年份"),
    ({"as_of": "0001-01-01"}, "截至日期“0001-01-01”超出范围"),
    ({"as_of": "2026-02-30"}, "截至日期“2026-02-30”无法识别"),
    ({"basis": "weekly"}, "口径“weekly”无法识别"),
])
def test_records_page_with_an_unreadable_value_is_a_400_page(client, county_officer, two_towns, params, message):
    client.force_login(county_officer)
    response = client.get(reverse("targets:records"), {**RECORDS, **params})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_records_page_names_what_does_not_exist(client, county_officer):
    client.force_login(county_officer)
    response = client.get(reverse("targets:records"), {**RECORDS, "indicator": "nope", "region": "不存在镇"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "未知指标“nope”" in page and "未知区域“不存在镇”" in page


def test_records_page_defaults_a_missing_year_and_date(client, county_officer, two_towns):
    client.force_login(county_officer)
    params = {k: v for k, v in RECORDS.items() if k not in ("year", "as_of")}
    response = client.get(reverse("targets:records"), params)
    assert response.status_code == 200
    assert 2024 <= response.context["year"] <= 2026


@pytest.mark.parametrize("params,message", [
    ({"year": "²"}, "不是年份"),
    ({"year": "10000"}, "超出范围"),
    ({"as_of": "9999-12-31"}, "截至日期“9999-12-31”超出范围"),
])
def test_dashboard_reports_and_defaults_an_unreadable_value(client, county_officer, params, message):
    client.force_login(county_officer)
    response = client.get(reverse("targets:dashboard"), {"plan": "haiyan-2024-2026", **params})
    assert response.status_code == 200
    assert message in response.content.decode()
    choice = response.context["choice"]
    assert 2024 <= choice.year <= 2026 and 1900 <= choice.as_of.year <= 2100


@pytest.mark.parametrize("year,as_of,message", [
    ("10000", "2025-06-30", "年度“10000”超出范围"),
    ("0", "2025-06-30", "年度“0”超出范围"),
    ("2025", "0001-01-01", "截至日期“0001-01-01”超出范围"),
    ("2025", "", "请填写年度和截至日期"),
])
def test_report_actual_with_an_unreadable_year_or_date_writes_nothing(client, county_officer, year, as_of, message):
    client.force_login(county_officer)
    form = {"plan": "haiyan-2024-2026", "indicator": "loans", "region": "330424", "year": year, "basis": "annual",
            "as_of": as_of, "value": "12.5", "source": "县金融发展服务中心月报"}
    response = client.post(reverse("targets:report_actual"), form)
    assert response.status_code == 302
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any(message in m for m in shown), shown
    assert not ReportedActual.objects.exists()


@pytest.mark.parametrize("path", ["/subsidies/budget/", "/subsidies/budget.xlsx"])
@pytest.mark.parametrize(("year", "message"), [("10000", "年度“10000”超出范围"), ("abc", "年度“abc”不是年份")])
def test_subsidy_budget_with_an_unreadable_year_is_a_400_page(client, county_officer, path, year, message):
    client.force_login(county_officer)
    response = client.get(path, {"region": "330424", "year": year})
    assert response.status_code == 400 and message in response.content.decode()
