"""亩均效益评价 kept and taken through 公示: draft → 公示 → 异议 (accepted through the audited edit path,
which re-scores; or rejected with a reason) → 定档 (locked), a new named version after it; each step
refused where the state or the role does not allow it."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from lianghua.accounts.models import Notification
from lianghua.audit.models import ChangeRecord
from lianghua.enterprises.models import EnterpriseYear
from lianghua.evaluations.models import Evaluation, FrozenError, Objection
from lianghua.evaluations.selectors import mujun_compute, results_visible_to
from lianghua.evaluations.services import (
    EvaluationError,
    evaluation_draft,
    evaluation_finalise,
    evaluation_publicise,
    exemption_set,
    method_setting_set,
    objection_accept,
    objection_file,
    objection_reject,
    working_days_after,
)
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, UserFactory

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def county(region):
    return region("330424")


@pytest.fixture
def firms(county):
    """Five 规上 firms of 武原街道 and 百步镇 whose 亩均税收 are 5, 10, 15, 20, 25 万元/亩 (land 20 亩)."""
    made = []
    for n, town in enumerate(["330424001", "330424102", "330424001", "330424102", "330424001"], start=1):
        enterprise = EnterpriseFactory(region_code=town, name=f"海盐评价测试企业{n}")
        EnterpriseYearFactory(enterprise=enterprise, year=2025, tax_wan=D(100 * n), value_added_wan=D(1200),
                              pollutant_t=D(2), rd_wan=D(100))
        made.append(enterprise)
    return made


def test_working_days_skip_the_weekend():
    assert working_days_after(MONDAY, 5) == dt.date(2026, 3, 9)
    assert working_days_after(dt.date(2026, 3, 6), 1) == dt.date(2026, 3, 9)  # Friday → Monday


def test_draft_publicise_object_accept_finalise(county, firms, county_officer, django_capture_on_commit_callbacks):
    draft = evaluation_draft(region=county, year=2025, by=county_officer)
    assert (draft.version, draft.status, draft.counts["above"]) == (1, "draft", {"A": 1, "B": 3, "C": 1, "D": 0})
    worst = draft.results.get(enterprise=firms[0])
    assert (worst.rank, worst.klass) == (5, "C")
    placeholders = set(draft.method["placeholders"])
    assert "mujun-zhejiang.above.weights" in placeholders
    # An enterprise does not see a draft; once publicised it sees only its own result.
    owner = UserFactory(username="firm1", role="enterprise", region=None, enterprise=firms[0])
    assert not results_visible_to(owner).exists()
    with django_capture_on_commit_callbacks(execute=True):  # the notifications go out once the step commits
        evaluation = evaluation_publicise(evaluation=draft, by=county_officer, today=MONDAY)
    assert (evaluation.status, evaluation.objections_until) == ("publicised", dt.date(2026, 3, 9))
    assert list(results_visible_to(owner).values_list("enterprise_id", flat=True)) == [firms[0].pk]
    assert Notification.objects.filter(user=owner, title__contains="结果公示").exists()
    with pytest.raises(EvaluationError, match="正在公示"):
        evaluation_draft(region=county, year=2025, by=county_officer)

    # The owner objects: its tax was 300, not 100. The officer accepts and corrects the figure.
    with django_capture_on_commit_callbacks(execute=True):
        objection = objection_file(evaluation=evaluation, by=owner, reason="2025年税收应为300万元，附完税证明",
                                   attachment=b"%PDF-1.4 scan", attachment_name="完税证明.pdf", today=MONDAY)
    assert Notification.objects.filter(user=county_officer, title__contains="提出异议").exists()
    with pytest.raises(EvaluationError, match="期满后方可定档"):
        evaluation_finalise(evaluation=evaluation, by=county_officer, today=dt.date(2026, 3, 9))
    with pytest.raises(EvaluationError, match="未处理"):
        evaluation_finalise(evaluation=evaluation, by=county_officer, today=dt.date(2026, 3, 10))
    year = firms[0].years.get(year=2025)
    objection_accept(objection=objection, by=county_officer, answer="核对完税证明，税收更正为300万元",
                     corrections={"tax_wan": D(300)}, version=None)
    change = ChangeRecord.objects.filter(object_pk=str(year.pk)).latest("id")
    assert change.source == "亩均效益评价异议处理" and change.reason.startswith("核对完税证明")
    rescored = Evaluation.objects.get(pk=evaluation.pk).results.get(enterprise=firms[0])
    assert (rescored.rank, rescored.klass) == (3, "B")  # now 15 万元/亩, tied on tax with firm 3: the code decides
    assert Objection.objects.get(pk=objection.pk).status == "accepted"

    # A late objection is refused; 定档 after the period locks the classes.
    with pytest.raises(EvaluationError, match="公示期已于"):
        objection_file(evaluation=evaluation, by=owner, reason="再议", today=dt.date(2026, 3, 10))
    final = evaluation_finalise(evaluation=evaluation, by=county_officer, today=dt.date(2026, 3, 10))
    assert final.status == "final"
    stored = Evaluation.objects.get(pk=final.pk)
    with pytest.raises(FrozenError):
        stored.save()
    with pytest.raises(FrozenError):
        stored.results.first().save()

    # A later change needs a new version that says why.
    with pytest.raises(EvaluationError, match="说明原因"):
        evaluation_draft(region=county, year=2025, by=county_officer)
    second = evaluation_draft(region=county, year=2025, by=county_officer, note="百步镇两家企业用地面积更正")
    assert (second.version, second.note, Evaluation.objects.get(pk=final.pk).status) == (
        2, "百步镇两家企业用地面积更正", "final")


def test_a_rejected_objection_keeps_the_figures_and_says_why(county, firms, county_officer,
                                                             django_capture_on_commit_callbacks):
    owner = UserFactory(username="firm2", role="enterprise", region=None, enterprise=firms[1])
    evaluation = evaluation_publicise(evaluation=evaluation_draft(region=county, year=2025, by=county_officer),
                                      by=county_officer, today=MONDAY)
    objection = objection_file(evaluation=evaluation, by=owner, reason="用地面积应扣除租出部分", today=MONDAY)
    with pytest.raises(EvaluationError, match="须说明理由"):
        objection_reject(objection=objection, by=county_officer, answer=" ")
    with django_capture_on_commit_callbacks(execute=True):
        objection_reject(objection=objection, by=county_officer, answer="出租部分仍计入企业实际用地（按不动产登记）")
    assert Objection.objects.get(pk=objection.pk).status == "rejected"
    assert Notification.objects.filter(user=owner, title__contains="未采纳").exists()
    with pytest.raises(EvaluationError, match="不能重复处理"):
        objection_accept(objection=objection, by=county_officer, answer="改判")


def test_who_may_do_what(county, firms, county_officer, baibu_officer, county_leader):
    owner = UserFactory(username="firm3", role="enterprise", region=None, enterprise=firms[2])
    for user in (baibu_officer, county_leader, owner):
        with pytest.raises(EvaluationError):
            evaluation_draft(region=county, year=2025, by=user)
    evaluation = evaluation_publicise(evaluation=evaluation_draft(region=county, year=2025, by=county_officer),
                                      by=county_officer, today=MONDAY)
    with pytest.raises(EvaluationError, match="只有企业用户"):
        objection_file(evaluation=evaluation, by=county_officer, reason="x", today=MONDAY)
    outsider = UserFactory(username="outsider", role="enterprise", region=None,
                           enterprise=EnterpriseFactory(region_code="330424103"))
    with pytest.raises(EvaluationError, match="不在该评价中"):
        objection_file(evaluation=evaluation, by=outsider, reason="x", today=MONDAY)
    objection = objection_file(evaluation=evaluation, by=owner, reason="税收有误", today=MONDAY)
    with pytest.raises(EvaluationError, match="不能处理"):
        objection_reject(objection=objection, by=county_leader, answer="否")
    # A town officer sees its town's results only.
    towns = set(results_visible_to(baibu_officer).values_list("enterprise__region__code", flat=True))
    assert towns == {"330424102"}


def test_exemptions_and_a_countys_own_settings_change_the_result(county, firms, county_officer):
    exemption_set(enterprise=firms[4], year=2025, reason="重大技改项目在建（2025—2026年）", by=county_officer)
    evaluation = mujun_compute(county, 2025)
    exempt = next(r for r in evaluation.results if r.enterprise.enterprise_id == firms[4].pk)
    assert (exempt.group, exempt.reason, exempt.rank) == ("exempt", "重大技改项目在建（2025—2026年）", None)
    with pytest.raises(EvaluationError, match="依据"):
        method_setting_set(region=county, name="mujun-zhejiang.above.class_shares",
                           value={"A": 0.25, "B": 0.7, "C": 0.95}, basis="", by=county_officer)
    method_setting_set(region=county, name="mujun-zhejiang.above.class_shares", value={"A": 0.25, "B": 0.7, "C": 0.95},
                       basis="海盐县亩均办〔2026〕1号（测试）", by=county_officer)
    evaluation = mujun_compute(county, 2025)
    assert evaluation.class_counts("above") == {"A": 1, "B": 2, "C": 1, "D": 0}  # N = 4: cuts 1, round(2.8) = 3, 4
    assert "mujun-zhejiang.above.class_shares" not in {r["parameter"] for r in evaluation.method.placeholders}
    with pytest.raises(EvaluationError, match="设置无效"):
        method_setting_set(region=county, name="mujun-zhejiang.above.weights", value={"mu_taxes": 100},
                           basis="海盐县亩均办〔2026〕1号（测试）", by=county_officer)


def test_the_command_lists_every_enterprise_with_the_parameters(county, firms, capsys, tmp_path):
    call_command("evaluate", "mujun", "--region", "330424", "--year", "2025", "--format", "json",
                 "-o", str(tmp_path / "mujun.json"))
    import json

    data = json.loads((tmp_path / "mujun.json").read_text(encoding="utf-8"))
    assert [e["class"] for e in data["enterprises"]] == ["A", "B", "B", "B", "C"]
    top = data["enterprises"][0]
    assert top["credit_code"] == firms[4].credit_code and top["rank"] == 1
    tax = next(i for i in top["indicators"] if i["code"] == "mu_tax")
    assert (tax["value"], tax["benchmark"], tax["term"]) == ("25", "15", "50")  # 30 × 25 ÷ 15
    assert "mujun-zhejiang.above.weights" in data["method"]["placeholders"]
    call_command("evaluate", "mujun", "--region", "海盐县", "--year", "2025", "--format", "xlsx",
                 "-o", str(tmp_path / "mujun.xlsx"))
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "mujun.xlsx")
    assert book.sheetnames == ["规上企业", "评价参数"]
    sheet = book["规上企业"]
    assert (sheet.cell(4, 1).value, sheet.cell(4, 7).value) == (1, 120)  # a number: 50 + 20 + 20 + 10 + 10 + 10


def test_a_carbon_evaluation_is_kept_and_shown_like_any_other(county, firms, county_officer, client):
    for enterprise, co2 in zip(firms, (100, 200, 300, 400, 5000), strict=True):
        EnterpriseYear.objects.filter(enterprise=enterprise, year=2025).update(co2_t=co2)
    evaluation = evaluation_draft(region=county, year=2025, by=county_officer, kind="carbon")
    # Industry C34: L = 6000 ÷ 6000 = 1; each firm's K is its own L: 0.0833 … 4.1667.
    assert evaluation.counts["grades"] == {"1": 4, "2": 0, "3": 0, "4": 0, "5": 1}
    worst = evaluation.results.get(enterprise=firms[4])
    assert (worst.klass, worst.terms["k"], worst.terms["band"]) == ("5", "4.1667", "高碳")
    client.force_login(county_officer)
    page = client.get(f"/evaluations/{evaluation.pk}/enterprises/{firms[4].pk}/").content.decode()
    assert "5级" in page and "4.1667" in page and "历年碳效等级" in page
    listing = client.get("/evaluations/carbon/", {"region": "330424", "year": "2025"}).content.decode()
    assert "第1版" in listing and "C34 通用设备制造业" in listing
