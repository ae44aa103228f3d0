"""Reads of the reporting tree. Every "region R" in the product means R's whole subtree."""

from collections.abc import Callable

from django.conf import settings
from django.db.models import Q, QuerySet

from .models import Region


def subtree_regions(region: Region) -> QuerySet[Region]:
    """`region` and every region below it. Rows are kept to a subtree by `<fk>__in=subtree_regions(r)`,
    not `<fk>__path__startswith`: SQLite answers a LIKE through a join by scanning the whole table, an
    IN over the region ids by the foreign key's index (a county's overdue projects at province scale:
    130 ms → 5 ms)."""
    return Region.objects.filter(path__startswith=region.path)


def region_children(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(parent=region, disabled_on__isnull=True).order_by("order", "code")


def home_region() -> Region | None:
    """The region this installation serves (setting LIANGHUA_HOME_REGION, default 嘉兴市 330400).

    Town names repeat across Zhejiang (two 城东街道, a town literally named 开发区), so a name typed
    without a code is read inside this region first.
    """
    return Region.objects.filter(code=settings.LIANGHUA_HOME_REGION).first()


def _name_candidates(value: str) -> list[Region]:
    by_name = list(Region.objects.filter(Q(name=value) | Q(short_name=value)))
    # Aliases are few (data/regions/aliases.csv); JSON text is ASCII-escaped, so match them in Python.
    by_alias = [r for r in Region.objects.exclude(aliases=[]) if value in r.aliases]
    return list({r.pk: r for r in by_name + by_alias}.values())


def _preferred(value: str, candidates: list[Region]) -> list[Region]:
    """Of several regions a typed name matches, the ones it most likely means: a region whose full name
    it is, else the highest in the tree (南湖 is 南湖区, not the 南湖街道 inside it; 南湖街道 is typed in
    full). Several left means the name is ambiguous."""
    if len(candidates) <= 1:
        return candidates
    full = [r for r in candidates if r.name == value]
    if full:
        return full
    top = min(r.depth for r in candidates)
    return [r for r in candidates if r.depth == top]


def region_resolve(text: str, within: Region | None = None) -> Region:
    """A region from what a person types: its code, full name, short name or an alias (武原, 开发区).

    Names are looked up inside `within` (default: the home region), then anywhere. Raises
    Region.DoesNotExist with a Chinese message when nothing, or more than one region, matches.
    """
    value = (text or "").strip()
    if not value:
        raise Region.DoesNotExist("区域为空")
    found = Region.objects.filter(code=value).first()
    if found:
        return found
    candidates = _name_candidates(value)
    scope = within or home_region()
    if scope is not None and len(candidates) > 1:
        inside = [r for r in candidates if r.path.startswith(scope.path)]
        candidates = inside or candidates
    candidates = _preferred(value, candidates)
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        names = "、".join(f"{r.name}({r.code})" for r in candidates[:5])
        raise Region.DoesNotExist(f"区域“{value}”不唯一：{names}，请填写区划代码")
    raise Region.DoesNotExist(f"未知区域“{value}”")


def region_lookup_table(within: Region | None = None) -> dict[str, Region | None]:
    """Every code, and every name, short name and alias inside `within` (default: the home region),
    → region, for bulk imports (one query, no per-row lookups). A name shared by regions is read as
    region_resolve reads it (`_preferred`); one still ambiguous maps to None, so the import reports it
    instead of guessing."""
    scope = within or home_region()
    table: dict[str, Region | None] = {}
    names: dict[str, list[Region]] = {}
    for region in Region.objects.filter(disabled_on__isnull=True):
        table[region.code] = region
        if scope is None or region.path.startswith(scope.path):
            for key in {region.name, region.short_name, *region.aliases} - {""}:
                names.setdefault(key, []).append(region)
    for key, candidates in names.items():
        preferred = _preferred(key, candidates)
        table.setdefault(key, preferred[0] if len(preferred) == 1 else None)
    return table


def region_cell_writer() -> Callable[[Region], str]:
    """region -> the text an import reads back as that region: its name where the name names it alone
    (within the home region, as imports read names), else its code. For exports meant to be re-imported."""
    table = region_lookup_table()
    return lambda region: region.name if table.get(region.name) == region else region.code
