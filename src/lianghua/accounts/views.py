"""A user's own pages: notifications (通知), the list, newest first, and marking them read; their
password."""

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from lianghua.audit.services import domain_event_record
from lianghua.core.pages import page_of

from .notifications import mark_read


@require_safe
@login_required
def notification_list(request):
    return render(request, "accounts/notifications.html", {
        "nav": "notifications", "page": page_of(request, request.user.notifications.all()),
    })


@require_POST
@login_required
def notifications_read(request):
    """Mark one (`id`) or all of the user's notifications read; then follow its link, or back to the list."""
    one = request.POST.get("id")
    if one and one.isdigit():
        mark_read(request.user, [int(one)])
        target = request.user.notifications.filter(pk=int(one)).values_list("url", flat=True).first()
        if target and target.startswith("/"):  # our own pages only
            return redirect(target)
    else:
        mark_read(request.user)
    return redirect("accounts:notifications")


@login_required
def password_change(request):
    """Every user changes their own password here (the admin's page is for administrators); the change
    is audited, other sessions of the user end, this one stays."""
    done = False
    if request.method == "POST":
        form = PasswordChangeForm(request.user, request.POST)
        if form.is_valid():
            user = form.save()
            update_session_auth_hash(request, user)
            domain_event_record(kind="user.password_changed", actor=user, region=user.region, user=user.username)
            form, done = PasswordChangeForm(user), True
    else:
        form = PasswordChangeForm(request.user)
    return render(request, "accounts/password_change.html", {
        "form": form, "done": done, "min_length": settings.LIANGHUA_PASSWORD_MIN_LENGTH})
