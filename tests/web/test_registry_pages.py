import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import EnterpriseFactory, EnterpriseYearFactory, ProjectFactory, ProjectProgressFactory

pytestmark = pytest.mark.django_db


def _csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_enterprise_list_filters_by_region_subtree_and_search(client, county_officer, two_towns):
    client.force_login(county_officer)
    listed = client.get(reverse("enterprises:list"))
    assert {e.name for e in listed.context["page"]} == {"武原精密机械有限公司", "百步电子科技有限公司"}
    town = client.get(reverse("enterprises:list"), {"region": "百步镇"})
    assert [e.name for e in town.context["page"]] == ["百步电子科技有限公司"]
    by_code = client.get(reverse("enterprises:list"), {"q": two_towns.wuyuan.credit_code.lower()})
    assert [e.name for e in by_code.context["page"]] == ["武原精密机械有限公司"]
    unknown = client.get(reverse("enterprises:list"), {"region": "不存在镇"})
    assert list(unknown.context["page"]) == [] and "未知区域" in unknown.content.decode()


def test_enterprise_list_above_scale_flag_of_a_year(client, county_officer, two_towns):
    small = EnterpriseFactory(name="小微配件厂", region_code="330424102")
    EnterpriseYearFactory(enterprise=small, year=2025, is_above_scale=False)
    client.force_login(county_officer)
    above = client.get(reverse("enterprises:list"), {"year": "2025", "above_scale": "1"})
    below = client.get(reverse("enterprises:list"), {"year": "2025", "above_scale": "0"})
    assert {e.name for e in above.context["page"]} == {"武原精密机械有限公司", "百步电子科技有限公司"}
    assert [e.name for e in below.context["page"]] == ["小微配件厂"]
    # No 2024 figures at all: nobody is 规上 in 2024.
    assert list(client.get(reverse("enterprises:list"), {"year": "2024", "above_scale": "1"}).context["page"]) == []


def test_enterprise_list_paginates_by_50_with_constant_queries(client, county_officer, django_assert_max_num_queries):
    for n in range(60):
        enterprise = EnterpriseFactory(name=f"海盐测试企业{n:03d}", region_code="330424001")
        EnterpriseYearFactory(enterprise=enterprise, year=2025)
        ProjectFactory(enterprise=enterprise)
    client.force_login(county_officer)
    # 10, and 2 for the session renewed on each request (the idle timeout; on SQLite in its own database)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("enterprises:list"), {"year": "2025"})
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.count == 60
    second = client.get(reverse("enterprises:list"), {"year": "2025", "page": "2"})
    assert [e.name for e in second.context["page"]][0] == "海盐测试企业050"
    assert all(e.project_count == 1 for e in second.context["page"])


def test_enterprise_list_sorts_by_revenue_descending(client, county_officer):
    for name, revenue in (("甲公司", 100), ("乙公司", 300), ("丙公司", 200)):
        EnterpriseYearFactory(enterprise=EnterpriseFactory(name=name, region_code="330424001"), year=2025,
                              revenue_wan=revenue)
    EnterpriseFactory(name="丁公司无数据", region_code="330424001")
    client.force_login(county_officer)
    response = client.get(reverse("enterprises:list"), {"year": "2025", "sort": "-revenue"})
    assert [e.name for e in response.context["page"]] == ["乙公司", "丙公司", "甲公司", "丁公司无数据"]


def test_enterprise_export_csv_and_xlsx_follow_the_filter(client, county_officer, two_towns):
    client.force_login(county_officer)
    response = client.get(reverse("enterprises:export"), {"region": "330424102", "year": "2025", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert rows[0][:2] == ["统一社会信用代码", "企业名称"]
    assert [r[1] for r in rows[1:]] == ["百步电子科技有限公司"]
    assert dict(zip(rows[0], rows[1], strict=True))["是否规上"] == "是"  # 规上 in 2025
    response = client.get(reverse("enterprises:export"), {"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["武原精密机械有限公司", "百步电子科技有限公司"]


def test_enterprise_detail_shows_years_credentials_levels_projects(client, county_officer, two_towns):
    client.force_login(county_officer)
    response = client.get(reverse("enterprises:detail", args=[two_towns.wuyuan.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "HY-W-1" in body and "HY-W-2" in body and "绿色工厂" in body and "2.5" in body
    # 亩均增加值 2025: 1200 万元 ÷ 20 亩 = 60.00
    assert "60.00" in body


def test_enterprise_by_code_redirects_inside_scope_only(client, baibu_officer, two_towns):
    client.force_login(baibu_officer)
    own = client.get(reverse("enterprises:by_code", args=[two_towns.baibu.credit_code]))
    assert own.status_code == 302 and own["Location"] == reverse("enterprises:detail", args=[two_towns.baibu.pk])
    assert client.get(reverse("enterprises:by_code", args=[two_towns.wuyuan.credit_code])).status_code == 404


def test_project_list_filters(client, county_officer, two_towns):
    client.force_login(county_officer)

    def codes(**params):
        return [p.code for p in client.get(reverse("projects:list"), params).context["page"]]

    assert codes() == ["HY-B-1", "HY-W-1", "HY-W-2"]
    assert codes(category="green") == ["HY-W-2"]
    assert codes(stage="in_progress") == ["HY-B-1", "HY-W-1"]
    assert codes(start_year="2026", region="武原街道") == ["HY-W-1"]
    assert codes(q="百步智能") == ["HY-B-1"]
    assert codes(q="武原精密") == ["HY-W-1", "HY-W-2"]
    assert codes(stage="nonsense") == []
    assert codes(sort="-start") == ["HY-B-1", "HY-W-1", "HY-W-2"]


def test_project_list_annotates_latest_report_without_a_query_per_row(client, county_officer,
                                                                      django_assert_max_num_queries):
    for n in range(30):
        project = ProjectFactory()
        ProjectProgressFactory(project=project, cumulative_investment_wan=n)
    client.force_login(county_officer)
    # 10, and 2 for the session renewed on each request (the idle timeout; on SQLite in its own database)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("projects:list"))
    assert response.status_code == 200 and response.context["page"].paginator.count == 30


def test_project_export_lists_latest_cumulative(client, county_officer, two_towns):
    client.force_login(county_officer)
    rows = _csv_rows(client.get(reverse("projects:export"), {"q": "HY-W-1"}))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["项目编号"] == "HY-W-1" and row["累计完成投资(万元)"] == "450" and row["最近填报月份"] == "2026-04"


def test_project_detail_timeline_progress_and_missing_fields(client, county_officer, two_towns):
    client.force_login(county_officer)
    response = client.get(reverse("projects:detail", args=[two_towns.w1.pk]))
    assert response.status_code == 200
    # In progress → next is 竣工, which needs the actual end date.
    assert response.context["next_stage"].code == "completed"
    assert response.context["missing_for_next"] == ["实际竣工日期"]
    assert [(r.month.month, added) for r, added in response.context["report_rows"]] == [(3, 200), (4, 250)]
    assert [Decimal(v) for v in response.context["chart"]["values"]] == [200, 450]
    assert "progress-chart" in response.content.decode()


def test_exports_never_turn_a_name_into_a_formula(client, county_officer):
    EnterpriseFactory(name="=HYPERLINK(\"http://x\")公司", region_code="330424001")
    client.force_login(county_officer)
    rows = _csv_rows(client.get(reverse("enterprises:export")))
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")公司"
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("enterprises:export"), {"format": "xlsx"}).content))
    cell = book.active.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")公司"
