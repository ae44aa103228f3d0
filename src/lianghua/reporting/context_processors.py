"""The count beside 填报审核 in the menu: what awaits the officer's decision (counted only when a page
shows the menu)."""

from django.utils.functional import SimpleLazyObject

from lianghua.accounts.roles import Capability, user_may

from .models import Submission
from .selectors import submissions_visible_to


def pending_reviews(request) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user_may(user, Capability.APPROVE):
        return {"pending_reviews": 0}
    return {"pending_reviews": SimpleLazyObject(
        lambda: submissions_visible_to(user).filter(status=Submission.Status.PENDING).count())}
