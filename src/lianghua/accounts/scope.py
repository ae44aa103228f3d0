"""The scope of a user: the one place that decides what a person may see (DESIGN §7).

Every selector passes its queryset through `scope_queryset`, naming how its rows reach a region and an
enterprise, so lists, exports, dashboards and the API cannot disagree. The scope each role draws is
declared in accounts/roles.py.
"""

from django.db.models import QuerySet

from lianghua.regions.models import Region
from lianghua.regions.selectors import home_region, subtree_regions

from .roles import Scope, role_of, user_sees_everything

__all__ = ["scope_queryset", "user_home_region", "user_sees_everything", "user_sees_region"]


def scope_queryset(user, queryset: QuerySet, *, region_field: str, enterprise_field: str | None) -> QuerySet:
    """Rows of `queryset` the user may see.

    region_field: the lookup to the row's Region ("region", "enterprise__region"; "" for regions);
    enterprise_field: the lookup to its Enterprise id ("id", "enterprise_id"), or None when the rows
    belong to no single enterprise (activities, targets), which enterprise users then do not see.
    """
    scope = role_of(user).scope
    if scope == Scope.EVERYTHING:
        return queryset
    if scope == Scope.ENTERPRISE:
        if enterprise_field is None or user.enterprise_id is None:
            return queryset.none()
        return queryset.filter(**{enterprise_field: user.enterprise_id})
    if scope == Scope.REGION and user.region_id is not None:
        if not region_field:
            return queryset.filter(path__startswith=user.region.path)
        return queryset.filter(**{f"{region_field}__in": subtree_regions(user.region)})
    return queryset.none()


def user_sees_region(user, region: Region) -> bool:
    """May the user look at figures for `region` (its subtree lies within the user's scope)?"""
    scope = role_of(user).scope
    if scope == Scope.EVERYTHING:
        return True
    if scope == Scope.REGION and user.region_id is not None:
        return region.path.startswith(user.region.path)
    return False


def user_home_region(user) -> Region | None:
    """The region a user's dashboard opens on: their own; for an administrator without one, the region
    this installation serves (setting LIANGHUA_HOME_REGION), else the top of the tree."""
    if user_sees_everything(user) and getattr(user, "region_id", None) is None:
        return home_region() or Region.objects.order_by("depth").first()
    return user.region
