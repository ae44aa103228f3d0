"""What a page may offer the person looking at it: `may.view`, `may.write`, `may.import`… (roles.py),
how many of their notifications are unread, and whether their password is due for a change."""

from django.conf import settings

from .notifications import unread_count
from .roles import Capability, user_may


def capabilities(request) -> dict[str, dict[str, bool]]:
    return {"may": {capability.value: user_may(request.user, capability) for capability in Capability}}


def notifications(request) -> dict[str, int]:
    return {"unread_notifications": unread_count(request.user)}


def password_reminder(request) -> dict[str, int | None]:
    """The password's age in days once it passes LIANGHUA_PASSWORD_MAX_AGE_DAYS (0: never reminded)."""
    user = request.user
    limit = settings.LIANGHUA_PASSWORD_MAX_AGE_DAYS
    if not limit or not user.is_authenticated:
        return {"password_age_days": None}
    age = user.password_age_days()
    return {"password_age_days": age if age >= limit else None}
