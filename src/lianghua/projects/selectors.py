from django.db.models import QuerySet

from lianghua.accounts.scope import scope_queryset

from .models import Activity, Project


def projects_visible_to(user) -> QuerySet[Project]:
    return scope_queryset(user, Project.objects.all(), region_field="enterprise__region",
                          enterprise_field="enterprise_id")


def activities_visible_to(user) -> QuerySet[Activity]:
    return scope_queryset(user, Activity.objects.all(), region_field="region", enterprise_field=None)
