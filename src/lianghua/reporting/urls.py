from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.reporting_home, name="home"),
    path("discipline/", views.discipline, name="discipline"),
    path("discipline/remind/", views.discipline_remind, name="remind"),
    path("discipline/export/", views.discipline_export, name="discipline_export"),
    path("new/<str:kind>/", views.submission_new, name="new"),
    path("<int:pk>/", views.submission_detail, name="detail"),
    path("<int:pk>/attachment/", views.submission_attachment, name="attachment"),
    path("<int:pk>/approve/", views.submission_approve_view, name="approve"),
    path("<int:pk>/return/", views.submission_return_view, name="return"),
    path("progress/<int:report_pk>/reopen/", views.progress_reopen_view, name="reopen"),
]
