"""Logins recorded (and lockouts, which django-axes decides), and the writes a login or an API call can do without kept from ever failing it.

Every login, logout and failed login becomes a LoginRecord (in the security database on SQLite). A
user's 上次登录 and a token's 最近使用 are conveniences: written when the database takes them at once
(`write_or_skip`), a token's at most once a minute, so that no request waits for an import's lock.
"""

from datetime import timedelta
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest
from django.utils import timezone
from django_otp import user_has_device

from lianghua.core.databases import write_or_skip

from .models import ApiToken, LoginRecord
from .second_factor import HAS_DEVICE


def client_address(request: HttpRequest | None) -> str | None:
    """The client's IP: REMOTE_ADDR, or behind our reverse proxy (LIANGHUA_BEHIND_PROXY) the address it
    appended last to X-Forwarded-For (what came before it, the client may have written itself)."""
    if request is None:
        return None
    if settings.LIANGHUA_BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def login_record(request: HttpRequest | None, *, result: str, user: Any = None, username: str = "") -> LoginRecord:
    return LoginRecord.objects.create(
        user_id=getattr(user, "pk", None), username=(username or getattr(user, "username", ""))[:150], result=result,
        ip=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300])


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    login_record(request, result=LoginRecord.Result.SUCCESS, user=user)
    if request is not None and hasattr(request, "session"):
        # Asked once here, so that no request after it asks again (accounts.second_factor).
        request.session[HAS_DEVICE] = user_has_device(user)
    now = timezone.now()
    User = get_user_model()
    write_or_skip(lambda: User.objects.filter(pk=user.pk).update(last_login=now), model=User)


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        login_record(request, result=LoginRecord.Result.LOGOUT, user=user)


def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))
    user = get_user_model().objects.filter(username=username).only("pk").first()
    login_record(request, result=LoginRecord.Result.FAILURE, user=user, username=username)


def _locked_out(sender: Any, request: HttpRequest | None, username: str, **kwargs: Any) -> None:
    user = get_user_model().objects.filter(username=username).only("pk").first()
    login_record(request, result=LoginRecord.Result.LOCKED, user=user, username=username)


def login_recording_connect() -> None:
    """Replace Django's update_last_login (a write that waits for the lock) with ours."""
    from django.contrib.auth.models import update_last_login

    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    user_logged_in.connect(_logged_in, dispatch_uid="lianghua_login_record")
    user_logged_out.connect(_logged_out, dispatch_uid="lianghua_logout_record")
    user_login_failed.connect(_login_failed, dispatch_uid="lianghua_login_failed_record")
    user_locked_out.connect(_locked_out, dispatch_uid="lianghua_locked_out_record")


def token_use_record(token: ApiToken) -> None:
    """最近使用 of a token, at most once per LIANGHUA_TOKEN_USE_RECORD_SECONDS, never failing the call."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < timedelta(seconds=settings.LIANGHUA_TOKEN_USE_RECORD_SECONDS):
        return
    write_or_skip(lambda: ApiToken.objects.filter(pk=token.pk).update(last_used_at=now), model=ApiToken)
