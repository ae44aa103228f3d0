"""The import page and the import API, through Django's test client."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianghua.accounts.models import ApiToken
from lianghua.enterprises.models import Enterprise
from lianghua.imports.models import ImportBatch
from tests.factories import UserFactory, valid_credit_code

pytestmark = pytest.mark.django_db

A, B = valid_credit_code(800), valid_credit_code(801)
HEADER = "统一社会信用代码,企业名称,所属区域,行业代码\n"


def csv_upload(text: str, name: str = "企业.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + text).encode("utf-8-sig"), content_type="text/csv")


def test_page_flow_dry_run_then_confirm(client, county_officer):
    client.force_login(county_officer)
    page = client.get("/imports/?kind=projects")
    assert page.status_code == 200
    content = page.content.decode()
    assert "试导入（不写入）" in content and "下载“改造项目”导入模板" in content and "项目阶段" in content

    response = client.post("/imports/", {"kind": "enterprises", "dry_run": "1",
                                         "file": csv_upload(f"{A},甲公司,武原,C34\n")})
    dry = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{dry.pk}/"
    result = client.get(response["Location"]).content.decode()
    assert "试导入通过，未写入：共 1 行，将新增 1 行" in result and "确认导入" in result
    assert not Enterprise.objects.filter(credit_code=A).exists()

    response = client.post(f"/imports/{dry.pk}/confirm/")
    applied = ImportBatch.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == f"/imports/{applied.pk}/"
    assert applied.status == "applied" and applied.sha256 == dry.sha256
    assert Enterprise.objects.get(credit_code=A).region.code == "330424001"
    assert "导入完成：共 1 行，新增 1 行" in client.get(response["Location"]).content.decode()
    # The batch list shows both runs.
    listing = client.get("/imports/").content.decode()
    assert f'href="/imports/{dry.pk}/"' in listing and f'href="/imports/{applied.pk}/"' in listing


def test_page_shows_the_error_table(client, county_officer):
    client.force_login(county_officer)
    response = client.post("/imports/", {"kind": "enterprises", "file": csv_upload(f"{A},,火星,C34\n")}, follow=True)
    content = response.content.decode()
    assert "共 2 处错误，未写入任何数据" in content
    assert "<td class=\"num\">2</td><td>企业名称</td><td style=\"white-space:normal\">不能为空</td>" in content
    assert "未知区域“火星”" in content and "确认导入" not in content


def test_template_download_is_the_xlsx_form(client, county_officer):
    client.force_login(county_officer)
    response = client.get("/imports/template/progress/")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in workbook.worksheets[0][1]] == ["项目编号", "月份", "累计完成投资(万元)"]


def test_leader_sees_the_page_but_cannot_upload(client, county_leader):
    client.force_login(county_leader)
    assert "只能查看导入记录" in client.get("/imports/").content.decode()
    response = client.post("/imports/", {"kind": "enterprises", "file": csv_upload(f"{A},甲,武原,C34\n")})
    assert response.status_code == 403 and not ImportBatch.objects.exists()


def test_batches_are_scoped_to_the_users_subtree(client, baibu_officer, wuyuan_officer, county_officer):
    client.force_login(wuyuan_officer)
    client.post("/imports/", {"kind": "enterprises", "dry_run": "1", "file": csv_upload(f"{A},甲,武原,C34\n")})
    batch = ImportBatch.objects.get()
    client.force_login(baibu_officer)
    assert client.get(f"/imports/{batch.pk}/").status_code == 404
    assert client.post(f"/imports/{batch.pk}/confirm/").status_code == 404
    assert f"/imports/{batch.pk}/" not in client.get("/imports/").content.decode()
    client.force_login(county_officer)  # 海盐县 contains 武原街道: sees it, but may not confirm another's dry run
    assert client.get(f"/imports/{batch.pk}/").status_code == 200
    assert "确认导入" not in client.get(f"/imports/{batch.pk}/").content.decode()


def test_api_upload_dry_run_and_list(client, county_officer):
    key = ApiToken.new_key()
    ApiToken.objects.create(user=county_officer, name="脚本", key_hash=ApiToken.hash_key(key), prefix=key[:8])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.post("/api/v1/imports/enterprises", {"file": csv_upload(f"{A},甲,武原,C34\n{B},,火星,C34\n"),
                                                            "dry_run": "true"}, **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "rejected" and body["rows_total"] == 2
    assert body["errors"] == [{"row": 3, "column": "企业名称", "message": "不能为空"},
                              {"row": 3, "column": "所属区域", "message": "未知区域“火星”"}]
    response = client.post("/api/v1/imports/enterprises", {"file": csv_upload(f"{A},甲,武原,C34\n")}, **auth)
    assert response.json()["status"] == "applied" and response.json()["rows_created"] == 1
    listing = client.get("/api/v1/imports/", **auth).json()
    assert [b["status"] for b in listing["items"]] == ["applied", "rejected"]
    assert listing["items"][1]["error_count"] == 2
    detail = client.get(f"/api/v1/imports/batches/{listing['items'][1]['id']}", **auth).json()
    assert len(detail["errors"]) == 2
    assert client.post("/api/v1/imports/nonsense", {"file": csv_upload("")}, **auth).status_code == 404


def test_api_refuses_a_leader(client, county_leader):
    key = ApiToken.new_key()
    ApiToken.objects.create(user=county_leader, name="脚本", key_hash=ApiToken.hash_key(key), prefix=key[:8])
    response = client.post("/api/v1/imports/enterprises", {"file": csv_upload(f"{A},甲,武原,C34\n")},
                           HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403


def test_enterprise_user_sees_no_batches(client, county_officer):
    from tests.factories import EnterpriseFactory

    client.force_login(county_officer)
    client.post("/imports/", {"kind": "enterprises", "dry_run": "1", "file": csv_upload(f"{A},甲,武原,C34\n")})
    user = UserFactory(role="enterprise", enterprise=EnterpriseFactory())
    client.force_login(user)
    assert "还没有导入记录" in client.get("/imports/").content.decode()
    assert client.get(f"/imports/{ImportBatch.objects.get().pk}/").status_code == 404
