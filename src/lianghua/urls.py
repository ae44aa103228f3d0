from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .api import api


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
    path("api/v1/", api_urls()),
    path("admin/", admin.site.urls),
]
