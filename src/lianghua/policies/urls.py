from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("calculator/fields/", views.calculator_fields, name="calculator_fields"),
    path("calculator/json/", views.calculator_json, name="calculator_json"),
    path("calculator/projects/", views.calculator_projects, name="calculator_projects"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("budget/", views.budget, name="budget"),
    path("budget.xlsx", views.budget_xlsx, name="budget_xlsx"),
    path("settings/", views.settings_page, name="settings"),
]
