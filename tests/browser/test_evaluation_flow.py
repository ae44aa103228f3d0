"""亩均效益评价 in real Chromium: the county officer drafts and publicises 2025's evaluation; the enterprise
sees its own result and objects with a scan; the officer accepts, correcting the tax through the form;
the enterprise's rank moves, and it is told; then nothing is left open but the 定档 after the period."""

from lianghua.enterprises.models import EnterpriseYear
from lianghua.evaluations.models import Evaluation, Objection
from tests.browser.conftest import BROWSER_MARKS, logged_in_page
from tests.factories import EnterpriseFactory, EnterpriseYearFactory
from tests.web.scenario import two_towns  # noqa: F401

pytestmark = BROWSER_MARKS


def test_publicise_object_accept_and_the_rank_moves(reference_data, live_server, two_towns,  # noqa: F811
                                                    county_officer, chromium, tmp_path):
    for n, tax in enumerate((400, 500, 600), start=1):  # three more 规上 firms of 武原, all above the 300 of two_towns
        EnterpriseYearFactory(enterprise=EnterpriseFactory(region_code="330424001", name=f"武原评价企业{n}"),
                              year=2025, tax_wan=tax)
    EnterpriseYear.objects.filter(year=2025).update(rd_wan=100, pollutant_t=2)  # every figure the method reads
    wuyuan = two_towns.wuyuan  # 300 万元 tax on 20 亩, as 百步's: 4th or 5th, by the credit codes
    officer = logged_in_page(chromium, live_server, county_officer.username)
    firm = logged_in_page(chromium, live_server, two_towns.enterprise_user.username)
    try:
        officer.goto(f"{live_server.url}/evaluations/mujun/?region=330424&year=2025")
        assert "试算（未生成）" in officer.text_content(".page-head")
        assert "规上企业各指标权重" in officer.text_content("#placeholders")
        officer.click("#draft")
        officer.wait_for_selector("text=第1版草稿（5家企业）")
        officer.click("#publicise")
        officer.wait_for_selector("text=已公示")
        evaluation = Evaluation.objects.get()
        before = evaluation.results.get(enterprise=wuyuan).rank

        firm.goto(f"{live_server.url}/evaluations/mine/")
        firm.click("#my-results a:text('查看明细')")
        firm.wait_for_selector("#terms")
        assert f"第 {before} 名" in firm.text_content(".facts")
        scan = tmp_path / "完税证明.pdf"
        scan.write_bytes(b"%PDF-1.4 tax certificate scan")
        firm.fill("#objection-form textarea[name=reason]", "2025年实缴税收为700万元，附完税证明")
        firm.set_input_files("#objection-form input[name=attachment]", str(scan))
        firm.click("#objection-form button[type=submit]")
        firm.wait_for_selector("text=异议已提交")

        officer.goto(f"{live_server.url}/evaluations/mujun/?region=330424&year=2025")
        officer.click("#objections a:text('处理')")
        officer.wait_for_selector("#answer-form")
        with officer.expect_download() as download:
            officer.click("a:text('完税证明.pdf')")
        assert open(download.value.path(), "rb").read() == scan.read_bytes()
        officer.check("#answer-form input[value=accept]")
        officer.fill("#answer-form input[name=tax_wan]", "700")
        officer.fill("#answer-form textarea[name=answer]", "核对完税证明，税收更正为700万元")
        officer.click("#answer-form button[type=submit]")
        officer.wait_for_selector("text=已采纳")
        after = Evaluation.objects.get().results.get(enterprise=wuyuan)
        assert before in (4, 5) and (after.rank, after.klass) == (1, "A")
        assert Objection.objects.get().status == "accepted"
        assert wuyuan.years.get(year=2025).tax_wan == 700

        firm.goto(f"{live_server.url}/notifications/")
        assert "异议已采纳" in firm.text_content("main")
        firm.goto(f"{live_server.url}/evaluations/mine/")
        assert "A" in firm.text_content("#my-results")
    except Exception:
        for who, page in (("officer", officer), ("firm", firm)):
            page.screenshot(path=str(tmp_path / f"failure-{who}.png"), full_page=True)
        print(f"screenshots of the failing step: {tmp_path}")
        raise
