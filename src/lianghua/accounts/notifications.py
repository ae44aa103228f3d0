"""Telling people: a notification in the app for each user, and an e-mail where an SMTP server is
configured (settings.EMAIL_HOST) and the user has an address. A mail that cannot be sent is logged and
never undoes the notification."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification, User

logger = logging.getLogger(__name__)


def notify(users: Iterable[User], *, title: str, body: str = "", url: str = "") -> list[Notification]:
    users = list(users)
    made = Notification.objects.bulk_create([Notification(user=u, title=title[:200], body=body, url=url[:300])
                                             for u in users])
    if settings.EMAIL_HOST:
        for user in users:
            if not user.email:
                continue
            try:
                send_mail(title, f"{body}\n\n{url}".strip(), None, [user.email])
            except OSError:
                logger.exception("通知邮件未能发送给 %s", user.username)
    return made


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
