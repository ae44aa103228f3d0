"""`lianghua progress`: table, JSON and xlsx output, and its Chinese errors."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db

ARGS = ["--plan", "haiyan-2024-2026", "--year", "2025", "--as-of", "2025-06-30"]


def run(*args):
    out = io.StringIO()
    call_command("progress", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def started():
    baibu = EnterpriseFactory(region_code="330424102")
    for day in (dt.date(2025, 2, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 1)):
        ProjectFactory(enterprise=baibu, actual_start=day)


def test_json_for_a_town_by_alias(started):
    payload = json.loads(run("--region", "百步", "--format", "json", *ARGS))
    row = next(r for r in payload if r["indicator"] == "digital_projects")
    assert row["region_code"] == "330424102" and row["basis"] == "cumulative"
    assert (row["target"], row["actual"]) == ("54", "3")  # exact decimal text, as the API
    assert row["completion"] == "0.0556" and row["time_progress"] == "0.7483"   # 3/54; 547/731
    assert row["status"] == "severe" and row["window_end"] == "2025-06-30"
    assert {"plan", "region_code", "region_name", "indicator", "unit", "year", "basis", "target", "actual",
            "completion", "time_progress", "status", "data_year"} <= set(row)


def test_table_with_children_is_chinese_and_ranked(started):
    text = run("--region", "海盐县", "--children", *ARGS)
    assert "区域" in text and "完成率" in text and "时间进度" in text and "状态" in text
    line = next(x for x in text.splitlines() if x.startswith("百步镇") and "实施数字化改造项目" in x)
    assert "≥54" in line and "5.6%" in line and "74.8%" in line and "严重滞后" in line
    assert line.split()[-2:] == ["1", "计算"]                              # ranked first among the towns
    assert "不适用" in text                                                # stocks have no time progress


def test_xlsx_without_output_is_written_under_a_descriptive_name(tmp_path, monkeypatch, started):
    monkeypatch.chdir(tmp_path)
    assert "目标完成情况-haiyan-2024-2026-330424-2025.xlsx" in run("--region", "海盐", "--format", "xlsx", *ARGS)
    sheet = load_workbook(tmp_path / "目标完成情况-haiyan-2024-2026-330424-2025.xlsx").active
    assert [c.value for c in sheet[3]][:3] == ["区域", "指标", "单位"]


def test_xlsx(tmp_path, started):
    path = tmp_path / "progress.xlsx"
    assert "已写入" in run("--region", "330424", "--children", "--format", "xlsx", "-o", str(path), *ARGS)
    sheet = load_workbook(path).active
    headers = [c.value for c in sheet[3]]
    assert headers[:3] == ["区域", "指标", "单位"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    baibu = next(r for r in rows if r[0] == "百步镇" and r[1] == "实施数字化改造项目")
    assert baibu[5] == 54 and baibu[6] == 3 and baibu[9] == "严重滞后"


@pytest.mark.parametrize(("args", "message"), [
    (["--plan", "nope", "--region", "海盐县", "--year", "2025"], "未知方案“nope”"),
    (["--plan", "haiyan-2024-2026", "--region", "火星", "--year", "2025"], "未知区域“火星”"),
    (["--plan", "haiyan-2024-2026", "--region", "海盐县", "--year", "2030"], "不在方案"),
    (["--plan", "haiyan-2024-2026", "--region", "海盐县", "--year", "2025", "--as-of", "2025/06/30"], "YYYY-MM-DD"),
])
def test_errors_exit_2_with_a_chinese_message(args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert message in str(error.value) and error.value.returncode == 2
