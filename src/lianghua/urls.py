from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .api import api

admin.site.site_header = "两化改造平台 · 后台管理"
admin.site.site_title = "两化改造平台后台"
admin.site.index_title = "数据维护（日常录入和修改请用平台页面）"


def api_urls():
    """The API answers 401 by itself (token or session); LoginRequiredMiddleware must not redirect it."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False  # what @login_not_required sets
    return patterns, app_name, namespace


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("lianghua.targets.urls")),  # the dashboard is the home page
    path("enterprises/", include("lianghua.enterprises.urls")),
    path("projects/", include("lianghua.projects.urls")),
    path("imports/", include("lianghua.imports.urls")),
    path("reporting/", include("lianghua.reporting.urls")),
    path("subsidies/", include("lianghua.policies.urls")),
    path("bulletins/", include("lianghua.bulletins.urls")),
    path("evaluations/", include("lianghua.evaluations.urls")),
    path("notifications/", include("lianghua.accounts.urls")),
    path("api/v1/", api_urls()),
    path("admin/", admin.site.urls),
]

# Chinese pages that keep the reason (core/errors.py); 500.html is static (it must render when nothing else does).
handler403 = "lianghua.core.errors.permission_denied"
handler404 = "lianghua.core.errors.page_not_found"
