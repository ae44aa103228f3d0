from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export/", views.enterprise_export, name="export"),
    path("new/", views.enterprise_create, name="create"),
    path("c/<str:credit_code>/", views.enterprise_by_code, name="by_code"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/delete/", views.enterprise_delete, name="delete"),
    path("<int:pk>/<str:part>/new/", views.enterprise_part_add, name="part_add"),
    path("<int:pk>/<str:part>/<int:part_pk>/edit/", views.enterprise_part_edit, name="part_edit"),
    path("<int:pk>/<str:part>/<int:part_pk>/delete/", views.enterprise_part_delete, name="part_delete"),
    path("<int:pk>/credentials/<int:part_pk>/end/", views.credential_end, name="credential_end"),
]
