"""One small, hand-countable world for the page, API and permission tests.

武原街道 (330424001) and 百步镇 (330424102), both in 海盐县 (330424):
- 武原: enterprise W (规上 2025), digital project HY-W-1 started 2026-03-10 (in progress, reports
  2026-03: 200, 2026-04: 450 万元), green project HY-W-2 started 2024-05-01 (accepted 2025-06-30).
- 百步: enterprise B (规上 2025), digital project HY-B-1 started 2026-04-01.
- 海盐县 digital_projects, 2026, annual, as of 2026-06-30: 2 projects (HY-W-1, HY-B-1) against 160.
- 武原 digital_projects, 2026 cumulative (2024-01-01 … 2026-06-30): 1 project against 66.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.factories import (
    CredentialFactory,
    DigitalLevelFactory,
    EnterpriseFactory,
    EnterpriseYearFactory,
    ProjectFactory,
    ProjectProgressFactory,
    UserFactory,
)

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def two_towns(db):
    wuyuan = EnterpriseFactory(name="武原精密机械有限公司", region_code="330424001")
    baibu = EnterpriseFactory(name="百步电子科技有限公司", region_code="330424102")
    for enterprise in (wuyuan, baibu):
        EnterpriseYearFactory(enterprise=enterprise, year=2025)
    CredentialFactory(enterprise=wuyuan, granted_on=dt.date(2025, 3, 1))
    DigitalLevelFactory(enterprise=wuyuan, level=Decimal("2.5"))
    w1 = ProjectFactory(code="HY-W-1", name="武原数字化车间改造", enterprise=wuyuan, category="digital",
                        stage="in_progress", actual_start=dt.date(2026, 3, 10))
    ProjectProgressFactory(project=w1, month=dt.date(2026, 3, 1), cumulative_investment_wan=Decimal("200"))
    ProjectProgressFactory(project=w1, month=dt.date(2026, 4, 1), cumulative_investment_wan=Decimal("450"))
    w2 = ProjectFactory(code="HY-W-2", name="武原余热回收节能改造", enterprise=wuyuan, category="green",
                        stage="accepted", actual_start=dt.date(2024, 5, 1), actual_end=dt.date(2025, 3, 1),
                        accepted_on=dt.date(2025, 6, 30), energy_saved_tce=Decimal("1500"),
                        energy_saving_verified=True)
    b1 = ProjectFactory(code="HY-B-1", name="百步智能产线改造", enterprise=baibu, category="digital",
                        stage="in_progress", actual_start=dt.date(2026, 4, 1))
    enterprise_user = UserFactory(username="wuyuan_enterprise", role="enterprise", region=None, enterprise=wuyuan)
    return SimpleNamespace(wuyuan=wuyuan, baibu=baibu, w1=w1, w2=w2, b1=b1, enterprise_user=enterprise_user,
                           as_of=AS_OF)
