"""The absolute limit of a session (等保 2.0 三级: 登录连接超时自动退出).

The idle limit is the session cookie's age, renewed on every request (settings: SESSION_COOKIE_AGE,
SESSION_SAVE_EVERY_REQUEST). This middleware adds the limit counted from the login: past
LIANGHUA_SESSION_MAX_HOURS the user is logged out and asked to log in again, however busy the session.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver

LOGIN_AT = "lianghua_login_at"


@receiver(user_logged_in, dispatch_uid="lianghua_session_login_at")
def _login_time_keep(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = int(time.time())


class SessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            login_at = request.session.get(LOGIN_AT)
            if login_at is None:  # a session from before this rule: its limit starts now
                request.session[LOGIN_AT] = int(time.time())
            elif time.time() - login_at > settings.LIANGHUA_SESSION_MAX_HOURS * 3600:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answered 401 by the API's own authentication
                messages.info(request, f"登录已超过 {settings.LIANGHUA_SESSION_MAX_HOURS} 小时，请重新登录。")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
