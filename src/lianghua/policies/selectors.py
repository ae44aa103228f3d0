"""Reads of subsidy claims and results, always through the user's region scope."""

from django.db.models import QuerySet

from lianghua.accounts.scope import scope_queryset

from .models import SubsidyApplication


def subsidy_applications_visible_to(user) -> QuerySet[SubsidyApplication]:
    queryset = SubsidyApplication.objects.select_related(
        "enterprise", "region", "project", "credential", "credential__kind"
    )
    return scope_queryset(user, queryset, region_field="region", enterprise_field="enterprise_id")
