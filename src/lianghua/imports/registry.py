"""What each import kind reads: one declarative definition per kind (issue 2 §3).

The template writer, the reader, the validator, docs/imports.md and the import page all read these
definitions, so a header, a unit or an allowed value is stated exactly once.
"""

from dataclasses import dataclass, field

from lianghua.projects.stages import STAGES

# Column types. The reader coerces every cell by its column's type (python-calamine returns whole
# numbers as floats and dates as date/datetime; CSV gives text).
TEXT = "text"
CREDIT_CODE = "credit_code"
INTEGER = "integer"
DECIMAL = "decimal"
BOOLEAN = "boolean"
DATE = "date"
MONTH = "month"
CHOICE = "choice"

TYPE_LABELS = {
    TEXT: "文本",
    CREDIT_CODE: "18位统一社会信用代码（文本）",
    INTEGER: "整数",
    DECIMAL: "数字",
    BOOLEAN: "是/否",
    DATE: "日期（2025-03-01、2025/3/1 或 2025年3月1日）",
    MONTH: "月份（2025-03）",
    CHOICE: "从下拉列表选择",
}

YES_NO = ("是", "否")
PROJECT_CATEGORIES = {"数字化": "digital", "绿色化": "green"}
CREDENTIAL_LEVELS = {"国家级": "national", "省级": "provincial", "市级": "municipal", "县级": "county"}
ACTIVITY_KINDS = {"培训": "training", "诊断": "diagnosis", "现场会": "meeting", "其他": "other"}
PROJECT_STAGES = {s.name: s.code for s in STAGES}
PROJECT_HEALTH = {"正常": "normal", "滞后": "lagging", "停滞": "stalled"}  # Project.Health

# Allowed values that live in the database rather than in code (credential kinds); the template reads
# them when it is written, the validator when it runs.
CHOICES_FROM_DB = "db"


@dataclass(frozen=True)
class Column:
    field: str  # the model field (or a pseudo-field the validator resolves: credit_code, region, industry)
    header: str  # exactly the Chinese header of issue 2 §3
    type: str
    required: bool = False
    unit: str = ""
    key: bool = False  # part of the row's identity: re-importing the same key updates the row
    choices: dict[str, str] | str | None = None  # display value -> stored code, or CHOICES_FROM_DB
    minimum: str | None = None  # decimal/integer lower bound (as text, to stay Decimal-exact)
    maximum: str | None = None
    max_length: int | None = None  # text columns: the model field's length
    note: str = ""
    width: int = 14  # template column width in characters


@dataclass(frozen=True)
class ImportKind:
    code: str
    name: str
    columns: tuple[Column, ...]
    key_description: str
    note: str = ""
    headers: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", tuple(c.header for c in self.columns))

    @property
    def key_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.key)

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)


def _money(field_name: str, header: str, **kwargs) -> Column:
    return Column(field_name, header, DECIMAL, unit="万元", minimum="0", **kwargs)


CREDIT = Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, width=22,
                note="须为已导入的企业（先导入“企业名录”）")

KINDS: dict[str, ImportKind] = {
    k.code: k
    for k in (
        ImportKind(
            "enterprises", "企业名录",
            (
                Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, key=True, width=22,
                       note="按 GB 32100 校验位检查"),
                Column("name", "企业名称", TEXT, required=True, max_length=128, width=34),
                Column("region", "所属区域", TEXT, required=True, width=16,
                       note="区划代码、名称或简称（如 330424001、武原街道、武原、开发区）；宜填到镇（街道）"),
                Column("industry", "行业代码", TEXT, width=12,
                       note="GB/T 4754-2017 制造业大类，如 C34（也可填 34 或大类名称）"),
            ),
            "统一社会信用代码",
        ),
        ImportKind(
            "enterprise-years", "企业年度数据",
            (
                Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, key=True, width=22,
                       note=CREDIT.note),
                Column("year", "年度", INTEGER, required=True, key=True, minimum="2000", maximum="2100", width=8),
                Column("is_above_scale", "是否规上", BOOLEAN,
                       note="主营业务收入2000万元及以上为规上", width=10),
                Column("is_key_energy", "是否重点用能", BOOLEAN, width=12),
                _money("revenue_wan", "营业收入(万元)"),
                _money("value_added_wan", "工业增加值(万元)", width=16),
                _money("tax_wan", "税收(万元)"),
                Column("employees", "年均职工人数", INTEGER, unit="人", minimum="0", width=12),
                Column("land_mu", "用地面积(亩)", DECIMAL, unit="亩", minimum="0"),
                Column("energy_tce", "综合能耗(吨标准煤)", DECIMAL, unit="吨标准煤", minimum="0", width=18,
                       note="等价值"),
                _money("rd_wan", "研发经费(万元)"),
            ),
            "统一社会信用代码 + 年度",
        ),
        ImportKind(
            "credentials", "认定（荣誉）",
            (
                Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, key=True, width=22,
                       note=CREDIT.note),
                Column("kind", "认定类型", CHOICE, required=True, key=True, choices=CHOICES_FROM_DB, width=20),
                Column("level", "级别", CHOICE, required=True, key=True, choices=CREDENTIAL_LEVELS, width=10),
                Column("granted_on", "认定日期", DATE, required=True, width=12),
                Column("note", "备注", TEXT, max_length=200, width=30),
            ),
            "统一社会信用代码 + 认定类型 + 级别",
            note="同一认定升级（如市级升为省级）另起一行。",
        ),
        ImportKind(
            "digital-levels", "数字化水平评定",
            (
                Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, key=True, width=22,
                       note=CREDIT.note),
                Column("level", "数字化水平", DECIMAL, required=True, minimum="1.0", maximum="4.0", width=12,
                       note="1.0–4.0，保留一位小数"),
                Column("assessed_on", "评定日期", DATE, required=True, key=True, width=12),
            ),
            "统一社会信用代码 + 评定日期",
        ),
        ImportKind(
            "projects", "改造项目",
            (
                Column("code", "项目编号", TEXT, required=True, key=True, max_length=40, width=16),
                Column("name", "项目名称", TEXT, required=True, max_length=200, width=34),
                Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, width=22, note=CREDIT.note),
                Column("category", "项目类别", CHOICE, required=True, choices=PROJECT_CATEGORIES, width=10),
                Column("subtype", "项目子类", TEXT, max_length=64, width=14),
                _money("total_investment_wan", "总投资(万元)"),
                _money("equipment_investment_wan", "设备投资(万元)"),
                _money("it_investment_wan", "信息化投资(万元)", width=16),
                _money("civil_investment_wan", "土建投资(万元)"),
                Column("planned_start", "计划开工日期", DATE, width=13),
                Column("planned_end", "计划竣工日期", DATE, width=13),
                Column("actual_start", "实际开工日期", DATE, width=13),
                Column("actual_end", "实际竣工日期", DATE, width=13),
                Column("accepted_on", "验收日期", DATE, width=12),
                Column("stage", "项目阶段", CHOICE, required=True, choices=PROJECT_STAGES, width=10,
                       note="在库起须填计划开竣工日期和总投资；在建起须填实际开工日期；竣工起须填实际竣工日期；"
                            "验收起须填验收日期"),
                Column("health", "运行状态", CHOICE, choices=PROJECT_HEALTH, width=10,
                       note="可整列不填（保持原状态，新项目为正常）；列中留空即为正常"),
                Column("energy_saved_tce", "年节能量(吨标准煤)", DECIMAL, unit="吨标准煤", minimum="0", width=18),
                Column("energy_saving_verified", "节能量已确权", BOOLEAN,
                       width=12),
                Column("co2_cut_t", "年减排二氧化碳(吨)", DECIMAL, unit="吨", minimum="0", width=18),
                Column("water_saved_t", "年节水量(吨)", DECIMAL, unit="吨", minimum="0"),
                Column("robots_added", "新增工业机器人(台)", INTEGER, unit="台", minimum="0", width=18),
            ),
            "项目编号",
        ),
        ImportKind(
            "progress", "项目月度进度",
            (
                Column("project_code", "项目编号", TEXT, required=True, key=True, width=16,
                       note="须为已导入的项目"),
                Column("month", "月份", MONTH, required=True, key=True, width=10),
                _money("cumulative_investment_wan", "累计完成投资(万元)", required=True, width=18,
                       note="自开工起累计，逐月不减少"),
            ),
            "项目编号 + 月份",
        ),
        ImportKind(
            "activities", "培训等活动",
            (
                Column("date", "日期", DATE, required=True, key=True, width=12),
                Column("region", "所属区域", TEXT, required=True, key=True, width=16,
                       note="区划代码、名称或简称（如 武原、开发区）"),
                Column("kind", "类型", CHOICE, required=True, choices=ACTIVITY_KINDS, width=10),
                Column("title", "名称", TEXT, required=True, key=True, max_length=200, width=34),
                Column("attendance", "参加人数", INTEGER, unit="人", minimum="0", width=10),
            ),
            "日期 + 所属区域 + 名称",
        ),
    )
}


def import_kind(code: str) -> ImportKind:
    """The kind by its code; KeyError with the valid codes in Chinese otherwise."""
    try:
        return KINDS[code]
    except KeyError:
        raise KeyError(f"未知的导入类型“{code}”，可选：{'、'.join(KINDS)}") from None
