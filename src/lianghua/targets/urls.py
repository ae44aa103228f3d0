from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("records/", views.records, name="records"),
    path("records/report/", views.report_actual, name="report_actual"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<str:code>/", views.plan_detail, name="plan"),
]
