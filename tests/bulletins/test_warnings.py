"""三色预警: targets by the status rule (its threshold a setting), projects past their dates, projects
without an approved report, investment trailing time, forecasts that miss — each linked to its records."""

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from lianghua.bulletins.warnings import GREEN, RED, YELLOW, warnings_compute
from lianghua.regions.models import Region
from lianghua.targets.models import Plan
from lianghua.targets.progress import progress_compute

pytestmark = pytest.mark.django_db
PLAN = "haiyan-2024-2026"
JUNE_END = dt.date(2026, 6, 30)


def _compute(user, as_of=JUNE_END, region="330424"):
    return warnings_compute(user=user, plan=Plan.objects.get(code=PLAN), region=Region.objects.get(code=region),
                            as_of=as_of, forecasts=False)


def test_targets_are_coloured_by_the_status_rule(two_towns, county_officer, settings):
    found = _compute(county_officer)
    rows = progress_compute(plan=Plan.objects.get(code=PLAN), region=Region.objects.get(code="330424"), year=2026,
                            as_of=JUNE_END, children=True)
    severe = [r for r in rows if r.status == "severe"]
    assert found.colours[RED] == len(severe) == found.count("target", RED) > 0
    assert found.colours[YELLOW] == sum(r.status == "lagging" for r in rows) == found.count("target", YELLOW)
    assert found.colours[GREEN] == sum(r.status in ("normal", "done") for r in rows)
    first = next(w for w in found.items if w.kind == "target")
    assert first.url.startswith("/records/?") and "as_of=2026-06-30" in first.url
    # The 黄/红 line is a setting: at 0.5 of time progress, some of the red turn yellow.
    settings.LIANGHUA_LAGGING_SHARE = "0.5"
    looser = _compute(county_officer)
    assert looser.colours[RED] < found.colours[RED]
    assert looser.colours[RED] + looser.colours[YELLOW] == found.colours[RED] + found.colours[YELLOW]


def test_project_warnings(two_towns, county_officer, baibu_officer, settings):
    found = _compute(county_officer)
    overdue = {w.subject: w for w in found.items if w.kind == "overdue"}
    # Both projects under way were planned to finish on 2025-12-31 (tests/factories.py): 181 days over.
    assert set(overdue) == {"HY-W-1 武原数字化车间改造", "HY-B-1 百步智能产线改造"}
    assert overdue["HY-W-1 武原数字化车间改造"].level == RED and "未竣工，超期181天" in overdue["HY-W-1 武原数字化车间改造"].detail
    assert overdue["HY-W-1 武原数字化车间改造"].url == "/projects/c/HY-W-1/"
    settings.LIANGHUA_WARNING_OVERDUE_RED_DAYS = 200
    assert {w.level for w in _compute(county_officer).items if w.kind == "overdue"} == {YELLOW}

    # June's reports are owed by both and not in: yellow before the deadline (the 5th), red after it.
    assert {(w.subject[:6], w.level) for w in found.items if w.kind == "unreported"} == {("HY-W-1", YELLOW),
                                                                                       ("HY-B-1", YELLOW)}
    late = _compute(county_officer, as_of=dt.date(2026, 7, 10))
    assert {w.level for w in late.items if w.kind == "unreported"} == {RED}

    # HY-W-1 has 450 of its 1000 万元 done, HY-B-1 nothing, both past their planned end: both red.
    investment = {w.subject[:6]: w for w in found.items if w.kind == "investment"}
    assert investment["HY-W-1"].level == investment["HY-B-1"].level == RED
    assert "完成投资450.00万元，占总投资45.0%，时间进度100.0%" in investment["HY-W-1"].detail
    # A 百步镇 officer sees 百步镇's warnings only.
    town = _compute(baibu_officer, region="330424102")
    assert {w.subject[:6] for w in town.items if w.kind != "target"} == {"HY-B-1"}


def test_the_list_its_export_and_the_dashboard_card(two_towns, county_officer):
    client = Client()
    client.force_login(county_officer)
    query = {"plan": PLAN, "region": "330424", "as_of": "2026-06-30"}
    page = client.get(reverse("bulletins:warnings"), query).content.decode()
    assert "海盐县三色预警" in page and "超过计划日期（2）" in page and "/projects/c/HY-W-1/" in page
    assert "预计年底完不成" in page and "政策文件未规定" in page
    xlsx = client.get(reverse("bulletins:warnings"), {**query, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("预警", "类型", "区域", "对象") and rows[1][0] == "红"
    assert any(r[3] == "HY-W-1 武原数字化车间改造" and r[1] == "超过计划日期" for r in rows)
    card = client.get(reverse("bulletins:warnings"), {**query, "fragment": "summary"}).content.decode()
    assert 'id="warnings-card"' in card and "超过计划日期 2（红 2）" in card
    dashboard = client.get(reverse("targets:dashboard"), {"plan": PLAN, "region": "330424", "year": "2026"})
    assert "fragment=summary" in dashboard.content.decode()
