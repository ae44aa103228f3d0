"""Reads that depend on who is asking, beyond one app's rows: the regions a user may open and offer."""

from django.db.models import QuerySet

from lianghua.regions.models import Region

from .roles import Capability, user_may
from .scope import scope_queryset, user_home_region


def regions_visible_to(user) -> QuerySet[Region]:
    """Regions whose figures the user may open: their own region's subtree (everything for admins)."""
    return scope_queryset(user, Region.objects.all(), region_field="", enterprise_field=None)


def region_options(user) -> list[Region]:
    """Regions a filter may offer: the user's own subtree (an administrator without a region: the
    installation's home region, 嘉兴市 by default), in tree order. Enterprise users get none."""
    if not user_may(user, Capability.VIEW):
        return []
    base = user_home_region(user)
    if base is None:
        return []
    return list(Region.objects.filter(path__startswith=base.path, disabled_on__isnull=True)
                .order_by("path").only("code", "name", "depth", "path"))
