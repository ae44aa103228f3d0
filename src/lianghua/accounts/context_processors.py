"""What a page may offer the person looking at it: `may.view`, `may.write`, `may.import`… (roles.py),
and how many of their notifications are unread."""

from .notifications import unread_count
from .roles import Capability, user_may


def capabilities(request) -> dict[str, dict[str, bool]]:
    return {"may": {capability.value: user_may(request.user, capability) for capability in Capability}}


def notifications(request) -> dict[str, int]:
    return {"unread_notifications": unread_count(request.user)}
