"""The import kinds whose rows the project pipeline owns: 改造项目, 项目月度进度, 培训等活动. Each is
declared once here (columns, checks, writer); the imports app runs them (imports/kinds.py,
imports/validation.py).
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from lianghua.core.bulk import FETCH_CHUNK, chunks, existing_by_key, where_in
from lianghua.enterprises.import_kinds import CREDIT, enterprise_resolve, enterprise_verdicts
from lianghua.imports.kinds import (
    BOOLEAN,
    CHOICE,
    CREDIT_CODE,
    DATE,
    DECIMAL,
    INTEGER,
    MONTH,
    TEXT,
    Column,
    ImportKind,
    choices_of,
    import_kind_declare,
)
from lianghua.imports.validation import (
    YUAN_HINT,
    duplicates_check,
    field_taker,
    new_row_required_check,
    region_check,
)

from .invariants import PROJECT_MONEY, cumulative_problems, project_problems
from .models import LOCKED_MESSAGE, Activity, Project, ProjectProgress
from .services import activities_bulk_upsert, project_progress_bulk_upsert, projects_bulk_upsert
from .stages import FIELD_LABELS, STAGE_CHOICES

# Unit slips (docs/imports.md): a figure typed in 元 where the column asks for 万元 is 10,000 times too
# large. The thresholds lie far above any real value and far below the slipped one.
PROJECT_INVESTMENT_YUAN_SLIP_WAN = Decimal("10000000")  # one project's investment ≥ 1000 亿元
PROGRESS_YUAN_SLIP_RATIO = Decimal("1000")  # cumulative completed investment > 1000 × total investment
PROGRESS_OVERRUN_RATIO = Decimal("1.5")  # above this × total investment: a warning, not an error
# A likely slip, below the threshold above: a warning (a real outlier must still import). No seed gives
# this number; we chose it.
PROJECT_MONEY_WARN_WAN = Decimal("100000")  # one project's investment ≥ 10亿元, rare for a renovation
_STORED = (None, None)  # (value, file row) of a month not in the file

PROJECT_CATEGORIES = choices_of(Project.Category.choices)
PROJECT_STAGES = choices_of(STAGE_CHOICES)
PROJECT_HEALTH = choices_of(Project.Health.choices)
ACTIVITY_KINDS = choices_of(Activity.Kind.choices)
# The project list's export (projects/views.py) beside the import's columns, for reading.
PROJECT_EXPORT_ONLY = ("企业名称", "所属区域", "累计完成投资(万元)", "投资完成率", "最近填报月份")


def _project_money(field_name: str, header: str, **kwargs) -> Column:
    return Column(field_name, header, DECIMAL, unit="万元", minimum="0", slip_at=PROJECT_INVESTMENT_YUAN_SLIP_WAN,
                  warn_at=PROJECT_MONEY_WARN_WAN, **kwargs)


# ----------------------------------------------------------------------------------------------------
# The checks

PROJECT_FIELDS = ("name", "category", "subtype", *PROJECT_MONEY, "planned_start", "planned_end", "actual_start",
                  "actual_end", "accepted_on", "stage", "health", "energy_saved_tce", "co2_cut_t", "water_saved_t",
                  "robots_added", "provincial_key_year", "municipal_key_year")


def projects_check(kind, records, scope, result):
    verdicts = enterprise_verdicts(records, scope)
    project_fields = field_taker(PROJECT_FIELDS, result.fields)
    codes = sorted({r["code"] for r in records if r.get("code")})
    stored_paths = {}  # project code -> region path of its enterprise
    for chunk in chunks(codes, FETCH_CHUNK):
        stored_paths.update(where_in(Project.objects.all(), Project, "code", chunk).values_list(
            "code", "enterprise__region__path"))
    # An update is checked as the project will be: the file's cells over the stored values.
    stored = existing_by_key(Project, ("code",), [(code,) for code in stored_paths], ["code", *PROJECT_FIELDS])
    duplicates_check(kind, records, lambda r: (r["code"],) if r.get("code") else None, result)
    for record in records:
        number = record["_row"]
        code = record.get("code")
        current = stored.get((code,))
        if current is None and code:
            new_row_required_check(kind, record, result)
        ref = enterprise_resolve(record, verdicts, result)
        if code in stored_paths and not scope.allows(stored_paths[code]):
            result.error(number, "项目编号", f"项目编号“{code}”已被使用，请换用其他编号")
            continue
        # A cell that failed already has its error.
        for field, message in project_problems({**(current or {}), **record}, skip=record["_bad"]):
            result.error(number, FIELD_LABELS[field], message)
        if record["_bad"] or not code or (ref is None and "credit_code" in record):
            continue
        row = project_fields(record)
        row["code"] = code
        if ref is not None:
            row["enterprise_id"] = ref.id
        if "subtype" in row:
            row["subtype"] = row["subtype"] or ""
        if "health" in row:
            row["health"] = row["health"] or Project.Health.NORMAL  # 清空: back to 正常
        if "energy_saving_verified" in record:
            row["energy_saving_verified"] = bool(record["energy_saving_verified"])
        result.row_add(number, row)


class ProjectRef(NamedTuple):
    id: int
    total_investment_wan: Decimal | None
    region_path: str


def progress_check(kind, records, scope, result):
    known: dict[str, ProjectRef] = {}
    codes = sorted({r["project_code"] for r in records if r.get("project_code")})
    for chunk in chunks(codes, FETCH_CHUNK):
        for code, pk, total, path in where_in(Project.objects.all(), Project, "code", chunk).values_list(
                "code", "id", "total_investment_wan", "enterprise__region__path"):
            known[code] = ProjectRef(pk, total, path)
    # What is stored for the same projects, to check the months around the file's months.
    series: dict[int, dict[datetime.date, tuple[Decimal, int | None]]] = defaultdict(dict)
    locked: set[tuple[int, datetime.date]] = set()  # approved months: changed only after an officer reopens them
    for chunk in chunks(sorted({p.id for p in known.values()}), FETCH_CHUNK):
        for project_id, month, value, is_locked in where_in(ProjectProgress.objects.all(), ProjectProgress,
                                                            "project_id", chunk).values_list(
                "project_id", "month", "cumulative_investment_wan", "locked"):
            series[project_id][month] = (value, None)
            if is_locked:
                locked.add((project_id, month))
    duplicates_check(kind, records, lambda r: (r["project_code"], r["month"])
                     if r.get("project_code") and r.get("month") else None, result)
    header = kind.column("cumulative_investment_wan").header
    # Per project, once: the stored in-scope project or why not; and the investment limits of its reports.
    verdicts: dict[str, ProjectRef | str] = {}
    for code in {r["project_code"] for r in records if r.get("project_code")}:
        ref = known.get(code)
        if ref is None or not scope.allows(ref.region_path):
            verdicts[code] = scope.not_found(f"项目“{code}”（请先导入项目）")
        else:
            verdicts[code] = ref
    limits = {ref.id: (total * PROGRESS_YUAN_SLIP_RATIO, total * PROGRESS_OVERRUN_RATIO)
              for ref in known.values() if (total := ref.total_investment_wan)}
    for record in records:
        code = record.get("project_code")
        if code is None:
            continue
        ref = verdicts[code]
        if type(ref) is str:
            result.error(record["_row"], "项目编号", ref)
            continue
        value, month = record.get("cumulative_investment_wan"), record.get("month")
        months = series[ref.id]
        if value is None or month is None or months.get(month, _STORED)[1] is not None:
            continue  # a cell that failed, or the same month again (a duplicate row: already an error)
        number = record["_row"]
        if (ref.id, month) in locked and months[month][0] != value:
            result.error(number, header, LOCKED_MESSAGE)
            continue
        if ref.id in limits:
            slip, overrun = limits[ref.id]
            total = ref.total_investment_wan
            if value > slip:
                result.error(number, header, f"{value}万元超过总投资（{total}万元）的{PROGRESS_YUAN_SLIP_RATIO}倍，"
                                             f"{YUAN_HINT}")
                continue
            if value > overrun:
                result.warn(number, header, f"超过总投资（{total}万元）的{PROGRESS_OVERRUN_RATIO}倍，请核实")
        months[month] = (value, number)
        result.row_add(number, {"project_id": ref.id, "month": month, "cumulative_investment_wan": value})
    # Cumulative figures never go down (projects/invariants.py): each file row against its neighbours.
    for months in series.values():
        points = [(month, value, number) for month, (value, number) in months.items()]
        for number, message in cumulative_problems(points):
            result.error(number, header, message)



def activities_check(kind, records, scope, result):
    resolved = {}
    for record in records:
        region = region_check(record, scope, result)
        if region is not None:
            resolved[record["_row"]] = region

    def key_of(record):
        region = resolved.get(record["_row"])
        if region is None or not record.get("date") or not record.get("title"):
            return None
        return record["date"], region.pk, record["title"]

    duplicates_check(kind, records, key_of, result)
    stored = existing_by_key(Activity, ("date", "region_id", "title"),
                             [key for key in map(key_of, records) if key is not None], ["date", "region_id", "title"])
    for record in records:
        key = key_of(record)
        if key is None:
            continue
        if key not in stored and not new_row_required_check(kind, record, result):
            continue
        if record["_bad"]:
            continue
        row = {"date": key[0], "region_id": key[1], "title": key[2]}
        for name in ("kind", "attendance"):
            if name in record:
                row[name] = record[name]
        result.row_add(record["_row"], row)




# ----------------------------------------------------------------------------------------------------
# The kinds

PROJECTS = import_kind_declare(ImportKind(
    "projects", "改造项目", 50,
    (
        Column("code", "项目编号", TEXT, required=True, key=True, max_length=40, width=16),
        Column("name", "项目名称", TEXT, required=True, max_length=200, width=34),
        Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, width=22, note=CREDIT.note,
               stored="enterprise_id"),
        Column("category", "项目类别", CHOICE, required=True, choices=PROJECT_CATEGORIES, width=10),
        Column("subtype", "项目子类", TEXT, max_length=64, width=14),
        _project_money("total_investment_wan", "总投资(万元)"),
        _project_money("equipment_investment_wan", "设备投资(万元)"),
        _project_money("it_investment_wan", "信息化投资(万元)", width=16),
        _project_money("civil_investment_wan", "土建投资(万元)"),
        Column("planned_start", "计划开工日期", DATE, width=13),
        Column("planned_end", "计划竣工日期", DATE, width=13),
        Column("actual_start", "实际开工日期", DATE, width=13),
        Column("actual_end", "实际竣工日期", DATE, width=13),
        Column("accepted_on", "验收日期", DATE, width=12),
        Column("stage", "项目阶段", CHOICE, required=True, choices=PROJECT_STAGES, width=10,
               note="在库起须填计划开竣工日期和总投资；在建起须填实际开工日期；竣工起须填实际竣工日期；"
                    "验收起须填验收日期"),
        Column("health", "运行状态", CHOICE, choices=PROJECT_HEALTH, width=10,
               note="留空则保持原状态（新项目为正常）"),
        Column("energy_saved_tce", "年节能量(吨标准煤)", DECIMAL, unit="吨标准煤", minimum="0", width=18),
        Column("energy_saving_verified", "节能量已确权", BOOLEAN, width=12),
        Column("co2_cut_t", "年减排二氧化碳(吨)", DECIMAL, unit="吨", minimum="0", width=18),
        Column("water_saved_t", "年节水量(吨)", DECIMAL, unit="吨", minimum="0"),
        Column("robots_added", "新增工业机器人(台)", INTEGER, unit="台", minimum="0", width=18),
        Column("provincial_key_year", "列入省级重点技改项目年度", INTEGER, minimum="2000", maximum="2100", width=14,
               note="未列入不填"),
        Column("municipal_key_year", "列入市级重点项目年度", INTEGER, minimum="2000", maximum="2100", width=14,
               note="未列入不填"),
    ),
    "项目编号",
    check=projects_check, write=projects_bulk_upsert, model=Project, read_only_headers=PROJECT_EXPORT_ONLY,
    slip_rules=((f"项目投资≥{PROJECT_INVESTMENT_YUAN_SLIP_WAN:,}万元",), (f"项目投资≥{PROJECT_MONEY_WARN_WAN:,}万元",)),
))

PROGRESS = import_kind_declare(ImportKind(
    "progress", "项目月度进度", 60,
    (
        Column("project_code", "项目编号", TEXT, required=True, key=True, width=16, note="须为已导入的项目"),
        Column("month", "月份", MONTH, required=True, key=True, width=10),
        Column("cumulative_investment_wan", "累计完成投资(万元)", DECIMAL, required=True, unit="万元", minimum="0",
               width=18, note="自开工起累计，逐月不减少"),
    ),
    "项目编号 + 月份",
    check=progress_check, write=project_progress_bulk_upsert, model=ProjectProgress,
    slip_rules=((f"累计完成投资超过总投资{PROGRESS_YUAN_SLIP_RATIO}倍",), ()),
))

ACTIVITIES = import_kind_declare(ImportKind(
    "activities", "培训等活动", 70,
    (
        Column("date", "日期", DATE, required=True, key=True, width=12),
        Column("region", "所属区域", TEXT, required=True, key=True, width=16, stored="region_id", note="区划代码、名称或简称（如 武原、开发区）"),
        Column("kind", "类型", CHOICE, required=True, choices=ACTIVITY_KINDS, width=10),
        Column("title", "名称", TEXT, required=True, key=True, max_length=200, width=34),
        Column("attendance", "参加人数", INTEGER, unit="人", minimum="0", width=10),
    ),
    "日期 + 所属区域 + 名称",
    check=activities_check, write=activities_bulk_upsert, model=Activity,
))
