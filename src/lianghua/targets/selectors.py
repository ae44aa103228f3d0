"""Reads of plans and targets, scoped to the acting user (targets belong to regions, not enterprises)."""

from django.db.models import Exists, OuterRef, QuerySet

from lianghua.accounts.scope import scope_queryset, user_sees_everything

from .decomposition import DecompositionCheck, TargetFigure, decomposition_check
from .models import Indicator, Plan, Target


def targets_visible_to(user) -> QuerySet[Target]:
    """Targets of regions in the user's scope (none for enterprise users)."""
    return scope_queryset(user, Target.objects.all(), region_field="region", enterprise_field=None)


def plans_visible_to(user) -> QuerySet[Plan]:
    """Plans with at least one target the user may see (every plan for administrators)."""
    if user_sees_everything(user):
        return Plan.objects.select_related("region")
    visible = targets_visible_to(user).filter(plan=OuterRef("pk"))
    return Plan.objects.select_related("region").filter(Exists(visible))


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
