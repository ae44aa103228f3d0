"""The main flow in a real browser: log in as the 海盐县 officer, read the dashboard, open the projects
behind a number, upload a bad projects file and read its errors. Debian's /usr/bin/chromium, never a
downloaded browser; a screenshot lands in tmp_path when a step fails."""

import datetime as dt
import re

from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_MARKS
from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory

pytestmark = BROWSER_MARKS

BAD_PROJECTS_CSV = (
    "项目编号,项目名称,统一社会信用代码,项目类别,项目子类,总投资(万元),设备投资(万元),信息化投资(万元),土建投资(万元),"
    "计划开工日期,计划竣工日期,实际开工日期,实际竣工日期,验收日期,项目阶段,年节能量(吨标准煤),节能量已确权,"
    "年减排二氧化碳(吨),年节水量(吨),新增工业机器人(台)\n"
    "HY-BAD-1,坏数据项目一,91330424MA0000000X,数字化,,100,,,,2025-01-01,2025-12-31,,,,储备,,否,,,\n"
    "HY-BAD-2,坏数据项目二,,绿色化,,-5,,,,2025-06-01,2025-01-01,,,,储备,,否,,,\n"
)


def test_officer_reads_dashboard_opens_records_and_sees_import_errors(reference_data, live_server, chromium_page,
                                                                      tmp_path):
    officer = UserFactory(username="haiyan_browser", role="officer", region_code="330424")
    wuyuan = EnterpriseFactory(name="武原浏览器测试有限公司", region_code="330424001")
    for n in range(3):
        ProjectFactory(code=f"HY-BR-{n}", name=f"浏览器测试数字化项目{n}", enterprise=wuyuan, category="digital",
                       stage="in_progress", actual_start=dt.date(2025, 3, 1 + n))
    page = chromium_page

    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", officer.username)
        page.fill("input[name=password]", "lianghua-test-pw")
        page.click("button[type=submit]")
        page.wait_for_selector("#indicator-table")

        # Plan 2025 at its year end: the county's digital projects are the three created above.
        page.goto(f"{live_server.url}/?plan=haiyan-2024-2026&region=330424&year=2025&as_of=2025-12-31")
        heading = page.text_content("h1")
        assert "海盐县" in heading and "2025年" in heading
        row = page.locator("#indicator-table tr", has_text="实施数字化改造项目").first
        actual = row.locator("a.actual")
        assert actual.text_content().strip() == "3"
        assert "≥160" in row.text_content().replace(" ", "")

        # Changing the year through the filter swaps the dashboard in place (htmx).
        page.select_option("select[name=year]", "2024")
        expect(page.locator("h1")).to_contain_text("2024年")
        page.select_option("select[name=year]", "2025")
        expect(page.locator("h1")).to_contain_text("2025年")
        page.wait_for_selector("#dashboard-chart canvas")  # ECharts re-drawn after the swap

        page.locator("#indicator-table tr", has_text="实施数字化改造项目").first.locator("a.actual").click()
        page.wait_for_selector("#records-table")
        records = page.text_content("#records-table")
        assert all(f"HY-BR-{n}" in records for n in range(3))
        page.click("#records-table a:text('HY-BR-0')")
        page.wait_for_selector("h1:has-text('浏览器测试数字化项目0')")

        # A bad projects file: nothing is imported, every problem is listed as 第N行 [列名] 原因.
        bad_file = tmp_path / "坏项目.csv"
        bad_file.write_text(BAD_PROJECTS_CSV, encoding="utf-8")
        page.goto(f"{live_server.url}/imports/?kind=projects")
        assert page.locator("select[name=kind]").input_value() == "projects"
        page.set_input_files("#import-form input[type=file]", str(bad_file))
        page.click("#import-form button[name=dry_run]")
        page.wait_for_selector("#errors")
        lines = [
            "第{}行 [{}] {}".format(*(cell.strip() for cell in row.locator("td").all_text_contents()))
            for row in page.locator("#errors tbody tr").all()
        ]
        assert any(re.fullmatch(r"第3行 \[统一社会信用代码\] .+", line) for line in lines), lines
        assert any(re.fullmatch(r"第3行 \[总投资\(万元\)\] .+", line) for line in lines), lines
        assert any(line.startswith("第2行 [统一社会信用代码]") for line in lines), lines
        assert "未写入任何数据" in page.text_content("#result")
    except Exception:
        shot = tmp_path / "failure.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failing step: {shot}")
        raise
