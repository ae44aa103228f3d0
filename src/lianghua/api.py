"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json). Each app contributes a router.

Authentication: a browser session (with CSRF) or `Authorization: Bearer <token>` for scripts
(`lianghua createtoken USERNAME`). Every endpoint reads through the app's selectors, so the API shows a
user exactly what the pages show them.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from lianghua.accounts.logins import token_use_record
from lianghua.accounts.models import ApiToken
from lianghua.core.errors import has_chinese, refusal_reason


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        found = (
            ApiToken.objects.select_related("user", "user__region")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, expires_at__gt=timezone.now(),
                    user__is_active=True)
            .first()
        )
        if found is None:
            return None
        token_use_record(found)
        request.user = found.user
        return found.user


# pydantic's error types, as a user reads them (its own texts are English).
_VALIDATION_TEXTS = {
    "missing": "缺少必填项", "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "float_parsing": "应为数字", "float_type": "应为数字", "decimal_parsing": "应为数字", "decimal_type": "应为数字",
    "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "date_parsing": "应为日期（YYYY-MM-DD）", "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）", "datetime_parsing": "应为日期时间（YYYY-MM-DDTHH:MM:SS）",
    "string_type": "应为文字", "string_too_long": "过长", "string_too_short": "过短", "json_invalid": "JSON 格式不正确",
    "enum": "取值不在允许范围内", "literal_error": "取值不在允许范围内", "list_type": "应为列表",
    "dict_type": "应为对象", "model_type": "应为对象", "model_attributes_type": "应为对象",
    "greater_than_equal": "数值过小", "less_than_equal": "数值过大", "too_long": "条目过多",
}
_WHERE = {"query": "查询参数", "path": "路径参数", "body": "请求内容", "form": "表单字段", "file": "上传文件",
          "header": "请求头", "cookie": "Cookie"}


def validation_problems(errors: list[dict]) -> list[dict]:
    """Each of pydantic's errors with a Chinese `msg` naming where and what (`查询参数 year：应为整数`)."""
    problems = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        where = _WHERE.get(location[0], "") if location else ""
        name = ".".join(location[1:]) or (location[0] if location else "")
        text = _VALIDATION_TEXTS.get(error.get("type", ""), "格式不正确")
        problems.append({"loc": error.get("loc", []), "type": error.get("type", ""),
                         "msg": f"{where} {name}：{text}".strip() if name else text})
    return problems


ERROR_SCHEMA = {"type": "object", "required": ["detail"], "properties": {
    "detail": {"type": "string", "description": "原因（中文）"}}}
VALIDATION_SCHEMA = {"type": "object", "required": ["detail"], "properties": {"detail": {
    "type": "array", "items": {"type": "object", "properties": {
        "loc": {"type": "array", "items": {}}, "type": {"type": "string"},
        "msg": {"type": "string", "description": "原因（中文），如“查询参数 year：应为整数”"}}}}}}
# Every status the API answers with, and when (each operation lists the ones it can give).
ERROR_STATUSES = {
    400: "参数无法识别（如年度、日期、筛选条件），detail 说明原因",
    401: "未登录，或 API 令牌无效、已撤销、已过期",
    403: "当前用户的角色或区域范围不允许该操作",
    404: "所指的记录不存在，或不在当前用户的范围内（两者答复相同）",
    409: "与当前状态冲突（如试导入已确认导入）",
    422: "请求参数或内容的格式不符合要求，detail 逐项列出",
    503: "系统正忙（有大批数据正在写入），本次操作未保存，请稍后重试",
}


class PlatformAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Ninja documents the 200s; every operation also lists the errors it can answer, with their
        Chinese `detail`: 401, 403, 422 and 503 anywhere, 404 where a path or query names a record, 400
        where query parameters or a body are read, and what an operation declares itself (`openapi_extra`: 409)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = ERROR_SCHEMA
        components["ValidationFailure"] = VALIDATION_SCHEMA
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                statuses = {401, 403, 422, 503}
                if "{" in path:
                    statuses.add(404)
                if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                    statuses |= {400, 404}  # a value unread, or a region or indicator it names unknown
                if "requestBody" in operation:
                    statuses.add(400)  # a body that is not JSON (ninja's "Cannot parse request body")
                responses = operation.setdefault("responses", {})
                statuses |= {int(code) for code in responses if str(code).isdigit()} - {200}
                for status in sorted(statuses):
                    reference = "ValidationFailure" if status == 422 else "Error"
                    responses.setdefault(status, {"description": ERROR_STATUSES.get(status, "")})
                    responses[status].setdefault("content", {"application/json": {
                        "schema": {"$ref": f"#/components/schemas/{reference}"}}})
                    responses[status]["description"] = responses[status].get("description") or ERROR_STATUSES[status]
        return schema


api = PlatformAPI(
    title="两化改造综合数字平台 API",
    version="1",
    description="区域、目标方案、完成情况、企业、项目和导入。所有数据按当前用户的区域范围过滤。",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)

@api.exception_handler(ValidationError)
def _validation_failed(request, exc):
    return api.create_response(request, {"detail": validation_problems(exc.errors)}, status=422)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": ERROR_STATUSES[404]}, status=404)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request, exc):
    return api.create_response(request, {"detail": "未登录，或 API 令牌无效、已撤销、已过期（请在请求头加 "
                                                   "Authorization: Bearer <令牌>，或先登录）"}, status=401)


# Ninja's own English refusals, in Chinese (any other English one gets its status's sentence).
_NINJA_TEXTS = {"Cannot parse request body": "请求内容无法解析（应为 JSON 格式）",
                "CSRF check Failed": "CSRF 校验失败：请刷新页面后重试，脚本请用 API 令牌（Authorization: Bearer <令牌>）",
                "Too many requests.": "请求过于频繁，请稍后再试"}


@api.exception_handler(HttpError)
def _http_error(request, exc):
    message = str(exc)
    if not has_chinese(message):
        message = _NINJA_TEXTS.get(message) or ERROR_STATUSES.get(exc.status_code, "请求未能完成")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def _refused(request, exc):
    return api.create_response(request, {"detail": refusal_reason(exc) or ERROR_STATUSES[403]}, status=403)


api.add_router("/regions", "lianghua.accounts.api.router")
api.add_router("/plans", "lianghua.targets.api.router")
api.add_router("/enterprises", "lianghua.enterprises.api.router")
api.add_router("/projects", "lianghua.projects.api.router")
api.add_router("/imports", "lianghua.imports.api.router")
api.add_router("/subsidies", "lianghua.policies.api.router")
