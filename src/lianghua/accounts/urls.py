from django.urls import path

from . import second_factor, views

app_name = "accounts"

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("read/", views.notifications_read, name="notifications_read"),
    path("password/", views.password_change, name="password_change"),
    path("otp/setup/", second_factor.otp_setup, name="otp_setup"),
    path("otp/verify/", second_factor.otp_verify, name="otp_verify"),
]
