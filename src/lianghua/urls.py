from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .api import api

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("lianghua.targets.urls")),  # the dashboard is the home page
    path("enterprises/", include("lianghua.enterprises.urls")),
    path("projects/", include("lianghua.projects.urls")),
    path("imports/", include("lianghua.imports.urls")),
    path("subsidies/", include("lianghua.policies.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
