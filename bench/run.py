"""The province-scale benchmark (issue 2 §6): generate, import, compute progress, render the dashboard.

Run:  .venv/bin/python bench/run.py [--scale province|small] [--database-url URL] [--json FILE]

It works in a database of its own: by default a fresh SQLite file in a temporary directory (which also
holds the imported files), or the (empty) database `--database-url` names, e.g. a PostgreSQL one. It
never touches var/lianghua.sqlite3. Steps:

1. `lianghua init` (migrate, regions of Zhejiang, industries, indicators, plans);
2. generate CSV import files spread over all 90 counties of Zhejiang and their towns: at province
   scale 60,000 enterprises × 3 years, 100,000 projects with 12 monthly reports each (1,200,000), plus
   credentials, digital levels and trainings (`--scale small` is 1/20 of that);
3. import each file through `lianghua.imports.services.import_run`, timing rows/s per kind;
4. time `progress_compute(plan=haiyan-2024-2026, region=海盐县, year=2025, children=True)` and the
   dashboard page for the 海盐县 officer (Django test client): median of 5 runs each;
5. the month's bulletin drafts of every county (issue 10 §7): a plan `bench-province` gives every county
   海盐县's 2026 targets and every town 武原街道's, then the monthly job (`bulletins.jobs.draft_run_execute`
   for 浙江省, 2026-10) composes and keeps each county's draft (data, Excel, web file);
6. the 亩均效益评价 of every enterprise of the province for 2025 (issue 11 §5: read from the registry,
   grouped, scored, ranked and classed) and the 工业碳效码 of every 规上 enterprise, medians of 5, each
   beside a plain SQL aggregate of the same figures;
7. the plans above the county (issue 12 §6): progress of 浙江省 with its 11 cities (the 49 targets of
   004, given for YEAR in a plan `bench-zhejiang` so that the generated records fall in the window: every
   additive figure rolled up from the 90 counties, every city's row 未分解 and ranked) and of 嘉兴市 with
   its counties (002's YEAR targets), medians of 5, beside a hand-written SQL aggregate of the registry
   counts of the province's rows (projects, robots, credentials per city) in the same run;
8. print the figures against the goals (imports ≥ 20,000 rows/s, progress < 1 s, dashboard < 300 ms, all
   counties' drafts ≤ 60 s, the province's 亩均 and 碳效 evaluations ≤ 1 s each, the province's progress
   ≤ 0.5 s on PostgreSQL, the city's ≤ 100 ms).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

AS_OF = dt.date(2026, 11, 21)
PLAN = "haiyan-2024-2026"
COUNTY = "330424"
YEAR = 2025
RUNS = 5
SCALES = {"province": 1.0, "small": 0.05}
PROVINCE = {"enterprises": 60_000, "projects": 100_000, "reports_per_project": 12}
YEARS = (2024, 2025, 2026)
GOALS = {"import_rows_per_s": 20_000, "progress_s": 1.0, "dashboard_s": 0.3, "drafts_s": 60.0, "mujun_s": 1.0,
         "carbon_s": 1.0, "province_progress_s": 0.5, "city_progress_s": 0.1}
DRAFT_MONTH = dt.date(2026, 10, 1)


def _setup_django(database_url: str | None, workdir: Path) -> None:
    """Point the settings at the bench's own database and files before Django reads them."""
    os.environ["LIANGHUA_VAR_DIR"] = str(workdir / "var")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "lianghua.settings"
    import django

    django.setup()


def _place(region) -> str:
    """Name prefix of a county's firms: 海宁市 → 海宁, 南湖区 → 南湖 (short names of two characters)."""
    name = region.short_name or region.name
    return name[:-1] if len(name) > 2 and name[-1] in "县市区" else name


def generate(directory: Path, factor: float, seed: int) -> dict[str, tuple[Path, int]]:
    """Write the import files; returns kind -> (path, rows)."""
    from lianghua.core.months import month_add
    from lianghua.setup.demo import IMPORT_ORDER
    from lianghua.setup.synthesis import LEVEL_NAMES, RegistrySynthesizer, form_headers, s_curve

    columns = {kind: form_headers(kind) for kind in IMPORT_ORDER}
    from lianghua.regions.models import Region

    synth = RegistrySynthesizer(seed=seed, as_of=AS_OF)
    rng = synth.rng
    counties = list(Region.objects.filter(kind=Region.Kind.COUNTY).order_by("code"))
    towns: dict[int, list] = {c.pk: [] for c in counties}
    for town in Region.objects.filter(parent__in=counties, kind=Region.Kind.TOWN).order_by("code"):
        towns[town.parent_id].append(town)
    # Each town gets a random weight: some towns are industrial, most are not.
    town_weights = {c.pk: [math.exp(rng.gauss(0, 1.0)) for _ in towns[c.pk]] for c in counties}

    n_enterprises = round(PROVINCE["enterprises"] * factor)
    n_projects = round(PROVINCE["projects"] * factor)
    writers, handles, counts = {}, {}, Counter()
    paths = {kind: directory / f"bench-{kind}.csv" for kind in columns}
    for kind, path in paths.items():
        handles[kind] = path.open("w", encoding="utf-8", newline="")
        writers[kind] = csv.writer(handles[kind])
        writers[kind].writerow(columns[kind])

    def write(kind: str, row: dict[str, str]) -> None:
        writers[kind].writerow([row.get(h, "") for h in columns[kind]])  # a column the bench leaves blank
        counts[kind] += 1

    enterprises = []
    for i in range(n_enterprises):
        county = counties[i % len(counties)]
        town = rng.choices(towns[county.pk], town_weights[county.pk])[0] if towns[county.pk] else county
        ent = synth.enterprise(region_code=town.code, county_code=county.code, place=_place(county))
        enterprises.append(ent)
        write(
            "enterprises",
            {
                "统一社会信用代码": ent.credit_code,
                "企业名称": ent.name,
                "所属区域": town.code,
                "行业代码": ent.industry,
            },
        )
        for row in synth.enterprise_years(ent, YEARS):
            write("enterprise-years", row)
        if ent.is_large:
            first = dt.date(rng.randint(2022, 2024), rng.randint(1, 12), rng.randint(1, 28))
            write(
                "digital-levels",
                {
                    "统一社会信用代码": ent.credit_code,
                    "数字化水平": rng.choice(("1.5", "1.8", "2.0")),
                    "评定日期": first.isoformat(),
                },
            )
            if rng.random() < 0.6:
                later = min(month_add(first, rng.randint(8, 20)), AS_OF)
                write(
                    "digital-levels",
                    {
                        "统一社会信用代码": ent.credit_code,
                        "数字化水平": rng.choice(("2.0", "2.4", "3.0")),
                        "评定日期": later.isoformat(),
                    },
                )
            for kind_name, share in (
                ("企业技术中心", 0.15),
                ("绿色工厂", 0.1),
                ("数字化车间", 0.12),
                ("清洁生产审核", 0.06),
            ):
                if rng.random() < share:
                    level = rng.choice(("county", "municipal", "municipal", "provincial"))
                    write(
                        "credentials",
                        {
                            "统一社会信用代码": ent.credit_code,
                            "认定类型": kind_name,
                            "级别": LEVEL_NAMES[level],
                            "认定日期": synth.date_in(rng.randint(2019, 2025)).isoformat(),
                            "备注": "",
                        },
                    )

    # Projects: every one reports 12 months, so all start by 2025-10 (reports only for ended months).
    last_start = month_add(AS_OF.replace(day=1), -13)
    first_start = dt.date(2023, 1, 1)
    span_days = (last_start - first_start).days
    large = [e for e in enterprises if e.is_large]
    for i in range(n_projects):
        ent = rng.choice(large if rng.random() < 0.85 else enterprises)
        category = "digital" if rng.random() < 0.72 else "green"
        start = first_start + dt.timedelta(days=rng.randint(0, span_days))
        total = math.exp(rng.gauss(math.log(800), 1.0))
        code = f"{ent.credit_code[2:8]}-{start.year}-{i:06d}"
        project = synth.project(
            code=code,
            ent=ent,
            category=category,
            start=start,
            investment_wan=total,
            energy_tce=rng.uniform(50, 2000) if category == "green" else None,
            terminate_share=0.0,
            reports=False,
        )
        write("projects", project.row)
        total = float(project.row["总投资(万元)"])
        span = rng.randint(8, 18)
        cumulative = 0.0
        first = start.year * 12 + start.month - 1
        progress_writer = writers["progress"]
        for k in range(PROVINCE["reports_per_project"]):
            cumulative = max(cumulative, round(total * s_curve((k + 1) / span), 2))
            month = first + k
            progress_writer.writerow((code, f"{month // 12}-{month % 12 + 1:02d}", f"{cumulative:.2f}"))
        counts["progress"] += PROVINCE["reports_per_project"]

    topics = ("数字化改造政策解读", "智能制造诊断服务", "工业互联网应用", "绿色工厂创建", "节能降碳技术")
    for county in counties:
        for year in YEARS:
            for j in range(max(1, round(10 * factor * 3))):
                day = synth.date_in(year)
                if day <= AS_OF:
                    region = rng.choice(towns[county.pk] or [county])
                    write(
                        "activities",
                        {
                            "日期": day.isoformat(),
                            "所属区域": region.code,
                            "类型": "培训",
                            "名称": f"{year}年{rng.choice(topics)}培训（第{j + 1}期）",
                            "参加人数": str(rng.randint(20, 150)),
                        },
                    )
    for handle in handles.values():
        handle.close()
    return {kind: (paths[kind], counts[kind]) for kind in columns}


def _median_time(func, runs: int = RUNS) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        tick = time.perf_counter()
        func()
        times.append(time.perf_counter() - tick)
    return statistics.median(times), times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="省级规模基准测试：生成、导入、计算目标完成情况、打开驾驶舱")
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default="province",
        help="province：6万企业、10万项目、120万月报；small：其1/20",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="使用该（空的）数据库，例如 postgres://…；默认在临时目录新建 SQLite",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, default=None, help="另将结果写入该 JSON 文件")
    parser.add_argument("--keep", action="store_true", help="保留临时目录（数据库和生成的文件）")
    parser.add_argument(
        "--reuse",
        type=Path,
        default=None,
        metavar="DIR",
        help="只计时：复用 --keep 保留的目录（其中的 SQLite 或与 --database-url 同用），不再生成和导入",
    )
    args = parser.parse_args(argv)

    workdir = args.reuse or Path(tempfile.mkdtemp(prefix="lianghua-bench-"))
    _setup_django(args.database_url, workdir)
    from django.core.management import call_command
    from django.db import connection

    from lianghua.enterprises.models import Enterprise

    results: dict = {
        "scale": args.scale if args.reuse is None else f"reused {workdir}",
        "database": connection.vendor,
        "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        "imports": {},
        # The machine may be shared: the load says how much of it the figures had.
        "load_at_start": os.getloadavg()[0],
    }
    try:
        if args.reuse is None:
            tick = time.perf_counter()
            call_command("init", verbosity=0, stdout=open(os.devnull, "w"))
            results["init_s"] = time.perf_counter() - tick
            if Enterprise.objects.exists():
                print("该数据库中已有企业数据：基准测试需要一个空数据库。", file=sys.stderr)
                return 2
            if not import_all(workdir, SCALES[args.scale], args.seed, results):
                return 1
            statistics_refresh(results)
        timings(results)
        monthly_drafts(results)
        evaluations(results)
        plans_above(results)
        results["load_at_end"] = os.getloadavg()[0]
    finally:
        connection.close()
        if not args.keep and args.reuse is None:
            shutil.rmtree(workdir, ignore_errors=True)

    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def import_all(workdir: Path, factor: float, seed: int, results: dict) -> bool:
    """Generate the files and import them kind by kind, timing each; False when a file had errors."""
    from lianghua.accounts.models import User
    from lianghua.imports.services import import_run

    admin = User.objects.create_user("bench_admin", password="bench-only-pw", role="admin",
                                     is_superuser=True)
    tick = time.perf_counter()
    files = generate(workdir, factor, seed)
    results["generate_s"] = time.perf_counter() - tick
    print(f"生成 {sum(n for _, n in files.values()):,} 行，{results['generate_s']:.1f} 秒（{workdir}）", flush=True)
    for kind in ("enterprises", "enterprise-years", "credentials", "digital-levels", "projects", "progress",
                 "activities"):
        path, rows = files[kind]
        tick = time.perf_counter()
        batch = import_run(kind=kind, path=path, original_name=path.name, by=admin)
        seconds = time.perf_counter() - tick
        if batch.errors:
            print(f"{kind} 导入有错误（{len(batch.errors)}）：", *batch.errors[:10], sep="\n  ", file=sys.stderr)
            return False
        results["imports"][kind] = {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds}
        print(f"导入 {kind:<16} {rows:>10,} 行  {seconds:7.1f} 秒  {rows / seconds:>10,.0f} 行/秒", flush=True)
    return True


def timings(results: dict) -> None:
    """Progress for 海盐县 with its towns, then the dashboard page: medians of RUNS, each printed at once."""
    from django.test import Client
    from django.urls import reverse

    from lianghua.accounts.models import User
    from lianghua.regions.models import Region
    from lianghua.targets.models import Plan
    from lianghua.targets.progress import progress_compute

    plan = Plan.objects.get(code=PLAN)
    county = Region.objects.get(code=COUNTY)
    rows_out: list = []
    results["progress_s"], results["progress_runs"] = _median_time(
        lambda: rows_out.append(progress_compute(plan=plan, region=county, year=YEAR, as_of=AS_OF, children=True)))
    results["progress_targets"] = len(rows_out[-1])
    print(f"目标完成情况（海盐县及9个镇街，{results['progress_targets']} 项目标）：中位数 "
          f"{results['progress_s'] * 1000:.0f} ms", flush=True)

    officer, _ = User.objects.get_or_create(username="bench_haiyan",
                                            defaults={"role": "officer", "region": county})
    client = Client()
    client.force_login(officer)
    url = reverse("targets:dashboard") + f"?plan={PLAN}&region={COUNTY}&year={YEAR}&as_of={AS_OF.isoformat()}"
    statuses: list[int] = []
    results["dashboard_s"], results["dashboard_runs"] = _median_time(
        lambda: statuses.append(client.get(url).status_code))
    if set(statuses) != {200}:
        raise RuntimeError(f"驾驶舱页面返回 {statuses}")
    print(f"驾驶舱页面：中位数 {results['dashboard_s'] * 1000:.0f} ms", flush=True)


def statistics_refresh(results: dict) -> None:
    """On PostgreSQL, ANALYZE after the bulk load, as its manual advises and as autovacuum does by itself a
    minute or so after a load in production: without it the planner guesses row counts of tables that grew
    from empty, and which runs it happened to catch would decide the figures (a run of the province's
    progress took 1.06 s before autovacuum's ANALYZE and 0.60 s after it, in one series). SQLite's planner
    keeps no statistics unless asked, and lianghua never asks, so SQLite is timed as it runs."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tick = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    results["analyze_s"] = time.perf_counter() - tick


def monthly_drafts(results: dict) -> None:
    """Give every county and town of the province the plan targets of 海盐县 and 武原街道, then time the
    month's drafting job over the whole province."""
    from lianghua.bulletins.jobs import draft_run_execute
    from lianghua.bulletins.models import DraftRun, Issue
    from lianghua.regions.models import Region
    from lianghua.targets.models import Plan, Target

    plan, _ = Plan.objects.get_or_create(code="bench-province", defaults={
        "name": "基准测试：全省各县沿用海盐县目标", "start_year": 2024, "end_year": 2026,
        "region": Region.objects.get(depth=0)})
    if not plan.targets.exists():
        def copies(template_code: str, depth: int) -> list:
            template = list(Target.objects.filter(plan__code=PLAN, region__code=template_code, year=2026))
            return [Target(plan=plan, indicator_id=t.indicator_id, region=r, year=2026, basis=t.basis,
                           value=t.value, comparator=t.comparator) for r in Region.objects.filter(depth=depth)
                    for t in template]
        Target.objects.bulk_create(copies(COUNTY, 2) + copies("330424001", 3), batch_size=5000)
    province = Region.objects.get(depth=0)
    tick = time.perf_counter()
    run = draft_run_execute(DraftRun.objects.create(month=DRAFT_MONTH, region=province))
    results["drafts_s"] = time.perf_counter() - tick
    results["drafts"] = Issue.objects.filter(status=Issue.Status.DRAFT, period=f"{DRAFT_MONTH:%Y-%m}").count()
    results["drafts_targets"] = plan.targets.count()
    print(f"全省月度通报草稿：{results['drafts']} 份（{run.message}），{results['drafts_s']:.1f} 秒，"
          f"每份 {results['drafts_s'] / max(results['drafts'], 1):.2f} 秒", flush=True)


MUJUN_SQL = """SELECT y.is_above_scale, COUNT(*), SUM(y.tax_wan), SUM(y.land_mu), SUM(y.value_added_wan),
       SUM(y.energy_tce), SUM(y.pollutant_t), SUM(y.employees), SUM(y.rd_wan), SUM(y.revenue_wan)
FROM enterprises_enterpriseyear y JOIN enterprises_enterprise e ON e.id = y.enterprise_id
WHERE y.year = %s GROUP BY y.is_above_scale"""


CARBON_SQL = """SELECT e.industry_id, COUNT(*), SUM(y.co2_t), SUM(y.value_added_wan), SUM(y.electricity_wan_kwh)
FROM enterprises_enterpriseyear y JOIN enterprises_enterprise e ON e.id = y.enterprise_id
WHERE y.year = %s AND y.is_above_scale GROUP BY e.industry_id"""


def evaluations(results: dict) -> None:
    """亩均效益评价 of every enterprise of the province for YEAR (issue 11 §5), read from the registry and
    scored, against a plain SQL aggregate of the same figures over the same rows in the same run."""
    from django.db import connection

    from lianghua.evaluations.selectors import carbon_compute, mujun_compute
    from lianghua.regions.models import Region

    province = Region.objects.get(depth=0)
    last: list = []

    def evaluate() -> None:
        last.clear()  # each run starts without the one before in memory
        last.append(mujun_compute(province, YEAR))

    results["mujun_s"], results["mujun_runs"] = _median_time(evaluate)
    results["mujun_enterprises"] = len(last[0].results)

    def aggregate() -> None:
        with connection.cursor() as cursor:
            cursor.execute(MUJUN_SQL, [YEAR])
            cursor.fetchall()

    results["mujun_sql_s"], _ = _median_time(aggregate)
    print(f"亩均效益评价（全省 {results['mujun_enterprises']:,} 家企业，{YEAR}年）：中位数 "
          f"{results['mujun_s'] * 1000:.0f} ms；同一数据的 SQL 汇总 {results['mujun_sql_s'] * 1000:.0f} ms"
          f"（{results['mujun_s'] / results['mujun_sql_s']:.1f} 倍）", flush=True)

    def carbon() -> None:
        last.clear()
        last.append(carbon_compute(province, YEAR))

    def carbon_aggregate() -> None:
        with connection.cursor() as cursor:
            cursor.execute(CARBON_SQL, [YEAR])
            cursor.fetchall()

    results["carbon_s"], results["carbon_runs"] = _median_time(carbon)
    results["carbon_enterprises"] = len(last[0].results)
    results["carbon_sql_s"], _ = _median_time(carbon_aggregate)
    print(f"工业碳效评价（全省 {results['carbon_enterprises']:,} 家规上企业）：中位数 {results['carbon_s'] * 1000:.0f} ms；"
          f"SQL 分行业汇总 {results['carbon_sql_s'] * 1000:.0f} ms（{results['carbon_s'] / results['carbon_sql_s']:.1f} 倍）",
          flush=True)


ROLLUP_SQL = """SELECT substr(r.path, 1, 14) AS city,
       SUM(CASE WHEN p.category = 'digital' AND p.actual_start BETWEEN %s AND %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.category = 'green' AND p.actual_start BETWEEN %s AND %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.actual_end BETWEEN %s AND %s THEN COALESCE(p.robots_added, 0) ELSE 0 END)
FROM projects_project p JOIN enterprises_enterprise e ON e.id = p.enterprise_id
JOIN regions_region r ON r.id = e.region_id
WHERE p.stage <> 'terminated' GROUP BY substr(r.path, 1, 14)"""

CREDENTIALS_SQL = """SELECT substr(r.path, 1, 14) AS city, k.code, COUNT(DISTINCT c.enterprise_id)
FROM enterprises_credential c JOIN enterprises_credentialkind k ON k.id = c.kind_id
JOIN enterprises_enterprise e ON e.id = c.enterprise_id JOIN regions_region r ON r.id = e.region_id
WHERE c.granted_on BETWEEN %s AND %s AND c.level_rank >= 2 GROUP BY substr(r.path, 1, 14), k.code"""


def plans_above(results: dict) -> None:
    """Progress of the province with its cities and of 嘉兴市 with its counties, against a hand-written
    SQL aggregate of the registry counts per city over the same year."""
    from django.db import connection

    from lianghua.regions.models import Region
    from lianghua.targets.models import Plan, Target
    from lianghua.targets.progress import progress_compute

    source = Plan.objects.get(code="zhejiang-2022")
    plan, _ = Plan.objects.get_or_create(code="bench-zhejiang", defaults={
        "name": f"基准测试：004 的全省目标移到{YEAR}年", "start_year": YEAR, "end_year": YEAR, "region": source.region})
    if not plan.targets.exists():
        Target.objects.bulk_create([
            Target(plan=plan, indicator_id=t.indicator_id, region_id=t.region_id, year=YEAR, basis=t.basis,
                   value=t.value, comparator=t.comparator, measure=t.measure,
                   base_year=YEAR - 1 if t.base_year else None, source_clause=t.source_clause)
            for t in source.targets.all()])
    province, city = Region.objects.get(depth=0), Region.objects.get(code="330400")
    rows: list = []
    results["province_progress_s"], results["province_progress_runs"] = _median_time(
        lambda: rows.append(progress_compute(plan=plan, region=province, year=YEAR, as_of=AS_OF, children=True,
                                             undecomposed=True)))
    results["province_rows"] = len(rows[-1])
    digital = next(r for r in rows[-1] if r.region_code == province.code and r.indicator == "digital_projects")
    results["province_digital_projects"] = str(digital.actual)
    city_plan = Plan.objects.get(code="jiaxing-2024-2027")
    results["city_progress_s"], results["city_progress_runs"] = _median_time(
        lambda: rows.append(progress_compute(plan=city_plan, region=city, year=YEAR, as_of=AS_OF, children=True,
                                             undecomposed=True)))
    results["city_rows"] = len(rows[-1])
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    sql_digital: list = []

    def aggregate() -> None:
        with connection.cursor() as cursor:
            cursor.execute(ROLLUP_SQL, [start, end] * 3)
            sql_digital[:] = [sum(row[1] or 0 for row in cursor.fetchall())]
            cursor.execute(CREDENTIALS_SQL, [start, end])
            cursor.fetchall()

    results["province_sql_s"], _ = _median_time(aggregate)
    results["province_sql_digital_projects"] = str(sql_digital[0])
    print(f"全省目标完成情况（浙江省及11个市，{results['province_rows']} 行）：中位数 "
          f"{results['province_progress_s'] * 1000:.0f} ms；同年登记数据的 SQL 分市汇总 "
          f"{results['province_sql_s'] * 1000:.0f} ms（{results['province_progress_s'] / results['province_sql_s']:.1f} 倍）；"
          f"数字化改造项目 全省 {digital.actual} 个 / SQL {sql_digital[0]} 个", flush=True)
    print(f"嘉兴市目标完成情况（嘉兴市及下辖县市区，{results['city_rows']} 行）：中位数 "
          f"{results['city_progress_s'] * 1000:.0f} ms", flush=True)


def report(results: dict) -> None:
    def mark(ok: bool) -> str:
        return "达标" if ok else "未达标"

    goal = GOALS["import_rows_per_s"]
    print()
    print(f"基准测试结果（{results['scale']}，{results['database']}，{results['machine']}，"
          f"1分钟平均负载 开始 {results['load_at_start']:.1f} / 结束 {results['load_at_end']:.1f}）")
    print(f"{'项目':<22}{'行数':>12}{'秒':>9}{'行/秒 或 中位数':>18}  目标")
    for kind, figures in results["imports"].items():
        print(
            f"导入 {kind:<17}{figures['rows']:>12,}{figures['seconds']:>9.1f}{figures['rows_per_s']:>18,.0f}  "
            f"≥{goal:,} {mark(figures['rows_per_s'] >= goal)}"
        )
    if results["imports"]:
        total_rows = sum(f["rows"] for f in results["imports"].values())
        total_s = sum(f["seconds"] for f in results["imports"].values())
        print(f"{'导入合计':<21}{total_rows:>12,}{total_s:>9.1f}{total_rows / total_s:>18,.0f}")
    print(
        f"{'目标完成情况（县+镇）':<18}{results['progress_targets']:>12}{'':>9}{results['progress_s'] * 1000:>15.0f} ms  "
        f"<1000 ms {mark(results['progress_s'] < GOALS['progress_s'])}"
    )
    print(
        f"{'驾驶舱页面':<20}{'':>12}{'':>9}{results['dashboard_s'] * 1000:>15.0f} ms  "
        f"<300 ms {mark(results['dashboard_s'] < GOALS['dashboard_s'])}"
    )
    print(
        f"{'全省各县月度通报草稿':<16}{results['drafts']:>12}{results['drafts_s']:>9.1f}"
        f"{results['drafts_s'] / max(results['drafts'], 1):>16.2f} s/份  ≤{GOALS['drafts_s']:.0f} s "
        f"{mark(results['drafts_s'] <= GOALS['drafts_s'])}"
    )
    print(
        f"{'亩均效益评价（全省）':<18}{results['mujun_enterprises']:>12,}{'':>9}{results['mujun_s'] * 1000:>15.0f} ms  "
        f"≤1000 ms {mark(results['mujun_s'] <= GOALS['mujun_s'])}（SQL 汇总 {results['mujun_sql_s'] * 1000:.0f} ms，"
        f"{results['mujun_s'] / results['mujun_sql_s']:.1f} 倍）"
    )
    print(
        f"{'工业碳效评价（全省）':<18}{results['carbon_enterprises']:>12,}{'':>9}{results['carbon_s'] * 1000:>15.0f} ms  "
        f"≤1000 ms {mark(results['carbon_s'] <= GOALS['carbon_s'])}（SQL 汇总 {results['carbon_sql_s'] * 1000:.0f} ms，"
        f"{results['carbon_s'] / results['carbon_sql_s']:.1f} 倍）"
    )
    province_goal = GOALS["province_progress_s"]
    print(
        f"{'全省目标完成情况（省+市）':<16}{results['province_rows']:>12}{'':>9}{results['province_progress_s'] * 1000:>15.0f} ms  "
        f"≤{province_goal * 1000:.0f} ms（PostgreSQL）"
        f"{mark(results['province_progress_s'] <= province_goal) if results['database'] == 'postgresql' else '（本次为 ' + results['database'] + '）'}"
        f"（SQL 分市汇总 {results['province_sql_s'] * 1000:.0f} ms，{results['province_progress_s'] / results['province_sql_s']:.1f} 倍）"
    )
    print(
        f"{'嘉兴市目标完成情况（市+县）':<15}{results['city_rows']:>12}{'':>9}{results['city_progress_s'] * 1000:>15.0f} ms  "
        f"≤{GOALS['city_progress_s'] * 1000:.0f} ms {mark(results['city_progress_s'] <= GOALS['city_progress_s'])}"
    )
    if "generate_s" in results:
        analyzed = f"；导入后 ANALYZE {results['analyze_s']:.1f} 秒" if "analyze_s" in results else ""
        print(f"（生成数据 {results['generate_s']:.1f} 秒；init {results['init_s']:.1f} 秒{analyzed}）")
    print(f"（每项计时取 {RUNS} 次中位数；各次：目标完成情况 "
          f"{', '.join(f'{t * 1000:.0f}' for t in results['progress_runs'])} ms，驾驶舱 "
          f"{', '.join(f'{t * 1000:.0f}' for t in results['dashboard_runs'])} ms）")


if __name__ == "__main__":
    sys.exit(main())
