"""Enterprise write services: bulk upserts that update by natural key, with history."""

from decimal import Decimal

import pytest

from lianghua.audit.models import ChangeRecord
from lianghua.enterprises.models import Credential, CredentialKind, Enterprise, EnterpriseYear
from lianghua.enterprises.services import (
    credentials_bulk_upsert,
    enterprise_years_bulk_upsert,
    enterprises_bulk_upsert,
)
from tests.factories import EnterpriseFactory, valid_credit_code

pytestmark = pytest.mark.django_db


def test_bulk_upsert_creates_updates_and_skips_unchanged(county_officer, region):
    wuyuan = region("武原")
    rows = [{"credit_code": valid_credit_code(910 + i), "name": f"丙{i}", "region_id": wuyuan.pk, "industry_id": None}
            for i in range(3)]
    first = enterprises_bulk_upsert(rows=rows, by=county_officer)
    assert (first.created_count, first.updated_count, first.unchanged) == (3, 0, 0)
    rows[1] = {**rows[1], "name": "丙1改"}
    second = enterprises_bulk_upsert(rows=rows, by=county_officer)
    assert (second.created_count, second.updated_count, second.unchanged) == (0, 1, 2)
    assert Enterprise.objects.get(credit_code=rows[1]["credit_code"]).name == "丙1改"
    assert Enterprise.objects.filter(credit_code__in=[r["credit_code"] for r in rows]).count() == 3


def test_year_figures_update_by_enterprise_and_year(county_officer):
    enterprise = EnterpriseFactory()
    row = {"enterprise_id": enterprise.pk, "year": 2025, "revenue_wan": Decimal("5000"), "employees": 80}
    enterprise_years_bulk_upsert(rows=[row], by=county_officer)
    result = enterprise_years_bulk_upsert(rows=[{**row, "revenue_wan": Decimal("6200.5")}], by=county_officer)
    assert result.updated_count == 1
    year = EnterpriseYear.objects.get(enterprise=enterprise, year=2025)
    assert year.revenue_wan == Decimal("6200.5") and year.employees == 80
    record = ChangeRecord.objects.get(model="enterprises.enterpriseyear", action="update")
    assert Decimal(record.before["revenue_wan"]) == Decimal("5000")
    assert Decimal(record.after["revenue_wan"]) == Decimal("6200.5")


def test_credential_rank_follows_level(county_officer):
    enterprise = EnterpriseFactory()
    kind = CredentialKind.objects.get(code="tech_center")
    import datetime

    row = {"enterprise_id": enterprise.pk, "kind_id": kind.pk, "level": "provincial",
           "granted_on": datetime.date(2025, 6, 1), "note": ""}
    credentials_bulk_upsert(rows=[row], by=county_officer)
    assert Credential.objects.get(enterprise=enterprise).level_rank == 3
