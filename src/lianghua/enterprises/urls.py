from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export/", views.enterprise_export, name="export"),
    path("c/<str:credit_code>/", views.enterprise_by_code, name="by_code"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
]
