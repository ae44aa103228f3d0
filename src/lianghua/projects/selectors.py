from django.db.models import QuerySet

from lianghua.accounts.scope import scope_queryset

from .models import Activity, Project, ProjectProgress, ProjectStageLog


def projects_visible_to(user) -> QuerySet[Project]:
    return scope_queryset(user, Project.objects.all(), region_field="enterprise__region",
                          enterprise_field="enterprise_id")


def project_progress_visible_to(user) -> QuerySet[ProjectProgress]:
    return scope_queryset(user, ProjectProgress.objects.all(), region_field="project__enterprise__region",
                          enterprise_field="project__enterprise_id")


def project_stage_log_visible_to(user) -> QuerySet[ProjectStageLog]:
    return scope_queryset(user, ProjectStageLog.objects.all(), region_field="project__enterprise__region",
                          enterprise_field="project__enterprise_id")


def activities_visible_to(user) -> QuerySet[Activity]:
    return scope_queryset(user, Activity.objects.all(), region_field="region", enterprise_field=None)
