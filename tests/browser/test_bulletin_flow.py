"""The month's output in real Chromium: the officer opens June's bulletin, publishes it, finds it in the
archive and downloads its Excel file; the leader sees it there; the dashboard shows the 三色预警 card."""

import io

import openpyxl

from lianghua.bulletins.models import Issue
from tests.browser.conftest import BROWSER_MARKS, logged_in_page
from tests.web.scenario import two_towns  # noqa: F401

pytestmark = BROWSER_MARKS

BULLETIN = "/bulletins/?plan=haiyan-2024-2026&region=330424&period=2026-06"
TITLE = "海盐县“两化”改造2026年6月进度通报"


def test_officer_publishes_a_bulletin_and_downloads_its_workbook(reference_data, live_server, two_towns,  # noqa: F811
                                                                 county_officer, county_leader, chromium, tmp_path):
    officer = logged_in_page(chromium, live_server, county_officer.username)
    leader = logged_in_page(chromium, live_server, county_leader.username)
    try:
        officer.goto(f"{live_server.url}{BULLETIN}")
        officer.wait_for_selector("#standings")
        assert TITLE in officer.text_content("h1.bulletin-title, .bulletin-head h1")
        assert "本期通报尚未发布" in officer.text_content("#publishing")
        officer.fill("#publishing input[name=note]", "六月例行通报")
        officer.click("#publish")
        officer.wait_for_selector("text=已发布：")
        assert "第1版" in officer.text_content("h1")
        issue = Issue.objects.get(status="published")
        assert issue.note == "六月例行通报" and issue.published_by == county_officer

        with officer.expect_download() as download_info:
            officer.click("#issue-facts a:text('Excel')")
        path = tmp_path / "bulletin.xlsx"
        download_info.value.save_as(path)
        book = openpyxl.load_workbook(path)
        assert book.sheetnames[0] == "赛马排名" and book["本级指标"]["A1"].value == TITLE
        assert path.read_bytes() == bytes(issue.files.get(kind="xlsx").content)

        leader.goto(f"{live_server.url}/bulletins/archive/")
        leader.wait_for_selector("#archive")
        leader.click(f"#archive a:text('{TITLE}')")
        leader.wait_for_selector("#issue-facts")
        assert "第1版" in leader.text_content("#issue-facts")
        with leader.expect_download() as download_info:
            leader.click("#issue-facts a:text('Excel')")
        leader_copy = io.BytesIO(open(download_info.value.path(), "rb").read())
        assert openpyxl.load_workbook(leader_copy).sheetnames[0] == "赛马排名"

        officer.goto(f"{live_server.url}/?plan=haiyan-2024-2026&region=330424&year=2026&as_of=2026-06-30")
        officer.wait_for_selector("#warnings-card")  # loaded after the page
        assert "超过计划日期 2（红 2）" in officer.text_content("#warnings-card")
    except Exception:
        for who, page in (("officer", officer), ("leader", leader)):
            page.screenshot(path=str(tmp_path / f"failure-{who}.png"), full_page=True)
        print(f"screenshots of the failing step: {tmp_path}")
        raise
