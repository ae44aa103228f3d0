"""The registry synthesiser: realistic import-form rows, one at a time, for the demo and the benchmark.

`RegistrySynthesizer` builds single rows (names, credit codes, yearly figures, project lifecycles with
S-curve progress) with the Chinese headers of the import forms, deterministic for a seed; the Haiyan
demo (`setup/demo.py`) and the province-scale benchmark (bench/run.py) share it. The figures are
synthetic, not policy numbers; they are tuned so that county 亩均增加值, 亩均税收 and 全员劳动生产率
land near the plan's targets.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lianghua.core.months import last_reported_month, month_add
from lianghua.enterprises.credit_code import CHARSET, credit_code_check_char
from lianghua.imports.kinds import import_kind


def form_headers(kind: str) -> list[str]:
    """The headers of an import form, as its template writes them (the demo writes what an officer
    would upload)."""
    return list(import_kind(kind).headers)


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


SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱马胡郭沈钱顾陆"


def contact_of(credit_code: str) -> dict[str, str]:
    """A believable 联系人 and mobile number for a synthetic firm (its own draw: the registry's sequence
    of random numbers stays as it was)."""
    draw = random.Random(credit_code)
    return {"联系人": f"{draw.choice(SURNAMES)}{draw.choice(('先生', '女士', '经理', '主任'))}",
            "联系电话": f"1{draw.choice('35789')}{draw.randint(0, 9)}{draw.randint(10_000_000, 99_999_999)}"}


def production_start(credit_code: str, first_year: int) -> dt.date:
    """When a synthetic firm started production: most long before its first year of figures, about one in
    twenty-five during that year (亩均效益评价 lists a firm in production for less than two years apart).
    Its own draw, as contact_of."""
    draw = random.Random(f"{credit_code}:production")
    if draw.random() < 0.04:
        return dt.date(first_year, draw.randint(1, 9), 1)
    return dt.date(draw.randint(1995, first_year - 3), draw.randint(1, 12), 1)


def evaluation_figures(credit_code: str, year: int, *, value_added: float, energy: float,
                       above_scale: bool) -> dict[str, str]:
    """用电量, 二氧化碳排放 and 主要污染物排放 of a synthetic firm-year, consistent with its energy use: a share
    of the energy (等价值) comes as electricity at about 2.9 tce per 万千瓦时, the rest from fuels at about
    2.6 t CO2 per tce; electricity at the 2022 national grid factor 0.5366 t/MWh. Pollutants are known for
    most 规上 firms only, around the 单位排放增加值 of a published county scheme (黄岩 2022: 4,929.81 万元/吨).
    Its own draw (per firm, then per year), so the registry's other figures stay as they were."""
    firm = random.Random(f"{credit_code}:evaluation")
    electric_share = firm.uniform(0.4, 0.85)
    pollutant_productivity = 4929.81 * math.exp(firm.gauss(0, 0.7))
    reports_pollutants = above_scale and firm.random() < 0.85
    year_draw = random.Random(f"{credit_code}:evaluation:{year}")
    electricity = energy * electric_share / 2.9 * math.exp(year_draw.gauss(0, 0.05))
    co2 = electricity * 10 * 0.5366 + energy * (1 - electric_share) * 2.6
    row = {"用电量(万千瓦时)": _money(electricity), "二氧化碳排放(吨)": _money(co2) if above_scale else ""}
    row["主要污染物排放(吨)"] = _money(value_added / pollutant_productivity, 3) if reports_pollutants else ""
    return row


def report_arrival(seed: int, code: str, month: dt.date, deadline_day: int) -> dt.datetime:
    """When a project's report for `month` comes in (local time, naive): most in the first days of the
    next month, about one in eight after the deadline. Deterministic for (seed, project, month)."""
    draw = random.Random(f"{seed}:{code}:{month:%Y-%m}")
    day = draw.randint(1, deadline_day) if draw.random() < 0.88 else draw.randint(deadline_day + 1, 20)
    arrives = month_add(month.replace(day=1), 1).replace(day=day)
    return dt.datetime(arrives.year, arrives.month, arrives.day, draw.randint(8, 17), draw.randint(0, 59))


class RegistrySynthesizer:
    """Builds realistic rows one at a time; deterministic for a seed."""

    def __init__(self, *, seed: int, as_of: dt.date, report_deadline_day: int = 5):
        self.rng = random.Random(seed)
        self.seed = seed
        self.as_of = as_of
        self.report_deadline_day = report_deadline_day
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
                **evaluation_figures(ent.credit_code, year, value_added=value_added, energy=energy,
                                     above_scale=above_scale),
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
        if reports and first <= last == last_month.year * 12 + last_month.month - 1:
            # The last ended month is reported early in this one: a report not come yet is not there.
            arrival = report_arrival(self.seed, code, last_month, self.report_deadline_day)
            if arrival.date() > as_of:
                last -= 1
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


def rows_write_csv(kind: str, rows: Iterable[dict[str, str]], path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=form_headers(kind))
        writer.writeheader()
        writer.writerows(rows)
    return path

