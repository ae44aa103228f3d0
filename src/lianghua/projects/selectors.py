import datetime as dt

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from lianghua.accounts.scope import scope_queryset
from lianghua.core.months import month_add

from .models import Activity, Project, ProjectStageLog


def projects_visible_to(user) -> QuerySet[Project]:
    return scope_queryset(user, Project.objects.all(), region_field="enterprise__region",
                          enterprise_field="enterprise_id")


def activities_visible_to(user) -> QuerySet[Activity]:
    return scope_queryset(user, Activity.objects.all(), region_field="region", enterprise_field=None)


def month_report_owed(month: dt.date) -> Q:
    """The projects that owe `month`'s progress report: under construction in that month (started on or
    before its last day, not completed before its first), not terminated."""
    first = month.replace(day=1)
    return (Q(actual_start__lte=month_add(first, 1) - dt.timedelta(days=1))
            & (Q(actual_end__isnull=True) | Q(actual_end__gte=first))
            & ~Q(stage="terminated"))


def schedule_overdue(day: dt.date) -> Q:
    """The projects behind their plan on `day`: past the planned start without an actual start, or past
    the planned completion without an actual one (terminated projects are never overdue)."""
    return ((Q(planned_start__lt=day, actual_start__isnull=True) | Q(planned_end__lt=day, actual_end__isnull=True))
            & ~Q(stage="terminated"))


def stage_on(day: dt.date) -> Coalesce:
    """A project's stage on `day`, from its stage log: the stage the last change on or before the day
    moved it to; before its first logged change, the stage that change moved it from; a project whose
    log is empty is in its current stage."""
    log = ProjectStageLog.objects.filter(project=OuterRef("pk"))
    return Coalesce(
        Subquery(log.filter(changed_on__lte=day).order_by("-changed_on", "-id").values("to_stage")[:1]),
        Subquery(log.filter(changed_on__gt=day).exclude(from_stage="").order_by("changed_on", "id")
                 .values("from_stage")[:1]),
        F("stage"),
    )
