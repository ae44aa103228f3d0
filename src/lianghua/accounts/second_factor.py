"""The second factor (等保 2.0 三级: 两种或两种以上组合的鉴别技术): a TOTP authenticator app (django-otp),
required of the administrators (the superuser and the three administrator roles) and open to every user.

After the password, a user who must or who chose to use one is sent to enter the app's 6-digit code
(or, the first time, to set the app up from a QR code) before any other page; the API answers 401 to such
a session until then. Bearer tokens are their own credential and are not asked.
"""

import base64
import io

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from lianghua.audit.services import domain_event_record

from .roles import ADMINISTRATOR_ROLES

DEVICE_NAME = "身份验证器"


def second_factor_required(user) -> bool:
    return settings.LIANGHUA_ADMIN_OTP_REQUIRED and (user.is_superuser or user.role in ADMINISTRATOR_ROLES)


HAS_DEVICE = "lianghua_has_otp_device"


def second_factor_pending(request) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if second_factor_required(user):
        return True
    # Whether a user who need not have one has set up a device: asked once per session, not per request.
    has_device = request.session.get(HAS_DEVICE)
    if has_device is None:
        has_device = request.session[HAS_DEVICE] = user_has_device(user)
    return has_device


class SecondFactorMiddleware:
    """Between the password and the code, only the second-factor pages and logging out are open."""

    OPEN = ("/notifications/otp/", "/logout/", "/login/", "/static/", "/admin/logout/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.OPEN) or not second_factor_pending(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            if request.headers.get("Authorization", "").startswith("Bearer "):
                return self.get_response(request)  # a token is its own credential
            return JsonResponse({"detail": "请先在网页上完成动态口令验证"}, status=401,
                                json_dumps_params={"ensure_ascii": False})
        target = "accounts:otp_verify" if user_has_device(request.user) else "accounts:otp_setup"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")


def _next_of(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or "/"
    return wanted if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}) else "/"


def otp_setup(request):
    """Set up an authenticator app: its QR code (and the key, to type in), then one code to confirm."""
    user = request.user
    if user_has_device(user):
        if user.is_verified():
            messages.info(request, "动态口令已启用。")
            return redirect(_next_of(request))
        return redirect(f"{reverse('accounts:otp_verify')}?next={_next_of(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, confirmed=False)
    error = ""
    if request.method == "POST":
        if device.verify_token(request.POST.get("code", "").strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            domain_event_record(kind="user.second_factor_enrolled", actor=user, region=user.region, user=user.username)
            messages.success(request, "动态口令已启用：以后每次登录都需输入验证器上的 6 位数字。")
            return redirect(_next_of(request))
        error = "动态口令不正确或已过期，请输入验证器上当前显示的 6 位数字"
    image = io.BytesIO()
    write_qrcode_image(device.config_url, image)
    return render(request, "accounts/otp_setup.html", {
        "qr": base64.b64encode(image.getvalue()).decode(), "key": base64.b32encode(device.bin_key).decode(),
        "required": second_factor_required(user), "error": error, "next": _next_of(request)})


def otp_verify(request):
    """The code of the app set up before."""
    user = request.user
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip()
        device = next((d for d in TOTPDevice.objects.filter(user=user, confirmed=True) if d.verify_token(code)), None)
        if device is not None:
            otp_login(request, device)
            return redirect(_next_of(request))
        error = "动态口令不正确或已过期（连续输错后需等待片刻再试）"
    return render(request, "accounts/otp_verify.html", {"error": error, "next": _next_of(request)})
