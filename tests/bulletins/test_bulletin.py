"""The bulletin: its figures are the progress engine's, its 赛马 score follows the printed rule, ties share
a rank, and the command line and the page write the same workbook."""

import datetime as dt
import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lianghua.bulletins.compose import bulletin_compose
from lianghua.bulletins.periods import MONTH, QUARTER, YEAR, Period, period_read
from lianghua.bulletins.scoring import ScoreRule, region_score, target_score
from lianghua.regions.models import Region
from lianghua.targets.models import Plan
from lianghua.targets.progress import TargetProgress, progress_compute
from lianghua.targets.progress_math import competition_ranks

pytestmark = pytest.mark.django_db
PLAN = "haiyan-2024-2026"


def row(indicator: str, completion: str | None, time_progress: str | None, *, stock: bool = False) -> TargetProgress:
    return TargetProgress(
        plan=PLAN, region_code="330424001", region_name="武原街道", indicator=indicator, indicator_name=indicator,
        unit="个", year=2026, basis="cumulative", target=Decimal(10), stretch=None, comparator="gte", actual=None,
        completion=None if completion is None else Decimal(completion),
        time_progress=None if time_progress is None else Decimal(time_progress), status="normal",
        status_label="正常", data_year=2026, window_start=dt.date(2024, 1, 1), window_end=dt.date(2026, 6, 30),
        actual_source="computed", is_stock=stock)


def test_periods_read_and_step_back():
    assert period_read("2026-11") == Period(MONTH, 2026, 11)
    assert period_read("2026-q3") == Period(QUARTER, 2026, 3) and period_read("2026") == Period(YEAR, 2026)
    assert Period(MONTH, 2026, 1).previous() == Period(MONTH, 2025, 12)
    assert Period(QUARTER, 2026, 1).previous() == Period(QUARTER, 2025, 4)
    assert Period(QUARTER, 2026, 3).as_of == dt.date(2026, 9, 30) and Period(MONTH, 2024, 2).as_of == dt.date(2024, 2, 29)
    assert Period(QUARTER, 2026, 3).label == "2026年第三季度"
    with pytest.raises(ValueError, match="通报期“2026-13”无法识别"):
        period_read("2026-13")


def test_the_score_rule():
    rule = ScoreRule(cap=Decimal("1.2"))
    # A flow indicator: completion over time progress; 0.6 of the target at half the time is 1.2 (the cap).
    assert target_score(row("a", "0.45", "0.5"), rule) == Decimal("0.9")
    assert target_score(row("b", "0.9", "0.5"), rule) == Decimal("1.2")
    # A level indicator (a rate): its completion.
    assert target_score(row("c", "0.8", None, stock=True), rule) == Decimal("0.8")
    assert target_score(row("d", None, "0.5"), rule) is None  # no data: not counted
    rows = [row("a", "0.45", "0.5"), row("b", "0.9", "0.5"), row("c", "0.8", None, stock=True), row("d", None, "0.5")]
    assert region_score(rows, rule) == (Decimal("0.9667"), 3)  # (0.9 + 1.2 + 0.8) / 3
    weighted = ScoreRule(cap=Decimal("1.2"), weights={"c": Decimal(2), "b": Decimal(0)})
    assert region_score(rows, weighted) == (Decimal("0.8333"), 2)  # (0.9 + 2 × 0.8) / 3
    assert "单项得分最高计1.2" in rule.text and "政策文件未规定" in rule.text


def test_ties_share_a_rank():
    assert competition_ranks([Decimal("0.9"), Decimal("1.1"), Decimal("0.9"), None]) == [2, 1, 2, None]


def test_the_bulletin_figures_are_the_engines(two_towns, county_officer):
    plan, county = Plan.objects.get(code=PLAN), Region.objects.get(code="330424")
    bulletin = bulletin_compose(user=county_officer, plan=plan, region=county, period=period_read("2026-06"))
    engine = progress_compute(plan=plan, region=county, year=2026, as_of=dt.date(2026, 6, 30), children=True)
    assert [r.as_dict() for r in bulletin.rows] == [r.as_dict() for r in engine]
    digital = next(r for r in bulletin.own_rows if r.indicator == "digital_projects" and r.basis == "annual")
    assert digital.actual == 2  # HY-W-1 and HY-B-1 (tests/web/scenario.py)
    rule = ScoreRule.from_settings()
    for standing in bulletin.standings:
        mine = [r for r in engine if r.region_code == standing.code]
        assert (standing.score, standing.counted) == region_score(mine, rule)
    assert {s.name for s in bulletin.standings} >= {"武原街道", "百步镇"}
    assert bulletin.summary.startswith("截至2026年6月30日，海盐县")
    # June's reports: HY-W-1 and HY-B-1 owe them, none came.
    assert bulletin.discipline.month == dt.date(2026, 6, 1) and bulletin.discipline.total.owed == 2


def test_outside_the_plan_or_the_scope_is_refused(two_towns, baibu_officer):
    from lianghua.bulletins.compose import BulletinError

    plan = Plan.objects.get(code=PLAN)
    with pytest.raises(BulletinError, match="不在方案"):
        bulletin_compose(user=None, plan=plan, region=Region.objects.get(code="330424"), period=period_read("2023-06"))
    with pytest.raises(BulletinError, match="不能查看武原街道的通报"):
        bulletin_compose(user=baibu_officer, plan=plan, region=Region.objects.get(code="330424001"),
                         period=period_read("2026-06"))


def test_the_workbook_has_numbers_not_text(two_towns, tmp_path, capsys):
    path = tmp_path / "通报.xlsx"
    call_command("report", "bulletin", "--plan", PLAN, "--region", "海盐县", "--month", "2026-06", "-o", str(path))
    assert "海盐县“两化”改造2026年6月进度通报" in capsys.readouterr().out
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["赛马排名", "本级指标", "下级区域指标", "进度填报", "滞后项目"]
    own = book["本级指标"]
    assert own["A1"].value == "海盐县“两化”改造2026年6月进度通报" and "截至 2026-06-30" in own["A2"].value
    digital = next(r for r in own.iter_rows(min_row=5, values_only=True) if r[1] == "实施数字化改造项目" and r[2] == "年度")
    assert digital[4] == 160 and digital[5] == 2 and isinstance(digital[6], float)
    assert own.cell(row=5, column=7).number_format == "0.0%"


def test_the_page_and_its_downloads(two_towns, county_officer, baibu_officer):
    client = Client()
    client.force_login(county_officer)
    page = client.get(reverse("bulletins:page"), {"plan": PLAN, "region": "330424", "period": "2026-06"})
    text = page.content.decode()
    assert page.status_code == 200 and "海盐县“两化”改造2026年6月进度通报" in text and "<svg" in text
    xlsx = client.get(reverse("bulletins:page"), {"plan": PLAN, "region": "330424", "period": "2026-06",
                                                  "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "赛马排名"
    html = client.get(reverse("bulletins:page"), {"plan": PLAN, "region": "330424", "period": "2026-06",
                                                  "format": "html"})
    assert "@page" in html.content.decode() and "attachment" in html["Content-Disposition"]
    bad = client.get(reverse("bulletins:page"), {"plan": PLAN, "region": "330424", "period": "2026-13"})
    assert bad.status_code == 400 and "通报期“2026-13”无法识别" in bad.content.decode()
    client.force_login(two_towns.enterprise_user)
    assert client.get(reverse("bulletins:page")).status_code == 403


def _pdf_pages_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_pdf_reads_in_chinese_and_every_page_prints(two_towns, tmp_path):
    """pdftotext finds the title, the cut-off and every town; pdftoppm renders each page with ink on it."""
    path = tmp_path / "通报.pdf"
    call_command("report", "bulletin", "--plan", PLAN, "--region", "330424", "--month", "2026-06", "-o", str(path))
    assert path.read_bytes()[:5] == b"%PDF-"
    text = _pdf_pages_text(path)
    assert "海盐县“两化”改造2026年6月进度通报" in text and "截至 2026-06-30" in text and "第 1 页" in text
    towns = Region.objects.filter(parent__code="330424", targets__plan__code=PLAN, targets__year=2026).distinct()
    assert towns.count() == 9 and [t.name for t in towns if t.name not in text] == []
    pages = int(next(line for line in subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                                                     text=True).stdout.splitlines() if line.startswith("Pages:"))
                .split()[1])
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(path), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page*.pgm"))
    assert len(images) == pages >= 1
    for image in images:
        header, pixels = image.read_bytes().split(b"\n255\n", 1)
        assert min(pixels) < 128, f"{image.name} is blank"  # some dark ink: text or lines


def test_the_page_downloads_the_pdf(two_towns, county_officer):
    client = Client()
    client.force_login(county_officer)
    response = client.get(reverse("bulletins:page"), {"plan": PLAN, "region": "330424", "period": "2026-06",
                                                      "format": "pdf"})
    assert response["Content-Type"] == "application/pdf" and response.content[:5] == b"%PDF-"
    assert ".pdf" in response["Content-Disposition"]
