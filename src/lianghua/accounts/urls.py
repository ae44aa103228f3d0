from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("read/", views.notifications_read, name="notifications_read"),
    path("password/", views.password_change, name="password_change"),
]
