"""Reads of plans and targets, scoped to the acting user (targets belong to regions, not enterprises)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from lianghua.accounts.scope import scope_queryset, user_sees_everything, user_sees_region

from .decomposition import DecompositionCheck, TargetFigure, decomposition_check
from .models import Indicator, Plan, Target


def targets_visible_to(user) -> QuerySet[Target]:
    """Targets of regions in the user's scope (none for enterprise users)."""
    return scope_queryset(user, Target.objects.all(), region_field="region", enterprise_field=None)


def plans_visible_to(user) -> QuerySet[Plan]:
    """Plans with at least one target the user may see, and the plans of the regions above the user's
    (a county officer follows the city's and the province's plans, whose targets are published policy:
    their own region's part shows as 未分解 with its own figures); every plan for administrators."""
    if user_sees_everything(user):
        return Plan.objects.select_related("region")
    visible = targets_visible_to(user).filter(plan=OuterRef("pk"))
    above = Q(pk__in=[])
    region = getattr(user, "region", None)
    if region is not None and user_sees_region(user, region):
        above = Q(region__code__in=[code for code in region.path.split("/")[:-1] if code != region.code])
    return Plan.objects.select_related("region").filter(Q(Exists(visible)) | above)


def plan_decomposition_check(plan: Plan) -> list[DecompositionCheck]:
    """The check over one plan's targets in the database (reads only). `extra` carries the
    indicator's name and unit for display."""
    targets = (Target.objects.filter(plan=plan, indicator__additive=True)
               .select_related("indicator", "region__parent").order_by("indicator__order", "region__path"))
    figures = [
        TargetFigure(indicator=t.indicator.code, region=t.region.code,
                     parent=t.region.parent.code if t.region.parent else None, year=t.year, basis=t.basis,
                     value=t.value, region_name=t.region.name, region_order=t.region.order)
        for t in targets
    ]
    additive = {f.indicator for f in figures}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=additive)}
    checks = decomposition_check(figures, additive)
    for check in checks:
        indicator = indicators[check.indicator]
        check.extra.update(indicator_name=indicator.name, unit=indicator.unit, plan=plan.code)
    return checks


def plan_undecomposed(plan: Plan) -> list[Target]:
    """The plan region's own targets that no child region has a target for (未分解): what the seed gives
    for the city or province only."""
    split = set(Target.objects.filter(plan=plan, region__parent=plan.region_id)
                .values_list("indicator_id", "year", "basis", "industry"))
    return [t for t in Target.objects.filter(plan=plan, region=plan.region_id).select_related("indicator")
            .order_by("indicator__order", "year", "basis")
            if (t.indicator_id, t.year, t.basis, t.industry) not in split]
