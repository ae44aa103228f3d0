from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_page, name="page"),
    path("template/<str:kind>/", views.import_template, name="template"),
    path("<int:pk>/", views.import_batch, name="batch"),
    path("<int:pk>/confirm/", views.import_batch_confirm, name="confirm"),
    path("<int:pk>/file/", views.import_batch_file, name="file"),
]
