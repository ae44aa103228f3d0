"""factory_boy factories for the registry. Credit codes are generated valid (GB 32100 check character)."""

import datetime
from decimal import Decimal

import factory

from lianghua.accounts.models import User
from lianghua.enterprises.credit_code import credit_code_check_char
from lianghua.enterprises.models import (
    Credential,
    CredentialKind,
    DigitalLevel,
    Enterprise,
    EnterpriseYear,
    Industry,
)
from lianghua.projects.models import Activity, Project, ProjectProgress
from lianghua.projects.stages import STAGE_BY_CODE
from lianghua.regions.models import Region


def valid_credit_code(serial: int, area: str = "330424") -> str:
    """A well-formed 统一社会信用代码 for a 企业 (91…) registered in `area`."""
    body = f"91{area}MA{serial:07d}"
    return body + credit_code_check_char(body)


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    class Params:
        region_code = None

    username = factory.Sequence(lambda n: f"user{n}")
    role = "officer"
    region = factory.LazyAttribute(lambda o: _region(o.region_code) if o.region_code else None)
    password = factory.django.Password("lianghua-test-pw")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    class Params:
        region_code = "330424001"

    credit_code = factory.Sequence(lambda n: valid_credit_code(n + 1))
    name = factory.Sequence(lambda n: f"海盐测试制造有限公司{n}")
    region = factory.LazyAttribute(lambda o: _region(o.region_code))
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="C34"))


class EnterpriseYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseYear

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    is_above_scale = True
    is_key_energy = False
    revenue_wan = Decimal("5000")
    value_added_wan = Decimal("1200")
    tax_wan = Decimal("300")
    employees = 100
    land_mu = Decimal("20")
    energy_tce = Decimal("2000")


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = factory.LazyFunction(lambda: CredentialKind.objects.get(code="green_factory"))
    level = "municipal"
    level_rank = factory.LazyAttribute(lambda o: Credential.LEVEL_RANK[o.level])
    granted_on = datetime.date(2025, 3, 1)


class DigitalLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigitalLevel

    enterprise = factory.SubFactory(EnterpriseFactory)
    level = Decimal("2.0")
    assessed_on = datetime.date(2025, 3, 1)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"HY-T-{n:05d}")
    name = factory.Sequence(lambda n: f"智能化改造项目{n}")
    enterprise = factory.SubFactory(EnterpriseFactory)
    category = "digital"
    total_investment_wan = Decimal("1000")
    planned_start = datetime.date(2025, 1, 1)
    planned_end = datetime.date(2025, 12, 31)
    stage = "reserve"

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        """A project the database accepts (projects/invariants.py): the dates its stage requires and a
        test leaves out are filled in order — started at its planned start, or on the day it ended or
        was accepted when that came earlier; ended on the day it was accepted, or at its planned end."""
        required = STAGE_BY_CODE[kwargs.get("stage", "reserve")].required_fields
        for field in ("planned_start", "planned_end", "total_investment_wan"):
            if field in required and kwargs.get(field) is None:
                kwargs[field] = getattr(cls, field)
        if "actual_start" in required and kwargs.get("actual_start") is None:
            later = [d for d in (kwargs.get("actual_end"), kwargs.get("accepted_on")) if d is not None]
            kwargs["actual_start"] = min([kwargs["planned_start"], *later])
        if "actual_end" in required and kwargs.get("actual_end") is None:
            kwargs["actual_end"] = kwargs.get("accepted_on") or max(kwargs["planned_end"], kwargs["actual_start"])
        return kwargs


class ProjectProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectProgress

    project = factory.SubFactory(ProjectFactory)
    month = datetime.date(2025, 1, 1)
    cumulative_investment_wan = Decimal("100")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    date = datetime.date(2025, 5, 1)
    region = factory.LazyFunction(lambda: _region("330424001"))
    kind = "training"
    title = factory.Sequence(lambda n: f"两化改造培训{n}")
    attendance = 50
