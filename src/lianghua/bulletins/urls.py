from django.urls import path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("", views.bulletin_page, name="page"),
    path("publish/", views.bulletin_publish_view, name="publish"),
    path("trends/", views.trends_page, name="trends"),
    path("warnings/", views.warnings_page, name="warnings"),
    path("archive/", views.archive_page, name="archive"),
    path("drafts/", views.drafts_status, name="drafts"),
    path("drafts/start/", views.drafts_start, name="drafts_start"),
    path("archive/<int:pk>/", views.issue_page, name="issue"),
    path("archive/<int:pk>/<str:kind>/", views.issue_file_download, name="issue_file"),
]
