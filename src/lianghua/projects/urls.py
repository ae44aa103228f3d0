from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export/", views.project_export, name="export"),
    path("new/", views.project_create, name="create"),
    path("c/<str:code>/", views.project_by_code, name="by_code"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/delete/", views.project_delete, name="delete"),
    path("<int:pk>/stage/", views.project_advance, name="advance"),
    path("<int:pk>/stage/change/", views.project_stage, name="stage"),
    path("<int:pk>/health/", views.project_health, name="health"),
    path("<int:pk>/progress/new/", views.progress_add, name="progress_add"),
    path("<int:pk>/progress/<int:report_pk>/edit/", views.progress_edit, name="progress_edit"),
    path("<int:pk>/progress/<int:report_pk>/delete/", views.progress_delete, name="progress_delete"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
]
