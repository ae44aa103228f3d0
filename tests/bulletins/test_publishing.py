"""Publishing: a published bulletin keeps its files, data, author, time and fingerprints and never changes
when the data do; a correction is a new version naming what changed; the archive shows each region's
officers and leaders their subtree's bulletins and nothing else."""

import datetime as dt
import hashlib
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from lianghua.bulletins.compose import BulletinError
from lianghua.bulletins.models import FrozenError, Issue
from lianghua.bulletins.periods import period_read
from lianghua.bulletins.services import bulletin_draft, bulletin_publish, issue_file
from lianghua.bulletins.snapshot import canonical, snapshot_sha256
from lianghua.regions.models import Region
from lianghua.targets.models import Plan
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
PLAN = "haiyan-2024-2026"
JUNE = period_read("2026-06")


def _county():
    return Plan.objects.get(code=PLAN), Region.objects.get(code="330424")


def _digital(issue: Issue) -> dict:
    return next(r for r in issue.snapshot["targets"] if r["region_code"] == "330424"
                and r["indicator"] == "digital_projects" and r["basis"] == "annual")


def test_a_published_bulletin_never_changes_when_the_data_do(two_towns, county_officer):
    plan, county = _county()
    first = bulletin_publish(user=county_officer, plan=plan, region=county, period=JUNE)
    assert (first.version, first.published_by, first.status) == (1, county_officer, Issue.Status.PUBLISHED)
    assert _digital(first)["actual"] == "2"  # HY-W-1 and HY-B-1
    assert first.sha256 == hashlib.sha256(canonical(first.snapshot)).hexdigest() == snapshot_sha256(first.snapshot)
    pdf, xlsx = issue_file(first, "pdf"), issue_file(first, "xlsx")
    kept = {"pdf": bytes(pdf.content), "xlsx": bytes(xlsx.content)}
    assert kept["pdf"][:5] == b"%PDF-" and pdf.sha256 == hashlib.sha256(kept["pdf"]).hexdigest()

    # A third digital project in 百步镇 started in May: the live bulletin counts it, the published one does not.
    ProjectFactory(code="HY-B-2", name="百步数字化仓储改造", enterprise=two_towns.baibu, category="digital",
                   stage="in_progress", actual_start=dt.date(2026, 5, 20))
    first.refresh_from_db()
    assert _digital(first)["actual"] == "2" and first.sha256 == snapshot_sha256(first.snapshot)
    assert bytes(issue_file(first, "pdf").content) == kept["pdf"]
    assert bytes(issue_file(first, "xlsx").content) == kept["xlsx"]
    with pytest.raises(FrozenError):
        first.save()
    with pytest.raises(FrozenError):
        first.delete()
    with pytest.raises(FrozenError):
        pdf.save()

    # A correction needs a reason and names what changed.
    with pytest.raises(BulletinError, match="请填写更正说明"):
        bulletin_publish(user=county_officer, plan=plan, region=county, period=JUNE)
    second = bulletin_publish(user=county_officer, plan=plan, region=county, period=JUNE, note="补录百步镇项目")
    assert second.version == 2 and _digital(second)["actual"] == "3"
    assert "海盐县 · 实施数字化改造项目（年度） 实际 2个 → 3个" in second.changes
    assert "百步镇 · 实施数字化改造项目（累计） 实际 1个 → 2个" in second.changes
    assert "百步镇 综合得分 0.0030（第2名）→ 0.0059（第2名）" in second.changes
    assert second.note == "补录百步镇项目" and bytes(issue_file(first, "pdf").content) == kept["pdf"]
    # Nothing changed since version 2: no version 3.
    with pytest.raises(BulletinError, match="数据与已发布的第2版相同"):
        bulletin_publish(user=county_officer, plan=plan, region=county, period=JUNE, note="重复")


def test_a_tampered_file_is_refused(two_towns, county_officer):
    plan, county = _county()
    issue = bulletin_publish(user=county_officer, plan=plan, region=county, period=JUNE)
    issue.files.filter(kind="xlsx").update(content=b"not the bulletin")  # below the model: as a disk fault would
    from lianghua.bulletins.services import IntegrityError

    with pytest.raises(IntegrityError, match="校验值不符"):
        issue_file(issue, "xlsx")


def test_who_may_publish_and_who_sees_the_archive(two_towns, county_officer, baibu_officer, county_leader):
    plan, county = _county()
    with pytest.raises(BulletinError, match="不能发布通报"):
        bulletin_publish(user=county_leader, plan=plan, region=county, period=JUNE)
    with pytest.raises(BulletinError, match="不能发布海盐县的通报"):
        bulletin_publish(user=baibu_officer, plan=plan, region=county, period=JUNE)
    county_issue = bulletin_publish(user=county_officer, plan=plan, region=county, period=JUNE)
    baibu = Region.objects.get(code="330424102")
    town_issue = bulletin_publish(user=baibu_officer, plan=plan, region=baibu, period=JUNE)
    draft = bulletin_draft(user=None, plan=plan, region=county, period=period_read("2026-07"))

    client = Client()
    client.force_login(county_leader)
    archive = client.get(reverse("bulletins:archive")).content.decode()
    assert "海盐县“两化”改造2026年6月进度通报" in archive and "百步镇“两化”改造2026年6月进度通报" in archive
    assert "2026年7月" not in archive  # a draft is not for leaders
    assert client.get(reverse("bulletins:issue", args=[draft.pk])).status_code == 404
    xlsx = client.get(reverse("bulletins:issue_file", args=[county_issue.pk, "xlsx"]))
    assert xlsx.status_code == 200 and openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "赛马排名"
    assert xlsx["Repr-Digest"].startswith("sha-256=:")

    # A town's officer: the town's bulletins, and the county's published ones (the 赛马 ranking the town
    # is judged by) — never the county's drafts.
    client.force_login(baibu_officer)
    archive = client.get(reverse("bulletins:archive")).content.decode()
    assert "百步镇“两化”改造" in archive and "海盐县“两化”改造2026年6月进度通报" in archive
    assert "2026年7月" not in archive
    assert client.get(reverse("bulletins:issue", args=[county_issue.pk])).status_code == 200
    assert client.get(reverse("bulletins:issue_file", args=[county_issue.pk, "pdf"])).status_code == 200
    assert client.get(reverse("bulletins:issue", args=[draft.pk])).status_code == 404
    assert client.get(reverse("bulletins:issue", args=[town_issue.pk])).status_code == 200

    client.force_login(county_officer)  # officers see drafts of their subtree
    page = client.get(reverse("bulletins:issue", args=[draft.pk])).content.decode()
    assert "草稿" in page and "每月自动" in page


def test_publishing_from_the_page(two_towns, county_officer):
    client = Client()
    client.force_login(county_officer)
    form = {"plan": PLAN, "region": "330424", "period": "2026-06"}
    page = client.get(reverse("bulletins:page"), form).content.decode()
    assert "本期通报尚未发布" in page and 'id="publish"' in page
    response = client.post(reverse("bulletins:publish"), form, follow=True)
    text = response.content.decode()
    assert "已发布：海盐县“两化”改造2026年6月进度通报（第1版）" in text and "截至 2026年6月30日" in text
    again = client.post(reverse("bulletins:publish"), form, follow=True).content.decode()
    assert "未发布：数据与已发布的第1版相同，无需发布更正版" in again
    assert Issue.objects.filter(status="published").count() == 1
