from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export/", views.project_export, name="export"),
    path("c/<str:code>/", views.project_by_code, name="by_code"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/stage/", views.project_advance, name="advance"),
]
