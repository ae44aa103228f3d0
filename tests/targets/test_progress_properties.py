"""Property: when every enterprise sits in a town, a county's additive actual is the sum of its towns'
(or, where the county's registry holds no record of the kind, both are 无数据)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianghua.enterprises.models import CredentialKind
from lianghua.regions.selectors import region_children
from lianghua.targets.models import Indicator, Plan
from lianghua.targets.progress import indicator_actuals
from tests.factories import (
    ActivityFactory,
    CredentialFactory,
    EnterpriseFactory,
    ProjectFactory,
    ProjectProgressFactory,
)

pytestmark = pytest.mark.django_db

TOWNS = ["330424001", "330424002", "330424004", "330424005", "330424101", "330424102", "330424103",
         "330424105", "330424106"]
DAY0 = dt.date(2023, 10, 1)
days = st.integers(min_value=0, max_value=900)  # 2023-10-01 … 2026-03-19: inside and around the windows
project = st.fixed_dictionaries({
    "town": st.sampled_from(TOWNS),
    "category": st.sampled_from(["digital", "green"]),
    "stage": st.sampled_from(["in_progress", "accepted", "terminated"]),
    "start": days, "accepted": days, "tce": st.integers(0, 5000), "verified": st.booleans(),
    "reports": st.lists(st.tuples(st.integers(0, 29), st.integers(0, 50_000)), max_size=3),
})
credential = st.fixed_dictionaries({
    "town": st.sampled_from(TOWNS), "level": st.sampled_from(["county", "municipal", "provincial", "national"]),
    "granted": days, "kind": st.sampled_from(["tech_center", "green_factory"]),
})
activity = st.fixed_dictionaries({"town": st.sampled_from(TOWNS), "day": days})

ADDITIVE = ["digital_projects", "green_projects", "investment", "energy_saved", "tech_centers", "trainings",
            "green_factories_national", "clean_production_audits"]


def _month(offset: int) -> dt.date:
    year, month = divmod(2023 * 12 + 9 + offset, 12)
    return dt.date(year, month + 1, 1)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects=st.lists(project, max_size=8), credentials=st.lists(credential, max_size=6),
       activities=st.lists(activity, max_size=4), as_of=days,
       basis=st.sampled_from(["annual", "cumulative"]), year=st.sampled_from([2024, 2025, 2026]))
def test_county_equals_the_sum_of_its_towns(region, projects, credentials, activities, as_of, basis, year):
    plan = Plan.objects.get(code="haiyan-2024-2026")
    county = region("330424")
    towns = list(region_children(county))
    assert sorted(t.code for t in towns) == sorted(TOWNS)
    kinds = {k.code: k for k in CredentialKind.objects.filter(code__in=["tech_center", "green_factory"])}
    with transaction.atomic():
        for p in projects:
            start, accepted = sorted((p["start"], p["accepted"]))  # accepted after it started (invariants)
            made = ProjectFactory(enterprise=EnterpriseFactory(region_code=p["town"]), category=p["category"],
                                  stage=p["stage"], actual_start=DAY0 + dt.timedelta(start),
                                  accepted_on=DAY0 + dt.timedelta(accepted), energy_saved_tce=D(p["tce"]),
                                  energy_saving_verified=p["verified"])
            cumulative = 0
            for month, amount in sorted(dict(p["reports"]).items()):
                cumulative += amount
                ProjectProgressFactory(project=made, month=_month(month), cumulative_investment_wan=D(cumulative))
        for c in credentials:
            CredentialFactory(enterprise=EnterpriseFactory(region_code=c["town"]), kind=kinds[c["kind"]],
                              level=c["level"], granted_on=DAY0 + dt.timedelta(c["granted"]))
        for a in activities:
            ActivityFactory(region=region(a["town"]), date=DAY0 + dt.timedelta(a["day"]))
        for code in ADDITIVE:
            indicator = Indicator.objects.get(code=code)
            _, actuals = indicator_actuals(plan=plan, indicator=indicator, basis=basis, year=year,
                                           as_of=DAY0 + dt.timedelta(as_of), regions=[county, *towns])
            town_values = [actuals[t.code].value for t in towns]
            if actuals[county.code].value is None:  # the county holds no record of this kind: nor do its towns
                assert town_values == [None] * len(towns), code
            else:
                assert actuals[county.code].value == sum(town_values), code
        transaction.set_rollback(True)
