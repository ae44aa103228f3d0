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

`RegistrySynthesizer` builds single rows (names, credit codes, yearly figures, project lifecycles with
S-curve progress) and is shared with the province-scale benchmark (bench/run.py). The figures are
synthetic, not policy numbers; they are tuned so that county 亩均增加值, 亩均税收 and 全员劳动生产率
land near the plan's targets.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lianghua.enterprises.credit_code import CHARSET, credit_code_check_char

DEMO_PLAN = "haiyan-2024-2026"
DEMO_COUNTY = "330424"  # 海盐县
DEMO_PASSWORD = "demo12345"
DEMO_SEED = 20240409  # the plan's issue date (盐政发〔2024〕12号)
DEMO_ENTERPRISES = 600
ENTERPRISE_YEARS = (2023, 2024, 2025, 2026)

# The import forms (issue 2 §3): the demo writes exactly what an officer would upload.
COLUMNS: dict[str, list[str]] = {
    "enterprises": ["统一社会信用代码", "企业名称", "所属区域", "行业代码"],
    "enterprise-years": ["统一社会信用代码", "年度", "是否规上", "是否重点用能", "营业收入(万元)", "工业增加值(万元)",
                         "税收(万元)", "年均职工人数", "用地面积(亩)", "综合能耗(吨标准煤)", "研发经费(万元)"],
    "credentials": ["统一社会信用代码", "认定类型", "级别", "认定日期", "备注"],
    "digital-levels": ["统一社会信用代码", "数字化水平", "评定日期"],
    "projects": ["项目编号", "项目名称", "统一社会信用代码", "项目类别", "项目子类", "总投资(万元)", "设备投资(万元)",
                 "信息化投资(万元)", "土建投资(万元)", "计划开工日期", "计划竣工日期", "实际开工日期", "实际竣工日期",
                 "验收日期", "项目阶段", "运行状态", "年节能量(吨标准煤)", "节能量已确权", "年减排二氧化碳(吨)", "年节水量(吨)",
                 "新增工业机器人(台)"],
    "progress": ["项目编号", "月份", "累计完成投资(万元)"],
    "activities": ["日期", "所属区域", "类型", "名称", "参加人数"],
}
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

# Haiyan's industries (GB/T 4754 division, weight, words a firm's name uses).
INDUSTRIES: list[tuple[str, float, tuple[str, ...]]] = [
    ("C34", 20, ("紧固件", "标准件", "精密紧固件", "五金紧固件", "阀门", "轴承", "液压件")),
    ("C33", 9, ("五金", "金属制品", "钢结构", "不锈钢制品", "精密冲压")),
    ("C39", 10, ("电子", "光电科技", "电子科技", "微电子", "智能科技")),
    ("C21", 7, ("家居", "智能家居", "木业", "家具")),
    ("C38", 12, ("电器", "电气", "核电设备", "电缆", "新能源科技")),
    ("C35", 7, ("核电装备", "机械装备", "智能装备", "环保设备")),
    ("C22", 5, ("纸业", "特种纸", "包装材料", "纸制品")),
    ("C36", 6, ("汽车零部件", "汽配", "车业")),
    ("C17", 5, ("纺织", "织造", "经编")),
    ("C26", 4, ("化工", "新材料", "精细化工")),
    ("C29", 6, ("塑业", "橡塑", "塑料制品")),
    ("C30", 3, ("建材", "新型建材", "玻璃制品")),
    ("C14", 2, ("食品", "生物科技")),
    ("C27", 1, ("医药", "生物医药")),
    ("C40", 3, ("仪器仪表", "智能仪表", "检测设备")),
]
# Energy used per 万元 of value added (tce), by division: paper, chemicals and building materials are
# the heavy users that make up the 重点用能 list.
ENERGY_INTENSITY = {"C22": 1.4, "C26": 1.2, "C30": 1.0, "C17": 0.55, "C28": 0.9, "C29": 0.35, "C33": 0.3,
                    "C34": 0.22, "C36": 0.2, "C35": 0.15, "C38": 0.15, "C39": 0.1, "C21": 0.12, "C14": 0.25,
                    "C27": 0.3, "C40": 0.08}
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
# Share of a division's 规上 firms that are energy-heavy (the designated 重点用能 list).
HEAVY_SHARE = {"C22": 0.4, "C26": 0.4, "C30": 0.4, "C28": 0.4, "C17": 0.2, "C29": 0.2}
BRAND_WORDS = (
    "华达 恒力 东方 盛泰 永固 金盐 海天 嘉利 宏达 万丰 瑞丰 天成 新安 兴业 博远 明辉 鑫源 金诚 立信 德力 振华 "
    "中恒 海利 百盛 通达 精工 久鼎 汇丰 荣盛 长荣 天马 力达 晨光 海星 丰源 联成 正凯 金汇 富源 宏远 华盛 嘉顺 "
    "秦能 核兴 澉海 南北湖 鼎盛 国盛 协和 新时代 恒泰 远东 兴达 金鹰 美佳 佳和 华美 天力 安信 同力 合力 伟业 "
    "凯达 展鹏 银河 星辰 蓝天 绿源 正大 昌盛 旭日 海龙 飞达 金泰 德赛 巨力 双盛 信达 万通 宝丰 思源 卓越 "
    "博大 新世纪 百顺 恒信 广源 三星 立达 金宇 光大 鸿运 瑞星 大成 祥和 中天 万达 亿丰 天宇 恒达 嘉欣"
).split()
DIGITAL_SUBTYPES = ("生产线智能化改造", "数字化车间建设", "MES系统及设备联网改造", "机器换人技术改造",
                    "智能仓储物流改造", "5G+工业互联网应用", "ERP与供应链协同平台建设", "智能工厂建设")
GREEN_SUBTYPES = ("节能技术改造", "余热余压利用", "屋顶分布式光伏", "清洁生产改造", "节水改造",
                  "电机系统能效提升", "绿色工厂创建", "空压系统节能改造")
STAGE_NAMES = {"reserve": "储备", "pooled": "在库", "in_progress": "在建", "completed": "竣工",
               "accepted": "验收", "evaluated": "评价", "terminated": "终止"}
HEALTH_NAMES = {"normal": "正常", "lagging": "滞后", "stalled": "停滞"}
LEVEL_NAMES = {"county": "县级", "municipal": "市级", "provincial": "省级", "national": "国家级"}
# Starts by month (Jan–Feb quiet around the Spring Festival, spring and autumn busy).
START_MONTH_WEIGHTS = (4, 4, 10, 10, 11, 10, 8, 8, 10, 9, 8, 8)


# ── dates ──────────────────────────────────────────────────────────────────────────────────────────


def month_add(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def last_reported_month(as_of: dt.date) -> dt.date:
    """The 1st of the last month that has ended by `as_of`: only ended months have a report."""
    return month_add(as_of.replace(day=1), -1)


def s_curve(x: float) -> float:
    """Share of a project's investment completed after share `x` of its duration (slow, fast, slow)."""
    x = min(max(x, 0.0), 1.0)
    return x * x * (3 - 2 * x)


def _money(value: float, places: int = 2) -> str:
    return f"{value:.{places}f}"


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"


# ── the row builder shared by the demo and the benchmark ───────────────────────────────────────────


@dataclass
class SyntheticEnterprise:
    credit_code: str
    name: str
    brand: str
    region_code: str
    industry: str
    is_large: bool  # 规上 candidate
    land_factor: float
    years: dict[int, dict] = field(default_factory=dict)  # year -> figures (floats) and flags

    def above_scale(self, year: int) -> bool:
        return bool(self.years.get(year, {}).get("above_scale"))

    def key_energy(self, year: int) -> bool:
        return bool(self.years.get(year, {}).get("key_energy"))


@dataclass
class SyntheticProject:
    row: dict[str, str]
    progress: list[dict[str, str]]
    stage: str
    health: str  # normal | lagging | stalled (the row's 运行状态)


class RegistrySynthesizer:
    """Builds realistic rows one at a time; deterministic for a seed."""

    def __init__(self, *, seed: int, as_of: dt.date):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self._codes: set[str] = set()
        self._names: set[str] = set()
        self._industry_codes = [code for code, _, _ in INDUSTRIES]
        self._industry_weights = [weight for _, weight, _ in INDUSTRIES]
        self._industry_words = {code: words for code, _, words in INDUSTRIES}

    # identities
    def credit_code(self, area: str) -> str:
        """A valid 统一社会信用代码 of a 企业 (91) registered in `area` (GB 32100 check character)."""
        letters = CHARSET
        while True:
            if self.rng.random() < 0.5:  # organisation codes issued since 2015 start with MA
                org = "MA" + "".join(self.rng.choice(letters) for _ in range(7))
            else:
                org = "".join(self.rng.choice("0123456789") for _ in range(9))
            body = f"91{area}{org}"
            code = body + credit_code_check_char(body)
            if code not in self._codes:
                self._codes.add(code)
                return code

    def enterprise(self, *, region_code: str, county_code: str, place: str, land_factor: float = 1.0,
                   large_share: float = 0.5) -> SyntheticEnterprise:
        industry = self.rng.choices(self._industry_codes, self._industry_weights)[0]
        is_large = self.rng.random() < large_share
        for _ in range(50):
            brand = self.rng.choice(BRAND_WORDS)
            word = self.rng.choice(self._industry_words[industry])
            prefix = "浙江" if is_large and self.rng.random() < 0.25 else place
            suffix = "股份有限公司" if is_large and self.rng.random() < 0.2 else "有限公司"
            name = f"{prefix}{brand}{word}{suffix}"
            if name not in self._names:
                break
        else:
            name = f"{place}{brand}{word}{len(self._names)}{suffix}"
        self._names.add(name)
        return SyntheticEnterprise(
            credit_code=self.credit_code(county_code), name=name, brand=brand, region_code=region_code,
            industry=industry, is_large=is_large, land_factor=land_factor,
        )

    # yearly figures
    def enterprise_years(self, ent: SyntheticEnterprise, years: Iterable[int], *, mujun_2023: float = 171.0,
                         productivity_2023: float = 40.5) -> list[dict[str, str]]:
        """Figures for each year, growing from a 2023 base. 规上 = revenue >= 2000万元 (DESIGN §4);
        重点用能 = >= 10,000 tce, or >= 5,000 tce and designated (here: the energy-heavy firms, more often
        in paper, chemicals, building materials, textiles and plastics), ~6–8% of all firms."""
        rng = self.rng
        if ent.is_large:
            revenue = max(2100.0, math.exp(rng.gauss(math.log(9000), 0.95)))
        else:
            revenue = rng.uniform(250, 1950)
        va_rate = rng.uniform(0.17, 0.29)
        tax_rate = rng.uniform(0.16, 0.28)
        land_productivity = mujun_2023 * ent.land_factor * math.exp(rng.gauss(0, 0.25)) * (1 if ent.is_large else 0.55)
        land = max(3.0, revenue * va_rate / land_productivity)
        employees = max(8.0, revenue * va_rate / (productivity_2023 * math.exp(rng.gauss(0, 0.2))))
        intensity = ENERGY_INTENSITY.get(ent.industry, 0.2) * math.exp(rng.gauss(0, 0.35))
        heavy = ent.is_large and rng.random() < HEAVY_SHARE.get(ent.industry, 0.07)
        if heavy:  # at least ~5,500 tce in the first year, so it stays above 5,000 as intensity falls
            intensity = max(intensity, rng.uniform(5500, 30000) / (revenue * va_rate))
        rd_rate = rng.uniform(0.012, 0.045) if ent.is_large else rng.uniform(0.0, 0.02)
        growth = rng.gauss(0.06, 0.05)
        rows = []
        for year in sorted(years):
            if year > 2023:
                revenue *= 1 + growth + rng.gauss(0, 0.04)
                employees *= 1 + rng.gauss(0.035, 0.02)
                intensity *= 0.97  # energy per unit of output falls a little each year
                if rng.random() < 0.05:
                    land *= rng.uniform(1.05, 1.3)  # a new building
            value_added = revenue * va_rate
            energy = value_added * intensity
            above_scale = revenue >= 2000
            key_energy = energy >= 10000 or (energy >= 5000 and heavy)
            ent.years[year] = {"above_scale": above_scale, "key_energy": key_energy, "value_added": value_added,
                               "land": land, "energy": energy}
            rows.append({
                "统一社会信用代码": ent.credit_code, "年度": str(year), "是否规上": _yes_no(above_scale),
                "是否重点用能": _yes_no(key_energy), "营业收入(万元)": _money(revenue),
                "工业增加值(万元)": _money(value_added), "税收(万元)": _money(value_added * tax_rate),
                "年均职工人数": str(round(employees)), "用地面积(亩)": _money(land),
                "综合能耗(吨标准煤)": _money(energy), "研发经费(万元)": _money(revenue * rd_rate),
            })
        return rows

    # projects
    def start_date(self, year: int) -> dt.date:
        month = self.rng.choices(range(1, 13), START_MONTH_WEIGHTS)[0]
        return dt.date(year, month, self.rng.randint(1, 28))

    def project(self, *, code: str, ent: SyntheticEnterprise, category: str, start: dt.date,
                investment_wan: float, energy_tce: float | None = None, months: int | None = None,
                terminate_share: float = 0.03, reports: bool = True) -> SyntheticProject:
        """One project's whole life as of `as_of`: planned dates, what actually happened, its stage,
        health and (unless `reports` is false) the monthly reports: cumulative completed investment on
        an S-curve."""
        rng, as_of = self.rng, self.as_of
        subtype = rng.choice(DIGITAL_SUBTYPES if category == "digital" else GREEN_SUBTYPES)
        duration = months or (rng.randint(4, 12) if category == "digital" else rng.randint(6, 15))
        planned_start = start + dt.timedelta(days=rng.randint(-30, 20))
        planned_end = month_add(planned_start, duration)
        total = max(30.0, investment_wan)
        equipment_share = rng.uniform(0.5, 0.72)
        it_share = rng.uniform(0.12, 0.3) if category == "digital" else rng.uniform(0.02, 0.08)
        civil_share = max(0.0, 1 - equipment_share - it_share) * rng.uniform(0.4, 1.0)
        row = {
            "项目编号": code, "项目名称": f"{ent.brand}{subtype}项目", "统一社会信用代码": ent.credit_code,
            "项目类别": "数字化" if category == "digital" else "绿色化", "项目子类": subtype,
            "总投资(万元)": _money(total), "设备投资(万元)": _money(total * equipment_share),
            "信息化投资(万元)": _money(total * it_share), "土建投资(万元)": _money(total * civil_share),
            "计划开工日期": planned_start.isoformat(), "计划竣工日期": planned_end.isoformat(),
            "实际开工日期": "", "实际竣工日期": "", "验收日期": "", "项目阶段": "", "运行状态": "正常",
            "年节能量(吨标准煤)": "", "节能量已确权": "否", "年减排二氧化碳(吨)": "", "年节水量(吨)": "",
            "新增工业机器人(台)": "",
        }
        if category == "digital" and rng.random() < 0.6:
            row["新增工业机器人(台)"] = str(rng.randint(2, 40))
        if category == "green" and energy_tce is not None:
            row["年节能量(吨标准煤)"] = _money(energy_tce)
            row["年减排二氧化碳(吨)"] = _money(energy_tce * rng.uniform(2.3, 2.7))
            if subtype == "节水改造" or rng.random() < 0.2:
                row["年节水量(吨)"] = _money(rng.uniform(2000, 60000), 0)

        if start > as_of:  # not started yet: in the pool (planned) or still a reserve idea
            stage = "pooled" if rng.random() < 0.7 else "reserve"
            if stage == "reserve":
                row["计划竣工日期"] = ""
            row["项目阶段"] = STAGE_NAMES[stage]
            return SyntheticProject(row=row, progress=[], stage=stage, health="normal")

        row["实际开工日期"] = start.isoformat()
        fate = rng.random()
        delay = 0
        stall_after: int | None = None  # months of work before a stall
        terminated_after: int | None = None
        if fate < terminate_share:
            terminated_after = rng.randint(1, max(1, duration - 1))
        elif fate < 0.72:
            delay = 0
        elif fate < 0.92:
            delay = rng.randint(1, 4)
        else:
            stall_after = rng.randint(1, max(1, duration - 2))
            delay = rng.randint(5, 9)
        span = duration + delay
        actual_end = month_add(start, span) + dt.timedelta(days=rng.randint(-10, 10))
        completion_ratio = rng.uniform(0.93, 1.0)

        if terminated_after is not None:
            stop = month_add(start, terminated_after)
            stage = "terminated" if stop <= as_of else "in_progress"
            health = "normal"
        elif actual_end <= as_of:
            stage = "completed"
            row["实际竣工日期"] = actual_end.isoformat()
            accepted_on = actual_end + dt.timedelta(days=rng.randint(25, 120))
            if accepted_on <= as_of:
                row["验收日期"] = accepted_on.isoformat()
                stage = "evaluated" if accepted_on + dt.timedelta(days=200) <= as_of and rng.random() < 0.5 \
                    else "accepted"
            health = "normal"
        else:
            stage = "in_progress"
            stalled_now = stall_after is not None and month_add(start, stall_after) <= as_of
            health = "stalled" if stalled_now else ("lagging" if as_of > planned_end or delay else "normal")
        row["项目阶段"], row["运行状态"] = STAGE_NAMES[stage], HEALTH_NAMES[health]
        if category == "green" and stage in ("accepted", "evaluated") and energy_tce is not None:
            row["节能量已确权"] = _yes_no(rng.random() < 0.85)

        # Monthly reports from the start month to the last ended month (or the completion month).
        progress = []
        # Months as integers (year * 12 + month - 1): the benchmark builds a million of these.
        first = start.year * 12 + start.month - 1
        last_month = last_reported_month(as_of)
        last = last_month.year * 12 + last_month.month - 1
        end = actual_end.year * 12 + actual_end.month - 1
        if row["实际竣工日期"]:
            last = min(last, end)
        if terminated_after is not None:
            last = min(last, first + terminated_after)
        cumulative = 0.0
        for month in range(first, last + 1) if reports else ():
            index = month - first
            worked = index + 1 if stall_after is None else min(index + 1, stall_after)
            share = s_curve(worked / span) * completion_ratio
            if row["实际竣工日期"] and month == end:
                share = completion_ratio
            cumulative = max(cumulative, round(total * share, 2))
            progress.append({"项目编号": code, "月份": f"{month // 12}-{month % 12 + 1:02d}",
                             "累计完成投资(万元)": _money(cumulative)})
        return SyntheticProject(row=row, progress=progress, stage=stage, health=health)

    def weights(self, n: int, sigma: float = 0.9) -> list[float]:
        """`n` positive shares summing to 1, log-normally spread (a few big projects, many small)."""
        raw = [math.exp(self.rng.gauss(0, sigma)) for _ in range(n)]
        total = sum(raw) or 1.0
        return [w / total for w in raw]

    def date_in(self, year: int) -> dt.date:
        start = dt.date(year, 1, 1)
        return start + dt.timedelta(days=self.rng.randint(0, 364))


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
    from lianghua.targets.models import Target

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
    from lianghua.regions.models import Region

    synth = RegistrySynthesizer(seed=seed, as_of=as_of)
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
                                        "所属区域": code, "行业代码": ent.industry})
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
    with_projects = {row["统一社会信用代码"] for row in rows["projects"]}
    candidates = [e for e in enterprises.get("330424102", []) if e.credit_code in with_projects]
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


def rows_write_csv(kind: str, rows: Iterable[dict[str, str]], path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS[kind])
        writer.writeheader()
        writer.writerows(rows)
    return path


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
    from lianghua.accounts.models import User
    from lianghua.enterprises.models import Enterprise

    return (User.objects.filter(username="admin", role="admin").exists()
            and Enterprise.objects.filter(region__path__startswith=_county_path()).exists())


def _county_path() -> str:
    from lianghua.regions.models import Region

    return Region.objects.get(code=DEMO_COUNTY).path


def demo_load(*, seed: int = DEMO_SEED, as_of: dt.date, size: float = 1.0, log=None) -> dict:
    """Build the demo, import it file by file through the import service, create the demo users.
    Returns {"counts": {kind: rows}, "seconds": {kind: s}, "logins": [DemoLogin], "batches": [...]}.
    Raises DemoImportError listing the first problems when any file has errors."""
    from lianghua.imports.services import import_run

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
                from lianghua.imports.services import problem_text

                shown = "\n".join(f"  {problem_text(e)}" for e in batch.errors[:20])
                raise DemoImportError(f"演示数据 {kind} 导入失败（{len(batch.errors)} 处错误）：\n{shown}")
            batches.append(batch)
            say(f"导入 {kind}：{len(dataset.rows[kind])} 行，{seconds[kind]:.1f} 秒")
    demo_reported_actuals_enter(as_of=as_of, by=admin)
    logins = demo_users_ensure(enterprise_credit_code=dataset.enterprise_user_credit_code)
    return {"counts": dataset.counts(), "seconds": seconds, "logins": logins, "batches": batches,
            "dataset": dataset}


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
    from lianghua.regions.models import Region
    from lianghua.targets.models import Indicator, Plan, ReportedActual
    from lianghua.targets.services import reported_actual_record

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
    from lianghua.accounts.models import User

    admin, created = User.objects.get_or_create(
        username="admin", defaults={"role": User.Role.ADMIN, "is_superuser": True, "is_staff": True,
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
    from lianghua.accounts.models import User
    from lianghua.enterprises.models import Enterprise
    from lianghua.regions.models import Region

    admin = demo_admin_ensure()
    logins = [DemoLogin(admin.username, "管理员", "全部区域")]
    for username, role, region_code, display in DEMO_USERS:
        region = Region.objects.get(code=region_code)
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "region": region, "display_name": display})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        logins.append(DemoLogin(username, User.Role(user.role).label, user.region.name if user.region else ""))
    existing = User.objects.filter(username="qiye").select_related("enterprise").first()
    if existing is None:
        enterprise = (Enterprise.objects.filter(credit_code=enterprise_credit_code).first() if enterprise_credit_code
                      else Enterprise.objects.filter(region__code="330424102").order_by("id").first())
        if enterprise is not None:
            existing = User(username="qiye", role=User.Role.ENTERPRISE, enterprise=enterprise,
                            region=enterprise.region, display_name=f"{enterprise.name}（演示）")
            existing.set_password(DEMO_PASSWORD)
            existing.save()
    if existing is not None:
        logins.append(DemoLogin("qiye", "企业用户", existing.enterprise.name))
    return logins
