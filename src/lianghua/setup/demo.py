"""Synthetic demo data for 海盐县 (issue 2 §6), written through the real import path.

The demo is a set of import files an officer could have uploaded: enterprises, their yearly figures,
credentials, digital levels, projects with monthly reports, and trainings, as CSV with the Chinese
headers of the import forms (issue 2 §3). `demo_load` writes them to a temporary directory and runs
each through `lianghua.imports.services.import_run`, so the demo exercises the same validation,
audit trail and batches as real data.

How much each town achieves is steered by its *pace*: the share of its yearly targets (read from the
loaded plan `haiyan-2024-2026`, never restated here) that its synthetic records reach. Paces are chosen
so the dashboard shows a believable mix: 开发区, 秦山, 百步, 通元 ahead, 望海, 武原, 于城 somewhat
behind, 沈荡 and 澉浦 seriously behind. Everything is dated on or before the as-of date: monthly
reports only for months that have ended, acceptances and credentials only in the past.

The rows come from `setup/synthesis.py` (shared with the benchmark).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from lianghua.accounts.models import User
from lianghua.accounts.roles import ADMIN, ROLES
from lianghua.enterprises.models import Enterprise
from lianghua.imports.services import import_run, problem_text
from lianghua.projects.models import ProjectProgress
from lianghua.regions.models import Region
from lianghua.targets.models import Indicator, Plan, ReportedActual, Target
from lianghua.targets.services import reported_actual_record

from .synthesis import (
    LEVEL_NAMES,
    RegistrySynthesizer,
    SyntheticEnterprise,
    contact_of,
    production_start,
    report_arrival,
    rows_write_csv,
)

DEMO_PLAN = "haiyan-2024-2026"
DEMO_COUNTY = "330424"  # 海盐县
DEMO_PASSWORD = "demo12345"
DEMO_SEED = 20240409  # the plan's issue date (盐政发〔2024〕12号)
DEMO_ENTERPRISES = 600
ENTERPRISE_YEARS = (2023, 2024, 2025, 2026)
IMPORT_ORDER = ("enterprises", "enterprise-years", "credentials", "digital-levels", "projects", "progress",
                "activities")

# Share of its yearly targets each town's synthetic records reach (>= 1 ahead, < 0.8 seriously behind).
TOWN_PACE: dict[str, float] = {
    "330424001": 0.90,  # 武原街道
    "330424002": 1.10,  # 西塘桥街道 = 海盐经济开发区
    "330424004": 1.06,  # 秦山街道
    "330424005": 0.94,  # 望海街道
    "330424101": 0.74,  # 沈荡镇
    "330424102": 1.04,  # 百步镇
    "330424103": 0.86,  # 于城镇
    "330424105": 0.60,  # 澉浦镇
    "330424106": 1.25,  # 通元镇
}
# Programme momentum by start year: a strong first year, a slower second one.
YEAR_PACE = {2023: 1.0, 2024: 1.06, 2025: 0.97, 2026: 1.0}
# Land productivity of each town relative to the county (the zone's plants are the most productive).
TOWN_LAND_FACTOR: dict[str, float] = {
    "330424001": 1.00, "330424002": 1.18, "330424004": 1.12, "330424005": 1.05, "330424101": 0.85,
    "330424102": 0.92, "330424103": 0.86, "330424105": 0.82, "330424106": 0.78,
}

# County-wide honours (kind, level, held before the plan, granted 2024–2026): synthetic counts chosen so
# the 2026 text targets of the plan show a mix (most somewhat short, the benchmarks done).
COUNTY_HONOURS = (
    ("未来工厂（试点）", "provincial", 1, 2),
    ("智能制造示范工厂", "national", 0, 1),
    ("工业互联网平台", "provincial", 6, 7),
    ("云上企业", "provincial", 3, 4),
    ("数字化改造标杆企业", "municipal", 2, 9),
    ("节水型企业", "municipal", 4, 8),
    ("节水标杆企业", "provincial", 0, 1),
    ("企业研究院", "provincial", 18, 9),
    ("工业设计中心", "provincial", 3, 2),
    ("服务型制造示范", "provincial", 1, 2),
)


# ── the Haiyan demo ────────────────────────────────────────────────────────────────────────────────


@dataclass
class DemoDataset:
    rows: dict[str, list[dict[str, str]]]
    enterprise_user_credit_code: str
    as_of: dt.date

    def counts(self) -> dict[str, int]:
        return {kind: len(self.rows[kind]) for kind in IMPORT_ORDER}


def plan_increments(plan_code: str = DEMO_PLAN, county_code: str = DEMO_COUNTY) -> dict[str, dict[str, dict[int, float]]]:
    """indicator → town code → year → the town's target for that year alone (the annex is cumulative
    “到20XX年”, so each year's share is its figure minus the year before). Read from the loaded plan."""
    targets = (Target.objects.filter(plan__code=plan_code, region__parent__code=county_code, basis="cumulative",
                                     value__isnull=False)
               .select_related("indicator", "region"))
    cumulative: dict[str, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for target in targets:
        cumulative[target.indicator.code][target.region.code][target.year] = float(target.value)
    if not cumulative:
        raise LookupError(f"未找到方案 {plan_code} 的镇（街道）分解目标，请先运行 lianghua init")
    increments: dict[str, dict[str, dict[int, float]]] = {}
    for indicator, by_town in cumulative.items():
        increments[indicator] = {}
        for town, by_year in by_town.items():
            previous = 0.0
            increments[indicator][town] = {}
            for year in sorted(by_year):
                increments[indicator][town][year] = max(0.0, by_year[year] - previous)
                previous = by_year[year]
    return increments


def _spread(total: int, weights: dict[str, float]) -> dict[str, int]:
    """`total` split over the keys in proportion to `weights`, by largest remainder (sums exactly)."""
    whole = sum(weights.values())
    exact = {key: total * w / whole for key, w in weights.items()}
    result = {key: int(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda k: exact[k] - result[k], reverse=True)[: total - sum(result.values())]:
        result[key] += 1
    return result


def demo_dataset_build(*, seed: int = DEMO_SEED, as_of: dt.date, size: float = 1.0) -> DemoDataset:
    """Every row of the demo, as import-form rows. Needs the regions and the plan loaded (lianghua init).
    `size` scales the number of enterprises and projects (1.0 = 600 enterprises, ~880 projects)."""
    synth = RegistrySynthesizer(seed=seed, as_of=as_of, report_deadline_day=settings.LIANGHUA_REPORT_DEADLINE_DAY)
    rng = synth.rng
    increments = plan_increments()
    towns = list(Region.objects.filter(parent__code=DEMO_COUNTY, disabled_on__isnull=True).order_by("code"))
    town_codes = [t.code for t in towns if t.code in TOWN_PACE]
    plan_years = sorted(next(iter(increments["digital_projects"].values())))
    # Enterprises spread like the annex's digital-project weights (开发区 biggest, 通元 smallest).
    final_year = plan_years[-1]
    weights = {code: sum(increments["digital_projects"][code].values()) for code in town_codes}
    per_town = _spread(round(DEMO_ENTERPRISES * size), weights)

    rows: dict[str, list[dict[str, str]]] = {kind: [] for kind in IMPORT_ORDER}
    enterprises: dict[str, list[SyntheticEnterprise]] = {}
    for code in town_codes:
        enterprises[code] = []
        for _ in range(per_town[code]):
            ent = synth.enterprise(region_code=code, county_code=DEMO_COUNTY, place="海盐",
                                   land_factor=TOWN_LAND_FACTOR.get(code, 1.0))
            enterprises[code].append(ent)
            rows["enterprises"].append({"统一社会信用代码": ent.credit_code, "企业名称": ent.name,
                                        "所属区域": code, "行业代码": ent.industry, **contact_of(ent.credit_code),
                                        "投产日期": production_start(ent.credit_code, ENTERPRISE_YEARS[0]).isoformat()})
            rows["enterprise-years"] += synth.enterprise_years(ent, ENTERPRISE_YEARS)

    def pace(code: str, year: int, jitter: float = 0.0) -> float:
        return TOWN_PACE[code] * YEAR_PACE.get(year, 1.0) * (1 + rng.uniform(-jitter, jitter))

    # Projects: per town and start year, as many as its target × pace; 2023 starts fill the pipeline
    # the plan's first year inherits. Starts after `as_of` stay in the pool (在库/储备).
    sequence: Counter[str] = Counter()
    start_years = [plan_years[0] - 1, *plan_years]
    for code in town_codes:
        large = [e for e in enterprises[code] if e.is_large] or enterprises[code]
        for year in start_years:
            target_year = max(year, plan_years[0])
            counts = {}
            for category, indicator in (("digital", "digital_projects"), ("green", "green_projects")):
                counts[category] = round(increments[indicator][code][target_year] * pace(code, year) * size)
            # Some of a year's investment lands the next year, some never (shortfalls, stalls, terminations):
            # start ~8% more than the target so completed investment tracks it.
            budget_wan = increments["investment"][code][target_year] * 1e4 * pace(code, year, 0.05) * size * 1.08
            energy_budget_tce = increments["energy_saved"][code][target_year] * 1e4 * pace(code, year, 0.05) * size
            n_projects = counts["digital"] + counts["green"]
            if not n_projects:
                continue
            shares = synth.weights(n_projects)
            green_shares = synth.weights(counts["green"], 0.6) if counts["green"] else []
            for i in range(n_projects):
                category = "digital" if i < counts["digital"] else "green"
                # Mostly 规上 firms invest; a few small ones too.
                ent = rng.choice(large if rng.random() < 0.85 else enterprises[code])
                sequence[f"{year}{category}"] += 1
                project_code = f"HY{year}{'SZ' if category == 'digital' else 'LS'}{sequence[f'{year}{category}']:04d}"
                energy = None
                if category == "green":
                    # Verified savings are ~85% of accepted ones, so plan the savings 1/0.85 higher.
                    energy = energy_budget_tce * green_shares[i - counts["digital"]] / 0.85
                project = synth.project(code=project_code, ent=ent, category=category, start=synth.start_date(year),
                                        investment_wan=budget_wan * shares[i], energy_tce=energy)
                rows["projects"].append(project.row)
                rows["progress"] += project.progress
        # A few ideas in the reserve for next year.
        for _ in range(max(1, round(3 * size * TOWN_PACE[code]))):
            ent = rng.choice(large)
            sequence["reserve"] += 1
            category = rng.choice(("digital", "digital", "green"))
            project = synth.project(code=f"HY{final_year + 1}CB{sequence['reserve']:04d}", ent=ent, category=category,
                                    start=synth.start_date(final_year + 1), investment_wan=rng.uniform(200, 3000),
                                    energy_tce=rng.uniform(100, 800) if category == "green" else None)
            rows["projects"].append(project.row)

    _credentials_and_levels(synth, enterprises, increments, plan_years, rows)
    _activities(synth, town_codes, increments, plan_years, rows)

    # The enterprise user's firm: a 百步镇 firm with projects (so its own page has something to show).
    # The demo's enterprise user is a 百步镇 firm with a project under construction, so it has a month to report.
    building = {row["统一社会信用代码"] for row in rows["projects"] if row["项目阶段"] == "在建"}
    with_projects = {row["统一社会信用代码"] for row in rows["projects"]}
    town = enterprises.get("330424102", [])
    candidates = ([e for e in town if e.credit_code in building]
                  or [e for e in town if e.credit_code in with_projects])
    chosen = (candidates or [e for town in enterprises.values() for e in town])[0]
    return DemoDataset(rows=rows, enterprise_user_credit_code=chosen.credit_code, as_of=as_of)


def _cut(day: dt.date, as_of: dt.date) -> dt.date | None:
    return day if day <= as_of else None


def _credentials_and_levels(synth: RegistrySynthesizer, enterprises: dict[str, list[SyntheticEnterprise]],
                            increments, plan_years: list[int], rows) -> None:
    rng, as_of = synth.rng, synth.as_of
    credentials, levels = rows["credentials"], rows["digital-levels"]

    held: set[tuple[str, str, str]] = set()  # one row per enterprise × kind × level (an upgrade is a new level)

    def grant(ent: SyntheticEnterprise, kind: str, level: str, day: dt.date | None, note: str = "") -> None:
        if day is not None and day <= as_of and (ent.credit_code, kind, level) not in held:
            held.add((ent.credit_code, kind, level))
            credentials.append({"统一社会信用代码": ent.credit_code, "认定类型": kind, "级别": LEVEL_NAMES[level],
                                "认定日期": day.isoformat(), "备注": note})

    def year_end(year: int) -> dt.date:
        return dt.date(year, 12, 31)

    for code, firms in enterprises.items():
        pace = TOWN_PACE[code]
        large = [e for e in firms if e.is_large]
        # Digital level: each 规上 firm reaches 2.0 when the town's coverage curve passes its rank, so
        # the share at 2.0+ grows ~45% (2023) → ~60% (2024) → ~80% (2025), scaled by the town's pace.
        coverage = {2023: 0.45, 2024: min(0.95, 0.6 * pace), 2025: min(0.95, 0.8 * pace),
                    2026: min(0.97, 0.86 * pace)}
        ranks = [(i + 0.5) / max(1, len(large)) for i in range(len(large))]
        rng.shuffle(ranks)
        for ent, u in zip(large, ranks, strict=True):
            first = dt.date(2022, rng.randint(3, 11), rng.randint(1, 28))
            reached = next((y for y in sorted(coverage) if u < coverage[y]), None)
            if reached == 2023:
                levels.append(_level_row(ent, rng.choice(("2.0", "2.1", "2.3", "2.5")), first))
            else:
                levels.append(_level_row(ent, rng.choice(("1.2", "1.5", "1.6", "1.8")), first))
                if reached is not None:
                    day = dt.date(reached, rng.randint(2, 11), rng.randint(1, 28))
                    if day > as_of:
                        day = as_of - dt.timedelta(days=rng.randint(1, 60))
                    levels.append(_level_row(ent, rng.choice(("2.0", "2.0", "2.2", "2.4")), day))
            if reached in (2023, 2024) and rng.random() < 0.3:
                day = _cut(dt.date(2025 + rng.randint(0, 1), rng.randint(3, 10), rng.randint(1, 28)), as_of)
                if day:
                    levels.append(_level_row(ent, rng.choice(("2.8", "3.0", "3.2", "3.5")), day))
        for ent in firms:
            if not ent.is_large and rng.random() < 0.4:
                levels.append(_level_row(ent, rng.choice(("1.0", "1.2", "1.5", "2.0")),
                                         dt.date(rng.randint(2022, 2025), rng.randint(2, 11), rng.randint(1, 28))))

        # Digital ladder 数字化车间 → 智能工厂 → 未来工厂 among the stronger 规上 firms.
        for ent in large:
            r = rng.random()
            if r < 0.22:
                grant(ent, "数字化车间", rng.choice(("municipal", "municipal", "provincial")),
                      dt.date(rng.randint(2019, 2026), rng.randint(3, 12), rng.randint(1, 28)))
            if r < 0.07:
                grant(ent, "智能工厂", rng.choice(("municipal", "provincial")),
                      dt.date(rng.randint(2021, 2026), rng.randint(3, 12), rng.randint(1, 28)))

        # Green factories: 重点用能 firms get a 市级+ one when the town's curve (~20% before the plan,
        # then 30/45/60% × pace) passes their rank; some later rise to 省级 / 国家级.
        key = [e for e in firms if any(e.key_energy(y) for y in plan_years)]
        green_curve = {2023: 0.2, 2024: 0.3 * pace, 2025: 0.45 * pace, 2026: 0.62 * pace}
        ranks = [(i + 0.5) / max(1, len(key)) for i in range(len(key))]
        rng.shuffle(ranks)
        for ent, u in zip(key, ranks, strict=True):
            reached = next((y for y in sorted(green_curve) if u < green_curve[y]), None)
            if reached is None:
                if rng.random() < 0.4:
                    grant(ent, "绿色工厂", "county", dt.date(rng.randint(2020, 2025), rng.randint(3, 12), 10))
                continue
            year = reached if reached > 2023 else rng.randint(2019, 2023)
            grant(ent, "绿色工厂", "municipal", dt.date(year, rng.randint(2, 11), rng.randint(1, 28)))
            if rng.random() < 0.35:
                grant(ent, "绿色工厂", "provincial", _cut(dt.date(min(year + rng.randint(1, 2), 2026),
                                                               rng.randint(3, 11), 20), as_of))
            if rng.random() < 0.12:
                grant(ent, "绿色工厂", "national", _cut(dt.date(min(year + 2, 2026), rng.randint(3, 10), 15), as_of))
        for ent in large:
            if ent not in key and rng.random() < 0.06:
                grant(ent, "绿色工厂", rng.choice(("county", "municipal")),
                      dt.date(rng.randint(2019, 2026), rng.randint(3, 11), rng.randint(1, 28)))

        # New 市级+ technology centres and 清洁生产审核 per year: the town's yearly target × pace.
        pool = large[:]
        rng.shuffle(pool)
        for ent in pool[: max(0, round(len(pool) * 0.12))]:  # centres that predate the plan
            grant(ent, "企业技术中心", rng.choice(("municipal", "municipal", "provincial")),
                  dt.date(rng.randint(2019, 2023), rng.randint(3, 12), rng.randint(1, 28)))
        fresh = [e for e in pool[round(len(pool) * 0.12):]]
        for year in plan_years:
            for _ in range(round(increments["tech_centers"][code][year] * pace * YEAR_PACE[year])):
                if fresh:
                    grant(fresh.pop(), "企业技术中心", "municipal", synth.date_in(year))
        for ent in pool[: max(0, round(len(pool) * 0.05))]:  # upgrades of existing centres are not new
            grant(ent, "企业技术中心", "provincial", _cut(synth.date_in(rng.choice(plan_years)), as_of))
        for ent in pool[-3:]:
            grant(ent, "企业技术中心", "county", synth.date_in(rng.choice(plan_years)))

        audited = [e for e in firms if e.is_large and e not in fresh]
        rng.shuffle(audited)
        yearly = increments["clean_production_audits"][code][plan_years[0]]  # the annex's yearly split
        for year in plan_years:
            for _ in range(round(yearly * pace * YEAR_PACE[year] + rng.uniform(-0.3, 0.3))):
                if audited:
                    grant(audited.pop(), "清洁生产审核", rng.choice(("municipal", "municipal", "provincial")),
                          synth.date_in(year))
        for ent in audited[:2]:
            grant(ent, "清洁生产审核", "municipal", dt.date(rng.randint(2019, 2023), 6, 18))

    # County-wide honours behind the 2026 targets of the plan's text (future factories, platforms,
    # cloud enterprises, benchmarks, water saving, research institutes, design centres): a few held
    # before the plan, more granted since, most of them short of their 2026 target as of late 2026.
    firms = sorted((e for town in enterprises.values() for e in town if e.is_large),
                   key=lambda e: -e.years[2025]["value_added"])
    strongest = firms[: max(1, len(firms) // 3)]
    for kind, level, before_plan, in_plan in COUNTY_HONOURS:
        chosen = rng.sample(strongest, min(len(strongest), round((before_plan + in_plan) * size_of(firms))))
        for index, ent in enumerate(chosen):
            year = rng.randint(2019, 2023) if index < before_plan else rng.choice(plan_years)
            grant(ent, kind, level, synth.date_in(year))


def size_of(large_firms: list) -> float:
    """The demo's scale relative to the full 600 firms (≈ 300 of them 规上)."""
    return min(1.0, len(large_firms) / 300)


def _level_row(ent: SyntheticEnterprise, level: str, day: dt.date) -> dict[str, str]:
    return {"统一社会信用代码": ent.credit_code, "数字化水平": level, "评定日期": day.isoformat()}


def _activities(synth: RegistrySynthesizer, town_codes: list[str], increments, plan_years: list[int], rows) -> None:
    """Trainings per town and year (the annex's yearly split × pace), county-wide ones, and a few
    diagnosis days and site meetings that the training target does not count."""
    rng, as_of = synth.rng, synth.as_of
    topics = ("数字化改造政策解读", "智能制造诊断服务", "工业互联网应用", "绿色工厂创建", "节能降碳技术",
              "清洁生产审核实务", "数据安全与上云", "“两化”改造项目申报")
    seen: set[tuple[str, str, str]] = set()

    def add(day: dt.date, region: str, kind: str, title: str) -> None:
        if day > as_of or (day.isoformat(), region, title) in seen:
            return
        seen.add((day.isoformat(), region, title))
        rows["activities"].append({"日期": day.isoformat(), "所属区域": region, "类型": kind, "名称": title,
                                   "参加人数": str(rng.randint(25, 160))})

    for year in plan_years:
        for code in town_codes:
            n = round(increments["trainings"][code][year] * TOWN_PACE[code] * YEAR_PACE[year] + rng.uniform(-0.2, 0.2))
            for i in range(n):
                add(synth.date_in(year), code, "培训", f"{year}年{rng.choice(topics)}培训（第{i + 1}期）")
            if rng.random() < 0.3:
                add(synth.date_in(year), code, "诊断", f"{year}年企业数字化诊断服务日")
        for i in range(2):
            add(synth.date_in(year), DEMO_COUNTY, "培训", f"{year}年全县“两化”改造专题培训（第{i + 1}期）")
        add(synth.date_in(year), DEMO_COUNTY, "现场会", f"{year}年全县“两化”改造现场推进会")


def demo_files_write(dataset: DemoDataset, directory: Path) -> dict[str, Path]:
    """One CSV per kind (UTF-8 with BOM, as Excel saves it), named like the import forms."""
    return {kind: rows_write_csv(kind, dataset.rows[kind], directory / f"demo-{kind}.csv") for kind in IMPORT_ORDER}


# ── loading and users ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_label: str
    scope: str
    password: str = DEMO_PASSWORD


class DemoImportError(RuntimeError):
    """A demo file did not import cleanly: the generator and the import rules disagree."""


def demo_present() -> bool:
    """Demo data exists when the demo's administrator and some 海盐县 enterprise do."""
    return (User.objects.filter(username="admin", role="admin").exists()
            and Enterprise.objects.filter(region__path__startswith=_county_path()).exists())


def _county_path() -> str:
    return Region.objects.get(code=DEMO_COUNTY).path


def demo_load(*, seed: int = DEMO_SEED, as_of: dt.date, size: float = 1.0, log=None) -> dict:
    """Build the demo, import it file by file through the import service, create the demo users.
    Returns {"counts": {kind: rows}, "seconds": {kind: s}, "logins": [DemoLogin], "batches": [...]}.
    Raises DemoImportError listing the first problems when any file has errors."""

    say = log or (lambda text: None)
    started = time.perf_counter()
    admin = demo_admin_ensure()
    dataset = demo_dataset_build(seed=seed, as_of=as_of, size=size)
    say(f"生成数据 {time.perf_counter() - started:.1f} 秒")
    seconds: dict[str, float] = {}
    batches = []
    with tempfile.TemporaryDirectory(prefix="lianghua-demo-") as tmp:
        paths = demo_files_write(dataset, Path(tmp))
        for kind in IMPORT_ORDER:
            tick = time.perf_counter()
            batch = import_run(kind=kind, path=paths[kind], original_name=paths[kind].name, by=admin)
            seconds[kind] = time.perf_counter() - tick
            if batch.errors:

                shown = "\n".join(f"  {problem_text(e)}" for e in batch.errors[:20])
                raise DemoImportError(f"演示数据 {kind} 导入失败（{len(batch.errors)} 处错误）：\n{shown}")
            batches.append(batch)
            say(f"导入 {kind}：{len(dataset.rows[kind])} 行，{seconds[kind]:.1f} 秒")
    demo_report_times_set(seed=seed)
    demo_reported_actuals_enter(as_of=as_of, by=admin)
    logins = demo_users_ensure(enterprise_credit_code=dataset.enterprise_user_credit_code)
    return {"counts": dataset.counts(), "seconds": seconds, "logins": logins, "batches": batches,
            "dataset": dataset}


def demo_report_times_set(*, seed: int) -> None:
    """When each demo report came in (synthesis.report_arrival: most by the deadline, some late), so the
    填报情况 page reads like a real month; reports that had not come by the demo's date were never made."""
    shanghai = timezone.get_default_timezone()
    reports = list(ProjectProgress.objects.select_related("project").only("id", "month", "project__code"))
    for report in reports:
        arrival = report_arrival(seed, report.project.code, report.month, settings.LIANGHUA_REPORT_DEADLINE_DAY)
        report.reported_at = arrival.replace(tzinfo=shanghai)
    ProjectProgress.objects.bulk_update(reports, ["reported_at"], batch_size=2000)


# 填报值 for indicators the registry cannot count (indicator, year, value, as-of, source). Synthetic;
# 绿色园区 is left unreported on purpose, so the dashboard shows what 无数据 looks like.
DEMO_REPORTED = (
    ("loans", 2024, "23.6", dt.date(2025, 1, 20), "县金融发展服务中心2024年12月报（演示）"),
    ("loans", 2025, "18.4", dt.date(2026, 1, 18), "县金融发展服务中心2025年12月报（演示）"),
    ("loans", 2026, "15.2", dt.date(2026, 11, 12), "县金融发展服务中心2026年10月报（演示）"),
    ("green_product_certs", 2026, "32", dt.date(2026, 9, 30), "县市场监管局绿色产品认证统计（演示）"),
    ("segment_renovations", 2026, "1", dt.date(2026, 6, 30), "县经信局细分行业改造验收（演示）"),
)


def demo_reported_actuals_enter(*, as_of: dt.date, by) -> int:
    """Enter the demo's 填报值 dated on or before `as_of` through the targets service (once each)."""
    plan = Plan.objects.get(code=DEMO_PLAN)
    county = Region.objects.get(code=DEMO_COUNTY)
    entered = 0
    for code, year, value, day, source in DEMO_REPORTED:
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None or day > as_of or ReportedActual.objects.filter(
                plan=plan, indicator=indicator, region=county, year=year, as_of=day, source=source).exists():
            continue
        reported_actual_record(plan=plan, indicator=indicator, region=county, year=year, value=value, as_of=day,
                               source=source, by=by)
        entered += 1
    return entered


def demo_admin_ensure():
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"role": ADMIN.code, "is_superuser": True, "is_staff": True,
                                    "display_name": "演示管理员"})
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    return admin


DEMO_USERS = (  # username, role, region code, display name
    ("haiyan", "officer", DEMO_COUNTY, "海盐县经信局（演示）"),
    ("baibu", "officer", "330424102", "百步镇经发办（演示）"),
    ("wuyuan", "officer", "330424001", "武原街道经发办（演示）"),
    ("lingdao", "leader", DEMO_COUNTY, "海盐县领导（演示，只读）"),
)


def demo_users_ensure(*, enterprise_credit_code: str | None = None) -> list[DemoLogin]:
    """The demo accounts (created once, with the fixed demo password), as logins to print."""
    admin = demo_admin_ensure()
    logins = [DemoLogin(admin.username, "管理员", "全部区域")]
    for username, role, region_code, display in DEMO_USERS:
        region = Region.objects.get(code=region_code)
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "region": region, "display_name": display})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        logins.append(DemoLogin(username, ROLES[user.role].label, user.region.name if user.region else ""))
    existing = User.objects.filter(username="qiye").select_related("enterprise").first()
    if existing is None:
        enterprise = (Enterprise.objects.filter(credit_code=enterprise_credit_code).first() if enterprise_credit_code
                      else Enterprise.objects.filter(region__code="330424102").order_by("id").first())
        if enterprise is not None:
            existing = User(username="qiye", role="enterprise", enterprise=enterprise,
                            region=enterprise.region, display_name=f"{enterprise.name}（演示）")
            existing.set_password(DEMO_PASSWORD)
            existing.save()
    if existing is not None:
        logins.append(DemoLogin("qiye", "企业用户", existing.enterprise.name))
    return logins
