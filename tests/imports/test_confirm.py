"""Confirming a dry run, on the page and over the API: it applies the checked file once, records the
batch that applied it, and refuses a second confirmation; who may confirm is the same on both."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianghua.accounts.models import ApiToken
from lianghua.enterprises.models import Enterprise
from lianghua.imports.models import ImportBatch
from lianghua.imports.services import ImportNotConfirmable, import_confirm, import_run
from lianghua.projects.models import ProjectProgress
from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory, valid_credit_code

pytestmark = pytest.mark.django_db

A = valid_credit_code(1800)
BUTTON = '<button type="submit" class="primary">确认导入</button>'


def upload(text: str = f"{A},甲公司,武原,C34\n") -> SimpleUploadedFile:
    return SimpleUploadedFile("企业.csv", ("统一社会信用代码,企业名称,所属区域,行业代码\n" + text).encode("utf-8-sig"),
                              content_type="text/csv")


def bearer(user) -> dict:
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name="脚本", key_hash=ApiToken.hash_key(key), prefix=key[:8])
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def dry_run_of(sheet, user) -> ImportBatch:
    batch = import_run(kind="enterprises", path=sheet("enterprises", [[A, "甲公司", "武原", "C34"]]), by=user,
                       dry_run=True)
    assert batch.status == "dry_run"
    return batch


def test_page_confirms_a_dry_run_once(client, wuyuan_officer):
    client.force_login(wuyuan_officer)
    client.post("/imports/", {"kind": "enterprises", "dry_run": "1", "file": upload()})
    dry = ImportBatch.objects.get()
    assert BUTTON in client.get(f"/imports/{dry.pk}/").content.decode()

    response = client.post(f"/imports/{dry.pk}/confirm/")
    applied = ImportBatch.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == f"/imports/{applied.pk}/" and applied.status == "applied"
    dry.refresh_from_db()
    assert dry.applied_batch == applied and dry.status == "dry_run"
    page = client.get(f"/imports/{dry.pk}/").content.decode()
    assert BUTTON not in page and f"已确认导入：<a href=\"/imports/{applied.pk}/\">导入批次 {applied.pk}</a>" in page
    assert f"由试导入 <a href=\"/imports/{dry.pk}/\">批次 {dry.pk}</a> 确认导入" in client.get(
        f"/imports/{applied.pk}/").content.decode()

    again = client.post(f"/imports/{dry.pk}/confirm/", follow=True)
    assert again.redirect_chain == [(f"/imports/{dry.pk}/", 302)]
    assert f"该试导入已确认导入（导入批次 {applied.pk}），不能重复确认" in again.content.decode()
    assert ImportBatch.objects.count() == 2 and Enterprise.objects.filter(credit_code=A).count() == 1


def test_api_confirms_a_dry_run_once(client, wuyuan_officer):
    auth = bearer(wuyuan_officer)
    dry = client.post("/api/v1/imports/enterprises", {"file": upload(), "dry_run": "true"}, **auth).json()
    assert dry["status"] == "dry_run" and dry["applied_batch_id"] is None
    assert not Enterprise.objects.filter(credit_code=A).exists()

    response = client.post(f"/api/v1/imports/batches/{dry['id']}/confirm", **auth)
    assert response.status_code == 200
    applied = response.json()
    assert (applied["status"], applied["rows_created"], applied["sha256"]) == ("applied", 1, dry["sha256"])
    assert Enterprise.objects.get(credit_code=A).region.code == "330424001"
    assert client.get(f"/api/v1/imports/batches/{dry['id']}", **auth).json()["applied_batch_id"] == applied["id"]

    again = client.post(f"/api/v1/imports/batches/{dry['id']}/confirm", **auth)
    assert again.status_code == 409
    assert again.json() == {"detail": f"该试导入已确认导入（导入批次 {applied['id']}），不能重复确认"}
    not_a_dry_run = client.post(f"/api/v1/imports/batches/{applied['id']}/confirm", **auth)
    assert (not_a_dry_run.status_code, not_a_dry_run.json()) == (409, {"detail": "只有检查通过的试导入可以确认导入"})
    assert ImportBatch.objects.count() == 2


WHO = [  # (user, page status, API status) for a 武原 officer's dry run
    ("wuyuan_officer", 302, 200),  # their own
    ("admin_user", 302, 200),  # administrators may confirm anyone's
    ("baibu_officer", 404, 404),  # another town: the batch does not exist for them
    ("county_officer", 403, 403),  # sees 武原's batches, may not confirm another officer's dry run
    ("county_leader", 403, 403),  # leaders read only
    ("enterprise_user", 404, 404),  # enterprise users see no batches
]


@pytest.fixture
def enterprise_user(db):
    return UserFactory(role="enterprise", enterprise=EnterpriseFactory())


@pytest.mark.parametrize("who, page_status, api_status", WHO, ids=[w[0] for w in WHO])
def test_who_may_confirm_a_town_officers_dry_run(sheet, client, request, wuyuan_officer, who, page_status, api_status):
    user = request.getfixturevalue(who)
    on_page, over_api = dry_run_of(sheet, wuyuan_officer), dry_run_of(sheet, wuyuan_officer)
    client.force_login(user)
    assert client.post(f"/imports/{on_page.pk}/confirm/").status_code == page_status
    response = client.post(f"/api/v1/imports/batches/{over_api.pk}/confirm", **bearer(user))
    assert response.status_code == api_status
    if api_status == 404:
        assert response.json() == {"detail": "导入批次不存在或不在您的范围内"}
    if who == "county_officer":
        assert response.json() == {"detail": "只能确认自己的试导入"}
    confirmed = api_status == 200
    assert Enterprise.objects.filter(credit_code=A).exists() is confirmed
    assert ImportBatch.objects.filter(status="applied").count() == (2 if confirmed else 0)
    assert ImportBatch.objects.exclude(applied_batch=None).count() == (2 if confirmed else 0)


def test_a_confirmation_that_finds_errors_applies_nothing_and_leaves_the_dry_run_confirmable(
        sheet, client, county_officer):
    project = ProjectFactory(code="HY-900", total_investment_wan=Decimal("1000"))
    dry = import_run(kind="progress", path=sheet("progress", [["HY-900", "2025-04", 400]]), by=county_officer,
                     dry_run=True)
    # Meanwhile May is reported lower than the dry run's April: the file no longer passes.
    ProjectProgress.objects.create(project=project, month=datetime.date(2025, 5, 1),
                                   cumulative_investment_wan=Decimal("300"))
    auth = bearer(county_officer)
    response = client.post(f"/api/v1/imports/batches/{dry.pk}/confirm", **auth)
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert response.json()["errors"][0]["message"] == "累计完成投资高于已报的2025-05的300万元（累计数不应减少）"
    dry.refresh_from_db()
    assert dry.applied_batch is None
    assert not ProjectProgress.objects.filter(month=datetime.date(2025, 4, 1)).exists()
    client.force_login(county_officer)
    assert BUTTON in client.get(f"/imports/{dry.pk}/").content.decode()


def test_a_confirmation_killed_on_the_way_leaves_the_dry_run_confirmable(sheet, wuyuan_officer):
    from lianghua.imports.models import current_worker

    dry = import_run(kind="enterprises", path=sheet("enterprises", [[valid_credit_code(880), "甲", "武原", "C34"]]),
                     by=wuyuan_officer, dry_run=True)
    # A confirmation whose process is still running: refused, said so.
    running = ImportBatch.objects.create(kind="enterprises", original_name="x.csv", status=ImportBatch.Status.RUNNING,
                                         worker=current_worker(), by=wuyuan_officer)
    ImportBatch.objects.filter(pk=dry.pk).update(applied_batch=running)
    with pytest.raises(ImportNotConfirmable, match=f"^该试导入正在确认导入（导入批次 {running.pk}），请稍候查看结果$"):
        import_confirm(batch=dry, by=wuyuan_officer)
    # Its process gone (killed): the dry run may be confirmed, and is, once.
    ImportBatch.objects.filter(pk=running.pk).update(worker=f"{current_worker().split(':')[0]}:999999999:1")
    applied = import_confirm(batch=ImportBatch.objects.get(pk=dry.pk), by=wuyuan_officer)
    assert applied.status == ImportBatch.Status.APPLIED and applied.rows_created == 1
    assert ImportBatch.objects.get(pk=dry.pk).applied_batch_id == applied.pk
    with pytest.raises(ImportNotConfirmable, match="已确认导入"):
        import_confirm(batch=ImportBatch.objects.get(pk=dry.pk), by=wuyuan_officer)
