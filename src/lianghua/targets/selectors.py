"""Reads of plans and targets, scoped to the acting user (targets belong to regions, not enterprises)."""

from django.db.models import Exists, OuterRef, QuerySet

from lianghua.accounts.scope import scope_queryset, user_sees_everything

from .models import Plan, Target


def targets_visible_to(user) -> QuerySet[Target]:
    """Targets of regions in the user's scope (none for enterprise users)."""
    return scope_queryset(user, Target.objects.all(), region_field="region", enterprise_field=None)


def plans_visible_to(user) -> QuerySet[Plan]:
    """Plans with at least one target the user may see (every plan for administrators)."""
    if user_sees_everything(user):
        return Plan.objects.select_related("region")
    visible = targets_visible_to(user).filter(plan=OuterRef("pk"))
    return Plan.objects.select_related("region").filter(Exists(visible))
