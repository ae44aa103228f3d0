"""A user's own notifications (通知): the list, newest first, and marking them read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

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
