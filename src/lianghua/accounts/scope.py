"""The region scope of a user: the one place that decides what a person may see (DESIGN §7).

Every selector passes its queryset through `scope_queryset`, naming how its rows reach a region and an
enterprise, so lists, exports, dashboards and the API cannot disagree.
"""

from django.db.models import QuerySet

from lianghua.regions.models import Region
from lianghua.regions.selectors import home_region


def scope_queryset(user, queryset: QuerySet, *, region_field: str, enterprise_field: str | None) -> QuerySet:
    """Rows of `queryset` the user may see.

    region_field: the lookup to the row's Region ("region", "enterprise__region"; "" for regions);
    enterprise_field: the lookup to its Enterprise id ("id", "enterprise_id"), or None when the rows
    belong to no single enterprise (activities, targets), which enterprise users then do not see.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_administrator:
        return queryset
    if user.role == user.Role.ENTERPRISE:
        if enterprise_field is None or user.enterprise_id is None:
            return queryset.none()
        return queryset.filter(**{enterprise_field: user.enterprise_id})
    if user.region_id is None:
        return queryset.none()
    lookup = f"{region_field}__path__startswith" if region_field else "path__startswith"
    return queryset.filter(**{lookup: user.region.path})


def user_sees_region(user, region: Region) -> bool:
    """May the user look at figures for `region` (its subtree lies within the user's scope)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_administrator:
        return True
    if user.role == user.Role.ENTERPRISE or user.region_id is None:
        return False
    return region.path.startswith(user.region.path)


def user_home_region(user) -> Region | None:
    """The region a user's dashboard opens on: their own; for an administrator without one, the region
    this installation serves (setting LIANGHUA_HOME_REGION), else the top of the tree."""
    if user.is_administrator and user.region_id is None:
        return home_region() or Region.objects.order_by("depth").first()
    return user.region
