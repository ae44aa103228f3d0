"""Every error the API gives is Chinese and documented in the OpenAPI schema of the operation that gave
it: pydantic's 422s, ninja's 401 and 404, refusals, conflicts."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianghua.accounts.services import api_token_create
from lianghua.api import api

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def documented(method: str, path: str) -> set[int]:
    schema = api.get_openapi_schema()
    for template, operations in schema["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path.split("?")[0]) and method in operations:
            return {int(code) for code in operations[method]["responses"]}
    raise AssertionError(f"{method} {path} is not in the schema")


def check(answer, method, path, status):
    assert answer.status_code == status, answer.content[:500]
    assert status in documented(method, path)
    detail = answer.json()["detail"]
    texts = [d["msg"] for d in detail] if isinstance(detail, list) else [detail]
    assert texts and all(CJK.search(t) for t in texts), texts
    return texts


def test_validation_errors_are_chinese_and_name_the_parameter(client, county_officer):
    client.force_login(county_officer)
    texts = check(client.get("/api/v1/imports/batches/abc"), "get", "/api/v1/imports/batches/abc", 422)
    assert texts == ["路径参数 batch_id：应为整数"]
    texts = check(client.post("/api/v1/subsidies/calc", "{not json", content_type="application/json"),
                  "post", "/api/v1/subsidies/calc", 400)
    assert texts == ["请求内容无法解析（应为 JSON 格式）"]
    texts = check(client.post("/api/v1/subsidies/calc", '{"cases": "x"}', content_type="application/json"),
                  "post", "/api/v1/subsidies/calc", 422)
    assert texts[0].startswith("请求内容 ")


def test_authentication_not_found_refusal_and_conflict_are_chinese_and_documented(client, county_officer,
                                                                                  county_leader, tmp_path):
    texts = check(client.get("/api/v1/projects/"), "get", "/api/v1/projects/", 401)
    assert texts[0].startswith("未登录，或 API 令牌无效")
    _, key = api_token_create(user=county_officer, name="脚本")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    check(client.get("/api/v1/projects/NO-SUCH", **bearer), "get", "/api/v1/projects/NO-SUCH", 404)
    check(client.get("/api/v1/projects/?start_year=abc", **bearer), "get", "/api/v1/projects/", 400)
    check(client.get("/api/v1/subsidies/estimate?region=999999&year=2025", **bearer), "get",
          "/api/v1/subsidies/estimate", 404)
    _, leader_key = api_token_create(user=county_leader, name="脚本")
    upload = SimpleUploadedFile("e.csv", "统一社会信用代码,企业名称\n".encode("utf-8-sig"), content_type="text/csv")
    check(client.post("/api/v1/imports/enterprises", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {leader_key}"),
          "post", "/api/v1/imports/enterprises", 403)
    from tests.factories import valid_credit_code
    from tests.imports.conftest import sheet_write

    path = sheet_write(tmp_path / "e.csv", "enterprises", [[valid_credit_code(990), "甲", "武原", "C34"]])
    with open(path, "rb") as handle:
        dry = client.post("/api/v1/imports/enterprises", {"file": SimpleUploadedFile("e.csv", handle.read()),
                                                          "dry_run": "true"}, **bearer).json()
    confirm = f"/api/v1/imports/batches/{dry['id']}/confirm"
    assert client.post(confirm, **bearer).status_code == 200
    check(client.post(confirm, **bearer), "post", confirm, 409)


def test_every_operation_documents_its_errors():
    schema = api.get_openapi_schema()
    assert schema["components"]["schemas"]["Error"]["properties"]["detail"]["type"] == "string"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = {int(c) for c in operation["responses"]}
            assert {200, 401, 403, 422, 503} <= codes, (method, path)
            if "{" in path:
                assert 404 in codes, (method, path)
