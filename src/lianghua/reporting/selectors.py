"""Reads of submissions through the acting user's scope: an enterprise sees its own, an officer or
leader those of the enterprises in their region."""

from django.db.models import QuerySet

from lianghua.accounts.scope import scope_queryset

from .models import Submission


def submissions_visible_to(user) -> QuerySet[Submission]:
    return scope_queryset(user, Submission.objects.all(), region_field="enterprise__region",
                          enterprise_field="enterprise_id")
