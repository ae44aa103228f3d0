"""Small pieces every list page shares: the region picker and the page of a long list."""

from django.core.paginator import Page, Paginator

from lianghua.accounts.scope import user_home_region
from lianghua.regions.models import Region
from lianghua.regions.selectors import home_region

PAGE_SIZE = 50


def region_options(user) -> list[Region]:
    """Regions a filter may offer: the user's own subtree (an administrator without a region: the
    installation's home region, 嘉兴市 by default), in tree order. Enterprise users get none."""
    if user.role == user.Role.ENTERPRISE:
        return []
    base = user.region if user.region_id else (home_region() or user_home_region(user))
    if base is None:
        return []
    return list(Region.objects.filter(path__startswith=base.path, disabled_on__isnull=True)
                .order_by("path").only("code", "name", "depth", "path"))


def page_of(request, queryset, size: int = PAGE_SIZE) -> Page:
    """The requested page (?page=N), the last one when N is past the end, the first when unreadable."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))
