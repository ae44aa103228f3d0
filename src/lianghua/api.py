"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json). Each app contributes a router.

Authentication: a browser session (with CSRF) or `Authorization: Bearer <token>` for scripts
(`lianghua createtoken USERNAME`). Every endpoint reads through the app's selectors, so the API shows a
user exactly what the pages show them.
"""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from lianghua.accounts.logins import token_use_record
from lianghua.accounts.models import ApiToken


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


api = NinjaAPI(
    title="两化改造综合数字平台 API",
    version="1",
    description="区域、目标方案、完成情况、企业、项目和导入。所有数据按当前用户的区域范围过滤。",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)

api.add_router("/regions", "lianghua.accounts.api.router")
api.add_router("/plans", "lianghua.targets.api.router")
api.add_router("/enterprises", "lianghua.enterprises.api.router")
api.add_router("/projects", "lianghua.projects.api.router")
api.add_router("/imports", "lianghua.imports.api.router")
api.add_router("/subsidies", "lianghua.policies.api.router")
