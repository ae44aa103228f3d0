from django.db.models import QuerySet

from lianghua.accounts.scope import scope_queryset

from .models import Credential, Enterprise, EnterpriseYear


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    return scope_queryset(user, Enterprise.objects.all(), region_field="region", enterprise_field="id")


def enterprise_years_visible_to(user) -> QuerySet[EnterpriseYear]:
    return scope_queryset(user, EnterpriseYear.objects.all(), region_field="enterprise__region",
                          enterprise_field="enterprise_id")


def credentials_visible_to(user) -> QuerySet[Credential]:
    return scope_queryset(user, Credential.objects.all(), region_field="enterprise__region",
                          enterprise_field="enterprise_id")
