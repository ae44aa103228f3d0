"""The demo command: what it promises (counts, a believable mix, nothing dated after the as-of date),
written through the import path, and the progress it produces for Haiyan 2025."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.db.models import Max

from lianghua.enterprises.credit_code import credit_code_is_valid
from lianghua.setup.demo import DEMO_PASSWORD, demo_dataset_build
from lianghua.setup.synthesis import RegistrySynthesizer, s_curve

AS_OF = dt.date(2026, 11, 21)
HAIYAN_PATH = "330000/330400/330424/"


def test_s_curve():
    shares = [s_curve(k / 10) for k in range(11)]
    assert shares[0] == 0 and shares[-1] == 1 and shares[5] == 0.5
    assert shares == sorted(shares)
    assert shares[1] < 0.1 and shares[9] > 0.9  # slow start, slow finish


def test_synthesized_credit_codes_are_valid_and_unique():
    synth = RegistrySynthesizer(seed=1, as_of=AS_OF)
    codes = [synth.credit_code("330424") for _ in range(2000)]
    assert len(set(codes)) == 2000
    assert all(credit_code_is_valid(c) and c.startswith("91330424") for c in codes)


def test_project_life_is_consistent_with_its_dates():
    synth = RegistrySynthesizer(seed=7, as_of=AS_OF)
    ent = synth.enterprise(region_code="330424102", county_code="330424", place="海盐")
    synth.enterprise_years(ent, (2025,))
    for i in range(300):
        project = synth.project(code=f"T{i}", ent=ent, category="green", start=synth.start_date(2025),
                                investment_wan=1000, energy_tce=500)
        row, reports = project.row, project.progress
        cumulative = [Decimal(r["累计完成投资(万元)"]) for r in reports]
        assert cumulative == sorted(cumulative)
        assert not cumulative or cumulative[-1] <= Decimal(row["总投资(万元)"])
        assert all(r["月份"] <= "2026-10" for r in reports)
        assert reports[0]["月份"] == row["实际开工日期"][:7] if reports else True
        if row["验收日期"]:
            assert row["实际开工日期"] < row["实际竣工日期"] < row["验收日期"] <= AS_OF.isoformat()
        if row["节能量已确权"] == "是":
            assert row["项目阶段"] in ("验收", "评价")


def test_same_seed_same_demo(db):
    first = demo_dataset_build(seed=5, as_of=AS_OF, size=0.2)
    second = demo_dataset_build(seed=5, as_of=AS_OF, size=0.2)
    assert first.rows == second.rows
    assert first.counts()["enterprises"] == 120


def test_demo_command_fills_haiyan_believably(db, settings, tmp_path):
    from lianghua.accounts.models import User
    from lianghua.enterprises.models import Credential, DigitalLevel, Enterprise, EnterpriseYear
    from lianghua.imports.models import ImportBatch
    from lianghua.projects.models import Activity, Project, ProjectProgress
    from lianghua.regions.models import Region
    from lianghua.targets.models import Plan, ReportedActual
    from lianghua.targets.progress import progress_compute

    settings.MEDIA_ROOT = tmp_path  # the import batches keep their files
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast: six demo logins
    out = StringIO()
    call_command("demo", as_of=AS_OF, stdout=out)
    text = out.getvalue()

    # The logins, printed, with the demo-only warning.
    assert "仅供演示" in text
    for username in ("admin", "haiyan", "baibu", "wuyuan", "lingdao", "qiye"):
        assert f"  {username} " in text
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert User.objects.get(username="baibu").region.code == "330424102"
    assert User.objects.get(username="lingdao").role == "leader"
    qiye = User.objects.get(username="qiye")
    assert qiye.role == "enterprise" and qiye.enterprise.region.code == "330424102"
    assert qiye.enterprise.projects.exists()

    # Written through the import path: one clean applied batch per kind.
    batches = ImportBatch.objects.all()
    assert sorted(b.kind for b in batches) == sorted(
        ["enterprises", "enterprise-years", "credentials", "digital-levels", "projects", "progress", "activities"])
    assert all(b.status == "applied" and b.errors == [] for b in batches)

    # 600 firms over the 9 towns, 开发区 (西塘桥) the biggest and 通元 the smallest, all with valid codes.
    firms = Enterprise.objects.filter(region__path__startswith=HAIYAN_PATH)
    assert firms.count() == 600
    per_town = Counter(firms.values_list("region__code", flat=True))
    assert len(per_town) == 9
    assert max(per_town, key=per_town.get) == "330424002"
    assert min(per_town, key=per_town.get) == "330424106"
    assert all(credit_code_is_valid(code) for code in firms.values_list("credit_code", flat=True))
    assert EnterpriseYear.objects.count() == 2400
    assert set(EnterpriseYear.objects.values_list("year", flat=True)) == {2023, 2024, 2025, 2026}
    years_2025 = EnterpriseYear.objects.filter(year=2025)
    assert 0.4 <= years_2025.filter(is_above_scale=True).count() / 600 <= 0.65
    assert 0.04 <= years_2025.filter(is_key_energy=True).count() / 600 <= 0.09

    # Projects at every stage, health mixed, ~160 digital and ~60 green started a year.
    projects = Project.objects.all()
    assert set(projects.values_list("stage", flat=True)) == {
        "reserve", "pooled", "in_progress", "completed", "accepted", "evaluated", "terminated"}
    assert {"normal", "lagging", "stalled"} <= set(projects.values_list("health", flat=True))
    started = Counter(projects.exclude(stage="terminated").filter(actual_start__isnull=False)
                      .values_list("category", "actual_start__year"))
    for year in (2024, 2025):
        assert 130 <= started[("digital", year)] <= 190
        assert 45 <= started[("green", year)] <= 75
    assert Credential.objects.count() > 200
    assert {"county", "municipal", "provincial", "national"} <= set(Credential.objects.values_list("level", flat=True))
    assert DigitalLevel.objects.count() > 400
    assert 25 <= Activity.objects.filter(kind="training").count() <= 45
    # 填报值 through the targets service; 绿色园区 left unreported so 无数据 shows.
    reported = set(ReportedActual.objects.values_list("indicator__code", "year"))
    assert reported == {("loans", 2024), ("loans", 2025), ("loans", 2026), ("green_product_certs", 2026),
                        ("segment_renovations", 2026)}

    # Nothing dated after the as-of date; reports only for ended months, cumulative never falling.
    for model, fields in ((Project, ("actual_start", "actual_end", "accepted_on")), (Credential, ("granted_on",)),
                          (DigitalLevel, ("assessed_on",)), (Activity, ("date",))):
        for name, latest in model.objects.aggregate(*(Max(f) for f in fields)).items():
            assert latest <= AS_OF, name
    assert ProjectProgress.objects.aggregate(m=Max("month"))["m"] == dt.date(2026, 10, 1)
    series = defaultdict(list)
    for project_id, value in ProjectProgress.objects.order_by("project_id", "month").values_list(
            "project_id", "cumulative_investment_wan"):
        series[project_id].append(value)
    assert all(values == sorted(values) for values in series.values())

    # Haiyan 2025 as the dashboard shows it: towns ahead and towns behind, county figures plausible.
    plan = Plan.objects.get(code="haiyan-2024-2026")
    rows = progress_compute(plan=plan, region=Region.objects.get(code="330424"), year=2025, as_of=AS_OF,
                            children=True)
    town_status = {r.region_code: r.status for r in rows
                   if r.indicator == "digital_projects" and r.region_code != "330424"}
    assert len(town_status) == 9
    assert {"done", "normal"} & set(town_status.values())
    assert {"lagging", "severe"} & set(town_status.values())
    assert "severe" in town_status.values()
    county = {(r.indicator, r.basis): r for r in rows if r.region_code == "330424"}
    assert Decimal(150) <= county[("mujun_value_added", "annual")].actual <= Decimal(210)
    assert Decimal(30) <= county[("mujun_tax", "annual")].actual <= Decimal(45)
    assert Decimal(35) <= county[("labour_productivity", "annual")].actual <= Decimal(45)
    assert Decimal(20) <= county[("investment", "annual")].actual <= Decimal(100)  # 亿元
    assert Decimal(55) <= county[("digital_2_coverage", "annual")].actual <= Decimal(85)
    assert {r.status for r in county.values()} >= {"done", "lagging"}

    # Run again with --skip-if-present: nothing new, the logins printed again.
    again = StringIO()
    call_command("demo", skip_if_present=True, stdout=again)
    assert "已存在" in again.getvalue() and "  qiye " in again.getvalue()
    assert Enterprise.objects.count() == 600
